"""Run the linter over paths: files, directories (discovered), and ``-`` (stdin).

Large batches go to worker processes (one per core); a handful of files stays in this
process so a single-file run pays no start-up cost for workers.
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


def collect(paths, errors: list[FileResult]) -> list[str]:
    from .discover import discover
    files: list[str] = []
    for p in paths:
        if p == "-":
            files.append(p)
        elif os.path.isdir(p):
            found = list(discover(p, on_error=lambda d, msg: errors.append(
                FileResult(d, errors=[FileError(d, 0, 0, f"cannot read directory: {msg}")]))))
            files += found
        else:
            files.append(p)
    return files


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
              diagram: bool = False) -> list[FileResult]:
    """Lint ``paths``.  ``diagram``: each result also carries its file's stage diagram (plain
    data for ``--format summary``, small enough to come back from a worker)."""
    results: list[FileResult] = []
    files = collect(paths, results)
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
    workers = jobs if jobs > 0 else _cpus()
    if workers > 1 and len(todo) >= PARALLEL_THRESHOLD:
        from concurrent.futures import ProcessPoolExecutor
        chunk = max(1, len(todo) // (workers * 8))
        with ProcessPoolExecutor(max_workers=workers, mp_context=_fork_context(settings)) as pool:
            if batch is not None:  # a ShellCheck batch per chunk of files, in each worker
                size = -(-len(todo) // (workers * 4))
                parts = [(todo[i:i + size], settings, diagram) for i in range(0, len(todo), size)]
                results += [r for part in pool.map(_lint_chunk, parts) for r in part]
            else:
                results += list(pool.map(_lint_one, [(f, settings, diagram) for f in todo], chunksize=chunk))
    else:
        results += [lint_path(f, settings, shellcheck_batch=batch, diagram=diagram) for f in todo]
