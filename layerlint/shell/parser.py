"""A small POSIX sh / bash command parser for linting Dockerfile ``RUN`` scripts.

Own code, pure standard library.  The goal is not to execute shell but to find every
*simple command* (``apt-get install -y x``) with its words and exact source offsets, plus
enough structure (pipelines, connectors, subshells, substitutions, conditions) for lint
rules.

Design
------
One left-to-right pass over the text with an explicit stack of frames; there is no
recursion anywhere, so arbitrarily deep nesting (``$($($(...``) cannot raise
``RecursionError``.  Frames are either *list* frames (a command list: the script itself,
``( )``, ``{ }``, ``$( )``, backquotes, ``<( )``, and the bodies of ``if``/``while``/
``until``/``for``/``case``) or *word* frames (a word being read, and the quoting or
expansion contexts inside it: ``"..."``, ``${...}``, ``$((...))``, ``a=(...)``).  A
command substitution inside a word is a list frame pushed on top of the word's frame, so
the commands inside it are found in the same pass.  Every step consumes input or pops a
frame; regular expressions are single character classes only.  Bad input never raises: a
problem is recorded in ``Script.errors`` (``"<message> at offset N"``) and parsing goes on.

Positions are offsets into the string given to :func:`parse`; ``script[w.start:w.end] ==
w.raw`` for every word.  A comment inside backquotes ends at the closing backquote, as sh
reads it (``gcc `# why` make``: ``make`` is still a word).

Limits (all reported in ``errors``): substitutions nested more than 20 deep are kept as
opaque text; more than 100,000 open frames stop the parse.  A here-document whose body is
absent altogether (the input ends on its line, as in a Dockerfile ``RUN cat <<EOF``) is not
an error.  Backquotes nested with a backslash-escaped backquote, aliases and the ``time`` keyword are not
interpreted; ``((`` at command position is arithmetic unless it is closed by a single ``)``
(then it is re-read as two subshells, as bash does).
"""

from __future__ import annotations

import re

from ..record import Record

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Iterator, Optional, Union

__all__ = ["Word", "SimpleCommand", "Script", "parse", "iter_commands"]


# --------------------------------------------------------------------------------------
# public data model
# --------------------------------------------------------------------------------------


class Word(Record):
    """One shell word.

    ``value`` is the word after quote removal (quotes dropped, backslash escapes and
    ``$'...'`` resolved, backslash-newline joins removed); parameter, command and
    arithmetic expansions are kept as their literal source text (``"$HOME/x"`` ->
    ``$HOME/x``).  ``raw`` is the exact source slice ``[start, end)``.
    """

    value: str
    raw: str
    start: int
    end: int
    quoted: bool
    has_expansion: bool

    __slots__ = ("value", "raw", "start", "end", "quoted", "has_expansion")

    def __init__(
        self,
        value: str,
        raw: str,
        start: int,
        end: int,
        quoted: bool = False,
        has_expansion: bool = False,
    ) -> None:
        self.value = value
        self.raw = raw
        self.start = start
        self.end = end
        self.quoted = quoted
        self.has_expansion = has_expansion


class SimpleCommand(Record):
    """A simple command: leading assignments, words and redirections."""

    words: list[Word]
    assignments: list[Word]
    redirects: list[tuple[str, Optional[Word]]]
    start: int
    end: int
    pipeline: int
    pipe_position: int
    pipe_length: int
    negated: bool
    connector_before: Optional[str]
    depth: int
    in_substitution: bool
    in_subshell: bool
    in_condition: bool
    in_compound: bool  # in the body of { }, ( ), if, while, until, for or case (conditions too) or of
    #                    a function: it may run on some paths only, more than once, or in a subshell
    in_function: bool  # in a function body: runs when (and each time) the function is called

    __slots__ = ("words", "assignments", "redirects", "start", "end", "pipeline", "pipe_position",
                 "pipe_length", "negated", "connector_before", "depth", "in_substitution", "in_subshell",
                 "in_condition", "in_compound", "in_function")

    def __init__(
        self,
        words: list[Word] | None = None,
        assignments: list[Word] | None = None,
        redirects: list[tuple[str, Optional[Word]]] | None = None,
        start: int = 0,
        end: int = 0,
        pipeline: int = 0,
        pipe_position: int = 0,
        pipe_length: int = 1,
        negated: bool = False,
        connector_before: Optional[str] = None,
        depth: int = 0,
        in_substitution: bool = False,
        in_subshell: bool = False,
        in_condition: bool = False,
        in_compound: bool = False,
        in_function: bool = False,
    ) -> None:
        self.words = [] if words is None else words
        self.assignments = [] if assignments is None else assignments
        self.redirects = [] if redirects is None else redirects
        self.start = start
        self.end = end
        self.pipeline = pipeline
        self.pipe_position = pipe_position
        self.pipe_length = pipe_length
        self.negated = negated
        self.connector_before = connector_before
        self.depth = depth
        self.in_substitution = in_substitution
        self.in_subshell = in_subshell
        self.in_condition = in_condition
        self.in_compound = in_compound
        self.in_function = in_function

    @property
    def name(self) -> Optional[str]:
        """The command name (first word's value, no basename applied) or None."""
        return self.words[0].value if self.words else None

    @property
    def args(self) -> list[Word]:
        return self.words[1:]

    @property
    def argv(self) -> list[str]:
        """The word values, command name included."""
        return [w.value for w in self.words]


class Script(Record):
    commands: list[SimpleCommand]
    errors: list[str]

    __slots__ = ("commands", "errors")

    def __init__(self, commands: list[SimpleCommand] | None = None, errors: list[str] | None = None) -> None:
        self.commands = [] if commands is None else commands
        self.errors = [] if errors is None else errors


def parse(script: str) -> Script:
    """Parse shell text into its simple commands.  Never raises."""
    if script is None:
        script = ""
    elif isinstance(script, (bytes, bytearray)):
        script = bytes(script).decode("utf-8", "replace")
    elif not isinstance(script, str):
        script = str(script)
    p = _Parser(script)
    try:
        p.run()
    except Exception as exc:  # defensive: a parser bug must not break linting
        p.errors.append(f"internal parser error: {type(exc).__name__}: {exc}")
        p.finalize()
    return Script(p.commands, p.errors)


def iter_commands(script: Union[str, Script]) -> Iterator[SimpleCommand]:
    """Iterate the simple commands of a script (text or an already parsed Script)."""
    parsed = script if isinstance(script, Script) else parse(script)
    yield from parsed.commands


# --------------------------------------------------------------------------------------
# implementation
# --------------------------------------------------------------------------------------

_MAX_STACK = 100_000  # frames; beyond this the rest of the input is ignored
_MAX_ERRORS = 50
_SEARCH_LIMIT = 64  # frames crossed when matching a closer against unterminated frames
# Substitutions nested deeper than this are skipped as opaque text: every level's word
# holds the text of all levels inside it, so unbounded nesting would cost quadratic memory.
_MAX_SUBST_DEPTH = 20

# runs of characters with no special meaning in each context (single classes only)
_WORD_ORD = re.compile(r"[^ \t\n;&|()<>\\'\"$`]+")
_DQ_ORD = re.compile(r'[^"\\$`]+')
_PARAM_ORD = re.compile(r"[^}\\'\"$`]+")
_ARITH_ORD = re.compile(r"[^()\\'\"$`]+")
_ANSI_ORD = re.compile(r"[^'\\]+")
_OPQ_PAREN = re.compile(r"[^()'\"\\`]+")
_OPQ_DQ = re.compile(r'[^"\\$`]+')
_OPQ_BT = re.compile(r"[^`\\]+")
_BT_COMMENT = re.compile(r"[^`\\\n]+")
_BLANKS = re.compile(r"[ \t]+")
_DIGITS = re.compile(r"[0-9]+")
_HEX2 = re.compile(r"[0-9a-fA-F]{1,2}")
_HEX4 = re.compile(r"[0-9a-fA-F]{1,4}")
_HEX8 = re.compile(r"[0-9a-fA-F]{1,8}")
_OCT3 = re.compile(r"[0-7]{1,3}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]\n]*\])?\+?=")

_DELIMS = frozenset(" \t\n;&|()<>`")
_PLAIN_END = frozenset(" \t\n;&|<>)")  # characters that surely end a plain word
_PARAM_START = frozenset("_@*#?$!-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ANSI_MAP = {
    "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b",
    "f": "\f", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?",
}

# list-frame kinds
_TOP, _SUBSHELL, _GROUP, _CMDSUB, _BACKTICK, _PROCSUB, _IF, _WHILE, _UNTIL, _FOR, _CASE = range(11)
_KIND_DESC = {
    _TOP: "script", _SUBSHELL: "'('", _GROUP: "'{'", _CMDSUB: "'$('", _BACKTICK: "'`'",
    _PROCSUB: "process substitution", _IF: "'if'", _WHILE: "'while'", _UNTIL: "'until'",
    _FOR: "'for'", _CASE: "'case'",
}
_SUBST = (_CMDSUB, _BACKTICK, _PROCSUB)
_NESTS = (_SUBSHELL, _CMDSUB, _BACKTICK, _PROCSUB)  # kinds that add one to depth
_COND_KINDS = (_IF, _WHILE, _UNTIL)
_COMPOUND_KINDS = (_SUBSHELL, _GROUP, _IF, _WHILE, _UNTIL, _FOR, _CASE)
_RESERVED_BARRIER = (_TOP, _SUBSHELL, _CMDSUB, _BACKTICK, _PROCSUB)

# list-frame states
_S_NONE, _S_COND, _S_BODY, _S_ELSE, _F_NAME, _F_AFTER, _F_WORDS, _F_DO, _C_SUBJ, _C_IN, _C_PAT = range(11)

# function-definition progress (list-frame ``special``)
_FN_NAME, _FN_AFTER, _FN_PARENS, _FN_BODY = 1, 2, 3, 4

# frame types
_LIST, _WORD, _DQ, _PARAM, _ARITH, _PAREN = range(6)

_RESERVED = frozenset(
    ["if", "then", "elif", "else", "fi", "do", "done", "while", "until", "for", "select",
     "case", "esac", "{", "}", "function", "!"]
)
_DECLARATIONS = frozenset(["declare", "typeset", "local", "export", "readonly"])
_COMPOUND_OPENERS = frozenset(["{", "(", "if", "while", "until", "for", "select", "case", "[["])
_CLOSERS = frozenset(["then", "elif", "else", "fi", "do", "done", "esac", "}"])


class _Pipeline:
    __slots__ = ("serial", "elems", "cmds", "negated")

    def __init__(self, serial: int, negated: bool = False) -> None:
        self.serial = serial
        self.elems = 0
        self.cmds: list[SimpleCommand] = []
        self.negated = negated


class _Cmd:
    __slots__ = ("words", "assigns", "redirs", "start", "end", "pos", "conn", "pl")

    def __init__(self, start: int, pos: int, conn: Optional[str], pl: _Pipeline) -> None:
        self.words: list[Word] = []
        self.assigns: list[Word] = []
        self.redirs: list[tuple[str, Optional[Word]]] = []
        self.start = start
        self.end = start
        self.pos = pos
        self.conn = conn
        self.pl = pl


class _WB:
    """A word being read."""

    __slots__ = ("start", "parts", "quoted", "exp", "raw_depth", "raw_start", "lst", "dbr", "bt")

    def __init__(self, start: int, lst: "_List") -> None:
        self.start = start
        self.parts: list[str] = []
        self.quoted = False
        self.exp = False
        self.raw_depth = 0  # >0 while inside ${ }, $( ), $(( )), ` `: value gets the raw text
        self.raw_start = start
        self.lst = lst
        self.dbr = lst.dbr
        self.bt = lst.bt


class _Frame:
    """A word-level frame: the word itself or a quoting/expansion context inside it."""

    __slots__ = ("t", "wb", "start", "n", "in_dq", "owner", "saved")

    def __init__(self, t: int, wb: _WB, start: int, in_dq: bool = False, owner=None) -> None:
        self.t = t
        self.wb = wb
        self.start = start
        self.n = 0  # nesting counter for ( ) / { }
        self.in_dq = in_dq
        self.owner = owner  # list frame of an arithmetic command ``(( ))``
        self.saved: Optional[tuple[int, int, int]] = None  # output sizes, to undo a misparse


class _List:
    """A command-list frame with the state of the command and pipeline being built."""

    __slots__ = (
        "t", "kind", "state", "special", "wb", "start", "depth", "in_sub", "in_subshell",
        "cond_base", "bt", "sdepth", "cmd", "pl", "conn", "need", "after", "redir", "dbr", "pat",
        "pat_paren", "nelems", "compound", "func",
    )

    def __init__(self, kind: int, start: int, parent: Optional["_List"], wb: Optional[_WB] = None,
                 state: int = _S_NONE) -> None:
        self.t = _LIST
        self.kind = kind
        self.state = state
        self.special = 0
        self.wb = wb
        self.start = start
        if parent is None:
            self.depth = 0
            self.in_sub = False
            self.in_subshell = False
            self.cond_base = False
            self.bt = False
            self.sdepth = 0
            self.compound = False
            self.func = False
        else:
            self.depth = parent.depth + (1 if kind in _NESTS else 0)
            self.in_sub = parent.in_sub or kind in _SUBST
            self.in_subshell = parent.in_subshell or kind == _SUBSHELL
            self.cond_base = parent.cond_base or (parent.kind in _COND_KINDS and parent.state == _S_COND)
            if kind == _BACKTICK:
                self.bt = True
            elif kind in (_CMDSUB, _PROCSUB):
                self.bt = False
            else:
                self.bt = parent.bt
            self.sdepth = parent.sdepth + (1 if kind in _SUBST else 0)
            self.func = parent.func  # set on the body itself by _on_word
            self.compound = parent.compound or kind in _COMPOUND_KINDS
        self.cmd: Optional[_Cmd] = None
        self.pl: Optional[_Pipeline] = None
        self.conn: Optional[str] = None
        self.need = False  # after | && || : a command must follow (newlines skipped)
        self.after = False  # a compound command just ended; operators/redirects may follow
        self.redir: Optional[tuple[str, int]] = None  # redirection operator awaiting its word
        self.dbr = False  # inside [[ ... ]]
        self.pat = 0  # case: pattern words in the current pattern list
        self.pat_paren = False
        self.nelems = 0  # pipeline elements in the current section (for empty-body errors)

    def in_condition(self) -> bool:
        return self.cond_base or (self.kind in _COND_KINDS and self.state == _S_COND)


class _Parser:
    def __init__(self, s: str) -> None:
        self.s = s
        self.n = len(s)
        self.commands: list[SimpleCommand] = []
        self.errors: list[str] = []
        self.heredocs: list[tuple[str, bool, int]] = []  # (delimiter, strip tabs, offset)
        self.serial = 0
        self.stack: list = [_List(_TOP, 0, None)]
        self.done = False
        # characters that may be re-read after a misparsed "((" (keeps the worst case linear)
        self.rewind_budget = max(self.n, 4096)

    # -- helpers --------------------------------------------------------------------------
    def error(self, msg: str, pos: int) -> None:
        errs = self.errors
        if len(errs) < _MAX_ERRORS:
            errs.append(f"{msg} at offset {pos}")
        elif len(errs) == _MAX_ERRORS:
            errs.append("too many errors; further errors suppressed")

    def _raw_open(self, wb: _WB, i: int) -> None:
        if wb.raw_depth == 0:
            wb.raw_start = i
        wb.raw_depth += 1

    def _raw_close(self, wb: _WB, end: int) -> None:
        wb.raw_depth -= 1
        if wb.raw_depth == 0:
            wb.parts.append(self.s[wb.raw_start:end])

    # -- driver ---------------------------------------------------------------------------
    def run(self) -> None:
        s_len = self.n
        stack = self.stack
        i = 0
        last = -1
        stall = 0
        while i < s_len:
            if i == last:
                stall += 1
                if stall > 16:  # cannot happen by design; guarantees termination anyway
                    self.error("internal parser error (no progress)", i)
                    i += 1
                    stall = 0
                    continue
            else:
                last = i
                stall = 0
            if len(stack) > _MAX_STACK:
                self.error("nesting too deep; rest of input ignored", i)
                break
            top = stack[-1]
            t = top.t
            if t == _LIST:
                i = self._list_step(top, i)
            elif t == _WORD:
                i = self._word_step(top, i)
            elif t == _DQ:
                i = self._dq_step(top, i)
            elif t == _PARAM:
                i = self._param_step(top, i)
            else:
                i = self._arith_step(top, i)
        self.finalize()

    def finalize(self) -> None:
        if self.done:
            return
        self.done = True
        stack = self.stack
        end = self.n
        try:
            while len(stack) > 1:
                self._force_close(stack[-1], end)
            top = stack[0]
            if top.special:
                self.error("incomplete function definition", end)
                top.special = 0
            if top.need:
                self.error("syntax error: unexpected end of input", end)
                top.need = False
            self._end_pipeline(top)
            # A here-document whose body never started (the input ended on its line) is
            # not an error: in a Dockerfile the body is kept apart from the RUN line.
            self.heredocs = []
        except Exception as exc:  # pragma: no cover - defensive
            self.errors.append(f"internal parser error: {type(exc).__name__}: {exc}")
        cmds = self.commands
        cmds.sort(key=lambda c: c.start)
        ids: dict[int, int] = {}
        for c in cmds:
            c.pipeline = ids.setdefault(c.pipeline, len(ids))

    # -- list context -----------------------------------------------------------------------
    def _list_step(self, f: _List, i: int) -> int:
        s = self.s
        n = self.n
        c = s[i]
        if c == " " or c == "\t":
            return _BLANKS.match(s, i).end()
        if c == "\n":
            return self._newline(f, i)
        if c == "#":
            if f.bt:
                return self._backtick_comment(i)
            j = s.find("\n", i)
            return n if j < 0 else j
        if c == "\\" and i + 1 < n and s[i + 1] == "\n":
            return i + 2
        if c == "`" and f.bt:
            return self._close_backtick(i)
        if f.dbr and c in "&|()<>":
            self._push_word(f, i)
            return i
        if c == "<" or c == ">":
            if i + 1 < n and s[i + 1] == "(":  # process substitution <( ) >( )
                wb = self._push_word(f, i)
                return self._open_subst(wb, _PROCSUB, i, i + 2)
            return self._redirect(f, i, i)
        if c == "&":
            if s.startswith("&>", i):
                return self._redirect(f, i, i)
            if s.startswith("&&", i):
                self._andor(f, "&&", i)
                return i + 2
            self._sep(f, "&", i)
            return i + 1
        if c == ";":
            if s.startswith(";;&", i):
                op = ";;&"
            elif s.startswith(";;", i):
                op = ";;"
            elif s.startswith(";&", i):
                op = ";&"
            else:
                op = ";"
            self._sep(f, op, i)
            return i + len(op)
        if c == "|":
            if s.startswith("||", i):
                self._andor(f, "||", i)
                return i + 2
            if s.startswith("|&", i):
                self._pipe(f, "|&", i)
                return i + 2
            self._pipe(f, "|", i)
            return i + 1
        if c == "(":
            return self._open_paren(f, i)
        if c == ")":
            return self._close_paren(f, i)
        if "0" <= c <= "9":
            j = _DIGITS.match(s, i).end()
            if j < n and (s[j] == "<" or s[j] == ">"):
                return self._redirect(f, i, j)
        if not f.dbr:
            # fast path: a plain unquoted word needs no word frame
            m = _WORD_ORD.match(s, i)
            if m is not None:
                j = m.end()
                if j >= n or s[j] in _PLAIN_END:
                    raw = s[i:j]
                    self._on_word(f, Word(raw, raw, i, j), True)
                    return j
        self._push_word(f, i)
        return i

    def _backtick_comment(self, i: int) -> int:
        """The end of a comment at i inside `...`: the line's end or the closing backquote.

        sh finds the end of a backquoted substitution before it parses the body, so
        ``pkg `# why` other`` comments out ``why`` only and ``other`` is still code (the
        idiom for commenting the lines of a long RUN).  A backslash-escaped backquote does not
        close it."""
        s = self.s
        n = self.n
        j = i
        while j < n:
            m = _BT_COMMENT.match(s, j)
            if m is not None:
                j = m.end()
                if j >= n:
                    break
            c = s[j]
            if c == "\\" and j + 1 < n and s[j + 1] != "\n":
                j += 2
                continue
            if c == "`" or c == "\n":
                return j
            j += 1
        return n

    def _push_word(self, f: _List, i: int) -> _WB:
        wb = _WB(i, f)
        self.stack.append(_Frame(_WORD, wb, i))
        return wb

    def _newline(self, f: _List, i: int) -> int:
        if f.redir is not None:
            self.error("missing redirection target", f.redir[1])
            f.redir = None
        sp = f.special
        k = f.kind
        if sp:
            if sp == _FN_NAME or sp == _FN_PARENS:
                self.error("incomplete function definition", i)
                f.special = 0
            # _FN_AFTER / _FN_BODY: the body may follow on a later line
        elif k == _CASE and f.state != _S_BODY:
            pass  # newlines are allowed around case subject, 'in' and patterns
        elif k == _FOR and f.state != _S_BODY:
            if f.state == _F_NAME:
                self.error("missing loop variable after 'for'", i)
                f.state = _F_DO
            elif f.state in (_F_AFTER, _F_WORDS):
                f.state = _F_DO
        elif f.need:
            pass  # line break after | && || continues the list
        elif f.cmd is not None or f.pl is not None or f.after:
            self._end_pipeline(f)
            f.conn = "\n"
        i += 1
        if self.heredocs:
            i = self._read_heredocs(i)
        return i

    def _read_heredocs(self, i: int) -> int:
        s = self.s
        n = self.n
        docs = self.heredocs
        self.heredocs = []
        for delim, strip, pos in docs:
            if i >= n:
                break  # no body at all: supplied elsewhere (see finalize)
            while True:
                if i >= n:
                    self.error(f"unterminated here-document (wanted '{delim}')", pos)
                    break
                j = s.find("\n", i)
                end = n if j < 0 else j
                line = s[i:end]
                if strip:
                    line = line.lstrip("\t")
                i = n if j < 0 else j + 1
                if line == delim:
                    break
        return i

    def _redirect(self, f: _List, i: int, j: int) -> int:
        """A redirection operator at j (with an fd number from i)."""
        s = self.s
        n = self.n
        c = s[j]
        if c == "&":
            op = "&>>" if s.startswith("&>>", j) else "&>"
        elif c == "<":
            if s.startswith("<<<", j):
                op = "<<<"
            elif s.startswith("<<-", j):
                op = "<<-"
            elif s.startswith("<<", j):
                op = "<<"
            elif s.startswith("<&", j):
                op = "<&"
            elif s.startswith("<>", j):
                op = "<>"
            else:
                op = "<"
        else:
            if s.startswith(">>", j):
                op = ">>"
            elif s.startswith(">&", j):
                op = ">&"
            elif s.startswith(">|", j):
                op = ">|"
            else:
                op = ">"
        k = j + len(op)
        if op == "<&" or op == ">&":
            m = _DIGITS.match(s, k)
            e = m.end() if m else k
            if e < n and s[e] == "-":
                e += 1
            if e > k and (e >= n or s[e] in _DELIMS):
                self._add_redirect(f, s[i:e], True, i, e)
                return e
        self._add_redirect(f, s[i:k], False, i, k)
        return k

    def _special_token(self, f: _List, tok: str, pos: int) -> bool:
        """Handle an operator met in a state that expects none; True means: ignore it."""
        sp = f.special
        if sp:
            f.special = 0
            self.error(f"syntax error near unexpected token '{tok}'", pos)
            return False
        if (f.kind == _CASE or f.kind == _FOR) and f.state != _S_BODY:
            self.error(f"syntax error near unexpected token '{tok}'", pos)
            return True
        return False

    def _add_redirect(self, f: _List, op: str, complete: bool, start: int, end: int) -> None:
        if self._special_token(f, op, start):
            return
        if f.redir is not None:
            self.error("missing redirection target", f.redir[1])
            f.redir = None
        if f.cmd is None and not f.after:
            self._start_cmd(f, start)
        cmd = f.cmd
        if complete:
            if cmd is not None:
                cmd.redirs.append((op, None))
        else:
            f.redir = (op, start)
        if cmd is not None:
            cmd.end = end

    def _check_redir(self, f: _List) -> None:
        if f.redir is not None:
            self.error("missing redirection target", f.redir[1])
            f.redir = None

    def _sep(self, f: _List, op: str, i: int) -> None:
        """; & ;; ;& ;;&"""
        sp = f.special
        if sp:
            f.special = 0
            self.error(f"syntax error near unexpected token '{op}'", i)
        k = f.kind
        if k == _CASE and f.state != _S_BODY:
            self.error(f"syntax error near unexpected token '{op}'", i)
            return
        if k == _FOR and f.state != _S_BODY:
            if op == ";" and f.state in (_F_AFTER, _F_WORDS, _F_DO):
                f.state = _F_DO
            else:
                self.error(f"syntax error near unexpected token '{op}'", i)
            return
        if op != ";" and op != "&":
            if k == _CASE:
                self._check_redir(f)
                if f.need:
                    self.error(f"syntax error near unexpected token '{op}'", i)
                self._end_pipeline(f)
                f.state = _C_PAT
                f.pat = 0
                f.pat_paren = False
                f.conn = None
                f.need = False
                return
            self.error(f"syntax error near unexpected token '{op}'", i)
            op = ";"
        self._check_redir(f)
        if f.need:
            self.error(f"syntax error near unexpected token '{op}'", i)
            f.need = False
        elif f.cmd is None and (f.pl is None or f.pl.elems == 0) and not f.after:
            self.error(f"syntax error near unexpected token '{op}'", i)
        self._end_pipeline(f)
        f.conn = op

    def _andor(self, f: _List, op: str, i: int) -> None:
        if self._special_token(f, op, i):
            return
        self._check_redir(f)
        if f.need or (f.cmd is None and not f.after):
            self.error(f"syntax error near unexpected token '{op}'", i)
            if f.need:
                return
        self._end_pipeline(f)
        f.conn = op
        f.need = True

    def _pipe(self, f: _List, op: str, i: int) -> None:
        if f.kind == _CASE and f.state == _C_PAT:
            if op != "|" or f.pat == 0:
                self.error(f"syntax error near unexpected token '{op}'", i)
            return
        if self._special_token(f, op, i):
            return
        self._check_redir(f)
        if f.need or (f.cmd is None and not f.after):
            self.error(f"syntax error near unexpected token '{op}'", i)
            return
        self._finish_cmd(f)
        f.after = False
        f.dbr = False
        f.conn = "|"
        f.need = True

    def _open_paren(self, f: _List, i: int) -> int:
        s = self.s
        if f.kind == _CASE and f.state == _C_PAT:
            if f.pat == 0 and not f.pat_paren:
                f.pat_paren = True
            else:
                self.error("syntax error near unexpected token '('", i)
            return i + 1
        if f.kind == _FOR and f.state == _F_NAME and s.startswith("((", i):
            wb = _WB(i, f)
            wb.raw_depth = 1
            self.stack.append(_Frame(_ARITH, wb, i, False, f))
            return i + 2
        sp = f.special
        if sp:
            if sp == _FN_AFTER and not s.startswith("((", i):
                j = _BLANKS.match(s, i + 1)
                j = j.end() if j else i + 1
                if j < self.n and s[j] == ")":  # function name ( )
                    f.special = _FN_PARENS
                    return i + 1
                # "function name ( body )": the body is a subshell
            f.special = 0
            if sp != _FN_BODY and sp != _FN_AFTER:
                self.error("syntax error near unexpected token '('", i)
                return i + 1
        if self._special_token(f, "(", i):
            return i + 1
        cmd = f.cmd
        if cmd is not None:
            w0 = cmd.words[0] if len(cmd.words) == 1 else None
            if (w0 is not None and not cmd.assigns and not cmd.redirs and f.redir is None
                    and not w0.quoted and not w0.has_expansion):
                # name() -- a function definition, not a command
                f.cmd = None
                f.dbr = False
                pl = cmd.pl
                pl.elems -= 1
                f.nelems -= 1
                if pl.elems == 0 and not pl.cmds:
                    f.pl = None
                f.special = _FN_PARENS
                return i + 1
            self.error("syntax error near unexpected token '('", i)
            return i + 1
        if f.after:
            self.error("syntax error near unexpected token '('", i)
            return i + 1
        if s.startswith("((", i):  # arithmetic command (or two subshells, see _arith_step)
            wb = _WB(i, f)
            wb.raw_depth = 1
            fr = _Frame(_ARITH, wb, i, False, f)
            fr.saved = (len(self.commands), len(self.errors), len(self.heredocs))
            self.stack.append(fr)
            return i + 2
        self._push_compound(f, _SUBSHELL, _S_NONE, i)
        return i + 1

    def _find(self, kinds: tuple, barrier: tuple) -> int:
        stack = self.stack
        idx = len(stack) - 1
        lowest = max(0, idx - _SEARCH_LIMIT)
        while idx >= lowest:
            fr = stack[idx]
            if fr.t != _LIST:
                return -1
            if fr.kind in kinds:
                return idx
            if fr.kind in barrier:
                return -1
            idx -= 1
        return -1

    def _unwind_above(self, idx: int, pos: int) -> None:
        stack = self.stack
        while len(stack) - 1 > idx:
            self._force_close(stack[-1], pos)

    def _close_paren(self, f: _List, i: int) -> int:
        if f.special == _FN_PARENS:
            f.special = _FN_BODY
            return i + 1
        if f.kind == _CASE and f.state == _C_PAT:
            if f.pat == 0:
                self.error("empty case pattern", i)
            f.state = _S_BODY
            f.pat = 0
            f.pat_paren = False
            f.conn = None
            f.nelems = 0
            return i + 1
        if f.special:
            f.special = 0
            self.error("syntax error near unexpected token ')'", i)
        idx = self._find((_SUBSHELL, _CMDSUB, _PROCSUB), (_TOP, _BACKTICK))
        if idx < 0:
            self.error("syntax error near unexpected token ')'", i)
            return i + 1
        self._unwind_above(idx, i)
        fr = self.stack[-1]
        if fr.kind == _SUBSHELL and fr.nelems == 0 and fr.pl is None:
            self.error("syntax error: empty subshell", i)
        self._close_list(fr, i + 1)
        return i + 1

    def _close_backtick(self, i: int) -> int:
        idx = self._find((_BACKTICK,), (_TOP, _CMDSUB, _PROCSUB))
        if idx < 0:
            self.error("unexpected '`'", i)
            return i + 1
        self._unwind_above(idx, i)
        self._close_list(self.stack[-1], i + 1)
        return i + 1

    # -- commands and pipelines -------------------------------------------------------------
    def _begin_element(self, f: _List) -> tuple[_Pipeline, int]:
        pl = f.pl
        if pl is None:
            pl = f.pl = _Pipeline(self.serial)
            self.serial += 1
        pos = pl.elems
        pl.elems += 1
        f.nelems += 1
        f.need = False
        return pl, pos

    def _start_cmd(self, f: _List, start: int) -> None:
        pl, pos = self._begin_element(f)
        f.cmd = _Cmd(start, pos, "|" if pos else f.conn, pl)

    def _push_compound(self, f: _List, kind: int, state: int, pos: int) -> _List:
        self._begin_element(f)
        fr = _List(kind, pos, f, None, state)
        self.stack.append(fr)
        return fr

    def _finish_cmd(self, f: _List) -> None:
        cmd = f.cmd
        if cmd is None:
            return
        f.cmd = None
        f.dbr = False
        self._check_redir(f)
        pl = cmd.pl
        sc = SimpleCommand(
            words=cmd.words,
            assignments=cmd.assigns,
            redirects=cmd.redirs,
            start=cmd.start,
            end=cmd.end,
            pipeline=pl.serial,
            pipe_position=cmd.pos,
            pipe_length=pl.elems,
            negated=pl.negated,
            connector_before=cmd.conn,
            depth=f.depth,
            in_substitution=f.in_sub,
            in_subshell=f.in_subshell,
            in_condition=f.in_condition(),
            in_compound=f.compound,
            in_function=f.func,
        )
        pl.cmds.append(sc)
        self.commands.append(sc)

    def _end_pipeline(self, f: _List) -> None:
        self._finish_cmd(f)
        self._check_redir(f)
        pl = f.pl
        if pl is not None:
            elems = pl.elems
            for c in pl.cmds:
                c.pipe_length = elems
            f.pl = None
        f.after = False
        f.dbr = False

    def _close_list(self, fr: _List, end: int) -> None:
        """Pop list frame ``fr`` (the top of the stack), ending at ``end``."""
        self._check_redir(fr)
        if fr.need:
            self.error(f"syntax error: missing command before end of {_KIND_DESC[fr.kind]}", end)
            fr.need = False
        if fr.special:
            self.error("incomplete function definition", end)
            fr.special = 0
        self._end_pipeline(fr)
        self.stack.pop()
        if fr.kind in _SUBST:
            self._raw_close(fr.wb, end)
        else:
            parent = self.stack[-1]
            parent.after = True

    def _force_close(self, fr, pos: int) -> None:
        t = fr.t
        if t == _LIST:
            self.error(f"unterminated {_KIND_DESC[fr.kind]}", fr.start)
            self._close_list(fr, pos)
        elif t == _WORD:
            self._deliver(fr, pos)
        elif t == _DQ:
            self.error("unterminated double quote", fr.start)
            self.stack.pop()
        elif t == _PARAM:
            self.error("unterminated '${'", fr.start)
            self.stack.pop()
            self._raw_close(fr.wb, pos)
        else:
            if t == _PAREN:
                what = "'('"
            else:
                what = "'$(('" if fr.owner is None else "'(('"
            self.error(f"unterminated {what}", fr.start)
            self.stack.pop()
            self._arith_done(fr, pos)

    def _unwind_words(self, pos: int) -> None:
        stack = self.stack
        while stack[-1].t != _LIST:
            self._force_close(stack[-1], pos)

    # -- words ------------------------------------------------------------------------------
    def _deliver(self, fr: _Frame, end: int) -> None:
        self.stack.pop()
        wb = fr.wb
        if end <= wb.start:
            return
        w = Word("".join(wb.parts), self.s[wb.start:end], wb.start, end, wb.quoted, wb.exp)
        self._on_word(wb.lst, w, not wb.quoted and not wb.exp)

    def _on_word(self, f: _List, w: Word, lit: bool) -> None:
        if f.redir is not None:
            op = f.redir[0]
            f.redir = None
            cmd = f.cmd
            if cmd is not None:
                cmd.redirs.append((op, w))
                cmd.end = w.end
            base = op.lstrip("0123456789")
            if base == "<<" or base == "<<-":
                self.heredocs.append((w.value, base == "<<-", w.start))
            return
        sp = f.special
        fn_body = False
        if sp:
            f.special = 0
            if sp == _FN_NAME:
                f.special = _FN_AFTER
                return
            fn_body = True
            if sp == _FN_PARENS:
                self.error("expected ')' in function definition", w.start)
            elif not (lit and w.value in _COMPOUND_OPENERS):
                self.error("function body must be a compound command", w.start)
        k = f.kind
        st = f.state
        v = w.value
        if k == _CASE and st != _S_BODY:
            if st == _C_SUBJ:
                f.state = _C_IN
            elif st == _C_IN:
                if not (lit and v == "in"):
                    self.error(f"expected 'in' after case word, got '{w.raw}'", w.start)
                f.state = _C_PAT
                f.pat = 0
                f.pat_paren = False
            elif lit and v == "esac" and f.pat == 0 and not f.pat_paren:
                self._close_list(f, w.end)
            else:
                f.pat += 1
            return
        if k == _FOR and st != _S_BODY:
            if st == _F_NAME:
                if not (lit and _NAME.fullmatch(v)):
                    self.error(f"bad for-loop variable '{w.raw}'", w.start)
                f.state = _F_AFTER
            elif st == _F_AFTER:
                if lit and v == "in":
                    f.state = _F_WORDS
                elif lit and v == "do":
                    self._enter_body(f, _S_BODY)
                else:
                    self.error(f"syntax error near unexpected word '{w.raw}'", w.start)
            elif st == _F_DO:
                if lit and v == "do":
                    self._enter_body(f, _S_BODY)
                else:
                    self.error(f"expected 'do', got '{w.raw}'", w.start)
            # _F_WORDS: the loop's word list is data, not a command
            return
        cmd = f.cmd
        if cmd is None:
            if lit and v in _RESERVED:
                height = len(self.stack)
                if self._reserved(f, v, w):
                    if fn_body and len(self.stack) > height:  # name() { ...; }: the body
                        self.stack[-1].func = True
                    return
            if lit and v == "in":
                self.error("syntax error near unexpected token 'in'", w.start)
            if f.after:
                self.error(f"syntax error near unexpected word '{w.raw}'", w.start)
                self._end_pipeline(f)
            self._start_cmd(f, w.start)
            cmd = f.cmd
        if not cmd.words and _ASSIGN.match(w.raw):
            cmd.assigns.append(w)
        else:
            cmd.words.append(w)
            if lit:
                if len(cmd.words) == 1:
                    if v == "[[":
                        f.dbr = True
                elif f.dbr and v == "]]":
                    f.dbr = False
        cmd.end = w.end

    def _enter_body(self, fr: _List, state: int) -> None:
        self._end_pipeline(fr)
        fr.state = state
        fr.conn = None
        fr.nelems = 0
        fr.need = False

    def _reserved(self, f: _List, v: str, w: Word) -> bool:
        """Handle a reserved word at command position; False: treat it as a plain word."""
        if v in _CLOSERS:
            if f.need:
                self.error(f"syntax error near unexpected token '{v}'", w.start)
                f.need = False
            if v == "}":
                return self._close_reserved(w, (_GROUP,))
            if v == "fi":
                return self._close_reserved(w, (_IF,))
            if v == "done":
                return self._close_reserved(w, (_WHILE, _UNTIL, _FOR))
            if v == "esac":
                return self._close_reserved(w, (_CASE,))
            return self._transition(w, v)
        if f.after:
            return False
        if v == "if":
            self._push_compound(f, _IF, _S_COND, w.start)
        elif v == "while":
            self._push_compound(f, _WHILE, _S_COND, w.start)
        elif v == "until":
            self._push_compound(f, _UNTIL, _S_COND, w.start)
        elif v == "for" or v == "select":
            self._push_compound(f, _FOR, _F_NAME, w.start)
        elif v == "case":
            self._push_compound(f, _CASE, _C_SUBJ, w.start)
        elif v == "{":
            self._push_compound(f, _GROUP, _S_NONE, w.start)
        elif v == "function":
            f.special = _FN_NAME
        elif v == "!":
            if f.pl is not None:
                return False
            f.pl = _Pipeline(self.serial, negated=True)
            self.serial += 1
            f.need = False
        else:
            return False
        return True

    def _close_reserved(self, w: Word, kinds: tuple) -> bool:
        idx = self._find(kinds, _RESERVED_BARRIER)
        if idx < 0:
            self.error(f"syntax error near unexpected token '{w.value}'", w.start)
            return True
        self._unwind_above(idx, w.start)
        fr = self.stack[-1]
        k = fr.kind
        v = w.value
        empty = fr.nelems == 0 and fr.pl is None
        if k == _IF and fr.state == _S_COND:
            self.error("syntax error: 'fi' before 'then'", w.start)
        elif (k == _WHILE or k == _UNTIL) and fr.state == _S_COND:
            self.error("syntax error: 'done' before 'do'", w.start)
        elif k == _FOR and fr.state != _S_BODY:
            self.error("syntax error: 'done' before 'do'", w.start)
        elif k == _CASE and fr.state in (_C_SUBJ, _C_IN):
            self.error("syntax error: incomplete 'case'", w.start)
        elif empty and k != _CASE:
            self.error(f"syntax error: empty body before '{v}'", w.start)
        self._close_list(fr, w.end)
        return True

    def _transition(self, w: Word, v: str) -> bool:
        if v == "do":
            idx = self._find((_WHILE, _UNTIL, _FOR), _RESERVED_BARRIER)
            ok = idx >= 0 and self.stack[idx].state in (_S_COND, _F_DO, _F_AFTER)
            new = _S_BODY
        else:
            idx = self._find((_IF,), _RESERVED_BARRIER)
            if v == "then":
                ok = idx >= 0 and self.stack[idx].state == _S_COND
                new = _S_BODY
            elif v == "elif":
                ok = idx >= 0 and self.stack[idx].state == _S_BODY
                new = _S_COND
            else:  # else
                ok = idx >= 0 and self.stack[idx].state == _S_BODY
                new = _S_ELSE
        if not ok:
            self.error(f"syntax error near unexpected token '{v}'", w.start)
            return True
        self._unwind_above(idx, w.start)
        fr = self.stack[-1]
        if fr.nelems == 0 and fr.pl is None:
            self.error(f"syntax error: empty list before '{v}'", w.start)
        self._enter_body(fr, new)
        return True

    def _word_step(self, fr: _Frame, i: int) -> int:
        s = self.s
        n = self.n
        wb = fr.wb
        m = _WORD_ORD.match(s, i)
        if m is not None:
            j = m.end()
            wb.parts.append(s[i:j])
            i = j
            if i >= n:
                return i
        c = s[i]
        if c in _DELIMS:
            if c == "`":
                if wb.bt:
                    self._deliver(fr, i)
                    return i
                return self._open_subst(wb, _BACKTICK, i, i + 1)
            if wb.dbr and c in "&|()<>" and not (i - wb.start == 2 and s[wb.start:i] == "]]"):
                wb.parts.append(c)  # inside [[ ]] these are part of the expression
                return i + 1
            if c == "(" and i > wb.start:
                p = s[i - 1]
                if (p == "=" and self._array_ok(wb, i)) or p in "@!?*+":
                    # array assignment a=( ... ) or extglob @( ... )
                    self._raw_open(wb, i)
                    self.stack.append(_Frame(_PAREN, wb, i))
                    return i + 1
            self._deliver(fr, i)
            return i
        if c == "\\":
            if i + 1 >= n:
                wb.parts.append("\\")  # a lone backslash at end of input stays literal
                return i + 1
            nx = s[i + 1]
            if nx == "\n":
                return i + 2
            wb.parts.append(nx)
            wb.quoted = True
            return i + 2
        if c == "'":
            wb.quoted = True
            j = s.find("'", i + 1)
            if j < 0:
                self.error("unterminated single quote", i)
                wb.parts.append(s[i + 1:])
                return n
            wb.parts.append(s[i + 1:j])
            return j + 1
        if c == '"':
            wb.quoted = True
            self.stack.append(_Frame(_DQ, wb, i, True))
            return i + 1
        # c == "$"
        return self._dollar(wb, i, False)

    def _array_ok(self, wb: _WB, i: int) -> bool:
        """May ``NAME=(`` at i start an array value (assignment position or declare-like)?"""
        if wb.quoted or wb.exp or not _ASSIGN.fullmatch(self.s, wb.start, i):
            return False
        cmd = wb.lst.cmd
        return cmd is None or not cmd.words or cmd.words[0].value in _DECLARATIONS

    def _dollar(self, wb: _WB, i: int, quoted: bool) -> int:
        """A ``$`` at i.  ``quoted``: inside "..." or an expansion ($'' and $"" not special)."""
        s = self.s
        n = self.n
        nx = s[i + 1] if i + 1 < n else ""
        if nx == "(":
            if i + 2 < n and s[i + 2] == "(":
                wb.exp = True
                self._raw_open(wb, i)
                fr = _Frame(_ARITH, wb, i, quoted)
                fr.saved = (len(self.commands), len(self.errors), len(self.heredocs))
                self.stack.append(fr)
                return i + 3
            return self._open_subst(wb, _CMDSUB, i, i + 2)
        if nx == "{":
            wb.exp = True
            self._raw_open(wb, i)
            self.stack.append(_Frame(_PARAM, wb, i, quoted))
            return i + 2
        if not quoted:
            if nx == "'":
                return self._ansi(wb, i)
            if nx == '"':
                wb.quoted = True
                self.stack.append(_Frame(_DQ, wb, i, True))
                return i + 2
        if nx in _PARAM_START and nx:
            wb.exp = True
        if wb.raw_depth == 0:
            wb.parts.append("$")
        return i + 1

    def _ansi(self, wb: _WB, i: int) -> int:
        """$'...' (ANSI-C quoting) starting at i."""
        s = self.s
        n = self.n
        out: list[str] = []
        j = i + 2
        while True:
            m = _ANSI_ORD.match(s, j)
            if m is not None:
                out.append(m.group())
                j = m.end()
            if j >= n:
                self.error("unterminated $' quote", i)
                break
            c = s[j]
            if c == "'":
                j += 1
                break
            if j + 1 >= n:
                out.append("\\")
                j += 1
                continue
            e = s[j + 1]
            if e in _ANSI_MAP:
                out.append(_ANSI_MAP[e])
                j += 2
            elif e in "xuU":
                rx = _HEX2 if e == "x" else (_HEX4 if e == "u" else _HEX8)
                m = rx.match(s, j + 2)
                if m is None:
                    out.append("\\" + e)
                    j += 2
                else:
                    try:
                        out.append(chr(int(m.group(), 16)))
                    except (ValueError, OverflowError):
                        out.append(s[j:m.end()])
                    j = m.end()
            elif "0" <= e <= "7":
                m = _OCT3.match(s, j + 1)
                out.append(chr(int(m.group(), 8) & 0xFF))
                j = m.end()
            elif e == "c" and j + 2 < n:
                out.append(chr(ord(s[j + 2]) & 0x1F))
                j += 3
            else:
                out.append("\\" + e)
                j += 2
        wb.quoted = True
        if wb.raw_depth == 0:
            wb.parts.append("".join(out))
        return j

    def _dq_step(self, fr: _Frame, i: int) -> int:
        s = self.s
        n = self.n
        wb = fr.wb
        m = _DQ_ORD.match(s, i)
        if m is not None:
            j = m.end()
            if wb.raw_depth == 0:
                wb.parts.append(s[i:j])
            i = j
            if i >= n:
                return i
        c = s[i]
        if c == '"':
            self.stack.pop()
            return i + 1
        if c == "\\":
            if i + 1 >= n:
                if wb.raw_depth == 0:
                    wb.parts.append("\\")
                return i + 1
            nx = s[i + 1]
            if nx == "\n":
                return i + 2
            if nx in '$`"\\':
                if wb.raw_depth == 0:
                    wb.parts.append(nx)
                return i + 2
            if wb.raw_depth == 0:
                wb.parts.append("\\")
            return i + 1
        if c == "`":
            return self._backtick_in_word(wb, i)
        return self._dollar(wb, i, True)

    def _backtick_in_word(self, wb: _WB, i: int) -> int:
        """A backquote inside "...", ${...} or $((...)): opens or closes a substitution."""
        if wb.bt:  # it closes the enclosing `...`; whatever is open inside it is unterminated
            self._unwind_words(i)
            return i
        return self._open_subst(wb, _BACKTICK, i, i + 1)

    def _open_subst(self, wb: _WB, kind: int, i: int, body: int) -> int:
        """Open $( ), ` ` or <( ) at i whose body starts at ``body``; returns the next offset."""
        wb.exp = True
        self._raw_open(wb, i)
        if wb.lst.sdepth < _MAX_SUBST_DEPTH:
            self.stack.append(_List(kind, i, wb.lst, wb))
            return body
        self.error("substitutions nested too deeply; inner text not parsed", i)
        end = self._skip_opaque(body, "`" if kind == _BACKTICK else "(")
        self._raw_close(wb, end)
        return end

    def _skip_opaque(self, i: int, mode: str) -> int:
        """Find the end of a substitution body without parsing it (quotes and nesting only)."""
        s = self.s
        n = self.n
        start = i
        modes = [mode]
        while modes:
            if i >= n:
                self.error("unterminated substitution", start)
                return n
            top = modes[-1]
            rx = _OPQ_PAREN if top == "(" else (_OPQ_DQ if top == '"' else _OPQ_BT)
            m = rx.match(s, i)
            if m is not None:
                i = m.end()
                continue
            c = s[i]
            if c == "\\":
                i += 2
            elif c == "`":
                if top == "`":
                    modes.pop()
                else:
                    modes.append("`")
                i += 1
            elif top == "`":
                i += 1
            elif c == '"':
                if top == '"':
                    modes.pop()
                else:
                    modes.append('"')
                i += 1
            elif c == "$":  # only reached inside "..."
                if i + 1 < n and s[i + 1] == "(":
                    modes.append("(")
                    i += 2
                else:
                    i += 1
            elif c == "'":
                j = s.find("'", i + 1)
                i = n if j < 0 else j + 1
            elif c == "(":
                modes.append("(")
                i += 1
            else:  # ")"
                modes.pop()
                i += 1
        return min(i, n)

    def _param_step(self, fr: _Frame, i: int) -> int:
        s = self.s
        n = self.n
        m = _PARAM_ORD.match(s, i)
        if m is not None:
            i = m.end()
            if i >= n:
                return i
        c = s[i]
        if c == "}":  # a bare "{" inside does not nest (bash, dash): the first "}" closes
            self.stack.pop()
            self._raw_close(fr.wb, i + 1)
            return i + 1
        # in "${x:-'a'}" the quotes are literal, as bash reads them
        return self._inner_char(fr, i, c, quotes_literal=fr.in_dq)

    def _arith_step(self, fr: _Frame, i: int) -> int:
        """$(( )) and (( )) (``_ARITH``), and a=( ) / @( ) (``_PAREN``)."""
        s = self.s
        n = self.n
        m = _ARITH_ORD.match(s, i)
        if m is not None:
            i = m.end()
            if i >= n:
                return i
        c = s[i]
        if c == "(":
            fr.n += 1
            return i + 1
        if c == ")":
            if fr.n > 0:
                fr.n -= 1
                return i + 1
            self.stack.pop()
            end = i + 1
            if fr.t == _ARITH:
                if i + 1 < n and s[i + 1] == ")":
                    end = i + 2
                elif fr.saved is not None and i - fr.start <= self.rewind_budget:
                    # Not arithmetic after all: "((a) | b)" is "( (a) | b )" and
                    # "$((a) | b)" is "$( (a) | b )", as bash decides.  Parse it again.
                    self.rewind_budget -= i - fr.start
                    return self._rewind_arith(fr)
                else:
                    self.error("arithmetic expression closed by a single ')'", i)
            self._arith_done(fr, end)
            return end
        return self._inner_char(fr, i, c, quotes_literal=False)

    def _inner_char(self, fr: _Frame, i: int, c: str, quotes_literal: bool) -> int:
        """A backslash, quote, backquote or ``$`` at i inside ${...}, $((...)) or a=(...):
        skipped over, or opened as a frame of its own."""
        n = self.n
        if c == "\\":
            return min(i + 2, n)
        if c == "'":
            if quotes_literal:
                return i + 1
            j = self.s.find("'", i + 1)
            if j < 0:
                self.error("unterminated single quote", i)
                return n
            return j + 1
        if c == '"':
            self.stack.append(_Frame(_DQ, fr.wb, i, True))
            return i + 1
        if c == "`":
            return self._backtick_in_word(fr.wb, i)
        return self._dollar(fr.wb, i, True)

    def _rewind_arith(self, fr: _Frame) -> int:
        nc, ne, nh = fr.saved
        del self.commands[nc:]
        del self.errors[ne:]
        del self.heredocs[nh:]
        start = fr.start
        owner = fr.owner
        if owner is not None:
            self._push_compound(owner, _SUBSHELL, _S_NONE, start)
            return start + 1
        wb = fr.wb
        wb.raw_depth -= 1
        return self._open_subst(wb, _CMDSUB, start, start + 2)

    def _arith_done(self, fr: _Frame, end: int) -> None:
        owner = fr.owner
        if owner is None:
            self._raw_close(fr.wb, end)
        elif owner.kind == _FOR and owner.state == _F_NAME:
            owner.state = _F_DO  # for (( ...; ...; ... ))
        else:  # (( ... )) arithmetic command: a pipeline element that is no simple command
            self._begin_element(owner)
            owner.after = True
