r"""Empty line inside a line continuation.

## What it does
Reports each blank (or whitespace-only) line that sits inside an instruction continued with
`\` (BuildKit's `NoEmptyContinuation` check), at the blank line itself. Comment lines inside a
continuation are not reported; heredoc bodies are not continuations.

## Why is this bad
BuildKit drops the blank line and keeps joining, so the instruction goes on past what looks
like its end. That is easy to misread (the next lines look like a separate instruction or like
part of a finished one), and Docker has announced that empty continuation lines will become
errors in a future release.

## Example
```dockerfile
FROM debian:12-slim
RUN apt-get update && \

    apt-get install -y --no-install-recommends curl
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update && \
    apt-get install -y --no-install-recommends curl
```
"""
from ..base import Violation
from ...syntax.model import Span

CODE = "LL402"
NAME = "no-empty-continuation"
SEVERITY = "warning"
SUMMARY = "Blank line inside a `\\` continuation (will become an error)"
HADOLINT = ()
BUILDKIT = ("NoEmptyContinuation",)
TAGS = ("buildkit", "syntax")


def check(ctx):
    lines = ctx.df.lines
    for instr in ctx.instructions(effective=False):
        for ln in instr.empty_continuation_lines:
            text = lines[ln - 1] if 0 < ln <= len(lines) else ""
            yield Violation(Span(ln, 1, ln, len(text) + 1), "Empty continuation line")
