"""Standard input for pygls's reader loop, bounded: whatever the client writes, the server reads
it in bounded pieces and goes on.

pygls reads a header with ``readline()`` (no limit: a line without a newline would be buffered
whole) and converts the Content-Length with ``int()`` outside its error handling (a number of
5,000 digits raises and ends the server; one of 12 digits makes it allocate that much).  Here a
header line is at most ``MAX_HEADER_LINE`` bytes (the rest is dropped), a Content-Length is
written the way pygls matches it, and a message over ``MAX_MESSAGE`` is read and dropped in
chunks, pygls getting an empty object in its place (which it logs as a bad message).
"""
from __future__ import annotations

import logging
import re

MAX_HEADER_LINE = 4096
MAX_MESSAGE = 64 * 1024 * 1024  # a 20 MB Dockerfile, JSON-escaped, fits; nothing sane is bigger
_CHUNK = 1024 * 1024
_LENGTH = re.compile(rb"[ \t]*content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?\n", re.I)
_ABSURD = 1 << 30  # a length no client sends: garbage, not a message to read and drop

log = logging.getLogger("layerlint.server")


class BoundedReader:
    """``readline()`` and ``read(n)`` over a binary stream, as pygls calls them."""

    def __init__(self, raw) -> None:
        self.raw = raw
        self.skip = 0  # bytes of an oversized body still to drop

    def readline(self) -> bytes:
        line = self.raw.readline(MAX_HEADER_LINE)
        if not line:
            return b""
        if not line.endswith(b"\n"):
            while True:  # drop the rest of an overlong line
                more = self.raw.readline(MAX_HEADER_LINE)
                if not more:
                    return b""
                if more.endswith(b"\n"):
                    break
            log.warning("dropped a header line of over %d bytes", MAX_HEADER_LINE)
            return b"X-Dropped: overlong\r\n"
        m = _LENGTH.fullmatch(line)
        if m is None:
            return line if line.strip() else b"\r\n"
        digits = m.group(1).lstrip(b"0") or b"0"
        length = int(digits) if len(digits) <= 12 else _ABSURD + 1
        if length > _ABSURD:
            log.warning("dropped a header with a Content-Length of %d digits", len(digits))
            return b"X-Dropped: absurd length\r\n"
        if length > MAX_MESSAGE:
            log.warning("dropped a message of %d bytes (the limit is %d)", length, MAX_MESSAGE)
            self.skip = length
            return b"Content-Length: 2\r\n"
        return b"Content-Length: %d\r\n" % length

    def read(self, n: int) -> bytes:
        if self.skip:
            left, self.skip = self.skip, 0
            while left > 0:
                chunk = self.raw.read(min(left, _CHUNK))
                if not chunk:
                    return b""
                left -= len(chunk)
            return b"{}"
        return self.raw.read(n)
