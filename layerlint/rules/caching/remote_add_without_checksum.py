"""Remote `ADD <url>` without `--checksum`: re-checked every build and never verified.

## What it does
Finds an `ADD` whose source is an `http://` or `https://` URL (not a git repository) and
that has no `--checksum=sha256:...` flag. The finding points at the URL.

## Why is this bad
BuildKit cannot know what a URL will return, so it asks the server again on every build
and keys the step on the answer (content digest and `Last-Modified`): when the file behind
the URL changes, the `ADD` and everything after it re-run, and what you get is whatever the
server sends that day, unverified (a compromised or moved download goes straight into the
image). With `--checksum` the expected content is part of the Dockerfile: the cache key is
known in advance and a different download fails the build instead of being used.

## Example
```dockerfile
FROM debian:12-slim
ADD https://example.com/releases/tool-1.2.3-linux-amd64 /usr/local/bin/tool
```

## Use instead
```dockerfile
# syntax=docker/dockerfile:1
FROM debian:12-slim
# the digest published with the release (`sha256sum tool-1.2.3-linux-amd64`)
ADD --checksum=sha256:<sha256 of tool-1.2.3-linux-amd64> \
    https://example.com/releases/tool-1.2.3-linux-amd64 /usr/local/bin/tool
```
"""
from ..base import Violation

CODE = "LL205"
NAME = "remote-add-without-checksum"
SEVERITY = "warning"
SUMMARY = "ADD of a URL without --checksum: re-downloaded and unverified on every build"
HADOLINT = ()
BUILDKIT = ()
TAGS = ("cache", "security")


def check(ctx):
    model = ctx.cache_model
    for sm in model.steps:
        if sm.kind != "layer" or sm.keyword != "ADD":
            continue
        instr = sm.instr.effective
        if instr.flag("checksum") is not None:
            continue
        for src in sm.sources:
            if src.kind != "url":
                continue
            word = next((w for w in instr.words if sm.step.expand(w.text)[0] == src.text), None)
            span = word.span if word is not None else instr.args_span()
            yield Violation(span, f"`ADD {src.text}` has no --checksum: the builder re-checks the URL on every build "
                f"(new content re-runs this step and all after it) and uses whatever it gets, unverified. "
                f"Pin it: `ADD --checksum=sha256:<digest> {src.text} ...` (Dockerfile syntax 1.6+), or "
                f"download in a RUN and check the hash")
