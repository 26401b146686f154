"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::warning file=Dockerfile,line=2,endLine=2,col=6,endColumn=10,title=LL101 missing-tag::message``

Levels: error -> ``error``, warning -> ``warning``, info and style -> ``notice``.  Columns are
sent only when the finding sits on one line (GitHub ignores them otherwise); ``endColumn`` is
exclusive, as ours.

Everything that comes from a Dockerfile is escaped as the runner requires, so no Dockerfile
can end the command early or start a new one (``::set-output``, ``::add-mask``, ``::stop-commands``):
in the message ``%``, CR and LF become ``%25``, ``%0D``, ``%0A``; in property values ``:`` and
``,`` also become ``%3A`` and ``%2C``.  Each annotation is exactly one line.  Every other control
character, ESC sequences included (GitHub renders ANSI in logs), the other line breaks a log
viewer may honour (vertical tab, form feed, NEL, U+2028/9), bidi overrides and undecodable
file-name bytes are spelled by ``layerlint.text.printable`` (``\\x1b``, ``\\u202e``, ``\\xff``).
A message shows at most ``TEXT_LIMIT`` characters.
"""
from __future__ import annotations

from . import TEXT_LIMIT, clip
from .common import printable_lines, rel_path

LEVELS = {"error": "error", "warning": "warning", "info": "notice", "style": "notice"}


def escape_data(s: str) -> str:
    """A message as the runner reads it back: CR and LF survive as ``%0D``/``%0A`` (GitHub
    shows a multi-line annotation), every other control is made printable."""
    return printable_lines(s.replace("%", "%25")).replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **props) -> str:
    parts = [f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None]
    head = f"::{level}" + (" " + ",".join(parts) if parts else "")
    return f"{head}::{escape_data(clip(message, TEXT_LIMIT))}"


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
