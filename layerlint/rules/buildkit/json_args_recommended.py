"""`CMD` or `ENTRYPOINT` in shell form.

## What it does
Reports a `CMD` or `ENTRYPOINT` written in shell form (`CMD python app.py`), ONBUILD triggers
included, at its command text (BuildKit's `JSONArgsRecommended`, hadolint's DL3025). As in
BuildKit the finding is suppressed when a `SHELL` instruction appears earlier in the stage or
in the stages it is built `FROM`: then shell form is a deliberate choice. With the option
`include-healthcheck = true` it also reports `HEALTHCHECK CMD` in shell form, as hadolint's
DL3025 does.

The fix rewrites the instruction in exec form when the split is unambiguous: only plain words
(no quotes, escapes, variables, globs, `~`, redirections, pipes, `&&`, `;`, subshells or
comments, no leading `NAME=value`). For `ENTRYPOINT` it is offered only when no stage that
inherits it has a `CMD`, because exec-form `ENTRYPOINT` receives `CMD` as arguments where
shell form ignored them.

## Why is this bad
Shell form runs the command as `/bin/sh -c "<command>"`: the shell is PID 1 and the real
process is its child. `docker stop` sends SIGTERM to the shell, which does not forward it, so
the process is killed after the 10-second timeout instead of shutting down cleanly, and it
never sees Ctrl-C. Exec form runs the process directly.

## Example
```dockerfile
FROM python:3.12-slim
COPY app.py /app/
CMD python /app/app.py --port 8000
```

## Use instead
```dockerfile
FROM python:3.12-slim
COPY app.py /app/
CMD ["python", "/app/app.py", "--port", "8000"]
```
"""
import json
import re

from ..base import Edit, Fix, Violation
from ..options import Bool


CODE = "LL406"
NAME = "json-args-recommended"
SEVERITY = "warning"
SUMMARY = "`CMD`/`ENTRYPOINT` in shell form: signals do not reach the process"
HADOLINT = ("DL3025",)
BUILDKIT = ("JSONArgsRecommended",)
OPTIONS = {"include-healthcheck": Bool(False, "also report HEALTHCHECK CMD in shell form (as hadolint's DL3025)")}
FIXABLE = True
TAGS = ("buildkit", "signals")

_PLAIN_WORD = re.compile(r"[A-Za-z0-9_./:@%+,=-]+")


def _shell_set_before(ctx, instr) -> bool:
    """Whether a SHELL instruction precedes ``instr`` in its stage chain."""
    owner = instr.parent or instr
    stage = ctx.stage_of(instr)
    if stage is None:
        return False
    for st in stage.chain():
        for step in st.steps:
            if step.instr is owner:
                return False
            if step.instr.inner is None and step.instr.keyword == "SHELL":
                return True
    return False


def _exec_form(text: str, escape: str):
    words = text.split()
    if not words or "=" in words[0] or escape in text:
        return None
    if not all(_PLAIN_WORD.fullmatch(w) for w in words):
        return None
    return "[" + ", ".join(json.dumps(w) for w in words) + "]"


def _inherited_cmd(ctx, instr) -> bool:
    """Whether a CMD applies together with this ENTRYPOINT (its stage or a stage built FROM it)."""
    stage = ctx.stage_of(instr)
    if stage is None:
        return True
    for st in ctx.graph.stages:
        if stage in st.chain():
            if any(s.instr.effective.keyword == "CMD" for s in st.steps):
                return True
    return False


def check(ctx):
    esc = ctx.df.escape
    for instr in ctx.instructions():
        kw = instr.keyword
        if kw in ("CMD", "ENTRYPOINT"):
            start = instr.args_offset
            label = instr.keyword_raw
        elif kw == "HEALTHCHECK" and ctx.options.get("include-healthcheck"):
            if len(instr.words) < 2 or instr.words[0].text.upper() != "CMD":
                continue
            start = instr.line.find(instr.words[1].text, instr.args_offset + len(instr.words[0].text))
            label = f"{instr.keyword_raw} {instr.words[0].text}"
        else:
            continue
        if instr.is_exec_form or not instr.args_text:
            continue
        if _shell_set_before(ctx, instr):
            continue
        end = instr.args_offset + len(instr.args_text)
        text = instr.line[start:end]
        span = instr.span_of(start, end)
        msg = f"JSON arguments recommended for {label} to prevent unintended behavior related to OS signals"
        fix = None
        new = _exec_form(text, esc)
        if new is not None and not (kw == "ENTRYPOINT" and _inherited_cmd(ctx, instr)):
            # unsafe: no shell any more, so variable expansion and signal handling change
            fix = Fix(f"Use exec form: {label} {new}", [Edit(span, new)], safe=False)
        yield Violation(span, msg, fix)
