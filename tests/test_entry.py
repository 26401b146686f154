"""The console script's fast path: a plain lint run never imports click, and whatever the fast
path accepts, click would have parsed to exactly the same values."""
import inspect
import os
import subprocess
import sys

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layerlint.cli.lint_command import run_check
from layerlint.cli.app import main as click_group
from layerlint.cli.fast_path import fast_parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(REPO, "examples", "Dockerfile")


def click_params(argv):
    """The values click gives ``check`` for ``layerlint ARGV``, or None when click refuses."""
    try:
        ctx = click_group.make_context("layerlint", list(argv))
        name, *rest = ctx._protected_args + ctx.args
        if name != "check":
            return None
        cmd = click_group.get_command(ctx, name)
        return dict(cmd.make_context(name, rest, parent=ctx).params)
    except (click.exceptions.ClickException, click.exceptions.Exit):
        return None


def fast_values(argv):
    """What ``run_check`` receives from the fast path: the parsed options over its defaults."""
    fast = fast_parse(argv)
    if fast is None:
        return None
    defaults = {k: p.default for k, p in inspect.signature(run_check).parameters.items()}
    return {**defaults, **fast}


def test_run_checks_defaults_are_clicks():
    defaults = {k: p.default for k, p in inspect.signature(run_check).parameters.items()}
    assert defaults == {**click_params(["Dockerfile"]), "paths": ()}


def imports(*args):
    p = subprocess.run([sys.executable, "-X", "importtime", "-m", "layerlint", *args], capture_output=True,
                       text=True, cwd=REPO, env={**os.environ, "NO_COLOR": "1"})
    mods = {line.rsplit("|", 1)[1].strip() for line in p.stderr.splitlines() if line.startswith("import time:")}
    return p, mods


def test_a_plain_lint_run_does_not_import_click_or_rich():
    p, mods = imports("--format", "json", "--fail-on", "warning", EXAMPLE)
    assert p.returncode == 1 and '"rule": "LL101"' in p.stdout
    assert "click" not in mods and "rich" not in mods and "dataclasses" not in mods, sorted(mods)
    assert "typing" not in mods and "inspect" not in mods
    assert "tempfile" not in mods and "shutil" not in mods  # only a run that writes a file needs them


@pytest.mark.parametrize("args", [["--help"], ["rules"], [EXAMPLE, "-x"], ["--format", "nope", EXAMPLE]])
def test_everything_else_goes_to_click(args):
    p, mods = imports(*args)
    assert "click" in mods
    assert p.returncode in (0, 2), p.stderr


COMMON = [
    ["Dockerfile"],
    ["a/Dockerfile", "b/Dockerfile.dev", "-"],
    ["--format", "json", "Dockerfile"],
    ["--format=sarif", "-o", "out.sarif", "--format", "tty", "Dockerfile"],
    ["Dockerfile", "--select", "LL1,LL2", "--ignore", "LL102", "--extend-select=LL206"],
    ["--fail-on", "warning", "--build-arg", "BASE=alpine", "--build-arg", "X", "--target", "prod", "."],
    ["-q", "--no-color", "--shellcheck", "-j", "2", "--config", "pyproject.toml", "Dockerfile"],
    ["--no-shellcheck", "--jobs=0", "--fix", "--diff", "--stdin-filename", "x/Dockerfile", "-"],
    ["Dockerfile", "rules"],  # a path named like a command, after the first argument
]


@pytest.mark.parametrize("argv", COMMON)
def test_common_invocations_take_the_fast_path_with_clicks_values(argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fast = fast_values(argv)
    assert fast is not None
    assert fast == click_params(argv)


@pytest.mark.parametrize("argv", [
    [], ["rules"], ["check", "Dockerfile"], ["--help"], ["Dockerfile", "-h"], ["--version"],
    ["--", "-weird"], ["-qj2", "Dockerfile"], ["-o=out", "Dockerfile"], ["--format", "xml", "Dockerfile"],
    ["--fail-on"], ["--jobs", "two", "Dockerfile"], ["--jobs", "+2", "Dockerfile"], ["--quiet=1", "Dockerfile"],
    ["--target", "--quiet", "Dockerfile"], ["--form", "json", "Dockerfile"], ["-o", "adir", "Dockerfile"],
    ["--config", "adir", "Dockerfile"], ["--target", "", "Dockerfile"],
])
def test_unusual_invocations_go_to_click(argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "adir").mkdir()
    assert fast_parse(argv) is None


TOKENS = ["Dockerfile", "x.Dockerfile", "-", "--", "rules", "check", "adir", "out.json", "json", "tty", "xml",
          "warning", "nope", "2", "+2", "-1", "", "=x", "LL101,LL2", "A=b", "-q", "-j", "-o", "-h", "-x",
          "--help", "--version", "--format", "--format=json", "--format=", "-o=out", "--output", "--select",
          "--extend-select", "--ignore", "--fail-on", "--fail-on=error", "--build-arg", "--target", "--config",
          "--stdin-filename", "--no-color", "--quiet", "--shellcheck", "--no-shellcheck", "--jobs", "--jobs=3",
          "--fix", "--diff", "--quiet=yes", "--colour", "-qj2", "--sel"]


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(TOKENS), max_size=7))
def test_fast_path_never_disagrees_with_click(tmp_path, argv):
    (tmp_path / "adir").mkdir(exist_ok=True)
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        fast = fast_values(argv)
        if fast is not None:
            assert fast == click_params(argv), argv
    finally:
        os.chdir(old)
