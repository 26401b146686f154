r"""Empty line inside a line continuation.

## What it does
Reports an instruction continued with `\` across blank (or whitespace-only) lines (BuildKit's
`NoEmptyContinuation` check): once per instruction, as BuildKit does, at its first blank line,
and the message names the others. Comment lines inside a continuation are not reported; heredoc
bodies are not continuations. BuildKit's warning points at the line where the instruction ends;
layerlint points at the blank line, which is what to delete.

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


def _others(lines: list) -> str:
    if len(lines) == 1:
        return f" (also line {lines[0]})"
    return f" (also lines {', '.join(map(str, lines[:-1]))} and {lines[-1]})"


def check(ctx):
    lines = ctx.df.lines
    for instr in ctx.instructions(effective=False):
        blank = instr.empty_continuation_lines
        if not blank:
            continue
        ln = blank[0]
        text = lines[ln - 1] if 0 < ln <= len(lines) else ""
        msg = "Empty continuation line" + (_others(blank[1:]) if len(blank) > 1 else "")
        yield Violation(Span(ln, 1, ln, len(text) + 1), msg)
