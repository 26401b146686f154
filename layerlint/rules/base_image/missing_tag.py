"""Base image without a tag, or with a floating `latest` tag.

## What it does
Checks every `FROM` that names an image (not an earlier stage, not `scratch`), after
expanding global `ARG`s and `--build-arg` values, and reports a reference with no tag or
with the `latest` tag. With `require-digest = true` it also reports any reference not
pinned by digest (`@sha256:...`).

## Why is this bad
An untagged image means `latest`, and `latest` moves: the same Dockerfile builds on a
different base next week, so builds stop being reproducible and a new major version can
break them without any change in your repository. It also defeats the build cache
whenever the tag moves. A specific tag (and, for full reproducibility, a digest) says
exactly what you build on.

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
from ..base import Violation
from ..options import Bool
from ...images import parse_image

CODE = "LL101"
NAME = "missing-tag"
SEVERITY = "warning"
SUMMARY = "Base image has no tag or uses the floating `latest` tag"
HADOLINT = ("DL3006", "DL3007")
BUILDKIT = ()
OPTIONS = {"require-digest": Bool(False, "also report image references not pinned by digest (@sha256:...)")}
TAGS = ("reproducibility", "base-image")


def check(ctx):
    for stage in ctx.graph.stages:
        word = stage.base_word
        if word is None or stage.base_stage is not None or stage.is_scratch:
            continue
        if stage.base_unresolved or not stage.base or "$" in stage.base:
            continue  # unknown value: reported by the undefined-ARG rules instead
        ref = parse_image(stage.base)
        shown = stage.base if stage.base == word.text else f"{word.text} (= {stage.base})"
        if ref.digest:
            continue
        if ref.tag is None:
            yield Violation(word.span, f"Image {shown} has no tag, so it means `latest`; pin a version (e.g. {ref.name}:<version>)", hadolint=("DL3006",))
        elif ref.tag == "latest":
            span = word.span
            if word.text == stage.base and ref.tag_offset >= 0:
                start = word.span.column + ref.tag_offset
                span = span.__class__(span.line, start, span.line, start + len(ref.tag))
            yield Violation(span, f"Image {shown} uses the floating `latest` tag; pin a version", hadolint=("DL3007",))
        elif ctx.options.get("require-digest"):
            yield Violation(word.span, f"Image {shown} is not pinned by digest (@sha256:...)", hadolint=())
