"""LL404 duplicate-stage-name: Stage name used by more than one `FROM ... AS`.

ONBUILD FROM is a parse error (tests/rules/test_rule_catalogue.py), so this rule has no ONBUILD case.
"""
from ...helpers import lint, positions


def test_duplicate_stage_name_fires_on_each_repeat_case_insensitively():
    text = "FROM a AS build\nFROM b AS Build\nFROM c AS x\nFROM d AS BUILD\n"
    f = lint(text, "LL404")
    assert positions(f) == [("LL404", 2, 11), ("LL404", 4, 11)]
    assert f[0].message.startswith('Duplicate stage name "build", stage names should be unique')
    assert f[0].hadolint == ("DL3024",)


def test_duplicate_stage_name_does_not_fire():
    assert lint("FROM a AS build\nFROM build AS test\nFROM a\nFROM a\n", "LL404") == []
