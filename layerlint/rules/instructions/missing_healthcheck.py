"""The final image has no `HEALTHCHECK` (opt-in).

## What it does
Reports a final stage (the build target) when neither it nor the stages it is built
`FROM` (including their `ONBUILD HEALTHCHECK` triggers) has a `HEALTHCHECK` instruction.
`HEALTHCHECK NONE` counts as a deliberate choice. A health check inherited from an external
base image cannot be seen and is not assumed. Off by default: enable it with
`--extend-select LL516` for services run by plain Docker or Compose.

## Why is this bad
Without a health check Docker only knows whether the process is running, not whether it
answers: a deadlocked server stays "Up" forever and Compose `depends_on:
condition: service_healthy` cannot work. (Kubernetes ignores `HEALTHCHECK` and uses its own
probes, which is why this rule is opt-in.)

## Example
```dockerfile
FROM nginx:1.27
COPY site/ /usr/share/nginx/html/
```

## Use instead
```dockerfile
FROM nginx:1.27
COPY site/ /usr/share/nginx/html/
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost/ || exit 1
```
"""
from ..base import Violation


CODE = "LL516"
NAME = "missing-healthcheck"
SEVERITY = "info"
SUMMARY = "The final image defines no HEALTHCHECK"
HADOLINT = ("DL3057",)
BUILDKIT = ()
ENABLED_BY_DEFAULT = False
TAGS = ("runtime",)


def check(ctx):
    final = ctx.graph.target
    if final is None or any(i.keyword == "HEALTHCHECK" for i in final.chain_instructions()):
        return
    yield Violation(final.from_instr.keyword_span, "The final stage defines no HEALTHCHECK: Docker cannot tell a hung "
                                          "service from a healthy one; add `HEALTHCHECK CMD ...` (or `HEALTHCHECK NONE`)")
