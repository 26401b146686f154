"""Growth of the costs around the lint itself (security issue #19): directory discovery under a
big ``.gitignore``, ``--fix`` on many fixable lines, and the report of many findings.  Each at
size N and 10N in a fresh process; 10x the input must cost at most about 10x the time and
memory.  (``growth.py`` does the same for the shapes of one Dockerfile.)

    .venv/bin/python bench/growth_io.py [--scale X] [--max-growth G] [--json]

"x work" is the growth of CPU time (user+sys of the process tree) after subtracting a trivial
run's start-up, "x mem" the growth of the largest process's whole peak RSS; "linear" when both stay
within --max-growth (default 13).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import layerlint_env, machine, run  # noqa: E402


def discovery(root: str, n: int) -> list[str]:
    """n gitignore patterns (none matching) over 10*n Dockerfiles in n/10 directories."""
    with open(os.path.join(root, ".gitignore"), "w") as f:
        for i in range(n):
            f.write(("build-%d/\n", "*.tmp%d\n", "/out%d\n", "docs/**/gen%d\n", "c[ab]ache%d\n")[i % 5] % i)
    for d in range(max(1, n // 10)):
        sub = os.path.join(root, f"pkg{d}")
        os.makedirs(sub)
        for k in range(100):
            with open(os.path.join(sub, f"s{k}.Dockerfile"), "w") as f:
                f.write("FROM alpine:3.19\n")
    return ["-j", "1", "--select", "LL101", "-q", "."]


def fix(root: str, n: int) -> list[str]:
    """One Dockerfile with n lines that each have a safe fix (LL412: `ENV K v` -> `ENV K=v`)."""
    with open(os.path.join(root, "Dockerfile"), "w") as f:
        f.write("FROM alpine:3.19\n" + "".join(f"ENV K{i} v{i}\n" for i in range(n)))
    return ["--fix", "--select", "LL412", "-q", "Dockerfile"]


def findings(root: str, n: int) -> list[str]:
    """n findings that each quote a 20 KB instruction, in the tty report with code frames."""
    with open(os.path.join(root, "Dockerfile"), "w") as f:
        f.write("FROM alpine:3.19\n")
        for i in range(n):
            f.write(f"RUN apt-get install -y {'p' * 20000}{i}\n")
    return ["--select", "ALL", "--no-color", "Dockerfile"]


SHAPES = [("discovery", 200, discovery), ("fix", 2000, fix), ("findings", 50, findings)]


def measure(env, make, n: int) -> tuple[float, int]:
    root = tempfile.mkdtemp(prefix="layerlint-growth-")
    try:
        args = make(root, n)
        s = run([*env.layerlint, *args], env=env.env, cwd=root)
        return s.cpu, s.maxrss_kb
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every N")
    ap.add_argument("--max-growth", type=float, default=13.0)
    ap.add_argument("--json", action="store_true")
    opts = ap.parse_args()
    env = layerlint_env()
    base_cpu, _ = measure(env, fix, 0)  # start-up: a one-line file
    rows = []
    for name, n, make in SHAPES:
        n = max(1, int(n * opts.scale))
        cpu1, mem1 = measure(env, make, n)
        cpu10, mem10 = measure(env, make, 10 * n)
        work = (cpu10 - base_cpu) / max(cpu1 - base_cpu, 1e-3)
        mem = mem10 / max(mem1, 1)  # whole peak RSS: these inputs add little over start-up at N
        verdict = "linear" if work <= opts.max_growth and mem <= opts.max_growth else "SUPER-LINEAR"
        rows.append({"shape": name, "n": n, "cpu_n": cpu1, "cpu_10n": cpu10, "rss_10n_kb": mem10,
                     "x_work": round(work, 1), "x_mem": round(mem, 1), "verdict": verdict})
    if opts.json:
        print(json.dumps({"machine": machine(), "rows": rows}, indent=2))
        return
    print(f"{'shape':<10} {'N':>6} {'cpu N':>8} {'cpu 10N':>8} {'RSS 10N':>9} {'x work':>7} {'x mem':>6}  verdict")
    for r in rows:
        print(f"{r['shape']:<10} {r['n']:>6} {r['cpu_n']:>7.2f}s {r['cpu_10n']:>7.2f}s "
              f"{r['rss_10n_kb'] / 1024:>7.0f}MB {r['x_work']:>7} {r['x_mem']:>6}  {r['verdict']}")


if __name__ == "__main__":
    main()
