"""The shell scripts a RUN executes, parsed once: its command line, the heredocs it feeds a
shell, and the ``sh -c 'script'`` scripts inside them, each with a way back to file positions.

The rules' context and the cache model both read RUN steps through these (the graph keeps one
parse per instruction: ``Graph.run_scripts``), so a script is never parsed twice.
"""
from __future__ import annotations

from ..record import Record
from ..syntax.model import Heredoc, Instruction, Span
from .commands import INLINE_DEPTH, inline_script, is_posix_shell, shebang_shell, shell_name

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Any, Iterator, Optional


class RunScript(Record):
    """A shell script that a RUN executes, with a way back to file positions."""
    instr: Instruction  # the RUN (the trigger, for ONBUILD RUN)
    owner: Instruction  # the instruction in the file (ONBUILD or the RUN itself)
    text: str
    parsed: Any  # shell.parser.Script
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
        return self.heredoc.body_span(self._base + start, self._base + end)

    def word_span(self, word) -> Span:
        return self.span(word.start, word.end)

    @property
    def commands(self):
        return self.parsed.commands


def lone_heredoc(instr: Instruction) -> bool:
    """``RUN <<EOF``: the RUN's only words are heredocs, so their bodies are the script."""
    return all(w.text.lstrip("0123456789").startswith("<<") for w in instr.words)


def scripts_of(instr: Instruction, shell_argv) -> list[RunScript]:
    """The scripts a shell-form RUN executes under ``SHELL shell_argv`` (None: the default
    ``/bin/sh -c``); none for an exec-form RUN or a shell that is not POSIX (``cmd``, ``pwsh``)."""
    instr = instr.effective
    if instr.keyword != "RUN" or instr.exec_form is not None:
        return []
    if shell_argv and not is_posix_shell(shell_argv[0]):
        return []
    owner = instr.parent or instr
    text = instr.args_text
    from . import parser as shell  # only a file with a shell-form RUN pays for the parser
    parsed = shell.parse(text)
    out = [RunScript(instr, owner, text, parsed, None, instr.args_offset)]
    lone: list = []  # lone_heredoc(instr), once (a check per heredoc was quadratic in their number)
    for h in instr.heredocs:
        interpreter = _heredoc_shell(instr, h, parsed, lone)
        if interpreter is not None:
            out.append(RunScript(instr, owner, h.body, shell.parse(h.body), h, 0, interpreter))
    return out


def _heredoc_shell(instr: Instruction, h: Heredoc, parsed, lone: list) -> Optional[str]:
    """The POSIX shell that runs heredoc ``h`` ("" for the RUN's SHELL); None when no shell does."""
    first = h.body.lstrip("\t").split("\n", 1)[0]
    if first.startswith("#!"):
        name = shebang_shell(first)
        return name if is_posix_shell(name) else None
    if not lone:
        lone.append(lone_heredoc(instr))
    if lone[0]:
        return ""  # a lone heredoc is the script itself
    feeder = heredoc_feeder(parsed, h.name)
    if feeder is not None:
        name = shell_name(feeder.words[0].value)
        return name if is_posix_shell(name) else None
    return None


_FEEDERS: dict[int, tuple[Any, dict]] = {}  # id(parsed) -> (parsed, heredoc name -> feeder)


def heredoc_feeder(parsed, name: str):
    """The command of the RUN's line script (``parsed``) that reads heredoc ``name`` on its
    standard input (``bash -o pipefail <<EOF``), or None.  The script's feeders are listed once
    (for the last few scripts asked about): a scan per heredoc was quadratic in their number."""
    found = _FEEDERS.get(id(parsed))
    if found is None or found[0] is not parsed:
        feeders: dict = {}
        for cmd in parsed.commands:
            for op, target in cmd.redirects:
                if "<<" in op and target is not None and cmd.words:
                    feeders.setdefault(target.value, cmd)
        if len(_FEEDERS) >= 4:
            _FEEDERS.clear()
        found = _FEEDERS[id(parsed)] = (parsed, feeders)
    return found[1].get(name)


def inline_of(sc: RunScript, cmd) -> Optional[RunScript]:
    """The script of ``sh -c 'script'`` run by ``cmd`` of ``sc`` (see ``commands.inline_script``)."""
    found = inline_script(cmd.words)
    if found is None:
        return None
    name, text, offset = found
    from . import parser as shell
    return RunScript(sc.instr, sc.owner, text, shell.parse(text), sc.heredoc, sc._base + offset, name, (sc, cmd))


def commands_of(scripts: list[RunScript], inline: dict) -> Iterator[tuple[RunScript, Any]]:
    """(script, command) for every simple command of ``scripts``, the commands of an inline
    ``sh -c 'script'`` right after the command that runs them (``inline`` remembers those)."""
    for sc in scripts:
        yield from _commands(sc, 0, inline)


def _commands(sc: RunScript, depth: int, inline: dict):
    for cmd in sc.parsed.commands:
        yield sc, cmd
        if depth < INLINE_DEPTH:
            key = id(cmd)
            if key not in inline:
                inline[key] = inline_of(sc, cmd)
            if inline[key] is not None:
                yield from _commands(inline[key], depth + 1, inline)
