"""Image references (``registry/ns/name:tag@digest``) and the official image size table."""
from __future__ import annotations

import os
import re

from .record import FrozenRecord


TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional


# Docker Hub's host names: an image with none of them (or no registry) comes from Docker Hub
DOCKER_HUB = ("docker.io", "index.docker.io", "registry-1.docker.io", "hub.docker.com")


class ImageRef(FrozenRecord):
    text: str
    registry: Optional[str]  # None: Docker Hub
    path: str  # e.g. "library/python", "bitnami/redis"
    tag: Optional[str]
    digest: Optional[str]
    tag_offset: int  # offset of the tag in ``text`` (-1: none)

    __slots__ = ("text", "registry", "path", "tag", "digest", "tag_offset")

    def __init__(
        self,
        text: str,
        registry: Optional[str],
        path: str,
        tag: Optional[str],
        digest: Optional[str],
        tag_offset: int = -1,
    ) -> None:
        self.text = text
        self.registry = registry
        self.path = path
        self.tag = tag
        self.digest = digest
        self.tag_offset = tag_offset

    @property
    def name(self) -> str:
        """Last path component (``python`` for ``docker.io/library/python``)."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def official(self) -> bool:
        """A Docker Official Image (``python``, ``library/python``, ``docker.io/library/python``)."""
        return (self.registry is None or self.registry in DOCKER_HUB) \
            and self.path.startswith("library/") and self.path.count("/") == 1


def parse_image(text: str) -> ImageRef:
    """Parse a reference the way the Docker reference grammar splits it (lenient)."""
    rest, digest = text, None
    if "@" in rest:
        rest, digest = rest.split("@", 1)
    tag = None
    tag_offset = -1
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        rest, tag = rest[:colon], rest[colon + 1:]
        tag_offset = colon + 1
    registry = None
    first, sep, remainder = rest.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost" or first != first.lower()):
        registry, rest = first, remainder
    path = rest if "/" in rest else f"library/{rest}"
    if registry in ("docker.io", "index.docker.io") and "/" not in rest:
        path = f"library/{rest}"
    return ImageRef(text, registry, path, tag, digest, tag_offset)


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


# -- sizes and tags ----------------------------------------------------------------------------
# image_sizes.tsv has two kinds of rows: measured sizes (``image tag platform bytes``) and tags
# known to exist without a measured size (``image tag platform -  source``), read from the
# official images' own Dockerfiles; its header names every source and date.
_SIZES: Optional[dict[tuple[str, str, str], int]] = None
_EXISTS: Optional[frozenset[tuple[str, str, str]]] = None
_TAGS: Optional[dict[str, list[tuple[str, str]]]] = None  # image -> [(tag, platform)]
SIZE_SOURCE = ("docker-library/repo-info records (compressed download sizes), "
               "images built between late June and 25 Sep 2026")

SLIM_TOKENS = ("slim", "alpine", "minimal", "jre", "distroless", "musl", "uclibc")


def _load() -> None:
    global _SIZES, _EXISTS, _TAGS
    table: dict[tuple[str, str, str], int] = {}
    exists: set[tuple[str, str, str]] = set()
    tags: dict[str, dict[tuple[str, str], None]] = {}
    # what pkgutil.get_data does (zip-safe), without importing pkgutil, inspect and typing
    path = os.path.join(os.path.dirname(__file__), "data", "image_sizes.tsv")
    text = __spec__.loader.get_data(path).decode("utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        image, tag, platform, size = line.split("\t")[:4]
        key = (image, tag, platform)
        if size == "-":
            exists.add(key)
        else:
            table[key] = int(size)
        tags.setdefault(image, {})[(tag, platform)] = None
    _SIZES, _EXISTS = table, frozenset(exists)
    _TAGS = {image: list(found) for image, found in tags.items()}


def sizes() -> dict[tuple[str, str, str], int]:
    """Measured compressed sizes: (image, tag, platform) -> bytes."""
    if _SIZES is None:
        _load()
    return _SIZES


def tag_known(image: str, tag: str, platform: str) -> bool:
    """Whether the data says ``image:tag`` exists for ``platform`` (measured or not)."""
    if _EXISTS is None:
        _load()
    return (image, tag, platform) in _SIZES or (image, tag, platform) in _EXISTS


def known_image(image: str) -> bool:
    if _TAGS is None:
        _load()
    return image in _TAGS


def tokens(tag: str) -> list[str]:
    return tag.split("-")


def is_slim(tag: str) -> bool:
    return any(t.startswith(s) for t in tokens(tag) for s in SLIM_TOKENS)


# Debian and Ubuntu release names used in official tags (``python:3.12-bookworm``)
SUITES = frozenset({
    "sid", "trixie", "bookworm", "bullseye", "buster", "stretch", "jessie", "wheezy", "squeeze",
    "resolute", "noble", "jammy", "focal", "bionic", "xenial", "trusty", "precise",
})
# tags that name a release channel instead of a number (``nginx:mainline``, ``node:lts``)
CHANNELS = frozenset({"latest", "lts", "current", "stable", "mainline", "tip"})
_PRE_RELEASE = re.compile(r"(?:rc|ea|alpha|beta|preview|p)\d*")  # 3.3-rc, 27-ea, ruby 1.9.3-p551
_WINDOWS = re.compile(r"(?:windowsservercore|nanoserver|servercore|ltsc\d+|\d{4}|1709|1803|1809|sac2016)")
# an image's default flavour, which its tags may leave out: php:8.4 is php:8.4-cli,
# eclipse-temurin:21 and openjdk:11 are the JDK
DEFAULT_FLAVOUR = {"php": "cli", "eclipse-temurin": "jdk", "openjdk": "jdk"}


class TagShape(FrozenRecord):
    """A tag taken apart: ``8.4-fpm-alpine3.24`` is version 8.4, flavour fpm, variant alpine3.24."""
    version: str  # "3.12", "1.9.3-p551", "mainline"; "" for latest / no version
    flavour: tuple  # ("fpm",), ("jdk",): what the image is, kept by any suggestion
    suite: Optional[str]  # Debian/Ubuntu release, None when the tag names none
    variant: tuple  # the size variant tokens: ("slim",), ("alpine3.24", "slim")
    windows: bool

    __slots__ = ("version", "flavour", "suite", "variant", "windows")

    def __init__(self, version: str, flavour: tuple, suite: Optional[str], variant: tuple, windows: bool) -> None:
        self.version = version
        self.flavour = flavour
        self.suite = suite
        self.variant = variant
        self.windows = windows

    @property
    def kind(self) -> str:
        """The size variant: "" (the full image), "slim", "alpine", "alpine-slim", "minimal"..."""
        alpine = any(t.startswith("alpine") for t in self.variant)
        slim = "slim" in self.variant
        if alpine:
            return "alpine-slim" if slim else "alpine"
        for t in self.variant:
            return "slim" if t == "slim" else t
        return ""


_SHAPES: dict[tuple[str, str], TagShape] = {}


def tag_shape(image: str, tag: str) -> TagShape:
    found = _SHAPES.get((image, tag))
    if found is None:
        if len(_SHAPES) > 8192:  # a long-running server sees many tags: stay bounded
            _SHAPES.clear()
        found = _SHAPES[(image, tag)] = _tag_shape(image, tag)
    return found


def _tag_shape(image: str, tag: str) -> TagShape:
    toks = [] if tag == "latest" else tokens(tag)
    version: list[str] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if not version and t and (t[0].isdigit() or t in CHANNELS):
            version.append(t)
        elif version and _PRE_RELEASE.fullmatch(t) and len(version) == 1:
            version.append(t)
        else:
            break
        i += 1
    flavour: list[str] = []
    suite = None
    variant: list[str] = []
    windows = False
    for t in toks[i:]:
        if t == "slim" or any(t.startswith(s) for s in ("alpine", "minimal", "musl", "uclibc", "distroless")):
            variant.append(t)
        elif t in SUITES:
            suite = t
        elif _WINDOWS.fullmatch(t) or t == "windows":
            windows = True
        else:
            flavour.append(t)
    if not flavour and image in DEFAULT_FLAVOUR:
        flavour.append(DEFAULT_FLAVOUR[image])
    return TagShape("-".join(version), tuple(flavour), suite, tuple(variant), windows)


class Suggestion(FrozenRecord):
    tag: str
    size: int  # bytes, 0 when not measured
    saving: int  # bytes
    estimated_from: Optional[tuple[str, str]]  # (full image, smaller image) whose sizes gave the estimate
    kind: str  # "slim", "alpine", "alpine-slim", "jre", "jre-slim", "jre-alpine", "minimal"...

    __slots__ = ("tag", "size", "saving", "estimated_from", "kind")

    def __init__(
        self,
        tag: str,
        size: int,
        saving: int,
        estimated_from: Optional[tuple[str, str]] = None,
        kind: str = "",
    ) -> None:
        self.tag = tag
        self.size = size
        self.saving = saving
        self.estimated_from = estimated_from
        self.kind = kind


def _relation(image: str, full: TagShape, small: TagShape) -> Optional[str]:
    """The kind of smaller variant ``small`` is of the full image ``full`` (same version and
    flavour, same Debian release unless it is an Alpine one), or None when it is not one."""
    if full.variant or full.windows or small.windows or small.version != full.version:
        return None
    jre = False
    if small.flavour != full.flavour:
        # a JDK's JRE of the same Java version: the only flavour change allowed
        swapped = tuple("jre" if t == "jdk" else t for t in full.flavour)
        if "jdk" not in full.flavour or small.flavour != swapped:
            return None
        jre = True
    kind = small.kind
    if kind.startswith("alpine"):
        if small.suite is not None:
            return None
    elif small.suite != full.suite:
        return None
    if not kind and not jre:
        return None
    if jre:
        return "jre" if not kind else f"jre-{kind}"
    return kind


# What openjdk's variants are built FROM, for an estimate where the data has no measured pair:
# the JDK FROM buildpack-deps:<suite>-scm, the JRE FROM buildpack-deps:<suite>-curl, both slim
# variants FROM debian:<suite>-slim (docker-library/openjdk 10-jdk, 10-jre, 10-jdk/slim, 10-jre/slim
# at 8a18717a; 27/bookworm, 27/slim-bookworm at da2d75fd; in ../shared/corpus/real).  The JDK or
# JRE on top is the same size or smaller in the slim variant, so the difference of the bases
# (measured for the current Debian release) is a lower bound of the saving.
_PARENTS = {
    "openjdk": {("jdk", ""): ("buildpack-deps", "scm"), ("jre", ""): ("buildpack-deps", "curl"),
                ("jdk", "slim"): ("debian", "trixie-slim"), ("jre", "slim"): ("debian", "trixie-slim")},
}


def smaller_variants(image: str, tag: str, platform: str = "linux/amd64") -> list[Suggestion]:
    """The smaller variants of ``image:tag`` that the data says exist for the same version and
    flavour, one per kind (the shortest tag of each), largest saving first.

    The saving is measured when both tags have a size for ``platform``; otherwise it is
    estimated (``estimated_from``): the smallest saving between the same two kinds of the
    image's measured tags, or for openjdk the difference of the images the two variants are
    built FROM.  A tag the data does not list is never suggested."""
    if _TAGS is None:
        _load()
    full = tag_shape(image, tag)
    if full.variant or full.windows:
        return []
    table = sizes()
    current = table.get((image, tag, platform))
    best: dict[str, Suggestion] = {}
    for t, plat in sorted(_TAGS.get(image, ()), key=lambda tp: (len(tp[0]), tp[0])):
        if plat != platform or t == tag:
            continue
        kind = _relation(image, full, tag_shape(image, t))
        if kind is None or kind in best:
            continue
        size = table.get((image, t, platform))
        if current is not None and size is not None:
            if size < current:
                best[kind] = Suggestion(t, size, current - size, None, kind)
            continue
        est = _estimate(image, full, kind, platform)
        if est is not None:
            best[kind] = Suggestion(t, size or 0, est[0], est[1], kind)
    return sorted(best.values(), key=lambda c: -c.saving)


def _estimate(image: str, full: TagShape, kind: str, platform: str) -> Optional[tuple[int, tuple[str, str]]]:
    """(saving, (full image, smaller image)): the smallest measured saving of the same kind."""
    table = sizes()
    found: Optional[tuple[int, tuple[str, str]]] = None
    for (img, a, plat), size_a in table.items():
        if img != image or plat != platform:
            continue
        sa = tag_shape(image, a)
        if sa.variant or sa.flavour != full.flavour or (sa.suite is None) != (full.suite is None):
            continue
        for b, _ in _TAGS.get(image, ()):
            size_b = table.get((image, b, platform))
            if size_b is None or size_b >= size_a or _relation(image, sa, tag_shape(image, b)) != kind:
                continue
            saving = size_a - size_b
            if found is None or saving < found[0]:
                found = (saving, (f"{image}:{a}", f"{image}:{b}"))
    if found is None and image in _PARENTS and len(full.flavour) == 1:
        parents = _PARENTS[image]
        flavour = "jre" if kind.startswith("jre") else full.flavour[0]
        variant = kind[4:] if kind.startswith("jre") else kind
        base, smaller = parents.get((full.flavour[0], "")), parents.get((flavour, variant))
        if base is not None and smaller is not None:
            a, b = table.get(base + (platform,)), table.get(smaller + (platform,))
            if a is not None and b is not None and a > b:
                found = (a - b, (":".join(base), ":".join(smaller)))
    return found


# -- names the repository provides as build contexts --------------------------------------------
# `FROM base` with no stage `base` is an image, unless the build supplies a named context of that
# name: a docker-bake file's `contexts`, a compose service's `build.additional_contexts`, or
# `--build-context base=...` on the command line (found in the repository's Makefiles).
BAKE_FILES = ("docker-bake.hcl", "docker-bake.override.hcl", "docker-bake.json", "docker-bake.override.json")
COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml",
                 "compose.override.yaml", "compose.override.yml", "docker-compose.override.yml",
                 "docker-compose.override.yaml")
MAKE_FILES = ("Makefile", "makefile", "GNUmakefile")
MAX_LEVELS = 10  # directories above the Dockerfile's looked at for the repository root
MAX_FILE_BYTES = 256 * 1024
_NAME = r"[A-Za-z0-9][A-Za-z0-9_./:@-]*"


def repository_dirs(start: Optional[str]) -> tuple[Optional[str], list[str]]:
    """(repository root, the directories from ``start`` up to it), ``start`` first.  The root is
    the nearest directory, at most MAX_LEVELS up, holding ``.git``; without one, only ``start``
    itself is looked at (nothing above a directory that is not known to be in the repository)."""
    if not start:
        return None, []
    here = os.path.abspath(start)
    dirs = [here]
    d = here
    for _ in range(MAX_LEVELS + 1):
        if os.path.lexists(os.path.join(d, ".git")):
            return d, dirs
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
        dirs.append(d)
    return here, [here]


def named_contexts(start: Optional[str]) -> frozenset[str]:
    """The build-context names (lower-cased) that the bake, compose and Makefiles from
    directory ``start`` up to the repository root define.  Files are read only as regular files
    inside the repository (symlinks resolved inside it, FIFOs and devices refused), at most
    MAX_FILE_BYTES each."""
    from .buildctx.paths import read_context_file
    root, dirs = repository_dirs(start)
    names: set[str] = set()
    for d in dirs:
        rel = os.path.relpath(d, root)
        for fname in BAKE_FILES + COMPOSE_FILES + MAKE_FILES:
            data = read_context_file(root, fname if rel == "." else f"{rel}/{fname}", MAX_FILE_BYTES)
            if data is None:
                continue
            text = data.decode("utf-8", "replace")
            if fname in BAKE_FILES:
                names |= _bake_contexts(text, fname.endswith(".json"))
            elif fname in COMPOSE_FILES:
                names |= _compose_contexts(text)
            names |= _cli_contexts(text)
    return frozenset(n.lower() for n in names)


def _bake_contexts(text: str, is_json: bool) -> set[str]:
    """Keys of every ``contexts = { name = "..." }`` map (HCL) or ``"contexts": {...}`` (JSON)."""
    out: set[str] = set()
    if is_json:
        for body in re.findall(r'"contexts"\s*:\s*\{([^{}]*)\}', text):
            out.update(re.findall(rf'"({_NAME})"\s*:', body))
        return out
    text = re.sub(r"(?m)^\s*(?:#|//).*$", "", re.sub(r"/\*.*?\*/", "", text, flags=re.S))
    for body in re.findall(r"(?m)(?:^|[{\s])contexts\s*=\s*\{([^{}]*)\}", text):
        for part in re.split(r"[\n,]", body):
            m = re.match(rf'\s*"?({_NAME})"?\s*[=:]', part)
            if m and not part.lstrip().startswith(("#", "//")):
                out.add(m.group(1))
    return out


def _compose_contexts(text: str) -> set[str]:
    """Names under each ``additional_contexts:`` of a compose file (map or ``- name=value`` list,
    block or flow style)."""
    out: set[str] = set()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"(\s*)additional_contexts\s*:\s*(.*)$", line)
        if not m:
            continue
        indent, rest = len(m.group(1)), m.group(2).split(" #")[0].strip()
        if rest.startswith(("{", "[")):
            for item in re.split(r"[,{}\[\]]", rest):
                n = re.match(rf"""\s*["']?({_NAME}?)["']?\s*[:=]""", item)
                if n and n.group(1):
                    out.add(n.group(1))
            continue
        for nxt in lines[i + 1:]:
            if not nxt.strip() or nxt.lstrip().startswith("#"):
                continue
            if len(nxt) - len(nxt.lstrip()) <= indent:
                break
            n = re.match(rf"""\s*(?:-\s*)?["']?({_NAME}?)["']?\s*(?:=|:\s)""", nxt + " ")
            if n and n.group(1):
                out.add(n.group(1))
    return out


def _cli_contexts(text: str) -> set[str]:
    """Names of ``--build-context name=...`` options in a Makefile (or any command text)."""
    return set(re.findall(rf"""--build-context(?:=|\s+)["']?({_NAME}?)=""", text))
