"""``--format summary``: a Markdown report for a CI job summary (``$GITHUB_STEP_SUMMARY``).

A headline, a findings table, and for each linted file its stage graph as a Mermaid diagram
with the steps that put the build cache at risk marked.  The diagram comes from
``layerlint.explain.mermaid`` when that module is available, and is drawn here from the
instruction graph otherwise.

Dockerfile text reaches a Markdown renderer here, so every piece of it is escaped: no raw
HTML, no links or images, no table breakage, and Mermaid labels made of safe characters and
entity codes only.
"""
from __future__ import annotations

import re

from . import summary as counts  # the counting function of the package (this module is not named summary.py on purpose: it would shadow it)
from .common import one_line, rel_path

MAX_ROWS = 500  # a job summary is limited to 1 MiB
MAX_GRAPHS = 20
ICONS = {"error": "\u274c error", "warning": "\u26a0\ufe0f warning", "info": "\u2139\ufe0f info", "style": "\U0001f3a8 style"}
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # text is never at a line start: no #, -, + needed


def md(text: str) -> str:
    """Plain text that Markdown (GFM, as GitHub renders it) shows literally, on one line."""
    text = one_line(text)
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # `$` starts math on GitHub; a span keeps it a plain character
    return text.replace("$", "<span>$</span>")


def mermaid_label(text: str, limit: int = 60) -> str:
    """A label for ``id["..."]``: letters, digits and a few safe marks as they are, any other
    character as a Mermaid entity code (``#35;``), so a label can never close itself."""
    text = one_line(text)
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return "".join(ch if (ch.isalnum() and ch.isascii()) or ch in " ._/:@=+-" else f"#{ord(ch)};" for ch in text)


def _is_cache_rule(code: str) -> bool:
    from ..rules import all_rules
    rule = all_rules().get(code)
    return code.startswith("LL2") or (rule is not None and "cache" in rule.tags)


def _graph_for(result, options):
    from ..graph import build_graph
    from ..syntax import parse
    if result.errors or not result.lines:
        return None, None
    df = parse("\n".join(result.lines) + "\n", result.path)
    if not df.ok:
        return None, None
    return df, build_graph(df, getattr(options, "build_args", None) or {}, getattr(options, "target", None))


def fallback_mermaid(graph, risky: dict[int, list[str]]) -> str:
    """The stage graph: stages, FROM / COPY --from / RUN --mount=from edges, external images,
    and the cache-risk steps (``risky``: line -> rule codes) hung off their stage."""
    out = ["flowchart TD"]
    images: dict[str, str] = {}
    for st in graph.stages:
        label = f"{st.label}: FROM {st.base or '?'}"
        cls = "" if st.needed else ":::unused"
        out.append(f'  s{st.index}["{mermaid_label(label)}"]{cls}')
    for st in graph.stages:
        for e in st.edges:
            if e.stage is not None:
                kind = {"from": "FROM", "copy": "COPY --from", "mount": "RUN --mount", "onbuild": "ONBUILD"}.get(e.kind, e.kind)
                arrow = "-->" if e.kind == "from" else "-.->"
                out.append(f'  s{e.stage.index} {arrow}|"{mermaid_label(kind)}"| s{st.index}')
            elif e.kind == "from" and not st.is_scratch and e.ref:
                if e.ref not in images:
                    images[e.ref] = f"i{len(images)}"
                    out.append(f'  {images[e.ref]}(["{mermaid_label(e.ref)}"]):::image')
                out.append(f"  {images[e.ref]} --> s{st.index}")
        for step in st.steps:
            instr = step.instr
            codes = risky.get(instr.start_line)
            if not codes:
                continue
            text = f"line {instr.start_line}: {instr.keyword_raw} {instr.args_text}"
            nid = f"s{st.index}l{instr.start_line}"
            out.append(f'  {nid}["{mermaid_label(text)} #9888; {mermaid_label(", ".join(codes))}"]:::risk')
            out.append(f"  s{st.index} -.- {nid}")
    out.append("  classDef risk fill:#ffe3e3,stroke:#d33,color:#600")
    out.append("  classDef unused stroke-dasharray:4 3,color:#888")
    out.append("  classDef image fill:#eef,stroke:#88a")
    return "\n".join(out)


def stage_diagram(result, options) -> str | None:
    df, graph = _graph_for(result, options)
    if graph is None or not graph.stages:
        return None
    try:
        from ..cache.explain import mermaid  # written alongside; optional
    except ImportError:
        mermaid = None
    if mermaid is not None:
        try:
            from ..cache.model import build_model
            import os
            model = build_model(graph, context_dir=os.path.dirname(os.path.abspath(result.path)),
                                dockerfile_path=result.path)
            text = mermaid(graph, model)
            if isinstance(text, str) and text.strip():
                return text.strip().removeprefix("```mermaid").removesuffix("```").strip()
        except Exception:  # a summary must never fail the job: fall back to our own drawing
            pass
    risky: dict[int, list[str]] = {}
    for f in result.findings:
        if _is_cache_rule(f.rule):
            risky.setdefault(f.instr_line or f.span.line, []).append(f.rule)
    return fallback_mermaid(graph, risky)


def render(results, options) -> str:
    s = counts(results)
    n = s["findings"]
    out = ["## layerlint", ""]
    parts = [f"{v} {k}" for k, v in s["by_severity"].items() if v]
    files = f"{s['files']} file{'s' if s['files'] != 1 else ''}"
    if n:
        out.append(f"**{n} problem{'s' if n != 1 else ''}** ({', '.join(parts)}) in {files}.")
    else:
        out.append(f"No problems in {files}.")
    if s["files_with_errors"]:
        out.append("")
        out.append(f"**{s['files_with_errors']} file(s) could not be linted:**")
        out.append("")
        for r in results:
            for e in r.errors:
                where = f"{rel_path(r.path)}:{e.line}" if e.line else rel_path(r.path)
                out.append(f"- {md(where)}: {md(e.message)}")
    if n:
        from ..rules import all_rules
        rules = all_rules()
        out += ["", "| Severity | Rule | Location | Message |", "|---|---|---|---|"]
        rows = 0
        for r in results:
            for f in r.findings:
                if rows == MAX_ROWS:
                    break
                rows += 1
                rule = rules.get(f.rule)
                code = f"[{f.rule}]({rule.help_uri})" if rule is not None else md(f.rule)
                loc = md(f"{rel_path(f.path)}:{f.span.line}:{f.span.column}")
                out.append(f"| {ICONS.get(f.severity, md(f.severity))} | {code} {md(f.title)} | {loc} | {md(f.message)} |")
        if n > MAX_ROWS:
            out.append("")
            out.append(f"_{n - MAX_ROWS} more not shown._")
    graphs = 0
    for r in results:
        if graphs == MAX_GRAPHS:
            break
        diagram = stage_diagram(r, options)
        if diagram is None:
            continue
        graphs += 1
        out += ["", f"### Stages of {md(rel_path(r.path))}", "",
                "Steps marked \u26a0 put the build cache at risk: they re-run on unrelated changes.", "", "```mermaid", diagram, "```"]
    return "\n".join(out) + "\n"
