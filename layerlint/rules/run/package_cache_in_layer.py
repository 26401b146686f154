r"""Package-manager cache left in an image layer.

## What it does
Reports a package-manager command whose download cache stays in the layer of its `RUN`:
- `apt-get update` without `rm -rf /var/lib/apt/lists/*` later in the same `RUN`
  (`apt-get clean` does not remove the lists);
- `apk add` without `--no-cache` (or `apk update`) unless `/var/cache/apk` is emptied;
- `yum`, `dnf`/`microdnf`/`tdnf` and `zypper` installs without `clean all` (`zypper
  clean`) or removing `/var/cache/{yum,dnf,libdnf5,zypp}` afterwards;
- `pip install` without `--no-cache-dir` (unless `PIP_NO_CACHE_DIR` is set by `ENV`,
  `ARG`, `export` or on the command, or nothing is downloaded: `--no-index`, or
  `--no-deps` with local paths only), `uv pip install`/`uv sync` without `--no-cache`;
- `yarn install` without `yarn cache clean`, `npm install`/`npm ci` without
  `npm cache clean --force`.

A cache or tmpfs mount over the cache directory (`RUN --mount=type=cache,target=...`)
keeps it out of the layer and is the preferred fix. Only layers that end up in the image
are checked: the target stage, the stages it is built `FROM`, and `ONBUILD` triggers;
build stages whose files are copied out selectively are not. When the cache is deleted
in a later `RUN`, the message says so: that does not shrink the image. Fixes insert
`--no-cache-dir` (pip) and `--no-cache` (apk, uv).

## Why is this bad
Every layer is shipped and stored in full. A cache deleted in a later layer, or never,
stays in the image: apt lists are typically 20-50 MB, pip and npm caches often hundreds
of MB. Nothing at run time reads them; they only make pulls slower and images larger.

## Example
```dockerfile
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5
RUN pip install -r requirements.txt
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \
 && rm -rf /var/lib/apt/lists/*
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
```
"""
from __future__ import annotations

from ..base import Violation
from ..run_commands import RunCaches, cache_trigger, located_calls, mounts, origin, ships

CODE = "LL317"
NAME = "package-cache-in-layer"
SEVERITY = "warning"
SUMMARY = "Package-manager cache (apt lists, apk, yum/dnf, zypper, pip, npm, yarn) left in the layer"
HADOLINT = ("DL3009", "DL3019", "DL3032", "DL3036", "DL3040", "DL3042", "DL3060")
BUILDKIT = ()
FIXABLE = True


def _later_cleanup(ctx, instr, kind, paths):
    """The line of a later RUN in the same stage that deletes this cache (too late): one
    that cleans before filling the cache again itself."""
    stage = ctx.stage_of(instr)
    if stage is None or instr.parent is not None:
        return None
    seen = False
    for step in stage.steps:
        if step.instr is instr:
            seen = True
            continue
        later = step.instr
        if not seen or later.keyword != "RUN":
            continue
        r = RunCaches(ctx, later)
        mts = mounts(ctx, later)
        for i, lc in enumerate(r.located):
            found = cache_trigger(r, i, lc, r.pms[i], mts)
            if found is not None and found[0] == kind:
                break  # fills the cache again: its cleanup is its own
            if r.cleaned_at(i, kind, paths):
                return later.start_line
    return None


def check(ctx):
    for instr in ctx.instructions("RUN"):
        if not ships(ctx, instr):
            continue
        r = None
        mts = mounts(ctx, instr)
        reported: set[str] = set()
        for i, lc in enumerate(located_calls(ctx, instr)):
            if r is None:
                r = RunCaches(ctx, instr)
            call = lc.call
            pc = r.pms[i]
            found = cache_trigger(r, i, lc, pc, mts)
            if found is None:
                continue
            kind, paths, word, msg, fix, codes = found
            if kind in reported or r.cleaned(i, kind, paths):
                continue
            reported.add(kind)
            later = _later_cleanup(ctx, instr, kind, paths)
            if later is not None:
                msg += f" (the cleanup on line {later} runs in a later layer and does not shrink the image)"
            # unsafe: the cache (apk's package index among them) is gone for the later steps
            yield Violation(call.span(origin(word)), msg, fix if fix is None else fix.replace(safe=False), hadolint=codes)
