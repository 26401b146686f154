"""Whole build context copied before a dependency install that only needs the manifests.

## What it does
Finds a `COPY`/`ADD` that brings in the whole build context (`COPY . .`, `COPY . /app`,
`COPY * ./`) or a directory, followed (in the same stage or a stage built `FROM` it) by a
`RUN` that installs dependencies from a manifest inside that copy (`pip install -r
requirements.txt`, `poetry install`, `pipenv install`, `uv sync`, `npm ci`, `yarn`,
`pnpm install`, `go mod download`, `bundle install`, `composer install`, `cargo build`,
`mvn`, `gradle`), when the manifest was not copied on its own first. The finding points at
the broad source and names the edit that re-runs the install. The cache model decides what
the copy brings in and where it lands.

`--fix` reorders (copy the manifests, install, then copy the rest) only when that is
certain to build the same thing: a plain `COPY . <dir>` on one line directly before a `RUN`
that does nothing but the install (`pip install -r`, `npm ci`/`install`, `yarn install`,
`pnpm install`, `go mod download`, plus package-manager housekeeping), the manifests exist in
the build context and do not pull in other local files (no nested `-r`/`-e .` lines, no
`file:` dependencies, workspaces or install scripts, no local `replace`).

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
import heapq
import json
import os
import posixpath
import re

from ...buildctx.paths import read_context_file
from ...graph import image_path
from ...shell.commands import program
from ...shell.packages import dependency_install
from ..base import Edit, Fix, Violation
from ...syntax.model import Span

CODE = "LL201"
NAME = "copy-order-busts-cache"
SEVERITY = "warning"
SUMMARY = "Whole context copied before a dependency install: any source edit re-runs the install"
HADOLINT = ()
BUILDKIT = ()
TAGS = ("cache",)
FIXABLE = True

WHOLE_CONTEXT = (".", "*")  # cleaned context paths that bring in everything


def _copy_dest(sm):
    """Absolute destination of a COPY step (an unknown WORKDIR counts as /)."""
    if sm.dest is not None:
        return sm.dest
    raw = sm.definition.get("dest", "")
    return image_path(raw[2:] if raw.startswith("?/") else raw, "/")


def _covers(src, dest_abs, target):
    """Whether copying context source ``src`` (a model Source) to ``dest_abs`` puts a file at ``target``."""
    inside = target == dest_abs or target.startswith(dest_abs.rstrip("/") + "/")
    if src.path in WHOLE_CONTEXT:
        return inside
    if src.has_wildcard or _copies_alone(src, target):
        return False
    # a directory (trailing slash, or a name without extension): its contents land in dest
    raw = src.text
    is_dir = raw.endswith("/") or "." not in posixpath.basename(src.path)
    return is_dir and inside


def _copies_alone(src, target):
    """A file (or a glob of files) copied on its own, e.g. ``requirements.txt`` or ``package*.json``."""
    if src.path in WHOLE_CONTEXT:
        return False
    return fnmatch.fnmatchcase(posixpath.basename(target), posixpath.basename(src.path))


def _context_copy(sm):
    """(copy step, its context sources, absolute dest) for a COPY/ADD from the context, else None."""
    if sm.kind != "layer" or sm.keyword not in ("COPY", "ADD"):
        return None
    eff = sm.instr.effective
    if eff.flag("from") is not None or eff.heredocs:
        return None
    srcs = sm.context_sources
    return (sm, srcs, _copy_dest(sm)) if srcs else None


def _context_copies(run_sm, memo: dict):
    """The context copies the RUN is built on, oldest first: the first ``n`` of ``items``.

    ``memo`` maps a step to the copies up to it as ``(shared list, length)``: a step that adds a
    copy at the end of a shared list appends to it in place, a branch copies its prefix.  Each
    step is visited once per file, so a FROM <stage> chain of thousands of stages, each copying
    the context and installing, stays linear (re-walking every install's ancestors was quadratic)."""
    path = []
    seen = set()
    p = run_sm.parent
    while p is not None and id(p) not in memo and id(p) not in seen:
        seen.add(id(p))
        path.append(p)
        p = p.parent
    items, n = memo[id(p)] if p is not None else ([], 0)
    for step in reversed(path):
        copy = _context_copy(step)
        if copy is not None:
            if len(items) != n:  # another branch already extended this list
                items = items[:n]
            items.append(copy)
            n += 1
        memo[id(step)] = (items, n)
    return items, n


def _first_broad_copy(copies, inst, workdir, indexes: dict):
    """The first broad copy (of ``copies``, as ``_context_copies`` gives them) that brings in
    one of the install's manifests, unless the manifest was copied on its own before it."""
    items, n = copies
    index = indexes.get(id(items))
    if index is None:
        index = indexes[id(items)] = _CopyIndex(items)
    index.update()
    for manifest in inst.manifests:
        target = image_path(manifest, workdir or "/")
        for k in index.candidates(target, n):
            copy_sm, sources, dest_abs = items[k]
            if any(_copies_alone(s, target) for s in sources):
                break
            src = next((s for s in sources if _covers(s, dest_abs, target)), None)
            if src is not None:
                return copy_sm, src, dest_abs
    return None


class _CopyIndex:
    """The context copies of a ``_context_copies`` list, indexed by what they can match: the
    name of a file copied alone, the destination of a directory or whole-context copy.  The
    copies a manifest can meet are looked up (then checked as before, in order) instead of
    every earlier copy being tried for every install, which was quadratic in a stage of
    thousands of COPYs and installs."""

    def __init__(self, items: list) -> None:
        self.items = items
        self.done = 0
        self.alone: dict[str, list[int]] = {}  # basename of a single-file source -> copies
        self.globs: list[tuple[int, str]] = []  # (copy, basename pattern) of a wildcard source
        self.dests: dict[str, list[int]] = {}  # destination -> copies of a directory or the whole context

    def update(self) -> None:
        """Index the copies appended to the list since the last call (it only grows)."""
        for k in range(self.done, len(self.items)):
            _, sources, dest_abs = self.items[k]
            for s in sources:
                if s.path not in WHOLE_CONTEXT:
                    name = posixpath.basename(s.path)
                    if any(c in name for c in "*?["):
                        self.globs.append((k, name))
                    else:
                        _add(self.alone.setdefault(name, []), k)
                    if s.has_wildcard or not (s.text.endswith("/") or "." not in name):
                        continue  # a file or a glob: it covers nothing else
                _add(self.dests.setdefault(dest_abs.rstrip("/"), []), k)
        self.done = len(self.items)

    def candidates(self, target: str, n: int):
        """In order, the copies among the first ``n`` that may copy ``target`` alone or cover it
        (a superset: the caller checks each)."""
        name = posixpath.basename(target)
        lists = [self.alone.get(name, ()), [k for k, pat in self.globs if k < n and fnmatch.fnmatchcase(name, pat)]]
        holders = {target, target.rstrip("/")} | {target[:i] for i, ch in enumerate(target) if ch == "/"}
        lists += [self.dests[d] for d in holders if d in self.dests]
        last = -1
        for k in heapq.merge(*lists):
            if k >= n:
                break
            if k != last:
                last = k
                yield k


def _add(ks: list[int], k: int) -> None:
    if not ks or ks[-1] != k:
        ks.append(k)


def check(ctx):
    model = ctx.cache_model
    memo: dict = {}
    indexes: dict = {}  # id(copies list) -> its _CopyIndex
    for stage in ctx.graph.stages:
        if not stage.needed:
            continue
        for step in stage.steps:
            instr = step.instr.effective
            if instr.keyword != "RUN" or step.instr.inner is not None:
                continue
            sm = model.step_of(step.instr)
            if sm is None:
                continue
            copies = None  # walked only for an install: a chain of 10,000 stages made it quadratic
            for script, cmd in ctx.commands(instr):
                inst = dependency_install(cmd)
                if inst is None:
                    continue
                if copies is None:
                    copies = _context_copies(sm, memo)
                hit = _first_broad_copy(copies, inst, step.state.workdir, indexes)
                if hit is None:
                    continue
                copy_sm, src, dest_abs = hit
                cw = copy_sm.instr.effective
                word = next((w for w in cw.words if w.text == src.text or copy_sm.step.expand(w.text)[0] == src.text),
                            None)
                span = word.span if word is not None else cw.args_span()
                names = ", ".join(dict.fromkeys(inst.manifests))
                rel_dest = "./" if dest_abs == (step.state.workdir or "/") else dest_abs.rstrip("/") + "/"
                cmd_text = script.text[cmd.start:cmd.end].strip()
                whole = src.path in WHOLE_CONTEXT
                message = (
                    f"`{cw.keyword} {cw.args_text}` (line {cw.start_line}) copies {'the whole build context' if whole else src.text} "
                    f"before `{cmd_text}` (line {script.word_span(cmd.words[0]).line}), which only needs {names}: editing any copied "
                    f"file re-runs the install. Reorder: `COPY {' '.join(inst.manifests)} {rel_dest}`, then the install, "
                    f"then `{cw.keyword} {cw.args_text}`"
                )
                fix = _fix(ctx, copy_sm, sm, src, dest_abs) if whole else None
                if fix is not None:
                    yield Violation(span, message, fix)
                else:
                    yield Violation(span, message)
                break


# -- the fix ---------------------------------------------------------------------------------

_BETWEEN_OK = frozenset({"ARG", "ENV", "LABEL", "EXPOSE"})
_HOUSEKEEPING = frozenset({"apt-get", "apt", "apk", "rm", "mkdir", "echo", "true", "ln", "chmod", "chown"})


def _fix(ctx, copy_sm, run_sm, src, dest_abs):
    """Manifest-first reordering, only when it is certain to build the same thing."""
    if ctx.context_dir is None:
        return None
    copy = copy_sm.instr
    run = run_sm.instr
    if copy.inner is not None or copy.keyword != "COPY" or copy.start_line != copy.end_line:
        return None
    if copy.exec_form is not None or len(copy.words) != 2 or "$" in copy.line:
        return None
    if copy.words[0].text not in (".", "./"):
        return None
    if any(f.name not in ("chown", "chmod", "link") for f in copy.flags):
        return None
    if copy_sm.stage is not run_sm.stage:
        return None
    workdir = run_sm.step.state.workdir
    # the copy lands in the directory the install runs in, so manifest paths are context paths
    if workdir is None or copy_sm.step.state.workdir != workdir or dest_abs != workdir:
        return None
    # nothing that makes a layer, reads files or moves the working dir between them
    instrs = ctx.df.instructions
    between = instrs[copy.index + 1:run.index]
    if any(i.keyword not in _BETWEEN_OK for i in between) or run.heredocs:
        return None
    manifests = _manifests(ctx, run_sm, workdir)
    if not manifests:
        return None
    ignore = ctx.dockerignore
    rels = []
    for m in manifests:
        target = image_path(m, workdir or "/")
        if not (target == dest_abs or target.startswith(dest_abs.rstrip("/") + "/")):
            return None
        rel = posixpath.relpath(target, dest_abs)
        if rel.startswith("..") or not os.path.isfile(ctx.context_path(rel) or ""):
            return None
        if ignore is not None and ignore.is_excluded(rel):
            return None
        rels.append(rel)
    rels = list(dict.fromkeys(rels))
    dest_text = copy.words[1].text
    base = "./" if dest_text in (".", "./") else dest_text.rstrip("/") + "/"
    flags = "".join(f.raw + " " for f in copy.flags)
    groups = {}
    for rel in rels:
        groups.setdefault(posixpath.dirname(rel), []).append(rel)
    lines = [f"{copy.keyword_raw} {flags}{' '.join(files)} {base}{d + '/' if d else ''}"
             for d, files in groups.items()]
    indent = " " * (copy.keyword_span.column - 1)
    line_text = ctx.df.lines[copy.start_line - 1]
    replace = Edit(Span(copy.start_line, copy.keyword_span.column, copy.start_line, len(line_text) + 1),
                   ("\n" + indent).join(lines))
    last = max([run.end_line] + [h.end_line for h in run.heredocs])
    moved = line_text.strip()
    n = len(ctx.df.lines)
    if last < n or ctx.df.text.endswith(("\n", "\r")):
        insert = Edit(Span(last + 1, 1, last + 1, 1), indent + moved + "\n")
    else:
        end_col = len(ctx.df.lines[last - 1]) + 1
        insert = Edit(Span(last, end_col, last, end_col), "\n" + indent + moved)
    # unsafe: the install now runs before the full COPY, which may add or overwrite what it made
    return Fix(f"copy {', '.join(rels)} first, install, then `{moved}`", [replace, insert], safe=False)


def _manifests(ctx, run_sm, workdir):
    """The files the RUN's installs read, when the RUN does nothing else that needs the
    source tree; None when that is not certain."""
    files = []
    installs = 0
    for script, cmd in ctx.commands(run_sm.instr.effective):
        if not cmd.words:
            return None
        inst = dependency_install(cmd)
        prog = program(cmd.words)
        if inst is None:
            argv = [w.value for w in cmd.words]
            if prog in _HOUSEKEEPING or (prog in ("pip", "pip3") and "-r" not in argv and "." not in argv
                                         and not any(a.startswith(("-e", ".", "/")) for a in argv[2:])):
                continue
            return None
        if any(w.has_expansion for w in cmd.words):
            return None
        got = _install_files(ctx, inst, cmd, workdir)
        if got is None:
            return None
        files += got
        installs += 1
    return files if installs else None


def _read(ctx, workdir, rel):  # rel: relative to the RUN's workdir == the context root
    data = read_context_file(ctx.context_dir, rel)  # never outside the context, never a FIFO
    return None if data is None else data.decode("utf-8", errors="replace")


def _install_files(ctx, inst, cmd, workdir):
    argv = [w.value for w in cmd.words]
    exists = lambda rel: os.path.isfile(ctx.context_path(rel) or "")  # noqa: E731
    tool = inst.tool
    if tool == "pip":
        if any(a in (".", "./") or a.startswith((".[", "./", "-e", "--editable")) for a in argv):
            return None
        for m in inst.manifests:
            text = _read(ctx, workdir, m)
            if text is None:
                return None
            for ln in text.splitlines():
                s = ln.strip()
                if s.startswith(("-r", "-c", "--requirement", "--constraint", "-e", "--editable", ".", "/", "file:")) \
                        or re.match(r"^[\w.-]+\s*@\s*file:", s):
                    return None
        return list(inst.manifests)
    if tool in ("npm", "yarn", "pnpm"):
        sub = next((a for a in argv[1:] if not a.startswith("-")), None)
        if tool == "npm" and sub not in ("ci", "install", "i"):
            return None
        if tool in ("yarn", "pnpm") and sub not in (None, "install", "i"):
            return None
        if any(not a.startswith("-") for a in argv[2:]):
            return None  # `npm install express`: not a manifest install
        pkg = _read(ctx, workdir, "package.json")
        if pkg is None:
            return None
        try:
            data = json.loads(pkg)
        except ValueError:
            return None
        if not isinstance(data, dict) or "workspaces" in data:
            return None
        scripts = data.get("scripts") or {}
        if any(k in scripts for k in ("preinstall", "install", "postinstall", "prepare", "prepublish")):
            return None
        for key in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
            deps = data.get(key) or {}
            if any(isinstance(v, str) and v.startswith(("file:", "link:", "portal:", ".", "/")) for v in deps.values()):
                return None
        if tool == "yarn" and (exists(".yarnrc.yml") or exists(".pnp.cjs")):
            return None
        if tool == "pnpm" and exists("pnpm-workspace.yaml"):
            return None
        locks = {"npm": ("package-lock.json", "npm-shrinkwrap.json"), "yarn": ("yarn.lock",),
                 "pnpm": ("pnpm-lock.yaml",)}[tool]
        out = ["package.json"] + [f for f in locks if exists(f)]
        if tool == "npm" and sub == "ci" and len(out) == 1:
            return None  # npm ci fails without a lock file anyway
        out += [f for f in (".npmrc", ".yarnrc") if exists(f)]
        return out
    if tool == "go":
        gomod = _read(ctx, workdir, "go.mod")
        if gomod is None or re.search(r"=>\s*\.{1,2}/", gomod):
            return None
        return ["go.mod"] + (["go.sum"] if exists("go.sum") else [])
    return None
