"""Scaling: a synthetic tree of up to 20,000 Dockerfiles, a single Dockerfile of up to 50,000
lines, and a chain of up to 10,000 stages each built FROM the previous one, each at 4 sizes,
with wall time, CPU time and peak memory.

    .venv/bin/python bench/scaling.py [--repeat N] [--max-files 20000] [--max-lines 50000]
                                      [--max-chain 10000] [--as-is] [--json]

Time and memory should grow linearly: the "per unit" columns stay flat and each doubling of
the input about doubles the time ("x prev").  Peak memory is the sum over the process tree
(the pool's workers included).  The inputs are generated in a temporary directory and removed.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import layerlint_env, machine, run  # noqa: E402

TEMPLATES = [
    """FROM python:3.12-slim AS build{i}
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
USER 1000
CMD ["python", "app.py"]
""",
    """FROM node:20 AS deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM nginx:1.27-alpine
COPY --from=deps /src/dist /usr/share/nginx/html
""",
    """FROM ubuntu:22.04
ARG VERSION=1.{i}
ENV APP_HOME=/opt/app PATH=/opt/app/bin:$PATH
RUN apt-get update \\
    && apt-get install -y --no-install-recommends curl ca-certificates \\
    # a comment inside the continuation
    && rm -rf /var/lib/apt/lists/*
RUN curl -fsSL https://example.com/app-${{VERSION}}.tar.gz | tar -xz -C /opt
WORKDIR $APP_HOME
EXPOSE 8080
ENTRYPOINT ["/opt/app/bin/run"]
""",
    """# syntax=docker/dockerfile:1
FROM golang:1.22 AS build
WORKDIR /go/src/app
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN <<EOF
set -e
CGO_ENABLED=0 go build -o /out/app{i} ./cmd/app
EOF

FROM gcr.io/distroless/static
COPY --from=build /out/app{i} /app
USER nonroot
ENTRYPOINT ["/app"]
""",
    """FROM alpine:3.19
RUN apk add --no-cache bash git openssh
COPY entrypoint.sh /usr/local/bin/
HEALTHCHECK --interval=30s CMD wget -qO- http://localhost:{i}/ || exit 1
LABEL org.opencontainers.image.title="svc{i}"
CMD ["entrypoint.sh"]
""",
]

STAGE = """FROM debian:bookworm-slim AS s{i}
ARG V{i}=1.{i}
ENV A{i}=${{V{i}}} \\
    B{i}=two
WORKDIR /srv/s{i}
COPY conf/s{i}.conf ./
RUN apt-get update \\
    && apt-get install -y --no-install-recommends \\
        curl \\
        ca-certificates \\
    && rm -rf /var/lib/apt/lists/*
RUN set -eux; \\
    groupadd -r app{i}; \\
    useradd -r -g app{i} app{i}; \\
    mkdir -p /data/s{i}
COPY --from=s{prev} /srv /srv/prev
USER app{i}
EXPOSE {port}
VOLUME /data/s{i}
CMD ["sh", "-c", "exec /srv/s{i}/run --port {port}"]

"""
STAGE_LINES = STAGE.count("\n")

# a stage built FROM the previous one: rules that follow FROM chains (the user, the volumes,
# the archives and the context copies a stage inherits) must not walk the chain for every stage
CHAIN_LINK = """FROM s{prev} AS s{i}
ARG BUILD_DATE
RUN apt-get update && apt-get install -y --no-install-recommends curl && echo {i} > /f{i}
COPY --from=s{prev} /f{prev} /g{i}
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
"""


def make_tree(root: str, n: int) -> None:
    """``n`` Dockerfiles, 100 per directory, beside a README and a source file each, plus a
    node_modules and a .gitignore'd folder that discovery must skip."""
    for i in range(n):
        d = os.path.join(root, f"team{i // 1000:02d}", f"svc{i // 100:03d}", f"app{i:05d}")
        os.makedirs(d, exist_ok=True)
        name = "Dockerfile" if i % 7 else f"app{i}.Dockerfile"
        with open(os.path.join(d, name), "w") as f:
            f.write(TEMPLATES[i % len(TEMPLATES)].format(i=i))
        with open(os.path.join(d, "README.md"), "w") as f:
            f.write("notes\n")
    for skip in ("node_modules/pkg", "build/out"):
        os.makedirs(os.path.join(root, skip), exist_ok=True)
        with open(os.path.join(root, skip, "Dockerfile"), "w") as f:
            f.write("FROM scratch\n")
    with open(os.path.join(root, ".gitignore"), "w") as f:
        f.write("build/\n")


def make_big(path: str, lines: int) -> None:
    parts = []
    count = 0
    i = 0
    while count + STAGE_LINES <= lines:
        parts.append(STAGE.format(i=i, prev=max(i - 1, 0) if i else "scratch_base", port=1024 + i % 60000)
                     if i else STAGE.replace("COPY --from=s{prev} /srv /srv/prev\n", "").format(i=i, port=1024))
        count += parts[-1].count("\n")
        i += 1
    with open(path, "w") as f:
        f.write("".join(parts))


def make_chain(path: str, stages: int) -> None:
    with open(path, "w") as f:
        f.write("FROM debian:bookworm-slim AS s0\nVOLUME /data\nRUN echo 0 > /f0\n")
        f.write("".join(CHAIN_LINK.format(i=i, prev=i - 1) for i in range(1, stages)))


def measure(cmd, env, cwd, repeat):
    samples = [run(cmd, env=env.env, cwd=cwd, capture=True, sample_tree=True) for _ in range(repeat)]
    for s in samples:
        if s.returncode not in (0, 1, 2):
            raise SystemExit(f"{cmd[:3]} failed with {s.returncode}")
    return {"wall_s": statistics.median(s.wall for s in samples), "cpu_s": statistics.median(s.cpu for s in samples),
            "peak_mb": statistics.median(s.tree_rss_kb for s in samples) / 1024,
            "files": len(json.loads(samples[-1].stdout)["files"])}


def table(title, unit, rows, base):
    """``base``: the same command on a one-line Dockerfile (start-up), subtracted for the growth
    columns so they show how the work itself scales."""
    print(f"\n{title}")
    print(f"{unit:>8} {'wall':>9} {'CPU':>9} {'peak RSS':>10} {'(wall-start)/unit':>18} {'x prev':>7} "
          f"{'RSS-start':>10} {'x prev':>7}")
    prev = None
    for size, r in rows:
        work = r["wall_s"] - base["wall_s"]
        mem = r["peak_mb"] - base["peak_mb"]
        grow = f"{work / (prev['wall_s'] - base['wall_s']):.2f}" if prev else ""
        mgrow = f"{mem / (prev['peak_mb'] - base['peak_mb']):.2f}" if prev and prev["peak_mb"] > base["peak_mb"] else ""
        print(f"{size:8d} {r['wall_s']:8.2f}s {r['cpu_s']:8.2f}s {r['peak_mb']:8.1f}MB {work / size * 1e6:15.0f} us "
              f"{grow:>7} {mem:8.1f}MB {mgrow:>7}")
        prev = r
    print(f"(start-up, one-line Dockerfile: {base['wall_s']:.2f} s, {base['peak_mb']:.1f} MB)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--max-files", type=int, default=20_000)
    ap.add_argument("--max-lines", type=int, default=50_000)
    ap.add_argument("--max-chain", type=int, default=10_000)
    ap.add_argument("--as-is", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    env = layerlint_env(args.as_is)
    work = tempfile.mkdtemp(prefix="layerlint-scaling-")
    fig = {"machine": machine(), "layerlint_env": env.description, "repeat": args.repeat, "tree": [], "big_file": [], "chain": []}
    try:
        one = os.path.join(work, "one.Dockerfile")
        with open(one, "w") as f:
            f.write("FROM alpine:3.19\n")
        fig["start_up"] = measure(env.layerlint + ["--format", "json", one], env, work, args.repeat)
        for n in [args.max_files // 8, args.max_files // 4, args.max_files // 2, args.max_files]:
            root = os.path.join(work, f"tree{n}")
            make_tree(root, n)
            r = measure(env.layerlint + ["--format", "json", root], env, work, args.repeat)
            assert r["files"] == n, (r["files"], n)
            fig["tree"].append((n, r))
            print(f"tree of {n} Dockerfiles: {r['wall_s']:.2f} s", file=sys.stderr)
            shutil.rmtree(root)
        for lines in [args.max_lines // 8, args.max_lines // 4, args.max_lines // 2, args.max_lines]:
            path = os.path.join(work, f"big{lines}.Dockerfile")
            make_big(path, lines)
            with open(path) as f:
                real_lines = sum(1 for _ in f)
            r = measure(env.layerlint + ["--format", "json", path], env, work, args.repeat)
            fig["big_file"].append((real_lines, r))
            print(f"file of {real_lines} lines: {r['wall_s']:.2f} s", file=sys.stderr)
        for stages in [args.max_chain // 8, args.max_chain // 4, args.max_chain // 2, args.max_chain]:
            path = os.path.join(work, f"chain{stages}.Dockerfile")
            make_chain(path, stages)
            r = measure(env.layerlint + ["--format", "json", path], env, work, args.repeat)
            fig["chain"].append((stages, r))
            print(f"chain of {stages} stages: {r['wall_s']:.2f} s", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(fig, indent=2))
        return 0
    print(f"machine: {fig['machine']}\nlayerlint: {env.description}; medians of {args.repeat} runs")
    table("Directory tree (discovery + lint, worker pool), per Dockerfile:", "files", fig["tree"], fig["start_up"])
    table(f"One Dockerfile of {STAGE_LINES}-line stages (each copies from the previous), per line:", "lines",
          fig["big_file"], fig["start_up"])
    table(f"One Dockerfile of stages each built FROM the previous one ({CHAIN_LINK.count(chr(10))} lines each), "
          "per stage:", "stages", fig["chain"], fig["start_up"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
