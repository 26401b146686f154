"""Comment above a stage or `ARG` is not a description of it.

## What it does
Experimental in BuildKit (`InvalidDefinitionDescription`), so off unless selected. For a
`FROM ... AS <name>` and for an `ARG` (global or in a stage), looks at the comment line right
above it: `docker build --call=outline` and `--call=targets` use such a comment as the
description when it starts with the stage or argument name (`# build compiles the app`). When
the comment starts with another word, it is reported at the stage name or the `ARG` key. Only
a comment block that touches the instruction counts: a blank line or an empty `#` line in
between detaches it, as Docker's documentation describes.

## Why is this bad
A comment that sits right above a stage or `ARG` without naming it gives the outline and
targets listings no description (or reads like a broken one), and readers cannot tell whether
it was meant as documentation. Either start it with the name or separate it.

## Example
```dockerfile
# compile the binary
FROM golang:1.22 AS build
# the version to stamp
ARG VERSION=dev
```

## Use instead
```dockerfile
# build compiles the binary
FROM golang:1.22 AS build
# VERSION is the version to stamp
ARG VERSION=dev
```
"""
from ..base import Violation

CODE = "LL420"
NAME = "invalid-definition-description"
SEVERITY = "style"
SUMMARY = "Comment right above a stage or `ARG` does not start with its name"
HADOLINT = ()
BUILDKIT = ("InvalidDefinitionDescription",)
ENABLED_BY_DEFAULT = False
TAGS = ("buildkit", "experimental", "documentation")


def _last_comment(instr):
    if not instr.comments:
        return None
    c = instr.comments[-1]
    if c.line != instr.start_line - 1:
        return None  # separated by a blank line
    return c


def check(ctx):
    for instr in ctx.df.instructions:
        if instr.keyword == "FROM" and len(instr.words) == 3 and instr.words[1].text.lower() == "as":
            keys, anchor, what = [instr.words[2].text.lower()], instr.words[2].span, "FROM"
        elif instr.keyword == "ARG" and instr.pairs:
            keys, anchor, what = [p.key for p in instr.pairs], instr.pairs[0].key_span, "ARG"
        else:
            continue
        c = _last_comment(instr)
        if c is None or c.text.split(" ")[0] in keys:
            continue
        example = keys[0] if len(keys) == 1 else "<arg_key>"
        yield Violation(anchor, f"Comment for {what} should follow the format: `# {example} <description>`")
