"""`COPY --from` names no earlier stage and does not look like an image.

## What it does
Checks the value of every `COPY --from=` and reports it when it is
not the name or index of an earlier stage and does not look like an image reference. A
reference looks like an image when it has a tag, a digest or a path (`nginx:1.27`,
`alpine@sha256:...`, `ghcr.io/org/tool`); those are pulled by BuildKit and are fine. A bare
word such as `--from=biuld` is reported with the closest stage name, as is a stage that is
only defined later, or an index past the current stage. Names given in the `contexts`
option (named build contexts passed with `--build-context`) are accepted. A value with a
`$` is reported too: BuildKit does not expand variables in `--from`. `ONBUILD` triggers
are skipped: they resolve `--from` in another Dockerfile.

## Why is this bad
BuildKit treats an unknown bare name as an image on Docker Hub: a typo in a stage name
silently pulls `biuld:latest` (or fails with "pull access denied") instead of copying
your build output. A stage defined later, or an index past the current stage, is a build
error. Spell images with their tag to make the intent explicit.

## Example
```dockerfile
FROM golang:1.26 AS build
RUN go build -o /out/app .

FROM debian:bookworm-slim
COPY --from=biuld /out/app /usr/local/bin/app
COPY --from=nginx /etc/nginx/nginx.conf /etc/nginx/
```

## Use instead
```dockerfile
FROM golang:1.26 AS build
RUN go build -o /out/app .

FROM debian:bookworm-slim
COPY --from=build /out/app /usr/local/bin/app
COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/
```
"""

from ..base import Violation
from ..options import StrList

CODE = "LL507"
NAME = "copy-from-unknown-stage"
SEVERITY = "warning"
SUMMARY = "COPY --from names no earlier stage and is not an image reference"
HADOLINT = ("DL3022",)
BUILDKIT = ()
OPTIONS = {"contexts": StrList([], "named build contexts (--build-context NAME=...) COPY --from may name")}
TAGS = ("multi-stage",)


def looks_like_image(ref: str) -> bool:
    return any(c in ref for c in ":/@")


def check(ctx):
    graph = ctx.graph
    contexts = {str(c).lower() for c in ctx.options.get("contexts") or []}
    allowance = [HINT_BUDGET]
    for instr in ctx.instructions("COPY"):
        flag = instr.flag("from")
        if flag is None or not flag.value or instr.parent is not None:
            continue
        stage = ctx.stage_of(instr)
        ref = flag.value
        if stage is None:
            continue
        span = flag.value_span or flag.span
        if "$" in ref:
            yield Violation(span, f"COPY --from={ref}: BuildKit does not expand variables in --from (the build fails or "
                         "looks up the literal text); declare `FROM <image with ${...}> AS name` and copy from that stage")
            continue
        if ref.isdigit():
            if int(ref) > stage.index:
                yield Violation(span, f"COPY --from={ref}: there is no stage {ref} before this one "
                             f"(stages are numbered from 0; this is stage {stage.index})")
            continue
        low = ref.lower()
        named = [s.index for s in graph.stages_by_name.get(low, ())]  # a dict: 10,000 stages stay linear
        if any(i < stage.index for i in named) or low == stage.name:
            continue  # fine, or copy-from-own-stage (LL508)
        if named:
            yield Violation(span, f"COPY --from={ref} names a stage defined later in the file; "
                         "a stage can only copy from stages above it")
            continue
        if looks_like_image(ref) or low in contexts:
            continue
        close = _close_stage_name(graph, stage, low, allowance)
        hint = f"did you mean `{close}`? " if close else ""
        yield Violation(span, f"COPY --from={ref} is not an earlier stage: {hint}BuildKit will pull the image "
                     f"`{ref}:latest` instead (write the image with its tag, e.g. `{ref}:<version>`, "
                     "if that is what you mean)")


# The did-you-mean compares the name with every earlier stage name (difflib): for thousands of
# unknown --from names in a file of thousands of stages that was quadratic, so a file gets this
# many characters of names compared (real files use a few hundred; about 0.5 s of comparing);
# later findings go without.
HINT_BUDGET = 2_000_000


def _close_stage_name(graph, stage, low: str, allowance: list) -> str:
    """The earlier stage name closest to ``low`` (difflib, cutoff 0.6), "" when none is or the
    file's allowance is spent."""
    earlier = [s.name for s in graph.stages[:stage.index] if s.name is not None] \
        if stage.index * 8 <= allowance[0] else None  # (building the list costs as much as comparing)
    cost = sum(len(n) + len(low) for n in earlier) if earlier is not None else None
    if cost is None or cost > allowance[0]:
        allowance[0] = 0
        return ""
    allowance[0] -= cost
    import difflib  # only for a did-you-mean; costs 1.4 ms to import
    close = difflib.get_close_matches(low, earlier, n=1, cutoff=0.6)
    return close[0] if close else ""
