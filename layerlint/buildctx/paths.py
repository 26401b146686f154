"""Build-context paths that cannot lead outside the context.

A Dockerfile is untrusted input: ``COPY ../../etc/passwd /x`` or a symlink in the context
must never make layerlint read, list or even stat a file outside the context directory.
BuildKit resolves every source against the context root, so ``../../etc/passwd`` names
``<context>/etc/passwd``; :func:`context_path` does the same, and refuses (returns None) a
path whose real location, after symlinks, is outside the context.  Every rule and model that
touches the build context on disk goes through it.
"""
from __future__ import annotations

import os
import posixpath
import stat

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional


def clean(rel: str) -> str:
    """A context path the way BuildKit cleans it: rooted at the context, ``..`` stops there.

    ``../../etc/passwd`` -> ``etc/passwd``; ``/app/./x/`` -> ``app/x``; ``.`` -> ``""``."""
    p = posixpath.normpath("/" + rel.replace("\\", "/")).lstrip("/")
    return "" if p == "." else p


def context_path(context_dir: Optional[str], rel: str) -> Optional[str]:
    """The on-disk path of context path ``rel`` with its symlinks resolved inside the context,
    or None when there is no context, the path is invalid, or a symlink chain loops.

    Symlinks are followed the way BuildKit scopes them to the context (continuity's
    ``RootPath``): ``..`` stops at the context root and an absolute link target is taken from
    the context root, so the result is always inside the context, and nothing outside it is
    ever looked at (not even with ``lstat``).  The result may not exist; callers still check
    ``isfile``/``isdir``."""
    if not context_dir or "\x00" in rel:
        return None
    root = os.path.abspath(context_dir)
    todo = clean(rel).split("/")
    done: list[str] = []
    links = 0
    while todo:
        part = todo.pop(0)
        if part in ("", "."):
            continue
        if part == "..":
            if done:
                done.pop()
            continue
        here = os.path.join(root, *done, part)
        try:
            st = os.lstat(here)
        except (OSError, ValueError):
            done.append(part)  # missing: the rest stays as written
            continue
        if stat.S_ISLNK(st.st_mode):
            links += 1
            if links > 40:  # ELOOP, as the kernel says
                return None
            try:
                target = os.readlink(here)
            except OSError:
                return None
            if target.startswith("/"):
                done = []
            todo[:0] = target.split("/")
            continue
        done.append(part)
    return os.path.join(root, *done)


def context_glob(context_dir: Optional[str], pattern: str) -> list[str]:
    """Existing context paths (context-relative, sorted per directory) that match ``pattern``
    (``*``, ``?`` and ``[...]`` within one component), listing directories only inside the
    context, like :func:`context_path`.  As ``glob.glob``, ``*`` skips names that start with
    a dot unless the pattern component does."""
    import fnmatch
    found = [""]
    for part in (p for p in clean(pattern).split("/") if p):
        nxt: list[str] = []
        for base in found:
            if not any(c in part for c in "*?["):
                nxt.append(posixpath.join(base, part) if base else part)
                continue
            d = context_path(context_dir, base)
            try:
                names = sorted(os.listdir(d)) if d and os.path.isdir(d) else []
            except OSError:
                names = []
            nxt += [posixpath.join(base, n) if base else n for n in names
                    if fnmatch.fnmatchcase(n, part) and (part.startswith(".") or not n.startswith("."))]
        found = nxt
    out = []
    for rel in found:
        p = context_path(context_dir, rel)
        if p is not None and os.path.lexists(p):
            out.append(rel)
    return out


def cached_per_directory(fn):
    """Cache ``fn(directory)`` (a scan of the directory) per process, keyed by the directory's
    inode and modification time: a batch lints many Dockerfiles that share one context, and
    scanning a 3,000-entry directory once per Dockerfile made a run quadratic.  Like git's
    "racily clean" check, a directory modified in the last 2 seconds is scanned afresh."""
    import functools
    import time

    @functools.lru_cache(maxsize=256)
    def cached(path, ino, mtime_ns):
        return fn(path)

    @functools.wraps(fn)
    def wrapper(path):
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            return fn(path)
        if time.time_ns() - st.st_mtime_ns < 2_000_000_000:
            return fn(path)
        return cached(path, st.st_ino, st.st_mtime_ns)
    return wrapper
