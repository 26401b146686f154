"""Pipe in a RUN whose shell does not fail on a failing left-hand command.

## What it does
Reports a `RUN` with a pipeline (`a | b`) when nothing makes the shell fail on a failing
command before the last `|`: neither the stage's `SHELL` (`-o pipefail`, also inherited
through `FROM <stage>`), nor a `set -o pipefail` earlier in the same script (command line
or heredoc), nor a shell fed the heredoc with `-o pipefail`. The finding points at the
first unprotected `|` and names the command whose failure would be hidden. Pipelines
whose earlier commands cannot fail in practice (`echo`, `printf`, `yes`, `true`) are not
reported. Shells that are not POSIX (`SHELL ["pwsh", ...]`) are not checked.

## Why is this bad
A pipeline's exit status is that of its last command. In `curl -fsSL $URL | tar -xz`, a
failed download still exits 0 if `tar` does, so the build goes on and ships an image
without the files, or fails later with a confusing error. `pipefail` makes the pipeline
fail when any of its commands fails.

## Example
```dockerfile
FROM debian:12-slim
RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
```

## Use instead
```dockerfile
FROM debian:12-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
```
"""
import posixpath

from ..base import Violation
from ..context import heredoc_feeder
from ...shell.commands import strip_wrappers

CODE = "LL304"
NAME = "missing-pipefail"
SEVERITY = "warning"
SUMMARY = "Pipe in a RUN without `set -o pipefail` or a pipefail SHELL: a failing command is hidden"
HADOLINT = ("DL4006",)
BUILDKIT = ()

HARMLESS = frozenset({"echo", "printf", "yes", "true", ":"})


def sets_pipefail(args) -> bool:
    """``-o pipefail`` in shell options or `set` arguments (``-eo pipefail``, ``-euxo pipefail``)."""
    args = list(args)
    for i, a in enumerate(args[:-1]):
        if a.startswith("-") and not a.startswith("--") and a.endswith("o") and args[i + 1] == "pipefail":
            return True
    return False


def check(ctx):
    for instr in ctx.instructions("RUN"):
        scripts = ctx.scripts(instr)
        if not scripts:
            continue
        step = ctx.step(instr)
        shell = step.state.shell if step is not None else ["/bin/sh", "-c"]
        shell_ok = sets_pipefail(shell)
        found = []  # (script, pipe offset, left command, right command)
        for sc in scripts:
            if sc.heredoc is None:
                ok = shell_ok
            else:
                feeder = heredoc_feeder(scripts[0].parsed, sc.heredoc.name)
                if feeder is not None:  # `bash -o pipefail <<EOF`
                    ok = sets_pipefail([w.value for w in feeder.words[1:]])
                elif sc.heredoc.body.lstrip("\t").startswith("#!"):
                    ok = False  # run by its interpreter, not by SHELL
                else:
                    ok = shell_ok  # a lone heredoc is run by SHELL
            cmds = sc.parsed.commands
            set_at = None
            for c in cmds:
                if c.words and c.words[0].value == "set" and not c.in_substitution \
                        and sets_pipefail([w.value for w in c.words[1:]]):
                    set_at = c.start if set_at is None else min(set_at, c.start)
            for c in cmds:
                if c.pipe_position != 1 or ok or (set_at is not None and set_at < c.start):
                    continue
                left = [d for d in cmds if d.pipeline == c.pipeline and d.pipe_position < c.pipe_length - 1]
                names = [_prog(d) for d in left]
                if left and all(n in HARMLESS for n in names):
                    continue
                pipe = _pipe_before(sc.text, c.start)
                if pipe is None:
                    continue
                found.append((sc, pipe, left, c, shell))
        if not found:
            continue
        sc, pipe, left, right, shell = found[0]
        span = sc.span(pipe, pipe + 1)
        last = [d for d in sc.parsed.commands if d.pipeline == right.pipeline and d.pipe_position == right.pipe_length - 1]
        shown_left = _prog(left[0]) if left else "the commands before it"
        shown_last = _prog(last[0]) if last else "the last command"
        more = f" ({len(found) - 1} more unprotected pipe{'s' if len(found) > 2 else ''} in this RUN)" if len(found) > 1 else ""
        if sc.heredoc is not None:
            fix_hint = "start the heredoc script with `set -o pipefail`"
        else:
            name = posixpath.basename(shell[0]) if shell else "sh"
            if name in ("bash", "zsh", "ash", "ksh", "mksh"):
                fix_hint = f'set `SHELL ["{shell[0]}", "-o", "pipefail", "-c"]` before this RUN'
            else:
                fix_hint = ('set `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before this RUN '
                            '(`["/bin/ash", "-o", "pipefail", "-c"]` on Alpine), or begin it with '
                            '`set -o pipefail &&` where /bin/sh supports it')
        yield Violation(span, f"The pipeline's status is that of `{shown_last}`: a failing `{shown_left}` does not fail "
                     f"the build; {fix_hint}{more}")


def _prog(cmd) -> str:
    words = strip_wrappers(list(cmd.words))
    return posixpath.basename(words[0].value) if words else (cmd.words[0].value if cmd.words else "?")


def _pipe_before(text: str, start: int):
    """Offset of the `|` operator just before offset ``start``."""
    i = start - 1
    while i >= 0:
        ch = text[i]
        if ch in " \t\n":
            i -= 1
        elif ch == "\\" and i + 1 < len(text) and text[i + 1] == "\n":
            i -= 1
        elif ch == "&" and i > 0 and text[i - 1] == "|":
            return i - 1
        elif ch == "|":
            return i
        else:
            return None
    return None
