"""Inline suppressions: layerlint's own, hadolint's and BuildKit's, so migrating repos keep working.

- ``# layerlint: ignore=LL101,LL203 reason``   the next instruction
- ``# layerlint: ignore-stage=LL101``          the stage whose FROM follows
- ``# layerlint: ignore-file=LL101``           the whole file (anywhere in it)
- ``# hadolint ignore=DL3008,SC2086``          the next instruction (mapped to layerlint rules)
- ``# hadolint global ignore=DL3008``          the whole file
- ``# check=skip=JSONArgsRecommended`` as the top directive (whole file) or in the comment
  block right above an instruction (that instruction only: the Dockerfile frontend 1.21,
  ``# syntax=docker/dockerfile:1.21``; the frontend built into Docker 28.5, BuildKit v0.25,
  reads only the top directive). ``skip=all`` silences the rules that are BuildKit checks
  (``BUILDKIT`` set), not layerlint's own rules. Names match as written, as in BuildKit.
"""
from __future__ import annotations

import bisect
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


def check_fails_build(df: Dockerfile) -> bool:
    """Whether the file's ``# check=...;error=true`` directive is on: BuildKit then fails the
    build on any finding of its checks ("lint violation found for rules: ..."), so they are errors."""
    d = df.directives.get("check")
    if d is None or not d.value.split():
        return False
    for part in d.value.split()[0].split(";"):
        k, _, v = part.partition("=")
        if k.strip().lower() == "error" and v.strip().lower() == "true":
            return True
    return False


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
        self._by_line: dict[int, _PragmaIndex] = {}
        self._stages = None  # [(first, last, index)] of the stage ranges, False when they overlap
        self._stage_firsts: list[int] = []
        self._attached: Optional[set[int]] = None
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
        self._file_index = _PragmaIndex(self.file_level)

    @staticmethod
    def _hits(p: Pragma, rule: str, name: str, hadolint: tuple[str, ...], buildkit: tuple[str, ...]) -> Optional[str]:
        for code in p.codes:
            up = code.upper()
            if p.tool == "layerlint" and (up == rule or code.lower() == name or up == "ALL"):
                return code
            if p.tool == "hadolint" and up in hadolint:
                return code
            # BuildKit's skip=all disables BuildKit's checks, not layerlint's other rules
            # BuildKit matches the names as written (`jsonargsrecommended` skips nothing)
            if p.tool == "buildkit" and buildkit and (code == "all" or code in buildkit):
                return code
        return None

    def suppressed(self, rule: str, name: str, hadolint: tuple[str, ...], buildkit: tuple[str, ...],
                   instr_line: int) -> bool:
        """Whether a finding of ``rule`` at the instruction on ``instr_line`` is silenced: the
        first pragma that names it, file-level pragmas first, then the instruction's, then the
        stage's (that pragma's code is marked used).  Looked up in indexes (by the codes each
        pragma names) rather than by trying every pragma: a file of thousands of pragmas and
        findings was quadratic."""
        keys = _query_keys(rule, name, hadolint, buildkit)
        groups = [self._file_index, self._instruction_index(instr_line), self._stage_index(instr_line)]
        for index in groups:
            hit = index.first_hit(keys) if index is not None else None
            if hit is not None:
                p, code = hit
                p.used.add(code)
                return True
        return False

    def is_attached(self, p: Pragma) -> bool:
        """Whether ``p`` silences something at all: a file-level pragma, or one directly above
        an instruction (a stage's FROM for ``ignore-stage``)."""
        if self._attached is None:
            self._attached = {id(q) for q in self.file_level}
            self._attached.update(id(q) for _, _, q in self.stage_level)
            self._attached.update(id(q) for qs in self.by_instruction.values() for q in qs)
        return id(p) in self._attached

    def _instruction_index(self, line: int) -> Optional["_PragmaIndex"]:
        found = self._by_line.get(line)
        if found is None and line in self.by_instruction:
            found = self._by_line[line] = _PragmaIndex(self.by_instruction[line])
        return found

    def _stage_index(self, line: int) -> Optional["_PragmaIndex"]:
        if self._stages is None:
            self._index_stages()
        if self._stages is False:  # overlapping ranges (not made by the engine): as written
            found = [p for first, last, p in self.stage_level if first <= line <= last]
            return _PragmaIndex(found) if found else None
        i = bisect.bisect_right(self._stage_firsts, line) - 1
        if i < 0:
            return None
        first, last, index = self._stages[i]
        return index if line <= last else None

    def _index_stages(self) -> None:
        ranges: dict[tuple[int, int], list[Pragma]] = {}
        for first, last, p in self.stage_level:
            ranges.setdefault((first, last), []).append(p)
        ordered = sorted(ranges)
        if any(a[1] >= b[0] for a, b in zip(ordered, ordered[1:])):
            self._stages = False
            return
        self._stages = [(first, last, _PragmaIndex(ranges[(first, last)])) for first, last in ordered]
        self._stage_firsts = [first for first, _ in ordered]


def _query_keys(rule: str, name: str, hadolint: tuple[str, ...], buildkit: tuple[str, ...]) -> list[tuple[str, str]]:
    """The index keys under which a pragma naming this rule is filed (see ``_PragmaIndex``)."""
    keys = [("layerlint", rule), ("layerlint", "ALL"), ("layerlint-name", name)]
    keys += [("hadolint", h) for h in hadolint]
    if buildkit:
        keys += [("buildkit", "all")] + [("buildkit", b) for b in buildkit]
    return keys


class _PragmaIndex:
    """Pragmas in order, filed under the keys their codes answer to, so that the first pragma
    (and its first code) that ``Suppressions._hits`` would accept is a few lookups."""

    def __init__(self, pragmas: list[Pragma]) -> None:
        self._first: dict[tuple[str, str], tuple[int, int, Pragma, str]] = {}
        for i, p in enumerate(pragmas):
            for j, code in enumerate(p.codes):
                if p.tool == "layerlint":
                    keys = [("layerlint", code.upper()), ("layerlint-name", code.lower())]
                elif p.tool == "hadolint":
                    keys = [("hadolint", code.upper())]
                else:
                    keys = [("buildkit", code)]
                for k in keys:
                    self._first.setdefault(k, (i, j, p, code))

    def first_hit(self, keys: list[tuple[str, str]]) -> Optional[tuple[Pragma, str]]:
        found = [self._first[k] for k in keys if k in self._first]
        if not found:
            return None
        _, _, p, code = min(found, key=lambda f: (f[0], f[1]))
        return p, code
