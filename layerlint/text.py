"""Text from the repository made safe to print: one escaper for every human-readable output.

File names, config keys, label keys, image names and whole instructions come from an untrusted
repository and reach terminals and CI logs (GitHub renders ANSI in them).  An ESC sequence there
can retitle the window, clear the screen or forge an OSC 8 link; a bidi override can make the
text read differently from what it is.  ``printable`` spells each such character as a Python-style
escape, so what is printed is inert and still says what the file holds.
"""
from __future__ import annotations

import re

# C0 controls but tab, DEL and C1 controls; bidi embeddings, overrides and isolates (Trojan
# Source); the line and paragraph separators; lone surrogates (os.fsdecode's undecodable bytes).
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                     "\u2066-\u2069\ud800-\udfff]")
_UNSAFE_WITH_TAB = re.compile("\t|" + _UNSAFE.pattern)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

EXCERPT = 200  # characters of repository text quoted in one message


def _escape(m: re.Match) -> str:
    c = m.group()
    if c in _NAMED:
        return _NAMED[c]
    n = ord(c)
    if 0xDC80 <= n <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{n - 0xDC00:02x}"
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def printable(text: str, keep_tab: bool = True) -> str:
    """``text`` with every control, bidi and undecodable character escaped (``\\x1b``,
    ``\\u202e``, ``\\xff``); one line (newlines become ``\\n``)."""
    pattern = _UNSAFE if keep_tab else _UNSAFE_WITH_TAB
    return pattern.sub(_escape, text) if pattern.search(text) else text


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """A short printable excerpt of ``text``: at most ``limit`` characters of it, then ``…``."""
    if len(text) > limit:
        text = text[:limit] + "\u2026"
    return printable(text)


def encodable(text: str) -> str:
    """``text`` with undecodable file-name bytes (lone surrogates) escaped, so it encodes as
    UTF-8 in JSON, SARIF and XML reports."""
    return re.sub("[\ud800-\udfff]", _escape, text) if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
