"""LL400 stage-name-casing: Stage name in `FROM ... AS <name>` should be lowercase.

ONBUILD FROM is a parse error (tests/rules/test_rule_catalogue.py), so this rule has no ONBUILD case.
"""
from ...helpers import fixes, lint, positions


def test_stage_name_casing_fires_at_the_name_with_fix():
    # docs example: FROM node:20 AS BuilderBase
    f = lint("FROM node:20 AS BuilderBase\nRUN true\n", "LL400")
    assert positions(f) == [("LL400", 1, 17)]
    assert f[0].message == "Stage name 'BuilderBase' should be lowercase"
    assert f[0].span.end_column == 28
    assert fixes(f) == [[(1, 17, 1, 28, "builderbase")]]


def test_stage_name_casing_continuation_and_multistage():
    text = "FROM alpine:3 \\\n    AS Build\nFROM Build\nCOPY --from=Build /a /a\n"
    assert positions(lint(text, "LL400")) == [("LL400", 2, 8)]


def test_stage_name_casing_does_not_fire():
    assert lint("FROM node:20 AS builder-base\nFROM builder-base\nFROM Ubuntu\n", "LL400") == []
    assert lint("FROM --platform=$BUILDPLATFORM golang:1 AS build_2\n", "LL400") == []
