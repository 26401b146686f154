"""Variable expansion and word splitting, as BuildKit's Dockerfile shell lexer does it.

Behavioural port of ``frontend/dockerfile/shell/lex.go`` (own code).  Conformance data:
BuildKit's ``envVarTest`` / ``wordsTest`` tables and its ``TestProcessWithMatches`` cases.

BuildKit quirks kept on purpose (a linter must compute what the builder computes):

* ``${v#p}`` / ``${v%p}`` / ``${v/p/r}`` patterns know ``*``, ``?`` and the escapes ``\\*``,
  ``\\?``, ``\\\\`` (plus ``\\}`` / ``\\/``, which drop the backslash); any other escape is an
  error, ``[...]`` is literal (``glob_brackets=True`` opts in to bash bracket expressions),
  and ``*`` / ``?`` do not match a newline (Go's ``.``).
* Pattern words keep their escapes; the pattern escape is always ``\\`` whatever ``escape`` is.
* ``${v/p/r}`` inserts ``r`` literally but ``${v//p/r}`` expands Go template syntax in ``r``
  (``$$`` -> ``$``, ``$0`` / ``${0}`` -> the match, any other ``$name`` -> nothing).
* Every lookup of an unset name is "unmatched", also ``${v:-default}`` and friends.

Matching is a linear-per-token dynamic programme, not a backtracking regex, and ``${``
nesting is capped, so hostile input can cost time proportional to its size but never hang.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional, Union
    Env = Union[Mapping[str, str], Callable[[str], Optional[str]]]

__all__ = ["ExpandError", "MAX_EXPANSION", "MAX_NESTING", "TOO_LARGE", "expand_word", "too_deep", "expand_words", "expand_with_unmatched",
           "referenced_vars"]


MAX_NESTING = 200  # ${ inside ${ ...; far beyond real use, well inside Python's stack
# Characters one expansion may produce from variable values and ${v//p/r} replacements: each
# ``ENV A2=$A1$A1`` doubles a value, so 30 lines would otherwise make a gigabyte.  A caller
# passes ``limit`` to spend less (what is left of its budget for the file).
MAX_EXPANSION = 1 << 20
TOO_LARGE = "expansion too large"
_MAX_GLOB_WORK = 4_000_000  # pattern tokens x value length; bounds matching time

_SPECIAL_PARAMS = frozenset("@*#?-$!0")
# Go's unicode.IsSpace (Python's str.isspace also accepts U+001C..U+001F).
_GO_SPACES = "\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SPACE_RUN = re.compile(f"[{_GO_SPACES}]+")
_BOM = "\ufeff"
_MISSING_BRACE = "syntax error: missing '}'"


class ExpandError(ValueError):
    """A word BuildKit refuses to expand.  ``str()`` is BuildKit's own reason
    (e.g. ``syntax error: bad substitution``); ``buildkit_message`` adds its
    ``failed to process "<word>": `` prefix once the word is known."""

    def __init__(self, reason: str, word: Optional[str] = None, *, fatal: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.word = word
        # Resource limits are not syntax errors: never re-labelled as "missing '}'".
        self.fatal = fatal

    @property
    def buildkit_message(self) -> str:
        if self.word is None:
            return self.reason
        return f"failed to process {go_quote(self.word)}: {self.reason}"


# --------------------------------------------------------------------------- public API

def expand_word(word: str, env: Env, escape: str = "\\", *, glob_brackets: bool = False,
                limit: Optional[int] = None) -> str:
    """BuildKit ``ProcessWord``: expand variables, remove quotes and escapes."""
    return _run(word, env, escape, glob_brackets, False, words=False, limit=limit)[0]


def expand_words(word: str, env: Env, escape: str = "\\", *,
                 glob_brackets: bool = False, limit: Optional[int] = None) -> list[str]:
    """BuildKit ``ProcessWords``: expand, then split on unquoted whitespace."""
    return _run(word, env, escape, glob_brackets, False, words=True, limit=limit)[2]


def expand_with_unmatched(word: str, env: Env, escape: str = "\\", *,
                          ignore_defaulted: bool = False,
                          glob_brackets: bool = False, limit: Optional[int] = None) -> tuple[str, set[str]]:
    """``expand_word`` plus the names looked up but absent from ``env`` (BuildKit's
    ``Unmatched``, which feeds its UndefinedVar / UndefinedArgInFrom checks).

    BuildKit records every failed lookup, including ``${v:-d}``, ``${v+w}``, ``${v#p}``
    and ``${v/p/r}``.  ``ignore_defaulted=True`` records only bare ``$v`` / ``${v}``.
    """
    result, unmatched, _ = _run(word, env, escape, glob_brackets, ignore_defaulted, words=False, limit=limit)
    return result, unmatched


def too_deep(word: str, escape: str = "\\") -> Optional[int]:
    """The offset of the first ``${`` nested more than MAX_NESTING deep in ``word``, which the
    expander refuses (BuildKit, recursing in Go, would expand it); None when there is none."""
    if word.count("${") <= MAX_NESTING:  # the common case costs one count
        return None
    ends: list[int] = []
    for _, start, end in referenced_vars(word, escape):  # sorted by start, properly nested
        while ends and ends[-1] <= start:
            ends.pop()
        ends.append(end)
        if len(ends) > MAX_NESTING:
            return start
    return None


def referenced_vars(word: str, escape: str = "\\") -> list[tuple[str, int, int]]:
    """``(name, start, end)`` for every variable reference in ``word``, ``word[start:end]``
    being the whole ``$name`` / ``${name...}`` (an unterminated ``${name`` ends after the
    name).  References inside modifier words are included; escaped and single-quoted ``$``
    are not.  Best effort, iterative, never raises.  Sorted by ``start``."""
    return _scan_references(word, escape)


# --------------------------------------------------------------------------- lexer

def _lookup_fn(env: Env) -> Callable[[str], Optional[str]]:
    if isinstance(env, Mapping):
        return env.get
    if callable(env):
        return env
    raise TypeError(f"env must be a mapping or a callable, not {type(env).__name__}")


def _run(word: str, env: Env, escape: str, brackets: bool, ignore_defaulted: bool,
         words: bool, limit: Optional[int] = None) -> tuple[str, set[str], list[str]]:
    """``limit``: at most this many characters from variable values and replacements (and
    never more than MAX_EXPANSION); beyond it ExpandError(TOO_LARGE)."""
    if len(escape) != 1:
        raise ValueError(f"escape must be one character, not {escape!r}")
    lexer = _Lexer(word, _lookup_fn(env), escape, brackets, ignore_defaulted,
                   MAX_EXPANSION if limit is None else min(max(limit, 0), MAX_EXPANSION))
    collector = _Words() if words else None
    try:
        result = lexer.stop_on(None, False, collector)
    except ExpandError as err:
        err.word = word
        raise
    except RecursionError:  # only if the caller already sits deep in the stack
        raise ExpandError("nesting too deep", word, fatal=True) from None
    return result, lexer.unmatched, collector.finish() if collector else []


class _Words:
    """BuildKit's wordsStruct: splits expanded text, keeps quoted/escaped text whole."""

    __slots__ = ("words", "buf", "size", "in_word")

    def __init__(self) -> None:
        self.words: list[str] = []
        self.buf: list[str] = []
        self.size = 0
        self.in_word = False

    def add_raw(self, text: str) -> None:
        # Even "" marks a word as started (an empty "" between words).
        self.buf.append(text)
        self.size += len(text)
        self.in_word = True

    def add_text(self, text: str) -> None:
        pos = 0
        for m in _SPACE_RUN.finditer(text):
            if m.start() > pos:
                self.add_raw(text[pos:m.start()])
            # BuildKit only ends a word that has characters; an empty started word survives.
            if self.in_word and self.size:
                self._flush()
            pos = m.end()
        if pos < len(text):
            self.add_raw(text[pos:])

    def _flush(self) -> None:
        self.words.append("".join(self.buf))
        self.buf.clear()
        self.size = 0
        self.in_word = False

    def finish(self) -> list[str]:
        if self.size:
            self._flush()
        return self.words


class _Lexer:
    __slots__ = ("src", "n", "pos", "esc", "lookup", "brackets", "ignore_defaulted", "raw",
                 "depth", "unmatched", "_plain_cache", "left")

    def __init__(self, src: str, lookup: Callable[[str], Optional[str]], esc: str,
                 brackets: bool, ignore_defaulted: bool, limit: int = MAX_EXPANSION) -> None:
        self.left = limit  # characters values and replacements may still produce
        self.src = src
        self.n = len(src)
        self.pos = 1 if src.startswith(_BOM) else 0  # Go's text/scanner drops a leading BOM
        self.esc = esc
        self.lookup = lookup
        self.brackets = brackets
        self.ignore_defaulted = ignore_defaulted
        self.raw = False  # BuildKit's rawEscapes: keep escape characters (pattern words)
        self.depth = 0
        self.unmatched: set[str] = set()
        self._plain_cache: dict[Optional[str], re.Pattern[str]] = {}

    def _get(self, name: str, bare: bool) -> Optional[str]:
        value = self.lookup(name)
        if value is None:
            if bare or not self.ignore_defaulted:
                self.unmatched.add(name)
        else:
            self._spend(len(value))
        return value

    def _spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise ExpandError(TOO_LARGE, fatal=True)

    def _special(self, stop: Optional[str]) -> re.Pattern[str]:
        pat = self._plain_cache.get(stop)
        if pat is None:
            chars = "$'\"" + self.esc + (stop or "")
            pat = self._plain_cache[stop] = re.compile("[" + re.escape(chars) + "]")
        return pat

    # processStopOn.  ``eof_message`` replaces an error raised at the end of input, as
    # BuildKit does for the words inside ${...}.
    def stop_on(self, stop: Optional[str], raw: bool, words: Optional[_Words],
                eof_message: Optional[str] = None) -> str:
        saved, self.raw = self.raw, raw
        try:
            src, n, esc = self.src, self.n, self.esc
            special = self._special(stop)
            out: list[str] = []
            while self.pos < n:
                i = self.pos
                ch = src[i]
                if ch == stop:
                    self.pos = i + 1
                    return "".join(out)
                if ch == "$":
                    val = self._dollar()
                    out.append(val)
                    if words is not None:
                        words.add_text(val)  # unquoted expansion results get split
                elif ch == "'" or ch == '"':
                    val = self._single_quote() if ch == "'" else self._double_quote()
                    out.append(val)
                    if words is not None:
                        words.add_raw(val)
                elif ch == esc:
                    if raw:
                        out.append(esc)
                        if words is not None:
                            words.add_raw(esc)
                    if i + 1 >= n:  # a trailing escape vanishes
                        self.pos = n
                        break
                    out.append(src[i + 1])
                    if words is not None:
                        words.add_raw(src[i + 1])
                    self.pos = i + 2
                else:
                    m = special.search(src, i)
                    j = m.start() if m else n
                    out.append(src[i:j])
                    if words is not None:
                        words.add_text(src[i:j])
                    self.pos = j
            if stop is not None:
                raise ExpandError(f"unexpected end of statement while looking for matching {stop}")
            return "".join(out)
        except ExpandError as err:
            if eof_message is None or err.fatal or self.pos < self.n:
                raise
            raise ExpandError(eof_message) from None
        finally:
            self.raw = saved

    def _single_quote(self) -> str:
        start = self.pos + 1
        j = self.src.find("'", start)
        if j < 0:
            self.pos = self.n
            raise ExpandError("unexpected end of statement while looking for matching single-quote")
        self.pos = j + 1
        return self.src[start:j]

    def _double_quote(self) -> str:
        src, n, esc = self.src, self.n, self.esc
        special = self._special('"')  # '"', '$', the escape (and a harmless "'")
        out: list[str] = []
        self.pos += 1
        while True:
            i = self.pos
            if i >= n:
                raise ExpandError("unexpected end of statement while looking for matching double-quote")
            ch = src[i]
            if ch == '"':
                self.pos = i + 1
                return "".join(out)
            if ch == "$":
                out.append(self._dollar())
            elif ch == esc:
                if self.raw:
                    out.append(esc)
                nxt = src[i + 1] if i + 1 < n else None
                if nxt is None:
                    self.pos = n
                elif nxt in ('"', "$", esc):
                    out.append(nxt)
                    self.pos = i + 2
                else:
                    # Not escapable here: the escape is literal (written twice in raw mode).
                    out.append(esc)
                    self.pos = i + 1
            else:
                m = special.search(src, i + 1)
                j = m.start() if m else n
                out.append(src[i:j])
                self.pos = j

    def _name(self) -> str:
        start = self.pos
        self.pos = _scan_name(self.src, start)
        return self.src[start:self.pos]

    # processDollar (one function, so nesting costs two stack frames per level)
    def _dollar(self) -> str:
        src, n = self.src, self.n
        self.pos += 1
        if self.pos >= n or src[self.pos] != "{":
            name = self._name()
            if not name:
                return "$"
            return self._get(name, True) or ""

        self.pos += 1
        if self.pos >= n:
            raise ExpandError(_MISSING_BRACE)
        if src[self.pos] in "{}:":
            raise ExpandError("syntax error: bad substitution")
        if self.depth >= MAX_NESTING:
            raise ExpandError("nesting too deep", fatal=True)
        self.depth += 1
        try:
            name = self._name()
            if self.pos >= n:
                # BuildKit says "unsupported modifier (\ufffd) in substitution" here.
                raise ExpandError(_MISSING_BRACE)
            op = src[self.pos]
            self.pos += 1
            if op == "}":
                return self._get(name, True) or ""
            if op == "/":
                return self._replace(name)

            ops = op
            null_is_unset = op == ":"
            if null_is_unset:
                if self.pos < n:
                    op = src[self.pos]
                    ops += op
                    self.pos += 1
                else:
                    op, ops = "", ops + "\ufffd"  # the word below then fails: missing '}'
            elif op not in "+-?#%":
                raise ExpandError(f"unsupported modifier ({ops}) in substitution")

            trims = op in ("#", "%")
            if null_is_unset and trims:
                raise ExpandError(f"unsupported modifier ({ops}) in substitution")
            word = self.stop_on("}", trims, None, _MISSING_BRACE)
            value = self._get(name, False)
            unset = value is None or (null_is_unset and value == "")
            if op == "-":
                return word if unset else (value or "")
            if op == "+":
                return "" if unset else word
            if op == "?":
                if value is None:
                    raise ExpandError(f"{name}: {word or 'is not allowed to be unset'}")
                if unset:
                    raise ExpandError(f"{name}: {word or 'is not allowed to be empty'}")
                return value
            if trims:
                # ## / %%: judged on the expanded word, as BuildKit does ("${v#"#"}" is greedy).
                greedy = word.startswith(op)
                if greedy:
                    word = word[1:]
                if op == "#":
                    return _trim_prefix(word, value or "", greedy, self.brackets)
                return _trim_suffix(word, value or "", greedy, self.brackets)
            raise ExpandError(f"unsupported modifier ({ops}) in substitution")
        finally:
            self.depth -= 1

    def _replace(self, name: str) -> str:
        replace_all = self.pos < self.n and self.src[self.pos] == "/"
        if replace_all:
            self.pos += 1
        pattern = self.stop_on("/", True, None, "syntax error: missing '/' in ${}")
        replacement = self.stop_on("}", True, None, _MISSING_BRACE)
        value = self._get(name, False) or ""
        tokens = _compile_glob(pattern, self.brackets)
        ok, end = _match_table(tokens, value, greedy=True)
        if not replace_all:
            s = ok.find(1)
            if s < 0:
                return value
            self._spend(len(replacement))
            return value[:s] + replacement + value[end[s]:]
        # every character may be a match replaced by the replacement (and the match itself)
        self._spend((len(value) + 1) * (len(replacement) + 1))
        return _replace_all(value, ok, end, _parse_template(replacement))


# --------------------------------------------------------------------------- glob patterns

_LIT, _ANY, _STAR, _CLASS = range(4)
_Token = tuple  # (_LIT, text) | (_ANY,) | (_STAR,) | (_CLASS, predicate)

_POSIX_CLASSES: dict[str, Callable[[str], bool]] = {
    "alpha": str.isalpha,
    "digit": lambda c: "0" <= c <= "9",
    "alnum": str.isalnum,
    "upper": str.isupper,
    "lower": str.islower,
    "space": str.isspace,
    "blank": lambda c: c in " \t",
    "punct": lambda c: c.isascii() and c.isprintable() and not c.isalnum() and c != " ",
    "xdigit": lambda c: c in "0123456789abcdefABCDEF",
    "cntrl": lambda c: not c.isprintable(),
    "print": str.isprintable,
    "graph": lambda c: c.isprintable() and c != " ",
    "word": lambda c: c.isalnum() or c == "_",
}


def _invalid_pattern(pattern: str, detail: str) -> ExpandError:
    return ExpandError(f"invalid pattern ({pattern}) in substitution: {detail}")


def _compile_glob(pattern: str, brackets: bool) -> list[_Token]:
    """BuildKit's convertShellPatternToRegex, as tokens (literal runs merged, stars folded)."""
    tokens: list[_Token] = []
    lit: list[str] = []

    def push(tok: _Token) -> None:
        if lit:
            tokens.append((_LIT, "".join(lit)))
            lit.clear()
        if not (tok[0] == _STAR and tokens and tokens[-1][0] == _STAR):
            tokens.append(tok)

    escapable = "*?\\[]" if brackets else "*?\\"
    n = len(pattern)
    i = 1 if pattern.startswith(_BOM) else 0
    while i < n:
        c = pattern[i]
        i += 1
        if c == "*":
            push((_STAR,))
        elif c == "?":
            push((_ANY,))
        elif c == "\\":
            if i < n and pattern[i] in "}/":
                continue  # the escape only protected the ${} syntax
            if i >= n:
                raise _invalid_pattern(pattern, "invalid escape '\\\ufffd'")
            c = pattern[i]
            i += 1
            if c not in escapable:
                raise _invalid_pattern(pattern, f"invalid escape '\\{c}'")
            lit.append(c)
        elif c == "[" and brackets:
            parsed = _parse_bracket(pattern, i)
            if parsed is None:
                lit.append(c)
            else:
                pred, i = parsed
                push((_CLASS, pred))
        else:
            lit.append(c)
    if lit:
        tokens.append((_LIT, "".join(lit)))
    return tokens


def _parse_bracket(p: str, i: int) -> Optional[tuple[Callable[[str], bool], int]]:
    """A bash bracket expression whose '[' ends at ``i``: (predicate, index after ']'),
    or None when it is not terminated (then '[' is literal)."""
    n = len(p)
    negate = i < n and p[i] in "!^"
    if negate:
        i += 1
    singles: set[str] = set()
    ranges: list[tuple[str, str]] = []
    classes: list[Callable[[str], bool]] = []
    first = True
    while i < n:
        c = p[i]
        if c == "]" and not first:
            def pred(ch: str) -> bool:
                hit = (ch in singles or any(a <= ch <= b for a, b in ranges)
                       or any(f(ch) for f in classes))
                return hit != negate
            return pred, i + 1
        first = False
        if c == "[" and p.startswith(":", i + 1):
            close = p.find(":]", i + 2)
            if close >= 0 and p[i + 2:close] in _POSIX_CLASSES:
                classes.append(_POSIX_CLASSES[p[i + 2:close]])
                i = close + 2
                continue
        if c == "\\" and i + 1 < n:
            i += 1
            c = p[i]
        i += 1
        if i + 1 < n and p[i] == "-" and p[i + 1] != "]":
            hi = p[i + 1]
            if hi == "\\" and i + 2 < n:
                hi = p[i + 2]
                i += 1
            ranges.append((c, hi))
            i += 2
        else:
            singles.add(c)
    return None


def _match_table(tokens: list[_Token], value: str, greedy: bool) -> tuple[bytearray, list[int]]:
    """For every start p: ``ok[p]`` whether the pattern matches at p and ``end[p]`` where
    the leftmost-first (Perl/RE2) match ends, stars lazy or greedy.  Built from the last
    token back, each token in one pass over the value, so time is O(tokens * len(value))."""
    n = len(value)
    if len(tokens) * (n + 1) > _MAX_GLOB_WORK:
        raise ExpandError("pattern too complex to evaluate", fatal=True)
    ok = bytearray(b"\x01") * (n + 1)
    end = list(range(n + 1))
    newlines = [i for i, c in enumerate(value) if c == "\n"] if "\n" in value else []
    # Stars stay within a line: segment [a, b] with b the newline (or n) ending it.
    segments = list(zip([0] + [i + 1 for i in newlines], newlines + [n]))
    for tok in reversed(tokens):
        kind = tok[0]
        if kind == _LIT:
            lit = tok[1]
            size = len(lit)
            new_ok, new_end = bytearray(n + 1), [0] * (n + 1)
            i = value.find(lit)
            while i >= 0:
                if ok[i + size]:
                    new_ok[i], new_end[i] = 1, end[i + size]
                i = value.find(lit, i + 1)
        elif kind == _ANY:
            new_ok, new_end = ok[1:] + b"\x00", end[1:] + [0]
            for i in newlines:
                new_ok[i] = 0
        elif kind == _CLASS:
            pred = tok[1]
            new_ok, new_end = bytearray(n + 1), [0] * (n + 1)
            for i in range(n):
                if ok[i + 1] and pred(value[i]):
                    new_ok[i], new_end[i] = 1, end[i + 1]
        else:  # star: the first (lazy) or last (greedy) viable stop in the same line
            new_ok, new_end = bytearray(n + 1), [0] * (n + 1)
            for a, b in segments:
                if greedy:
                    t = ok.rfind(1, a, b + 1)
                    if t >= 0:
                        new_ok[a:t + 1] = b"\x01" * (t + 1 - a)
                        new_end[a:t + 1] = [end[t]] * (t + 1 - a)
                    continue
                t = ok.find(1, a, b + 1)
                while t >= 0:
                    new_ok[a:t + 1] = b"\x01" * (t + 1 - a)
                    new_end[a:t + 1] = [end[t]] * (t + 1 - a)
                    a = t + 1
                    t = ok.find(1, a, b + 1)
        ok, end = new_ok, new_end
        if not ok.count(1):
            break
    return ok, end


def _trim_prefix(pattern: str, value: str, greedy: bool, brackets: bool) -> str:
    return _trim_tokens(_compile_glob(pattern, brackets), value, greedy)


def _trim_tokens(tokens: list[_Token], value: str, greedy: bool) -> str:
    if not tokens:
        return value
    ok, end = _match_table(tokens, value, greedy)
    return value[end[0]:] if ok[0] else value


def _reverse_pattern(pattern: str) -> str:
    # Reverse, keeping each "\x" pair in order; a trailing lone "\" moves to the front.
    units: list[str] = []
    i, last = 0, len(pattern) - 1
    while i <= last:
        if pattern[i] == "\\" and i != last:
            units.append(pattern[i:i + 2])
            i += 2
        else:
            units.append(pattern[i])
            i += 1
    return "".join(reversed(units))


def _trim_suffix(pattern: str, value: str, greedy: bool, brackets: bool) -> str:
    # As BuildKit: the shortest/longest suffix is a prefix of the reversed strings.
    if brackets:
        # Reversing the text would turn a literal "[" into a bracket expression (and back);
        # mirror the compiled tokens instead.
        tokens = [(_LIT, t[1][::-1]) if t[0] == _LIT else t
                  for t in reversed(_compile_glob(pattern, True))]
    else:
        tokens = _compile_glob(_reverse_pattern(pattern), False)
    return _trim_tokens(tokens, value[::-1], greedy)[::-1]


def _parse_template(template: str) -> list[Optional[str]]:
    """Go regexp.Expand: literal parts, None for the whole match ($0 / ${0})."""
    parts: list[Optional[str]] = []
    i, n = 0, len(template)
    while True:
        j = template.find("$", i)
        if j < 0:
            parts.append(template[i:])
            return parts
        parts.append(template[i:j])
        k = j + 1
        if k < n and template[k] == "$":
            parts.append("$")
            i = k + 1
            continue
        brace = k < n and template[k] == "{"
        s = k + 1 if brace else k
        e = s
        while e < n and (template[e].isalpha() or template[e].isdecimal() or template[e] == "_"):
            e += 1
        if e == s or (brace and (e >= n or template[e] != "}")):
            parts.append("$")  # malformed: the $ is literal
            i = k
            continue
        if template[s:e] == "0":  # the only group there is; any other name expands to ""
            parts.append(None)
        i = e + 1 if brace else e


def _replace_all(value: str, ok: bytearray, end: list[int], template: list[Optional[str]]) -> str:
    # Go's Regexp.ReplaceAllString loop, including its empty-match rules.
    n = len(value)
    out: list[str] = []
    last_end = 0
    search = 0
    while search <= n:
        s = ok.find(1, search)
        if s < 0:
            break
        e = end[s]
        out.append(value[last_end:s])
        if e > last_end or s == 0:
            match = value[s:e]
            out.extend(match if part is None else part for part in template)
        last_end = e
        width = 1 if search < n else 0
        if search + width > e:
            search += width
        elif search + 1 > e:
            search += 1
        else:
            search = e
    out.append(value[last_end:])
    return "".join(out)


# --------------------------------------------------------------------------- references

def _scan_name(src: str, i: int) -> int:
    """End of the name at ``i``: a digit run, one special parameter, or letters/digits/_."""
    n = len(src)
    if i >= n:
        return i
    ch = src[i]
    if ch.isdecimal():
        while i < n and src[i].isdecimal():
            i += 1
        return i
    if ch in _SPECIAL_PARAMS:
        return i + 1
    while i < n and (src[i].isalpha() or src[i].isdecimal() or src[i] == "_"):
        i += 1
    return i


def _scan_references(src: str, esc: str) -> list[tuple[str, int, int]]:
    # Mirrors the lexer's grammar with an explicit stack instead of recursion.  A frame is
    # a "${name..." word (stop '/' then '}', or just '}') or a double-quoted string.
    found: list[tuple[str, int, int]] = []
    stack: list[list] = []  # ["brace", name, start, name_end, stop] | ["dq"]
    n = len(src)
    i = 1 if src.startswith(_BOM) else 0
    while i < n:
        ch = src[i]
        top = stack[-1] if stack else None
        if top is not None and top[0] == "dq":
            if ch == '"':
                stack.pop()
                i += 1
            elif ch == "$":
                i = _scan_dollar(src, i, stack, found)
            elif ch == esc:
                i += 2 if i + 1 < n and src[i + 1] in ('"', "$", esc) else 1
            else:
                i += 1
            continue
        if top is not None and ch == top[4]:
            if ch == "/":
                top[4] = "}"
            else:
                stack.pop()
                if top[1]:
                    found.append((top[1], top[2], i + 1))
            i += 1
        elif ch == "$":
            i = _scan_dollar(src, i, stack, found)
        elif ch == "'":
            j = src.find("'", i + 1)
            i = n if j < 0 else j + 1
        elif ch == '"':
            stack.append(["dq"])
            i += 1
        elif ch == esc:
            i += 2
        else:
            i += 1
    for frame in stack:  # unterminated ${name...: report the name part
        if frame[0] == "brace" and frame[1]:
            found.append((frame[1], frame[2], frame[3]))
    found.sort(key=lambda ref: ref[1])
    return found


def _scan_dollar(src: str, i: int, stack: list[list], found: list[tuple[str, int, int]]) -> int:
    n = len(src)
    start = i
    i += 1
    if i >= n or src[i] != "{":
        j = _scan_name(src, i)
        if j > i:
            found.append((src[i:j], start, j))
        return j
    i += 1
    if i >= n or src[i] in "{}:":
        return i  # bad substitution: carry on after "${"
    j = _scan_name(src, i)
    name = src[i:j]
    if j >= n:
        if name:
            found.append((name, start, j))
        return j
    op = src[j]
    if op == "}":
        if name:
            found.append((name, start, j + 1))
        return j + 1
    if op == ":":
        # The lexer takes whatever follows ':' as the operator, even '$' or '}'.
        stack.append(["brace", name, start, j, "}"])
        return min(j + 2, n)
    if op in "+-?#%":
        stack.append(["brace", name, start, j, "}"])
        return j + 1
    if op == "/":
        stack.append(["brace", name, start, j, "/"])
        return j + 2 if j + 1 < n and src[j + 1] == "/" else j + 1
    if name:  # unsupported modifier
        found.append((name, start, j))
    return j


def go_quote(s: str) -> str:
    """Go's %q (strconv.Quote), for BuildKit-identical error text."""
    out = ['"']
    named = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
             "\v": "\\v", "\\": "\\\\", '"': '\\"'}
    for c in s:
        if c in named:
            out.append(named[c])
        elif c.isprintable():
            out.append(c)
        elif ord(c) < 0x80:
            out.append(f"\\x{ord(c):02x}")
        elif ord(c) < 0x10000:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(f"\\U{ord(c):08x}")
    out.append('"')
    return "".join(out)
