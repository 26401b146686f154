r"""Files deleted in a later layer than the one that created them.

## What it does
Follows the layers of the image (the target stage and the stages it is built `FROM`) and
reports a `RUN` that deletes something an earlier instruction of this Dockerfile put
there:
- a file or directory added by `COPY`/`ADD` (`ADD https://.../x.tar.gz /tmp/` then
  `RUN rm /tmp/x.tar.gz`); inside a directory copied from the build context, the deleted
  path must exist in the context (and not be excluded by `.dockerignore`);
- a download, clone, extraction or file written by an earlier `RUN` (`wget`, `curl -o`,
  `git clone`, `tar -x -C`, `unzip -d`, `cp`, `>` redirections);
- a package-manager cache filled by an earlier `RUN` (`rm -rf /var/lib/apt/lists/*`,
  `apt-get clean`, `yum clean all`, `npm cache clean`, `pip cache purge` one layer
  late);
- packages installed by an earlier `RUN` (`apt-get purge`, `apk del`, `dnf remove`).

The finding points at the deleted path (or package) and names the line that created it:
the instruction that wrote that very path when there is one (a `curl -o /src/big.bin`
after a `git clone` into `/src`), else the clone, extraction, cache or copied directory it
is inside. A path inside a clone or an extraction is the clone's only while no other
program ran since that may have written there (`make`, `./configure`, a script: anything
but file utilities, package managers and the like): after one earlier in the deleting
`RUN` it is not reported (it may be that `RUN`'s own output), and after one in a layer
between the two the message names both. Deleting a directory names what an earlier layer
wrote inside it; a `find` that deletes what it matches below a directory (`find / -name
__pycache__ -exec rm -rf {} +`) blames nothing inside it, since what matches is not known.
Deleting what the same `RUN` created is what it should be and is not reported; nor are
deletions of files from the base image, which this Dockerfile cannot avoid.

## Why is this bad
Image layers only add: a deletion in a later layer writes a "whiteout" marker that hides
the file, but the bytes stay in the earlier layer and every pull still downloads them.
The image gets bigger by the cost of the extra layer, not smaller. Download, use and
delete in one `RUN`, use `RUN --mount` (bind, cache or secret) for files needed only
during the build, or build in a separate stage and `COPY --from` the result.

## Example
```dockerfile
FROM debian:12-slim
ADD https://example.com/tool.tar.gz /tmp/
RUN tar -xzf /tmp/tool.tar.gz -C /opt
RUN rm /tmp/tool.tar.gz
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN --mount=type=bind,from=downloads,source=/tool.tar.gz,target=/tmp/tool.tar.gz \
    tar -xzf /tmp/tool.tar.gz -C /opt
```
"""
from __future__ import annotations

import bisect
import os
import posixpath
from collections import deque

from ..base import Violation
from ...graph import image_path
from ...shell.packages import INSTALL_SUBS, REMOVE_SUBS, cost_kind
from ...record import Record
from ...buildctx.paths import clean, context_glob
from ..run_commands import (_GLOB, SYSTEM_DIRS, cache_trigger, clean_kind, cleared_dir, deletes, dirs_holding,
                            effects, mounts, origin, run_caches, under)

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional

CODE = "LL320"
NAME = "delete-in-later-layer"
SEVERITY = "warning"
SUMMARY = "Deletes files an earlier layer created: the image does not get smaller"
HADOLINT = ()
BUILDKIT = ()

_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst")


class Made(Record):
    path: str
    subtree: bool
    line: int
    how: str  # for messages: "`ADD` on line 3"
    origin: str  # "copy" | "context" | "stage" | "run" | "cache"
    context_src: Optional[str]  # context-relative source of a directory copy
    cache_kind: Optional[str]
    touched: Optional[str]  # a later command that may have written inside a "run" subtree

    _fields = ("path", "subtree", "line", "how", "origin", "context_src", "cache_kind", "touched")

    def __init__(
        self,
        path: str,
        subtree: bool,
        line: int,
        how: str,
        origin: str,
        context_src: Optional[str] = None,
        cache_kind: Optional[str] = None,
        touched: Optional[str] = None,
    ) -> None:
        self.path = path
        self.subtree = subtree
        self.line = line
        self.how = how
        self.origin = origin
        self.context_src = context_src
        self.cache_kind = cache_kind
        self.touched = touched


def _copy_records(ctx, step) -> list[Made]:
    instr = step.instr
    kw = instr.keyword
    if instr.exec_form is not None:
        parts = list(instr.exec_form)
    else:
        parts = [w.text for w in instr.words]
    if len(parts) < 2:
        return []
    parts = [step.expand(p)[0] for p in parts]
    if any("$" in p for p in parts):
        return []
    srcs, dest = parts[:-1], parts[-1]
    dest_abs = image_path(dest, step.state.workdir)
    if dest_abs is None:
        return []
    from_stage = instr.flag("from") is not None
    multi = len(srcs) > 1 or dest.endswith("/")
    how = f"`{kw} {' '.join(parts)}` on line {instr.start_line}"
    out: list[Made] = []
    for src in srcs:
        if src.startswith("<<"):
            out.append(Made(dest_abs, False, instr.start_line, how, "copy"))
            continue
        name = posixpath.basename(src.rstrip("/"))
        if kw == "ADD" and "://" in src:
            url_name = src.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
            if src.endswith(".git") or src.startswith("git@"):
                out.append(Made(dest_abs, True, instr.start_line, how, "stage"))
            elif url_name:
                out.append(Made(posixpath.join(dest_abs, url_name) if dest.endswith("/") else dest_abs,
                                False, instr.start_line, how, "copy"))
            continue
        if kw == "ADD" and not from_stage and src.lower().endswith(_ARCHIVES):
            if dest_abs not in SYSTEM_DIRS:
                out.append(Made(dest_abs, True, instr.start_line, how, "stage"))  # extracted
            continue
        if from_stage:
            looks_dir = src.endswith("/") or "." not in name or any(c in src for c in "*?[")
            if looks_dir:
                if dest_abs not in SYSTEM_DIRS:
                    out.append(Made(dest_abs, True, instr.start_line, how, "stage"))
            else:
                out.append(Made(posixpath.join(dest_abs, name) if multi else dest_abs, False, instr.start_line,
                                how, "copy"))
            continue
        kind = _context_kind(ctx, src)
        if kind == "file":
            out.append(Made(posixpath.join(dest_abs, name) if multi else dest_abs, False, instr.start_line,
                            how, "copy"))
        elif kind == "dir":
            out.append(Made(dest_abs, True, instr.start_line, how, "context", context_src=src))
    return out


def _context_kind(ctx, src: str) -> Optional[str]:
    """'file' or 'dir' for a build-context source; guessed from the name without a context."""
    if any(c in src for c in "*?["):
        return "dir" if ctx.context_dir else None
    if ctx.context_dir:
        p = ctx.context_path(src) or ""  # never outside the context
        if os.path.isdir(p):
            return "dir"
        if os.path.isfile(p):
            return "file"
        return None
    name = posixpath.basename(src.rstrip("/"))
    if src in (".", "./") or src.endswith("/") or "." not in name:
        return "dir"
    return "file"


def _in_context(ctx, made: Made, path: str) -> bool:
    """Whether deleting ``path`` under a directory copied from the context removes copied files."""
    if not ctx.context_dir or made.context_src is None:
        return False
    rel = posixpath.relpath(path, made.path) if path != made.path else "."
    srcs = [made.context_src]
    if any(c in made.context_src for c in "*?["):  # listed only inside the context (buildctx.paths)
        srcs = [p for p in context_glob(ctx.context_dir, made.context_src)
                if os.path.isdir(ctx.context_path(p) or "")]
    for src in srcs:
        candidate = posixpath.normpath(posixpath.join(clean(src) or ".", rel))
        if candidate.startswith("../") or candidate == "..":
            continue  # not under the copied directory
        for relp in context_glob(ctx.context_dir, candidate) if any(c in rel for c in "*?[") else [candidate]:
            if not os.path.exists(ctx.context_path(relp) or ""):
                continue
            di = ctx.dockerignore
            if di is not None and di.is_excluded(relp):
                continue
            return True
    return False


def _matches(ctx, made: Made, pattern: str, builds_before: bool = False) -> bool:
    """Whether deleting ``pattern`` removes what ``made`` created."""
    if deletes(pattern, made.path):
        return True  # the deletion removes the whole thing
    if made.subtree and under(pattern.split("*")[0].rstrip("/") or "/", made.path):
        if made.origin == "context":
            return _in_context(ctx, made, pattern)  # the file is in the context: it was copied
        if made.origin == "cache":
            return True
        # inside a clone or an extracted archive: only when nothing in this RUN could have
        # re-created it (COPY --from and ADD archives: contents unknown, not matched)
        return made.origin == "run" and not builds_before
    return False


class _Records:
    """What earlier instructions (or this RUN) created, in creation order, indexed by path so
    that a deletion looks up what it can remove (comparing every deletion with every record
    was quadratic in a long stage).  Answers the same as testing ``_matches`` on every record
    in order."""

    def __init__(self) -> None:
        self._next = 0
        self.alive: dict[int, Made] = {}  # seq -> record
        self._paths: list[tuple[str, int]] = []  # (path, seq) of the alive records, sorted
        self._subtrees: dict[tuple[str, str], list[int]] = {}  # (origin, dir) -> seqs: a subtree may hold the path
        self._caches: dict[str, deque] = {}  # cache kind -> seqs of the cache records
        self._untouched: list[int] = []  # seqs of the "run" subtrees no later command may have written to yet

    def __bool__(self) -> bool:
        return bool(self.alive)

    def add(self, m: Made) -> None:
        seq = self._next
        self._next += 1
        self.alive[seq] = m
        bisect.insort(self._paths, (m.path, seq))
        if m.subtree and m.origin in ("cache", "run", "context"):
            self._subtrees.setdefault((m.origin, m.path.rstrip("/") or "/"), []).append(seq)
        if m.origin == "cache":
            self._caches.setdefault(m.cache_kind, deque()).append(seq)
        if m.subtree and m.origin == "run" and m.touched is None:
            self._untouched.append(seq)

    def extend(self, records) -> None:
        for m in records:
            self.add(m)

    def remove(self, seq: int) -> None:
        m = self.alive.pop(seq)
        i = bisect.bisect_left(self._paths, (m.path, seq))
        del self._paths[i]

    def records(self):
        return list(self.alive.values())

    def first_cache(self, kind: str) -> Optional[int]:
        """The first cache record of ``kind`` (``m.origin == "cache" and m.cache_kind == kind``)."""
        seqs = self._caches.get(kind)
        while seqs and seqs[0] not in self.alive:
            seqs.popleft()
        return seqs[0] if seqs else None

    def deleted_by(self, pattern: str) -> list[int]:
        """In order, the records ``deletes(pattern, m.path)`` removes."""
        if _GLOB.search(pattern):
            lit = pattern[:_GLOB.search(pattern).start()]
            found = [seq for path, seq in self._prefixed(lit) if deletes(pattern, path)]
        else:
            root = pattern.rstrip("/") or "/"
            if root == "/":
                found = list(self.alive)
            else:
                found = [seq for _, seq in self._prefixed(root + "/")]
                i = bisect.bisect_left(self._paths, (root, -1))
                while i < len(self._paths) and self._paths[i][0] == root:
                    found.append(self._paths[i][1])
                    i += 1
        return sorted(found)

    def _prefixed(self, prefix: str):
        """(path, seq) of the records whose path starts with ``prefix``."""
        i = bisect.bisect_left(self._paths, (prefix, -1))
        while i < len(self._paths) and self._paths[i][0].startswith(prefix):
            yield self._paths[i]
            i += 1

    def first_hit(self, ctx, pattern: str, builds_before: bool) -> Optional[int]:
        """The record that created what the deletion removes (see ``_matches``), the most
        specific first: one at the deleted path itself (or named by the glob), then a subtree
        the deleted path is inside (a clone, an extraction, a cache, a context directory),
        then one inside the deleted directory; the earliest of each kind.  (`git clone` into
        /src, then `curl -o /src/big.bin`: deleting /src/big.bin removes what curl wrote, and
        deleting /src what the clone made.)"""
        removed = self.deleted_by(pattern)
        root = cleared_dir(pattern) if _GLOB.search(pattern) else (pattern.rstrip("/") or "/")
        named = [seq for seq in removed if _GLOB.search(pattern) or self.alive[seq].path.rstrip("/") == root]
        if named:
            return named[0]
        holder = None
        inside = pattern.split("*")[0].rstrip("/") or "/"
        for kind in ("cache", "run", "context"):
            if kind == "run" and builds_before:
                continue
            for d in dirs_holding(inside):
                for seq in self._subtrees.get((kind, d), ()):
                    if holder is not None and seq >= holder:
                        break
                    m = self.alive.get(seq)
                    if m is None:
                        continue
                    if kind != "context" or _in_context(ctx, m, pattern):
                        holder = seq
                        break
        if holder is not None:
            return holder
        return removed[0] if removed else None

    def touch(self, what: str) -> None:
        """A command that may write anywhere ran: a path inside a clone or an extraction made
        before it may be its output."""
        for seq in self._untouched:
            m = self.alive.get(seq)
            if m is not None and m.touched is None:
                m.touched = what
        self._untouched = []  # each record once: a RUN of many commands stays linear


def check(ctx):
    target = ctx.graph.target
    if target is None:
        return
    made = _Records()
    installed: dict[tuple[str, str], int] = {}  # (family, package) -> line
    for step in target.chain_steps():
        instr = step.instr
        if instr.inner is not None:
            continue  # ONBUILD triggers run in another build
        if instr.keyword in ("COPY", "ADD"):
            made.extend(_copy_records(ctx, step))
            continue
        if instr.keyword != "RUN":
            continue
        yield from _run(ctx, instr, made, installed)


def _run(ctx, instr, made: _Records, installed: dict):
    r = run_caches(ctx, instr)
    mts = mounts(ctx, instr)
    local = _Records()
    local_pkgs: set = set()
    builds_before = False
    line = instr.start_line
    for i, lc in enumerate(r.located):
        call = lc.call
        pc = r.pms[i]
        if cost_kind(call.cmd) in ("install", "compile"):
            builds_before = True
        if _may_write_anywhere(call):
            # what it wrote is not known: a path inside a clone or an extraction may be its output
            # (`server create && rm -rf output/.classCache`), so it is no longer "made by the clone"
            made.touch(f"`{call.prog}` on line {call.line}")
            local.touch(f"`{call.prog}` on line {call.line}")
            builds_before = True
        # package removals
        if pc is not None and pc.sub in REMOVE_SUBS.get(pc.family, ()):
            for w in pc.parsed.operands:
                key = (pc.family, w.value)
                if key in installed and key not in local_pkgs:
                    yield Violation(call.span(origin(w)), f"`{w.value}` was installed on line {installed[key]}, in an earlier layer: removing it here "
                        "hides it but the image still carries it; install and remove it in the same RUN, "
                        "or build in a separate stage")
                    del installed[key]
        # caches cleaned one layer late
        kind = clean_kind(call, pc)
        if kind is not None:
            hit = made.first_cache(kind)
            if hit is not None and local.first_cache(kind) is None:
                word = pc.sub_word if pc is not None and pc.sub_word is not None else call.prog_word
                yield Violation(call.span(origin(word)), f"`{call.text.strip()}` cleans the cache filled by {made.alive[hit].how}, an earlier layer: the image "
                    "keeps it; clean up in the RUN that fills the cache (or use a cache mount)")
                made.remove(hit)
        for eff in effects(lc, r.env, r.home):
            if eff.kind == "delete":
                if local.first_hit(ctx, eff.path, False) is not None:
                    for seq in local.deleted_by(eff.path):
                        local.remove(seq)
                    continue
                first = made.first_hit(ctx, eff.path, builds_before)
                if first is not None and eff.what.startswith("find") and \
                        made.alive[first].path.rstrip("/") != (eff.path.rstrip("/") or "/") and \
                        under(made.alive[first].path, eff.path):
                    first = None  # `find / -name __pycache__ -exec rm`: what it matches inside is not known
                if first is not None:
                    m = made.alive[first]
                    shown = getattr(eff.word, "raw", None) or eff.path
                    came = _came(m)
                    deleted = eff.path.rstrip("/") or "/"
                    if m.touched is not None and m.path.rstrip("/") != deleted and under(deleted, m.path):
                        came = f"is inside `{m.path}`, which {m.how} created and {m.touched} may have written to"
                    elif m.origin != "cache" and not _GLOB.search(eff.path) and m.path.rstrip("/") != deleted \
                            and under(m.path, deleted):
                        came = f"holds `{m.path}`, which {came}"  # what an earlier layer wrote inside the directory
                    verb = ("moving it here writes a copy into this layer and hides the original: the image "
                            "carries it twice" if eff.what == "mv" else
                            "deleting it here hides it, but the image still carries it")
                    yield Violation(call.span(origin(eff.word)), f"`{shown}` {came}, an earlier layer: {verb}; {_advice(m)}")
                    for seq in made.deleted_by(eff.path):
                        made.remove(seq)
            elif eff.kind == "create" and eff.path not in SYSTEM_DIRS:
                what = eff.what if "`" in eff.what else f"`{eff.what}`"  # "a `>` redirection" is quoted already
                local.add(Made(eff.path, eff.subtree, line, f"{what} on line {call.line}", "run"))
        if pc is not None and pc.sub in INSTALL_SUBS.get(pc.family, ()):
            for w in pc.parsed.operands:
                local_pkgs.add((pc.family, w.value))
                if not w.has_expansion:
                    installed[(pc.family, w.value)] = call.line
        trig = cache_trigger(r, i, lc, pc, mts)
        if trig is not None:
            ckind, paths, word, *_ = trig
            if not r.cleaned(i, ckind, paths):
                for p in paths:
                    if p:
                        local.add(Made(p, True, line, f"`{call.text.strip()[:50]}` on line {call.line}",
                                       "cache", cache_kind=ckind))
    made.extend(local.records())


# Programs that write nothing but what ``effects`` sees (files named in their arguments and
# redirections), only system paths (package managers, the user database) or nothing at all.
# Any other program (`make`, `./configure`, `server create`, a script) may write anywhere.
_KNOWN_WRITES = frozenset("""
rm rmdir unlink find mkdir touch chown chmod chgrp ln setfacl chattr cp mv install rsync wget curl tar unzip
echo printf true false test [ : cd pushd popd export set unset exit ls cat head tail grep egrep fgrep sed awk
sort cut tr wc which command type sleep id whoami uname env date sha1sum sha256sum sha512sum md5sum gpg gpgconf
apt-get apt apt-mark apt-key apk yum dnf microdnf zypper dpkg rpm useradd groupadd adduser addgroup usermod
groupmod userdel deluser locale-gen update-ca-certificates ldconfig
""".split())


def _may_write_anywhere(call) -> bool:
    if call.prog == "git":
        return not any(w.value == "clone" for w in call.args[:3])
    return call.prog not in _KNOWN_WRITES


def _came(m: Made) -> str:
    if m.origin == "cache":
        return f"holds the cache filled by {m.how}"
    if m.origin == "run":
        return f"was created by {m.how}"
    return f"came in with {m.how}"


def _advice(m: Made) -> str:
    if m.origin == "cache":
        return "clean it in the RUN that fills it, or use a cache mount"
    if m.origin == "run":
        return "delete it in the RUN that creates it"
    if m.how.startswith("`ADD") and "://" in m.how:
        return "download, use and delete it in one RUN, or use RUN --mount"
    return "keep it out of the COPY (narrower sources, .dockerignore) or mount it with RUN --mount=type=bind"
