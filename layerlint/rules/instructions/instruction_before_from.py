"""An instruction other than `ARG` before the first `FROM`.

## What it does
Reports every instruction that appears before the first `FROM` other than `ARG` (global
build arguments are the only instructions allowed there; comments and parser directives
are not instructions). A file with no `FROM` at all has every instruction reported.

## Why is this bad
There is no build stage yet for the instruction to apply to: BuildKit stops with "no build
stage in current context". It is usually a `LABEL` or `ENV` meant for the first stage, or
a leftover from a file that was split.

## Example
```dockerfile
LABEL org.opencontainers.image.source="https://github.com/example/app"
ARG PYTHON_VERSION=3.12
FROM python:${PYTHON_VERSION}-slim
```

## Use instead
```dockerfile
ARG PYTHON_VERSION=3.12
FROM python:${PYTHON_VERSION}-slim
LABEL org.opencontainers.image.source="https://github.com/example/app"
```
"""
from ..base import Violation

CODE = "LL517"
NAME = "instruction-before-from"
SEVERITY = "error"
SUMMARY = "Instruction other than ARG before the first FROM"
HADOLINT = ("DL3061",)
BUILDKIT = ()
TAGS = ("instruction",)


def check(ctx):
    for instr in ctx.graph.before_first_from:
        where = "before the first FROM" if ctx.graph.stages else "in a file with no FROM"
        yield Violation(instr.keyword_span, f"{instr.keyword} {where}: only ARG may come before FROM "
                                   "(BuildKit: no build stage in current context)")
