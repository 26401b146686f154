"""Inline suppression pragma in the Dockerfile (opt-in policy).

## What it does
Reports every inline suppression comment: `# layerlint: ignore=...` (and `ignore-stage`,
`ignore-file`), `# hadolint ignore=...` / `# hadolint global ignore=...`, and BuildKit's
`# check=skip=...` directive or per-instruction comment. Off by default; teams that want
every exception recorded in the shared config (where it is reviewed once) rather than
scattered through Dockerfiles turn it on with `--extend-select LL519`.

## Why is this bad
Inline pragmas make it easy to silence a finding without review. With this rule on, the
only way to accept a finding is the config file's `ignore` / `per-path` settings.

## Example
```dockerfile
# hadolint ignore=DL3008
FROM debian:bookworm-slim
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
```
"""
from ..base import Violation
from ...syntax.pragmas import parse_comment
from ...syntax.model import Span

CODE = "LL519"
NAME = "inline-pragma"
SEVERITY = "info"
SUMMARY = "Inline suppression comment (policy: keep exceptions in the config)"
HADOLINT = ("DL1001",)
BUILDKIT = ()
ENABLED_BY_DEFAULT = False
TAGS = ("pragmas", "policy")


def check(ctx):
    for c in ctx.df.comments:
        p = parse_comment(c)
        if p is None:
            continue
        text = ctx.df.lines[c.line - 1] if 0 < c.line <= len(ctx.df.lines) else ""
        end = len(text.rstrip()) + 1
        yield Violation(Span(c.line, c.column, c.line, max(end, c.column + 1)), f"Inline {p.tool} suppression of {', '.join(p.codes)}: record exceptions in the layerlint config instead")
