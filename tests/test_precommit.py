"""The pre-commit hook, end to end with the real pre-commit: ``pre-commit try-repo <this
repository> layerlint --all-files`` in a throwaway git repository with good and bad
Dockerfiles.

Slow (about 20 s: pre-commit builds a virtualenv and pip-installs layerlint into it, which
needs PyPI for setuptools and the dependencies, as any ``language: python`` hook does), but
always run; skipped only when pre-commit itself is not installed.

try-repo reads committed files plus changes to tracked ones, so it is pointed at a snapshot
of this working tree (every file git would track, committed in a temporary clone-like
repository): the test checks the code as it is now, not as of the last commit.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

from .conftest import REPO

PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
pytestmark = pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed")

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env=dict(os.environ, HOME=str(cwd), **GIT_ENV))


def test_manifest_is_valid():
    p = subprocess.run([PRE_COMMIT, "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    h = hooks["layerlint"]
    assert h["language"] == "python" and h["entry"].startswith("layerlint")
    assert h["require_serial"] is False and "dockerfile" in h["types_or"]
    assert "layerlint-fix" in hooks and "--fix" in hooks["layerlint-fix"]["entry"]


def test_file_patterns():
    import re
    h = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())[0]
    files, exclude = re.compile(h["files"]), re.compile(h["exclude"])

    def matched(path):
        return bool(files.search(path)) and not exclude.search(path)

    for yes in ["Dockerfile", "sub/Dockerfile", "Dockerfile.prod", "api.Dockerfile", "prod.dockerfile",
                "Containerfile", "deploy/Containerfile.dev"]:
        assert matched(yes), yes
    for no in ["Dockerfile.dockerignore", "api.Dockerfile.dockerignore", ".dockerignore", "README.md",
               "Dockerfiles/readme.txt", "xDockerfile", "dockerfile.py"]:
        assert not matched(no), no


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    """This working tree as a committed git repository (what try-repo will install)."""
    dest = tmp_path_factory.mktemp("layerlint-snapshot")
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        src = REPO / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    git(dest, "init", "-q", ".")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "snapshot")
    return dest


@pytest.mark.slow
def test_try_repo_fails_on_bad_and_passes_on_good(snapshot, tmp_path):
    work = tmp_path / "project"
    work.mkdir()
    (work / "Dockerfile").write_text('FROM python:3.12-slim\nUSER 10001\nCMD ["python", "-V"]\n')
    (work / "services").mkdir()
    (work / "services" / "bad.Dockerfile").write_text("FROM node\nRUN true\n")
    (work / "prod.dockerfile").write_text("FROM ubuntu\n")  # lowercase: identify misses it, we do not
    (work / "Dockerfile.dockerignore").write_text("FROM this is not a Dockerfile\x00\n")  # never linted
    (work / "README.md").write_text("hello\n")
    # the project's own config, found by layerlint as usual: keeps "good" good whatever rules are added
    (work / ".layerlint.toml").write_text('select = ["LL101", "LL201"]\n')
    git(work, "init", "-q", ".")
    git(work, "add", "-A")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), NO_COLOR="1",
               HOME=str(tmp_path), **GIT_ENV)
    env.pop("PRE_COMMIT", None)

    def try_repo(*extra):
        return subprocess.run([PRE_COMMIT, "try-repo", str(snapshot), "layerlint", *extra],
                              cwd=work, env=env, capture_output=True, text=True, timeout=600)

    p = try_repo("--all-files", "--verbose")
    out = p.stdout + p.stderr
    assert p.returncode == 1, out
    assert "layerlint" in out and "Failed" in out
    assert "services/bad.Dockerfile:1:6: warning LL101 [missing-tag]" in out
    assert "prod.dockerfile:1:6: warning LL101" in out
    assert "dockerignore" not in out.split("hook id: layerlint", 1)[-1]  # the ignore file was not passed
    assert "Traceback" not in out

    p = try_repo("--files", "Dockerfile", "README.md")
    out = p.stdout + p.stderr
    assert p.returncode == 0, out
    assert "Passed" in out
