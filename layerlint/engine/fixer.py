"""``--fix`` / ``--diff``: apply the ``Fix`` objects rules attach to findings, safely.

The engine knows nothing about any rule.  A ``Fix`` is a list of ``Edit(span, text)`` on the
file's physical lines (1-based columns counted in characters, ``end_column`` exclusive; an
empty span is an insertion).  For one file:

1. The file must decode as UTF-8 and parse; otherwise nothing is touched.
2. Each pass takes every finding's fix, in file order, from the lint of the current text
   (the first pass from the run's own result for the file when it is given and still
   matches the file; later passes re-lint the edited text).  With ``safe_only`` (what
   ``--fix`` does unless ``--unsafe-fixes``) only safe fixes are taken: an unsafe fix changes
   what the image contains or how it runs.  A fix whose edits overlap an edit already taken
   in this pass waits for the next pass (it is recomputed there on the new text, if the
   finding is still there).
3. A fix is kept only if the result re-parses to the same Dockerfile except at the fixed
   points: every instruction that no edit touches is still there, unchanged, at its (shifted)
   place; every new or changed instruction lies where an edit was; directives, the escape
   character and the parse errors are as before.  The pass's fixes are checked all together
   first (one parse); a group that fails is halved until the fixes that fail alone are found,
   and those are refused, with the reason (at most ``MAX_CHECKS`` checks a file).  Groups
   that pass alone but not together: the first is applied, the rest wait for the next pass.
   So a pass costs a few parses and one application of all its edits, not a parse per fix:
   ``--fix`` is linear in the number of fixes.
4. Passes repeat until no fix applies (so ``fix(fix(x)) == fix(x)``), at most ``MAX_PASSES``
   re-lints; a text seen before (two fixes undoing each other) stops the loop.
5. Everything outside the edits is kept byte for byte: BOM, CRLF or LF line ends (text that
   a fix inserts follows the file's line ends), comments, continuations, heredocs.
"""
from __future__ import annotations

import difflib
import errno
import os
import stat
from bisect import bisect_left, bisect_right

from .results import FileError, FileResult
from ..record import Record
from ..syntax import parse
from ..syntax.parser import decode
from ..text import printable

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional, Sequence

MAX_PASSES = 10
BOM = b"\xef\xbb\xbf"


class Applied(Record):
    rule: str
    description: str
    line: int  # in the text the fix was applied to

    _fields = ("rule", "description", "line")

    def __init__(self, rule: str, description: str, line: int) -> None:
        self.rule = rule
        self.description = description
        self.line = line


class Refused(Record):
    rule: str
    description: str
    line: int
    reason: str

    _fields = ("rule", "description", "line", "reason")

    def __init__(self, rule: str, description: str, line: int, reason: str) -> None:
        self.rule = rule
        self.description = description
        self.line = line
        self.reason = reason


class FixOutcome(Record):
    path: str
    original: bytes
    fixed: bytes
    result: FileResult  # the findings that remain, on the fixed text
    applied: list[Applied]
    refused: list[Refused]
    passes: int
    note: str  # why nothing was attempted, when that is the case
    hidden: int  # unsafe fixes left unapplied (without --unsafe-fixes), on the fixed text

    _fields = ("path", "original", "fixed", "result", "applied", "refused", "passes", "note", "hidden")

    def __init__(
        self,
        path: str,
        original: bytes,
        fixed: bytes,
        result: FileResult,
        applied: list[Applied] | None = None,
        refused: list[Refused] | None = None,
        passes: int = 0,
        note: str = "",
        hidden: int = 0,
    ) -> None:
        self.path = path
        self.original = original
        self.fixed = fixed
        self.result = result
        self.applied = [] if applied is None else applied
        self.refused = [] if refused is None else refused
        self.passes = passes
        self.note = note
        self.hidden = hidden

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


class _Text:
    """The decoded file with its line starts, for position <-> offset conversion."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        pos = text.find("\n")
        while pos >= 0:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)
        self.crlf = text.count("\r\n") * 2 > text.count("\n")  # most lines end in CR LF

    def eol(self, line: int) -> str:
        """The line end of ``line`` (of the file's usual one past the last line)."""
        if 1 <= line < len(self.starts):
            nl = self.starts[line] - 1
            return "\r\n" if nl > self.starts[line - 1] and self.text[nl - 1] == "\r" else "\n"
        return "\r\n" if self.crlf else "\n"

    def line_end(self, line: int) -> int:
        """Offset just after the content of ``line`` (before its CR LF / LF)."""
        if line >= len(self.starts):
            return len(self.text)
        end = self.starts[line] - 1  # the \n
        if end > self.starts[line - 1] and self.text[end - 1] == "\r":
            end -= 1
        return end

    def offset(self, line: int, column: int) -> Optional[int]:
        n = len(self.starts)
        if line == n + 1 or (line == n and self.starts[-1] == len(self.text) and self.text):
            # just past the last line: the end of the file
            if column == 1:
                return len(self.text)
        if not 1 <= line <= n or column < 1:
            return None
        start = self.starts[line - 1]
        return min(start + column - 1, self.line_end(line))


def _edit_ranges(t: _Text, fix) -> Optional[list[tuple[int, int, str]]]:
    out = []
    for e in fix.edits:
        s = t.offset(e.span.line, e.span.column)
        end = t.offset(e.span.end_line, e.span.end_column)
        if s is None or end is None or end < s:
            return None
        text = e.text.replace("\r\n", "\n")
        if "\n" in text and t.eol(e.span.line) == "\r\n":
            text = text.replace("\n", "\r\n")  # inserted lines follow the file's line ends
        out.append((s, end, text))
    out.sort(key=lambda x: (x[0], x[1]))
    for (s1, e1, _), (s2, e2, _) in zip(out, out[1:]):
        if _overlap((s1, e1), (s2, e2)):
            return None
    return out


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    (s1, e1), (s2, e2) = a, b
    if s1 == e1 and s2 == e2:
        return s1 == s2  # two insertions at one point: the order would be a guess
    if s1 == e1:
        return s2 < s1 < e2
    if s2 == e2:
        return s1 < s2 < e1
    return s1 < e2 and s2 < e1


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    # one pass over the (non-overlapping) edits in order: linear in the text, however many edits;
    # at one offset an insertion sorts before the replacement that starts there, so it lands before it
    parts, pos = [], 0
    for s, e, new in sorted(edits, key=lambda x: (x[0], x[1])):
        parts.append(text[pos:s])
        parts.append(new)
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


class _Edits:
    """Non-overlapping edits sorted by position, for the lookups ``verify`` makes once per
    instruction in O(log n): where an old offset is in the new text, and whether a range is touched.
    (Sorted, non-overlapping edits also have non-decreasing ends, each at or before the next start.)"""

    def __init__(self, edits) -> None:
        self.edits = sorted(edits, key=lambda x: (x[0], x[1]))
        self.starts = [s for s, _, _ in self.edits]
        self.shift = [0]  # shift[i]: how much edits[:i] lengthen the text
        for s, e, new in self.edits:
            self.shift.append(self.shift[-1] + len(new) - (e - s))

    def map_point(self, o: int, sticky: bool) -> int:
        """Where offset ``o`` of the old text is in the new one.  ``sticky``: an insertion exactly
        at ``o`` goes before it (for the start of a range) rather than after (for its end)."""
        i = bisect_left(self.starts, o)  # edits[:i] start before o
        if i:
            s, e, new = self.edits[i - 1]
            if e > o:  # o is inside that edit: it maps to the end of the new text
                return s + self.shift[i - 1] + len(new)
        shift = self.shift[i]
        if sticky and i < len(self.edits) and self.edits[i][0] == self.edits[i][1] == o:
            shift += len(self.edits[i][2])
        return o + shift

    def touches(self, a: int, b: int) -> bool:
        """Whether an edit changes the instruction at ``(a, b)``: one overlaps it (as ``_overlap``),
        or inserts at its very end (``apt-get autoremove`` + `` -y``: the text joins its last
        line).  An insertion at its start is not one: that is a new line before it.  Only the
        edits just around the first one starting at ``b`` can."""
        j = bisect_left(self.starts, b)
        if j < len(self.edits) and self.edits[j][0] == self.edits[j][1] == b:
            return True
        return any(_overlap((a, b), self.edits[k][:2]) for k in range(max(0, j - 2), min(len(self.edits), j + 1)))


class _Hits:
    """Ranges (possibly overlapping) for one question in O(log n): does any of them overlap
    ``(a, b)`` or start at ``a`` or end at ``b``."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        ranges = sorted(ranges)
        self.starts = [a for a, _ in ranges]
        self.max_end: list[int] = []  # the furthest end among ranges[:i + 1]
        for _, b in ranges:
            self.max_end.append(max(b, self.max_end[-1]) if self.max_end else b)
        self.start_set = set(self.starts)
        self.end_set = {b for _, b in ranges}

    def hit(self, a: int, b: int) -> bool:
        if a in self.start_set or b in self.end_set:
            return True
        j = bisect_left(self.starts, b)  # ranges[:j] start before b: one of them overlaps if it ends after a
        return j > 0 and self.max_end[j - 1] > a


class _Taken:
    """The edits taken so far in a pass (never overlapping each other), sorted, so that whether a
    new fix overlaps them costs O(log n) instead of a look at every one."""

    def __init__(self) -> None:
        self.keys: list[tuple[int, int]] = []
        self.ends: list[int] = []  # keys' ends: non-decreasing too, as the edits do not overlap

    def overlaps(self, edits) -> bool:
        for s, e, _ in edits:
            lo = bisect_left(self.ends, s)  # before lo: ended before s
            hi = bisect_right(self.keys, (e, float("inf")))  # from hi: start after e
            if any(_overlap((s, e), self.keys[k]) for k in range(lo, hi)):
                return True
        return False

    def add(self, edits) -> None:
        for s, e, _ in edits:
            i = bisect_left(self.keys, (s, e))
            self.keys.insert(i, (s, e))
            self.ends.insert(i, e)


def _ranges(df, t: _Text) -> list[tuple[int, int]]:
    out = []
    for instr in df.instructions:
        last = instr.end_line
        for h in (instr.inner or instr).heredocs:
            last = max(last, h.end_line)
        last = min(last, len(t.starts))
        out.append((t.starts[instr.start_line - 1], t.line_end(last)))
    return out


def _signature(instr) -> tuple:
    eff = instr.inner or instr
    return (instr.keyword_raw, instr.line, tuple((h.name, h.body) for h in eff.heredocs))


def verify(old_df, old_t: _Text, new_text: str, edits) -> Optional[str]:
    """None when ``new_text`` is ``old`` with only the edited instructions changed; otherwise
    the reason it is not."""
    new_df = parse(new_text, old_df.path)
    new_t = _Text(new_text)
    if not new_df.ok:
        first = next(e for e in new_df.errors if e.fatal)
        return f"the result does not parse (line {first.line}: {first.message})"
    if new_df.escape != old_df.escape or {k: v.value for k, v in new_df.directives.items()} != \
            {k: v.value for k, v in old_df.directives.items()}:
        return "the result changes the parser directives"
    if len(new_df.errors) > len(old_df.errors):
        extra = new_df.errors[-1]
        return f"the result has a new parse problem (line {extra.line}: {extra.message})"
    old_ranges = _ranges(old_df, old_t)
    new_ranges = _ranges(new_df, new_t)
    dirty: list[tuple[int, int]] = []
    expected: dict[tuple[int, int], tuple] = {}
    ed = _Edits(edits)  # every lookup below is O(log n): verifying a pass is linear, however many fixes
    for instr, (a, b) in zip(old_df.instructions, old_ranges):
        na, nb = ed.map_point(a, True), ed.map_point(b, False)
        if ed.touches(a, b):
            dirty.append((na, nb))
        else:
            expected[(na, nb)] = (instr.start_line, _signature(instr))
    for s, e, new in ed.edits:
        ns = ed.map_point(s, True)  # after anything inserted before this point
        if s == e:
            ns -= len(new)  # an insertion maps its own point past its text
        dirty.append((ns, ns + len(new)))
    where = _Hits(dirty)
    found = set()
    for instr, rng in zip(new_df.instructions, new_ranges):
        want = expected.get(rng)
        if want is not None and want[1] == _signature(instr):
            found.add(rng)
            continue
        if not where.hit(*rng):
            return (f"the instruction at line {instr.start_line} would change, and no edit is there "
                    f"(a continuation or heredoc swallowed it?)")
    missing = [want[0] for rng, want in expected.items() if rng not in found]
    if missing:
        return f"the instruction at line {min(missing)} would not survive the edit unchanged"
    return None


def takes(fix, unsafe: bool = False) -> bool:
    """Whether ``--fix`` applies ``fix`` (a finding's, or None): safe fixes always, unsafe
    ones with ``--unsafe-fixes``."""
    return fix is not None and (fix.safe or unsafe)


def hidden_fixes(result: FileResult) -> int:
    """The findings of ``result`` whose fix is unsafe (what ``--unsafe-fixes`` would add)."""
    return sum(1 for f in result.findings if f.fix is not None and f.fix.edits and not f.fix.safe)


MAX_CHECKS = 64  # verifications of one file's fixes, all passes together (each parses the file)


def _candidates(result: FileResult, t: _Text, text: str, unsafe: bool, refused_keys: set):
    """The fixes a pass tries: every applicable finding's fix, in file order, that changes the
    text and overlaps no fix before it, as ``(finding, edits, key)``; also the fixes refused
    here (edits outside the file) as ``(candidate, reason)``, and whether a fix waited because it
    overlaps one taken (it is recomputed on the next pass's text)."""
    taken = _Taken()
    out: list = []
    refused: list = []
    deferred = False
    for f in result.findings:
        if not takes(f.fix, unsafe) or not f.fix.edits:
            continue
        line_text = result.lines[f.span.line - 1] if 0 < f.span.line <= len(result.lines) else ""
        key = (f.rule, f.fix.description, tuple(e.text for e in f.fix.edits), line_text)
        if key in refused_keys:
            continue
        edits = _edit_ranges(t, f.fix)
        if edits is None:
            refused.append(((f, None, key), "its edits fall outside the file or overlap each other"))
            continue
        if taken.overlaps(edits):
            deferred = True
            continue
        if all(text[s:e] == new for s, e, new in edits):
            continue  # changes nothing
        taken.add(edits)
        out.append((f, edits, key))
    return out, refused, deferred


def _check(old_df, t: _Text, text: str, candidates: list, budget: list):
    """Split ``candidates`` into groups that each pass ``verify`` (applied alone, with every
    other fix of its group) and the fixes refused, with the reason ``verify`` gives for each
    alone.  All of them are checked together first (one parse); a group that fails is halved
    until the fixes that break the file are found, so a pass costs a few parses, not one per
    fix.  ``budget``: ``[checks left]`` for the file; once spent, the fixes still unchecked
    are refused."""
    groups: list = []
    refused: list = []
    todo = [candidates] if candidates else []
    while todo:
        group = todo.pop()
        if budget[0] <= 0:
            refused += [(c, "not checked: too many other fixes in this file were refused") for c in group]
            continue
        budget[0] -= 1
        edits = [e for _, es, _ in group for e in es]
        reason = verify(old_df, t, _apply(text, edits), edits)
        if reason is None:
            groups.append(group)
        elif len(group) == 1:
            refused.append((group[0], reason))
        else:
            half = len(group) // 2
            todo += [group[half:], group[:half]]  # the first half is checked first
    return groups, refused


def fix_bytes(*args, **kwargs) -> FixOutcome:
    """:func:`_fix_bytes` with the cycle collector paused (``lint_file.without_cycle_collector``)."""
    from .lint_file import without_cycle_collector
    return without_cycle_collector(_fix_bytes, *args, **kwargs)


def _fix_bytes(data: bytes, path: str, settings, context_dir: Optional[str] = None,
               real_path: Optional[str] = None, rules=None, max_passes: int = MAX_PASSES,
               result: Optional[FileResult] = None, safe_only: bool = False, diagram: bool = False,
               shellcheck_batch=None) -> FixOutcome:
    """Apply every applicable fix to ``data`` and lint the result.  ``result``: the run's lint
    of ``data`` (same settings and rules), the first pass's findings instead of linting again;
    ``safe_only``: leave the unsafe fixes out (counted in ``hidden``); ``diagram``: as
    ``lint_bytes`` (for re-lints).

    ShellCheck (``settings.shellcheck``) runs on the fixed text once, not on every pass: its
    findings carry no fix, so the passes in between lint without it.  ``shellcheck_batch``: the
    ``shellcheck.Batch`` that final lint joins (its SC findings are in ``result`` once that batch
    is closed); None: ShellCheck runs for this file at once."""
    from .lint_file import lint_bytes
    unsafe = not safe_only
    passes_settings = settings.replace(shellcheck=False) if settings.shellcheck else settings

    def lint(b: bytes, final: bool = True) -> FileResult:
        return lint_bytes(b, path, settings if final else passes_settings, context_dir=context_dir,
                          real_path=real_path, rules=rules, diagram=diagram,
                          shellcheck_batch=shellcheck_batch if final else None)

    if result is None:
        result = lint(data)
    out = FixOutcome(path, data, data, result)
    if not any(takes(f.fix, unsafe) for f in result.findings):
        out.hidden = 0 if unsafe else hidden_fixes(result)
        return out
    _, problems, _ = decode(data)
    if problems:
        out.note = f"not fixed: {problems[0].message}"
        return out
    bom = data.startswith(BOM)
    text = data[len(BOM):].decode("utf-8") if bom else data.decode("utf-8")
    old_df = parse(text, path)
    if not old_df.ok:
        out.note = "not fixed: the file does not parse"
        return out
    if old_df.lines != result.lines:  # the file changed since the run linted it
        result = lint(data)
        out.result = result
    seen = {text}
    refused_keys: set = set()
    told: set = set()
    budget = [MAX_CHECKS]
    for _ in range(max_passes):
        t = _Text(text)
        candidates, refused, deferred = _candidates(result, t, text, unsafe, refused_keys)
        groups, failed = _check(old_df, t, text, candidates, budget)
        refused += failed
        for (f, _, key), reason in sorted(refused, key=lambda x: (x[0][0].span.line, x[0][0].span.column)):
            if key not in refused_keys:  # a fix is refused once, however many findings carry it
                refused_keys.add(key)
                said = (f.rule, f.fix.description, f.span.line, reason)
                if said not in told:  # nor said twice when it comes back after another fix
                    told.add(said)
                    out.refused.append(Refused(*said))
        if not groups:
            if failed and deferred:
                continue  # what waited behind a refused fix is tried on the same text
            break
        good = [c for g in groups for c in g]
        taken = [e for _, edits, _ in good for e in edits]
        new_text = _apply(text, taken)
        if len(groups) > 1 and verify(old_df, t, new_text, taken) is not None:
            good = groups[0]  # each group is fine alone, not all together: the rest waits a pass
            new_text = _apply(text, [e for _, edits, _ in good for e in edits])
        if new_text in seen:
            for f, _, _ in good:
                out.refused.append(Refused(f.rule, f.fix.description, f.span.line,
                                           "fixes undo each other (the file went back to an earlier text)"))
            break
        seen.add(new_text)
        for f, _, _ in good:
            out.applied.append(Applied(f.rule, f.fix.description, f.span.line))
        text = new_text
        old_df = parse(text, path)
        out.passes += 1
        fixed = (BOM if bom else b"") + text.encode("utf-8")
        result = lint(fixed, final=False)
        out.fixed, out.result = fixed, result
        if not any(takes(f.fix, unsafe) for f in result.findings):
            break
    if out.passes and settings.shellcheck:
        out.result = lint(out.fixed)  # the findings to report: ShellCheck's too
    out.hidden = 0 if unsafe else hidden_fixes(out.result)
    return out


def fix_file(path: str, settings, display: Optional[str] = None, rules=None, result: Optional[FileResult] = None,
             safe_only: bool = False, diagram: bool = False, shellcheck_batch=None) -> FixOutcome:
    from ..syntax.source import read_source
    data = read_source(path)
    return fix_bytes(data, display or path, settings,
                     context_dir=os.path.dirname(os.path.abspath(path)), real_path=path, rules=rules,
                     result=result, safe_only=safe_only, diagram=diagram, shellcheck_batch=shellcheck_batch)


def write_fixed(path: str, outcome: FixOutcome, real: Optional[str] = None) -> int:
    """Write the fixed text atomically, following a symlink to the file it names (``real``: that
    file, when the caller has already resolved and checked it), unless the file changed on disk
    since it was read or is not a regular file (then OSError).  Returns the file's number of
    hard links before the write: the write replaces the file (a rename), so when it is over 1
    the other names keep the old text (never written through a hard link, which may name a file
    anywhere on the same filesystem)."""
    from .files import write_atomic
    real = real or os.path.realpath(path)
    st = os.stat(real)
    if not stat.S_ISREG(st.st_mode):  # opening a FIFO to compare would block
        raise OSError(errno.EINVAL, "it is not a regular file")
    with open(real, "rb") as f:
        if f.read() != outcome.original:
            raise OSError(errno.EAGAIN, "it changed on disk while it was being fixed")
    write_atomic(real, outcome.fixed)
    return st.st_nlink


class _Roots:
    """The paths the user gave ``--fix``: a file named there may be fixed wherever it resolves
    to (following that link is what was asked); a file found in a directory given only where its
    real path is inside that directory's real path."""

    def __init__(self, roots) -> None:
        self.files: set[str] = set()
        self.dirs: list[tuple[str, str, str]] = []  # (as given, absolute, real)
        for r in roots:
            if r == "-":
                continue
            if os.path.isdir(r):
                self.dirs.append((r, os.path.abspath(r), os.path.realpath(r)))
            else:
                self.files.add(os.path.abspath(r))

    def refusal(self, path: str, real: str) -> Optional[str]:
        """None when ``path`` (resolving to ``real``) may be written, else why not."""
        absolute = os.path.abspath(path)
        if absolute in self.files:
            return None
        outside = None
        for given, dir_abs, dir_real in self.dirs:
            if _inside(absolute, dir_abs):
                if _inside(real, dir_real):
                    return None
                outside = outside or given
        if outside is None:
            return "it is not one of the paths given"
        what = "a symlink to a file" if os.path.islink(path) else "a file whose real path is"
        return f"it is {what} outside {printable(outside)}"


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def unified_diff(outcome: FixOutcome, name: Optional[str] = None) -> str:
    """A unified diff (``a/`` and ``b/`` prefixes, as git) of the fix; empty when nothing changed."""
    if not outcome.changed:
        return ""
    name = (name or outcome.path).replace(os.sep, "/")

    def lines(b: bytes) -> list[str]:
        s = b.decode("utf-8", errors="replace")
        parts = s.split("\n")
        out = [p + "\n" for p in parts[:-1]]
        if parts[-1]:
            out.append(parts[-1])
        return out

    a, b = lines(outcome.original), lines(outcome.fixed)
    out = []
    for line in difflib.unified_diff(a, b, f"a/{name}", f"b/{name}"):
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)


def run_fixes(results: list[FileResult], settings, write: bool, stdin_name: Optional[str] = None,
              echo=print, unsafe: bool = False, diagram: bool = False,
              roots: Optional[Sequence[str]] = None) -> tuple[list[FileResult], str]:
    """The CLI's ``--fix`` (``write``) and ``--diff``: fix every file that has fixable findings,
    starting from the run's result for it (``results``), tell what was done and refused on
    ``echo`` (stderr), and return the results to report (the remaining findings) and the diff
    text.  Safe fixes only unless ``unsafe`` (``--unsafe-fixes``); the unsafe fixes left out
    are counted in a closing hint.  ``stdin_name``: the name the result read from standard
    input carries (it is never written: there is no file to write).  ``diagram``: re-lints
    keep the stage diagram (``--format summary``).

    ``roots``: the paths the user gave.  A file found in a directory given is fixed only when
    its real path is inside that directory (``repo/Dockerfile -> ../victim/Dockerfile`` is
    skipped, with a line saying so; ``--diff`` skips it too, to show what ``--fix`` does); a
    file given by name is fixed where it resolves to.  None: no such restriction.  A file with
    several hard links is fixed by replacing this name only (said on ``echo``).  A file that
    cannot be read again or written (a read-only directory, a full disk) keeps its findings and
    gets a ``FileError`` saying so: the run exits 2, not 1 as if it had only found problems."""
    out: list[FileResult] = []
    diffs: list[str] = []
    n_fixed = n_files = hidden = 0
    given = _Roots(roots) if roots is not None else None
    sc_batch = _shellcheck_batch(settings)  # one for the final lints of all the files fixed
    try:
        for r in results:
            name = printable(r.path)
            if r.errors:
                out.append(r)
                continue
            if stdin_name is not None and r.path == stdin_name:
                if any(f.fix is not None for f in r.findings):
                    echo(f"layerlint: {name}: standard input cannot be fixed in place; its findings are reported "
                         "unfixed")
                out.append(r)
                continue
            if not any(takes(f.fix, unsafe) for f in r.findings):
                hidden += 0 if unsafe else hidden_fixes(r)
                out.append(r)
                continue
            real = os.path.realpath(r.path)  # resolved once: what is checked here is what is written
            why = given.refusal(r.path, real) if given is not None else None
            if why is not None:
                echo(f"layerlint: not fixing {name}: {why}")
                out.append(r)
                continue
            try:
                outcome = fix_file(r.path, settings, display=r.path, result=r, safe_only=not unsafe, diagram=diagram,
                                   shellcheck_batch=sc_batch)
            except OSError as exc:
                out.append(_failed(r, "not fixed: cannot read it again", exc))
                continue
            if outcome.note:
                echo(f"layerlint: {name}: {printable(outcome.note)}")
            for x in outcome.refused:
                echo(f"layerlint: {name}:{x.line}: {x.rule} fix refused ({printable(x.description)}): "
                     f"{printable(x.reason)}")
            if outcome.changed:
                if write:
                    try:
                        links = write_fixed(r.path, outcome, real)
                    except OSError as exc:
                        out.append(_failed(r, "fixes not written", exc))
                        hidden += 0 if unsafe else hidden_fixes(r)
                        continue
                    if links > 1:
                        echo(f"layerlint: {name}: was one of {links} hard links to a file; only this name has the "
                             "fixed text, the other links keep the old text")
                else:
                    diffs.append(unified_diff(outcome))
                n_fixed += len(outcome.applied)
                n_files += 1
            hidden += outcome.hidden
            out.append(outcome.result)
    finally:
        if sc_batch is not None:
            sc_batch.close()  # completes the results in `out`
    verb = "Fixed" if write else "Would fix"
    if n_fixed:
        echo(f"{verb} {n_fixed} problem{'s' if n_fixed != 1 else ''} in {n_files} file{'s' if n_files != 1 else ''}.")
    else:
        echo("No fixes applied.")
    if hidden:
        echo(hidden_hint(hidden, "--fix" if write else "--diff"))
    return out, "".join(diffs)


def _failed(r: FileResult, what: str, exc: OSError) -> FileResult:
    """``r`` with the error ``what: why`` (a file that could not be fixed is an error, exit 2: not a
    run that merely has findings).  The report says it, once, naming the file."""
    r.errors.append(FileError(r.path, 0, 0, f"{what}: {exc.strerror or exc}"))
    return r


def _shellcheck_batch(settings):
    """A ShellCheck batch for the lints of the fixed texts, when ``settings`` run ShellCheck."""
    if not settings.shellcheck:
        return None
    from . import shellcheck
    if not (shellcheck.enabled(settings) and shellcheck.available()):
        return None
    try:
        cpus = len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return shellcheck.Batch(max_procs=cpus)


def hidden_hint(n: int, option: str = "--fix") -> str:
    """The line that tells how many unsafe fixes a run left out and how to apply them."""
    return (f"{n} hidden fix{'es' if n != 1 else ''} can be enabled with `{option} --unsafe-fixes` (unsafe: "
            f"{'they change' if n != 1 else 'it changes'} what the image contains or how it runs).")
