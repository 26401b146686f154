"""Layers and cache invalidation on the instruction graph, the way BuildKit computes them.

Built on ``layerlint.graph`` (stages, steps, per-step build state) and the syntax layer; knows
nothing about rules, reports or the command line.  Specification: BuildKit's solver as
described in ``research/buildkit.md`` section c.

The model
    Every instruction of a stage becomes a :class:`StepModel`: ``kind`` is ``"from"`` (the
    base), ``"layer"`` (an op that makes a layer: RUN, COPY, ADD, WORKDIR other than ``/``) or
    ``"metadata"`` (image config only: ENV, ARG, LABEL, USER, CMD, ...).  For a layer step,
    ``definition`` is what BuildKit puts in the op's cache key (command text with its shell,
    the environment -- every ENV and every ARG with a value, in the order they were last set,
    as an :class:`~layerlint.cache.envchain.EnvChain` fingerprint --, working dir as written,
    user, mounts, network/security; for COPY/ADD the selectors, resolved destination and flags,
    an octal ``--chmod`` as a number), ``parent`` the op whose result it runs on (the key
    includes it, except for ``COPY --link`` without ``--chmod``), and ``sources``/``mounts``
    the inputs that are keyed on *content*: context paths (after expansion, minus
    ``.dockerignore`` and ``--exclude``, symlinks named as sources followed), paths of another
    stage's or image's result (``COPY --from``, ``RUN --mount=from=``), remote URLs and git
    refs (a ``--checksum`` URL by its checksum).

The what-if (:meth:`CacheModel.simulate`)
    A step of the new build is cached when its key equals the key of a step of the previous
    build.  Keys are computed symbolically for the previous build (the previous Dockerfile or
    the same one, old build-arg values, unchanged files) and for the new one (current
    Dockerfile, changed args, changed context paths), so invalidation follows the DAG: a miss
    changes the key of everything built on it and of nothing else; config-only instructions
    change keys only through the state they give later steps (ENV/ARG into the environment of
    RUNs, USER into RUN and WORKDIR, WORKDIR into paths).  The content of a path in a stage's
    result is represented by the steps that can have written it, from the last one that
    replaced it whole: the base image, every RUN that may write there (``cache.writes``: a RUN
    whose writes are all named, ``echo x > /f``, ``mkdir``, ``cp``..., and elsewhere does not
    count) and the COPY/ADD/WORKDIR ops whose destination overlaps the path (their content,
    not their parent: a COPY re-executed with the same sources writes the same bytes; only the
    changed files that land on the path count).  So a stage that was rebuilt keeps a later
    ``COPY --from`` cached when nothing that re-ran can have written the copied paths.

The verdict is three-valued (:class:`StepResult` ``rebuilt`` and ``certain``): rebuilt for
certain, cached, or rebuilt *unless identical*: a RUN or a base that changed may still write
the same bytes where a ``COPY --from`` or bind mount reads, and only the content can decide.

Not modelled (stated in results where it matters): the registry digest behind a tag (assumed
unchanged unless the FROM text changes), the content behind a remote URL or git branch (assumed
unchanged unless given as changed), the build's own ``--network`` (assumed the default),
Docker's graphdriver image store (no MergeOp: ``COPY --link`` re-runs there as a plain copy),
cache records older than the previous build, ``--no-cache``, cache eviction, and base-image
ENV/WORKDIR (constant, unknown).
"""
from __future__ import annotations

import fnmatch
import json
import os
import posixpath
import re

from ..buildctx.paths import BadPattern, context_relative, go_match
from ..graph import PLATFORM_ARGS, PROXY_ARGS, Graph, Stage, Step, build_graph, image_path, parse_mount
from ..record import Record
from ..syntax.expand import referenced_vars
from ..syntax.model import Dockerfile, Instruction
from .envchain import EnvChain

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Iterable, Optional, Sequence, Union

LAYER_KEYWORDS = frozenset({"RUN", "COPY", "ADD", "WORKDIR"})
METADATA_KEYWORDS = frozenset({"ENV", "ARG", "LABEL", "EXPOSE", "USER", "CMD", "ENTRYPOINT",
                               "HEALTHCHECK", "STOPSIGNAL", "VOLUME", "SHELL", "ONBUILD",
                               "MAINTAINER"})
COST_ORDER = ("compile", "install", "download")
WHOLE_CONTEXT = "."

# Build-arg / ENV names whose value typically changes on every build or commit.
VOLATILE_NAMES = frozenset({
    "BUILD_DATE", "BUILDDATE", "BUILD_TIME", "BUILD_TIMESTAMP", "BUILD_ID", "BUILD_NUMBER",
    "BUILD_VERSION", "BUILD_REF", "BUILD_SHA", "TIMESTAMP", "DATE", "CACHEBUST", "CACHE_BUST",
    "CACHE_DATE", "GIT_SHA", "GIT_COMMIT", "GIT_HASH", "GIT_REF", "GIT_REVISION", "GIT_DESCRIBE",
    "GIT_TAG", "COMMIT", "COMMIT_SHA", "COMMIT_HASH", "COMMIT_REF", "REVISION",
    "SOURCE_COMMIT", "SOURCE_VERSION", "VCS_REF", "VCS_REVISION", "VERSION", "APP_VERSION",
    "RELEASE", "RELEASE_VERSION", "CI_COMMIT_SHA", "CI_COMMIT_SHORT_SHA", "CI_PIPELINE_ID",
    "CI_JOB_ID", "GITHUB_SHA", "GITHUB_RUN_ID", "GITHUB_RUN_NUMBER", "GITHUB_REF",
})
_VOLATILE_SUFFIXES = ("_BUILD_DATE", "_GIT_SHA", "_GIT_COMMIT", "_COMMIT_SHA", "_VCS_REF",
                      "_BUILD_NUMBER", "_BUILD_ID", "_REVISION", "_VERSION", "_TIMESTAMP")


def is_volatile_name(name: str) -> bool:
    """A build arg / ENV name that usually gets a new value per build or commit."""
    up = name.upper()
    if up in VOLATILE_NAMES:
        return True
    # e.g. MYAPP_GIT_SHA, APP_BUILD_DATE; *_VERSION only for app-ish names, not tool versions
    if up.endswith("_VERSION"):
        return up.split("_")[0] in ("APP", "IMAGE", "BUILD", "RELEASE", "PROJECT", "SERVICE")
    return up.endswith(_VOLATILE_SUFFIXES[:-2]) or up.endswith("_TIMESTAMP")


# --------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------

class Source(Record):
    """A content-keyed input of a COPY/ADD or of a RUN bind mount."""
    kind: str  # "context" | "stage" | "image" | "url" | "git" | "heredoc"
    path: str  # context: cleaned context-relative pattern ("." = everything); stage/image: path
    text: str  # as written, after expansion
    stage: Optional[Stage]
    image: Optional[str]
    checksum: Optional[str]  # ADD --checksum
    aliases: list[str]  # context: where a symlink named as the source leads (BuildKit follows it)
    excludes: object  # context: a Dockerignore of the COPY --exclude patterns, or None

    _fields = ("kind", "path", "text", "stage", "image", "checksum", "aliases", "excludes")

    def __init__(
        self,
        kind: str,
        path: str,
        text: str = "",
        stage: Optional[Stage] = None,
        image: Optional[str] = None,
        checksum: Optional[str] = None,
        aliases: list[str] | None = None,
        excludes: object = None,
    ) -> None:
        self.kind = kind
        self.path = path
        self.text = text
        self.stage = stage
        self.image = image
        self.checksum = checksum
        self.aliases = [] if aliases is None else aliases
        self.excludes = excludes

    def selects(self, changed: str) -> bool:
        """Whether a change at context path ``changed`` reaches this (context) source: it names
        the path (or where its symlink leads) and no ``--exclude`` pattern leaves it out."""
        if not any(path_selected(p, changed) for p in [self.path, *self.aliases]):
            return False
        if self.excludes is not None:
            rel = _relative_to_source(self.path, changed)
            if rel and self.excludes.is_excluded(rel):
                return False
        return True

    @property
    def whole_context(self) -> bool:
        return self.kind == "context" and self.path == WHOLE_CONTEXT

    @property
    def has_wildcard(self) -> bool:
        return any(c in self.path for c in "*?[")

    def describe(self) -> str:
        if self.kind == "context":
            return "the whole build context" if self.whole_context else self.path
        if self.kind == "stage":
            return f"{self.path} of stage {self.stage.label if self.stage else '?'}"
        if self.kind == "image":
            return f"{self.path} of image {self.image}"
        return self.text or self.path


class Mount(Record):
    type: str  # bind | cache | tmpfs | secret | ssh
    target: str
    options: dict[str, str]
    source: Optional[Source]  # content-keyed input (bind; cache with from=)

    _fields = ("type", "target", "options", "source")

    def __init__(
        self,
        type: str,
        target: str,
        options: dict[str, str],
        source: Optional[Source] = None,
    ) -> None:
        self.type = type
        self.target = target
        self.options = options
        self.source = source

    def key(self) -> dict:
        """What of the mount enters the RUN's cache key (cache id/sharing do not)."""
        drop = {"id", "sharing"} if self.type == "cache" else set()
        return {"type": self.type, **{k: v for k, v in sorted(self.options.items())
                                      if k not in drop and k != "type"}}


class StepModel(Record):
    instr: Instruction  # as in the file (the ONBUILD instruction for triggers)
    stage: Stage
    index: int  # position in the stage, FROM = 0
    kind: str  # "from" | "layer" | "metadata"
    step: Optional[Step]  # graph step (None for FROM)
    definition: dict  # op definition that enters the key
    parent: Optional["StepModel"]  # op this one runs on (state parent)
    parent_in_key: bool  # False for COPY --link without --chmod
    sources: list[Source]
    mounts: list[Mount]
    dest: Optional[str]  # absolute destination (COPY/ADD/WORKDIR); None: unknown
    args: list[str]  # valued build args it sees (RUN env) or expands
    env: list[str]  # ENV names in its environment (RUN) or expanded
    used_vars: list[str]  # variables expanded in its text
    cost: Optional[str]  # "compile" | "install" | "download"
    cost_detail: str
    unknown: list[str]
    risks: list[str]
    base: Optional[str]  # FROM: image reference, or stage label
    base_stage: Optional[Stage]
    triggers: list["StepModel"]  # FROM <stage>: ONBUILD triggers run here

    _fields = ("instr", "stage", "index", "kind", "step", "definition", "parent", "parent_in_key",
               "sources", "mounts", "dest", "args", "env", "used_vars", "cost", "cost_detail", "unknown",
               "risks", "base", "base_stage", "triggers")
    __eq__ = object.__eq__  # compared by identity
    __hash__ = object.__hash__

    def __init__(
        self,
        instr: Instruction,
        stage: Stage,
        index: int,
        kind: str,
        step: Optional[Step] = None,
        definition: dict | None = None,
        parent: Optional["StepModel"] = None,
        parent_in_key: bool = True,
        sources: list[Source] | None = None,
        mounts: list[Mount] | None = None,
        dest: Optional[str] = None,
        args: list[str] | None = None,
        env: list[str] | None = None,
        used_vars: list[str] | None = None,
        cost: Optional[str] = None,
        cost_detail: str = "",
        unknown: list[str] | None = None,
        risks: list[str] | None = None,
        base: Optional[str] = None,
        base_stage: Optional[Stage] = None,
        triggers: list["StepModel"] | None = None,
    ) -> None:
        self.instr = instr
        self.stage = stage
        self.index = index
        self.kind = kind
        self.step = step
        self.definition = {} if definition is None else definition
        self.parent = parent
        self.parent_in_key = parent_in_key
        self.sources = [] if sources is None else sources
        self.mounts = [] if mounts is None else mounts
        self.dest = dest
        self.args = [] if args is None else args
        self.env = [] if env is None else env
        self.used_vars = [] if used_vars is None else used_vars
        self.cost = cost
        self.cost_detail = cost_detail
        self.unknown = [] if unknown is None else unknown
        self.risks = [] if risks is None else risks
        self.base = base
        self.base_stage = base_stage
        self.triggers = [] if triggers is None else triggers

    # A RUN's environment is an EnvChain shared with the steps around it (its key holds only
    # the chain's fingerprint); the names it lists, its risks and a FROM <stage>'s ONBUILD
    # triggers are worked out when first read: only `explain` reads them, and made for every
    # step they cost O(steps x variables) (and O(children x triggers)).
    chain: Optional[EnvChain] = None  # RUN: the environment it runs with
    _pending_env = False  # RUN: `env` and `args` not listed yet
    _pending_risks = None  # the CacheModel, until `risks` is read
    _pending_triggers = None  # (CacheModel, Stage), until `triggers` is read
    _writes = False  # RUN: run_writes() once computed (False: not yet)

    @property
    def env(self) -> list[str]:
        if self._pending_env:
            self._resolve_env()
        return self._env

    @env.setter
    def env(self, value: list[str]) -> None:
        self._env = value

    @property
    def args(self) -> list[str]:
        if self._pending_env:
            self._resolve_env()
        return self._args

    @args.setter
    def args(self, value: list[str]) -> None:
        self._args = value

    def _resolve_env(self) -> None:
        self._pending_env = False
        items = self.chain.recent() if self.chain is not None else []
        self._env = [k for k, _, kind in items if kind == "env"]
        self._args = [k for k, _, kind in items if kind != "env"]

    def variables(self, limit: int) -> tuple[list[str], list[str], int, int]:
        """``(args, env, total args, total env)``, the lists cut to at most ``limit`` names in
        all (those its text uses first, then the most recently set): O(limit) for a RUN."""
        if self.chain is None or self.keyword != "RUN":
            args, env = self.args, self.env
            if len(args) + len(env) <= limit:
                return list(args), list(env), len(args), len(env)
            keep = set((args + env)[:limit])
            return [a for a in args if a in keep], [e for e in env if e in keep], len(args), len(env)
        c = self.chain
        picked: dict[str, str] = {}
        for n in self.used_vars:
            if len(picked) >= limit:
                break
            if n in c:
                picked[n] = c.kind(n) or "arg"
        for k, _, kind in reversed(c.recent(limit)):
            if len(picked) >= limit:
                break
            picked.setdefault(k, kind)
        return ([k for k, kd in picked.items() if kd != "env"], [k for k, kd in picked.items() if kd == "env"],
                c.count - c.n_env, c.n_env)

    @property
    def risks(self) -> list[str]:
        if self._pending_risks is not None:
            m, self._pending_risks = self._pending_risks, None
            _risks(m, self)
        return self._risks

    @risks.setter
    def risks(self, value: list[str]) -> None:
        self._risks = value

    @property
    def triggers(self) -> list["StepModel"]:
        if self._pending_triggers is not None:
            (m, stage), self._pending_triggers = self._pending_triggers, None
            self._triggers = [_model_step(m, stage, st, 0, trigger=True) for st in stage.base_stage.steps
                              if st.instr.inner is not None]
        return self._triggers

    @triggers.setter
    def triggers(self, value: list["StepModel"]) -> None:
        self._triggers = value

    @property
    def line(self) -> int:
        return self.instr.start_line

    @property
    def keyword(self) -> str:
        return self.instr.effective.keyword

    @property
    def context_sources(self) -> list[Source]:
        return [s for s in self.sources if s.kind == "context"]

    @property
    def short(self) -> str:
        text = " ".join(self.instr.line.split())
        return text if len(text) <= 60 else text[:57] + "..."

    def ancestors(self) -> Iterable["StepModel"]:
        """Ops this one is built on, nearest first (across FROM <stage> chains)."""
        p = self.parent
        seen: set[int] = set()
        while p is not None and id(p) not in seen:
            seen.add(id(p))
            yield p
            p = p.parent


class StepResult(Record):
    """The what-if verdict for one instruction."""
    step: StepModel
    rebuilt: Optional[bool]  # None: no build step (config only, skipped stage, global ARG)
    reason: str  # shown beside the step
    root: Optional[StepModel]  # the step where the first cause lies
    certain: bool  # False: rebuilt because something *may* have changed
    cause: str  # the first cause, in words (the root's own reason)

    _fields = ("step", "rebuilt", "reason", "root", "certain", "cause")

    def __init__(
        self,
        step: StepModel,
        rebuilt: Optional[bool],
        reason: str,
        root: Optional[StepModel] = None,
        certain: bool = True,
        cause: str = "",
    ) -> None:
        self.step = step
        self.rebuilt = rebuilt
        self.reason = reason
        self.root = root
        self.certain = certain
        self.cause = cause


class Simulation(Record):
    results: list[StepResult]
    notes: list[str]
    changed_paths: list[str]
    ignored_paths: list[str]
    changed_args: list[str]

    _fields = ("results", "notes", "changed_paths", "ignored_paths", "changed_args")

    def __init__(
        self,
        results: list[StepResult],
        notes: list[str],
        changed_paths: list[str],
        ignored_paths: list[str],
        changed_args: list[str],
    ) -> None:
        self.results = results
        self.notes = notes
        self.changed_paths = changed_paths
        self.ignored_paths = ignored_paths
        self.changed_args = changed_args

    def by_line(self) -> dict[int, StepResult]:
        return {r.step.line: r for r in self.results}

    def result_for(self, instr: Instruction) -> Optional[StepResult]:
        for r in self.results:
            if r.step.instr is instr:
                return r
        return None


# --------------------------------------------------------------------------------------
# path helpers
# --------------------------------------------------------------------------------------

def path_selected(pattern: str, path: str) -> bool:
    """Whether a change at context path ``path`` reaches source ``pattern`` (both cleaned):
    the pattern names the path or a directory above it, or ``path`` is a directory that
    holds something the pattern names."""
    if pattern == WHOLE_CONTEXT or path == WHOLE_CONTEXT:
        return True
    if not any(c in pattern for c in "*?[\\"):
        return path == pattern or path.startswith(pattern + "/") or pattern.startswith(path + "/")
    try:
        parts = path.split("/")
        for k in range(1, len(parts) + 1):
            if go_match(pattern, "/".join(parts[:k])):
                return True
        pcomps = pattern.split("/")
        return len(parts) < len(pcomps) and go_match("/".join(pcomps[:len(parts)]), path)
    except BadPattern:
        return True  # malformed: assume it does


def _relative_to_source(source: str, changed: str) -> str:
    """``changed`` (a context path) relative to the root a COPY source copies from, the path
    ``--exclude`` patterns are matched against: the source directory, the fixed directory
    above a wildcard, or the context root; "" when ``changed`` is not below it."""
    if source == WHOLE_CONTEXT:
        return changed
    parts = source.split("/")
    fixed = []
    for part in parts:
        if any(c in part for c in "*?["):
            break
        fixed.append(part)
    root = "/".join(fixed)
    if len(fixed) == len(parts):  # no wildcard: a directory's content, or the file itself
        if changed == root:
            return posixpath.basename(root)
    if not root:
        return changed
    return changed[len(root) + 1:] if changed.startswith(root + "/") else ""


def paths_overlap(a: Optional[str], b: Optional[str]) -> bool:
    """Absolute paths (or None: unknown) that can name the same file."""
    if a is None or b is None:
        return True
    if any(c in a + b for c in "*?["):
        return True
    a = posixpath.normpath(a) if a != "/" else "/"
    b = posixpath.normpath(b) if b != "/" else "/"
    if a == "/" or b == "/" or a == b:
        return True
    return a.startswith(b + "/") or b.startswith(a + "/")


def abs_path(path: str) -> str:
    """``path`` made absolute and normalized (never ``//x``)."""
    return posixpath.normpath("/" + path.lstrip("/"))


# Names without an extension that are files, not directories (`COPY Gemfile ./`)
_DOTLESS_FILES = frozenset({"Gemfile", "Pipfile", "Makefile", "GNUmakefile", "Dockerfile", "Containerfile",
                            "Procfile", "Rakefile", "Vagrantfile", "Jenkinsfile", "Brewfile", "Justfile",
                            "justfile", "Caddyfile", "Earthfile", "Tiltfile", "Taskfile", "Podfile",
                            "Snakefile", "Guardfile", "Capfile", "Berksfile", "gradlew", "mvnw"})


def source_is_dir(source_text: str, path: str, context_dir: Optional[str] = None) -> bool:
    """Whether a COPY source names a directory: the build context says so when it holds the
    path; else a trailing ``/`` or a name without an extension (``src``, ``app``), except the
    files that have none (``Gemfile``, ``LICENSE``)."""
    if context_dir is not None and path not in (".", "/"):
        from ..buildctx.paths import context_path  # never outside the context
        on_disk = context_path(context_dir, path.lstrip("/"))
        if on_disk is not None and os.path.lexists(on_disk):
            return os.path.isdir(on_disk)
    if source_text.endswith("/") or path in (".", "/"):
        return True
    name = posixpath.basename(path)
    if name in _DOTLESS_FILES or name.isupper() or name.endswith("file"):
        return False
    if posixpath.basename(posixpath.dirname(path)) in ("bin", "sbin", "scripts", "script", "hack"):
        return False  # bin/install-deps, scripts/entrypoint: executables
    if name.startswith("."):
        return name in (".mvn", ".yarn", ".cargo", ".github", ".config", ".venv", ".git", ".devcontainer")
    return "." not in name


def copy_origin(sm: StepModel, target: str, context_dir: Optional[str] = None
                ) -> Optional[tuple[Source, str, str]]:
    """What COPY/ADD step ``sm`` puts at absolute image path ``target`` (which may be a glob,
    ``/app/*.csproj``): ``(source, where it comes from, how)``, or None when the step writes
    nothing there.  ``where`` is context-relative for a context source and absolute for a
    ``--from`` stage or image; ``how`` is ``"whole"`` (the whole context or a stage's root),
    ``"dir"`` (a directory's content lands in the destination), ``"glob"`` (files matched by
    name land in it) or ``"file"``.  An unknown WORKDIR counts as ``/``, as BuildKit's default."""
    if sm.kind != "layer" or sm.keyword not in ("COPY", "ADD"):
        return None
    raw = sm.definition.get("dest")
    if not isinstance(raw, str):
        return None
    if raw.startswith("?/"):
        raw = image_path(raw[2:], "/") + ("/" if raw.endswith("/") else "")
    dest = raw.rstrip("/") or "/"
    into_dir = raw.endswith("/") or len(sm.sources) > 1
    inside = target == dest or target.startswith(dest.rstrip("/") + "/")
    rel = posixpath.relpath(target, dest) if inside else None
    found = None
    for src in sm.sources:  # the last source that writes the path wins, as the copy does
        if found is not None and found[2] == "whole":
            break  # certain to write it; a guess about a later source does not override that
        if src.kind not in ("context", "stage", "image"):
            continue
        p = src.path
        root = "." if src.kind == "context" else "/"
        if p in (".", "/", "*", "/*"):
            if rel is not None and rel != ".":
                found = (src, posixpath.normpath(posixpath.join(root, rel)), "whole")
            continue
        name = posixpath.basename(p)
        parent = posixpath.dirname(p) or root
        if name == "*":  # `src/*`: the entries of src (their content, for directories)
            if rel is not None and rel != ".":
                found = (src, posixpath.normpath(posixpath.join(parent, rel)), "dir")
            continue
        if src.has_wildcard:  # `package*.json`: each match lands in the destination by name
            if posixpath.dirname(target) == dest and fnmatch.fnmatchcase(posixpath.basename(target), name):
                found = (src, posixpath.normpath(posixpath.join(parent, posixpath.basename(target))), "glob")
            continue
        if source_is_dir(src.text, p, context_dir if src.kind == "context" else None):
            if rel is not None and rel != ".":
                found = (src, posixpath.normpath(posixpath.join(p, rel)), "dir")
            continue
        at = dest.rstrip("/") + "/" + name
        if target == at or (not into_dir and target == dest):
            found = (src, p, "file")
        elif fnmatch.fnmatchcase(name, posixpath.basename(target)) and posixpath.dirname(target) == dest \
                and any(c in target for c in "*?["):
            found = (src, p, "file")  # `COPY App.csproj ./` puts one of /app/*.csproj there
    return found


def _is_url(s: str) -> bool:
    return s.startswith(("http://", "https://"))


def _is_git(s: str) -> bool:
    if s.startswith(("git@", "git://", "ssh://")):
        return True
    if _is_url(s):
        base = s.split("#", 1)[0]
        return base.endswith(".git")
    return False


def _h(obj) -> str:
    import hashlib  # only the what-if simulation hashes (start-up cost: OpenSSL)
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:24]


# --------------------------------------------------------------------------------------
# building the model
# --------------------------------------------------------------------------------------

class CacheModel:
    def __init__(self, graph: Graph, context_dir: Optional[str], dockerfile_path: Optional[str],
                 dockerignore) -> None:
        self.graph = graph
        self.context_dir = context_dir
        self.dockerfile_path = dockerfile_path
        self.dockerignore = dockerignore
        self.steps: list[StepModel] = []  # every instruction inside a stage, file order
        self.global_args: list[Instruction] = list(graph.global_arg_instrs)
        self.notes: list[str] = []
        self._by_instr: dict[int, StepModel] = {}
        self.heads: dict[int, StepModel] = {}  # stage index -> last op of the stage
        self._by_stage: Optional[dict[int, list[StepModel]]] = None  # id(stage) -> its ops, file order
        self._risky: dict[int, object] = {}  # _risky_from, remembered per op
        self._end_chain: dict[int, EnvChain] = {}  # stage index -> its environment at its end
        self._end_wd: dict[int, Optional[str]] = {}  # stage index -> its working directory as written
        self._volatile: Optional[list[str]] = None

    # -- lookups -----------------------------------------------------------------------
    def step_of(self, instr: Instruction) -> Optional[StepModel]:
        return self._by_instr.get(id(instr.parent or instr))

    def stage_steps(self, stage: Stage) -> list[StepModel]:
        if self._by_stage is None:  # indexed once (the model is complete): a scan per stage was quadratic
            self._by_stage = {}
            for s in self.steps:
                self._by_stage.setdefault(id(s.stage), []).append(s)
        return list(self._by_stage.get(id(stage), ()))

    def layers(self) -> list[StepModel]:
        return [s for s in self.steps if s.kind == "layer"]

    def head(self, stage: Stage) -> StepModel:
        return self.heads[stage.index]

    @property
    def dockerfile_context_path(self) -> Optional[str]:
        """The Dockerfile's path inside the context, when it is there and not ignored."""
        if not self.dockerfile_path or not self.context_dir:
            return None
        df = os.path.abspath(self.dockerfile_path)
        ctx = os.path.abspath(self.context_dir)
        if not df.startswith(ctx.rstrip(os.sep) + os.sep):
            return None
        rel = os.path.relpath(df, ctx).replace(os.sep, "/")
        if self.dockerignore is not None and self.dockerignore.is_excluded(rel):
            return None
        return rel

    def is_ignored(self, path: str) -> bool:
        return self.dockerignore is not None and context_relative(path) != "." and \
            self.dockerignore.is_excluded(context_relative(path))

    def depends_on(self, sm: StepModel, limit: Optional[int] = None) -> dict:
        """What invalidates a step, for reports (JSON-ready).  ``limit``: at most that many
        variable names (the totals are then given as ``args_total`` / ``env_total``), so a
        report on thousands of ENV lines stays linear."""
        out: dict = {}
        if sm.kind == "from":
            out["base"] = sm.base
            if sm.base_stage is not None:
                out["stage"] = sm.base_stage.label
            out["steps"] = [sm.parent.line] if sm.parent is not None else []
        elif sm.kind == "layer":
            keyed_parent = sm.parent if sm.parent_in_key else None
            out["parent"] = keyed_parent.line if keyed_parent is not None else None
            deps = [keyed_parent.line] if keyed_parent is not None else []
            ctx: list[str] = []
            stages: list[dict] = []
            remote: list[str] = []
            for src in sm.sources + [mt.source for mt in sm.mounts if mt.source is not None]:
                if src.kind == "context":
                    ctx.append(src.path)
                elif src.kind == "stage" and src.stage is not None:
                    stages.append({"stage": src.stage.label, "path": src.path})
                    deps.append(self.heads[src.stage.index].line)
                elif src.kind == "image":
                    stages.append({"image": src.image or "", "path": src.path})
                elif src.kind in ("url", "git"):
                    remote.append(src.text)
            out["steps"] = sorted(set(deps))
            out["context"] = list(dict.fromkeys(ctx))
            if ctx and self.dockerignore is not None:
                out["ignored"] = [str(p) for p in self.dockerignore.patterns]
            out["stages"] = stages
            if remote:
                out["remote"] = remote
            if sm.mounts:
                out["mounts"] = [mt.key() for mt in sm.mounts]
        if limit is None:
            out["args"] = list(sm.args)
            out["env"] = list(sm.env)
        else:
            args, env, n_args, n_env = sm.variables(limit)
            out["args"], out["env"] = args, env
            if n_args > len(args) or n_env > len(env):
                out["args_total"], out["env_total"] = n_args, n_env
        out["cost"] = sm.cost
        out["unknown"] = list(sm.unknown)
        if sm.risks:
            out["risks"] = list(sm.risks)
        return out

    # -- what-if -----------------------------------------------------------------------
    def simulate(self, changed_paths: Sequence[str] = (), changed_args: Sequence[str] = (),
                 previous: Union[None, str, Dockerfile] = None, previous_build_args: Optional[dict] = None,
                 previous_dockerignore=None, previous_dockerignore_known: bool = False) -> Simulation:
        """The rebuild after ``changed_paths`` (context paths; URLs: new remote content),
        ``changed_args`` (``NAME`` or ``NAME=OLD``, see ``_simulate``) and a previous
        Dockerfile.  ``previous_build_args``: the previous build's args, when known;
        ``previous_dockerignore`` (a Dockerignore, or None for none) counts only with
        ``previous_dockerignore_known``."""
        return _simulate(self, list(changed_paths), list(changed_args), previous, previous_build_args,
                         previous_dockerignore if previous_dockerignore_known else UNKNOWN)


def build_model(graph: Graph, context_dir: Optional[str] = None, dockerfile_path: Optional[str] = None,
                dockerignore=None) -> CacheModel:
    """The cache model of ``graph``.  ``dockerignore`` (a ``Dockerignore``) is loaded from
    ``context_dir`` / beside ``dockerfile_path`` when not given."""
    if dockerignore is None and context_dir is not None:
        from ..buildctx.dockerignore import DockerignoreError, load_for
        try:
            dockerignore = load_for(dockerfile_path or os.path.join(context_dir, "Dockerfile"), context_dir)
        except (DockerignoreError, OSError):
            dockerignore = None
    m = CacheModel(graph, context_dir, dockerfile_path, dockerignore)
    for stage in graph.stages:
        _model_stage(m, stage)
    for s in m.steps:
        if s.kind == "layer" and s.cost is not None:
            s._pending_risks = m
    return m


def _model_stage(m: CacheModel, stage: Stage) -> None:
    fi = stage.from_instr
    fm = StepModel(fi, stage, 0, "from")
    if stage.base_stage is not None:
        fm.base = stage.base_stage.label
        fm.base_stage = stage.base_stage
        fm.parent = m.heads.get(stage.base_stage.index)
        fm.definition = {"op": "stage"}
        fm._pending_triggers = (m, stage)
    else:
        fm.base = stage.base
        fm.definition = {"op": "image", "ref": stage.base, "platform": _platform(m, stage.platform)}
        if stage.is_scratch:
            fm.definition = {"op": "scratch"}
        elif "@sha256:" not in stage.base:
            fm.unknown.append(f"base image {stage.base}: its digest is resolved at build time; "
                              "a new digest behind the tag re-runs every step of the stage")
        if stage.base_unresolved:
            fm.unknown.append("FROM uses " + ", ".join(sorted(stage.base_unresolved)) + " with no value")
        # (looked up in the dict: a set of every global ARG per FROM was quadratic)
        fm.args = sorted({n for n, _, _ in referenced_vars(fi.words[0].text if fi.words else "", m.graph.escape)
                          if n in m.graph.global_args}) if fi.words else []
    m.steps.append(fm)
    m._by_instr[id(fi)] = fm
    head = fm
    base = stage.base_stage
    # the environment (BuildKit's ordered EnvList) and the working directory as written: an
    # absolute WORKDIR is kept as is (`/data/` keeps its slash in the RUN's key)
    chain = m._end_chain.get(base.index, EnvChain()) if base is not None else EnvChain()
    raw_wd = m._end_wd.get(base.index) if base is not None else ("/" if stage.is_scratch else None)
    steps = stage.steps
    for i, st in enumerate(steps, 1):
        sm = _model_step(m, stage, st, i, chain=chain, raw_wd=raw_wd)
        if sm.kind == "layer":
            sm.parent = head
            head = sm
        else:
            sm.parent = head
        m.steps.append(sm)
        m._by_instr[id(st.instr)] = sm
        instr = st.instr
        if instr.inner is None and instr.keyword in ("ENV", "ARG"):
            after = steps[i].state if i < len(steps) else stage.end_state
            chain = _advance_chain(chain, instr, after)
        elif instr.inner is None and instr.keyword == "WORKDIR" and instr.args_text:
            raw_wd = _raw_workdir(st, raw_wd, after=steps[i].state if i < len(steps) else stage.end_state)
    m.heads[stage.index] = head
    m._end_chain[stage.index] = chain
    m._end_wd[stage.index] = raw_wd


# ARGs BuildKit never puts in the environment (dockerfile2llb nonEnvArgs)
_NON_ENV_ARGS = frozenset({"BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"})


def _advance_chain(chain: EnvChain, instr: Instruction, after) -> EnvChain:
    """The environment after an ENV or ARG: each pair with a value is set in order (an ARG
    with a value goes into the environment too, proxy names included: declared, they count
    like any other; undeclared, BuildKit passes them outside the key)."""
    if instr.keyword == "ENV":
        for p in instr.pairs:
            if p.value is not None:
                v = after.env.get(p.key)
                if v is not None:
                    chain = chain.set(p.key, v, "env")
    else:
        for p in instr.pairs:
            v = after.args.get(p.key)
            if v is not None and p.key not in _NON_ENV_ARGS:
                chain = chain.set(p.key, v, "arg")
    return chain


def _raw_workdir(st: Step, raw: Optional[str], after) -> Optional[str]:
    """The working directory after WORKDIR as BuildKit keeps it: an absolute path as written
    (after expansion), a relative one joined and cleaned (NormalizeWorkdir)."""
    path = _expand(st, st.instr.args_text)
    norm = after.workdir
    if path.startswith("/") and norm is not None and image_path(path, "/") == norm:
        return path
    return norm


_PLATFORM_ALIASES = {"x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "armhf": "arm", "armel": "arm"}


def _platform(m: CacheModel, value: Optional[str]) -> str:
    """A FROM's platform as BuildKit resolves it: none given is the target platform, and the
    spelling is normalized (``linux/x86_64`` is ``linux/amd64``, ``arm64/v8`` is ``arm64``), so
    adding ``--platform=$BUILDPLATFORM`` to a single-platform build changes nothing."""
    p = (value or "").strip().lower()
    if not p:
        p = m.graph.build_args.get("TARGETPLATFORM") or PLATFORM_ARGS["TARGETPLATFORM"]
        p = p.strip().lower()
    parts = p.split("/")
    if len(parts) >= 2:
        parts[1] = _PLATFORM_ALIASES.get(parts[1], parts[1])
        if len(parts) == 3 and (parts[1], parts[2]) in (("arm64", "v8"), ("amd64", "v1")):
            parts = parts[:2]
    return "/".join(parts)


def _expand(step: Step, text: str) -> str:
    return step.expand(text)[0]


def _vars_used(m: CacheModel, texts: Iterable[str]) -> list[str]:
    out: list[str] = []
    for t in texts:
        for name, _, _ in referenced_vars(t, m.graph.escape):
            out.append(name)
    return list(dict.fromkeys(out))


def _model_step(m: CacheModel, stage: Stage, st: Step, index: int, trigger: bool = False,
                chain: Optional[EnvChain] = None, raw_wd: Optional[str] = None) -> StepModel:
    instr = st.instr
    eff = instr.effective
    kw = eff.keyword
    sm = StepModel(instr, stage, index, "metadata", step=st)
    state = st.state
    if instr.inner is not None and not trigger:
        return sm  # ONBUILD: config only here; runs in stages built FROM this one
    if kw == "RUN":
        sm.kind = "layer"
        if chain is None:  # an ONBUILD trigger: the environment the child starts with
            base = stage.base_stage
            chain = m._end_chain.get(base.index, EnvChain()) if base is not None else EnvChain()
            raw_wd = m._end_wd.get(base.index) if base is not None else None
        _model_run(m, sm, eff, st, chain, raw_wd)
    elif kw in ("COPY", "ADD"):
        sm.kind = "layer"
        _model_copy(m, sm, eff, st)
    elif kw == "WORKDIR":
        path = _expand(st, eff.args_text) if eff.args_text else ""
        sm.used_vars = _vars_used(m, [eff.args_text])
        dest = image_path(path, state.workdir)
        if dest == "/" or not path:
            sm.kind = "metadata"
        else:
            sm.kind = "layer"
            sm.dest = dest
            sm.definition = {"op": "mkdir", "path": dest or f"?/{path}", "user": state.user or ""}
    else:
        sm.used_vars = _vars_used(m, [eff.args_text]) if kw not in ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK") else []
    if sm.kind == "layer" and kw != "RUN":
        _attribute_vars(m, sm, state, sm.used_vars)
    return sm


def _attribute_vars(m: CacheModel, sm: StepModel, state, names: Iterable[str]) -> None:
    for n in names:
        if n in state.env:
            sm.env.append(n)
        elif state.args.get(n) is not None:
            sm.args.append(n)
    sm.env = list(dict.fromkeys(sm.env))
    sm.args = list(dict.fromkeys(sm.args))


def _model_run(m: CacheModel, sm: StepModel, eff: Instruction, st: Step, chain: EnvChain,
               raw_wd: Optional[str]) -> None:
    state = st.state
    if eff.exec_form is not None:
        argv = list(eff.exec_form)
    else:
        argv = list(state.shell) + [eff.args_text]
    # the builder never expands a RUN heredoc (the shell does, at run time): its text is the key
    heredocs = [{"name": h.name, "fd": h.fd, "body": h.content} for h in eff.heredocs]
    mounts = []
    for f in eff.flags:
        if f.name != "mount" or f.value is None:
            continue
        opts = {k: v for k, (v, _, _) in parse_mount(_expand(st, f.value)).items()}
        mtype = opts.get("type", "bind").lower()
        target = opts.get("target", "")
        mnt = Mount(mtype, target, opts)
        if mtype == "bind" or (mtype == "cache" and "from" in opts):
            src = opts.get("source", "/" if mtype == "bind" else "/")
            frm = opts.get("from")
            if frm:
                stg = m.graph.stage_by_name(frm)
                if stg is not None and stg is not sm.stage and stg.index < sm.stage.index:
                    mnt.source = Source("stage", abs_path(src), src, stage=stg)
                else:
                    mnt.source = Source("image", abs_path(src), src, image=frm)
            else:
                mnt.source = Source("context", context_relative(src), src)
        mounts.append(mnt)
        if mtype == "cache":
            sm.unknown.append(f"cache mount {target}: its content does not enter the cache key "
                              "(it persists between builds without invalidating the step)")
    sm.mounts = mounts
    flags = {f.name: _expand(st, f.value or "") for f in eff.flags if f.name in ("network", "security")}
    if flags.get("network", "").lower() == "default":
        del flags["network"]  # the build's own network: the same op as no flag (dispatchRunNetwork)
    if "network" in flags:
        sm.unknown.append(f"RUN --network={flags['network']}: the same as the build's --network makes no "
                          "difference to the key; otherwise it re-runs when added or removed")
    cwd = raw_wd if raw_wd is not None and state.workdir is not None and \
        image_path(raw_wd, "/") == state.workdir else state.workdir
    sm.definition = {
        "op": "exec", "args": argv, "heredocs": heredocs,
        "env": chain.fingerprint,  # the ordered list itself: sm.chain
        "cwd": cwd or "", "user": state.user or "",
        "mounts": [mt.key() for mt in mounts], **flags,
    }
    sm.chain = chain
    sm._pending_env = True
    sm.used_vars = [n for n in _vars_used(m, [eff.args_text] + [h.content for h in eff.heredocs]) if n in chain]
    cost, detail = _run_cost(m, eff, st)
    sm.cost, sm.cost_detail = cost, detail
    for src in (mt.source for mt in mounts if mt.source is not None):
        if src.kind == "image":
            sm.unknown.append(f"mount from {src.image}: image digest resolved at build time")


def _run_cost(m: CacheModel, eff: Instruction, st: Step) -> tuple[Optional[str], str]:
    """The most expensive thing a RUN does ('compile', 'install', 'download') and the command."""
    from ..shell.packages import cost_kind
    if eff.exec_form is not None:
        from ..shell import parser as shell
        from ..shell.commands import inline_script
        words = [shell.Word(a, a, 0, 0) for a in eff.exec_form]
        inline = inline_script(words)  # RUN ["sh", "-c", "pip install ..."]
        if inline is None:
            cmds = [shell.SimpleCommand(words=words)]
        else:
            from ..shell.run_scripts import RunScript, commands_of
            script = RunScript(eff, eff.parent or eff, inline[1], shell.parse(inline[1]), interpreter=inline[0])
            cmds = [cmd for _, cmd in commands_of([script], {})]
    else:
        cmds = [cmd for _, cmd in m.graph.run_commands(eff)]  # the rules' parse, shared
    best: Optional[str] = None
    detail = ""
    for c in cmds:
        k = cost_kind(c)
        if k is None:
            continue
        if best is None or COST_ORDER.index(k) < COST_ORDER.index(best):
            best = k
            detail = " ".join(w.value for w in c.words[:4])
    return best, detail


def _model_copy(m: CacheModel, sm: StepModel, eff: Instruction, st: Step) -> None:
    state = st.state
    kw = eff.keyword
    if eff.heredocs:
        parts = [w.text for w in eff.words]
    elif eff.exec_form is not None:
        parts = list(eff.exec_form)
    else:
        parts = [w.text for w in eff.words]
    sm.used_vars = _vars_used(m, parts + [f.value or "" for f in eff.flags])
    expanded = [_expand(st, p) for p in parts]
    if len(expanded) < 2:
        sm.definition = {"op": "copy", "invalid": eff.args_text}
        sm.unknown.append(f"{kw} needs a source and a destination")
        return
    srcs, dest = expanded[:-1], expanded[-1]
    flags = {f.name: (_expand(st, f.value) if f.value is not None else True) for f in eff.flags}
    frm = flags.get("from")
    link = bool(flags.get("link")) and flags.get("link") not in ("false", "0")
    src_stage = None
    if isinstance(frm, str) and frm:
        src_stage = frm.isdigit() and int(frm) < len(m.graph.stages) and m.graph.stages[int(frm)] or \
            m.graph.stage_by_name(frm)
        if src_stage is sm.stage or (src_stage is not None and src_stage.index > sm.stage.index):
            src_stage = None
    heredoc_names = {h.name for h in eff.heredocs}
    sources: list[Source] = []
    selectors = []
    excludes = [_expand(st, f.value) for f in eff.flags if f.name == "exclude" and f.value]
    exclude_rules = None
    if excludes:
        from ..buildctx.dockerignore import Dockerignore, DockerignoreError
        try:
            exclude_rules = Dockerignore.parse("\n".join(excludes))
        except DockerignoreError:
            sm.unknown.append(f"{kw} --exclude: a pattern layerlint cannot read; excluded files are assumed to count")
    for raw, s in zip(parts[:-1], srcs):
        if raw.startswith("<<") and raw.lstrip("<-").strip("'\"") in heredoc_names:
            h = next(h for h in eff.heredocs if h.name == raw.lstrip("<-").strip("'\""))
            body = _expand(st, h.content) if h.expand else h.content
            sources.append(Source("heredoc", h.name, raw))
            selectors.append({"heredoc": body})
            continue
        if isinstance(frm, str) and frm:
            p = abs_path(s)
            if src_stage is not None:
                sources.append(Source("stage", p, s, stage=src_stage))
            else:
                sources.append(Source("image", p, s, image=frm))
                sm.unknown.append(f"COPY --from={frm}: image digest resolved at build time; the copy is "
                                  "keyed on the copied files, so a new image re-runs it only if they differ")
            selectors.append(p)
        elif kw == "ADD" and _is_git(s):
            sources.append(Source("git", s, s))
            selectors.append(s)
            ref = s.split("#", 1)[1] if "#" in s else ""
            if not re.fullmatch(r"[0-9a-f]{40}", ref.split(":")[0]):
                sm.unknown.append(f"ADD {s}: the ref is resolved to a commit on every build; "
                                  "a new commit re-runs this step and everything after it")
        elif kw == "ADD" and _is_url(s):
            checksum = flags.get("checksum") if isinstance(flags.get("checksum"), str) else None
            sources.append(Source("url", s, s, checksum=checksum))
            # pinned, the HTTP source's key is the checksum and the file name, not the URL
            selectors.append(["pinned", checksum, posixpath.basename(s.split("?", 1)[0].split("#", 1)[0].rstrip("/"))]
                             if checksum else s)
            if not isinstance(flags.get("checksum"), str):
                sm.unknown.append(f"ADD {s}: re-checked on every build (ETag/Last-Modified); "
                                  "new content re-runs this step and everything after it")
            if sm.cost is None:
                sm.cost, sm.cost_detail = "download", s
        else:
            cp = context_relative(s)
            sources.append(Source("context", cp, s, aliases=_symlink_targets(m, cp), excludes=exclude_rules))
            selectors.append(cp)
            if m.dockerignore is not None and cp != "." and not any(c in cp for c in "*?[") \
                    and m.dockerignore.is_excluded(cp):
                sm.unknown.append(f"{s} is excluded by .dockerignore: the build fails (file not found)")
    sm.sources = sources
    dest_abs = image_path(dest, state.workdir)
    if dest_abs is not None and (dest.endswith("/") or dest in (".", "..")) and dest_abs != "/":
        dest_abs += "/"
    sm.dest = dest_abs.rstrip("/") or "/" if dest_abs is not None else None
    chmod = flags.get("chmod")
    sm.parent_in_key = not (link and not chmod)
    if not sm.parent_in_key:
        sm.unknown.append("COPY --link: reused after a change before it where BuildKit can merge layers (a "
                          "BuildKit builder, Docker's containerd image store); Docker's graphdriver image store "
                          "has no MergeOp, and there it re-runs as an ordinary COPY")
    keyed_flags = {k: v for k, v in flags.items() if k not in ("from", "exclude")}
    if isinstance(chmod, str) and re.fullmatch(r"[0-7]+", chmod):
        keyed_flags["chmod"] = oct(int(chmod, 8))  # an octal mode is a number: 644 and 0644 are one key
    if excludes:
        keyed_flags["exclude"] = excludes
    # COPY --from=<image>: the image is an input keyed on the copied files, not part of the op
    sm.definition = {"op": "copy", "cmd": kw, "sources": selectors,
                     "from": "stage" if src_stage is not None else ("image" if isinstance(frm, str) and frm else None),
                     "dest": dest_abs if dest_abs is not None else f"?/{dest}", "flags": keyed_flags}


def _symlink_targets(m: CacheModel, cp: str) -> list[str]:
    """Where the context paths a COPY source names lead when they are (or go through) symlinks:
    BuildKit follows a symlink named as a source, so editing its target re-runs the COPY."""
    if m.context_dir is None or cp == WHOLE_CONTEXT:
        return []
    from ..buildctx.paths import context_glob, context_path
    root = os.path.abspath(m.context_dir)
    names = context_glob(m.context_dir, cp)[:64] if any(c in cp for c in "*?[") else [cp]
    out: list[str] = []
    for rel in names:
        # resolved inside the context only (context_path never looks outside it, not even lstat)
        real = context_path(m.context_dir, rel)
        if real is None:
            continue
        target = context_relative(os.path.relpath(real, root).replace(os.sep, "/"))
        if target != rel and target != WHOLE_CONTEXT:
            out.append(target)
    return list(dict.fromkeys(out))


def run_writes(m: CacheModel, sm: StepModel) -> Optional[list[str]]:
    """The image paths RUN ``sm`` may write (see ``cache.writes``), None: anywhere.  Worked out
    once per RUN, and only for RUNs in a stage another one copies from."""
    if sm._writes is not False:
        return sm._writes
    from .writes import run_writes as analyse
    eff = sm.instr.effective
    cwd = sm.step.state.workdir if sm.step is not None else None
    chain = sm.chain
    env = chain.get if chain is not None else (lambda name: None)
    targets = [mt.target for mt in sm.mounts]
    found: Optional[list[str]] = None
    if eff.exec_form is not None:
        from ..shell import parser as shell
        from ..shell.commands import inline_script
        words = [shell.Word(a, a, 0, 0) for a in eff.exec_form]
        inline = inline_script(words)  # RUN ["sh", "-c", "mkdir /out"]
        if inline is None:
            found = analyse((), cwd, env, targets, exec_form=list(eff.exec_form))
        else:
            from ..shell.run_scripts import RunScript, commands_of
            script = RunScript(eff, eff.parent or eff, inline[1], shell.parse(inline[1]), interpreter=inline[0])
            found = analyse(list(commands_of([script], {})), cwd, env, targets)
    else:
        from ..shell.run_scripts import lone_heredoc
        scripts = m.graph.run_scripts(eff)
        read = {id(sc.heredoc) for sc in scripts if sc.heredoc is not None}
        if not (eff.heredocs and lone_heredoc(eff) and any(id(h) not in read for h in eff.heredocs)):
            found = analyse(m.graph.run_commands(eff), cwd, env, targets)  # (a python heredoc: anywhere)
    sm._writes = found
    return found


def _replaces(m: CacheModel, op: StepModel, path: str) -> bool:
    """Whether COPY/ADD ``op`` puts one file at exactly ``path`` (so what was there is gone)."""
    if op.kind != "layer" or op.keyword not in ("COPY", "ADD") or len(op.sources) != 1 or op.dest is None:
        return False
    if path != op.dest and not path.startswith(op.dest.rstrip("/") + "/"):
        return False  # it lands at or under its destination
    src = op.sources[0]
    if src.kind not in ("context", "stage", "image") or src.has_wildcard:
        return False
    found = copy_origin(op, path, m.context_dir)
    return found is not None and found[2] == "file"


def _lands_on(m: CacheModel, op: StepModel, src: Source, changed: str, path: str) -> bool:
    """Whether the change at context path ``changed``, copied by ``op`` from ``src``, lands on
    (or around) image path ``path``; True when that cannot be worked out."""
    raw = op.definition.get("dest")
    if not isinstance(raw, str) or op.dest is None:
        return True
    dest = op.dest
    into_dir = raw.endswith("/") or len(op.sources) > 1
    for base in [src.path, *src.aliases]:
        if not path_selected(base, changed):
            continue
        if base == WHOLE_CONTEXT:
            land = posixpath.join(dest, changed)
        elif any(c in base for c in "*?["):
            if changed.count("/") != base.count("/"):
                return True  # a matched directory's content is copied: not followed here
            land = posixpath.join(dest, posixpath.basename(changed))
        elif changed == base or base.startswith(changed + "/"):  # the source itself (or a directory above it)
            is_dir = source_is_dir(src.text, base, m.context_dir)
            land = dest if is_dir or not into_dir else posixpath.join(dest, posixpath.basename(base))
        elif changed.startswith(base + "/"):  # inside a directory source
            land = posixpath.join(dest, changed[len(base) + 1:])
        else:
            return True
        if paths_overlap(land, path):
            return True
    return False


def _may_hold_many(m: CacheModel, src: Source) -> bool:
    """A context source whose set of files a .dockerignore can change (not one named file)."""
    return src.whole_context or src.has_wildcard or source_is_dir(src.text, src.path, m.context_dir)


def _risks(m: CacheModel, sm: StepModel) -> None:
    """Why an expensive step may re-run more often than needed."""
    if sm.kind != "layer" or sm.cost is None:
        return
    found = _risky_from(m, sm.parent)
    if found is not None:
        what, a = found
        if what == "broad":
            sm.risks.append(f"after line {a.line} ({a.short}): any change in the build context re-runs it")
        else:
            sm.risks.append(f"after line {a.line} ({a.short}): remote content re-checked every build")
    if sm.keyword == "RUN" and sm.step is not None:
        st = sm.step.state
        names = _volatile_names(m)
        vol = sorted((n for n in names if n in st.args), key=st.args.seq)
        vol += sorted((n for n in names if n in st.env), key=st.env.seq)
        vol = list(dict.fromkeys(vol))
        if vol:
            sm.risks.append("sees " + ", ".join(vol) + ", which usually changes on every build")


def _risky_from(m: CacheModel, p: Optional[StepModel]):
    """("broad" | "remote", op) for the nearest layer from ``p`` up its ancestors that copies the
    whole context or fetches unchecked remote content, else None.  Remembered per op: walking
    the ancestors of every expensive RUN was quadratic in a stage of thousands of them."""
    memo = m._risky
    path: list[StepModel] = []
    seen: set[int] = set()
    found = None
    while p is not None:
        if id(p) in memo:
            found = memo[id(p)]
            break
        if id(p) in seen:
            break
        seen.add(id(p))
        path.append(p)
        if p.kind == "layer":
            if any(s.whole_context for s in p.context_sources):
                found = ("broad", p)
                break
            if any(s.kind in ("url", "git") and not s.checksum for s in p.sources):
                found = ("remote", p)
                break
        p = p.parent
    for q in path:
        memo[id(q)] = found
    return found


def _volatile_names(m: CacheModel) -> list[str]:
    """The ARG/ENV names of the file that usually change on every build: a RUN sees some of
    them, checked by name instead of listing its whole environment."""
    if m._volatile is None:
        names: dict[str, None] = {}
        for instr in m.graph.dockerfile.instructions:
            if instr.keyword in ("ARG", "ENV"):
                for p in instr.pairs:
                    if is_volatile_name(p.key) and p.key not in PROXY_ARGS:
                        names[p.key] = None
        m._volatile = list(names)
    return m._volatile


# --------------------------------------------------------------------------------------
# keys
# --------------------------------------------------------------------------------------

class _Keys:
    """Symbolic cache keys of one build."""

    def __init__(self, m: CacheModel, changed: Sequence[str], changed_remote: Sequence[str],
                 ignore_unknown: bool = False) -> None:
        self.m = m
        self.changed = list(changed)
        self.changed_remote = set(changed_remote)
        # the .dockerignore changed and its old rules are not known: what a directory, wildcard
        # or whole-context source copied may have entered or left the context
        self.ignore_unknown = ignore_unknown
        self.maybe: dict[int, list[Source]] = {}  # id -> context sources that may differ
        self._writers: dict[tuple[int, str], list[StepModel]] = {}
        self._copy_base: dict[int, str] = {}
        self.key: dict[int, str] = {}  # id(StepModel) -> cache key of the op
        self.state: dict[int, str] = {}  # id -> key of the state later steps run on (differs for --link)
        self.nokey_parent: dict[int, str] = {}  # id -> key without the parent
        self.tokens: dict[int, list[str]] = {}  # id -> content tokens of its inputs
        self.hits: dict[int, list[tuple[Source, list[str]]]] = {}  # id -> context sources hit
        for sm in m.steps:
            self._compute(sm)

    def _compute(self, sm: StepModel) -> None:
        if sm.kind == "metadata":
            return
        if sm.kind == "from":
            if sm.base_stage is not None:
                parent = self.state.get(id(sm.parent)) if sm.parent is not None else None
                trig = []
                for t in sm.triggers:
                    if t.kind == "layer":
                        trig.append([t.definition, self._tokens(t)])
                self.key[id(sm)] = _h(["stage", parent, trig])
            else:
                self.key[id(sm)] = _h(["from", sm.definition])
            self.state[id(sm)] = self.key[id(sm)]
            return
        toks = self._tokens(sm)
        self.tokens[id(sm)] = toks
        own = _h([sm.definition, toks])
        self.nokey_parent[id(sm)] = own
        parent = self.state.get(id(sm.parent)) if sm.parent is not None else None
        if sm.parent_in_key:
            self.key[id(sm)] = self.state[id(sm)] = _h([own, parent])
        else:  # COPY --link: the copy is keyed alone, then merged onto the parent's state
            self.key[id(sm)] = _h([own, None])
            self.state[id(sm)] = _h(["merge", own, parent])

    def _tokens(self, sm: StepModel) -> list[str]:
        out = []
        hits = []
        maybe = []
        for src in sm.sources + [mt.source for mt in sm.mounts if mt.source is not None]:
            if src.kind == "context":
                hit = [p for p in self.changed if src.selects(p)]
                if hit:
                    hits.append((src, hit))
                unsure = self.ignore_unknown and not hit and _may_hold_many(self.m, src)
                if unsure:
                    maybe.append(src)
                out.append(_h(["ctx", src.path, bool(hit), unsure]))
            elif src.kind == "stage" and src.stage is not None:
                out.append(self.stage_content(src.stage, src.path))
            elif src.kind == "url" and src.checksum:
                out.append(_h(["url", src.checksum]))  # never re-fetched: new content would fail the build
            elif src.kind in ("url", "git"):
                out.append(_h([src.kind, src.text, src.text in self.changed_remote]))
            elif src.kind == "image":
                out.append(_h(["image", src.image, src.path]))
            else:
                out.append("heredoc")
        self.hits[id(sm)] = hits
        if maybe:
            self.maybe[id(sm)] = maybe
        return out

    def writers(self, stage: Stage, path: str) -> list[StepModel]:
        """The ops of ``stage``'s chain whose output can hold ``path`` (base first), from the
        last one that replaces it whole: the base, every RUN that may write there (one whose
        writes are known and elsewhere is not), the COPY/ADD/WORKDIR whose destination
        overlaps it.  A COPY of one file onto exactly ``path`` replaces what was there."""
        memo = self._writers.get((stage.index, path))
        if memo is not None:
            return memo
        head = self.m.heads[stage.index]
        chain = [head, *head.ancestors()]
        chain.reverse()
        out: list[StepModel] = []
        for op in chain:
            if op.kind == "from":
                if op.base_stage is None:
                    out.append(op)
                else:
                    out.extend(t for t in op.triggers if t.kind == "layer")
            elif op.keyword == "RUN":
                w = run_writes(self.m, op)
                if w is None or any(paths_overlap(x, path) for x in w):
                    out.append(op)
            elif paths_overlap(op.dest, path):
                if _replaces(self.m, op, path):
                    out = []
                out.append(op)
        self._writers[(stage.index, path)] = out
        return out

    def stage_content(self, stage: Stage, path: str) -> str:
        parts = [path]
        for op in self.writers(stage, path):
            if op.kind == "from" or op.keyword == "RUN":
                parts.append(self.key.get(id(op)) or self._trigger_key(op))
            else:
                parts.append(self._copy_token(op, path))
        return _h(["stage-content", parts])

    def _copy_token(self, op: StepModel, path: str) -> str:
        """What a COPY/ADD/WORKDIR contributes to the content at ``path``: its own definition and
        inputs (not its parent: a copy re-executed with the same sources writes the same bytes),
        counting only the changed context files that land on ``path``."""
        if id(op) not in self.nokey_parent:
            return self._trigger_key(op)
        base = self._copy_base.get(id(op))
        if base is None:  # once per op: a stage chain asks it for every path copied from it
            toks = self.tokens.get(id(op)) or []
            base = self._copy_base[id(op)] = _h(["copy-at", op.definition, [t for t, src in zip(toks, op.sources)
                                                                            if src.kind != "context"]])
        hits = self.hits.get(id(op)) or []
        landing = sorted(p for src, ps in hits for p in ps if _lands_on(self.m, op, src, p, path))
        maybe = bool(self.maybe.get(id(op)))
        return _h([base, landing, maybe]) if landing or maybe else base

    def _trigger_key(self, op: StepModel) -> str:
        return _h([op.definition, self._tokens(op)])


# --------------------------------------------------------------------------------------
# simulation
# --------------------------------------------------------------------------------------

_SENTINEL = "\x00layerlint-changed"


def _target_name(graph: Graph) -> Optional[str]:
    t = graph.target
    if t is None or t is graph.stages[-1]:
        return None
    return t.name


UNKNOWN = object()  # simulate(previous_dockerignore=...): not known


def _simulate(m: CacheModel, changed_paths: list[str], changed_args: list[str],
              previous: Union[None, str, Dockerfile], previous_build_args: Optional[dict] = None,
              previous_dockerignore=UNKNOWN) -> Simulation:
    g = m.graph
    notes: list[str] = []
    # -- build args: the previous build's values --------------------------------------
    # NAME=OLD: the previous build passed OLD; NAME alone: it did not pass NAME when this build
    # does (its default applied), else the old value is unknown and the new build gets a value
    # it never had
    cur_args = dict(g.build_args)
    old_args = dict(cur_args) if previous_build_args is None else {k: str(v) for k, v in previous_build_args.items()}
    names: list[str] = []
    unknown_args: list[str] = []
    for spec in changed_args:
        name, eq, old_value = spec.partition("=")
        names.append(name)
        if eq:
            old_args[name] = old_value
        elif previous_build_args is None:
            if name in cur_args:
                old_args.pop(name, None)
            else:
                unknown_args.append(name)
    if previous_build_args is not None:
        names += [k for k in sorted(set(old_args) | set(cur_args)) if old_args.get(k) != cur_args.get(k)
                  and k not in names]
    names = list(dict.fromkeys(names))
    if unknown_args:
        new_args = dict(cur_args)
        for a in unknown_args:
            new_args[a] = (new_args.get(a) or "") + _SENTINEL
        g_new = build_graph(g.dockerfile, new_args, _target_name(g))
        m_new = build_model(g_new, m.context_dir, m.dockerfile_path, m.dockerignore)
    else:
        m_new = m
    if names:
        declared = _declared_args(g)
        for a in names:
            if a not in declared:
                extra = (" (a proxy build arg reaches RUN without an ARG, but stays out of the cache key)"
                         if a in PROXY_ARGS else "")
                notes.append(f"build arg {a} is not declared by any ARG: changing it re-runs nothing{extra}")
    # -- the previous build ------------------------------------------------------------
    prev_df: Optional[Dockerfile] = None
    if previous is not None:
        if isinstance(previous, Dockerfile):
            prev_df = previous
        else:
            from ..syntax import parse
            prev_df = parse(previous, "previous")
    if prev_df is not None or old_args != cur_args:
        old_df = prev_df if prev_df is not None else g.dockerfile
        tname = _target_name(g)
        g_old = build_graph(old_df, old_args, tname if tname is not None and _has_stage(old_df, tname) else None)
        m_old = build_model(g_old, m.context_dir, m.dockerfile_path, m.dockerignore)
    else:
        m_old = m
    changed_args = names
    # -- changed paths -----------------------------------------------------------------
    changed: list[str] = []
    ignored: list[str] = []
    remote: list[str] = []
    ctx_abs = os.path.abspath(m.context_dir) if m.context_dir else None
    for p in changed_paths:
        if _is_url(p) or _is_git(p):
            remote.append(p)
            continue
        if ctx_abs and os.path.isabs(p) and (p == ctx_abs or p.startswith(ctx_abs.rstrip(os.sep) + os.sep)):
            p = os.path.relpath(p, ctx_abs)  # an absolute path inside the context
        cp = context_relative(p)
        if cp != "." and m.is_ignored(cp):
            ignored.append(cp)
        else:
            changed.append(cp)
    if prev_df is not None and prev_df.text != g.dockerfile.text:
        rel = m.dockerfile_context_path
        if rel is not None and rel not in changed:
            changed.append(rel)
            notes.append(f"the Dockerfile is inside the build context ({rel}) and not ignored: "
                         "its own edit counts as a changed file for COPY/ADD of it")
    ignore_files = _ignore_file_paths(m)
    for p in ignored:
        if p not in ignore_files:
            notes.append(f"{p} is excluded by .dockerignore: its change re-runs nothing")
    # -- a changed .dockerignore: what entered or left the context ---------------------
    ignore_unknown = False
    if previous_dockerignore is not UNKNOWN:
        if _rules(previous_dockerignore) != _rules(m.dockerignore):
            moved, complete = _ignore_moves(m, previous_dockerignore)
            for p in moved:
                if p not in changed:
                    changed.append(p)
            shown = ", ".join(moved[:5]) + (f" and {len(moved) - 5} more" if len(moved) > 5 else "")
            notes.append("the .dockerignore rules changed: " + (f"{shown} entered or left the build context"
                                                                if moved else "no context file entered or left the build context"))
            if not complete:
                ignore_unknown = True
                notes.append(f"the build context has more than {_WALK_LIMIT} entries: the rest was not compared")
    elif any(p in ignore_files for p in changed + ignored):
        ignore_unknown = True
        notes.append("the .dockerignore changed and its previous rules are not known: what entered or left the "
                     "build context cannot be known, so a step copying a directory, a wildcard or the whole "
                     "context is rebuilt unless its files come out the same (--since REF reads the old rules, "
                     "--previous-dockerignore FILE takes them)")
    old_keys = _Keys(m_old, [], [])
    new_keys = _Keys(m_new, changed, remote, ignore_unknown)
    old_set = set()
    old_heads = set()
    for sm in m_old.steps:
        if sm.stage.needed and sm.kind in ("layer", "from") and id(sm) in old_keys.key:
            old_set.add(old_keys.key[id(sm)])
    for st in m_old.graph.stages:
        if st.needed:
            old_heads.add(old_keys.key[id(m_old.heads[st.index])])
    counterpart = _counterparts(m_new, m_old, prev_df is not None)
    orig = {id(a): b for a, b in zip(m_new.steps, m.steps)}
    results: list[StepResult] = []
    res_by_id: dict[int, StepResult] = {}
    for sm_new, sm in zip(m_new.steps, m.steps):
        r = _verdict(m_new, sm_new, new_keys, old_keys, old_set, counterpart, res_by_id, changed_args)
        res_by_id[id(sm_new)] = r
        results.append(r)
    final = []
    for r in results:  # report on the caller's model
        root = orig.get(id(r.root), r.root) if r.root is not None else None
        final.append(StepResult(orig[id(r.step)], r.rebuilt, r.reason, root, r.certain, r.cause))
    return Simulation(final, notes, changed, ignored, list(changed_args))


_WALK_LIMIT = 20000


def _ignore_file_paths(m: CacheModel) -> set[str]:
    """Context paths of the ignore files that can apply to this build."""
    out = {".dockerignore"}
    ctx = os.path.abspath(m.context_dir) if m.context_dir else None
    for path in ([m.dockerignore.path] if m.dockerignore is not None and m.dockerignore.path else []) + \
            ([m.dockerfile_path + ".dockerignore"] if m.dockerfile_path else []):
        ap = os.path.abspath(path)
        if ctx and ap.startswith(ctx.rstrip(os.sep) + os.sep):
            out.add(os.path.relpath(ap, ctx).replace(os.sep, "/"))
    return out


def _rules(ignore) -> list[str]:
    return [] if ignore is None else [str(p) for p in ignore.patterns]


def _ignore_moves(m: CacheModel, previous) -> tuple[list[str], bool]:
    """Context paths excluded by one of the previous and the current ignore rules but not by
    the other (a directory stands for what is under it), and whether every entry was seen."""
    if not m.context_dir or not os.path.isdir(m.context_dir):
        return [], False
    root = os.path.abspath(m.context_dir)
    cur = m.dockerignore
    moved: list[str] = []
    seen = 0
    todo = [""]
    while todo:  # symlinks are entries, never followed (nothing outside the context is looked at)
        rel_dir = todo.pop()
        try:
            with os.scandir(os.path.join(root, rel_dir) if rel_dir else root) as it:
                entries = sorted((e.name, e.is_dir(follow_symlinks=False)) for e in it)
        except OSError:
            continue
        for name, is_dir in entries:
            seen += 1
            if seen > _WALK_LIMIT:
                return moved, False
            rel = f"{rel_dir}/{name}" if rel_dir else name
            was = previous is not None and previous.is_excluded(rel)
            now = cur is not None and cur.is_excluded(rel)
            if was != now:
                moved.append(rel)
            elif is_dir:
                todo.append(rel)
    return sorted(moved), True


def _declared_args(g: Graph) -> set[str]:
    out = set(g.global_args)
    for s in g.steps():
        if s.instr.effective.keyword == "ARG":
            out.update(p.key for p in s.instr.effective.pairs)
    return out


def _has_stage(df: Dockerfile, name: str) -> bool:
    for i in df.instructions:
        if i.keyword == "FROM" and len(i.words) >= 3 and i.words[2].text.lower() == name.lower():
            return True
    return False


def _counterparts(m_new: CacheModel, m_old: CacheModel, diffed: bool) -> dict[int, StepModel]:
    """new StepModel id -> the previous build's StepModel of the same instruction."""
    if not diffed:
        return {id(a): b for a, b in zip(m_new.steps, m_old.steps)}

    def sig(s: StepModel) -> str:
        return s.keyword
    a = [s for s in m_new.steps]
    b = [s for s in m_old.steps]
    out: dict[int, StepModel] = {}
    import difflib
    sm = difflib.SequenceMatcher(None, [" ".join(s.instr.line.split()) for s in a],
                                 [" ".join(s.instr.line.split()) for s in b], autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                out[id(a[i1 + k])] = b[j1 + k]
        elif tag == "replace":
            # pair instructions of the same keyword in order (an edited line)
            olds = list(b[j1:j2])
            for s in a[i1:i2]:
                for o in olds:
                    if sig(o) == sig(s):
                        out[id(s)] = o
                        olds.remove(o)
                        break
    return out


def _own(sm: StepModel, cause: str, certain: bool = True, root: Optional[StepModel] = None) -> StepResult:
    return StepResult(sm, True, cause, root or sm, certain, cause)


def _downstream(sm: StepModel, via: str, pr: StepResult) -> StepResult:
    root = pr.root or pr.step
    if root is pr.step:
        text = f"{via}, which is rebuilt: {pr.cause}"
    else:
        text = f"{via}, rebuilt because of line {root.line}: {pr.cause}"
    return StepResult(sm, True, text, root, pr.certain, pr.cause)


def _verdict(m: CacheModel, sm: StepModel, nk: _Keys, ok: _Keys, old_set: set,
             counterpart: dict, res: dict, changed_args: list[str]) -> StepResult:
    """``sm`` is a step of the new build's model ``m``."""
    stage = sm.stage
    if not stage.needed:
        t = m.graph.target
        return StepResult(sm, None, f"stage {stage.label} is not needed for target "
                                    f"{t.label if t else '?'}: not built")
    if sm.kind == "metadata":
        return StepResult(sm, None, _metadata_reason(sm))
    key = nk.key[id(sm)]
    old = counterpart.get(id(sm))
    if sm.kind == "from":
        if key in old_set:
            if sm.base_stage is not None:
                return StepResult(sm, False, f"stage {sm.base_stage.label} is unchanged")
            if sm.definition.get("op") == "scratch":
                return StepResult(sm, False, "scratch")
            return StepResult(sm, False, f"base {_show(sm.base)} unchanged (assuming the same digest)")
        if sm.base_stage is not None:
            pr = res.get(id(sm.parent)) if sm.parent is not None else None
            if pr is not None and pr.rebuilt:
                return _downstream(sm, f"built on stage {sm.base_stage.label}", pr)
            return _own(sm, f"the ONBUILD triggers of stage {sm.base_stage.label} changed")
        was = old.base if old is not None and old.kind == "from" else None
        args = [a for a in changed_args if a in sm.args]
        if args:
            why = f"base image changed: build arg {', '.join(args)} is used in FROM"
        elif was is not None and was != sm.base:
            why = f"base image changed: {_show(was)} -> {_show(sm.base)}"
        elif old is not None and old.kind == "from" and old.definition != sm.definition:
            why = "base image platform changed"
        else:
            why = f"base image {_show(sm.base)} was not used by the previous build"
        return _own(sm, why)
    # a layer
    if key in old_set:
        return StepResult(sm, False, _cached_reason(m, sm, res))
    parent = sm.parent
    if sm.parent_in_key and parent is not None:
        pr = res.get(id(parent))
        if pr is not None and pr.rebuilt:
            if not pr.certain:  # its own change, if any, makes it certain
                own = _own_change(m, sm, old, nk, changed_args)
                if own:
                    return _own(sm, own)
            return _downstream(sm, f"after line {parent.line}", pr)
        # a cached COPY --link is merged onto the state before it: that state may have changed
        link = parent
        while link is not None and not link.parent_in_key and link.kind == "layer":
            lr = res.get(id(link.parent)) if link.parent is not None else None
            if lr is not None and lr.rebuilt:
                return _downstream(sm, f"after line {parent.line} (COPY --link, merged onto line "
                                       f"{link.parent.line})", lr)
            link = link.parent
    hits = nk.hits.get(id(sm)) or []
    if old is not None and old.kind == "layer":
        diffs = _definition_diff(old, sm, changed_args)
        if diffs:
            return _own(sm, diffs)
        if old.parent_in_key and sm.parent_in_key and old.parent is not None and parent is not None \
                and ok.state.get(id(old.parent)) != nk.state.get(id(parent)):
            return _own(sm, f"the step before it changed: the previous build ran it after `{old.parent.short}`")
    if hits:
        paths = list(dict.fromkeys(p for _, ps in hits for p in ps))
        text = _paths_text(m, paths)
        if sm.keyword == "RUN":
            text += " (bind-mounted)"
        return _own(sm, text)
    maybe = nk.maybe.get(id(sm))
    if maybe:
        return _own(sm, "the .dockerignore changed and its previous rules are not known: what "
                        f"{maybe[0].describe()} holds may have entered or left the build context "
                        "(rebuilt unless the copied files are the same; --since REF reads the old rules)", False)
    remote = [s for s in sm.sources if s.kind in ("url", "git") and s.text in nk.changed_remote and not s.checksum]
    if remote:
        return _own(sm, f"remote content changed: {remote[0].text}")
    inputs = sm.sources + [mt.source for mt in sm.mounts if mt.source is not None]
    old_inputs = (old.sources + [mt.source for mt in old.mounts if mt.source is not None]) if old is not None else []
    for k, src in enumerate(inputs):
        if src.kind != "image":
            continue
        was = old_inputs[k] if k < len(old_inputs) and old_inputs[k].kind == "image" else None
        if was is not None and was.image != src.image:
            return _own(sm, f"--from image changed: {was.image} -> {src.image}; the copy is keyed on the "
                            f"copied files: rebuilt unless {src.path} is the same in both", False)
    for src in inputs:
        if src.kind != "stage" or src.stage is None:
            continue
        tok = nk.stage_content(src.stage, src.path)
        if old is not None and tok in (ok.tokens.get(id(old)) or []):
            continue
        why, certain, root = _stage_change_text(m, nk, old_set, src, res)
        if root is not None and root is not sm:
            return StepResult(sm, True, why, root, certain, why)
        return _own(sm, why, certain)
    if old is None:
        return _own(sm, "new instruction (not in the previous Dockerfile)")
    return _own(sm, "its cache key changed")


def _own_change(m: CacheModel, sm: StepModel, old: Optional[StepModel], nk: _Keys, changed_args: list[str]) -> str:
    """A certain cause of its own (its definition, changed context files), or ""."""
    if old is not None and old.kind == "layer":
        diffs = _definition_diff(old, sm, changed_args)
        if diffs:
            return diffs
    hits = nk.hits.get(id(sm)) or []
    if hits:
        return _paths_text(m, list(dict.fromkeys(p for _, ps in hits for p in ps)))
    return ""


def _show(ref: Optional[str]) -> str:
    return (ref or "").replace(_SENTINEL, "'")


def _paths_text(m: CacheModel, paths: list[str]) -> str:
    """``a.py changed``, ``b.py was added or deleted``, ``a.py, b.py and 2 more changed``."""
    def gone(p: str) -> bool:
        from ..buildctx.paths import context_path  # never outside the context
        q = context_path(m.context_dir, p)
        return m.context_dir is not None and (q is None or not os.path.lexists(q))
    present = [p for p in paths if not gone(p)]
    absent = [p for p in paths if gone(p)]
    out = []
    for group, verb in ((present, "changed"), (absent, "added or deleted")):
        if not group:
            continue
        shown = ", ".join(group[:3]) + (f" and {len(group) - 3} more" if len(group) > 3 else "")
        plural = len(group) > 1
        out.append(f"{shown} {verb if verb == 'changed' else ('were ' if plural else 'was ') + verb}")
    return "; ".join(out)


def _definition_diff(old_sm: StepModel, sm: StepModel, changed_args: list[str]) -> str:
    old, new = old_sm.definition, sm.definition
    if old.get("op") != new.get("op"):
        return "the instruction changed"
    out = []
    if new.get("op") == "exec":
        if old.get("args") != new.get("args"):
            if old.get("args", [])[:-1] != new.get("args", [])[:-1] and sm.instr.effective.exec_form is None:
                out.append("the SHELL changed")
            else:
                out.append("its command text changed")
        if old.get("heredocs") != new.get("heredocs"):
            out.append("its heredoc script changed")
        if old.get("env") != new.get("env"):
            out.append(_env_diff(old_sm, sm, changed_args))
        for f, label in (("cwd", "working directory"), ("user", "USER"), ("mounts", "--mount options"),
                         ("network", "--network"), ("security", "--security")):
            if old.get(f) != new.get(f):
                out.append(f"its {label} changed")
    elif new.get("op") == "copy":
        for f, label in (("cmd", "instruction"), ("sources", "sources"), ("dest", "destination"),
                         ("flags", "flags"), ("from", "--from")):
            if old.get(f) != new.get(f):
                out.append(f"its {label} changed")
    elif new.get("op") == "mkdir":
        if old.get("path") != new.get("path"):
            out.append(f"the directory changed: {old.get('path')} -> {new.get('path')}")
        if old.get("user") != new.get("user"):
            out.append("USER changed (WORKDIR creates the directory as the current user)")
    else:
        if old != new:
            out.append("the instruction changed")
    return "; ".join(out).replace(_SENTINEL, "")


def _env_diff(old_sm: StepModel, sm: StepModel, changed_args: list[str]) -> str:
    """Which variables of a RUN's environment differ (listing both: only when the keys differ)."""
    oi = old_sm.chain.items() if old_sm.chain is not None else []
    ni = sm.chain.items() if sm.chain is not None else []
    oe, ne = dict(oi), dict(ni)
    changed_names = {a.partition("=")[0] for a in changed_args}

    def label(k: str) -> str:
        kind = (sm.chain.kind(k) if sm.chain is not None and k in sm.chain else None) or \
            (old_sm.chain.kind(k) if old_sm.chain is not None else None)
        if kind != "env" and k in changed_names:
            return f"build arg {k}"
        return f"ENV {k}" if kind == "env" else f"ARG {k}"
    envd = sorted(k for k in set(oe) | set(ne) if oe.get(k) != ne.get(k))
    if envd:
        shown = [label(k) for k in envd[:8]] + ([f"{len(envd) - 8} more"] if len(envd) > 8 else [])
        return "its environment changed: " + ", ".join(shown)
    # the same names and values in another order: BuildKit keys the list as ordered
    opos = {k: i for i, (k, _) in enumerate(oi)}
    order = [k for k, _ in ni]
    by_old = sorted(order, key=lambda n: opos.get(n, -1))
    moved = [k for k, j in zip(order, by_old) if k != j]
    return "the order of its environment changed (" + ", ".join(label(k) for k in (moved or order)[:6]) + \
        "): BuildKit keys the variables in the order they were last set"


def _stage_change_text(m: CacheModel, nk: _Keys, old_set: set, src: Source, res: dict
                       ) -> tuple[str, bool, Optional[StepModel]]:
    """Why the content of ``src.path`` in its stage may differ from the previous build:
    (reason, certain, the step where it starts).  Certain only when a copy put changed files
    there; a RUN that re-ran, a new base or an edited copy may still write the same bytes."""
    writers = nk.writers(src.stage, src.path)
    label = src.stage.label
    for op in writers:  # a copy that wrote changed files there: certain
        if op.kind == "layer" and op.keyword != "RUN":
            hits = [p for s2, ps in (nk.hits.get(id(op)) or []) for p in ps if _lands_on(m, op, s2, p, src.path)]
            if hits:
                return (f"{src.path} of stage {label} changed: line {op.line} ({op.short}) copies it, and "
                        + _paths_text(m, hits), True, op)
    for op in writers:
        r = res.get(id(op))
        rebuilt = r.rebuilt if r is not None else nk.key.get(id(op)) not in old_set
        if not rebuilt:
            continue
        if op.kind == "from":
            return (f"stage {label} has a new base: rebuilt unless {src.path} comes out the same", False, op)
        if op.keyword == "RUN":
            w = run_writes(m, op)
            what = (f"which writes {src.path}" if w is not None else
                    "and what it writes cannot be known")
            return (f"stage {label} re-ran line {op.line} ({op.short}), {what}: rebuilt unless "
                    f"{src.path} comes out the same", False, op)
        return (f"line {op.line} ({op.short}) of stage {label} changed what it writes to {src.path}: "
                "rebuilt unless the files come out the same", False, op)
    return (f"{src.path} of stage {label} may have changed: rebuilt unless it comes out the same", False, None)


def _cached_reason(m: CacheModel, sm: StepModel, res: dict) -> str:
    for s in sm.sources + [mt.source for mt in sm.mounts if mt.source is not None]:
        if s.kind != "stage" or s.stage is None:
            continue
        r = res.get(id(m.heads[s.stage.index]))
        if r is not None and r.rebuilt:
            return (f"stage {s.stage.label} is rebuilt, but {s.path} cannot have changed: nothing "
                    f"that re-runs there writes to it")
    if not sm.parent_in_key and sm.parent is not None:
        r = res.get(id(sm.parent))
        if r is not None and r.rebuilt:
            return "COPY --link: its layer does not depend on the steps before it"
    return "cached: its inputs are unchanged"


def _metadata_reason(sm: StepModel) -> str:
    kw = sm.keyword
    if kw in ("ENV", "ARG"):
        return "config only (no layer); its value enters the environment of later RUNs"
    if kw == "USER":
        return "config only (no layer); later RUNs and WORKDIRs run as this user"
    if kw == "SHELL":
        return "config only (no layer); later shell-form RUNs use this shell"
    if kw == "WORKDIR":
        return "WORKDIR / makes no layer"
    if kw == "ONBUILD":
        return "config only here; the trigger runs in stages built FROM this one"
    return "config only (no layer): invalidates nothing"


def explain_reason(m: CacheModel, sm: StepModel) -> str:
    """What invalidates a step, in words (no what-if)."""
    if not sm.stage.needed:
        t = m.graph.target
        return f"stage {sm.stage.label} is not needed for target {t.label if t else '?'}: not built"
    if sm.kind == "metadata":
        return _metadata_reason(sm)
    if sm.kind == "from":
        if sm.base_stage is not None:
            return f"continues stage {sm.base_stage.label}: re-runs when anything in it changes"
        if sm.definition.get("op") == "scratch":
            return "empty base (scratch)"
        return f"base image {sm.base}; a different image or digest re-runs every step of the stage"
    parts = []
    kw = sm.keyword
    if kw == "RUN":
        what = "its command"
        args, env, n_args, n_env = sm.variables(4)
        envs = [f"ARG {a}" for a in args] + [f"ENV {e}" for e in env]
        if envs:
            more = n_args + n_env - len(envs)
            shown = ", ".join(envs) + (f" (+{more})" if more > 0 else "")
            what += f", its environment ({shown})"
        what += ", working dir, user"
        if sm.mounts:
            what += ", --mount options"
        parts.append(what)
        for mt in sm.mounts:
            if mt.source is not None and mt.source.kind == "context":
                parts.append(f"the content of {mt.source.describe()} (bind mount)")
            elif mt.source is not None and mt.source.kind == "stage":
                parts.append(f"{mt.source.describe()} (bind mount)")
    elif kw in ("COPY", "ADD"):
        srcs = []
        for s in sm.sources:
            if s.kind == "context":
                srcs.append(s.describe() + (" (minus .dockerignore)" if s.whole_context and m.dockerignore else ""))
            elif s.kind == "heredoc":
                continue
            else:
                srcs.append(s.describe())
        if srcs:
            parts.append("the content and mode of " + ", ".join(srcs))
        parts.append("its sources, destination and flags")
        if sm.args or sm.env:
            parts.append("the values of " + ", ".join(sm.args + sm.env))
    elif kw == "WORKDIR":
        parts.append("the path and the current USER")
    if sm.parent is not None and sm.parent_in_key:
        parts.append(f"line {sm.parent.line} ({sm.parent.short})")
    elif sm.parent is not None:
        parts.append("not the steps before it (--link)")
    return "re-runs when any of these change: " + "; ".join(parts)
