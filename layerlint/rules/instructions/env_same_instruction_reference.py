"""`ENV` uses a variable that the same `ENV` instruction sets.

## What it does
Reports a reference `$NAME` / `${NAME}` in the value of an `ENV` pair when another pair of
the same `ENV` instruction sets `NAME` (before or after it), unless the value `NAME` had
before the instruction is the same as the new one (also `NAME=$NAME`). A pair that refers
to itself (`ENV PATH=/opt/bin:$PATH`) is fine, and so are references in single quotes. The finding
points at the reference.

hadolint's DL3044 stays quiet when `NAME` was already set earlier in the stage; this rule
reports that case too when the old and new values differ, because the result is the same
surprise.

## Why is this bad
The builder expands every value of an `ENV` instruction with the environment as it was
before the instruction. In `ENV APP_HOME=/app APP_BIN=$APP_HOME/bin`, `APP_BIN` becomes
`/bin` (or the base image's old value), not `/app/bin`. Split the instruction, or write the
value out.

## Example
```dockerfile
FROM python:3.12-slim
ENV APP_HOME=/app APP_BIN=$APP_HOME/bin
```

## Use instead
```dockerfile
FROM python:3.12-slim
ENV APP_HOME=/app
ENV APP_BIN=$APP_HOME/bin
```
"""
from ..base import Violation
from ..context import referenced_vars

CODE = "LL513"
NAME = "env-same-instruction-reference"
SEVERITY = "warning"
SUMMARY = "ENV value refers to a variable set by the same ENV instruction (it sees the old value)"
HADOLINT = ("DL3044",)
BUILDKIT = ()
TAGS = ("instruction", "variables")


def check(ctx):
    esc = ctx.df.escape
    for instr in ctx.instructions("ENV"):
        pairs = [p for p in instr.pairs if p.value is not None]
        if len(pairs) < 2:
            continue
        step = ctx.step(instr) if instr.parent is None else None
        before = step.state.vars if step is not None else {}
        # the last pair setting each name; "the other pairs" of a pair are these minus its own
        # name (one map per ENV: a map per pair was quadratic in an ENV of thousands of pairs)
        setters = {p.key: p for p in pairs}
        for pair in pairs:
            if len(setters) < 2 or pair.value_span is None:
                continue
            refs = [r for r in referenced_vars(pair.value, esc) if r[0] != pair.key and r[0] in setters]
            if not refs:
                continue
            base = instr.offset_of(pair.value_span)
            for name, start, end in refs:
                setter = setters[name]
                if setter.value.strip("\"'") in (f"${name}", f"${{{name}}}"):
                    continue  # `A=$A`: the new value is the old one
                new = step.expand(setter.value)[0] if step is not None else setter.value
                old = before.get(name)
                if old is not None and old == new:
                    continue
                span = instr.span_of(base + start, base + end) if base is not None else pair.value_span
                yield Violation(span, f"{pair.key} refers to ${name}, which this same ENV sets to {setter.value}: the "
                             f"builder expands it with the value {name} had before this instruction, not that one; "
                             f"set {name} in an earlier ENV")
