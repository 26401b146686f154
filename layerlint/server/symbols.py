"""Where stage names and ARG / ENV variables are declared and used in one Dockerfile, for go to
definition, references, rename and completion.  Built from the parse and the graph; no pygls.

A stage is used by ``FROM <stage>`` and ``--from=<stage>`` (COPY, ADD, ``RUN --mount``) when the
graph resolved it to that stage (by name, not by index: ``--from=0`` is left alone).  A variable
is used by every ``$NAME`` / ``${NAME...}`` in an instruction or a heredoc body, the shell's
included (an ARG is in a RUN's environment).  References and rename go by name over the whole
file; definition follows the build's scoping (see ``definitions``).
"""
from __future__ import annotations

import re
from bisect import bisect_right

from ..graph import PLATFORM_ARGS, PROXY_ARGS, parse_mount
from ..syntax.expand import referenced_vars
from ..syntax.model import Span

STAGE_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9_.-]*\Z")  # BuildKit's, which also lower-cases it
VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# the ARGs every build has without declaring them (BuildKit's platform args and proxies)
PREDEFINED_ARGS = tuple(PLATFORM_ARGS) + tuple(sorted(PROXY_ARGS))


class Occurrence:
    """A stage name or variable at ``span``: ``kind`` "stage" or "var", ``name`` (stage names
    lower-cased), ``decl`` (a declaration: ``FROM .. AS name``, an ARG or ENV key), ``instr``
    the instruction it is in, ``keyword`` the declaring ARG / ENV for a declaration."""

    __slots__ = ("kind", "name", "span", "decl", "instr", "keyword", "value")

    def __init__(self, kind: str, name: str, span: Span, decl: bool, instr, keyword: str = "", value=None) -> None:
        self.kind = kind
        self.name = name
        self.span = span
        self.decl = decl
        self.instr = instr
        self.keyword = keyword
        self.value = value  # a declaration's default as written (None: none)

    def contains(self, line: int, column: int) -> bool:
        s = self.span
        return (s.line, s.column) <= (line, column) <= (s.end_line, s.end_column)


class Index:
    """Every occurrence in a file, sorted by position."""

    def __init__(self, df, graph) -> None:
        self.df = df
        self.graph = graph
        self.items: list[Occurrence] = []
        self._globals = {id(i) for i in graph.global_arg_instrs}
        self._collect()
        self.items.sort(key=lambda o: (o.span.line, o.span.column))
        self._keys = [(o.span.line, o.span.column) for o in self.items]

    # -- building ---------------------------------------------------------------------------------
    def _collect(self) -> None:
        seen: set = set()

        def add(o: Occurrence) -> None:
            key = (o.kind, o.span)
            if key not in seen:
                seen.add(key)
                self.items.append(o)

        for stage in self.graph.stages:
            if stage.name_word is not None:
                add(Occurrence("stage", stage.name, stage.name_word.span, True, stage.from_instr))
            for edge in stage.edges:
                if edge.stage is None or edge.stage.name is None or edge.word is None:
                    continue
                span = self._edge_span(edge)
                if span is not None:
                    add(Occurrence("stage", edge.stage.name, span, False, edge.instr))
        for instr in self.df.instructions:
            self._variables(instr, add)

    def _edge_span(self, edge):
        """The span of the stage name an edge names (None: by index, or through a variable)."""
        name = edge.stage.name
        if edge.kind == "from":
            word = edge.word
            return word.span if word.text.lower() == name else None
        instr = edge.instr.effective if edge.instr.inner is not None else edge.instr
        for f in instr.flags:
            if f.span != edge.word.span or f.value_span is None:
                continue
            start = instr.offset_of(f.value_span)
            if start is None:
                return None
            if f.name == "from":
                written = f.raw.split("=", 1)[1] if "=" in f.raw else ""
                return _unquoted(instr, start, written, name)
            found = parse_mount(f.value or "").get("from")
            if found is None or found[0].lower() != name:
                return None
            raw_value = instr.line[start:]
            # parse_mount's offsets are in the value as parsed; in the written text they are the
            # same unless the value was quoted as a whole
            shift = 1 if raw_value[:1] in "\"'" and not (f.value or "").startswith(raw_value[:1]) else 0
            return _unquoted(instr, start + shift + found[1], instr.line[start + shift + found[1]:
                                                                      start + shift + found[2]], name)
        return None

    def _variables(self, instr, add) -> None:
        eff = instr.effective
        if eff.keyword in ("ARG", "ENV"):
            for p in eff.pairs:
                add(Occurrence("var", p.key, p.key_span, True, instr, eff.keyword, p.value))
        esc = self.df.escape
        for name, start, end in referenced_vars(instr.line, esc):
            at = _name_offset(instr.line, start, name)
            if at is not None:
                add(Occurrence("var", name, instr.span_of(at, at + len(name)), False, instr))
        for h in eff.heredocs:
            for name, start, end in referenced_vars(h.body, esc):
                at = _name_offset(h.body, start, name)
                if at is not None:
                    add(Occurrence("var", name, h.body_span(at, at + len(name)), False, instr))

    # -- questions ----------------------------------------------------------------------------------
    def at(self, line: int, column: int):
        """The occurrence at a layerlint position, or None."""
        i = bisect_right(self._keys, (line, column)) - 1
        for o in self.items[max(0, i - 1):i + 1][::-1]:
            if o.contains(line, column):
                return o
        return None

    def named(self, kind: str, name: str) -> list[Occurrence]:
        return [o for o in self.items if o.kind == kind and o.name == name]

    def declarations(self, kind: str) -> list[Occurrence]:
        return [o for o in self.items if o.kind == kind and o.decl]

    def definitions(self, o: Occurrence) -> list[Occurrence]:
        """Where ``o`` is declared.  A stage: its ``AS name``.  A variable: the nearest
        declaration the build lets the instruction see (for a FROM line the global ARGs before
        it; in a stage its ARGs and the ENVs of its FROM chain before it, and for an ``ARG NAME``
        without a value the global ARG it takes the value from); when none is in scope, every
        declaration of the name (a global ARG a stage forgot to declare is still worth a jump)."""
        same = [d for d in self.named(o.kind, o.name) if d.decl]
        if o.kind == "stage":
            return same
        if o.decl:
            if o.keyword == "ARG" and o.value is None and not self._is_global(o.instr):
                return [o] + [d for d in same if self._is_global(d.instr)][-1:]
            return [o]
        return self._in_scope(o, same) or same

    def _is_global(self, instr) -> bool:
        return id(instr) in self._globals

    def _in_scope(self, o: Occurrence, decls: list[Occurrence]) -> list[Occurrence]:
        g = self.graph
        line = o.instr.start_line
        stage = g.stage_of(o.instr)
        if stage is None or o.instr is stage.from_instr:
            return [d for d in decls if self._is_global(d.instr) and d.instr.start_line < line][-1:]
        chain = stage.chain()
        best = None
        for s in chain:
            for d in decls:
                if g.stage_of(d.instr) is not s:
                    continue
                if s is stage and d.instr.start_line >= line:
                    continue
                if s is not stage and d.keyword != "ENV":
                    continue  # an ARG ends with its stage; an ENV carries on into FROM <stage>
                best = d
        if best is None:
            return []
        if best.keyword == "ARG" and best.value is None:
            return [best] + [d for d in decls if self._is_global(d.instr)][-1:]
        return [best]

    def visible_variables(self, instr) -> list[str]:
        """The variable names an instruction can expand: those declared before it in its scope,
        then the predefined ones it sees without a declaration (a FROM line BuildKit's platform
        ARGs; a stage only the proxies: its platform ARGs need an ``ARG TARGETARCH`` there)."""
        g = self.graph
        stage = g.stage_of(instr) if instr is not None else None
        if stage is None or instr is stage.from_instr:
            names = [p.key for i in g.global_arg_instrs if instr is None or i.start_line < instr.start_line
                     for p in i.pairs]
            predefined = list(PLATFORM_ARGS)
        else:
            step = stage.step_for(instr)
            names = list((step.state if step is not None else stage.end_state).vars)
            predefined = sorted(PROXY_ARGS)
        out = list(dict.fromkeys(n for n in names if VAR_NAME.match(n)))
        return out + [n for n in predefined if n not in out]

    def stage_names_before(self, line: int, from_line: bool = False) -> list[str]:
        """The stage names an instruction on ``line`` can name: the stages before its own (on a
        FROM line being written, every stage that starts above it)."""
        stages = [s for s in self.graph.stages if s.from_instr.start_line < line or
                  (not from_line and s.from_instr.start_line == line)]
        if not from_line and stages:
            stages = stages[:-1]  # a stage cannot copy from itself
        return list(dict.fromkeys(s.name for s in stages if s.name is not None))


def _name_offset(text: str, start: int, name: str):
    """Where ``name`` starts in the reference ``$name`` / ``${name...}`` at ``text[start]``."""
    at = start + 2 if text[start + 1:start + 2] == "{" else start + 1
    return at if text[at:at + len(name)] == name else None


def _unquoted(instr, start: int, written: str, name: str):
    """The span of ``name`` in ``written`` (``instr.line[start:]``, perhaps quoted)."""
    if len(written) >= 2 and written[0] == written[-1] and written[0] in "\"'":
        start, written = start + 1, written[1:-1]
    if written.lower() != name:
        return None
    return instr.span_of(start, start + len(written))
