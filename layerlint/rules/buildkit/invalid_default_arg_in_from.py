"""Default global `ARG` values make an invalid `FROM` image.

## What it does
Expands each `FROM` image reference with only the default values of the global ARGs (as if no
`--build-arg` were given, BuildKit's `InvalidDefaultArgInFrom`) and reports it, at the image
word, when the result is empty or not a valid image reference: the typical case is `ARG TAG`
without a default and `FROM busybox:${TAG}`, which becomes `busybox:`. As in BuildKit, a
reference without variables is checked too (`FROM DIST:SUITE`, or `FROM Builder` for a stage
named `builder`: stage names are lower-case, and BuildKit cannot parse the upper-case one).

BuildKit runs this check over every `FROM` in order before the build starts, so its warnings
come before the build error that stops it; a variable whose expansion is an error
(`${TAG:?required}` without a default) ends the check at that `FROM`, the ones before it
still reported.

## Why is this bad
The file only builds when every caller remembers the right `--build-arg`. A plain
`docker build .`, an IDE, a CI job or Dependabot then fails with an obscure "invalid reference
format". A working default documents the expected value and keeps the file buildable.

## Example
```dockerfile
ARG TAG
FROM busybox:${TAG}
```

## Use instead
```dockerfile
ARG TAG=1.36
FROM busybox:${TAG}
```
"""
from ..base import Violation
from ...graph import Allowance
from ..context import ExpandError, expand_with_unmatched, referenced_vars
from ...images import valid_image_reference
from ..buildkit_semantics import global_env

CODE = "LL415"
NAME = "invalid-default-arg-in-from"
SEVERITY = "warning"
SUMMARY = "With default ARG values the `FROM` image reference is empty or invalid"
HADOLINT = ()
BUILDKIT = ("InvalidDefaultArgInFrom",)
TAGS = ("buildkit", "arguments")


def check(ctx):
    esc = ctx.df.escape
    values, _ = global_env(ctx, defaults_only=True)
    allowance = Allowance(len(ctx.df.text))  # global values used by every FROM: graph.Allowance
    stage_names = {st.name for st in ctx.graph.stages if st.name}
    for stage in ctx.graph.stages:
        word = stage.base_word
        if word is None:
            continue
        try:
            result, _ = expand_with_unmatched(word.text, values, esc, limit=allowance.left)
        except (ExpandError, RecursionError):
            # BuildKit abandons the check here, the FROMs before already reported; the build
            # reports the error (or the allowance is spent)
            return
        allowance.left -= len(result)
        if valid_image_reference(result):
            continue
        if referenced_vars(word.text, esc):
            yield Violation(word.span, f"Default value for ARG {word.text} results in empty or invalid base image name")
        else:  # quotes removed, as BuildKit's shell lexer does ("gcr.io/x" is gcr.io/x)
            hint = f" (stage names are lower-case: FROM {result.lower()})" if result.lower() in stage_names else ""
            yield Violation(word.span, f"Base image name {word.text} is not a valid image reference{hint}")
