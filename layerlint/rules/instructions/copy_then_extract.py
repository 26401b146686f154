"""A tar archive is copied into the image and then extracted by a later `RUN`.

## What it does
Finds a `COPY` of a local tar archive (`.tar`, `.tar.gz`, `.tgz`, `.tar.bz2`, `.tar.xz`,
`.tar.zst` ...) from the build context, followed in the same stage (or a stage built on
it) by a `RUN` that extracts that file (`tar -xzf`, `tar xf`, `tar --extract`, `gunzip`,
`bunzip2`, `unxz`, `unzstd`, matched by file name). The finding points at the copied source
and names the line that extracts it. Zip files are not reported: `ADD` does not extract
them.

## Why is this bad
The `COPY` puts the whole archive into a layer of its own, and the extraction adds the
unpacked files in another: the image carries the archive forever, even when a later step
deletes it. `ADD` extracts a local tar archive in a single layer without keeping the
archive; a `RUN --mount=type=bind` extraction does the same while keeping `tar` options
under your control.

## Example
```dockerfile
FROM debian:bookworm-slim
COPY vendor.tar.gz /tmp/
RUN tar -xzf /tmp/vendor.tar.gz -C /opt && rm /tmp/vendor.tar.gz
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
ADD vendor.tar.gz /opt/
```
"""
import posixpath

from ..base import Violation
from ..instruction_args import copy_args, expand

CODE = "LL505"
NAME = "copy-then-extract"
SEVERITY = "info"
SUMMARY = "Tar archive COPY'd and extracted in a later RUN: the archive stays in a layer; use ADD"
HADOLINT = ("DL3010",)
BUILDKIT = ()
TAGS = ("size", "copy-add")

TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tar.xz", ".txz",
                ".tar.zst", ".tzst")
DECOMPRESSORS = ("gunzip", "bunzip2", "unxz", "unzstd", "zcat", "bzcat", "xzcat")


def _extracts(cmd) -> bool:
    argv = cmd.argv
    if not argv:
        return False
    prog = posixpath.basename(argv[0])
    if prog in DECOMPRESSORS:
        return True
    if prog in ("xz", "zstd", "gzip", "bzip2"):
        return any(a in ("-d", "--decompress") for a in argv[1:])
    if prog not in ("tar", "bsdtar", "gtar"):
        return False
    args = argv[1:]
    if args and not args[0].startswith("-") and args[0].isalpha() and "x" in args[0]:
        return True  # old-style bundle: `tar xzf file`
    return any(a in ("--extract", "--get") or (a.startswith("-") and not a.startswith("--") and "x" in a)
               for a in args)


def check(ctx):
    # the archives each stage ends with, so a stage starts from its base's (stages only build on
    # earlier ones); walking every stage's whole FROM chain was quadratic in the chain's length
    after: dict[int, dict] = {}
    for stage in ctx.graph.stages:
        base = stage.base_stage
        archives = dict(after.get(id(base), {})) if base is not None else {}  # basename -> COPY source
        after[id(stage)] = archives
        for step in stage.steps:
            instr = step.instr
            if instr.inner is not None:
                continue
            if instr.keyword == "COPY" and instr.flag("from") is None:
                parts = copy_args(instr)
                if parts is None:
                    continue
                sources, dest = parts
                dest_v = expand(ctx, instr, dest.text) or ""
                for src in sources:
                    value = expand(ctx, instr, src.text)
                    if src.heredoc or value is None or not value.lower().endswith(TAR_SUFFIXES):
                        continue
                    into_dir = dest_v.endswith("/") or len(sources) > 1 or dest_v in ("", ".")
                    name = posixpath.basename(value) if into_dir else posixpath.basename(dest_v)
                    archives[name] = src
            elif instr.keyword == "RUN" and archives:
                for script, cmd in ctx.commands(instr):
                    if not _extracts(cmd):
                        continue
                    for w in cmd.words[1:]:
                        src = archives.get(posixpath.basename(w.value))
                        if src is None:
                            continue
                        line = script.word_span(cmd.words[0]).line
                        yield Violation(src.span, f"{posixpath.basename(w.value)} is copied into its own layer here and "
                                         f"extracted on line {line}: the archive stays in the image; "
                                         "use `ADD` (it extracts local tar archives in one layer) or extract "
                                         "through `RUN --mount=type=bind`")
                        archives = {k: v for k, v in archives.items() if v is not src}
                        break
