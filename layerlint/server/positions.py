"""Positions: LSP's (0-based line, code units) against layerlint's (1-based line, 1-based column in
characters).  No pygls here: plain tuples, so the arithmetic is tested on its own.

The two disagree on more than the base:
- units: LSP counts UTF-16 code units unless the client and server agreed on ``utf-8`` or
  ``utf-32`` (``positionEncodings``); layerlint counts code points.  An astral character (an emoji)
  is 1 column for layerlint, 2 UTF-16 units, 4 UTF-8 bytes.
- lines: LSP ends a line at CR LF, LF or a lone CR; layerlint (as BuildKit) at LF only, so a lone
  CR is part of a layerlint line.  Both sides are mapped through offsets into the document's text,
  so a file with a lone CR still gets the right ranges.
- a byte-order mark: the parser drops it, so layerlint's column 1 of line 1 is the character after
  it when the editor kept it in the text.
"""
from __future__ import annotations

import re
from bisect import bisect_right

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
_LSP_EOL = re.compile(r"\r\n|\r|\n")


def units(segment: str, encoding: str) -> int:
    """The length of ``segment`` in the code units of ``encoding``."""
    if encoding == UTF32 or segment.isascii():
        return len(segment)
    if encoding == UTF8:
        return len(segment.encode("utf-8", "surrogatepass"))
    return len(segment) + sum(1 for c in segment if ord(c) > 0xFFFF)


def _chars_for_units(segment: str, count: int, encoding: str) -> int:
    """How many characters of ``segment`` ``count`` code units cover (a count inside a character
    stops before it; past the end: the whole segment)."""
    if encoding == UTF32 or segment.isascii():
        return min(max(count, 0), len(segment))
    used = 0
    for i, c in enumerate(segment):
        width = units(c, encoding)
        if used + width > count:
            return i
        used += width
    return len(segment)


class Lines:
    """The LSP view of a text: where each line starts, and position <-> offset."""

    __slots__ = ("text", "starts", "encoding")

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        self.starts = [0]
        self.starts += [m.end() for m in _LSP_EOL.finditer(text)]

    def content_end(self, line: int) -> int:
        """The offset just after the content of 0-based ``line`` (before its line end)."""
        if line + 1 >= len(self.starts):
            return len(self.text)
        end = self.starts[line + 1] - 1
        if self.text[end] == "\n" and end > self.starts[line] and self.text[end - 1] == "\r":
            end -= 1
        return end

    def line_text(self, line: int) -> str:
        if not 0 <= line < len(self.starts):
            return ""
        return self.text[self.starts[line]:self.content_end(line)]

    def offset(self, line: int, character: int) -> int:
        """The offset of an LSP position; past the end of a line: the line's end, past the last
        line: the end of the text (LSP says positions are clamped, never an error)."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        start, end = self.starts[line], self.content_end(line)
        return start + _chars_for_units(self.text[start:end], character, self.encoding)

    def position(self, offset: int) -> tuple[int, int]:
        """The LSP position (line, character) of ``offset``."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        offset = min(offset, self.content_end(line))  # inside a CR LF: the end of the line
        return line, units(self.text[start:offset], self.encoding)


class Columns:
    """Layerlint's view of the same text: (1-based line, 1-based column) <-> offset."""

    __slots__ = ("text", "starts")

    def __init__(self, text: str) -> None:
        self.text = text
        first = 1 if text.startswith("\ufeff") else 0  # the parser drops the byte-order mark
        self.starts = [first]
        pos = text.find("\n")
        while pos >= 0:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def _content_end(self, index: int) -> int:
        if index + 1 >= len(self.starts):
            return len(self.text)
        end = self.starts[index + 1] - 1  # the LF
        if end > self.starts[index] and self.text[end - 1] == "\r":
            end -= 1
        return end

    def offset(self, line: int, column: int) -> int:
        """The offset of a layerlint position, clamped to its line (``end_column`` is exclusive,
        so one past the last character is the line's end)."""
        if line < 1:
            return self.starts[0]
        if line > len(self.starts):
            return len(self.text)
        start = self.starts[line - 1]
        return min(start + max(column, 1) - 1, self._content_end(line - 1))

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(self.starts[0], min(offset, len(self.text)))
        index = bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


class Mapper:
    """Both views of one text: layerlint spans to LSP ranges and LSP positions to layerlint's."""

    __slots__ = ("lines", "columns")

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.lines = Lines(text, encoding)
        self.columns = Columns(text)

    def range(self, line: int, column: int, end_line: int, end_column: int) -> tuple[tuple[int, int], tuple[int, int]]:
        """The LSP range of a layerlint span."""
        start = self.columns.offset(line, column)
        end = max(start, self.columns.offset(end_line, end_column))
        return self.lines.position(start), self.lines.position(end)

    def span_range(self, span) -> tuple[tuple[int, int], tuple[int, int]]:
        return self.range(span.line, span.column, span.end_line, span.end_column)

    def to_layerlint(self, line: int, character: int) -> tuple[int, int]:
        """The layerlint (line, column) of an LSP position."""
        return self.columns.position(self.lines.offset(line, character))

    def offset(self, line: int, character: int) -> int:
        return self.lines.offset(line, character)
