"""Distribution upgrade inside an image build.

## What it does
Reports `apt-get dist-upgrade` / `apt full-upgrade` and `zypper dist-upgrade` (`dup`) in
a `RUN`. Plain package upgrades (`apt-get upgrade`, `apk upgrade`, `dnf upgrade`) are a
separate, opt-in rule (LL314).

## Why is this bad
A distribution upgrade may install, remove and replace packages to follow the newest
state of the repositories, including new major versions of libraries. What the image
contains then depends on the day it was built rather than on the Dockerfile, the layer
is large, and a rebuild can break without any change to the code. A newer tag of the
base image gives the same updates, tested together.

## Example
```dockerfile
FROM opensuse/leap:15.6
RUN zypper -n dup
```

## Use instead
```dockerfile
FROM opensuse/leap:15.6
RUN zypper -n patch
```
"""
from ..base import Violation
from ..run_commands import pm_calls

CODE = "LL313"
NAME = "dist-upgrade"
SEVERITY = "warning"
SUMMARY = "`dist-upgrade` / `zypper dup` in a RUN: the image depends on the build date"
HADOLINT = ("DL3005", "DL3035")
BUILDKIT = ()


def check(ctx):
    for instr in ctx.instructions("RUN"):
        for pc in pm_calls(ctx, instr):
            if pc.family == "apt" and pc.sub in ("dist-upgrade", "full-upgrade"):
                code = "DL3005"
            elif pc.family == "zypper" and pc.sub in ("dist-upgrade", "dup"):
                code = "DL3035"
            else:
                continue
            yield Violation(pc.span(pc.sub_word), f"`{pc.prog} {pc.sub}` upgrades the whole distribution during the build: what the image "
                   "contains depends on the build date; use a newer base image tag (or upgrade single packages)", hadolint=(code,))
