"""BuildKit's own build checks against layerlint's, on the real corpus, check by check.

    .venv/bin/python bench/buildkit_checks.py [--sample N] [--seed S] [--cache FILE]
                                              [--examples N] [--json FILE] [FILE...]

Runs the real BuildKit (`docker buildx build --call=check,format=json` on a private Docker
Engine 28.x daemon, tests/buildkit_harness.py; `scripts/install-buildkit-modern` unpacks it) and
layerlint (every rule with a BuildKit name, default options) on every file of
../shared/corpus/real/ (or a seeded sample of N, or the FILEs given), and prints for each
BuildKit check: BuildKit's count, layerlint's, both, BuildKit only, layerlint only. Findings are
matched by (check, first line of the instruction), as a multiset. UndefinedVar is split: on a
stage whose base image's ENV layerlint does not fully know (not scratch, not a `complete` image
of layerlint/data/official_image_env.tsv) its row is "UndefinedVar (base image ENV unknown)":
there the stand-in has no ENV where the real image may, and layerlint stays quiet on purpose
(likewise WorkdirRelativePath on a `WORKDIR $VAR` there).

Counted: only files BuildKit checked to the end. Left out, and counted in the header: Windows
images (BuildKit on Linux treats `C:\\app` as relative; see WorkdirRelativePath), files whose
`FROM` names its base image through a variable (the stand-in base image is not the real one),
files BuildKit could not check (a base image it could not resolve; digests are dropped from the
text BuildKit sees, since a stand-in cannot have the real one) and files whose build stops
with an error (an empty base name: BuildKit reports InvalidDefaultArgInFrom and stops; listed
on their own). Base images are local stand-ins (a busybox rootfs, tests/buildkit_harness.py);
an official image's stand-in carries the ENV names that image defines
(layerlint/data/official_image_env.tsv), so UndefinedVar sees what the real base would give it.

`--cache FILE` keeps BuildKit's answers (JSON lines keyed by the file's bytes and the stand-in
data), so a second run only re-runs layerlint. Not a test: it prints, it never fails on a
difference. Needs root; skips with a message when the engine or the corpus is absent.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import CORPUS, REPO, corpus_files, skip  # noqa: E402

sys.path.insert(0, REPO)
from tests import buildkit_harness as bk  # noqa: E402

_WINDOWS_IMAGE = re.compile(r"^\s*FROM\s+(--\S+\s+)*\S*(windows|servercore|nanoserver|dotnet/framework|"
                            r"powershell:.*(windowsserver|nanoserver))", re.I | re.M)
_ESCAPE_BACKTICK = re.compile(r"\A(\s*#[^\n]*\n)*?\s*#\s*escape\s*=\s*`", re.I)
_FROM_VAR = re.compile(r"^\s*FROM\s+(--\S+\s+)*[^\s]*\$", re.I | re.M)


def categories() -> dict[str, str]:
    out = {}
    try:
        with open(os.path.join(CORPUS, "SOURCES.tsv"), encoding="utf-8") as fh:
            for line in fh:
                cols = line.rstrip("\n").split("\t")
                if len(cols) >= 7:
                    out[cols[0]] = cols[6]
    except OSError:
        pass
    return out


def left_out(name: str, text: str, category: str) -> str:
    """Why a file is not compared ('' when it is)."""
    if category == "windows" or _WINDOWS_IMAGE.search(text) or _ESCAPE_BACKTICK.match(text):
        return "windows"
    if _FROM_VAR.search(text):
        return "variable base image"
    return ""


def stand_in_key() -> str:
    """What BuildKit's answer depends on besides the file: the stand-in ENV data."""
    p = os.path.join(REPO, "layerlint", "data", "official_image_env.tsv")
    try:
        with open(p, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()[:16] + ":nodigest"
    except OSError:
        return "no-env"


def load_cache(path: str) -> dict:
    out = {}
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                out[rec["key"]] = rec["result"]
    return out


def load_layerlint_json(path: str) -> dict[str, list]:
    """file name -> [(BuildKit name, line)] from a `layerlint --format json` report (by base
    name: the report's paths may be relative to wherever it ran; corpus names are unique)."""
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    out: dict[str, list] = defaultdict(list)
    for f in doc.get("findings", []):
        for name in f.get("buildkit") or []:
            out[os.path.basename(f["path"])].append((name, int(f["line"])))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", help="Dockerfiles (default: the corpus)")
    ap.add_argument("--sample", type=int, default=0, help="a seeded random sample of N corpus files")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--cache", default="", help="JSON-lines cache of BuildKit's answers")
    ap.add_argument("--examples", type=int, default=0, help="print N examples of each disagreement")
    ap.add_argument("--json", dest="json_out", default="", help="write counts and disagreements to FILE")
    ap.add_argument("--layerlint-json", default="",
                    help="take layerlint's findings from this `layerlint --format json` report (e.g. of "
                         "another checkout) instead of running this checkout's rules")
    opts = ap.parse_args()
    given = load_layerlint_json(opts.layerlint_json) if opts.layerlint_json else None

    if opts.files:
        paths = [os.path.abspath(f) for f in opts.files]
    else:
        if not os.path.isdir(CORPUS):
            skip(f"{CORPUS} is absent (../shared not beside the repo)")
        names = corpus_files()
        if opts.sample:
            names = sorted(random.Random(opts.seed).sample(names, min(opts.sample, len(names))))
        paths = [os.path.join(CORPUS, n) for n in names]
    cats = categories()
    cache = load_cache(opts.cache)
    salt = stand_in_key()
    engine = bk.Engine()
    started = False
    out_cache = open(opts.cache, "a", encoding="utf-8") if opts.cache else None

    excluded: Counter = Counter()
    stopped: list[tuple[str, list, list]] = []  # files whose build stopped with an error
    counts: dict[str, Counter] = defaultdict(Counter)
    diffs: dict[str, list] = defaultdict(list)
    checked = 0
    t0 = time.monotonic()
    try:
        for i, path in enumerate(paths):
            name = os.path.basename(path)
            with open(path, "rb") as fh:
                data = fh.read()
            text = data.decode("utf-8", "replace")
            why = left_out(name, text, cats.get(name, ""))
            if why:
                excluded[why] += 1
                continue
            key = hashlib.sha256(data).hexdigest() + ":" + salt
            res = cache.get(key)
            if res is None:
                if not started:
                    try:
                        engine.start()
                    except bk.EngineUnavailable as exc:
                        skip(f"the modern engine cannot run: {exc}")
                    started = True
                    print(f"BuildKit: dockerd {engine.version}", file=sys.stderr)
                res = engine.checks(data, strip_digests=True)
                cache[key] = res
                if out_cache is not None:
                    out_cache.write(json.dumps({"key": key, "path": name, "result": res}) + "\n")
                    out_cache.flush()
            if (i + 1) % 50 == 0:
                print(f"{i + 1}/{len(paths)} ({time.monotonic() - t0:.0f} s)", file=sys.stderr)
            if "error" in res:
                excluded["not checked by BuildKit"] += 1
                continue
            if given is not None:
                b, l_ = bk.keyed(data, res, [])
                owners = bk.line_owners(data)
                l_ = sorted((check, owners[line] if 0 < line < len(owners) else line)
                            for check, line in given.get(name, []))
            else:
                b, l_ = bk.keyed(data, res, bk.layerlint_checks(data))
            b, l_ = bk.split_unknown_base(data, b), bk.split_unknown_base(data, l_)
            if bk.stopped(res):
                excluded["build stopped with an error"] += 1
                stopped.append((name, b, l_))
                continue
            checked += 1
            bc, lc = Counter(b), Counter(l_)
            for check in set(k for k, _ in b) | set(k for k, _ in l_):
                kb = Counter({k: n for k, n in bc.items() if k[0] == check})
                kl = Counter({k: n for k, n in lc.items() if k[0] == check})
                both = kb & kl
                c = counts[check]
                c["buildkit"] += sum(kb.values())
                c["layerlint"] += sum(kl.values())
                c["both"] += sum(both.values())
                c["buildkit only"] += sum((kb - kl).values())
                c["layerlint only"] += sum((kl - kb).values())
                for (chk, line), n in (kb - kl).items():
                    diffs[check].append({"file": name, "line": line, "side": "buildkit only", "n": n})
                for (chk, line), n in (kl - kb).items():
                    diffs[check].append({"file": name, "line": line, "side": "layerlint only", "n": n})
    finally:
        if started:
            engine.stop()
        if out_cache is not None:
            out_cache.close()

    print(f"files: {len(paths)} selected; {checked} compared; left out: "
          + ", ".join(f"{n} {why}" for why, n in sorted(excluded.items())))
    cols = ("buildkit", "layerlint", "both", "buildkit only", "layerlint only")
    print()
    print("| check | " + " | ".join(cols) + " |")
    print("|---|" + "---:|" * len(cols))
    total: Counter = Counter()
    for check in sorted(counts):
        c = counts[check]
        total.update(c)
        print(f"| {check} | " + " | ".join(str(c[k]) for k in cols) + " |")
    print("| **all** | " + " | ".join(f"**{total[k]}**" for k in cols) + " |")
    # without the rows that depend on base images the stand-ins cannot reproduce
    part = total - counts.get(bk.UNKNOWN_BASE, Counter()) - counts.get(bk.UNKNOWN_BASE_WORKDIR, Counter())
    if part["buildkit"]:
        print(f"\nWithout the '(base image ENV unknown)' rows: layerlint finds {part['both'] / part['buildkit']:.1%} of "
              f"BuildKit's warnings; {part['layerlint only'] / max(part['layerlint'], 1):.1%} of layerlint's "
              f"are not BuildKit's")
    if stopped:
        print(f"\nbuilds that stop with an error ({len(stopped)}): BuildKit's checks / layerlint's")
        for name, b, l_ in stopped:
            print(f"  {name}: {b} / {l_}")
    if opts.examples:
        for check in sorted(diffs):
            print(f"\n{check}:")
            for d in diffs[check][:opts.examples]:
                print(f"  {d['side']}: {d['file']}:{d['line']}" + (f" (x{d['n']})" if d["n"] > 1 else ""))
    if opts.json_out:
        with open(opts.json_out, "w", encoding="utf-8") as fh:
            json.dump({"selected": len(paths), "compared": checked, "left_out": dict(excluded),
                       "counts": {k: dict(v) for k, v in counts.items()}, "differences": diffs,
                       "stopped": [{"file": n, "buildkit": b, "layerlint": l_} for n, b, l_ in stopped]},
                      fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
