"""``--format tty``: findings grouped by file with a code frame, then a summary line.

A finding with a fix ends in ``[fix]`` (``--fix`` applies it) or ``[unsafe fix]`` (it changes
what the image contains or how it runs: only with ``--unsafe-fixes``); after the summary line a
hint says how many ``--fix`` would apply and how many more ``--unsafe-fixes`` would.

Plain text when colour is off (not a terminal, ``--no-color``, ``NO_COLOR``); the same lines
with ANSI colours when it is on, so both read the same.  The colours are six SGR codes written
here rather than through rich: importing ``rich.console`` takes about 50 ms, twice hadolint's
whole run, and this report is what every interactive ``layerlint Dockerfile`` prints (rich still
renders ``layerlint rule`` and ``explain``).
"""
from __future__ import annotations

from ..text import excerpt, printable
from . import TEXT_LIMIT, fix_hint, rel_path, summary

STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan", "style": "magenta",
          "path": "bold", "code": "bold", "frame": "dim", "caret": "bold red"}
_SGR = {"bold": "1", "dim": "2", "red": "31", "yellow": "33", "magenta": "35", "cyan": "36"}
_START = {name: "\x1b[" + ";".join(_SGR[w] for w in style.split()) + "m" for name, style in STYLES.items()}
_RESET = "\x1b[0m"

# Text from the Dockerfile (code frames, messages, paths) must not drive the terminal: every
# segment built from it goes through layerlint.text.printable (ESC, a lone CR that rewrites the
# line, C1 controls, bidi overrides and undecodable file-name bytes become visible escapes), and
# only _START/_RESET, added in render(), are raw.  A code frame shows at most FRAME_WIDTH
# characters of a line, cut around the finding's column, so a huge instruction costs each
# finding a few hundred bytes, not the instruction.
FRAME_WIDTH = 120
FRAME_LEAD = 40  # characters kept before the column when the line must be cut
ELLIPSIS = "\u2026"


def _lines(results, options):
    """Yield lists of (text, style) segments, one list per output line.  ``quiet`` (``-q``): the
    finding and error lines only, each naming its file (no headers, frames, summary or hints)."""
    for r in results:
        if not r.findings and not r.errors:
            continue
        path = printable(rel_path(r.path))
        indent = "" if options.quiet else "  "  # -q: one line per problem, from the left margin
        if not options.quiet:
            yield [(path, "path")]
        for e in r.errors:
            where = f"{path}:{e.line}:{e.column}" if e.line else path
            yield [(indent, None), (where, None), (": ", None), ("error", "error"),
                   (": " + excerpt(e.message, TEXT_LIMIT), None)]
        for f in r.findings:
            row = [(indent, None), (f"{printable(rel_path(f.path))}:{f.span.line}:{f.span.column}", None), (": ", None),
                   (f.severity, f.severity), (" ", None), (printable(f.rule), "code"),
                   (f" [{printable(f.title)}] ", "frame"), (excerpt(f.message, TEXT_LIMIT), None)]
            if f.fix is not None and f.fix.edits:  # --fix applies a safe fix, --unsafe-fixes the others
                row.append((" [fix]" if f.fix.safe else " [unsafe fix]", "frame"))
            yield row
            if options.quiet:
                continue
            yield from _frame(r.lines, f)
        if not options.quiet:
            yield []
    if options.quiet:
        return
    s = summary(results)
    n = s["findings"]
    parts = [f"{v} {k}{'s' if v != 1 and k != 'info' else ''}" for k, v in s["by_severity"].items() if v]
    errs = s["files_with_errors"]
    text = f"Found {n} problem{'s' if n != 1 else ''}" + (f" ({', '.join(parts)})" if parts else "")
    text += f" in {s['files']} file{'s' if s['files'] != 1 else ''}"
    if errs:
        text += f"; {errs} file{'s' if errs != 1 else ''} had errors (above)"
    yield [(text + ".", "path")]
    hint = fix_hint(results, getattr(options, "unsafe_fixes", False)) if getattr(options, "fix_hint", True) else ""
    if hint:
        yield [(hint, None)]


def _frame(lines, f):
    line = f.span.line
    if not lines or not 0 < line <= len(lines):
        return
    last = min(f.span.end_line, line + 2, len(lines))
    width = len(str(last))
    start = max(f.span.column, 1) - 1  # 0-based, into the line
    for n in range(line, last + 1):
        raw = lines[n - 1]
        begin = _window_start(len(raw), start) if n == line else 0
        text = raw[begin:begin + FRAME_WIDTH].expandtabs(1)  # tabsize 1: one column per character
        head = ELLIPSIS if begin else ""
        tail = ELLIPSIS if begin + FRAME_WIDTH < len(raw) else ""
        yield [(f"    {n:>{width}} | ", "frame"), (head + printable(text) + tail, None)]
        if n == line:
            end = f.span.end_column - 1 if f.span.end_line == line else len(raw)
            yield [(f"    {'':>{width}} | ", "frame"), (_carets(text, start - begin, end - begin, len(head)), "caret")]


def _window_start(length: int, start: int) -> int:
    """Where the shown part of a line of ``length`` characters begins: 0 when the column fits
    in the frame with room to spare, else FRAME_LEAD characters before it."""
    if length <= FRAME_WIDTH or start < FRAME_WIDTH - FRAME_LEAD:
        return 0
    return max(0, min(start - FRAME_LEAD, length - FRAME_WIDTH))


def _carets(text: str, start: int, end: int, offset: int) -> str:
    """Carets under ``text[start:end]`` as printed (escapes are wider than what they stand for)."""
    shown = min(start, len(text))
    pad = offset + len(printable(text[:shown])) + (start - shown)
    return " " * pad + "^" * max(1, len(printable(text[shown:max(shown, end)])))


def render(results, options) -> str:
    rows = _lines(results, options)  # every segment is printable already
    if not options.color:
        return "".join("".join(t for t, _ in row) + "\n" for row in rows)
    return "".join("".join(_START[style] + t + _RESET if style and t else t for t, style in row) + "\n"
                   for row in rows)
