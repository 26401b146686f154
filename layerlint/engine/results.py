"""What a lint run produces and reports consume: findings and file errors, per file."""
from __future__ import annotations

from ..record import Record

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional

    from ..rules.base import Fix
    from ..syntax.model import Span

SEVERITIES = ("error", "warning", "info", "style")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1, "style": 0}


class Finding(Record):
    rule: str  # layerlint code, e.g. LL101
    severity: str
    path: str
    span: Span
    message: str
    instr_line: int  # first line of the instruction (pragmas attach here)
    fix: Optional[Fix]
    hadolint: tuple[str, ...]
    buildkit: tuple[str, ...]
    title: str  # the rule's short name

    __slots__ = ("rule", "severity", "path", "span", "message", "instr_line", "fix", "hadolint", "buildkit",
                 "title")

    def __init__(
        self,
        rule: str,
        severity: str,
        path: str,
        span: Span,
        message: str,
        instr_line: int = 0,
        fix: Optional[Fix] = None,
        hadolint: tuple[str, ...] = (),
        buildkit: tuple[str, ...] = (),
        title: str = "",
    ) -> None:
        self.rule = rule
        self.severity = severity
        self.path = path
        self.span = span
        self.message = message
        self.instr_line = instr_line
        self.fix = fix
        self.hadolint = hadolint
        self.buildkit = buildkit
        self.title = title

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column


class FileError(Record):
    path: str
    line: int
    column: int
    message: str

    __slots__ = ("path", "line", "column", "message")

    def __init__(self, path: str, line: int, column: int, message: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.message = message


class FileResult(Record):
    path: str
    findings: list[Finding]
    errors: list[FileError]
    lines: list[str]  # for code frames
    diagram: Optional[dict]  # the stage diagram (cache.explain.diagram), when the run asked for it

    __slots__ = ("path", "findings", "errors", "lines", "diagram")
    _hidden = ("lines", "diagram")

    def __init__(
        self,
        path: str,
        findings: list[Finding] | None = None,
        errors: list[FileError] | None = None,
        lines: list[str] | None = None,
        diagram: Optional[dict] = None,
    ) -> None:
        self.path = path
        self.findings = [] if findings is None else findings
        self.errors = [] if errors is None else errors
        self.lines = [] if lines is None else lines
        self.diagram = diagram
