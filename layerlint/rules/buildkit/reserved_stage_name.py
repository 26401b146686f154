"""Stage named `scratch` or `context`.

## What it does
Reports a `FROM ... AS scratch` or `FROM ... AS context` (in any casing) at the stage name
(BuildKit's `ReservedStageName` check, hadolint's DL3063).

## Why is this bad
`scratch` is the empty base image and `context` is the build context's name for named
contexts. A stage with either name is shadowed by, or shadows, the built-in meaning: a later
`FROM scratch` means the empty image, not your stage, and `COPY --from=context` becomes
ambiguous. Builds then use something other than what the file seems to say.

## Example
```dockerfile
FROM alpine:3.20 AS scratch
RUN echo hi > /hi
FROM scratch
COPY --from=scratch /hi /hi
```

## Use instead
```dockerfile
FROM alpine:3.20 AS prepare
RUN echo hi > /hi
FROM scratch
COPY --from=prepare /hi /hi
```
"""
from ..base import Violation

CODE = "LL405"
NAME = "reserved-stage-name"
SEVERITY = "error"
SUMMARY = "Stage named after a reserved word (`scratch`, `context`)"
HADOLINT = ("DL3063",)
BUILDKIT = ("ReservedStageName",)
TAGS = ("buildkit", "stages")

RESERVED = ("context", "scratch")


def check(ctx):
    for stage in ctx.graph.stages:
        if stage.name in RESERVED and stage.name_word is not None:
            yield Violation(stage.name_word.span, f'Stage name should not use the same name as reserved stage "{stage.name}"')
