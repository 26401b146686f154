"""Default global `ARG` values make an invalid `FROM` image.

## What it does
Expands each `FROM` image reference that uses variables with only the default values of the
global ARGs (as if no `--build-arg` were given, BuildKit's `InvalidDefaultArgInFrom`) and
reports it, at the image word, when the result is empty or not a valid image reference: the
typical case is `ARG TAG` without a default and `FROM busybox:${TAG}`, which becomes
`busybox:`. References without variables are left to the build itself.

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
    found = []
    allowance = Allowance(len(ctx.df.text))  # global values used by every FROM: graph.Allowance
    for stage in ctx.graph.stages:
        word = stage.base_word
        if word is None or not referenced_vars(word.text, esc):
            continue
        try:
            result, _ = expand_with_unmatched(word.text, values, esc, limit=allowance.left)
        except (ExpandError, RecursionError):
            return  # BuildKit abandons the check; the build reports the error (or the allowance is spent)
        allowance.left -= len(result)
        if not valid_image_reference(result):
            found.append(Violation(word.span, f"Default value for ARG {word.text} results in empty or invalid base image name"))
    yield from found
