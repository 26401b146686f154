"""`COPY --from` names the stage it is in.

## What it does
Reports a `COPY --from=<name or index>` that refers to the stage
the instruction belongs to: its own `AS` name (case-insensitively, as BuildKit compares
stage names) or its own index.

## Why is this bad
A stage cannot copy from itself: its filesystem does not exist yet while it is being built.
BuildKit fails with a circular dependency error. The name is usually a copy-paste slip
for the previous stage.

## Example
```dockerfile
FROM golang:1.26 AS build
RUN go build -o /out/app .
COPY --from=build /out/app /usr/local/bin/app
```

## Use instead
```dockerfile
FROM golang:1.26 AS build
RUN go build -o /out/app .

FROM debian:bookworm-slim
COPY --from=build /out/app /usr/local/bin/app
```
"""
from ..base import Violation

CODE = "LL508"
NAME = "copy-from-own-stage"
SEVERITY = "error"
SUMMARY = "COPY --from refers to the stage it is in"
HADOLINT = ("DL3023",)
BUILDKIT = ()
TAGS = ("multi-stage",)


def check(ctx):
    for instr in ctx.instructions("COPY"):
        flag = instr.flag("from")
        if flag is None or not flag.value or instr.parent is not None:
            continue
        stage = ctx.stage_of(instr)
        ref = flag.value
        if stage is None:
            continue
        own = (ref.isdigit() and int(ref) == stage.index) or \
            (stage.name is not None and ref.lower() == stage.name)
        if own:
            yield Violation(flag.value_span or flag.span, f"COPY --from={flag.value} refers to the stage it is in ({stage.label}): a stage cannot copy "
                "from itself; name an earlier stage")
