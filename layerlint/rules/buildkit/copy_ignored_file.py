"""`COPY`/`ADD` source excluded by `.dockerignore`.

## What it does
Reads the `.dockerignore` that applies to the build (`<Dockerfile>.dockerignore` next to the
Dockerfile, else `.dockerignore` in the context directory) and reports every build-context
source of a `COPY` (without `--from`) or `ADD` that it excludes, at the source word (BuildKit's
`CopyIgnoredFile`). Sources are expanded and cleaned as the builder does (`./tmp/` is `tmp`,
and `/tmp` is the same context path: BuildKit's own check misses that spelling, layerlint does
not); URLs, git sources and heredocs are not build-context files. Like `docker build --check`,
every stage is checked, not only those the target needs.

The context root (`.` or `/`) is only reported when a catch-all pattern (`*`, `**` or `**/*`)
excludes everything in it, not merely because a pattern like `.*` matches the name `.`. With `!`
(re-include) patterns, a source is reported only when it stays excluded and no `!` pattern can
bring back a file under it. Where this deliberately differs from BuildKit (v0.25, checked with
Docker 28.5's `--call=check`): BuildKit also reports `COPY . /src` under `*` with `!app`, the
allow-list idiom, which copies exactly what the user listed; and BuildKit matches a source as
written (`./tmp/x` against `*/tmp/*` is reported, `./a/tmp/x` is not), layerlint the cleaned
path the build really excludes. Sources whose variables are unknown here are skipped; ONBUILD triggers are skipped (they
copy from another build's context).

## Why is this bad
Excluded files are never sent to the builder. The `COPY` either fails ("not found") or, for a
directory or wildcard, silently copies less than it seems to, so the image misses files that
the Dockerfile appears to add.

## Example
```dockerfile
# .dockerignore contains: config/local.env
FROM alpine:3.20
COPY config/local.env /etc/app/env
```

## Use instead
```dockerfile
# pass the value at run time, or stop excluding the file
FROM alpine:3.20
COPY config/defaults.env /etc/app/env
```
"""
from ..base import Violation
from ...buildctx.dockerignore import go_clean

CODE = "LL417"
NAME = "copy-ignored-file"
SEVERITY = "error"
SUMMARY = "`COPY`/`ADD` source is excluded by `.dockerignore`"
HADOLINT = ()
BUILDKIT = ("CopyIgnoredFile",)
TAGS = ("buildkit", "context")

CATCH_ALL = ("*", "**", "**/*")
_REMOTE = ("http://", "https://", "git@", "git://", "ssh://")


def _sources(instr):
    heredoc_words = {(h.word.span.line, h.word.span.column) for h in instr.heredocs}
    if instr.exec_form is not None:
        span = instr.span_of(instr.args_offset, instr.args_offset + len(instr.args_text))
        return [(s, span) for s in instr.exec_form[:-1]]
    words = [w for w in instr.words if (w.span.line, w.span.column) not in heredoc_words]
    if len(words) + len(instr.heredocs) < 2:
        return []
    if words and instr.words and words[-1] is instr.words[-1]:
        words = words[:-1]  # the destination
    return [(w.text, w.span) for w in words]


def _may_come_back(src: str, exceptions: list[str]) -> bool:
    """Whether a `!` pattern can re-include a file at or under ``src``: one that names a path
    below it, or one whose wildcards could match there."""
    src = src.lstrip("/")
    for text in exceptions:
        t = text.lstrip("/")
        if any(c in t for c in "*?[\\") or t == src or t.startswith(src + "/") or src.startswith(t + "/"):
            return True
    return False


def check(ctx):
    ignore = ctx.dockerignore
    if ignore is None or not ignore.patterns:
        return
    exceptions = [p.text for p in ignore.patterns if p.exclusion]
    catch_all = next((p for p in ignore.patterns if p.text in CATCH_ALL), None)
    for stage in ctx.graph.stages:
        for step in stage.steps:
            instr = step.instr
            if instr.inner is not None or instr.keyword not in ("COPY", "ADD"):
                continue
            if instr.keyword == "COPY" and instr.flag("from") is not None:
                continue
            verb = "Copy" if instr.keyword == "COPY" else "Add"
            for raw, span in _sources(instr):
                src, unknown = step.expand(raw)
                if unknown or not src or src.startswith(_REMOTE) or "://" in src:
                    continue
                src = go_clean(src)
                if exceptions and (src in (".", "/") or _may_come_back(src, exceptions)):
                    continue  # a `!` pattern may re-include files under it: COPY copies those
                if src in (".", "/"):
                    pattern = catch_all
                elif ignore.is_excluded(src):
                    pattern = ignore.matching_pattern(src)
                else:
                    continue
                if pattern is None:
                    continue
                where = f" (pattern '{pattern.raw or pattern.text}', line {pattern.line})" if pattern.line else ""
                yield Violation(span, f'Attempting to {verb} file "{src}" that is excluded by .dockerignore{where}')
