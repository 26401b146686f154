"""LL407 maintainer-deprecated: `MAINTAINER` is deprecated; use `LABEL org.opencontainers.image.authors`.

ONBUILD MAINTAINER is a parse error (tests/rules/test_rule_catalogue.py), so this rule has no ONBUILD case.
"""
from ...helpers import fixes, lint, positions


def test_maintainer_deprecated_with_label_fix():
    f = lint("FROM alpine\nMAINTAINER Jane Doe <jane@example.com>\n", "LL407")
    assert positions(f) == [("LL407", 2, 1)]
    assert f[0].message == "Maintainer instruction is deprecated in favor of using label"
    assert fixes(f) == [[(2, 1, 2, 39, 'LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"')]]


def test_maintainer_fix_keeps_the_value_exact_and_the_casing():
    f = lint('from a\nmaintainer "Bob" $USER \\\n  x\n', "LL407")
    assert positions(f) == [("LL407", 2, 1)]
    # MAINTAINER never expands; LABEL does, so `$` and quotes are escaped
    assert fixes(f) == [[(2, 1, 3, 4, 'label org.opencontainers.image.authors="\\"Bob\\" \\$USER   x"')]]


def test_maintainer_with_backtick_escape():
    f = lint("# escape=`\nFROM a\nMAINTAINER a\"b\n", "LL407")
    assert fixes(f) == [[(3, 1, 3, 15, 'LABEL org.opencontainers.image.authors="a`"b"')]]


def test_maintainer_does_not_fire():
    assert lint('FROM a\nLABEL org.opencontainers.image.authors="x"\n', "LL407") == []
