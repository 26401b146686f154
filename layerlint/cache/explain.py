"""``layerlint explain``: layers, what invalidates each step's cache, and what-if rebuilds.

The logic (:func:`explain`) turns a Dockerfile, its build context and an optional what-if
(changed context paths, changed build args, the previous Dockerfile) into a JSON-ready dict
that follows ``schemas/explain.schema.json``; the renderers turn that dict (and, for the
diagrams, the graph and cache model) into text: ``tty`` (a tree, styled with rich only when
colour is on), ``json``, ``mermaid`` and ``dot``.
"""
from __future__ import annotations

import json
import os

from .model import CacheModel, Simulation, StepModel, build_model, explain_reason
from ..graph import Graph, build_graph
from ..record import Record
from ..syntax import MAX_BYTES, parse_bytes
from ..syntax.model import Dockerfile, Instruction

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional, Sequence

FORMATS = ("tty", "json", "mermaid", "dot")
SCHEMA_VERSION = "1.0"


class ExplainError(Exception):
    """Input that cannot be read or parsed (the command exits 2 with this one-line message)."""


class Explanation(Record):
    df: Dockerfile
    graph: Graph
    model: CacheModel
    simulation: Optional[Simulation]
    data: dict

    _fields = ("df", "graph", "model", "simulation", "data")

    def __init__(
        self,
        df: Dockerfile,
        graph: Graph,
        model: CacheModel,
        simulation: Optional[Simulation],
        data: dict | None = None,
    ) -> None:
        self.df = df
        self.graph = graph
        self.model = model
        self.simulation = simulation
        self.data = {} if data is None else data


def _read(path: str, what: str) -> bytes:
    if os.path.isdir(path):
        raise ExplainError(f"{what} {path} is a directory, not a Dockerfile")
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ExplainError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise ExplainError(f"{what} {path} is larger than {MAX_BYTES} bytes")
    return data


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
        raise ExplainError(f"{dockerfile}: {fatal[0].message}")
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


def render_json(ex: Explanation) -> str:
    return json.dumps(ex.data, indent=2) + "\n"


# --------------------------------------------------------------------------------------
# tty
# --------------------------------------------------------------------------------------

def _mark(step: dict) -> tuple[str, Optional[str]]:
    if step["rebuilt"] is True:
        return "REBUILT", "bold red"
    if step["rebuilt"] is False:
        return "cached", "green"
    return "", None


def _tty_lines(data: dict, what_if: bool):
    """Lists of (text, style) segments, one per output line."""
    head = [("Dockerfile ", None), (data["dockerfile"], "bold"), ("  context ", "dim"),
            (str(data["context"]), None), ("  target ", "dim"), (str(data["target"]), "bold")]
    yield head
    if data.get("dockerignore"):
        yield [("ignore file ", "dim"), (data["dockerignore"], None)]
    wi = data.get("what_if")
    if wi:
        parts = []
        if wi["changed"]:
            parts.append("changed " + ", ".join(wi["changed"]))
        if wi["ignored"]:
            parts.append("ignored " + ", ".join(wi["ignored"]))
        if wi["changed_args"]:
            parts.append("build args " + ", ".join(wi["changed_args"]))
        if wi["previous"]:
            parts.append("previous " + wi["previous"])
        yield [("what-if: ", "bold"), ("; ".join(parts) or "nothing", None)]
        for n in wi["notes"]:
            yield [("  note: ", "yellow"), (n, None)]
    for ga in data["global_args"]:
        yield [("  ", None), (f"{ga['line']:>4}  ", "dim"), (_one_line(ga["text"]), None), ("   ", None),
               (ga["reason"], "dim")]
    for st in data["stages"]:
        yield []
        label = f"stage {st['index']}" + (f" {st['name']}" if st["name"] else "")
        tail = "" if st["needed"] else "  (not needed for the target: skipped)"
        yield [(label, "bold cyan"), (f"  FROM {st['base']}", None), (tail, "dim")]
        for s in st["steps"]:
            text = _one_line(s["text"])
            if len(text) > 70:
                text = text[:67] + "..."
            mark, mstyle = _mark(s)
            cost = s["depends_on"].get("cost")
            kind = {"from": "base", "layer": "layer", "metadata": "config"}[s["kind"]]
            segs = [("  ", None), (f"{s['line']:>4}  ", "dim"), (text, "bold" if s["kind"] != "metadata" else "dim"),
                    ("  ", None), (f"[{kind}]", "dim")]
            if cost:
                segs += [(" ", None), (f"[{cost}]", "bold yellow")]
            if mark:
                segs += [("  ", None), (mark, mstyle)]
            yield segs
            show_reason = s["kind"] != "metadata" or not what_if
            if show_reason and st["needed"]:
                yield [("        ", None), (s["reason"], "dim" if s["rebuilt"] is not True else None)]
                for risk in s["depends_on"].get("risks", []) if not what_if else []:
                    yield [("        ", None), ("risk: ", "yellow"), (risk, None)]
                for note in s["depends_on"].get("unknown", []) if not what_if else []:
                    yield [("        ", None), ("unknown: ", "magenta"), (note, "dim")]
    if wi:
        steps = [s for st in data["stages"] for s in st["steps"]]
        n = sum(1 for s in steps if s["rebuilt"] is True)
        c = sum(1 for s in steps if s["rebuilt"] is False and s["kind"] == "layer")
        yield []
        yield [(f"{n} step{'s' if n != 1 else ''} rebuilt", "bold red" if n else "bold green"),
               (f", {c} layer{'s' if c != 1 else ''} from cache", None)]


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")[0].split()) + (" ..." if "\n" in text else "")


def render_tty(ex: Explanation, color: bool = False) -> str:
    lines = list(_tty_lines(ex.data, ex.simulation is not None))
    if not color:
        return "\n".join("".join(t for t, _ in segs) for segs in lines) + "\n"
    from io import StringIO

    from rich.console import Console
    from rich.text import Text
    buf = StringIO()
    console = Console(file=buf, force_terminal=True, color_system="standard", width=200,
                      highlight=False, soft_wrap=True)
    for segs in lines:
        t = Text()
        for text, style in segs:
            t.append(text, style=style or "")
        console.print(t)
    return buf.getvalue()


# --------------------------------------------------------------------------------------
# diagrams
# --------------------------------------------------------------------------------------

def _mm(text: str, limit: int = 60) -> str:
    """A Mermaid label body: safe ASCII kept, everything else as an entity code."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit - 3] + "..."
    safe = set(" .,_/:@=+-")
    return "".join(c if (c.isascii() and c.isalnum()) or c in safe else f"#{ord(c)};" for c in text)


def _dq(text: str, limit: int = 60) -> str:
    """A Graphviz double-quoted string body."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit - 3] + "..."
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _diagram_parts(graph: Graph, model: CacheModel, sim: Optional[Simulation]):
    """Stages with their layer steps, the edges between them, and the step classes."""
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
            steps.append((sm, label, cls))
        stages.append((st, steps))
    return stages, verdict


def mermaid(graph: Graph, model: CacheModel, simulation: Optional[Simulation] = None) -> str:
    """The stage graph as a Mermaid flowchart: one box per stage with its layer steps,
    FROM / COPY --from / RUN --mount=from edges, external base images, cache-risk steps
    (expensive steps that re-run on unrelated changes) marked, and rebuilt steps when a
    simulation is given.  Plain Mermaid text, no code fence."""
    stages, _ = _diagram_parts(graph, model, simulation)
    out = ["flowchart TD"]
    images: dict[str, str] = {}
    first: dict[int, str] = {}
    last: dict[int, str] = {}
    for st, steps in stages:
        title = f"stage {st.index}" + (f": {st.name}" if st.name else "") + (" (not built)" if not st.needed else "")
        out.append(f'  subgraph S{st.index}["{_mm(title)}"]')
        out.append("    direction TB")
        prev = None
        node0 = f"S{st.index}_from"
        out.append(f'    {node0}["{_mm("FROM " + (st.base_stage.label if st.base_stage else st.base or "?"))}"]:::base')
        prev = node0
        first[st.index] = node0
        for sm, label, cls in steps:
            nid = f"S{st.index}_L{sm.line}"
            mark = " #9888;" if "risk" in cls else ""
            out.append(f'    {nid}["{_mm(label)}{mark}"]' + (f":::{cls[-1]}" if cls else ""))
            arrow = "-->" if sm.parent_in_key else "-.->"
            out.append(f"    {prev} {arrow} {nid}")
            prev = nid
        last[st.index] = prev
        out.append("  end")
        if not st.needed:
            out.append(f"  style S{st.index} stroke-dasharray:4 3,color:#888")
    for st, steps in stages:
        if st.base_stage is not None:
            out.append(f'  {last[st.base_stage.index]} ==>|"FROM"| {first[st.index]}')
        elif not st.is_scratch and st.base:
            if st.base not in images:
                images[st.base] = f"I{len(images)}"
                out.append(f'  {images[st.base]}(["{_mm(st.base)}"]):::image')
            out.append(f"  {images[st.base]} --> {first[st.index]}")
        for sm, _, _ in steps:
            srcs = sm.sources + [mt.source for mt in sm.mounts if mt.source is not None]
            for src in srcs:
                if src.kind == "stage" and src.stage is not None:
                    kind = "COPY --from" if sm.keyword != "RUN" else "RUN --mount"
                    out.append(f'  {last[src.stage.index]} -.->|"{_mm(kind + " " + src.path, 40)}"| S{st.index}_L{sm.line}')
    out.append("  classDef risk fill:#fff3cd,stroke:#d39e00,color:#533f03")
    out.append("  classDef rebuilt fill:#f8d7da,stroke:#c82333,color:#491217")
    out.append("  classDef cached fill:#d4edda,stroke:#28a745,color:#155724")
    out.append("  classDef base fill:#e8eaf6,stroke:#5c6bc0")
    out.append("  classDef image fill:#eef,stroke:#88a")
    return "\n".join(out) + "\n"


def dot(graph: Graph, model: CacheModel, simulation: Optional[Simulation] = None) -> str:
    """The same stage graph in Graphviz dot."""
    stages, _ = _diagram_parts(graph, model, simulation)
    fill = {"risk": "#fff3cd", "rebuilt": "#f8d7da", "cached": "#d4edda"}
    out = ["digraph layerlint {", '  rankdir=TB;', '  node [shape=box, fontname="monospace", fontsize=10];']
    images: dict[str, str] = {}
    first: dict[int, str] = {}
    last: dict[int, str] = {}
    for st, steps in stages:
        title = f"stage {st.index}" + (f": {st.name}" if st.name else "") + (" (not built)" if not st.needed else "")
        out.append(f"  subgraph cluster_{st.index} {{")
        out.append(f'    label="{_dq(title)}";' + ('' if st.needed else ' style=dashed; fontcolor="#888888";'))
        node0 = f"s{st.index}_from"
        out.append(f'    {node0} [label="{_dq("FROM " + (st.base_stage.label if st.base_stage else st.base or "?"))}", '
                   'style=filled, fillcolor="#e8eaf6"];')
        prev = node0
        first[st.index] = node0
        for sm, label, cls in steps:
            nid = f"s{st.index}_l{sm.line}"
            attrs = f'label="{_dq(label)}"'
            if cls:
                attrs += f', style=filled, fillcolor="{fill[cls[-1]]}"'
                if "risk" in cls:
                    attrs += ', color="#d39e00", penwidth=2'
            out.append(f"    {nid} [{attrs}];")
            out.append(f"    {prev} -> {nid}" + ("" if sm.parent_in_key else " [style=dashed]") + ";")
            prev = nid
        last[st.index] = prev
        out.append("  }")
    for st, steps in stages:
        if st.base_stage is not None:
            out.append(f'  {last[st.base_stage.index]} -> {first[st.index]} [label="FROM", penwidth=2];')
        elif not st.is_scratch and st.base:
            if st.base not in images:
                images[st.base] = f"img{len(images)}"
                out.append(f'  {images[st.base]} [label="{_dq(st.base)}", shape=ellipse];')
            out.append(f"  {images[st.base]} -> {first[st.index]};")
        for sm, _, _ in steps:
            for src in sm.sources + [mt.source for mt in sm.mounts if mt.source is not None]:
                if src.kind == "stage" and src.stage is not None:
                    kind = "COPY --from" if sm.keyword != "RUN" else "RUN --mount"
                    out.append(f'  {last[src.stage.index]} -> s{st.index}_l{sm.line} '
                               f'[style=dashed, label="{_dq(kind + " " + src.path, 40)}"];')
    out.append("}")
    return "\n".join(out) + "\n"


def render(ex: Explanation, fmt: str, color: bool = False) -> str:
    if fmt == "json":
        return render_json(ex)
    if fmt == "mermaid":
        return mermaid(ex.graph, ex.model, ex.simulation)
    if fmt == "dot":
        return dot(ex.graph, ex.model, ex.simulation)
    return render_tty(ex, color)
