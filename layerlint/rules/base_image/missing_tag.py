"""Base image without a tag, or with a floating `latest` tag.

## What it does
Checks every `FROM` that names an image (not an earlier stage, not `scratch`), after
expanding global `ARG`s and `--build-arg` values, and reports a reference with no tag or
with the `latest` tag, pointing at the tag (or at the image name when there is none). A
default inside the reference counts: `python:${VER:-latest}` builds `python:latest` unless
`VER` is given. The suggested pin keeps the registry and path (`ghcr.io/org/img:<version>`).
With `require-digest = true` it also reports any reference not pinned by digest
(`@sha256:...`).

Not reported, because they are not images:

- a name the build provides as a named context: a `contexts` entry of the repository's
  `docker-bake.hcl` / `docker-bake.json`, an `additional_contexts` entry of its compose file,
  or a `--build-context name=...` in its Makefile (read from the Dockerfile's directory up to
  the repository root, the nearest directory with `.git`);
- a template placeholder standing for the whole reference (`%%IMAGE%%`, `{{ .Image }}`,
  `#VAR#`, `TO_BE_REPLACED`): not a valid image reference, the build fails on it before any
  tag matters;
- an `ARG` default that only marks a value the build must pass (`ARG BASE=unknown`);
- a reference whose variables have no value (the undefined-ARG rules report those).

Differs from hadolint (DL3006/DL3007), which reports every untagged `FROM` name that is not a
stage, placeholders and named contexts included.

## Why is this bad
An untagged image means `latest`, and `latest` moves: the same Dockerfile builds on a
different base next week, so builds stop being reproducible and a new major version can
break them without any change in your repository. It also defeats the build cache
whenever the tag moves. A specific tag (and, for full reproducibility, a digest) says
exactly what you build on. Images that publish no version tags at all (distroless,
Chainguard's free images) are pinned by digest.

## Example
```dockerfile
ARG BASE=python
FROM ${BASE}
FROM node:latest
```

## Use instead
```dockerfile
ARG BASE=python:3.12-slim
FROM ${BASE}
FROM node:22-slim
```
"""
import re

from ..base import Violation
from ..context import ExpandError, expand_with_unmatched
from ..options import Bool
from ...images import parse_image, valid_image_reference

CODE = "LL101"
NAME = "missing-tag"
SEVERITY = "warning"
SUMMARY = "Base image has no tag or uses the floating `latest` tag"
HADOLINT = ("DL3006", "DL3007")
BUILDKIT = ()
OPTIONS = {"require-digest": Bool(False, "also report image references not pinned by digest (@sha256:...)")}
TAGS = ("reproducibility", "base-image")

# ARG defaults that mark a value the build must be given, not an image
PLACEHOLDER_VALUES = frozenset({"unknown", "undefined", "none", "null", "nil", "placeholder", "changeme",
                                "change-me", "replaceme", "replace-me", "tbd", "todo", "fixme", "dummy"})
# registries whose images have no version tags (only latest, nonroot, debug, latest-dev...):
# pinning them means a digest
DIGEST_ONLY = ("gcr.io/distroless/", "cgr.dev/chainguard/")


def check(ctx):
    values = None
    for stage in ctx.graph.stages:
        word = stage.base_word
        if word is None or stage.base_stage is not None or stage.is_scratch or not stage.base:
            continue
        base = stage.base
        defaulted = ()
        if stage.base_unresolved:
            # unknown values stay unknown, except in a ${VAR:-default}: without the variable
            # the build uses the default (reported with the variable named)
            if values is None:
                values = ctx.graph.global_values()[0]
            try:
                _, bare = expand_with_unmatched(word.text, values, ctx.df.escape, ignore_defaulted=True)
            except (ExpandError, RecursionError):
                continue
            if bare:
                continue
            defaulted = tuple(sorted(stage.base_unresolved))
        if "$" in base or _placeholder(base):
            continue  # a placeholder for the whole reference, or an expansion that is not an image
        if word.text != base and base.lower() in PLACEHOLDER_VALUES:
            continue
        ref = parse_image(base)
        if ref.digest:
            continue
        if ref.tag is None or ref.tag == "latest":
            if base.lower() in ctx.named_contexts:
                continue  # provided by the build (bake contexts, additional_contexts, --build-context)
        if word.text == base:
            shown = base
        elif defaulted:
            shown = f"{word.text} (= {base} when {', '.join(defaulted)} is not set)"
        else:
            shown = f"{word.text} (= {base})"
        name = base.split("@", 1)[0]
        if ref.tag is not None:
            name = name[:len(name) - len(ref.tag) - 1]
        pin = f"pin a version (e.g. {name}:<version>)"
        if name.startswith(DIGEST_ONLY):
            pin = f"these images publish no version tags: pin a digest ({name}@sha256:<digest>)"
        if ref.tag is None:
            yield Violation(word.span, f"Image {shown} has no tag, so it means `latest`; {pin}", hadolint=("DL3006",))
        elif ref.tag == "latest":
            yield Violation(_latest_span(word, base, ref), f"Image {shown} uses the floating `latest` tag; {pin}",
                            hadolint=("DL3007",))
        elif ctx.options.get("require-digest"):
            yield Violation(word.span, f"Image {shown} is not pinned by digest (@sha256:...)", hadolint=())


def _placeholder(base: str) -> bool:
    """An invalid reference that is a template's placeholder (``%%IMAGE%%``, ``{{ .Image }}``,
    ``#VAR#``, ``TO_BE_REPLACED``, ``InsertBaseImageHere``) or a reference with an empty part
    (``docker.io/library/`` from an empty ARG)."""
    if valid_image_reference(base):
        return False
    if re.search(r"[%{}#<>]|@@", base) or base.endswith(("/", ":")) or "//" in base:
        return True
    # an upper-case word: a repository name is lower-case, a placeholder shouts
    return bool(re.fullmatch(r"[A-Za-z0-9_.:/-]+", base)) and base != base.lower()


def _latest_span(word, base, ref):
    """The `latest` in the FROM word: the tag itself, or the default that supplies it."""
    span = word.span
    if span.line != span.end_line:
        return span
    if word.text == base and ref.tag_offset >= 0:
        start = span.column + ref.tag_offset
    elif word.text.count("latest") == 1:
        start = span.column + word.text.index("latest")
    else:
        return span
    return span.__class__(span.line, start, span.line, start + len("latest"))
