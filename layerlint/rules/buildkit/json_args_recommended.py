"""`CMD` or `ENTRYPOINT` in shell form.

## What it does
Reports a `CMD` or `ENTRYPOINT` written in shell form (`CMD python app.py`), ONBUILD triggers
included, at its command text (BuildKit's `JSONArgsRecommended`, hadolint's DL3025). As in
BuildKit the finding is suppressed when a `SHELL` instruction appears earlier in the stage or
in the stages it is built `FROM`: then shell form is a deliberate choice. With the option
`include-healthcheck = true` it also reports `HEALTHCHECK CMD` in shell form, as hadolint's
DL3025 does.

Two deliberate differences from BuildKit: a `# hadolint ignore=DL3025` comment above the
instruction silences it, as it silences hadolint (layerlint honours hadolint's comments so that a
repository migrating from hadolint keeps its decisions; BuildKit reads only `# check=skip=...`);
and ONBUILD triggers are reported, as hadolint's DL3025 does, while BuildKit checks no ONBUILD
trigger: the signal problem is the same in the image whose build runs the trigger.

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
    shells = ctx.memo(("json_args_shells", id(ctx.graph)), lambda: _Shells(ctx.graph))
    return shells.before(stage, owner)


class _Shells:
    """Where SHELL instructions are: per stage the first one, and whether the stages it is built
    FROM have one, remembered (walking the chain for every CMD was quadratic in a long chain)."""

    def __init__(self, graph) -> None:
        self.first: dict[int, int] = {}  # id(stage) -> index of its first SHELL step
        self.position: dict[int, int] = {}  # id(instruction) -> index among its stage's steps
        self.in_chain: dict[int, bool] = {}  # id(stage) -> some stage of its chain has a SHELL
        for st in graph.stages:  # a stage's bases come before it
            for k, step in enumerate(st.steps):
                self.position[id(step.instr)] = k
                if step.instr.inner is None and step.instr.keyword == "SHELL":
                    self.first.setdefault(id(st), k)
            base = st.base_stage
            self.in_chain[id(st)] = id(st) in self.first or (base is not None and self.in_chain.get(id(base), False))

    def before(self, stage, owner) -> bool:
        base = stage.base_stage
        if base is not None and self.in_chain.get(id(base), False):
            return True
        first = self.first.get(id(stage))
        return first is not None and first < self.position.get(id(owner), len(stage.steps))


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
    return ctx.memo(("json_args_cmds", id(ctx.graph)), lambda: _cmd_at_or_below(ctx.graph)).get(id(stage), False)


def _cmd_at_or_below(graph) -> dict[int, bool]:
    """id(stage) -> whether it or a stage built FROM it (directly or not) has a CMD, worked out
    once from the last stage back (a stage's bases come before it); asking every stage's chain
    for every ENTRYPOINT was cubic in a long chain."""
    out: dict[int, bool] = {}
    for st in reversed(graph.stages):
        has = out.get(id(st), False) or any(s.instr.effective.keyword == "CMD" for s in st.steps)
        out[id(st)] = has
        base = st.base_stage
        if has and base is not None and base is not st:
            out[id(base)] = True
    return out


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
