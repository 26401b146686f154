"""Full-size base image where a slim, alpine or minimal variant of the same version exists.

## What it does
Looks up the final image's base in a table of Docker Official Image sizes (compressed
download sizes from docker-library/repo-info, June to September 2026, shipped in
`layerlint/data/image_sizes.tsv`) and reports a full variant when a smaller variant of the
same version exists, with the estimated saving. Only stages the target needs are checked,
and build stages whose output is copied elsewhere are left alone (see LL103 for toolchains
in the final stage). When the exact tag is not in the table, the saving is estimated from
the image's `latest` tag and flagged as an estimate. Alpine is not assumed to be the
smallest: the numbers decide.

Options: `min-saving-mb` (default 50): report only savings at least this large;
`platform` (default `linux/amd64`) when `FROM --platform` does not say.

## Why is this bad
Every user, CI runner and node pulls the whole base image. A full `python:3.12` is about
410 MB compressed against 43 MB for `python:3.12-slim`: minutes of pull time, more disk,
and hundreds of extra packages with their own vulnerabilities, none of which your
application uses.

## Example
```dockerfile
FROM python:3.12
COPY app.py .
CMD ["python", "app.py"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
COPY app.py .
CMD ["python", "app.py"]
```
"""
from ..base import Violation
from ..options import Float, Str
from ...images import is_slim, known_image, parse_image, smaller_variants

CODE = "LL102"
NAME = "oversized-base-image"
SEVERITY = "info"
SUMMARY = "Full-size base image where a much smaller variant of the same version exists"
HADOLINT = ()
BUILDKIT = ()
OPTIONS = {
    "min-saving-mb": Float(50, "report only a smaller variant that saves at least this many MB", min=0),
    "platform": Str("linux/amd64", "platform whose image sizes are compared when FROM --platform does not say"),
}
TAGS = ("size", "base-image")


def check(ctx):
    min_saving = float(ctx.options.get("min-saving-mb", 50)) * 1_000_000
    copied_from = {id(e.stage) for s in ctx.graph.stages for e in s.edges
                   if e.kind in ("copy", "mount") and e.stage is not None}
    for stage in ctx.graph.stages:
        if stage.base_stage is not None or stage.base_word is None or not stage.needed:
            continue
        if id(stage) in copied_from:
            continue  # a build stage: only what is copied out of it ships
        ref = parse_image(stage.base)
        if not ref.official or "$" in stage.base or ref.digest:
            continue
        tag = ref.tag or "latest"
        if is_slim(tag) or not known_image(ref.name):
            continue
        platform = stage.platform if stage.platform and "$" not in stage.platform \
            else ctx.options.get("platform", "linux/amd64")
        options = [s for s in smaller_variants(ref.name, tag, platform) if s.saving >= min_saving]
        if not options:
            continue
        alts = " or ".join(f"{ref.name}:{s.tag} (about {s.saving / 1e6:.0f} MB smaller)" for s in options[:2])
        note = ""
        if options[0].estimated_from:
            full, slim = options[0].estimated_from
            note = f" (estimated from {ref.name}:{full} vs {ref.name}:{slim}; {ref.name}:{tag} is not in the size table)"
        yield Violation(stage.base_word.span, f"{ref.name}:{tag} is a full-size image; use {alts}{note}")
