"""Growth: for each shape of input an attacker would try, one Dockerfile at size N and at 10N,
linted in a fresh process; 10x the input must cost at most about 10x the time and memory
(security issue #19: costs that grow faster than the input).

    .venv/bin/python bench/growth.py [--only NAME,...] [--scale X] [--repeat N] [--max-growth G]
                                     [--as-is] [--json] [--list]

Each run is ``layerlint --select ALL -q --no-shellcheck FILE`` (ShellCheck's own cost is not
layerlint's).  "x work" is the growth of CPU time (user+sys, steadier than wall time on a shared
machine) from N to 10N, and "x mem" the growth of peak RSS, both after subtracting a one-line
Dockerfile's start-up; the verdict is "linear" when both stay within --max-growth (default 13:
10x plus room for noise and the cycle collector), "SUPER-LINEAR" otherwise.  Peak RSS is the
child's own high-water mark, as ``/usr/bin/time -f %M`` reports it.

Scaling shapes that ``scaling.py`` already generates (its 50,000-line file and FROM <stage>
chain) are imported from it, not written again.  To add a shape, add one line to SHAPES:
``Shape(name, n, what, make)``, ``make(n)`` returning the Dockerfile's text for size n; pick
n so that the 10n run takes about a second.  The whole default run (--repeat 2: the machine is
shared, and one run of a size can be slowed by the others) takes under two minutes.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import CORPUS, REPO, corpus_files, layerlint_env, machine, run  # noqa: E402
from scaling import make_big, make_chain  # noqa: E402

FROM = "FROM alpine:3.19\n"


def each(template: str, n: int, start: int = 0) -> str:
    """``template`` formatted with i = start .. start+n-1, one per line."""
    return "".join(template.format(i=i) + "\n" for i in range(start, start + n))


def via(writer):
    """A ``make(n)`` from one of scaling.py's ``writer(path, n)``."""
    def make(n: int) -> str:
        with tempfile.NamedTemporaryFile("r", suffix=".Dockerfile") as f:
            writer(f.name, n)
            return f.read()
    return make


# one long RUN: a mix of what the RUN rules look at (caches, deletes, cd, exports, wrappers)
COMMANDS = ["apt-get update", "apt-get install -y pkg{i}", "rm -rf /var/lib/apt/lists/*", "pip install mod{i}",
            "export V{i}=x", "cd /w{i}", "wget -O /tmp/f{i} http://x/{i}", "rm -f /tmp/f{i}", "apk update",
            "apk add --no-cache a{i}", "npm install p{i}", "yarn install", "mkdir -p /d{i}",
            "tar -xzf /tmp/f{i} -C /opt", "sudo ls", "(cd /s{i} && make)", "sh -c 'echo {i} && ls'",
            "git clone https://x/r{i} /src/r{i}", "curl -fsSL http://x/{i} | sh", "ln -s /a{i} /b{i}"]


def commands(n: int) -> list[str]:
    return [COMMANDS[i % len(COMMANDS)].format(i=i) for i in range(n)]


# a block with every instruction and the common RUN idioms, repeated in one stage ("sink1") or
# as a FROM <stage> chain of stages ("sinkN"): the rules that look back at earlier steps
BLOCK = """# hadolint ignore=DL3008
ARG VER{i}=1.{i}
ENV APP{i}=/opt/app{i} PATH=/opt/app{i}/bin:$PATH
LABEL org.opencontainers.image.version{i}="$VER{i}"
WORKDIR /srv/app{i}
USER root
COPY requirements{i}.txt ./
ADD https://example.com/f{i}.tar.gz /tmp/
COPY --chown=app:app src{i}/ /srv/src{i}/
RUN apt-get update && apt-get install -y curl{i} && rm -rf /var/lib/apt/lists/*
RUN pip install flask{i} && npm install -g pkg{i} && cd /tmp && wget http://x/{i}
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements{i}.txt
RUN echo "APT::Install-Recommends \\"false\\";" > /etc/apt/apt.conf.d/{i}
RUN rm -rf /var/cache/apt/archives/* /tmp/f{i}
RUN sudo -u app make install{i} ; ln -sf /bin/bash /bin/sh
RUN <<EOF
set -e
echo {i} > /srv/app{i}/v
EOF
VOLUME /data{i}
RUN echo {i} > /data{i}/x
EXPOSE {port}/tcp
HEALTHCHECK CMD curl -f http://localhost:{port}/ || exit 1
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ONBUILD RUN echo {i}
STOPSIGNAL SIGTERM
"""
BLOCK_LINES = BLOCK.count("\n")


def chain_of(template: str, n: int) -> str:
    """n stages, each FROM the previous, each with ``template`` (formatted with i)."""
    return "FROM ubuntu:22.04 AS s0\n" + "".join(f"FROM s{i - 1} AS s{i}\n" + template.format(i=i) + "\n"
                                                  for i in range(1, n))


def blocks(n_lines: int, chained: bool) -> str:
    out = [] if chained else ["FROM ubuntu:22.04\n"]
    for i in range(max(1, n_lines // BLOCK_LINES)):
        if chained:
            out.append(f"FROM s{i - 1} AS s{i}\n" if i else "FROM ubuntu:22.04 AS s0\n")
        out.append(BLOCK.format(i=i, port=1024 + i))
    return "".join(out)


_CORPUS_SCRIPT = r"""
import os, re, sys
sys.path.insert(0, sys.argv[1])
from layerlint.syntax import parse_bytes
corpus, lines, one_stage, out = sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1", sys.argv[5]
parts, count = (["FROM ubuntu:22.04\n"], 1) if one_stage else ([], 0)
for name in sorted(os.listdir(corpus)):
    if name == "SOURCES.tsv":
        continue
    data = open(os.path.join(corpus, name), "rb").read()
    df = parse_bytes(data, name)
    if df.errors or df.escape != "\\" or not df.instructions:
        continue  # a file with parse errors, or one written for another escape character
    text = data.decode("utf-8", "replace")
    text = re.sub(r"(?mi)^\s*#\s*(syntax|escape|check)\s*=.*$", "", text)  # directives: only at the top
    if one_stage:
        text = re.sub(r"(?mi)^\s*FROM\s.*$", "", text)
    text += "" if text.endswith("\n") else "\n"
    if count + text.count("\n") > lines:
        break
    parts.append(text)
    count += text.count("\n")
open(out, "w").write("".join(parts))
"""


def corpus(one_stage: bool):
    """Real Dockerfiles of ../shared/corpus/real/ concatenated to n lines: in one stage (their FROM
    lines dropped) or as they are (one stage after another).  Made in a child process: parsing
    here would make this process bigger than the runs it measures."""
    def make(n: int) -> str:
        if not os.path.isdir(CORPUS):
            return ""
        with tempfile.NamedTemporaryFile("r", suffix=".Dockerfile") as f:
            subprocess.run([sys.executable, "-c", _CORPUS_SCRIPT, REPO, CORPUS, str(n), "1" if one_stage else "0",
                            f.name], check=True)
            return f.read()
    return make


class Shape:
    __slots__ = ("name", "n", "what", "make", "gives_up")

    def __init__(self, name: str, n: int, what: str, make, gives_up: bool = False) -> None:
        self.name, self.n, self.what, self.make = name, n, what, make
        # past layerlint's limits (expansion size, nesting) the run says what it gave up: exit 2
        self.gives_up = gives_up


# name, N (the runs use N and 10N), what it is, make(n) -> Dockerfile text
SHAPES = [
    Shape("env", 1000, "n `ENV Vi=xi` lines after one FROM", lambda n: FROM + each("ENV V{i}=x{i}", n)),
    Shape("env-self", 300, "n `ENV Ai=$Bi Bi=$Ai` lines (undefined variables with did-you-mean hints)",
          lambda n: FROM + each("ENV A{i}=$B{i} B{i}=$A{i}", n)),
    Shape("env-pairs", 500, "one ENV of n pairs, each using the next", lambda n: FROM + "ENV " + " ".join(
        f"K{i}=$K{i + 1}" for i in range(n)) + "\n"),
    Shape("env-run", 500, "n ENV lines, then n RUNs using them", lambda n: FROM + each("ENV V{i}=x{i}", n)
          + each("RUN echo $V{i}", n)),
    Shape("env-run-pairs", 500, "n (ENV, RUN) pairs: each RUN has its own environment", lambda n: FROM + each("ENV V{i}=x{i}\nRUN echo $V{i}", n)),
    Shape("run", 500, "n `RUN echo i` lines", lambda n: FROM + each("RUN echo {i}", n)),
    Shape("blank-continuations", 10000, "one RUN with n blank continuation lines",
          lambda n: FROM + "RUN echo \\\n" + "\\\n" * n + " done\n"),
    Shape("long-line", 100_000, "one RUN line of n bytes (`echo a a a ...`)", lambda n: FROM + "RUN echo" + " a" * (n // 2) + "\n"),
    Shape("long-run", 1000, "one RUN of n commands over n continuation lines", lambda n: "FROM ubuntu:22.04\nRUN "
          + " \\\n && ".join(commands(n)) + "\n"),
    Shape("long-run-1-line", 1000, "one RUN of n commands on one line", lambda n: "FROM ubuntu:22.04\nRUN "
          + " && ".join(commands(n)) + "\n"),
    Shape("heredoc-body", 1000, "one RUN heredoc of n commands", lambda n: "FROM ubuntu:22.04\nRUN <<EOF\n"
          + "\n".join(commands(n)) + "\nEOF\n"),
    Shape("heredocs", 200, "n RUN heredocs", lambda n: FROM + each("RUN <<EOF{i}\necho {i}\nEOF{i}", n)),
    Shape("heredocs-1-run", 250, "one RUN with n heredocs", lambda n: FROM + "RUN " + " ".join(
        f"<<E{i}" for i in range(n)) + "\n" + "".join(f"echo {i}\nE{i}\n" for i in range(n))),
    Shape("copy-heredoc", 1000, "COPY heredoc of n lines with variables",
          lambda n: FROM + "ARG A\nCOPY <<EOF /etc/x\n" + each("line {i} $A ${{B{i}}} $C{i}", n) + "EOF\n"),
    Shape("stage-chain", 200, "n stages each FROM the previous (scaling.py's chain)", via(make_chain)),
    Shape("stages", 1000, "n lines of 20-line stages copying from each other (scaling.py's big file)", via(make_big)),
    Shape("stage-chain-bare", 500, "n bare `FROM s(i-1) AS si` lines",
          lambda n: "FROM alpine:3.19 AS s0\n" + "".join(f"FROM s{i - 1} AS s{i}\n" for i in range(1, n))),
    Shape("siblings", 250, "a stage of n ENVs, then n stages FROM it", lambda n: "FROM ubuntu:22.04 AS base\n"
          + each("ENV B{i}=x", n) + "".join(f"FROM base AS s{i}\nENV S{i}=$B{i}\n" for i in range(n))),
    Shape("args", 500, "n global ARGs, then n ARGs re-importing them in a stage",
          lambda n: each("ARG A{i}=v{i}", n) + FROM + each("ARG A{i}", n)),
    Shape("from-undefined", 1000, "n global ARGs, then n FROMs using undefined ones (did-you-mean)",
          lambda n: each("ARG G{i}=1", n) + each("FROM alpine:$H{i}", n)),
    Shape("labels", 1000, "n LABEL lines", lambda n: FROM + each('LABEL k{i}="v{i}"', n)),
    Shape("labels-undefined", 1000, "n LABELs of undefined variables",
          lambda n: FROM + each('LABEL a{i}="$UNDEF{i}" b{i}=${{X{i}:-y}}', n)),
    Shape("nesting", 500, "`${a:-${a:-...}}` nested n deep in WORKDIR, RUN and COPY", lambda n: FROM + "ARG a\n" + "".join(
        kw + " /" + "${a:-" * n + "x" + "}" * n + tail + "\n" for kw, tail in (("WORKDIR", ""), ("RUN echo", ""),
                                                                           ("COPY", " /y"))), gives_up=True),
    Shape("copy-words", 1000, "one COPY of n sources", lambda n: FROM + "COPY " + " ".join(f"f{i}" for i in range(n)) + " /dst/\n"),
    Shape("copy-vars", 1000, "one COPY of n undefined variables (exec form)", lambda n: FROM + "COPY ["
          + ", ".join(f'"$U{i}"' for i in range(n)) + ', "/dst/"]\n'),
    Shape("copy-from", 200, "n stages, then n `COPY --from=` them", lambda n: "".join(
        f"FROM alpine:3.19 AS s{i}\nRUN echo {i} > /f\n" for i in range(n)) + FROM + each("COPY --from=s{i} /f /f{i}", n)),
    Shape("copy-from-later", 250, "n `COPY --from=` stages defined later",
          lambda n: "FROM alpine:3.19 AS a\n" + each("COPY --from=later{i} /x /y", n) + each("FROM alpine:3.19 AS later{i}", n)),
    Shape("copy-files-install", 250, "n (COPY files and a directory, pip install -r) pairs", lambda n: "FROM python:3.12\n"
          "WORKDIR /app\n" + each("COPY f{i}.txt src{i}/ ./\nRUN pip install -r requirements.txt", n)),
    Shape("copy-deletes", 250, "n (COPY dir/, RUN rm in it) pairs",
          lambda n: FROM + each("COPY src{i}/ /app/\nRUN rm -rf /app/x{i} /tmp/*.log", n)),
    Shape("cache-cleans", 250, "n (apt-get install, later apt-get clean) RUN pairs", lambda n: "FROM ubuntu:22.04\n"
          + each("RUN apt-get update && apt-get install -y p{i}\nRUN apt-get clean && rm -rf /x{i}", n)),
    Shape("volumes", 250, "n (VOLUME, RUN writing into it) pairs", lambda n: FROM + each("VOLUME /v{i}\nRUN echo x > /v{i}/f", n)),
    Shape("mounts", 250, "n RUNs with cache and bind mounts", lambda n: FROM + each(
        "RUN --mount=type=cache,target=/c{i} --mount=type=bind,from=s{i},target=/b{i} echo {i}", n)),
    Shape("users-workdirs", 250, "n (USER, WORKDIR, RUN) triples",
          lambda n: FROM + each("USER u{i}\nWORKDIR d{i}\nRUN cd .. && sudo -u x echo {i}", n)),
    Shape("chain-entrypoints", 200, "n stages each FROM the previous with a shell-form ENTRYPOINT",
          lambda n: chain_of("ENTRYPOINT echo {i}", n)),
    Shape("chain-shells", 200, "n stages each FROM the previous with SHELL and a RUN",
          lambda n: chain_of('SHELL ["/bin/bash", "-c"]\nRUN echo {i} | cat', n)),
    Shape("chain-volumes", 200, "n stages each FROM the previous with a VOLUME and a RUN writing into it",
          lambda n: chain_of("VOLUME /v{i}\nRUN echo > /v{i}/x", n)),
    Shape("copy-from-unknown", 200, "n stages, then n `COPY --from=` unknown names (did-you-mean)",
          lambda n: each("FROM alpine:3.19 AS stage{i}\nRUN echo {i}", n) + each("COPY --from=stagx{i} /a /b", n)),
    Shape("build-date-stages", 250, "n stages each with `ARG BUILD_DATE` and an install",
          lambda n: each("FROM alpine:3.19 AS s{i}\nARG BUILD_DATE\nRUN apt-get install -y x{i}", n)),
    Shape("env-used-everywhere", 100, "an ENV of 2,000 packages, then n RUNs installing it twice",
          lambda n: "FROM ubuntu:22.04\nENV P=\"" + " ".join(f"pkg{i}" for i in range(2000)) + "\"\n"
          + each("RUN apt-get install -y $P && pip install $P", n)),
    Shape("env-growing", 1000, "n `ENV PATH=/opt/tool<i>/bin:$PATH` lines",
          lambda n: "FROM ubuntu:22.04\n" + each("ENV PATH=/opt/tool{i}/bin:$PATH", n) + "RUN echo $PATH\n"),
    Shape("env-doubling", 2, "n `ENV A<i>=$A<i-1>$A<i-1>` lines (the value doubles each line)",
          lambda n: FROM + "ENV A0=xxxxxxxxxx\n" + "".join(f"ENV A{i}=$A{i - 1}$A{i - 1}\n" for i in range(1, n + 1))
          + f"RUN echo $A{n}\n", gives_up=True),
    Shape("big-value-used", 100, "a 1 MB value (by doubling), used in n LABEL/EXPOSE/COPY/WORKDIR lines",
          lambda n: "FROM scratch\nENV A0=xxxxxxxxxx\n" + "".join(f"ENV A{i}=$A{i - 1}$A{i - 1}\n" for i in range(1, 18))
          + each("LABEL l{i}=$A17$A17\nEXPOSE $A16\nCOPY $A17 /x\nWORKDIR /$A17", n), gives_up=True),
    Shape("big-global-used", 100, "a 1 MB global ARG (by doubling), used by n FROM lines",
          lambda n: "ARG A0=xxxxxxxxxx\n" + "".join(f"ARG A{i}=$A{i - 1}$A{i - 1}\n" for i in range(1, 18))
          + each("FROM alpine:$A17", n), gives_up=True),
    Shape("onbuild", 250, "a stage of n ONBUILD RUNs, then n stages FROM it", lambda n: "FROM alpine:3.19 AS b\n"
          + each("ONBUILD RUN echo {i}", n) + each("FROM b AS c{i}", n)),
    Shape("directives", 1000, "n parser-directive-like comments at the top",
          lambda n: "# syntax=docker/dockerfile:1\n" + each("# x{i}=v{i}", n) + FROM),
    Shape("pragmas", 250, "n file-level pragmas, then n RUNs each with its own pragma",
          lambda n: "# hadolint global ignore=DL3007\n" * n + "FROM ubuntu\n"
          + each("# layerlint: ignore=LL999\nRUN apt-get install x{i}", n)),
    Shape("stage-pragmas", 300, "n stages each with an ignore-stage pragma",
          lambda n: each("# layerlint: ignore-stage=LL999\nFROM ubuntu AS s{i}\nRUN apt-get install x{i}", n)),
    Shape("findings", 500, "n RUNs with several findings each (apt, cd, sudo)", lambda n: "FROM ubuntu\n"
          + each("RUN apt-get install curl{i} && cd /x{i} && sudo apt upgrade", n)),
    Shape("kitchen-sink", 1000, f"n lines of a {BLOCK_LINES}-line block of every instruction, in one stage",
          lambda n: blocks(n, chained=False)),
    Shape("kitchen-sink-chain", 1000, f"n lines of {BLOCK_LINES}-line stages, each FROM the previous",
          lambda n: blocks(n, chained=True)),
    Shape("corpus-1-stage", 2000, "n lines of real Dockerfiles in one stage (../shared corpus)", corpus(True)),
    Shape("corpus-stages", 2000, "n lines of real Dockerfiles, one after another", corpus(False)),
]


# GNU time reports the child's own peak RSS: this process (16 MB with its imports) is about as big
# as a small layerlint run, and the high-water mark Linux carries over from the forking parent
# would hide the small runs' figures.  Without it, ru_maxrss (from wait4) is used.
TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def measure(env, path: str, repeat: int) -> dict:
    walls, cpus, rss, codes = [], [], [], []
    for _ in range(repeat):
        cmd = env.layerlint + ["--select", "ALL", "-q", "--no-shellcheck", path]
        with tempfile.NamedTemporaryFile("r", suffix=".rss") as out:
            s = run([TIME, "-f", "%M", "-o", out.name] + cmd if TIME else cmd, env=env.env)
            peak = out.read().split() if TIME else []
        walls.append(s.wall)
        cpus.append(s.cpu)
        rss.append(int(peak[-1]) if peak and peak[-1].isdigit() else s.maxrss_kb)
        codes.append(s.returncode)
    bad = [c for c in codes if c not in (0, 1)]
    return {"wall_s": min(walls), "cpu_s": min(cpus), "rss_mb": min(rss) / 1024, "exit": bad[0] if bad else codes[0]}


def growth(big: float, small: float, base: float, floor: float) -> float:
    """How much the work above start-up grew (``floor``: the least the small run counts as)."""
    return max(big - base, 0.0) / max(small - base, floor)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="", help="comma-separated shape names")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every N")
    ap.add_argument("--repeat", type=int, default=2, help="runs per size (the minimum is kept)")
    ap.add_argument("--max-growth", type=float, default=13.0)
    ap.add_argument("--as-is", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--list", action="store_true", help="list the shapes and exit")
    args = ap.parse_args()
    if args.list:
        for s in SHAPES:
            print(f"{s.name:22} N={s.n:<7} {s.what}")
        return 0
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    unknown = only - {s.name for s in SHAPES}
    if unknown:
        ap.error(f"unknown shapes: {', '.join(sorted(unknown))} (see --list)")
    env = layerlint_env(args.as_is)
    work = tempfile.mkdtemp(prefix="layerlint-growth-")
    results = []
    try:
        one = os.path.join(work, "one.Dockerfile")
        with open(one, "w") as f:
            f.write(FROM)
        base = measure(env, one, max(3, args.repeat))
        for shape in SHAPES:
            if only and shape.name not in only:
                continue
            n = max(1, int(shape.n * args.scale))
            row = {"shape": shape.name, "what": shape.what, "n": n}
            for key, size in (("small", n), ("big", 10 * n)):
                text = shape.make(size)
                if not text:
                    row["skipped"] = "no input (../shared/corpus/real/ missing?)"
                    break
                path = os.path.join(work, f"{shape.name}-{size}.Dockerfile")
                with open(path, "w") as f:
                    f.write(text)
                row[key] = measure(env, path, args.repeat)
                row[key]["bytes"] = len(text.encode())
                row[key]["lines"] = text.count("\n")
                os.unlink(path)
            if "skipped" not in row:
                s, b = row["small"], row["big"]
                row["x_work"] = growth(b["cpu_s"], s["cpu_s"], base["cpu_s"], 0.01)
                row["x_mem"] = growth(b["rss_mb"], s["rss_mb"], base["rss_mb"], 2.0)
                ok = row["x_work"] <= args.max_growth and row["x_mem"] <= args.max_growth
                failed = 2 in (s["exit"], b["exit"]) and not shape.gives_up
                row["verdict"] = "error" if failed else ("linear" if ok else "SUPER-LINEAR")
            results.append(row)
            print(f"{shape.name}: {row.get('verdict', row.get('skipped'))}", file=sys.stderr)
    finally:
        for name in os.listdir(work):
            os.unlink(os.path.join(work, name))
        os.rmdir(work)
    if args.json:
        print(json.dumps({"machine": machine(), "layerlint_env": env.description, "start_up": base,
                          "max_growth": args.max_growth, "shapes": results}, indent=2))
        return 0
    print(f"machine: {machine()}\nlayerlint: {env.description}; minimum of {args.repeat} run(s) per size\n"
          f"start-up (one-line Dockerfile): CPU {base['cpu_s']:.2f} s, peak RSS {base['rss_mb']:.1f} MB\n")
    print(f"{'shape':22} {'N':>7} {'lines 10N':>9} {'CPU N':>7} {'CPU 10N':>8} {'x work':>7} {'RSS N':>7} "
          f"{'RSS 10N':>8} {'x mem':>6}  verdict")
    for r in results:
        if "skipped" in r:
            print(f"{r['shape']:22} {r['n']:7d}  skipped: {r['skipped']}")
            continue
        s, b = r["small"], r["big"]
        print(f"{r['shape']:22} {r['n']:7d} {b['lines']:9d} {s['cpu_s']:6.2f}s {b['cpu_s']:7.2f}s {r['x_work']:7.1f} "
              f"{s['rss_mb']:5.0f}MB {b['rss_mb']:6.0f}MB {r['x_mem']:6.1f}  {r['verdict']}")
    print(f"\nx work / x mem: growth of CPU time / peak RSS above start-up from N to 10N (linear: about 10; "
          f"verdict SUPER-LINEAR above {args.max_growth:g})")
    return 1 if any(r.get("verdict") in ("SUPER-LINEAR", "error") for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
