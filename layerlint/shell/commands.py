"""Commands as the shell runs them: the one table of wrappers (``sudo -u app``, ``env -u X``,
``gosu app``, ``xargs``...), the program a command really runs, option parsing, shell names and
``sh -c 'script'`` scripts.

Everything that asks "which program does this command run?" comes here, so the cache model and
every rule read ``sudo -u app pip install -r requirements.txt`` as ``pip``.  Works on
``shell.parser`` words (anything with a ``.value``).
"""
from __future__ import annotations

import re

from ..record import Record

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Iterable, Optional

    from .parser import Word

# POSIX shells, by program name; busybox runs one as its `sh` applet (``SHELL ["busybox", "sh"]``)
POSIX_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"})


def shell_name(argv0: str) -> str:
    """``/usr/bin/bash`` -> ``bash`` (the basename, whitespace dropped)."""
    return argv0.strip().rsplit("/", 1)[-1]


def is_posix_shell(argv0: str) -> bool:
    """Whether a ``SHELL`` / interpreter program is a POSIX shell (``cmd.exe``, ``pwsh`` are not)."""
    name = shell_name(argv0).lower().removesuffix(".exe")
    return name in POSIX_SHELLS or name == "busybox"


def shebang_shell(line: str) -> str:
    """``#!/usr/bin/env bash`` -> ``bash``."""
    parts = [p for p in line[2:].split() if not p.startswith("-")]
    if not parts:
        return ""
    name = shell_name(parts[0])
    if name == "env" and len(parts) > 1:
        name = shell_name(parts[1])
    return name


# -- wrappers: programs that run the command in their arguments -------------------------

# wrapper -> (short options taking a value, long options taking a value, positionals to skip)
WRAPPERS: dict[str, tuple[str, frozenset, int]] = {
    "sudo": ("ugpCDhrtTUR", frozenset({"--user", "--group", "--prompt", "--close-from", "--chdir",
                                       "--host", "--role", "--type", "--command-timeout", "--other-user",
                                       "--chroot"}), 0),
    "env": ("uCS", frozenset({"--unset", "--chdir", "--split-string"}), 0),
    "exec": ("a", frozenset(), 0),
    "nice": ("n", frozenset({"--adjustment"}), 0),
    "nohup": ("", frozenset(), 0),
    "time": ("fo", frozenset({"--format", "--output"}), 0),
    "timeout": ("sk", frozenset({"--signal", "--kill-after"}), 1),
    "stdbuf": ("ioe", frozenset({"--input", "--output", "--error"}), 0),
    "su-exec": ("", frozenset(), 1),
    "gosu": ("", frozenset(), 1),
    "chronic": ("", frozenset(), 0),
    "command": ("", frozenset(), 0),
    "builtin": ("", frozenset(), 0),
    "xargs": ("aEIdLnPs", frozenset({"--arg-file", "--eof", "--replace", "--delimiter", "--max-lines",
                                     "--max-args", "--max-procs", "--max-chars", "--process-slot-var"}), 0),
    "eatmydata": ("", frozenset(), 0),
    "busybox": ("", frozenset(), 0),  # runs its applet: `busybox sh -c ...`
    # running as another user: `runuser -u app -- npm ci`, `chpst -u app npm ci`,
    # `setpriv --reuid=1000 --regid=1000 --init-groups npm ci`, `s6-setuidgid app npm ci`
    # (`su app -c '...'` and `runuser -l app -c '...'` run a script: see inline_script)
    "runuser": ("ugGsw", frozenset({"--user", "--group", "--supp-group", "--shell", "--whitelist-environment"}), 0),
    "chpst": ("uUbe/nlLmdopfcrt", frozenset(), 0),
    "setpriv": ("", frozenset({"--reuid", "--regid", "--ruid", "--euid", "--rgid", "--egid", "--groups",
                               "--inh-caps", "--ambient-caps", "--bounding-set", "--securebits", "--pdeathsig",
                               "--selinux-label", "--apparmor-profile", "--landlock-access", "--landlock-rule"}), 0),
    "s6-setuidgid": ("", frozenset(), 1),
    "setuidgid": ("", frozenset(), 1),
}
_ASSIGN_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


_PYTHON = re.compile(r"python[0-9.]*(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)?")  # python3.12, python$PYTHON_VERSION


def wrappers(words: list) -> tuple[list[tuple[int, int]], int]:
    """The wrapper commands at the start of ``words`` (``sudo -u app env X=1 pip ...``): for each,
    the index of its program word and of the word after its options; and the index of the
    command they run."""
    found: list[tuple[int, int]] = []
    i = 0
    n = len(words)
    while i < n:
        name = shell_name(words[i].value)
        spec = WRAPPERS.get(name)
        if spec is None:
            break
        if name in ("command", "builtin") and i + 1 < n and words[i + 1].value in ("-v", "-V"):
            break  # `command -v ps` looks a name up, it does not run it
        short_val, long_val, skip = spec
        at = i
        i += 1
        while i < n:
            v = words[i].value
            if v == "--":
                i += 1
                break
            if name == "env" and _ASSIGN_RE.match(v):
                i += 1
                continue
            if not v.startswith("-") or v == "-":
                break
            if v.startswith("--"):
                i += 2 if (v in long_val and "=" not in v) else 1
                continue
            letters = v[1:]
            consumed = 1
            for k, ch in enumerate(letters):
                if ch in short_val:
                    if k == len(letters) - 1:
                        consumed = 2
                    break
            i += consumed
        found.append((at, i))
        i += skip
    return found, i


def vanishes(word) -> bool:
    """An unquoted `` `# note` ``: a substitution holding only a comment expands to nothing, so
    the shell drops the word (the idiom for commenting the lines of a long RUN)."""
    raw = getattr(word, "raw", "")
    if len(raw) < 3 or raw[0] != "`" or raw[-1] != "`":
        return False
    body = raw[1:-1]
    return body.lstrip(" \t").startswith("#") and "`" not in body and "\n" not in body


def _run_words(words: list) -> list:
    """``words`` without wrappers and without the words that expand to nothing."""
    if any(getattr(w, "has_expansion", False) and vanishes(w) for w in words):
        words = [w for w in words if not vanishes(w)]
    return words[wrappers(words)[1]:]


def strip_wrappers(words: list) -> list:
    """The words of the command a wrapper (sudo, env, nice, xargs...) runs, without the words
    that expand to nothing (`` `# note` ``); for ``python -m MODULE`` the words from MODULE on
    (``python3 -m pip install x`` reads as ``pip install x``)."""
    words = _run_words(words)
    at = _module_at(words)
    return words[at:] if at else words


def _module_at(words: list) -> int:
    """The index of MODULE in ``python [options] -m MODULE ...`` (``words`` without wrappers), or 0."""
    # python -m pip / python3.12 -I -m pip
    if len(words) >= 3 and _PYTHON.fullmatch(shell_name(words[0].value)):
        j = 1
        while j < len(words) and words[j].value.startswith("-") and words[j].value != "-m":
            j += 1
        if j + 1 < len(words) and words[j].value == "-m":
            return j + 1
    return 0


def python_module(words: list) -> Optional[str]:
    """The module a ``python -m MODULE`` command runs (through wrappers), else None: its program
    name is MODULE's, but ``python -m wget`` is PyPI's wget, not GNU wget."""
    words = _run_words(words)
    at = _module_at(words)
    return words[at].value if at else None


def argv(words: list) -> list[str]:
    """The values of the words of the command really run, through wrappers and ``python -m``."""
    return [w.value for w in strip_wrappers(words)]


def program(words: list) -> str:
    """The basename of the program a command runs, through wrappers and ``python -m``."""
    inner = strip_wrappers(words)
    return shell_name(inner[0].value) if inner else ""


# -- option parsing ----------------------------------------------------------------------

class Opt(Record):
    name: str  # as written without the value: "-y", "--yes", "-q"
    value: Optional[str]
    word: object  # the shell Word it came from
    value_word: object  # the Word holding the value (the next word for ``-o value``)

    __slots__ = ("name", "value", "word", "value_word")

    def __init__(self, name: str, value: Optional[str], word: object, value_word: object = None) -> None:
        self.name = name
        self.value = value
        self.word = word
        self.value_word = value_word

    @property
    def where(self):
        return self.value_word if self.value_word is not None else self.word


class Parsed(Record):
    opts: list[Opt]
    operands: list  # shell Words that are not options

    __slots__ = ("opts", "operands")

    def __init__(self, opts: list[Opt] | None = None, operands: list | None = None) -> None:
        self.opts = [] if opts is None else opts
        self.operands = [] if operands is None else operands

    def has(self, *names: str) -> bool:
        return any(o.name in names for o in self.opts)

    def count(self, *names: str) -> int:
        return sum(1 for o in self.opts if o.name in names)

    def values(self, *names: str) -> list[str]:
        return [o.value or "" for o in self.opts if o.name in names]

    def first(self, *names: str) -> Optional[Opt]:
        return next((o for o in self.opts if o.name in names), None)


def parse_options(words: Iterable, short_val: str = "", long_val: Iterable[str] = (),
                  go_style: bool = False, long_prefixes: Iterable[str] = ()) -> Parsed:
    """Split words into options and operands (GNU style: ``-abc`` clusters, ``--x=v``).

    ``short_val``: short letters that take a value (``-ofoo`` or ``-o foo``); ``long_val``:
    long options (with dashes) that take the next word when written without ``=``;
    ``go_style``: single-dash long options (``-ldflags=x``, ``-o out``) as Go uses them;
    ``long_prefixes``: single-dash multi-letter options kept whole (wget's ``-nv``).
    """
    out = Parsed()
    long_val = frozenset(long_val)
    words = list(words)
    i = 0
    n = len(words)
    ended = False
    while i < n:
        w = words[i]
        v = w.value
        i += 1
        if ended or not v.startswith("-") or v == "-" or w.has_expansion and v.startswith("$"):
            out.operands.append(w)
            continue
        if v == "--":
            ended = True
            continue
        if v.startswith("--") or go_style:
            name, eq, val = v.partition("=")
            if go_style and name.startswith("--"):
                name = name[1:]
            if eq:
                out.opts.append(Opt(name, val, w))
            elif name in long_val and i < n:
                out.opts.append(Opt(name, words[i].value, w, words[i]))
                i += 1
            else:
                out.opts.append(Opt(name, None, w))
            continue
        whole = next((p for p in long_prefixes if v == p or v.startswith(p + "=")), None)
        if whole is not None:
            out.opts.append(Opt(whole, v.partition("=")[2] or None, w))
            continue
        letters = v[1:]
        k = 0
        while k < len(letters):
            ch = letters[k]
            rest = letters[k + 1:]
            if ch in short_val:
                if rest:
                    out.opts.append(Opt("-" + ch, rest[1:] if rest.startswith("=") else rest, w))
                elif i < n:
                    out.opts.append(Opt("-" + ch, words[i].value, w, words[i]))
                    i += 1
                else:
                    out.opts.append(Opt("-" + ch, None, w))
                break
            if rest.startswith("="):  # apt-get -q=2
                out.opts.append(Opt("-" + ch, rest[1:], w))
                break
            out.opts.append(Opt("-" + ch, None, w))
            k += 1
    return out


# -- inline scripts: sh -c 'script' -----------------------------------------------------

INLINE_DEPTH = 4  # sh -c 'sh -c "..."': how deep callers follow inline scripts
# programs that run a command found further in their arguments, beyond the wrappers above:
# `find . -exec sh -c '...' \;`, `runuser -u app -- sh -c '...'`, `chroot /x sh -c '...'`
_RUNS_A_LATER_ARGUMENT = frozenset({"find", "runuser", "chroot"})


def _su_script(words: list[Word]) -> Optional[tuple[str, str, int]]:
    """The ``-c``/``--command`` script of ``su`` / ``runuser`` (run by the user's shell, ``sh`` here)."""
    for k in range(1, len(words) - 1):
        v = words[k].value
        if v in ("-c", "--command", "--session-command") or (v.startswith("-") and not v.startswith("--")
                                                             and v.endswith("c") and len(v) <= 4):
            return _mapped("sh", words[k + 1])
    return None


def _mapped(shell: str, w: Word) -> Optional[tuple[str, str, int]]:
    """``(shell, text, offset)`` when the script's text maps one to one onto the source."""
    if w.raw == w.value:
        return shell, w.value, w.start
    if len(w.raw) >= 2 and w.raw[0] == w.raw[-1] and w.raw[0] in "'\"" and w.raw[1:-1] == w.value:
        return shell, w.value, w.start + 1
    return None


def inline_script(words: list[Word]) -> Optional[tuple[str, str, int]]:
    """``(shell, script text, offset of the text in the command's source)`` for
    ``[runner...] sh [options] -c SCRIPT [args]``, else None.

    Only a script whose text maps one to one onto the source is returned (unquoted, or in
    quotes with no escape inside), so positions found in it stay exact."""
    if not words:
        return None
    i = 0
    first = shell_name(words[0].value)
    if first in ("su", "runuser"):  # `su app -c 'npm ci'`, `su - app -c "..."`, `runuser -l app -c '...'`
        found = _su_script(words)
        if found is not None:
            return found
    if first not in POSIX_SHELLS:
        if first not in WRAPPERS and first not in _RUNS_A_LATER_ARGUMENT:
            return None
        i = next((k for k in range(1, len(words)) if shell_name(words[k].value) in POSIX_SHELLS), None)
        if i is None:
            return None
    name = shell_name(words[i].value)
    c_flag = False
    j = i + 1
    while j < len(words):
        v = words[j].value
        if v in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
            j += 2
            continue
        if v == "--":
            j += 1
            break
        if v.startswith("--"):
            j += 1
            continue
        if len(v) > 1 and v[0] in "-+":
            c_flag = c_flag or (v[0] == "-" and "c" in v[1:])
            j += 1
            continue
        break
    if not c_flag or j >= len(words):
        return None
    return _mapped(name, words[j])
