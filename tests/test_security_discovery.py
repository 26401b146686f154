"""Directory discovery and the worker pool under attack (issue #19): symlinks out of the tree,
non-regular files, very deep trees, .gitignore semantics and cost, the number of workers, and
workers outliving a killed parent.  Every attack is set up for real (symlinks, FIFOs, nested
directories, processes and signals)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest

from layerlint.engine import batch, discover as disc
from layerlint.engine.settings import Settings

GOOD = "FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\n"
SECRET = "ghp_leakedtoken1234567890"


def lint_tree(*paths, **kw):
    """run_paths over ``paths``: (linted paths, skipped (path, reason) pairs, results)."""
    skipped: list = []
    results = batch.run_paths([str(p) for p in paths], Settings(), jobs=1, skipped=skipped, **kw)
    return [r.path for r in results], skipped, results


def everything_printed(results) -> str:
    from layerlint.report import ReportOptions, render
    opts = ReportOptions(color=False)
    return "".join(render(fmt, results, opts) for fmt in ("github", "json", "tty", "sarif"))


def cli(*args, cwd, timeout=120):
    return subprocess.run([sys.executable, "-m", "layerlint", "--no-color", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


# -- 1. symlinks and non-regular files -----------------------------------------------------------
@pytest.fixture
def outside(tmp_path):
    (tmp_path / ".git-credentials").write_text(f"https://user:{SECRET}@github.com\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "Dockerfile").write_text(f"FROM {SECRET}\n")
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "app" / "Dockerfile").write_text(GOOD)
    return root


def test_file_symlink_out_of_the_tree_is_skipped_and_said(outside, tmp_path):
    os.symlink("../.git-credentials", outside / "Dockerfile")                 # relative
    os.symlink(tmp_path / ".git-credentials", outside / "app" / "prod.Dockerfile")  # absolute
    os.symlink("..", outside / "up")                                           # a way out...
    os.symlink("up/.git-credentials", outside / "Dockerfile.ci")               # ...through a directory link
    linted, skipped, results = lint_tree(outside)
    assert linted == [str(outside / "app" / "Dockerfile")]
    outside_root = f"symlink to a file outside {outside}"
    assert skipped == [(str(outside / "Dockerfile"), outside_root), (str(outside / "Dockerfile.ci"), outside_root),
                       (str(outside / "app" / "prod.Dockerfile"), outside_root),
                       (str(outside / "up"), f"symlink to a directory outside {outside}")]
    assert SECRET not in everything_printed(results)
    # the reported attack, end to end: nothing of the credentials in annotations or on stderr
    p = cli("--format", "github", "repo", cwd=tmp_path)
    assert p.returncode == 1, p.stderr
    assert SECRET not in p.stdout + p.stderr and "Traceback" not in p.stderr
    assert "file=repo/app/Dockerfile" in p.stdout and "file=repo/Dockerfile," not in p.stdout


def test_directory_symlink_out_of_the_tree_is_not_followed(outside, tmp_path):
    os.symlink("../outside", outside / "vendor")
    os.symlink(tmp_path / "outside", outside / "app" / "ext")
    linted, skipped, results = lint_tree(outside)
    assert linted == [str(outside / "app" / "Dockerfile")]
    assert skipped == [(str(outside / "app" / "ext"), f"symlink to a directory outside {outside}"),
                       (str(outside / "vendor"), f"symlink to a directory outside {outside}")]
    assert SECRET not in everything_printed(results)


def test_symlink_into_git_dir_or_to_an_ignored_file_is_skipped(outside):
    """Inside the tree but never linted itself: .git/config holds the token actions/checkout
    persists, a git-ignored .env a local secret."""
    (outside / ".git").mkdir()
    (outside / ".git" / "config").write_text(f"[http]\n\textraheader = AUTHORIZATION: basic {SECRET}\n")
    (outside / ".env").write_text(f"TOKEN={SECRET}\n")
    (outside / ".gitignore").write_text(".env\n")
    os.symlink(".git/config", outside / "Dockerfile")
    os.symlink("../.env", outside / "app" / "env.Dockerfile")
    linted, skipped, results = lint_tree(outside)
    assert linted == [str(outside / "app" / "Dockerfile")]
    why = "symlink to a file that is not linted itself (git-ignored, or under a skipped directory)"
    assert skipped == [(str(outside / "Dockerfile"), why), (str(outside / "app" / "env.Dockerfile"), why)]
    assert SECRET not in everything_printed(results)


def test_symlinks_inside_the_tree_lint_each_real_file_once(tmp_path):
    """A link to a Dockerfile found anyway is dropped (the file is linted under its real path);
    a link to any other file of the tree is linted under the link's path, once."""
    root = tmp_path / "repo"
    for d in ("docker", "app", "web"):
        (root / d).mkdir(parents=True)
    (root / "Dockerfile").write_text(GOOD)
    os.symlink("Dockerfile", root / "Dockerfile.prod")
    os.symlink("../Dockerfile", root / "app" / "Dockerfile.copy")
    os.symlink("../Dockerfile.prod", root / "web" / "Dockerfile.chain")  # a link to a link
    (root / "docker" / "base.df").write_text(GOOD)
    os.symlink("../docker/base.df", root / "app" / "Dockerfile")
    os.symlink("../docker/base.df", root / "web" / "Dockerfile")
    linted, skipped, _ = lint_tree(root)
    assert linted == [str(root / "Dockerfile"), str(root / "app" / "Dockerfile")]
    assert skipped == []


def test_symlink_to_a_device_or_fifo_is_never_opened(tmp_path):
    """Reading /dev/zero or a FIFO would hang or eat memory; discovery must not even open them
    (an audit hook in the real CLI process records every open)."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "Dockerfile").write_text(GOOD)
    os.mkfifo(root / "pipe")
    os.mkfifo(root / "fifo.Dockerfile")
    os.symlink("/dev/zero", root / "Dockerfile.zero")
    os.symlink("pipe", root / "Dockerfile.pipe")
    audit = ("import json, sys\nopened = []\n"
             "sys.addaudithook(lambda e, a: opened.append(str(a[0])) if e == 'open' and a and "
             "isinstance(a[0], str) else None)\n"
             "from layerlint.engine.batch import run_paths\nfrom layerlint.engine.settings import Settings\n"
             "skipped = []\nres = run_paths(['repo'], Settings(), jobs=1, skipped=skipped)\n"
             "print(json.dumps({'linted': [r.path for r in res], 'skipped': skipped, 'opened': opened}))\n")
    p = subprocess.run([sys.executable, "-c", audit], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["linted"] == [os.path.join("repo", "Dockerfile")]
    assert out["skipped"] == [[os.path.join("repo", "Dockerfile.pipe"), "symlink to something that is not a regular file"],
                              [os.path.join("repo", "Dockerfile.zero"), "symlink to a file outside repo"],
                              [os.path.join("repo", "fifo.Dockerfile"), "not a regular file"]]
    never = {"Dockerfile.zero", "Dockerfile.pipe", "fifo.Dockerfile", "pipe", "zero"}
    touched = [o for o in out["opened"] if os.path.basename(o) in never]
    assert os.path.join("repo", "Dockerfile") in out["opened"]  # the hook does see opens
    assert touched == []


def test_gitignore_symlink_or_fifo_is_not_read(tmp_path):
    """git does not follow a .gitignore symlink; reading a FIFO would hang the walk."""
    root = tmp_path / "repo"
    (root / "a").mkdir(parents=True)
    (tmp_path / "patterns").write_text("Dockerfile\n")
    os.symlink(tmp_path / "patterns", root / ".gitignore")
    (root / "Dockerfile").write_text(GOOD)
    os.mkfifo(root / "a" / ".gitignore")
    (root / "a" / "Dockerfile").write_text(GOOD)
    skips = []
    found = list(disc.discover(str(root), on_skip=lambda p, r: skips.append((p, r))))
    assert found == [str(root / "Dockerfile"), str(root / "a" / "Dockerfile")]
    assert skips == [(str(root / ".gitignore"), "a symlink (git does not follow it either); its patterns are not applied")]


def test_oversized_gitignore_is_not_applied(tmp_path, monkeypatch):
    monkeypatch.setattr(disc, "GITIGNORE_MAX_BYTES", 1024 * 1024)
    (tmp_path / ".gitignore").write_text("Dockerfile\n" + "#" * (1024 * 1024))
    (tmp_path / "Dockerfile").write_text(GOOD)
    skips = []
    assert list(disc.discover(str(tmp_path), on_skip=lambda p, r: skips.append((p, r)))) == [str(tmp_path / "Dockerfile")]
    assert skips == [(str(tmp_path / ".gitignore"), "larger than 1 MB; its patterns are not applied")]


def test_files_named_explicitly_are_not_discovery(outside, tmp_path):
    """The user named it: it is linted as named, symlink or not (only a walk is guarded)."""
    os.symlink("../outside/Dockerfile", outside / "Dockerfile")
    linted, skipped, _ = lint_tree(outside / "Dockerfile")
    assert linted == [str(outside / "Dockerfile")] and skipped == []


# -- 2. deep trees ---------------------------------------------------------------------------------
def _nest(top: str, depth: int, leaf: dict) -> str:
    """``depth`` directories ``d`` nested under ``top`` (built through directory fds: no long
    paths), with the files of ``leaf`` in the deepest; returns the deepest path."""
    fd = os.open(top, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            new = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = new
        for name, text in leaf.items():
            wfd = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
            os.write(wfd, text.encode())
            os.close(wfd)
    finally:
        os.close(fd)
    return os.path.join(top, *["d"] * depth)


def _unnest(top: str, depth: int) -> None:
    """Remove what _nest built, bottom up and iteratively (shutil.rmtree recurses)."""
    fds = [os.open(top, os.O_RDONLY)]
    for _ in range(depth):
        fds.append(os.open("d", os.O_RDONLY, dir_fd=fds[-1]))
    for name in os.listdir(fds[-1]):
        os.unlink(name, dir_fd=fds[-1])
    for i in range(depth, 0, -1):
        os.close(fds[i])
        os.rmdir("d", dir_fd=fds[i - 1])
    os.close(fds[0])


def test_a_tree_deeper_than_the_recursion_limit(tmp_path):
    depth = 1500
    assert depth > sys.getrecursionlimit()
    # 1,500 directories cost seconds of journal on a loaded disk, milliseconds in memory
    top = tempfile.mkdtemp(dir="/dev/shm") if os.access("/dev/shm", os.W_OK) else str(tmp_path)
    with open(os.path.join(top, ".gitignore"), "w") as f:
        f.write("ignored.Dockerfile\n")  # rules in force all the way down
    deepest = _nest(top, depth, {"Dockerfile": GOOD, "ignored.Dockerfile": GOOD})
    try:
        errors = []
        assert list(disc.discover(top, on_error=lambda d, m: errors.append(d))) == [os.path.join(deepest, "Dockerfile")]
        assert errors == []
    finally:
        _unnest(top, depth)
        os.unlink(os.path.join(top, ".gitignore"))
        if top != str(tmp_path):
            os.rmdir(top)


def test_walk_order_is_sorted_names_depth_first(tmp_path):
    for rel in ("b/Dockerfile", "a/z/Dockerfile", "a/Dockerfile", "Dockerfile", "a.Dockerfile",
                "a/y.Dockerfile", "B/Dockerfile"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(GOOD)
    got = [os.path.relpath(p, tmp_path) for p in disc.discover(str(tmp_path))]
    assert got == ["B/Dockerfile", "Dockerfile", "a/Dockerfile", "a/y.Dockerfile", "a/z/Dockerfile",
                   "a.Dockerfile", "b/Dockerfile"]


# -- 3. .gitignore semantics (gitignore(5)); the table is also asked of git when it is installed -----
CASES = [
    # (.gitignore files {directory: text}, path of a Dockerfile, ignored?)
    ({"": "**/Dockerfile\n"}, "Dockerfile", True),            # `**/` matches in the base too
    ({"": "**/Dockerfile\n"}, "a/b/Dockerfile", True),
    ({"": "**/Dockerfile\n"}, "x.Dockerfile", False),
    ({"": "Dockerfile\n"}, "a/b/Dockerfile", True),           # no slash: any depth
    ({"": "/Dockerfile\n"}, "Dockerfile", True),              # leading slash: anchored
    ({"": "/Dockerfile\n"}, "a/Dockerfile", False),
    ({"": "a/Dockerfile\n"}, "a/Dockerfile", True),           # middle slash: anchored too
    ({"": "a/Dockerfile\n"}, "b/a/Dockerfile", False),
    ({"": "build/\n"}, "x/build/Dockerfile", True),           # trailing slash: a directory, any depth
    ({"": "x.Dockerfile/\n"}, "x.Dockerfile", False),         # ...never a file
    ({"": "x.Dockerfile/\n"}, "x.Dockerfile/Dockerfile", True),
    ({"": "a/**\n"}, "a/b/c/Dockerfile", True),               # `x/**`: everything inside
    ({"": "a/**\n"}, "b/a/Dockerfile", False),
    ({"": "a/**/Dockerfile\n"}, "a/Dockerfile", True),        # `a/**/b`: zero or more directories
    ({"": "a/**/Dockerfile\n"}, "a/x/y/Dockerfile", True),
    ({"": "a/**/Dockerfile\n"}, "ab/Dockerfile", False),
    ({"": "**/a/Dockerfile\n"}, "x/a/Dockerfile", True),
    ({"": "**/a/Dockerfile\n"}, "xa/Dockerfile", False),
    ({"": "a/*.Dockerfile\n"}, "a/x.Dockerfile", True),
    ({"": "a/*.Dockerfile\n"}, "a/b/x.Dockerfile", False),    # `*` does not cross `/`
    ({"": "?.Dockerfile\n"}, "a.Dockerfile", True),
    ({"": "?.Dockerfile\n"}, "ab.Dockerfile", False),
    ({"": "[!a].Dockerfile\n"}, "b.Dockerfile", True),
    ({"": "[!a].Dockerfile\n"}, "a.Dockerfile", False),
    ({"": "[[:digit:]].Dockerfile\n"}, "7.Dockerfile", True),
    ({"": "[z-a].Dockerfile\n"}, "z.Dockerfile", True),      # a reversed range: its first character only
    ({"": "[z-a].Dockerfile\n"}, "m.Dockerfile", False),
    ({"": "[x.Dockerfile\n"}, "[x.Dockerfile", False),        # unclosed `[`: matches nothing, as in git
    ({"": "\\*.Dockerfile\n"}, "*.Dockerfile", True),         # escaped: a literal star
    ({"": "\\*.Dockerfile\n"}, "a.Dockerfile", False),
    ({"": "*.Dockerfile\n!keep.Dockerfile\n"}, "keep.Dockerfile", False),
    ({"": "*.Dockerfile\n!keep.Dockerfile\n"}, "other.Dockerfile", True),
    ({"": "!keep.Dockerfile\n*.Dockerfile\n"}, "keep.Dockerfile", True),  # the last match wins
    ({"": "a/\n!a/Dockerfile\n"}, "a/Dockerfile", True),      # no re-including below an excluded directory
    ({"": "a\n!a/Dockerfile\n"}, "a/Dockerfile", True),
    ({"": "a/*\n!a/Dockerfile\n"}, "a/Dockerfile", False),    # ...but the directory itself is not excluded here
    ({"": "a/*\n!a/Dockerfile\n"}, "a/x.Dockerfile", True),
    ({"": "#x.Dockerfile\n"}, "#x.Dockerfile", False),        # a comment
    ({"": "\\#x.Dockerfile\n"}, "#x.Dockerfile", True),       # an escaped `#`
    ({"": "\\!x.Dockerfile\n"}, "!x.Dockerfile", True),       # an escaped `!`
    ({"": "x.Dockerfile   \n"}, "x.Dockerfile", True),        # trailing spaces are dropped
    ({"": "x.Dockerfile\\ \n"}, "x.Dockerfile ", True),       # ...unless escaped
    ({"": "x.Dockerfile\\ \n"}, "x.Dockerfile", False),
    ({"": "  x.Dockerfile\n"}, "x.Dockerfile", False),        # leading spaces are part of the pattern
    ({"": "x.Dockerfile\r\n"}, "x.Dockerfile", True),         # CRLF
    ({"": "\ufeffx.Dockerfile\n"}, "x.Dockerfile", True),     # a byte order mark
    ({"": "*.Dockerfile\n", "sub": "!x.Dockerfile\n"}, "sub/x.Dockerfile", False),  # deeper file overrides
    ({"": "*.Dockerfile\n", "sub": "!x.Dockerfile\n"}, "x.Dockerfile", True),
    ({"sub": "/Dockerfile\n"}, "sub/Dockerfile", True),       # anchored to its own directory
    ({"sub": "/Dockerfile\n"}, "sub/deeper/Dockerfile", False),
    ({"sub": "/Dockerfile\n"}, "Dockerfile", False),
    ({"sub": "a/**\n"}, "sub/a/Dockerfile", True),
    ({"sub": "a/**\n"}, "a/Dockerfile", False),
]


def _build(root, gitignores: dict, path: str) -> None:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(GOOD)
    for d, text in gitignores.items():
        (root / d).mkdir(parents=True, exist_ok=True)
        (root / d / ".gitignore").write_bytes(text.encode())


@pytest.mark.parametrize(("gitignores", "path", "ignored"), CASES)
def test_gitignore_semantics(tmp_path, gitignores, path, ignored):
    _build(tmp_path, gitignores, path)
    found = [os.path.relpath(p, tmp_path) for p in disc.discover(str(tmp_path))]
    assert (path not in found) is ignored


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_gitignore_cases_are_what_git_says(tmp_path):
    """The table itself, asked of git: each case in a directory of its own in one repository
    (a .gitignore's patterns are relative to its own directory, so nesting changes nothing)."""
    for i, (gitignores, path, _) in enumerate(CASES):
        _build(tmp_path / f"case{i}", gitignores, path)
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=env)
    listed = set(subprocess.run(["git", "-C", str(tmp_path), "ls-files", "-z", "--others", "--exclude-standard"],
                                check=True, capture_output=True, env=env).stdout.decode().split("\0"))
    git_says = [f"case{i}/{path}" not in listed for i, (_, path, _) in enumerate(CASES)]
    assert git_says == [ignored for _, _, ignored in CASES]


# -- 4. the cost of .gitignore patterns --------------------------------------------------------------
def _patterns(n: int) -> str:
    kinds = ["build{}/", "*.tmp{}", "/out{}", "cache{}", "docs/**/gen{}", "!keep{}", "a{}?b*c", "*/x{}/*"]
    return "\n".join(kinds[i % len(kinds)].format(i) for i in range(n)) + "\n"


def test_gitignore_matching_work_does_not_grow_with_the_patterns(tmp_path, monkeypatch):
    """Each .gitignore is compiled once, and a name costs the same few look-ups and regex calls
    whether the file has 16 patterns or 1,600 (it was a relpath and an fnmatch per pattern)."""
    import fnmatch
    monkeypatch.setattr(os.path, "relpath", None)
    monkeypatch.setattr(fnmatch, "fnmatch", None)
    calls = {"compile": 0, "match": 0}
    real = disc._compile

    class Counting:
        def __init__(self, rx):
            self.rx = rx

        def fullmatch(self, text):
            calls["match"] += 1
            return self.rx.fullmatch(text)

    def compile_(pattern):
        calls["compile"] += 1
        return Counting(real(pattern))
    monkeypatch.setattr(disc, "_compile", compile_)
    for d in range(20):
        for f in range(10):
            (tmp_path / f"d{d}" / f"s{f}").mkdir(parents=True)
            (tmp_path / f"d{d}" / f"s{f}" / "Dockerfile").write_text("")
    counts = []
    for n in (16, 1600):
        (tmp_path / ".gitignore").write_text(_patterns(n))
        calls.update(compile=0, match=0)
        assert len(list(disc.discover(str(tmp_path)))) == 200
        counts.append(dict(calls))
    assert counts[0] == counts[1]
    assert counts[0]["compile"] <= 8  # one .gitignore: a few regexes per view, not one per pattern
    assert counts[0]["match"] <= 2 * (200 + 220)  # entries: 200 files and 220 directories


# -- 5. the number of workers ---------------------------------------------------------------------------
class FakePool:
    """Stands in for ProcessPoolExecutor: records its size, runs the work in this process."""
    made: list = []

    def __init__(self, max_workers=None, mp_context=None, initializer=None, initargs=()):
        FakePool.made.append(max_workers)

    def submit(self, fn, *args):
        from concurrent.futures import Future
        done = Future()
        done.set_result(fn(*args))
        return done

    def shutdown(self, wait=True, cancel_futures=False):
        pass


@pytest.mark.parametrize(("jobs", "cpus", "files", "workers"), [
    (300, 2, 64, 8),     # -j 300 on 2 CPUs: 4 per CPU
    (300, 100, 64, 64),  # never more than the files
    (0, 2, 64, 2),       # automatic: one per CPU
    (3, 8, 70, 3),       # as asked
])
def test_workers_are_bounded_by_the_files_and_the_cpus(tmp_path, monkeypatch, jobs, cpus, files, workers):
    import concurrent.futures
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", FakePool)
    monkeypatch.setattr(batch, "_cpus", lambda: cpus)
    FakePool.made = []
    for i in range(files):
        (tmp_path / f"{i:03}.Dockerfile").write_text(GOOD)
    results = batch.run_paths([str(tmp_path)], Settings(), jobs=jobs)
    assert FakePool.made == [workers]
    assert [os.path.basename(r.path) for r in results] == [f"{i:03}.Dockerfile" for i in range(files)]
    assert all(r.findings and not r.errors for r in results)


def test_worker_count_never_exceeds_the_pieces_of_work(monkeypatch):
    monkeypatch.setattr(batch, "_cpus", lambda: 16)
    assert [batch.worker_count(j, n) for j, n in ((300, 5), (300, 1000), (0, 1000), (-1, 3), (1, 1000))] == \
        [5, 64, 16, 3, 1]


# -- 6. signals: workers never outlive the run --------------------------------------------------------
def _stat(pid: int):
    """(parent pid, state, start time) of a live process, or None once it is gone or a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] in "ZX" else (int(fields[1]), fields[0], fields[19])


def _children(pid: int) -> dict:
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = _stat(int(name))
            if st and st[0] == pid:
                out[int(name)] = st[2]
    return out


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc")
@pytest.mark.parametrize(("sig", "group"), [(signal.SIGTERM, False), (signal.SIGINT, False), (signal.SIGKILL, False),
                                            (signal.SIGINT, True)], ids=["TERM", "INT", "KILL", "ctrl-C"])
def test_signal_to_the_parent_ends_the_workers(tmp_path, sig, group):
    """``group``: the signal goes to the whole process group, as a terminal's ^C does."""
    body = "FROM python:3.12 AS build\nWORKDIR /app\nCOPY . .\n" + \
        "".join(f"RUN apt-get update && apt-get install -y pkg{i} && pip install mod{i} && echo $HOME{i}\n"
                for i in range(60)) + "FROM node\nUSER node\n"
    for i in range(400):  # enough work that the pool is still busy when the signal comes
        (tmp_path / f"{i}.Dockerfile").write_text(body)
    err = tmp_path / "stderr"
    with open(err, "wb") as e:  # a file, not a pipe: an orphaned worker would hold a pipe open
        p = subprocess.Popen([sys.executable, "-m", "layerlint", "-j", "4", "--no-shellcheck", "."],
                             cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=e, start_new_session=True)
    workers: dict = {}
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 4 and p.poll() is None and time.monotonic() < deadline:
            workers.update(_children(p.pid))
            time.sleep(0.01)
        assert len(workers) == 4 and p.poll() is None, "the pool never started (or finished first)"
        if group:
            os.killpg(p.pid, sig)
        else:
            p.send_signal(sig)
        code = p.wait(timeout=60)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_stat(w) and _stat(w)[2] == s for w, s in workers.items()):
            time.sleep(0.05)
        alive = [w for w, s in workers.items() if _stat(w) and _stat(w)[2] == s]
        assert alive == []
    finally:
        for w, s in workers.items():  # don't leave a failed run's workers behind
            if _stat(w) and _stat(w)[2] == s:
                os.kill(w, signal.SIGKILL)
        if p.poll() is None:
            p.kill()
            p.wait()
    assert code == -sig  # it ended by the signal, as a shell expects (status 128+N)
    assert "Traceback" not in err.read_text()
