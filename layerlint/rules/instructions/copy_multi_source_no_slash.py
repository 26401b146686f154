"""`COPY`/`ADD` with several sources into a destination that does not end in `/`.

## What it does
Reports a `COPY` or `ADD` (also as an `ONBUILD` trigger, in shell or JSON form, heredoc
sources included) with more than one source whose destination does not end with `/`. The
destination is checked after expanding `ARG`/`ENV` values (`COPY a b ${DEST}` with
`ARG DEST=/app/` is fine); an unresolved destination is not guessed. The fix appends the
`/`.

## Why is this bad
BuildKit refuses the build: "When using COPY with more than one source file, the
destination must be a directory and end with a /". The trailing slash is what tells the
builder that the destination is a directory.

## Example
```dockerfile
FROM python:3.12-slim
COPY requirements.txt constraints.txt /app
```

## Use instead
```dockerfile
FROM python:3.12-slim
COPY requirements.txt constraints.txt /app/
```
"""
from ..base import Edit, Fix, Violation
from ...syntax.model import Span
from ..instruction_args import copy_args, expand

CODE = "LL506"
NAME = "copy-multi-source-no-slash"
SEVERITY = "error"
SUMMARY = "COPY/ADD with several sources needs a destination ending in /"
HADOLINT = ("DL3021",)
BUILDKIT = ()
FIXABLE = True
TAGS = ("copy-add",)


def check(ctx):
    for kw in ("COPY", "ADD"):
        for instr in ctx.instructions(kw):
            parts = copy_args(instr)
            if parts is None:
                continue
            sources, dest = parts
            if len(sources) < 2:
                continue
            value = expand(ctx, instr, dest.text)
            if value is None or value.endswith("/") or (value.endswith("\\") and ":" in value[:3]):
                continue
            fix = None
            if dest.exact and "$" not in dest.text:
                s = dest.span
                end = Span(s.end_line, s.end_column, s.end_line, s.end_column)
                if dest.text[:1] in "'\"" and dest.text[-1:] == dest.text[:1]:
                    end = Span(s.end_line, s.end_column - 1, s.end_line, s.end_column - 1)
                fix = Fix("Append / to the destination", [Edit(end, "/")])
            yield Violation(dest.span, f"{instr.keyword} copies {len(sources)} sources into `{dest.text}`, which does not end "
                              f"with /: BuildKit fails the build; write `{dest.text.rstrip(chr(34) + chr(39))}/`", fix)
