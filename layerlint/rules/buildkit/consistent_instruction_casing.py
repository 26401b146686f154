"""Instruction keyword casing differs from the rest of the file.

## What it does
Counts the instruction keywords that are all upper case and all lower case (`FROM` and every
instruction in a stage, as BuildKit's `ConsistentInstructionCasing` check does; layerlint also
counts ARGs before the first `FROM` and the instruction inside an `ONBUILD`). The majority
wins, a tie means upper case. Every keyword that is not in the majority casing is reported at
the keyword: mixed-case keywords such as `Run` always are. The fix rewrites the keyword in the
majority casing.

## Why is this bad
Keywords are case-insensitive, but a file that mixes `RUN`, `run` and `Copy` is harder to scan
and to grep, and usually means pieces were pasted from different sources without review.

## Example
```dockerfile
FROM alpine:3.20
run apk add --no-cache curl
Copy app /app
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl
COPY app /app
```
"""
from ..base import Edit, Fix, Violation

CODE = "LL403"
NAME = "consistent-instruction-casing"
SEVERITY = "style"
SUMMARY = "Instruction keyword not in the casing most of the file uses"
HADOLINT = ()
BUILDKIT = ("ConsistentInstructionCasing",)
FIXABLE = True
TAGS = ("buildkit", "style")


def _keywords(ctx):
    for instr in ctx.df.instructions:
        yield instr
        if instr.inner is not None:
            yield instr.inner


def check(ctx):
    keywords = list(_keywords(ctx))
    lower = sum(1 for i in keywords if i.keyword_raw == i.keyword_raw.lower())
    upper = sum(1 for i in keywords if i.keyword_raw == i.keyword_raw.upper() != i.keyword_raw.lower())
    majority_lower = lower > upper
    casing = "lowercase" if majority_lower else "uppercase"
    for instr in keywords:
        raw = instr.keyword_raw
        want = raw.lower() if majority_lower else raw.upper()
        if raw == want:
            continue
        fix = Fix(f"Write {want!r}", [Edit(instr.keyword_span, want)])
        yield Violation(instr.keyword_span, f"Command '{raw}' should match the case of the command majority ({casing})", fix)
