"""Whole build context copied before a dependency install that only needs the manifests.

## What it does
Finds a `COPY`/`ADD` that brings in the whole build context (`COPY . .`, `COPY . /app`,
`COPY * ./`) or a directory, followed in the same stage by a `RUN` that installs
dependencies from a manifest inside that copy (`pip install -r requirements.txt`,
`poetry install`, `pipenv install`, `uv sync`, `npm ci`, `yarn`, `pnpm install`,
`go mod download`, `bundle install`, `composer install`, `cargo build`, `mvn`, `gradle`),
when the manifest was not copied on its own first. The finding points at the broad source
and names the edit that re-runs the install.

## Why is this bad
BuildKit keys a `COPY` on the content of everything it copies, and every later step on the
`COPY` before it. With the whole context copied first, editing any source file (a
one-line change to `app.py`) invalidates the `COPY`, so the install after it runs again
from scratch on every build: minutes of downloads instead of a cache hit. Copying the
manifests first keeps the install cached until the dependencies really change.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
```

## Use instead
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
```
"""
import fnmatch
import posixpath

from ..commands import dependency_install

CODE = "LL201"
NAME = "copy-order-busts-cache"
SEVERITY = "warning"
SUMMARY = "Whole context copied before a dependency install: any source edit re-runs the install"
HADOLINT = ()
BUILDKIT = ()
TAGS = ("cache",)

WHOLE_CONTEXT = (".", "./", "*", "./*", "/", "./.")


def context_copies(step):
    """(sources, dest) of a COPY/ADD from the build context, expanded; None otherwise."""
    instr = step.instr.effective
    if instr.keyword not in ("COPY", "ADD") or instr.flag("from") or instr.heredocs:
        return None
    parts = list(instr.exec_form) if instr.exec_form is not None else [w.text for w in instr.words]
    if len(parts) < 2:
        return None
    expanded = [step.expand(p)[0] for p in parts]
    return expanded[:-1], expanded[-1]


def _abs(dest, workdir):
    if dest.startswith("/"):
        return posixpath.normpath(dest)
    return posixpath.normpath(posixpath.join(workdir or "/", dest))


def _covers(src, dest_abs, target):
    """Whether copying context path ``src`` to ``dest_abs`` puts a file at ``target``."""
    if src in WHOLE_CONTEXT or src.rstrip("/") in ("", "."):
        return target == dest_abs or target.startswith(dest_abs.rstrip("/") + "/")
    if any(ch in src for ch in "*?[") or _copies_alone(src, target):
        return False
    # a directory (trailing slash, or a name without extension): its contents land in dest
    is_dir = src.endswith("/") or "." not in posixpath.basename(src.rstrip("/"))
    return is_dir and (target == dest_abs or target.startswith(dest_abs.rstrip("/") + "/"))


def check(ctx):
    for stage in ctx.graph.stages:
        if not stage.needed:
            continue
        copies = []  # (step, sources, dest_abs)
        for step in stage.steps:
            instr = step.instr.effective
            cc = context_copies(step)
            if cc is not None:
                copies.append((step, cc[0], _abs(cc[1], step.state.workdir)))
                continue
            if instr.keyword != "RUN" or step.instr.inner is not None:
                continue
            for script, cmd in ctx.commands(instr):
                inst = dependency_install(cmd)
                if inst is None:
                    continue
                hit = _first_broad_copy(copies, inst, step.state.workdir)
                if hit is None:
                    continue
                copy_step, src, dest_abs = hit
                cw = copy_step.instr.effective
                word = next((w for w in cw.words if w.text == src or copy_step.expand(w.text)[0] == src), None)
                span = word.span if word is not None else cw.args_span()
                names = ", ".join(dict.fromkeys(inst.manifests))
                rel_dest = "./" if dest_abs == (step.state.workdir or "/") else dest_abs.rstrip("/") + "/"
                cmd_text = script.text[cmd.start:cmd.end].strip()
                yield span, (
                    f"`{cw.keyword} {cw.args_text}` (line {cw.start_line}) copies {'the whole build context' if src in WHOLE_CONTEXT else src} "
                    f"before `{cmd_text}` (line {script.word_span(cmd.words[0]).line}), which only needs {names}: editing any copied "
                    f"file re-runs the install. Reorder: `COPY {' '.join(inst.manifests)} {rel_dest}`, then the install, "
                    f"then `{cw.keyword} {cw.args_text}`"
                )
                break


def _copies_alone(src, target):
    """A file (or a glob of files) copied on its own, e.g. ``requirements.txt`` or ``package*.json``."""
    name = posixpath.basename(src.rstrip("/"))
    return src not in WHOLE_CONTEXT and fnmatch.fnmatchcase(posixpath.basename(target), name)


def _first_broad_copy(copies, inst, workdir):
    """The first broad copy that brings in one of the install's manifests, unless the
    manifest was copied on its own before it."""
    for manifest in inst.manifests:
        target = _abs(manifest, workdir)
        for copy_step, sources, dest_abs in copies:
            if any(_copies_alone(src, target) for src in sources):
                break
            src = next((s for s in sources if _covers(s, dest_abs, target)), None)
            if src is not None:
                return copy_step, src, dest_abs
    return None
