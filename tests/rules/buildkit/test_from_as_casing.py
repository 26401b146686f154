"""LL401 from-as-casing: `AS` in `FROM ... AS name` should use the same casing as `FROM`.

ONBUILD FROM is a parse error (tests/rules/test_rule_catalogue.py), so this rule has no ONBUILD case.
"""
from ...helpers import fixes, lint, positions


def test_from_as_casing_fires_at_as_word():
    # docs example: FROM debian:latest as builder
    f = lint("FROM debian:latest as builder\nfrom alpine:3 AS runtime\n", "LL401")
    assert positions(f) == [("LL401", 1, 20), ("LL401", 2, 15)]
    assert f[0].message == "'as' and 'FROM' keywords' casing do not match"
    assert f[1].message == "'AS' and 'from' keywords' casing do not match"
    assert fixes(f) == [[(1, 20, 1, 22, "AS")], [(2, 15, 2, 17, "as")]]


def test_from_as_casing_with_flags_and_continuation():
    text = "FROM --platform=linux/amd64 alpine:3 \\\n  As b\n"
    assert positions(lint(text, "LL401")) == [("LL401", 2, 3)]


def test_from_as_casing_does_not_fire():
    assert lint("FROM a AS b\nfrom c as d\nFROM e\n", "LL401") == []
    # a mixed-case FROM is left to consistent-instruction-casing
    assert lint("From a as b\nFrOm c AS d\n", "LL401") == []
