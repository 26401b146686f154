"""Reports: turn lint results into text.  One module per format, each with ``render()``.

``render(results, options) -> str`` where ``results`` is a list of ``FileResult`` and
``options`` a ``ReportOptions``.  A report renders from the results alone and never runs the
pipeline again (what a format needs beyond the findings, such as the summary's stage diagram,
the run attaches to each ``FileResult``).  Formats are imported only when used (start-up time).

Repository text (file names, messages that quote the Dockerfile, code frames) is hostile: the
text formats (tty, github, summary, checkstyle, junit) pass it through ``layerlint.text.printable``
so no control, ESC sequence or bidi override reaches a terminal, log or page, and the data formats
(json, sarif, gitlab) keep it faithful but UTF-8-encodable (``layerlint.text.encodable``).  What one
finding quotes is bounded (``TEXT_LIMIT``, ``DATA_LIMIT``, the tty's code frame), so a report's size
is linear in the number of findings however long the instructions are.
"""
from __future__ import annotations

import importlib
import os

from ..record import Record


def rel_path(path: str) -> str:
    """A path as CI tools want it: relative to the working directory when the file is under
    it, forward slashes, no leading ``./``.  ``-`` (stdin) stays as it is."""
    if path == "-":
        return path
    p = path
    if os.path.isabs(p):
        try:
            rel = os.path.relpath(p, os.getcwd())
        except ValueError:  # another drive on Windows
            rel = p
        if not rel.startswith(".." + os.sep) and rel != "..":
            p = rel
    p = p.replace(os.sep, "/")
    while p.startswith("./"):
        p = p[2:]
    return p or "."


FORMATS = {
    "tty": "tty",
    "json": "json_report",
    "sarif": "sarif",
    "github": "github",
    "gitlab": "gitlab",
    "checkstyle": "checkstyle",
    "junit": "junit",
    "summary": "step_summary",  # not summary.py: that would shadow summary() below
}


# Characters of one message a report shows: a message that quotes a 1 MB instruction is no
# more useful whole, and would make the report as big as the findings times the file.
TEXT_LIMIT = 500    # text formats, read by people
DATA_LIMIT = 2000   # json, sarif, gitlab: generous, for programs


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters and an ellipsis; escaping is the caller's."""
    return text if len(text) <= limit else text[:limit] + "\u2026"


class ReportOptions(Record):
    color: bool
    quiet: bool
    fail_on: str
    tool_version: str
    unsafe_fixes: bool  # --unsafe-fixes: unsafe fixes count as applicable in the fix hint
    fix_hint: bool  # tty: close with what --fix would apply (off in a --fix / --diff run)

    _fields = ("color", "quiet", "fail_on", "tool_version", "unsafe_fixes", "fix_hint")

    def __init__(
        self,
        color: bool = False,
        quiet: bool = False,
        fail_on: str = "info",
        tool_version: str = "",
        unsafe_fixes: bool = False,
        fix_hint: bool = True,
    ) -> None:
        self.color = color
        self.quiet = quiet
        self.fail_on = fail_on
        self.tool_version = tool_version
        self.unsafe_fixes = unsafe_fixes
        self.fix_hint = fix_hint


def render(fmt: str, results, options: ReportOptions) -> str:
    mod = importlib.import_module(f"{__name__}.{FORMATS[fmt]}")
    return mod.render(results, options)


def summary(results) -> dict:
    """Counts shared by every format."""
    by_sev = {"error": 0, "warning": 0, "info": 0, "style": 0}
    by_rule: dict[str, int] = {}
    fixable = {"safe": 0, "unsafe": 0}
    for r in results:
        for f in r.findings:
            by_sev[f.severity] = by_sev.get(f.severity, 0) + 1
            by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
            if f.fix is not None and f.fix.edits:
                fixable["safe" if f.fix.safe else "unsafe"] += 1
    return {
        "files": len(results),
        "files_with_errors": sum(1 for r in results if r.errors),
        "findings": sum(by_sev.values()),
        "by_severity": by_sev,
        "by_rule": dict(sorted(by_rule.items())),
        "fixable": fixable,  # findings with a fix: safe ones (--fix) and unsafe ones (--unsafe-fixes)
    }


def fix_hint(results, unsafe_fixes: bool = False) -> str:
    """What ``--fix`` would do for these results, ruff-style, or "" when nothing is fixable:
    ``[*] 2 fixable with --fix (1 hidden fix can be enabled with --unsafe-fixes).``"""
    n = summary(results)["fixable"]
    safe, unsafe = n["safe"], n["unsafe"]
    if unsafe_fixes:
        safe, unsafe = safe + unsafe, 0
    hidden = f"{unsafe} hidden fix{'es' if unsafe != 1 else ''} can be enabled with --unsafe-fixes"
    if safe and unsafe:
        return f"[*] {safe} fixable with --fix ({hidden})."
    if safe:
        return f"[*] {safe} fixable with --fix" + (" --unsafe-fixes." if unsafe_fixes and n["unsafe"] else ".")
    if unsafe:
        return f"No fixes available with --fix ({hidden})."
    return ""
