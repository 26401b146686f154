"""Helpers shared by the BuildKit check rules (LL400-LL449); not a rule itself.

Behaviour follows moby/buildkit (frontend/dockerfile: linter/ruleset.go for the messages,
dockerfile2llb/convert.go and validations.go, instructions/parse.go for the triggers);
everything here is written from that behaviour, no code is copied.
"""
from __future__ import annotations

import re

from ..graph import PLATFORM_ARGS
from ..syntax.expand import referenced_vars
from ..syntax.model import Instruction, Span

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Iterable, Optional

# Predefined global ARGs BuildKit adds before the first FROM (dockerfile2llb defaultArgs).
PREDEFINED_ARGS = frozenset(PLATFORM_ARGS) | {"TARGETSTAGE"}
# ARGs BuildKit keeps out of the environment and never reports as undefined.
NON_ENV_ARGS = frozenset({"BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"})


# -- positions ---------------------------------------------------------------------------------
def offset_of(instr: Instruction, span: Span) -> Optional[int]:
    """Offset in ``instr.line`` of the character at the start of ``span`` (None if not in it)."""
    smap = instr.smap
    starts = smap._offsets + [smap.length]
    for i, (line, col) in enumerate(zip(smap._lines, smap._columns)):
        if line == span.line and col <= span.column < col + (starts[i + 1] - starts[i]):
            return starts[i] + span.column - col
    return None


def sub_span(instr: Instruction, span: Span, start: int, end: int) -> Span:
    """Span of ``[start, end)`` inside the text that begins at ``span`` (continuations mapped)."""
    base = offset_of(instr, span)
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


# -- image references (distribution/reference ParseNormalizedNamed) -----------------------------
_ALNUM = r"[a-z0-9]+"
_SEP = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = f"{_ALNUM}(?:{_SEP}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_NAME = rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_REFERENCE = re.compile(rf"({_NAME})(?::({_TAG}))?(?:@({_DIGEST}))?", re.ASCII)
_HEX64 = re.compile(r"[a-f0-9]{64}")


def valid_image_reference(s: str) -> bool:
    """Whether BuildKit's ``reference.ParseNormalizedNamed`` accepts ``s``."""
    if not s or _HEX64.fullmatch(s):
        return False
    i = s.find("/")
    if i == -1 or (not any(c in s[:i] for c in ".:") and s[:i] != "localhost" and s[:i].lower() == s[:i]):
        domain, remainder = "docker.io", s
    else:
        domain, remainder = s[:i], s[i + 1:]
    remote = remainder.split(":", 1)[0]
    if remote.lower() != remote:
        return False
    m = _REFERENCE.fullmatch(domain + "/" + remainder)
    return bool(m) and len(m.group(1)) <= 255


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


# -- stages ------------------------------------------------------------------------------------
def chain(stage) -> list:
    """The stages whose instructions this stage inherits, root first, the stage itself last."""
    out, seen = [], set()
    s = stage
    while s is not None and id(s) not in seen:
        seen.add(id(s))
        out.append(s)
        s = s.base_stage
    return out[::-1]


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
    """``(values, declared)`` of the ARGs FROM lines see: predefined platform ARGs (and
    TARGETSTAGE), then each ARG before the first FROM in order. ``--build-arg`` values apply
    unless ``defaults_only``; an ARG without a value never removes an existing value.
    ``declared`` lists the global ARG names in declaration order."""
    from ..graph import expand

    g = ctx.graph
    values: dict[str, str] = {k: g.build_args.get(k, v) for k, v in PLATFORM_ARGS.items()}
    target = g.target.name if g.target is not None and g.target.name else ""
    values["TARGETSTAGE"] = target
    declared: list[str] = []
    for instr in g.global_arg_instrs:
        for p in instr.pairs:
            if p.key not in declared:
                declared.append(p.key)
            if not defaults_only and p.key in g.build_args:
                values[p.key] = g.build_args[p.key]
            elif p.value is not None:
                values[p.key] = expand(p.value, values, ctx.df.escape)[0]
    return values, declared


def flag_value_offset(flag) -> int:
    """Offset of the value inside ``flag.raw`` (just after the first '=')."""
    return flag.raw.find("=") + 1


# -- EXPOSE port specs (dockerfile2llb convert_expose.go) -----------------------------------------
def expose_ports(ctx, instr):
    """``(word, port_text, expanded_port)`` for every port spec of an EXPOSE, after the
    builder's expansion and word splitting; words whose variables are unknown are skipped."""
    from ..syntax.expand import ExpandError, expand_with_unmatched, expand_words

    step = ctx.step(instr)
    env = {} if step is None or instr.parent is not None else step.state.vars
    esc = ctx.df.escape
    for w in instr.words:
        try:
            _, unknown = expand_with_unmatched(w.text, env, esc)
            if unknown:
                continue
            ports = expand_words(w.text, env, esc)
        except (ExpandError, RecursionError):
            continue
        for p in ports:
            yield w, p


def split_port(raw: str):
    """``(ip, host_port, container_port, proto)`` or None when BuildKit rejects the proto."""
    parts = raw.split(":")
    if len(parts) == 1:
        ip, host, cont = "", "", parts[0]
    elif len(parts) == 2:
        ip, host, cont = "", parts[0], parts[1]
    else:
        ip, host, cont = ":".join(parts[:-2]), parts[-2], parts[-1]
    port, _, proto = cont.partition("/")
    if not port or proto.lower() not in ("", "tcp", "udp", "sctp"):
        return None
    return ip, host, port, proto
