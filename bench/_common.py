"""Shared helpers for the benchmark scripts (not part of the package, not run by the tests).

Every timing runs a real process.  Wall time is ``time.perf_counter`` around ``Popen`` /
``wait4``; CPU time is the child's user+sys from ``wait4``'s rusage (it includes the child's
own waited-for children, e.g. worker processes); peak memory is sampled from ``/proc`` for the
whole process tree (the sum of the RSS of the process and its descendants, every 20 ms).

layerlint runs from an *installed-like* environment by default: a throw-away venv whose only
``.pth`` file puts this checkout and the dependencies of ``.venv`` on ``sys.path`` (no editable
install hook, which costs ~10 ms of imports at every start), with byte-code compiled once into
a private ``PYTHONPYCACHEPREFIX`` (this machine sets ``PYTHONDONTWRITEBYTECODE=1``, which
would make every run compile layerlint from source, as no ``pip install`` would).
``--as-is`` runs ``.venv/bin/layerlint`` with the environment unchanged instead.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Optional

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(REPO), "shared")
CORPUS = os.path.join(SHARED, "corpus", "real")


def skip(message: str) -> None:
    print(f"skipped: {message}")
    sys.exit(0)


def find_hadolint() -> Optional[str]:
    venv_bin = os.path.dirname(sys.executable)
    for cand in (os.path.join(venv_bin, "hadolint"), os.path.join(REPO, ".venv", "bin", "hadolint"),
                 shutil.which("hadolint")):
        if cand and os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    return None


def hadolint_version(exe: str) -> str:
    try:
        return subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def corpus_files() -> list[str]:
    """Sorted names of the corpus files (relative to CORPUS)."""
    return sorted(n for n in os.listdir(CORPUS)
                  if n != "SOURCES.tsv" and os.path.isfile(os.path.join(CORPUS, n)))


# -- the layerlint environment -------------------------------------------------------------------
@dataclass
class Env:
    python: str
    layerlint: list[str]
    env: dict[str, str]
    description: str


_LAUNCHER = """#!{python}
import sys
from layerlint.cli.fast_path import main
if __name__ == "__main__":
    sys.exit(main())
"""


def layerlint_env(as_is: bool = False) -> Env:
    if as_is:
        venv_bin = os.path.join(REPO, ".venv", "bin")
        return Env(os.path.join(venv_bin, "python"), [os.path.join(venv_bin, "layerlint")], dict(os.environ),
                   ".venv/bin/layerlint as installed here (editable install, environment unchanged)")
    import venv
    root = os.path.join(tempfile.gettempdir(), f"layerlint-bench-{os.getuid()}")
    vdir = os.path.join(root, "venv")
    if not os.path.exists(os.path.join(vdir, "bin", "python")):
        venv.EnvBuilder(with_pip=False, clear=True, symlinks=True).create(vdir)
    purelib = subprocess.run([os.path.join(vdir, "bin", "python"), "-c",
                              "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    with open(os.path.join(purelib, "layerlint_bench.pth"), "w") as f:
        f.write(f"{REPO}\n{sysconfig.get_paths()['purelib']}\n")
    python = os.path.join(vdir, "bin", "python")
    launcher = os.path.join(vdir, "bin", "layerlint")
    with open(launcher, "w") as f:
        f.write(_LAUNCHER.format(python=python))
    os.chmod(launcher, 0o755)
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(root, "pycache")
    # compile once, as `pip install` does
    subprocess.run([python, "-c", "import compileall, layerlint; compileall.compile_dir("
                    "layerlint.__path__[0], quiet=1)"], env=env, check=True)
    return Env(python, [launcher], env,
               "installed-like: own venv, no editable hook, byte-code compiled once")


# -- measuring ---------------------------------------------------------------------------------
@dataclass
class Sample:
    wall: float
    cpu: float
    maxrss_kb: int  # largest single process (ru_maxrss; includes the parent's size at fork, see run())
    tree_rss_kb: int  # peak sum over the process tree (sampled every 20 ms)
    returncode: int
    stdout: bytes = b""


def _tree_rss_kb(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        pid, ppid = int(name), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * page_kb
    total, todo = 0, [root]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


def run(cmd: list[str], env: Optional[dict] = None, cwd: Optional[str] = None, capture: bool = False,
        sample_tree: bool = False, stdin=subprocess.DEVNULL, terminal: bool = False) -> Sample:
    """Run ``cmd`` and time it; ``terminal``: its stdout is a pseudo-terminal (colour on)."""
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    leader = None
    if terminal:
        import pty
        leader, out = pty.openpty()
    peak = [0]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, stdin=stdin, env=env, cwd=cwd)
    stop = threading.Event()

    def poll():
        while not stop.is_set():
            try:
                peak[0] = max(peak[0], _tree_rss_kb(p.pid))
            except OSError:
                pass
            stop.wait(0.02)

    thread = threading.Thread(target=poll, daemon=True) if sample_tree else None
    if thread:
        thread.start()
    data = b""
    if terminal:
        os.close(out)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO once the child has closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        data = b"".join(chunks) if capture else b""
    elif capture:
        data = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if thread:
        stop.set()
        thread.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is not used for the tree: Linux carries the high-water mark across exec, so a
    # child forked from a big benchmark process reports the benchmark's own size
    return Sample(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, peak[0] if thread else ru.ru_maxrss,
                  p.returncode, data)


@dataclass
class Series:
    samples: list[Sample] = field(default_factory=list)

    def med(self, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)

    def min(self, attr: str) -> float:
        return min(getattr(s, attr) for s in self.samples)


def machine() -> str:
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(l for l in f if l.startswith("MemTotal")).split()[1])
            mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} CPUs ({cpu}), {mem} RAM, Linux {os.uname().release}, "
            f"Python {sys.version.split()[0]}, load average {load}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"
