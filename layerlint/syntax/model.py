"""Plain data produced by the parser: a Dockerfile as BuildKit reads it, with exact positions.

Positions are 1-based lines and 1-based columns counted in characters; ``end_column`` is
exclusive (the column just after the last character), as in SARIF regions.
"""
from __future__ import annotations

from bisect import bisect_right

from ..record import FrozenRecord, Record

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional


class Span(FrozenRecord):
    line: int
    column: int
    end_line: int
    end_column: int

    __slots__ = ("line", "column", "end_line", "end_column")

    def __init__(self, line: int, column: int, end_line: int, end_column: int) -> None:
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column


class Word(Record):
    """A piece of an instruction's text with its place in the file."""
    text: str
    span: Span

    __slots__ = ("text", "span")

    def __init__(self, text: str, span: Span) -> None:
        self.text = text
        self.span = span

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column


class SourceMap:
    """Maps offsets in a joined logical line back to file positions.

    BuildKit joins continuation lines without newlines, so one logical line is made of
    segments, each a slice of one physical line.
    """
    __slots__ = ("_offsets", "_lines", "_columns", "length", "_keys")

    def __init__(self) -> None:
        self._offsets: list[int] = []
        self._lines: list[int] = []
        self._columns: list[int] = []
        self.length = 0
        self._keys: Optional[list[tuple[int, int]]] = None  # (line, column) of each segment, when in order

    def add(self, text_len: int, line: int, column: int) -> None:
        self._offsets.append(self.length)
        self._lines.append(line)
        self._columns.append(column)
        self.length += text_len
        self._keys = None

    def offset(self, line: int, column: int) -> Optional[int]:
        """The offset of the character at (``line``, ``column``), or None when it is not in the
        text (the inverse of ``position``).  A binary search over the segments (they follow
        the file): a scan per question was quadratic in a RUN of thousands of lines."""
        if self._keys is None:
            keys = list(zip(self._lines, self._columns))
            self._keys = keys if all(a < b for a, b in zip(keys, keys[1:])) else []
        n = len(self._offsets)
        if self._keys or not n:
            i = bisect_right(self._keys, (line, column)) - 1
            candidates = range(max(i, 0), min(i + 1, n)) if i >= 0 else range(0)
        else:
            candidates = range(n)  # segments out of order (not made by the parser): every one
        for i in candidates:
            ln, col = self._lines[i], self._columns[i]
            size = (self._offsets[i + 1] if i + 1 < n else self.length) - self._offsets[i]
            if ln == line and col <= column < col + size:
                return self._offsets[i] + column - col
        return None

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of the character at ``offset`` (clamped to the text)."""
        if not self._offsets:
            return (1, 1)
        offset = max(0, min(offset, max(self.length - 1, 0)))
        i = bisect_right(self._offsets, offset) - 1
        # An empty trailing segment owns no characters: step back to a real one.
        while i > 0 and self._offsets[i] == self.length and self.length:
            i -= 1
        return self._lines[i], self._columns[i] + offset - self._offsets[i]

    def span(self, start: int, end: int) -> Span:
        """Span of the text ``[start, end)``."""
        line, col = self.position(start)
        if end <= start:
            return Span(line, col, line, col)
        end_line, end_col = self.position(end - 1)
        return Span(line, col, end_line, end_col + 1)


class Comment(Record):
    line: int
    column: int
    text: str  # without the leading '#', stripped

    __slots__ = ("line", "column", "text")

    def __init__(self, line: int, column: int, text: str) -> None:
        self.line = line
        self.column = column
        self.text = text


class Directive(Record):
    name: str  # lower-case: syntax, escape, check
    value: str
    line: int

    __slots__ = ("name", "value", "line")

    def __init__(self, name: str, value: str, line: int) -> None:
        self.name = name
        self.value = value
        self.line = line


class Flag(Record):
    name: str  # without leading dashes
    value: Optional[str]  # None for a bare boolean flag (``--link``)
    raw: str
    span: Span
    value_span: Optional[Span]

    __slots__ = ("name", "value", "raw", "span", "value_span")

    def __init__(
        self,
        name: str,
        value: Optional[str],
        raw: str,
        span: Span,
        value_span: Optional[Span] = None,
    ) -> None:
        self.name = name
        self.value = value
        self.raw = raw
        self.span = span
        self.value_span = value_span


class KeyValue(Record):
    """ENV / LABEL / ARG entry; ``value`` is raw (quotes kept) as the parser stores it."""
    key: str
    value: Optional[str]  # None: ``ARG NAME`` without a default
    sep: str  # '=' or '' (legacy ``ENV k v``)
    key_span: Span
    value_span: Optional[Span]
    span: Span

    __slots__ = ("key", "value", "sep", "key_span", "value_span", "span")

    def __init__(
        self,
        key: str,
        value: Optional[str],
        sep: str,
        key_span: Span,
        value_span: Optional[Span],
        span: Span,
    ) -> None:
        self.key = key
        self.value = value
        self.sep = sep
        self.key_span = key_span
        self.value_span = value_span
        self.span = span


class Heredoc(Record):
    name: str
    fd: int
    chomp: bool  # ``<<-``: leading tabs stripped
    expand: bool  # False when the delimiter was quoted
    body: str  # raw body lines, newlines included, delimiter excluded
    word: Word  # the ``<<EOF`` word in the instruction line
    body_line: int  # line of the first body line
    end_line: int  # line of the terminator

    __slots__ = ("name", "fd", "chomp", "expand", "body", "word", "body_line", "end_line")

    def __init__(
        self,
        name: str,
        fd: int,
        chomp: bool,
        expand: bool,
        body: str,
        word: Word,
        body_line: int,
        end_line: int,
    ) -> None:
        self.name = name
        self.fd = fd
        self.chomp = chomp
        self.expand = expand
        self.body = body
        self.word = word
        self.body_line = body_line
        self.end_line = end_line

    @property
    def content(self) -> str:
        """The body as the builder uses it (tabs stripped for ``<<-``)."""
        if not self.chomp:
            return self.body
        return "".join(l.lstrip("\t") for l in self.body.splitlines(keepends=True))

    def body_span(self, start: int, end: int) -> Span:
        """The file span of body offsets ``start``..``end`` (``end`` exclusive)."""
        text = self.body
        starts = _line_starts(text)

        def pos(off: int) -> tuple[int, int]:
            off = max(0, min(off, len(text)))
            k = bisect_right(starts, off) - 1  # the line holding ``off``: a count per question was quadratic
            return self.body_line + k, off - starts[k] + 1
        l1, c1 = pos(start)
        if end <= start:
            return Span(l1, c1, l1, c1)
        l2, c2 = pos(end - 1)
        return Span(l1, c1, l2, c2 + 1)


_STARTS: dict[int, tuple[str, list[int]]] = {}  # id(body) -> (body, offsets where its lines start)


def _line_starts(text: str) -> list[int]:
    """Offsets where the lines of ``text`` start, remembered for the last few bodies."""
    found = _STARTS.get(id(text))
    if found is not None and found[0] is text:
        return found[1]
    if len(_STARTS) >= 4:
        _STARTS.clear()
    starts = [0]
    i = text.find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    _STARTS[id(text)] = (text, starts)
    return starts


class Instruction(Record):
    keyword: str  # upper-case
    keyword_raw: str  # as written (casing checks)
    keyword_span: Span
    start_line: int
    end_line: int
    line: str  # joined logical line, continuation removed, heredoc bodies excluded
    smap: SourceMap
    flags: list[Flag]
    args_text: str  # text after keyword and flags
    args_offset: int  # offset of args_text within ``line``
    words: list[Word]  # whitespace-split arguments
    exec_form: Optional[list[str]]  # JSON array form, when used
    pairs: list[KeyValue]  # ENV / LABEL / ARG
    heredocs: list[Heredoc]
    comments: list[Comment]  # comment block right above
    inner: Optional["Instruction"]  # ONBUILD trigger
    empty_continuation_lines: list[int]
    comment_lines_inside: list[int]
    index: int  # position among the file's instructions
    parent: Optional["Instruction"]  # ONBUILD owner

    __slots__ = ("keyword", "keyword_raw", "keyword_span", "start_line", "end_line", "line", "smap",
                 "flags", "args_text", "args_offset", "words", "exec_form", "pairs", "heredocs", "comments",
                 "inner", "empty_continuation_lines", "comment_lines_inside", "index", "parent")
    _hidden = ("smap", "parent")

    def __init__(
        self,
        keyword: str,
        keyword_raw: str,
        keyword_span: Span,
        start_line: int,
        end_line: int,
        line: str,
        smap: SourceMap,
        flags: list[Flag] | None = None,
        args_text: str = "",
        args_offset: int = 0,
        words: list[Word] | None = None,
        exec_form: Optional[list[str]] = None,
        pairs: list[KeyValue] | None = None,
        heredocs: list[Heredoc] | None = None,
        comments: list[Comment] | None = None,
        inner: Optional["Instruction"] = None,
        empty_continuation_lines: list[int] | None = None,
        comment_lines_inside: list[int] | None = None,
        index: int = 0,
        parent: Optional["Instruction"] = None,
    ) -> None:
        self.keyword = keyword
        self.keyword_raw = keyword_raw
        self.keyword_span = keyword_span
        self.start_line = start_line
        self.end_line = end_line
        self.line = line
        self.smap = smap
        self.flags = [] if flags is None else flags
        self.args_text = args_text
        self.args_offset = args_offset
        self.words = [] if words is None else words
        self.exec_form = exec_form
        self.pairs = [] if pairs is None else pairs
        self.heredocs = [] if heredocs is None else heredocs
        self.comments = [] if comments is None else comments
        self.inner = inner
        self.empty_continuation_lines = [] if empty_continuation_lines is None else empty_continuation_lines
        self.comment_lines_inside = [] if comment_lines_inside is None else comment_lines_inside
        self.index = index
        self.parent = parent

    # -- conveniences used across rules -------------------------------------------------
    @property
    def is_exec_form(self) -> bool:
        return self.exec_form is not None

    @property
    def span(self) -> Span:
        last = self.heredocs[-1].end_line if self.heredocs else self.end_line
        return Span(self.start_line, self.keyword_span.column, last, self.smap.span(0, len(self.line)).end_column)

    def span_of(self, start: int, end: int) -> Span:
        """Span of ``line[start:end]``."""
        return self.smap.span(start, end)

    def offset_of(self, span: Span) -> Optional[int]:
        """Offset in ``line`` of the first character of ``span`` (None when it is not in it)."""
        return self.smap.offset(span.line, span.column)

    def args_span(self) -> Span:
        return self.smap.span(self.args_offset, len(self.line))

    def flag(self, name: str) -> Optional[Flag]:
        for f in self.flags:
            if f.name == name:
                return f
        return None

    def flag_values(self, name: str) -> list[str]:
        return [f.value or "" for f in self.flags if f.name == name]

    @property
    def effective(self) -> "Instruction":
        """The instruction that really runs: the trigger for ONBUILD."""
        return self.inner if self.inner is not None else self


class SyntaxProblem(Record):
    line: int
    column: int
    message: str
    fatal: bool

    __slots__ = ("line", "column", "message", "fatal")

    def __init__(self, line: int, column: int, message: str, fatal: bool = True) -> None:
        self.line = line
        self.column = column
        self.message = message
        self.fatal = fatal


class Dockerfile(Record):
    path: str
    text: str
    lines: list[str]  # physical lines, line endings removed
    instructions: list[Instruction]
    directives: dict[str, Directive]
    escape: str
    comments: list[Comment]
    errors: list[SyntaxProblem]
    crlf: bool
    bom: bool

    __slots__ = ("path", "text", "lines", "instructions", "directives", "escape", "comments", "errors",
                 "crlf", "bom")

    def __init__(
        self,
        path: str,
        text: str,
        lines: list[str],
        instructions: list[Instruction],
        directives: dict[str, Directive],
        escape: str,
        comments: list[Comment],
        errors: list[SyntaxProblem],
        crlf: bool = False,
        bom: bool = False,
    ) -> None:
        self.path = path
        self.text = text
        self.lines = lines
        self.instructions = instructions
        self.directives = directives
        self.escape = escape
        self.comments = comments
        self.errors = errors
        self.crlf = crlf
        self.bom = bom

    @property
    def ok(self) -> bool:
        return not any(e.fatal for e in self.errors)
