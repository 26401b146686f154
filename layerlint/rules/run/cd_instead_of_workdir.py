"""`cd` in a RUN where WORKDIR would say it once for every later instruction.

## What it does
Reports the first `cd` of each `RUN` script (command line or heredoc) that changes the
directory for the rest of the script. A `cd` inside a subshell `( cd x && make )` or a
command substitution is scoped on purpose and is not reported, and so is one inside an inline
`sh -c '...'` script (often run once per item by `find -exec` or `xargs`). A `cd` that is the
last command of the script is reported as having no effect at all.

## Why is this bad
The directory a `cd` sets is forgotten when the `RUN` ends, so the next instruction
starts from the old `WORKDIR` again; chains of `cd a && ... && cd b` are hard to read and
easy to get wrong. `WORKDIR` sets the directory for every later `RUN`, `COPY`, `CMD` and
`ENTRYPOINT`, creates it when missing, and shows up in `docker inspect`.

## Example
```dockerfile
FROM node:22-slim
RUN cd /app && npm ci
```

## Use instead
```dockerfile
FROM node:22-slim
WORKDIR /app
RUN npm ci
```
"""
from ..base import Violation
from ..run_commands import calls

CODE = "LL302"
NAME = "cd-instead-of-workdir"
SEVERITY = "style"
SUMMARY = "`cd` in a RUN; use WORKDIR to set the directory"
HADOLINT = ("DL3003",)
BUILDKIT = ()


def check(ctx):
    for instr in ctx.instructions("RUN"):
        done = set()
        all_calls = list(calls(ctx, instr))
        for i, call in enumerate(all_calls):
            cmd = call.cmd
            if call.prog != "cd" or cmd.in_subshell or cmd.in_substitution or id(call.script) in done:
                continue
            if call.script.outer is not None:
                continue  # `sh -c 'cd ...'` (often once per item of find or xargs): local by design
            done.add(id(call.script))
            target = next((w.value for w in call.args if not w.value.startswith("-")), "~")
            later = [c for c in all_calls[i + 1:] if c.script is call.script and not c.cmd.in_substitution]
            if not later:
                yield Violation(call.span(call.prog_word), f"`cd {target}` is the last command of this RUN and has no effect: the next "
                    f"instruction starts from WORKDIR again; use `WORKDIR {target}`")
            else:
                yield Violation(call.span(call.prog_word), f"`cd {target}` only lasts until the end of this RUN; use `WORKDIR {target}` "
                    "to set the directory for this and later instructions")
