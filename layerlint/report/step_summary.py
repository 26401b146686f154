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

GitHub drops a step summary over 1 MiB whole, and Mermaid refuses a diagram over 50,000
characters or 500 edges, so on a large repository the summary is cut to ``BUDGET`` bytes,
the most important rows first (what the pull request changed, then the most severe), and each
cut says so.  Inside GitHub Actions it also says how many findings got no annotation (the
runner keeps 10 a level per step: ``report.github.plan`` chooses them).
"""
from __future__ import annotations

import re

from ..text import printable
from . import TEXT_LIMIT, clip
from . import summary as counts  # the counting function of the package (this module is not named summary.py on purpose: it would shadow it)
from .common import one_line, rel_path

SUMMARY_LIMIT = 1024 * 1024  # GitHub: "$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k"
BUDGET = 1000 * 1000  # bytes this report may take: room left for what the Action appends
NOTE_ROOM = 4000  # bytes kept back for the notes that say what was cut
MAX_ROWS = 500
MAX_ERRORS = 100  # files listed as "could not be linted"
MAX_GRAPHS = 20
MERMAID_MAX_TEXT = 50000  # Mermaid's maxTextSize default: a longer diagram renders as an error
MERMAID_MAX_EDGES = 500  # Mermaid's maxEdges default
ICONS = {"error": "\u274c error", "warning": "\u26a0\ufe0f warning", "info": "\u2139\ufe0f info", "style": "\U0001f3a8 style"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")  # text is never at a line start: no #, -, + needed
# GFM links bare URLs (``http://``, ``https://``, ``ftp://``), ``www.`` names, e-mail addresses
# and ``@`` mentions; an empty span splits the text node its autolinker reads, so none is whole.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(?=://)|(?<=www)(?=\.)|(?<=@)")
_EDGE = re.compile(r"(-->|-\.->|==>)")


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


def _size(line: str) -> int:
    return len(line.encode("utf-8", "surrogatepass")) + 1


class _Out:
    """Lines with a byte count: ``add`` refuses a line that would pass the budget."""

    def __init__(self, budget: int) -> None:
        self.lines: list[str] = []
        self.used = 0
        self.budget = budget

    def fits(self, *lines: str) -> bool:
        return self.used + sum(_size(x) for x in lines) <= self.budget

    def add(self, *lines: str, force: bool = False) -> bool:
        if not force and not self.fits(*lines):
            return False
        self.lines += lines
        self.used += sum(_size(x) for x in lines)
        return True


def render(results, options, budget: int = BUDGET) -> str:
    from . import github
    s = counts(results)
    n = s["findings"]
    changes = github.changes_from_env()
    out = _Out(budget - NOTE_ROOM)
    out.add("## layerlint", "", force=True)
    parts = [f"{v} {k}" for k, v in s["by_severity"].items() if v]
    files = f"{s['files']} file{'s' if s['files'] != 1 else ''}"
    if n:
        head = f"**{n} problem{'s' if n != 1 else ''}** ({', '.join(parts)}) in {files}."
        if changes is not None:
            on = sum(1 for r in results for f in r.findings
                     if github.change_rank(f.path, f.span.line, f.span.end_line, changes) == github.ON_CHANGED_LINE)
            head += f" {on} on lines this pull request changes."
        out.add(head, force=True)
    else:
        out.add(f"No problems in {files}.", force=True)
    note_at = len(out.lines)  # the "not annotated" note goes here once the table says where the rest are
    if s["files_with_errors"]:
        out.add("", f"**{s['files_with_errors']} file(s) could not be linted:**", "", force=True)
        errors = [(r, e) for r in results for e in r.errors]
        shown = 0
        for r, e in errors:
            where = f"{rel_path(r.path)}:{e.line}" if e.line else rel_path(r.path)
            if shown == MAX_ERRORS or not out.add(f"- {md(where)}: {md(clip(e.message, TEXT_LIMIT))}"):
                break
            shown += 1
        if shown < len(errors):
            out.add("", f"_{len(errors) - shown} more not shown: see the step's log or the SARIF report._", force=True)
    rows = 0
    if n:
        from ..rules import all_rules
        rules = all_rules()
        # the most important first, so a cut loses the least: changed lines, then severity
        ordered = [it.finding for it in sorted(github.items(results, changes), key=lambda it: it.rank)
                   if it.finding is not None]
        if out.add("", "| Severity | Rule | Location | Message |", "|---|---|---|---|"):
            for f in ordered:
                if rows == MAX_ROWS:
                    break
                rule = rules.get(f.rule)
                code = f"[{f.rule}]({rule.help_uri})" if rule is not None else md(f.rule)
                loc = md(f"{rel_path(f.path)}:{f.span.line}:{f.span.column}")
                if not out.add(f"| {ICONS.get(f.severity, md(f.severity))} | {code} {md(f.title)} | {loc} | "
                               f"{md(clip(f.message, TEXT_LIMIT))} |"):
                    break
                rows += 1
        if rows < n:
            why = "a job summary is limited to 1 MiB" if rows < MAX_ROWS else f"the table shows {MAX_ROWS}"
            out.add("", f"_{n - rows} more not shown ({why}): see the step's log, the SARIF report "
                    "(code scanning) or `--format json`._", force=True)
    if github.in_actions():
        _, rest = github.plan(results, changes, github.used_from_env())
        if rest:
            where = "in the table below, " if n and rows == n else ""
            note = (f"**{len(rest)} finding{'s' if len(rest) != 1 else ''} not annotated:** GitHub shows "
                    f"{github.ANNOTATIONS_PER_LEVEL} annotations of each level per step, and "
                    f"{github.chosen_by(changes)}. Every finding is "
                    f"{where}in the step's log and, when the SARIF report is uploaded, in code scanning.")
            out.lines[note_at:note_at] = ["", note]
            out.used += _size("") + _size(note)
    _graphs(results, changes, out)
    return "\n".join(out.lines) + "\n"


def _graphs(results, changes, out: _Out) -> None:
    """A stage diagram per file, the files the pull request changed first, each within
    Mermaid's limits and all within the budget; what is left out is said once."""
    from . import github
    order = sorted(range(len(results)), key=lambda i: (
        github.UNCHANGED if changes is None or github.norm_path(results[i].path) not in changes else 0, i))
    graphs = left = 0
    for i in order:
        r = results[i]
        diagram = stage_diagram(r)
        if diagram is None:
            continue
        if graphs == MAX_GRAPHS:
            left += 1
            continue
        if len(diagram) > MERMAID_MAX_TEXT or len(_EDGE.findall(diagram)) > MERMAID_MAX_EDGES:
            if not out.add("", f"### Stages of {md(rel_path(r.path))}", "",
                    f"_Too large for a Mermaid diagram ({len(diagram)} characters, {len(_EDGE.findall(diagram))} "
                    f"edges; Mermaid draws up to {MERMAID_MAX_TEXT} and {MERMAID_MAX_EDGES}): "
                    "`layerlint explain --format dot` draws it with Graphviz._"):
                left += 1
            continue
        if not out.add("", f"### Stages of {md(rel_path(r.path))}", "",
                       "Steps marked \u26a0 put the build cache at risk: they re-run on unrelated changes.", "",
                       "```mermaid", diagram, "```"):
            left += 1
            continue
        graphs += 1
    if left:
        out.add("", f"_{left} more stage diagram{'s' if left != 1 else ''} not shown: `layerlint explain "
                "--format mermaid FILE` draws one._", force=True)


def usage_error_summary(stderr_text: str) -> str:
    """The summary of a run that stopped before reporting (a config or usage error, exit 2):
    its ``layerlint: error:`` lines, escaped, so the job summary says why nothing was linted."""
    errors = [line[len("layerlint: error: "):] for line in stderr_text.splitlines()
              if line.startswith("layerlint: error: ")]
    out = ["## layerlint", "", "**layerlint could not run:**", ""]
    out += [f"- {md(clip(e, TEXT_LIMIT))}" for e in errors[:MAX_ERRORS]] or ["- (no message: see the step's log)"]
    return "\n".join(out) + "\n"
