"""`apt-get update` in a RUN of its own: the package index is cached as a layer and goes stale.

## What it does
Finds a `RUN` that updates a package index (`apt-get update`, `apt update`, `apk update`)
and does nothing else that could use it: no install or upgrade, and no other command except
simple ones like `echo`, `rm`, `mkdir` (a script or a wrapper such as `xx-apt-get` might
install, so it keeps the rule quiet). The finding points at the
update command.

Not the same as hadolint's DL3009 (delete the apt lists after installing, an image-size
rule) or DL3019 (use `apk add --no-cache`); hadolint has no rule for this one.

## Why is this bad
The `RUN apt-get update` step is cached like any other: its cache key is the command text
and the steps before it, never the date or the state of the mirror. Once built, its layer
(the package index of that day) is reused by every later build, so a later
`RUN apt-get install -y curl` installs whatever that old index names: out-of-date packages
without security fixes, and `404 Not Found` failures once the mirror has dropped those
versions. Adding a package to the install line does not refresh the index either, because
the update step above it is still a cache hit.

## Example
```dockerfile
FROM debian:12-slim
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
```
"""
from ..base import Violation
from ...shell.commands import program

CODE = "LL204"
NAME = "package-index-update-alone"
SEVERITY = "warning"
SUMMARY = "apt-get update (or apk update) in a RUN of its own: a stale index is cached forever"
HADOLINT = ()
BUILDKIT = ()
TAGS = ("cache",)

# commands that cannot be using the fresh index (anything else might: a script, xx-apt-get...)
_HARMLESS = frozenset({"echo", "printf", "true", ":", "set", "export", "rm", "mkdir", "ls", "cat", "sleep",
                       "touch", "date", "ln", "chmod", "chown", "cp", "mv", "sed", "tee"})
_MANAGERS = {"apt-get": "apt-get", "apt": "apt-get", "aptitude": "apt-get", "apk": "apk"}
# subcommands that do not read the package index (anything else may)
_NO_INDEX = {"apt-get": {"update", "clean", "autoclean", "autoremove", "purge", "remove"},
             "apk": {"update", "del", "cache", "stats", "audit"}}


def _sub(cmd):
    words = [w.value for w in cmd.words]
    i = next((k for k, w in enumerate(words) if program(cmd.words) == w.rsplit("/", 1)[-1]), 0)
    return next((w for w in words[i + 1:] if not w.startswith("-")), None)


def check(ctx):
    for instr in ctx.instructions("RUN"):
        updates, uses = [], set()
        other = False
        for script, cmd in ctx.commands(instr):
            prog = program(cmd.words)
            fam = _MANAGERS.get(prog)
            if fam is None:
                if prog and prog not in _HARMLESS:
                    other = True
                continue
            sub = _sub(cmd)
            if sub == "update":
                updates.append((script, cmd, prog, fam))
            elif sub not in _NO_INDEX[fam]:
                uses.add(fam)
        for script, cmd, prog, fam in updates:
            if fam in uses or other:
                continue
            first = cmd.words[0]
            start = script.word_span(first)
            last = next((w for w in cmd.words if w.value == "update"), cmd.words[-1])
            end = script.word_span(last)
            from ...syntax.model import Span
            span = Span(start.line, start.column, end.end_line, end.end_column)
            install = "apt-get install -y ..." if fam == "apt-get" else "apk add ..."
            tip = "" if fam == "apt-get" else " (or drop it and use `apk add --no-cache`)"
            yield Violation(span, f"`{prog} update` runs in a RUN of its own: that layer (today's package index) is reused "
                f"by every later build, so installs below it get stale package versions or fail with 404 "
                f"once the mirror drops them. Update and install in the same RUN: "
                f"`RUN {prog} update && {install}`{tip}")
