"""Stage name is not lowercase.

## What it does
Reports a `FROM ... AS <name>` whose stage name has upper-case letters (BuildKit's
`StageNameCasing` check), at the name itself. The fix lowercases the name; stage references
(`FROM <name>`, `COPY --from=<name>`, `--target`) are case-insensitive, so nothing else has
to change.

## Why is this bad
BuildKit lowercases stage names when it reads them, so `AS Builder` defines a stage called
`builder`. Writing it in mixed case suggests that case matters when it does not, and the
names in build output, `--target` and the outline differ from what the file says.

## Example
```dockerfile
FROM golang:1.22 AS BuildBase
RUN go build -o /out/app .
FROM alpine:3.20
COPY --from=BuildBase /out/app /app
```

## Use instead
```dockerfile
FROM golang:1.22 AS build-base
RUN go build -o /out/app .
FROM alpine:3.20
COPY --from=build-base /out/app /app
```
"""
from ..base import Edit, Fix, Violation

CODE = "LL400"
NAME = "stage-name-casing"
SEVERITY = "style"
SUMMARY = "Stage name in `FROM ... AS <name>` should be lowercase"
HADOLINT = ()
BUILDKIT = ("StageNameCasing",)
FIXABLE = True
TAGS = ("buildkit", "style", "stages")


def check(ctx):
    for instr in ctx.instructions("FROM", effective=False):
        words = instr.words
        if len(words) != 3:  # BuildKit looks at the third argument of a three-word FROM
            continue
        name = words[2]
        if name.text == name.text.lower():
            continue
        fix = Fix(f"Rename the stage to {name.text.lower()!r}", [Edit(name.span, name.text.lower())])
        yield Violation(name.span, f"Stage name '{name.text}' should be lowercase", fix)
