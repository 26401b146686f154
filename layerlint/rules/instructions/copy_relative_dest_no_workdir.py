r"""`COPY`/`ADD` to a relative destination while the working directory is unknown.

## What it does
Reports a `COPY` or `ADD` whose destination (after expanding `ARG`/`ENV` values) is a
relative path (`app/`, `.`, `./`) when no `WORKDIR` has been set yet, in this stage or in
the stages it is built `FROM`. The working directory then comes from the base image,
which this Dockerfile does not show. Stages built `FROM scratch` start in `/` and are not
reported; a destination that starts with an unresolved variable or a Windows drive
(`C:\app`) is left alone, and so are `ONBUILD` triggers (they run in a stage this file does
not know). A relative `WORKDIR` before any absolute one does not help: it is relative to the
unknown directory too; a `WORKDIR` on a Windows drive (`C:\app`, `c:/app`) is absolute, as
hadolint's DL3045 takes it.

## Why is this bad
A relative destination is resolved against the image's working directory. Without a
`WORKDIR` of your own, that directory is whatever the base image chose (often `/`, but
`node`, `golang` and many vendor images set their own), and it can change when the base
image changes. Set `WORKDIR` explicitly, or copy to an absolute path.

## Example
```dockerfile
FROM node:22-slim
COPY package.json ./
```

## Use instead
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY package.json ./
```
"""
import re

from ..base import Violation
from ..instruction_args import copy_args, expand

CODE = "LL509"
NAME = "copy-relative-dest-no-workdir"
SEVERITY = "warning"
SUMMARY = "COPY/ADD to a relative destination before any WORKDIR: the base image decides where it lands"
HADOLINT = ("DL3045",)
BUILDKIT = ()
TAGS = ("copy-add",)

_WINDOWS = re.compile(r"^[A-Za-z]:([\\/]|$)")


def check(ctx):
    for kw in ("COPY", "ADD"):
        for instr in ctx.instructions(kw):
            if instr.parent is not None:
                continue
            parts = copy_args(instr)
            step = ctx.step(instr)
            if parts is None or step is None or step.state.workdir is not None:
                continue
            dest = parts[1]
            value = expand(ctx, instr, dest.text)
            if value is None:  # unknown variable: relative only if the text before it is
                value = dest.text.strip("\"'")
                if value.startswith("$"):
                    continue
            if value.startswith(("/", "\\")) or _WINDOWS.match(value):
                continue
            yield Violation(dest.span, f"{instr.keyword} to the relative destination `{dest.text}` while the working directory "
                              "comes from the base image (no absolute WORKDIR in this stage or the stages it is "
                              "built FROM); add `WORKDIR /app` first, or use an absolute path")
