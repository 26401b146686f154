"""The commands a RUN executes, as the rules read them: calls through wrappers with their
positions, package-manager calls with expanded words, cache mounts, working directories,
package-manager caches and what commands do to files.

Built on the shell layer (``shell.commands`` for wrappers and options, ``shell.packages`` for
package managers) and the rule context (positions via ``script.word_span``).  Nothing here
reports anything: the rule modules decide.
"""
from __future__ import annotations

import posixpath
import re
from bisect import bisect_left
from collections.abc import Mapping

from .base import Edit, Fix
from ..graph import Layered, image_path, parse_mount
from ..record import Record
from ..shell.commands import Parsed, parse_options, python_module, strip_wrappers
from ..shell.packages import option_spec, pm_family
from ..shell.run_scripts import lone_heredoc
from ..syntax.model import Span

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Iterator, Optional


class Call(Record):
    """A simple command seen through wrappers: ``sudo -E env X=1 python3 -m pip install x``
    is ``pip`` with words ``[pip, install, x]`` (``words[0]`` is the program word)."""
    script: object  # shell.run_scripts.RunScript
    cmd: object  # shell.SimpleCommand
    prog: str  # basename of the program ("pip" for ``python -m pip``)
    words: list  # shell Words, the program word first

    __slots__ = ("script", "cmd", "prog", "words")

    def __init__(self, script: object, cmd: object, prog: str, words: list) -> None:
        self.script = script
        self.cmd = cmd
        self.prog = prog
        self.words = words

    @property
    def prog_word(self):
        return self.words[0]

    @property
    def args(self) -> list:
        return self.words[1:]

    def span(self, word) -> Span:
        return self.script.word_span(word)

    @property
    def text(self) -> str:
        return self.script.text[self.cmd.start:self.cmd.end]

    @property
    def line(self) -> int:
        return self.span(self.words[0]).line

    @property
    def python_module(self) -> Optional[str]:
        """``wget`` for ``python3 -m wget URL`` (whose ``prog`` is ``wget`` too), else None."""
        return python_module(self.cmd.words)


def calls(ctx, instr) -> Iterator[Call]:
    """Every simple command of a RUN (line script and heredoc bodies), through wrappers."""
    for script, cmd in ctx.commands(instr):
        words = strip_wrappers(list(cmd.words))
        if not words:
            continue
        yield Call(script, cmd, posixpath.basename(words[0].value), words)


# -- package-manager calls -----------------------------------------------------------------

class Expanded(Record):
    """A word produced by expanding a variable (``$PKGS`` -> ``curl``): ``origin`` is the
    shell word it came from, for positions."""
    value: str
    origin: object
    quoted: bool
    has_expansion: bool
    raw: str

    __slots__ = ("value", "origin", "quoted", "has_expansion", "raw")

    def __init__(
        self,
        value: str,
        origin: object,
        quoted: bool = True,
        has_expansion: bool = False,
        raw: str = "",
    ) -> None:
        self.value = value
        self.origin = origin
        self.quoted = quoted
        self.has_expansion = has_expansion
        self.raw = raw


def origin(word):
    """The shell word a (possibly expanded) word came from."""
    return getattr(word, "origin", None) or word


def shown(word) -> str:
    """How to name a word in a message: ``curl`` or ``curl (from $PKGS)``."""
    o = getattr(word, "origin", None)
    return f"{word.value} (from {o.raw})" if o is not None else word.value


_OPTION_BAG = re.compile(r"OPT|FLAG|ARG|PARAM", re.I)


def may_hold_options(word) -> bool:
    """An unquoted variable that could expand to options (``$APT_OPTS``, ``$PIP_FLAGS``)."""
    if not word.has_expansion or word.quoted or not word.raw.startswith("$"):
        return False
    return bool(_OPTION_BAG.search(word.raw)) or "$(" in word.raw or "`" in word.raw


def expand_words(words, env: Optional[dict]) -> tuple[list, bool]:
    """Words with ``$VAR`` replaced from ``env`` where known (with ``run_env``, the shell
    variables the RUN set before each word too); ``unknown`` when a word that stays opaque may
    hold options (``$APT_OPTS``)."""
    out = []
    unknown = False
    for w in words:
        if not w.has_expansion or env is None:
            out.append(w)
            unknown = unknown or may_hold_options(w)
            continue
        vals = word_values(w, env)
        if vals is None:
            out.append(w)
            unknown = unknown or may_hold_options(w)
        else:
            out.extend(Expanded(v, w) for v in vals)
    return out, unknown


class PMCall(Record):
    """A package-manager command: ``apt-get install -y curl`` -> family apt, sub install."""
    call: Call
    family: str  # apt | apk | rpm | zypper | pip | npm | gem | go
    sub: Optional[str]  # the subcommand ("install"), normalised aliases kept as written
    sub_word: object  # the subcommand's shell Word (None when absent)
    parsed: Parsed  # options and operands (operands exclude the subcommand)
    unknown: bool  # some argument is a variable that may hold options

    __slots__ = ("call", "family", "sub", "sub_word", "parsed", "unknown")

    def __init__(
        self,
        call: Call,
        family: str,
        sub: Optional[str],
        sub_word: object,
        parsed: Parsed,
        unknown: bool = False,
    ) -> None:
        self.call = call
        self.family = family
        self.sub = sub
        self.sub_word = sub_word
        self.parsed = parsed
        self.unknown = unknown

    @property
    def prog(self) -> str:
        return self.call.prog

    def insert_after_sub(self, text: str, what: str) -> Fix:
        """A fix inserting `` text`` right after the subcommand word."""
        anchor = self.sub_word if self.sub_word is not None else self.call.prog_word
        return insert_after(self.call.script, origin(anchor), text, what)

    def span(self, word) -> Span:
        return self.call.script.word_span(origin(word))


def pm_call(call: Call, env: Optional[dict] = None) -> Optional[PMCall]:
    """``call`` as a package-manager command; ``env`` expands ``$VARS`` in its arguments."""
    fam = pm_family(call.prog)
    if fam is None:
        return None
    short_val, long_val = option_spec(fam)
    args, unknown = expand_words(call.args, env)
    parsed = parse_options(args, short_val, long_val, go_style=(fam == "go"))
    sub_word = parsed.operands[0] if parsed.operands else None
    if sub_word is None:
        return PMCall(call, fam, None, None, parsed, unknown)
    sub = sub_word.value
    parsed.operands = parsed.operands[1:]
    if fam == "rpm" and sub in ("module", "group") and parsed.operands:
        # `dnf module install x:1` / `dnf group install x`: the action is the second word
        sub_word = parsed.operands[0]
        parsed.operands = parsed.operands[1:]
        sub = f"{sub} {sub_word.value}"
    return PMCall(call, fam, sub, sub_word, parsed, unknown)


def pm_calls(ctx, instr) -> Iterator[PMCall]:
    env = run_env(ctx, instr)
    for call in calls(ctx, instr):
        pc = pm_call(call, env)
        if pc is not None:
            yield pc


def insert_after(script, word, text: str, what: str) -> Fix:
    sp = script.word_span(word)
    return Fix(what, [Edit(Span(sp.end_line, sp.end_column, sp.end_line, sp.end_column), text)])


# -- variables ---------------------------------------------------------------------------

_REF = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


class RunEnv(Mapping):
    """The environment a RUN sees (a read-only view of its step's state: a copy per call was
    quadratic in a file of thousands of ENVs and RUNs), with the file's ``allowance`` for
    expanding it (``graph.Allowance``: one value used by every RUN costs O(value x RUNs)).

    ``at(word)`` is the environment a shell word of the RUN is expanded in: this one with the
    shell variables the RUN's script set before the word's command (``buildDeps='gcc make'
    && apt-get install $buildDeps``); see ``shell_vars``."""

    __slots__ = ("_vars", "allowance", "_shell")

    def __init__(self, vars: Mapping[str, str], allowance, shell=None) -> None:
        self._vars = vars
        self.allowance = allowance
        self._shell = shell  # () -> {id(shell word): ShellView}, built on first use

    def get(self, name, default=None):
        return self._vars.get(name, default)

    def __getitem__(self, name):
        return self._vars[name]

    def __contains__(self, name) -> bool:
        return name in self._vars

    def __iter__(self):
        return iter(self._vars)

    def __len__(self) -> int:
        return len(self._vars)

    def at(self, word) -> Mapping[str, Optional[str]]:
        """The environment ``word`` (a shell word of this RUN) is expanded in."""
        if self._shell is None or not getattr(word, "has_expansion", False):
            return self
        if callable(self._shell):
            self._shell = self._shell()
        return self._shell.get(id(word), self)


def run_env(ctx, instr) -> Mapping[str, str]:
    """The environment a RUN sees from the Dockerfile (ARG values and ENV); ``at(word)`` adds
    the shell variables its script set before the word."""
    step = ctx.step(instr)
    if step is None:
        return {}
    # ONBUILD: only ENV reaches the image built on this one
    base = RunEnv(step.state.env if instr.parent is not None else step.state.vars, ctx.graph.use_allowance)
    return RunEnv(base._vars, base.allowance,
                  lambda: ctx.memo(("shell_vars", id(instr)), lambda: shell_vars(ctx, instr, base)))


def expand_value(text: str, env: Mapping[str, str], allowance=None) -> Optional[str]:
    """``$X`` / ``${X}`` / ``${X:-d}`` replaced from ``env``; None when something is unknown
    (a name whose value is None, or the allowance, by default ``env.allowance``, is spent)."""
    if "$(" in text or "`" in text:
        return None  # a command's output (checked first: `cmd` needs no "$")
    if "$" not in text:
        return text
    if allowance is None:
        allowance = getattr(env, "allowance", None)
    unknown = False

    def sub(m):
        nonlocal unknown
        name = m.group(1) or m.group(3)
        if name in env:
            value = env[name]
            if value is None:  # a shell variable set to what cannot be known
                unknown = True
                return ""
            if allowance is not None:
                if allowance.left < len(value):
                    unknown = True
                    return ""
                allowance.left -= len(value)
            return value
        if m.group(2) is not None:
            return m.group(2)
        unknown = True
        return ""
    out = _REF.sub(sub, text)
    if unknown or "$" in out:
        return None
    return out


def word_values(word, env: Mapping[str, str], allowance=None) -> Optional[list[str]]:
    """What a word stands for after expansion (split when unquoted); None when unknown."""
    if not word.has_expansion:
        return [word.value]
    if isinstance(env, RunEnv):
        env = env.at(word)
    val = expand_value(word.value, env, allowance)
    if val is None:
        return None
    if word.quoted:
        return [val]
    return val.split()


# -- shell variables a RUN sets ----------------------------------------------------------------

class ShellView(Mapping):
    """The variables one command of a RUN script is expanded with: the RUN's environment under
    the shell variables set before it.  A name maps to None when its value cannot be known
    (set in a loop, a branch, a subshell, from a command's output...)."""

    __slots__ = ("_base", "_vars", "_at")

    def __init__(self, base: Mapping[str, str], vars: "_ScriptVars", at: int) -> None:
        self._base = base
        self._vars = vars
        self._at = at

    @property
    def allowance(self):
        return getattr(self._base, "allowance", None)

    def _lookup(self, name):
        v = self._vars
        at = self._at
        hist = v.hist.get(name)
        if hist is not None:
            k = bisect_left(hist[0], at) - 1  # the last assignment before this command
            if k >= 0:
                when = hist[0][k]
                if v.opaque and bisect_left(v.opaque, at) > bisect_left(v.opaque, when):
                    return True, None  # an eval / source since then may have changed it
                if name in v.sticky and v.sticky[name] < at:
                    return True, None
                return True, hist[1][k]
        if name in v.unknown or name in v.sticky and v.sticky[name] < at:
            return True, None
        if name in self._base:
            return True, self._base[name]
        return False, None

    def get(self, name, default=None):
        found, value = self._lookup(name)
        return value if found else default

    def __getitem__(self, name):
        found, value = self._lookup(name)
        if not found:
            raise KeyError(name)
        return value

    def __contains__(self, name) -> bool:
        return self._lookup(name)[0]

    def __iter__(self):
        names = set(self._base) | set(self._vars.hist) | self._vars.unknown | set(self._vars.sticky)
        return iter(n for n in names if n in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _ScriptVars:
    """The assignments of one script in order: name -> ([position], [value or None])."""

    __slots__ = ("hist", "unknown", "sticky", "opaque")

    def __init__(self, unknown: frozenset) -> None:
        self.hist: dict[str, tuple[list[int], list]] = {}
        self.unknown = unknown  # set before the script starts, to what it cannot know
        self.sticky: dict[str, int] = {}  # set in a function body: unknown once it is defined
        self.opaque: list[int] = []  # positions of eval / . / source: they may set anything

    def set(self, name: str, at: int, value: Optional[str]) -> None:
        seqs, vals = self.hist.setdefault(name, ([], []))
        seqs.append(at)
        vals.append(value)


_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DECLARE = frozenset({"export", "readonly", "declare", "typeset", "local"})
# commands that set the variables they name to what cannot be known here (`read -r line`)
_SETS_NAMED = frozenset({"read", "getopts", "mapfile", "readarray", "unset", "let"})
_OPAQUE = frozenset({"eval", ".", "source"})  # may set any variable
# POSIX special builtins: an assignment before one of them stays set in the shell
_SPECIAL = frozenset({":", ".", "eval", "exec", "exit", "export", "readonly", "return", "set", "shift",
                      "times", "trap", "unset", "source"})
# commands run for their exit status: what follows them with && runs on some paths only
_TESTS = frozenset({"[", "[[", "test", "grep", "egrep", "fgrep", "command", "which", "type", "hash",
                    "getent", "id", "expr", "cmp", "diff", "false", "dpkg-query", "pgrep"})


def _sets(cmd) -> tuple[list[tuple[str, object]], bool]:
    """The shell variables ``cmd`` sets: (name, assignment word, or None when the value cannot
    be known), and whether it may set any variable at all (``eval``, ``.``)."""
    if not cmd.words:
        return [(_assigned_name(a), a) for a in cmd.assignments], False
    prog = cmd.words[0].value
    args = cmd.words[1:]
    out: list[tuple[str, object]] = []
    if prog in _SPECIAL:
        out += [(_assigned_name(a), None) for a in cmd.assignments]
    if prog in _OPAQUE:
        return out, True
    if prog in _DECLARE:
        opts = [w.value for w in args if w.value[:1] in ("-", "+") and w.value != "--"]
        # -a, -i, -n, -l...: arrays, integers, references, case changes; local: the function's scope
        plain = prog != "local" and all(o in ("-x", "-r", "-g") for o in opts)
        for w in args:
            if w.value[:1] in ("-", "+"):
                continue
            name, eq, _ = w.value.partition("=")
            # dash splits an unquoted `export X=$V` as words: only a quoted expansion is one value
            known = plain and eq and (not w.has_expansion or w.quoted)
            if eq or not plain:
                out.append((_assigned_name(w) if eq else name, w if known else None))
    elif prog in _SETS_NAMED:
        for w in args:
            name = w.value.partition("=")[0] if prog == "let" else w.value
            if _NAME_RE.fullmatch(name):
                out.append((name, None))
        if prog == "read":
            out.append(("REPLY", None))
    elif prog == "printf":
        vals = [w.value for w in args]
        if "-v" in vals and vals.index("-v") + 1 < len(vals):
            out.append((vals[vals.index("-v") + 1], None))
    elif prog == "cd":
        out += [("PWD", None), ("OLDPWD", None)]
    return out, False


def _assigned_name(word) -> str:
    """``NAME`` of ``NAME=v`` / ``NAME+=v`` / ``NAME[i]=v``."""
    name = word.value.partition("=")[0]
    return name.rstrip("+").partition("[")[0]


def _assigned_value(word, env: Mapping) -> Optional[str]:
    """The value ``NAME=value`` gives NAME (no word splitting in an assignment), or None."""
    name, _, value = word.value.partition("=")
    if not _NAME_RE.fullmatch(name.rstrip("+")):
        return None  # NAME[i]=v: an array element
    raw = word.raw.partition("=")[2]
    if raw.startswith("(") or "~" in raw:
        return None  # an array, or a tilde the shell expands
    if word.has_expansion:
        if "'" in raw or "\\" in raw:
            return None  # quoted `$` mixed with expansions: the value text cannot tell them apart
        value = expand_value(value, env)
        if value is None:
            return None
    if name.endswith("+"):
        old = env.get(name[:-1], "")
        if old is None:
            return None  # appended to a value that is not known
        value = old + value
    return value


def shell_vars(ctx, instr, base: Mapping[str, str]) -> dict[int, ShellView]:
    """id(shell word) -> the ``ShellView`` it is expanded with, for every word with an expansion
    in the RUN's scripts.

    Only what is certain is followed: plain assignments (``X=v``, ``export X=v``) made in
    sequence by the script itself, outside any compound command, substitution, pipeline or
    background job, and not after an ``||`` or a test's ``&&`` (``[ -z "$X" ] && X=y``).  Any
    other way a variable is set (a loop, a branch, a function body, ``read``, ``$(...)``,
    ``eval``) makes its value unknown from there on.  Each script is a shell of its own: a
    heredoc fed to a shell (``bash <<EOF``) and a double-quoted ``sh -c "..."`` are expanded
    by the shell that feeds them, so they see the variables at the command that runs them."""
    pairs = list(ctx.commands(instr))
    sets_of = [_sets(cmd) for _, cmd in pairs]
    everywhere = frozenset(name for sets, _ in sets_of for name, _ in sets)
    if not everywhere and not any(opaque for _, opaque in sets_of):
        return {}  # the RUN sets no variable: every word sees the Dockerfile's environment
    lone = None
    out: dict[int, ShellView] = {}
    by_cmd: dict[int, ShellView] = {}
    states: dict[int, Optional[_ScriptVars]] = {}  # id(script) -> its variables (None: not followed)
    untracked = _ScriptVars(everywhere)
    conds: dict[int, bool] = {}  # id(script) -> its current and-or list has run a test or an ||
    background = _backgrounded(pairs)
    seq = 0
    for (script, cmd), (sets, opaque) in zip(pairs, sets_of):
        key = id(script)
        if key not in states:
            if script.outer is not None and not _single_quoted(script):
                states[key] = None  # `sh -c "..."`: expanded by the shell that runs it
            elif script.heredoc is not None:
                if lone is None:
                    lone = lone_heredoc(instr)
                states[key] = _ScriptVars(frozenset()) if lone else None
            else:
                states[key] = _ScriptVars(everywhere if script.outer is not None else frozenset())
        vars = states[key]
        seq += 1
        if vars is None:
            view = by_cmd.get(id(script.outer[1])) if script.outer is not None else None
            if view is None:
                view = ShellView(base, untracked, seq)
        else:
            view = ShellView(base, vars, seq)
        by_cmd[id(cmd)] = view
        for w in (*cmd.assignments, *cmd.words, *(t for _, t in cmd.redirects if t is not None)):
            if w.has_expansion:
                out[id(w)] = view
        if vars is None:
            continue
        top = _top(cmd)
        cond = conds.get(key, False)
        if top:
            conn = cmd.connector_before
            if conn in (None, ";", "\n", "&"):
                cond = False
            elif conn == "||":
                cond = True
        elif not cmd.in_substitution:
            cond = True  # in a compound command that is an element of the and-or list
        certain = top and cmd.pipe_length == 1 and not cond and id(cmd) not in background
        for name, word in sets:
            seq += 1
            if cmd.in_function:
                vars.sticky.setdefault(name, seq)
            value = _assigned_value(word, ShellView(base, vars, seq)) if certain and word is not None else None
            vars.set(name, seq, value)
        if opaque:
            vars.opaque.append(seq)
        if top and (cmd.negated or cmd.words and cmd.words[0].value in _TESTS):
            cond = True
        conds[key] = cond
    return out


def _top(cmd) -> bool:
    """A command (or pipeline element) of the script's own command lists, outside any compound
    command or substitution: it runs once, when the script reaches it."""
    return not (cmd.in_substitution or cmd.in_subshell or cmd.in_compound or cmd.depth)


def _single_quoted(script) -> bool:
    """``sh -c '...'``: the script's text was in single quotes in the command that runs it."""
    outer = script.outer[0]
    at = script._base - outer._base - 1
    return 0 <= at < len(outer.text) and outer.text[at] == "'"


def _backgrounded(pairs) -> set[int]:
    """id() of the top-level commands of an and-or list run in the background (``X=1 &``)."""
    out: set[int] = set()
    current: dict[int, list[int]] = {}  # id(script) -> its current and-or list
    for script, cmd in pairs:
        if not _top(cmd):
            continue
        conn = cmd.connector_before
        if conn in (None, ";", "\n", "&"):
            if conn == "&":
                out.update(current.get(id(script), ()))
            current[id(script)] = []
        current.setdefault(id(script), []).append(id(cmd))
    return out


# -- mounts, stages, paths ---------------------------------------------------------------

class Mount(Record):
    type: str
    target: str  # absolute; "" when the mount has none (ssh, secret)
    flag: object  # the syntax Flag

    __slots__ = ("type", "target", "flag")

    def __init__(self, type: str, target: str, flag: object) -> None:
        self.type = type
        self.target = target
        self.flag = flag


def mounts(ctx, instr) -> list[Mount]:
    """``RUN --mount`` flags with their (expanded, absolute) targets."""
    return ctx.memo(("mounts", id(instr)), lambda: _mounts(ctx, instr))


def _mounts(ctx, instr) -> list[Mount]:
    out: list[Mount] = []
    step = ctx.step(instr)
    workdir = step.state.workdir if step is not None else None
    for f in instr.flags:
        if f.name != "mount" or not f.value:
            continue
        kv = {k: v for k, (v, _, _) in parse_mount(f.value).items()}
        target = kv.get("target")
        if target:
            if step is not None and "$" in target:
                target = step.expand(target)[0]
            target = image_path(target, workdir or "/")
        out.append(Mount(kv.get("type", "bind"), target or "", f))  # ssh/secret mounts may have none
    return out


def cache_mounted(mts: list[Mount], path: str) -> Optional[Mount]:
    """The cache or tmpfs mount that holds ``path`` (a mount on it or on a parent)."""
    for m in mts:
        if m.type in ("cache", "tmpfs") and m.target and under(path, m.target):
            return m
    return None


def under(path: Optional[str], root: Optional[str]) -> bool:
    """``path`` is ``root`` or inside it."""
    if path is None or root is None:
        return False
    root = root.rstrip("/") or "/"
    return path == root or root == "/" or path.startswith(root + "/")


def home_dir(ctx, instr) -> Optional[str]:
    """$HOME of the RUN's user when it can be known (root: /root)."""
    env = run_env(ctx, instr)
    if "HOME" in env and env["HOME"].startswith("/"):
        return env["HOME"]
    step = ctx.step(instr)
    user = step.state.user if step is not None else None
    if user is None or user.split(":")[0] in ("root", "0"):
        return "/root"
    return None


def ships(ctx, instr) -> bool:
    """Whether the RUN's layer ends up in the built image: it runs in the target stage (or a
    stage the target is built FROM), or it is an ONBUILD trigger (it runs in the image
    built on this one)."""
    return instr.parent is not None or ctx.graph.ships(ctx.stage_of(instr))


class Located(Record):
    """A call with the working directory it runs in (None: unknown)."""
    call: Call
    cwd: Optional[str]

    __slots__ = ("call", "cwd")

    def __init__(self, call: Call, cwd: Optional[str]) -> None:
        self.call = call
        self.cwd = cwd


def located_calls(ctx, instr) -> list[Located]:
    """Calls of a RUN with their working directory, following top-level ``cd`` (worked out
    once per file: several rules, and the cache rules for every earlier RUN, ask again)."""
    return ctx.memo(("located_calls", id(instr)), lambda: list(_located_calls(ctx, instr)))


def _located_calls(ctx, instr) -> Iterator[Located]:
    step = ctx.step(instr)
    base = step.state.workdir if step is not None and instr.parent is None else None
    env = run_env(ctx, instr)
    home = home_dir(ctx, instr)
    # the working directory by subshell depth, per script: an inline `sh -c '...'` starts where
    # the command that runs it is, and its own cd ends with it
    states: dict[int, dict[int, Optional[str]]] = {}
    for call in calls(ctx, instr):
        cwd_by_depth = states.get(id(call.script))
        if cwd_by_depth is None:
            start = base
            if call.script.outer is not None:
                outer_script, outer_cmd = call.script.outer
                outer = states.get(id(outer_script))
                if outer is not None:
                    start = outer[max(d for d in outer if d <= outer_cmd.depth)]
            cwd_by_depth = states[id(call.script)] = {0: start}
        depth = call.cmd.depth
        for d in [d for d in cwd_by_depth if d > depth]:
            del cwd_by_depth[d]  # a subshell ended: its cd is gone
        cwd = cwd_by_depth[max(d for d in cwd_by_depth if d <= depth)]
        yield Located(call, cwd)
        if call.prog == "cd" and not call.cmd.in_substitution:
            target = next((w for w in call.args if not w.value.startswith("-")), None)
            if target is None:
                new = home
            else:
                vals = word_values(target, env)
                new = None
                if vals and len(vals) == 1:
                    t = vals[0]
                    if t.startswith("~"):
                        t = (home + t[1:]) if home else ""
                    new = image_path(t, cwd) if t else None
            cwd_by_depth[depth] = new


def resolve(word, cwd: Optional[str], env: dict[str, str], home: Optional[str]) -> Optional[str]:
    """Absolute path a word names (globs kept), or None when it cannot be known."""
    if isinstance(env, RunEnv):
        env = env.at(word)  # the shell variables set before the word
    vals = word_values(word, Layered({"HOME": home}, env) if home else env, getattr(env, "allowance", None))
    if not vals or len(vals) != 1:
        return None
    p = vals[0]
    if p.startswith("~/") or p == "~":
        if home is None:
            return None
        p = home + p[1:]
    return image_path(p, cwd)


# -- package-manager caches ----------------------------------------------------------------

_GLOB = re.compile(r"[*?\[]")
RPM_CACHES = ("/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5")


def clears(path: str, target: str) -> bool:
    """Whether deleting ``path`` (globs allowed) empties directory ``target``."""
    parts = path.split("/")
    base_parts = []
    glob = False
    for p in parts:
        if _GLOB.search(p):
            glob = True
            break
        base_parts.append(p)
    base = "/".join(base_parts) or "/"
    target = target.rstrip("/")
    if glob:
        return base.rstrip("/") == target or under(target, base)
    return under(target, base)


def cleared_dir(path: str) -> str:
    """The directory that deleting ``path`` (globs allowed) empties, as ``under`` compares it:
    ``clears(path, target)`` is ``under(target, cleared_dir(path))``."""
    base = []
    for part in path.split("/"):
        if _GLOB.search(part):
            break
        base.append(part)
    return "/".join(base).rstrip("/") or "/"


def dirs_holding(target: str) -> set[str]:
    """Every directory ``d`` with ``under(target, d)`` (so ``clears(path, target)`` is
    ``cleared_dir(path) in dirs_holding(target)``, a lookup instead of a comparison)."""
    t = target.rstrip("/")
    out = {"/", t}
    out.update(t[:i] for i, ch in enumerate(t) if ch == "/" and i > 0)
    return out


def clean_kind(call, pc) -> str | None:
    """The cache a cleaning command empties (``apt-get clean`` -> apt-archives...)."""
    args = [w.value for w in call.args]
    if pc is not None:
        ops = [w.value for w in pc.parsed.operands]
        if pc.family == "apt" and pc.sub in ("clean", "autoclean"):
            return "apt-archives"
        if pc.family == "apt" and pc.sub == "dist-clean":
            return "apt-lists"  # apt >= 3: lists and archives
        if pc.family == "rpm" and pc.sub == "clean":
            return "rpm"
        if pc.family == "zypper" and pc.sub in ("clean", "cc"):
            return "zypper"
        if pc.family == "apk" and pc.sub == "cache" and ops[:1] in (["clean"], ["purge"]):
            return "apk"
        if pc.family == "npm" and pc.sub == "cache" and ops[:1] == ["clean"]:
            return "npm"
        if pc.family == "pip" and pc.sub == "cache" and ops[:1] in (["purge"], ["remove"]):
            return "pip"
        return None
    if call.prog == "yarn" and args[:2] == ["cache", "clean"]:
        return "yarn"
    if call.prog == "uv" and args[:1] == ["cache"] and args[1:2] in (["clean"], ["prune"]):
        return "uv"
    return None


def run_caches(ctx, instr) -> "RunCaches":
    """``RunCaches(ctx, instr)``, made once per file."""
    return ctx.memo(("run_caches", id(instr)), lambda: RunCaches(ctx, instr))


class RunCaches:
    """What one RUN deletes and cleans, in command order (for the cache rules)."""

    def __init__(self, ctx, instr):
        self.instr = instr
        self.env = run_env(ctx, instr)
        self.home = home_dir(ctx, instr)
        self.located = list(located_calls(ctx, instr))
        self.removed: list[tuple[int, str]] = []
        self.cleans: list[tuple[int, str]] = []
        self.exports: list[tuple[int, str, str]] = []  # (index, name, value) of `export X=v`
        self.pms = []
        for i, lc in enumerate(self.located):
            call = lc.call
            pc = pm_call(call, self.env)
            self.pms.append(pc)
            if call.prog in ("rm", "find"):
                for eff in effects(lc, self.env, self.home):
                    if eff.kind == "delete":
                        self.removed.append((i, eff.path))
            elif call.prog == "export":
                for w in call.args:
                    name, eq, val = w.value.partition("=")
                    if eq:
                        self.exports.append((i, name, val))
            else:
                kind = clean_kind(call, pc)
                if kind is not None:
                    self.cleans.append((i, kind))

    # The questions below are asked for every command of the RUN: the indexes make each a few
    # lookups (scanning the RUN's commands again each time was quadratic in a RUN of thousands).
    def _index(self) -> None:
        self._last_clean: dict[str, int] = {}  # kind -> index of its last clean
        self._last_removed: dict[str, int] = {}  # directory emptied (cleared_dir) -> last index
        self._at: dict[int, tuple[list[str], list[str]]] = {}  # index -> (kinds cleaned, paths removed)
        self._exports: dict[str, list[tuple[int, str]]] = {}  # name -> [(index, value)]
        for j, k in self.cleans:
            self._last_clean[k] = j
            self._at.setdefault(j, ([], []))[0].append(k)
        for j, p in self.removed:
            self._last_removed[cleared_dir(p)] = j
            self._at.setdefault(j, ([], []))[1].append(p)
        for j, n, v in self.exports:
            self._exports.setdefault(n, []).append((j, v))

    def cleaned(self, after: int, kind: str, paths) -> bool:
        """A command after index ``after`` empties this cache (or deletes a directory holding one of ``paths``)."""
        if not hasattr(self, "_at"):
            self._index()
        if self._last_clean.get(kind, -1) > after:
            return True
        return any(self._last_removed.get(d, -1) > after for t in paths if t for d in dirs_holding(t))

    def cleaned_at(self, i: int, kind: str, paths) -> bool:
        """The command at index ``i`` empties this cache."""
        if not hasattr(self, "_at"):
            self._index()
        kinds, removed = self._at.get(i, ((), ()))
        if kind in kinds:
            return True
        return any(clears(p, t) for p in removed for t in paths if t)

    def cleaned_after(self, i: int, kind: str) -> bool:
        """A command after index ``i`` cleans ``kind`` (``apt-get clean`` for apt-archives...)."""
        if not hasattr(self, "_at"):
            self._index()
        return self._last_clean.get(kind, -1) > i

    def var(self, i: int, call, name: str):
        """Value of ``name`` for the command at index ``i``: a prefix assignment, `env X=`,
        an earlier `export`, or the Dockerfile's ARG/ENV."""
        for w in list(call.cmd.assignments) + list(call.cmd.words):
            n, eq, v = w.value.partition("=")
            if eq and n == name:
                return v
        if not hasattr(self, "_at"):
            self._index()
        exports = self._exports.get(name, ())
        k = bisect_left(exports, (i, "")) - 1  # the last export before command i
        val = exports[k][1] if k >= 0 else None
        if val is not None:
            return val
        return self.env.get(name)

    def later_apk_no_cache(self, i: int) -> bool:
        """An `apk add --no-cache` after command ``i``."""
        if not hasattr(self, "_last_apk_nc"):
            self._last_apk_nc = max((j for j, q in enumerate(self.pms) if q is not None and q.family == "apk"
                                     and q.sub == "add" and q.parsed.has("--no-cache")), default=-1)
        return self._last_apk_nc > i


def _dir(value, cwd):
    return image_path(value, cwd or "/") if value else None


def _mounted(mts, paths, suffixes=()):
    if any(p and cache_mounted(mts, p) for p in paths):
        return True
    return any(m.type in ("cache", "tmpfs") and m.target.rstrip("/").endswith(suffixes) for m in mts) \
        if suffixes else False


def cache_trigger(r: "RunCaches", i: int, lc, pc, mts):
    """(kind, cache paths, word, message, fix, hadolint codes) when this call fills a cache."""
    call = lc.call
    home = r.home
    if pc is not None and pc.family == "apt" and pc.sub == "update":
        paths = ["/var/lib/apt/lists"]
        if _mounted(mts, paths):
            return None
        note = ""
        if r.cleaned_after(i, "apt-archives"):
            note = " (`apt-get clean` empties /var/cache/apt, not the lists)"
        return ("apt-lists", paths, pc.sub_word,
                f"`{pc.prog} update` leaves the package lists (/var/lib/apt/lists, typically 20-50 MB) in this "
                f"layer{note}: end the RUN with `rm -rf /var/lib/apt/lists/*`, or mount a cache "
                "(`--mount=type=cache,target=/var/lib/apt/lists,sharing=locked`)", None, ("DL3009",))
    if pc is not None and pc.family == "apk" and pc.sub in ("add", "update"):
        paths = ["/var/cache/apk", "/etc/apk/cache"]
        if pc.parsed.has("--no-cache") or _mounted(mts, paths):
            return None
        if pc.sub == "update":
            if not r.later_apk_no_cache(i):
                return None  # reported at the `apk add` that uses the index
            return ("apk", paths[:1], pc.sub_word,
                    "`apk update` stores the package index in /var/cache/apk, in this layer; `apk add --no-cache` "
                    "fetches a fresh index anyway: drop `apk update`", None, ("DL3019",))
        return ("apk", paths[:1], pc.sub_word,
                "`apk add` without `--no-cache` keeps the package index in /var/cache/apk in this layer; "
                "add `--no-cache`", pc.insert_after_sub(" --no-cache", "add --no-cache"), ("DL3019",))
    if pc is not None and pc.family == "rpm" and pc.sub in (
            "install", "groupinstall", "localinstall", "reinstall", "update", "upgrade", "group install",
            "module install", "distro-sync"):
        if pc.prog == "yum":
            paths, code = ["/var/cache/yum"], "DL3032"
        else:
            paths, code = list(RPM_CACHES), "DL3040"
        if _mounted(mts, paths):
            return None
        return ("rpm", paths, pc.sub_word,
                f"`{pc.prog} {pc.sub}` leaves its metadata and package cache ({paths[0]}) in this layer: end the "
                f"RUN with `{pc.prog} clean all`, or mount a cache on {paths[0]}", None, (code,))
    if pc is not None and pc.family == "zypper" and pc.sub in ("install", "in", "update", "up", "dist-upgrade",
                                                               "dup", "patch"):
        paths = ["/var/cache/zypp"]
        if _mounted(mts, paths):
            return None
        return ("zypper", paths, pc.sub_word,
                f"`zypper {pc.sub}` leaves its cache (/var/cache/zypp) in this layer: end the RUN with "
                "`zypper clean --all`, or mount a cache on /var/cache/zypp", None, ("DL3036",))
    if pc is not None and pc.family == "pip" and pc.sub == "install":
        return _pip(r, i, lc, pc, mts)
    if call.prog == "uv":
        return _uv(r, i, lc, mts)
    if call.prog == "yarn":
        args = [w.value for w in call.args if not w.value.startswith("-")]
        if args[:1] not in ([], ["install"]):
            return None
        cache = r.var(i, call, "YARN_CACHE_FOLDER")
        cache = _dir(cache, lc.cwd) if cache else (
            "/usr/local/share/.cache/yarn" if home == "/root" else (home + "/.cache/yarn" if home else None))
        paths = [cache] if cache else []
        if _mounted(mts, paths, ("/.cache/yarn", "/yarn")) or r.cleaned(i, "yarn", paths):
            return None
        word = call.args[0] if call.args and call.args[0].value == "install" else call.prog_word
        return ("yarn", paths, word,
                f"`yarn{' install' if args else ''}` leaves its package cache ({cache or 'the yarn cache'}) in this "
                "layer: end the RUN with `yarn cache clean`, or mount a cache on it", None, ("DL3060",))
    if pc is not None and pc.family == "npm" and pc.sub in ("install", "i", "ci", "add", "isntall", "in"):
        opt = pc.parsed.values("--cache")
        cache = _dir(opt[-1], lc.cwd) if opt else None
        if cache is None:
            v = r.var(i, call, "npm_config_cache") or r.var(i, call, "NPM_CONFIG_CACHE")
            cache = _dir(v, lc.cwd) if v else (home + "/.npm" if home else None)
        paths = [cache] if cache else []
        if _mounted(mts, paths, ("/.npm",)):
            return None
        return ("npm", paths, pc.sub_word,
                f"`npm {pc.sub}` leaves its download cache ({cache or '~/.npm'}) in this layer: end the RUN with "
                f"`npm cache clean --force`, or mount a cache (`--mount=type=cache,target={cache or '/root/.npm'}`)",
                None, ())
    return None


def _pip(r: "RunCaches", i: int, lc, pc, mts):
    call = lc.call
    p = pc.parsed
    if p.has("--no-cache-dir", "--no-cache"):
        return None
    if r.var(i, call, "PIP_NO_CACHE_DIR") not in (None, ""):
        return None  # pip disables its cache for any valid value, even "0" / "false"
    ops = [w.value for w in p.operands]
    local = all(v.startswith((".", "/")) or v.endswith((".whl", ".tar.gz", ".zip")) for v in ops)
    if p.has("--no-index") or (p.has("--no-deps") and ops and local and not p.has("-r", "--requirement")):
        return None  # nothing is downloaded
    opt = p.values("--cache-dir")
    if opt:
        cache = _dir(opt[-1], lc.cwd)
    elif r.var(i, call, "PIP_CACHE_DIR"):
        cache = _dir(r.var(i, call, "PIP_CACHE_DIR"), lc.cwd)
    elif r.var(i, call, "XDG_CACHE_HOME"):
        cache = _dir(r.var(i, call, "XDG_CACHE_HOME"), lc.cwd) + "/pip"
    else:
        cache = r.home + "/.cache/pip" if r.home else None
    paths = [cache] if cache else []
    if _mounted(mts, paths, ("/.cache/pip", "/.cache")) or r.cleaned(i, "pip", paths):
        return None
    where = cache or "~/.cache/pip"
    target = cache or "/root/.cache/pip"
    return ("pip", paths, pc.sub_word,
            f"`{pc.prog} install` without `--no-cache-dir` keeps downloaded and built packages in {where}, "
            f"in this layer; add `--no-cache-dir` (or mount a cache: `--mount=type=cache,target={target}`)",
            pc.insert_after_sub(" --no-cache-dir", "add --no-cache-dir"), ("DL3042",))


def _uv(r: "RunCaches", i: int, lc, mts):
    call = lc.call
    args = [w for w in call.args]
    vals = [w.value for w in args]
    if vals[:2] == ["pip", "install"]:
        word = args[1]
    elif vals[:1] in (["sync"], ["add"]) or vals[:2] == ["tool", "install"]:
        word = args[0] if vals[0] != "tool" else args[1]
    else:
        return None
    if "--no-cache" in vals or "-n" in vals or r.var(i, call, "UV_NO_CACHE") not in (None, "", "0", "false"):
        return None
    c = r.var(i, call, "UV_CACHE_DIR")
    cache = _dir(c, lc.cwd) if c else (r.home + "/.cache/uv" if r.home else None)
    paths = [cache] if cache else []
    if _mounted(mts, paths, ("/.cache/uv", "/.cache")) or r.cleaned(i, "uv", paths):
        return None
    return ("uv", paths, word,
            f"`uv {' '.join(vals[:2]) if vals[0] in ('pip', 'tool') else vals[0]}` keeps its cache ({cache or '~/.cache/uv'}) "
            f"in this layer; add `--no-cache` (or mount a cache: `--mount=type=cache,target={cache or '/root/.cache/uv'}`)",
            insert_after(call.script, origin(word), " --no-cache", "add --no-cache"), ())


# -- what commands do to files -------------------------------------------------------------

class Effect(Record):
    kind: str  # "create" (content), "delete", "modify" (metadata, empty dirs, in-place edits)
    path: str  # absolute; may hold globs for "delete"
    word: object  # shell word the path comes from (for positions)
    what: str  # how, for messages: "wget", "git clone", "> redirect"...
    subtree: bool  # a directory whose contents were created

    __slots__ = ("kind", "path", "word", "what", "subtree")

    def __init__(self, kind: str, path: str, word: object, what: str, subtree: bool = False) -> None:
        self.kind = kind
        self.path = path
        self.word = word
        self.what = what
        self.subtree = subtree


def _url_name(url: str) -> Optional[str]:
    url = url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if "://" not in url:
        return None
    name = url.rsplit("/", 1)[-1]
    return name or None


def effects(lc: Located, env: dict[str, str], home: Optional[str]) -> list[Effect]:
    """Files a command creates, deletes or modifies, as far as its arguments say."""
    call = lc.call
    cwd = lc.cwd
    prog = call.prog
    out: list[Effect] = []

    def res(word):
        return resolve(word, cwd, env, home)

    def add(kind, word, what, path=None, subtree=False):
        p = path if path is not None else res(word)
        if p is not None and not p.startswith("/dev/") and not p.startswith("/proc/"):
            out.append(Effect(kind, p, word, what, subtree))

    for op, target in call.cmd.redirects:
        base = op.lstrip("0123456789")
        if target is not None and base in (">", ">>", ">|", "&>", "&>>"):
            add("create", target, "a `>` redirection")
    args = call.args
    if prog in ("rm", "rmdir", "unlink"):
        p = parse_options(args)
        for w in p.operands:
            for alt in brace_words(w):
                add("delete" if prog != "rmdir" else "modify", alt, prog)
    elif prog == "find":
        vals = [w.value for w in args]
        if "-delete" in vals or ("-exec" in vals and vals[vals.index("-exec") + 1:][:1] == ["rm"]):
            for w in args:
                if w.value.startswith(("-", "(", "!")):
                    break
                add("delete", w, "find -delete")
    elif prog in ("mkdir", "touch", "chown", "chmod", "chgrp", "ln", "setfacl", "chattr"):
        p = parse_options(args, "m" if prog == "mkdir" else "", frozenset({"--mode", "--reference"}))
        ops = p.operands
        if prog in ("chown", "chmod", "chgrp") and not p.has("--reference") and ops:
            ops = ops[1:]
        if prog == "ln":
            ops = ops[-1:] if len(ops) >= 2 else []
        for w in ops:
            add("modify", w, prog)
    elif prog in ("cp", "mv", "install", "rsync"):
        p = parse_options(args, "tSmogb" if prog == "install" else "tS",
                          frozenset({"--target-directory", "--suffix", "--mode", "--owner", "--group"}))
        ops = p.operands
        tdir = p.first("-t", "--target-directory")
        if prog == "install" and p.has("-d", "--directory"):
            for w in ops:
                add("modify", w, "install -d")
            return out
        if tdir is not None:
            dest_dir = res(tdir.where)
            for w in ops:
                name = posixpath.basename((w.value or "").rstrip("/"))
                if dest_dir and name and "$" not in name:
                    add("create", tdir.where, prog, posixpath.join(dest_dir, name))
            srcs = ops
        elif len(ops) >= 2:
            dest = ops[-1]
            srcs = ops[:-1]
            dp = res(dest)
            if dp is not None:
                if len(srcs) > 1 or dest.value.endswith("/"):
                    for w in srcs:
                        name = posixpath.basename(w.value.rstrip("/"))
                        if name and "$" not in name:
                            add("create", dest, prog, posixpath.join(dp, name))
                else:
                    add("create", dest, prog, dp)
        else:
            srcs = []
        if prog == "mv":
            for w in srcs:
                add("delete", w, "mv")
    elif prog == "wget":
        p = parse_options(args, "OoaPeTtUiBwQlADRXIY", frozenset({"--output-document", "--directory-prefix",
                                                                  "--output-file", "--append-output"}),
                          long_prefixes=("-nv", "-nc", "-nd", "-nH", "-np"))
        out_doc = p.first("-O", "--output-document")
        if out_doc is not None:
            if out_doc.value not in ("-", None):
                add("create", out_doc.where, "wget -O")
        else:
            prefix = p.first("-P", "--directory-prefix")
            base = res(prefix.where) if prefix is not None else cwd
            for w in p.operands:
                name = _url_name(w.value)
                if name and base:
                    add("create", w, "wget", posixpath.join(base, name))
    elif prog == "curl":
        p = parse_options(args, "oOdHuAeEKrTXyYzbcCFmDwxUQt",
                          frozenset({"--output", "--output-dir", "--data", "--header", "--user", "--user-agent",
                                     "--referer", "--cert", "--key", "--request", "--proxy", "--max-time",
                                     "--retry", "--config", "--write-out", "--cacert", "--connect-timeout",
                                     "--data-binary", "--data-raw", "--form", "--url", "--dump-header",
                                     "--range", "--upload-file", "--cookie", "--cookie-jar"}))
        outs = [o for o in p.opts if o.name in ("-o", "--output")]
        for o in outs:
            if o.value not in ("-", None, "/dev/null"):
                add("create", o.where, "curl -o")
        if p.has("-O", "--remote-name", "--remote-name-all") and not outs:
            d = p.first("--output-dir")
            base = res(d.where) if d is not None else cwd
            for w in p.operands:
                name = _url_name(w.value)
                if name and base:
                    add("create", w, "curl -O", posixpath.join(base, name))
    elif prog == "git" and args and args[0].value == "clone":
        p = parse_options(args[1:], "boc", frozenset({"--branch", "--origin", "--config", "--depth", "--reference",
                                                      "--separate-git-dir", "--template", "--filter", "--jobs"}))
        ops = p.operands
        if len(ops) >= 2:
            add("create", ops[1], "git clone", subtree=True)
        elif len(ops) == 1 and cwd:
            name = ops[0].value.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            name = name[:-4] if name.endswith(".git") else name
            if name and "$" not in name:
                add("create", ops[0], "git clone", posixpath.join(cwd, name), subtree=True)
    elif prog in ("tar", "bsdtar", "unzip", "7z"):
        vals = [w.value for w in args]
        if prog == "tar" or prog == "bsdtar":
            first = vals[0] if vals else ""
            extract = any(v in ("-x", "--extract", "--get") or (v.startswith("-") and not v.startswith("--") and "x" in v)
                          for v in vals) or (first and not first.startswith("-") and "x" in first)
            if not extract:
                return out
            p = parse_options(args, "CfbTXIK", frozenset({"--directory", "--file", "--exclude-from", "--files-from",
                                                           "--use-compress-program", "--strip-components"}))
            d = p.first("-C", "--directory")
            dest = res(d.where) if d is not None else cwd
            word = d.where if d is not None else call.prog_word
        elif prog == "unzip":
            p = parse_options(args, "dx", frozenset())
            d = p.first("-d")
            dest = res(d.where) if d is not None else cwd
            word = d.where if d is not None else call.prog_word
        else:
            return out
        if dest:
            out.append(Effect("create", dest, word, prog, True))
    elif prog == "sed" and any(w.value.startswith("-i") or w.value.startswith("--in-place") for w in args):
        p = parse_options(args, "ef", frozenset({"--expression", "--file"}))
        ops = p.operands if p.has("-e", "--expression", "-f", "--file") else p.operands[1:]
        for w in ops:
            add("modify", w, "sed -i")
    return out


def brace_words(word) -> list:
    """``/var/lib/{apt,dpkg}/x`` -> words for each alternative (one level, several groups)."""
    v = word.value
    if "{" not in v or "}" not in v or word.has_expansion and "${" in v:
        return [word]
    m = re.search(r"\{([^{}]*,[^{}]*)\}", v)
    if m is None:
        return [word]
    out = []
    for alt in m.group(1).split(","):
        sub = Expanded(v[:m.start()] + alt + v[m.end():], origin(word))
        out.extend(brace_words(sub))
    return out


SYSTEM_DIRS = frozenset({"/", "/usr", "/usr/local", "/usr/share", "/usr/lib", "/usr/bin", "/usr/local/bin",
                         "/usr/local/lib", "/usr/local/share", "/bin", "/sbin", "/lib", "/lib64", "/etc", "/var",
                         "/var/lib", "/var/cache", "/opt", "/home", "/root", "/tmp", "/srv", "/run", "/var/tmp"})


def deletes(pattern: str, path: str) -> bool:
    """Whether deleting ``pattern`` (globs allowed) removes ``path``."""
    import fnmatch
    if not _GLOB.search(pattern):
        return under(path, pattern)
    parts = path.split("/")
    for k in range(1, len(parts) + 1):
        prefix = "/".join(parts[:k]) or "/"
        if fnmatch.fnmatchcase(prefix, pattern):
            return True
    return False
