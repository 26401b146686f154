"""``layerlint explain``: layers, what invalidates each step's cache, and what-if rebuilds.

The logic only: :func:`explain` turns a Dockerfile, its build context and an optional what-if
(changed context paths, changed build args, the previous Dockerfile) into plain data, a
JSON-ready dict that follows ``schemas/explain.schema.json`` (``Explanation.data``) and the
stage diagram (``Explanation.diagram``, from :func:`diagram`).  ``layerlint.report.explain``
renders them (``tty``, ``json``, ``mermaid``, ``dot``); the lint engine attaches
:func:`diagram` to its results for ``--format summary``.
"""
from __future__ import annotations

import os

from .model import CacheModel, Simulation, StepModel, build_model, explain_reason
from ..graph import Graph, build_graph
from ..record import Record
from ..syntax import parse_bytes
from ..syntax.model import Dockerfile, Instruction

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional, Sequence

SCHEMA_VERSION = "1.0"


class ExplainError(Exception):
    """Input that cannot be read or parsed (the command exits 2 with this one-line message)."""


class Explanation(Record):
    df: Dockerfile
    graph: Graph
    model: CacheModel
    simulation: Optional[Simulation]
    data: dict  # JSON-ready, schemas/explain.schema.json
    diagram: dict  # the stage diagram, see diagram()

    _fields = ("df", "graph", "model", "simulation", "data", "diagram")

    def __init__(
        self,
        df: Dockerfile,
        graph: Graph,
        model: CacheModel,
        simulation: Optional[Simulation],
        data: dict | None = None,
        diagram: dict | None = None,
    ) -> None:
        self.df = df
        self.graph = graph
        self.model = model
        self.simulation = simulation
        self.data = {} if data is None else data
        self.diagram = {} if diagram is None else diagram


def _read(path: str, what: str) -> bytes:
    """As the lint reads it (``syntax.source``): a FIFO with no writer or /dev/zero is refused."""
    from ..syntax.source import read_source
    try:
        return read_source(path)
    except OSError as exc:
        raise ExplainError(f"cannot read {what} {path}: {exc.strerror or exc}") from None


def _parse(path: str, what: str) -> Dockerfile:
    df = parse_bytes(_read(path, what), path)
    fatal = [e for e in df.errors if e.fatal]
    if fatal:
        e = fatal[0]
        raise ExplainError(f"cannot parse {what} {path}:{e.line}:{e.column}: {e.message}")
    if not any(i.keyword == "FROM" for i in df.instructions):
        raise ExplainError(f"cannot parse {what} {path}: no FROM instruction")
    return df


def explain(dockerfile: str, context: Optional[str] = None, target: Optional[str] = None,
            build_args: Optional[dict] = None, changed: Sequence[str] = (),
            changed_args: Sequence[str] = (), previous: Optional[str] = None,
            previous_build_args: Optional[dict] = None, previous_dockerignore: Optional[str] = None,
            since: Optional[str] = None) -> Explanation:
    """Model ``dockerfile`` (a path) and, when a what-if is given, simulate the rebuild.

    ``context`` defaults to the Dockerfile's directory; ``previous`` is the path of the
    Dockerfile as it was at the last build; ``changed_args`` are ``NAME`` or ``NAME=OLD``
    (see ``CacheModel.simulate``); ``previous_build_args`` the previous build's args when
    known; ``previous_dockerignore`` the path of the ignore file the previous build used
    (``""``: it had none).  ``since`` (a git revision) reads all of them from git
    (``cache.since``).  Raises :class:`ExplainError` for input that cannot be read or parsed.
    """
    df = _parse(dockerfile, "Dockerfile")
    if context is None:
        context = os.path.dirname(os.path.abspath(dockerfile))
    elif not os.path.isdir(context):
        raise ExplainError(f"build context {context} is not a directory")
    git_info = None
    if since is not None:
        from .since import SinceError, since as since_git
        try:
            git_info = since_git(since, dockerfile, context)
        except SinceError as exc:
            raise ExplainError(str(exc)) from None
    graph = build_graph(df, dict(build_args or {}), target)
    fatal = [e for e in graph.errors if e.fatal]
    if fatal:
        e = fatal[0]
        raise ExplainError(f"{dockerfile}:{e.line}:{e.column}: {e.message}")
    from ..buildctx.dockerignore import DockerignoreError, load_for
    try:
        ignore = load_for(dockerfile, context)
    except DockerignoreError as exc:
        raise ExplainError(f"cannot parse .dockerignore: {exc}") from None
    except OSError as exc:
        raise ExplainError(f"cannot read .dockerignore: {exc.strerror or exc}") from None
    model = build_model(graph, context_dir=context, dockerfile_path=dockerfile, dockerignore=ignore)
    sim = None
    prev_df = None
    if previous is not None:
        prev_df = _parse(previous, "previous Dockerfile")
    prev_ignore, ignore_known = None, False
    if previous_dockerignore is not None:
        prev_ignore, ignore_known = _read_ignore(previous_dockerignore), True
    changed = list(changed)
    notes: list[str] = []
    if git_info is not None:
        changed += [p for p in git_info.changed if p not in changed]
        notes += git_info.notes
        if prev_df is None:
            prev_df = _at_ref(git_info, notes)
        if previous_dockerignore is None and git_info.ignore_known:
            prev_ignore, ignore_known = git_info.previous_ignore, True
        unknown = [p for p in git_info.untracked_unknown if not model.is_ignored(p)]
        if unknown:
            notes.append(f"{len(unknown)} untracked path{'s' if len(unknown) != 1 else ''} in the build context "
                         f"{'are' if len(unknown) != 1 else 'is'} ignored by git but sent to the builder ("
                         + ", ".join(unknown[:3]) + (", ..." if len(unknown) > 3 else "")
                         + f"): git cannot say whether they changed since {since}; counted unchanged")
    if changed or changed_args or prev_df is not None or previous_build_args is not None or ignore_known:
        sim = model.simulate(changed, list(changed_args), prev_df, previous_build_args=previous_build_args,
                             previous_dockerignore=prev_ignore, previous_dockerignore_known=ignore_known)
        sim.notes[:0] = notes
    ex = Explanation(df, graph, model, sim)
    ex.data = to_json(ex, dockerfile, context, previous, git_info)
    ex.diagram = diagram(graph, model, sim)
    for e in graph.limit_errors():  # the model ran out of expansion: its answer would be a guess
        raise ExplainError(f"{dockerfile}:{e.line}:{e.column}: {e.message}")
    return ex


def _read_ignore(path: str):
    """The Dockerignore of the file at ``path`` ("" or a missing file: none)."""
    if not path:
        return None
    from ..buildctx.dockerignore import Dockerignore, DockerignoreError
    try:
        return Dockerignore.parse(_read(path, "previous .dockerignore"), path=path)
    except DockerignoreError as exc:
        raise ExplainError(f"cannot parse previous .dockerignore {path}: {exc}") from None


def _at_ref(info, notes: list[str]) -> Dockerfile:
    """The Dockerfile as it was at the revision (an empty one when it did not exist or cannot
    be parsed there: then every step is new)."""
    from ..syntax import parse
    if info.previous_bytes is None:
        return parse("", "previous")
    old = parse_bytes(info.previous_bytes, f"{info.ref}:Dockerfile")
    if any(e.fatal for e in old.errors) or not any(i.keyword == "FROM" for i in old.instructions):
        notes.append(f"the Dockerfile at {info.ref} cannot be parsed: every step is counted new")
        return parse("", "previous")
    return old


def remote_unknown(model: CacheModel) -> list[str]:
    """Remote sources of the needed stages whose content the builder re-checks on every build
    (``ADD <url>`` without ``--checksum``, ``ADD <git ref>`` not pinned to a commit): neither git
    nor the Dockerfile can say whether they changed."""
    import re
    out = []
    for sm in model.steps:
        if sm.kind != "layer" or not sm.stage.needed:
            continue
        for src in sm.sources:
            if src.kind == "url" and not src.checksum:
                out.append(src.text)
            elif src.kind == "git" and not re.fullmatch(r"[0-9a-f]{40}", (src.text.split("#", 1)[1:] or [""])[0]
                                                         .split(":")[0]):
                out.append(src.text)
    return list(dict.fromkeys(out))


# --------------------------------------------------------------------------------------
# the one-line answer: "this change re-runs N of M steps, from line L: why"
# --------------------------------------------------------------------------------------

def rerun_summary(data: dict, subject: str = "this change") -> dict:
    """The answer to "what does this change re-run?" for one ``explain`` JSON (``data``, plain
    dict in, plain dict out): ``steps`` (layer steps the target builds), ``rerun`` (of those,
    how many re-run), ``certain`` / ``unless_identical`` (re-run for sure / only if files a
    step copies come out different), ``line`` (the first step that re-runs, base images
    included), ``why`` (its first cause, with the line where it lies), ``text`` (one line:
    ``this change re-runs 3 of 7 steps, from line 5: app.py changed``), ``unknown`` (remote
    sources whose change cannot be known).  ``subject`` starts the sentence ("this pull
    request").  This is what a CI job summary or a pull-request comment shows per Dockerfile."""
    steps = [s for st in data.get("stages", []) if st.get("needed") for s in st.get("steps", [])]
    layers = [s for s in steps if s.get("kind") == "layer"]
    rerun = [s for s in layers if s.get("rebuilt") is True]
    sure = [s for s in rerun if s.get("verdict") != "unless-identical"]
    first = min((s for s in steps if s.get("rebuilt") is True and s.get("kind") in ("layer", "from")),
                key=lambda s: s["line"], default=None)
    wi = data.get("what_if") or {}
    unknown = list(wi.get("remote_unknown") or [])
    why = ""
    if first is not None:
        cause = first.get("cause") or first.get("reason") or ""
        at = first.get("cause_line")
        why = cause if at in (None, first["line"]) else f"line {at}: {cause}"
    n, m = len(rerun), len(layers)
    if first is None:
        text = f"{subject} re-runs none of the {m} step{'s' if m != 1 else ''}"
    else:
        text = f"{subject} re-runs {n} of {m} step{'s' if m != 1 else ''}, from line {first['line']}: {why}"
        if len(sure) < n:
            text += f" ({n - len(sure)} of them only if the files they copy come out different)"
    if unknown:
        text += f"; {len(unknown)} remote source{'s' if len(unknown) != 1 else ''} not known"
    return {"dockerfile": data.get("dockerfile"), "steps": m, "rerun": n, "certain": len(sure),
            "unless_identical": n - len(sure), "line": first["line"] if first is not None else None,
            "why": why, "text": text, "unknown": unknown}


# --------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------

LIST_LIMIT = 20  # variable names per step in the JSON (with the totals past it): output stays linear

def _end_line(instr: Instruction) -> int:
    eff = instr.effective
    last = instr.end_line
    for h in eff.heredocs:
        last = max(last, h.end_line)
    return last


def _text(instr: Instruction) -> str:
    out = instr.line
    for h in instr.effective.heredocs:
        out += "\n" + h.body + h.name
    return out


def _step_json(model: CacheModel, sm: StepModel, r) -> dict:
    out = {
        "line": sm.line,
        "end_line": _end_line(sm.instr),
        "instruction": sm.instr.keyword,
        "text": _text(sm.instr),
        "kind": sm.kind,
        "rebuilt": r.rebuilt if r is not None else None,
        "verdict": _verdict_word(r),
        "reason": r.reason if r is not None else explain_reason(model, sm),
        "depends_on": model.depends_on(sm, LIST_LIMIT),
    }
    if r is not None and r.rebuilt:
        out["cause"] = r.cause or r.reason
        out["cause_line"] = r.root.line if r.root is not None else sm.line
    return out


def _verdict_word(r) -> Optional[str]:
    """The three-valued verdict: ``rebuilt`` (certain), ``unless-identical`` (re-run only if the
    files it copies come out different: only their content can decide), ``cached``; None
    without a what-if or for a step that builds nothing."""
    if r is None or r.rebuilt is None:
        return None
    if not r.rebuilt:
        return "cached"
    return "rebuilt" if r.certain else "unless-identical"


def to_json(ex: Explanation, dockerfile: str, context: Optional[str], previous: Optional[str],
            git_info=None) -> dict:
    g, m, sim = ex.graph, ex.model, ex.simulation
    by_step = {id(r.step): r for r in sim.results} if sim is not None else {}
    users: dict[str, list[int]] = {}
    from ..syntax.expand import referenced_vars
    for st in g.stages:
        w = st.from_instr.words[0].text if st.from_instr.words else ""
        for name, _, _ in referenced_vars(w, g.escape):
            users.setdefault(name, []).append(st.from_instr.start_line)
        if st.platform is not None:
            for name, _, _ in referenced_vars(st.from_instr.flag("platform").value or "", g.escape):
                users.setdefault(name, []).append(st.from_instr.start_line)
    global_args = []
    for instr in g.global_arg_instrs:
        names = [p.key for p in instr.pairs]
        lines = sorted({ln for n in names for ln in users.get(n, [])})
        changed = sim is not None and any(n in sim.changed_args for n in names)
        reason = ("global ARG: only FROM lines see it" + (f" (used on line{'s' if len(lines) > 1 else ''} "
                  + ", ".join(map(str, lines)) + ")" if lines else "; no FROM uses it") +
                  ("; its value changed" if changed else ""))
        global_args.append({
            "line": instr.start_line, "end_line": _end_line(instr), "instruction": instr.keyword,
            "text": _text(instr), "kind": "metadata", "rebuilt": None, "reason": reason,
            "depends_on": {"args": names, "env": [], "cost": None, "unknown": [], "used_by": lines},
        })
    stages = []
    for st in g.stages:
        stages.append({
            "index": st.index,
            "name": st.name,
            "base": st.base_stage.label if st.base_stage is not None else st.base,
            "needed": st.needed,
            "steps": [_step_json(m, sm, by_step.get(id(sm))) for sm in m.stage_steps(st)],
        })
    what_if = None
    if sim is not None:
        what_if = {"changed": list(sim.changed_paths), "ignored": list(sim.ignored_paths),
                   "changed_args": list(sim.changed_args), "previous": previous, "notes": list(sim.notes),
                   "remote_unknown": remote_unknown(m)}
        if git_info is not None:
            what_if["since"] = {"ref": git_info.ref, "commit": git_info.commit, "repository": git_info.root,
                                "dockerignore": git_info.previous_ignore_path,
                                "untracked_unknown": len(git_info.untracked_unknown)}
    data = {
        "dockerfile": dockerfile,
        "context": context,
        "target": g.target.label if g.target is not None else None,
        "dockerignore": m.dockerignore.path if m.dockerignore is not None else None,
        "what_if": what_if,
        "global_args": global_args,
        "stages": stages,
    }
    if what_if is not None:
        what_if["summary"] = rerun_summary(data)
    return data


# --------------------------------------------------------------------------------------
# the stage diagram (drawn by layerlint.report.explain as Mermaid or dot)
# --------------------------------------------------------------------------------------

def diagram(graph: Graph, model: CacheModel, sim: Optional[Simulation] = None) -> dict:
    """The stage graph as plain, JSON-ready data: per stage its base, its layer steps (label,
    classes ``risk`` / ``rebuilt`` / ``cached``, whether the parent is in the cache key) and the
    stages each step copies or mounts from.  Small enough to cross a process boundary (the lint
    engine attaches it to a ``FileResult`` for ``--format summary``)."""
    verdict = {}
    if sim is not None:
        for r in sim.results:
            verdict[id(r.step)] = r.rebuilt
    stages = []
    for st in graph.stages:
        steps = []
        for sm in model.stage_steps(st):
            if sm.kind != "layer":
                continue
            cls = []
            if sm.risks:
                cls.append("risk")
            if verdict.get(id(sm)) is True:
                cls.append("rebuilt")
            elif verdict.get(id(sm)) is False:
                cls.append("cached")
            label = f"{sm.line}: {' '.join(sm.instr.line.split())}"
            if sm.cost:
                label += f" [{sm.cost}]"
            uses = []
            for src in sm.sources + [mt.source for mt in sm.mounts if mt.source is not None]:
                if src.kind == "stage" and src.stage is not None:
                    kind = "COPY --from" if sm.keyword != "RUN" else "RUN --mount"
                    uses.append([src.stage.index, kind + " " + src.path])
            steps.append({"line": sm.line, "label": label, "classes": cls,
                          "parent_in_key": bool(sm.parent_in_key), "uses": uses})
        stages.append({
            "index": st.index,
            "name": st.name,
            "needed": st.needed,
            "base": st.base_stage.label if st.base_stage else st.base or "?",
            "base_stage": st.base_stage.index if st.base_stage is not None else None,
            "image": st.base if st.base_stage is None and not st.is_scratch and st.base else None,
            "steps": steps,
        })
    return {"stages": stages}
