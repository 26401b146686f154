"""The `AS` keyword's casing does not match `FROM`.

## What it does
Reports `FROM image as name` where `FROM` is all upper case but `as` is not (or `from` is all
lower case but `AS` is not), at the `AS` word (BuildKit's `FromAsCasing` check). A `FROM`
keyword in mixed case is left to `consistent-instruction-casing`. The fix rewrites `AS` in
the casing of `FROM`.

## Why is this bad
`AS` is part of the `FROM` instruction's syntax. Mixing `FROM ... as` or `from ... AS` makes
the line read as if `as` were an argument, and it is the kind of inconsistency that makes a
Dockerfile harder to scan.

## Example
```dockerfile
FROM debian:12-slim as builder
from alpine:3.20 AS runtime
```

## Use instead
```dockerfile
FROM debian:12-slim AS builder
from alpine:3.20 as runtime
```
"""
from ..base import Edit, Fix, Violation

CODE = "LL401"
NAME = "from-as-casing"
SEVERITY = "style"
SUMMARY = "`AS` in `FROM ... AS name` should use the same casing as `FROM`"
HADOLINT = ()
BUILDKIT = ("FromAsCasing",)
FIXABLE = True
TAGS = ("buildkit", "style", "stages")


def check(ctx):
    for instr in ctx.instructions("FROM", effective=False):
        if len(instr.words) < 3:
            continue
        kw = instr.keyword_raw
        as_word = instr.words[1]
        if kw == kw.lower():
            want = as_word.text.lower()
        elif kw == kw.upper():
            want = as_word.text.upper()
        else:
            continue  # mixed-case FROM: reported by consistent-instruction-casing
        if as_word.text == want:
            continue
        fix = Fix(f"Write {want!r} to match {kw!r}", [Edit(as_word.span, want)])
        yield Violation(as_word.span, f"'{as_word.text}' and '{kw}' keywords' casing do not match", fix)
