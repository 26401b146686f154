"""Build toolchain image used as the final stage of a build.

## What it does
Reports a final stage (the target) whose base is a build toolchain image (`golang`,
`rust`, `gcc`, `maven`, `gradle`, a JDK of `eclipse-temurin`/`openjdk`,
`buildpack-deps`, or a full `node` image) and which compiles or packages something
(`go build`, `cargo build`, `mvn package`, `gradle build`, `make`, `gcc`,
`npm run build`, ...). The build output could be copied into a small runtime stage.

Only an image that runs a service is reported: the final stage (or a stage it is built
`FROM`) has a `CMD` or `ENTRYPOINT` that starts a program, not a shell, a REPL or a build
tool (`bash`, `python3` alone, `ghci`, `lein repl`, `gradle`, `go run`, `dotnet watch`,
`npm run dev`...), and neither the file's name and its directories nor a stage of the final
image's chain say development, CI or tests (`Dockerfile.dev`, `.devcontainer/`, `ci/`,
`tests/`, `FROM ... AS debug`, a `build.sh` command), and it has no `ONBUILD` triggers. An
SDK image (the official `python`, `golang`, `openjdk` images build their language on
`buildpack-deps`), a development container or a CI runner is built on a toolchain on
purpose, and an image without a command of its own is a base for other images.
Version checks (`javac --version`) are not builds, and only a build after the project's
own files are copied in from the build context counts: the official `tomcat` and `unit`
images compile a downloaded module on their JDK / Go base, the language the image is for.

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
from ..final_image import TOOLCHAIN_IMAGES, builds_children, dev_name, final_command, toolchain_image
from ...shell.packages import is_compile
from ...images import parse_image

CODE = "LL103"
NAME = "toolchain-in-final-stage"
SEVERITY = "info"
SUMMARY = "Final stage is built on a compiler/SDK image; copy the output into a runtime stage"
HADOLINT = ()
BUILDKIT = ()
TAGS = ("size", "multi-stage")

TOOLCHAINS = TOOLCHAIN_IMAGES  # the suggested runtime image for each toolchain image


def check(ctx):
    final = ctx.graph.target
    if final is None:
        return
    root = final.root
    if root.base_word is None:
        return
    ref = parse_image(root.base)
    if not toolchain_image(ref):
        return
    command = final_command(ctx)
    if command is None or not command.service or dev_name(ctx) is not None or builds_children(ctx):
        return  # an SDK, development, CI or base image: the toolchain is what it is for
    sources = False  # the project's own files have been copied in from the build context
    for stage in final.chain():
        for step in stage.steps:
            instr = step.instr.effective
            if step.instr.inner is not None:
                continue
            if instr.keyword in ("COPY", "ADD") and instr.flag("from") is None and _from_context(instr):
                sources = True
            if instr.keyword != "RUN" or not sources:
                continue  # a download built before (tomcat-native, unit's modules) packages the image itself
            for script, cmd in ctx.commands(instr):
                if is_compile(cmd) and not _version_probe(cmd):
                    yield Violation(root.base_word.span, f"The final stage runs on {root.base}, a build toolchain image, and builds here "
                        f"(`{script.text[cmd.start:cmd.end].strip()[:60]}`, line {script.word_span(cmd.words[0]).line}) "
                        f"to run `{command.program}` (line {command.instr.start_line}); build in a separate stage and "
                        f"copy the output into a runtime image such as {TOOLCHAINS[ref.name]}")
                    return


def _from_context(instr) -> bool:
    """A COPY / ADD whose sources are build-context files (not URLs, not heredocs)."""
    words = instr.exec_form[:-1] if instr.exec_form is not None else [w.text for w in instr.words[:-1]]
    return any("://" not in w and not w.startswith("<<") and not w.startswith("git@") for w in words)


def _version_probe(cmd) -> bool:
    """`javac --version`, `rustc --version`: the official images check their toolchain, they
    build nothing."""
    args = [w.value for w in cmd.words[1:]]
    return bool(args) and all(a in ("--version", "-version", "-v", "-V", "--help") for a in args)
