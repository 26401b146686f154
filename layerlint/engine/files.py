"""Files layerlint writes: atomic writes (nothing layerlint writes is ever left half-written).
Reading a Dockerfile lives in ``syntax.source``."""
from __future__ import annotations

import errno
import os
import stat

from ..syntax.source import file_kind as _kind
from ..text import printable


def write_atomic(path: str, data: str | bytes) -> None:
    """Write ``data`` to ``path`` (``-o FILE``, ``--fix``); what is at ``path`` decides how, and
    nothing that is not a regular file is ever replaced:

    - nothing yet, or a regular file: through a temp file in the same directory, fsync, rename.
      An existing file keeps its permission bits, and its owner and group where the user may
      set them (always as root; see ``_keep_owner``); a kill at any moment leaves either the old
      file or the new one, never a mix, and after a power loss the rename itself is on disk too
      (the directory is fsynced where the platform allows it).  The rename gives the file a new
      inode: other hard links to it keep the old text.
    - a symlink: followed on purpose, as ``--fix`` follows one: the file it resolves to is
      written as above and the link stays a link (a link to a device or FIFO writes through
      it, below).  A dangling symlink is refused: layerlint does not create a file at a place
      the command line never named.
    - a character device or a FIFO (``-o /dev/null``, ``-o /dev/stderr``, a named pipe): written
      through, opened for writing with no temp file and no rename, so the node stays what it
      is.  A FIFO that no process reads is refused at once ("no reader on FIFO"), not waited on.
    - anything else (a directory, a socket, a block device): refused.

    Refusals and failures raise OSError with a one-line ``strerror``."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        _replace(os.path.abspath(path), payload, None)
        return
    target = path
    if stat.S_ISLNK(st.st_mode):
        try:
            st = os.stat(path)
        except FileNotFoundError:
            raise OSError(errno.ENOENT, f"is a dangling symlink (to {_link_text(path)}); not created") from None
        if stat.S_ISREG(st.st_mode):
            target = os.path.realpath(path)  # a device keeps its path: /dev/stdout is a link to a magic link
    if stat.S_ISREG(st.st_mode):
        _replace(os.path.abspath(target), payload, st)
    elif stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        _write_through(target, payload)
    elif stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory")
    else:
        raise OSError(errno.EINVAL, f"is {_kind(st.st_mode)}; layerlint writes only regular files, "
                                    "character devices and FIFOs")


def _replace(path: str, payload: bytes, st) -> None:
    """The atomic write of a regular file (``st``: its stat, None when there is none yet)."""
    directory = os.path.dirname(path)
    if st is not None:
        mode = stat.S_IMODE(st.st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    import tempfile  # only a run that writes pays for it (it imports shutil and random)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        if st is not None:
            _keep_owner(tmp, st)
        os.chmod(tmp, mode)  # after the chown, which clears set-id bits
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_directory(directory)


def _keep_owner(tmp: str, st) -> None:
    """Give the temp file ``tmp`` the owner and group of the file it replaces (``st``).  Root can,
    and must: ``sudo layerlint --fix`` leaving a user's Dockerfile owned by root is a file the
    user can no longer edit; if even root cannot (a root-squashed NFS share, an owner unmapped in
    this user namespace), the write is refused rather than done with another owner.  Anyone else
    can at most give the file a group of their own (kept when allowed, else the default stays)."""
    if not hasattr(os, "chown"):  # Windows: files have no POSIX owner
        return
    mine = os.stat(tmp)
    if (mine.st_uid, mine.st_gid) == (st.st_uid, st.st_gid):
        return
    root = os.geteuid() == 0
    try:
        os.chown(tmp, st.st_uid if root else -1, st.st_gid)
    except OSError as exc:
        if root:
            raise OSError(exc.errno, f"cannot keep its owner {st.st_uid}:{st.st_gid} "
                                     f"({exc.strerror or exc}); not written") from None


def _write_through(path: str, payload: bytes) -> None:
    """Write into a character device or FIFO as it is.  Opened non-blocking, so a FIFO without
    a reader fails at once (ENXIO) instead of waiting forever, then written blocking (a reader
    that is there gets everything, at its pace)."""
    flags = os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OSError(errno.ENXIO, "no reader on FIFO") from None
        raise
    try:
        st = os.fstat(fd)
        if not (stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
            # replaced between the look and the open: write nothing into whatever it is now
            raise OSError(errno.EINVAL, "changed while it was being opened; not written")
        if hasattr(os, "O_NONBLOCK"):
            os.set_blocking(fd, True)
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _link_text(path: str) -> str:
    try:
        return printable(os.readlink(path))
    except OSError:
        return "?"


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
