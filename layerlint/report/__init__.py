"""Reports: turn lint results into text.  One module per format, each with ``render()``.

``render(results, options) -> str`` where ``results`` is a list of ``FileResult`` and
``options`` a ``ReportOptions``.  Formats are imported only when used (start-up time).
"""
from __future__ import annotations

import importlib

from ..record import Record

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional

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


class ReportOptions(Record):
    color: bool
    quiet: bool
    fail_on: str
    tool_version: str
    build_args: Optional[dict]  # for formats that redraw the stage graph (summary)
    target: Optional[str]

    _fields = ("color", "quiet", "fail_on", "tool_version", "build_args", "target")

    def __init__(
        self,
        color: bool = False,
        quiet: bool = False,
        fail_on: str = "info",
        tool_version: str = "",
        build_args: Optional[dict] = None,
        target: Optional[str] = None,
    ) -> None:
        self.color = color
        self.quiet = quiet
        self.fail_on = fail_on
        self.tool_version = tool_version
        self.build_args = build_args
        self.target = target


def render(fmt: str, results, options: ReportOptions) -> str:
    mod = importlib.import_module(f"{__name__}.{FORMATS[fmt]}")
    return mod.render(results, options)


def summary(results) -> dict:
    """Counts shared by every format."""
    by_sev = {"error": 0, "warning": 0, "info": 0, "style": 0}
    by_rule: dict[str, int] = {}
    for r in results:
        for f in r.findings:
            by_sev[f.severity] = by_sev.get(f.severity, 0) + 1
            by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
    return {
        "files": len(results),
        "files_with_errors": sum(1 for r in results if r.errors),
        "findings": sum(by_sev.values()),
        "by_severity": by_sev,
        "by_rule": dict(sorted(by_rule.items())),
    }
