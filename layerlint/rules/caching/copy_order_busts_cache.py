"""Source tree copied before a dependency download that only needs the manifests.

## What it does
Follows what each `COPY`/`ADD` brings into the image and what each `RUN` command reads, and
reports the copy of a source tree (`COPY . .`, `COPY src/ ./`, `COPY --from=<stage>` of a tree
copied from the context) that comes before a dependency download, when an edit of any copied
file re-runs the download:

* an install that reads only the manifests (`npm ci`, `yarn`, `pnpm install`,
  `pip install -r requirements.txt`, `poetry install --no-root`, `uv sync --no-install-project`,
  `go mod download`, `bundle install`, `mvn dependency:go-offline`, `dotnet restore`...) after a
  copy that brings in more than them, or after a source copy that it does not read;
* a build that downloads whatever is missing (`go build`, `cargo build`, `mvn package`,
  `gradle build`, `poetry install`, `uv sync`, `composer install`, `dotnet publish`) after the
  sources, when no earlier step fetched the dependencies from the manifests alone;
* an install of named tools (`pip install gunicorn==22.0`, `npm install -g pm2`,
  `go install golang.org/x/tools/gopls@v0.16.0`) right after the copy, which reads none of it.

The install's directory counts (`WORKDIR`, `cd web && npm ci`, `npm --prefix web`, `go -C`,
`sudo -u app`, `gosu`), and so does every stage a build can reach (per-architecture stages
named through `$TARGETARCH` too).  It stays quiet when the dependencies are already there or
downloaded once: fetched before the copy (`go mod download`, `cargo chef cook`,
`./gradlew dependencies`, a first install from copied or bind-mounted manifests), vendored
(`-mod=vendor`, `GOFLAGS=-mod=vendor`, `--offline`, `--no-deps`, `--no-restore`), or kept in a
cache mount (`--mount=type=cache,target=/root/.cargo/registry`).  An install of the project
itself (`pip install .`, `pip install -e .`) after its dependencies, and one for which pip
has no dependencies-only step, is left alone; so is what the advice could break: a manifest the
`RUN` tests for (`[ -f requirements.txt ] && ...`), a golang image from before modules, a tree
copied from a stage that ran its own install (its `node_modules` would replace ours), a
destination or `WORKDIR` that depends on a value layerlint cannot know.

The message says what to do so that the image stays the same: copy the named manifests (of the
install's own directory, with the lock file of that tool) and install before the rest, add the
step that downloads the dependencies alone before the copy (the build keeps its place after
it), move a copy the install does not read after it, or move a tool install before the copy.

`--fix` reorders (copy the manifests, install, then copy the rest) only when that is
certain to build the same thing: a plain `COPY . <dir>` on one line directly before a `RUN`
that does nothing but the install (`pip install -r`, `npm ci`/`install`, `yarn install`,
`pnpm install`, `go mod download`, plus package-manager housekeeping), the manifests exist in
the build context and do not pull in other local files (no nested `-r`/`-e .` lines, no
`file:` dependencies, workspaces or install scripts, no local `replace`), and for a Node.js
install `node_modules` is kept out of the context by `.dockerignore` (or the copy would
replace what the install made).

## Why is this bad
BuildKit keys a `COPY` on the content of everything it copies, and every later step on the
`COPY` before it. With the whole context copied first, editing any source file (a
one-line change to `app.py`) invalidates the `COPY`, so the download after it runs again
from scratch on every build: minutes of downloads instead of a cache hit. Copying the
manifests first keeps the install cached until the dependencies really change.

No hadolint rule or BuildKit check covers this.

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
import json
import os
import posixpath
import re
from bisect import bisect_left

from ...buildctx.paths import context_glob, read_context_file
from ...cache.model import copy_origin, paths_overlap
from ...graph import image_path
from ...shell.commands import program
from ...shell.packages import GLOBAL_FAMILIES, SYSTEM_PM, Fetch, dependency_fetch
from ...syntax.model import Span
from ..base import Edit, Fix, Violation
from ..run_commands import located_calls, mounts

CODE = "LL201"
NAME = "copy-order-busts-cache"
SEVERITY = "warning"
SUMMARY = "Source tree copied before a dependency download: any source edit downloads the dependencies again"
HADOLINT = ()
BUILDKIT = ()
TAGS = ("cache",)
FIXABLE = True

# directories whose content is manifests, not sources (`COPY requirements/ requirements/`)
_MANIFEST_DIRS = re.compile(r"(?i)^(\.?requirements?([._-].*)?|reqs|gradle|wrapper|\.mvn|\.yarn|\.cargo)$")
# directories an install's own scripts use (npm lifecycle scripts, patch-package): not sources
_INSTALL_HELPERS = frozenset({"bin", "scripts", "script", "patches", ".husky", "hack", "tools", "prisma"})
# where a copy is the system, not a project: a tool install may read or write there
_SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/etc", "/opt", "/root", "/home", "/var/lib", "/var/cache",
           "/usr/local")
# cache-mount targets that keep each family's downloads between builds
_CACHES = {
    "node": re.compile(r"(?i)(npm|yarn|pnpm|bun|node_modules)"),
    "python": re.compile(r"(?i)(pip|/uv|pypoetry|poetry|pdm|pipenv|/\.cache$)"),
    "go": re.compile(r"(?i)(pkg/mod|/go$|gomod|go-mod|/gopath)"),
    "cargo": re.compile(r"(?i)(cargo|registry)"),
    "maven": re.compile(r"(?i)(\.m2|maven)"),
    "gradle": re.compile(r"(?i)gradle"),
    "dotnet": re.compile(r"(?i)nuget"),
    "ruby": re.compile(r"(?i)(bundle|gem)"),
    "php": re.compile(r"(?i)composer"),
    "elixir": re.compile(r"(?i)(hex|mix)"),
}
_DEPS_WORD = {"go": "modules", "cargo": "crates", "php": "packages", "dotnet": "NuGet packages"}
# manifests that are directories: copied on a line of their own (a directory's content lands in the destination)
_DIR_MANIFESTS = frozenset({"gradle", ".mvn", ".yarn"})
# config files an install reads when the project has them (named in the advice only when seen in the context)
_EXTRAS = {"node": (".npmrc", ".yarnrc", ".yarnrc.yml", "pnpm-workspace.yaml", ".pnpmfile.cjs"),
           "poetry": ("poetry.toml",), "uv": (".python-version",)}
_QUIET_BETWEEN = frozenset({"LABEL", "EXPOSE", "MAINTAINER", "STOPSIGNAL", "HEALTHCHECK", "CMD", "ENTRYPOINT"})
_HOUSE = frozenset({"rm", "mkdir", "ln", "chmod", "chown", "echo", "true", ":", "set", "printf"})


def _manifest_dir(path: str) -> bool:
    return any(_MANIFEST_DIRS.match(part) for part in path.split("/"))


def excerpt(text: str, limit: int) -> str:
    """At most ``limit`` characters of repository text, as written: the reports escape what they print."""
    return text if len(text) <= limit else text[:limit] + "\u2026"


# -- what each step is built on ---------------------------------------------------------------

class _Trail:
    """What a step is built on, oldest first, as positions in one sequence: the copies (indexed
    by what they can write), the dependency fetches (by what they fetched) and the RUNs of the
    steps before it.  Shared along a stage chain; a second stage FROM the same one replays the
    prefix it sees, so a file is walked once, never once per install (that was quadratic)."""

    def __init__(self) -> None:
        self.n = 0
        self.log: list = []  # (kind, payload) per position, to replay a prefix
        self.copies: dict[int, object] = {}  # position -> the COPY/ADD StepModel
        self.by_name: dict[str, list[int]] = {}  # file name -> copies of that file
        self.globs: list[tuple[int, str]] = []  # (copy, name pattern)
        self.by_dest: dict[str, list[int]] = {}  # destination -> copies of a directory or the whole context
        self.trees: list[tuple[int, str]] = []  # (copy, destination) of copies that bring in sources
        self.volatile: list[int] = []  # copies whose content changes with the sources
        self.runs: list[int] = []
        self.keys: dict[tuple, list[int]] = {}  # fetch key -> positions

    def prefix(self, n: int) -> "_Trail":
        t = _Trail()
        for kind, payload in self.log[:n]:
            t.add(kind, payload)
        return t

    def add(self, kind: str, payload) -> None:
        pos = self.n
        self.n += 1
        self.log.append((kind, payload))
        if kind == "copy":
            sm, names, globs, dests, tree, volatile = payload
            self.copies[pos] = sm
            for name in names:
                self.by_name.setdefault(name, []).append(pos)
            self.globs += [(pos, g) for g in globs]
            for d in dests:
                self.by_dest.setdefault(d, []).append(pos)
            if tree:
                self.trees.append((pos, sm.dest or "/"))
            if volatile:
                self.volatile.append(pos)
        elif kind == "run":
            self.runs.append(pos)
        else:  # "fetch": the keys it satisfies
            for key in payload:
                self.keys.setdefault(key, []).append(pos)

    def has(self, key: tuple, n: int) -> bool:
        ks = self.keys.get(key)
        return bool(ks) and ks[0] < n

    def writer(self, target: str, n: int, context_dir):
        """(position, copy, origin) of the newest copy before ``n`` that writes ``target``."""
        base = posixpath.basename(target)
        if any(c in base for c in "*?["):
            names = [k for k in self.by_name if fnmatch.fnmatchcase(k, base)]
        else:
            names = [base]
        lists = [self.by_name[k] for k in names if k in self.by_name]
        lists += [[p for p, g in self.globs if fnmatch.fnmatchcase(base, g) or fnmatch.fnmatchcase(g, base)]]
        d = target
        while d not in ("/", ""):
            d = posixpath.dirname(d)
            if d in self.by_dest:
                lists.append(self.by_dest[d])
        best = None
        for ks in lists:
            for k in range(bisect_left(ks, n) - 1, -1, -1):
                pos = ks[k]
                if best is not None and pos <= best[0]:
                    break
                origin = copy_origin(self.copies[pos], target, context_dir)
                if origin is not None:
                    best = (pos, self.copies[pos], origin)
                    break
        return best

    def tree_before(self, n: int) -> bool:
        return bool(self.trees) and self.trees[0][0] < n

    def run_after_tree(self, n: int) -> bool:
        if not self.trees or self.trees[0][0] >= n:
            return False
        k = bisect_left(self.runs, self.trees[0][0])
        return k < len(self.runs) and self.runs[k] < n


class _Walk:
    """The trails of a file's steps, built once in file order."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.model = ctx.cache_model
        self.context_dir = ctx.context_dir
        self.at: dict[int, tuple[_Trail, int]] = {}  # id(StepModel) -> (its trail, its length after the step)
        self.vague: dict[int, bool] = {}  # id(StepModel) -> its WORKDIR depends on a value we do not know
        self.unsure: set[int] = set()  # copies whose destination depends on a value we do not know

    def before(self, sm) -> tuple[_Trail, int]:
        """The trail a step is built on, ready to extend."""
        p = sm.parent
        trail, n = self.at.get(id(p), (None, 0)) if p is not None else (None, 0)
        if trail is None:
            return _Trail(), 0
        if trail.n != n:  # another branch extended it
            trail = trail.prefix(n)
        return trail, n

    def stage_trail(self, stage) -> tuple[_Trail, int]:
        head = self.model.heads.get(stage.index)
        return self.at.get(id(head), (_Trail(), 0)) if head is not None else (_Trail(), 0)

    def copy_event(self, sm):
        names, globs, dests = [], [], []
        tree = volatile = False
        raw = sm.definition.get("dest") if isinstance(sm.definition.get("dest"), str) else ""
        dest = (sm.dest or "/") if not raw.startswith("?/") else (image_path(raw[2:], "/") or "/")
        into = raw.endswith("/") or len(sm.sources) > 1
        for src in sm.sources:
            if src.kind not in ("context", "stage", "image"):
                continue
            p = src.path
            name = posixpath.basename(p)
            if p in (".", "/", "*", "/*") or name == "*":
                dests.append(dest)
                kind = "whole"
            elif src.has_wildcard:
                globs.append(name)
                kind = "glob"
            else:
                from ...cache.model import source_is_dir
                if source_is_dir(src.text, p, self.context_dir if src.kind == "context" else None):
                    dests.append(dest)
                    kind = "dir"
                else:
                    names.append(name)
                    if not into:
                        names.append(posixpath.basename(dest))
                    kind = "file"
            if src.kind == "context":
                if kind == "whole" or kind == "dir" and not _manifest_dir(p):
                    tree = volatile = True
            elif src.kind == "stage" and src.stage is not None:
                if self.stage_volatile(src.stage, p):
                    volatile = True
                    if kind in ("whole", "dir"):
                        tree = True
        return (sm, names, globs, dests, tree, volatile)

    def stage_volatile(self, stage, path: str) -> bool:
        """Whether ``path`` of ``stage`` changes when the sources change: a copy of a source tree
        writes it, or a RUN after one (build output) may have."""
        trail, n = self.stage_trail(stage)
        if any(pos < n and paths_overlap(dest, path) for pos, dest in trail.trees):
            return True
        if path.startswith(("/etc", "/usr/share", "/usr/lib", "/lib", "/var/lib")):
            return False
        return trail.run_after_tree(n)

    def origin(self, sm, origin, depth: int = 0):
        """Follow a ``COPY --from=<stage>`` origin to the context: (kind, context path or None,
        broad) where kind is "context", "stage" or None (unknown)."""
        src, where, how = origin
        if src.kind == "context":
            broad = how == "whole" or how == "dir" and not _manifest_dir(src.path)
            return "context", where, broad
        if src.kind != "stage" or src.stage is None or depth > 8:
            return None, None, False
        trail, n = self.stage_trail(src.stage)
        hit = trail.writer(where, n, self.context_dir)
        if hit is None:
            return None, None, False
        kind, path, broad = self.origin(hit[1], hit[2], depth + 1)
        return ("stage" if kind else None), path, broad and how in ("whole", "dir")


# -- the rule -----------------------------------------------------------------------------------

def _checked_stages(graph) -> set:
    """Stages a build can reach: the target's, and those named through a variable
    (`FROM build-${TARGETARCH}`: every architecture's), with what they need."""
    pats = []
    for st in graph.stages:
        texts = [st.from_instr.words[0].text] if st.from_instr.words else []
        texts += [e.word.text for e in st.edges if e.kind != "from" and e.word is not None]
        for t in texts:
            t = t.split("=", 1)[1] if t.startswith("--") and "=" in t else t
            if "$" in t:
                parts = re.split(r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*", t.lower())
                pats.append(re.compile(".+".join(re.escape(p) for p in parts)))
    todo = [s for s in graph.stages if s.needed or (s.name and any(p.fullmatch(s.name) for p in pats))]
    out: set = set()
    while todo:
        s = todo.pop()
        if id(s) in out:
            continue
        out.add(id(s))
        todo += [e.stage for e in s.edges if e.stage is not None]
    return out


def check(ctx):
    walk = _Walk(ctx)
    model = walk.model
    checked = _checked_stages(ctx.graph)
    findings = []  # (a tool install?, Violation)
    for sm in model.steps:
        vague = walk.vague.get(id(sm.parent), False) if sm.parent is not None else False
        if sm.keyword == "WORKDIR" and sm.step is not None and sm.kind != "from":
            text, unresolved = sm.step.expand(sm.instr.effective.args_text)
            vague = bool(unresolved) or (vague and not text.startswith("/"))
        walk.vague[id(sm)] = vague
        if sm.kind == "from":
            if sm.parent is not None and id(sm.parent) in walk.at:
                walk.at[id(sm)] = walk.at[id(sm.parent)]
            else:
                walk.at[id(sm)] = (_Trail(), 0)
            continue
        if sm.kind != "layer":
            if sm.parent is not None and id(sm.parent) in walk.at:
                walk.at[id(sm)] = walk.at[id(sm.parent)]
            continue
        trail, n = walk.before(sm)
        if sm.keyword in ("COPY", "ADD"):
            if any(s.kind in ("context", "stage", "image") for s in sm.sources):
                dest = sm.instr.effective.words[-1].text if sm.instr.effective.words else ""
                if sm.step is not None and (sm.step.expand(dest)[1] or vague and not sm.step.expand(dest)[0].startswith("/")):
                    walk.unsure.add(id(sm))  # where it lands depends on a value we do not know
                trail.add("copy", walk.copy_event(sm))
        elif sm.keyword == "RUN":
            found = _judge(ctx, walk, sm, trail, id(sm.stage) in checked and sm.instr.inner is None)
            if found is not None:
                findings.append(found)
            trail.add("run", None)
        walk.at[id(sm)] = (trail, trail.n)
    # a tool install is worth its own finding only on a copy that has no other
    blamed = {(f.span.line, f.span.column) for tool, f in findings if not tool}
    for tool, f in findings:
        if not tool or (f.span.line, f.span.column) not in blamed:
            yield f


class _Call:
    """A command of a RUN that fetches something, with where it runs."""
    __slots__ = ("lc", "fetch", "cwd", "dir", "keys")

    def __init__(self, lc, fetch, cwd: str, dir: str) -> None:
        self.lc = lc
        self.fetch = fetch
        self.cwd = cwd
        self.dir = dir  # absolute directory of its manifests
        f = fetch
        if f.tool == "pip":
            fam = ("pip",)
        elif f.family in GLOBAL_FAMILIES and f.family != "python":
            fam = (f.family,)
        else:
            fam = (f.tool if f.family == "python" else f.family, dir)
        self.keys = [("fam",) + fam] + [("man", image_path(m, dir)) for m in f.manifests[:1]]

    @property
    def text(self) -> str:
        return self.lc.call.text.strip()

    @property
    def line(self) -> int:
        return self.lc.call.script.word_span(self.lc.call.cmd.words[0]).line


def _fetch_calls(ctx, sm) -> list:
    instr = sm.instr.effective
    out = []
    if not any(dependency_fetch(cmd) is not None for _, cmd in ctx.commands(instr)):
        return out  # most RUNs: no need to follow their `cd`s
    # an unknown WORKDIR (the base image's) counts as /, as for the copies, unless a `cd` moves
    unknown = sm.step is not None and sm.step.state.workdir is None and \
        not any(program(cmd.words) == "cd" for _, cmd in ctx.commands(instr))
    for lc in located_calls(ctx, instr):
        f = dependency_fetch(lc.call.cmd)
        if f is None:
            continue
        cwd = lc.cwd if lc.cwd is not None or not unknown else "/"
        d = (image_path(f.dir, cwd) if f.dir else cwd) if cwd is not None else None
        if f.family == "go" and f.role == "tool" and f.manifests:
            if d is None or not _own_go_packages(lc.call, d):
                continue  # `go get github.com/x/tool`: nothing of the project
            f = Fetch("go", "build", f.manifests, f.optional, f.dir, f.prefetch, f.outputs, f.command)
        if (d is None or "$" in d) and not (f.role == "tool" and not f.manifests):
            continue  # where its manifests are cannot be known
        out.append(_Call(lc, f, cwd, d or ""))
    return out


def _own_go_packages(call, cwd: str) -> bool:
    """`go get github.com/acme/app/...` run in $GOPATH/src/github.com/acme/app: the project's own packages."""
    if "/src/" not in cwd:
        return False
    own = cwd.split("/src/", 1)[1].rstrip("/")
    pkgs = [w.value for w in call.words[2:] if not w.value.startswith("-")]
    return bool(own) and any(p.split("@")[0].removesuffix("/...") == own or p.startswith(own + "/") for p in pkgs)


def _judge(ctx, walk: _Walk, sm, trail: _Trail, report: bool):
    """The finding for RUN ``sm`` (None if none), then its fetches added to ``trail``."""
    calls = _fetch_calls(ctx, sm)
    if walk.vague.get(id(sm)):
        calls = [c for c in calls if c.fetch.role == "tool" or c.fetch.dir.startswith("/")]
    found = None
    n = trail.n
    mts = None
    for c in calls:
        if found is None and report and c.fetch.role in ("deps", "build"):
            if mts is None:
                mts = mounts(ctx, sm.instr.effective)
            found = _judge_call(ctx, walk, sm, trail, n, c, mts)
        if c.fetch.role in ("deps", "build", "offline"):
            trail.add("fetch", c.keys)
            n = trail.n
    if found is None and report and calls and all(c.fetch.role == "tool" and not c.fetch.manifests for c in calls):
        found = _judge_tools(ctx, walk, sm, calls)
        return (True, found) if found is not None else None
    return (False, found) if found is not None else None


def _cached(mts, family: str) -> bool:
    """A cache mount keeps the downloads (a tmpfs on them: they never reach the image)."""
    pat = _CACHES.get(family)
    return pat is not None and any(m.type in ("cache", "tmpfs") and m.target and pat.search(m.target.rstrip("/"))
                                   for m in mts)


def _gopath_era(image: str, cwd: str, go111: str) -> bool:
    """An official golang image before modules (1.10 and older), or before they were on inside
    $GOPATH/src (1.11, 1.12): the build fetches nothing from a go.mod."""
    m = re.match(r"^(?:docker\.io/)?(?:library/)?golang:1\.(\d+)(?:[.-]|$)", image or "")
    if m is None:
        return False
    minor = int(m.group(1))
    return minor <= 10 or minor <= 12 and go111 != "on" and cwd.startswith("/go/src/")


def _conditional(sm, c) -> bool:
    """`if [ -f requirements.txt ]; then pip install -r requirements.txt; fi`: the manifest may
    not be there at all, so copying it on its own could fail the build."""
    text = sm.instr.effective.args_text
    for m in c.fetch.manifests:
        name = re.escape(posixpath.basename(m))
        if re.search(r"(\[\[?|\btest)\s+!?\s*-[efsr]\s+[\"']?[^\s\"']*" + name, text):
            return True
    return False


def _vendored(ctx, sm, c) -> bool:
    """Go modules, crates or packages that come with the sources or need no download."""
    f = c.fetch
    text = sm.instr.effective.args_text
    state = sm.step.state if sm.step is not None else None
    env = state.vars if state is not None else {}
    if f.family == "go":
        flags = (env.get("GOFLAGS") or "") + " " + " ".join(re.findall(r"GOFLAGS=(\S+)", text))
        # GO111MODULE=off: GOPATH mode, no go.mod to fetch from
        if "-mod=vendor" in flags or (env.get("GO111MODULE") or "") == "off" or "GO111MODULE=off" in text \
                or (env.get("GOPROXY") or "") == "off":
            return True
        return _gopath_era(sm.stage.image, c.cwd, env.get("GO111MODULE") or "")
    if f.family == "cargo":
        return (env.get("CARGO_NET_OFFLINE") or "") == "true" or "CARGO_NET_OFFLINE=true" in text
    return False


def _module_root(ctx, walk: _Walk, trail: _Trail, n: int, c: _Call) -> _Call:
    """go and cargo look for go.mod / Cargo.toml upwards: `cd cmd/server && go build` in a tree
    copied to /src reads /src/go.mod.  The nearest one the context holds, else the copy's root."""
    f = c.fetch
    if f.family not in ("go", "cargo") or f.dir:
        return c
    hit = trail.writer(image_path(f.manifests[0], c.dir), n, walk.context_dir)
    dest = hit[1].dest if hit is not None else None
    if hit is None or hit[2][2] not in ("whole", "dir") or not dest or dest == c.dir or not _under(c.dir, dest):
        return c
    d = c.dir
    while _under(d, dest):
        got = copy_origin(hit[1], image_path(f.manifests[0], d), walk.context_dir)
        if got is not None and got[0].kind == "context" and _informative(ctx, "context", got[1]):
            break
        if d == dest:
            d = None
            break
        d = posixpath.dirname(d)
    if d is None or not _under(d, dest):
        # the context cannot tell: `cmd/<name>` holds a command of the module above it; any
        # other directory worked in (`WORKDIR /src/server`) is taken as a module of its own
        parts = c.dir[len(dest.rstrip("/")) + 1:].split("/")
        d = posixpath.join(dest, *parts[:parts.index("cmd")]) if "cmd" in parts else c.dir
    return _Call(c.lc, f, c.cwd, d) if d != c.dir else c


def _judge_call(ctx, walk: _Walk, sm, trail: _Trail, n: int, c: _Call, mts):
    f = c.fetch
    if _cached(mts, f.family):
        return None
    c = _module_root(ctx, walk, trail, n, c)
    if _conditional(sm, c):
        return None
    targets = [image_path(m, c.dir) for m in f.manifests]
    if any(m.type == "bind" and m.target and any(t is not None and _under(t, m.target) for t in targets)
           for m in mts):
        return None  # bind-mounted manifests or sources: the RUN reads them in place
    hits = [trail.writer(t, n, walk.context_dir) for t in targets]
    main = hits[0]
    if main is None or any(h is not None and id(h[1]) in walk.unsure for h in hits):
        return None  # the manifests do not come from a copy we can see
    broad = []
    for h in hits:
        if h is None:
            continue
        kind, where, wide = walk.origin(h[1], h[2])
        if kind is not None and wide:
            broad.append(h)
    if f.role == "build":
        if not broad or broad[0] is not main:
            return None
        if trail.has(c.keys[0], n) or f.prefetch is None:
            return None  # fetched before (`go mod download`, a deps-only install), or pip has no such step
        if _vendored(ctx, sm, c) or _vendored_by_copy(trail, n, c) or _vendored_in_context(ctx, walk, c, main):
            return None
        return _build_finding(ctx, walk, sm, trail, c, main)
    # role "deps"
    if broad:
        hit = max(broad, key=lambda h: h[0])
        if trail.has(c.keys[0], n) and (f.tool != "pip" or trail.has(c.keys[1], n)):
            return None  # the same install ran before, from the manifests alone: this one adds to it
        if f.tool == "pip" and trail.has(c.keys[1], n):
            return None
        if hit[2][0].kind == "stage" and _stage_installs(walk, hit[2][0].stage, f.family):
            return None  # the tree comes with that stage's own install: moving ours would change the result
        return _deps_finding(ctx, walk, sm, trail, n, c, hit, hits)
    return _between_finding(ctx, walk, sm, trail, n, c, hits)


def _under(path: str, root: str) -> bool:
    root = root.rstrip("/") or "/"
    return path == root or root == "/" or path.startswith(root + "/")


def _vendored_by_copy(trail: _Trail, n: int, c: _Call) -> bool:
    if c.fetch.family != "go":
        return False
    return trail.writer(posixpath.join(c.dir, "vendor", "modules.txt"), n, None) is not None and \
        any(posixpath.basename(trail.copies[p].sources[0].path) == "vendor"
            for p in trail.by_dest.get(posixpath.join(c.dir, "vendor"), []) if p < n)


def _vendored_in_context(ctx, walk: _Walk, c: _Call, main) -> bool:
    if c.fetch.family not in ("go", "cargo") or ctx.context_dir is None:
        return False
    kind, where, _ = walk.origin(main[1], main[2])
    if kind != "context" or where is None:
        return False
    root = posixpath.dirname(where)
    if c.fetch.family == "go":
        return os.path.isfile(ctx.context_path(posixpath.join(root, "vendor/modules.txt")) or "")
    for name in (".cargo/config.toml", ".cargo/config"):
        data = read_context_file(ctx.context_dir, posixpath.join(root, name))
        if data is not None and b"vendored-sources" in data:
            return True
    return False


def _stage_installs(walk: _Walk, stage, family: str) -> bool:
    trail, n = walk.stage_trail(stage)
    return any(k[0] == "fam" and (k[1] == family or family == "python" and k[1] in ("pip", "uv", "poetry", "pdm",
                                                                                   "pipenv"))
               and ps and ps[0] < n for k, ps in trail.keys.items())


# -- messages -----------------------------------------------------------------------------------

def _what(walk: _Walk, sm, src) -> str:
    if src.kind == "context":
        return "the whole build context" if src.path in (".", "*") else excerpt(src.text, 80)
    label = src.stage.label if src.stage is not None else "?"
    return f"{excerpt(src.text, 80)} of stage {label}"


def _span(copy_sm, src):
    cw = copy_sm.instr.effective
    word = next((w for w in cw.words if w.text == src.text or copy_sm.step.expand(w.text)[0] == src.text), None)
    return word.span if word is not None else cw.args_span()


def _copy_text(copy_sm) -> str:
    cw = copy_sm.instr.effective
    flags = "".join(f.raw + " " for f in cw.flags)
    return excerpt(f"{cw.keyword} {flags}{cw.args_text}", 100)


def _rel_dir(path: str, base) -> str:
    """``path`` (absolute, a directory) as a COPY destination written where ``base`` is the working dir."""
    if base is None:  # the base image's WORKDIR, counted as /: stay relative to it
        return "./" + path.strip("/") + "/" if path != "/" else "./"
    if path == base:
        return "./"
    if base != "/" and path.startswith(base.rstrip("/") + "/"):
        return "./" + path[len(base.rstrip("/")) + 1:] + "/"
    if base == "/" and path.startswith("/"):
        return path.rstrip("/") + "/"
    return path.rstrip("/") + "/"


def _informative(ctx, kind: str, where) -> bool:
    """The build context holds the install's main manifest: what else is there can be trusted."""
    if ctx.context_dir is None or kind != "context" or where is None:
        return False
    if any(ch in where for ch in "*?["):
        return bool(context_glob(ctx.context_dir, where))
    return os.path.isfile(ctx.context_path(where) or "")


_NPM_CI = re.compile(r"(^|\s)(ci|clean-install|install-clean|isntall-clean)(\s|$)")  # needs the lock file


def _advice_files(ctx, walk: _Walk, c: _Call, writer) -> list:
    """[(origin path, image path)] of the manifests to copy first, as the writer brings them."""
    f = c.fetch
    copy_sm = writer[1]
    out = []
    first = walk.origin(copy_sm, copy_origin(copy_sm, image_path(f.manifests[0], c.dir), walk.context_dir))
    informed = _informative(ctx, first[0], first[1])
    names = list(f.manifests)
    if f.tool == "gradle" and not informed:
        names = ["build.gradle*", "settings.gradle*"] + (["gradlew", "gradle"] if "gradlew" in c.text else [])
    if informed:
        names += [x for x in _EXTRAS.get(f.family, ()) + _EXTRAS.get(f.tool, ())]
    for m in names:
        target = image_path(m, c.dir)
        got = copy_origin(copy_sm, target, walk.context_dir)
        if got is None:
            if m in f.optional or m not in f.manifests:
                continue
            return []
        src, where, how = got
        lock_optional = not informed and f.tool == "npm" and src.kind == "context" and not _NPM_CI.search(c.text)
        if lock_optional and where.endswith("package.json"):
            # many npm projects commit no package-lock.json, and a COPY naming it fails the build
            # there: Docker's own idiom copies both when present (and the install reads both)
            where = where[:-len("package.json")] + "package*.json"
        elif lock_optional and m == "package-lock.json":
            continue
        if where.startswith("..") or where.startswith("../"):
            return []  # never a path outside the context
        if informed and src.kind == "context":
            exists = context_glob(ctx.context_dir, where) if any(ch in where for ch in "*?[") else \
                os.path.lexists(ctx.context_path(where) or "")
            if not exists:
                continue
        out.append((where, target, src))
    return out


def _copy_lines(ctx, copy_sm, files) -> list[str]:
    """The COPY lines that bring ``files`` in where they are now, written at ``copy_sm``'s place
    (relative to an unknown WORKDIR as the copy itself is)."""
    base = copy_sm.step.state.workdir if copy_sm.step is not None else None
    words = copy_sm.instr.effective.words
    if base is None and words and copy_sm.step is not None and copy_sm.step.expand(words[-1].text)[0].startswith("/"):
        base = "/"  # written absolute: stay absolute
    frm = copy_sm.instr.effective.flag("from")
    flags = "".join(fl.raw + " " for fl in copy_sm.instr.effective.flags if fl.name in ("chown", "chmod"))
    if frm is not None:
        flags = f"--from={frm.value} " + flags
    groups: dict[str, list[str]] = {}
    lines = []
    for where, target, src in files:
        name = posixpath.basename(where)
        if name in _DIR_MANIFESTS:
            lines.append(f"COPY {flags}{where} {_rel_dir(target, base)}")
            continue
        groups.setdefault(posixpath.dirname(target), []).append(where)
    out = [f"COPY {flags}{' '.join(ws)} {_rel_dir(d, base)}" for d, ws in groups.items()]
    return out + lines


_SETUP = frozenset({"source", ".", "export", "set", "corepack", "nvm", "git", "ulimit", "umask"})


def _setup_text(ctx, sm, c: _Call) -> str:
    """The commands before the install in its RUN that set up its environment (`source env`,
    `export`, `corepack enable`, `npm config set`, a tool install): they move with it."""
    out = []
    for lc in located_calls(ctx, sm.instr.effective):
        if lc.call.cmd is c.lc.call.cmd:
            break
        if lc.call.script is not c.lc.call.script or lc.call.cmd.depth or lc.call.cmd.in_substitution:
            continue
        prog = lc.call.prog
        sub = next((w.value for w in lc.call.args if not w.value.startswith("-")), "")
        f = dependency_fetch(lc.call.cmd)
        if prog in _SETUP or prog in ("npm", "yarn", "pnpm", "pip", "pip3") and sub == "config" \
                or f is not None and f.role == "tool" and not f.manifests:
            out.append(lc.call.text.strip())
    return " && ".join(out + [""]) if out else ""


def _run_text(ctx, sm, c: _Call, copy_sm) -> str:
    base = (copy_sm.step.state.workdir if copy_sm.step is not None else None) or "/"
    cmd = excerpt(_setup_text(ctx, sm, c) + c.text, 160)
    if c.cwd == base:
        return cmd
    rel = _rel_dir(c.cwd, base).rstrip("/")
    return f"cd {rel[2:] if rel.startswith('./') else rel} && {cmd}"


def _caveat(ctx, walk: _Walk, c: _Call, writer) -> str:
    """The condition for the reorder to build the same image: the copy must not bring in an
    output directory of the install (a developer's node_modules would replace the one built)."""
    outs = c.fetch.outputs
    kind, where, _ = walk.origin(writer[1], writer[2])
    if not outs or where is None:
        return ""
    root = posixpath.dirname(where)
    ignore = ctx.dockerignore
    missing = [o for o in outs if ignore is None or not ignore.is_excluded(posixpath.join(root, o) if root else o)]
    if not missing:
        return ""
    shown = " and ".join(posixpath.join(root, o) if root else o for o in missing[:2])
    return f" (with {shown} in .dockerignore, so the copy does not replace what the install made)"


def _tool_after(ctx, copy_sm, sm, c: _Call) -> str:
    """A step between the copy and the install that brings the install's program in (`COPY
    --from=composer /usr/bin/composer ...`, `npm install -g pnpm`, `chmod +x ./mvnw`): it has to
    move first."""
    prog = posixpath.basename(c.lc.call.words[0].value) if c.lc.call.words else ""
    if not prog:
        return ""
    for instr in ctx.df.instructions[copy_sm.instr.index + 1:sm.instr.index]:
        eff = instr.effective
        if eff.keyword in ("COPY", "ADD") and any(posixpath.basename(w.text.rstrip("/")) == prog for w in eff.words):
            return f" (moving line {instr.start_line}, which sets up {prog}, before them)"
        if eff.keyword != "RUN" or instr.inner is not None:
            continue
        for lc in located_calls(ctx, eff):
            call = lc.call
            args = [w.value for w in call.args]
            f = dependency_fetch(call.cmd)
            installs = (f is not None and f.role == "tool") or call.prog in SYSTEM_PM or call.prog == "corepack"
            if installs and any(a == prog or a.startswith(prog + "@") or a.startswith(prog + "=")
                                for a in args) \
                    or call.prog == "corepack" and prog in ("yarn", "pnpm") \
                    or call.prog == "chmod" and any(posixpath.basename(a) == prog for a in args):
                return f" (moving line {instr.start_line}, which sets up {prog}, before them)"
    return ""


def _names(files) -> str:
    names = [w for w, _, _ in files]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def _deps_finding(ctx, walk, sm, trail, n, c, hit, hits):
    pos, copy_sm, origin = hit
    files = _advice_files(ctx, walk, c, hit)
    if not files:
        return None
    src = origin[0]
    def head(names):
        return (f"`{_copy_text(copy_sm)}` (line {copy_sm.line}) copies {_what(walk, copy_sm, src)} before "
                f"`{excerpt(c.text, 100)}` (line {c.line}), which reads only {names}: editing any other "
                "copied file re-runs the install. ")
    # the manifests already copied on their own before the broad copy: only the install moves
    early = trail.writer(image_path(c.fetch.manifests[0], c.dir), pos, walk.context_dir)
    if early is not None and walk.origin(early[1], early[2])[0] is not None \
            and not walk.origin(early[1], early[2])[2]:
        before = [trail.writer(image_path(m, c.dir), pos, walk.context_dir) for m in c.fetch.manifests]
        names = _names([(h[2][1], None, h[2][0]) for h in before if h is not None])
        msg = head(names) + (f"They are copied on line {early[1].line} already: run the install before line "
                             f"{copy_sm.line}{_caveat(ctx, walk, c, hit)}")
        return Violation(_span(copy_sm, src), msg)
    lines = _copy_lines(ctx, copy_sm, files)
    steps = ", ".join(f"`{ln}`" for ln in lines)
    msg = head(_names(files)) + (f"Copy them first and install before the rest: {steps}, `RUN {_run_text(ctx, sm, c, copy_sm)}`, then "
                  f"`{_copy_text(copy_sm)}`{_tool_after(ctx, copy_sm, sm, c)}{_caveat(ctx, walk, c, hit)}")
    fix = None
    if src.kind == "context" and src.path in (".", "*") and c.lc.call.script.outer is None:
        fix = _fix(ctx, copy_sm, sm, src, copy_sm.dest or "/")
    return Violation(_span(copy_sm, src), msg, fix) if fix is not None else Violation(_span(copy_sm, src), msg)


def _build_finding(ctx, walk, sm, trail, c, hit):
    pos, copy_sm, origin = hit
    f = c.fetch
    src = origin[0]
    what = _DEPS_WORD.get(f.family, "dependencies")
    head = (f"`{_copy_text(copy_sm)}` (line {copy_sm.line}) copies {_what(walk, copy_sm, src)} before "
            f"`{excerpt(c.text, 100)}` (line {c.line}), and no step before it downloads the {what}: every source "
            f"edit downloads them all again. ")
    if f.prefetch == "cargo-chef":
        msg = head + (f"Build them from the manifests (Cargo.toml, Cargo.lock) before line {copy_sm.line} with "
                      "cargo-chef (`cargo chef prepare` in a planner stage, then `cargo chef cook` with the same "
                      "profile and features from its recipe.json); the build after the copy then compiles only "
                      "the project")
        return Violation(_span(copy_sm, src), msg)
    files = _advice_files(ctx, walk, c, hit)
    if not files:
        return None
    run = f.prefetch
    base = (copy_sm.step.state.workdir if copy_sm.step is not None else None) or "/"
    if c.dir != base:
        rel = _rel_dir(c.dir, base).rstrip("/")
        run = f"cd {rel[2:] if rel.startswith('./') else rel} && {run}"
    tail = ""
    if f.family in ("python", "php"):
        tail = f" (with the options of `{excerpt(c.text, 60)}`); the install after the copy then adds only the project"
    elif f.family == "dotnet":
        tail = " (and the project files it references)"
    tail += _tool_after(ctx, copy_sm, sm, c)
    early = trail.writer(image_path(f.manifests[0], c.dir), pos, walk.context_dir)
    if early is not None and walk.origin(early[1], early[2])[0] is not None \
            and not walk.origin(early[1], early[2])[2]:
        msg = head + (f"The manifests are copied on line {early[1].line} already: add `RUN {run}` after it, "
                      f"before line {copy_sm.line}{tail}")
        return Violation(_span(copy_sm, src), msg)
    steps = " and ".join(f"`{ln}`" for ln in _copy_lines(ctx, copy_sm, files))
    msg = head + f"Download them first, before line {copy_sm.line}: {steps}, then `RUN {run}`{tail}"
    return Violation(_span(copy_sm, src), msg)


def _between_finding(ctx, walk, sm, trail, n, c, hits):
    """The manifests were copied alone, but a source copy comes between them and the install."""
    newest = max((h for h in hits if h is not None), key=lambda h: h[0])
    k = bisect_left(trail.volatile, newest[0] + 1)
    if k >= len(trail.volatile) or trail.volatile[k] >= n:
        return None
    pos = trail.volatile[k]
    copy_sm = trail.copies[pos]
    if copy_sm.stage is not sm.stage:
        return None
    if any(s.kind == "context" and posixpath.basename(s.path) in _INSTALL_HELPERS for s in copy_sm.sources):
        return None  # `COPY ui/bin/ ./bin/` before `npm ci`: what its postinstall runs
    # moving the copy after the install must not change what either sees or writes
    dest = copy_sm.dest or "/"
    outs = [posixpath.join(c.dir, o) for o in c.fetch.outputs]
    if dest == "/" or any(paths_overlap(dest, o) for o in outs) or dest == c.dir or \
            any(paths_overlap(dest, image_path(m, c.dir)) for m in c.fetch.manifests if "*" not in m):
        return None
    for instr in ctx.df.instructions[copy_sm.instr.index + 1:sm.instr.index]:
        eff = instr.effective
        if instr.inner is not None or eff.keyword in _QUIET_BETWEEN or eff.keyword in ("ARG", "ENV"):
            continue
        other = walk.model.step_of(instr)
        if eff.keyword in ("COPY", "ADD") and other is not None and not paths_overlap(other.dest, dest):
            continue
        return None
    files = [(h[2][1], None, h[2][0]) for h in hits if h is not None]
    src = next(s for s in copy_sm.sources if s.kind in ("context", "stage", "image"))
    msg = (f"`{_copy_text(copy_sm)}` (line {copy_sm.line}) copies {_what(walk, copy_sm, src)} before "
           f"`{excerpt(c.text, 100)}` (line {c.line}), which reads only {_names(files)} (copied on line "
           f"{newest[1].line}): editing any file this copy brings in re-runs the install. Move the copy after "
           "the install")
    return Violation(_span(copy_sm, src), msg)


def _judge_tools(ctx, walk, sm, calls):
    """A RUN that only installs named tools, right after a source copy it does not read."""
    copy_sm = sm.parent
    if copy_sm is None or copy_sm.kind != "layer" or copy_sm.keyword not in ("COPY", "ADD") \
            or copy_sm.stage is not sm.stage:
        return None
    trail, n = walk.at.get(id(copy_sm), (None, 0))
    if trail is None or not trail.volatile or trail.volatile[-1] != n - 1 or trail.copies.get(n - 1) is not copy_sm:
        return None
    dest = copy_sm.dest or "/"
    if dest == "/" or dest.startswith(tuple(s + "/" for s in _SYSTEM)) or dest in _SYSTEM:
        return None
    instr = sm.instr.effective
    if instr.heredocs or any(m.type == "bind" for m in mounts(ctx, instr)):
        return None
    for between in ctx.df.instructions[copy_sm.instr.index + 1:sm.instr.index]:
        if between.effective.keyword not in _QUIET_BETWEEN:
            return None  # ENV/ARG/USER/WORKDIR change what the install sees if it moves
    installs = 0
    for lc in located_calls(ctx, instr):
        call = lc.call
        words = call.words
        if any("$" in w.raw or "`" in w.raw for w in call.cmd.words):
            return None
        f = dependency_fetch(call.cmd)
        if f is not None and f.role == "tool" and not f.manifests:
            if f.tool in ("cargo",) and lc.cwd is not None and _under(lc.cwd, dest):
                return None  # cargo reads .cargo/config.toml from the working directory
            if any(w.value.startswith("-") and any(k in w.value for k in ("target", "prefix", "root", "user"))
                   for w in words[1:]):
                return None
            installs += 1
            continue
        if call.prog in SYSTEM_PM:
            continue
        if call.prog in _HOUSE and all(w.value.startswith(("-", "/")) and not paths_overlap(w.value, dest)
                                       or w.value.startswith("-") for w in words[1:]):
            continue
        return None
    if not installs:
        return None
    src = next(s for s in copy_sm.sources if s.kind in ("context", "stage", "image"))
    short = excerpt(" ".join(instr.args_text.split()), 80)
    msg = (f"`{_copy_text(copy_sm)}` (line {copy_sm.line}) copies {_what(walk, copy_sm, src)} before "
           f"`RUN {short}` (line {sm.line}), which reads none of the copied files: every edit re-runs it. Move "
           f"that RUN before line {copy_sm.line}")
    return Violation(_span(copy_sm, src), msg)


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
        inst = dependency_fetch(cmd)
        prog = program(cmd.words)
        if inst is None or inst.role == "tool" and not inst.manifests:
            if prog in _HOUSEKEEPING or inst is not None and inst.tool == "pip":
                continue
            return None
        if inst.role != "deps" or inst.dir or any(w.has_expansion for w in cmd.words):
            return None  # a build reads the sources; `npm --prefix web`: not the copy's directory
        if inst.outputs and (ctx.dockerignore is None or any(not ctx.dockerignore.is_excluded(o) for o in inst.outputs)):
            return None  # a node_modules in the context would replace the one the install made
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
