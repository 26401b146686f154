"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::warning file=Dockerfile,line=2,endLine=2,col=6,endColumn=10,title=LL101 missing-tag::message``

Levels: error -> ``error``, warning -> ``warning``, info and style -> ``notice``.  Columns are
sent only when the finding sits on one line (GitHub ignores them otherwise); ``endColumn`` is
exclusive, as ours.

Everything that comes from a Dockerfile is escaped as the runner requires, so no Dockerfile
can end the command early or start a new one (``::set-output``, ``::add-mask``, ``::stop-commands``):
in the message ``%``, CR and LF become ``%25``, ``%0D``, ``%0A``; in property values ``:`` and
``,`` also become ``%3A`` and ``%2C``.  Each annotation is exactly one line.
"""
from __future__ import annotations

from .common import rel_path

LEVELS = {"error": "error", "warning": "warning", "info": "notice", "style": "notice"}


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def _line_safe(s: str) -> str:
    """Beyond what GitHub specifies: other line breaks a log viewer may honour (vertical tab,
    form feed, NEL, U+2028/9) are percent-encoded too, so one annotation is one line anywhere."""
    out = []
    for ch in s:
        if ch in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def command(level: str, message: str, **props) -> str:
    parts = [f"{k}={_line_safe(escape_property(str(v)))}" for k, v in props.items() if v is not None]
    head = f"::{level}" + (" " + ",".join(parts) if parts else "")
    return f"{head}::{_line_safe(escape_data(message))}"


def annotation(f) -> str:
    s = f.span
    props: dict = {"file": rel_path(f.path)}
    if s.line >= 1:
        props["line"] = s.line
        end_line = max(s.end_line, s.line)
        props["endLine"] = end_line
        if end_line == s.line and s.column >= 1:
            props["col"] = s.column
            props["endColumn"] = max(s.end_column, s.column)
    props["title"] = f"{f.rule} {f.title}".strip()
    return command(LEVELS.get(f.severity, "warning"), f.message, **props)


def render(results, options) -> str:
    lines = []
    for r in results:
        for e in r.errors:
            props: dict = {"file": rel_path(r.path)}
            if e.line >= 1:
                props["line"] = e.line
                if e.column >= 1:
                    props["col"] = e.column
            props["title"] = "layerlint: cannot lint this file"
            lines.append(command("error", e.message, **props))
        for f in r.findings:
            lines.append(annotation(f))
    return "".join(line + "\n" for line in lines)
