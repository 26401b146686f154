"""The command line and the Action against an untrusted repository: reports go where the options
say, an unreadable file is that file's error, stderr cannot drive a terminal, a .dockerignore or
a path that leads outside is never read (issue #19)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from layerlint.cli.app import main as click_main
from layerlint.cli.lint_command import plan_reports

from .test_action import run_action

DOCKERFILE = "FROM alpine\n"  # LL101: a finding in every format
SECRET = "ghs_SECRET_TOKEN_0123456789"


def fast(*args, cwd, env=None):
    """The console script's fast path (no click), as a user runs it."""
    return subprocess.run([sys.executable, "-m", "layerlint", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env=env)


def slow(*args, cwd):
    """The click front end, in-process."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        r = CliRunner().invoke(click_main, ["check", *args], catch_exceptions=False)
    finally:
        os.chdir(old)
    return r.exit_code, r.stdout, r.stderr


def kind(text: str) -> str:
    """Which report ``text`` is."""
    if '"$schema"' in text and "sarif" in text:
        return "sarif"
    if text.lstrip().startswith("{"):
        return "json"
    if text.lstrip().startswith("<?xml"):
        return "junit"
    return "tty"


# ---------------------------------------------------------------- -o binds to the --format before it

@pytest.mark.parametrize("front", ["fast", "click"])
def test_each_output_gets_the_format_before_it(front, tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    args = ["--no-color", "--format", "json", "-o", "r.json", "--format", "sarif", "-o", "r.sarif",
            "--format", "tty", "Dockerfile"]
    if front == "fast":
        p = fast(*args, cwd=tmp_path)
        rc, out = p.returncode, p.stdout
    else:
        rc, out, _ = slow(*args, cwd=tmp_path)
    assert rc == 1
    assert kind(out) == "tty" and "LL101" in out
    assert kind((tmp_path / "r.json").read_text()) == "json"
    assert kind((tmp_path / "r.sarif").read_text()) == "sarif"


@pytest.mark.parametrize("formats,outputs,order,expected", [
    # interleaved: each -o writes the format right before it
    (["json", "sarif", "tty"], ["a", "b"], "FOFOF", ("tty", [("json", "a"), ("sarif", "b")])),
    # the older spelling: all formats, then one file each, or one fewer to print the first
    (["json", "sarif"], ["a", "b"], "FFOO", (None, [("json", "a"), ("sarif", "b")])),
    (["tty", "sarif", "junit"], ["s", "j"], "FFOFO", ("tty", [("sarif", "s"), ("junit", "j")])),
    (["tty", "sarif", "junit"], ["s", "j"], "FFFOO", ("tty", [("sarif", "s"), ("junit", "j")])),
    # one of each pairs in any order; no format: tty
    (["sarif"], ["s"], "OF", (None, [("sarif", "s")])),
    ([], ["r.txt"], "O", (None, [("tty", "r.txt")])),
    ([], [], "", ("tty", [])),
    (["json"], [], "F", ("json", [])),
])
def test_report_plan(formats, outputs, order, expected):
    assert plan_reports(formats, outputs, order) == expected


@pytest.mark.parametrize("formats,outputs,order,says", [
    (["json", "sarif"], [], "FF", "would all print to stdout"),
    (["json"], ["a", "b"], "FOO", "2 -o files after 1 --format"),
    (["json", "sarif"], ["a", "b"], "OFOF", "comes before any --format"),
    ([], ["a", "b"], "OO", "give a --format before each -o"),
    (["json", "sarif", "tty"], ["a"], "FOFF", "would all print to stdout"),
])
def test_report_plan_usage_errors(formats, outputs, order, says):
    with pytest.raises(ValueError, match=says):
        plan_reports(formats, outputs, order)


def test_two_formats_for_stdout_is_a_usage_error_not_a_mixed_report(tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    p = fast("--format", "json", "--format", "sarif", "Dockerfile", cwd=tmp_path)
    assert p.returncode == 2 and p.stdout == ""
    assert "would all print to stdout" in p.stderr and "Traceback" not in p.stderr


# ---------------------------------------------------------------- an unreadable file is its own error

def _as_nobody():
    if os.geteuid() != 0:
        return []  # already not root: chmod 000 is enough
    from shutil import which
    if which("setpriv") is None:
        pytest.skip("needs setpriv to drop root")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_an_unreadable_file_on_the_command_line_does_not_stop_the_others(tmp_path):
    tmp_path.chmod(0o755)
    for parent in tmp_path.parents:  # nobody must reach the files and the interpreter
        if not os.access(parent, os.X_OK) and os.geteuid() == 0:
            pytest.skip(f"{parent} is not searchable by other users")
    (tmp_path / "a.Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "b.Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "a.Dockerfile").chmod(0)
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
           "HOME": str(tmp_path)}
    p = subprocess.run([*_as_nobody(), sys.executable, "-m", "layerlint", "--no-color", "--format", "json",
                        "a.Dockerfile", "b.Dockerfile"], cwd=tmp_path, capture_output=True, text=True,
                       timeout=300, env=env)
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr and "Usage:" not in p.stderr
    doc = json.loads(p.stdout)
    errors = {f["path"]: f.get("errors") for f in doc["files"]}
    assert errors["a.Dockerfile"] and "ermission denied" in errors["a.Dockerfile"][0]["message"]
    assert not errors["b.Dockerfile"]
    assert [f["rule"] for f in doc["findings"] if f["path"] == "b.Dockerfile"].count("LL101") == 1


# ---------------------------------------------------------------- stderr cannot drive the terminal

def test_stderr_escapes_what_the_repository_wrote(tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / ".layerlint.toml").write_text('"\\u001b]0;PWNED\\u0007\\u001b[2J" = 1\n')
    p = fast("Dockerfile", cwd=tmp_path)
    assert p.returncode == 2
    assert "\x1b" not in p.stderr and "\x07" not in p.stderr
    assert "\\x1b]0;PWNED\\x07" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------- .dockerignore leading outside

@pytest.fixture
def leaky_context(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "key").write_text(f"{SECRET}\n")
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text("FROM alpine:3.19\nCOPY . /app\n")
    return ctx


@pytest.mark.parametrize("target", ["../outside/key", "/proc/self/environ", "ABS_KEY"])
@pytest.mark.parametrize("name", [".dockerignore", "Dockerfile.dockerignore"])
def test_a_dockerignore_symlink_out_of_the_context_is_not_read(leaky_context, tmp_path, target, name):
    ctx = leaky_context
    target = str(tmp_path / "outside" / "key") if target == "ABS_KEY" else target
    os.symlink(target, ctx / name)
    env = dict(os.environ, SECRET_TOKEN=SECRET)
    p = fast("explain", "Dockerfile", cwd=ctx, env=env)
    assert SECRET not in p.stdout + p.stderr
    assert p.returncode == 2 and "leads outside" in p.stderr and "Traceback" not in p.stderr
    for fmt in ("json", "tty", "github", "summary", "sarif"):
        p = fast("--select", "ALL", "--format", fmt, "Dockerfile", cwd=ctx, env=env)
        assert SECRET not in p.stdout + p.stderr, fmt
        assert "Traceback" not in p.stderr


def test_a_dockerignore_symlink_inside_the_context_still_works(leaky_context):
    ctx = leaky_context
    (ctx / "ignore.txt").write_text("node_modules\n")
    os.symlink("ignore.txt", ctx / ".dockerignore")
    p = fast("explain", "--format", "json", "Dockerfile", cwd=ctx)
    assert p.returncode == 0, p.stderr
    assert "ignore.txt" in p.stdout


def test_a_fifo_dockerignore_is_not_waited_on(leaky_context):
    os.mkfifo(leaky_context / ".dockerignore")
    p = fast("explain", "Dockerfile", cwd=leaky_context)
    assert p.returncode == 0, p.stderr


# ---------------------------------------------------------------- the Action stays in the workspace

def test_the_action_never_reads_a_path_or_config_leading_out_of_the_workspace(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    (tmp_path / ".git-credentials").write_text(f"https://x-access-token:{SECRET}@github.com\n")
    os.symlink("../.git-credentials", ws / "Dockerfile")            # named by the workflow
    os.symlink("../.git-credentials", ws / "layerlint.toml")
    (ws / "ok").mkdir()
    (ws / "ok" / "Dockerfile").write_text(DOCKERFILE)
    r = run_action(ws, tmp_path, path="Dockerfile\nok/Dockerfile", fail_on="none")
    assert SECRET not in r["stdout"] + r["stderr"] + r["summary"]
    assert "::warning title=layerlint::skipped Dockerfile: it leads outside the workspace" in r["stdout"]
    assert "file=ok/Dockerfile" in r["stdout"]  # the rest is linted
    r = run_action(ws, tmp_path, path="ok", config="layerlint.toml")
    assert SECRET not in r["stdout"] + r["stderr"] + r["summary"]
    assert r["rc"] == 2 and "skipped layerlint.toml" in r["stdout"]


# ---------------------------------------------------------------- context files a rule reads

def test_a_fifo_or_outside_link_in_the_context_is_never_read(tmp_path):
    (tmp_path / "outside.txt").write_text(f"{SECRET}==1.0\n")
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                                    "RUN pip install -r requirements.txt\nRUN pip install -r other.txt\n")
    os.mkfifo(ctx / "requirements.txt")   # opening it for reading would wait for a writer forever
    os.symlink("../outside.txt", ctx / "other.txt")
    p = fast("--select", "ALL", "--format", "json", "Dockerfile", cwd=ctx)
    assert p.returncode == 1, p.stderr
    assert SECRET not in p.stdout + p.stderr
    assert "LL201" in p.stdout  # still linted


# ---------------------------------------------------------------- a failing standard output

@pytest.mark.parametrize("args", [["Dockerfile"], ["--format", "json", "Dockerfile"], ["rules"],
                                  ["explain", "Dockerfile"], ["rule", "LL101"]])
@pytest.mark.parametrize("stdout", ["full", "closed"])
def test_a_failing_stdout_is_one_error_line_and_exit_2(tmp_path, args, stdout):
    if stdout == "full" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    with open("/dev/full" if stdout == "full" else os.devnull, "w") as out:
        p = subprocess.run([sys.executable, "-m", "layerlint", *args], cwd=tmp_path, stdout=out,
                           stderr=subprocess.PIPE, text=True, timeout=300,
                           **({"preexec_fn": lambda: os.close(1)} if stdout == "closed" else {}))
    assert p.returncode == 2, p.stderr
    assert p.stderr.startswith("layerlint: error: cannot write to standard output")
    assert len(p.stderr.splitlines()) == 1 and "Traceback" not in p.stderr


# ---------------------------------------------------------------- Ctrl-C

def _wait_blocked_on_pipe(pid: int) -> None:
    """Until ``pid`` sleeps in a pipe read (its stdin): the lint run is under way."""
    import time
    for _ in range(3000):
        try:
            with open(f"/proc/{pid}/wchan") as f:
                if "pipe" in f.read():
                    return
        except OSError:
            pytest.skip("needs /proc/PID/wchan")
        time.sleep(0.02)
    pytest.fail("the run never reached its read of stdin")


@pytest.mark.parametrize("args", [["-"], ["check", "-"]])
def test_ctrl_c_ends_with_130_and_one_line(tmp_path, args):
    import signal
    p = subprocess.Popen([sys.executable, "-m", "layerlint", *args], cwd=tmp_path, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        p.stdin.write("FROM alpine\n")  # and keep stdin open: the run waits for the rest
        p.stdin.flush()
        _wait_blocked_on_pipe(p.pid)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=120)
    finally:
        p.kill()
    assert p.returncode == 130, err
    assert err.strip() == "Aborted!" and out == ""


# ---------------------------------------------------------------- discovery says what it skipped

@pytest.mark.parametrize("fmt", ["github", "tty", "json", "sarif", "summary"])
def test_a_pull_request_symlink_to_a_runner_file_is_skipped_and_said(tmp_path, fmt):
    (tmp_path / ".git-credentials").write_text(f"https://x-access-token:{SECRET}@github.com\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink("../.git-credentials", repo / "Dockerfile")
    (repo / "app").mkdir()
    (repo / "app" / "Dockerfile").write_text(DOCKERFILE)
    p = fast("--format", fmt, "repo", cwd=tmp_path)
    assert SECRET not in p.stdout + p.stderr
    assert p.stderr.splitlines() == ["layerlint: skipped repo/Dockerfile: symlink to a file outside repo"]
    assert "LL101" in p.stdout and p.returncode == 1  # the rest is linted


def test_fix_on_a_directory_never_writes_through_a_link_out_of_it(tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "Dockerfile").write_text("FROM alpine:3.19\nENV K v\n")  # LL412 has a safe fix
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink("../victim/Dockerfile", repo / "Dockerfile")
    (repo / "Dockerfile.dev").write_text("FROM alpine:3.19\nENV K v\n")
    p = fast("--fix", "--select", "LL412", "repo", cwd=tmp_path)
    assert (victim / "Dockerfile").read_text() == "FROM alpine:3.19\nENV K v\n"
    assert os.path.islink(repo / "Dockerfile")
    assert (repo / "Dockerfile.dev").read_text() == "FROM alpine:3.19\nENV K=v\n"
    assert "skipped repo/Dockerfile" in p.stderr and p.returncode == 0, p.stderr
