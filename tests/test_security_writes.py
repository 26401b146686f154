"""Security issue #19: where layerlint writes, and bounded --fix and --shellcheck.

- ``-o FILE`` (engine/files.py ``write_atomic``) never replaces what is not a regular file: a
  character device or FIFO is written through, a symlink is followed (the link stays), a dangling
  symlink, a directory, a socket or a block device is refused with a one-line OSError.
- ``--fix`` on a directory does not write through a symlink to a file outside it
  (engine/fixer.py ``run_fixes(roots=...)``); a hard-linked file is replaced, never written through.
- ``--fix`` costs a few parses per pass however many fixes (counted, not timed).
- ``--shellcheck`` kills a ShellCheck that runs too long and does not send huge scripts.

Every attack is set up for real (FIFOs, device nodes, sockets, symlinks, hard links, a hanging
``shellcheck``), and each test checks both that the run ends cleanly and that nothing was written
where it must not be.
"""
import os
import socket
import stat
import subprocess
import sys
import threading

import pytest

from layerlint.engine import batch as runner
from layerlint.engine import fixer
from layerlint.engine import shellcheck as sc
from layerlint.engine.files import write_atomic
from layerlint.engine.settings import Settings
from layerlint.engine.lint_file import lint_bytes, lint_path
from layerlint.rules.base import Edit, Fix, Violation

from . import throwaway_rules as tr

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False
needs_root = pytest.mark.skipif(not ROOT, reason="creating device nodes needs root")
posix = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs and sockets")

REPORT = '{"findings": []}\n'


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "layerlint", *args], cwd=cwd, capture_output=True, text=True,
                          check=False, timeout=120)


def _leftovers(directory):
    """Temp files write_atomic would have left in ``directory``."""
    return [n for n in os.listdir(directory) if n.endswith(".tmp")]


# -- -o FILE: what is at the path decides how it is written -----------------------------------------

@posix
def test_fifo_with_a_reader_is_written_through(tmp_path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    # the reader end is open before the write (so it is a reader), and a second writer keeps the
    # reader from seeing end-of-file before write_atomic has connected
    rfd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    keep = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    os.set_blocking(rfd, True)
    got = []

    def read():
        while True:
            chunk = os.read(rfd, 65536)
            if not chunk:
                return
            got.append(chunk)
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    payload = "x" * 300_000  # more than a pipe buffer: the writer must wait for the reader
    try:
        write_atomic(str(fifo), payload)
    finally:
        os.close(keep)
        reader.join(30)
        os.close(rfd)
    assert not reader.is_alive()
    assert b"".join(got) == payload.encode()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still the FIFO, not a file renamed over it
    assert _leftovers(tmp_path) == []


@posix
def test_fifo_without_a_reader_fails_at_once(tmp_path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    errors = []

    def write():
        try:
            write_atomic(str(fifo), REPORT)
        except OSError as exc:
            errors.append(exc)
    t = threading.Thread(target=write, daemon=True)
    t.start()
    t.join(30)  # a hang detector, not a timing assertion: a blocking open would never return
    assert not t.is_alive(), "write_atomic blocked on a FIFO nobody reads"
    assert [e.strerror for e in errors] == ["no reader on FIFO"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and _leftovers(tmp_path) == []


@posix
def test_cli_output_to_a_fifo_without_reader_is_a_clean_error(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.19\n")
    os.mkfifo(tmp_path / "out")
    r = _cli("--format", "json", "-o", "out", "Dockerfile", cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert "cannot write out: no reader on FIFO" in r.stderr and "Traceback" not in r.stderr
    assert stat.S_ISFIFO(os.lstat(tmp_path / "out").st_mode)


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_dev_null_is_written_through_and_stays_a_device():
    before = os.lstat("/dev/null")
    write_atomic("/dev/null", REPORT)
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino
    assert not [n for n in os.listdir("/dev") if n.startswith(".null.")]  # no temp file beside it


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_cli_output_to_dev_null(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.19\n")
    before = os.lstat("/dev/null")
    r = _cli("--format", "json", "-o", "/dev/null", "Dockerfile", cwd=tmp_path)
    assert r.returncode in (0, 1), r.stderr
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


@needs_root
def test_a_device_node_is_written_through(tmp_path):
    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # another /dev/null
    write_atomic(str(node), REPORT)
    assert stat.S_ISCHR(os.lstat(node).st_mode) and os.lstat(node).st_rdev == os.makedev(1, 3)
    assert _leftovers(tmp_path) == []


@needs_root
def test_a_block_device_is_refused(tmp_path):
    node = tmp_path / "disk"
    os.mknod(node, stat.S_IFBLK | 0o600, os.makedev(7, 0))  # a loop device node; never opened
    with pytest.raises(OSError, match="is a block device"):
        write_atomic(str(node), REPORT)
    assert stat.S_ISBLK(os.lstat(node).st_mode) and _leftovers(tmp_path) == []


@posix
def test_a_socket_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative name: AF_UNIX paths are short
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind("sock")
        with pytest.raises(OSError, match="is a socket"):
            write_atomic("sock", REPORT)
        assert stat.S_ISSOCK(os.lstat("sock").st_mode)
    finally:
        s.close()
    assert _leftovers(tmp_path) == []


def test_a_directory_is_refused(tmp_path):
    d = tmp_path / "reports"
    d.mkdir()
    with pytest.raises(IsADirectoryError) as info:
        write_atomic(str(d), REPORT)
    assert info.value.strerror == "is a directory"
    assert d.is_dir() and list(d.iterdir()) == [] and _leftovers(tmp_path) == []


def test_cli_output_to_a_directory_is_a_clean_error(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.19\n")
    (tmp_path / "out").mkdir()
    r = _cli("--format", "json", "-o", "out", "Dockerfile", cwd=tmp_path)
    # (click's own check of -o may answer first: either way one clean usage error)
    assert r.returncode == 2 and "is a directory" in r.stderr and "Traceback" not in r.stderr
    assert (tmp_path / "out").is_dir() and list((tmp_path / "out").iterdir()) == []


def test_a_symlink_is_followed_and_stays_a_link(tmp_path):
    target = tmp_path / "reports" / "lint.json"
    target.parent.mkdir()
    target.write_text("old\n")
    target.chmod(0o640)
    link = tmp_path / "lint.json"
    link.symlink_to(os.path.join("reports", "lint.json"))
    write_atomic(str(link), REPORT)
    assert link.is_symlink() and os.readlink(link) == os.path.join("reports", "lint.json")
    assert target.read_text() == REPORT
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the target keeps its permissions
    assert _leftovers(tmp_path) == [] and _leftovers(target.parent) == []


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_a_symlink_to_a_device_writes_through_it(tmp_path):
    link = tmp_path / "out"
    link.symlink_to("/dev/null")
    write_atomic(str(link), REPORT)
    assert link.is_symlink() and stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_a_dangling_symlink_is_refused(tmp_path):
    # refused rather than followed: it would create a file at a place the command line never named
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "elsewhere" / "new.json")
    (tmp_path / "elsewhere").mkdir()
    with pytest.raises(OSError, match="dangling symlink") as info:
        write_atomic(str(link), REPORT)
    assert "\n" not in info.value.strerror
    assert link.is_symlink() and not (tmp_path / "elsewhere" / "new.json").exists()
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_a_dangling_symlink_name_is_printable(tmp_path):
    link = tmp_path / "out.json"
    link.symlink_to("evil\x1b]0;pwned\x07name")
    with pytest.raises(OSError) as info:
        write_atomic(str(link), REPORT)
    assert "\x1b" not in info.value.strerror and "\x07" not in info.value.strerror
    assert "\\x1b" in info.value.strerror


def test_a_regular_file_and_a_new_file_are_still_replaced_atomically(tmp_path):
    p = tmp_path / "r.json"
    write_atomic(str(p), REPORT)
    assert p.read_text() == REPORT
    p.chmod(0o600)
    write_atomic(str(p), "second\n")
    assert p.read_text() == "second\n" and stat.S_IMODE(p.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []


# -- --fix and symlinks / hard links out of the directory given ----------------------------------

FIXABLE = b"FROM alpine:3.19\nrun true\n"  # LL403: the lower-case RUN (a safe fix)
FIXED = b"FROM alpine:3.19\nRUN true\n"


def _fix(files, roots, write=True):
    """run_fixes over the lint of ``files`` (what discovery found; built here, so this does not
    depend on discovery skipping links out of a tree: the fixer checks on its own) with the
    command line's ``roots``; (stderr lines, diff text)."""
    settings = Settings(select=["LL403"])
    results = [lint_path(str(f), settings) for f in files]
    msgs = []
    _, diff = fixer.run_fixes(results, settings, write=write, echo=msgs.append,
                              roots=None if roots is None else [str(r) for r in roots])
    return msgs, diff


def _repo_with_link_out(tmp_path):
    victim = tmp_path / "victim" / "Dockerfile"
    victim.parent.mkdir()
    victim.write_bytes(FIXABLE)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "Dockerfile").symlink_to(os.path.join("..", "victim", "Dockerfile"))
    return repo, victim


def test_fix_of_a_directory_does_not_write_through_a_link_out_of_it(tmp_path):
    repo, victim = _repo_with_link_out(tmp_path)
    (repo / "own.Dockerfile").write_bytes(FIXABLE)  # the directory's own file is still fixed
    msgs, _ = _fix([repo / "Dockerfile", repo / "own.Dockerfile"], [repo])
    assert victim.read_bytes() == FIXABLE
    assert (repo / "Dockerfile").is_symlink() and (repo / "own.Dockerfile").read_bytes() == FIXED
    assert f"layerlint: not fixing {repo / 'Dockerfile'}: it is a symlink to a file outside {repo}" in msgs
    assert "Fixed 1 problem in 1 file." in msgs


def test_diff_of_a_directory_skips_the_link_out_too(tmp_path):
    repo, victim = _repo_with_link_out(tmp_path)
    msgs, diff = _fix([repo / "Dockerfile"], [repo], write=False)
    assert diff == "" and victim.read_bytes() == FIXABLE
    assert any(m.startswith("layerlint: not fixing ") for m in msgs)


def test_fix_without_roots_keeps_the_old_behaviour(tmp_path):
    # roots=None (a caller that does not pass them yet): no restriction, the link is followed
    repo, victim = _repo_with_link_out(tmp_path)
    msgs, _ = _fix([repo / "Dockerfile"], None)
    assert victim.read_bytes() == FIXED and (repo / "Dockerfile").is_symlink()
    assert not any("not fixing" in m for m in msgs)


def test_fix_of_a_link_named_on_the_command_line_follows_it(tmp_path):
    repo, victim = _repo_with_link_out(tmp_path)
    msgs, _ = _fix([repo / "Dockerfile"], [repo / "Dockerfile"])
    assert victim.read_bytes() == FIXED and (repo / "Dockerfile").is_symlink()
    assert not any("not fixing" in m for m in msgs)


def test_fix_follows_links_that_stay_inside_the_directory(tmp_path):
    repo = tmp_path / "repo"
    (repo / "docker").mkdir(parents=True)
    (repo / "docker" / "app.Dockerfile").write_bytes(FIXABLE)
    (repo / "Dockerfile").symlink_to(os.path.join("docker", "app.Dockerfile"))
    link_to_repo = tmp_path / "checkout"  # the directory given is itself a link: its real path counts
    link_to_repo.symlink_to("repo")
    msgs, _ = _fix([link_to_repo / "Dockerfile"], [link_to_repo])
    assert (repo / "docker" / "app.Dockerfile").read_bytes() == FIXED and (repo / "Dockerfile").is_symlink()
    assert not any("not fixing" in m for m in msgs)


def test_not_fixing_message_escapes_the_name(tmp_path):
    victim = tmp_path / "victim" / "Dockerfile"
    victim.parent.mkdir()
    victim.write_bytes(FIXABLE)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "Dockerfile.\x1b[31mred").symlink_to(victim)
    msgs, _ = _fix([repo / "Dockerfile.\x1b[31mred"], [repo])
    assert victim.read_bytes() == FIXABLE
    (line,) = [m for m in msgs if "not fixing" in m]
    assert "\x1b" not in line and "\\x1b[31mred" in line


def test_fix_of_a_hard_linked_file_replaces_this_name_only(tmp_path):
    # writing through the link would change a file elsewhere (it may be anyone's): the fixed
    # text goes to a new file under this name, and the run says so
    other = tmp_path / "other" / "Dockerfile"
    other.parent.mkdir()
    other.write_bytes(FIXABLE)
    repo = tmp_path / "repo"
    repo.mkdir()
    os.link(other, repo / "Dockerfile")
    msgs, _ = _fix([repo / "Dockerfile"], [repo])
    assert (repo / "Dockerfile").read_bytes() == FIXED and other.read_bytes() == FIXABLE
    assert os.stat(other).st_nlink == 1
    assert f"layerlint: {repo / 'Dockerfile'}: was one of 2 hard links to a file; only this name has the fixed " \
           "text, the other links keep the old text" in msgs


@posix
def test_write_fixed_refuses_what_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "Dockerfile"
    os.mkfifo(fifo)
    outcome = fixer.FixOutcome(str(fifo), FIXABLE, FIXED, None)
    with pytest.raises(OSError, match="not a regular file"):  # and does not block opening it
        fixer.write_fixed(str(fifo), outcome)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


# -- --fix is linear: a few parses per pass, however many fixes -----------------------------------

def _count(monkeypatch):
    calls = {"verify": 0, "lint": 0}
    real_verify = fixer.verify
    from layerlint.engine import lint_file
    real_lint = lint_file.lint_bytes

    def verify(*a, **k):
        calls["verify"] += 1
        return real_verify(*a, **k)

    def lint(*a, **k):
        calls["lint"] += 1
        return real_lint(*a, **k)
    monkeypatch.setattr(fixer, "verify", verify)
    monkeypatch.setattr(lint_file, "lint_bytes", lint)
    return calls


def _legacy_env(n):
    return ("FROM alpine:3.19\n" + "".join(f"ENV K{i} v{i}\n" for i in range(n))).encode()


@pytest.mark.parametrize("n", [10, 400])
def test_fix_work_does_not_grow_with_the_number_of_fixes(n, monkeypatch):
    calls = _count(monkeypatch)
    out = fixer.fix_bytes(_legacy_env(n), "Dockerfile", Settings(select=["LL412"]), safe_only=True)
    assert out.fixed == ("FROM alpine:3.19\n" + "".join(f"ENV K{i}=v{i}\n" for i in range(n))).encode()
    assert len(out.applied) == n and not out.refused and out.passes == 1
    # one check of all the pass's fixes together, the first lint and one re-lint: the same for 10
    # fixes as for 400 (before: one verification, i.e. one parse of the whole file, per fix)
    assert calls == {"verify": 1, "lint": 2}


def test_one_bad_fix_among_many_costs_a_logarithmic_number_of_checks(monkeypatch):
    n = 256
    data = ("FROM alpine:3.19\nrun true\nUSER nobody\n" + "".join(f"env K{i}=v\n" for i in range(n))).encode()
    calls = _count(monkeypatch)
    out = fixer.fix_bytes(data, "Dockerfile", Settings(), rules=[tr.UPPER, tr.BREAKER])
    assert out.fixed == data.replace(b"run true", b"RUN true").replace(b"env K", b"ENV K")
    (refused,) = out.refused
    assert refused.rule == "LL994" and "line 3" in refused.reason  # the USER the RUN would swallow
    assert calls["verify"] <= 2 * (n + 2).bit_length() + 2  # bisection, not one check per fix
    assert calls["lint"] == 2


def _refused_over_upper(ctx):
    """A wrong fix over the whole first RUN line (a continuation that swallows the next line)."""
    for instr in ctx.instructions("RUN"):
        line = instr.start_line
        end = len(ctx.df.lines[line - 1]) + 1
        from layerlint.syntax.model import Span
        yield Violation(instr.keyword_span, "swallow", Fix("swallow", [Edit(Span(line, 1, line, end),
                                                                             ctx.df.lines[line - 1] + " \\")]))
        return


SWALLOW = tr.make("LL980", "swallow", _refused_over_upper, fixable=True)


def test_a_fix_that_waited_behind_a_refused_one_is_still_applied():
    # LL980 (refused) and LL992 (good) edit the same line: LL992 waits while LL980 is checked,
    # and is applied once LL980 is refused, though nothing else was applied in that pass
    out = fixer.fix_bytes(b"FROM alpine:3.19\nrun true\nUSER nobody\n", "Dockerfile", Settings(),
                          rules=[SWALLOW, tr.UPPER])
    assert out.fixed == b"FROM alpine:3.19\nRUN true\nUSER nobody\n"
    assert [r.rule for r in out.refused] == ["LL980"] and [a.rule for a in out.applied] == ["LL992"]


# -- --shellcheck is bounded in time and size ------------------------------------------------------

def _fake_shellcheck(tmp_path, body):
    exe = tmp_path / "shellcheck"
    exe.write_text("#!/bin/sh\n" + body)
    exe.chmod(0o755)
    return str(exe)


# a stand-in that answers one comment per file, after `exec sleep` (killed by pid, no orphan) when
# any script it is given says SLOW; it logs the names and texts it is given
_SOMETIMES_SLOW = """for f in "$@"; do case "$f" in *.sh) cat "$f" >> "$LOG";; esac; done
for f in "$@"; do case "$f" in *.sh) if grep -q SLOW "$f"; then exec sleep 60; fi;; esac; done
out='{"comments":['; sep=''
for f in "$@"; do case "$f" in *.sh)
  out="$out$sep{\\"file\\":\\"$f\\",\\"line\\":2,\\"endLine\\":2,\\"column\\":1,\\"endColumn\\":5,\\"level\\":\\"style\\",\\"code\\":1234,\\"message\\":\\"m\\"}"; sep=',';;
esac; done
echo "$out]}"
"""


@pytest.fixture
def fake_sc(tmp_path, monkeypatch):
    log = tmp_path / "sc.log"
    log.write_text("")
    monkeypatch.setenv("LOG", str(log))
    exe = _fake_shellcheck(tmp_path, _SOMETIMES_SLOW)
    monkeypatch.setattr(sc, "find_binary", lambda: exe)
    monkeypatch.setattr(sc, "TIMEOUT_PER_MB", 0.0)
    sc.reset()
    yield log
    sc.reset()


def _files(tmp_path, texts):
    paths = []
    for i, text in enumerate(texts):
        p = tmp_path / f"{i}.Dockerfile"
        p.write_text(text)
        paths.append(str(p))
    return paths


def test_a_hanging_shellcheck_is_killed_and_the_file_reported(fake_sc, monkeypatch, capsys):
    monkeypatch.setattr(sc, "TIMEOUT", 0.3)
    res = lint_bytes(b"FROM alpine:3.19\nrun echo SLOW\n", "Dockerfile", Settings(shellcheck=True, select=["SC", "LL403"]))
    assert not res.errors and [f.rule for f in res.findings] == ["LL403"]  # the rules' findings stay
    err = capsys.readouterr().err
    assert err == ("layerlint: warning: --shellcheck: ShellCheck timed out on Dockerfile (the RUN at line 2); "
                   "its SC findings are missing\n")


def test_a_batch_that_times_out_still_answers_the_other_files(fake_sc, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sc, "TIMEOUT", 1.0)
    # the slow one first: retried alone, it must not use up the time of the files after it
    paths = _files(tmp_path, ["FROM alpine:3\nRUN echo SLOW\n", "FROM alpine:3\nRUN true 1\n",
                              "FROM alpine:3\nRUN true 2\n"])
    results = runner.run_paths(paths, Settings(shellcheck=True, select=["SC"]), jobs=1)
    assert [[f.rule for f in r.findings] for r in results] == [[], ["SC1234"], ["SC1234"]]
    assert all(not r.errors for r in results)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"ShellCheck timed out on {paths[0]} (the RUN at line 2)" in err


def test_an_oversized_script_is_not_sent(fake_sc, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sc, "MAX_SCRIPT_BYTES", 200)
    big = "echo " + "B" * 300
    paths = _files(tmp_path, [f"FROM alpine:3\nRUN true small\nRUN {big}\n"])
    results = runner.run_paths(paths, Settings(shellcheck=True, select=["SC"]), jobs=1)
    assert [(f.rule, f.span.line) for f in results[0].findings] == [("SC1234", 2)]
    assert "B" * 300 not in fake_sc.read_text() and "true small" in fake_sc.read_text()
    err = capsys.readouterr().err
    assert err.startswith(f"layerlint: warning: --shellcheck: {paths[0]}:3: not checked: the RUN's shell script is ")
    assert err.endswith(" bytes, over the 200 bytes limit\n") and err.count("\n") == 1
