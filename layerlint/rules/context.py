"""Everything a rule may read about one Dockerfile, computed once and lazily.

Rules get a ``Context``: the parsed file, the instruction graph, the shell parse of every RUN
(with offsets mapped back to file positions), the build context's ``.dockerignore`` and the
cache model.  Nothing here knows about reports or front ends.
"""
from __future__ import annotations

import os

from ..graph import Graph, Stage, Step
from ..record import Record
from ..syntax.model import Dockerfile, Heredoc, Instruction, Span

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Any, Iterator, Optional

POSIX_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"})


class RunScript(Record):
    """A shell script that a RUN executes, with a way back to file positions."""
    instr: Instruction  # the RUN (the trigger, for ONBUILD RUN)
    owner: Instruction  # the instruction in the file (ONBUILD or the RUN itself)
    text: str
    parsed: Any  # layerlint.shell.Script
    heredoc: Optional[Heredoc]
    _base: int  # offset of ``text`` in instr.line (line scripts) or in the heredoc body
    interpreter: str  # heredoc body or ``sh -c``: the shell that runs it ("": the RUN's SHELL)
    outer: Optional[tuple]  # ``sh -c 'script'``: (the script, the command) it is an argument of

    __slots__ = ("instr", "owner", "text", "parsed", "heredoc", "_base", "interpreter", "outer")

    def __init__(
        self,
        instr: Instruction,
        owner: Instruction,
        text: str,
        parsed: Any,
        heredoc: Optional[Heredoc] = None,
        _base: int = 0,
        interpreter: str = "",
        outer: Optional[tuple] = None,
    ) -> None:
        self.instr = instr
        self.owner = owner
        self.text = text
        self.parsed = parsed
        self.heredoc = heredoc
        self._base = _base
        self.interpreter = interpreter
        self.outer = outer

    def span(self, start: int, end: int) -> Span:
        if self.heredoc is None:
            return self.instr.span_of(self._base + start, self._base + end)
        return _body_span(self.heredoc.body, self.heredoc.body_line, self._base + start, self._base + end)

    def word_span(self, word) -> Span:
        return self.span(word.start, word.end)

    @property
    def commands(self):
        return self.parsed.commands


def _body_span(text: str, first_line: int, start: int, end: int) -> Span:
    def pos(off: int) -> tuple[int, int]:
        off = max(0, min(off, len(text)))
        nl = text.rfind("\n", 0, off)
        return first_line + text.count("\n", 0, off), off - (nl + 1) + 1
    l1, c1 = pos(start)
    if end <= start:
        return Span(l1, c1, l1, c1)
    l2, c2 = pos(end - 1)
    return Span(l1, c1, l2, c2 + 1)


def _shell_name(argv0: str) -> str:
    return os.path.basename(argv0.strip())


def _shebang_shell(line: str) -> str:
    """``#!/usr/bin/env bash`` -> ``bash``."""
    parts = [p for p in line[2:].split() if not p.startswith("-")]
    if not parts:
        return ""
    name = _shell_name(parts[0])
    if name == "env" and len(parts) > 1:
        name = _shell_name(parts[1])
    return name


def lone_heredoc(instr: Instruction) -> bool:
    """``RUN <<EOF``: the RUN's only words are heredocs, so their bodies are the script."""
    return all(w.text.lstrip("0123456789").startswith("<<") for w in instr.words)


class Context:
    def __init__(self, df: Dockerfile, graph: Graph, path: str, options: Optional[dict] = None,
                 context_dir: Optional[str] = None) -> None:
        self.df = df
        self.graph = graph
        self.path = path
        self.options: dict[str, Any] = options or {}  # the current rule's options
        self.context_dir = context_dir
        self._scripts: dict[int, list[RunScript]] = {}
        self._inline: dict[int, Optional[RunScript]] = {}  # id(command) -> its sh -c script
        self._dockerignore: Any = False
        self._cache_model: Any = None
        # set by the engine: the rules of this run, and (for Rule.after_suppressions rules) the
        # file's pragmas with which of them silenced something
        self.rules_run: tuple = ()
        self.suppressions: Any = None

    # -- instructions --------------------------------------------------------------------
    def instructions(self, keyword: Optional[str] = None, effective: bool = True) -> Iterator[Instruction]:
        """All instructions (ONBUILD triggers included, as their trigger when ``effective``)."""
        for instr in self.df.instructions:
            eff = instr.effective if effective else instr
            if keyword is None or eff.keyword == keyword:
                yield eff

    def step(self, instr: Instruction) -> Optional[Step]:
        owner = instr.parent or instr
        return self.graph.step_for(owner)

    def stage_of(self, instr: Instruction) -> Optional[Stage]:
        return self.graph.stage_of(instr.parent or instr)

    # -- shell ---------------------------------------------------------------------------
    def scripts(self, instr: Instruction) -> list[RunScript]:
        """The shell scripts a RUN executes: its command line and any heredoc it feeds a shell."""
        instr = instr.effective
        key = id(instr)
        if key in self._scripts:
            return self._scripts[key]
        out: list[RunScript] = []
        if instr.keyword == "RUN" and instr.exec_form is None and not self._non_posix_shell(instr):
            from ..shell import parser as shell  # only a file with a shell-form RUN needs the shell parser
            owner = instr.parent or instr
            text = instr.args_text
            parsed = shell.parse(text)
            out.append(RunScript(instr, owner, text, parsed, None, instr.args_offset))
            for h in instr.heredocs:
                interpreter = self._heredoc_shell(instr, h, parsed)
                if interpreter is not None:
                    out.append(RunScript(instr, owner, h.body, shell.parse(h.body), h, 0, interpreter))
        self._scripts[key] = out
        return out

    def commands(self, instr: Instruction):
        """(script, command) for every simple command a RUN executes, the commands of an inline
        ``sh -c 'script'`` right after the command that runs them."""
        for sc in self.scripts(instr):
            yield from self._commands_of(sc, 0)

    def _commands_of(self, sc: RunScript, depth: int):
        from ..shell.parser import INLINE_DEPTH
        for cmd in sc.parsed.commands:
            yield sc, cmd
            if depth < INLINE_DEPTH:
                inner = self._inline_script(sc, cmd)
                if inner is not None:
                    yield from self._commands_of(inner, depth + 1)

    def _inline_script(self, sc: RunScript, cmd) -> Optional[RunScript]:
        """The script of ``sh -c 'script'`` (remembered); see ``shell.inline_script``."""
        key = id(cmd)
        if key in self._inline:
            return self._inline[key]
        self._inline[key] = None
        from ..shell import parser as shell
        found = shell.inline_script(cmd.words)
        if found is not None:
            shell_name, text, offset = found
            self._inline[key] = RunScript(sc.instr, sc.owner, text, shell.parse(text), sc.heredoc,
                                          sc._base + offset, shell_name, (sc, cmd))
        return self._inline[key]

    def _non_posix_shell(self, instr: Instruction) -> bool:
        step = self.step(instr)
        if step is None or not step.state.shell:
            return False
        return _shell_name(step.state.shell[0]).lower().removesuffix(".exe") not in POSIX_SHELLS

    def _heredoc_shell(self, instr: Instruction, h: Heredoc, parsed) -> Optional[str]:
        """The POSIX shell that runs heredoc ``h`` ("" for the RUN's SHELL); None when no shell does."""
        first = h.body.lstrip("\t").split("\n", 1)[0]
        if first.startswith("#!"):
            name = _shebang_shell(first)
            return name if name in POSIX_SHELLS else None
        if lone_heredoc(instr):
            return ""  # a lone heredoc is the script itself
        for cmd in parsed.commands:
            for op, target in cmd.redirects:
                if "<<" in op and target is not None and target.value == h.name:
                    name = _shell_name(cmd.words[0].value) if cmd.words else ""
                    return name if name in POSIX_SHELLS else None
        return None

    # -- build context -------------------------------------------------------------------
    def context_path(self, rel: str) -> Optional[str]:
        """The on-disk path of build-context path ``rel``, or None; never outside the context
        (``../../etc/passwd`` is ``<context>/etc/passwd``, symlinks stay inside): see safepath."""
        from ..buildctx.paths import context_path
        return context_path(self.context_dir, rel)

    @property
    def dockerignore(self):
        """The Dockerignore that applies (None when there is no context or no file)."""
        if self._dockerignore is False:
            self._dockerignore = None
            if self.context_dir is not None:
                from ..buildctx.dockerignore import DockerignoreError, load_for
                try:
                    self._dockerignore = load_for(self.path, self.context_dir)
                except (DockerignoreError, OSError):
                    self._dockerignore = None
        return self._dockerignore

    @property
    def cache_model(self):
        if self._cache_model is None:
            from ..cache.model import build_model
            self._cache_model = build_model(self.graph, context_dir=self.context_dir,
                                            dockerfile_path=self.path)
        return self._cache_model
