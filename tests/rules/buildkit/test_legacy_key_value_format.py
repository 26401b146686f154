"""LL412 legacy-key-value-format: `ENV`/`LABEL` in the legacy `key value` form; use `key=value`."""
from ...helpers import fixes, lint, positions


def test_legacy_key_value_env_and_label_with_fix():
    text = "FROM a\nENV APP_HOME /srv/app\nLABEL description A small web service\n"
    f = lint(text, "LL412")
    assert positions(f) == [("LL412", 2, 5), ("LL412", 3, 7)]
    assert f[0].message == '"ENV key=value" should be used instead of legacy "ENV key value" format'
    assert f[1].message == '"LABEL key=value" should be used instead of legacy "LABEL key value" format'
    assert fixes(f) == [[(2, 5, 2, 22, "APP_HOME=/srv/app")],
                        [(3, 7, 3, 38, 'description="A small web service"')]]


def test_legacy_key_value_fix_quoting_keeps_the_value():
    f = lint('FROM a\nENV MSG "hello world" and $X\nenv K  a\\ b c\n', "LL412")
    assert positions(f) == [("LL412", 2, 5), ("LL412", 3, 5)]
    assert f[1].message.startswith('"env key=value"')
    # quotes or escapes present: escape each blank outside quotes instead of re-quoting
    assert fixes(f) == [[(2, 5, 2, 29, 'MSG="hello world"\\ and\\ $X')], [(3, 5, 3, 14, "K=a\\ b\\ c")]]


def test_legacy_key_value_continuation_and_not_in_onbuild():
    # BuildKit does not check ONBUILD triggers (verified: tests/test_buildkit_conformance.py)
    text = "FROM a\nONBUILD ENV A 1\nONBUILD LABEL b c\nENV B \\\n  2\n"
    f = lint(text, "LL412")
    assert positions(f) == [("LL412", 4, 5)]
    assert fixes(f) == [[(4, 5, 5, 4, "B=2")]]


def test_legacy_key_value_does_not_fire():
    assert lint('FROM a\nENV A=1 B="x y"\nLABEL a=b\n', "LL412") == []
