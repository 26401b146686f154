"""LL405 reserved-stage-name: Stage named after a reserved word (`scratch`, `context`).

ONBUILD FROM is a parse error (tests/rules/test_rule_catalogue.py), so this rule has no ONBUILD case.
"""
from ...helpers import lint, positions


def test_reserved_stage_name():
    f = lint("FROM alpine AS scratch\nFROM alpine AS Context\n", "LL405")
    assert positions(f) == [("LL405", 1, 16), ("LL405", 2, 16)]
    assert f[0].message == 'Stage name should not use the same name as reserved stage "scratch"'
    assert f[1].message == 'Stage name should not use the same name as reserved stage "context"'
    assert lint("FROM scratch AS base\nFROM scratch\nFROM a AS scratchpad\n", "LL405") == []
