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


# -- sizes -------------------------------------------------------------------------------------
_SIZES: Optional[dict[tuple[str, str, str], int]] = None
SIZE_SOURCE = ("docker-library/repo-info records (compressed download sizes), "
               "images built between late June and 25 Sep 2026")

SLIM_TOKENS = ("slim", "alpine", "minimal", "jre", "distroless", "musl", "uclibc")


def sizes() -> dict[tuple[str, str, str], int]:
    global _SIZES
    if _SIZES is None:
        table: dict[tuple[str, str, str], int] = {}
        # what pkgutil.get_data does (zip-safe), without importing pkgutil, inspect and typing
        path = os.path.join(os.path.dirname(__file__), "data", "image_sizes.tsv")
        text = __spec__.loader.get_data(path).decode("utf-8")
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            image, tag, platform, size = line.split("\t")
            table[(image, tag, platform)] = int(size)
        _SIZES = table
    return _SIZES


def known_image(image: str) -> bool:
    return any(k[0] == image for k in sizes())


def tokens(tag: str) -> list[str]:
    return tag.split("-")


def is_slim(tag: str) -> bool:
    return any(t.startswith(s) for t in tokens(tag) for s in SLIM_TOKENS)


def _version(tag: str) -> str:
    """The version part of a tag: its leading tokens up to the first variant word."""
    out: list[str] = []
    if tag == "latest":
        return ""  # the default variant
    for t in tokens(tag):
        if t and (t[0].isdigit() or t in ("latest", "lts", "current", "stable", "mainline")) and not out[1:]:
            out.append(t)
        else:
            break
    return "-".join(out)


class Suggestion(FrozenRecord):
    tag: str
    size: int
    saving: int  # bytes
    estimated_from: Optional[tuple[str, str]]  # (full tag, slim tag) used for the estimate

    __slots__ = ("tag", "size", "saving", "estimated_from")

    def __init__(
        self,
        tag: str,
        size: int,
        saving: int,
        estimated_from: Optional[tuple[str, str]] = None,
    ) -> None:
        self.tag = tag
        self.size = size
        self.saving = saving
        self.estimated_from = estimated_from


def smaller_variants(image: str, tag: str, platform: str = "linux/amd64") -> list[Suggestion]:
    """Slim/alpine/minimal variants of the same version, smallest saving last.

    When the exact tag is not in the table, the saving is estimated from the image's
    ``latest`` tag and its variants (flagged by ``estimated_from``)."""
    table = sizes()
    current = table.get((image, tag, platform))
    version = _version(tag)
    candidates: list[Suggestion] = []
    if current is not None:
        for (img, t, plat), size in table.items():
            if img != image or plat != platform or t == tag or not is_slim(t) or size >= current:
                continue
            if _version(t) != version or (version == "" and _version(t) != ""):
                continue
            if "jdk" in tokens(t):
                continue
            candidates.append(Suggestion(t, size, current - size))
    else:
        base = table.get((image, "latest", platform))
        if base is None or not version:
            return []
        for (img, t, plat), size in table.items():
            if img == image and plat == platform and is_slim(t) and _version(t) == "" and size < base:
                guess = f"{version}-{t}"
                candidates.append(Suggestion(guess, size, base - size, ("latest", t)))
    # one suggestion per kind (slim / alpine / ...), the shortest tag of each
    best: dict[str, Suggestion] = {}
    for c in sorted(candidates, key=lambda c: (len(c.tag), c.tag)):
        kind = next((s for s in SLIM_TOKENS for tok in tokens(c.tag) if tok.startswith(s)), "")
        if kind not in best:
            best[kind] = c
    return sorted(best.values(), key=lambda c: -c.saving)
