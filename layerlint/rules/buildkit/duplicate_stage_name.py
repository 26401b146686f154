"""Two stages have the same name.

## What it does
Reports every `FROM ... AS <name>` whose name (compared case-insensitively, as BuildKit does)
was already used by an earlier stage, at the repeated name (BuildKit's `DuplicateStageName`
check, hadolint's DL3024).

## Why is this bad
Stage names identify stages for `FROM <name>`, `COPY --from=<name>`, `RUN --mount=from=<name>`
and `--target`. With two stages of the same name, every reference after the second one
silently points at the second stage, and `--target` picks one of them: the build uses
different content from what a reader expects.

## Example
```dockerfile
FROM node:22 AS build
RUN npm ci && npm run build
FROM nginx:1.27 AS build
COPY --from=build /app/dist /usr/share/nginx/html
```

## Use instead
```dockerfile
FROM node:22 AS build
RUN npm ci && npm run build
FROM nginx:1.27 AS runtime
COPY --from=build /app/dist /usr/share/nginx/html
```
"""
from ..base import Violation

CODE = "LL404"
NAME = "duplicate-stage-name"
SEVERITY = "error"
SUMMARY = "Stage name used by more than one `FROM ... AS`"
HADOLINT = ("DL3024",)
BUILDKIT = ("DuplicateStageName",)
TAGS = ("buildkit", "stages")


def check(ctx):
    seen: dict[str, int] = {}
    for stage in ctx.graph.stages:
        if stage.name is None or stage.name_word is None:
            continue
        if stage.name in seen:
            yield Violation(stage.name_word.span, f'Duplicate stage name "{stage.name}", stage names should be unique '
                   f"(first defined on line {seen[stage.name]})")
        else:
            seen[stage.name] = stage.from_instr.start_line
