"""LL409 workdir-relative-path: First `WORKDIR` of a stage is relative: it depends on the base image."""
from ...helpers import lint, positions


def test_workdir_relative_first_in_stage():
    # docs example: FROM alpine / WORKDIR app
    f = lint("FROM alpine\nWORKDIR app\nWORKDIR sub\n", "LL409")
    assert positions(f) == [("LL409", 2, 9)]
    assert f[0].message == 'Relative workdir "app" can have unexpected results if the base image changes'
    assert f[0].hadolint == ("DL3000",)


def test_workdir_relative_after_expansion_and_across_stages():
    text = ("FROM a AS base\nWORKDIR /app\nFROM base\nWORKDIR src\n"
            "FROM b\nARG DIR=build\nWORKDIR \\\n  $DIR\n")
    f = lint(text, "LL409")
    assert positions(f) == [("LL409", 8, 3)] and '"build"' in f[0].message


def test_workdir_every_relative_option():
    text = "FROM a\nWORKDIR /app\nWORKDIR src\n"
    assert lint(text, "LL409") == []
    assert positions(lint(text, "LL409", rule_options={"LL409": {"every-relative": True}})) == [("LL409", 3, 9)]


def test_workdir_relative_does_not_fire():
    text = ('FROM a\nWORKDIR /app\nFROM b\nWORKDIR $HOME/app\nFROM c\nWORKDIR "/srv"\n'
            "FROM d\nWORKDIR C:\\\\app\nFROM e\nONBUILD WORKDIR rel\n")
    assert lint(text, "LL409") == []


def test_workdir_undefined_variable_on_a_known_base_is_empty():
    # BuildKit expands an undefined variable to nothing: WORKDIR "" is relative. layerlint knows
    # it is undefined on scratch and on an image its official-image table knows completely
    text = "FROM alpine:3.20\nWORKDIR $APP\nENV APP=/srv\nFROM scratch\nWORKDIR $NOPE/app\n"
    f = lint(text, "LL409")
    assert positions(f) == [("LL409", 2, 9)] and '"" can have' in f[0].message
    # a default, or a name the base image defines, or an unknown image: not reported
    text = ("FROM python:3.12\nWORKDIR ${NOPE:-/srv}\nFROM node:22\nWORKDIR $NODE_VERSION\n"
            "FROM myorg/base\nWORKDIR $APP_DIR\n")
    assert lint(text, "LL409") == []


def test_workdir_windows_drive_path_is_absolute():
    # deliberately unlike BuildKit on Linux, which calls it relative (the rule's docs say why)
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\n"
    assert lint(text, "LL409") == []
    assert lint("FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nWORKDIR D:/data\n", "LL409") == []
