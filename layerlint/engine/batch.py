"""Run the linter over paths: files, directories (discovered), and ``-`` (stdin).

Large batches go to worker processes (one per core, or ``jobs``, bounded by the work and by
MAX_WORKERS_PER_CPU); a handful of files stays in this process so a single-file run pays no
start-up cost for workers.  Workers end with this process: on SIGTERM/SIGINT it ends them
and then itself, and on Linux the kernel kills them if it dies any other way.
"""
from __future__ import annotations

import os
import sys

from .settings import Settings
from .results import FileError, FileResult
from .lint_file import lint_bytes, lint_path
from ..syntax import MAX_BYTES

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional

PARALLEL_THRESHOLD = 64  # files; below this, workers cost more than they save
# Linting is CPU-bound, but a worker also waits on its ShellCheck processes: a few workers per
# CPU still help, more only cost memory and start-up (`-j 300` on 4 CPUs gives 16).
MAX_WORKERS_PER_CPU = 4


def collect(paths, errors: list[FileResult], skipped: Optional[list] = None, excluded=None,
            force_exclude: bool = False) -> list[str]:
    """The files to lint: ``paths`` with each directory replaced by what discovery finds in it.
    ``skipped`` (when given) receives a (path, reason) for each file discovery left out for safety
    (a symlink out of the tree, a FIFO...).  ``excluded`` (discover.Exclusion): what discovery
    leaves out, and with ``force_exclude`` files named here too."""
    from .discover import discover

    def on_error(d, msg):
        errors.append(FileResult(d, errors=[FileError(d, 0, 0, f"cannot read directory: {msg}")]))
    on_skip = None if skipped is None else (lambda path, reason: skipped.append((path, reason)))
    files: list[str] = []
    for p in paths:
        if p == "-":
            files.append(p)
        elif os.path.isdir(p):
            files += discover(p, on_error=on_error, on_skip=on_skip, excluded=excluded)
        elif not (force_exclude and excluded is not None and excluded.covers(p)):
            files.append(p)  # named explicitly: linted as named
    return _once(files)


def _once(files: list[str]) -> list[str]:
    """``files`` with each file kept once, under the first name it was reached by: ``Dockerfile
    ./Dockerfile .`` or a link beside its target lints (and counts) one file, not three."""
    seen: set = set()
    out = []
    for f in files:
        key = f if f == "-" else os.path.realpath(f)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _lint_one(args) -> FileResult:
    path, settings, diagram = args
    return lint_path(path, settings, diagram=diagram)


def _lint_chunk(args) -> list[FileResult]:
    """A worker's share of the files with ShellCheck on: one ShellCheck batch for all of them."""
    paths, settings, diagram = args
    from .shellcheck import Batch
    batch = Batch()
    try:
        return [lint_path(p, settings, shellcheck_batch=batch, diagram=diagram) for p in paths]
    finally:
        batch.close()


def _cpus() -> int:
    """CPUs this process may run on (its affinity mask, as a container's cpuset limits it),
    not the host's count."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _fork_context(settings):
    """Workers forked from this process start at once with every module and rule already
    imported (spawn or forkserver would import them again in each worker); None (the
    platform default) where fork is missing or unsafe (threads running)."""
    import multiprocessing
    import threading
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return None
    from .settings import selected_rules
    selected_rules(settings)  # load the rule modules once, before the fork
    return multiprocessing.get_context("fork")


def run_paths(paths, settings: Settings, stdin_filename: Optional[str] = None, jobs: int = 0,
              diagram: bool = False, skipped: Optional[list] = None) -> list[FileResult]:
    """Lint ``paths``.  ``diagram``: each result also carries its file's stage diagram (plain
    data for ``--format summary``, small enough to come back from a worker).  ``skipped``: see
    ``collect`` (notices, not errors: they do not change the exit code)."""
    results: list[FileResult] = []
    files = collect(paths, results, skipped, settings.exclusion(), settings.force_exclude)
    todo = [f for f in files if f != "-"]
    batch = None
    if settings.shellcheck:
        from . import shellcheck
        if shellcheck.available():  # warns here once when it is not, instead of in every worker
            batch = shellcheck.Batch(max_procs=_cpus())
        else:
            settings = settings.replace(shellcheck=False)
    try:
        _run(files, todo, settings, stdin_filename, jobs, batch, results, diagram)
    finally:
        if batch is not None:
            batch.close()
    return results


def _run(files, todo, settings, stdin_filename, jobs, batch, results, diagram=False) -> None:
    if "-" in files:
        name = stdin_filename or "-"
        try:
            if sys.stdin is None:  # `layerlint - <&-`
                raise OSError("standard input is closed")
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        except (OSError, ValueError) as exc:
            results.append(FileResult(name, errors=[FileError(name, 0, 0, f"cannot read stdin: {exc}")]))
        else:
            ctx_dir = os.path.dirname(os.path.abspath(stdin_filename)) if stdin_filename else os.getcwd()
            results.append(lint_bytes(data, name, settings, context_dir=ctx_dir, real_path=stdin_filename,
                                      shellcheck_batch=batch, diagram=diagram))
    if len(todo) >= PARALLEL_THRESHOLD and worker_count(jobs, len(todo)) > 1:
        results += _run_pool(todo, settings, jobs, batch is not None, diagram)
    else:
        results += [lint_path(f, settings, shellcheck_batch=batch, diagram=diagram) for f in todo]


def worker_count(jobs: int, units: int) -> int:
    """Worker processes for ``units`` pieces of work: ``jobs`` (0: one per CPU), but never more
    than the pieces nor MAX_WORKERS_PER_CPU per CPU this process may use."""
    cpus = _cpus()
    return max(1, min(jobs if jobs > 0 else cpus, units, cpus * MAX_WORKERS_PER_CPU))


def _run_pool(todo, settings, jobs, shellcheck, diagram) -> list[FileResult]:
    workers = worker_count(jobs, len(todo))
    if shellcheck:  # a ShellCheck batch per chunk of files, in each worker
        size = -(-len(todo) // (workers * 4))
        work = [(todo[i:i + size], settings, diagram) for i in range(0, len(todo), size)]
        parts = _pool_map(_lint_chunk, work, 1, min(workers, len(work)), settings)
        return [r for part in parts for r in part]
    chunk = max(1, len(todo) // (workers * 8))
    work = [(f, settings, diagram) for f in todo]
    return _pool_map(_lint_one, work, chunk, min(workers, -(-len(work) // chunk)), settings)


def _pool_map(fn, work: list, chunksize: int, workers: int, settings) -> list:
    """``fn`` over ``work`` in ``workers`` processes, ``chunksize`` items a task.  A SIGTERM or
    SIGINT meanwhile ends the workers, then this process; an error ends them instead of waiting
    for the rest of the batch; and each worker dies with this process even when it is killed
    (_worker_start)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    ctx = _fork_context(settings) or multiprocessing.get_context()  # what the pool would take
    # a forkserver's workers are the server's children: their parent is not this process
    parent = 0 if ctx.get_start_method() == "forkserver" else os.getpid()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_start,
                               initargs=(parent,))
    previous = _end_on_signals(pool)
    done = False
    try:
        # submit, not map: map cancels its pending futures on an error, and Python 3.11's pool
        # then fails on them (InvalidStateError in its manager thread) and can hang at exit
        tasks = [pool.submit(_apply, fn, work[i:i + chunksize]) for i in range(0, len(work), chunksize)]
        out = [r for task in tasks for r in task.result()]
        done = True
        return out
    finally:
        _restore_signals(previous)
        if not done:
            _end_workers(pool)
        pool.shutdown(wait=done)


def _apply(fn, items: list) -> list:
    return [fn(item) for item in items]


def _end_workers(pool) -> None:
    """SIGTERM to each worker of ``pool`` (its default action: the worker ends at once)."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.terminate()
        except (OSError, ValueError, AttributeError):
            pass  # already gone


WORKER_GRACE = 5.0  # seconds a signalled worker has to clean up before this process ends


def _wait_workers(pool, grace: float) -> None:
    """Wait up to ``grace`` seconds for the workers of ``pool`` to exit: once this process ends,
    the kernel SIGKILLs them (PR_SET_PDEATHSIG), which would cut their clean-up short.  Polls
    with WNOHANG (a signal handler must not block on a lock); a worker reaped elsewhere is gone."""
    import time
    pids = [p.pid for p in list((getattr(pool, "_processes", None) or {}).values()) if p.pid]
    deadline = time.monotonic() + grace
    while pids and time.monotonic() < deadline:
        left = []
        for pid in pids:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                continue  # reaped already
            if not done:
                left.append(pid)
        pids = left
        if pids:
            time.sleep(0.02)


def _end_on_signals(pool) -> dict:
    """While ``pool`` runs, SIGTERM and SIGINT end its workers, then this process by the same
    signal (exit status 128+15 or 128+2, the convention for a process a signal ended).  Not a
    KeyboardInterrupt for SIGINT: unwinding would wait on the pool's threads, which a worker
    killed while sending its results leaves blocked for ever.  A signal ignored (nohup) or
    handled outside Python is left alone; only the main thread may set handlers.  Returns the
    handlers to restore."""
    import signal
    import threading
    if threading.current_thread() is not threading.main_thread():
        return {}
    me = os.getpid()
    previous: dict = {}

    def handle(signum, frame):
        if os.getpid() != me:  # a worker forked before its initializer reset this handler
            os._exit(128 + signum)
        _end_workers(pool)
        _wait_workers(pool, WORKER_GRACE)  # their own handlers end ShellCheck and remove its files
        shellcheck = sys.modules.get(__package__ + ".shellcheck")
        if shellcheck is not None:  # this process's own batch (stdin, a small run)
            shellcheck.cleanup()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(me, signum)

    for sig in (signal.SIGTERM, signal.SIGINT):
        old = signal.getsignal(sig)
        if old is not None and old != signal.SIG_IGN:
            previous[sig] = signal.signal(sig, handle)
    return previous


def _restore_signals(previous: dict) -> None:
    import signal
    for sig, old in previous.items():
        signal.signal(sig, old)


def _worker_start(parent: int) -> None:
    """A worker's initializer: SIGTERM takes its default action (the parent's handler is not
    the worker's), ^C is the parent's to handle (it ends the workers; one killed while sending
    a result would leave the pool stuck), and the worker dies with its parent."""
    import signal
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel sends this process SIGKILL when its parent ends, even by SIGKILL
    (PR_SET_PDEATHSIG); otherwise a worker would wait on its queue forever.  ``parent``: the pid
    expected as parent (0: do not check), to catch a parent that died before the prctl."""
    if not sys.platform.startswith("linux"):
        return
    import signal
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(ctypes.c_int(1), ctypes.c_ulong(signal.SIGKILL), ctypes.c_ulong(0),
                      ctypes.c_ulong(0), ctypes.c_ulong(0)) != 0:  # 1: PR_SET_PDEATHSIG
            return
    except (ImportError, OSError, AttributeError):
        return
    if parent and os.getppid() != parent:
        os._exit(1)
