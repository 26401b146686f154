r"""System package installed without a version.

## What it does
Reports package names without a version in `apt-get`/`apt install` (`curl=7.88.1-10`),
`apk add` (`curl=8.9.1-r0`, `~`, `>`, `<`), `yum`/`dnf`/`microdnf`/`tdnf install`
(`curl-7.76.1`, modules as `name:stream`) and `zypper install` (`curl=8.0`, `>=`, `<`).
Local package files (`.deb`, `.apk`, `.rpm`), paths and URLs, apt release pins
(`pkg/bookworm-backports`), apk virtual package names (`--virtual .deps`) and rpm
groups (`@group`, `group install`) are not packages to pin. One finding per command,
at the first unpinned package, naming them all. Variables are expanded from `ARG`/`ENV` and
from plain assignments earlier in the same RUN (`buildDeps='gcc make' && apt-get install -y
$buildDeps`, reported at `$buildDeps`) when their value is certain, and skipped when it is
not (set in a loop, a branch or a function, or from a command's output).

Off the default severity scale on purpose (`info`): exact pins on Debian and Ubuntu
break when the mirror drops the old version, so many teams pin the base image instead.

## Why is this bad
Without a version, a rebuild installs whatever the repository holds that day: the image
changes without any change to the Dockerfile, a new release can break the build or the
application, and the build cache hides the difference until it is invalidated.

## Example
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
 && rm -rf /var/lib/apt/lists/*
```
"""
import re

from ..base import Violation
from ..run_commands import pm_calls, shown

CODE = "LL315"
NAME = "os-package-unpinned"
SEVERITY = "info"
SUMMARY = "apt/apk/yum/dnf/zypper package installed without a version pin"
HADOLINT = ("DL3008", "DL3018", "DL3033", "DL3037", "DL3041")
BUILDKIT = ()

_RPM_VERSION = re.compile(r"-[0-9]")
EXAMPLES = {"apt": "{p}=<version>", "apk": "{p}=<version>", "rpm": "{p}-<version>", "zypper": "{p}=<version>"}


def _pinned(family: str, sub: str, pkg: str) -> bool:
    if "/" in pkg or "://" in pkg:
        return True  # a path, a URL, or apt's pkg/release
    if family == "apt":
        return "=" in pkg or pkg.endswith(".deb")
    if family == "apk":
        return any(c in pkg for c in "=~<>") or pkg.endswith(".apk")
    if family == "zypper":
        return any(c in pkg for c in "=<>") or pkg.endswith(".rpm")
    # rpm family
    if sub == "module install":
        return ":" in pkg
    return pkg.startswith("@") or pkg.endswith(".rpm") or bool(_RPM_VERSION.search(pkg)) \
        or any(c in pkg for c in "=<>")


def _code(pc) -> str:
    if pc.family == "apt":
        return "DL3008"
    if pc.family == "apk":
        return "DL3018"
    if pc.family == "zypper":
        return "DL3037"
    return "DL3033" if pc.prog == "yum" else "DL3041"


def check(ctx):
    for instr in ctx.instructions("RUN"):
        for pc in pm_calls(ctx, instr):
            if pc.family == "apt" and pc.sub != "install":
                continue
            if pc.family == "apk" and pc.sub != "add":
                continue
            if pc.family == "rpm" and pc.sub not in ("install", "module install", "reinstall"):
                continue
            if pc.family == "zypper" and pc.sub not in ("install", "in"):
                continue
            if pc.family not in ("apt", "apk", "rpm", "zypper"):
                continue
            loose = [w for w in pc.parsed.operands
                     if not w.has_expansion and w.value and not _pinned(pc.family, pc.sub, w.value)]
            if not loose:
                continue
            names = ", ".join(f"`{shown(w)}`" for w in loose[:6])
            if len(loose) > 6:
                names += f" and {len(loose) - 6} more"
            example = EXAMPLES[pc.family].format(p=loose[0].value)
            if pc.sub == "module install":
                example = f"{loose[0].value}:<stream>"
            what, it = ("package", "it") if len(loose) == 1 else ("packages", "them")
            yield Violation(pc.span(loose[0]), f"`{pc.prog} {pc.sub}` of {what} without a version: {names}; pin {it} (e.g. `{example}`) "
                   "so a rebuild installs the same thing", hadolint=(_code(pc),))
