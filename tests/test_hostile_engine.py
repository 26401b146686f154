"""Hostile input to the engine (issues #18 and #20): what a Dockerfile path can be (a FIFO with or
without a writer, a device, a socket), who owns what ``--fix`` and ``-o`` write, a ``--fix`` that
cannot write, and ShellCheck processes bounded in memory and ended with layerlint.  Every attack is
set up for real: real FIFOs, sockets, device nodes, owners, signals and processes."""
from __future__ import annotations

import errno
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from layerlint.cli.app import main as click_main
from layerlint.engine import files
from layerlint.syntax import source
from layerlint.engine import shellcheck as sc
from layerlint.engine.lint_file import lint_bytes
from layerlint.engine.settings import Settings
from layerlint.syntax import MAX_BYTES

from .conftest import REPO

GOOD = "FROM alpine:3.19\nUSER nobody\n"
TAGLESS = "FROM alpine\nUSER nobody\n"  # LL101 on line 1
FIXABLE = "FROM alpine:3.19\nENV K v\nUSER nobody\n"  # LL412 has a safe fix (ENV K=v)
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux process semantics")
needs_shellcheck = pytest.mark.skipif(sc.find_binary() is None, reason="shellcheck is not installed")


def run(*args, cwd, env=None, timeout=120, prefix=()):
    """The console script as a user runs it; the timeout turns a hang into a failure, not a stall."""
    return subprocess.run([*prefix, sys.executable, "-m", "layerlint", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)


def errors(out: str) -> list[str]:
    return [line for line in out.splitlines() if ": error: " in line]


# ---------------------------------------------------------------- what a named path can be (#18)

@pytest.mark.parametrize("name", ["pipe", "link"])  # the FIFO, or a symlink to it
def test_a_fifo_with_no_writer_is_one_error_not_a_hang(tmp_path, name):
    os.mkfifo(tmp_path / "pipe")
    os.symlink("pipe", tmp_path / "link")
    (tmp_path / "Dockerfile").write_text(TAGLESS)
    p = run("--no-color", name, "Dockerfile", cwd=tmp_path)  # blocked for ever before
    assert p.returncode == 2, p.stderr
    assert errors(p.stdout) == [f"  {name}: error: is a FIFO with no writer"]
    assert "Dockerfile:1:6: warning LL101" in p.stdout and "Traceback" not in p.stderr  # the others are linted


def _wait_blocked_on_pipe(proc) -> bool:
    """Until process ``proc`` sleeps in a pipe read; False where /proc cannot tell."""
    for _ in range(3000):
        if proc.poll() is not None:
            break
        try:
            with open(f"/proc/{proc.pid}/wchan") as f:
                if "pipe" in f.read():
                    return True
        except OSError:
            return False
        time.sleep(0.01)
    pytest.fail("layerlint never waited for the writer")


def test_a_fifo_with_a_writer_is_read_to_its_end_at_the_writers_pace(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    writer = os.open(fifo, os.O_RDWR)  # a writer that is there before layerlint opens it (and never blocks)
    try:
        os.write(writer, b"FROM alpine:3.19\n")  # half now: layerlint must wait for the rest
        p = subprocess.Popen([sys.executable, "-m", "layerlint", "--no-color", "--format", "json", "pipe"],
                             cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            _wait_blocked_on_pipe(p)
            os.write(writer, b"ENV K v\nFROM alpine\n")  # LL412 on line 2, LL101 on line 3
        finally:
            os.close(writer)  # the end of the file
        out, err = p.communicate(timeout=120)
    finally:
        p.kill()
    assert p.returncode == 1, err
    doc = json.loads(out)
    assert {(f["rule"], f["line"]) for f in doc["findings"]} >= {("LL412", 2), ("LL101", 3)}
    assert not any(f.get("errors") for f in doc["files"])


@pytest.mark.skipif(not os.path.exists("/bin/bash"), reason="needs bash for <(...)")
def test_process_substitution_still_works(tmp_path):
    (tmp_path / "Dockerfile").write_text(TAGLESS)
    cmd = f"{sys.executable} -m layerlint --no-color --format json <(cat Dockerfile)"
    p = subprocess.run(["/bin/bash", "-c", cmd], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert p.returncode == 1, p.stderr
    doc = json.loads(p.stdout)
    assert [(f["rule"], f["line"]) for f in doc["findings"] if f["rule"] == "LL101"] == [("LL101", 1)]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_dev_zero_is_refused_as_too_large_after_at_most_the_limit(tmp_path, monkeypatch):
    p = run("--no-color", "/dev/zero", cwd=tmp_path)
    assert p.returncode == 2 and p.stderr == ""
    assert errors(p.stdout) == ["  /dev/zero: error: file is over 20 MB; layerlint refuses files over 20 MB"]
    # and it read no more than the limit and one byte to know
    got = []
    real_open = open

    class Counting:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def fileno(self):
            return self.f.fileno()

        def read(self, n):
            data = self.f.read(n)
            got.append(len(data or b""))
            return data

    monkeypatch.setattr(source, "open", lambda *a, **k: Counting(real_open(*a, **k)), raising=False)
    with pytest.raises(OSError, match="refuses files over 20 MB"):
        source.read_source("/dev/zero")
    assert sum(got) == MAX_BYTES + 1


def _socket(path):
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(path))
    return s


@pytest.mark.parametrize("kind,make,says", [
    ("socket", _socket, "is a socket, not a Dockerfile"),
    ("block device", lambda p: os.mknod(p, stat.S_IFBLK | 0o600, os.makedev(7, 0)), "is a block device, not a Dockerfile"),
])
def test_a_socket_or_block_device_is_one_error_saying_what_it_is(tmp_path, kind, make, says):
    try:
        keep = make(tmp_path / "Dockerfile.x")
    except PermissionError:
        pytest.skip(f"cannot make a {kind} here")
    try:
        (tmp_path / "Dockerfile").write_text(TAGLESS)
        p = run("--no-color", "Dockerfile.x", "Dockerfile", cwd=tmp_path)
    finally:
        if keep is not None:
            keep.close()
    assert p.returncode == 2, p.stderr
    assert errors(p.stdout) == [f"  Dockerfile.x: error: {says}"]
    assert "Dockerfile:1:6: warning LL101" in p.stdout


def test_read_source_refuses_a_directory_and_reads_files_up_to_the_limit(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a directory, not a Dockerfile"):
        source.read_source(str(tmp_path))
    (tmp_path / "Dockerfile").write_bytes(b"\xef\xbb\xbfFROM alpine\r\n")  # as it is, byte for byte
    assert source.read_source(str(tmp_path / "Dockerfile")) == b"\xef\xbb\xbfFROM alpine\r\n"
    big = tmp_path / "big"
    with open(big, "wb") as f:
        f.truncate(MAX_BYTES)  # exactly the limit: read (sparse, so cheap)
    assert len(source.read_source(str(big))) == MAX_BYTES


# ---------------------------------------------------------------- who owns what is written (#20)

needs_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")


@needs_root
def test_fix_and_o_as_root_keep_the_owner_group_and_mode(tmp_path):
    df, report = tmp_path / "Dockerfile", tmp_path / "report.json"
    df.write_text(FIXABLE)
    report.write_text("old")
    for f in (df, report):
        os.chown(f, 65534, 65534)
        f.chmod(0o640)
    p = run("--fix", "--format", "json", "-o", "report.json", "Dockerfile", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert df.read_text() == FIXABLE.replace("ENV K v", "ENV K=v")
    assert json.loads(report.read_text())["findings"] == []
    for f in (df, report):
        st = f.stat()
        assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (65534, 65534, 0o640), f
    assert sorted(os.listdir(tmp_path)) == ["Dockerfile", "report.json"]  # no temp file left


def test_a_user_who_cannot_chown_still_writes(tmp_path, monkeypatch):
    target = tmp_path / "report.txt"
    target.write_text("old")
    st = target.stat()
    calls = []

    def chown(path, uid, gid):
        calls.append((uid, gid))
        raise PermissionError(errno.EPERM, "Operation not permitted")

    # a file of another group (one this user is not in): the new file keeps the user's own
    monkeypatch.setattr(files.os, "geteuid", lambda: st.st_uid + 1000)
    monkeypatch.setattr(files.os, "chown", chown)
    real_lstat = os.lstat
    monkeypatch.setattr(files.os, "lstat", lambda p, *a, **k: _other_group(real_lstat(p, *a, **k), p, target))
    files.write_atomic(str(target), "new")
    assert target.read_text() == "new" and calls == [(-1, st.st_gid + 1)]


def _other_group(st, path, target):
    """``st`` as if ``target`` (only) belonged to another group."""
    if os.fspath(path) != str(target):
        return st
    fields = list(st)
    fields[stat.ST_GID] = st.st_gid + 1
    return os.stat_result(fields)


@needs_root
def test_root_that_cannot_keep_the_owner_writes_nothing(tmp_path, monkeypatch):
    target = tmp_path / "Dockerfile"
    target.write_text("old")
    os.chown(target, 65534, 65534)

    def chown(path, uid, gid):
        raise PermissionError(errno.EPERM, "Operation not permitted")  # a root-squashed share

    monkeypatch.setattr(files.os, "chown", chown)
    with pytest.raises(OSError, match="cannot keep its owner 65534:65534"):
        files.write_atomic(str(target), "new")
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["Dockerfile"]


# ---------------------------------------------------------------- a --fix that cannot write (#20)

def _as_nobody():
    if os.geteuid() != 0:
        return []
    from shutil import which
    if which("setpriv") is None:
        pytest.skip("needs setpriv to drop root")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_fix_in_a_read_only_directory_is_exit_2_and_one_line(tmp_path):
    tmp_path.chmod(0o755)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "Dockerfile").write_text(FIXABLE)
    (repo / "Dockerfile").chmod(0o666)  # writable, but the directory is not: the rename cannot happen
    (repo / "other.Dockerfile").write_text(TAGLESS)
    repo.chmod(0o555)
    try:
        env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO), "HOME": str(tmp_path)}
        p = run("--no-color", "--fix", "Dockerfile", "other.Dockerfile", cwd=repo, env=env, prefix=_as_nobody())
    finally:
        repo.chmod(0o755)
    assert p.returncode == 2, (p.stdout, p.stderr)  # was 1: "findings", as if the run went fine
    assert errors(p.stdout) == ["  Dockerfile: error: fixes not written: Permission denied"]
    assert "not written" not in p.stderr and "Traceback" not in p.stderr
    assert "other.Dockerfile:1:6: warning LL101" in p.stdout  # the other file is still linted
    assert (repo / "Dockerfile").read_text() == FIXABLE
    assert sorted(os.listdir(repo)) == ["Dockerfile", "other.Dockerfile"]


def test_fix_on_a_full_disk_is_exit_2_and_leaves_the_file(tmp_path, monkeypatch):
    (tmp_path / "Dockerfile").write_text(FIXABLE)

    def fsync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")  # where a full disk shows on a write

    monkeypatch.setattr(files.os, "fsync", fsync)
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(click_main, ["check", "--no-color", "--fix", "Dockerfile"], catch_exceptions=False)
    assert r.exit_code == 2, r.output
    assert errors(r.stdout) == ["  Dockerfile: error: fixes not written: No space left on device"]
    assert (tmp_path / "Dockerfile").read_text() == FIXABLE and os.listdir(tmp_path) == ["Dockerfile"]


# ---------------------------------------------------------------- ShellCheck ends with layerlint (#20)

SLEEPER = '#!/bin/sh\necho $$ >> "$FAKE_PID"\nexec sleep 600\n'  # records its pid, then hangs


def _fake_bin(tmp_path, body):
    d = tmp_path / "bin"
    d.mkdir()
    exe = d / "shellcheck"
    exe.write_text(body)
    exe.chmod(0o755)
    return d


def _start_hanging_run(tmp_path):
    """``layerlint --shellcheck`` with a fake ShellCheck that hangs, once the fake is running:
    (process, fake's pid, the run's TMPDIR)."""
    bin_dir = _fake_bin(tmp_path, SLEEPER)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.19\nRUN echo $x\n")
    pid_file = tmp_path / "fake.pid"
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", TMPDIR=str(tmp),
               FAKE_PID=str(pid_file))
    p = subprocess.Popen([sys.executable, "-m", "layerlint", "--shellcheck", "Dockerfile"], cwd=tmp_path, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(3000):
        if pid_file.exists() and pid_file.read_text().strip():
            return p, int(pid_file.read_text().split()[0]), tmp
        if p.poll() is not None:
            break
        time.sleep(0.01)
    p.kill()
    pytest.fail(f"the fake ShellCheck never ran: {p.communicate()}")


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie has ended: only its parent's wait is missing)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@linux_only
def test_sigterm_ends_shellcheck_and_removes_its_files(tmp_path):
    p, fake, tmp = _start_hanging_run(tmp_path)
    try:
        assert os.listdir(tmp) and _running(fake)  # the run is under way
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=60)
    finally:
        p.kill()
    assert p.returncode == -signal.SIGTERM  # ended by the signal, as without the cleanup
    assert not _running(fake) and not os.path.exists(f"/proc/{fake}")  # killed and reaped
    assert os.listdir(tmp) == []


@linux_only
def test_sigkill_still_ends_shellcheck(tmp_path):
    p, fake, _ = _start_hanging_run(tmp_path)
    try:
        p.kill()  # no handler runs: the kernel ends the child (PR_SET_PDEATHSIG)
        p.communicate(timeout=60)
        for _ in range(3000):
            if not _running(fake):
                break
            time.sleep(0.01)
    finally:
        if _running(fake):
            os.kill(fake, signal.SIGKILL)
    assert not _running(fake)


# ---------------------------------------------------------------- ShellCheck's memory is bounded (#20)

@pytest.fixture
def fresh_sc():
    sc.reset()
    yield
    sc.reset()


@pytest.mark.skipif(os.name != "posix", reason="POSIX resource limits")
def test_shellcheck_runs_under_the_memory_limit(tmp_path, monkeypatch, fresh_sc):
    # a stand-in that reports the address-space limit it was given, as its one finding's message
    fake = tmp_path / "shellcheck"
    fake.write_text(f"#!{sys.executable}\n" + """import json, resource, sys
names = [a for a in sys.argv if a.endswith(".sh")]
limit = resource.getrlimit(resource.RLIMIT_AS)
print(json.dumps({"comments": [{"file": n, "line": 2, "endLine": 2, "column": 1, "endColumn": 2, "level": "info",
                                "code": 1000, "message": repr(limit)} for n in names]}))
""")
    fake.chmod(0o755)
    monkeypatch.setattr(sc, "find_binary", lambda: str(fake))
    res = lint_bytes(b"FROM alpine:3.19\nRUN true\n", "Dockerfile", Settings(shellcheck=True, select=["SC"]))
    assert [f.message for f in res.findings] == [repr((sc.MAX_MEMORY, sc.MAX_MEMORY))]


@needs_shellcheck
def test_a_script_that_exhausts_shellchecks_memory_is_one_line_and_the_rest_is_checked(monkeypatch, capsys,
                                                                                     fresh_sc):
    # 300 `&&` make ShellCheck map over 150 MB (a one-line script: under 60 MB): with this bound it
    # runs out on that RUN only, cleanly (MAX_MEMORY does the same to a 21 KB chain, which takes 3 GB)
    monkeypatch.setattr(sc, "MAX_MEMORY", 100 * 1024 * 1024)
    chain = " && ".join(f"echo $v{i}" for i in range(300))
    text = f"FROM alpine:3.19\nRUN echo $HOME\nRUN {chain}\nRUN echo `id`\n".encode()
    res = lint_bytes(text, "Dockerfile", Settings(shellcheck=True, select=["SC"]))
    assert not res.errors
    assert {(f.rule, f.span.line) for f in res.findings} >= {("SC2086", 2), ("SC2006", 4)}  # the others' findings
    assert not [f for f in res.findings if f.span.line == 3]
    assert capsys.readouterr().err == ("layerlint: warning: --shellcheck: ShellCheck ran out of memory on Dockerfile "
                                       "(the RUN at line 3); its SC findings are missing\n")


# ---------------------------------------------------------------- a repository's `shellcheck = true` (#20)

def test_no_shellcheck_on_the_command_line_wins_over_the_repository_config(tmp_path):
    # a pull request can switch ShellCheck on in its config (kept: users rely on it, and it is bounded);
    # CI that lints untrusted code can switch it off for good
    log = tmp_path / "sc.log"
    bin_dir = _fake_bin(tmp_path, f'#!/bin/sh\necho ran >> "{log}"\necho \'{{"comments":[]}}\'\n')
    (tmp_path / ".layerlint.toml").write_text("shellcheck = true\n")
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.19\nUSER nobody\nRUN echo $x\n")
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert run("Dockerfile", cwd=tmp_path, env=env).returncode == 0
    assert log.read_text() == "ran\n"  # the config turned it on
    log.unlink()
    assert run("--no-shellcheck", "Dockerfile", cwd=tmp_path, env=env).returncode == 0
    assert not log.exists()


@linux_only
def test_sigterm_mid_batch_ends_every_workers_shellcheck_and_removes_its_files(tmp_path):
    # workers run their own ShellCheck batches: the parent must give them time to clean up
    # before it ends (its death SIGKILLs them, cutting their clean-up short)
    bin_dir = _fake_bin(tmp_path, SLEEPER)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    work = tmp_path / "w"
    work.mkdir()
    for i in range(70):
        (work / f"f{i}.Dockerfile").write_text("FROM alpine:3.19\nRUN echo $x\n")
    pid_file = tmp_path / "fake.pid"
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", TMPDIR=str(tmp),
               FAKE_PID=str(pid_file))
    p = subprocess.Popen([sys.executable, "-m", "layerlint", "--shellcheck", "-j", "2", "."], cwd=work, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    fakes: list[int] = []
    try:
        for _ in range(6000):  # until both workers' ShellCheck runs
            fakes = [int(x) for x in pid_file.read_text().split()] if pid_file.exists() else []
            if len(fakes) >= 2 or p.poll() is not None:
                break
            time.sleep(0.01)
        assert len(fakes) >= 2, p.communicate()
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=120)
    finally:
        p.kill()
    assert p.returncode == -signal.SIGTERM
    for _ in range(3000):  # the workers' own clean-up may finish just after the parent
        if not any(_running(f) for f in fakes) and os.listdir(tmp) == []:
            break
        time.sleep(0.01)
    assert not any(_running(f) for f in fakes)
    assert os.listdir(tmp) == []


@pytest.mark.parametrize("make", ["fifo", "zero", "dir"])
def test_explain_reads_as_the_lint_does(tmp_path, make):
    if make == "fifo":
        os.mkfifo(tmp_path / "pipe")
        target = str(tmp_path / "pipe")
    else:
        target = "/dev/zero" if make == "zero" else str(tmp_path)
    p = subprocess.run([sys.executable, "-m", "layerlint", "explain", target], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 2
    assert p.stderr.startswith("layerlint: error: cannot read Dockerfile") and len(p.stderr.splitlines()) == 1
