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

from . import fix_hint, summary

STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan", "style": "magenta",
          "path": "bold", "code": "bold", "frame": "dim", "caret": "bold red"}
_SGR = {"bold": "1", "dim": "2", "red": "31", "yellow": "33", "magenta": "35", "cyan": "36"}
_START = {name: "\x1b[" + ";".join(_SGR[w] for w in style.split()) + "m" for name, style in STYLES.items()}
_RESET = "\x1b[0m"

# Text from the Dockerfile (code frames, messages, paths) must not drive the terminal: C0/C1
# controls (ESC sequences, a lone CR that rewrites the line) become their visible symbols and
# bidi overrides (Trojan Source) U+FFFD, one character for one so the carets stay aligned.
_VISIBLE = {**{c: 0x2400 + c for c in range(0x20)}, 0x7F: 0x2421,
            **{c: 0xFFFD for c in (*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))}}


def _lines(results, options):
    """Yield lists of (text, style) segments, one list per output line."""
    for r in results:
        if not r.findings and not r.errors:
            continue
        if options.quiet and not r.findings and not r.errors:
            continue
        yield [(r.path, "path")]
        for e in r.errors:
            where = f"{r.path}:{e.line}:{e.column}" if e.line else r.path
            yield [("  ", None), (where, None), (": ", None), ("error", "error"), (f": {e.message}", None)]
        for f in r.findings:
            row = [("  ", None), (f"{f.path}:{f.span.line}:{f.span.column}", None), (": ", None),
                   (f.severity, f.severity), (" ", None), (f.rule, "code"), (f" [{f.title}] ", "frame"),
                   (f.message, None)]
            if f.fix is not None and f.fix.edits:  # --fix applies a safe fix, --unsafe-fixes the others
                row.append((" [fix]" if f.fix.safe else " [unsafe fix]", "frame"))
            yield row
            if options.quiet:
                continue
            yield from _frame(r.lines, f)
        yield []
    s = summary(results)
    n = s["findings"]
    parts = [f"{v} {k}{'s' if v != 1 and k != 'info' else ''}" for k, v in s["by_severity"].items() if v]
    errs = s["files_with_errors"]
    text = f"Found {n} problem{'s' if n != 1 else ''}" + (f" ({', '.join(parts)})" if parts else "")
    text += f" in {s['files']} file{'s' if s['files'] != 1 else ''}"
    if errs:
        text += f"; {errs} file{'s' if errs != 1 else ''} could not be fully read"
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
    for n in range(line, last + 1):
        text = lines[n - 1].expandtabs(1)
        yield [(f"    {n:>{width}} | ", "frame"), (text, None)]
        if n == line:
            start = f.span.column
            end = f.span.end_column if f.span.end_line == line else len(text) + 1
            carets = "^" * max(1, end - start)
            yield [(f"    {'':>{width}} | ", "frame"), (" " * (start - 1) + carets, "caret")]


def render(results, options) -> str:
    rows = list(_lines(results, options))
    if not options.color:
        return "".join("".join(t.translate(_VISIBLE) for t, _ in row) + "\n" for row in rows)
    return "".join("".join(_START[style] + t.translate(_VISIBLE) + _RESET if style and t else t.translate(_VISIBLE)
                           for t, style in row) + "\n" for row in rows)
