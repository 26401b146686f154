"""Find Dockerfiles under directories, skipping VCS, dependency and git-ignored folders.

The walk never leaves the tree (a pull request controls its symlinks: ``Dockerfile ->
../.git-credentials`` must not end up in annotations):

- a directory symlink is never followed (git stores it as a link; a target inside the tree is
  walked under its own path anyway); one pointing outside the root is reported as skipped;
- a file symlink named like a Dockerfile is linted only when it resolves to a regular file that
  the walk itself reaches (in a walked directory of this tree, not git-ignored): never a file
  outside the root, under ``.git`` or ``node_modules``, or git-ignored.  A target that is itself
  a Dockerfile found here is linted once, under its real path; any other target is linted under
  the link's path (whose directory is the build context docker would use);
- only regular files are ever opened: a FIFO, device or socket named like a Dockerfile, or a
  symlink to one, is reported as skipped, not read.

``on_skip(path, reason)`` hears of each file skipped for one of those reasons (not of git-ignored
or VCS files, and not of a symlink dropped because its target is linted under its own name).
"""
from __future__ import annotations

import errno
import os
import re
import stat

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Callable, Iterator, Optional

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox"})
GITIGNORE_MAX_BYTES = 1024 * 1024  # a bigger .gitignore is not applied (compiling it would cost more than the walk)


# `Dockerfile.<suffix>` files that are not Dockerfiles: documentation, templates that a tool
# renders into one (`{{ }}`, `{% %}`, `@VAR@`), editor and merge leftovers.  Discovery leaves them
# out (the README lists them); named on the command line they are linted as named.
NOT_DOCKERFILE_SUFFIXES = (
    ".md", ".markdown", ".rst", ".txt", ".adoc", ".html",  # documentation
    ".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".template", ".erb", ".mustache", ".hbs", ".gotmpl",
    ".m4", ".in",  # templates
    ".orig", ".rej", ".bak", ".swp", ".swo", ".patch", ".diff", "~",  # leftovers
)


def is_dockerfile_name(name: str) -> bool:
    low = name.lower()
    if low.endswith(".dockerignore") or low.endswith(NOT_DOCKERFILE_SUFFIXES):
        return False
    return (name in ("Dockerfile", "Containerfile", "dockerfile", "containerfile")
            or name.startswith(("Dockerfile.", "Containerfile."))
            or low.endswith((".dockerfile", ".containerfile")))


class Exclusion:
    """``exclude`` / ``extend-exclude`` globs (as ruff reads them): a glob without ``/`` matches
    the name of any file or directory on the way (``legacy``, ``*.old.Dockerfile``), one with
    ``/`` the path relative to ``root``, the config's directory (``docs/**``, ``ci/Dockerfile``).
    ``exclude`` replaces the default list (SKIP_DIRS), ``extend-exclude`` adds to it."""

    def __init__(self, exclude=None, extend=(), root: Optional[str] = None) -> None:
        import fnmatch
        globs = [g.strip() for g in list(SKIP_DIRS if exclude is None else exclude) + list(extend) if g.strip()]
        names = [g.rstrip("/") for g in globs if "/" not in g.rstrip("/")]
        self.literal = frozenset(g for g in names if not _has_magic(g))  # a set lookup per entry
        wild = [fnmatch.translate(g) for g in names if _has_magic(g)]
        paths = [fnmatch.translate(g.strip("/")) for g in globs if "/" in g.rstrip("/")]
        self.wild = re.compile("|".join(wild)).match if wild else None
        self.paths = re.compile("|".join(paths)).match if paths else None
        self.root = os.path.abspath(root or os.getcwd())

    def __call__(self, path: str) -> bool:
        """Whether ``path`` (a file or a directory, absolute or relative to the cwd) is excluded."""
        name = os.path.basename(os.path.normpath(path))
        if name in self.literal or (self.wild is not None and self.wild(name)):
            return True
        if self.paths is None:
            return False
        rel = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
        return not rel.startswith("../") and bool(self.paths(rel))

    def covers(self, path: str) -> bool:
        """Whether ``path`` or a directory above it, up to ``root``, is excluded: for a file named
        on the command line under ``force-exclude`` (pre-commit names every file it passes)."""
        p = os.path.abspath(path)
        while True:
            if self(p):
                return True
            parent = os.path.dirname(p)
            if parent == p or parent == self.root or not _inside(parent, self.root):
                return False
            p = parent


def _has_magic(glob: str) -> bool:
    return any(c in glob for c in "*?[")


# -- .gitignore (gitignore(5), matched the way git's wildmatch does) ---------------------------------

class _Malformed(Exception):
    """A pattern git's wildmatch aborts on (unclosed ``[``, a lone trailing ``\\``): it matches nothing."""


_CLASSES = {"alnum": "a-zA-Z0-9", "alpha": "a-zA-Z", "blank": " \\t", "cntrl": "\\x00-\\x1f\\x7f",
            "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~", "punct": "!-/:-@\\[-`{-~",
            "space": " \\t\\n\\r\\f\\v", "upper": "A-Z", "xdigit": "0-9A-Fa-f"}
_GAP = None  # a `**` path component: zero or more whole components


def _char_at(p: str, i: int) -> str:
    if i >= len(p):
        raise _Malformed
    return p[i]


def _bracket(p: str, i: int) -> tuple[str, int]:
    """``p[i]`` is ``[``: the bracket expression as a regex that never matches ``/``, and the index
    after its ``]``.  Same reading as wildmatch: ``!`` or ``^`` negates, a first ``]`` is literal,
    ``\\`` escapes, ``a-z`` ranges, ``[:alpha:]`` classes."""
    i += 1
    negated = i < len(p) and p[i] in "!^"
    i += negated
    items: list[str] = []
    prev = None  # the previous single character, which a following `-x` turns into a range
    first = True
    while True:
        c = _char_at(p, i)
        if c == "]" and not first:
            break
        first = False
        if c == "\\":
            i += 1
            prev = _char_at(p, i)
            items.append(re.escape(prev))
        elif c == "-" and prev is not None and i + 1 < len(p) and p[i + 1] != "]":
            i += 1
            hi = p[i]
            if hi == "\\":
                i += 1
                hi = _char_at(p, i)
            if prev <= hi:  # a reversed range matches its first character only, as in wildmatch
                items[-1] = re.escape(prev) + "-" + re.escape(hi)
            prev = None
        elif c == "[" and p.startswith(":", i + 1):
            end = p.find("]", i + 2)
            if end < 0:
                raise _Malformed
            if end == i + 2 or p[end - 1] != ":":  # no `:]`: a plain `[`
                items.append("\\[")
                prev = "["
            else:
                name = p[i + 2:end - 1]
                if name not in _CLASSES:
                    raise _Malformed
                items.append(_CLASSES[name])
                prev = None
                i = end
        else:
            items.append(re.escape(c))
            prev = c
        i += 1
    return "(?!/)[" + ("^" if negated else "") + "".join(items) + "]", i + 1


def _component(glob: str) -> str:
    """One path component's glob as a regex that cannot match ``/``.  Like fnmatch, a star before
    a fixed piece is an atomic lazy group, so no pattern can make matching backtrack exponentially."""
    pieces: list[list[str]] = [[]]
    i = 0
    while i < len(glob):
        c = glob[i]
        if c == "*":
            if len(pieces) == 1 or pieces[-1]:  # `**` inside a component is one `*`
                pieces.append([])
        elif c == "?":
            pieces[-1].append("[^/]")
        elif c == "[":
            rx, i = _bracket(glob, i)
            pieces[-1].append(rx)
            continue
        elif c == "\\":
            i += 1
            pieces[-1].append(re.escape(_char_at(glob, i)))
        else:
            pieces[-1].append(re.escape(c))
        i += 1
    parts = ["".join(p) for p in pieces]
    if len(parts) == 1:
        return parts[0]
    return parts[0] + "".join(f"(?>[^/]*?{s})" for s in parts[1:-1]) + "[^/]*" + parts[-1]


def _split(text: str) -> list[str]:
    """The pattern's components: split at each `/` (an escaped one too, as wildmatch reads it)."""
    comps, cur, i = [], [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            if text[i + 1] == "/":
                comps.append("".join(cur))
                cur = []
            else:
                cur.append(text[i:i + 2])
            i += 2
            continue
        if c == "/":
            comps.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    comps.append("".join(cur))
    return comps


def _path_regex(comps: list) -> str:
    """The regex of an anchored pattern's components (``_GAP`` for ``**``), for a path relative
    to the .gitignore's directory.  Each run of components between gaps is matched at its first
    place in an atomic group (that place is always the best one), the last one at the end."""
    items: list = []
    for c in comps:
        if not (c is _GAP and items and items[-1] is _GAP):
            items.append(c)
    lead, trail = items[0] is _GAP, items[-1] is _GAP
    blocks, cur = [], []
    for c in items:
        if c is _GAP:
            if cur:
                blocks.append(cur)
            cur = []
        else:
            cur.append(c)
    if cur:
        blocks.append(cur)
    if not blocks:
        return ".+"  # `/**`: everything below
    out = ""
    for j, block in enumerate(blocks):
        body = "/".join(block)
        last = j == len(blocks) - 1
        if j == 0 and not lead:
            out += body if last and not trail else body + "/"
        elif last and not trail:
            out += "(?:.*/)?" + body
        else:
            out += "(?>(?:[^/]*/)*?" + body + "/)"
    return out + (".+" if trail else "")


def _trim_trailing_spaces(line: str) -> str:
    """git's trim_trailing_spaces: drop trailing spaces unless one is escaped (``\\ ``)."""
    last_space, i = None, 0
    while i < len(line):
        c = line[i]
        if c == " ":
            if last_space is None:
                last_space = i
        elif c == "\\":
            i += 1
            if i >= len(line):
                return line
            last_space = None
        else:
            last_space = None
        i += 1
    return line if last_space is None else line[:last_space]


def _plain(glob: str) -> bool:
    return not any(c in glob for c in "*?[\\")


def _parse_line(line: str):
    """One .gitignore line as (negate, dir_only, kind, key, regex), or None when it matches
    nothing.  ``kind``: how it is matched (``_View``); ``key``: its literal part."""
    if not line or line[0] == "#":
        return None
    line = _trim_trailing_spaces(line)
    negate = line.startswith("!")
    line = line[negate:]
    dir_only = line.endswith("/")
    line = line[:-1] if dir_only else line
    if not line:
        return None
    comps = _split(line)
    anchored = len(comps) > 1  # a slash at the start or in the middle anchors it to this directory
    if anchored and comps[0] == "":
        comps = comps[1:]
    elif len(comps) == 2 and comps[0] == "**":  # `**/x` is `x`: at any depth
        comps, anchored = comps[1:], False
    try:
        return (negate, dir_only, *(_path_rule(comps) if anchored else _name_rule(comps[0])))
    except _Malformed:
        return None


def _name_rule(glob: str) -> tuple:
    """(kind, key, regex) of a pattern matched against the name alone."""
    if _plain(glob):
        return "name", glob, None
    if not glob.strip("*"):
        return "any", None, None
    if glob[0] == "*" and _plain(glob[1:]):
        return "suffix", glob[1:], None
    if glob[-1] == "*" and _plain(glob[:-1]):
        return "prefix", glob[:-1], None
    return "name_rx", None, _component(glob)


def _path_rule(comps: list[str]) -> tuple:
    """(kind, key, regex) of a pattern matched against the path from the .gitignore's directory;
    a glob's key is its literal first component, when it has one (most do)."""
    if all(map(_plain, comps)):
        return "path", "/".join(comps), None
    rx = _path_regex([_GAP if c == "**" else _component(c) for c in comps])
    return "path_rx", comps[0] if _plain(comps[0]) else None, rx


class _View:
    """The patterns of one .gitignore that apply to files (or to directories), compiled so that
    a name costs a few dict look-ups however many patterns there are: exact names and paths,
    ``*suffix`` and ``prefix*`` in dicts, other name globs in one ``_Globs``, other path globs in
    one per literal first component.  Each gives the index of the last pattern that
    matches; the highest index wins."""

    __slots__ = ("every", "names", "suffixes", "prefixes", "paths", "name_rx", "path_rx")

    def __init__(self, rules) -> None:
        self.every = -1  # `*`
        self.names: dict[str, int] = {}
        self.suffixes: dict[int, dict[str, int]] = {}  # by length
        self.prefixes: dict[int, dict[str, int]] = {}
        self.paths: dict[str, int] = {}
        name_globs, path_globs = [], {}
        for index, kind, key, rx in rules:  # in file order: a later pattern overwrites
            if kind == "any":
                self.every = index
            elif kind == "name":
                self.names[key] = index
            elif kind == "suffix":
                self.suffixes.setdefault(len(key), {})[key] = index
            elif kind == "prefix":
                self.prefixes.setdefault(len(key), {})[key] = index
            elif kind == "path":
                self.paths[key] = index
            elif kind == "name_rx":
                name_globs.append((index, rx))
            else:
                path_globs.setdefault(key, []).append((index, rx))
        self.name_rx = _Globs(name_globs) if name_globs else None
        self.path_rx = {key: _Globs(globs) for key, globs in path_globs.items()}

    def last_hit(self, name: str, rel: str) -> int:
        best = max(self.every, self.names.get(name, -1), self.paths.get(rel, -1))
        for n, table in self.suffixes.items():
            best = max(best, table.get(name[-n:], -1))
        for n, table in self.prefixes.items():
            best = max(best, table.get(name[:n], -1))
        if self.name_rx is not None:
            best = max(best, self.name_rx.last(name))
        if self.path_rx:
            for key in (rel.partition("/")[0], None):
                globs = self.path_rx.get(key)
                if globs is not None:
                    best = max(best, globs.last(rel))
        return best


def _compile(pattern: str):
    return re.compile(pattern, re.DOTALL)


def _union(regexes) -> str:
    return "|".join(f"(?:{rx})" for rx in regexes)


class _Globs:
    """Glob regexes of one kind, in file order.  One alternation without groups says whether
    any matches (sre turns it into a quick test of the first characters; capturing groups would
    make each attempt cost as much as their number); only then do alternations of CHUNK
    patterns, the latest first, and their single patterns find the last one that matches.
    Those are compiled when first needed."""

    __slots__ = ("ids", "regexes", "any", "compiled")
    CHUNK = 32

    def __init__(self, globs) -> None:
        self.ids = [index for index, _ in globs]
        self.regexes = [rx for _, rx in globs]
        self.any = _compile(_union(self.regexes))
        self.compiled: dict = {}  # (start, end) -> regex

    def _rx(self, start: int, end: int):
        rx = self.compiled.get((start, end))
        if rx is None:
            rx = self.compiled[start, end] = _compile(_union(self.regexes[start:end]))
        return rx

    def last(self, text: str) -> int:
        """The index of the last pattern that matches ``text``, or -1."""
        if not self.any.fullmatch(text):
            return -1
        count = len(self.regexes)
        for start in reversed(range(0, count, self.CHUNK)):
            end = min(start + self.CHUNK, count)
            if self._rx(start, end).fullmatch(text):
                for j in reversed(range(start, end)):
                    if self._rx(j, j + 1).fullmatch(text):
                        return self.ids[j]
        return -1


class _Gitignore:
    """One .gitignore file: the last pattern that matches decides (a ``!`` one re-includes)."""

    __slots__ = ("negate", "files", "dirs")

    def __init__(self, text: str) -> None:
        parsed = [p for p in map(_parse_line, _lines(text)) if p is not None]
        self.negate = [p[0] for p in parsed]
        self.files = _View([(i, *p[2:]) for i, p in enumerate(parsed) if not p[1]])
        self.dirs = _View([(i, *p[2:]) for i, p in enumerate(parsed)])

    def __bool__(self) -> bool:
        return bool(self.negate)

    def decides(self, name: str, rel: str, is_dir: bool) -> Optional[bool]:
        """Whether ``rel`` (relative to this file's directory) is ignored; None: no pattern says."""
        hit = (self.dirs if is_dir else self.files).last_hit(name, rel)
        return None if hit < 0 else not self.negate[hit]


def _lines(text: str) -> list[str]:
    if text.startswith("\ufeff"):  # git skips a UTF-8 byte order mark
        text = text[1:]
    return [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]


def _ignored(rules: tuple, rel: str, name: str, is_dir: bool) -> bool:
    """``rules``: the (.gitignore, prefix length) of each directory above, outermost first; the
    deepest file that has a matching pattern decides.  Contents of an ignored directory are never
    asked about (the walk does not enter it), so, as in git, none can be re-included."""
    for gi, cut in reversed(rules):
        verdict = gi.decides(name, rel[cut:], is_dir)
        if verdict is not None:
            return verdict
    return False


# -- the walk --------------------------------------------------------------------------------------

def _join(rel: str, name: str) -> str:
    return f"{rel}/{name}" if rel else name


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class _Frame:
    """A directory being listed: its path relative to the root, its key, the .gitignores in force."""

    __slots__ = ("rel", "key", "rules", "entries")

    def __init__(self, rel: str, key: tuple, rules: tuple, entries) -> None:
        self.rel, self.key, self.rules, self.entries = rel, key, rules, iter(entries)


class _Walk:
    """One directory walk, iterative (a tree of any depth): what it found, in walk order; links
    are decided at the end, once every directory they could point into has been walked."""

    def __init__(self, root: str, on_error, excluded: Optional[Exclusion] = None) -> None:
        self.root = root
        self.excluded = excluded or Exclusion()
        self.real_root = os.path.realpath(root)
        self.on_error = on_error
        self.found: list[tuple] = []  # ("file", path, dir key, name) | ("link", path) | ("skip", path, reason)
        self.dirs: dict[tuple, tuple] = {}  # (st_dev, st_ino) of each walked directory: (rel, rules)

    def run(self) -> None:
        top = self.open_dir(self.root, "", ())
        stack = [top] if top else []
        while stack:
            e = next(stack[-1].entries, None)
            if e is None:
                stack.pop()
                continue
            try:
                child = self.entry(e, stack[-1])
            except OSError:  # the entry vanished or cannot be examined: as if it were not there
                continue
            if child is not None:
                stack.append(child)

    def open_dir(self, path: str, rel: str, rules: tuple) -> Optional[_Frame]:
        try:
            st = os.stat(path)
            key = (st.st_dev, st.st_ino)
            if key in self.dirs:
                return None  # reached twice (a bind mount)
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError as exc:
            self.on_error(path, exc.strerror or str(exc))
            return None
        gi = next((e for e in entries if e.name == ".gitignore"), None)
        compiled = self.read_gitignore(gi) if gi is not None else None
        if compiled:
            rules = (*rules, (compiled, len(rel) + 1 if rel else 0))
        self.dirs[key] = (rel, rules)
        return _Frame(rel, key, rules, entries)

    def entry(self, e, frame: _Frame) -> Optional[_Frame]:
        name, rel = e.name, _join(frame.rel, e.name)
        if e.is_symlink():
            self.symlink(e, rel, frame.rules)
        elif e.is_dir(follow_symlinks=False):
            if not self.excluded(e.path) and not _ignored(frame.rules, rel, name, True):
                return self.open_dir(e.path, rel, frame.rules)
        elif is_dockerfile_name(name) and not _ignored(frame.rules, rel, name, False) and not self.excluded(e.path):
            if e.is_file(follow_symlinks=False):
                self.found.append(("file", e.path, frame.key, name))
            else:
                self.skip(e.path, "not a regular file")
        return None

    def symlink(self, e, rel: str, rules: tuple) -> None:
        name = e.name
        try:
            is_dir = stat.S_ISDIR(os.stat(e.path).st_mode)
            broken = False
        except OSError:
            is_dir, broken = False, True
        if is_dir:  # never followed; only one leading out of the tree is worth a word (and a
            # `dir/` pattern silences it, though git would not call a symlink a directory)
            if not self.excluded(e.path) and not _ignored(rules, rel, name, True) \
                    and not _inside(os.path.realpath(e.path), self.real_root):
                self.skip(e.path, f"symlink to a directory outside {self.root}")
        elif is_dockerfile_name(name) and not _ignored(rules, rel, name, False) and not self.excluded(e.path):
            if broken:
                self.skip(e.path, "broken symlink")
            else:
                self.found.append(("link", e.path))

    def skip(self, path: str, reason: str) -> None:
        self.found.append(("skip", path, reason))

    def read_gitignore(self, e) -> Optional[_Gitignore]:
        """The compiled .gitignore, read without following a symlink (git does not either) and
        only if it is a regular file of sane size."""
        if e.is_symlink():
            self.skip(e.path, "a symlink (git does not follow it either); its patterns are not applied")
            return None
        if not e.is_file(follow_symlinks=False):
            return None
        try:
            data = _read_small(e.path, GITIGNORE_MAX_BYTES)
        except OSError as exc:
            self.skip(e.path, f"{exc.strerror or exc}; its patterns are not applied")
            return None
        return _Gitignore(data.decode("utf-8", "surrogateescape"))  # as file names decode

    def results(self, on_skip) -> list[str]:
        """The paths to lint, in walk order; tells ``on_skip`` what was skipped, in the same order."""
        regular = {(item[2], item[3]) for item in self.found if item[0] == "file"}
        linked: set = set()
        paths = []
        for item in self.found:
            if item[0] == "file":
                paths.append(item[1])
                continue
            if item[0] == "skip":
                on_skip(item[1], item[2])
                continue
            target = self.link_target(item[1], on_skip)
            if target is not None and target not in regular and target not in linked:
                linked.add(target)  # linted once, under the first link to it
                paths.append(item[1])
        return paths

    def link_target(self, path: str, on_skip) -> Optional[tuple]:
        """(directory key, name) of the regular file a file symlink leads to, when the walk itself
        reached that file's place; else None, and ``on_skip`` hears why."""
        real = os.path.realpath(path)
        if not _inside(real, self.real_root):
            on_skip(path, f"symlink to a file outside {self.root}")
            return None
        try:
            if not stat.S_ISREG(os.stat(real).st_mode):
                on_skip(path, "symlink to something that is not a regular file")
                return None
            st = os.stat(os.path.dirname(real))
        except OSError:
            on_skip(path, "broken symlink")
            return None
        key, name = (st.st_dev, st.st_ino), os.path.basename(real)
        walked = self.dirs.get(key)
        if walked is None or _ignored(walked[1], _join(walked[0], name), name, False):
            on_skip(path, "symlink to a file that is not linted itself (git-ignored, or under a skipped directory)")
            return None
        return key, name


def _read_small(path: str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, opened without following a symlink
    or waiting on a FIFO; OSError otherwise."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise OSError(errno.EFBIG, f"larger than {limit // (1024 * 1024)} MB")
    return b"".join(chunks)


def _nothing(path: str, message: str) -> None:
    pass


def discover(root: str, on_error: Optional[Callable[[str, str], None]] = None,
             on_skip: Optional[Callable[[str, str], None]] = None,
             excluded: Optional[Exclusion] = None) -> Iterator[str]:
    """Yield Dockerfile paths under ``root`` in a stable order (names sorted, depth first).
    ``on_error(directory, message)``: a directory that cannot be read; ``on_skip(path, reason)``:
    a file left out for safety (see the module's docstring); ``excluded``: what is not walked
    into nor linted (default: SKIP_DIRS)."""
    walk = _Walk(root, on_error or _nothing, excluded)
    walk.run()
    yield from walk.results(on_skip or _nothing)
