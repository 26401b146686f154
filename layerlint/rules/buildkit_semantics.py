"""Helpers shared by the BuildKit check rules (LL400-LL449); not a rule itself.

Behaviour follows moby/buildkit (frontend/dockerfile: linter/ruleset.go for the messages,
dockerfile2llb/convert.go and validations.go, instructions/parse.go for the triggers);
everything here is written from that behaviour, no code is copied.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from ..graph import PLATFORM_ARGS
from .context import referenced_vars
from ..syntax.model import Instruction, Span

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Iterable, Optional

# Predefined global ARGs BuildKit adds before the first FROM (dockerfile2llb defaultArgs).
PREDEFINED_ARGS = frozenset(PLATFORM_ARGS) | {"TARGETSTAGE"}
# ARGs BuildKit keeps out of the environment and never reports as undefined.
NON_ENV_ARGS = frozenset({"BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"})


# -- positions ---------------------------------------------------------------------------------
def sub_span(instr: Instruction, span: Span, start: int, end: int) -> Span:
    """Span of ``[start, end)`` inside the text that begins at ``span`` (continuations mapped)."""
    base = instr.offset_of(span)
    if base is None:
        return span
    return instr.span_of(base + start, base + end)


def first_ref(text: str, name: str, escape: str = "\\") -> Optional[tuple[int, int]]:
    """``(start, end)`` of the first reference to ``name`` in ``text``."""
    for n, s, e in referenced_vars(text, escape):
        if n == name:
            return s, e
    return None


# -- "did you mean" (util/suggest: Levenshtein distance < 3, exact match means no suggestion) ----
def levenshtein(a: str, b: str) -> int:
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def bounded_distance(a: str, b: str, k: int) -> int:
    """``levenshtein(a, b)`` when it is at most ``k``, else ``k + 1``: only the diagonal band
    ``|i - j| <= k`` of the table is computed, so the work is O(k * len), not O(len(a) * len(b))."""
    la, lb = len(a), len(b)
    big = k + 1
    if abs(la - lb) > k:
        return big
    width = 2 * k + 1
    prev = [t - k if t >= k else big for t in range(width)]  # row 0: prev[t] is D[0][t - k]
    for i in range(1, la + 1):
        ca = a[i - 1]
        cur = [big] * width  # cur[t] is D[i][i - k + t]
        best = big
        for t in range(width):
            j = i - k + t
            if j < 0 or j > lb:
                continue
            if j == 0:
                v = i
            else:
                v = prev[t] + (ca != b[j - 1])  # D[i-1][j-1]
                if t + 1 < width and prev[t + 1] + 1 < v:  # D[i-1][j]
                    v = prev[t + 1] + 1
                if t > 0 and cur[t - 1] + 1 < v:  # D[i][j-1]
                    v = cur[t - 1] + 1
            if v > big:
                v = big
            cur[t] = v
            if v < best:
                best = v
        if best >= big:
            return big
        prev = cur
    return min(prev[lb - la + k], big)


# A file's did-you-mean work is bounded (names looked at + cells of the distance table): one
# suggestion per undefined variable over every name in scope is quadratic in a generated file
# of thousands of each.  Real files stay far below it (the 3,000-file corpus needs at most a
# few hundred units per file); beyond it the remaining findings are reported without a hint.
SUGGEST_BUDGET = 200_000


class Budget:
    """Work left for the did-you-mean suggestions of one rule run over one file."""

    __slots__ = ("left", "spent")

    def __init__(self, units: int = SUGGEST_BUDGET) -> None:
        self.left = units
        self.spent = 0

    def take(self, units: int) -> bool:
        """Whether ``units`` more may be spent (then they are); once refused, always refused."""
        if units > self.left:
            self.left = -1
            return False
        self.left -= units
        self.spent += units
        return True


def suggest(value: str, options: Iterable[str], budget: Optional[Budget] = None, min_dist: int = 1) -> str:
    """BuildKit's suggestion: the first option (in order) at the smallest Levenshtein distance
    below 3, or "" when none is that close or ``value`` itself is an option.

    The same answer as comparing every option, with less work: options whose length differs by
    3 or more are skipped, the distance is computed only as far as it can still win, and when
    ``options`` can answer ``in`` (a mapping or a set) the search stops at the first option
    ``min_dist`` edits away (1, or 2 when the caller knows that no option is one edit away:
    only a closer one could beat it).  With a ``budget`` it gives up ("") once that is spent."""
    can_stop = isinstance(options, (Mapping, set, frozenset))
    if can_stop and value in options:
        return ""
    n = len(value)
    best, best_dist = "", 3
    for opt in options:
        if budget is not None and not budget.take(1):
            return ""
        if opt == value:
            return ""
        if abs(len(opt) - n) >= best_dist:
            continue
        if budget is not None and not budget.take(min(n, len(opt)) + 1):
            return ""
        d = bounded_distance(value, opt, best_dist - 1)
        if d < best_dist:
            best, best_dist = opt, d
            if d <= min_dist and can_stop:
                break
    return best


_INDEXED = 64  # longer names are compared one by one (a long name costs O(length^2) to index)


class Suggester:
    """``suggest`` for the many undefined names of one file, over options drawn from ``names``
    (every name any scope of the file can hold).  The names one edit away from a value are
    found by lookups in an index of each name's one-deletion variants (O(length) lookups, not a
    comparison with every name); only when there are none is the scope scanned, in order, for
    the first name two edits away.  The options must answer ``in`` and ``order_key`` (the
    graph's scopes and views do) and hold only names from ``names``."""

    def __init__(self, names: Iterable[str], units: int = SUGGEST_BUDGET) -> None:
        self._names = names
        self._whole: Optional[set[str]] = None
        self._deleted: dict[tuple[int, str], list[str]] = {}  # (i, name minus its i-th char) -> names
        self.budget = Budget(units)

    def _index(self) -> None:
        self._whole = set()
        for name in self._names:
            if len(name) > _INDEXED + 1 or name in self._whole:
                continue
            self._whole.add(name)
            for i in range(len(name)):
                self._deleted.setdefault((i, name[:i] + name[i + 1:]), []).append(name)

    def one_edit(self, value: str) -> Optional[set[str]]:
        """The indexed names one edit from ``value`` (None: ``value`` is too long to look up)."""
        if len(value) > _INDEXED:
            return None
        if self._whole is None:
            self._index()
        found: set[str] = set()
        deleted, whole = self._deleted, self._whole
        for i in range(len(value) + 1):
            found.update(deleted.get((i, value), ()))  # value with one character inserted
            if i < len(value):
                shorter = value[:i] + value[i + 1:]
                if shorter in whole:  # value with one character deleted
                    found.add(shorter)
                found.update(deleted.get((i, shorter), ()))  # one character substituted
        found.discard(value)
        return found

    def suggest(self, value: str, options) -> str:
        if value in options:
            return ""
        if not self.budget.take(len(value) + 1):
            return ""
        near = self.one_edit(value)
        if near is None:
            return suggest(value, options, self.budget)
        near = [n for n in near if n in options]
        if near:
            return min(near, key=options.order_key)
        return suggest(value, options, self.budget, min_dist=2)


# -- platforms (containerd platforms.Parse, the parts the checks use) ---------------------------
_PLATFORM_PART = re.compile(r"[A-Za-z0-9_.-]+")
_KNOWN_OS = frozenset("aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd "
                      "openbsd plan9 solaris wasip1 windows zos".split())
_KNOWN_ARCH = frozenset("386 amd64 amd64p32 arm armbe arm64 arm64be ppc64 ppc64le loong64 mips mipsle "
                        "mips64 mips64le mips64p32 mips64p32le ppc riscv riscv64 s390 s390x sparc "
                        "sparc64 wasm".split())


def _normalize_arch(arch: str) -> str:
    arch = arch.lower()
    return {"i386": "386", "x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64",
            "armhf": "arm", "armel": "arm"}.get(arch, arch)


def parse_platform(s: str) -> Optional[tuple[str, str]]:
    """``(os, architecture)`` as containerd normalises them, None when it would fail."""
    parts = s.split("/")
    if not 1 <= len(parts) <= 3 or not all(_PLATFORM_PART.fullmatch(p) for p in parts):
        return None
    os_ = parts[0].lower()
    if os_ == "macos":
        os_ = "darwin"
    if len(parts) == 1:
        if os_ in _KNOWN_OS:
            return os_, "amd64"  # the builder's own architecture; amd64 assumed
        arch = _normalize_arch(parts[0])
        return ("linux", arch) if arch in _KNOWN_ARCH else None
    return os_, _normalize_arch(parts[1])


# -- quoting for fixes -------------------------------------------------------------------------
def dq(value: str, escape: str = "\\") -> str:
    """A double-quoted word whose BuildKit expansion is exactly ``value`` (no expansion inside)."""
    out = []
    for ch in value:
        if ch in ('"', "$", escape):
            out.append(escape)
        out.append(ch)
    return '"' + "".join(out) + '"'


def one_word(raw: str, escape: str = "\\") -> str:
    """``raw`` rewritten so BuildKit's word splitter keeps it one word while its expansion stays
    the same: unchanged without unquoted blanks, double-quoted when it has no quotes or escapes,
    otherwise each unquoted blank escaped."""
    blanks = _unquoted_blanks(raw, escape)
    if not blanks:
        return raw
    if not any(c in raw for c in ('"', "'", escape)):
        return '"' + raw + '"'
    out = []
    for i, ch in enumerate(raw):
        if i in blanks:
            out.append(escape)
        out.append(ch)
    return "".join(out)


def _unquoted_blanks(raw: str, escape: str) -> set[int]:
    out: set[int] = set()
    quote = ""
    i = 0
    while i < len(raw):
        ch = raw[i]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == escape and quote != "'":
                i += 1
        elif ch.isspace():
            out.add(i)
        elif ch in "'\"":
            quote = ch
        elif ch == escape:
            i += 1
        i += 1
    return out


# -- global ARGs as BuildKit's buildMetaArgs computes them -----------------------------------------
def global_env(ctx, defaults_only: bool = False) -> tuple[dict[str, str], list[str]]:
    """``Graph.global_values`` plus BuildKit's TARGETSTAGE (the target stage's name)."""
    g = ctx.graph
    values, declared = g.global_values(defaults_only)
    values["TARGETSTAGE"] = g.target.name if g.target is not None and g.target.name else ""
    return values, declared


def flag_value_offset(flag) -> int:
    """Offset of the value inside ``flag.raw`` (just after the first '=')."""
    return flag.raw.find("=") + 1
