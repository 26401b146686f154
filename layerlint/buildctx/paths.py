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


def go_clean(path: str) -> str:
    """Go ``path/filepath.Clean`` for '/'-separated paths (purely lexical)."""
    if path == "":
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for comp in path.split("/"):
        if comp in ("", "."):
            continue
        if comp == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(comp)
    out = "/".join(parts)
    if rooted:
        return "/" + out
    return out or "."


def clean(rel: str) -> str:
    """A context path the way BuildKit cleans it: rooted at the context, ``..`` stops there.

    ``../../etc/passwd`` -> ``etc/passwd``; ``/app/./x/`` -> ``app/x``; ``.`` -> ``""``.  A
    backslash counts as a separator here: a path read from disk never reaches outside through
    a Windows-style ``..\\``."""
    return _rooted(rel.replace("\\", "/"))


def context_relative(path: str) -> str:
    """A COPY source or a user-given path as a cleaned context-relative path, ``"."`` for the
    context root (the form the cache model and ``.dockerignore`` matching use).  A backslash
    is an ordinary character, as for BuildKit on Linux."""
    return _rooted(path.strip()) or "."


def _rooted(p: str) -> str:
    return go_clean("/" + p).lstrip("/")


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


def read_context_file(context_dir: Optional[str], rel: str, limit: int = 1 << 20) -> Optional[bytes]:
    """The first ``limit`` bytes of the regular file at context path ``rel`` (resolved inside
    the context, as :func:`context_path`), or None when it is missing, unreadable or not a
    regular file: a FIFO or device named ``requirements.txt`` is never waited on or drained."""
    path = context_path(context_dir, rel)
    if path is None:
        return None
    try:
        # O_NONBLOCK: opening a FIFO with no writer would block; a regular file ignores it
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(limit)
    except OSError:
        return None
    finally:
        os.close(fd)


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
    """Cache ``fn(directory, *args)`` (a scan of the directory) per process, keyed by the
    directory's inode and modification time: a batch lints many Dockerfiles that share one
    context, and scanning a 3,000-entry directory once per Dockerfile made a run quadratic.
    Like git's "racily clean" check, a directory modified in the last 2 seconds is scanned
    afresh."""
    import functools
    import time

    @functools.lru_cache(maxsize=256)
    def cached(path, ino, mtime_ns, *args):
        return fn(path, *args)

    @functools.wraps(fn)
    def wrapper(path, *args):
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            return fn(path, *args)
        if time.time_ns() - st.st_mtime_ns < 2_000_000_000:
            return fn(path, *args)
        return cached(path, st.st_ino, st.st_mtime_ns, *args)
    return wrapper


# -- Go's path/filepath.Match (behaviour port, own code) ------------------------------------
# BuildKit matches COPY sources with it and checks .dockerignore patterns with it; both go
# through ``go_match`` so the two can never disagree on what a pattern means.

class BadPattern(ValueError):
    """Go's ``filepath.ErrBadPattern``: the pattern is malformed."""


def go_match(pattern: str, name: str) -> bool:
    """Whether ``name`` matches shell ``pattern`` as Go's ``filepath.Match`` decides on Linux:
    ``*`` and ``?`` never match ``/``, ``[...]`` classes with ranges and ``^``, ``\\`` escapes.
    Raises ``BadPattern`` for a malformed pattern, even when the name already failed to match."""
    while pattern:
        star, chunk, pattern = _scan_chunk(pattern)
        if star and not chunk:
            return "/" not in name  # a trailing * matches the rest unless it holds a /
        rest = _match_chunk(chunk, name)
        if rest is not None and (not rest or pattern):
            name = rest
            continue
        if star:
            matched = False
            for i in range(len(name)):
                if name[i] == "/":
                    break
                rest = _match_chunk(chunk, name[i + 1:])
                if rest is not None:
                    if not pattern and rest:
                        continue  # the last chunk must use up the name
                    name = rest
                    matched = True
                    break
            if matched:
                continue
        while pattern:  # no match: the rest must still be well-formed
            _, chunk, pattern = _scan_chunk(pattern)
            _match_chunk(chunk, "")
        return False
    return not name


def _scan_chunk(pattern: str) -> tuple[bool, str, str]:
    """(leading star?, the chunk up to the next unbracketed star, the rest)."""
    star = False
    while pattern.startswith("*"):
        pattern = pattern[1:]
        star = True
    inrange = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if i + 1 < len(pattern):
                i += 1
        elif c == "[":
            inrange = True
        elif c == "]":
            inrange = False
        elif c == "*" and not inrange:
            break
        i += 1
    return star, pattern[:i], pattern[i:]


def _match_chunk(chunk: str, s: str):
    """The rest of ``s`` after ``chunk`` matched its start, or None; the whole chunk is checked
    for syntax even after a mismatch."""
    failed = False
    while chunk:
        if not failed and not s:
            failed = True
        c = chunk[0]
        if c == "[":
            r = ""
            if not failed:
                r, s = s[0], s[1:]
            chunk = chunk[1:]
            negated = chunk.startswith("^")
            if negated:
                chunk = chunk[1:]
            match = False
            nrange = 0
            while True:
                if chunk and chunk[0] == "]" and nrange > 0:
                    chunk = chunk[1:]
                    break
                lo, chunk = _get_esc(chunk)
                hi = lo
                if chunk[0] == "-":
                    hi, chunk = _get_esc(chunk[1:])
                if r and lo <= r <= hi:
                    match = True
                nrange += 1
            if match == negated:
                failed = True
        elif c == "?":
            if not failed:
                if s[0] == "/":
                    failed = True
                s = s[1:]
            chunk = chunk[1:]
        else:
            if c == "\\":
                chunk = chunk[1:]
                if not chunk:
                    raise BadPattern("trailing backslash")
            if not failed:
                if chunk[0] != s[0]:
                    failed = True
                s = s[1:]
            chunk = chunk[1:]
    return None if failed else s


def _get_esc(chunk: str) -> tuple[str, str]:
    """One (possibly escaped) class character and the rest of the chunk, which must go on."""
    if not chunk or chunk[0] in "-]":
        raise BadPattern("bad character class")
    if chunk[0] == "\\":
        chunk = chunk[1:]
        if not chunk:
            raise BadPattern("bad character class")
    if not chunk[1:]:
        raise BadPattern("unterminated character class")
    return chunk[0], chunk[1:]
