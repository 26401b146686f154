"""`apt` used in a script where `apt-get` / `apt-cache` are the stable interface.

## What it does
Reports `apt` (the interactive front end) used as a command in a `RUN`, and offers the
fix: `apt-get` for `install`, `update`, `upgrade`, `remove`, `purge`, `autoremove`,
`clean` and friends (`full-upgrade` becomes `dist-upgrade`), `apt-cache` for `search`,
`show`, `policy` and `depends`.

## Why is this bad
`apt` is meant for people at a terminal. Its output and options may change between
releases without notice, and it says so itself: "WARNING: apt does not have a stable CLI
interface. Use with caution in scripts." `apt-get` and `apt-cache` keep a stable
interface for scripts, and the other apt rules (`-y`, `--no-install-recommends`,
pinning) are written for them.

## Example
```dockerfile
FROM debian:12-slim
RUN apt update && apt install -y curl
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install -y curl
```
"""
from ..base import Edit, Fix, Violation
from ...syntax.model import Span
from ..run_commands import pm_calls

CODE = "LL310"
NAME = "apt-instead-of-apt-get"
SEVERITY = "warning"
SUMMARY = "`apt` in a RUN; use `apt-get` (or `apt-cache`), whose interface is stable"
HADOLINT = ("DL3027",)
BUILDKIT = ()
FIXABLE = True

APT_GET = frozenset({"install", "update", "upgrade", "remove", "purge", "autoremove", "autopurge", "clean",
                     "autoclean", "dist-upgrade", "full-upgrade", "source", "build-dep", "download",
                     "check", "changelog", "satisfy"})
APT_CACHE = frozenset({"search", "show", "showsrc", "policy", "depends", "rdepends", "madison", "showpkg"})


def _end(span):
    return Span(span.end_line, span.end_column, span.end_line, span.end_column)


def check(ctx):
    for instr in ctx.instructions("RUN"):
        for pc in pm_calls(ctx, instr):
            if pc.prog != "apt":
                continue
            word = pc.call.prog_word
            span = pc.call.span(word)
            sub = pc.sub or ""
            fix = None
            if sub in APT_GET:
                edits = [Edit(_end(span), "-get")]
                if sub == "full-upgrade":
                    edits.append(Edit(pc.span(pc.sub_word), "dist-upgrade"))
                tool = "apt-get"
                # unsafe: apt-get keeps the downloaded .debs (apt removes them) and its `upgrade` holds
                # back upgrades that need new packages (apt installs them)
                fix = Fix(f"use apt-get {'dist-upgrade' if sub == 'full-upgrade' else sub}", edits, safe=False)
            elif sub in APT_CACHE:
                tool = "apt-cache"
                fix = Fix(f"use apt-cache {sub}", [Edit(_end(span), "-cache")])
            else:
                tool = "apt-get, apt-cache or dpkg-query"
            shown = f"apt {sub}".strip()
            yield Violation(span, f"`{shown}`: apt has no stable command-line interface for scripts "
                         f"(it warns so itself); use {tool}", fix)
