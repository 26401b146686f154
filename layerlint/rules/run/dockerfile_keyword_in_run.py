r"""Dockerfile instruction written inside a RUN command.

## What it does
Reports a command inside a `RUN` whose name is a Dockerfile instruction in capitals
(`RUN`, `COPY`, `ADD`, `ENV`, `WORKDIR`, `USER`, `FROM`...), as in
`RUN apt-get update && RUN apt-get install -y curl`, or a continuation line that starts
a new instruction by mistake: `RUN a && \` followed by `COPY x /y`.

## Why is this bad
Inside a `RUN`, the text is shell: `RUN`, `COPY` and the others are looked up as
programs, which do not exist, so the step fails with `RUN: not found` (exit code 127),
or, behind `||` or in a branch, silently does nothing. The intended instruction never
happens.

## Example
```dockerfile
FROM debian:12-slim
RUN apt-get update && \
    RUN apt-get install -y curl
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update && \
    apt-get install -y curl
```
"""
from ..base import Violation

CODE = "LL307"
NAME = "dockerfile-keyword-in-run"
SEVERITY = "error"
SUMMARY = "Dockerfile instruction (`RUN`, `COPY`...) used as a command inside a RUN"
HADOLINT = ()
BUILDKIT = ()

KEYWORDS = frozenset({"RUN", "COPY", "ADD", "ENV", "ARG", "WORKDIR", "USER", "FROM", "CMD", "ENTRYPOINT",
                      "EXPOSE", "VOLUME", "LABEL", "SHELL", "HEALTHCHECK", "ONBUILD", "STOPSIGNAL",
                      "MAINTAINER"})


def check(ctx):
    for instr in ctx.instructions("RUN"):
        for script, cmd in ctx.commands(instr):
            if not cmd.words:
                continue
            w = cmd.words[0]
            if w.quoted or w.has_expansion or w.value not in KEYWORDS:
                continue
            rest = " ".join(x.value for x in cmd.words[1:])
            shown = f"{w.value} {rest}".strip()
            if len(shown) > 60:
                shown = shown[:57] + "..."
            hint = (f"make it its own `{w.value}` instruction" if w.value != "RUN"
                    else "drop the extra `RUN` (the shell runs the command as it is)")
            yield Violation(script.word_span(w), f"`{shown}` runs the shell command `{w.value}`, which does not exist "
                                        f"(exit 127): {hint}")
