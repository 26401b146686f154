"""``layerlint explain --since REF``: the what-if of a rebuild, read from git.

:func:`since` asks git (a subprocess, bounded in time, with no network and no hooks, never
writing the index) what a build of the working tree changes against a build of revision REF:

- the context files whose content (bytes or mode) differs: ``git diff --name-only REF`` under
  the context (renames are a delete and an add, as BuildKit sees names; a touched file with the
  same bytes is no change), plus untracked files git does not ignore (new since REF);
- untracked files git ignores (``node_modules/``, ``.env``...) are sent to the builder too,
  but git cannot say whether they changed: they are listed as unknown, counted unchanged;
- the Dockerfile and the ``.dockerignore`` that applied (``<Dockerfile>.dockerignore`` beside
  it, else ``<context>/.dockerignore``) as they were at REF (``git cat-file blob``).

Only paths inside the repository are read; the Dockerfile and the context must be in it.  Every
failure (no git, not a repository, a bad revision, a path outside) is a :class:`SinceError`
whose message is one line.
"""
from __future__ import annotations

import os
import subprocess

from ..buildctx.paths import context_relative
from ..record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

GIT_TIMEOUT = 30  # seconds per git command
MAX_PATHS = 100_000  # changed paths read from git (a larger diff is cut, and says so)
MAX_BLOB = 16 << 20  # bytes of a Dockerfile / .dockerignore read at REF


class SinceError(Exception):
    """Why the answer cannot be read from git (one line)."""


class Since(Record):
    """What changed between REF and the working tree, for one Dockerfile and context."""
    ref: str  # as given
    commit: str  # what it resolved to
    root: str  # the repository's top level
    changed: list[str]  # context-relative paths whose content differs (tracked, or untracked and new)
    untracked_unknown: list[str]  # git-ignored untracked paths in the context (cannot be compared)
    previous_bytes: Optional[bytes]  # the Dockerfile at REF; None: it did not exist there
    previous_ignore: object  # the Dockerignore that applied at REF, or None for none
    previous_ignore_path: Optional[str]  # repository-relative path of that ignore file
    ignore_known: bool  # False: the ignore file at REF could not be read
    notes: list[str]
    truncated: bool

    _fields = ("ref", "commit", "root", "changed", "untracked_unknown", "previous_bytes", "previous_ignore",
               "previous_ignore_path", "ignore_known", "notes", "truncated")

    def __init__(self, ref: str, commit: str, root: str) -> None:
        self.ref = ref
        self.commit = commit
        self.root = root
        self.changed = []
        self.untracked_unknown = []
        self.previous_bytes = None
        self.previous_ignore = None
        self.previous_ignore_path = None
        self.ignore_known = True
        self.notes = []
        self.truncated = False


# every command: no pager, no fsmonitor hook program, no transport (a partial clone must not
# fetch missing objects), no optional index writes (`git diff` refreshes the index otherwise)
_GIT_CONFIG = ("-c", "core.fsmonitor=false", "-c", "protocol.allow=never", "-c", "core.untrackedCache=false",
               "-c", "diff.external=", "-c", "core.quotePath=false")


def _env(index: Optional[str] = None) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GIT_") or k in ("GIT_CONFIG_NOSYSTEM",)}
    env.update(GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", GIT_NO_LAZY_FETCH="1", GIT_PAGER="cat",
               LC_ALL="C")
    if index is not None:
        env["GIT_INDEX_FILE"] = index
    return env


def git(args: list[str], cwd: str, ok_codes: tuple = (0,), index: Optional[str] = None) -> bytes:
    """Run ``git args`` in ``cwd``; stdout, or SinceError with git's first error line.
    ``index``: a private copy of the index (``git diff`` refreshes the index it reads, and
    writes it back when it can: never the repository's own)."""
    try:
        p = subprocess.run(["git", "--no-pager", *_GIT_CONFIG, *args], cwd=cwd, env=_env(index),
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=GIT_TIMEOUT)
    except FileNotFoundError:
        raise SinceError("git is not installed (--since reads the changes from git)") from None
    except subprocess.TimeoutExpired:
        raise SinceError(f"git {args[0]} took longer than {GIT_TIMEOUT} s") from None
    except OSError as exc:
        raise SinceError(f"cannot run git: {exc.strerror or exc}") from None
    if p.returncode not in ok_codes:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SinceError(f"git {args[0]} failed: {err[0] if err else f'exit {p.returncode}'}")
    return p.stdout


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def repository_root(path: str) -> str:
    """The top level of the git work tree holding ``path`` (a file or directory)."""
    d = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path)) or "."
    try:
        out = git(["rev-parse", "--show-toplevel"], d)
    except SinceError as exc:
        if "not a git repository" in str(exc):
            raise SinceError(f"{d} is not in a git repository (--since compares with a git revision)") from None
        raise
    root = out.decode("utf-8", "surrogateescape").strip()
    if not root:
        raise SinceError(f"{d} is not in a git work tree")
    return os.path.realpath(root)


def resolve(ref: str, root: str) -> str:
    """REF as a commit id; SinceError when it names none."""
    if not ref or ref.startswith("-") or any(c in ref for c in "\x00\n\r") or len(ref) > 1000:
        raise SinceError(f"bad revision {ref!r}")
    out = git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root, ok_codes=(0, 1, 128))
    commit = out.decode("ascii", "replace").strip()
    if not commit or any(c not in "0123456789abcdef" for c in commit):
        raise SinceError(f"unknown revision {ref!r} (not a commit in {root})")
    return commit


def _rel(path: str, root: str, what: str) -> str:
    real = os.path.realpath(path)
    if not _inside(real, root):
        raise SinceError(f"{what} {path} is outside the git repository {root}")
    rel = os.path.relpath(real, root).replace(os.sep, "/")
    return "" if rel == "." else rel


def show(commit: str, rel: str, root: str) -> Optional[bytes]:
    """The blob at ``commit:rel`` (repository-relative), None when there is none."""
    spec = f"{commit}:{rel}"
    kind = git(["cat-file", "-t", spec], root, ok_codes=(0, 1, 128)).decode("ascii", "replace").strip()
    if kind != "blob":
        return None
    size = git(["cat-file", "-s", spec], root).decode("ascii", "replace").strip()
    if not size.isdigit() or int(size) > MAX_BLOB:
        raise SinceError(f"{rel} at {commit[:12]} is over {MAX_BLOB >> 20} MB")
    return git(["cat-file", "blob", spec], root)


def _paths(out: bytes, root_rel: str) -> list[str]:
    """NUL-separated repository paths under ``root_rel`` (the context), made context-relative."""
    found = []
    for raw in out.split(b"\0"):
        if not raw:
            continue
        p = raw.decode("utf-8", "surrogateescape").rstrip("/")
        if root_rel:
            if p != root_rel and not p.startswith(root_rel + "/"):
                continue
            p = p[len(root_rel) + 1:] if p != root_rel else "."
        found.append(context_relative(p))
    return found


def since(ref: str, dockerfile: str, context: str) -> Since:
    """What a build of the working tree changes against a build of ``ref``."""
    try:
        root = repository_root(dockerfile)
    except SinceError:
        root = repository_root(context)  # the Dockerfile may be outside it: said below
    df_rel = _rel(dockerfile, root, "Dockerfile")
    ctx_rel = _rel(context, root, "build context")
    commit = resolve(ref, root)
    out = Since(ref, commit, root)
    spec = [f":(top,literal){ctx_rel}"] if ctx_rel else [":(top)"]
    import shutil
    import tempfile
    with tempfile.TemporaryDirectory(prefix="layerlint-git-") as tmp:
        index = os.path.join(tmp, "index")
        real = git(["rev-parse", "--git-path", "index"], root).decode("utf-8", "surrogateescape").strip()
        real = os.path.join(root, real) if real else ""  # relative to the top level (or absolute)
        if real and os.path.isfile(real):
            shutil.copyfile(real, index)
        diff = git(["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--no-textconv",
                    "--ignore-submodules=none", commit, "--", *spec], root, index=index)
        new = git(["ls-files", "--others", "--exclude-standard", "-z", "--", *spec], root, index=index)
        ignored = git(["ls-files", "--others", "--ignored", "--exclude-standard", "--directory", "-z", "--", *spec],
                      root, index=index)
    changed = _paths(diff, ctx_rel) + _paths(new, ctx_rel)
    if len(changed) > MAX_PATHS:
        out.truncated = True
        out.notes.append(f"more than {MAX_PATHS} paths changed since {ref}: only the first {MAX_PATHS} are counted")
        changed = changed[:MAX_PATHS]
    out.changed = list(dict.fromkeys(changed))
    out.untracked_unknown = _paths(ignored, ctx_rel)[:MAX_PATHS]
    text = show(commit, df_rel, root)
    if text is None:
        out.notes.append(f"the Dockerfile did not exist at {ref}: every step is new")
    out.previous_bytes = text
    # the ignore file that applied at REF, looked up as BuildKit does (beside the Dockerfile first)
    from ..buildctx.dockerignore import Dockerignore, DockerignoreError
    for cand in (df_rel + ".dockerignore", (ctx_rel + "/" if ctx_rel else "") + ".dockerignore"):
        data = show(commit, cand, root)
        if data is None:
            continue
        out.previous_ignore_path = cand
        try:
            out.previous_ignore = Dockerignore.parse(data, path=cand)
        except DockerignoreError as exc:
            out.ignore_known = False
            out.notes.append(f"{cand} at {ref} cannot be read ({exc}): what it excluded is not known")
        break
    return out
