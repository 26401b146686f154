"""LL102 oversized-base-image: Full-size base image where a much smaller variant of the same version exists.

ONBUILD FROM is a parse error (tests/rules/test_rule_catalogue.py), so this rule has no ONBUILD case.
"""
from ...helpers import lint, positions


def test_oversized_base_fires_with_saving():
    f = lint("FROM python:3.12\nCMD [\"python\"]\n", "LL102")
    assert positions(f) == [("LL102", 1, 6)]
    assert "python:3.12-slim" in f[0].message and "MB smaller" in f[0].message


def test_oversized_base_estimate_for_unknown_tag_and_threshold():
    f = lint("FROM python:3.9\n", "LL102")
    assert f and "estimated" in f[0].message
    assert lint("FROM python:3.12\n", "LL102", rule_options={"LL102": {"min-saving-mb": 5000}}) == []


def test_oversized_base_does_not_fire():
    assert lint("FROM python:3.12-slim\n", "LL102") == []
    assert lint("FROM ubuntu:24.04\n", "LL102") == []  # no smaller variant in the table
    # build stage whose output is copied: only the final image ships
    assert lint("FROM golang:1.26 AS b\nRUN go build\nFROM scratch\nCOPY --from=b /a /a\n", "LL102") == []
    assert lint("FROM myorg/python:3.12\n", "LL102") == []  # not an official image
