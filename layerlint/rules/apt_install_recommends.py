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

from ._shellutil import pm_calls, stage_chain_steps

CODE = "LL312"
NAME = "apt-install-recommends"
SEVERITY = "info"
SUMMARY = "`apt-get install` without `--no-install-recommends` pulls in recommended packages"
HADOLINT = ("DL3015",)
BUILDKIT = ()
FIXABLE = True

_CONF = re.compile(r"APT::Install-Recommends\s+[\"']?(?:0|false|no)\b", re.I)
_FALSE = ("0", "false", "no", "off")


def _configured_off(ctx, instr) -> bool:
    """An earlier RUN of the stage chain (or this one) turns recommendations off in apt.conf."""
    texts = [instr.args_text] + [h.body for h in instr.heredocs]
    stage = ctx.stage_of(instr)
    if stage is not None and instr.parent is None:
        for step in stage_chain_steps(stage):
            i = step.instr.effective
            if step.instr is instr:
                break
            if i.keyword == "RUN" and step.instr.parent is None and step.instr.inner is None:
                texts.append(i.args_text)
                texts.extend(h.body for h in i.heredocs)
    return any(_CONF.search(t) for t in texts)


def check(ctx):
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
                configured = _configured_off(ctx, instr)
            if configured:
                continue
            yield (pc.span(pc.sub_word),
                   f"`{pc.prog} install` without `--no-install-recommends` also installs every recommended "
                   "package; add the flag and name the extras you need",
                   pc.insert_after_sub(" --no-install-recommends", "add --no-install-recommends"))
