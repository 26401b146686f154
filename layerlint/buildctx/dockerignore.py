"""Docker / BuildKit ``.dockerignore`` semantics, reimplemented in pure Python.

What is reproduced (behaviour read from moby/patternmatcher, its ``ignorefile.ReadAll``,
tonistiigi/fsutil's context walker and BuildKit's dockerui):

Reading the file (``ignorefile.ReadAll``)
    * lines split on ``\\n`` (a trailing ``\\r`` is dropped), a UTF-8 BOM is removed from the
      first line;
    * a line whose *first column* is ``#`` is a comment (``  # x`` is a pattern, not a comment);
    * the line is trimmed (Go ``strings.TrimSpace``); empty lines are skipped;
    * a leading ``!`` marks an exception; the text after it is trimmed again;
    * the pattern is cleaned lexically (Go ``filepath.Clean``: ``./a`` -> ``a``, ``a/`` -> ``a``,
      ``a/../b`` -> ``b``, ``//a`` -> ``/a``) and one leading ``/`` is removed.

Compiling (``patternmatcher.New``)
    * the ``!``-prefixed string is cleaned again; a bare ``!`` (also what ``!/`` becomes) is the
      error ``illegal exclusion pattern: "!"``;
    * the pattern must be valid ``filepath.Match`` syntax (unclosed ``[``, ``[]``, ``[a-]``,
      trailing ``\\`` ... are errors);
    * it is translated to a Go regular expression exactly the way patternmatcher does it
      (``*`` -> ``[^/]*``, ``?`` -> ``[^/]``, ``**/`` / ``**`` -> ``(.*/)?``, a final ``**`` ->
      ``.*``, ``.+()$`` escaped, ``\\x`` passed through as the regexp escape ``\\x``, ``[`` ``]``
      ``^`` ``|`` ``{`` ``}`` passed through raw -- patternmatcher means to escape ``|{}`` too but
      its lookup table misses them).  Literal-only patterns are compared as strings, ``x/**`` as a
      prefix and ``**...`` (rest literal) as a *suffix* -- so ``**foo`` also matches ``barfoo``.
      The resulting RE2 expression is evaluated by an own Thompson-NFA (no backtracking, linear
      in the path length), which also means Docker's regexp quirks are kept: ``\\d`` is a digit
      class, ``[[:alpha:]]`` is a POSIX class, ``[!a]`` is the set ``{!, a}`` (``^`` negates,
      ``!`` does not), ``a{2}`` is a repetition, ``x|`` makes the expression match everything
      (Go's ``MatchString`` searches, and ``^x|$`` finds an empty match), and a reversed range
      ``[z-a]`` is an error.

Deciding (BuildKit's context walk, fsutil ``filterFS.Walk`` + ``MatchesUsingParentResults``)
    * a pattern matches a path if it matches the path or one of its parent directories;
    * patterns are applied in order and the last one that matches decides (``!`` re-includes);
    * an exclusion pattern is only tried once the path is excluded, and vice versa;
    * a pattern that matched a parent directory counts as matching everything below it;
    * an excluded directory is not descended into (so nothing below it can be re-included)
      unless at least one exception pattern contains a wildcard (``*[]?^\\`` after removing a
      trailing ``/**`` or ``/*``), or some exception pattern lies below that directory
      (``pattern + "/"`` starts with ``dir + "/"``).

Which file (BuildKit dockerui)
    ``<Dockerfile name>.dockerignore`` next to the Dockerfile wins over ``<context>/.dockerignore``.

Known deviations
    * errors are raised when parsing; Docker compiles the regexp lazily, so a bad pattern that
      is never evaluated (e.g. an exception while nothing is excluded yet) does not fail there;
    * ``\\p{Script}`` classes (e.g. ``\\p{Greek}``) cannot be evaluated without Unicode script
      tables and raise; general categories (``\\pL``, ``\\p{Nd}``) use Python's ``unicodedata``;
    * the legacy builder (``DOCKER_BUILDKIT=0``) uses ``MatchesOrParentMatches``, which differs
      from BuildKit in corner cases (e.g. ``a/b`` then ``!a`` re-includes ``a/b/c`` there).
"""

from __future__ import annotations

import os
import unicodedata

from ..record import Record
from ..syntax import MAX_BYTES
from .paths import BadPattern, context_path, go_clean, go_match

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Callable, Iterable
    CharPred = Callable[[str], bool]

__all__ = [
    "COMMON_PATHS",
    "Dockerignore",
    "DockerignoreError",
    "Pattern",
    "find_dockerignore",
    "load_for",
]

#: Paths a linter typically wants to know about (``excludes_any_of(COMMON_PATHS)``).
COMMON_PATHS: tuple[str, ...] = (
    ".git",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".env",
    ".DS_Store",
    "target",
    "dist",
    "build",
)


class DockerignoreError(ValueError):
    """A .dockerignore pattern that Docker would reject (the build fails)."""

    def __init__(self, message: str, line: int = 0, path: str | None = None) -> None:
        self.message = message
        self.line = line
        self.path = path
        where = path or ".dockerignore"
        super().__init__(f"{where}:{line}: {message}" if line else f"{where}: {message}")


# --------------------------------------------------------------------------------------
# Go string / path helpers
# --------------------------------------------------------------------------------------

# unicode.IsSpace, as used by strings.TrimSpace (Python's str.strip() also strips \x1c-\x1f).
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _go_trim_space(s: str) -> str:
    return s.strip(_GO_SPACE)


def _glob_syntax_ok(pattern: str) -> bool:
    """True iff Go's ``filepath.Match(pattern, ".")`` returns no error (the only thing
    patternmatcher.New uses it for)."""
    try:
        go_match(pattern, ".")
    except BadPattern:
        return False
    return True


# --------------------------------------------------------------------------------------
# patternmatcher's pattern -> Go regexp translation
# --------------------------------------------------------------------------------------

_EXACT, _PREFIX, _SUFFIX, _REGEXP = "exact", "prefix", "suffix", "regexp"
# patternmatcher means to escape ``.+()|{}$`` but builds its lookup table with byte shifts that
# overflow for characters >= 64, so ``|``, ``{`` and ``}`` reach the regexp unescaped (``a|b``
# becomes an alternation, ``a{2}`` a repetition).  Reproduced on purpose.
_REGEX_ESCAPED = frozenset(".+()$")


# Bytes that are not UTF-8 reach Python as lone surrogates (surrogateescape) and Go's regexp
# and text/scanner as utf8.RuneError, one per byte.
_NOT_UTF8_TO_RUNE_ERROR = {b: 0xFFFD for b in range(0xDC80, 0xDD00)}


def _go_runes(s: str) -> str:
    """``s`` as Go's regexp sees it: every byte that was not UTF-8 is U+FFFD.  Exact, prefix
    and suffix patterns compare bytes (``strings.HasPrefix``), so only regexps need this."""
    return s.translate(_NOT_UTF8_TO_RUNE_ERROR) if not s.isascii() else s


def _translate(cleaned: str) -> tuple[str, str]:
    """(match kind, Go regexp source) as patternmatcher's ``Pattern.compile`` builds them."""
    s = cleaned
    if s.startswith("\ufeff"):  # text/scanner silently skips a leading BOM
        s = s[1:]
    out = ["^"]
    kind = _EXACT
    n = len(s)
    pos = 0
    iteration = 0
    while pos < n:
        ch = s[pos]
        pos += 1
        if ch == "*":
            if pos < n and s[pos] == "*":
                pos += 1
                if pos < n and s[pos] == "/":
                    pos += 1
                if pos >= n:
                    if kind == _EXACT:
                        kind = _PREFIX
                    else:
                        out.append(".*")
                        kind = _REGEXP
                else:
                    out.append("(.*/)?")
                    kind = _REGEXP
                if iteration == 0:
                    kind = _SUFFIX
            else:
                out.append("[^/]*")
                kind = _REGEXP
        elif ch == "?":
            out.append("[^/]")
            kind = _REGEXP
        elif ch in _REGEX_ESCAPED:
            out.append("\\" + ch)
        elif ch == "\\":
            if pos < n:
                out.append("\\" + s[pos])
                pos += 1
                kind = _REGEXP
            else:
                out.append("\\")
        elif ch in "[]":
            out.append(ch)
            kind = _REGEXP
        else:
            out.append(ch)
        iteration += 1
    if kind == _REGEXP:
        # text/scanner reads each byte that is not UTF-8 as U+FFFD (after reporting it on
        # the daemon's stderr): a regexp pattern holds U+FFFD where the file had the byte
        out = [_go_runes(piece) for piece in out]
        out.append("$")
    return kind, "".join(out)


# --------------------------------------------------------------------------------------
# A small RE2 (Go regexp, Perl flags) parser + Thompson NFA, for the expressions above
# --------------------------------------------------------------------------------------


class _ReError(Exception):
    pass


def _ranges_pred(ranges: Iterable[tuple[int, int]]) -> CharPred:
    rs = tuple(ranges)

    def pred(c: str) -> bool:
        o = ord(c)
        for lo, hi in rs:
            if lo <= o <= hi:
                return True
        return False

    return pred


def _neg(pred: CharPred) -> CharPred:
    return lambda c: not pred(c)


def _r(spec: str) -> list[tuple[int, int]]:
    """'a-z0-9_' style range spec (ASCII only, '-' between two chars is a range)."""
    out = []
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out.append((ord(spec[i]), ord(spec[i + 2])))
            i += 3
        else:
            out.append((ord(spec[i]), ord(spec[i])))
            i += 1
    return out


_PERL = {
    "d": _r("0-9"),
    "s": _r("\t\n\f\r "),
    "w": _r("0-9A-Za-z_"),
}

_POSIX = {
    "alnum": _r("0-9A-Za-z"),
    "alpha": _r("A-Za-z"),
    "ascii": [(0, 0x7F)],
    "blank": _r("\t "),
    "cntrl": [(0, 0x1F), (0x7F, 0x7F)],
    "digit": _r("0-9"),
    "graph": [(0x21, 0x7E)],
    "lower": _r("a-z"),
    "print": [(0x20, 0x7E)],
    "punct": [(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)],
    "space": _r("\t\n\v\f\r "),
    "upper": _r("A-Z"),
    "word": _r("0-9A-Za-z_"),
    "xdigit": _r("0-9A-Fa-f"),
}

_GO_CATEGORIES = frozenset(
    "C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps "
    "S Sc Sk Sm So Z Zl Zp Zs".split()
)


def _unicode_pred(name: str) -> CharPred:
    if name == "Any":
        return lambda c: True
    if name in _GO_CATEGORIES:
        if name == "C":  # Go's unicode.C is Cc|Cf|Co|Cs (no Cn)
            return lambda c: unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs")
        if len(name) == 1:
            return lambda c: unicodedata.category(c)[0] == name
        return lambda c: unicodedata.category(c) == name
    raise _ReError(
        f"Unicode class {name!r} is not a general category; layerlint cannot evaluate "
        "script classes (Go's regexp rejects unknown names)"
    )


def _is_ascii_alnum(c: str) -> bool:
    return c < "\x80" and c.isalnum()


_OCTAL = "01234567"
_HEX = "0123456789abcdefABCDEF"
_C_ESCAPES = {"a": "\a", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}

# Program instructions (lists): [CHAR, pred] [SPLIT, x, y] [JMP, x] [ASSERT, kind] [MATCH]
_CHAR, _SPLIT, _JMP, _ASSERT, _MATCH = range(5)
_A_BEGIN, _A_END, _A_WORDB, _A_NOWORDB = range(4)


class _Re2Parser:
    """Parses the subset of RE2 syntax that patternmatcher can generate (and a bit more)."""

    def __init__(self, src: str) -> None:
        self.s = src
        self.i = 0

    def parse(self):
        node = self._alt()
        if self.i < len(self.s):  # only a stray ')' stops _alt early
            raise _ReError("unexpected )")
        return node

    def _alt(self):
        branches = [self._concat()]
        while self.i < len(self.s) and self.s[self.i] == "|":
            self.i += 1
            branches.append(self._concat())
        return ("alt", branches) if len(branches) > 1 else branches[0]

    def _concat(self):
        s = self.s
        items: list = []
        last_repeat = False
        while self.i < len(s):
            c = s[self.i]
            if c in "|)":
                break
            rep = None
            if c in "*+?":
                self.i += 1
                rep = (c, None)
            elif c == "{":
                bounds = self._repeat_bounds()
                if bounds is not None:
                    rep = ("{", bounds)
            if rep is not None:
                if self.i < len(s) and s[self.i] == "?":  # non-greedy: same language
                    self.i += 1
                if last_repeat:
                    raise _ReError("invalid nested repetition operator")
                if not items:
                    raise _ReError("missing argument to repetition operator")
                if rep[0] == "{":
                    items[-1] = ("repeat", items[-1], rep[1][0], rep[1][1])
                else:
                    items[-1] = (c, items[-1])
                last_repeat = True
                continue
            last_repeat = False
            if c == "(":
                self.i += 1
                if self.i < len(s) and s[self.i] == "?":
                    raise _ReError("regexp group flags are not supported")
                inner = self._alt()
                if self.i >= len(s) or s[self.i] != ")":
                    raise _ReError("missing closing )")
                self.i += 1
                items.append(inner)
            elif c == "^":
                self.i += 1
                items.append(("assert", _A_BEGIN))
            elif c == "$":
                self.i += 1
                items.append(("assert", _A_END))
            elif c == ".":
                self.i += 1
                items.append(("char", lambda ch: ch != "\n"))
            elif c == "[":
                items.append(("char", self._class()))
            elif c == "\\":
                self._escape_outside(items)
            else:
                self.i += 1
                items.append(("char", c.__eq__))
        return ("cat", items)

    def _repeat_bounds(self) -> tuple[int, int] | None:
        """Go parseRepeat at ``{``: (min, max or -1) and advance, or None if ``{`` is literal."""
        s = self.s
        j = self.i + 1

        def integer(k: int) -> tuple[int, int] | None:
            if k >= len(s) or not "0" <= s[k] <= "9":
                return None
            if s[k] == "0" and k + 1 < len(s) and "0" <= s[k + 1] <= "9":
                return None  # leading zeros are not a number
            e = k
            while e < len(s) and "0" <= s[e] <= "9":
                e += 1
            return int(s[k:e]), e

        got = integer(j)
        if got is None:
            return None
        lo, j = got
        hi = lo
        if j < len(s) and s[j] == ",":
            j += 1
            if j < len(s) and s[j] == "}":
                hi = -1
            else:
                got = integer(j)
                if got is None:
                    return None
                hi, j = got
        if j >= len(s) or s[j] != "}":
            return None
        if lo > 1000 or hi > 1000 or (hi >= 0 and lo > hi):
            raise _ReError("invalid repeat count")
        self.i = j + 1
        return lo, hi

    # -- escapes ---------------------------------------------------------------------

    def _escape_outside(self, items: list) -> None:
        s, i = self.s, self.i
        if i + 1 < len(s):
            nxt = s[i + 1]
            if nxt == "A":
                self.i += 2
                items.append(("assert", _A_BEGIN))
                return
            if nxt == "z":
                self.i += 2
                items.append(("assert", _A_END))
                return
            if nxt == "b":
                self.i += 2
                items.append(("assert", _A_WORDB))
                return
            if nxt == "B":
                self.i += 2
                items.append(("assert", _A_NOWORDB))
                return
            if nxt == "C":
                raise _ReError("invalid escape sequence: \\C")
            if nxt == "Q":
                end = s.find("\\E", i + 2)
                lit = s[i + 2 :] if end < 0 else s[i + 2 : end]
                self.i = len(s) if end < 0 else end + 2
                items.extend(("char", ch.__eq__) for ch in lit)
                return
        pred = self._unicode_class() or self._perl_class()
        if pred is not None:
            items.append(("char", pred))
            return
        ch = self._escape_char()
        items.append(("char", ch.__eq__))

    def _unicode_class(self) -> CharPred | None:
        s, i = self.s, self.i
        if i + 1 >= len(s) or s[i] != "\\" or s[i + 1] not in "pP":
            return None
        negate = s[i + 1] == "P"
        j = i + 2
        if j < len(s) and s[j] == "{":
            end = s.find("}", j)
            if end < 0:
                raise _ReError("invalid character class range")
            name = s[j + 1 : end]
            self.i = end + 1
        else:
            name = s[j : j + 1]
            self.i = j + 1
        if name.startswith("^"):
            negate = not negate
            name = name[1:]
        if not name:
            raise _ReError("invalid character class range")
        pred = _unicode_pred(name)
        return _neg(pred) if negate else pred

    def _perl_class(self) -> CharPred | None:
        s, i = self.s, self.i
        if i + 1 >= len(s) or s[i] != "\\" or s[i + 1].lower() not in _PERL:
            return None
        self.i = i + 2
        pred = _ranges_pred(_PERL[s[i + 1].lower()])
        return _neg(pred) if s[i + 1].isupper() else pred

    def _escape_char(self) -> str:
        """Go regexp/syntax parseEscape: one escaped character."""
        s = self.s
        j = self.i + 1
        if j >= len(s):
            raise _ReError("trailing backslash at end of expression")
        c = s[j]
        j += 1
        if c < "\x80" and not _is_ascii_alnum(c):
            self.i = j
            return c
        if c in "1234567" and (j >= len(s) or s[j] not in _OCTAL):
            raise _ReError("invalid escape sequence (backreferences are not supported)")
        if c in _OCTAL:
            value = int(c)
            for _ in range(2):
                if j < len(s) and s[j] in _OCTAL:
                    value = value * 8 + int(s[j])
                    j += 1
                else:
                    break
            self.i = j
            return chr(value)
        if c == "x" and j < len(s):
            if s[j] == "{":
                end = s.find("}", j)
                digits = s[j + 1 : end] if end >= 0 else ""
                if digits and all(d in _HEX for d in digits):
                    value = int(digits, 16)
                    if value <= 0x10FFFF:
                        self.i = end + 1
                        return chr(value)
            else:
                digits = s[j : j + 2]
                if len(digits) == 2 and all(d in _HEX for d in digits):
                    self.i = j + 2
                    return chr(int(digits, 16))
        if c in _C_ESCAPES:
            self.i = j
            return _C_ESCAPES[c]
        raise _ReError(f"invalid escape sequence: \\{c}")

    # -- character classes -------------------------------------------------------------

    def _class(self) -> CharPred:
        s = self.s
        self.i += 1  # '['
        negate = False
        if self.i < len(s) and s[self.i] == "^":
            negate = True
            self.i += 1
        ranges: list[tuple[int, int]] = []
        preds: list[CharPred] = []
        first = True
        while True:
            if self.i >= len(s):
                raise _ReError("missing closing ]")
            c = s[self.i]
            if c == "]" and not first:
                self.i += 1
                break
            first = False
            if c == "[" and len(s) - self.i > 2 and s[self.i + 1] == ":":
                end = s.find(":]", self.i + 2)
                if end >= 0:
                    name = s[self.i + 2 : end]
                    neg = name.startswith("^")
                    if neg:
                        name = name[1:]
                    if name not in _POSIX:
                        raise _ReError("invalid character class range")
                    p = _ranges_pred(_POSIX[name])
                    preds.append(_neg(p) if neg else p)
                    self.i = end + 2
                    continue
            pred = self._unicode_class() or self._perl_class()
            if pred is not None:
                preds.append(pred)
                continue
            lo = self._class_char()
            hi = lo
            if len(s) - self.i >= 2 and s[self.i] == "-" and s[self.i + 1] != "]":
                self.i += 1
                hi = self._class_char()
                if ord(hi) < ord(lo):
                    raise _ReError("invalid character class range")
            ranges.append((ord(lo), ord(hi)))
        if ranges:
            preds.append(_ranges_pred(ranges))
        members = tuple(preds)

        def in_class(ch: str) -> bool:
            for p in members:
                if p(ch):
                    return True
            return False

        return _neg(in_class) if negate else in_class

    def _class_char(self) -> str:
        if self.i >= len(self.s):
            raise _ReError("missing closing ]")
        if self.s[self.i] == "\\":
            return self._escape_char()
        ch = self.s[self.i]
        self.i += 1
        return ch


def _emit(node, prog: list) -> None:
    kind = node[0]
    if kind == "char":
        prog.append([_CHAR, node[1]])
    elif kind == "assert":
        prog.append([_ASSERT, node[1]])
    elif kind == "cat":
        for item in node[1]:
            _emit(item, prog)
    elif kind == "alt":
        jumps = []
        branches = node[1]
        for idx, branch in enumerate(branches):
            if idx < len(branches) - 1:
                split = len(prog)
                prog.append([_SPLIT, split + 1, None])
                _emit(branch, prog)
                jumps.append(len(prog))
                prog.append([_JMP, None])
                prog[split][2] = len(prog)
            else:
                _emit(branch, prog)
        for j in jumps:
            prog[j][1] = len(prog)
    elif kind == "*":
        start = len(prog)
        prog.append([_SPLIT, start + 1, None])
        _emit(node[1], prog)
        prog.append([_JMP, start])
        prog[start][2] = len(prog)
    elif kind == "repeat":
        sub, lo, hi = node[1], node[2], node[3]
        for _ in range(lo):
            _emit(sub, prog)
        if hi < 0:
            _emit(("*", sub), prog)
        else:
            for _ in range(hi - lo):
                _emit(("?", sub), prog)
    elif kind == "+":
        start = len(prog)
        _emit(node[1], prog)
        prog.append([_SPLIT, start, len(prog) + 1])
    elif kind == "?":
        start = len(prog)
        prog.append([_SPLIT, start + 1, None])
        _emit(node[1], prog)
        prog[start][2] = len(prog)
    else:  # pragma: no cover - parser only produces the kinds above
        raise AssertionError(kind)


def _compile_re2(src: str) -> list:
    prog: list = []
    _emit(_Re2Parser(src).parse(), prog)
    prog.append([_MATCH])
    return prog


def _is_word(c: str | None) -> bool:
    return c is not None and c < "\x80" and (c.isalnum() or c == "_")


class _Nfa:
    """Simulates a compiled program on all prefixes of a string in one left-to-right pass."""

    __slots__ = ("prog",)

    def __init__(self, prog: list) -> None:
        self.prog = prog

    def _closure(self, seeds: list[int], s: str, pos: int, at_end: bool) -> list[int]:
        """States reachable without consuming input at ``pos``; ``at_end``: text ends here."""
        prog = self.prog
        out: list[int] = []
        seen: set[int] = set()
        stack = seeds[::-1]
        while stack:
            pc = stack.pop()
            if pc in seen:
                continue
            seen.add(pc)
            ins = prog[pc]
            op = ins[0]
            if op == _CHAR or op == _MATCH:
                out.append(pc)
            elif op == _JMP:
                stack.append(ins[1])
            elif op == _SPLIT:
                stack.append(ins[2])
                stack.append(ins[1])
            else:
                kind = ins[1]
                if kind == _A_BEGIN:
                    ok = pos == 0
                elif kind == _A_END:
                    ok = at_end
                else:
                    before = s[pos - 1] if pos > 0 else None
                    after = None if at_end else s[pos]
                    ok = (_is_word(before) != _is_word(after)) == (kind == _A_WORDB)
                if ok:
                    stack.append(pc + 1)
        return out

    def prefix_matches(self, s: str, ends: list[int]) -> list[bool]:
        """For each position e in ``ends`` (ascending): does Go's ``MatchString(s[:e])`` hold?

        ``MatchString`` is an unanchored search: patternmatcher's expressions start with ``^``
        and end with ``$``, but an unescaped ``|`` can split them, so a thread is started at
        every position and a match may end before ``e``.
        """
        prog = self.prog
        result = dict.fromkeys(ends, False)
        last = ends[-1]
        seeds: list[int] = []
        matched_before = False  # a match ended strictly before the current position
        for pos in range(last + 1):
            seeds.append(0)
            if pos in result:
                if matched_before:
                    result[pos] = True
                else:
                    for pc in self._closure(seeds, s, pos, True):
                        if prog[pc][0] == _MATCH:
                            result[pos] = True
                            break
            if pos == last:
                break
            c = s[pos]
            nxt: dict[int, None] = {}
            for pc in self._closure(seeds, s, pos, False):
                ins = prog[pc]
                if ins[0] == _MATCH:
                    matched_before = True
                elif ins[1](c):
                    nxt[pc + 1] = None
            if matched_before:
                for e in ends:
                    if e > pos:
                        result[e] = True
                break
            seeds = list(nxt)
        return [result[e] for e in ends]


# --------------------------------------------------------------------------------------
# Public model
# --------------------------------------------------------------------------------------


class Pattern(Record):
    """One compiled .dockerignore line.

    ``text`` is the cleaned pattern as Docker stores it (without the ``!``), ``exclusion`` is
    True for ``!`` (re-include) lines, ``line`` the 1-based line in the file, ``raw`` the
    line as written (trimmed).  ``go_regexp`` is the expression Docker builds for it (only set
    for wildcard patterns).
    """

    text: str
    exclusion: bool
    line: int
    raw: str
    kind: str
    go_regexp: str | None
    _nfa: _Nfa | None

    _fields = ("text", "exclusion", "line", "raw", "kind", "go_regexp", "_nfa")
    _hidden = ("kind", "go_regexp", "_nfa")
    _uncompared = ("kind", "go_regexp", "_nfa")

    def __init__(self, text: str, exclusion: bool = False, line: int = 0, raw: str = "") -> None:
        self.text = text
        self.exclusion = exclusion
        self.line = line
        self.raw = raw
        self.kind = _EXACT
        self.go_regexp = None
        self._nfa = None
        self.__post_init__()

    def __post_init__(self) -> None:
        if not _glob_syntax_ok(self.text):
            raise DockerignoreError(f"syntax error in pattern: {self.text!r}", self.line)
        self.kind, src = _translate(self.text)
        if self.kind == _REGEXP:
            self.go_regexp = src
            try:
                self._nfa = _Nfa(_compile_re2(src))
            except _ReError as exc:
                raise DockerignoreError(
                    f"syntax error in pattern {self.text!r} (Go regexp {src!r}: {exc})",
                    self.line,
                ) from None

    def __str__(self) -> str:
        return ("!" if self.exclusion else "") + self.text

    @property
    def prefix_text(self) -> str:
        """fsutil ``patternWithoutTrailingGlob``: text minus one trailing ``/**`` then ``/*``."""
        t = self.text
        if t.endswith("/**"):
            t = t[:-3]
        if t.endswith("/*"):
            t = t[:-2]
        return t

    def matches(self, path: str) -> bool:
        """Does the pattern itself match exactly ``path`` (no parent-directory rule)?"""
        if not path:
            return self.prefix_matches(path, [0])[0]
        return self.prefix_matches(path, [len(path)])[0]

    def prefix_matches(self, path: str, ends: list[int]) -> list[bool]:
        """``[self.matches(path[:e]) for e in ends]``, computed in a single pass."""
        t = self.text
        if self.kind == _EXACT:
            return [e == len(t) and path.startswith(t) for e in ends]
        if self.kind == _PREFIX:
            pre = t[:-2]
            return [e >= len(pre) and path.startswith(pre) for e in ends]
        if self.kind == _SUFFIX:
            suf = t[2:]
            return [
                path.endswith(suf, 0, e)
                or (suf[:1] == "/" and e == len(suf) - 1 and path.startswith(suf[1:]))
                for e in ends
            ]
        assert self._nfa is not None
        return self._nfa.prefix_matches(_go_runes(path), ends)


_MAX_LINE_BYTES = 64 * 1024 - 1  # bufio.Scanner's default token limit (minus the newline)
_WILDCARD_CHARS = frozenset("*[]?^\\")


def _read_lines(text: str) -> Iterable[tuple[int, str]]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, 1):
        if line.endswith("\r"):
            line = line[:-1]
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        yield number, line


class Dockerignore:
    """A parsed .dockerignore, answering questions the way BuildKit's context transfer does."""

    def __init__(self, patterns: Iterable[Pattern] = (), path: str | None = None) -> None:
        self.patterns: list[Pattern] = list(patterns)
        self.path = path

    @property
    def _only_prefix_exceptions(self) -> bool:
        """fsutil ``onlyPrefixExcludeExceptions``: no exception has a wildcard (see module doc)."""
        return not any(
            p.exclusion and _WILDCARD_CHARS.intersection(p.prefix_text) for p in self.patterns
        )

    @classmethod
    def parse(cls, text: str | bytes, path: str | None = None) -> "Dockerignore":
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="surrogateescape")
        patterns: list[Pattern] = []
        for number, line in _read_lines(text):
            if len(line.encode("utf-8", errors="surrogateescape")) > _MAX_LINE_BYTES:
                raise DockerignoreError("bufio.Scanner: token too long", number, path)
            # ignorefile.ReadAll
            if line.startswith("#"):
                continue
            raw = _go_trim_space(line)
            if not raw:
                continue
            pattern = raw
            invert = pattern[0] == "!"
            if invert:
                pattern = _go_trim_space(pattern[1:])
            if pattern:
                pattern = go_clean(pattern)
                if len(pattern) > 1 and pattern[0] == "/":
                    pattern = pattern[1:]
            if invert:
                pattern = "!" + pattern
            # patternmatcher.New
            pattern = go_clean(_go_trim_space(pattern))
            exclusion = pattern[0] == "!"
            if exclusion:
                if len(pattern) == 1:
                    raise DockerignoreError('illegal exclusion pattern: "!"', number, path)
                pattern = pattern[1:]
            try:
                patterns.append(Pattern(pattern, exclusion, number, raw))
            except DockerignoreError as exc:
                raise DockerignoreError(exc.message, number, path) from None
        return cls(patterns, path)

    # -- queries ---------------------------------------------------------------------------

    @property
    def has_exceptions(self) -> bool:
        """Whether any ``!`` (re-include) pattern exists."""
        return any(p.exclusion for p in self.patterns)

    def is_excluded(self, rel_path: str) -> bool:
        """Is this context-relative path left out of the build context?

        ``rel_path`` is a '/'-separated path relative to the context root; ``./``, a leading
        ``/`` and a trailing ``/`` are tolerated.  The context root itself is never excluded.
        """
        return self._decide(rel_path)[0]

    def matching_pattern(self, rel_path: str) -> Pattern | None:
        """The pattern that decided ``rel_path``'s fate.

        For an excluded path: the exclusion pattern that matched last (for a path below a
        directory BuildKit does not descend into, the pattern that excluded that directory).
        For an included path: the ``!`` pattern that re-included it, or None if no pattern
        applies.
        """
        return self._decide(rel_path)[1]

    def excludes_any_of(self, names: Iterable[str]) -> list[str]:
        """The subset of ``names`` (e.g. :data:`COMMON_PATHS`) that is excluded, in order."""
        return [n for n in names if self.is_excluded(n)]

    def __len__(self) -> int:
        return len(self.patterns)

    def __repr__(self) -> str:
        return f"Dockerignore(path={self.path!r}, patterns={[str(p) for p in self.patterns]!r})"

    # -- the walk ----------------------------------------------------------------------------

    def _decide(self, rel_path: str) -> tuple[bool, Pattern | None]:
        path = go_clean(rel_path.lstrip("/"))
        if path == "." or not self.patterns:
            return False, None
        ends = []
        for i, ch in enumerate(path):
            if ch == "/":
                ends.append(i)
        ends.append(len(path))

        cache: dict[int, list[bool]] = {}

        def pattern_matches(i: int, k: int) -> bool:
            res = cache.get(i)
            if res is None:
                res = cache[i] = self.patterns[i].prefix_matches(path, ends)
            return res[k]

        patterns = self.patterns
        only_prefix = self._only_prefix_exceptions
        parent: list[bool] | None = None
        last = len(ends) - 1
        for k, end in enumerate(ends):
            # patternmatcher.MatchesUsingParentResults(path[:end], parent)
            matched = False
            decider: Pattern | None = None
            info = [False] * len(patterns)
            for i, pat in enumerate(patterns):
                m = parent[i] if parent is not None else False
                if not m:
                    if pat.exclusion != matched:
                        continue
                    # (the "no parent info" fallback only runs for top-level entries,
                    # which have no parent directory to check)
                    m = pattern_matches(i, k)
                info[i] = m
                if m:
                    matched = not pat.exclusion
                    decider = pat
            if k == last:
                return matched, decider
            # fsutil: an excluded directory is skipped unless an exception may lie below it
            if matched and only_prefix:
                dir_slash = path[:end] + "/"
                if not any(
                    (p.prefix_text + "/").startswith(dir_slash) for p in patterns if p.exclusion
                ):
                    return True, decider
            parent = info
        raise AssertionError("unreachable")  # pragma: no cover


# --------------------------------------------------------------------------------------
# Locating the file
# --------------------------------------------------------------------------------------


def find_dockerignore(dockerfile_path: str, context_dir: str) -> str | None:
    """The ignore file BuildKit uses for this Dockerfile and context, or None.

    ``<dir of Dockerfile>/<Dockerfile basename>.dockerignore`` wins over
    ``<context_dir>/.dockerignore``.  Each is looked up the way BuildKit reads it, with symlinks
    resolved inside its own directory (the Dockerfile's, the context's): one that leads outside
    is not read, by BuildKit (moby/moby#42108) or by layerlint, and raises
    :class:`DockerignoreError` saying so.
    """
    candidates = ((os.path.dirname(dockerfile_path) or ".", os.path.basename(dockerfile_path) + ".dockerignore"),
                  (context_dir, ".dockerignore"))
    for root, name in candidates:
        lexical = os.path.join(root, name)
        if not os.path.lexists(lexical):
            continue
        inside = context_path(root, name)
        if inside is not None and os.path.isfile(inside):
            return inside
        if os.path.islink(lexical):
            raise DockerignoreError(f"a symlink that leads outside {root}; BuildKit does not "
                                    "read it, and neither does layerlint", 0, lexical)
    return None


def load_for(dockerfile_path: str, context_dir: str) -> Dockerignore | None:
    """Parse the ignore file that applies (see :func:`find_dockerignore`); None if there is none.

    Raises :class:`DockerignoreError` for a file Docker would refuse or that leads outside.
    """
    found = find_dockerignore(dockerfile_path, context_dir)
    if found is None:
        return None
    with open(found, "rb") as fh:  # a regular file inside the context (find_dockerignore)
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DockerignoreError(f"file is over {MAX_BYTES // (1024 * 1024)} MB; layerlint refuses it", 0, found)
    return Dockerignore.parse(data, path=found)
