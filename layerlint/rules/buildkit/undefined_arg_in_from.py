"""`FROM` uses a variable that is not a global `ARG`.

## What it does
For every `FROM`, looks at the variables in the image reference and in `--platform`, and
reports each one that is neither declared by an `ARG` before the first `FROM` nor one of the
ARGs BuildKit predefines for `FROM` lines (`BUILDPLATFORM`, `TARGETPLATFORM`, `TARGETOS`,
`TARGETARCH`, `TARGETVARIANT`, ... and `TARGETSTAGE`), at the variable reference itself
(BuildKit's `UndefinedArgInFrom`). Like BuildKit it suggests a declared name within two edits
("did you mean").

## Why is this bad
`FROM` lines only see global ARGs. An undeclared variable expands to an empty string, so
`FROM node:${NODE_VERSON}` silently becomes `FROM node:` (a build error) or, worse,
`FROM ${REGISTRY}/app` becomes `FROM /app`. ARGs declared inside a stage are not visible to
later `FROM` lines either.

## Example
```dockerfile
ARG NODE_VERSION=22
FROM node:${NODE_VERSON}-slim
```

## Use instead
```dockerfile
ARG NODE_VERSION=22
FROM node:${NODE_VERSION}-slim
```
"""
from ..base import Violation
from ..context import referenced_vars
from ...graph import Allowance, Scope, expand
from ..buildkit_semantics import PREDEFINED_ARGS, Suggester, flag_value_offset, global_env, sub_span

CODE = "LL408"
NAME = "undefined-arg-in-from"
SEVERITY = "warning"
SUMMARY = "`FROM` uses a variable that is not declared by a global `ARG`"
HADOLINT = ()
BUILDKIT = ("UndefinedArgInFrom",)
TAGS = ("buildkit", "arguments")


def _report(ctx, instr, text, span, base, values, known, options, suggester, allowance):
    esc = ctx.df.escape
    _, unmatched = expand(text, values, esc, allowance)
    done = set()
    for name, s, e in referenced_vars(text, esc):
        if name not in unmatched or name in known or name in done:
            continue
        done.add(name)
        msg = f"FROM argument '{name}' is not declared"
        hint = suggester.suggest(name, options)
        if hint:
            msg += f" (did you mean {hint}?)"
        yield Violation(sub_span(instr, span, base + s, base + e), msg)


def check(ctx):
    values, declared = global_env(ctx)
    known = set(declared) | PREDEFINED_ARGS
    # a Scope keeps the order and answers `in` and `order_key`, for the Suggester's index
    names = declared + sorted(PREDEFINED_ARGS)
    options = Scope((n, None) for n in names)
    suggester = Suggester(names)
    allowance = Allowance(len(ctx.df.text))  # global values used by every FROM: graph.Allowance
    for stage in ctx.graph.stages:
        instr = stage.from_instr
        if stage.base_word is not None:
            yield from _report(ctx, instr, stage.base_word.text, stage.base_word.span, 0, values, known, options, suggester, allowance)
        plat = instr.flag("platform")
        if plat is not None and plat.value is not None:
            off = flag_value_offset(plat)
            yield from _report(ctx, instr, plat.raw[off:], plat.span, off, values, known, options, suggester, allowance)
