"""Run cache scenarios through a real image builder and through ``layerlint explain``.

A scenario is a directory under ``tests/fixtures/cache/``:

    Dockerfile            the Dockerfile of the first build
    Dockerfile.after      optional: the Dockerfile of the second build (given to explain as --previous)
    Dockerfile.dockerignore  optional: the Dockerfile-specific ignore file, placed beside the Dockerfile
    context/              the build context (may hold a .dockerignore)
    scenario.json         {"description": str, "edits": [...], "target": str|null,
                           "build_args": {...}, "dockerfile_in_context": bool,
                           "http": {"name": "content"} (files served over HTTP on 127.0.0.1 for
                           remote ADD; "{{HTTP}}" in the Dockerfile is their base URL),
                           "builder": bool (false: checked by reasoning only),
                           "why_not_builder": str,
                           "engine": "modern" (only the modern engine builds it: heredocs,
                           --link, --chmod, --exclude, ADD --checksum, secret mounts),
                           "stores": ["graphdriver", "containerd"] (build it on each image
                           store of the modern engine; expected.containerd.json for the second),
                           "secrets": {"id": "content"} (passed as --secret id=..,src=..),
                           "differs_by_store": {"graphdriver": {"LINE": "why"}} (a step
                           whose verdict depends on the image store, which a Dockerfile
                           cannot tell: counted apart on that store, never as right)}
    expected.json         {"source": "builder"|"reasoning", "builder": str, "steps":
                           [{"line", "instruction", "cached"}]}: the second build's verdict
                           for every step that makes a layer (recorded from the real builder
                           with `python -m tests.builder_harness --record`, or written by
                           reasoning for what the builder here cannot run)

Edits, applied between the two builds: ``{"op": "write", "path", "content"}``,
``{"op": "delete", "path"}``, ``{"op": "touch", "path"}`` (mtime only),
``{"op": "chmod", "path", "mode": "0755"}``, ``{"op": "build-arg", "name", "value"}`` (value
null drops it), ``{"op": "http-write", "path", "content"}`` (new content for a served file),
``{"op": "remote", "url"}`` (new content behind a URL; reasoning scenarios only),
``{"op": "secret", "id", "content"}`` (the secret's content for the second build).

The builder (``Builder(engine=...)``; ``$LAYERLINT_BUILDER_ENGINE`` = ``modern``, ``20.10`` or
``auto``, the default: modern when unpacked, else 20.10):

- ``modern``: Docker Engine 28.5 (BuildKit v0.25) as ``scripts/install-buildkit-modern``
  unpacks it (``tests/buildkit_harness.ENGINE``), graphdriver image store;
  ``modern-containerd``: the same with the containerd image store (the one where
  ``COPY --link`` is a real MergeOp);
- ``20.10``: Debian's docker.io 20.10 (embedded BuildKit, v0.8 era: no heredocs, no --link).

Each is started privately (own data root, exec root, containerd namespace and socket under a
temp dir, no networking) and stopped by pid at the end; the base images ``localhost/base:1``
and ``localhost/base:2`` are made from Debian's busybox-static (no registry is reachable).  A
``# syntax=`` line cannot work offline (the frontend image would be pulled): the build gets it
as a plain comment on the same line.  The second build's ``--progress=plain`` log says which
steps were CACHED.

The prediction: ``layerlint explain --format json`` on the state after the edits, with
``--changed`` for every context file whose bytes, mode or existence differ, ``--changed-arg
NAME=OLD`` (``NAME`` when the first build did not pass it) for every build arg whose value
differs and ``--previous`` for a changed Dockerfile.  A secret's change is told nothing: its
content is in no cache key.  A step predicted ``unless-identical`` (only the copied files'
content can decide) agrees with either verdict of the builder, and is counted apart.
"""
from __future__ import annotations

import atexit
import hashlib
import http.server
import io
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent / "fixtures" / "cache"
DOCKERD = os.environ.get("LAYERLINT_DOCKERD", "/usr/sbin/dockerd")
DOCKER = os.environ.get("LAYERLINT_DOCKER", "/usr/bin/docker")  # Debian's 20.10 CLI (no buildx needed)
ENGINES = ("modern", "modern-containerd", "20.10")
BUSYBOX = os.environ.get("LAYERLINT_BUSYBOX", "/bin/busybox")
BASE_IMAGES = {"localhost/base:1": {}, "localhost/base:2": {"etc/base-release": b"base 2\n"}}
LAYER_CMDS = ("RUN", "COPY", "ADD", "WORKDIR")
_SYNTAX_LINE = re.compile(r"^(\s*#\s*)syntax(\s*=)", re.I | re.M)


class BuilderUnavailable(Exception):
    """The real builder cannot run here (the reason is the message)."""


class ScenarioError(Exception):
    pass


# --------------------------------------------------------------------------------------
# scenarios
# --------------------------------------------------------------------------------------

@dataclass
class Scenario:
    name: str
    dir: Path
    dockerfile: str
    after: Optional[str]
    spec: dict
    expected: Optional[dict]

    @property
    def builder(self) -> bool:
        return bool(self.spec.get("builder", True))

    @property
    def target(self) -> Optional[str]:
        return self.spec.get("target")

    @property
    def build_args(self) -> dict[str, str]:
        return {k: str(v) for k, v in (self.spec.get("build_args") or {}).items()}

    @property
    def modern_only(self) -> bool:
        return self.spec.get("engine") == "modern"

    @property
    def stores(self) -> list[str]:
        return list(self.spec.get("stores") or ["graphdriver"])

    def expected_for(self, engine: str) -> Optional[dict]:
        """The recorded verdicts for ``engine`` (the containerd image store has its own file)."""
        if engine == "modern-containerd":
            f = self.dir / "expected.containerd.json"
            if f.exists():
                return json.loads(f.read_text())
        return self.expected


def load(path: Path) -> Scenario:
    spec = json.loads((path / "scenario.json").read_text())
    after = (path / "Dockerfile.after").read_text() if (path / "Dockerfile.after").exists() else None
    exp = json.loads((path / "expected.json").read_text()) if (path / "expected.json").exists() else None
    return Scenario(path.name, path, (path / "Dockerfile").read_text(), after, spec, exp)


def all_scenarios(root: Path = ROOT) -> list[Scenario]:
    return [load(p) for p in sorted(root.iterdir()) if (p / "scenario.json").exists()]


class HttpFiles:
    """Files served over HTTP on 127.0.0.1 (the builder fetches remote ADD sources itself, from
    the host's network, so a local server stands in for the internet)."""

    def __init__(self, root: Path, files: dict[str, str]) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            (root / name).write_text(content)

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **kw):
                super().__init__(*a, directory=str(root), **kw)

            def log_message(self, *a):  # keep test output clean
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Prepared:
    """A scenario laid out on disk: before the edits, then after them."""
    scenario: Scenario
    work: Path
    context: Path
    dockerfile: Path  # where the Dockerfile lives (same path for both builds)
    build_args: dict[str, str]
    changed: list[str] = field(default_factory=list)
    changed_args: list[str] = field(default_factory=list)
    previous: Optional[Path] = None
    http: Optional[HttpFiles] = None
    base_url: str = "http://127.0.0.1:9"  # without a server (prediction only)
    secrets: dict[str, Path] = field(default_factory=dict)  # id -> file (outside the context)

    def close(self) -> None:
        if self.http is not None:
            self.http.close()
            self.http = None

    def explain_argv(self) -> list[str]:
        argv = ["explain", "--format", "json", "--context", str(self.context)]
        if self.scenario.target:
            argv += ["--target", self.scenario.target]
        for k, v in self.build_args.items():
            argv += ["--build-arg", f"{k}={v}"]
        for p in self.changed:
            argv += ["--changed", p]
        for a in self.changed_args:
            argv += ["--changed-arg", a]
        if self.previous is not None:
            argv += ["--previous", str(self.previous)]
        return argv + [str(self.dockerfile)]


def _snapshot(root: Path) -> dict[str, tuple]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, root).replace(os.sep, "/")
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                content = os.readlink(p).encode()
            else:
                with open(p, "rb") as fh:
                    content = fh.read()
            out[rel] = (stat.S_IMODE(st.st_mode), stat.S_IFMT(st.st_mode), hashlib.sha256(content).hexdigest())
    return out


def prepare(sc: Scenario, work: Path, serve: bool = False) -> Prepared:
    """Lay out the first build's state under ``work`` (``serve``: start the HTTP files)."""
    work.mkdir(parents=True, exist_ok=True)
    server = HttpFiles(work / "http", sc.spec["http"]) if serve and sc.spec.get("http") else None
    base_url = server.url if server is not None else "http://127.0.0.1:9"
    ctx = work / "context"
    shutil.copytree(sc.dir / "context", ctx, symlinks=True)
    if sc.spec.get("dockerfile_in_context"):
        df = ctx / "Dockerfile"
        if df.exists():
            raise ScenarioError(f"{sc.name}: context/ already has a Dockerfile")
    else:
        (work / "df").mkdir()
        df = work / "df" / "Dockerfile"
        if (sc.dir / "Dockerfile.dockerignore").exists():
            shutil.copy(sc.dir / "Dockerfile.dockerignore", work / "df" / "Dockerfile.dockerignore")
    df.write_text(sc.dockerfile.replace("{{HTTP}}", base_url))
    # git does not keep modes other than 644/755: make the first build's modes explicit
    for rel, mode in (sc.spec.get("modes") or {}).items():
        os.chmod(ctx / rel, int(mode, 8))
    secrets = {}
    for sid, content in (sc.spec.get("secrets") or {}).items():
        (work / "secrets").mkdir(exist_ok=True)
        secrets[sid] = work / "secrets" / sid
        secrets[sid].write_text(content)
    return Prepared(sc, work, ctx, df, dict(sc.build_args), http=server, base_url=base_url, secrets=secrets)


def apply_edits(p: Prepared) -> Prepared:
    """Apply the scenario's edits; fill in what ``layerlint explain`` is told about them."""
    sc = p.scenario
    before = _snapshot(p.context)
    df_before = p.dockerfile.read_text()
    args = dict(p.build_args)
    remote: list[str] = []
    for e in sc.spec.get("edits", []):
        op = e["op"]
        if op == "remote":  # new content behind a URL (reasoning scenarios only)
            remote.append(e["url"])
            continue
        if op == "http-write":
            if p.http is not None:
                (p.http.root / e["path"]).write_text(e["content"])
            remote.append(f"{p.base_url}/{e['path']}")
            continue
        if op == "build-arg":
            if e.get("value") is None:
                args.pop(e["name"], None)
            else:
                args[e["name"]] = str(e["value"])
            continue
        if op == "secret":  # the secret's content is in no cache key: explain is told nothing
            (p.work / "secrets").mkdir(exist_ok=True)
            p.secrets[e["id"]] = p.work / "secrets" / e["id"]
            p.secrets[e["id"]].write_text(e["content"])
            continue
        target = (p.context / e["path"]).resolve()
        if not str(target).startswith(str(p.context.resolve()) + os.sep):
            raise ScenarioError(f"{sc.name}: edit path escapes the context: {e['path']}")
        if op == "write":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(e["content"])
        elif op == "delete":
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            else:
                target.unlink()
        elif op == "touch":
            st = target.stat()
            os.utime(target, (st.st_atime + 3600, st.st_mtime + 3600))
        elif op == "chmod":
            os.chmod(target, int(str(e["mode"]), 8))
        else:
            raise ScenarioError(f"{sc.name}: unknown edit op {op!r}")
    # explain is always told what the last build used (identical when only files changed)
    p.previous = p.work / "previous.Dockerfile"
    p.previous.write_text(df_before)
    if sc.after is not None:
        after_text = sc.after.replace("{{HTTP}}", p.base_url)
        if after_text != df_before:
            p.dockerfile.write_text(after_text)
    after = _snapshot(p.context)
    rel_df = None
    if p.dockerfile.parent == p.context:
        rel_df = p.dockerfile.name  # its own change is told through --previous
    p.changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k) and k != rel_df)
    p.changed += remote
    # NAME=OLD: the first build passed OLD; NAME alone: it did not pass NAME (its default applied)
    p.changed_args = sorted(f"{k}={p.build_args[k]}" if k in p.build_args else k
                            for k in set(args) | set(p.build_args) if args.get(k) != p.build_args.get(k))
    p.build_args = args
    return p


def predict(p: Prepared) -> dict:
    """``layerlint explain``'s JSON for the prepared (edited) state."""
    from click.testing import CliRunner

    from layerlint.cli.app import main
    res = CliRunner().invoke(main, p.explain_argv())
    if res.exit_code != 0:
        raise ScenarioError(f"{p.scenario.name}: layerlint explain exited {res.exit_code}: {res.output}"
                            + (f"\n{res.exception!r}" if res.exception else ""))
    return json.loads(res.output)


def predicted_layers(data: dict) -> dict[int, bool]:
    """line -> predicted cached, for every layer step of a needed stage."""
    out = {}
    for st in data["stages"]:
        if not st["needed"]:
            continue
        for s in st["steps"]:
            if s["kind"] == "layer":
                out[s["line"]] = s["rebuilt"] is False
    return out


def uncertain_layers(data: dict) -> set[int]:
    """Lines predicted ``unless-identical``: re-run unless the files they copy (or are built on)
    come out the same, which only their content can decide."""
    return {s["line"] for st in data["stages"] if st["needed"] for s in st["steps"]
            if s["kind"] == "layer" and s.get("verdict") == "unless-identical"}


def agrees(data: dict, recorded: dict[int, bool]) -> dict[int, tuple]:
    """line -> (recorded cached, predicted cached, reason) for every step the prediction gets
    wrong; an ``unless-identical`` step agrees with either verdict."""
    pred = predicted_layers(data)
    unsure = uncertain_layers(data)
    why = reasons(data)
    return {ln: (c, pred.get(ln), why.get(ln)) for ln, c in recorded.items()
            if pred.get(ln) is not c and ln not in unsure}


def reasons(data: dict) -> dict[int, str]:
    return {s["line"]: s["reason"] for st in data["stages"] for s in st["steps"]}


# --------------------------------------------------------------------------------------
# a minimal Dockerfile splitter (only to label the builder's steps; independent of layerlint's
# parser): continuations, comments, heredoc bodies (after RUN/COPY/ADD, each up to a line equal
# to its terminator, leading tabs ignored for <<-), stages and their edges
# --------------------------------------------------------------------------------------

_HEREDOC_WORD = re.compile(r"^\d*<<(-?)([^<]*)$")

@dataclass
class _Instr:
    cmd: str
    line: int
    text: str


@dataclass
class _Stage:
    name: Optional[str]
    from_stage: bool
    instrs: list[_Instr] = field(default_factory=list)
    deps: set[int] = field(default_factory=set)
    triggers: int = 0  # ONBUILD RUN/COPY/ADD/WORKDIR: they run first in a stage built FROM this one
    base: Optional[int] = None  # the stage it is built FROM


def split_dockerfile(text: str) -> list[_Stage]:
    lines = text.split("\n")
    escape = "\\"
    i = 0
    while i < len(lines):  # parser directives
        m = re.match(r"^\s*#\s*(\w+)\s*=\s*(\S+)\s*$", lines[i])
        if not m:
            break
        if m.group(1).lower() == "escape":
            escape = m.group(2)
        i += 1
    stages: list[_Stage] = []
    names: dict[str, int] = {}
    while i < len(lines):
        s = lines[i].strip()
        if not s or s.startswith("#"):
            i += 1
            continue
        start = i
        parts = []
        while True:
            cur = lines[i].rstrip()
            if cur.endswith(escape):
                parts.append(cur[:-1])
                i += 1
                while i < len(lines) and (not lines[i].strip() or lines[i].strip().startswith("#")):
                    i += 1
                if i >= len(lines):
                    break
                continue
            parts.append(cur)
            i += 1
            break
        logical = " ".join(p.strip() for p in parts)
        cmd = logical.split(None, 1)[0].upper()
        inner = logical.split(None, 2)[1].upper() if cmd == "ONBUILD" and len(logical.split()) > 1 else cmd
        if inner in ("RUN", "COPY", "ADD") and "<<" in logical:
            for word in logical.split()[1:]:
                m = _HEREDOC_WORD.match(word)
                if not m or not m.group(2).strip("'\""):
                    continue
                term, chomp = m.group(2).strip("'\""), m.group(1) == "-"
                while i < len(lines):
                    body = lines[i]
                    i += 1
                    if (body.lstrip("\t") if chomp else body) == term:
                        break
        ins = _Instr(cmd, start + 1, logical)
        if cmd == "FROM":
            words = [w for w in logical.split()[1:] if not w.startswith("--")]
            name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
            base = words[0].lower() if words else ""
            st = _Stage(name, base in names)
            if base in names:
                st.deps.add(names[base])
                st.base = names[base]
            stages.append(st)
            if name:
                names[name] = len(stages) - 1
        if stages:
            stages[-1].instrs.append(ins)
            if cmd == "ONBUILD" and inner in LAYER_CMDS:
                stages[-1].triggers += 1
            m = re.search(r"--from=(\S+)", logical) if cmd in ("COPY", "ADD", "RUN") else None
            if m:
                ref = m.group(1).split(",")[0].strip("'\"").lower()
                if ref in names:
                    stages[-1].deps.add(names[ref])
                elif ref.isdigit():
                    stages[-1].deps.add(int(ref))
    return stages


def needed(stages: list[_Stage], target: Optional[str]) -> set[int]:
    start = len(stages) - 1
    if target:
        start = next(k for k, s in enumerate(stages) if s.name == target.lower())
    seen, todo = set(), [start]
    while todo:
        k = todo.pop()
        if k not in seen:
            seen.add(k)
            todo.extend(stages[k].deps)
    return seen


def rawjson_to_plain(out: str) -> str:
    """``--progress=rawjson`` (one JSON status per line) as the ``#N [stage i/n] TEXT`` /
    ``#N CACHED`` lines :func:`parse_progress` reads, one vertex each, in order of appearance.
    The ``LINK`` vertex of a ``COPY --link`` (the merge onto the parent's state, a cheap
    metadata op that re-runs whenever the parent changed) is left out: the copy's own vertex
    says whether its layer was reused.  Of several vertices of one step (``ADD <url>``: the HTTP
    source, then the copy that consumes it), the one with inputs is the step's."""
    order: list[str] = []
    names: dict[str, str] = {}
    cached: set[str] = set()
    has_inputs: set[str] = set()
    for line in out.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        for v in doc.get("vertexes") or []:
            d = v.get("digest")
            if not d:
                continue
            if d not in names:
                order.append(d)
                names[d] = v.get("name") or ""
            if v.get("cached"):
                cached.add(d)
            if v.get("inputs"):
                has_inputs.add(d)
    consumed = {names[d] for d in order if d in has_inputs}
    lines = []
    for k, d in enumerate(order, 1):
        name = names[d]
        if re.match(r"^\[(?:\S+ )?\d+/\d+\] LINK ", name):
            continue
        if d not in has_inputs and name in consumed:
            continue  # the source vertex of a step whose own vertex is listed too
        lines.append(f"#{k} {name}")
        if d in cached:
            lines.append(f"#{k} CACHED")
    return "\n".join(lines) + "\n"


def parse_progress(log: str, dockerfile: str, target: Optional[str]) -> tuple[dict[int, bool], list[str]]:
    """line -> cached (True) / rebuilt (False) from a ``--progress=plain`` log, plus problems.

    Headers look like ``#7 [builder 2/5] COPY a /a`` (no stage name in a single-stage file,
    ``stage-N`` for an unnamed stage); a ``#7 CACHED`` line marks a cache hit.  ``k`` counts
    the stage's FROM (absent when the stage is built on another stage) and its
    RUN/COPY/ADD/WORKDIR steps, after the ONBUILD triggers of the stage it is built on (which
    come first; BuildKit v0.25 counts them in n, v0.8 does not).  Several vertices for one step
    (``ADD <url>``: the HTTP source, then the copy): the last one wins.
    """
    stages = split_dockerfile(dockerfile)
    headers: dict[str, tuple[Optional[str], int, int, str]] = {}
    cached: set[str] = set()
    for ln in log.splitlines():
        m = re.match(r"^#(\d+) \[(?:(\S+) )?(\d+)/(\d+)\] (.*)$", ln)
        if m:
            headers.setdefault(m.group(1), (m.group(2), int(m.group(3)), int(m.group(4)), m.group(5)))
            continue
        m = re.match(r"^#(\d+) CACHED\s*$", ln)
        if m:
            cached.add(m.group(1))
    by_name = {}
    for k, st in enumerate(stages):
        by_name[st.name or f"stage-{k}"] = k
        by_name.setdefault(f"stage-{k}", k)
    default = (next(k for k, s in enumerate(stages) if s.name == target.lower()) if target
               else len(stages) - 1)
    out: dict[int, bool] = {}
    problems: list[str] = []
    for vid, (sname, k, n, text) in sorted(headers.items(), key=lambda kv: int(kv[0])):
        stn = by_name.get(sname.lower()) if sname else default
        if stn is None:
            problems.append(f"#{vid}: unknown stage {sname}")
            continue
        st = stages[stn]
        ops = [ins for ins in st.instrs if ins.cmd in LAYER_CMDS or (ins.cmd == "FROM" and not st.from_stage)]
        trig = stages[st.base].triggers if st.base is not None else 0
        if n not in (len(ops), len(ops) + trig):
            problems.append(f"stage {sname or stn}: builder counts {n} steps, harness {len(ops)}")
        if trig and k <= trig:
            continue  # an ONBUILD trigger of the base stage (no line of this stage)
        k -= trig
        if not 1 <= k <= len(ops):
            problems.append(f"#{vid} [{sname} {k}/{n}] out of range")
            continue
        ins = ops[k - 1]
        if text.split(None, 1)[0].upper() != ins.cmd:
            problems.append(f"#{vid} {text!r} does not match line {ins.line} {ins.cmd}")
            continue
        if ins.cmd != "FROM":
            out[ins.line] = vid in cached
    for stn in needed(stages, target):
        for ins in stages[stn].instrs:
            if ins.cmd in LAYER_CMDS and ins.line not in out and not re.match(r"(?i)^WORKDIR\s+/\s*$", ins.text):
                problems.append(f"no verdict for line {ins.line}: {ins.text[:50]}")
    return out, problems


# --------------------------------------------------------------------------------------
# the builder
# --------------------------------------------------------------------------------------

def _static_elf(path: str) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if head[:4] != b"\x7fELF":
        return False
    # a PT_INTERP program header (type 3) means dynamically linked
    import struct
    is64 = head[4] == 2
    endian = "<" if head[5] == 1 else ">"
    if is64:
        phoff = struct.unpack_from(endian + "Q", head, 0x20)[0]
        phentsize, phnum = struct.unpack_from(endian + "HH", head, 0x36)
    else:
        phoff = struct.unpack_from(endian + "I", head, 0x1C)[0]
        phentsize, phnum = struct.unpack_from(endian + "HH", head, 0x2A)
    for k in range(phnum):
        off = phoff + k * phentsize
        if off + 4 <= len(head) and struct.unpack_from(endian + "I", head, off)[0] == 3:
            return False
    return True


def busybox_rootfs(extra: dict[str, bytes]) -> bytes:
    """An uncompressed tar of a minimal busybox root filesystem (reproducible)."""
    applets = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True, check=True).stdout.split()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        def entry(name: str, kind: bytes, mode: int, data: bytes = b"", link: str = "") -> None:
            ti = tarfile.TarInfo(name)
            ti.type, ti.mode, ti.mtime, ti.linkname = kind, mode, 0, link
            ti.size = len(data) if kind == tarfile.REGTYPE else 0
            tar.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
        for d in ("bin", "etc", "root", "dev", "proc", "sys", "var"):
            entry(d, tarfile.DIRTYPE, 0o755)
        entry("tmp", tarfile.DIRTYPE, 0o1777)
        with open(BUSYBOX, "rb") as fh:
            entry("bin/busybox", tarfile.REGTYPE, 0o755, fh.read())
        for a in sorted(set(applets)):
            if a != "busybox" and "/" not in a:
                entry(f"bin/{a}", tarfile.SYMTYPE, 0o777, link="busybox")
        entry("etc/passwd", tarfile.REGTYPE, 0o644,
              b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
        entry("etc/group", tarfile.REGTYPE, 0o644, b"root:x:0:\nnogroup:x:65534:\n")
        for name, data in sorted(extra.items()):
            entry(name, tarfile.REGTYPE, 0o644, data)
    return buf.getvalue()


def modern_engine_dir() -> Path:
    """Where scripts/install-buildkit-modern unpacks Docker Engine 28.x (tests/buildkit_harness.ENGINE)."""
    try:
        from .buildkit_harness import ENGINE
        return Path(ENGINE)
    except ImportError:
        return Path(os.environ.get("LAYERLINT_BUILDKIT_MODERN")
                    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "layerlint" / "buildkit-modern")


def modern_missing() -> Optional[str]:
    """Why the modern engine cannot run here, or None."""
    root = modern_engine_dir()
    for rel in ("root/usr/sbin/dockerd", "root/usr/bin/docker", "root/usr/bin/containerd", "cli-plugins/docker-buildx"):
        if not os.access(root / rel, os.X_OK):
            return f"{root / rel} is missing (run scripts/install-buildkit-modern)"
    if shutil.which("runc") is None:
        return "runc is not on PATH (scripts/install-builder installs it)"
    return None


def pick_engine() -> str:
    """``$LAYERLINT_BUILDER_ENGINE`` (modern, modern-containerd, 20.10), or auto: the modern
    engine when it is unpacked, else Docker 20.10."""
    want = os.environ.get("LAYERLINT_BUILDER_ENGINE", "auto")
    if want in ENGINES:
        return want
    return "modern" if modern_missing() is None else "20.10"



def stop_daemon(proc) -> None:
    """End a private dockerd: SIGTERM, then SIGKILL if it is still there after 30 s."""
    if proc is None:
        return
    try:
        os.kill(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)

class Builder:
    """A private dockerd for the length of one test session."""

    def __init__(self, work: Optional[Path] = None, engine: Optional[str] = None) -> None:
        self.engine = engine or pick_engine()
        self.work = Path(work or tempfile.mkdtemp(prefix="layerlint-builder-"))
        self.sock = self.work / "docker.sock"
        self.proc: Optional[subprocess.Popen] = None
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
        self.env.update(DOCKER_HOST=f"unix://{self.sock}", DOCKER_CONFIG=str(self.work / "client"))
        self.daemon_env: Optional[dict] = None
        self.dockerd, self.cli = DOCKERD, DOCKER
        if self.modern:
            root = modern_engine_dir()
            self.dockerd, self.cli = str(root / "root/usr/sbin/dockerd"), str(root / "root/usr/bin/docker")
            # dockerd finds its containerd, shim and docker-init on PATH
            path = f"{root}/root/usr/bin:{root}/root/usr/sbin:" + os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
            self.daemon_env = dict(os.environ, PATH=path)
            self.env.update(PATH=path, BUILDX_NO_DEFAULT_ATTESTATIONS="1")  # BuildKit is the default builder
        else:
            self.env["DOCKER_BUILDKIT"] = "1"
        self.version = ""

    @property
    def modern(self) -> bool:
        return self.engine.startswith("modern")

    @property
    def store(self) -> str:
        return "containerd" if self.engine == "modern-containerd" else "graphdriver"

    @property
    def label(self) -> str:
        """Which engine ran, for the test output and expected.json."""
        if self.modern:
            return f"Docker Engine {self.version} (BuildKit, {self.store} image store)"
        return f"docker.io {self.version} (embedded BuildKit)"

    def can_build(self, sc: "Scenario") -> Optional[str]:
        """Why this engine does not build ``sc`` (None: it does)."""
        if sc.modern_only and not self.modern:
            return f"needs the modern engine (Docker 28, BuildKit v0.25); this is {self.engine}"
        if self.modern and self.store not in sc.stores:
            return f"not run on the {self.store} image store"
        return None

    # -- lifecycle -------------------------------------------------------------------
    def check(self) -> None:
        """Raise BuilderUnavailable with the reason when the builder cannot run here."""
        if os.environ.get("LAYERLINT_SKIP_BUILDER"):
            raise BuilderUnavailable("LAYERLINT_SKIP_BUILDER is set")
        if sys.platform != "linux":
            raise BuilderUnavailable(f"needs Linux (this is {sys.platform})")
        if os.geteuid() != 0:
            raise BuilderUnavailable("needs root to start dockerd (run scripts/install-builder and the tests as root)")
        if self.modern:
            why = modern_missing()
            if why:
                raise BuilderUnavailable(why)
        for exe, pkg in ((self.dockerd, "docker.io"), (self.cli, "docker.io"), (BUSYBOX, "busybox-static")):
            if not os.path.exists(exe):
                raise BuilderUnavailable(f"{exe} is missing (apt-get install {pkg}; see scripts/install-builder)")
        if not _static_elf(BUSYBOX):
            raise BuilderUnavailable(f"{BUSYBOX} is not statically linked (install busybox-static)")

    def docker(self, *args: str, timeout: int = 300, check: bool = True) -> subprocess.CompletedProcess:
        p = subprocess.run([self.cli, *args], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=timeout)
        if check and p.returncode != 0:
            raise ScenarioError(f"docker {' '.join(args[:3])} failed ({p.returncode}): {p.stdout[-3000:]}")
        return p

    def _answers(self) -> bool:
        if not self.sock.exists():
            return False
        try:
            p = self.docker("version", "--format", "{{.Server.Version}}", timeout=15, check=False)
        except subprocess.TimeoutExpired:
            return False
        if p.returncode == 0:
            self.version = p.stdout.strip()
        return p.returncode == 0

    def start(self) -> None:
        try:
            self.check()
        except BuilderUnavailable:
            shutil.rmtree(self.work, ignore_errors=True)
            raise
        (self.work / "client").mkdir(parents=True, exist_ok=True)
        log = open(self.work / "dockerd.log", "ab")
        cmd = [self.dockerd, "--data-root", str(self.work / "data"), "--exec-root", str(self.work / "exec"),
               "--pidfile", str(self.work / "dockerd.pid"), "-H", f"unix://{self.sock}",
               "--iptables=false", "--ip6tables=false", "--ip-masq=false", "--bridge=none"]
        if self.store == "containerd":
            cmd += ["--feature", "containerd-snapshotter=true"]
        else:
            cmd += ["--storage-driver", os.environ.get("LAYERLINT_STORAGE_DRIVER", "overlay2")]
        if self.modern:
            # the unpacked buildx as the client's plugin; our own containerd namespace
            os.symlink(modern_engine_dir() / "cli-plugins", self.work / "client" / "cli-plugins")
            ns = f"llcache{os.getpid()}{'c' if self.store == 'containerd' else ''}"
            cmd += ["--containerd-namespace", ns, "--containerd-plugins-namespace", ns + "p"]
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=self.daemon_env, start_new_session=True)
        atexit.register(self.stop)  # never leave our daemon behind, even if the session dies early
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                tail = (self.work / "dockerd.log").read_text(errors="replace")[-800:]
                self.proc = None
                raise BuilderUnavailable(f"dockerd exited at start: {tail.strip().splitlines()[-1] if tail.strip() else '?'}")
            if self._answers():
                break
            time.sleep(0.25)
        else:
            self.stop()
            raise BuilderUnavailable("dockerd did not answer within 60 s")
        try:
            for ref, extra in BASE_IMAGES.items():
                tar = self.work / "rootfs.tar"
                tar.write_bytes(busybox_rootfs(extra))
                self.docker("import", "-c", "ENV PATH=/bin", "-c", 'CMD ["/bin/sh"]', str(tar), ref)
        except (ScenarioError, subprocess.SubprocessError, OSError) as exc:
            self.stop()
            raise BuilderUnavailable(f"cannot create the busybox base image: {exc}") from None

    def stop(self) -> None:
        stop_daemon(self.proc)
        self.proc = None
        # overlay mounts may linger briefly under the data root; ignore what cannot be removed
        shutil.rmtree(self.work, ignore_errors=True)

    # -- builds ----------------------------------------------------------------------
    def reset(self) -> None:
        """Forget all build cache (builds are not tagged; the base images stay)."""
        self.docker("builder", "prune", "-af", check=False)

    def build(self, p: Prepared, n: int) -> str:
        dockerfile = p.dockerfile
        text = dockerfile.read_text()
        if _SYNTAX_LINE.search(text) and not p.scenario.spec.get("dockerfile_in_context"):
            # a `# syntax=` line would pull a frontend image: a plain comment on the same line
            dockerfile = p.work / f"build{n}.Dockerfile"
            dockerfile.write_text(_SYNTAX_LINE.sub(r"\1was-syntax\2", text, count=1))
        # the modern engine's raw progress shows a `COPY --link` copy apart from its merge onto
        # the parent (plain output shows the group, cached only if both were)
        progress = "rawjson" if self.modern else "plain"
        cmd = ["build", "--network=none", f"--progress={progress}", "-f", str(dockerfile)]
        if p.scenario.target:
            cmd += ["--target", p.scenario.target]
        for k, v in p.build_args.items():
            cmd += ["--build-arg", f"{k}={v}"]
        for sid, src in p.secrets.items():
            cmd += ["--secret", f"id={sid},src={src}"]
        cmd.append(str(p.context))
        res = self.docker(*cmd, check=False, timeout=600)
        (p.work / f"build{n}.log").write_text(res.stdout)
        if res.returncode != 0:
            raise ScenarioError(f"{p.scenario.name}: build {n} failed:\n{res.stdout[-2500:]}")
        return rawjson_to_plain(res.stdout) if self.modern else res.stdout

    def run(self, sc: Scenario, scratch: Path) -> "BuilderResult":
        """Build, edit, rebuild; the second build's verdicts and explain's prediction."""
        t0 = time.time()
        p = prepare(sc, scratch, serve=True)
        try:
            self.reset()
            self.build(p, 1)
            apply_edits(p)
            log = self.build(p, 2)
        finally:
            p.close()
        verdicts, problems = parse_progress(log, p.dockerfile.read_text(), sc.target)
        prediction = predict(p)
        return BuilderResult(sc, verdicts, problems, prediction, p, time.time() - t0,
                             self.store if self.modern else "graphdriver")


@dataclass
class BuilderResult:
    scenario: Scenario
    cached: dict[int, bool]  # line -> the builder's verdict (True: CACHED)
    problems: list[str]
    prediction: dict
    prepared: Prepared
    seconds: float
    store: str = "graphdriver"

    def deviations(self) -> dict[int, str]:
        """Lines whose verdict depends on this image store (the scenario's ``differs_by_store``)."""
        store = self.store
        table = (self.scenario.spec.get("differs_by_store") or {}).get(store) or {}
        return {int(k): v for k, v in table.items()}

    def comparison(self) -> tuple[int, int, list[str]]:
        """(steps predicted right, steps with a builder verdict, disagreements); a step predicted
        ``unless-identical`` is right whatever the builder did (see :meth:`unsure`); a step whose
        verdict depends on the image store (:meth:`deviations`) is counted in neither."""
        pred = predicted_layers(self.prediction)
        unsure = uncertain_layers(self.prediction)
        why = reasons(self.prediction)
        apart = self.deviations()
        right, bad = 0, []
        for line, cached in sorted(self.cached.items()):
            if line in apart:
                continue
            p = pred.get(line)
            if p is cached or line in unsure:
                right += 1
            else:
                bad.append(f"line {line}: builder {'CACHED' if cached else 'rebuilt'}, layerlint "
                           f"{'no layer' if p is None else 'cached' if p else 'rebuilt'} ({why.get(line, '')})")
        for line in sorted(set(pred) - set(self.cached)):
            bad.append(f"line {line}: layerlint predicts a layer the builder did not report")
        return right, len(set(self.cached) - set(apart)), bad

    def unsure(self) -> tuple[int, int]:
        """(steps predicted ``unless-identical``, of those how many the builder kept cached)."""
        lines = uncertain_layers(self.prediction) & set(self.cached)
        return len(lines), sum(1 for ln in lines if self.cached[ln])


def expected_from(result: BuilderResult, label: str) -> dict:
    df_lines = result.prepared.dockerfile.read_text().replace(result.prepared.base_url, "{{HTTP}}").split("\n")
    steps = [{"line": ln, "instruction": df_lines[ln - 1].strip(), "cached": c}
             for ln, c in sorted(result.cached.items())]
    return {"source": "builder", "builder": label, "steps": steps}


def main(argv: list[str]) -> int:
    """``python -m tests.builder_harness [--record] [SCENARIO...]``: run scenarios on the real
    builder and print the verdicts next to layerlint's prediction."""
    record = "--record" in argv
    engine = next((a.split("=", 1)[1] for a in argv if a.startswith("--engine=")), None)
    names = [a for a in argv if not a.startswith("--")]
    scenarios = [s for s in all_scenarios() if s.builder and (not names or s.name in names
                                                              or str(s.dir) in names)]
    b = Builder(engine=engine)
    b.start()
    total = right = unsure = 0
    print(f"engine: {b.label}")
    try:
        for sc in scenarios:
            why = b.can_build(sc)
            if why:
                print(f"{sc.name}: skipped ({why})")
                continue
            res = b.run(sc, b.work / "runs" / sc.name)
            r, n, bad = res.comparison()
            total += n
            right += r
            unsure += res.unsure()[0]
            apart = [f"line {ln}: depends on the image store ({why})" for ln, why in res.deviations().items()]
            print(f"{sc.name}: {r}/{n} in {res.seconds:.1f}s" + "".join(f"\n  {x}" for x in bad + res.problems + apart))
            if record:
                name = "expected.containerd.json" if b.store == "containerd" and sc.stores != ["containerd"] \
                    else "expected.json"
                (sc.dir / name).write_text(json.dumps(expected_from(res, b.label), indent=2) + "\n")
    finally:
        b.stop()
    print(f"agreement: {right}/{total} steps ({unsure} predicted 'unless identical')")
    return 0 if right == total else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
