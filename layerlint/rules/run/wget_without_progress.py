"""`wget` that fills the build log with its progress bar.

## What it does
Reports `wget` commands without one of `-q`/`--quiet`, `-nv`/`--no-verbose`,
`--progress=...`, `-o`/`--output-file` or `-a`/`--append-output`. `python -m wget`
(the PyPI module of that name, another program) is not GNU wget and is not reported.

## Why is this bad
Without a terminal, GNU wget prints a line of dots for every few kilobytes: downloading a
few hundred MB writes thousands of lines into the build log, hiding the output that
matters and slowing down CI log viewers. `--progress=dot:giga` keeps a short progress
report; `-nv` prints one line per file; `-q` prints nothing but errors (busybox wget,
on Alpine, knows only `-q`).

## Example
```dockerfile
FROM debian:12-slim
RUN wget https://example.com/tool.tar.gz
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN wget --progress=dot:giga https://example.com/tool.tar.gz
```
"""
from ..base import Violation
from ..run_commands import calls, may_hold_options
from ...shell.commands import parse_options

CODE = "LL318"
NAME = "wget-without-progress"
SEVERITY = "info"
SUMMARY = "`wget` without `-q`, `-nv` or `--progress`: its progress bar floods the build log"
HADOLINT = ("DL3047",)
BUILDKIT = ()

_SHORT_VAL = "OoaPeTtUiBwQlADRXIY"
_LONG_VAL = frozenset({"--output-document", "--output-file", "--append-output", "--directory-prefix",
                       "--execute", "--timeout", "--tries", "--user-agent", "--input-file", "--base",
                       "--wait", "--quota", "--level", "--accept", "--domains", "--reject",
                       "--header", "--user", "--password", "--post-data", "--post-file", "--method",
                       "--body-data", "--ca-certificate", "--certificate", "--private-key"})
QUIET = ("-q", "--quiet", "-nv", "--no-verbose", "--progress", "-o", "--output-file", "-a", "--append-output")


def check(ctx):
    for instr in ctx.instructions("RUN"):
        for call in calls(ctx, instr):
            if call.prog != "wget" or call.python_module:
                continue  # `python -m wget URL` is PyPI's wget: no GNU progress dots, no such options
            if any(may_hold_options(w) for w in call.args):
                continue  # options hidden in a variable
            p = parse_options(call.args, _SHORT_VAL, _LONG_VAL, long_prefixes=("-nv", "-nc", "-nd", "-nH", "-np"))
            if p.has(*QUIET):
                continue
            yield Violation(call.span(call.prog_word), "`wget` without `-q`, `-nv` or `--progress=dot:giga` writes a progress line every few KB into "
                "the build log; add one of them (busybox wget: `-q`)")
