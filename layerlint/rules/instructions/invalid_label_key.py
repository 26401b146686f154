r"""`LABEL` key that breaks Docker's label key conventions.

## What it does
Checks every `LABEL` key (also as an `ONBUILD` trigger; quotes removed, `ARG`/`ENV` values
expanded) and reports one that does not start with a lower-case letter, does not end with
a lower-case letter or digit, contains characters other than `a-z 0-9 . - _ /`, contains
`..` or `--`, or uses a namespace Docker reserves (`com.docker.`, `io.docker.`,
`org.dockerproject.`). Each bad key is reported at its own position, with the reason.

## Why is this bad
Tools that read labels (registries, scanners, orchestrators, the OCI
`org.opencontainers.image.*` annotations) expect lower-case, reverse-DNS keys.
`Version` and `version` are different labels, so a mis-cased key is silently ignored by
whatever looks for the conventional one, and keys in the reserved namespaces may be
overwritten by Docker itself.

## Example
```dockerfile
FROM alpine:3.20
LABEL Maintainer="team@example.com" com.docker.version="1.0" org.example..build="42"
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.authors="team@example.com" org.example.version="1.0" \
      org.example.build="42"
```
"""
import re

from ..base import Violation
from ..instruction_args import expand

CODE = "LL514"
NAME = "invalid-label-key"
SEVERITY = "style"
SUMMARY = "LABEL key is not lower-case reverse-DNS style, or uses a reserved namespace"
HADOLINT = ("DL3048",)
BUILDKIT = ()
TAGS = ("label",)

RESERVED = ("com.docker.", "io.docker.", "org.dockerproject.")
_CHARS = re.compile(r"^[a-z0-9._/-]+$")


def problem(key: str) -> str:
    """Why ``key`` is not a valid label key ('' when it is)."""
    if not key:
        return "it is empty"
    for ns in RESERVED:
        if key.startswith(ns):
            return f"the {ns}* namespace is reserved by Docker"
    if not _CHARS.match(key):
        bad = sorted({c for c in key if not re.match(r"[a-z0-9._/-]", c)})
        if any(c.isupper() for c in bad):
            return "keys are lower-case"
        return "it contains " + " ".join(repr(c) for c in bad)
    if not key[0].isalpha():
        return "it must start with a lower-case letter"
    if not (key[-1].isalpha() or key[-1].isdigit()):
        return "it must end with a lower-case letter or digit"
    if ".." in key or "--" in key:
        return "it contains consecutive '.' or '-'"
    return ""


def check(ctx):
    for instr in ctx.instructions("LABEL"):
        for pair in instr.pairs:
            key = expand(ctx, instr, pair.key)
            if key is None:
                continue
            why = problem(key)
            if why:
                yield Violation(pair.key_span, f"Label key `{key}` is invalid: {why}")
