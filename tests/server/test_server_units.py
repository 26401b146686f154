"""The server's connection-free parts, in process: positions, the document store, the bounded
reader and the config edit."""
import io

import pytest

from layerlint.server.config_edit import new_config, with_ignored
from layerlint.server.documents import Document, clean_text, looks_like_dockerfile
from layerlint.server.positions import UTF8, UTF16, UTF32, Mapper
from layerlint.server.transport import MAX_MESSAGE, BoundedReader

pytest.importorskip("lsprotocol")
from lsprotocol import types as T  # noqa: E402


# -- positions ---------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding, want", [(UTF16, 7), (UTF8, 9), (UTF32, 6)])
def test_an_astral_character_is_two_utf16_units_four_utf8_bytes_one_column(encoding, want):
    m = Mapper('x="\U0001F600" y\n', encoding)
    # layerlint: line 1, column 7 is `y` (x, =, ", emoji, ", space)
    assert m.range(1, 7, 1, 8) == ((0, want), (0, want + 1))
    assert m.to_layerlint(0, want) == (1, 7)


def test_a_position_inside_a_surrogate_pair_is_before_it():
    m = Mapper("a\U0001F600b\n", UTF16)
    assert m.to_layerlint(0, 2) == (1, 2)  # unit 2 is the pair's second half: the emoji's column


def test_crlf_lone_cr_and_a_bom():
    text = "\ufeffFROM a\r\nRUN b\rRUN c\nX"
    m = Mapper(text, UTF16)
    # line 1 column 1 is after the byte-order mark the parser dropped
    assert m.range(1, 1, 1, 5) == ((0, 1), (0, 5))
    # the end of line 1 is before its CR LF
    assert m.range(1, 7, 1, 99) == ((0, 7), (0, 7))
    # layerlint line 2 is "RUN b\rRUN c": LSP sees two lines there
    assert m.range(2, 7, 2, 10) == ((2, 0), (2, 3))
    assert m.to_layerlint(2, 1) == (2, 8)
    assert m.range(3, 1, 3, 2) == ((3, 0), (3, 1))


def test_positions_past_the_end_are_clamped():
    m = Mapper("ab\ncd", UTF16)
    assert m.range(1, 99, 7, 1) == ((0, 2), (1, 2))
    assert m.to_layerlint(0, 99) == (1, 3)
    assert m.to_layerlint(50, 0) == (2, 3)
    assert m.to_layerlint(-1, -1) == (1, 1)


# -- documents ---------------------------------------------------------------------------------
def _change(sl, sc, el, ec, text):
    return T.TextDocumentContentChangePartial(range=T.Range(start=T.Position(line=sl, character=sc),
                                                            end=T.Position(line=el, character=ec)), text=text)


def test_changes_apply_in_order_with_lsp_lines():
    doc = Document("file:///x/Dockerfile", "a\u2028b\x0cc\nFROM x\r\nRUN \U0001F600y\n", 1)
    # after U+2028 and a form feed (no line ends for LSP) and an emoji (two UTF-16 units)
    doc.apply([_change(1, 6, 1, 6, ":1"), _change(2, 6, 2, 7, "z"), _change(0, 0, 0, 1, "A")], 2, UTF16)
    assert doc.text == "A\u2028b\x0cc\nFROM x:1\r\nRUN \U0001F600z\n"
    assert doc.version == 2 and doc.revision == 1
    doc.apply([T.TextDocumentContentChangeWholeDocument(text="new")], 3, UTF16)
    assert doc.text == "new"


def test_a_range_past_the_end_appends():
    doc = Document("file:///x/Dockerfile", "FROM x\n", 1)
    doc.apply([_change(5, 0, 9, 0, "RUN y\n")], 2, UTF16)
    assert doc.text == "FROM x\nRUN y\n"


def test_lone_surrogates_become_replacement_characters():
    assert clean_text("a\ud800b") == "a\ufffdb"
    assert clean_text("ok") == "ok"


@pytest.mark.parametrize("uri, language, want", [
    ("file:///p/Dockerfile", "", True), ("file:///p/api.Dockerfile", "", True), ("file:///p/Dockerfile.dev", "", True),
    ("file:///p/Containerfile", "", True), ("file:///p/x.txt", "dockerfile", True), ("file:///p/pyproject.toml", "toml", False),
])
def test_which_documents_are_linted(uri, language, want):
    assert looks_like_dockerfile(uri, language) is want


# -- the bounded reader ----------------------------------------------------------------------------
def test_the_reader_bounds_lines_and_drops_oversized_bodies():
    body = b'{"jsonrpc": "2.0"}'
    raw = (b"H" * 10_000 + b"\r\n" + b"content-length:  18\n\r\n" + body
           + b"Content-Length: %d\r\n\r\n" % (MAX_MESSAGE + 1) + b"x" * (MAX_MESSAGE + 1)
           + b"Content-Length: " + b"9" * 40 + b"\r\n")
    r = BoundedReader(io.BufferedReader(io.BytesIO(raw)))
    assert r.readline() == b"X-Dropped: overlong\r\n"
    assert r.readline() == b"Content-Length: 18\r\n"  # spelled as pygls matches it
    assert r.readline() == b"\r\n"
    assert r.read(18) == body
    assert r.readline() == b"Content-Length: 2\r\n"
    assert r.readline() == b"\r\n"
    assert r.read(2) == b"{}"  # the oversized body, read and dropped
    assert r.readline() == b"X-Dropped: absurd length\r\n"
    assert r.readline() == b""


# -- ignore in the config ------------------------------------------------------------------------
@pytest.mark.parametrize("before, after", [
    ('select = ["LL1"]\n', 'ignore = ["LL101"]\nselect = ["LL1"]\n'),
    ('ignore = []\n', 'ignore = ["LL101"]\n'),
    ('ignore = ["LL102"]  # why\n[rules.LL201]\n', 'ignore = ["LL102", "LL101"]  # why\n[rules.LL201]\n'),
    ('ignore = [\n  "LL102",\n]\n', 'ignore = [\n  "LL102", "LL101"\n]\n'),
    ('ignore = [\n  "LL102"  # a "quoted ] bracket"\n]\n', 'ignore = [\n  "LL102", "LL101"  # a "quoted ] bracket"\n]\n'),
    ('\ufeffselect = ["LL1"]\r\n', '\ufeffignore = ["LL101"]\r\nselect = ["LL1"]\r\n'),
])
def test_a_rule_is_added_to_the_ignore_list_of_a_layerlint_toml(before, after):
    assert with_ignored("/p/.layerlint.toml", before, "LL101") == after


def test_pyproject_gets_it_under_tool_layerlint_and_a_broken_result_is_no_action():
    text = '[project]\nname = "x"\n[tool.layerlint]\nignore = ["LL102"]\n[tool.ruff]\nignore = ["E1"]\n'
    assert with_ignored("/p/pyproject.toml", text, "LL101") == text.replace('["LL102"]', '["LL102", "LL101"]')
    assert with_ignored("/p/pyproject.toml", '[project]\nname = "x"\n', "LL101") is None  # no table
    assert with_ignored("/p/.layerlint.toml", "ignore = 3\n", "LL101") is None  # would not validate
    assert with_ignored("/p/.layerlint.toml", 'ignore = ["LL102"\n', "LL101") is None  # never closes
    assert new_config("LL101") == 'ignore = ["LL101"]\n'


# -- stage and variable occurrences ----------------------------------------------------------------
def _index(text):
    from layerlint.graph import build_graph
    from layerlint.server.symbols import Index
    from layerlint.syntax import parse
    df = parse(text)
    return Index(df, build_graph(df)), text.split("\n")


def _texts(idx, lines, kind, name):
    return [(o.span.line, lines[o.span.line - 1][o.span.column - 1:o.span.end_column - 1], o.decl)
            for o in idx.named(kind, name)]


def test_every_way_a_stage_is_named_and_none_that_is_not_a_name():
    idx, lines = _index('FROM alpine:3.20 AS Build\n'
                        'RUN echo\n'
                        'FROM alpine:3.20\n'
                        'COPY --from="build" /a /a\n'
                        'RUN --mount=type=cache,from=build,target=/c true\n'
                        'COPY --from=0 /b /b\n'
                        'FROM build AS next\n'
                        'ARG S=build\n'
                        'COPY --from=${S} /c /c\n')
    assert _texts(idx, lines, "stage", "build") == [
        (1, "Build", True), (4, "build", False), (5, "build", False), (7, "build", False)]


def test_variables_in_words_flags_and_heredocs_and_their_scope():
    text = ('ARG V=1\n'
            'FROM alpine:${V}\n'
            'ARG V\n'
            'ENV E=$V\n'
            'RUN --mount=type=cache,target=/$E <<EOF\n'
            'echo ${V:-x} $E\n'
            'EOF\n'
            'FROM alpine:3.20\n'
            'RUN echo $V\n')
    idx, lines = _index(text)
    assert [(line, t) for line, t, _ in _texts(idx, lines, "var", "V")] == [
        (1, "V"), (2, "V"), (3, "V"), (4, "V"), (6, "V"), (9, "V")]
    by_line = {o.span.line: o for o in idx.named("var", "V")}
    assert [d.span.line for d in idx.definitions(by_line[2])] == [1]  # a FROM line: the global ARG
    assert [d.span.line for d in idx.definitions(by_line[6])] == [3, 1]  # `ARG V` takes the global's value
    assert [d.span.line for d in idx.definitions(by_line[9])] == [1, 3]  # not in scope: every declaration
    [e_use] = [o for o in idx.named("var", "E") if o.span.line == 6]
    assert [d.span.line for d in idx.definitions(e_use)] == [4]


# -- answers from an analysis, in process ------------------------------------------------------------
def _analysis(text):
    from layerlint.server.analysis import Analysis, ConfigCache
    a = Analysis("untitled:Dockerfile", None, text, 0, 1)
    a.document_changes = False  # a client without versioned edits: plain `changes`
    a.run(ConfigCache())
    return a


def test_the_pragma_follows_the_files_crlf_and_a_huge_line_number_is_no_link():
    from layerlint.server import features
    from tests.server.lsp_client import apply_edits
    text = "FROM alpine:3.20\r\n\tRUN apt-get install -y curl\r\n"
    a = _analysis(text)
    f = next(x for x in a.findings if x.rule == "LL312")
    everything = T.Range(start=T.Position(line=0, character=0), end=T.Position(line=9, character=0))
    action = next(x for x in features.code_actions(a, everything, None, lambda uri: None, False, [])
                  if x.title.startswith("LL312: ignore for this instruction"))
    edits = [{"range": {"start": {"line": e.range.start.line, "character": e.range.start.character},
                        "end": {"line": e.range.end.line, "character": e.range.end.character}}, "newText": e.new_text}
             for e in action.edit.changes["untitled:Dockerfile"]]
    assert apply_edits(text, edits) == "FROM alpine:3.20\r\n\t# layerlint: ignore=LL312\r\n\tRUN apt-get install -y curl\r\n"
    f.message = "see line " + "9" * 5000 + " and line 1"
    assert features._related(a, f)[0].location.range.start.line == 0
