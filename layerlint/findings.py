"""What rules produce and reports consume."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .syntax.model import Span

SEVERITIES = ("error", "warning", "info", "style")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1, "style": 0}


@dataclass(slots=True)
class Edit:
    """Replace the text of ``span`` (on the file's physical lines) with ``text``."""
    span: Span
    text: str


@dataclass(slots=True)
class Fix:
    description: str
    edits: list[Edit]


@dataclass(slots=True)
class Finding:
    rule: str  # layerlint code, e.g. LL101
    severity: str
    path: str
    span: Span
    message: str
    instr_line: int = 0  # first line of the instruction (pragmas attach here)
    fix: Optional[Fix] = None
    hadolint: tuple[str, ...] = ()
    buildkit: tuple[str, ...] = ()
    title: str = ""  # the rule's short name

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column


@dataclass(slots=True)
class FileError:
    path: str
    line: int
    column: int
    message: str


@dataclass(slots=True)
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    lines: list[str] = field(default_factory=list, repr=False)  # for code frames
