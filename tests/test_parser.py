"""Syntax layer: exact lines, columns, heredocs, continuations, directives, errors."""
from layerlint.syntax import parse, parse_bytes

from .conftest import FIXTURES

P = FIXTURES / "parser"


def load(name):
    return parse_bytes((P / name).read_bytes(), name)


def test_heredocs_bodies_lines_and_next_instruction():
    df = load("heredocs.Dockerfile")
    kws = [(i.keyword, i.start_line, i.end_line) for i in df.instructions]
    assert kws == [("FROM", 1, 1), ("RUN", 2, 5), ("COPY", 6, 10), ("ONBUILD", 11, 13), ("CMD", 14, 14)]
    run = df.instructions[1]
    (h,) = run.heredocs
    assert (h.name, h.body, h.body_line, h.end_line, h.expand) == ("EOF", "set -e\necho hi\n", 3, 5, True)
    copy = df.instructions[2]
    a, b = copy.heredocs
    assert (a.name, a.expand, a.chomp, a.body) == ("A", True, False, "hello $X\n")
    assert (b.name, b.expand, b.chomp, b.content) == ("B", False, True, "world\n")
    assert b.word.span.line == 6 and b.word.span.column == 10
    onbuild = df.instructions[3]
    assert onbuild.inner.keyword == "RUN" and onbuild.inner.heredocs[0].body == "echo onbuild\n"
    assert df.instructions[4].exec_form == ["sh"]
    assert not df.errors


def test_continuation_comment_and_blank_lines():
    df = load("continuation.Dockerfile")
    run = df.instructions[1]
    assert (run.start_line, run.end_line) == (2, 6)
    assert run.comment_lines_inside == [3] and run.empty_continuation_lines == [5]
    assert run.args_text == "apt-get update     && apt-get install -y curl     && rm -rf /var/lib/apt/lists/*"
    # every word maps back to its physical line and column
    i = run.line.index("install")
    sp = run.span_of(i, i + len("install"))
    assert (sp.line, sp.column, sp.end_column) == (4, 16, 23)
    i = run.line.index("rm")
    assert run.span_of(i, i + 2).line == 6
    # `\\` at end of line is not a continuation; a continuation at EOF ends the instruction
    assert df.instructions[2].args_text == "echo a\\\\" and df.instructions[2].end_line == 7
    assert df.instructions[3].args_text == "echo b" and df.instructions[3].end_line == 8


def test_backtick_escape_directive():
    df = load("backtick.Dockerfile")
    assert df.escape == "`" and df.directives["escape"].line == 1
    run = df.instructions[1]
    assert run.args_text == "dir C:\\     && echo done" and (run.start_line, run.end_line) == (3, 4)
    copy = df.instructions[2]
    assert [w.text for w in copy.words] == ["C:\\src\\", "C:\\app\\"]


def test_crlf_and_lowercase_and_unknown():
    df = load("crlf.Dockerfile")
    assert df.crlf and df.instructions[1].args_text == "echo one   two"
    df = load("lowercase.Dockerfile")
    assert [i.keyword for i in df.instructions] == ["FROM", "RUN", "FROB"]
    assert df.instructions[0].keyword_raw == "from"
    assert df.errors and "unknown instruction: FROB" in df.errors[0].message and df.errors[0].line == 3
    assert df.ok  # not fatal: the rest is still linted


def test_unterminated_heredoc_is_an_error_with_line():
    df = load("unterminated.Dockerfile")
    assert not df.ok
    (err,) = df.errors
    assert err.line == 2 and "unterminated heredoc" in err.message


def test_flags_positions_and_values():
    df = parse('FROM x\nCOPY --from=build --chown=1000:1000 --link a b\nRUN --mount=type=cache,target=/c --network=none make\n')
    copy, run = df.instructions[1], df.instructions[2]
    assert [(f.name, f.value) for f in copy.flags] == [("from", "build"), ("chown", "1000:1000"), ("link", None)]
    assert copy.flags[1].span.column == 19 and copy.flags[1].value_span.column == 27
    assert [w.text for w in copy.words] == ["a", "b"]
    assert run.flag("mount").value == "type=cache,target=/c" and run.args_text == "make"


def test_json_form_and_fallback():
    df = parse('FROM x\nCMD ["a", "b"]\nCMD [\'a\']\nENTRYPOINT ["a"] # trailing\nRUN [1, 2]\n')
    assert df.instructions[1].exec_form == ["a", "b"]
    assert df.instructions[2].exec_form is None  # single quotes: shell form
    assert df.instructions[3].exec_form is None  # text after the array: shell form in today's BuildKit
    assert df.instructions[4].exec_form is None and any("strings" in e.message for e in df.errors)


def test_directives_only_at_top():
    df = parse("# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended\nFROM x\n# escape=`\nRUN a \\\n b\n")
    assert set(df.directives) == {"syntax", "check"} and df.escape == "\\"
    assert df.instructions[1].args_text == "a  b"


def test_env_label_arg_pairs():
    df = parse('FROM x\nENV a=1 b="two words" c=3\nENV legacy value with spaces\nLABEL "k"="v"\nARG A B=2\n')
    env = df.instructions[1]
    assert [(p.key, p.value) for p in env.pairs] == [("a", "1"), ("b", '"two words"'), ("c", "3")]
    assert env.pairs[1].value_span.column == 11
    legacy = df.instructions[2]
    assert [(p.key, p.value, p.sep) for p in legacy.pairs] == [("legacy", "value with spaces", "")]
    assert [(p.key, p.value) for p in df.instructions[4].pairs] == [("A", None), ("B", "2")]


def test_bad_bytes_never_raise():
    for data in (b"\xff\xfeF\x00R\x00", b"FROM x\n\x00\x01", b"FROM x\nRUN \xff\xfe\n", b"", b"\\\n\\\n",
                 b"FROM x\nRUN <<", b"FROM x\nCOPY <<EOF", "FROM x\rRUN y\r".encode()):
        df = parse_bytes(data, "f")
        assert isinstance(df.errors, list)
    df = parse_bytes(b"FROM x\nRUN \xff\n", "f")
    assert df.errors[0].line == 2 and "UTF-8" in df.errors[0].message
    assert parse_bytes(b"FROM x\n\x00", "f").errors[0].message.startswith("binary file")
    assert "UTF-16" in parse_bytes(b"\xff\xfeF\x00", "f").errors[0].message
