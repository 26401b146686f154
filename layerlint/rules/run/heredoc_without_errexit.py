"""Heredoc script with several commands but no `set -e`.

## What it does
Reports a `RUN` heredoc script (`RUN <<EOF ... EOF`, `RUN bash <<EOF`, or a script with
a shell shebang) that runs two or more commands one after the other without stopping at
the first failure: no `set -e` (or `set -o errexit`, `set -eux`...) before the second
command, no `-e` on the shebang or on the shell it is fed to, and no `-e` in the stage's
`SHELL`. Commands chained with `&&` count as one. The finding points at the first
command whose failure would be ignored; the fix inserts `set -e` as the first line of
the script (after the shebang).

## Why is this bad
Unlike a `RUN` line chained with `&&`, a script runs every line whatever happened
before, and its exit status is that of the last command only. If `apt-get update` fails
on line 1 and `echo done` succeeds on line 3, the step succeeds and the image is built
without the packages, or breaks later in a confusing place.

## Example
```dockerfile
# syntax=docker/dockerfile:1
FROM debian:12-slim
RUN <<EOF
apt-get update
apt-get install -y --no-install-recommends curl
rm -rf /var/lib/apt/lists/*
EOF
```

## Use instead
```dockerfile
# syntax=docker/dockerfile:1
FROM debian:12-slim
RUN <<EOF
set -e
apt-get update
apt-get install -y --no-install-recommends curl
rm -rf /var/lib/apt/lists/*
EOF
```
"""
from ..base import Edit, Fix, Violation
from ..context import heredoc_feeder
from ...syntax.model import Span

CODE = "LL308"
NAME = "heredoc-without-errexit"
SEVERITY = "warning"
SUMMARY = "Heredoc RUN script with several commands and no `set -e`: failures are ignored"
HADOLINT = ()
BUILDKIT = ()
FIXABLE = True

_SEPARATORS = (None, "\n", ";", "&")


def has_e(args) -> bool:
    """Shell options that turn errexit on (``-e``, ``-eux``, ``-o errexit``)."""
    args = list(args)
    for i, a in enumerate(args):
        if a.startswith("-") and not a.startswith("--") and "e" in a[1:] and a not in ("-c",):
            letters = a[1:]
            if "o" in letters and letters.index("o") < letters.index("e"):
                continue  # -oe: the e is not an option here
            return True
        if a == "-o" and i + 1 < len(args) and args[i + 1] == "errexit":
            return True
    return False


def check(ctx):
    for instr in ctx.instructions("RUN"):
        scripts = ctx.scripts(instr)
        if len(scripts) < 2:
            continue
        step = ctx.step(instr)
        shell = step.state.shell if step is not None else ["/bin/sh", "-c"]
        for sc in scripts[1:]:
            body = sc.heredoc.body
            first = body.lstrip("\t").split("\n", 1)[0]
            feeder = heredoc_feeder(scripts[0].parsed, sc.heredoc.name)
            if first.startswith("#!"):
                if has_e(first[2:].split()[1:]):
                    continue
            elif feeder is not None:
                if has_e([w.value for w in feeder.words[1:]]):
                    continue
            elif has_e(shell[1:]):
                continue
            statements = [c for c in sc.parsed.commands
                          if c.words and not c.in_substitution and not c.in_condition
                          and c.connector_before in _SEPARATORS]
            if len(statements) < 2:
                continue
            set_e = [c for c in sc.parsed.commands if c.words and c.words[0].value == "set"
                     and not c.in_substitution and has_e([w.value for w in c.words[1:]])]
            if set_e and set_e[0].start < statements[1].start:
                continue
            victim = statements[0]
            word = victim.words[0]
            line = body_line = sc.heredoc.body_line
            if first.startswith("#!"):
                line = body_line + 1
            # unsafe: a failing command now stops the script, so a build that passed may fail
            fix = Fix("insert `set -e` as the first line of the script",
                      [Edit(Span(line, 1, line, 1), "set -e\n")], safe=False)
            shown = " ".join(w.value for w in victim.words)
            if len(shown) > 40:
                shown = shown[:37] + "..."
            yield Violation(sc.word_span(word), f"This heredoc script runs {len(statements)} commands without `set -e`: if `{shown}` fails, "
                "the next lines still run and only the last command's status counts; start the script with "
                "`set -e`", fix)
