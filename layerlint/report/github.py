"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::warning file=Dockerfile,line=2,endLine=2,col=6,endColumn=10,title=LL101 missing-tag::message``

Levels: error -> ``error``, warning -> ``warning``, info and style -> ``notice``.  Columns are
sent only when the finding sits on one line (GitHub ignores them otherwise); ``endColumn`` is
exclusive, as ours.

Everything that comes from a Dockerfile is escaped as the runner requires, so no Dockerfile
can end the command early or start a new one (``::set-output``, ``::add-mask``, ``::stop-commands``):
in the message ``%``, CR and LF become ``%25``, ``%0D``, ``%0A``; in property values ``:`` and
``,`` also become ``%3A`` and ``%2C``.  Each annotation is exactly one line.  Every other control
character, ESC sequences included (GitHub renders ANSI in logs), the other line breaks a log
viewer may honour (vertical tab, form feed, NEL, U+2028/9), bidi overrides and undecodable
file-name bytes are spelled by ``layerlint.text.printable`` (``\\x1b``, ``\\u202e``, ``\\xff``).
A message shows at most ``TEXT_LIMIT`` characters.

Inside GitHub Actions (``GITHUB_ACTIONS=true``) the runner keeps only the first
``ANNOTATIONS_PER_LEVEL`` annotations of each level of a step (a composite action is one step),
so the report chooses them: what the pull request changed first (findings on its changed lines,
then in its changed files, from the diff the Action passes in ``$LAYERLINT_PR_DIFF``), the most
severe first.  The rest are said in one notice and listed in the log, between
``::stop-commands::`` and its resume token so that nothing in them is read as a command.
Outside Actions every finding is an annotation, in file order, as other tools expect.
"""
from __future__ import annotations

import hashlib
import os
import re

from . import TEXT_LIMIT, clip
from .common import printable_lines, rel_path
from ..text import printable

LEVELS = {"error": "error", "warning": "warning", "info": "notice", "style": "notice"}
ANNOTATIONS_PER_LEVEL = 10  # actions/runner ExecutionContext._maxCountPerIssueType
DIFF_ENV = "LAYERLINT_PR_DIFF"  # a `git diff --unified=0 --relative` of the pull request (action.yml writes it)
USED_ENV = "LAYERLINT_ANNOTATIONS_USED"  # what the Action already annotated in this step: "warning=1,error=0"
DIFF_MAX_BYTES = 32 * 1024 * 1024  # a larger diff is read this far: the files past it count as unchanged
_RANK = {"error": 0, "warning": 1, "info": 2, "style": 3}
ON_CHANGED_LINE, IN_CHANGED_FILE, UNCHANGED = 0, 1, 2


def escape_data(s: str) -> str:
    """A message as the runner reads it back: CR and LF survive as ``%0D``/``%0A`` (GitHub
    shows a multi-line annotation), every other control is made printable."""
    return printable_lines(s.replace("%", "%25")).replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **props) -> str:
    parts = [f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None]
    head = f"::{level}" + (" " + ",".join(parts) if parts else "")
    return f"{head}::{escape_data(clip(message, TEXT_LIMIT))}"


def annotation(f) -> str:
    s = f.span
    props: dict = {"file": rel_path(f.path)}
    if s.line >= 1:
        props["line"] = s.line
        end_line = max(s.end_line, s.line)
        props["endLine"] = end_line
        if end_line == s.line and s.column >= 1:
            props["col"] = s.column
            props["endColumn"] = max(s.end_column, s.column)
    props["title"] = f"{f.rule} {f.title}".strip()
    return command(LEVELS.get(f.severity, "warning"), f.message, **props)


def error_annotation(path: str, e) -> str:
    props: dict = {"file": rel_path(path)}
    if e.line >= 1:
        props["line"] = e.line
        if e.column >= 1:
            props["col"] = e.column
    props["title"] = "layerlint: cannot lint this file"
    return command("error", e.message, **props)


# -- what the pull request changed -------------------------------------------------------------------

_HUNK = re.compile(r"@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def _git_unquote(s: str) -> str:
    """A path as git prints it: C-quoted (``"b/a\\tb\\303\\251"``, octal escapes are bytes) when
    it has unusual characters, else as it is."""
    if len(s) < 2 or not (s[0] == s[-1] == '"'):
        return s
    out = bytearray()
    body, i = s[1:-1], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            n = body[i + 1]
            if n in "01234567" and re.fullmatch("[0-7]{3}", body[i + 1:i + 4] or ""):
                out.append(int(body[i + 1:i + 4], 8) & 0xFF)
                i += 4
                continue
            out.append(_C_ESCAPES.get(n, ord(n) if ord(n) < 128 else 63))
            i += 2
            continue
        out += c.encode("utf-8", "surrogateescape")
        i += 1
    return os.fsdecode(bytes(out))


def norm_path(path: str) -> str:
    p = rel_path(path).replace("\\", "/")
    return os.path.normpath(p).replace(os.sep, "/") if p not in ("", "-") else p


def parse_diff(text: str) -> dict[str, list[tuple[int, int]]]:
    """``{path: [(first, last), ...]}``: the new-side lines each file's hunks touch, from a
    unified diff (``git diff --unified=0``).  A deletion touches the lines either side of it; a
    file with no hunk (binary, mode change) is changed with no line.  A hunk's own lines are
    counted off its header, so an added line that reads ``++ b/x`` is not taken for a file."""
    files: dict[str, list[tuple[int, int]]] = {}
    current = None
    old = new = 0  # lines of the current hunk still to come
    for line in text.split("\n"):
        if old > 0 or new > 0:
            tag = line[:1]
            if tag == "-":
                old -= 1
            elif tag == "+":
                new -= 1
            elif tag == " ":
                old, new = old - 1, new - 1
            elif tag != "\\":  # "\ No newline at end of file" belongs to the hunk
                old = new = 0  # a short hunk: read on as headers
            else:
                continue
            if tag and tag in "-+ ":
                continue
        if line.startswith("+++ "):
            rest = line[4:].rstrip("\r")
            name = _git_unquote(rest) if rest.startswith('"') else rest.split("\t")[0]
            if name == "/dev/null":
                current = None  # deleted: nothing of it is linted
                continue
            current = norm_path(name[2:] if name.startswith("b/") else name)
            files.setdefault(current, [])
        elif line.startswith("@@ "):
            m = _HUNK.match(line)
            if not m:
                continue
            old = int(m.group(1)) if m.group(1) is not None else 1
            start, new = int(m.group(2)), int(m.group(3)) if m.group(3) is not None else 1
            if current is None:
                continue
            if new:
                files[current].append((start, start + new - 1))
            else:  # lines removed after `start`: the lines either side of the gap
                files[current].append((max(start, 1), start + 1))
    return files


def changes_from_env(environ=None) -> dict[str, list[tuple[int, int]]] | None:
    """The pull request's changes the Action wrote to ``$LAYERLINT_PR_DIFF``, or None (not a
    pull request, or the diff could not be made)."""
    env = os.environ if environ is None else environ
    path = env.get(DIFF_ENV)
    if not path:
        return None
    try:
        with open(path, "rb") as fh:
            raw = fh.read(DIFF_MAX_BYTES)
    except OSError:
        return None
    return parse_diff(raw.decode("utf-8", "surrogateescape"))


def change_rank(path: str, line: int, end_line: int, changes) -> int:
    """ON_CHANGED_LINE, IN_CHANGED_FILE or UNCHANGED for a span of ``path``."""
    if not changes:
        return UNCHANGED
    ranges = changes.get(norm_path(path))
    if ranges is None:
        return UNCHANGED
    end_line = max(end_line, line)
    if line >= 1 and any(a <= end_line and line <= b for a, b in ranges):
        return ON_CHANGED_LINE
    return IN_CHANGED_FILE


# -- which findings get the annotations ------------------------------------------------------------

def in_actions(environ=None) -> bool:
    return (os.environ if environ is None else environ).get("GITHUB_ACTIONS") == "true"


def used_from_env(environ=None) -> dict[str, int]:
    """``$LAYERLINT_ANNOTATIONS_USED`` (``warning=1,error=0``): annotations of this step already
    printed by the Action, which count against the same limit."""
    used = {"error": 0, "warning": 0, "notice": 0}
    for part in (os.environ if environ is None else environ).get(USED_ENV, "").split(","):
        k, _, v = part.strip().partition("=")
        if k in used and v.isdigit():
            used[k] = int(v)
    return used


class Item:
    """One annotation candidate: a finding, or a file that could not be linted."""
    __slots__ = ("seq", "level", "rank", "result", "finding", "error")

    def __init__(self, seq, level, rank, result, finding=None, error=None):
        self.seq, self.level, self.rank = seq, level, rank
        self.result, self.finding, self.error = result, finding, error

    def text(self) -> str:
        return error_annotation(self.result.path, self.error) if self.error is not None else annotation(self.finding)


def items(results, changes=None) -> list[Item]:
    """Every annotation candidate, in the order they are printed (file order), each with its
    priority ``rank``: (changed rank, severity, file order); a file that could not be linted
    comes before the error findings."""
    out: list[Item] = []
    for r in results:
        for e in r.errors:
            key = (change_rank(r.path, e.line, e.line, changes), -1, len(out))
            out.append(Item(len(out), "error", key, r, error=e))
        for f in r.findings:
            key = (change_rank(f.path, f.span.line, f.span.end_line, changes), _RANK.get(f.severity, 1), len(out))
            out.append(Item(len(out), LEVELS.get(f.severity, "warning"), key, r, finding=f))
    return out


def plan(results, changes=None, used=None, limit: int = ANNOTATIONS_PER_LEVEL):
    """``(annotated, rest)``: the candidates that get an annotation (at most ``limit`` a level,
    less what ``used`` says is taken, one notice kept for the "not annotated" note when some
    are left over), in file order, and the others, by priority."""
    cands = items(results, changes)
    used = used or {}
    room = {lvl: max(limit - used.get(lvl, 0), 0) for lvl in ("error", "warning", "notice")}
    per_level: dict[str, list[Item]] = {"error": [], "warning": [], "notice": []}
    for it in cands:
        per_level.setdefault(it.level, []).append(it)
    if any(len(v) > room.get(k, 0) for k, v in per_level.items()) and room["notice"]:
        room["notice"] -= 1  # the note that says how many were not annotated, and where they are
    annotated, rest = [], []
    for lvl, its in per_level.items():
        its.sort(key=lambda it: it.rank)
        n = room.get(lvl, 0)
        annotated += its[:n]
        rest += its[n:]
    annotated.sort(key=lambda it: it.seq)
    rest.sort(key=lambda it: it.rank)
    return annotated, rest


def chosen_by(changes) -> str:
    """How the annotated findings were chosen, for the notes that say some were not."""
    if changes is None:
        return "those went to the most severe, in file order"
    return "those went to what the pull request changed, the most severe first"


def overflow_note(rest, changes=None) -> str:
    """The notice for the findings left without an annotation (empty when there are none)."""
    if not rest:
        return ""
    n = len(rest)
    counts: dict[str, int] = {}
    for it in rest:
        counts[it.level] = counts.get(it.level, 0) + 1
    parts = ", ".join(f"{v} {k}{'s' if v != 1 else ''}" for k, v in counts.items())
    return (f"{n} more finding{'s' if n != 1 else ''} not annotated ({parts}): GitHub shows "
            f"{ANNOTATIONS_PER_LEVEL} annotations of each level per step, and {chosen_by(changes)}. The others are "
            "listed in this step's log and the job summary and, when the SARIF report is uploaded, in code scanning.")


def log_line(it: Item) -> str:
    """A candidate as one plain log line: ``path:line:col: level RULE title: message``."""
    if it.error is not None:
        e = it.error
        where, what = (e.line, e.column), f"error: cannot lint this file: {e.message}"
    else:
        f = it.finding
        where, what = (f.span.line, f.span.column), f"{f.severity} {f.rule} {f.title}: {f.message}"
    loc = rel_path(it.result.path) + "".join(f":{n}" for n in where if n >= 1)
    return printable(" ".join(clip(f"{loc}: {what}", TEXT_LIMIT).split("\n")))


def render(results, options) -> str:
    if not in_actions():
        lines = [it.text() for it in items(results)]
        return "".join(line + "\n" for line in lines)
    changes = changes_from_env()
    annotated, rest = plan(results, changes, used_from_env())
    lines = [it.text() for it in annotated]
    if rest:
        if used_from_env()["notice"] < ANNOTATIONS_PER_LEVEL:
            lines.append(command("notice", overflow_note(rest, changes), title="layerlint"))
        listed = [log_line(it) for it in rest]
        # the resume token is a hash of the text it guards: no line of it can contain it
        token = hashlib.sha256("\n".join(listed).encode("utf-8", "surrogatepass")).hexdigest()[:32]
        lines.append(f"::group::layerlint: {len(rest)} finding{'s' if len(rest) != 1 else ''} not annotated")
        lines.append(f"::stop-commands::{token}")
        lines += listed
        lines.append(f"::{token}::")
        lines.append("::endgroup::")
    return "".join(line + "\n" for line in lines)


def usage_error_annotations(stderr_text: str) -> str:
    """``layerlint: error: ...`` lines of a run that stopped before reporting (a config or
    usage error: exit 2) as error annotations, so the pull request shows them and not only the
    log.  ``path:line: message`` gets ``file`` and ``line`` when the path is under the
    working directory."""
    out = []
    for line in stderr_text.splitlines():
        if not line.startswith("layerlint: error: "):
            continue
        msg = line[len("layerlint: error: "):]
        props: dict = {}
        m = re.match(r"(.+?):(\d+): ", msg)
        path = m.group(1) if m else None
        if path is not None:
            rel = rel_path(path)
            if not os.path.isabs(rel) and not rel.startswith("../"):
                props = {"file": rel, "line": int(m.group(2))}
        props["title"] = "layerlint could not run"
        out.append(command("error", msg, **props))
    return "".join(line + "\n" for line in out)
