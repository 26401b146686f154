"""Instruction graph: stages, the edges between them, and the build state at every step.

Built from the syntax layer only.  Follows BuildKit's dispatch (convert.go): global ARGs feed
FROM lines only, ``ARG NAME`` re-imports a global inside a stage, ENV overrides ARG, every
expansion in an instruction sees the state *before* it, and only stages reachable from the
target are built.
"""
from __future__ import annotations

import posixpath

from .record import Record
from .syntax.expand import ExpandError, expand_with_unmatched
from .syntax.model import Dockerfile, Instruction, SyntaxProblem, Word

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Mapping, Optional

PLATFORM_ARGS = {
    "BUILDPLATFORM": "linux/amd64", "BUILDOS": "linux", "BUILDARCH": "amd64", "BUILDVARIANT": "",
    "BUILDOSVERSION": "",
    "TARGETPLATFORM": "linux/amd64", "TARGETOS": "linux", "TARGETARCH": "amd64", "TARGETVARIANT": "",
    "TARGETOSVERSION": "",
}
# Passed to RUN by the builder without an ARG, and kept out of the cache key.
PROXY_ARGS = frozenset("HTTP_PROXY http_proxy HTTPS_PROXY https_proxy FTP_PROXY ftp_proxy "
                       "NO_PROXY no_proxy ALL_PROXY all_proxy".split())
DEFAULT_SHELL = ["/bin/sh", "-c"]


class State(Record):
    """Build state that instructions change and later steps see."""
    args: dict[str, Optional[str]]  # None: declared, no value
    env: dict[str, str]  # this file's ENVs (the base image's are unknown)
    user: Optional[str]
    workdir: Optional[str]  # None: unknown (set by the base image)
    shell: list[str]

    __slots__ = ("args", "env", "user", "workdir", "shell")

    def __init__(
        self,
        args: dict[str, Optional[str]] | None = None,
        env: dict[str, str] | None = None,
        user: Optional[str] = None,
        workdir: Optional[str] = None,
        shell: list[str] | None = None,
    ) -> None:
        self.args = {} if args is None else args
        self.env = {} if env is None else env
        self.user = user
        self.workdir = workdir
        self.shell = list(DEFAULT_SHELL) if shell is None else shell

    def copy(self) -> "State":
        return State(dict(self.args), dict(self.env), self.user, self.workdir, list(self.shell))

    @property
    def vars(self) -> dict[str, str]:
        """What builder-side expansion (and a RUN's environment) sees: valued ARGs, then ENV."""
        out = {k: v for k, v in self.args.items() if v is not None}
        out.update(self.env)
        return out


class Step(Record):
    """One instruction of a stage with the state the builder has just before it."""
    instr: Instruction
    stage: "Stage"
    state: State

    __slots__ = ("instr", "stage", "state")

    def __init__(self, instr: Instruction, stage: "Stage", state: State) -> None:
        self.instr = instr
        self.stage = stage
        self.state = state

    def expand(self, text: str) -> tuple[str, set[str]]:
        return expand(text, self.state.vars, self.stage.graph.escape)


class Edge(Record):
    kind: str  # "from" | "copy" | "mount" | "onbuild"
    ref: str  # as written (after expansion for FROM)
    instr: Instruction
    stage: Optional["Stage"]  # None: an external image / named context
    word: Optional[Word]

    __slots__ = ("kind", "ref", "instr", "stage", "word")

    def __init__(
        self,
        kind: str,
        ref: str,
        instr: Instruction,
        stage: Optional["Stage"],
        word: Optional[Word] = None,
    ) -> None:
        self.kind = kind
        self.ref = ref
        self.instr = instr
        self.stage = stage
        self.word = word


class Stage(Record):
    graph: "Graph"
    index: int
    from_instr: Instruction
    name: Optional[str]  # lower-cased
    name_word: Optional[Word]
    base: str  # expanded base reference
    base_word: Optional[Word]
    base_stage: Optional["Stage"]
    platform: Optional[str]
    steps: list[Step]
    edges: list[Edge]
    needed: bool
    base_unresolved: set[str]  # vars in FROM with no value
    end_state: State  # state after the stage's last instruction

    __slots__ = ("graph", "index", "from_instr", "name", "name_word", "base", "base_word", "base_stage",
                 "platform", "steps", "edges", "needed", "base_unresolved", "end_state", "_root")
    _hidden = ("graph", "_root")
    __eq__ = object.__eq__  # compared by identity
    __hash__ = object.__hash__

    def __init__(
        self,
        graph: "Graph",
        index: int,
        from_instr: Instruction,
        name: Optional[str],
        name_word: Optional[Word],
        base: str,
        base_word: Optional[Word],
        base_stage: Optional["Stage"],
        platform: Optional[str],
        steps: list[Step] | None = None,
        edges: list[Edge] | None = None,
        needed: bool = True,
        base_unresolved: set[str] | None = None,
        end_state: State | None = None,
    ) -> None:
        self.graph = graph
        self.index = index
        self.from_instr = from_instr
        self.name = name
        self.name_word = name_word
        self.base = base
        self.base_word = base_word
        self.base_stage = base_stage
        self.platform = platform
        self.steps = [] if steps is None else steps
        self.edges = [] if edges is None else edges
        self.needed = needed
        self.base_unresolved = set() if base_unresolved is None else base_unresolved
        self.end_state = State() if end_state is None else end_state
        self._root: Optional[Stage] = None  # the root stage, once asked for

    @property
    def label(self) -> str:
        return self.name if self.name is not None else str(self.index)

    @property
    def is_scratch(self) -> bool:
        return self.base_stage is None and self.base.lower() == "scratch"

    @property
    def root(self) -> "Stage":
        """The first stage of the FROM chain (the one built from an image)."""
        if self._root is None:
            # remembered along the way: asked for every stage of a long FROM <stage> chain,
            # walking it each time was quadratic
            path = []
            s = self
            seen = set()
            while s._root is None and s.base_stage is not None and id(s) not in seen:
                seen.add(id(s))
                path.append(s)
                s = s.base_stage
            root = s._root or s
            for p in path:
                p._root = root
            self._root = root
        return self._root

    @property
    def image(self) -> str:
        """The external image this stage is ultimately built on."""
        return self.root.base

    def step_for(self, instr: Instruction) -> Optional[Step]:
        for s in self.steps:
            if s.instr is instr:
                return s
        return None

    def instructions(self) -> list[Instruction]:
        return [self.from_instr] + [s.instr for s in self.steps]

    def chain(self) -> list["Stage"]:
        """The FROM chain: the stages whose layers this stage builds on, root (built from an
        image) first, this stage last.  The one implementation of a stage chain."""
        out = []
        seen = set()  # ids: a set keeps a chain of 10,000 stages linear
        s: Optional[Stage] = self
        while s is not None and id(s) not in seen:
            seen.add(id(s))
            out.append(s)
            s = s.base_stage
        return out[::-1]

    def chain_steps(self) -> list[Step]:
        """The steps of the chain's stages, oldest first."""
        return [step for s in self.chain() for step in s.steps]

    def chain_instructions(self) -> list[Instruction]:
        """What builds this stage, in build order: each stage of its chain, with the ONBUILD
        triggers of a parent stage running first in its child (as the effective instruction)."""
        out: list[Instruction] = []
        stages = self.chain()
        for i, s in enumerate(stages):
            if i > 0:
                out += [st.instr.inner for st in stages[i - 1].steps if st.instr.inner is not None]
            out += [st.instr for st in s.steps if st.instr.inner is None]
        return out


class Graph(Record):
    dockerfile: Dockerfile
    build_args: dict[str, str]
    global_args: dict[str, Optional[str]]  # declared before the first FROM
    global_arg_instrs: list[Instruction]
    stages: list[Stage]
    target: Optional[Stage]
    errors: list[SyntaxProblem]
    before_first_from: list[Instruction]  # non-ARG instructions before FROM (an error)
    step_index: dict[int, Step]
    stages_by_name: dict[str, list[Stage]]  # in file order

    _fields = ("dockerfile", "build_args", "global_args", "global_arg_instrs", "stages", "target", "errors",
               "before_first_from", "step_index", "stages_by_name")
    _hidden = ("step_index", "stages_by_name")

    def __init__(
        self,
        dockerfile: Dockerfile,
        build_args: dict[str, str],
        global_args: dict[str, Optional[str]],
        global_arg_instrs: list[Instruction],
        stages: list[Stage],
        target: Optional[Stage],
        errors: list[SyntaxProblem],
        before_first_from: list[Instruction],
        step_index: dict[int, Step] | None = None,
        stages_by_name: dict[str, list[Stage]] | None = None,
    ) -> None:
        self.dockerfile = dockerfile
        self.build_args = build_args
        self.global_args = global_args
        self.global_arg_instrs = global_arg_instrs
        self.stages = stages
        self.target = target
        self.errors = errors
        self.before_first_from = before_first_from
        self.step_index = {} if step_index is None else step_index
        self.stages_by_name = {} if stages_by_name is None else stages_by_name
        self._run_scripts: dict[int, list] = {}  # id(RUN) -> its parsed scripts
        self._inline_scripts: dict[int, object] = {}  # id(command) -> its sh -c script or None
        self._target_chain: Optional[frozenset] = None  # ids of the target's FROM chain

    @property
    def escape(self) -> str:
        return self.dockerfile.escape

    def stage_by_name(self, name: str) -> Optional[Stage]:
        """The first stage of that name (case-insensitive)."""
        found = self.stages_by_name.get(name.lower())
        return found[0] if found else None

    def stage_of(self, instr: Instruction) -> Optional[Stage]:
        step = self.step_for(instr)
        if step is not None:
            return step.stage
        for s in self.stages:
            if s.from_instr is instr:
                return s
        return None

    def step_for(self, instr: Instruction) -> Optional[Step]:
        """The step of ``instr`` (None for FROM and global ARGs)."""
        return self.step_index.get(id(instr))

    def global_values(self, defaults_only: bool = False) -> tuple[dict[str, str], list[str]]:
        """``(values, declared)`` of the ARGs FROM lines see: the predefined platform ARGs, then
        each global ARG in order (``--build-arg`` values unless ``defaults_only``).  ``declared``
        lists the global ARG names in declaration order."""
        values = {k: self.build_args.get(k, v) for k, v in PLATFORM_ARGS.items()}
        build_args = {} if defaults_only else self.build_args
        declared: dict[str, None] = {}
        for instr in self.global_arg_instrs:
            for key, _ in global_arg(instr, values, build_args, self.dockerfile.escape):
                declared[key] = None
        return values, list(declared)

    def ships(self, stage: Optional[Stage]) -> bool:
        """Whether ``stage``'s layers end up in the built image: it is the target or a stage the
        target is built FROM."""
        if self._target_chain is None:  # once per file, not once per question
            self._target_chain = frozenset(id(s) for s in self.target.chain()) if self.target else frozenset()
        return stage is not None and id(stage) in self._target_chain

    def run_scripts(self, instr: Instruction) -> list:
        """The shell scripts RUN ``instr`` executes under its stage's SHELL, parsed once
        (``shell.run_scripts``; [] for exec form, a non-POSIX shell or another instruction)."""
        instr = instr.effective
        key = id(instr)
        found = self._run_scripts.get(key)
        if found is None:
            if instr.keyword != "RUN":
                found = []
            else:
                from .shell.run_scripts import scripts_of  # only a file with a RUN needs the shell parser
                step = self.step_for(instr.parent or instr)
                found = scripts_of(instr, step.state.shell if step is not None else None)
            self._run_scripts[key] = found
        return found

    def run_commands(self, instr: Instruction):
        """(script, command) for every simple command RUN ``instr`` executes, inline
        ``sh -c 'script'`` commands right after the command that runs them."""
        scripts = self.run_scripts(instr)
        if not scripts:
            return iter(())
        from .shell.run_scripts import commands_of
        return commands_of(scripts, self._inline_scripts)

    def steps(self):
        for st in self.stages:
            yield from st.steps


def expand(text: str, env: Mapping[str, str], escape: str = "\\") -> tuple[str, set[str]]:
    """Builder-side expansion that never raises: on a bad substitution the text is kept."""
    try:
        return expand_with_unmatched(text, env, escape)
    except (ExpandError, RecursionError):
        return text, set()


def image_path(path: str, cwd: Optional[str]) -> Optional[str]:
    """``path`` inside the image, resolved against the working directory ``cwd`` and normalized
    (``//x`` is ``/x``); None for a relative path when the working directory is unknown."""
    if not path.startswith("/"):
        if cwd is None:
            return None
        path = posixpath.join(cwd, path)
    return "/" + posixpath.normpath(path).lstrip("/")


def global_arg(instr: Instruction, values: dict[str, str], build_args: Mapping[str, str],
               escape: str) -> list[tuple[str, Optional[str]]]:
    """Apply a global ``ARG`` (before the first FROM) to ``values``, the variables FROM lines
    see: a ``--build-arg`` wins, a default is expanded with the ARGs before it, a valueless
    ARG keeps a predefined or earlier value.  Returns (name, value or None) per name."""
    out = []
    for p in instr.pairs:
        if p.value is None:
            val = build_args.get(p.key, values.get(p.key))
        else:
            val = build_args.get(p.key, expand(p.value, values, escape)[0])
        if val is not None:
            values[p.key] = val
        out.append((p.key, val))
    return out


def _word(instr: Instruction, idx: int) -> Optional[Word]:
    return instr.words[idx] if idx < len(instr.words) else None


def build_graph(df: Dockerfile, build_args: Optional[Mapping[str, str]] = None,
                target: Optional[str] = None) -> Graph:
    build_args = dict(build_args or {})
    g = Graph(df, build_args, {}, [], [], None, [], [])
    esc = df.escape
    global_vals: dict[str, str] = {k: build_args.get(k, v) for k, v in PLATFORM_ARGS.items()}
    current: Optional[Stage] = None
    state = State()
    for instr in df.instructions:
        kw = instr.keyword
        if kw == "FROM":
            current = _new_stage(g, instr, global_vals)
            g.stages.append(current)
            if current.base_stage is not None:
                state = current.base_stage.end_state.copy()
            else:
                state = State(workdir="/" if current.is_scratch else None)
            current.end_state = state
            continue
        if current is None:
            if kw == "ARG":
                g.global_arg_instrs.append(instr)
                for key, val in global_arg(instr, global_vals, build_args, esc):
                    g.global_args[key] = val
            else:
                g.before_first_from.append(instr)
            continue
        step = Step(instr, current, state.copy())
        current.steps.append(step)
        g.step_index[id(instr)] = step
        if instr.inner is None:  # ONBUILD triggers run in the children, not here
            _advance(g, state, instr, global_vals)
        _collect_edges(g, current, instr)
    g.target = _resolve_target(g, target)
    _mark_needed(g)
    return g


def _advance(g: Graph, state: State, instr: Instruction, global_vals: Mapping[str, str]) -> None:
    """Apply ``instr`` to the build state (BuildKit's dispatch of ARG/ENV/USER/WORKDIR/SHELL)."""
    kw = instr.keyword
    vars_ = state.vars  # every expansion sees the state before the instruction
    esc = g.escape
    if kw == "ARG":
        for p in instr.pairs:
            if p.key in g.build_args:
                val: Optional[str] = g.build_args[p.key]
            elif p.value is not None:
                # unlike ENV, each ARG pair sees the ones before it (`ARG A=1 B=$A` gives B=1)
                val = expand(p.value, state.vars, esc)[0]
            elif p.key in g.global_args:
                val = g.global_args[p.key]
            else:
                val = global_vals.get(p.key) if p.key in PLATFORM_ARGS else None
            state.args[p.key] = val
    elif kw == "ENV":
        for p in instr.pairs:
            if p.value is not None:
                state.env[p.key] = expand(p.value, vars_, esc)[0]
    elif kw == "USER" and instr.args_text:
        state.user = expand(instr.args_text, vars_, esc)[0]
    elif kw == "WORKDIR" and instr.args_text:
        state.workdir = image_path(expand(instr.args_text, vars_, esc)[0], state.workdir)
    elif kw == "SHELL" and instr.exec_form:
        state.shell = list(instr.exec_form)


def _new_stage(g: Graph, instr: Instruction, global_vals: dict[str, str]) -> Stage:
    words = instr.words
    base_word = _word(instr, 0)
    base, unresolved = ("", set())
    if base_word is not None:
        base, unresolved = expand(base_word.text, global_vals, g.escape)
    name = name_word = None
    if len(words) >= 3 and words[1].text.lower() == "as":
        name_word = words[2]
        name = words[2].text.lower()
    if len(words) not in (1, 3) or (len(words) == 3 and words[1].text.lower() != "as"):
        g.errors.append(SyntaxProblem(instr.start_line, instr.keyword_span.column,
                                      "FROM requires either one or three arguments (FROM image [AS name])",
                                      fatal=False))
    plat = instr.flag("platform")
    platform = expand(plat.value or "", global_vals, g.escape)[0] if plat else None
    st = Stage(g, len(g.stages), instr, name, name_word, base, base_word, None, platform,
               base_unresolved=unresolved)
    ref = base.lower()
    earlier = g.stages_by_name.get(ref, [])  # a dict, not a scan: 10,000 stages stay linear
    if earlier:
        st.base_stage = earlier[-1]
        st.edges.append(Edge("from", base, instr, earlier[-1], base_word))
        # ONBUILD triggers of the base stage run at the start of this one
        for step in earlier[-1].steps:
            if step.instr.inner is not None:
                _collect_edges(g, st, step.instr.inner, kind="onbuild")
    else:
        st.edges.append(Edge("from", base, instr, None, base_word))
    if name is not None:
        g.stages_by_name.setdefault(name, []).append(st)
    return st


def _collect_edges(g: Graph, stage: Stage, instr: Instruction, kind: Optional[str] = None) -> None:
    eff = instr.effective
    if eff.keyword in ("COPY", "ADD"):
        f = eff.flag("from")
        if f is not None and f.value:
            ref = f.value
            src = _lookup(g, stage, ref, allow_index=True)
            word = Word(f.raw, f.span)
            if src is stage or (src is None and _later_stage(g, stage, ref)):
                g.errors.append(SyntaxProblem(f.span.line, f.span.column,
                                              f"COPY --from={ref} refers to {'its own stage' if src is stage else 'a stage defined later'}",
                                              fatal=False))
                src = None
            stage.edges.append(Edge(kind or "copy", ref, instr, src, word))
    elif eff.keyword == "RUN":
        for f in eff.flags:
            if f.name != "mount" or not f.value:
                continue
            v = parse_mount(f.value).get("from", ("",))[0]
            if v:
                src = _lookup(g, stage, v, allow_index=False)
                stage.edges.append(Edge(kind or "mount", v, instr, src if src is not stage else None,
                                        Word(f.raw, f.span)))


_MOUNT_KEYS = {"src": "source", "dst": "target", "destination": "target", "ro": "readonly"}


def parse_mount(value: str) -> dict[str, tuple[str, int, int]]:
    """The options of a ``RUN --mount=`` value, as BuildKit reads them (comma-separated CSV
    fields, quotes allowed, keys case-insensitive, ``src``/``dst``/``destination``/``ro``
    aliases, ``ro``/``rw`` alone): canonical key -> (value, start, end), the offsets of the
    value in ``value``.  The one reader of mount flags (graph edges, cache model, rules)."""
    out: dict[str, tuple[str, int, int]] = {}
    for text, start, end in _csv_fields(value):
        k, eq, v = text.partition("=")
        key = k.strip().lower()
        if not eq:
            if key in ("ro", "readonly"):
                out["readonly"] = ("true", start, end)
            elif key in ("rw", "readwrite"):
                out["readonly"] = ("false", start, end)
            elif key:
                out[key] = ("true", start, end)
            continue
        vstart = value.find("=", start) + 1
        while vstart < end and value[vstart] in " \"'":
            vstart += 1
        out[_MOUNT_KEYS.get(key, key)] = (v.strip(), vstart, vstart + len(v.strip()))
    return out


def _csv_fields(value: str) -> list[tuple[str, int, int]]:
    """Comma-separated fields with quotes removed, each with its start and end offset."""
    out, cur, q, start = [], [], None, 0
    for i, ch in enumerate(value):
        if q:
            if ch == q:
                q = None
            else:
                cur.append(ch)
        elif ch in "\"'":
            q = ch
        elif ch == ",":
            out.append(("".join(cur), start, i))
            cur, start = [], i + 1
        else:
            cur.append(ch)
    out.append(("".join(cur), start, len(value)))
    return [f for f in out if f[0].strip()]


def _lookup(g: Graph, stage: Stage, ref: str, allow_index: bool) -> Optional[Stage]:
    if allow_index and ref.isdigit():
        i = int(ref)
        return g.stages[i] if i < len(g.stages) else None
    found = g.stages_by_name.get(ref.lower())
    return found[0] if found else None


def _later_stage(g: Graph, stage: Stage, ref: str) -> bool:
    """Whether ``ref`` names a stage after this one (known once the whole file is read)."""
    if ref.isdigit():
        return int(ref) >= stage.index
    low = ref.lower()
    return any(i.keyword == "FROM" and i.start_line > stage.from_instr.start_line and len(i.words) >= 3
               and i.words[2].text.lower() == low for i in g.dockerfile.instructions)


def _resolve_target(g: Graph, target: Optional[str]) -> Optional[Stage]:
    if not g.stages:
        return None
    if target is None:
        return g.stages[-1]
    st = g.stage_by_name(target)
    if st is None:
        g.errors.append(SyntaxProblem(1, 1, f"target stage {target!r} could not be found", fatal=True))
        return g.stages[-1]
    return st


def _mark_needed(g: Graph) -> None:
    for s in g.stages:
        s.needed = False
    if g.target is None:
        return
    todo = [g.target]
    while todo:
        s = todo.pop()
        if s.needed:
            continue
        s.needed = True
        for e in s.edges:
            if e.stage is not None and not e.stage.needed:
                todo.append(e.stage)
