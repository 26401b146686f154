"""``--add-pragmas``: adopt layerlint on an old repository (ruff's ``--add-noqa``).

Each instruction with findings gets ``# layerlint: ignore=CODES`` on the line above it (merged
into a layerlint ignore pragma that is already there), so the next run reports only what is new.
The file's bytes are kept as they are around the insertions (line ends, a byte-order mark,
bytes that are not UTF-8), and it is written atomically.  A file with errors is left alone.
"""
from __future__ import annotations

import re

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional

_PRAGMA = re.compile(rb"^([ \t]*)#[ \t]*layerlint[ \t]*:[ \t]*ignore[ \t]*=[ \t]*(\S+)(.*)$")


def with_pragmas(data: bytes, findings) -> Optional[bytes]:
    """``data`` with a pragma above each instruction that has findings (keyed by the first line of
    their instruction), or None when nothing is to be added."""
    codes: dict[int, set[str]] = {}
    for f in findings:
        if f.instr_line and f.instr_line > 0:
            codes.setdefault(f.instr_line, set()).add(f.rule)
    if not codes:
        return None
    lines = data.splitlines(keepends=True)
    eol = b"\r\n" if b"\r\n" in data else b"\n"
    for line_no in sorted(codes, reverse=True):  # bottom up: line numbers above stay right
        i = line_no - 1
        if not 0 <= i < len(lines):
            continue
        wanted = sorted(codes[line_no])
        above = lines[i - 1].rstrip(b"\r\n") if i > 0 else None
        m = _PRAGMA.match(above) if above is not None else None
        if m is not None:
            have = [c for c in m.group(2).decode("utf-8", "replace").split(",") if c]
            merged = have + [c for c in wanted if c not in have]
            ending = lines[i - 1][len(above):]
            lines[i - 1] = m.group(1) + b"# layerlint: ignore=" + ",".join(merged).encode() + m.group(3) + ending
            continue
        head = lines[i]
        bom = b""
        if i == 0 and head.startswith(b"\xef\xbb\xbf"):  # the mark stays the file's first bytes
            bom, lines[i] = b"\xef\xbb\xbf", head[3:]
            head = lines[i]
        indent = head[:len(head) - len(head.lstrip(b" \t"))]
        lines.insert(i, bom + indent + b"# layerlint: ignore=" + ",".join(wanted).encode() + eol)
        if i > 0 and not lines[i - 1].endswith((b"\n", b"\r")):
            lines[i - 1] += eol
    return b"".join(lines)
