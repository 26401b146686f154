"""LL101 missing-tag: Base image has no tag or uses the floating `latest` tag.

ONBUILD FROM is a parse error (tests/rules/test_rule_catalogue.py), so this rule has no ONBUILD case.
"""
from ...helpers import lint, positions


def test_missing_tag_fires_on_untagged_and_latest_with_exact_columns():
    f = lint("FROM python\nFROM node:latest AS x\n", "LL101")
    assert positions(f) == [("LL101", 1, 6), ("LL101", 2, 11)]
    assert f[0].hadolint == ("DL3006",) and f[1].hadolint == ("DL3007",)
    assert f[1].span.end_column == 17


def test_missing_tag_after_arg_expansion():
    f = lint("ARG BASE=python\nFROM ${BASE}\n", "LL101")
    assert positions(f) == [("LL101", 2, 6)] and "python" in f[0].message


def test_missing_tag_does_not_fire():
    text = ("ARG BASE=python:3.12\nFROM ${BASE} AS a\nFROM a\nFROM scratch\n"
            "FROM alpine@sha256:0123\nFROM ghcr.io/x/y:1.2\nFROM localhost:5000/img:2\n")
    assert lint(text, "LL101") == []
    assert lint("ARG V\nFROM alpine:${V}\n", "LL101") == []  # unknown value: not guessed


def test_require_digest_option():
    f = lint("FROM alpine:3.20\nFROM alpine@sha256:00\n", "LL101",
             rule_options={"LL101": {"require-digest": True}})
    assert positions(f) == [("LL101", 1, 6)] and "digest" in f[0].message
