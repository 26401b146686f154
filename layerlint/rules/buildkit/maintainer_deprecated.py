"""`MAINTAINER` is deprecated.

## What it does
Reports every `MAINTAINER` instruction at its keyword (BuildKit's `MaintainerDeprecated`,
hadolint's DL4000). The fix replaces it with
`LABEL org.opencontainers.image.authors="<the same text>"`, quoted so that the label value is
exactly the old maintainer string (`LABEL` expands variables, `MAINTAINER` never did).

## Why is this bad
`MAINTAINER` has been deprecated since Docker 1.13. It only sets the image's legacy `Author`
field, which most tools no longer show. The OCI annotation
`org.opencontainers.image.authors` is the standard place for this information and is read by
registries and scanners.

## Example
```dockerfile
FROM alpine:3.20
MAINTAINER Jane Doe <jane@example.com>
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
```
"""
from ..base import Edit, Fix, Violation
from ..buildkit_semantics import dq

CODE = "LL407"
NAME = "maintainer-deprecated"
SEVERITY = "warning"
SUMMARY = "`MAINTAINER` is deprecated; use `LABEL org.opencontainers.image.authors`"
HADOLINT = ("DL4000",)
BUILDKIT = ("MaintainerDeprecated",)
FIXABLE = True
TAGS = ("buildkit", "deprecated")


def check(ctx):
    for instr in ctx.instructions("MAINTAINER"):
        fix = None
        start = instr.offset_of(instr.keyword_span)
        if instr.args_text and start is not None:
            label = "label" if instr.keyword_raw.islower() else "LABEL"
            new = f"{label} org.opencontainers.image.authors={dq(instr.args_text, ctx.df.escape)}"
            span = instr.span_of(start, instr.args_offset + len(instr.args_text))
            # unsafe: the image loses its Author field and gains a label instead
            fix = Fix("Replace MAINTAINER with the OCI authors label", [Edit(span, new)], safe=False)
        yield Violation(instr.keyword_span, "Maintainer instruction is deprecated in favor of using label", fix)
