"""LL519 inline-pragma: Inline suppression comment (policy: keep exceptions in the config).

The rule reads comments, not instructions: ONBUILD does not apply.
"""
from ...helpers import lint, positions


def test_inline_pragma_policy_rule():
    text = ("# check=skip=JSONArgsRecommended\n"
            "# hadolint ignore=DL3008\n"
            "FROM debian:12\n"
            "  # layerlint: ignore=LL101 because\n"
            "RUN true\n"
            "# just a comment\n")
    f = lint(text, "LL519")
    assert positions(f) == [("LL519", 1, 1), ("LL519", 2, 1), ("LL519", 4, 3)]
    assert f[1].hadolint == ("DL1001",) and "hadolint" in f[1].message
    assert lint("# a comment\nFROM debian:12\n", "LL519") == []
