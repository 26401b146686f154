"""LL408 undefined-arg-in-from: `FROM` uses a variable that is not declared by a global `ARG`.

ONBUILD FROM is a parse error (tests/rules/test_rule_catalogue.py), so this rule has no ONBUILD case.
"""
from ...helpers import lint, positions


def test_undefined_arg_in_from_docs_example_with_suggestion():
    # docs: FROM node:22${VARIANT} AS jsbuilder, no ARG VARIANT
    f = lint("FROM node:22${VARIANT} AS jsbuilder\n", "LL408")
    assert positions(f) == [("LL408", 1, 13)] and f[0].span.end_column == 23
    assert f[0].message == "FROM argument 'VARIANT' is not declared"
    f = lint("ARG VERSION=1\nFROM alpine:${VERSON}\n", "LL408")
    assert positions(f) == [("LL408", 2, 13)]
    assert f[0].message == "FROM argument 'VERSON' is not declared (did you mean VERSION?)"


def test_undefined_arg_in_from_platform_flag_and_continuation():
    text = "FROM --platform=$BUILDPLATFROM \\\n   golang:$GO_VER AS build\n"
    f = lint(text, "LL408")
    assert positions(f) == [("LL408", 1, 17), ("LL408", 2, 11)]
    assert f[0].message == "FROM argument 'BUILDPLATFROM' is not declared (did you mean BUILDPLATFORM?)"


def test_undefined_arg_in_from_stage_arg_is_not_visible():
    # an ARG inside a stage does not reach the next FROM
    text = "FROM alpine AS a\nARG TAG=3.20\nFROM alpine:$TAG\n"
    assert positions(lint(text, "LL408")) == [("LL408", 3, 13)]


def test_undefined_arg_in_from_does_not_fire():
    text = ("ARG BASE\nARG TAG=1\nFROM ${BASE:-alpine}:$TAG\n"
            "FROM --platform=$BUILDPLATFORM golang:1 AS b\nFROM busybox:${TARGETARCH}\n"
            "FROM scratch AS out-$TARGETSTAGE\n")
    assert lint(text, "LL408") == []
