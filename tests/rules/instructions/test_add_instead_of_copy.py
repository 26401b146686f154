"""LL504 add-instead-of-copy: ADD of local files or directories; use COPY."""
from ...helpers import lint, positions


def test_add_local_file_fires_with_fix():
    f = lint("FROM alpine:3\nADD config.yaml /etc/app/\n", "LL504")
    assert positions(f) == [("LL504", 2, 5)] and f[0].span.end_column == 16
    assert f[0].fix is not None and f[0].fix.edits[0].text == "COPY"
    assert f[0].fix.edits[0].span.column == 1 and f[0].fix.edits[0].span.end_column == 4
    f = lint("FROM alpine:3\nadd a b\n", "LL504")
    assert f[0].fix.edits[0].text == "copy"


def test_add_mixed_sources_points_at_local_and_has_no_fix():
    f = lint("FROM alpine:3\nADD https://x.example/a.txt b.txt /d/\n", "LL504")
    assert positions(f) == [("LL504", 2, 29)] and f[0].fix is None


def test_add_instead_of_copy_variants():
    # ONBUILD, continuation, JSON form, heredoc
    f = lint("FROM alpine:3\nONBUILD ADD a.txt /a\n", "LL504")
    assert positions(f) == [("LL504", 2, 13)] and f[0].fix.edits[0].span.column == 9
    f = lint("FROM alpine:3\nADD --chown=1:1 \\\n    src/ \\\n    /app/\n", "LL504")
    assert positions(f) == [("LL504", 3, 5)]
    f = lint('FROM alpine:3\nADD ["a b.txt", "/x/"]\n', "LL504")
    assert positions(f) == [("LL504", 2, 5)]
    f = lint("FROM alpine:3\nADD <<EOF /x\nhello\nEOF\n", "LL504")
    assert positions(f) == [("LL504", 2, 5)] and "heredoc" in f[0].message


def test_add_instead_of_copy_does_not_fire():
    for src in ("https://example.com/a.txt", "http://x/y", "git@github.com:o/r.git", "https://github.com/o/r.git#v1",
                "app.tar.gz", "app.tgz", "rootfs.tar.xz", "x.tar"):
        assert lint(f"FROM alpine:3\nADD {src} /x/\n", "LL504") == [], src
    assert lint("FROM alpine:3\nARG URL=https://example.com/a\nADD ${URL} /x\n", "LL504") == []
    assert lint("FROM alpine:3\nARG SRC\nADD ${SRC} /x\n", "LL504") == []  # unknown
    assert lint("FROM alpine:3\nCOPY a /x\n", "LL504") == []
    # ADD-only flags: reported but no automatic fix
    f = lint("FROM alpine:3\nADD --checksum=sha256:00 a /x\n", "LL504")
    assert len(f) == 1 and f[0].fix is None
