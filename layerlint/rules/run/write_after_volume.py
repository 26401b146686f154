"""RUN that changes a path already declared as a VOLUME.

## What it does
Reports, in a `RUN` that comes after a `VOLUME` instruction of the same stage (or of a
stage it is built `FROM`), a command that writes, deletes or changes permissions inside
that volume path: redirections, `cp`/`mv`, `mkdir`, `touch`, `chown`/`chmod`, `rm`,
`ln`, `sed -i`, downloads (`wget`, `curl -o`), `git clone`, `tar -x -C`, `unzip -d`,
including relative paths under a `WORKDIR` inside the volume. The finding points at the
path and names the `VOLUME` line.

## Why is this bad
With the classic builder, each `RUN` after `VOLUME /data` gets a fresh anonymous volume
on /data, and whatever it writes there is thrown away when the step ends; BuildKit
keeps the changes. The same Dockerfile then builds different images depending on the
builder, and `chown` or config files "disappear" for some users. Prepare the directory
first and declare the `VOLUME` after the last step that writes to it.

## Example
```dockerfile
FROM debian:12-slim
VOLUME /data
RUN mkdir -p /data/db && chown 1000:1000 /data/db
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN mkdir -p /data/db && chown 1000:1000 /data/db
VOLUME /data
```
"""
import json

from ..base import Violation
from ...graph import Scope
from ..run_commands import dirs_holding, effects, home_dir, located_calls, origin, run_env

CODE = "LL322"
NAME = "write-after-volume"
SEVERITY = "warning"
SUMMARY = "RUN writes into a path declared as VOLUME earlier: the classic builder discards it"
HADOLINT = ()
BUILDKIT = ()


def _volumes(step) -> list[str]:
    instr = step.instr
    if instr.exec_form is not None:
        paths = list(instr.exec_form)
    else:
        text = instr.args_text.strip()
        if text.startswith("["):
            try:
                paths = [str(p) for p in json.loads(text)]
            except ValueError:
                paths = [w.text for w in instr.words]
        else:
            paths = [w.text for w in instr.words]
    out = []
    for p in paths:
        p = step.expand(p)[0].strip()
        if p.startswith("/") and "$" not in p:
            out.append(p.rstrip("/") or "/")
    return out


def check(ctx):
    # the volumes each stage ends with: a stage starts from its base's (bases come earlier), so a
    # long FROM <stage> chain is not walked again for every stage; path -> (order, path, line) in
    # a Scope, shared with the stages built on it rather than copied into each
    after: dict[int, Scope] = {}
    order = 0  # the volumes of a stage in declaration order, its base's first
    for stage in ctx.graph.stages:
        base = stage.base_stage
        volumes = after.get(id(base), Scope()) if base is not None else Scope()
        for step in stage.steps:
            instr = step.instr
            if instr.keyword == "VOLUME":
                for p in _volumes(step):
                    if p not in volumes:  # the first declaration of a path is the one named
                        volumes = volumes.set(p, (order, p, instr.start_line))
                        order += 1
                continue
            if instr.keyword != "RUN" or not volumes:
                continue
            env = run_env(ctx, instr)
            home = home_dir(ctx, instr)
            for lc in located_calls(ctx, instr):
                for eff in effects(lc, env, home):
                    # the first volume holding the path: its directories looked up, not every volume tried
                    held = [volumes[d] for d in dirs_holding(eff.path) if d != "/" and d in volumes]
                    if not held:
                        continue
                    _, v, ln = min(held)
                    vol = (v, ln)
                    shown = getattr(eff.word, "raw", None) or eff.path
                    yield Violation(lc.call.span(origin(eff.word)), f"`{shown}` ({eff.what}) is inside {vol[0]}, declared a VOLUME on line {vol[1]}: the "
                        "classic builder discards changes to a volume made after its declaration (BuildKit keeps "
                        "them), so the image depends on the builder; move the VOLUME after this RUN")
                    break
        after[id(stage)] = volumes
