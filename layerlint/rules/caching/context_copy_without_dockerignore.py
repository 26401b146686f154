"""Whole build context copied without a .dockerignore that keeps VCS data, dependencies and build output out.

## What it does
Finds `COPY . <dest>` / `ADD . <dest>` (and other sources that select the whole context)
when the build context holds `.git` (or another VCS directory), `node_modules`, a Python
virtualenv (`.venv`, `venv`, any directory with a `pyvenv.cfg`), caches or build output
(`__pycache__`, `dist`, `build`, `target`, `.tox`, `.next`...) and there is no
`.dockerignore` (nor a `<Dockerfile>.dockerignore` beside the Dockerfile), or the one there
is does not exclude them. Patterns are evaluated with Docker's exact `.dockerignore`
semantics (`**`, `!` exceptions, order). Runs only when the build context is known (a
Dockerfile linted from disk: its directory).

## Why is this bad
`COPY .` is keyed on the checksum of every file it copies. Without exclusions that includes
`.git`, whose content changes on every commit, fetch or checkout, and dependency or build
directories that change on every local install or build: the `COPY` and every step after it
miss the cache although no source file changed. The same files are also sent to the builder
on every build (slow uploads of hundreds of megabytes) and end up in the image (size, and
leaked history or local secrets).

## Example
```dockerfile
# context: .git/ node_modules/ src/ package.json, no .dockerignore
FROM node:22-slim
WORKDIR /app
COPY . .
RUN npm run build
```

## Use instead
```dockerfile
# .dockerignore:
#   .git
#   node_modules
#   dist
FROM node:22-slim
WORKDIR /app
COPY . .
RUN npm run build
```
"""
import os

from ..base import Violation
from ...buildctx.paths import cached_per_directory

CODE = "LL203"
NAME = "context-copy-without-dockerignore"
SEVERITY = "warning"
SUMMARY = "COPY . with no .dockerignore, or one that lets .git, node_modules, virtualenvs or build output in"
HADOLINT = ()
BUILDKIT = ()
TAGS = ("cache",)

VCS = (".git", ".hg", ".svn")
DEPS = ("node_modules", "bower_components", ".venv", "venv", ".virtualenv")
OUTPUTS = ("__pycache__", ".pytest_cache", ".mypy_cache", ".tox", "dist", "build", "target", ".next",
           ".nuxt", ".gradle", ".terraform", "coverage")


@cached_per_directory
def _present(context_dir):
    """The risky top-level entries of the context, grouped for the message."""
    found = []
    try:
        entries = {e.name: e for e in os.scandir(context_dir)}
    except OSError:
        return found
    for name in VCS + DEPS + OUTPUTS:
        if name in entries:
            found.append(name)
    for name, e in sorted(entries.items()):
        if name not in found and e.is_dir(follow_symlinks=False) and \
                os.path.isfile(os.path.join(e.path, "pyvenv.cfg")):
            found.append(name)  # a virtualenv under another name
    return found


def check(ctx):
    if ctx.context_dir is None or not os.path.isdir(ctx.context_dir):
        return
    model = ctx.cache_model
    ignore = ctx.dockerignore
    present = None
    for sm in model.steps:
        if sm.kind != "layer" or sm.keyword not in ("COPY", "ADD"):
            continue
        whole = [s for s in sm.context_sources if s.whole_context or s.path == "*"]
        if not whole:
            continue
        if present is None:
            present = _present(ctx.context_dir)
        instr = sm.instr.effective
        word = next((w for w in instr.words if sm.step.expand(w.text)[0] == whole[0].text), None)
        span = word.span if word is not None else instr.args_span()
        text = f"`{instr.keyword} {instr.args_text}`"
        if not present:
            continue  # nothing that busts the cache or leaks is there
        if ignore is None:
            yield Violation(span, f"{text} copies the whole build context and there is no .dockerignore (the context has "
                f"{', '.join(present)}): {_why(present)}. Add a .dockerignore that excludes {', '.join(present)}")
            continue
        leaking = [n for n in present if not ignore.is_excluded(n)]
        if leaking:
            yield Violation(span, f"{text} copies the whole build context and {os.path.basename(ignore.path or '.dockerignore')} "
                f"does not exclude {', '.join(leaking)}: {_why(leaking)}. Add "
                + ", ".join(leaking) + " to it")


def _why(names):
    parts = []
    if not names or any(n in VCS for n in names):
        parts.append("every commit changes .git and re-runs this COPY and all later steps")
    if any(n not in VCS for n in names):
        parts.append("local installs and builds change the other directories and bust the cache the same way")
    parts.append("the files also land in the image")
    return "; ".join(parts)
