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
from bisect import bisect_right

from ..cache_model import is_volatile_name
from ..syntax.expand import referenced_vars

CODE = "LL202"
NAME = "volatile-arg-before-expensive-step"
SEVERITY = "warning"
SUMMARY = "A per-build ARG/ENV (BUILD_DATE, GIT_SHA, VERSION...) declared before expensive RUNs re-runs them every build"
HADOLINT = ()
BUILDKIT = ()
TAGS = ("cache",)
OPTIONS = {"names": []}  # extra variable names to treat as volatile


def _uses(sm, name, escape):
    eff = sm.instr.effective
    texts = [eff.args_text] + [h.body for h in eff.heredocs] + [f.value or "" for f in eff.flags]
    return any(n == name for t in texts for n, _, _ in referenced_vars(t, escape))


def check(ctx):
    model = ctx.cache_model
    extra = {n.upper() for n in ctx.options.get("names", []) or []}
    escape = ctx.graph.escape
    # the RUN layers of each stage, and the stages built on each stage (itself included), once:
    # scanning every step for every ARG/ENV made a 50,000-line file quadratic
    order = {id(s): i for i, s in enumerate(model.steps)}
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
    for instr in ctx.df.instructions:
        if instr.keyword not in ("ARG", "ENV"):
            continue
        if not any(is_volatile_name(p.key) or p.key.upper() in extra for p in instr.pairs):
            continue
        declared = model.step_of(instr)
        if declared is None:  # a global ARG: only FROM lines see it
            continue
        built_on = _built_on(ctx.graph, declared.stage)
        scope = {id(st) for st in built_on}
        later = sorted((s for st in built_on for s in runs.get(id(st), [])
                        if s.line > instr.start_line), key=lambda s: order[id(s)])
        for pair in instr.pairs:
            name = pair.key
            if not (is_volatile_name(name) or name.upper() in extra):
                continue
            if instr.keyword == "ENV" and (pair.value is None or not referenced_vars(pair.value, escape)):
                continue  # a literal ENV value only changes when this line is edited
            victims = []
            for s in later:
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
            users = [i for i in ctx.df.instructions[instr.index + 1:] if _in_scope(ctx, i, scope)
                     and _uses_instr(i, name, escape)]
            last = victims[-1].line
            if not users:
                where = "declare it after the expensive steps, right before the instruction that uses it"
            elif users[0].start_line > last:
                where = f"declare it right before line {users[0].start_line}, where it is first used"
            else:
                where = (f"move it, and its use on line {users[0].start_line} if that can wait, below "
                         f"line {last}")
            what = "ARG" if instr.keyword == "ARG" else "ENV"
            yield pair.key_span, (
                f"{what} {name} usually gets a new value on every build, and it is in the environment of "
                f"`{first.short}` (line {first.line}, {first.cost}), which does not use it: each new value "
                f"re-runs that step and everything after it"
                + (f" ({len(victims)} expensive steps in all)" if len(victims) > 1 else "")
                + f"; {where}"
            )


def _uses_instr(instr, name, escape):
    eff = instr.effective
    texts = [eff.line] + [h.body for h in eff.heredocs]
    return any(n == name for t in texts for n, _, _ in referenced_vars(t, escape))


def _in_scope(ctx, instr, stage_ids):
    """Whether ``instr`` is in one of the stages (ids) built on the declaring stage, itself included."""
    st = ctx.stage_of(instr)
    return st is not None and id(st) in stage_ids and instr.keyword != "FROM"


def _built_on(graph, stage):
    """``stage`` and the stages built FROM it, directly or not, in file order (bases come first)."""
    ids = {id(stage)}
    out = [stage]
    for st in graph.stages[stage.index + 1:]:
        if st.base_stage is not None and id(st.base_stage) in ids:
            ids.add(id(st))
            out.append(st)
    return out


def _declared_again(indices, start, end):
    """Whether one of the (sorted) declaration ``indices`` lies strictly between two instructions."""
    k = bisect_right(indices, start)
    return k < len(indices) and indices[k] < end
