"""LL417 copy-ignored-file: `COPY`/`ADD` source is excluded by `.dockerignore`."""
import pytest

from ...helpers import lint, positions


@pytest.fixture
def context(tmp_path):
    def make(ignore: str):
        (tmp_path / ".dockerignore").write_text(ignore)
        return str(tmp_path)
    return make


def test_copy_ignored_file(context):
    ctx = context("secrets/\n*.env\nbuild\n")
    text = ("FROM scratch\nCOPY ./secrets/key.pem /k\nCOPY app.env config.yml /etc/\n"
            "ADD build/out.tar.gz /opt/\nADD https://example.com/x.env /x\n")
    f = lint(text, "LL417", context_dir=ctx)
    assert positions(f) == [("LL417", 2, 6), ("LL417", 3, 6), ("LL417", 4, 5)]
    assert f[0].message == ('Attempting to Copy file "secrets/key.pem" that is excluded by .dockerignore '
                            "(pattern 'secrets/', line 1)")
    assert f[2].message.startswith('Attempting to Add file "build/out.tar.gz"')


def test_copy_ignored_file_expansion_exec_form_and_multistage(context):
    ctx = context("dist\n")
    text = ('FROM scratch AS a\nARG D=dist\nCOPY $D/app /app\nCOPY ["dist/x", "/x"]\n'
            "FROM alpine\nCOPY --from=a /dist /dist\nCOPY $UNKNOWN/app /app\nONBUILD COPY dist /d\n")
    f = lint(text, "LL417", context_dir=ctx)
    assert positions(f) == [("LL417", 3, 6), ("LL417", 4, 6)]
    assert '"dist/app"' in f[0].message


def test_copy_ignored_file_context_root(context):
    # BuildKit: `.` is only "ignored" when a catch-all pattern excludes everything in it
    text = "FROM scratch\nCOPY . /src\n"
    assert positions(lint(text, "LL417", context_dir=context("*\n"))) == [("LL417", 2, 6)]
    assert positions(lint(text, "LL417", context_dir=context("**\n"))) == [("LL417", 2, 6)]
    assert lint(text, "LL417", context_dir=context(".*\nnode_modules\n")) == []


def test_copy_ignored_file_skipped_with_exceptions_and_heredocs(context):
    # with `!` patterns: a source that stays excluded, with nothing under it re-included, is
    # reported (as BuildKit v0.25 does); the context root under the allow-list idiom is not
    ctx = context("*\n!app/\n")
    assert [(f.span.line, f.span.column) for f in lint("FROM scratch\nCOPY secrets /s\nCOPY . /src\nCOPY app /app\n",
                                                       "LL417", context_dir=ctx)] == [(2, 6)]
    ctx = context("*\n!secrets/public.txt\n")  # a file under it comes back: COPY copies it
    assert lint("FROM scratch\nCOPY secrets /s\n", "LL417", context_dir=ctx) == []
    ctx = context("secrets\n!*.md\n")  # a wildcard exception may match under it
    assert lint("FROM scratch\nCOPY secrets /s\n", "LL417", context_dir=ctx) == []
    ctx = context("*\n")
    assert lint("FROM scratch\nCOPY <<EOF /x\nhi\nEOF\n", "LL417", context_dir=ctx) == []


def test_copy_ignored_file_without_dockerignore(tmp_path):
    assert lint("FROM scratch\nCOPY secrets /s\n", "LL417", context_dir=str(tmp_path)) == []
    assert lint("FROM scratch\nCOPY secrets /s\n", "LL417") == []


def test_copy_ignored_file_docs_example_pattern(context):
    # docs: `.dockerignore` with `*/tmp/*`. That pattern needs one directory level before
    # `tmp`, so it excludes `x/tmp/a` but not `tmp/a` (Go's filepath.Match semantics, which
    # BuildKit uses); the docs' "bad" example `COPY ./tmp/helloworld.txt` does not match it.
    ctx = context("*/tmp/*\n")
    text = "FROM scratch\nCOPY ./tmp/helloworld.txt /h\nCOPY ./forever/tmp/x.txt /x\n"
    assert positions(lint(text, "LL417", context_dir=ctx)) == [("LL417", 3, 6)]


def test_copy_ignored_file_absolute_source_is_a_context_path(context):
    ctx = context("secrets\n")
    assert positions(lint("FROM scratch\nCOPY /secrets/key /k\n", "LL417", context_dir=ctx)) == [("LL417", 2, 6)]
