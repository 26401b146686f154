"""More than one `CMD`, `ENTRYPOINT` or `HEALTHCHECK` in a stage.

## What it does
Within each stage, reports every `CMD`, `ENTRYPOINT` and `HEALTHCHECK` that a later
instruction of the same kind overrides, at the overridden one's keyword: that is the
instruction that has no effect (BuildKit's `MultipleInstructionsDisallowed`; hadolint's DL4003
for `CMD`, DL4004 for `ENTRYPOINT`, DL3012 for `HEALTHCHECK`). ONBUILD triggers are not
counted: they run in the stages built from this one, not here.

## Why is this bad
Only the last of them ends up in the image configuration. The earlier ones are dead code that
looks alive: readers (and reviewers of a change to the first one) believe it matters.

## Example
```dockerfile
FROM node:22-slim
CMD ["node", "server.js"]
COPY . /app
CMD ["npm", "start"]
```

## Use instead
```dockerfile
FROM node:22-slim
COPY . /app
CMD ["npm", "start"]
```
"""
from ..base import Violation

CODE = "LL411"
NAME = "multiple-instructions-disallowed"
SEVERITY = "warning"
SUMMARY = "Earlier `CMD`/`ENTRYPOINT`/`HEALTHCHECK` overridden later in the same stage"
HADOLINT = ("DL4003", "DL4004", "DL3012")
BUILDKIT = ("MultipleInstructionsDisallowed",)
TAGS = ("buildkit", "stages")

CODES = {"CMD": "DL4003", "ENTRYPOINT": "DL4004", "HEALTHCHECK": "DL3012"}


def check(ctx):
    for stage in ctx.graph.stages:
        last: dict[str, object] = {}
        for step in stage.steps:
            instr = step.instr
            if instr.inner is not None or instr.keyword not in CODES:
                continue
            prev = last.get(instr.keyword)
            if prev is not None:
                yield Violation(prev.keyword_span, f"Multiple {prev.keyword_raw} instructions should not be used in the same stage "
                       f"because only the last one will be used (overridden on line {instr.start_line})", hadolint=(CODES[instr.keyword],))
            last[instr.keyword] = instr
