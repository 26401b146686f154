"""`FROM --platform=$TARGETPLATFORM` is redundant.

## What it does
Reports a `FROM --platform=` whose value is nothing but the predefined `$TARGETPLATFORM`
(`$TARGETPLATFORM`, `${TARGETPLATFORM}`, quoted or not), at the flag value (BuildKit's
`RedundantTargetPlatform`, hadolint's DL3065).

## Why is this bad
Every stage is already built for the target platform unless told otherwise, so the flag
changes nothing. It is usually a mix-up with `--platform=$BUILDPLATFORM`, the form that makes
a stage run natively on the build machine for cross-compilation; a reader may believe the
stage runs natively when it does not.

## Example
```dockerfile
FROM --platform=$TARGETPLATFORM alpine:3.20
```

## Use instead
```dockerfile
FROM alpine:3.20
```
"""
from ..base import Violation
from ..context import referenced_vars
from ...graph import expand

CODE = "LL414"
NAME = "redundant-target-platform"
SEVERITY = "info"
SUMMARY = "`FROM --platform=$TARGETPLATFORM` is the default"
HADOLINT = ("DL3065",)
BUILDKIT = ("RedundantTargetPlatform",)
TAGS = ("buildkit", "platform")

_SENTINEL = "\x00target\x00"


def check(ctx):
    esc = ctx.df.escape
    for stage in ctx.graph.stages:
        plat = stage.from_instr.flag("platform")
        if plat is None or not plat.value:
            continue
        names = {n for n, _, _ in referenced_vars(plat.value, esc)}
        if names != {"TARGETPLATFORM"}:
            continue
        if expand(plat.value, {"TARGETPLATFORM": _SENTINEL}, esc)[0] != _SENTINEL:
            continue
        yield Violation(plat.value_span or plat.span, f"Setting platform to predefined {plat.value} in FROM is redundant as this is the default behavior")
