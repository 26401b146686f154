"""Plain data produced by the parser: a Dockerfile as BuildKit reads it, with exact positions.

Positions are 1-based lines and 1-based columns counted in characters; ``end_column`` is
exclusive (the column just after the last character), as in SARIF regions.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Optional


@dataclass(frozen=True, slots=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(slots=True)
class Word:
    """A piece of an instruction's text with its place in the file."""
    text: str
    span: Span

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
    __slots__ = ("_offsets", "_lines", "_columns", "length")

    def __init__(self) -> None:
        self._offsets: list[int] = []
        self._lines: list[int] = []
        self._columns: list[int] = []
        self.length = 0

    def add(self, text_len: int, line: int, column: int) -> None:
        self._offsets.append(self.length)
        self._lines.append(line)
        self._columns.append(column)
        self.length += text_len

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


@dataclass(slots=True)
class Comment:
    line: int
    column: int
    text: str  # without the leading '#', stripped


@dataclass(slots=True)
class Directive:
    name: str  # lower-case: syntax, escape, check
    value: str
    line: int


@dataclass(slots=True)
class Flag:
    name: str  # without leading dashes
    value: Optional[str]  # None for a bare boolean flag (``--link``)
    raw: str
    span: Span
    value_span: Optional[Span] = None


@dataclass(slots=True)
class KeyValue:
    """ENV / LABEL / ARG entry; ``value`` is raw (quotes kept) as the parser stores it."""
    key: str
    value: Optional[str]  # None: ``ARG NAME`` without a default
    sep: str  # '=' or '' (legacy ``ENV k v``)
    key_span: Span
    value_span: Optional[Span]
    span: Span


@dataclass(slots=True)
class Heredoc:
    name: str
    fd: int
    chomp: bool  # ``<<-``: leading tabs stripped
    expand: bool  # False when the delimiter was quoted
    body: str  # raw body lines, newlines included, delimiter excluded
    word: Word  # the ``<<EOF`` word in the instruction line
    body_line: int  # line of the first body line
    end_line: int  # line of the terminator

    @property
    def content(self) -> str:
        """The body as the builder uses it (tabs stripped for ``<<-``)."""
        if not self.chomp:
            return self.body
        return "".join(l.lstrip("\t") for l in self.body.splitlines(keepends=True))


@dataclass(slots=True)
class Instruction:
    keyword: str  # upper-case
    keyword_raw: str  # as written (casing checks)
    keyword_span: Span
    start_line: int
    end_line: int
    line: str  # joined logical line, continuation removed, heredoc bodies excluded
    smap: SourceMap = field(repr=False)
    flags: list[Flag] = field(default_factory=list)
    args_text: str = ""  # text after keyword and flags
    args_offset: int = 0  # offset of args_text within ``line``
    words: list[Word] = field(default_factory=list)  # whitespace-split arguments
    exec_form: Optional[list[str]] = None  # JSON array form, when used
    pairs: list[KeyValue] = field(default_factory=list)  # ENV / LABEL / ARG
    heredocs: list[Heredoc] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)  # comment block right above
    inner: Optional["Instruction"] = None  # ONBUILD trigger
    empty_continuation_lines: list[int] = field(default_factory=list)
    comment_lines_inside: list[int] = field(default_factory=list)
    index: int = 0  # position among the file's instructions
    parent: Optional["Instruction"] = field(default=None, repr=False)  # ONBUILD owner

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


@dataclass(slots=True)
class SyntaxProblem:
    line: int
    column: int
    message: str
    fatal: bool = True


@dataclass(slots=True)
class Dockerfile:
    path: str
    text: str
    lines: list[str]  # physical lines, line endings removed
    instructions: list[Instruction]
    directives: dict[str, Directive]
    escape: str
    comments: list[Comment]
    errors: list[SyntaxProblem]
    crlf: bool = False
    bom: bool = False

    @property
    def ok(self) -> bool:
        return not any(e.fatal for e in self.errors)
