"""Both `curl` and `wget` used in one stage.

## What it does
Reports a stage whose `RUN` instructions use both `curl` and `wget` (directly or behind
wrappers such as `sudo`; `python -m wget`, a Python package, is not the wget program). The
finding points at each use of the tool used less often (the later one on a tie) and lists
the lines of the other.

## Why is this bad
Both tools download files; an image that needs both installs two HTTP clients with
their TLS stacks where one would do, and the scripts mix two sets of flags and failure
behaviours (`curl` needs `-f` to fail on HTTP errors, `wget` fails by default). Picking
one keeps the image smaller and the download steps consistent.

## Example
```dockerfile
FROM debian:12-slim
RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz
RUN wget -q -O /tmp/b.tgz https://example.com/b.tgz
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz
RUN curl -fsSLo /tmp/b.tgz https://example.com/b.tgz
```
"""
from ..base import Violation
from ..run_commands import calls

CODE = "LL319"
NAME = "curl-and-wget"
SEVERITY = "info"
SUMMARY = "Stage uses both `curl` and `wget`; pick one download tool"
HADOLINT = ("DL4001",)
BUILDKIT = ()


def check(ctx):
    for stage in ctx.graph.stages:
        uses = {"curl": [], "wget": []}
        for step in stage.steps:
            instr = step.instr.effective
            if instr.keyword != "RUN" or step.instr.inner is not None:
                continue
            for call in calls(ctx, instr):
                if call.prog in uses and not call.python_module:  # `python -m wget`: a Python module
                    uses[call.prog].append(call)
        if not uses["curl"] or not uses["wget"]:
            continue
        c, w = uses["curl"], uses["wget"]
        if len(c) != len(w):
            minor = "curl" if len(c) < len(w) else "wget"
        else:
            minor = "curl" if (c[0].line, c[0].cmd.start) > (w[0].line, w[0].cmd.start) else "wget"
        major = "wget" if minor == "curl" else "curl"
        lines = sorted({x.line for x in uses[major]})
        shown = ", ".join(str(n) for n in lines[:5]) + (", ..." if len(lines) > 5 else "")
        for call in uses[minor]:
            yield Violation(call.span(call.prog_word), f"`{minor}` here, but this stage also downloads with `{major}` (line{'s' if len(lines) > 1 else ''} "
                f"{shown}): use one tool for all downloads")
