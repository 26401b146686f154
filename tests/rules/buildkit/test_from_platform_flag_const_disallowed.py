"""LL416 from-platform-flag-const-disallowed: `FROM --platform` pinned to a constant platform.

ONBUILD FROM is a parse error (tests/rules/test_rule_catalogue.py), so this rule has no ONBUILD case.
"""
from ...helpers import lint, positions


def test_from_platform_const():
    # docs: FROM --platform=linux/amd64 alpine AS base
    f = lint("FROM --platform=linux/amd64 alpine AS base\nFROM --platform=linux/arm64 \\\n  debian\n", "LL416")
    assert positions(f) == [("LL416", 1, 17), ("LL416", 2, 17)]
    assert f[0].message == 'FROM --platform flag should not use constant value "linux/amd64"'


def test_from_platform_const_stage_named_after_platform():
    text = ("FROM --platform=linux/amd64 alpine AS build-amd64\nFROM --platform=linux/arm64 debian AS linux-build\n"
            "FROM --platform=linux/x86_64 alpine AS amd64-tools\nFROM --platform=$BUILDPLATFORM a AS b\n"
            "FROM --platform=not/a/valid/platform a\n")
    assert lint(text, "LL416") == []
