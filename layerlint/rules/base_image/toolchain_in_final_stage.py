"""Build toolchain image used as the final stage of a build.

## What it does
Reports a final stage (the target) whose base is a build toolchain image (`golang`,
`rust`, `gcc`, `maven`, `gradle`, a JDK of `eclipse-temurin`/`openjdk`,
`buildpack-deps`, or a full `node` image) and which compiles or packages something
(`go build`, `cargo build`, `mvn package`, `gradle build`, `make`, `gcc`,
`npm run build`, ...). The build output could be copied into a small runtime stage.

## Why is this bad
The compiler, SDK, headers and package caches are needed to build, not to run. Shipping
them makes the image several hundred MB larger (a `golang` image is about 300 MB
compressed, a static Go binary on `scratch` or distroless a few MB), slower to pull, and
exposes far more software to vulnerabilities.

## Example
```dockerfile
FROM golang:1.26
WORKDIR /src
COPY . .
RUN go build -o /app .
CMD ["/app"]
```

## Use instead
```dockerfile
FROM golang:1.26 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /app .

FROM gcr.io/distroless/static-debian12
COPY --from=build /app /app
CMD ["/app"]
```
"""
from ..base import Violation
from ...shell.packages import is_compile
from ...images import is_slim, parse_image

CODE = "LL103"
NAME = "toolchain-in-final-stage"
SEVERITY = "info"
SUMMARY = "Final stage is built on a compiler/SDK image; copy the output into a runtime stage"
HADOLINT = ()
BUILDKIT = ()
TAGS = ("size", "multi-stage")

TOOLCHAINS = {
    "golang": "gcr.io/distroless/static-debian12 or alpine",
    "rust": "debian:bookworm-slim or gcr.io/distroless/cc-debian12",
    "gcc": "debian:bookworm-slim",
    "maven": "eclipse-temurin:21-jre",
    "gradle": "eclipse-temurin:21-jre",
    "eclipse-temurin": "eclipse-temurin:<version>-jre",
    "openjdk": "eclipse-temurin:<version>-jre",
    "buildpack-deps": "debian:bookworm-slim",
    "node": "node:<version>-slim (or nginx for static assets)",
}


def check(ctx):
    final = ctx.graph.target
    if final is None:
        return
    root = final.root
    if root.base_word is None:
        return
    ref = parse_image(root.base)
    if not ref.official or ref.name not in TOOLCHAINS:
        return
    tag = ref.tag or "latest"
    if ref.name == "node" and is_slim(tag):
        return
    if ref.name in ("eclipse-temurin", "openjdk") and ("jre" in tag.split("-")):
        return
    chain = []
    s = final
    while s is not None and s not in chain:
        chain.append(s)
        s = s.base_stage
    for stage in chain:
        for step in stage.steps:
            instr = step.instr.effective
            if instr.keyword != "RUN" or step.instr.inner is not None:
                continue
            for script, cmd in ctx.commands(instr):
                if is_compile(cmd):
                    yield Violation(root.base_word.span, f"The final stage runs on {root.base}, a build toolchain image, and builds here "
                        f"(`{script.text[cmd.start:cmd.end].strip()[:60]}`, line {script.word_span(cmd.words[0]).line}); "
                        f"build in a separate stage and copy the output into a runtime image such as {TOOLCHAINS[ref.name]}")
                    return
