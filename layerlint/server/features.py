"""What the server answers, as lsprotocol objects, from an ``Analysis``: diagnostics, code
actions, hover, symbols, definition / references / rename, completion and code lenses.

Plain functions of (analysis, request values); they run on the server's worker thread and never
touch the connection.  Repository text shown in hover or lenses goes through ``layerlint.text``.
"""
from __future__ import annotations

import os
import re

from lsprotocol import types as T

from ..text import excerpt
from .positions import Lines

SOURCE = "layerlint"
FIX_ALL = "source.fixAll.layerlint"
_SEVERITY = {"error": T.DiagnosticSeverity.Error, "warning": T.DiagnosticSeverity.Warning,
             "info": T.DiagnosticSeverity.Information, "style": T.DiagnosticSeverity.Information}
_LINE_REF = re.compile(r"\blines? (\d+(?:(?:, | and |-)\d+)*)")
MAX_MESSAGE = 2000  # characters of a message (one can quote a 50 KB instruction; reports cap them too)
_PRAGMA = re.compile(r"^([ \t]*#[ \t]*layerlint[ \t]*:[ \t]*ignore[ \t]*=[ \t]*)(\S+)")


def _pos(p) -> T.Position:
    return T.Position(line=p[0], character=p[1])


def _range(r) -> T.Range:
    return T.Range(start=_pos(r[0]), end=_pos(r[1]))


def span_range(a, span) -> T.Range:
    return _range(a.mapper.span_range(span))


def _line_range(a, line: int) -> T.Range:
    """The whole of layerlint line ``line`` (line 0 or past the end: the first line)."""
    lines = a.mapper.lines
    if not 1 <= line <= len(a.mapper.columns.starts):
        line = 1
    start = a.mapper.columns.offset(line, 1)
    end = a.mapper.columns.offset(line, 1 << 30)
    return _range((lines.position(start), lines.position(end)))


def _code(text: str, limit: int = 120) -> str:
    """``text`` as inline markdown code: capped, controls escaped, backticks fenced."""
    s = excerpt(text, limit)
    fence = "`" * (max((len(r) for r in re.findall(r"`+", s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


# -- diagnostics ---------------------------------------------------------------------------------
def diagnostics(a) -> list:
    out = []
    if a.config_error:
        out.append(T.Diagnostic(range=_line_range(a, 1), severity=T.DiagnosticSeverity.Error, source=SOURCE,
                                code="config", message=f"{excerpt(a.config_error, MAX_MESSAGE)} (linted with the default "
                                                       f"settings until the config is fixed)"))
    if a.failure:
        out.append(T.Diagnostic(range=_line_range(a, 1), severity=T.DiagnosticSeverity.Warning
                                if a.failure.startswith("not linted") else T.DiagnosticSeverity.Error,
                                source=SOURCE, message=a.failure))
    if a.result is None:
        return out
    for e in a.result.errors:
        out.append(_error(a, e))
    for i, f in enumerate(a.result.findings):
        out.append(finding_diagnostic(a, i, f))
    return out


def _error(a, e) -> T.Diagnostic:
    """A file error: a parse error at its place, a rule that failed on the first line."""
    if e.line < 1:
        rng = _line_range(a, 1)
    else:
        start = a.mapper.columns.offset(e.line, max(e.column, 1))
        end = a.mapper.columns.offset(e.line, 1 << 30)
        rng = _range((a.mapper.lines.position(start), a.mapper.lines.position(max(start, end))))
    return T.Diagnostic(range=rng, severity=T.DiagnosticSeverity.Error, source=SOURCE,
                        message=excerpt(e.message, MAX_MESSAGE))


def finding_diagnostic(a, index: int, f) -> T.Diagnostic:
    from ..rules import find_rule
    rule = find_rule(f.rule)
    return T.Diagnostic(
        range=span_range(a, f.span), severity=_SEVERITY.get(f.severity, T.DiagnosticSeverity.Warning),
        code=f.rule, source=SOURCE, message=excerpt(f.message, MAX_MESSAGE),
        code_description=T.CodeDescription(href=rule.help_uri) if rule is not None else None,
        related_information=_related(a, f) or None,
        data={"index": index, "revision": a.revision},
        tags=[T.DiagnosticTag.Unnecessary] if f.title == "unused-pragma" else None)


def _related(a, f) -> list:
    """The other lines a message names ("the install (line 12)"): a link to each instruction."""
    out = []
    seen = {f.span.line, f.instr_line}
    lines = a.result.lines
    for m in _LINE_REF.finditer(f.message):
        for n in re.findall(r"\d+", m.group(1))[:5]:
            if len(n) > 9:
                continue  # no file has that many lines (and int() refuses 5,000 digits)
            ln = int(n)
            if ln in seen or not 1 <= ln <= len(lines):
                continue
            seen.add(ln)
            out.append(T.DiagnosticRelatedInformation(
                location=T.Location(uri=a.uri, range=_line_range(a, ln)),
                message=f"line {ln}: {excerpt(lines[ln - 1].strip(), 100)}"))
    return out


# -- code actions --------------------------------------------------------------------------------
def code_actions(a, rng: T.Range, only, store_text, can_create: bool, folders) -> list:
    """Quick fixes for the findings in ``rng``, "ignore on this line", "ignore in the config", and
    "fix all" (``source.fixAll.layerlint``).  ``store_text(uri)``: an open document's text (a config
    being edited), or None; ``can_create``: the client can create a file (a new config, in the
    workspace folder of the document)."""
    kinds = list(only or [])
    want_quick = not kinds or any(k in ("quickfix", "") or "quickfix".startswith(k) for k in kinds)
    # fix-all runs --fix (several lints): only when asked for by kind (the source-action menu,
    # fix on save), not for every light bulb
    want_all = any(k and FIX_ALL.startswith(k) for k in kinds)
    out = []
    if want_quick and a.result is not None:
        for i, f in enumerate(a.result.findings):
            if not _overlaps(span_range(a, f.span), rng):
                continue
            diag = finding_diagnostic(a, i, f)
            out += _fix_action(a, i, f, diag)
            out += _ignore_line_action(a, f, diag)
            out += _ignore_config_action(a, f, diag, store_text, can_create, folders)
    if want_all:
        fixed = a.fix_all_text()
        if fixed is not None:
            out.append(T.CodeAction(title="layerlint: fix all safe problems", kind=FIX_ALL,
                                    edit=_edit(a, text_edits(a.text, fixed, a.encoding))))
    return out


def _overlaps(r: T.Range, q: T.Range) -> bool:
    a0, a1 = (r.start.line, r.start.character), (r.end.line, r.end.character)
    b0, b1 = (q.start.line, q.start.character), (q.end.line, q.end.character)
    return a0 <= b1 and b0 <= a1


def _edit(a, edits: list) -> T.WorkspaceEdit:
    """Edits of the analysed document: tied to its version when the client takes
    ``documentChanges`` (it then refuses them on a text that changed since), else plain."""
    if a.version is None or not isinstance(a.version, int) or not a.document_changes:
        return T.WorkspaceEdit(changes={a.uri: edits})
    return T.WorkspaceEdit(document_changes=[T.TextDocumentEdit(
        text_document=T.OptionalVersionedTextDocumentIdentifier(uri=a.uri, version=a.version), edits=edits)])


def text_edits(old: str, new: str, encoding: str) -> list:
    """One edit turning ``old`` into ``new``: the part between their common start and end (never
    splitting a CR LF, which LSP counts as one line end)."""
    if old == new:
        return []
    p = 0
    n = min(len(old), len(new))
    while p < n and old[p] == new[p]:
        p += 1
    s = 0
    while s < n - p and old[len(old) - 1 - s] == new[len(new) - 1 - s]:
        s += 1
    if p and old[p - 1] == "\r":
        p -= 1
    end = len(old) - s
    if s and 0 < end < len(old) and old[end] == "\n" and old[end - 1] == "\r":
        s -= 1
        end += 1
    lines = Lines(old, encoding)
    rng = _range((lines.position(p), lines.position(end)))
    return [T.TextEdit(range=rng, new_text=new[p:len(new) - s])]


def _fix_action(a, i: int, f, diag) -> list:
    if f.fix is None or not f.fix.edits:
        return []
    fixed = a.fixed_text(i)
    if fixed is None:
        return []
    title = f"{f.rule}: {f.fix.description}" + ("" if f.fix.safe else " (unsafe: changes the image)")
    return [T.CodeAction(title=excerpt(title, 200), kind=T.CodeActionKind.QuickFix, diagnostics=[diag],
                         is_preferred=bool(f.fix.safe), edit=_edit(a, text_edits(a.text, fixed, a.encoding)))]


def _ignore_line_action(a, f, diag) -> list:
    """``# layerlint: ignore=CODE`` above the instruction (or the code added to the pragma there)."""
    lines = a.result.lines
    line = f.instr_line if 1 <= f.instr_line <= len(lines) else f.span.line
    if not 1 <= line <= len(lines):
        return []
    cols = a.mapper.columns
    above = lines[line - 2] if line >= 2 else None
    m = _PRAGMA.match(above) if above is not None else None
    if m is not None:
        at = cols.offset(line - 1, m.end(2) + 1)
        new_text = "," + f.rule
    else:
        indent = re.match(r"[ \t]*", lines[line - 1]).group()
        start = cols.offset(line, 1)
        end = cols.offset(line, 1 << 30)
        eol = "\r\n" if a.text[end:end + 2] == "\r\n" else "\n"
        at, new_text = start, f"{indent}# layerlint: ignore={f.rule}{eol}"
    pos = _pos(a.mapper.lines.position(at))
    edit = T.TextEdit(range=T.Range(start=pos, end=pos), new_text=new_text)
    return [T.CodeAction(title=f"{f.rule}: ignore for this instruction (# layerlint: ignore)",
                         kind=T.CodeActionKind.QuickFix, diagnostics=[diag], edit=_edit(a, [edit]))]


def _ignore_config_action(a, f, diag, store_text, can_create: bool, folders) -> list:
    from .config_edit import NEW_CONFIG, new_config, with_ignored
    path = a.config_path
    if a.config_error:
        return []
    if path is not None:
        uri = _file_uri(path)
        text = store_text(uri)
        if text is None:
            text = _read_config(path)
        if text is None:
            return []
        new = with_ignored(path, text, f.rule)
        if new is None:
            return []
        edit = T.WorkspaceEdit(changes={uri: text_edits(text, new, a.encoding)})
        where = os.path.basename(path)
    else:
        base = _folder_of(a.path, folders) or a.context_dir
        if not can_create or base is None:
            return []
        uri = _file_uri(os.path.join(base, NEW_CONFIG))
        start = T.Position(line=0, character=0)
        edit = T.WorkspaceEdit(document_changes=[
            T.CreateFile(uri=uri, options=T.CreateFileOptions(ignore_if_exists=True)),
            T.TextDocumentEdit(text_document=T.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                               edits=[T.TextEdit(range=T.Range(start=start, end=start),
                                                 new_text=new_config(f.rule))])])
        where = f"a new {NEW_CONFIG}"
    return [T.CodeAction(title=f"{f.rule}: ignore in {where}", kind=T.CodeActionKind.QuickFix,
                         diagnostics=[diag], edit=edit)]


def _folder_of(path, folders) -> str | None:
    """The innermost workspace folder holding ``path``."""
    if not path:
        return None
    inside = [f for f in folders or () if os.path.commonpath([os.path.abspath(f), os.path.abspath(path)])
              == os.path.abspath(f)]
    return max(inside, key=len) if inside else None


def _read_config(path: str):
    """The text of a config file: a regular file of at most 1 MB, never a FIFO or device (opened
    without blocking, checked once open), or None."""
    import stat
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, 1024 * 1024 + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > 1024 * 1024:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _file_uri(path: str) -> str:
    from pygls.uris import from_fs_path
    return from_fs_path(path) or ("file://" + path)


# -- hover ---------------------------------------------------------------------------------------
def hover(a, line: int, character: int):
    ll, col = a.mapper.to_layerlint(line, character)
    parts = []
    for f in a.findings:
        s = f.span
        if (s.line, s.column) <= (ll, col) <= (s.end_line, s.end_column):
            parts.append(_finding_hover(f))
    p = a.parsed()
    if p is not None:
        df, graph, _ = p
        var = _variable_hover(a, ll, col)
        if var:
            parts.append(var)
        instr = instruction_at(df, ll)
        if instr is not None:
            text = _instruction_hover(a, graph, instr)
            if text:
                parts.append(text)
    if not parts:
        return None
    return T.Hover(contents=T.MarkupContent(kind=T.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)))


def _finding_hover(f) -> str:
    from ..report.rule_docs import rule_markdown
    from ..rules import find_rule
    rule = find_rule(f.rule)
    head = f"**{f.rule}** {f.title} ({f.severity}): {excerpt(f.message, MAX_MESSAGE)}"
    if rule is None:
        return head
    if f.fix is not None:
        head += f"\n\nFix: {excerpt(f.fix.description, 300)}" + ("" if f.fix.safe else " (unsafe)")
    return head + f"\n\n[{rule.code} documentation]({rule.help_uri})\n\n" + rule_markdown(rule)


def instruction_at(df, line: int):
    """The top-level instruction whose lines (heredoc bodies included) hold ``line``."""
    found = None
    for instr in df.instructions:
        if instr.start_line > line:
            break
        found = instr
    if found is None or last_line(found) < line:
        return None
    return found


def last_line(instr) -> int:
    last = instr.end_line
    for h in instr.effective.heredocs:
        last = max(last, h.end_line)
    return last


def _instruction_hover(a, graph, instr) -> str:
    model = a.cache_model()
    if any(instr is g for g in graph.global_arg_instrs):
        names = {p.key for p in instr.pairs}
        users = sorted({o.span.line for o in _index(a).items if o.kind == "var" and not o.decl and o.name in names
                        and o.instr.keyword == "FROM"})
        used = ("used on line " + ", ".join(map(str, users[:20]))) if users else "no FROM uses it"
        return f"**global ARG**: only FROM lines see it ({used}); a stage must declare `ARG NAME` to use it"
    if model is None:
        return ""
    sm = model.step_of(instr)
    if sm is None:
        return ""
    from ..cache.model import explain_reason
    stage = sm.stage
    kind = {"layer": "layer", "metadata": "config only, no layer", "from": "base"}.get(sm.kind, sm.kind)
    head = f"**{sm.keyword}** ({kind}) in stage {_code(stage.label)}"
    lines = [head, "", excerpt(explain_reason(model, sm), MAX_MESSAGE)]
    deps = model.depends_on(sm)
    facts = []
    if deps.get("context"):
        facts.append("build context: " + ", ".join(_code(c) for c in deps["context"][:8]))
    for s in deps.get("stages", [])[:8]:
        facts.append(f"stage {_code(s['stage'])}: {_code(s['path'])}" if "stage" in s
                     else f"image {_code(s.get('image', ''))}: {_code(s['path'])}")
    if deps.get("remote"):
        facts.append("remote: " + ", ".join(_code(r) for r in deps["remote"][:4]))
    if sm.kind == "layer" and (deps.get("args") or deps.get("env")):
        facts.append("variables in its key: " + ", ".join(_code(v) for v in (deps["args"] + deps["env"])[:10]))
    if deps.get("cost"):
        facts.append(f"cost: {deps['cost']}" + (f" ({excerpt(sm.cost_detail, 200)})" if sm.cost_detail else ""))
    for r in deps.get("risks", [])[:4]:
        facts.append(f"risk: {excerpt(r, 300)}")
    if sm.kind == "from":
        facts += _base_facts(stage)
    if facts:
        lines += [""] + [f"- {x}" for x in facts]
    return "\n".join(lines)


def _base_facts(stage) -> list:
    from ..images import parse_image, sizes, smaller_variants
    out = []
    if stage.base_stage is not None:
        out.append(f"built on stage {_code(stage.base_stage.label)} (its image: {_code(stage.image)})")
    elif stage.is_scratch:
        out.append("empty base image (scratch)")
    elif stage.base:
        ref = parse_image(stage.base)
        where = "Docker Hub" if ref.registry is None else _code(ref.registry)
        kind = "Docker Official Image" if ref.official else "image"
        tag = _code(ref.tag) if ref.tag else "none (means `latest`)"
        pin = f"pinned to {_code(ref.digest[:19] + '...')}" if ref.digest else "not pinned to a digest"
        out.append(f"{kind} {_code(ref.path)} from {where}; tag {tag}; {pin}")
        platform = stage.platform or "linux/amd64"
        if ref.official and ref.tag:
            size = sizes().get((ref.name, ref.tag, platform))
            if size:
                out.append(f"download size ({_code(platform)}): about {size / 1e6:,.0f} MB")
            smaller = smaller_variants(ref.name, ref.tag, platform)[:3]
            if smaller:
                out.append("smaller variants: " + ", ".join(f"{_code(s.tag)} (-{s.saving / 1e6:,.0f} MB)"
                                                            for s in smaller))
    if stage.base_unresolved:
        out.append("variables with no value here: " + ", ".join(_code(v) for v in sorted(stage.base_unresolved)))
    users = sorted({e.instr.start_line for s in stage.graph.stages for e in s.edges
                    if e.stage is stage and e.kind != "from"})
    children = [s.label for s in stage.graph.stages if s.base_stage is stage]
    if users:
        out.append("copied or mounted from on line " + ", ".join(map(str, users[:10])))
    if children:
        out.append("stages built FROM it: " + ", ".join(_code(c) for c in children[:10]))
    if not stage.needed:
        target = stage.graph.target
        out.append(f"not built for the target {_code(target.label) if target else 'stage'}")
    return out


def _index(a):
    """The symbol index of the analysis (made once)."""
    if a.symbols is None:
        from .symbols import Index
        p = a.parsed()
        a.symbols = Index(p[0], p[1]) if p is not None else False
    return a.symbols or None


def _variable_hover(a, line: int, col: int) -> str:
    idx = _index(a)
    o = idx.at(line, col) if idx is not None else None
    if o is None or o.kind != "var":
        return ""
    graph = idx.graph
    stage = graph.stage_of(o.instr)
    value = None
    if stage is None or o.instr is stage.from_instr:
        value = graph.global_args.get(o.name)
    else:
        step = stage.step_for(o.instr)
        if step is not None:
            value = step.state.vars.get(o.name)
    defs = idx.definitions(o)
    where = ", ".join(f"{d.keyword} on line {d.span.line}" for d in defs if d.keyword) or "not declared in this file"
    shown = _code(value) if value is not None else "no value here"
    return f"**{_code(o.name)}** = {shown} ({where})"


# -- symbols, definition, references, rename ---------------------------------------------------
_KINDS = {"RUN": T.SymbolKind.Function, "COPY": T.SymbolKind.File, "ADD": T.SymbolKind.File,
          "ARG": T.SymbolKind.Variable, "ENV": T.SymbolKind.Variable, "WORKDIR": T.SymbolKind.Namespace,
          "CMD": T.SymbolKind.Event, "ENTRYPOINT": T.SymbolKind.Event}


def _instr_range(a, instr) -> T.Range:
    last = last_line(instr)
    start = a.mapper.columns.offset(instr.start_line, instr.keyword_span.column)
    end = a.mapper.columns.offset(last, 1 << 30)
    return _range((a.mapper.lines.position(start), a.mapper.lines.position(max(start, end))))


def document_symbols(a) -> list:
    p = a.parsed()
    if p is None:
        return []
    graph = p[1]
    out = []
    for instr in graph.global_arg_instrs:
        for kv in instr.pairs:
            out.append(T.DocumentSymbol(name=excerpt(kv.key, 100) or "?", kind=T.SymbolKind.Variable, detail="global ARG",
                                        range=_instr_range(a, instr), selection_range=span_range(a, kv.key_span)))
    for stage in graph.stages:
        children = [_step_symbol(a, step.instr) for step in stage.steps]
        fi = stage.from_instr
        rng = _instr_range(a, fi)
        if stage.steps:
            rng = T.Range(start=rng.start, end=_instr_range(a, stage.steps[-1].instr).end)
        sel = span_range(a, stage.name_word.span if stage.name_word is not None else fi.keyword_span)
        name = stage.name_word.text if stage.name_word is not None else f"stage {stage.index}"
        out.append(T.DocumentSymbol(name=excerpt(name, 100) or "?", kind=T.SymbolKind.Class, range=rng, selection_range=sel,
                                    detail=excerpt(f"FROM {stage.base}", 80), children=children))
    return out


def _step_symbol(a, instr) -> T.DocumentSymbol:
    eff = instr.effective
    args = " ".join(instr.line[instr.args_offset:].split()) if instr.inner is None else " ".join(
        instr.line.split()[1:])
    return T.DocumentSymbol(name=excerpt(f"{instr.keyword} {args}".strip(), 60), kind=_KINDS.get(
        eff.keyword, T.SymbolKind.Property), range=_instr_range(a, instr), selection_range=span_range(
        a, instr.keyword_span), detail=f"line {instr.start_line}")


def _occurrence_at(a, line: int, character: int):
    idx = _index(a)
    if idx is None:
        return None, None
    ll, col = a.mapper.to_layerlint(line, character)
    return idx, idx.at(ll, col)


def _location(a, o) -> T.Location:
    return T.Location(uri=a.uri, range=span_range(a, o.span))


def definition(a, line: int, character: int) -> list:
    idx, o = _occurrence_at(a, line, character)
    if o is None:
        return []
    return [_location(a, d) for d in idx.definitions(o)]


def references(a, line: int, character: int, include_declaration: bool) -> list:
    idx, o = _occurrence_at(a, line, character)
    if o is None:
        return []
    return [_location(a, r) for r in idx.named(o.kind, o.name) if include_declaration or not r.decl]


def prepare_rename(a, line: int, character: int):
    idx, o = _occurrence_at(a, line, character)
    if o is None or not any(d.decl for d in idx.named(o.kind, o.name)):
        return None
    return T.PrepareRenamePlaceholder(range=span_range(a, o.span), placeholder=o.name)


class RenameError(ValueError):
    """Why a rename is refused (sent to the editor as the request's error)."""


def rename(a, line: int, character: int, new_name: str):
    from .symbols import STAGE_NAME, VAR_NAME
    idx, o = _occurrence_at(a, line, character)
    if o is None:
        return None
    same = idx.named(o.kind, o.name)
    if not any(d.decl for d in same):
        raise RenameError(f"{o.name} is not declared in this file")
    if o.kind == "stage":
        if not STAGE_NAME.match(new_name):
            raise RenameError(f"{excerpt(new_name, 100)!r} is not a stage name (a letter, then letters, digits, -, _ or .)")
        if new_name.lower() in ("scratch", "context"):
            raise RenameError(f"{new_name!r} is reserved")
        if new_name.lower() != o.name and idx.named("stage", new_name.lower()):
            raise RenameError(f"a stage named {new_name.lower()!r} exists already")
    elif not VAR_NAME.match(new_name):
        raise RenameError(f"{excerpt(new_name, 100)!r} is not a variable name (letters, digits and _, not a digit first)")
    edits = [T.TextEdit(range=span_range(a, r.span), new_text=new_name) for r in same]
    return _edit(a, edits)


# -- completion ----------------------------------------------------------------------------------
INSTRUCTIONS = {
    "FROM": "base image or stage: FROM image[:tag] [AS name]", "RUN": "run a command in a new layer",
    "COPY": "copy files from the context or a stage", "ADD": "copy files, URLs, git repositories, archives",
    "ARG": "build argument", "ENV": "environment variable", "WORKDIR": "working directory",
    "USER": "user for the following instructions", "CMD": "default command", "ENTRYPOINT": "entry point",
    "EXPOSE": "document a port", "LABEL": "image metadata", "VOLUME": "mount point",
    "HEALTHCHECK": "container health check", "SHELL": "shell of shell-form instructions",
    "STOPSIGNAL": "signal that stops the container", "ONBUILD": "run an instruction in child builds",
    "MAINTAINER": "deprecated: use LABEL org.opencontainers.image.authors",
}
FLAGS = {
    "FROM": ("platform",), "RUN": ("mount", "network", "security"),
    "COPY": ("from", "chown", "chmod", "link", "parents", "exclude"),
    "ADD": ("chown", "chmod", "link", "checksum", "keep-git-dir", "exclude", "unpack"),
    "HEALTHCHECK": ("interval", "timeout", "start-period", "start-interval", "retries"),
}
_BOOLEAN_FLAGS = ("link", "parents", "keep-git-dir")
_MOUNT_TYPES = ("bind", "cache", "tmpfs", "secret", "ssh")


def completion(a, text: str, line: int, character: int, encoding: str) -> list:
    """Completions at an LSP position of the document's current ``text`` (``a``: its latest
    analysis, perhaps of an older revision: names only come from it).  Each item replaces the
    word typed so far (a text edit, so no client guesses where a flag or ``$NAME`` starts)."""
    lines = Lines(text, encoding)
    offset = lines.offset(line, character)
    start = lines.starts[line] if 0 <= line < len(lines.starts) else len(text)
    before = text[start:offset]
    logical = _logical_start(lines, line)
    head = (lines.line_text(logical) if logical != line else before).split()
    keyword = head[0].upper() if head else ""
    if keyword == "ONBUILD" and len(head) > 1:
        keyword = head[1].upper()
    idx = _index(a) if a is not None else None

    def items(labels, kind, typed: int, suffix: str = "", detail=None) -> list:
        """Items replacing the last ``typed`` characters before the cursor."""
        at = lines.position(offset - typed)
        rng = _range((at, lines.position(offset)))
        return [T.CompletionItem(label=lab, kind=kind, detail=detail(lab) if callable(detail) else detail,
                                 text_edit=T.TextEdit(range=rng, new_text=lab + suffix)) for lab in labels]

    m = re.search(r"\$\{?([A-Za-z0-9_]*)$", before)
    if m:
        return _variable_items(idx, a, line, items, len(m.group(1)))
    if logical == line and re.fullmatch(r"[ \t]*[A-Za-z]*", before):
        typed = len(before.lstrip())
        return items(list(INSTRUCTIONS), T.CompletionItemKind.Keyword, typed, " ", INSTRUCTIONS.get)
    m = re.search(r"(?:--from=|\bfrom=)([A-Za-z0-9_.-]*)$", before)
    if m or (keyword == "FROM" and logical == line and re.fullmatch(r"\s*FROM\s+(--\S+\s+)*[A-Za-z0-9_.-]*",
                                                                    before, re.I)):
        typed = len(m.group(1)) if m else len(re.search(r"[A-Za-z0-9_.-]*$", before).group())
        return items(_stage_names(idx, a, line, from_line=m is None), T.CompletionItemKind.Module, typed,
                     detail="stage")
    m = re.search(r"--mount=(type=)?([a-z]*)$", before)
    if m:
        labels = list(_MOUNT_TYPES) if m.group(1) else [f"type={t}" for t in _MOUNT_TYPES]
        return items(labels, T.CompletionItemKind.EnumMember, len(m.group(2)), detail="mount type")
    m = re.search(r"(?:^|\s)(-{1,2}[a-z-]*)$", before)
    if m and keyword in FLAGS:
        flags = FLAGS[keyword]
        out = items([f"--{f}" for f in flags], T.CompletionItemKind.Property, len(m.group(1)))
        for item, f in zip(out, flags):
            if f not in _BOOLEAN_FLAGS:
                item.text_edit.new_text += "="
        return out
    return []


def _logical_start(lines: Lines, line: int) -> int:
    """The first line of the instruction ``line`` continues (lines ending in a backslash)."""
    while line > 0 and lines.line_text(line - 1).rstrip(" \t").endswith("\\"):
        line -= 1
    return line


def _stage_names(idx, a, line: int, from_line: bool) -> list:
    if idx is None:
        return []
    return idx.stage_names_before(a.mapper.to_layerlint(line, 0)[0], from_line)


def _variable_items(idx, a, line: int, items, typed: int) -> list:
    if idx is None:
        return []
    from .symbols import PREDEFINED_ARGS
    ll = a.mapper.to_layerlint(line, 0)[0]
    instr = instruction_at(idx.df, ll)
    if instr is None:  # a line the last analysis has not seen: the instruction before it
        prior = [i for i in idx.df.instructions if i.start_line <= ll]
        instr = prior[-1] if prior else None
    declared = {o.name for o in idx.declarations("var")}
    return items(idx.visible_variables(instr), T.CompletionItemKind.Variable, typed,
                 detail=lambda n: "predefined ARG" if n in PREDEFINED_ARGS and n not in declared else "ARG / ENV")


# -- code lenses ---------------------------------------------------------------------------------
def code_lenses(a, mode: str) -> list:
    """Per stage (``mode`` "stages" or "steps"): its base and the stages it needs; per layer step
    ("steps"): what re-runs it.  No command: a label."""
    if mode not in ("stages", "steps"):
        return []
    model = a.cache_model()
    p = a.parsed()
    if model is None or p is None:
        return []
    graph = p[1]
    out = []
    for stage in graph.stages:
        needs = sorted({e.stage.label for e in stage.edges if e.stage is not None and e.stage is not stage},
                       key=str)
        title = f"stage {stage.label}: base {excerpt(stage.base_stage.label if stage.base_stage else stage.base, 60)}"
        if needs:
            title += "; needs " + ", ".join(excerpt(n, 40) for n in needs[:6])
        if not stage.needed:
            title += "; not built for the target"
        out.append(_lens(a, stage.from_instr, title))
        if mode != "steps":
            continue
        for sm in model.stage_steps(stage):
            if sm.kind == "layer":
                out.append(_lens(a, sm.instr, "cache: " + _step_summary(model, sm)))
    return out


def _lens(a, instr, title: str) -> T.CodeLens:
    r = span_range(a, instr.keyword_span)
    return T.CodeLens(range=r, command=T.Command(title=excerpt(title, 200), command=""))


def _step_summary(model, sm) -> str:
    d = model.depends_on(sm)
    parts = []
    ctx = d.get("context") or []
    if ctx:
        parts.append(", ".join("the whole context" if c == "." else excerpt(c, 40) for c in ctx[:3])
                     + (f" (+{len(ctx) - 3})" if len(ctx) > 3 else ""))
    for s in d.get("stages", [])[:3]:
        parts.append(f"stage {excerpt(s['stage'], 30)}" if "stage" in s else f"image {excerpt(s.get('image', ''), 40)}")
    names = (d.get("args") or []) + (d.get("env") or [])
    if names:
        parts.append(", ".join(excerpt(n, 30) for n in names[:3]) + (f" (+{len(names) - 3})" if len(names) > 3 else ""))
    if d.get("parent"):
        parts.append(f"line {d['parent']}")
    if not parts:
        return "re-runs only when its own text changes"
    return "re-runs when " + "; ".join(parts) + " change" + (f" [{d['cost']}]" if d.get("cost") else "")
