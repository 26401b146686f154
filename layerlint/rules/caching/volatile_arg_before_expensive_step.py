"""Build arg or ENV that changes on every build declared before expensive steps.

## What it does
Finds an `ARG` (or an `ENV` set from a variable, like `ENV GIT_SHA=$GIT_SHA`) whose name
says its value changes per build or per commit (`BUILD_DATE`, `GIT_SHA`, `GIT_COMMIT`,
`VCS_REF`, `BUILD_NUMBER`, `VERSION`, `CACHEBUST`, ...; option `names` adds more) when a
later expensive `RUN` of the stage (a dependency install or a download) sees the variable in
its environment but does not use it. Compile steps are not counted: build tools often read
such variables from the environment without naming them. The finding points at the
variable and names the step that re-runs for nothing.

## Why is this bad
BuildKit puts the whole environment into each `RUN`'s cache key: every `ENV`, and every
`ARG` that has a value, from its declaration to the end of the stage, whether the command
reads it or not. A value that is new on every build (a timestamp, a commit hash) therefore
misses the cache of the first `RUN` after the declaration, and every step after that re-runs
too: the dependency install runs again on every CI build although nothing it needs changed.
Declared right before the step that uses it (typically a `LABEL` or the last `RUN`), the
same variable costs one cheap step.

## Example
```dockerfile
FROM python:3.12-slim
ARG GIT_SHA
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
LABEL org.opencontainers.image.revision=$GIT_SHA
```

## Use instead
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
ARG GIT_SHA
LABEL org.opencontainers.image.revision=$GIT_SHA
```
"""
import heapq
from bisect import bisect_right

from ..base import Violation
from ..options import StrList
from ...cache.model import is_volatile_name
from ..context import referenced_vars

CODE = "LL202"
NAME = "volatile-arg-before-expensive-step"
SEVERITY = "warning"
SUMMARY = "A per-build ARG/ENV (BUILD_DATE, GIT_SHA, VERSION...) declared before expensive RUNs re-runs them every build"
HADOLINT = ()
BUILDKIT = ()
TAGS = ("cache",)
OPTIONS = {"names": StrList([], "more ARG names to treat as volatile (case-insensitive)")}


def _uses(sm, name, escape):
    eff = sm.instr.effective
    texts = [eff.args_text] + [h.body for h in eff.heredocs] + [f.value or "" for f in eff.flags]
    return any(n == name for t in texts for n, _, _ in referenced_vars(t, escape))


def check(ctx):
    model = ctx.cache_model
    extra = {n.upper() for n in ctx.options.get("names", []) or []}
    escape = ctx.graph.escape
    # the RUN layers of each stage once (scanning every step for every ARG/ENV made a 50,000-line
    # file quadratic), and the steps after a declaration walked lazily, stopping where the name is
    # declared again (a chain of thousands of stages, each re-declaring BUILD_DATE, stays linear)
    runs: dict[int, list] = {}
    for s in model.steps:
        if s.kind == "layer" and s.keyword == "RUN":
            runs.setdefault(id(s.stage), []).append(s)
    # where each name is declared (ARG/ENV), by instruction index, to find a later re-declaration
    declared_at: dict[str, list[int]] = {}
    for i in ctx.df.instructions:
        if i.keyword in ("ARG", "ENV"):
            for p in i.pairs:
                declared_at.setdefault(p.key, []).append(i.index)
    uses_at = None  # name -> indices of the instructions that expand it
    for instr in ctx.df.instructions:
        if instr.keyword not in ("ARG", "ENV"):
            continue
        volatile = [p for p in instr.pairs if is_volatile_name(p.key) or p.key.upper() in extra]
        if not volatile:
            continue
        declared = model.step_of(instr)
        if declared is None:  # a global ARG: only FROM lines see it
            continue
        for pair in volatile:
            name = pair.key
            if instr.keyword == "ENV" and (pair.value is None or not referenced_vars(pair.value, escape)):
                continue  # a literal ENV value only changes when this line is edited
            victims = []
            children = ctx.memo(("stage_children", id(ctx.graph)), lambda: _children(ctx.graph))
            for s in _later_runs(ctx.graph, declared.stage, runs, instr.start_line, children):
                st = s.step.state
                if name not in st.args and name not in st.env:
                    continue  # out of scope (e.g. another stage)
                if _declared_again(declared_at.get(name, ()), instr.index, s.instr.index):
                    break
                # a compile may read it through the environment (make, ldflags scripts): only
                # installs and downloads, which never need a build's identity, count
                if s.cost in ("install", "download") and not _uses(s, name, escape):
                    victims.append(s)
            if not victims:
                continue
            first = victims[0]
            if uses_at is None:  # every instruction's references, once (a scan per name was quadratic)
                uses_at = _uses_by_name(ctx.df.instructions, escape)
            user = _first_user(ctx, uses_at.get(name, []), instr.index, declared.stage)
            last = victims[-1].line
            if user is None:
                where = "declare it after the expensive steps, right before the instruction that uses it"
            elif user.start_line > last:
                where = f"declare it right before line {user.start_line}, where it is first used"
            else:
                where = (f"move it, and its use on line {user.start_line} if that can wait, below "
                         f"line {last}")
            what = "ARG" if instr.keyword == "ARG" else "ENV"
            yield Violation(pair.key_span, f"{what} {name} usually gets a new value on every build, and it is in the environment of "
                f"`{first.short}` (line {first.line}, {first.cost}), which does not use it: each new value "
                f"re-runs that step and everything after it"
                + (f" ({len(victims)} expensive steps in all)" if len(victims) > 1 else "")
                + f"; {where}")


def _uses_by_name(instructions, escape) -> dict:
    """name -> indices of the instructions that expand it (their line or a heredoc body)."""
    out: dict = {}
    for instr in instructions:
        eff = instr.effective
        names = {n for t in [eff.line] + [h.body for h in eff.heredocs] for n, _, _ in referenced_vars(t, escape)}
        for n in names:
            out.setdefault(n, []).append(instr.index)
    return out


def _first_user(ctx, indices, after, stage):
    """The first instruction after index ``after`` that expands the name (``indices``) in
    ``stage`` or a stage built on it."""
    for k in range(bisect_right(indices, after), len(indices)):
        i = ctx.df.instructions[indices[k]]
        st = ctx.stage_of(i)
        if st is not None and i.keyword != "FROM" and _built_from(st, stage):
            return i
    return None


def _built_from(st, stage):
    """Whether ``st`` is ``stage`` or built FROM it, directly or not."""
    seen = set()
    while st is not None and id(st) not in seen:
        if st is stage:
            return True
        seen.add(id(st))
        st = st.base_stage
    return False


def _later_runs(graph, stage, runs, after_line, children):
    """RUN layers of ``stage`` (below ``after_line``) and of the stages built on it, in build order."""
    for st in _built_on(graph, stage, children):
        for s in runs.get(id(st), ()):
            if s.line > after_line:
                yield s


def _built_on(graph, stage, children: dict):
    """``stage`` and the stages built FROM it, directly or not, in file order (bases come first):
    lazily, through each stage's ``children`` (scanning every later stage for each declaration
    was quadratic in a file of thousands of stages)."""
    todo = [(stage.index, id(stage), stage)]
    while todo:
        _, _, st = heapq.heappop(todo)
        yield st
        for child in children.get(id(st), ()):
            heapq.heappush(todo, (child.index, id(child), child))


def _children(graph) -> dict:
    """id(stage) -> the stages built FROM it."""
    kids: dict = {}
    for st in graph.stages:
        if st.base_stage is not None and st.base_stage is not st:
            kids.setdefault(id(st.base_stage), []).append(st)
    return kids


def _declared_again(indices, start, end):
    """Whether one of the (sorted) declaration ``indices`` lies strictly between two instructions."""
    k = bisect_right(indices, start)
    return k < len(indices) and indices[k] < end
