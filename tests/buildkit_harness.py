"""BuildKit's own build checks, from a real engine: a private Docker Engine 28.x daemon and
``docker buildx build --call=check,format=json`` on one Dockerfile at a time.

The engine is the one ``scripts/install-buildkit-modern`` unpacks (Debian sid's docker.io,
containerd, docker-cli and docker-buildx, into ``$LAYERLINT_BUILDKIT_MODERN`` or
``${XDG_CACHE_HOME:-~/.cache}/layerlint/buildkit-modern``); runc and busybox-static come from the
system (``scripts/install-builder``). The daemon is private: its own socket, data root, exec root
and containerd namespace under a temp dir, bridge/iptables/networking off; ``Engine.stop()``
ends it by pid (``atexit`` too, so a dying session never leaves it behind).

No registry is reachable, so every base image a ``FROM`` names is made, the first time BuildKit
asks for it, as a local stand-in: a busybox rootfs (``localhost/base:1``, as
../shared/tools/buildkit-modern/bkcheck.py does) whose config has no ENV, except that an image
layerlint's table of official images knows (layerlint/data/official_image_env.tsv) gets the ENV
names that table lists (each set to a placeholder absolute path), so ``UndefinedVar`` sees what
the real base image would give it. Any other base image has no ENV here, where the real one may.
A ``# syntax=`` line would make BuildKit pull a frontend image; it is turned into a plain comment
on the same line (lines stay put).

Used by tests/test_buildkit_conformance.py and bench/buildkit_checks.py.
"""
from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

from . import builder_harness

ENGINE = Path(os.environ.get("LAYERLINT_BUILDKIT_MODERN")
              or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "layerlint" / "buildkit-modern")
BASE = "localhost/base:1"

# what the daemon says when a FROM names an image it does not have (the name is group 1)
_MISSING = [re.compile(p) for p in (
    r"failed to resolve source metadata for ([^\s:]+(?::[0-9]+)?/[^\s:@]+(?::[\w][\w.-]*)?)",
    r"pull access denied for ([^\s,]+)",
    r"([^\s\"]+): failed to resolve source metadata",
    r"docker\.io/([^\s:]+:[^\s:]+): not found",
)]
_DIGEST = re.compile(rb"@sha256:[0-9a-fA-F]{64}")
_SYNTAX = re.compile(rb"^(\s*#\s*)syntax(\s*=)", re.I | re.M)


class EngineUnavailable(Exception):
    """The modern engine cannot run here (the reason is the message)."""


class Engine:
    """A private Docker Engine 28.x daemon for one session."""

    def __init__(self, engine: Path = ENGINE) -> None:
        self.engine = Path(engine)
        self.work: Optional[Path] = None
        self.proc: Optional[subprocess.Popen] = None
        self.env: dict[str, str] = {}
        self.version = ""
        self.tagged: set[str] = set()
        self._rootfs_tar: Optional[bytes] = None

    # -- lifecycle -------------------------------------------------------------------
    def check(self) -> None:
        """Raise EngineUnavailable with the reason when the engine cannot run here."""
        if os.environ.get("LAYERLINT_SKIP_BUILDER"):
            raise EngineUnavailable("LAYERLINT_SKIP_BUILDER is set")
        if sys.platform != "linux":
            raise EngineUnavailable(f"needs Linux (this is {sys.platform})")
        if os.geteuid() != 0:
            raise EngineUnavailable("needs root to start dockerd (run scripts/install-buildkit-modern and the tests as root)")
        for rel in ("root/usr/sbin/dockerd", "root/usr/bin/docker", "root/usr/bin/containerd",
                    "cli-plugins/docker-buildx"):
            if not os.access(self.engine / rel, os.X_OK):
                raise EngineUnavailable(f"{self.engine / rel} is missing (run scripts/install-buildkit-modern)")
        if shutil.which("runc") is None:
            raise EngineUnavailable("runc is not on PATH (scripts/install-builder installs it)")
        if not os.path.exists(builder_harness.BUSYBOX):
            raise EngineUnavailable(f"{builder_harness.BUSYBOX} is missing (apt-get install busybox-static)")
        if not builder_harness._static_elf(builder_harness.BUSYBOX):
            raise EngineUnavailable(f"{builder_harness.BUSYBOX} is not statically linked (install busybox-static)")

    # the timeout is a hang guard, not a speed test: a loaded machine (CI may be one) takes
    # minutes for what takes seconds on a quiet one
    def docker(self, *args: str, timeout: int = 900, cwd: Optional[str] = None,
               stdin: Optional[bytes] = None) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.engine / "root/usr/bin/docker"), *args], env=self.env, cwd=cwd,
                              input=stdin, capture_output=True, timeout=timeout)

    def _answers(self) -> bool:
        try:
            p = self.docker("version", "--format", "{{.Server.Version}}", timeout=15)
        except subprocess.TimeoutExpired:
            return False
        if p.returncode == 0:
            self.version = p.stdout.decode().strip()
        return p.returncode == 0

    def start(self) -> None:
        self.check()
        # a short path: a unix socket's path is limited to about 100 bytes
        self.work = Path(tempfile.mkdtemp(prefix="ll-bk-"))
        (self.work / "config").mkdir()
        os.symlink(self.engine / "cli-plugins", self.work / "config" / "cli-plugins")
        sock = self.work / "docker.sock"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
        self.env.update(PATH=f"{self.engine}/root/usr/bin:{self.engine}/root/usr/sbin:" + os.environ.get("PATH", ""),
                        DOCKER_HOST=f"unix://{sock}", DOCKER_CONFIG=str(self.work / "config"),
                        BUILDX_NO_DEFAULT_ATTESTATIONS="1")
        ns = f"llbk{os.getpid()}"
        cmd = [str(self.engine / "root/usr/sbin/dockerd"), "--data-root", str(self.work / "data"),
               "--exec-root", str(self.work / "exec"), "--pidfile", str(self.work / "dockerd.pid"),
               "-H", f"unix://{sock}", "--storage-driver", os.environ.get("LAYERLINT_STORAGE_DRIVER", "overlay2"),
               "--iptables=false", "--ip6tables=false", "--ip-masq=false", "--bridge=none",
               "--containerd-namespace", ns, "--containerd-plugins-namespace", ns + "p"]
        log = open(self.work / "dockerd.log", "ab")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=self.env, start_new_session=True)
        log.close()
        atexit.register(self.stop)  # never leave our daemon behind, even if the session dies early
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = (self.work / "dockerd.log").read_text(errors="replace").strip().splitlines()
                self.stop()
                raise EngineUnavailable(f"dockerd exited at start: {tail[-1] if tail else '?'}")
            if sock.exists() and self._answers():
                break
            time.sleep(0.25)
        else:
            self.stop()
            raise EngineUnavailable("dockerd did not answer within 60 s")
        p = self.docker("import", "-", BASE, stdin=self._rootfs())
        if p.returncode != 0:
            self.stop()
            raise EngineUnavailable(f"cannot create the busybox base image: {p.stderr.decode(errors='replace')[-300:]}")

    def stop(self) -> None:
        builder_harness.stop_daemon(self.proc)
        self.proc = None
        if self.work is not None:
            # overlay mounts may linger briefly under the data root; ignore what cannot be removed
            shutil.rmtree(self.work, ignore_errors=True)
            self.work = None

    # -- checks ----------------------------------------------------------------------
    def tag(self, name: str) -> bool:
        """Make ``name`` a local image: the busybox base, with the ENV names the official image
        table lists for it."""
        if name in self.tagged:
            return True
        env = stand_in_env(name)
        if env:
            argv = ["import"]
            for k in env:
                argv += ["-c", f"ENV {k}={STAND_IN_VALUE}"]
            ok = self.docker(*argv, "-", name, stdin=self._rootfs()).returncode == 0
        else:
            ok = self.docker("tag", BASE, name).returncode == 0
        if ok:
            self.tagged.add(name)
        return ok

    def _rootfs(self) -> bytes:
        if self._rootfs_tar is None:
            self._rootfs_tar = builder_harness.busybox_rootfs({})
        return self._rootfs_tar

    def checks(self, text: bytes, files: Optional[dict[str, bytes]] = None, build_args: Optional[dict] = None,
               experimental=True, strip_digests: bool = False) -> dict:
        """BuildKit's checks of one Dockerfile: ``{"warnings": [...]}``, plus ``"build_error"``
        when the checks ran but the build cannot go on (an empty base name, or a violation under
        ``# check=error=true``), or ``{"error": str}`` when BuildKit did not check the file (a
        base image it cannot resolve). ``files``: context files (name -> bytes).

        ``strip_digests``: drop every ``@sha256:...`` (a stand-in cannot have the real digest, and
        BuildKit stops at a digest it cannot resolve); lines stay put, columns move.

        ``experimental``: BuildKit's experimental checks too (True: all of them, CopyIgnoredFile and
        InvalidDefinitionDescription, which layerlint implements as ordinary rules; or a list of
        names). ``skip=`` does not apply to an experimental check BuildKit was told to run: not
        naming it is how to skip it. It is said
        through the ``BUILDKIT_DOCKERFILE_CHECK`` build arg, which replaces the file's
        ``# check=`` directive, so the directive's value is carried over into it."""
        if experimental:
            value = _check_directive(text)
            names = "all" if experimental is True else ",".join(experimental)
            build_args = dict(build_args or {})
            build_args.setdefault("BUILDKIT_DOCKERFILE_CHECK", (value + ";" if value else "") + f"experimental={names}")
        text = _SYNTAX.sub(rb"\1was-syntax\2", text, count=1)
        if strip_digests:
            text = _DIGEST.sub(b"", text)
        with tempfile.TemporaryDirectory(dir=self.work) as ctx:
            Path(ctx, "Dockerfile").write_bytes(text)
            _write_context(ctx, files)
            argv = ["buildx", "build", "--call=check,format=json", "--network=none", "--progress=quiet"]
            for k, v in (build_args or {}).items():
                argv += ["--build-arg", f"{k}={v}"]
            seen: set[str] = set()
            last = ""
            for _ in range(12):
                r = self.docker(*argv, ".", cwd=ctx)
                out, err = r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
                doc = _json_doc(out)
                if doc is not None and not doc.get("buildError"):
                    return {"warnings": doc.get("warnings") or []}
                ref = _missing_ref(err + out)
                if ref is None or ref in seen or "@" in ref:
                    if doc is not None:  # checked, but the build itself cannot go on (FROM "")
                        return {"warnings": doc.get("warnings") or [],
                                "build_error": json.dumps(doc.get("buildError"))[:300]}
                    last = " | ".join((err + out).strip().splitlines()[-3:]) or f"exit {r.returncode}"
                    break
                seen.add(ref)
                name = ref.removeprefix("docker.io/").removeprefix("library/")
                if ":" not in name.rsplit("/", 1)[-1]:
                    name += ":latest"
                if not self.tag(name):
                    last = f"cannot tag {name}"
                    break
            return {"error": last or "unresolved"}


STAND_IN_VALUE = "/stand-in"  # absolute, so WORKDIR $JAVA_HOME stays absolute as it is in the real image


def stand_in_env(name: str) -> list[str]:
    """The ENV names a stand-in for the image ``name`` gets (PATH excepted: BuildKit sets it)."""
    from layerlint.rules.buildkit.undefined_var import base_image_env
    known = base_image_env(name)
    return sorted(n for n in known[1] if n != "PATH") if known else []


def _check_directive(text: bytes) -> str:
    """The value of the file's ``# check=`` parser directive ('' without one), as BuildKit reads it."""
    from layerlint.syntax import parse_bytes
    d = parse_bytes(text, "Dockerfile").directives.get("check")
    return d.value.strip() if d is not None else ""


def stopped(result: dict) -> bool:
    """Whether BuildKit's checks of a file ended early: the build stopped with an error other than
    ``# check=error=true`` turning the warnings into one (those files were checked to the end)."""
    return "build_error" in result and "lint violation found" not in result["build_error"]


def _write_context(ctx: str, files: Optional[dict[str, bytes]]) -> None:
    for name, data in (files or {}).items():
        p = Path(ctx, name)
        if name.endswith("/"):  # an empty directory
            p.mkdir(parents=True, exist_ok=True)
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)


def _json_doc(out: str) -> Optional[dict]:
    start = out.find("{")
    if start < 0:
        return None
    try:
        doc, _ = json.JSONDecoder().raw_decode(out[start:])
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def _missing_ref(err: str) -> Optional[str]:
    for pat in _MISSING:
        m = pat.search(err)
        if m:
            return m.group(1)
    return None


def findings(result: dict) -> list[tuple[str, int]]:
    """(check name, line) of every warning of a ``checks()`` result, sorted; a warning without a
    location (none of BuildKit's checks today) has line 0."""
    out = []
    for w in result.get("warnings") or []:
        rng = (w.get("location") or {}).get("ranges") or [{}]
        out.append((w.get("ruleName", "?"), int((rng[0].get("start") or {}).get("line", 0))))
    return sorted(out)


# --------------------------------------------------------------------------------------
# layerlint's side, and the comparison
# --------------------------------------------------------------------------------------

def buildkit_rules() -> dict[str, list[str]]:
    """BuildKit check name -> the codes of the layerlint rules that implement it (every rule
    with a ``BUILDKIT`` name, whatever its family)."""
    from layerlint.rules import all_rules
    out: dict[str, list[str]] = {}
    for r in all_rules().values():
        for name in r.buildkit:
            out.setdefault(name, []).append(r.code)
    return out


def layerlint_checks(text: bytes, files: Optional[dict[str, bytes]] = None,
                     build_args: Optional[dict] = None) -> list:
    """layerlint's findings of every BuildKit-named rule (default options) on one Dockerfile,
    with ``files`` as its build context."""
    from layerlint.engine.lint_file import lint_bytes
    from layerlint.engine.settings import Settings
    codes = sorted({c for cs in buildkit_rules().values() for c in cs})
    settings = Settings(select=codes, build_args=dict(build_args or {}))
    with tempfile.TemporaryDirectory(prefix="ll-bk-ctx-") as ctx:
        _write_context(ctx, files)
        res = lint_bytes(text, "Dockerfile", settings, context_dir=ctx)
    return list(res.findings)


def line_owners(text: bytes) -> list[int]:
    """For every physical line, the first line of the instruction it belongs to (layerlint's parser)."""
    from layerlint.engine.lint_file import _line_owners
    from layerlint.syntax import parse_bytes
    return _line_owners(parse_bytes(text, "Dockerfile"))


def keyed(text: bytes, bk_result: dict, ll_findings: list) -> tuple[list, list]:
    """BuildKit's and layerlint's findings as sorted (check name, instruction line) lists.

    Both sides are keyed by the first line of the instruction a finding lies in: BuildKit's
    locations are instruction ranges (NoEmptyContinuation: the instruction's last line), while
    layerlint points at the offending word, which may be on a continuation line."""
    owners = line_owners(text)

    def owner(line: int) -> int:
        return owners[line] if 0 < line < len(owners) else line

    bk = sorted((name, owner(line)) for name, line in findings(bk_result))
    ll = sorted((name, owner(f.span.line)) for f in ll_findings for name in f.buildkit)
    return bk, ll


UNKNOWN_BASE = "UndefinedVar (base image ENV unknown)"
UNKNOWN_BASE_WORKDIR = "WorkdirRelativePath (variable, base image ENV unknown)"


def base_env_known(text: bytes) -> dict[int, bool]:
    """For the first line of every instruction in a stage: whether layerlint knows the whole ENV
    of the image the stage is built on (scratch, or a ``complete`` image of its table)."""
    from layerlint.graph import build_graph
    from layerlint.rules.buildkit.undefined_var import base_image_env
    from layerlint.syntax import parse_bytes
    g = build_graph(parse_bytes(text, "Dockerfile"))
    known: dict[int, bool] = {}
    for st in g.stages:
        root = st.root
        env = None if root.base_unresolved else base_image_env(root.base)
        ok = root.is_scratch or (env is not None and env[0])
        for instr in [st.from_instr] + [s.instr for s in st.steps]:
            known[instr.start_line] = ok
    return known


def split_unknown_base(text: bytes, keys: list) -> list:
    """``keys`` with UndefinedVar renamed UNKNOWN_BASE where the instruction's stage is built on
    an image whose ENV layerlint does not fully know (not scratch, not a ``complete`` image of
    layerlint/data/official_image_env.tsv): there the stand-in base image has no ENV where the
    real one may, and layerlint stays quiet on purpose (undefined_var.py's docs). The same for
    WorkdirRelativePath on a WORKDIR with a variable (UNKNOWN_BASE_WORKDIR)."""
    from layerlint.syntax import parse_bytes
    known = base_env_known(text)
    workdir_vars = {i.start_line for i in parse_bytes(text, "Dockerfile").instructions
                    if i.keyword == "WORKDIR" and "$" in i.args_text}

    def name_of(name: str, line: int) -> str:
        if known.get(line, False):
            return name
        if name == "UndefinedVar":
            return UNKNOWN_BASE
        if name == "WorkdirRelativePath" and line in workdir_vars:
            return UNKNOWN_BASE_WORKDIR
        return name

    return sorted((name_of(name, line), line) for name, line in keys)


# --------------------------------------------------------------------------------------
# the project's own fixtures: every Dockerfile the rule tests lint, recorded
# --------------------------------------------------------------------------------------

EXPERIMENTAL = ("CopyIgnoredFile", "InvalidDefinitionDescription")  # BuildKit v0.25's experimental checks
RECORD_ENV = "LAYERLINT_RECORD_LINTS"
_MAX_CONTEXT = 1 << 20


def _context_files(context_dir) -> dict[str, str]:
    """A build context as name -> base64 bytes ('' for an empty directory, named with a '/')."""
    import base64
    out: dict[str, str] = {}
    if not context_dir or not os.path.isdir(context_dir):
        return out
    total = 0
    for dirpath, dirnames, filenames in os.walk(context_dir):
        rel = os.path.relpath(dirpath, context_dir)
        if not dirnames and not filenames and rel != ".":
            out[rel.replace(os.sep, "/") + "/"] = ""
        for name in filenames:
            p = os.path.join(dirpath, name)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            size = os.path.getsize(p)
            total += size
            if total > _MAX_CONTEXT:
                return out
            with open(p, "rb") as fh:
                out[os.path.relpath(p, context_dir).replace(os.sep, "/")] = base64.b64encode(fh.read()).decode()
    return out


def pytest_configure(config):
    """As a pytest plugin (``-p tests.buildkit_harness``) with $LAYERLINT_RECORD_LINTS set:
    append every Dockerfile a test lints (its text, build context and build args, and the
    test's id) to that file as JSON lines, then lint it as usual."""
    out = os.environ.get(RECORD_ENV)
    if not out:
        return
    import base64

    from layerlint.engine import lint_file
    real = lint_file.lint_bytes

    def recording(data, path, settings, context_dir=None, *args, **kwargs):
        rec = {"test": os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0],
               "text": base64.b64encode(bytes(data)).decode(), "files": _context_files(context_dir),
               "build_args": dict(getattr(settings, "build_args", {}) or {})}
        with open(out, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec) + "\n")
        return real(data, path, settings, context_dir, *args, **kwargs)

    lint_file.lint_bytes = recording


def record_fixtures(test_paths: list[str], out: str, repo: Path) -> subprocess.CompletedProcess:
    """Run the given tests (pytest node ids) with the recorder on; the records land in ``out``."""
    env = dict(os.environ, **{RECORD_ENV: out})
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.buildkit_harness",
                           "--no-header", "-o", "addopts=", *test_paths],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=900)


def load_records(path: str) -> list[dict]:
    """The recorded fixtures, each Dockerfile once (text, context, build args), decoded:
    ``{"tests": [ids], "text": bytes, "files": {name: bytes}, "build_args": {}}``."""
    import base64
    seen: dict[tuple, dict] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            key = (rec["text"], json.dumps(rec["files"], sort_keys=True), json.dumps(rec["build_args"], sort_keys=True))
            if key not in seen:
                seen[key] = {"tests": [], "text": base64.b64decode(rec["text"]),
                             "files": {k: base64.b64decode(v) for k, v in rec["files"].items()},
                             "build_args": rec["build_args"]}
            if rec["test"] not in seen[key]["tests"]:
                seen[key]["tests"].append(rec["test"])
    return list(seen.values())
