"""``layerlint explain`` output, and the one Mermaid drawing of a stage graph.

Renders the plain data of ``layerlint.cache.explain``: ``Explanation.data`` (the JSON-ready
dict of ``schemas/explain.schema.json``) as ``tty`` (a tree, styled with rich only when colour
is on) or ``json``, and the stage diagram (``Explanation.diagram``, ``cache.explain.diagram``)
as ``mermaid`` or ``dot``.  ``--format summary`` draws its stage graphs with :func:`mermaid`
from the diagram the lint engine attached to each ``FileResult``.
"""
from __future__ import annotations

import json

from ..text import printable

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional

FORMATS = ("tty", "json", "mermaid", "dot")


def render(ex, fmt: str, color: bool = False) -> str:
    """``ex``: a ``cache.explain.Explanation``."""
    if fmt == "markdown":
        return render_markdown([(ex.data, ex.diagram)])
    if fmt == "json":
        return render_json(ex.data)
    if fmt == "mermaid":
        return mermaid(ex.diagram)
    if fmt == "dot":
        return dot(ex.diagram)
    return render_tty(ex.data, color)


# --------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------

def render_json(data: dict) -> str:
    from .common import encodable_data  # a path's undecodable bytes as \xff, as --format json spells them
    return json.dumps(encodable_data(data), indent=2) + "\n"


# --------------------------------------------------------------------------------------
# tty
# --------------------------------------------------------------------------------------

def _mark(step: dict) -> tuple[str, Optional[str]]:
    if step["rebuilt"] is True and step.get("verdict") == "unless-identical":
        return "REBUILT unless identical", "bold yellow"
    if step["rebuilt"] is True:
        return "REBUILT", "bold red"
    if step["rebuilt"] is False:
        return "cached", "green"
    return "", None


def _tty_lines(data: dict):
    """Lists of (text, style) segments, one per output line."""
    wi = data.get("what_if")
    what_if = wi is not None
    head = [("Dockerfile ", None), (data["dockerfile"], "bold"), ("  context ", "dim"),
            (str(data["context"]), None), ("  target ", "dim"), (str(data["target"]), "bold")]
    yield head
    if data.get("dockerignore"):
        yield [("ignore file ", "dim"), (data["dockerignore"], None)]
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
        since = wi.get("since")
        if since:
            parts.insert(0, f"since {since['ref']} ({since['commit'][:12]})")
        yield [("what-if: ", "bold"), ("; ".join(parts) or "nothing", None)]
        for n in wi["notes"]:
            yield [("  note: ", "yellow"), (n, None)]
        for url in wi.get("remote_unknown") or []:
            yield [("  unknown: ", "magenta"), (url, None),
                   (" is re-checked by the builder on every build; whether it changed cannot be known "
                    "(--changed URL says it did)", "dim")]
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
        u = sum(1 for s in steps if s["rebuilt"] is True and s.get("verdict") == "unless-identical")
        c = sum(1 for s in steps if s["rebuilt"] is False and s["kind"] == "layer")
        yield []
        yield [(f"{n} step{'s' if n != 1 else ''} rebuilt", "bold red" if n else "bold green"),
               (f" ({n - u} certain, {u} unless the files they copy come out the same)" if u else "", None),
               (f", {c} layer{'s' if c != 1 else ''} from cache", None)]
        summary = wi.get("summary")
        if summary:
            yield [(summary["text"], "bold")]


def summary_lines(data: dict):
    """The one-line answer of each Dockerfile (``data``: one explain JSON, or the --since
    object of several): ``path: this change re-runs N of M steps, from line L: why``."""
    items = data["dockerfiles"] if "dockerfiles" in data else [data]
    for d in items:
        s = (d.get("what_if") or {}).get("summary")
        if s is None:
            continue
        yield [(d["dockerfile"], "bold"), (": ", None), (s["text"], "bold red" if s["rerun"] else "bold green")]
        for url in s.get("unknown") or []:
            yield [("  unknown: ", "magenta"), (url, None), (" (remote content re-checked on every build)", "dim")]
    for e in data.get("errors", []):
        yield [(e["dockerfile"], "bold"), (": ", None), ("error: " + e["error"], "red")]


MERMAID_MAX = 50_000  # characters: GitHub's Mermaid renders nothing past this


def render_markdown(items, subject: str = "this change") -> str:
    """Markdown for a CI job summary or a pull-request comment: per Dockerfile (``items``:
    ``(explain JSON, stage diagram or None)``), the one-line answer of what the change re-runs
    (``cache.explain.rerun_summary``) and the stage graph with what it re-runs marked."""
    from ..cache.explain import rerun_summary
    out = []
    for data, diagram in items:
        head = md_code(data.get("dockerfile") or "Dockerfile")
        if "error" in data:
            out.append(f"#### {head}\n\n{md_text(data['error'])}\n")
            continue
        answer = rerun_summary(data, subject)
        out.append(f"#### {head}\n\n{md_text(answer['text'][:1].upper() + answer['text'][1:])}.\n")
        if diagram and answer["rerun"]:
            graph = mermaid(diagram)
            if len(graph) <= MERMAID_MAX:
                out.append(f"```mermaid\n{graph}\n```\n")
            else:
                out.append(f"_(stage graph not drawn: {len(graph):,} characters, over Mermaid's "
                           f"{MERMAID_MAX:,})_\n")
    return "\n".join(out)


def md_code(text: str) -> str:
    """``text`` as inline code that no backquote in it can close."""
    text = " ".join(printable(text).split())
    fence = "`"
    while fence in text:
        fence += "`"
    return f"{fence} {text} {fence}" if text.startswith("`") or text.endswith("`") else f"{fence}{text}{fence}"


def md_text(text: str) -> str:
    """Repository text as Markdown that renders as written (no HTML, links or emphasis from it)."""
    text = " ".join(printable(text).split())
    return "".join("\\" + c if c in "\\`*_{}[]()<>#+!|~&" else c for c in text)


def render_summary(data: dict, color: bool = False) -> str:
    return _render_lines(summary_lines(data), color)


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")[0].split()) + (" ..." if "\n" in text else "")


def render_tty(data: dict, color: bool = False) -> str:
    if "dockerfiles" in data:  # --since over several Dockerfiles: one line each
        return render_summary(data, color)
    return _render_lines(_tty_lines(data), color)


def _render_lines(segments, color: bool) -> str:
    # paths, instructions and reasons come from the repository: nothing of them drives the terminal
    lines = [[(printable(t), style) for t, style in segs] for segs in segments]
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

def mermaid_label(text: str, limit: int = 60) -> str:
    """A Mermaid label body (``id["..."]``, ``|"..."|``): safe ASCII kept, every other
    character as a Mermaid entity code (``#35;``), so a label can never close itself."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit - 3] + "..."
    safe = set(" .,_/:@=+-")
    return "".join(c if (c.isascii() and c.isalnum()) or c in safe else f"#{ord(c)};" for c in text)


def _dq(text: str, limit: int = 60) -> str:
    """A Graphviz double-quoted string body (controls and bidi overrides made printable)."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit - 3] + "..."
    return printable(text).replace("\\", "\\\\").replace('"', '\\"')


def _title(st: dict) -> str:
    return f"stage {st['index']}" + (f": {st['name']}" if st["name"] else "") + (" (not built)" if not st["needed"] else "")


def mermaid(diagram: dict) -> str:
    """The stage graph as a Mermaid flowchart: one box per stage with its layer steps,
    FROM / COPY --from / RUN --mount=from edges, external base images, cache-risk steps
    (expensive steps that re-run on unrelated changes) marked, and rebuilt steps when the
    diagram comes from a simulation.  Plain Mermaid text, no code fence."""
    stages = diagram["stages"]
    mm = mermaid_label
    out = ["flowchart TD"]
    images: dict[str, str] = {}
    first: dict[int, str] = {}
    last: dict[int, str] = {}
    for st in stages:
        i = st["index"]
        out.append(f'  subgraph S{i}["{mm(_title(st))}"]')
        out.append("    direction TB")
        node0 = f"S{i}_from"
        out.append(f'    {node0}["{mm("FROM " + st["base"])}"]:::base')
        prev = node0
        first[i] = node0
        for step in st["steps"]:
            cls = step["classes"]
            nid = f"S{i}_L{step['line']}"
            mark = " #9888;" if "risk" in cls else ""
            out.append(f'    {nid}["{mm(step["label"])}{mark}"]' + (f":::{cls[-1]}" if cls else ""))
            arrow = "-->" if step["parent_in_key"] else "-.->"
            out.append(f"    {prev} {arrow} {nid}")
            prev = nid
        last[i] = prev
        out.append("  end")
        if not st["needed"]:
            out.append(f"  style S{i} stroke-dasharray:4 3,color:#888")
    for st in stages:
        i = st["index"]
        if st["base_stage"] is not None:
            out.append(f'  {last[st["base_stage"]]} ==>|"FROM"| {first[i]}')
        elif st["image"]:
            if st["image"] not in images:
                images[st["image"]] = f"I{len(images)}"
                out.append(f'  {images[st["image"]]}(["{mm(st["image"])}"]):::image')
            out.append(f"  {images[st['image']]} --> {first[i]}")
        for step in st["steps"]:
            for src, text in step["uses"]:
                out.append(f'  {last[src]} -.->|"{mm(text, 40)}"| S{i}_L{step["line"]}')
    out.append("  classDef risk fill:#fff3cd,stroke:#d39e00,color:#533f03")
    out.append("  classDef rebuilt fill:#f8d7da,stroke:#c82333,color:#491217")
    out.append("  classDef cached fill:#d4edda,stroke:#28a745,color:#155724")
    out.append("  classDef base fill:#e8eaf6,stroke:#5c6bc0")
    out.append("  classDef image fill:#eef,stroke:#88a")
    return "\n".join(out) + "\n"


def dot(diagram: dict) -> str:
    """The same stage graph in Graphviz dot."""
    stages = diagram["stages"]
    fill = {"risk": "#fff3cd", "rebuilt": "#f8d7da", "cached": "#d4edda"}
    out = ["digraph layerlint {", '  rankdir=TB;', '  node [shape=box, fontname="monospace", fontsize=10];']
    images: dict[str, str] = {}
    first: dict[int, str] = {}
    last: dict[int, str] = {}
    for st in stages:
        i = st["index"]
        out.append(f"  subgraph cluster_{i} {{")
        out.append(f'    label="{_dq(_title(st))}";' + ('' if st["needed"] else ' style=dashed; fontcolor="#888888";'))
        node0 = f"s{i}_from"
        out.append(f'    {node0} [label="{_dq("FROM " + st["base"])}", '
                   'style=filled, fillcolor="#e8eaf6"];')
        prev = node0
        first[i] = node0
        for step in st["steps"]:
            cls = step["classes"]
            nid = f"s{i}_l{step['line']}"
            attrs = f'label="{_dq(step["label"])}"'
            if cls:
                attrs += f', style=filled, fillcolor="{fill[cls[-1]]}"'
                if "risk" in cls:
                    attrs += ', color="#d39e00", penwidth=2'
            out.append(f"    {nid} [{attrs}];")
            out.append(f"    {prev} -> {nid}" + ("" if step["parent_in_key"] else " [style=dashed]") + ";")
            prev = nid
        last[i] = prev
        out.append("  }")
    for st in stages:
        i = st["index"]
        if st["base_stage"] is not None:
            out.append(f'  {last[st["base_stage"]]} -> {first[i]} [label="FROM", penwidth=2];')
        elif st["image"]:
            if st["image"] not in images:
                images[st["image"]] = f"img{len(images)}"
                out.append(f'  {images[st["image"]]} [label="{_dq(st["image"])}", shape=ellipse];')
            out.append(f"  {images[st['image']]} -> {first[i]};")
        for step in st["steps"]:
            for src, text in step["uses"]:
                out.append(f'  {last[src]} -> s{i}_l{step["line"]} '
                           f'[style=dashed, label="{_dq(text, 40)}"];')
    out.append("}")
    return "\n".join(out) + "\n"
