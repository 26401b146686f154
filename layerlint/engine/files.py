"""Files layerlint reads and writes: a Dockerfile read within the size limit, and atomic writes
(nothing layerlint writes is ever left half-written)."""
from __future__ import annotations

import errno
import os
import stat

from ..syntax import MAX_BYTES


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
    import tempfile  # only a run that writes pays for it (it imports shutil and random)
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


def read_source(path: str) -> bytes:
    """Read a Dockerfile, refusing what cannot be one (raises OSError with a clear message)."""
    if os.path.isdir(path):
        raise IsADirectoryError("is a directory, not a Dockerfile")
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size > MAX_BYTES:  # refused unread; a pipe or device is read up to the limit
            raise OSError(errno.EFBIG, f"file is {size // (1024 * 1024)} MB; layerlint refuses files "
                                       f"over {MAX_BYTES // (1024 * 1024)} MB")
        data = f.read(MAX_BYTES + 1)
    return data
