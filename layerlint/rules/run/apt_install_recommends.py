r"""`apt-get install` that also installs every recommended package.

## What it does
Reports `apt-get install` (and `apt`/`aptitude install`) without
`--no-install-recommends` (or `-o APT::Install-Recommends=false`), unless an earlier
`RUN` of the stage, or this one, configures apt not to install recommendations
(`APT::Install-Recommends "false";` written into `/etc/apt/apt.conf.d`). The fix inserts
`--no-install-recommends` after `install`.

## Why is this bad
Debian and Ubuntu install "recommended" packages by default: documentation, optional
tools, sometimes whole toolchains or an X11 stack. In an image they are dead weight
(often tens to hundreds of MB) and more software to patch. Recommendations you do need
can be named explicitly.

## Example
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install -y python3 \
 && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 \
 && rm -rf /var/lib/apt/lists/*
```
"""
import re

from ..base import Violation
from ..run_commands import pm_calls

CODE = "LL312"
NAME = "apt-install-recommends"
SEVERITY = "info"
SUMMARY = "`apt-get install` without `--no-install-recommends` pulls in recommended packages"
HADOLINT = ("DL3015",)
BUILDKIT = ()
FIXABLE = True

_CONF = re.compile(r"APT::Install-Recommends\s+[\"']?(?:0|false|no)\b", re.I)
_FALSE = ("0", "false", "no", "off")


def _turns_off(instr) -> bool:
    return any(_CONF.search(t) for t in [instr.args_text] + [h.body for h in instr.heredocs])


def _configured_off(ctx, instr, off_before: dict) -> bool:
    """An earlier RUN of the stage chain (or this one) turns recommendations off in apt.conf."""
    if _turns_off(instr):
        return True
    stage = ctx.stage_of(instr)
    if stage is None or instr.parent is not None:
        return False
    if _stage_off(stage.base_stage, off_before):
        return True
    position, first_off = ctx.memo(("apt_recommends_off", id(stage)), lambda: _first_off(stage))
    return first_off < position.get(id(instr), len(stage.steps))


def _first_off(stage):
    """(index of each step, index of the first RUN that turns recommendations off), once per
    stage: scanning the earlier RUNs for every install was quadratic in a long stage."""
    first = float("inf")
    position = {}
    for k, step in enumerate(stage.steps):
        position[id(step.instr)] = k
        i = step.instr.effective
        if first == float("inf") and i.keyword == "RUN" and step.instr.parent is None \
                and step.instr.inner is None and _turns_off(i):
            first = k
    return position, first


def _stage_off(stage, memo: dict) -> bool:
    """Whether some RUN of ``stage`` or the stages it is built FROM turns them off, remembered per
    stage: walking the whole chain for every install was quadratic in a long chain."""
    path = []
    while stage is not None and id(stage) not in memo:
        path.append(stage)
        stage = stage.base_stage
    off = memo.get(id(stage), False) if stage is not None else False
    for st in reversed(path):
        off = off or any(s.instr.effective.keyword == "RUN" and s.instr.parent is None and s.instr.inner is None
                         and _turns_off(s.instr.effective) for s in st.steps)
        memo[id(st)] = off
    return off


def check(ctx):
    memo: dict = {}
    for instr in ctx.instructions("RUN"):
        configured = None
        for pc in pm_calls(ctx, instr):
            if pc.family != "apt" or pc.sub != "install" or pc.unknown:
                continue
            p = pc.parsed
            if p.has("--no-install-recommends") or any(v == "no" for v in p.values("--install-recommends")):
                continue
            if any(v.partition("=")[0].strip().lower() == "apt::install-recommends"
                   and v.partition("=")[2].strip().strip("\"'").lower() in _FALSE for v in p.values("-o", "--option")):
                continue
            if configured is None:
                configured = _configured_off(ctx, instr, memo)
            if configured:
                continue
            yield Violation(pc.span(pc.sub_word), f"`{pc.prog} install` without `--no-install-recommends` also installs every recommended "
                   "package; add the flag and name the extras you need",
                   # unsafe: the recommended packages are no longer installed
                   pc.insert_after_sub(" --no-install-recommends", "add --no-install-recommends").replace(safe=False))
