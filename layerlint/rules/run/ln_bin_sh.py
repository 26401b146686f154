"""`/bin/sh` replaced by a symlink instead of choosing the shell with SHELL.

## What it does
Reports `ln` commands whose link name is `/bin/sh` (`ln -sf /bin/bash /bin/sh`), also
with `-t /bin` and a source named `sh`. Links that merely point *to* `/bin/sh` are fine.

## Why is this bad
Relinking `/bin/sh` changes the shell of every program in the image that runs `sh`:
system scripts, package maintainer scripts and the application's own subprocesses, not
just the Dockerfile's `RUN` lines, and the change is invisible in the Dockerfile's
instructions. `SHELL ["/bin/bash", "-c"]` changes the shell for the following `RUN`,
`CMD` and `ENTRYPOINT` shell forms only, and says so.

## Example
```dockerfile
FROM debian:12-slim
RUN ln -sf /bin/bash /bin/sh
```

## Use instead
```dockerfile
FROM debian:12-slim
SHELL ["/bin/bash", "-c"]
```
"""
import posixpath

from ..base import Violation
from ..run_commands import calls
from ...shell.commands import parse_options

CODE = "LL305"
NAME = "ln-bin-sh"
SEVERITY = "warning"
SUMMARY = "`ln ... /bin/sh` changes the system shell; use the SHELL instruction"
HADOLINT = ("DL4005",)
BUILDKIT = ()

_SH = ("/bin/sh", "/usr/bin/sh")


def check(ctx):
    for instr in ctx.instructions("RUN"):
        for call in calls(ctx, instr):
            if call.prog != "ln":
                continue
            p = parse_options(call.args, "tS", frozenset({"--target-directory", "--suffix", "--backup"}))
            target_dir = p.values("-t", "--target-directory")
            ops = p.operands
            hit = None
            if target_dir:
                if posixpath.normpath(target_dir[-1]) in ("/bin", "/usr/bin"):
                    hit = next((w for w in ops if posixpath.basename(w.value) == "sh"), None)
                    if hit is not None:
                        hit = next(o.where for o in p.opts if o.name in ("-t", "--target-directory"))
            elif len(ops) >= 2 and posixpath.normpath(ops[-1].value) in _SH:
                hit = ops[-1]
            if hit is not None:
                yield Violation(call.span(hit), "`ln` replaces /bin/sh for every program in the image; "
                                       'set the shell of RUN/CMD/ENTRYPOINT with `SHELL ["/bin/bash", "-c"]` instead')
