r"""Consecutive single-command RUN instructions that could be one layer.

## What it does
Reports a `RUN` that directly follows another `RUN` of the same stage (comments in
between do not count), when both run a single simple command, use the same flags
(`--mount`, `--network`...) and neither is a heredoc script. Longer chains are left
alone: splitting them is usually deliberate, for caching. The finding points at the
second `RUN` and names the line of the first.

## Why is this bad
Each `RUN` adds a layer and a cache entry. Two trivial commands in a row (`RUN mkdir
/app` then `RUN chown app /app`) give two layers for one step of the build; files
changed by both are stored twice, and the image history is longer to read.

## Example
```dockerfile
FROM debian:12-slim
RUN mkdir -p /app
RUN chown 1000:1000 /app
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN mkdir -p /app \
 && chown 1000:1000 /app
```
"""
from ..base import Violation

CODE = "LL309"
NAME = "consecutive-run"
SEVERITY = "info"
SUMMARY = "Two consecutive single-command RUNs could be merged into one layer"
HADOLINT = ("DL3059",)
BUILDKIT = ()


def _single(ctx, instr) -> bool:
    if instr.heredocs:
        return False
    if instr.exec_form is not None:
        return True
    scripts = ctx.scripts(instr)
    return len(scripts) == 1 and len([c for c in scripts[0].parsed.commands if c.words]) == 1


def check(ctx):
    for stage in ctx.graph.stages:
        prev = None
        for step in stage.steps:
            instr = step.instr
            if instr.keyword != "RUN" or instr.inner is not None:
                prev = None
                continue
            if prev is not None and _single(ctx, prev) and _single(ctx, instr) \
                    and [f.raw for f in prev.flags] == [f.raw for f in instr.flags]:
                yield Violation(instr.keyword_span, f"This RUN and the one on line {prev.start_line} each run a single "
                                           "command: merge them with `&&` into one layer")
            prev = instr
