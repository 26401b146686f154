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
            changed_args: Sequence[str] = (), previous: Optional[str] = None) -> Explanation:
    """Model ``dockerfile`` (a path) and, when a what-if is given, simulate the rebuild.

    ``context`` defaults to the Dockerfile's directory; ``previous`` is the path of the
    Dockerfile as it was at the last build.  Raises :class:`ExplainError` for input that
    cannot be read or parsed.
    """
    df = _parse(dockerfile, "Dockerfile")
    if context is None:
        context = os.path.dirname(os.path.abspath(dockerfile))
    elif not os.path.isdir(context):
        raise ExplainError(f"build context {context} is not a directory")
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
    if changed or changed_args or prev_df is not None:
        sim = model.simulate(list(changed), list(changed_args), prev_df)
    ex = Explanation(df, graph, model, sim)
    ex.data = to_json(ex, dockerfile, context, previous)
    ex.diagram = diagram(graph, model, sim)
    for e in graph.limit_errors():  # the model ran out of expansion: its answer would be a guess
        raise ExplainError(f"{dockerfile}:{e.line}:{e.column}: {e.message}")
    return ex


# --------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------

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


def _step_json(model: CacheModel, sm: StepModel, sim: Optional[Simulation]) -> dict:
    r = sim.result_for(sm.instr) if sim is not None else None
    return {
        "line": sm.line,
        "end_line": _end_line(sm.instr),
        "instruction": sm.instr.keyword,
        "text": _text(sm.instr),
        "kind": sm.kind,
        "rebuilt": r.rebuilt if r is not None else None,
        "reason": r.reason if r is not None else explain_reason(model, sm),
        "depends_on": model.depends_on(sm),
    }


def to_json(ex: Explanation, dockerfile: str, context: Optional[str], previous: Optional[str]) -> dict:
    g, m, sim = ex.graph, ex.model, ex.simulation
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
            "steps": [_step_json(m, sm, sim) for sm in m.stage_steps(st)],
        })
    what_if = None
    if sim is not None:
        what_if = {"changed": list(sim.changed_paths), "ignored": list(sim.ignored_paths),
                   "changed_args": list(sim.changed_args), "previous": previous, "notes": list(sim.notes)}
    return {
        "dockerfile": dockerfile,
        "context": context,
        "target": g.target.label if g.target is not None else None,
        "dockerignore": m.dockerignore.path if m.dockerignore is not None else None,
        "what_if": what_if,
        "global_args": global_args,
        "stages": stages,
    }


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
