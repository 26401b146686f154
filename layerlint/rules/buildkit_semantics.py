"""Helpers shared by the BuildKit check rules (LL400-LL449); not a rule itself.

Behaviour follows moby/buildkit (frontend/dockerfile: linter/ruleset.go for the messages,
dockerfile2llb/convert.go and validations.go, instructions/parse.go for the triggers);
everything here is written from that behaviour, no code is copied.
"""
from __future__ import annotations

import re

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


def suggest(value: str, options: Iterable[str]) -> str:
    best, best_dist = "", 3
    for opt in options:
        if opt == value:
            return ""
        d = levenshtein(value, opt)
        if d < best_dist:
            best, best_dist = opt, d
    return best


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
