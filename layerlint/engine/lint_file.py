"""Lint one Dockerfile: parse, build the graph, run the selected rules, apply suppressions."""
from __future__ import annotations

import gc
import os

from ..rules.context import Context
from ..syntax.source import read_source
from .settings import ConfigError, Settings, rule_options, selected_rules
from .selection import finding_filter, finding_severity
from .results import FileError, FileResult, Finding
from ..rules.base import Violation
from ..graph import build_graph
from ..syntax.pragmas import Suppressions, check_fails_build
from ..syntax import parse_bytes

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional


def lint_path(path: str, settings: Settings, display: Optional[str] = None,
              shellcheck_batch=None, diagram: bool = False) -> FileResult:
    display = display or path
    try:
        data = read_source(path)
    except OSError as exc:
        msg = exc.strerror or str(exc)
        return FileResult(display, errors=[FileError(display, 0, 0, msg)])
    return lint_bytes(data, display, settings, context_dir=os.path.dirname(os.path.abspath(path)),
                      real_path=path, shellcheck_batch=shellcheck_batch, diagram=diagram)


def lint_bytes(data: bytes, path: str, settings: Settings, context_dir: Optional[str] = None,
               real_path: Optional[str] = None, rules=None, shellcheck_batch=None,
               diagram: bool = False) -> FileResult:
    """Lint one file.  With ``shellcheck_batch`` (shellcheck.Batch) and ``settings.shellcheck`` the
    SC findings and the after-suppressions rules are added when that batch is closed.  With
    ``diagram`` (``--format summary``) the result carries the stage diagram of the file
    (``cache.explain.diagram``: plain data, from the graph and cache model built here)."""
    return without_cycle_collector(_lint_bytes, data, path, settings, context_dir, real_path, rules,
                                   shellcheck_batch, diagram)


def without_cycle_collector(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` with the cycle collector paused.  Everything one file's lint (or
    fix) builds lives until it ends, so a collection finds nothing, yet each full one walks every
    object so far (a 10,000-line file spent 40% of its time there, a 30,000-line one half; --fix
    of 20,000 lines 60%).  It runs again after the file, as usual."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return fn(*args, **kwargs)
    finally:
        if paused:
            gc.enable()


def _lint_bytes(data: bytes, path: str, settings: Settings, context_dir: Optional[str],
                real_path: Optional[str], rules, shellcheck_batch, diagram: bool) -> FileResult:
    try:
        settings = settings.for_path(real_path or path)
    except ConfigError as exc:  # its nearest config is broken: this file's error, the others go on
        return FileResult(path, errors=[FileError(path, 0, 0, f"config {exc}")])
    df = parse_bytes(data, path)
    result = FileResult(path, lines=df.lines)
    for e in df.errors:
        result.errors.append(FileError(path, e.line, e.column, e.message))
    if not df.ok or any(not _decode_warning(e) for e in df.errors):
        return result  # a file BuildKit cannot parse gets its parse errors only (as hadolint's DL1000)
    graph = build_graph(df, settings.build_args, settings.target)
    for e in graph.errors:
        if e.fatal:
            result.errors.append(FileError(path, e.line, e.column, e.message))
    ctx = Context(df, graph, real_path or path, context_dir=context_dir)
    owner = _line_owners(df)
    stage_lines = {s.from_instr.start_line: (s.from_instr.start_line,
                                             max([i.end_line for i in s.instructions()]))
                   for s in graph.stages}
    supp = Suppressions(df, stage_lines)
    ctx.suppressions = supp  # read by the rules that run after the others (Rule.after_suppressions)
    run = list(rules if rules is not None else selected_rules(settings))
    ctx.rules_run = tuple(run)
    sc_job = None
    if settings.shellcheck:  # ShellCheck checks the RUN scripts while the rules run
        from . import shellcheck
        sc_job = shellcheck.submit(ctx, result, supp, settings, shellcheck_batch)
    late = [r for r in run if r.after_suppressions]

    fails_build = check_fails_build(df)  # `# check=error=true`: BuildKit's checks are errors here

    def apply(rule) -> None:
        ctx.options = rule_options(settings, rule)
        keep = finding_filter(settings, rule)
        as_error = fails_build and bool(rule.buildkit)
        try:
            problems = list(rule.check(ctx))
            for v in problems:
                if not isinstance(v, Violation):
                    raise TypeError(f"yielded {type(v).__name__}, not a Violation")
        except RecursionError:
            result.errors.append(FileError(path, 0, 0, f"rule {rule.code} gave up: input nested too deeply"))
            return
        except Exception as exc:  # noqa: BLE001 - one rule's bug must not cost the other rules and files
            detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
            result.errors.append(FileError(path, 0, 0, f"rule {rule.code} failed ({detail}); this is a layerlint "
                                                       "bug, please report it"))
            return
        for v in problems:
            span = v.span
            codes = rule.hadolint if v.hadolint is None else tuple(v.hadolint)
            if keep is not None and not keep(codes):
                continue
            instr_line = owner[span.line] if 0 < span.line < len(owner) else span.line
            if supp.suppressed(rule.code, rule.name, codes, rule.buildkit, instr_line):
                continue
            severity = "error" if as_error else finding_severity(settings, rule, codes)
            result.findings.append(Finding(rule.code, severity, path, span, v.message, instr_line, v.fix, codes,
                                           rule.buildkit, rule.name))

    def finish() -> None:
        for rule in late:
            apply(rule)
        for e in graph.limit_errors():  # a give-up during the rules is said, never silent
            result.errors.append(FileError(path, e.line, e.column, e.message))
        result.findings.sort(key=lambda f: (f.span.line, f.span.column, f.rule))

    for rule in run:
        if not rule.after_suppressions:
            apply(rule)
    if diagram and graph.stages and not result.errors:
        from ..cache.explain import diagram as stage_diagram
        try:
            result.diagram = stage_diagram(graph, ctx.cache_model)
        except Exception:  # noqa: BLE001 - a picture for the report must not cost the findings
            result.diagram = None
    if sc_job is not None:
        sc_job.then(finish)  # at once for a lone file; when the batch answers otherwise
    else:
        finish()
    return result


def _decode_warning(e) -> bool:
    """Bytes that are not UTF-8 (decoded with replacement characters): BuildKit reads the file
    as bytes and builds it, so the rest is still linted.  Every other problem the parser keeps
    going after (an unknown instruction such as a template's `{%`, a missing argument, a nested
    JSON array) makes BuildKit refuse the file, and findings on what follows would be guesses."""
    return e.message.startswith("invalid UTF-8")


def _line_owners(df) -> list[int]:
    """For every physical line, the first line of the instruction it belongs to."""
    owner = list(range(len(df.lines) + 2))
    for instr in df.instructions:
        last = instr.end_line
        for h in (instr.inner or instr).heredocs:
            last = max(last, h.end_line)
        for ln in range(instr.start_line, min(last, len(df.lines)) + 1):
            owner[ln] = instr.start_line
    return owner
