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

from bisect import bisect_right

from ..base import Violation
from ..run_commands import cache_trigger, cleared_dir, dirs_holding, located_calls, mounts, origin, run_caches, ships

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
    later = ctx.memo(("later_cleanups", id(stage)), lambda: _Cleanups(ctx, stage))
    return later.first_after(instr, kind, paths)


_NEVER = float("inf")


class _Cleanups:
    """For one stage, which RUNs empty which cache before filling it again, indexed so that
    "the first such RUN after this one" is a lookup (scanning every later RUN for every
    install was quadratic in a stage of thousands of them).

    A RUN cleans cache ``kind`` (for the cache paths ``paths``) when, in command order, a
    command that empties the cache or deletes a directory holding one of the paths comes
    before any command that fills the cache."""

    def __init__(self, ctx, stage):
        self.position = {}  # id(instruction) -> index among the stage's steps
        self.runs = []  # (index, line, first index of the command that fills each kind, RunCaches)
        for k, step in enumerate(stage.steps):
            self.position[id(step.instr)] = k
            later = step.instr
            if later.keyword != "RUN":
                continue
            r = run_caches(ctx, later)
            mts = mounts(ctx, later)
            fills = {}
            for i, lc in enumerate(r.located):
                found = cache_trigger(r, i, lc, r.pms[i], mts)
                if found is not None:
                    fills.setdefault(found[0], i)
            self.runs.append((k, later.start_line, fills, r))
        self._by_kind = {}

    def _index(self, kind):
        """(sorted indices of the RUNs that empty ``kind`` with its own command, and for each
        directory deleted before the cache is filled, the sorted indices of the RUNs doing it)"""
        found = self._by_kind.get(kind)
        if found is None:
            own, deleted = [], {}
            for k, line, fills, r in self.runs:
                fill = fills.get(kind, _NEVER)
                if any(i < fill and kd == kind for i, kd in r.cleans):
                    own.append((k, line))
                for i, path in r.removed:
                    if i < fill:
                        deleted.setdefault(cleared_dir(path), []).append((k, line))
            found = self._by_kind[kind] = (own, deleted)
        return found

    def first_after(self, instr, kind, paths):
        pos = self.position.get(id(instr))
        if pos is None:
            return None
        own, deleted = self._index(kind)
        hits = [_first_after(own, pos)]
        for t in paths:
            if t:
                hits += [_first_after(deleted.get(d, ()), pos) for d in dirs_holding(t)]
        hits = [h for h in hits if h is not None]
        return min(hits)[1] if hits else None


def _first_after(entries, pos):
    i = bisect_right(entries, (pos, _NEVER))
    return entries[i] if i < len(entries) else None


def check(ctx):
    for instr in ctx.instructions("RUN"):
        if not ships(ctx, instr):
            continue
        r = None
        mts = mounts(ctx, instr)
        reported: set[str] = set()
        for i, lc in enumerate(located_calls(ctx, instr)):
            if r is None:
                r = run_caches(ctx, instr)
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
