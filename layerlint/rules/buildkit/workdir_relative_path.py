r"""First `WORKDIR` of a stage is a relative path.

## What it does
Follows each stage and the stages it is built `FROM` in this file, and reports the first
`WORKDIR` that is set to a relative path before any `WORKDIR` of that chain (BuildKit's
`WorkdirRelativePath`, hadolint's DL3000), at the path. The path is judged after variable
expansion, as the builder does: `WORKDIR $APP` with `ARG APP=src` is relative; a path whose
variables are unknown here (they may come from the base image) is not reported, which is also
hadolint's exemption for `$VAR` paths. Where the base image is known not to define them (a
chain from `scratch`, or an image that `undefined-var`'s table of official images knows
completely) they expand to nothing, as in BuildKit: `WORKDIR $APP` with `APP` undefined is
`WORKDIR ""`, a relative path (and LL410 reports the variable). Drive-letter paths (`C:\app`) count as absolute. That
differs from BuildKit on purpose: BuildKit judges the path by the rules of the platform it runs
on, so on Linux it reports `WORKDIR C:\app` as relative; such a file builds Windows images,
where the path is absolute and the warning would be wrong.

Once a stage has a `WORKDIR`, later relative ones are relative to a directory this file set and
are not reported (hadolint reports every relative `WORKDIR`; set `every-relative = true` for
that behaviour).

## Why is this bad
A relative `WORKDIR` is resolved against the working directory of the base image, which the
Dockerfile does not control: when the base image changes its `WORKDIR`, files land somewhere
else and `COPY`, `RUN` and the container's start directory silently move with it.

## Example
```dockerfile
FROM node:22-slim
WORKDIR app
COPY . .
```

## Use instead
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY . .
```
"""
import re

from ..base import Violation
from ..options import Bool
from ..context import go_quote
from .undefined_var import base_image_env

CODE = "LL409"
NAME = "workdir-relative-path"
SEVERITY = "warning"
SUMMARY = "First `WORKDIR` of a stage is relative: it depends on the base image"
HADOLINT = ("DL3000",)
BUILDKIT = ("WorkdirRelativePath",)
OPTIONS = {"every-relative": Bool(False, "report every relative WORKDIR, as hadolint's DL3000")}
TAGS = ("buildkit", "reproducibility")

_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def _absolute(path: str) -> bool:
    return path.startswith(("/", "\\")) or bool(_DRIVE.match(path))


def _may_come_from_base(stage, names) -> bool:
    """Whether the image ``stage`` is built on may define one of ``names`` (then the path is not known)."""
    root = stage.root
    if root.is_scratch:
        return False
    known = None if root.base_unresolved else base_image_env(root.base)
    return known is None or not known[0] or bool(names & known[1])


def check(ctx):
    every = ctx.options.get("every-relative", False)
    workdir_set: dict[int, bool] = {}
    for stage in ctx.graph.stages:
        is_set = workdir_set.get(id(stage.base_stage), False) if stage.base_stage is not None else False
        for step in stage.steps:
            instr = step.instr
            if instr.inner is not None or instr.keyword != "WORKDIR" or not instr.args_text:
                continue
            path, unknown = step.expand(instr.args_text)
            if unknown and not _may_come_from_base(stage, unknown):
                unknown = ()  # undefined: BuildKit expands them to nothing, as expand() did
            if (every or not is_set) and not unknown and not _absolute(path):
                span = instr.span_of(instr.args_offset, instr.args_offset + len(instr.args_text))
                yield Violation(span, f"Relative workdir {go_quote(path)} can have unexpected results if the base image changes")
            is_set = True
        workdir_set[id(stage)] = is_set
