"""Where the time of a corpus run goes: read, parse, graph, each rule, report (one process, -j 1).

    .venv/bin/python bench/stages.py [--top N] [--files N] [PATH...]

Times every stage of ``lint_bytes`` separately with ``time.perf_counter`` (no profiler, so the
figures are real) over ../shared/corpus/real/ (or the given files), and prints the totals and
the slowest rules.  Use it to find the rule that makes the batch slow.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import CORPUS, REPO, corpus_files, skip  # noqa: E402

sys.path.insert(0, REPO)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--files", type=int, default=0, help="only the first N corpus files")
    args = ap.parse_args()
    if args.paths:
        files = args.paths
    else:
        if not os.path.isdir(CORPUS):
            skip(f"{CORPUS} not found")
        files = [os.path.join(CORPUS, n) for n in corpus_files()]
    if args.files:
        files = files[:args.files]

    t0 = time.perf_counter()
    from layerlint.rules.context import Context
    from layerlint.engine.settings import Settings, selected_rules
    from layerlint.graph import build_graph
    from layerlint.syntax import parse_bytes
    rules = selected_rules(Settings())
    t_import = time.perf_counter() - t0

    acc = {"read": 0.0, "parse": 0.0, "graph": 0.0, "context": 0.0}
    per_rule = {r.code: 0.0 for r in rules}
    names = {r.code: r.name for r in rules}
    start = time.perf_counter()
    for path in files:
        t = time.perf_counter()
        with open(path, "rb") as f:
            data = f.read()
        t1 = time.perf_counter()
        df = parse_bytes(data, path)
        t2 = time.perf_counter()
        acc["read"] += t1 - t
        acc["parse"] += t2 - t1
        if not df.ok:
            continue
        graph = build_graph(df, {}, None)
        t3 = time.perf_counter()
        ctx = Context(df, graph, path, context_dir=os.path.dirname(os.path.abspath(path)))
        t4 = time.perf_counter()
        acc["graph"] += t3 - t2
        acc["context"] += t4 - t3
        for rule in rules:
            ctx.options = dict(rule.options)
            t = time.perf_counter()
            try:
                list(rule.check(ctx))
            except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
                print(f"{rule.code} raised {type(exc).__name__} on {path}: {exc}", file=sys.stderr)
            per_rule[rule.code] += time.perf_counter() - t
    total = time.perf_counter() - start
    n = len(files)
    print(f"{n} files, {len(rules)} rules; imports + rule loading {t_import * 1000:.0f} ms; "
          f"lint loop {total:.2f} s ({total / n * 1000:.2f} ms/file)")
    for k, v in acc.items():
        print(f"  {k:10} {v:7.2f} s  {v / total * 100:5.1f}%")
    rsum = sum(per_rule.values())
    print(f"  {'rules':10} {rsum:7.2f} s  {rsum / total * 100:5.1f}%   slowest:")
    for code, v in sorted(per_rule.items(), key=lambda kv: -kv[1])[:args.top]:
        print(f"    {code} {names[code]:38} {v:7.3f} s  {v / n * 1e6:8.0f} us/file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
