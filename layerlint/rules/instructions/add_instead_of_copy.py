"""`ADD` used to copy local files or directories: use `COPY`.

## What it does
Reports an `ADD` (also as an `ONBUILD` trigger) whose sources include a local file or
directory of the build context, or a heredoc: something `COPY` does just as well. Sources
are checked after expanding `ARG`/`ENV` values, so `ADD ${URL} /x` with
`ARG URL=https://...` is not reported. An `ADD` is fine when all its sources are URLs,
git repositories (`https://...git#ref`, `git@...`) or local tar archives (which `ADD`
extracts on purpose). The finding points at the first local source; when every source is
local the fix rewrites the keyword to `COPY`.

## Why is this bad
`ADD` has extra behaviour that `COPY` does not: it downloads URLs and silently extracts
local tar archives. Using it for plain files hides that intent, and a file that later
happens to be a tarball gets unpacked instead of copied. `COPY` says exactly what happens
and is what the Docker documentation recommends for local files.

## Example
```dockerfile
FROM alpine:3.20
ADD config.yaml /etc/app/
ADD ./src /app/src
```

## Use instead
```dockerfile
FROM alpine:3.20
COPY config.yaml /etc/app/
COPY ./src /app/src
```
"""
import re

from ..base import Edit, Fix, Violation
from ..instruction_args import copy_args, expand

CODE = "LL504"
NAME = "add-instead-of-copy"
SEVERITY = "warning"
SUMMARY = "ADD of local files or directories; use COPY"
HADOLINT = ("DL3020",)
BUILDKIT = ()
FIXABLE = True
TAGS = ("copy-add",)

_REMOTE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://|git@)")
ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tar.xz", ".txz",
                    ".tar.zst", ".tzst", ".tar.z", ".gz", ".bz2", ".xz", ".zst")
ADD_ONLY_FLAGS = ("checksum", "keep-git-dir", "unpack")


def is_remote(src: str) -> bool:
    return bool(_REMOTE.match(src))


def is_archive(src: str) -> bool:
    return src.lower().rstrip("/").endswith(ARCHIVE_SUFFIXES)


def check(ctx):
    for instr in ctx.instructions("ADD"):
        parts = copy_args(instr)
        if parts is None or instr.flag("from") is not None:
            continue
        sources, _dest = parts
        local = []
        all_local = True
        for arg in sources:
            if arg.heredoc:
                local.append(arg)
                continue
            value = expand(ctx, instr, arg.text)
            if value is None or is_remote(value) or is_archive(value):
                all_local = False
                continue
            local.append(arg)
        if not local:
            continue
        fix = None
        if all_local and not any(f.name in ADD_ONLY_FLAGS for f in instr.flags):
            word = "copy" if instr.keyword_raw.islower() else "COPY"
            # unsafe: ADD extracts a local tar archive whatever its name, and a variable source
            # may name one (or a URL) at build time; COPY copies it as it is
            fix = Fix("Replace ADD with COPY", [Edit(instr.keyword_span, word)], safe=False)
        first = local[0]
        what = "a heredoc" if first.heredoc else f"local path `{first.text}`"
        extra = "" if all_local else " (put the URLs and archives in their own ADD)"
        yield Violation(first.span, f"ADD of {what}: use COPY for files and directories{extra}", fix)
