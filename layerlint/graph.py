"""Instruction graph: stages, the edges between them, and the build state at every step.

Built from the syntax layer only.  Follows BuildKit's dispatch (convert.go): global ARGs feed
FROM lines only, ``ARG NAME`` re-imports a global inside a stage, ENV overrides ARG, every
expansion in an instruction sees the state *before* it, and only stages reachable from the
target are built.
"""
from __future__ import annotations

import posixpath
from collections.abc import Mapping

from .record import Record
from .syntax.expand import MAX_EXPANSION, MAX_NESTING, TOO_LARGE, ExpandError, expand_with_unmatched, too_deep
from .syntax.model import Dockerfile, Instruction, SyntaxProblem, Word

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional

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


# -- variable scopes -----------------------------------------------------------------------------
# Every step keeps the ARGs and ENVs it sees.  A dict per step made a file of 10,000 ENV lines
# hold 50 million entries (1.3 GB); a Scope is persistent instead: setting a name returns a new
# Scope that shares all but a few small nodes with the old one (a hash trie), so a step costs
# O(log n) memory and a lookup O(log n) time, whatever the number of names.

_ABSENT = object()
_MASK = (1 << 64) - 1
_LEAF_SHIFT = 64  # below every hash bit: a node at this depth is keyed by the name itself


def _find(node: dict, name: str, h: int):
    """The leaf ``(name, value, seq, hash)`` of ``name`` under ``node``, or None."""
    shift = 0
    while True:
        e = node.get((h >> shift) & 31 if shift < _LEAF_SHIFT else name)
        if e is None or type(e) is tuple:
            return e if e is not None and e[0] == name else None
        node = e
        shift += 5


def _put(node: dict, leaf: tuple, shift: int) -> dict:
    """A copy of ``node`` with ``leaf`` stored (the nodes on its path copied, the rest shared)."""
    name, h = leaf[0], leaf[3]
    key = (h >> shift) & 31 if shift < _LEAF_SHIFT else name
    new = node.copy()
    e = node.get(key)
    if e is None or (type(e) is tuple and e[0] == name):
        new[key] = leaf
    elif type(e) is tuple:  # another name in this slot: both go one level down
        new[key] = _put(_put({}, e, shift + 5), leaf, shift + 5)
    else:
        new[key] = _put(e, leaf, shift + 5)
    return new


class Scope(Mapping):
    """An immutable name -> value mapping in insertion order (like a dict: setting a name again
    keeps its place).  ``set`` returns a new Scope; the old one is unchanged and shares its nodes."""

    __slots__ = ("_root", "_len", "_log", "_end")

    def __init__(self, items=None) -> None:
        self._root: dict = {}
        self._len = 0
        self._log: list[str] = []  # names by first insertion, shared by the scopes set from this one
        self._end = 0  # this scope's entries are in _log[:_end]
        if items:
            s = self
            for k, v in (items.items() if isinstance(items, Mapping) else items):
                s = s.set(k, v)
            self._root, self._len, self._log, self._end = s._root, s._len, s._log, s._end

    def set(self, name: str, value) -> "Scope":
        h = hash(name) & _MASK
        old = _find(self._root, name, h)
        out = Scope.__new__(Scope)
        out._log = self._log
        if old is not None:
            if old[1] is value or old[1] == value:
                return self
            seq, out._len, out._end = old[2], self._len, self._end
        else:
            # a new name: appended to the shared log; a scope branched off earlier (a sibling
            # stage) appends after its own end, and skips the entries of others when iterating
            seq = len(self._log)
            self._log.append(name)
            out._len, out._end = self._len + 1, seq + 1
        out._root = _put(self._root, (name, value, seq, h), 0)
        return out

    def get(self, name, default=None):
        leaf = _find(self._root, name, hash(name) & _MASK)
        return default if leaf is None else leaf[1]

    def __getitem__(self, name):
        leaf = _find(self._root, name, hash(name) & _MASK)
        if leaf is None:
            raise KeyError(name)
        return leaf[1]

    def __contains__(self, name) -> bool:
        return _find(self._root, name, hash(name) & _MASK) is not None

    def __len__(self) -> int:
        return self._len

    def __iter__(self):
        """Names in insertion order (lazily: a did-you-mean may stop early)."""
        root, log = self._root, self._log
        for seq in range(self._end):
            name = log[seq]
            leaf = _find(root, name, hash(name) & _MASK)
            if leaf is not None and leaf[2] == seq:
                yield name

    def seq(self, name: str) -> Optional[int]:
        """The place of ``name`` in the iteration order (a sort key), None when absent."""
        leaf = _find(self._root, name, hash(name) & _MASK)
        return None if leaf is None else leaf[2]

    order_key = seq

    def copy(self) -> "Scope":
        return self  # immutable

    def __repr__(self) -> str:
        return repr(dict(self.items()))


class Layered(Mapping):
    """Mappings read as one, later ones winning, in the order of ``d = {}; d.update(m)`` for each
    (a view: nothing is copied, so a per-step view of a large scope costs O(1))."""

    __slots__ = ("_maps",)

    def __init__(self, *maps) -> None:
        self._maps = maps

    def get(self, name, default=None):
        for m in reversed(self._maps):
            v = m.get(name, _ABSENT)
            if v is not _ABSENT:
                return v
        return default

    def __getitem__(self, name):
        v = self.get(name, _ABSENT)
        if v is _ABSENT:
            raise KeyError(name)
        return v

    def __contains__(self, name) -> bool:
        return any(name in m for m in self._maps)

    def __iter__(self):
        seen: set = set()
        for m in self._maps:
            for k in m:
                if k not in seen:
                    seen.add(k)
                    yield k

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def order_key(self, name: str) -> tuple:
        """Sorts the names present as iterating does."""
        for i, m in enumerate(self._maps):
            if name in m:
                key = getattr(m, "order_key", None)
                return (i, key(name) if key is not None else list(m).index(name))
        raise KeyError(name)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


class Vars(Mapping):
    """What builder-side expansion sees: the valued ARGs, then ENV (ENV wins), as the dict
    ``{k: v for k, v in args.items() if v is not None} | env`` would be, without building it."""

    __slots__ = ("_args", "_env")

    def __init__(self, args: Mapping, env: Mapping) -> None:
        self._args = args
        self._env = env

    def get(self, name, default=None):
        v = self._env.get(name, _ABSENT)
        if v is not _ABSENT:
            return v
        v = self._args.get(name)
        return default if v is None else v

    def __getitem__(self, name):
        v = self.get(name, _ABSENT)
        if v is _ABSENT:
            raise KeyError(name)
        return v

    def __contains__(self, name) -> bool:
        return name in self._env or self._args.get(name) is not None

    def __iter__(self):
        args = self._args
        for k in args:
            if args.get(k) is not None:
                yield k
        for k in self._env:
            if args.get(k) is None:
                yield k

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def order_key(self, name: str) -> tuple:
        """Sorts the names present as iterating does."""
        if self._args.get(name) is not None:
            return (0, self._args.seq(name))
        return (1, self._env.seq(name))

    def __repr__(self) -> str:
        return repr(dict(self.items()))


def _scope(items) -> Scope:
    return items if isinstance(items, Scope) else Scope(items)


class State(Record):
    """Build state that instructions change and later steps see.  ``args`` and ``env`` are
    Scopes (read-only mappings): a step's state shares them with the steps around it."""
    args: Scope  # name -> value; None: declared, no value
    env: Scope  # this file's ENVs (the base image's are unknown)
    user: Optional[str]
    workdir: Optional[str]  # None: unknown (set by the base image)
    shell: list[str]

    __slots__ = ("args", "env", "user", "workdir", "shell")

    def __init__(
        self,
        args: Mapping[str, Optional[str]] | None = None,
        env: Mapping[str, str] | None = None,
        user: Optional[str] = None,
        workdir: Optional[str] = None,
        shell: list[str] | None = None,
    ) -> None:
        self.args = _scope(args)
        self.env = _scope(env)
        self.user = user
        self.workdir = workdir
        self.shell = list(DEFAULT_SHELL) if shell is None else shell

    def copy(self) -> "State":
        """O(1): the scopes are immutable and the shell list is only ever replaced."""
        return State(self.args, self.env, self.user, self.workdir, self.shell)

    @property
    def vars(self) -> Vars:
        """What builder-side expansion (and a RUN's environment) sees: valued ARGs, then ENV."""
        return Vars(self.args, self.env)


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
        g = self.stage.graph
        g.use_allowance.at = self.instr.start_line
        return expand(text, self.state.vars, g.escape, g.use_allowance)


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
                 "platform", "steps", "edges", "needed", "base_unresolved", "end_state", "_root", "_triggers")
    _hidden = ("graph", "_root", "_triggers")
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
        self._triggers: Optional[list[Step]] = None  # trigger_steps(), once asked for (the stage is complete)

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
        step = self.graph.step_for(instr)
        return step if step is not None and step.stage is self else None

    def trigger_steps(self) -> list[Step]:
        """The steps of this stage that are ONBUILD instructions (their triggers run in the
        stages built FROM it); listed once, not once per child stage."""
        if self._triggers is None:
            self._triggers = [s for s in self.steps if s.instr.inner is not None]
        return self._triggers

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
        self._from_names: Optional[dict[str, int]] = None  # stage name -> line of its last FROM
        self._stage_by_from: dict[int, Stage] = {}  # id(FROM instruction) -> its stage
        self._edge_triggers: dict[int, list[Instruction]] = {}  # id(stage) -> its triggers that may make edges
        # what expanding variables may produce: building the states, and the rules' expansions
        self.state_allowance = Allowance(len(dockerfile.text))
        self.use_allowance = Allowance(len(dockerfile.text))

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
        if len(self._stage_by_from) != len(self.stages):  # a dict, not a scan per question
            self._stage_by_from = {id(s.from_instr): s for s in self.stages}
        return self._stage_by_from.get(id(instr))

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
        allowance = Allowance(len(self.dockerfile.text))
        for instr in self.global_arg_instrs:
            for key, _ in global_arg(instr, values, build_args, self.dockerfile.escape, allowance):
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

    def limit_errors(self) -> list[SyntaxProblem]:
        """Limits reached after the graph was built, by the rules' and the cache model's expansions
        (those reached while building it are in ``errors``)."""
        if self.state_allowance.spent_at is not None:
            return []  # said once
        spent = self.use_allowance.problem()
        return [spent] if spent is not None else []


def expand(text: str, env: Mapping[str, str], escape: str = "\\",
           allowance: Optional["Allowance"] = None) -> tuple[str, set[str]]:
    """Builder-side expansion that never raises: on a bad substitution the text is kept.
    With an ``allowance``, the characters produced from variables are taken from it, and once it
    is spent texts are kept as written (see Allowance)."""
    if allowance is None or "$" not in text:  # no variable: nothing to take
        try:
            return expand_with_unmatched(text, env, escape)
        except (ExpandError, RecursionError):
            return text, set()
    if allowance.left <= 0:
        return text, set()
    try:
        out = expand_with_unmatched(text, env, escape, limit=allowance.left)
    except ExpandError as exc:
        if exc.reason == TOO_LARGE:
            allowance.left = 0  # spent: from here on every text with a variable is kept as written
            if allowance.spent_at is None:
                allowance.spent_at = allowance.at
        return text, set()
    except RecursionError:
        return text, set()
    allowance.left -= len(out[0])
    return out


class Allowance:
    """Characters that expanding variables may still produce for one file.  A value built from
    others is stored at every step that sees it, and used again at every reference: a file of
    ``ENV PATH=/x$i:$PATH`` lines holds O(lines^2) characters, one value referenced by every RUN
    costs O(value x RUNs).  A file gets ``MIN + PER_BYTE x its size``, far more than real files
    use (of the 3,000 files of the corpus, the most any uses is 7,812 characters); past it,
    texts with variables are kept as written, as for an expansion BuildKit would refuse."""

    __slots__ = ("left", "at", "spent_at")
    MIN = 1 << 21
    PER_BYTE = 16

    def __init__(self, size: int) -> None:
        self.left = self.MIN + self.PER_BYTE * size
        self.at: Optional[int] = None  # the line being expanded, set by the caller
        self.spent_at: Optional[int] = None  # the line where it ran out

    def problem(self) -> Optional[SyntaxProblem]:
        """The error to report once it has run out: what was given up, from where."""
        if self.spent_at is None:
            return None
        return SyntaxProblem(self.spent_at or 1, 1, f"variable values expand to more than layerlint's limit "
                             f"({MAX_EXPANSION >> 20} MiB for one value; {self.MIN >> 20} MiB plus {self.PER_BYTE} "
                             "characters a byte of the file for all of them): from this line on, texts with "
                             "variables are not expanded and what depends on them is not analysed", fatal=True)


def image_path(path: str, cwd: Optional[str]) -> Optional[str]:
    """``path`` inside the image, resolved against the working directory ``cwd`` and normalized
    (``//x`` is ``/x``); None for a relative path when the working directory is unknown.
    A Windows drive path (``C:\\app``, ``c:/app``, ``C:app`` once ``\\`` was read as the escape
    character) is absolute, as hadolint and BuildKit for Windows take it: BuildKit drops the
    system drive, so it is ``/app`` here."""
    if len(path) >= 2 and path[1] == ":" and path[0].isascii() and path[0].isalpha():
        path = "/" + path[2:].replace("\\", "/")
    if not path.startswith("/"):
        if cwd is None:
            return None
        path = posixpath.join(cwd, path)
    return "/" + posixpath.normpath(path).lstrip("/")


def global_arg(instr: Instruction, values: dict[str, str], build_args: Mapping[str, str],
               escape: str, allowance: Optional[Allowance] = None) -> list[tuple[str, Optional[str]]]:
    """Apply a global ``ARG`` (before the first FROM) to ``values``, the variables FROM lines
    see: a ``--build-arg`` wins, a default is expanded with the ARGs before it, a valueless
    ARG keeps a predefined or earlier value.  Returns (name, value or None) per name."""
    out = []
    for p in instr.pairs:
        if p.value is None:
            val = build_args.get(p.key, values.get(p.key))
        elif p.key in build_args:
            val = build_args[p.key]
        else:
            val = expand(p.value, values, escape, allowance)[0]
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
        g.state_allowance.at = instr.start_line
        if kw == "FROM":
            _check_nesting(g, instr)
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
                _check_nesting(g, instr)
                g.global_arg_instrs.append(instr)
                for key, val in global_arg(instr, global_vals, build_args, esc, g.state_allowance):
                    g.global_args[key] = val
            else:
                g.before_first_from.append(instr)
            continue
        _check_nesting(g, instr)
        step = Step(instr, current, state.copy())
        current.steps.append(step)
        g.step_index[id(instr)] = step
        if instr.inner is None:  # ONBUILD triggers run in the children, not here
            _advance(g, state, instr, global_vals)
        _collect_edges(g, current, instr)
    g.target = _resolve_target(g, target)
    _mark_needed(g)
    spent = g.state_allowance.problem()
    if spent is not None:
        g.errors.append(spent)
    return g


# what BuildKit expands variables in (in RUN, CMD... the shell does, and the shell parser has
# its own bounds); flags are expanded in every instruction
_EXPANDS_WORDS = frozenset({"ADD", "ARG", "COPY", "ENV", "EXPOSE", "FROM", "LABEL", "STOPSIGNAL", "USER",
                            "VOLUME", "WORKDIR"})


def _check_nesting(g: Graph, instr: Instruction) -> None:
    """An error for the first word whose ``${...}`` nest deeper than the expander goes: it is kept
    as written, so whatever depends on its value is not analysed, and the user must know."""
    eff = instr.effective
    words = [(w.text, w.span) for w in eff.words] if eff.keyword in _EXPANDS_WORDS else []
    words += [(f.raw, f.span) for f in eff.flags]
    for text, span in words:
        at = too_deep(text, g.escape)
        if at is not None:
            column = span.column + at if span.line == span.end_line else span.column
            g.errors.append(SyntaxProblem(span.line, column, f"`${{...}}` nested more than {MAX_NESTING} deep: "
                                          "layerlint does not expand this word, so nothing that depends on "
                                          f"its value is analysed (BuildKit would expand it)", fatal=True))
            return


def _advance(g: Graph, state: State, instr: Instruction, global_vals: Mapping[str, str]) -> None:
    """Apply ``instr`` to the build state (BuildKit's dispatch of ARG/ENV/USER/WORKDIR/SHELL)."""
    kw = instr.keyword
    vars_ = state.vars  # every expansion sees the state before the instruction
    esc = g.escape
    spend = g.state_allowance
    if kw == "ARG":
        for p in instr.pairs:
            if p.key in g.build_args:
                val: Optional[str] = g.build_args[p.key]
            elif p.value is not None:
                # unlike ENV, each ARG pair sees the ones before it (`ARG A=1 B=$A` gives B=1)
                val = expand(p.value, state.vars, esc, spend)[0]
            elif p.key in g.global_args:
                val = g.global_args[p.key]
            else:
                val = global_vals.get(p.key) if p.key in PLATFORM_ARGS else None
            state.args = state.args.set(p.key, val)
    elif kw == "ENV":
        for p in instr.pairs:
            if p.value is not None:
                state.env = state.env.set(p.key, expand(p.value, vars_, esc, spend)[0])
    elif kw == "USER" and instr.args_text:
        state.user = expand(instr.args_text, vars_, esc, spend)[0]
    elif kw == "WORKDIR" and instr.args_text:
        state.workdir = image_path(expand(instr.args_text, vars_, esc, spend)[0], state.workdir)
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
    plat = instr.flag("platform")
    platform = expand(plat.value or "", global_vals, g.escape)[0] if plat else None
    st = Stage(g, len(g.stages), instr, name, name_word, base, base_word, None, platform,
               base_unresolved=unresolved)
    ref = base.lower()
    earlier = g.stages_by_name.get(ref, [])  # a dict, not a scan: 10,000 stages stay linear
    if earlier:
        st.base_stage = earlier[-1]
        st.edges.append(Edge("from", base, instr, earlier[-1], base_word))
        # ONBUILD triggers of the base stage run at the start of this one (those that can make
        # an edge, listed once per base: going through all of them for every child was quadratic)
        base = earlier[-1]
        edging = g._edge_triggers.get(id(base))
        if edging is None:
            edging = g._edge_triggers[id(base)] = [s.instr.inner for s in base.trigger_steps()
                                                   if _may_have_edge(s.instr.inner)]
        for trigger in edging:
            _collect_edges(g, st, trigger, kind="onbuild")
    else:
        st.edges.append(Edge("from", base, instr, None, base_word))
    if name is not None:
        g.stages_by_name.setdefault(name, []).append(st)
    return st


def _may_have_edge(instr: Instruction) -> bool:
    """Whether ``_collect_edges`` can find an edge in ``instr`` (COPY/ADD --from, RUN --mount)."""
    eff = instr.effective
    if eff.keyword in ("COPY", "ADD"):
        return eff.flag("from") is not None
    return eff.keyword == "RUN" and any(f.name == "mount" for f in eff.flags)


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
    if g._from_names is None:  # the last FROM line of each name, once: a scan per COPY was quadratic
        g._from_names = {}
        for i in g.dockerfile.instructions:
            if i.keyword == "FROM" and len(i.words) >= 3:
                g._from_names[i.words[2].text.lower()] = i.start_line
    last = g._from_names.get(ref.lower())
    return last is not None and last > stage.from_instr.start_line


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
