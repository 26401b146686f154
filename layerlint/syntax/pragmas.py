"""Inline suppressions: layerlint's own, hadolint's and BuildKit's, so migrating repos keep working.

- ``# layerlint: ignore=LL101,LL203 reason``   the next instruction
- ``# layerlint: ignore-stage=LL101``          the stage whose FROM follows
- ``# layerlint: ignore-file=LL101``           the whole file (anywhere in it)
- ``# hadolint ignore=DL3008,SC2086``          the next instruction (mapped to layerlint rules)
- ``# hadolint global ignore=DL3008``          the whole file
- ``# check=skip=JSONArgsRecommended`` as the top directive (whole file) or in the comment
  block right above an instruction (that instruction only), BuildKit >= 1.21. ``skip=all``
  silences the rules that are BuildKit checks (``BUILDKIT`` set), not layerlint's own rules.
"""
from __future__ import annotations

import re

from ..record import Record
from .model import Comment, Dockerfile

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional

_LAYERLINT = re.compile(r"^layerlint\s*:\s*(ignore|ignore-stage|ignore-file)\s*=\s*(\S+)")
_HADOLINT = re.compile(r"^hadolint\s+(global\s+)?ignore\s*=\s*(\S+(?:\s*,\s*\S+)*)")
_CHECK = re.compile(r"^check\s*=\s*(\S+)")


class Pragma(Record):
    line: int
    scope: str  # "instruction" | "stage" | "file"
    tool: str  # "layerlint" | "hadolint" | "buildkit"
    codes: list[str]
    used: set[str]

    __slots__ = ("line", "scope", "tool", "codes", "used")

    def __init__(
        self,
        line: int,
        scope: str,
        tool: str,
        codes: list[str],
        used: set[str] | None = None,
    ) -> None:
        self.line = line
        self.scope = scope
        self.tool = tool
        self.codes = codes
        self.used = set() if used is None else used


def parse_comment(c: Comment) -> Optional[Pragma]:
    text = c.text
    m = _LAYERLINT.match(text)
    if m:
        scope = {"ignore": "instruction", "ignore-stage": "stage", "ignore-file": "file"}[m.group(1)]
        return Pragma(c.line, scope, "layerlint", _codes(m.group(2)))
    m = _HADOLINT.match(text)
    if m:
        return Pragma(c.line, "file" if m.group(1) else "instruction", "hadolint", _codes(m.group(2)))
    m = _CHECK.match(text)
    if m:
        skips = _check_skips(m.group(1))
        if skips:
            return Pragma(c.line, "instruction", "buildkit", skips)
    return None


def _codes(text: str) -> list[str]:
    return [c.strip() for c in re.split(r"[,\s]+", text) if c.strip()]


def _check_skips(value: str) -> list[str]:
    """``skip=A,B;error=true`` -> [A, B] (BuildKit reads only the first word of the value)."""
    value = value.split()[0] if value.split() else ""
    out: list[str] = []
    for part in value.split(";"):
        k, _, v = part.partition("=")
        if k.strip().lower() == "skip":
            out += [x.strip() for x in v.split(",") if x.strip()]
    return out


class Suppressions:
    """Decides whether a finding is silenced, and remembers which pragmas were used."""

    def __init__(self, df: Dockerfile, stage_lines: dict[int, tuple[int, int]]) -> None:
        self.pragmas: list[Pragma] = []
        self.by_instruction: dict[int, list[Pragma]] = {}
        self.file_level: list[Pragma] = []
        self.stage_level: list[tuple[int, int, Pragma]] = []
        d = df.directives.get("check")
        if d is not None:
            skips = _check_skips(d.value)
            if skips:
                p = Pragma(d.line, "file", "buildkit", skips)
                self.pragmas.append(p)
                self.file_level.append(p)
        comment_owner: dict[int, int] = {}
        for instr in df.instructions:
            for c in instr.comments:
                comment_owner[c.line] = instr.start_line
        for c in df.comments:
            p = parse_comment(c)
            if p is None or (d is not None and c.line == d.line):
                continue
            self.pragmas.append(p)
            owner = comment_owner.get(c.line)
            if p.scope == "file":
                self.file_level.append(p)
            elif p.scope == "stage" and owner in stage_lines:
                first, last = stage_lines[owner]
                self.stage_level.append((first, last, p))
            elif owner is not None:
                self.by_instruction.setdefault(owner, []).append(p)

    @staticmethod
    def _hits(p: Pragma, rule: str, name: str, hadolint: tuple[str, ...], buildkit: tuple[str, ...]) -> Optional[str]:
        for code in p.codes:
            up = code.upper()
            if p.tool == "layerlint" and (up == rule or code.lower() == name or up == "ALL"):
                return code
            if p.tool == "hadolint" and up in hadolint:
                return code
            # BuildKit's skip=all disables BuildKit's checks, not layerlint's other rules
            if p.tool == "buildkit" and buildkit and (code.lower() == "all" or code.lower() in (b.lower() for b in buildkit)):
                return code
        return None

    def suppressed(self, rule: str, name: str, hadolint: tuple[str, ...], buildkit: tuple[str, ...],
                   instr_line: int) -> bool:
        candidates = list(self.file_level) + self.by_instruction.get(instr_line, [])
        candidates += [p for first, last, p in self.stage_level if first <= instr_line <= last]
        for p in candidates:
            code = self._hits(p, rule, name, hadolint, buildkit)
            if code is not None:
                p.used.add(code)
                return True
        return False
