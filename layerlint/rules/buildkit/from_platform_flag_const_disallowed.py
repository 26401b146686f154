"""`FROM --platform` with a constant value.

## What it does
Reports a `FROM --platform=<constant>` (no variable in it) whose operating system and
architecture (as the builder normalises them: `x86_64` is `amd64`, `aarch64` is `arm64`) both
do not appear in the stage's name, at the flag value (BuildKit's
`FromPlatformFlagConstDisallowed`). A stage named after its platform, such as
`FROM --platform=linux/arm64 debian AS build-arm64`, is a deliberate per-platform stage and is
not reported.

## Why is this bad
A constant platform pins the stage to one architecture whatever `--platform` the build is run
with: a multi-platform build then packs, for example, amd64 binaries into the arm64 image,
which fails at run time ("exec format error"). Use `$BUILDPLATFORM` for stages that should run
natively on the build machine and leave the target platform to the build command.

## Example
```dockerfile
FROM --platform=linux/amd64 golang:1.22 AS build
RUN go build -o /out/app .
```

## Use instead
```dockerfile
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
ARG TARGETOS TARGETARCH
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
```
"""
from ..base import Violation
from ...graph import expand
from ..context import referenced_vars
from ..buildkit_semantics import parse_platform

CODE = "LL416"
NAME = "from-platform-flag-const-disallowed"
SEVERITY = "warning"
SUMMARY = "`FROM --platform` pinned to a constant platform"
HADOLINT = ()
BUILDKIT = ("FromPlatformFlagConstDisallowed",)
TAGS = ("buildkit", "platform")


def check(ctx):
    esc = ctx.df.escape
    for stage in ctx.graph.stages:
        plat = stage.from_instr.flag("platform")
        if plat is None or not plat.value or referenced_vars(plat.value, esc):
            continue
        value = expand(plat.value, {}, esc)[0]
        parsed = parse_platform(value)
        if parsed is None:
            continue  # the build fails on it anyway
        os_, arch = parsed
        name = stage.name or ""
        if os_ in name or arch in name:
            continue
        yield Violation(plat.value_span or plat.span, f'FROM --platform flag should not use constant value "{value}"')
