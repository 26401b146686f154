"""layerlint.syntax.expand against BuildKit's shell-lexer tables and behaviour.

The envVarTest / wordsTest tables come from ../shared (skipped cleanly when absent); the
other vectors restate BuildKit's lex_test.go expectations (TestProcessWithMatches,
TestShellParserMandatoryEnvVars, TestConvertShellPatternToRegex) plus our own cases.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[1]
try:
    import layerlint  # noqa: F401
except ImportError:  # plain `.venv/bin/pytest` before the repo declares its pythonpath
    sys.path.insert(0, str(REPO))

from layerlint.syntax.expand import MAX_NESTING, ExpandError, _compile_glob, _match_table, expand_with_unmatched, expand_word, expand_words, referenced_vars

SHARED = Path(os.environ.get("LAYERLINT_SHARED", REPO.parent / "shared"))
SHELL_TABLES = SHARED / "corpus" / "buildkit-parser" / "shell"

# The environment lex_test.go gives envVarTest.
TABLE_ENV = {"PWD": "/home", "SHELL": "bash", "KOREAN": "한국어", "NULL": ""}


def windows_env(env: dict[str, str]):
    """Windows env lookup: keys compare case-insensitively (BuildKit's EqualEnvKeys)."""
    folded = {k.upper(): v for k, v in env.items()}
    return lambda name: folded.get(name.upper())


def _absent(table: str) -> list:
    path = SHELL_TABLES / table
    return [pytest.param(None, None, None, id=f"{table}-absent",
                         marks=pytest.mark.skip(reason=f"{path} is absent (../shared not beside the repo)"))]


# --------------------------------------------------------------------------- envVarTest

def _env_var_cases() -> list:
    path = SHELL_TABLES / "envVarTest"
    if not path.exists():
        return _absent("envVarTest")
    cases = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#"):
            continue
        line = line.strip()
        if not line:
            continue
        fields = line.split("|")
        assert len(fields) == 3, f"envVarTest:{lineno}: {line!r}"
        platform, source, expected = (f.strip() for f in fields)
        assert platform in ("A", "U", "W"), f"envVarTest:{lineno}: platform {platform!r}"
        # BuildKit runs A lines on every OS, U lines off Windows, W lines on Windows.
        for os_name in ("unix", "windows"):
            if platform == "A" or (platform == "U") == (os_name == "unix"):
                cases.append(pytest.param(os_name, source, expected, id=f"L{lineno}-{os_name}"))
    return cases


@pytest.mark.parametrize("os_name,source,expected", _env_var_cases())
def test_env_var_table(os_name: str, source: str, expected: str) -> None:
    env = TABLE_ENV if os_name == "unix" else windows_env(TABLE_ENV)
    if expected == "error":
        with pytest.raises(ExpandError):
            expand_word(source, env)
    else:
        assert expand_word(source, env) == expected


# --------------------------------------------------------------------------- wordsTest

def _words_cases() -> list:
    path = SHELL_TABLES / "wordsTest"
    if not path.exists():
        return _absent("wordsTest")
    cases = []
    env: dict[str, str] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#"):
            continue
        if line.startswith("ENV "):
            key, _, value = line[3:].lstrip(" ").partition("=")
            env[key] = value
            continue
        fields = line.split("|")
        assert len(fields) == 2, f"wordsTest:{lineno}: {line!r}"
        source = fields[0].strip()
        expected = fields[1].lstrip(" ").split(",")
        cases.append(pytest.param(source, dict(env), expected, id=f"L{lineno}"))
    return cases


@pytest.mark.parametrize("source,env,expected", _words_cases())
def test_words_table(source: str, env: dict[str, str], expected: list[str]) -> None:
    if expected == ["error"]:
        with pytest.raises(ExpandError):
            expand_words(source, env)
    else:
        assert expand_words(source, env) == expected


# --------------------------------------------------------------------------- modifiers

@pytest.mark.parametrize("word,env,expected", [
    # - and :-
    ("${a-d}", {}, "d"), ("${a-d}", {"a": ""}, ""), ("${a-d}", {"a": "v"}, "v"),
    ("${a:-d}", {}, "d"), ("${a:-d}", {"a": ""}, "d"), ("${a:-d}", {"a": "v"}, "v"),
    ("${a:-}", {}, ""), ("${a:-$b}", {"b": "B"}, "B"), ("${a:-'$b'}", {"b": "B"}, "$b"),
    ("${a:-\"x}y\"}", {}, "x}y"), ("${a:-x\\}y}", {}, "x}y"),
    # + and :+
    ("${a+w}", {}, ""), ("${a+w}", {"a": ""}, "w"), ("${a+w}", {"a": "v"}, "w"),
    ("${a:+w}", {}, ""), ("${a:+w}", {"a": ""}, ""), ("${a:+w}", {"a": "v"}, "w"),
    # ? and :? when set
    ("${a?m}", {"a": ""}, ""), ("${a?m}", {"a": "v"}, "v"), ("${a:?m}", {"a": "v"}, "v"),
    # # and ## (shortest / longest prefix)
    ("${x#*/}", {"x": "a/b/c"}, "b/c"), ("${x##*/}", {"x": "a/b/c"}, "c"),
    ("${x#a}", {"x": "aab"}, "ab"), ("${x#}", {"x": "xxyy"}, "xxyy"), ("${x##}", {"x": "xxyy"}, "xxyy"),
    ("${x#*x*y}", {"x": "xxyy"}, "y"), ("${x#*}", {"x": "xxyy"}, "xxyy"), ("${x##*x}", {"x": "xxyy"}, "yy"),
    ("${x#?\\?}", {"x": "???y"}, "?y"), ("${x#$b}", {"x": "xxyy", "b": "x"}, "xyy"),
    ("${x#$b}", {"x": "xxyy", "b": ""}, "xxyy"), ("${x#nomatch}", {"x": "xxyy"}, "xxyy"),
    ("${x#\"#\"}", {"x": "##a"}, "##a"),  # the quoted '#' still makes it '##' with an empty pattern
    ("${x#()[]{\\}^$.\\*\\?|\\\\}", {"x": "()[]{}^$.*?|\\x"}, "x"),
    ("${u#x}", {}, ""),
    # % and %% (shortest / longest suffix)
    ("${x%.*}", {"x": "file.tar.gz"}, "file.tar"), ("${x%%.*}", {"x": "file.tar.gz"}, "file"),
    ("${x%x}", {"x": "xxyy"}, "xxyy"), ("${x%y}", {"x": "xxyy"}, "xxy"), ("${x%}", {"x": "xxyy"}, "xxyy"),
    ("${x%%\\**}", {"x": "xx**"}, "xx"), ("${x%%\\**\\*}", {"x": "a***yy*"}, "a"),
    ("${x%%$b}", {"x": "xxyy", "b": ""}, "xxyy"), ("${ABC:-.}${x%x}${ABC:-.}", {"x": "xxyy"}, ".xxyy."),
    # wildcards stop at a newline, like Go's "."
    ("${x#*b}", {"x": "a\nb"}, "a\nb"), ("${x%%?}", {"x": "a\n"}, "a\n"),
    # / and //
    ("${x/o/0}", {"x": "foo"}, "f0o"), ("${x//o/0}", {"x": "foo"}, "f00"),
    ("${x/$n/.} - ${x//$n/.}", {"x": "/foo*/*/*.txt", "n": "\\*/"}, "/foo.*/*.txt - /foo..*.txt"),
    ("${x/$n/} - ${x//$n/}", {"x": "/tmp/tmp/bar.txt", "n": "/tmp"}, "/tmp/bar.txt - /bar.txt"),
    ("${x/$n/$r} - ${x//$n/$r}", {"x": "/a/foo/b/c.txt", "n": "/?/", "r": "/"},
     "/foo/b/c.txt - /foo/c.txt"),
    ("${x/$n/$r}", {"x": "http://google.de", "n": "http://", "r": "https://"}, "https://google.de"),
    ("${x//\\//\\/}", {"x": "/tmp/foo.txt"}, "\\/tmp\\/foo.txt"),
    ("${x/$b/ww}", {"x": "xxyy", "b": ""}, "wwxxyy"), ("${x///}", {"x": "xxyy"}, "xxyy"),
    ("${x///}", {}, ""), ("${x//$e/-}", {"x": "ab", "e": ""}, "-a-b-"),
    ("${x//*/-}", {"x": "ab"}, "-"),  # Go: no empty match right after a match
    ("${x//*/-}", {"x": "a\nb"}, "-\n-"),
    ("${x/a/<\\$0>}", {"x": "banana"}, "b<\\$0>nana"),  # single: replacement is literal
    ("${x//a/<\\$0>}", {"x": "banana"}, "b<\\a>n<\\a>n<\\a>"),  # all: Go template, $0 = match
    ("${x//[ab]/-}", {"x": "a[ab]b"}, "a-b"),  # brackets are literal in BuildKit
    # names
    ("$1x", {"1": "one"}, "onex"), ("$@@", {}, "@"), ("${_a1}", {"_a1": "v"}, "v"),
    ("$é", {"é": "v"}, "v"), ("$x²", {"x": "v"}, "v²"), ("$a-b", {"a": "A"}, "A-b"),
    ("$", {}, "$"), ("a$", {}, "a$"), ("$'x'", {}, "$x"), ("\ufeff$x", {"x": "1"}, "1"),
])
def test_modifiers(word: str, env: dict[str, str], expected: str) -> None:
    assert expand_word(word, env) == expected


@pytest.mark.parametrize("word,env,message", [
    ("${}", {}, "syntax error: bad substitution"),
    ("${:-x}", {}, "syntax error: bad substitution"),
    ("${{a}", {}, "syntax error: bad substitution"),
    ("${", {}, "syntax error: missing '}'"),
    ("${a", {}, "syntax error: missing '}'"),
    ("${a:-b", {}, "syntax error: missing '}'"),
    ("${a:-b ${c}", {}, "syntax error: missing '}'"),
    ("${a:-'b}", {}, "syntax error: missing '}'"),
    ("${a:", {}, "syntax error: missing '}'"),
    ("${a/b", {}, "syntax error: missing '/' in ${}"),
    ("${a//}", {}, "syntax error: missing '/' in ${}"),
    ("${a/b/c", {}, "syntax error: missing '}'"),
    ("${a:=x}", {}, "unsupported modifier (:=) in substitution"),
    ("${a=x}", {}, "unsupported modifier (=) in substitution"),
    ("${a:YYY}", {}, "unsupported modifier (:Y) in substitution"),
    ("${a:#x}", {"a": "x"}, "unsupported modifier (:#) in substitution"),
    ("${a:%x}", {"a": "x"}, "unsupported modifier (:%) in substitution"),
    ("${a:/x/y}", {"a": "x"}, "unsupported modifier (:/) in substitution"),
    ("${.}", {}, "unsupported modifier (.) in substitution"),
    ("${a?}", {}, "a: is not allowed to be unset"),
    ("${a:?}", {}, "a: is not allowed to be unset"),
    ("${a:?}", {"a": ""}, "a: is not allowed to be empty"),
    ("${a?custom $b}", {"b": "x"}, "a: custom x"),
    ("${a:?custom}", {"a": ""}, "a: custom"),
    ("${x#\\a}", {"x": "a"}, "invalid pattern (\\a) in substitution: invalid escape '\\a'"),
    ("${x%a\\b}", {"x": "a"}, "invalid pattern (\\ba) in substitution: invalid escape '\\b'"),
    ("\"abc", {}, "unexpected end of statement while looking for matching double-quote"),
    ("'abc", {}, "unexpected end of statement while looking for matching single-quote"),
])
def test_error_messages(word: str, env: dict[str, str], message: str) -> None:
    with pytest.raises(ExpandError) as info:
        expand_word(word, env)
    assert str(info.value) == message
    assert info.value.word == word
    assert isinstance(info.value, ValueError)


def test_buildkit_message_quotes_the_word_like_go() -> None:
    with pytest.raises(ExpandError) as info:
        expand_word('a"\t${}', {})
    assert info.value.buildkit_message == 'failed to process "a\\"\\t${}": syntax error: bad substitution'
    with pytest.raises(ExpandError) as info:
        expand_word("é\x01${}", {})
    assert info.value.buildkit_message == 'failed to process "é\\x01${}": syntax error: bad substitution'


def test_mandatory_vars_like_buildkit() -> None:
    set_env, empty_env, unset_env = {"VAR": "plain", "ARG": "x"}, {"VAR": "", "ARG": "x"}, {"ARG": "x"}
    no_empty, no_unset = "${VAR:?message here$ARG}", "${VAR?message here$ARG}"
    assert expand_word(no_empty, set_env) == "plain"
    for env in (empty_env, unset_env):
        with pytest.raises(ExpandError, match="message herex"):
            expand_word(no_empty, env)
    assert expand_word(no_unset, set_env) == "plain"
    assert expand_word(no_unset, empty_env) == ""
    with pytest.raises(ExpandError, match="message herex"):
        expand_word(no_unset, unset_env)


def test_platform_release_name() -> None:
    word = "something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz"
    base = {"VERSION": "v1.2.3", "TARGETOS": "linux"}
    assert expand_word(word, {**base, "TARGETARCH": "arm", "TARGETVARIANT": "v7"}) == \
        "something-v1.2.3.linux-arm-v7.tar.gz"
    assert expand_word(word, {**base, "TARGETARCH": "arm64", "TARGETVARIANT": ""}) == \
        "something-v1.2.3.linux-arm64.tar.gz"
    assert expand_word(word, {**base, "TARGETARCH": "arm64"}) == "something-v1.2.3.linux-arm64.tar.gz"


# --------------------------------------------------------------------------- quotes, escapes

@pytest.mark.parametrize("word,expected", [
    ("'$PWD \\$x \"'", "$PWD \\$x \""),
    ('"$PWD"', "/home"), ('"\\$PWD"', "$PWD"), ('"\\a"', "\\a"), ('"a\\"b"', 'a"b'),
    ('"a\\\\b"', "a\\b"), ("a\\ b", "a b"), ("a\\", "a"), ('"\'"', "'"), ("'\"'", '"'),
    ('"${PWD:-"x"}"', "/home"), ('"${NO:-"x y"}"', "x y"),
])
def test_quotes_and_escapes(word: str, expected: str) -> None:
    assert expand_word(word, TABLE_ENV) == expected


@pytest.mark.parametrize("word,expected", [
    ("he`$PWD", "he$PWD"),
    ("C:\\dir\\$PWD", "C:\\dir\\/home"),
    ('"a`"b"', 'a"b'),
    ('"a\\"', "a\\"),
    ('"`$PWD"', "$PWD"),
    ('"``"', "`"),
    ('"`a"', "`a"),
    ("a``", "a`"),
    ("a`", "a"),
    ("${NO:-x`}y}", "x}y"),
    ("${X#\\*}", "a"),  # pattern escapes stay backslashes whatever the escape token
    ("${X#`*}", "*a"),  # the backtick is kept raw in the pattern, then matches nothing
])
def test_backtick_escape(word: str, expected: str) -> None:
    assert expand_word(word, {**TABLE_ENV, "X": "*a"}, escape="`") == expected


def test_backtick_words() -> None:
    assert expand_words("a` b c", {}, escape="`") == ["a b", "c"]
    assert expand_words("a\\ b", {}, escape="`") == ["a\\", "b"]


@pytest.mark.parametrize("word,env,expected", [
    ("", {}, []), ('""', {}, []), ('"" x', {}, ["x"]), ("a '' b", {}, ["a", "b"]),
    ("$v", {"v": " a  b "}, ["a", "b"]), ('"$v"', {"v": " a  b "}, [" a  b "]),
    ("x${v}y", {"v": "1 2"}, ["x1", "2y"]), ("${n:-\"a b\"}", {}, ["a", "b"]),
    ("a\\\tb", {}, ["a\tb"]), ("a\u3000b\xa0c\x1cd", {}, ["a", "b", "c\x1cd"]),
    ("'a b' c", {}, ["a b", "c"]), ("a\nb", {}, ["a", "b"]),
])
def test_words(word: str, env: dict[str, str], expected: list[str]) -> None:
    assert expand_words(word, env) == expected


def test_env_forms() -> None:
    assert expand_word("$a$b", lambda n: {"a": "1"}.get(n)) == "1"
    with pytest.raises(TypeError):
        expand_word("$a", ["a=1"])  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        expand_word("$a", {}, escape="\\\\")


# --------------------------------------------------------------------------- unmatched

@pytest.mark.parametrize("word,env,expected,unmatched", [
    ("x", {"DUMMY": "dummy"}, "x", set()),
    ("x ${UNUSED}", {"DUMMY": "dummy"}, "x ", {"UNUSED"}),
    ("x ${FOO}", {"FOO": "y"}, "x y", set()),
    ("${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}", {"FOO": "xxx", "BAR": ""}, "xxx  ccc", {"BAZ"}),
    ("${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}", {"FOO": "xxx", "BAR": ""}, "xxx bbb ccc", {"BAZ"}),
    ("${FOO:-}", {"FOO": "xxx"}, "xxx", set()),
    ("${FOO:-}", {}, "", {"FOO"}),
    ("${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}", {"FOO": "xxx", "BAR": ""}, "aaa bbb ", {"BAZ"}),
    ("${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}", {"FOO": "xxx", "BAR": ""}, "aaa  ", {"BAZ"}),
    ("${FOO?aaa}", {"FOO": "xxx"}, "xxx", set()),
    ("${BAR?bbb}", {"BAR": ""}, "", set()),
    ("${ABC:-.}${FOO%x}${ABC:-.}", {"FOO": "xxyy"}, ".xxyy.", {"ABC"}),
    ("${FOO///}", {}, "", {"FOO"}),
    ("$a ${b} ${c:-$d} ${e#$f}", {}, "   ", {"a", "b", "c", "d", "e", "f"}),
    ("'$a' \\$b \"$c\"", {}, "$a $b ", {"c"}),
    ("$1 $@", {}, " ", {"1", "@"}),
])
def test_unmatched_like_buildkit(word: str, env: dict[str, str], expected: str,
                                 unmatched: set[str]) -> None:
    assert expand_with_unmatched(word, env) == (expected, unmatched)


@pytest.mark.parametrize("word,unmatched", [
    ("${a:-x} ${b-x} ${c:+x} ${d+x} ${e#x} ${f%x} ${g/x/y} ${h?ok}", {"a", "b", "c", "d", "e", "f", "g"}),
    ("$a ${b} ${c:-$d} ${e:-${f}}", {"a", "b", "c", "d", "e", "f"}),
])
def test_unmatched_ignore_defaulted(word: str, unmatched: set[str]) -> None:
    env = {"h": "v"}
    full = expand_with_unmatched(word, env)[1]
    assert full == unmatched
    bare_only = expand_with_unmatched(word, env, ignore_defaulted=True)[1]
    assert bare_only == {n for n in unmatched if f"${n}" in word or f"${{{n}}}" in word}


def test_unmatched_raises_like_expand_word() -> None:
    with pytest.raises(ExpandError):
        expand_with_unmatched("${a:?}", {})


# --------------------------------------------------------------------------- referenced_vars

@pytest.mark.parametrize("word,expected", [
    ("", []),
    ("plain", []),
    ("$a", [("a", 0, 2)]),
    ("x${ab}y", [("ab", 1, 6)]),
    ("a$b${c}${d:-$e}", [("b", 1, 3), ("c", 3, 7), ("d", 7, 15), ("e", 12, 14)]),
    ("${a:-${b:-$c}}", [("a", 0, 14), ("b", 5, 13), ("c", 10, 12)]),
    ("'$a' \\$b \"$c\" \"\\$d\"", [("c", 10, 12)]),
    ("${x/$p/$r}", [("x", 0, 10), ("p", 4, 6), ("r", 7, 9)]),
    ("${x//a}b}/c}", [("x", 0, 12)]),
    ("$1 $@@ $999x", [("1", 0, 2), ("@", 3, 5), ("999", 7, 11)]),
    ("${a", [("a", 0, 3)]),
    ("${a:-$b", [("a", 0, 3), ("b", 5, 7)]),
    ("${} ${:x} ${{a}", []),
    ("${a.b}", [("a", 0, 3)]),
    ("${a:$b}", [("a", 0, 7)]),  # the character after ':' is the operator, not a '$'
    ("\"${a:-\"$b\"}\"", [("a", 1, 11), ("b", 7, 9)]),
])
def test_referenced_vars(word: str, expected: list[tuple[str, int, int]]) -> None:
    assert referenced_vars(word) == expected
    for name, start, end in referenced_vars(word):
        assert word[start] == "$" and name in word[start:end]


def test_referenced_vars_backtick() -> None:
    assert referenced_vars("`$a $b \"`$c\"", escape="`") == [("b", 4, 6)]
    assert referenced_vars("\\$a", escape="`") == [("a", 1, 3)]


_FUZZ_ALPHABET = "$\\{}:-+?#%/'\"ab1@ \n`*"


@pytest.mark.slow
@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_FUZZ_ALPHABET, max_size=30), st.sampled_from(["\\", "`"]))
def test_referenced_vars_agrees_with_the_lexer(word: str, escape: str) -> None:
    refs = referenced_vars(word, escape)  # must never raise
    assert refs == sorted(refs, key=lambda r: r[1])
    for name, start, end in refs:
        assert 0 <= start < end <= len(word) and word[start] == "$" and name
    try:
        _, unmatched = expand_with_unmatched(word, lambda name: None, escape)
    except ExpandError:
        return
    # With nothing set, every lookup is unmatched: the same names the scanner finds.
    assert {r[0] for r in refs} == unmatched - {""}


# --------------------------------------------------------------------------- glob matching

def _reference_regex(pattern: str, greedy: bool) -> Optional[re.Pattern[str]]:
    """BuildKit's regex for ``pattern`` built with Python's re (same leftmost-first rules)."""
    try:
        tokens = _compile_glob(pattern, brackets=False)
    except ExpandError:
        return None
    star = ".*" if greedy else ".*?"
    parts = [re.escape(t[1]) if t[0] == 0 else "." if t[0] == 1 else star for t in tokens]
    return re.compile("".join(parts))


@pytest.mark.slow
@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="ab*?\\", max_size=8), st.text(alphabet="ab\n", max_size=12), st.booleans())
def test_matcher_agrees_with_backtracking_regex(pattern: str, value: str, greedy: bool) -> None:
    ref = _reference_regex(pattern, greedy)
    if ref is None:
        return
    ok, end = _match_table(_compile_glob(pattern, brackets=False), value, greedy)
    for start in range(len(value) + 1):
        m = ref.match(value, start)
        assert bool(ok[start]) == (m is not None)
        if m:
            assert end[start] == m.end()


@pytest.mark.parametrize("word,value,expected", [
    ("${x#[ab]}", "bc", "c"), ("${x#[!a]}", "bc", "c"), ("${x#[!a]}", "ac", "ac"),
    ("${x%%[[:digit:]]*}", "abc123", "abc"), ("${x##*[0-9]}", "a1b2c", "c"),
    ("${x#[]]}", "]x", "x"), ("${x#[a}", "[ab", "b"), ("${x//[a-c]/-}", "abcd", "---d"),
    ("${x#\\[}", "[a", "a"), ("${x#[\\]]}", "]a", "a"),
])
def test_glob_brackets_opt_in(word: str, value: str, expected: str) -> None:
    assert expand_word(word, {"x": value}, glob_brackets=True) == expected


def test_brackets_are_literal_by_default() -> None:
    assert expand_word("${x#[ab]}", {"x": "bc"}) == "bc"
    assert expand_word("${x#[ab]}", {"x": "[ab]c"}) == "c"
    with pytest.raises(ExpandError, match="invalid escape"):
        expand_word("${x#\\[}", {"x": "[a"})


# --------------------------------------------------------------------------- robustness

def _nested(depth: int, quote: str = "") -> str:
    return f"${{a:-{quote}" * depth + "x" + f"{quote}}}" * depth


@pytest.mark.parametrize("depth", [1, 50, MAX_NESTING])
@pytest.mark.parametrize("quote", ["", '"'])
def test_nesting_within_limit(depth: int, quote: str) -> None:
    word = _nested(depth, quote)
    assert expand_word(word, {}) == "x"
    assert len(referenced_vars(word)) == depth


@pytest.mark.parametrize("quote", ["", '"'])
def test_nesting_1000_deep_raises_cleanly(quote: str) -> None:
    word = _nested(1000, quote)
    for fn in (expand_word, expand_words, expand_with_unmatched):
        with pytest.raises(ExpandError, match="nesting too deep"):
            fn(word, {})
    refs = referenced_vars(word)
    assert len(refs) == 1000 and refs[0] == ("a", 0, len(word))


def test_nesting_from_a_deep_call_stack() -> None:
    word = _nested(MAX_NESTING, '"')

    def descend(k: int):
        return descend(k - 1) if k else expand_word(word, {})

    depth = sys.getrecursionlimit() - 400
    try:
        assert descend(depth) == "x"
    except ExpandError as err:
        assert str(err) == "nesting too deep"


_LONG = 1_000_000


@pytest.mark.slow
@pytest.mark.parametrize("unit", ["$", "{", "\\", " ", "}", "${", "$\\{ ", "${a:-", "\\$", "$a", "a\\ "])
def test_long_input(unit: str) -> None:
    word = unit * (_LONG // len(unit))
    for fn in (expand_word, expand_words, expand_with_unmatched):
        try:
            fn(word, {"a": "v"})
        except ExpandError:
            pass
    assert isinstance(referenced_vars(word), list)


def test_long_unterminated_quotes_and_patterns() -> None:
    for word in ('"' + "$" * _LONG, "'" + "x" * _LONG, "${a:-" + "\\" * _LONG):
        with pytest.raises(ExpandError):
            expand_word(word, {})
    # Big values and busy patterns stay linear per pattern token.
    value = "a" * 200_000
    assert expand_word("${v#*a*a*a*b}", {"v": value}) == value
    assert expand_word("${v##*a}", {"v": value}) == ""
    assert expand_word("${v//a/b}", {"v": value}) == "b" * 200_000
    # Go's "." stops at a newline, so this suffix never matches (bash would give "").
    assert expand_word("${v%%a*}", {"v": value + "\n" * 1000}) == value + "\n" * 1000
    with pytest.raises(ExpandError, match="too complex"):
        expand_word("${v#" + "?*" * 100 + "}", {"v": "a" * 100_000})
