"""LL414 redundant-target-platform: `FROM --platform=$TARGETPLATFORM` is the default.

ONBUILD FROM is a parse error (tests/rules/test_rule_catalogue.py), so this rule has no ONBUILD case.
"""
import pytest

from ...helpers import lint, positions


@pytest.mark.parametrize("value", ["$TARGETPLATFORM", "${TARGETPLATFORM}", '"$TARGETPLATFORM"'])
def test_redundant_target_platform(value):
    f = lint(f"FROM --platform={value} alpine AS builder\n", "LL414")
    assert positions(f) == [("LL414", 1, 17)]
    assert f[0].message == (f"Setting platform to predefined {value.strip(chr(34))} in FROM is redundant "
                            "as this is the default behavior")
    assert f[0].hadolint == ("DL3065",)


def test_redundant_target_platform_does_not_fire():
    text = ("FROM --platform=$BUILDPLATFORM a\nFROM --platform=${TARGETPLATFORM}-x b\n"
            "FROM --platform=$TARGETOS/$TARGETARCH c\nFROM --platform=linux/amd64 d AS amd64\nFROM e\n")
    assert lint(text, "LL414") == []
