"""Wall time of every regex of the package on long worst-case inputs (the timing half of the
backtracking audit; tests/test_fuzz.py counts backtracking steps instead, which no machine load
can fail).

    .venv/bin/python bench/regex_audit.py [--hang-seconds 60] [--top 10]

Every pattern found by tests/test_fuzz.py's census gets every worst-case input (runs of 10,000
characters, ``LAYERLINT_REGEX_RUN`` to change) with search, match and fullmatch, in a child
process watched from here: a pattern still running after ``--hang-seconds`` is reported as a
hang and the run stops.  Prints the slowest patterns with their source location.
"""
from __future__ import annotations

import argparse
import json
import os
import select
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
from tests.test_fuzz import WORST, all_patterns  # noqa: E402

WATCH = r"""
import json, re, sys
pats, worst = json.load(sys.stdin)
for i, (pattern, flags) in enumerate(pats):
    print("START", i, flush=True)
    rx = re.compile(pattern, flags)
    for s in worst:
        rx.search(s)
        rx.match(s)
        rx.fullmatch(s)
    print("DONE", i, flush=True)
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hang-seconds", type=float, default=60.0)
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args()
    pats = all_patterns()
    keys = list(pats)
    payload = [[p if isinstance(p, str) else p.decode("latin-1"), f] for p, f in pats.values()]
    proc = subprocess.Popen([sys.executable, "-c", WATCH], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    proc.stdin.write(json.dumps([payload, WORST]))
    proc.stdin.close()
    times: list[tuple[float, object]] = []
    current, started, t0 = None, time.perf_counter(), time.perf_counter()
    hang = None
    try:
        while True:
            ready, _, _ = select.select([proc.stdout], [], [], 1.0)
            if ready:
                line = proc.stdout.readline()
                if not line:
                    break
                kind, idx = line.split()
                if kind == "START":
                    current, started = int(idx), time.perf_counter()
                else:
                    times.append((time.perf_counter() - started, keys[int(idx)]))
                    current = None
            elif current is not None and time.perf_counter() - started > args.hang_seconds:
                hang = keys[current]
                break
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    print(f"{len(times)} of {len(keys)} patterns, {len(WORST)} inputs of up to {max(map(len, WORST)):,} "
          f"characters, search + match + fullmatch: {time.perf_counter() - t0:.1f} s")
    for took, where in sorted(times, key=lambda t: t[0], reverse=True)[:args.top]:
        print(f"{took:8.3f} s  {where}  {pats[where][0]!r:.90}")
    if hang is not None:
        print(f"HANG: {hang} {pats[hang][0]!r} ran over {args.hang_seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
