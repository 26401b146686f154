"""LL516 missing-healthcheck: The final image defines no HEALTHCHECK."""
from ...helpers import lint, positions


def test_missing_healthcheck():
    from layerlint.rules import find_rule
    assert not find_rule("LL516").enabled_by_default
    f = lint("FROM nginx:1 AS a\nHEALTHCHECK CMD true\nFROM nginx:1\n", "LL516")
    assert positions(f) == [("LL516", 3, 1)] and f[0].hadolint == ("DL3057",)
    assert lint("FROM nginx:1 AS a\nHEALTHCHECK CMD true\nFROM a\n", "LL516") == []
    assert lint("FROM nginx:1 AS a\nONBUILD HEALTHCHECK NONE\nFROM a\n", "LL516") == []
    assert lint("FROM nginx:1\nHEALTHCHECK NONE\n", "LL516") == []
    assert lint("FROM nginx:1\n") == [] or all(x.rule != "LL516" for x in lint("FROM nginx:1\n"))


def test_missing_healthcheck_own_onbuild_does_not_count():
    # the final stage's own ONBUILD HEALTHCHECK only applies to images built on it
    assert positions(lint("FROM nginx:1\nONBUILD HEALTHCHECK CMD true\n", "LL516")) == [("LL516", 1, 1)]
