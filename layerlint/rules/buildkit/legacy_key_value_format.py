"""`ENV` or `LABEL` in the legacy `key value` form.

## What it does
Reports `ENV key value` and `LABEL key value` (a space instead of `=`) at the key (BuildKit's
`LegacyKeyValueFormat`). The fix rewrites it as `key=value`, quoting the value when it contains
blanks so that it stays one value with the same expansion. ONBUILD triggers (`ONBUILD ENV a b`)
are not reported, as BuildKit does not: its check runs on the instructions of the build, and a
trigger is only an instruction of the build that uses this image as its base.

## Why is this bad
In the legacy form everything after the first blank is the value, so `ENV A 1 B 2` sets `A` to
`1 B 2`, not two variables, and only one variable can be set per instruction. The two forms
look alike but parse differently; Docker documents the legacy form as deprecated and may
remove it.

## Example
```dockerfile
FROM alpine:3.20
ENV APP_HOME /srv/app
LABEL description A small web service
```

## Use instead
```dockerfile
FROM alpine:3.20
ENV APP_HOME=/srv/app
LABEL description="A small web service"
```
"""
from ..base import Edit, Fix, Violation
from ..buildkit_semantics import one_word

CODE = "LL412"
NAME = "legacy-key-value-format"
SEVERITY = "warning"
SUMMARY = "`ENV`/`LABEL` in the legacy `key value` form; use `key=value`"
HADOLINT = ()
BUILDKIT = ("LegacyKeyValueFormat",)
FIXABLE = True
TAGS = ("buildkit", "deprecated")


def check(ctx):
    esc = ctx.df.escape
    for instr in ctx.instructions(effective=False):  # ONBUILD triggers: not checked, as in BuildKit
        if instr.keyword not in ("ENV", "LABEL"):
            continue
        for pair in instr.pairs:
            if pair.sep != "" or pair.value is None:
                continue
            kw = instr.keyword_raw
            new = f"{pair.key}={one_word(pair.value, esc)}"
            fix = Fix(f"Write {kw} {new}", [Edit(pair.span, new)])
            yield Violation(pair.key_span, f'"{kw} key=value" should be used instead of legacy "{kw} key value" format', fix)
