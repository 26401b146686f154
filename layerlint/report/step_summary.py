"""``--format summary``: a Markdown report for a CI job summary (``$GITHUB_STEP_SUMMARY``).

A headline, a findings table, and for each linted file its stage graph as a Mermaid diagram
with the steps that put the build cache at risk marked.  Rendered from the results alone: the
lint run attaches each file's stage diagram (``FileResult.diagram``, plain data) when this
format is requested, and ``report.explain.mermaid`` draws it (the one Mermaid drawing, which
also makes every label inert: safe characters and entity codes only).

Dockerfile text reaches a Markdown renderer here, so every piece of it is escaped: no raw
HTML, no links or images (autolinks included), no table breakage, no control character, bidi
override or undecodable byte (``layerlint.text.printable``), and a message shows at most
``TEXT_LIMIT`` characters.
"""
from __future__ import annotations

import re

from ..text import printable
from . import TEXT_LIMIT, clip
from . import summary as counts  # the counting function of the package (this module is not named summary.py on purpose: it would shadow it)
from .common import one_line, rel_path

MAX_ROWS = 500  # a job summary is limited to 1 MiB
MAX_GRAPHS = 20
ICONS = {"error": "\u274c error", "warning": "\u26a0\ufe0f warning", "info": "\u2139\ufe0f info", "style": "\U0001f3a8 style"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # text is never at a line start: no #, -, + needed
# GFM links bare URLs (``http://``, ``https://``, ``ftp://``), ``www.`` names, e-mail addresses
# and ``@`` mentions; an empty span splits the text node its autolinker reads, so none is whole.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(?=://)|(?<=www)(?=\.)|(?<=@)")


def md(text: str) -> str:
    """Plain text that Markdown (GFM, as GitHub renders it) shows literally, on one line."""
    text = printable(one_line(text))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _AUTOLINK.sub("<span></span>", text)
    # `$` starts math on GitHub; a span keeps it a plain character
    return text.replace("$", "<span>$</span>")


def stage_diagram(result) -> str | None:
    """The Mermaid text of the stage diagram the lint run attached to ``result`` (the run
    computes it when this format is asked for), drawn by ``report.explain.mermaid``."""
    d = result.diagram
    if result.errors or not d or not d.get("stages"):
        return None
    from .explain import mermaid
    return mermaid(d).strip()


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
                out.append(f"- {md(where)}: {md(clip(e.message, TEXT_LIMIT))}")
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
                out.append(f"| {ICONS.get(f.severity, md(f.severity))} | {code} {md(f.title)} | {loc} | {md(clip(f.message, TEXT_LIMIT))} |")
        if n > MAX_ROWS:
            out.append("")
            out.append(f"_{n - MAX_ROWS} more not shown._")
    graphs = 0
    for r in results:
        if graphs == MAX_GRAPHS:
            break
        diagram = stage_diagram(r)
        if diagram is None:
            continue
        graphs += 1
        out += ["", f"### Stages of {md(rel_path(r.path))}", "",
                "Steps marked \u26a0 put the build cache at risk: they re-run on unrelated changes.", "", "```mermaid", diagram, "```"]
    return "\n".join(out) + "\n"
