"""Atomic file writes: nothing layerlint writes is ever left half-written."""
from __future__ import annotations

import os
import stat
import tempfile


def write_atomic(path: str, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temp file in the same directory, fsync, rename.

    An existing file keeps its permission bits; a kill at any moment leaves either the old
    file or the new one, never a mix, and after a power loss the rename itself is on disk too
    (the directory is fsynced where the platform allows it)."""
    path = os.path.abspath(path)
    directory = os.path.dirname(path)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: str) -> None:
    # POSIX: a rename is durable once its directory is synced.  Windows cannot open a directory
    # this way and some filesystems refuse the fsync; the file itself is already complete.
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
