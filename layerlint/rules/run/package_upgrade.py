"""Package upgrade inside an image build (opt-in).

## What it does
Reports commands that upgrade every installed package: `apt-get upgrade`,
`apk upgrade`, `yum update`/`upgrade`, `dnf`/`microdnf upgrade`/`update`, and `zypper
update` (`up`), when they name no package. Off by default: enable it with
`extend-select = ["LL314"]`.

hadolint dropped its equivalents (DL3005, DL3017, DL3031, DL3039) because many teams now
upgrade on purpose to pick up security fixes between base-image releases. Turn this rule
on when you would rather get those fixes from a newer base image tag.

## Why is this bad
Upgrading in the build makes the image depend on the day it was built: two builds of the
same Dockerfile differ, the upgrade layer can be large, and the result is a combination
of packages nobody tested together. A newer base image tag brings the same fixes in a
known state.

## Example
```dockerfile
FROM alpine:3.20
RUN apk upgrade --no-cache
```

## Use instead
```dockerfile
FROM alpine:3.20.3
```
"""
from ..base import Violation
from ..run_commands import pm_calls

CODE = "LL314"
NAME = "package-upgrade"
SEVERITY = "info"
SUMMARY = "Upgrade of all packages in a RUN (opt-in): prefer a newer base image tag"
HADOLINT = ("DL3005", "DL3017", "DL3031", "DL3039")
BUILDKIT = ()
ENABLED_BY_DEFAULT = False


def check(ctx):
    for instr in ctx.instructions("RUN"):
        for pc in pm_calls(ctx, instr):
            if pc.parsed.operands:
                continue  # upgrades named packages only
            if pc.family == "apt" and pc.sub == "upgrade":
                code = "DL3005"
            elif pc.family == "apk" and pc.sub == "upgrade":
                code = "DL3017"
            elif pc.family == "rpm" and pc.sub in ("update", "upgrade"):
                code = "DL3031" if pc.prog == "yum" else "DL3039"
            elif pc.family == "zypper" and pc.sub in ("update", "up"):
                code = None
            else:
                continue
            yield Violation(pc.span(pc.sub_word), f"`{pc.prog} {pc.sub}` upgrades every package during the build: the image depends on the "
                   "build date; prefer a newer base image tag", hadolint=(code,) if code else ())
