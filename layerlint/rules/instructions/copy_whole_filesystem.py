"""`COPY --from=<stage> / /` copies a whole filesystem over this one.

## What it does
Reports a `COPY --from=<stage>` whose only source is the root directory (`/`, `/.`) and
whose destination is the root directory too, in any stage (also as an `ONBUILD` trigger).
Two common idioms are left alone: copying from a stage built `FROM scratch` (a payload
stage holding only build outputs, e.g. `FROM scratch AS binaries`), and copying from an
external image, directly (`COPY --from=tonistiigi/xx / /`) or through a stage that only
names it (`FROM tonistiigi/xx AS xx`): its contents are not in this Dockerfile and such
images are usually payload images too.

## Why is this bad
It overlays every file of the other stage or image (its `/etc/passwd`, package database,
libraries, `/tmp`) on top of this stage, silently replacing files the current base relies
on, and puts everything into one big layer. The result is an image whose contents nobody
chose. Copy the directories the application needs, or build `FROM` that stage instead.

## Example
```dockerfile
FROM golang:1.26 AS build
RUN go build -o /out/app .

FROM debian:bookworm-slim
COPY --from=build / /
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
from ..instruction_args import copy_args

CODE = "LL510"
NAME = "copy-whole-filesystem"
SEVERITY = "warning"
SUMMARY = "COPY --from=x / / overlays another stage's whole filesystem"
HADOLINT = ("DL3067",)
BUILDKIT = ()
TAGS = ("multi-stage", "size")

ROOTS = ("/", "/.", "/./")


def _stages_with_steps(graph) -> set[int]:
    """Stages whose FROM chain has at least one step (bases come before the stages built on them)."""
    out: set[int] = set()
    for st in graph.stages:
        if st.steps or (st.base_stage is not None and id(st.base_stage) in out):
            out.add(id(st))
    return out


def check(ctx):
    graph = ctx.graph
    with_steps = None
    for instr in ctx.instructions("COPY"):
        flag = instr.flag("from")
        parts = copy_args(instr)
        if flag is None or parts is None or not flag.value:
            continue
        ref = flag.value
        if ref.isdigit():
            src = graph.stages[int(ref)] if int(ref) < len(graph.stages) else None
        else:
            src = graph.stage_by_name(ref)
        if with_steps is None and src is not None:
            with_steps = _stages_with_steps(graph)
        if instr.parent is None and (src is None or src.root.is_scratch or id(src) not in with_steps):
            continue  # an image (or a stage that only names one), or a scratch payload stage
        sources, dest = parts
        if len(sources) == 1 and sources[0].text in ROOTS and dest.text in ROOTS:
            yield Violation(sources[0].span, f"COPY --from={flag.value} / / copies the whole filesystem of {flag.value} over "
                                    "this stage; copy only the directories you need")
