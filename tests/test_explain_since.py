"""`layerlint explain --since REF`: the what-if read from a real (temporary) git repository.

Each test makes a repository, commits a first state (the revision a previous build used),
edits the working tree and asks what a rebuild re-runs.  git must be installed (it is a
dependency of the feature): without it the tests skip, saying so.
"""
import json
import os
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from layerlint.cache.explain import explain, rerun_summary
from layerlint.cli.app import main

from .test_explain import validate

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

PY = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\n"
      "COPY . .\nCMD [\"python\", \"app.py\"]\n")


def git(repo, *args):
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def make_repo(tmp_path, files, name="repo"):
    repo = tmp_path / name
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for rel, content in files.items():
        p = repo / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    return repo


def run(*args, cwd=None):
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return CliRunner().invoke(main, ["explain", *map(str, args)])
    finally:
        os.chdir(old)


def since_json(repo, *args, dockerfile="Dockerfile"):
    res = run("--since", "HEAD", "--format", "json", *args, repo / dockerfile)
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    validate(data)
    return data


def verdicts(data):
    return {s["line"]: s["rebuilt"] for st in data["stages"] for s in st["steps"] if s["kind"] == "layer"}


BASE = {"Dockerfile": PY, "requirements.txt": "flask\n", "app.py": "print(1)\n", "README.md": "hi\n",
        ".dockerignore": "*.md\n.git\n"}


def test_nothing_changed_re_runs_nothing(tmp_path):
    repo = make_repo(tmp_path, BASE)
    os.utime(repo / "app.py", (1, 1))  # touched: same bytes, no change
    data = since_json(repo)
    assert data["what_if"]["changed"] == [] and not any(verdicts(data).values())
    s = data["what_if"]["summary"]
    assert s["rerun"] == 0 and s["steps"] == 4 and s["text"] == "this change re-runs none of the 4 steps"
    assert data["what_if"]["since"]["commit"] == git(repo, "rev-parse", "HEAD").strip()


def test_edit_rename_delete_and_untracked(tmp_path):
    repo = make_repo(tmp_path, {**BASE, "lib/old.py": "x\n", "lib/keep.py": "k\n"})
    (repo / "app.py").write_text("print(2)\n")
    data = since_json(repo)
    assert data["what_if"]["changed"] == ["app.py"]
    assert verdicts(data) == {2: False, 3: False, 4: False, 5: True}
    assert data["what_if"]["summary"]["text"] == "this change re-runs 1 of 4 steps, from line 5: app.py changed"
    (repo / "app.py").write_text("print(1)\n")  # back to the committed bytes: no change
    git(repo, "mv", "lib/old.py", "lib/new.py")  # a rename is a delete and an add
    assert sorted(since_json(repo)["what_if"]["changed"]) == ["lib/new.py", "lib/old.py"]
    git(repo, "mv", "lib/new.py", "lib/old.py")
    (repo / "lib" / "keep.py").unlink()
    (repo / "new.txt").write_text("n\n")  # untracked, not ignored by git: new since REF
    data = since_json(repo)
    assert sorted(data["what_if"]["changed"]) == ["lib/keep.py", "new.txt"] and verdicts(data)[5] is True
    (repo / "README.md").write_text("changed\n")  # excluded by .dockerignore
    data = since_json(repo)
    assert "README.md" in data["what_if"]["ignored"]


def test_requirements_change_re_runs_the_install(tmp_path):
    repo = make_repo(tmp_path, BASE)
    (repo / "requirements.txt").write_text("flask\nrequests\n")
    res = run("--since", "HEAD", repo / "Dockerfile")
    assert res.exit_code == 0, res.output
    assert "this change re-runs 3 of 4 steps, from line 3: requirements.txt changed" in res.output
    assert "what-if: since HEAD (" in res.output


def test_changed_dockerfile_and_gitignored_files(tmp_path):
    repo = make_repo(tmp_path, {**BASE, ".gitignore": "build/\n"})
    (repo / "Dockerfile").write_text(PY.replace("RUN pip install -r requirements.txt",
                                                "RUN pip install --no-cache-dir -r requirements.txt"))
    (repo / "build").mkdir()
    (repo / "build" / "out.bin").write_text("b")
    data = since_json(repo)
    v = verdicts(data)
    assert v[3] is False and v[4] is True and v[5] is True
    steps = {s["line"]: s for st in data["stages"] for s in st["steps"]}
    assert steps[4]["reason"] == "its command text changed"
    # the Dockerfile is in the context: its own change reaches COPY . .
    assert "Dockerfile" in data["what_if"]["changed"]
    assert any("ignored by git but sent to the builder" in n and "build" in n for n in data["what_if"]["notes"])
    assert data["what_if"]["since"]["untracked_unknown"] == 1


def test_new_dockerfile_is_all_new(tmp_path):
    repo = make_repo(tmp_path, {"app.py": "x\n"})
    (repo / "Dockerfile").write_text("FROM a:1\nCOPY app.py /app.py\nRUN true\n")
    data = since_json(repo)
    assert all(verdicts(data).values()) and any("did not exist at HEAD" in n for n in data["what_if"]["notes"])


def test_changed_dockerignore_uses_the_old_rules(tmp_path):
    repo = make_repo(tmp_path, {**BASE, "docs/guide.md": "g\n", "src/a.py": "a\n",
                                "Dockerfile": "FROM a:1\nCOPY src/ /src/\nCOPY docs/ /docs/\n"})
    (repo / ".dockerignore").write_text("*.md\n.git\ndocs\n")
    data = since_json(repo)
    v = verdicts(data)
    assert v[2] is False and v[3] is True  # docs/ left the context: the copy changes
    assert any("docs entered or left the build context" in n for n in data["what_if"]["notes"])
    assert data["what_if"]["since"]["dockerignore"] == ".dockerignore"
    # without git, the same change cannot be read: say so
    res = run("--format", "json", "--changed", ".dockerignore", repo / "Dockerfile")
    d2 = json.loads(res.output)
    step3 = [s for st in d2["stages"] for s in st["steps"] if s["line"] == 3][0]
    assert step3["verdict"] == "unless-identical" and "previous rules are not known" in step3["reason"]
    # --previous-dockerignore gives them
    old = tmp_path / "old.dockerignore"
    old.write_text("*.md\n.git\n")
    res = run("--format", "json", "--changed", ".dockerignore", "--previous-dockerignore", old, repo / "Dockerfile")
    step3 = [s for st in json.loads(res.output)["stages"] for s in st["steps"] if s["line"] == 3][0]
    assert step3["verdict"] == "rebuilt"


def test_config_build_args_at_ref(tmp_path):
    text = "FROM a:1\nARG V=0\nRUN echo $V\n"
    repo = make_repo(tmp_path, {"Dockerfile": text, ".layerlint.toml": 'build-args = { V = "1" }\n'})
    assert not any(verdicts(since_json(repo)).values())
    (repo / ".layerlint.toml").write_text('build-args = { V = "2" }\n')
    data = since_json(repo)
    assert verdicts(data) == {3: True} and data["what_if"]["changed_args"] == ["V"]
    steps = {s["line"]: s for st in data["stages"] for s in st["steps"]}
    assert steps[3]["reason"] == "its environment changed: build arg V"


def test_remote_sources_are_listed_as_unknown(tmp_path):
    url = "https://example.org/tool.tgz"
    repo = make_repo(tmp_path, {"Dockerfile": f"FROM a:1\nADD {url} /t.tgz\n"
                                              f"ADD --checksum=sha256:{'a' * 64} https://example.org/p /p\n"})
    data = since_json(repo)
    assert data["what_if"]["remote_unknown"] == [url] and data["what_if"]["summary"]["unknown"] == [url]
    assert "1 remote source not known" in data["what_if"]["summary"]["text"]
    data = since_json(repo, "--changed", url)
    assert verdicts(data) == {2: True, 3: True}


def test_every_dockerfile_without_an_argument(tmp_path):
    repo = make_repo(tmp_path, {**BASE, ".dockerignore": "*.md\n.git\nsvc\n", "svc/Dockerfile": "FROM a:1\nCOPY . /s\n",
                                "svc/main.go": "package m\n"})
    (repo / "svc" / "main.go").write_text("package main\n")
    res = run("--since", "HEAD", cwd=repo)
    assert res.exit_code == 0, res.output
    assert res.output.strip().splitlines() == [
        "Dockerfile: this change re-runs none of the 4 steps",
        "svc/Dockerfile: this change re-runs 1 of 1 step, from line 2: main.go changed"]
    res = run("--since", "HEAD", "--format", "json", cwd=repo)
    data = json.loads(res.output)
    validate(data)
    assert len(data["dockerfiles"]) == 2 and data["errors"] == []


def test_rerun_summary_is_plain_data(tmp_path):
    repo = make_repo(tmp_path, {**BASE, "Dockerfile": "FROM a:1 AS b\nCOPY b.txt /b\nRUN make\n"
                                                      "FROM a:1\nCOPY --from=b /out /out\nRUN x\n", "b.txt": "1"})
    (repo / "b.txt").write_text("2")
    ex = explain(str(repo / "Dockerfile"), since="HEAD")
    s = rerun_summary(ex.data, "this pull request")
    assert (s["steps"], s["rerun"], s["certain"], s["unless_identical"], s["line"]) == (4, 4, 2, 2, 2)
    assert s["text"] == ("this pull request re-runs 4 of 4 steps, from line 2: b.txt changed "
                         "(2 of them only if the files they copy come out different)")
    json.dumps(s)


def _one_line_error(res):
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("layerlint: error: "), res.output
    return lines[0]


def test_errors_are_one_line_exit_2(tmp_path):
    repo = make_repo(tmp_path, BASE)
    assert "unknown revision 'nope'" in _one_line_error(run("--since", "nope", repo / "Dockerfile"))
    assert "bad revision" in _one_line_error(run("--since", "--output=x", repo / "Dockerfile"))
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "Dockerfile").write_text("FROM a:1\n")
    assert "not in a git repository" in _one_line_error(run("--since", "HEAD", plain / "Dockerfile"))
    outside = tmp_path / "outside.Dockerfile"
    outside.write_text("FROM a:1\n")
    assert "is outside the git repository" in _one_line_error(
        run("--since", "HEAD", "--context", repo, outside))
    assert "build context" in _one_line_error(run("--since", "HEAD", "--context", tmp_path, repo / "Dockerfile"))
    assert "not in a git repository" in _one_line_error(run("--since", "HEAD", cwd=plain))
    assert "missing DOCKERFILE" in _one_line_error(run())


def test_git_state_is_not_written(tmp_path):
    repo = make_repo(tmp_path, BASE)
    os.utime(repo / "app.py", (5, 5))  # stat-dirty: `git diff` would refresh the index if it may
    index = (repo / ".git" / "index").read_bytes()
    since_json(repo)
    assert (repo / ".git" / "index").read_bytes() == index


def test_dockerfile_elsewhere_and_a_context_subdirectory(tmp_path):
    repo = make_repo(tmp_path, {"docker/app.Dockerfile": "FROM a:1\nCOPY . /src\n",
                                "docker/app.Dockerfile.dockerignore": "*.log\n",
                                "svc/main.go": "package m\n", "svc/debug.log": "x\n", "other/x.txt": "o\n"})
    (repo / "svc" / "debug.log").write_text("y\n")  # excluded by the Dockerfile's own ignore file
    (repo / "other" / "x.txt").write_text("p\n")  # outside the context
    res = run("--since", "HEAD", "--format", "json", "--context", repo / "svc", repo / "docker" / "app.Dockerfile")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    validate(data)
    assert data["what_if"]["changed"] == [] and data["what_if"]["ignored"] == ["debug.log"]
    assert data["what_if"]["since"]["dockerignore"] == "docker/app.Dockerfile.dockerignore"
    assert verdicts(data) == {2: False}
    (repo / "svc" / "main.go").write_text("package main\n")
    res = run("--since", "HEAD", "--format", "json", "--context", repo / "svc", repo / "docker" / "app.Dockerfile")
    assert verdicts(json.loads(res.output)) == {2: True}
