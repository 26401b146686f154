"""LL506 copy-multi-source-no-slash: COPY/ADD with several sources needs a destination ending in /."""
from ...helpers import lint, positions


def test_multi_source_without_slash_fires_with_fix():
    f = lint("FROM python:3.12\nCOPY a.txt b.txt /app\n", "LL506")
    assert positions(f) == [("LL506", 2, 18)] and f[0].span.end_column == 22
    e = f[0].fix.edits[0]
    assert (e.span.line, e.span.column, e.span.end_column, e.text) == (2, 22, 22, "/")
    assert f[0].hadolint == ("DL3021",)


def test_multi_source_variants():
    f = lint('FROM python:3.12\nCOPY ["a", "b", "/app"]\n', "LL506")
    assert positions(f) == [("LL506", 2, 6)] and f[0].fix is None
    f = lint("FROM python:3.12\nONBUILD ADD a b \\\n  dir\n", "LL506")
    assert positions(f) == [("LL506", 3, 3)]
    f = lint("FROM python:3.12\nCOPY <<A <<B /etc/x\na\nA\nb\nB\n", "LL506")
    assert positions(f) == [("LL506", 2, 14)]
    f = lint('FROM python:3.12\nCOPY a b "/app"\n', "LL506")
    assert f[0].fix.edits[0].span.column == 15
    f = lint("FROM python:3.12\nARG D=/app\nCOPY a b $D\n", "LL506")
    assert positions(f) == [("LL506", 3, 10)] and f[0].fix is None


def test_multi_source_does_not_fire():
    assert lint("FROM python:3.12\nCOPY a b /app/\n", "LL506") == []
    assert lint("FROM python:3.12\nCOPY a /app\n", "LL506") == []
    assert lint("FROM python:3.12\nCOPY *.txt /app\n", "LL506") == []
    assert lint("FROM python:3.12\nARG D=/app/\nCOPY a b ${D}\n", "LL506") == []
    assert lint("FROM python:3.12\nARG D\nCOPY a b ${D}\n", "LL506") == []
