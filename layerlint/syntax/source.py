"""Reading a Dockerfile's bytes from a path, refusing what cannot be one, without ever waiting
on a FIFO nobody writes or reading a device without end.  The lowest layer that reads files, so
``explain`` (cache) and the lint (engine) read the same way."""
from __future__ import annotations

import errno
import os
import stat

from . import MAX_BYTES


_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def file_kind(mode: int) -> str:
    """What a path that is not a regular file is, for a message ("a FIFO", "a socket"...)."""
    return next((name for test, name in _KINDS if test(mode)), "a special file")


_MB = 1024 * 1024
# non-blocking: opening a FIFO must not wait for a writer; no controlling terminal from a tty
_OPEN_FLAGS = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_CHUNK = 64 * 1024  # a read from a pipe or device (a pipe gives at most its buffer at a time)


def read_source(path: str) -> bytes:
    """Read a Dockerfile, refusing what cannot be one (raises OSError with a one-line ``strerror``).

    What ``path`` resolves to decides how it is read:

    - a regular file: its size is checked first (over ``MAX_BYTES`` it is refused unread);
    - a FIFO or a character device (``<(cat Dockerfile)``, ``/dev/stdin``, a named pipe): opened
      non-blocking, so a FIFO that no process writes is refused at once ("is a FIFO with no
      writer") instead of waiting for one forever; then read blocking, at the writer's pace, up to
      ``MAX_BYTES`` + 1 bytes, and refused when there is more (``/dev/zero`` costs 20 MB, not
      all the memory);
    - a directory, a socket or a block device: refused unopened (opening some of them has effects)."""
    st = os.stat(path)
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode)):
        raise _not_a_dockerfile(st.st_mode)
    with open(path, "rb", buffering=0, opener=_open_nonblocking) as f:
        st = os.fstat(f.fileno())  # what was opened, which may not be what was looked at
        if stat.S_ISREG(st.st_mode):
            if st.st_size > MAX_BYTES:  # refused unread
                raise OSError(errno.EFBIG, f"file is {st.st_size // _MB} MB; layerlint refuses files "
                                           f"over {MAX_BYTES // _MB} MB")
            first = b""
        elif stat.S_ISFIFO(st.st_mode):
            first = _first_from_fifo(f)
        elif stat.S_ISCHR(st.st_mode):
            first = b""
        else:
            raise _not_a_dockerfile(st.st_mode)
        if hasattr(os, "O_NONBLOCK"):
            os.set_blocking(f.fileno(), True)  # a writer that is there is waited for
        chunk = st.st_size + 1 if stat.S_ISREG(st.st_mode) else _CHUNK  # a file in one read, as a rule
        data = first + _read_up_to(f, MAX_BYTES + 1 - len(first), chunk)
    if len(data) > MAX_BYTES:
        raise OSError(errno.EFBIG, f"file is over {MAX_BYTES // _MB} MB; layerlint refuses files "
                                   f"over {MAX_BYTES // _MB} MB")
    return data


def _open_nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | _OPEN_FLAGS)


def _first_from_fifo(f) -> bytes:
    """The first bytes of a FIFO opened non-blocking: what is there already, or b"" when a writer
    has it open but wrote nothing yet.  With no writer at all the read is an end of file at once:
    refused, since waiting for a writer could be forever."""
    try:
        data = f.read(_CHUNK)
    except BlockingIOError:  # a writer, nothing written yet
        return b""
    if data is None:  # FileIO's non-blocking "nothing yet"
        return b""
    if not data:
        raise OSError(errno.ENXIO, "is a FIFO with no writer")
    return data


def _read_up_to(f, limit: int, chunk: int) -> bytes:
    """At most ``limit`` bytes from ``f``, up to its end of file, in reads of ``chunk`` bytes."""
    parts, total = [], 0
    while total < limit:
        data = f.read(min(chunk, limit - total))
        if not data:
            break
        parts.append(data)
        total += len(data)
    return b"".join(parts)


def _not_a_dockerfile(mode: int) -> OSError:
    if stat.S_ISDIR(mode):
        return IsADirectoryError(errno.EISDIR, "is a directory, not a Dockerfile")
    return OSError(errno.EINVAL, f"is {file_kind(mode)}, not a Dockerfile")
