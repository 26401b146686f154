"""`layerlint server`: how long diagnostics take after a change, and how memory holds up over edits.

    .venv/bin/python bench/server_latency.py                 # 300- and 5,000-line files, 40 edits each
    .venv/bin/python bench/server_latency.py --edits 100 --json

The server runs as an editor starts it (`python -m layerlint server`, LSP over a pipe), with the
test suite's client (tests/server/lsp_client.py).  The two Dockerfiles are whole files of
`../shared/corpus/real/` joined until they have about 300 and 5,000 lines.

Latency: an edit is one incremental didChange (a digit of a LABEL value, as typing does), made
``--pause`` seconds after the last diagnostics (a person pausing: the server is idle, its cycle
collection after the last lint done); its latency is the wall time from writing the change to
reading the publishDiagnostics of that version, with the server's default debounce (150 ms,
what an editor gets) and with the debounce off (`debounceMs: 0`: the lint and the round trip
alone).  p50 / p95 over the edits.

Memory: the server's RSS (/proc/PID/status) after opening, and after 1,000 more edits, each
waited for (each one linted, with a hover and a code-action request every tenth edit, so the
per-revision caches are made and dropped), on the 300-line file; then, in a new server with the
default debounce, 1,000 edits on the 5,000-line one written without waiting, in bursts of 50
(typing faster than it lints: the debounce and the "newer revision came" check drop the
stale lints).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench._common import CORPUS, corpus_files, machine, skip  # noqa: E402
from tests.server.lsp_client import Client, file_uri  # noqa: E402


def dockerfile(lines: int) -> str:
    """Whole corpus files, joined until about ``lines`` lines, with one LABEL line to edit."""
    out = ["FROM alpine:3.20", 'LABEL build="0000"']
    count = 2
    for name in corpus_files():
        try:
            with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            continue
        if "\x00" in text or "<<" in text:
            continue
        n = text.count("\n") + 1
        if count + n > lines:
            if count + n - lines > lines // 10:
                continue
        out.append(text.rstrip("\n"))
        count += n
        if count >= lines:
            break
    return "\n".join(out) + "\n"


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def edit(version: int) -> dict:
    """The change that makes ``version``: the LABEL value's four digits."""
    return {"range": {"start": {"line": 1, "character": 13}, "end": {"line": 1, "character": 17}},
            "text": f"{version % 10000:04d}"}


def latencies(text: str, edits: int, debounce_ms: int, workdir: str, pause: float) -> dict:
    c = Client(cwd=workdir)
    try:
        c.initialize(root=workdir, init_options={"debounceMs": debounce_ms})
        uri = file_uri(os.path.join(workdir, "Dockerfile"))
        c.open(uri, text)
        c.diagnostics(uri, version=1)
        times = []
        for v in range(2, edits + 2):
            time.sleep(pause)  # a person pausing: each edit finds the server idle
            mark = c.mark()
            t0 = time.perf_counter()
            c.change(uri, v, [edit(v)])
            c.diagnostics(uri, version=v, after=mark)
            times.append(time.perf_counter() - t0)
        c.shutdown_and_exit()
    finally:
        c.kill()
    times.sort()
    return {"p50_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))] * 1000, 1), "edits": edits}


def memory(small: str, big: str, workdir: str, edits: int = 1000) -> dict:
    out = {}
    c = Client(cwd=workdir)
    try:
        c.initialize(root=workdir, init_options={"debounceMs": 0})
        uri = file_uri(os.path.join(workdir, "Dockerfile"))
        c.open(uri, small)
        c.diagnostics(uri, version=1)
        out["300 lines: after opening"] = rss_kb(c.proc.pid)
        for v in range(2, edits + 2):
            mark = c.mark()
            c.change(uri, v, [edit(v)])
            c.diagnostics(uri, version=v, after=mark)
            if v % 10 == 0:
                pos = {"line": 1, "character": 2}
                c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos})
                c.request("textDocument/codeAction", {"textDocument": {"uri": uri},
                                                      "range": {"start": pos, "end": pos}, "context": {"diagnostics": []}})
        out[f"300 lines: after {edits:,} edits, each linted"] = rss_kb(c.proc.pid)
        c.shutdown_and_exit()
    finally:
        c.kill()
    c = Client(cwd=workdir)
    try:
        c.initialize(root=workdir)  # the default debounce, as an editor has it
        uri = file_uri(os.path.join(workdir, "big", "Dockerfile"))
        c.open(uri, big)
        c.diagnostics(uri, version=1)
        out["5,000 lines: after opening"] = rss_kb(c.proc.pid)
        mark = c.mark()
        t0 = time.perf_counter()
        for v in range(2, edits + 2):
            c.change(uri, v, [edit(v)])
            if v % 50 == 0:
                time.sleep(0.2)  # a pause in the typing: the debounce fires, a lint runs
        c.diagnostics(uri, version=edits + 1, after=mark)
        out["burst: seconds"] = round(time.perf_counter() - t0, 2)
        out["burst: diagnostics published"] = sum(1 for n in c.notifications[mark:]
                                                  if n["method"] == "textDocument/publishDiagnostics")
        out[f"5,000 lines: after {edits:,} edits in bursts"] = rss_kb(c.proc.pid)
        c.shutdown_and_exit()
    finally:
        c.kill()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--edits", type=int, default=40, help="edits timed per file and debounce (default 40)")
    ap.add_argument("--pause", type=float, default=0.3, help="seconds between timed edits (default 0.3)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not os.path.isdir(CORPUS):
        skip(f"{CORPUS} is absent")
    import tempfile
    files = {"300": dockerfile(300), "5000": dockerfile(5000)}
    report = {"machine": machine(), "lines": {k: v.count("\n") for k, v in files.items()}, "latency": {}}
    with tempfile.TemporaryDirectory() as work:
        os.makedirs(os.path.join(work, "big"))
        for size, text in files.items():
            for debounce in (150, 0):
                report["latency"][f"{size} lines, debounce {debounce} ms"] = latencies(
                    text, args.edits, debounce, work, args.pause)
        report["memory"] = memory(files["300"], files["5000"], work)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"machine: {report['machine']}")
    print(f"files: {report['lines']['300']} and {report['lines']['5000']} lines")
    print(f"{'diagnostics after an edit':<34} {'p50':>9} {'p95':>9}")
    for name, r in report["latency"].items():
        print(f"{name:<34} {r['p50_ms']:>7.1f}ms {r['p95_ms']:>7.1f}ms")
    for k, v in report["memory"].items():
        print(f"{k:<44} {v:>8}" if k.startswith("burst") else f"RSS, {k:<39} {v / 1024:>8.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
