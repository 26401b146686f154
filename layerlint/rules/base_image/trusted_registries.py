"""Image pulled from a registry that is not in the trusted list.

## What it does
When trusted registries are configured, checks every image the build pulls: each `FROM`
that names an image (after expanding global `ARG`s and `--build-arg` values), every
`COPY --from=<image>` and every `RUN --mount=...,from=<image>`, and reports an image whose
registry is not trusted. Images without a registry host (`python:3.12`) come from Docker Hub
and match `docker.io` (or `hub.docker.com`). `scratch` and earlier stages are always allowed;
a reference whose value is unknown (an `ARG` without a value) is not guessed.

Patterns: an exact host (`ghcr.io`, `localhost:5000`), `*` (anything), `*.example.com`
(subdomains of example.com, not example.com itself) or `prefix*`.

Configure it with `trusted-registries = ["docker.io", "ghcr.io"]` in the config (or the rule
option `registries`); with no registries configured the rule reports nothing.

## Why is this bad
Supply-chain policy: images from arbitrary registries have unknown provenance, may vanish
or change under the same tag, and bypass the scanning and mirroring your organisation
applies to its approved registries.

## Example
```dockerfile
# trusted-registries = ["docker.io", "registry.example.com"]
FROM quay.io/someone/tool:1.2 AS tool
FROM python:3.12-slim
COPY --from=ghcr.io/astral-sh/uv:0.4 /uv /bin/uv
```

## Use instead
```dockerfile
# trusted-registries = ["docker.io", "registry.example.com"]
FROM registry.example.com/mirror/tool:1.2 AS tool
FROM python:3.12-slim
COPY --from=registry.example.com/mirror/uv:0.4 /uv /bin/uv
```
"""
from fnmatch import fnmatchcase

from ..base import Violation
from ..options import StrList
from ...images import DOCKER_HUB, parse_image
from ...graph import parse_mount

CODE = "LL104"
NAME = "trusted-registries"
SEVERITY = "error"
SUMMARY = "Image pulled from a registry outside the configured trusted list"
HADOLINT = ("DL3026",)
BUILDKIT = ()
OPTIONS = {"registries": StrList([], "registry host patterns (fnmatch) images may come from; empty: the rule "
                                     "reports nothing", config_key="trusted-registries")}
TAGS = ("base-image", "security", "policy")


def registry_of(ref: str) -> str:
    reg = parse_image(ref).registry
    return (reg or "docker.io").lower()


def trusted(registry: str, patterns) -> bool:
    names = {registry}
    if registry in DOCKER_HUB:
        names.update(DOCKER_HUB)
    for p in patterns:
        p = str(p).strip().lower()
        if p and any(fnmatchcase(n, p) for n in names):
            return True
    return False


def _mount_from_span(instr, flag):
    """Span of the ``from=`` value inside a ``--mount`` flag."""
    found = parse_mount(flag.value or "").get("from")
    base = instr.offset_of(flag.value_span) if flag.value_span is not None else None
    if found is None or base is None:
        return flag.span
    return instr.span_of(base + found[1], base + found[2])


def check(ctx):
    patterns = list(ctx.options.get("registries") or [])
    if not patterns:
        return
    for stage in ctx.graph.stages:
        word = stage.base_word
        if word is not None and stage.base_stage is None and not stage.is_scratch \
                and not stage.base_unresolved and stage.base and "$" not in stage.base:
            reg = registry_of(stage.base)
            if not trusted(reg, patterns):
                shown = stage.base if stage.base == word.text else f"{word.text} (= {stage.base})"
                yield Violation(word.span, f"Image {shown} comes from {reg}, which is not a trusted registry ({', '.join(patterns)})")
        for edge in stage.edges:
            if edge.kind not in ("copy", "mount") or edge.stage is not None or edge.word is None:
                continue
            ref = edge.ref
            if "$" in ref or ref.isdigit() or ctx.graph.stage_by_name(ref) is not None:
                continue
            instr = edge.instr.effective
            if edge.kind == "copy":
                flag = instr.flag("from")
                span = flag.value_span or flag.span
                what = "COPY --from"
            else:
                flag = next((f for f in instr.flags if f.name == "mount" and f.span == edge.word.span), None)
                if flag is None:
                    continue
                span = _mount_from_span(instr, flag)
                what = "RUN --mount from="
            reg = registry_of(ref)
            if not trusted(reg, patterns):
                yield Violation(span, f"{what} image {ref} comes from {reg}, which is not a trusted registry ({', '.join(patterns)})")
