"""Costs that must not grow faster than the input (security issue #19).

No timing: linearity is shown by counting work (Python calls of a whole lint, distance-table
cells of the did-you-mean, scope nodes kept by the graph), and the fixes are shown to give the
same answers as the code they replaced (on random cases) and the same findings on big inputs as
on small ones.  bench/growth.py measures the same shapes as processes.
"""
import gc
import random
import sys

import pytest

from layerlint import graph as graph_mod
from layerlint.engine.lint_file import lint_bytes
from layerlint.engine.settings import Settings
from layerlint.graph import Allowance, Layered, Scope, Vars, build_graph
from layerlint.rules import all_rules, buildkit_semantics
from layerlint.rules.buildkit_semantics import Suggester, bounded_distance, levenshtein
from layerlint.rules.context import Context
from layerlint.rules.run_commands import clears, cleared_dir, dirs_holding
from layerlint.syntax import parse_bytes
from layerlint.syntax.expand import MAX_EXPANSION, ExpandError, expand_word

FROM = "FROM alpine:3.19\n"


def each(template: str, n: int) -> str:
    return "".join(template.format(i=i) + "\n" for i in range(n))


def lint_all(text: str, errors=()):
    """Every rule (as `--select ALL`) on ``text``; the findings as plain tuples.  ``errors``: the
    (line, start of the message) of each error the file must give, in order."""
    res = lint_bytes(text.encode(), "Dockerfile", Settings(), rules=list(all_rules().values()))
    assert [(e.line, e.message[:len(m)]) for e, (_, m) in zip(res.errors, errors)] == list(errors), res.errors
    assert len(res.errors) == len(errors), res.errors
    return [(f.rule, f.span.line, f.span.column, f.message) for f in res.findings]


def calls_of(text: str) -> int:
    """Python function calls (and generator resumptions) made by linting ``text``: the work of
    the whole pipeline, counted instead of timed."""
    count = [0]

    def profile(frame, event, arg):
        if event == "call":
            count[0] += 1

    data = text.encode()
    rules = list(all_rules().values())
    lint_bytes(FROM.encode(), "Dockerfile", Settings(), rules=rules)  # imports, regex compiles
    sys.setprofile(profile)
    try:
        lint_bytes(data, "Dockerfile", Settings(), rules=rules)
    finally:
        sys.setprofile(None)
    return count[0]


def growth(make, n: int) -> float:
    """How much the work grows from size n to 4n (about 4 when linear), start-up subtracted."""
    base = calls_of(FROM)
    return (calls_of(make(4 * n)) - base) / max(calls_of(make(n)) - base, 1)


# -- the shapes an attacker would try ---------------------------------------------------------------

COMMANDS = ["apt-get update", "apt-get install -y pkg{i}", "rm -rf /var/lib/apt/lists/*", "pip install mod{i}",
            "export V{i}=x", "cd /w{i}", "wget -O /tmp/f{i} http://x/{i}", "rm -f /tmp/f{i}", "apk update",
            "apk add --no-cache a{i}", "npm install p{i}", "mkdir -p /d{i}", "tar -xzf /tmp/f{i} -C /opt",
            "apt-get purge -y pkg{i}", "apt-mark auto '.*'", "sh -c 'echo {i}'"]

BLOCK = """# hadolint ignore=DL3008
ARG VER{i}=1.{i}
ENV APP{i}=/opt/app{i} PATH=/opt/app{i}/bin:$PATH
LABEL version{i}="$VER{i}"
WORKDIR /srv/app{i}
COPY requirements{i}.txt ./
ADD https://example.com/f{i}.tar.gz /tmp/
COPY src{i}/ /srv/src{i}/
RUN apt-get update && apt-get install -y curl{i} gcc && rm -rf /var/lib/apt/lists/*
RUN pip install flask{i} && cd /tmp && wget http://x/{i}
RUN echo "APT::Install-Recommends \\"false\\";" > /etc/apt/apt.conf.d/{i}
RUN rm -rf /var/cache/apt/archives/* /tmp/f{i}
RUN <<EOF
echo {i} > /srv/app{i}/v
EOF
VOLUME /data{i}
RUN echo {i} > /data{i}/x
SHELL ["/bin/bash", "-c"]
ONBUILD RUN echo {i}
ENTRYPOINT echo {i}
"""


def chain_of(template: str, n: int) -> str:
    return "FROM ubuntu:22.04 AS s0\n" + "".join(f"FROM s{i - 1} AS s{i}\n" + template.format(i=i) + "\n"
                                                  for i in range(1, n))


SHAPES = {
    "env": (100, lambda n: FROM + each("ENV V{i}=x{i}", n)),
    "env-self": (50, lambda n: FROM + each("ENV A{i}=$B{i} B{i}=$A{i}", n)),
    "env-pairs": (100, lambda n: FROM + "ENV " + " ".join(f"K{i}=$K{i + 1}" for i in range(n)) + "\n"),
    "env-run": (50, lambda n: FROM + each("ENV V{i}=x{i}", n) + each("RUN echo $V{i}", n)),
    "long-run": (300, lambda n: "FROM ubuntu\nRUN " + " \\\n && ".join(
        COMMANDS[i % len(COMMANDS)].format(i=i) for i in range(n)) + "\n"),
    "heredoc-body": (100, lambda n: "FROM ubuntu\nRUN <<EOF\n" + "\n".join(
        COMMANDS[i % len(COMMANDS)].format(i=i) for i in range(n)) + "\nEOF\n"),
    "heredocs-1-run": (150, lambda n: FROM + "RUN " + " ".join(f"<<E{i}" for i in range(n)) + "\n"
                       + "".join(f"echo {i}\nE{i}\n" for i in range(n))),
    "kitchen-sink": (5, lambda n: "FROM ubuntu\n" + "".join(BLOCK.format(i=i) for i in range(n))),
    "kitchen-sink-chain": (5, lambda n: "".join(
        (f"FROM s{i - 1} AS s{i}\n" if i else "FROM ubuntu AS s0\n") + BLOCK.format(i=i) for i in range(n))),
    "siblings": (50, lambda n: "FROM ubuntu AS base\n" + each("ENV B{i}=x", n)
                 + "".join(f"FROM base AS s{i}\nENV S{i}=$B{i}\n" for i in range(n))),
    "onbuild": (50, lambda n: "FROM alpine AS b\n" + each("ONBUILD RUN echo {i}", n) + each("FROM b AS c{i}", n)),
    "chain-entrypoints": (50, lambda n: chain_of("ENTRYPOINT echo {i}", n)),
    "chain-volumes": (50, lambda n: chain_of("VOLUME /v{i}\nRUN echo > /v{i}/x", n)),
    "build-date-stages": (50, lambda n: each("FROM alpine AS s{i}\nARG BUILD_DATE\nRUN apt-get install -y x{i}", n)),
    "from-undefined": (50, lambda n: each("ARG G{i}=1", n) + each("FROM alpine:$H{i}", n)),
    "copy-from-later": (50, lambda n: "FROM alpine AS a\n" + each("COPY --from=later{i} /x /y", n)
                        + each("FROM alpine AS later{i}", n)),
    "copy-files-install": (100, lambda n: "FROM python:3.12\nWORKDIR /app\n"
                           + each("COPY f{i}.txt src{i}/ ./\nRUN pip install -r requirements.txt", n)),
    "copy-deletes": (50, lambda n: FROM + each("COPY src{i}/ /app/\nRUN rm -rf /app/x{i} /tmp/*.log", n)),
    "cache-cleans": (50, lambda n: "FROM ubuntu\n"
                     + each("RUN apt-get update && apt-get install -y p{i}\nRUN apt-get clean && rm -rf /x{i}", n)),
    "pragmas": (50, lambda n: "# hadolint global ignore=DL3007\n" * n + "FROM ubuntu\n"
                + each("# layerlint: ignore=LL999\nRUN apt-get install x{i}", n)),
    "stage-pragmas": (50, lambda n: each("# layerlint: ignore-stage=LL999\nFROM ubuntu AS s{i}\nRUN apt-get install x{i}", n)),
    "copy-vars": (100, lambda n: FROM + "COPY [" + ", ".join(f'"$U{i}"' for i in range(n)) + ', "/dst/"]\n'),
    "labels-undefined": (100, lambda n: FROM + each('LABEL a{i}="$UNDEF{i}"', n)),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SHAPES))
def test_work_grows_linearly_with_the_input(name):
    n, make = SHAPES[name]
    # 4x the input: about 4x the calls; a quadratic step makes it 16x
    assert growth(make, n) < 5.2


def test_the_listed_shapes_grow_linearly():
    # the issue's own shapes, fast enough for the inner loop
    for name in ("env-self", "kitchen-sink", "pragmas"):
        n, make = SHAPES[name]
        assert growth(make, n) < 5.2, name


# -- the build state: shared, not copied per step ----------------------------------------------------

def _nodes(scope: Scope, seen: set) -> None:
    todo = [scope._root]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        todo += [e for e in node.values() if type(e) is dict]


def test_steps_share_their_variables():
    n = 2000
    g = build_graph(parse_bytes((FROM + each("ENV V{i}=x{i}", n) + each("RUN echo {i}", 50)).encode(), "D"))
    steps = g.stages[0].steps
    assert all(isinstance(s.state.env, Scope) for s in steps)
    # the RUNs change nothing: they all hold the very scope the last ENV made
    assert len({id(s.state.env) for s in steps[n:]}) == 1
    seen: set = set()
    for s in steps:
        _nodes(s.state.env, seen)
    # each ENV adds a few nodes (its path in the trie); a copy per step would be n^2 / 2 entries
    assert len(seen) < 8 * n


def test_a_scope_reads_like_the_dicts_it_replaces():
    rnd = random.Random(7)
    for _ in range(300):
        scopes, dicts = [Scope()], [{}]
        for _ in range(40):
            k = rnd.randrange(len(scopes))  # branch from any earlier version, as sibling stages do
            name, value = rnd.choice("abcdefgh") * rnd.randint(1, 2), rnd.choice(["1", "2", None])
            scopes.append(scopes[k].set(name, value))
            d = dict(dicts[k])
            d[name] = value
            dicts.append(d)
        for s, d in zip(scopes, dicts):
            assert list(s) == list(d) and dict(s.items()) == d and len(s) == len(d)
            assert all(s.get(k, "?") == d.get(k, "?") for k in "abcdefgh" * 2)
        args, env = scopes[-1], scopes[-2]
        expected = {k: v for k, v in dicts[-1].items() if v is not None}
        expected.update(dicts[-2])
        view = Vars(args, env)
        assert list(view) == list(expected) and dict(view.items()) == expected
        assert sorted(view, key=view.order_key) == list(expected)
        layered = Layered({"PATH": "p"}, view, {"z": "1"})
        merged = {"PATH": "p"}
        merged.update(expected)
        merged["z"] = "1"
        assert list(layered) == list(merged) and dict(layered.items()) == merged


def test_scopes_survive_colliding_hashes():
    class Same(str):
        def __hash__(self):
            return 42

    s = Scope()
    names = [Same(f"n{i}") for i in range(50)]
    for i, n in enumerate(names):
        s = s.set(n, i)
    assert [s[n] for n in names] == list(range(50)) and list(s) == names


def test_no_rule_lists_a_whole_scope_per_instruction():
    n = 400
    text = FROM + each("ENV V{i}=x{i}", n) + each("RUN echo $V{i} && pip install x$V{i}", n) + each("COPY $V{i} /d/", n)
    listed = [0]
    orig = Scope.__iter__

    def counting(self):
        for k in orig(self):
            listed[0] += 1
            yield k

    Scope.__iter__ = counting
    try:
        lint_all(text)
    finally:
        Scope.__iter__ = orig
    # listing the scope for each of the 800 RUNs and COPYs would be 800 x 400 names
    assert listed[0] < 4 * n


# -- did-you-mean -----------------------------------------------------------------------------------

def _old_suggest(value, options):
    best, best_dist = "", 3
    for opt in options:
        if opt == value:
            return ""
        d = levenshtein(value, opt)
        if d < best_dist:
            best, best_dist = opt, d
    return best


def test_bounded_distance_is_levenshtein_up_to_the_bound():
    rnd = random.Random(1)
    for _ in range(20000):
        a = "".join(rnd.choice("abc") for _ in range(rnd.randint(0, 7)))
        b = "".join(rnd.choice("abc") for _ in range(rnd.randint(0, 7)))
        k = rnd.randint(0, 3)
        assert bounded_distance(a, b, k) == min(levenshtein(a, b), k + 1), (a, b, k)


def test_suggestions_are_buildkits():
    rnd = random.Random(5)
    word = lambda: "".join(rnd.choice("abcX") for _ in range(rnd.randint(0, 6)))  # noqa: E731
    for _ in range(1500):
        pool = [word() for _ in range(rnd.randint(0, 15))]
        args, env, local = Scope(), Scope(), Scope()
        for n in pool:
            r = rnd.random()
            if r < 0.3:
                args = args.set(n, None if rnd.random() < 0.3 else "v")
            elif r < 0.8:
                env = env.set(n, "e")
            else:
                local = local.set(n, "l")
        view = Layered({"PATH": "p"}, Vars(args, env), local)
        suggester = Suggester(["PATH"] + pool)
        for _ in range(3):
            v = word()
            assert suggester.suggest(v, view) == _old_suggest(v, list(view)), (v, list(view))
            assert buildkit_semantics.suggest(v, pool) == _old_suggest(v, pool)


def test_a_typo_is_found_without_comparing_every_name(monkeypatch):
    cells = [0]
    orig = buildkit_semantics.bounded_distance

    def counting(a, b, k):
        cells[0] += 1
        return orig(a, b, k)

    monkeypatch.setattr(buildkit_semantics, "bounded_distance", counting)
    n = 300
    findings = lint_all(FROM + each("ENV A{i}=$B{i} B{i}=$A{i}", n))
    hints = [m for r, _, _, m in findings if r == "LL410" and "did you mean" in m]
    assert len(hints) > n  # every line but the first has a name one edit away
    # the names one edit away come from the index: no distance is computed for them
    assert cells[0] < n


def test_the_did_you_mean_work_of_a_file_is_bounded(monkeypatch):
    spent = []
    orig = buildkit_semantics.Budget.take

    def take(self, units):
        granted = orig(self, units)
        spent.append(units if granted else 0)
        return granted

    monkeypatch.setattr(buildkit_semantics.Budget, "take", take)
    # no name is within one edit of another, so every hint scans the scope
    n = 600
    # (FROM scratch: every undefined name is reported, none may come from a base image)
    findings = lint_all("FROM scratch\n" + each("ENV DEFINED_VARIABLE_{i}=1", n)
                        + each("LABEL l{i}=$UNDEFINED_VARIABLE_{i}", n))
    assert len([f for f in findings if f[0] == "LL410"]) == n  # every finding, hinted or not
    assert 0 < sum(spent) <= buildkit_semantics.SUGGEST_BUDGET


def test_the_stage_name_hints_of_a_file_are_bounded(monkeypatch):
    import difflib

    from layerlint.rules.instructions import copy_from_unknown_stage as rule
    compared = [0]
    orig = difflib.get_close_matches

    def counting(word, possibilities, *a, **k):
        compared[0] += sum(len(p) + len(word) for p in possibilities)
        return orig(word, possibilities, *a, **k)

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    n = 600  # every unknown name against every earlier stage: 600 x 600 names
    findings = lint_all(each("FROM alpine AS stage{i}", n) + each("COPY --from=stagx{i} /a /b", n))
    assert len([f for f in findings if f[0] == rule.CODE]) == n  # every finding, with a hint or not
    assert any("did you mean `stage" in f[3] for f in findings)
    assert 0 < compared[0] <= rule.HINT_BUDGET


# -- same findings at any size ----------------------------------------------------------------------

SCALED = {
    # shape -> (n, make); each line's findings depend only on the lines above it
    "env-self": (40, SHAPES["env-self"][1]),
    "findings": (40, lambda n: "FROM ubuntu\n" + each("RUN apt-get install curl{i} && cd /x{i} && sudo apt upgrade", n)),
    "cache-cleans": SHAPES["cache-cleans"],
    "copy-deletes": SHAPES["copy-deletes"],
    "volumes": (50, lambda n: FROM + each("VOLUME /v{i}\nRUN echo x > /v{i}/f", n)),
    "labels-undefined": SHAPES["labels-undefined"],
    "hints": (40, lambda n: "FROM scratch\n" + each("ENV V{i}=1\nLABEL l{i}=$W{i}", n)),
}


@pytest.mark.parametrize("name", sorted(SCALED))
def test_a_big_input_gives_the_small_ones_findings(name):
    n, make = SCALED[name]
    small, big = make(n), make(5 * n)
    last = small.count("\n")
    assert big.startswith(small)
    head = [f for f in lint_all(big) if f[1] <= last]
    assert head == lint_all(small)


# -- the rules' indexes answer as the scans they replaced ---------------------------------------------

def test_directory_lookups_match_clears():
    rnd = random.Random(3)
    parts = ["", "a", "b", "*", "c?", "[x]", "var", "lib"]
    for _ in range(20000):
        p = "/" * (rnd.random() < 0.8) + "/".join(rnd.choice(parts) for _ in range(rnd.randint(1, 5)))
        t = "/" * (rnd.random() < 0.8) + "/".join(rnd.choice(["", "a", "b", "var", "lib"]) for _ in range(rnd.randint(1, 5)))
        t += "/" * (rnd.random() < 0.2)
        assert clears(p, t) == (cleared_dir(p) in dirs_holding(t)), (p, t)


def _old_suppressed(supp, rule, name, hadolint, buildkit, line):
    """Suppressions.suppressed as it was: every candidate pragma tried in order."""
    candidates = list(supp.file_level) + supp.by_instruction.get(line, [])
    candidates += [p for first, last, p in supp.stage_level if first <= line <= last]
    for p in candidates:
        if supp._hits(p, rule, name, hadolint, buildkit) is not None:
            return p, supp._hits(p, rule, name, hadolint, buildkit)
    return None


def test_pragma_lookups_match_trying_every_pragma():
    from layerlint.syntax.pragmas import Suppressions
    rnd = random.Random(11)
    codes = ["LL101", "ll101", "missing-tag", "ALL", "DL3008", "DL3007", "JSONArgsRecommended", "all", "LL999"]
    pragma = [lambda: f"# layerlint: ignore={','.join(rnd.sample(codes, 2))}",
              lambda: f"# layerlint: ignore-stage={rnd.choice(codes)}",
              lambda: f"# layerlint: ignore-file={rnd.choice(codes)}",
              lambda: f"# hadolint ignore={rnd.choice(codes)},{rnd.choice(codes)}",
              lambda: f"# hadolint global ignore={rnd.choice(codes)}",
              lambda: f"# check=skip={rnd.choice(codes)}"]
    queries = [("LL101", "missing-tag", ("DL3006", "DL3007"), ()), ("LL405", "json-args", (), ("JSONArgsRecommended",)),
               ("LL300", "other", ("DL3008",), ())]
    outcomes = set()
    for _ in range(150):
        lines = []
        for i in range(rnd.randint(1, 12)):
            lines += [rnd.choice(pragma)() for _ in range(rnd.randint(0, 2))]
            lines.append(f"FROM alpine AS s{i}" if rnd.random() < 0.3 or i == 0 else f"RUN echo {i}")
        df = parse_bytes("\n".join(lines).encode() + b"\n", "D")
        g = build_graph(df)
        stage_lines = {s.from_instr.start_line: (s.from_instr.start_line, max(i.end_line for i in s.instructions()))
                       for s in g.stages}
        new, old = Suppressions(df, stage_lines), Suppressions(df, stage_lines)
        for instr in df.instructions:
            for q in queries:
                expected = _old_suppressed(old, *q, instr.start_line)
                if expected is not None:
                    expected[0].used.add(expected[1])
                assert new.suppressed(*q, instr.start_line) == (expected is not None)
                outcomes.add(expected is not None)
        assert [p.used for p in new.pragmas] == [p.used for p in old.pragmas]
    assert outcomes == {True, False}


def test_positions_inside_a_long_instruction_are_looked_up():
    n = 3000
    df = parse_bytes((FROM + "RUN echo \\\n" + each("  a{i} \\", n) + "  end\n").encode(), "D")
    instr = df.instructions[1]
    smap = instr.smap
    starts = smap._offsets + [smap.length]
    for k in range(0, len(smap._offsets), 97):
        line, col = smap._lines[k], smap._columns[k]
        for dc in (0, 1, 2):
            expected = next((starts[i] + col + dc - c for i, (ln, c) in enumerate(zip(smap._lines, smap._columns))
                             if ln == line and c <= col + dc < c + starts[i + 1] - starts[i]), None)
            assert smap.offset(line, col + dc) == expected


def test_heredoc_positions_match_counting_lines():
    body = "".join(f"line {i} $X\n" for i in range(500))
    df = parse_bytes((FROM + "RUN <<EOF\n" + body + "EOF\n").encode(), "D")
    h = df.instructions[1].heredocs[0]
    for off in range(0, len(body), 37):
        nl = body.rfind("\n", 0, off)
        span = h.body_span(off, off + 1)
        assert (span.line, span.column) == (h.body_line + body.count("\n", 0, off), off - (nl + 1) + 1)


# -- expansions that multiply the input ------------------------------------------------------------

def test_a_value_that_doubles_each_line_stays_bounded():
    n = 40  # 10 * 2^40 characters if expanded
    text = FROM + "ENV A0=xxxxxxxxxx\n" + "".join(f"ENV A{i}=$A{i - 1}$A{i - 1}\n" for i in range(1, n + 1)) + f"RUN echo $A{n}\n"
    df = parse_bytes(text.encode(), "D")
    g = build_graph(df)
    env = g.stages[0].end_state.env
    assert sum(len(env[k]) for k in env) <= Allowance(len(text)).left
    assert env["A1"] == "x" * 20 and env[f"A{n}"] == f"$A{n - 1}$A{n - 1}"  # past the allowance: as written
    assert g.state_allowance.left == 0
    # the rules get through it, and the give-up is said where it happened: A17 holds 1.3 MB
    assert g.errors[-1].line == 2 + 17 and g.errors[-1].fatal
    found = lint_all(text, errors=[(19, "variable values expand to more than layerlint's limit (1 MiB")])
    assert ("LL516", 1, 1) in [f[:3] for f in found]


def test_a_growing_path_holds_at_most_the_allowance():
    n = 3000
    text = "FROM ubuntu\n" + each("ENV PATH=/opt/tool{i}/bin:$PATH", n)
    g = build_graph(parse_bytes(text.encode(), "D"))
    kept = {id(s.state.env["PATH"]): len(s.state.env["PATH"]) for s in g.stages[0].steps if "PATH" in s.state.env}
    # every value kept is counted once; a value per step without bound would be n^2 x 9 characters
    assert sum(kept.values()) <= Allowance(len(text)).left + len(text)
    assert g.stages[0].steps[1].state.env["PATH"] == "/opt/tool0/bin:"  # early values are expanded


def test_one_expansion_is_capped():
    with pytest.raises(ExpandError, match="too large"):
        expand_word("$A$A", {"A": "x" * (MAX_EXPANSION // 2 + 1)})
    with pytest.raises(ExpandError, match="too large"):
        expand_word("${A//x/yyyy}", {"A": "x" * (MAX_EXPANSION // 4)})
    assert expand_word("$A$A", {"A": "x" * 10}) == "x" * 20


def test_a_value_used_by_every_run_is_expanded_within_the_allowance():
    pkgs = " ".join(f"pkg{i}" for i in range(2000))
    text = "FROM ubuntu\nENV P=\"" + pkgs + "\"\n" + each("RUN apt-get install -y $P", 300)
    df = parse_bytes(text.encode(), "D")
    g = build_graph(df)
    start = g.use_allowance.left
    res = lint_bytes(text.encode(), "Dockerfile", Settings(), rules=list(all_rules().values()))
    assert not res.errors
    ctx = Context(df, g, "Dockerfile")
    from layerlint.rules.run_commands import pm_calls
    for instr in list(ctx.instructions("RUN"))[:3]:
        assert len(next(pm_calls(ctx, instr)).parsed.operands) == 2000  # the first RUNs see the packages
    assert g.use_allowance.left >= start - 3 * len(pkgs) - 100


def test_a_big_value_used_everywhere_is_expanded_within_the_allowances(monkeypatch):
    import layerlint.syntax.expand as expand_mod
    produced = [0]
    orig = expand_mod._run

    def counting(*a, **k):
        out = orig(*a, **k)
        produced[0] += len(out[0]) + sum(map(len, out[2]))
        return out

    monkeypatch.setattr(expand_mod, "_run", counting)
    # a 327,680-character value, then 300 instructions of each kind using it
    text = ("FROM scratch\nENV A0=xxxxxxxxxx\n" + "".join(f"ENV A{i}=$A{i - 1}$A{i - 1}\n" for i in range(1, 16))
            + each("LABEL l{i}=$A15\nEXPOSE $A14\nCOPY $A15 /x\nWORKDIR /$A15\nRUN echo $A15", 300))
    # the rules' allowance runs out in the 6th group, the error says where
    lint_all(text, errors=[(18 + 5 * 5 + 3, "variable values expand to more than")])
    # each rule expanding it takes from an allowance; without them: 1,500 uses x 327,680 x the rules
    assert produced[0] < 12 * Allowance(len(text)).left


# -- the cycle collector ------------------------------------------------------------------------------

def test_linting_leaves_the_cycle_collector_as_it_found_it():
    text = (FROM + "RUN echo hi\n").encode()
    assert gc.isenabled()
    lint_bytes(text, "Dockerfile", Settings())
    assert gc.isenabled()
    gc.disable()
    try:
        lint_bytes(text, "Dockerfile", Settings())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_cycle_collector_is_paused_while_a_file_is_linted(monkeypatch):
    seen = []
    orig = graph_mod.build_graph

    def spy(*a, **k):
        seen.append(gc.isenabled())
        return orig(*a, **k)

    import layerlint.engine.lint_file as lint_file_mod
    monkeypatch.setattr(lint_file_mod, "build_graph", spy)
    lint_bytes((FROM + "RUN echo hi\n").encode(), "Dockerfile", Settings())
    assert seen == [False]
