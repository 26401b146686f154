"""LL509 copy-relative-dest-no-workdir: COPY/ADD to a relative destination before any WORKDIR: the base image decides where it lands."""
from ...helpers import lint, positions


def test_copy_relative_dest_fires():
    f = lint("FROM node:22\nCOPY package.json ./\n", "LL509")
    assert positions(f) == [("LL509", 2, 19)] and f[0].hadolint == ("DL3045",)
    f = lint("FROM node:22\nADD a.txt app/\nCOPY --from=node:22 /x .\n", "LL509")
    assert positions(f) == [("LL509", 2, 11), ("LL509", 3, 24)]
    f = lint("FROM node:22\nCOPY a \\\n     b/\n", "LL509")
    assert positions(f) == [("LL509", 3, 6)]
    f = lint("FROM node:22\nARG APP\nCOPY . ../apps/${APP}\n", "LL509")  # relative whatever APP is
    assert positions(f) == [("LL509", 3, 8)]
    f = lint("FROM node:22\nWORKDIR app\nCOPY . .\n", "LL509")  # relative to an unknown directory
    assert positions(f) == [("LL509", 3, 8)]


def test_copy_relative_dest_does_not_fire():
    assert lint("FROM node:22\nWORKDIR /app\nCOPY a ./\n", "LL509") == []
    assert lint("FROM node:22\nCOPY a /app/\n", "LL509") == []
    assert lint("FROM node:22 AS base\nWORKDIR /app\nFROM base\nCOPY a .\n", "LL509") == []
    assert lint("FROM scratch\nCOPY a .\n", "LL509") == []  # scratch starts in /
    assert lint("FROM node:22\nARG D=/app\nCOPY a $D\n", "LL509") == []
    assert lint("FROM node:22\nARG D\nCOPY a $D\n", "LL509") == []
    assert lint("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY a C:\\\\app\\\\\n", "LL509") == []
    assert lint("FROM node:22\nONBUILD COPY a .\n", "LL509") == []
    # a WORKDIR in one stage does not help the next (hadolint misses this)
    f = lint("FROM node:22\nWORKDIR /app\nFROM node:22\nCOPY a .\n", "LL509")
    assert positions(f) == [("LL509", 4, 8)]


def test_windows_drive_workdir_is_absolute():
    """hadolint's DL3045 takes `C:\\app` as absolute; 27 false LL509 on the corpus's Windows images."""
    for workdir in ("C:\\\\app", "c:/app", "\"c:\\inetpub\\wwwroot\"", "C:\\app"):
        text = f"FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR {workdir}\nCOPY a.txt .\n"
        assert lint(text, "LL509") == [], workdir
    text = "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nWORKDIR C:\\app\nCOPY . .\n"
    assert lint(text, "LL509") == []
    # a relative WORKDIR that only looks like one still fires
    f = lint("FROM node:22\nWORKDIR app:1\nCOPY a.txt .\n", "LL509")
    assert positions(f) == [("LL509", 3, 12)]
