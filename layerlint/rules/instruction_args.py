"""Helpers shared by the instruction rules: COPY/ADD arguments, expanded values, USER values,
Windows images and EXPOSE port specs."""
from __future__ import annotations

import re

from ..record import Record
from ..syntax.model import Instruction, Span

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional


class Arg(Record):
    """One COPY/ADD argument: raw text and where it is (the whole argument list for JSON form)."""
    text: str
    span: Span
    exact: bool  # False: JSON form, ``span`` covers all arguments
    heredoc: bool

    __slots__ = ("text", "span", "exact", "heredoc")

    def __init__(self, text: str, span: Span, exact: bool, heredoc: bool = False) -> None:
        self.text = text
        self.span = span
        self.exact = exact
        self.heredoc = heredoc


def copy_args(instr: Instruction) -> Optional[tuple[list[Arg], Arg]]:
    """(sources, destination) of a COPY/ADD; None when it has fewer than two arguments."""
    instr = instr.effective
    if instr.exec_form is not None:
        if len(instr.exec_form) < 2:
            return None
        span = instr.args_span()
        args = [Arg(t, span, False) for t in instr.exec_form]
    else:
        names = {h.word.text for h in instr.heredocs}
        args = [Arg(w.text, w.span, True, w.text in names) for w in instr.words]
        if len(args) < 2:
            return None
    return args[:-1], args[-1]


def expand(ctx, instr: Instruction, text: str) -> Optional[str]:
    """``text`` expanded as the builder does at ``instr``; None when a variable is unknown
    (or the instruction is an ONBUILD trigger, which expands in another build)."""
    if "$" not in text:
        return _unquote(text)
    if instr.parent is not None:
        return None
    step = ctx.step(instr)
    if step is None:
        return None
    value, unmatched = step.expand(text)
    if unmatched or "$" in value:
        return None
    return value


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def final_user(ctx) -> Optional[tuple[Instruction, Optional[str]]]:
    """The last ``USER`` that builds the target image (its FROM chain's included) and its value
    as the builder expands it (None when unknown); None when no USER sets one."""
    final = ctx.graph.target
    if final is None:
        return None
    users = [i for i in final.chain_instructions() if i.keyword == "USER" and i.args_text]
    if not users:
        return None
    return users[-1], expand(ctx, users[-1], users[-1].args_text)


_ROOT = re.compile(r"^(root|0)(:.*)?$")


def is_root(user: str) -> bool:
    return bool(_ROOT.match(user.strip()))


def user_span(instr: Instruction) -> Span:
    return instr.args_span() if instr.args_text else instr.keyword_span


_WINDOWS_WORDS = ("windows", "nanoserver", "servercore", "ltsc20")


def is_windows(stage) -> bool:
    """Whether ``stage`` evidently builds a Windows image (base image name, or a cmd /
    PowerShell SHELL), where users are names such as ContainerUser."""
    base = stage.image.lower()
    if any(w in base for w in _WINDOWS_WORDS):
        return True
    argv0 = (stage.end_state.shell or [""])[0].replace("\\", "/").rsplit("/", 1)[-1].lower()
    return argv0.removesuffix(".exe") in ("cmd", "powershell", "pwsh")


# -- EXPOSE port specs (dockerfile2llb convert_expose.go) -----------------------------------------
def expose_ports(ctx, instr):
    """``(word, port_text, expanded_port)`` for every port spec of an EXPOSE, after the
    builder's expansion and word splitting; words whose variables are unknown are skipped."""
    from .context import ExpandError, expand_with_unmatched, expand_words

    step = ctx.step(instr)
    env = {} if step is None or instr.parent is not None else step.state.vars
    esc = ctx.df.escape
    allowance = ctx.graph.use_allowance  # a value used by every EXPOSE: graph.Allowance
    for w in instr.words:
        try:
            value, unknown = expand_with_unmatched(w.text, env, esc, limit=allowance.left)
            if unknown:
                continue
            ports = expand_words(w.text, env, esc, limit=allowance.left)
        except (ExpandError, RecursionError):
            continue
        allowance.left -= 2 * len(value)
        for p in ports:
            yield w, p


def split_port(raw: str):
    """``(ip, host_port, container_port, proto)`` or None when BuildKit rejects the proto."""
    parts = raw.split(":")
    if len(parts) == 1:
        ip, host, cont = "", "", parts[0]
    elif len(parts) == 2:
        ip, host, cont = "", parts[0], parts[1]
    else:
        ip, host, cont = ":".join(parts[:-2]), parts[-2], parts[-1]
    port, _, proto = cont.partition("/")
    if not port or proto.lower() not in ("", "tcp", "udp", "sctp"):
        return None
    return ip, host, port, proto
