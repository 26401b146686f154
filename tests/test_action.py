"""The GitHub Action (action.yml), checked against the metadata rules and then run the way the
Actions runner runs a composite action (tests/action_runner.py: the runner's own reading of
workflow commands, ``::stop-commands::``, the 10-per-level limit on annotations, step outputs
and summaries), on pull request event payloads over real git repositories."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

from . import action_runner as ar
from .conftest import REPO, SHARED
from .test_formats import HOSTILE, HOSTILE_NAME

ACTION = REPO / "action.yml"
ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def load():
    return ar.load(ACTION)


def run_action(workspace: Path, tmp: Path, *, event_name="push", event=None, env=None, install="local", **inputs):
    """Run action.yml's steps as the runner would (tests/test_security_cli.py uses this too)."""
    return ar.run_action(workspace, tmp, inputs, event_name=event_name, event=event, env=env, install=install)


# -- metadata ----------------------------------------------------------------------------------

def test_metadata_rules():
    a = load()
    assert set(a) <= {"name", "author", "description", "inputs", "outputs", "runs", "branding"}
    assert isinstance(a["name"], str) and a["name"]
    assert isinstance(a["description"], str) and a["description"]
    assert a["runs"]["using"] == "composite"
    steps = a["runs"]["steps"]
    assert steps
    ids = [s.get("id") for s in steps if s.get("id")]
    assert len(ids) == len(set(ids))
    for s in steps:
        assert ("run" in s) != ("uses" in s), s
        if "run" in s:
            assert s.get("shell") in ("bash", "sh", "pwsh", "python", "cmd", "powershell"), s
            # script injection guard: no expression is ever spliced into a script's text
            assert "${{" not in s["run"], s.get("name")
        else:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", s["uses"]), s["uses"]  # a major tag of a known action
        for key in s:
            assert key in {"id", "name", "run", "shell", "env", "working-directory", "uses", "with",
                           "if", "continue-on-error"}, key
    for name, spec in a["inputs"].items():
        assert ID.match(name), name
        assert spec.get("description")
        assert isinstance(spec.get("default", ""), str)
    order = [s.get("id") for s in steps]
    for n, s in enumerate(steps):
        values = list((s.get("env") or {}).values()) + list((s.get("with") or {}).values()) + [s.get("if", "")]
        for e in (m for v in values for m in ar.EXPR.findall(str(v))):
            for ref in re.findall(r"[a-z_]+(?:\.[\w-]+)+", e):
                if ref.startswith("inputs."):
                    assert ref.split(".", 1)[1] in a["inputs"], ref
                elif ref.startswith("steps."):
                    assert ref.split(".")[1] in order[:n], ref  # an earlier step
                else:
                    assert ref in ("github.action_path", "github.workspace", "runner.temp"), ref
        if s.get("if"):  # the inputs it reads (the runner evaluates the bare form too)
            for ref in re.findall(r"inputs\.([\w-]+)", s["if"]):
                assert ref in a["inputs"], ref
    assert set(a["inputs"]) >= {"path", "config", "fail-on", "select", "ignore", "build-args", "target",
                                "sarif-file", "version", "only-changed", "args", "extend-select", "format",
                                "output-file", "no-fail", "cache"}
    assert a["inputs"]["path"]["default"] == "."
    for name, spec in a["outputs"].items():
        assert ID.match(name) and spec.get("description")
        (e,) = ar.EXPR.findall(spec["value"])
        _, sid, kind, out = e.split(".")
        assert kind == "outputs" and sid in ids
        script = next(s["run"] for s in steps if s.get("id") == sid)
        assert f"{out}=" in script  # the step writes it to $GITHUB_OUTPUT
    assert "findings" in a["outputs"]


def _requirements(dist_name):
    """The names a distribution requires (no extras), lower-case, '_' as '-'."""
    from importlib import metadata
    try:
        reqs = metadata.requires(dist_name) or []
    except metadata.PackageNotFoundError:
        return None
    names = []
    for r in reqs:
        if "extra ==" in r or "extra==" in r:
            continue
        names.append(re.match(r"[A-Za-z0-9._-]+", r).group().lower().replace("_", "-"))
    return names


def test_the_constraints_pin_every_dependency_within_pyproject():
    """action-constraints.txt pins the whole dependency closure of layerlint (every platform and
    Python: colorama and tomli too) and the build backend, each within pyproject's specifiers."""
    tomllib = pytest.importorskip("tomllib")
    pins = {}
    for line in (REPO / "action-constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version and re.fullmatch(r"[0-9][0-9A-Za-z.]*", version), line
            pins[name.lower().replace("_", "-")] = version
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    direct = project["project"]["dependencies"] + project["build-system"]["requires"]
    closure, todo = set(), [re.match(r"[A-Za-z0-9._-]+", d).group().lower() for d in direct]
    while todo:
        name = todo.pop()
        if name in closure:
            continue
        closure.add(name)
        todo += _requirements(name) or []  # not installed here (colorama, tomli): pinned by name only
    assert closure <= set(pins), sorted(closure - set(pins))
    assert set(pins) <= closure | {"colorama", "tomli"}, sorted(set(pins) - closure)  # nothing stale
    try:
        from packaging.requirements import Requirement
    except ImportError:
        return
    for d in direct:
        req = Requirement(d)
        assert req.specifier.contains(pins[req.name.lower()], prereleases=True), (d, pins[req.name.lower()])


# -- the install step, run as written with a stub Python --------------------------------------------

STUB = r'''#!/usr/bin/env bash
# a stand-in for python3: `-m venv DIR` makes DIR/bin/{python,layerlint}; `-m pip ...` is recorded
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; ln -sf "@LAYERLINT@" "$3/bin/layerlint"; exit 0
fi
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then
  { printf '%s\n' "$*"; echo "PIP_CONSTRAINT=${PIP_CONSTRAINT:-}"; echo "PIP_CACHE_DIR=${PIP_CACHE_DIR:-}"; } >> "@LOG@"
  exit 0
fi
exec "@PYTHON@" "$@"
'''


@pytest.fixture
def stub_python(tmp_path):
    bindir = tmp_path / "stub-bin"
    bindir.mkdir()
    log = tmp_path / "pip.log"
    text = STUB.replace("@LAYERLINT@", str(Path(sys.executable).parent / "layerlint")) \
        .replace("@LOG@", str(log)).replace("@PYTHON@", sys.executable)
    (bindir / "python3").write_text(text)
    (bindir / "python3").chmod(0o755)
    return {"PATH": f"{bindir}:{os.environ['PATH']}"}, log


def test_install_pins_the_dependencies_and_caches_pip(workspace, tmp_path, stub_python):
    env, log = stub_python
    (workspace / "Dockerfile").write_text(GOOD)
    r = run_action(workspace, tmp_path / "a", env=env, install="real", select="LL101")
    assert r.rc == 0, r.log
    pip = log.read_text().splitlines()
    assert pip[0] == f"-m pip install --disable-pip-version-check --quiet --no-compile {REPO}"  # the action's own ref
    assert pip[1] == f"PIP_CONSTRAINT={REPO / 'action-constraints.txt'}"
    cache_dir = pip[2].split("=", 1)[1]
    ((uses, with_),) = r.uses
    assert uses == "actions/cache@v5" and with_["path"] == cache_dir == r.steps["setup"]["cache-dir"]
    import hashlib
    digest = hashlib.sha256((REPO / "action-constraints.txt").read_bytes() + b"\0").hexdigest()[:20]
    v = sys.version_info
    assert with_["key"] == f"layerlint-pip-{sys.platform}-{__import__('platform').machine()}-py{v[0]}.{v[1]}-{digest}"
    assert any(line.startswith("layerlint installed in ") for line in r.log)
    # a release from PyPI: its own requirements, a cache of its own
    log.unlink()
    r = run_action(workspace, tmp_path / "b", env=env, install="real", version="0.1.0", select="LL101")
    assert log.read_text().splitlines()[:2] == ["-m pip install --disable-pip-version-check --quiet --no-compile layerlint==0.1.0",
                                                "PIP_CONSTRAINT="]
    assert r.uses[0][1]["key"] != with_["key"]
    # no cache: pip's own default, and no actions/cache step
    log.unlink()
    r = run_action(workspace, tmp_path / "c", env=env, install="real", cache="false", select="LL101")
    assert r.uses == [] and log.read_text().splitlines()[2] == "PIP_CACHE_DIR="
    r = run_action(workspace, tmp_path / "d", env=env, install="real", version="1; rm -rf /")
    assert r.rc == 2 and "version must be a version number" in r.of_level("error")[0].message


# -- running it --------------------------------------------------------------------------------

GOOD = 'FROM python:3.12-slim\nUSER nobody\nCMD ["python", "-V"]\n'
BAD = ("FROM node AS assets\nWORKDIR /src\nCOPY . .\nRUN npm ci\n"
       "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n"
       "COPY --from=assets /src/dist ./static\nUSER nobody\nCMD [\"python\", \"app.py\"]\n")


@pytest.fixture
def workspace(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    return ws


def commands_of(r):
    """The annotations the lint step printed (not the runner's own "Process completed ...")."""
    return [(a.level, a.props, a.message) for a in r.annotations
            if a.step == "lint" and not a.message.startswith("Process completed with exit code")]


def test_clean_repository_passes(workspace, tmp_path):
    (workspace / "Dockerfile").write_text(GOOD)
    r = run_action(workspace, tmp_path, select="LL101,LL201")
    assert r.rc == 0, r.stderr
    assert r.outputs["findings"] == "0" and r.outputs["exit-code"] == "0" and r.outputs["linted"] == "1"
    assert r.annotations == []
    assert "No problems in 1 file." in r.summary


def test_findings_annotations_sarif_summary_and_failure(workspace, tmp_path):
    (workspace / "svc").mkdir()
    (workspace / "svc" / "Dockerfile").write_text(BAD)
    (workspace / "Dockerfile").write_text(GOOD)
    r = run_action(workspace, tmp_path, sarif_file="reports/layerlint.sarif", select="LL101\nLL201")
    assert r.rc == 1
    assert r.outputs["exit-code"] == "1"
    cmds = commands_of(r)
    assert int(r.outputs["findings"]) == len(cmds) == 3
    levels = {(c[1]["file"], c[1]["line"], c[1]["title"], c[0]) for c in cmds}
    assert ("svc/Dockerfile", "1", "LL101 missing-tag", "warning") in levels
    assert ("svc/Dockerfile", "3", "LL201 copy-order-busts-cache", "warning") in levels
    assert all("col" in c[1] and "endColumn" in c[1] for c in cmds)
    assert r.annotations[-1].message == "Process completed with exit code 1."  # the runner's own
    sarif = json.loads((workspace / "reports" / "layerlint.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) == 3
    assert r.outputs["sarif-file"] == "reports/layerlint.sarif"
    schema = SHARED / "schemas" / "sarif-schema-2.1.0.json"
    if schema.exists():
        import jsonschema
        jsonschema.Draft4Validator(json.loads(schema.read_text())).validate(sarif)
    s = r.summary
    assert "**3 problems**" in s and "| Severity | Rule | Location | Message |" in s
    assert "```mermaid" in s and "flowchart" in s
    assert "svc/Dockerfile:3:6" in s
    # the cache-risk step is marked in the diagram (by explain.mermaid or the fallback)
    mermaid = s.split("```mermaid", 1)[1].split("```", 1)[0]
    assert "risk" in mermaid.lower()


def test_fail_on_no_fail_and_the_count(workspace, tmp_path):
    (workspace / "Dockerfile").write_text(BAD)
    r = run_action(workspace, tmp_path, fail_on="none", select="LL101")
    assert r.rc == 0 and r.outputs["findings"] == "1"
    r = run_action(workspace, tmp_path, fail_on="error", select="LL101")
    assert r.rc == 0 and r.outputs["exit-code"] == "0"
    r = run_action(workspace, tmp_path, fail_on="warning", ignore="LL101", select="LL1")
    assert r.rc == 0 and r.outputs["findings"] == "0"
    r = run_action(workspace, tmp_path, no_fail="true", select="LL101")
    assert r.rc == 0 and r.outputs["exit-code"] == "1" and r.outputs["findings"] == "1"  # said, not failed
    (workspace / "bin.Dockerfile").write_bytes(b"FROM a\x00\n")
    r = run_action(workspace, tmp_path, no_fail="true", select="LL101")
    assert r.rc == 2  # a file that cannot be linted still fails
    r = run_action(workspace, tmp_path, no_fail="yes")
    assert r.rc == 2 and "no-fail must be true or false" in r.of_level("error")[0].message


def test_build_args_target_config_and_paths(workspace, tmp_path):
    (workspace / "a").mkdir()
    (workspace / "b").mkdir()
    (workspace / "a" / "Dockerfile").write_text("ARG BASE\nFROM ${BASE} AS build\nRUN true\nFROM alpine:3.19\n")
    (workspace / "b" / "Dockerfile").write_text("FROM node\n")
    r = run_action(workspace, tmp_path, path="a", select="LL101", build_args="BASE=node")
    assert r.outputs["findings"] == "1"  # ${BASE} resolved: untagged node
    r = run_action(workspace, tmp_path, path="a", select="LL101", build_args="X=1\nBASE=node:20")
    assert r.outputs["findings"] == "0"
    r = run_action(workspace, tmp_path, path="a", select="LL101", build_args="X=1, BASE=node:20")
    assert r.outputs["findings"] == "0"
    r = run_action(workspace, tmp_path, path="a\nb\n", select="LL101", build_args="BASE=node")
    assert r.outputs["findings"] == "2"
    r = run_action(workspace, tmp_path, path="a", target="nope")
    assert r.rc == 2 and r.outputs["exit-code"] == "2"
    (workspace / "strict.toml").write_text('ignore = ["LL101"]\n')
    r = run_action(workspace, tmp_path, path="b", select="LL101", config="strict.toml")
    assert r.outputs["findings"] == "0"


def test_glob_paths(workspace, tmp_path):
    for d in ("services/api", "services/web/deep", "docs"):
        (workspace / d).mkdir(parents=True)
    (workspace / "services/api/Dockerfile").write_text("FROM node\n")
    (workspace / "services/web/deep/prod.Dockerfile").write_text("FROM node\n")
    (workspace / "services/web/README.md").write_text("FROM node\n")  # not a Dockerfile: not linted
    (workspace / "services/api/Dockerfile.md").write_text("FROM node\n")  # documentation: not linted
    (workspace / "docs/Dockerfile").write_text("FROM node\n")
    (workspace / "my file.Dockerfile").write_text("FROM node\n")
    r = run_action(workspace, tmp_path, path="services/**/*\nmy*file.Dockerfile\nnone/**/Dockerfile", select="LL101")
    files = sorted(c[1]["file"] for c in commands_of(r) if c[0] == "warning" and "file" in c[1])
    assert files == ["my file.Dockerfile", "services/api/Dockerfile", "services/web/deep/prod.Dockerfile"], r.log
    assert any(c[2] == "path pattern none/**/Dockerfile matches nothing" for c in commands_of(r))
    r = run_action(workspace, tmp_path, path="services/*", select="LL101")  # directories are searched
    assert r.outputs["findings"] == "2"


def test_files_a_glob_names_obey_the_config_s_exclude(workspace, tmp_path):
    for d in ("app", "vendor/lib"):
        (workspace / d).mkdir(parents=True)
        (workspace / d / "Dockerfile").write_text("FROM node\n")
    (workspace / ".layerlint.toml").write_text('extend-exclude = ["vendor"]\n')
    r = run_action(workspace, tmp_path, path="**/Dockerfile", select="LL101", fail_on="none")
    assert [c[1]["file"] for c in commands_of(r)] == ["app/Dockerfile"]


def test_glob_matches_leading_outside_are_skipped(workspace, tmp_path):
    (tmp_path / "secret.Dockerfile").write_text("FROM private.example/secret-image\n")
    os.symlink(tmp_path / "secret.Dockerfile", workspace / "a.Dockerfile")
    (workspace / "b.Dockerfile").write_text("FROM node\n")
    r = run_action(workspace, tmp_path, path="*.Dockerfile", select="LL101", fail_on="none")
    assert "secret-image" not in r.stdout + r.stderr + r.summary
    assert ("warning", {"title": "layerlint"}, "skipped a.Dockerfile: it leads outside the workspace") in commands_of(r)
    assert r.outputs["findings"] == "1"


def test_args_extend_select_format_and_output_file(workspace, tmp_path):
    (workspace / "Dockerfile").write_text("FROM node\nCMD [\"node\"]\n")
    r = run_action(workspace, tmp_path, select="LL101", args="--ignore 'LL101'")
    assert r.outputs["findings"] == "0"
    r = run_action(workspace, tmp_path, select="LL101", extend_select="LL516")  # opt-in: missing-healthcheck
    assert {c[1]["title"].split()[0] for c in commands_of(r) if "file" in c[1]} == {"LL101", "LL516"}
    r = run_action(workspace, tmp_path, select="LL101", format="json", output_file="out/report.json")
    assert json.loads((workspace / "out/report.json").read_text())["summary"]["findings"] == 1
    r = run_action(workspace, tmp_path, select="LL101", format="tty")
    assert any("Dockerfile:1:6: warning LL101" in line for line in r.log), r.log
    r = run_action(workspace, tmp_path, output_file="x.json")
    assert r.rc == 2 and "output-file needs a format" in r.of_level("error")[0].message
    r = run_action(workspace, tmp_path, format="github")
    assert r.rc == 2 and "format must be one of" in r.of_level("error")[0].message
    r = run_action(workspace, tmp_path, args="--select 'LL101")
    assert r.rc == 2 and "args could not be split" in r.of_level("error")[0].message


def test_a_config_error_is_an_annotation_and_in_the_summary(workspace, tmp_path):
    (workspace / "Dockerfile").write_text("FROM node\n")
    (workspace / ".layerlint.toml").write_text('select = ["LL101"]\nignore = 3\n')
    r = run_action(workspace, tmp_path)
    assert r.rc == 2
    (err,) = [a for a in commands_of(r) if a[0] == "error"]
    err = ar.Annotation(*err, "lint")
    assert err.props["file"] == ".layerlint.toml" and err.props["line"] == "2", err
    assert err.props["title"] == "layerlint could not run" and "ignore" in err.message
    assert "**layerlint could not run:**" in r.summary and "ignore" in r.summary


def test_hostile_dockerfile_cannot_inject_commands_or_outputs(workspace, tmp_path):
    (workspace / HOSTILE_NAME).write_bytes(HOSTILE.encode())
    r = run_action(workspace, tmp_path, path=HOSTILE_NAME, sarif_file="out.sarif", fail_on="none", format="tty")
    assert r.rc == 0, r.stderr
    cmds = commands_of(r)
    assert cmds and {c[0] for c in cmds} <= {"error", "warning", "notice"}
    assert all(c[1]["file"] == HOSTILE_NAME for c in cmds)
    ll201 = next(c for c in cmds if c[1]["title"].startswith("LL201"))
    assert "50%off\r::set-output name=x::y,a:b" in ll201[2] and "\n" in ll201[2]
    assert set(r.steps["lint"]) == {"findings", "exit-code", "sarif-file", "linted"}  # nothing injected
    assert int(r.outputs["findings"]) == len(cmds)
    json.loads((workspace / "out.sarif").read_text())
    assert "\r" not in r.summary
    assert any("::set-output name=x::y" in line for line in r.log)  # the tty report, shown and inert


def test_a_file_name_cannot_inject_an_old_style_command(workspace, tmp_path):
    """The runner also reads ``##[name]`` anywhere in a line; layerlint's messages name
    repository files (here a link it skips), so they reach the log only between stop-commands."""
    (tmp_path / "outside").write_text("FROM scratch\n")
    name = "Dockerfile.##[set-output name=pwned;]yes"
    os.symlink(tmp_path / "outside", workspace / name)
    (workspace / "Dockerfile").write_text(GOOD)
    r = run_action(workspace, tmp_path, select="LL101")
    assert any("skipped" in line and "set-output" in line for line in r.log), r.log  # said
    assert "pwned" not in r.steps["lint"] and r.rc == 0


def test_inputs_cannot_inject_shell(workspace, tmp_path):
    (workspace / "Dockerfile").write_text(GOOD)
    canary = tmp_path / "pwned"
    evil = f'$(touch {canary})"; touch {canary}; echo "`touch {canary}`'
    r = run_action(workspace, tmp_path, path=f"Dockerfile\n{evil}\n*$(touch {canary})*", select=evil, target=evil,
                   build_args=f"A={evil}", fail_on="none", args=f"--target {evil}", extend_select=evil)
    assert not canary.exists()
    assert r.rc == 2  # an unknown selector is a usage error, reported, not executed


# -- a pull request ------------------------------------------------------------------------------------

OLD = "".join(f"FROM node AS s{i}\nRUN echo {i}\n" for i in range(12))  # 12 warnings, 2 notices
SVC_BASE = "FROM python:3.12\nRUN apt-get update && apt-get install -y curl\nWORKDIR app\nCOPY . .\nRUN pip install flask\n"
SVC_TAIL = "FROM node\nMAINTAINER me\nEXPOSE 99999\nCMD python app.py\n"  # lines 6-9: the pull request's
# svc/: 1 error, 5 warnings, 5 notices, 6 of them on lines 6-9; old/: 12 warnings, 2 notices
SELECT = "LL101,LL102,LL312,LL315,LL316,LL406,LL407,LL409,LL502,LL509,LL512"


def git(cwd, *args):
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main",
                           *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def pull_request(repo: Path, change, files=None):
    """A repository with a base commit (``files``) and a pull request commit (``change(repo)``);
    returns the event payload GitHub sends, checked out at the head."""
    files = files if files is not None else {"old/Dockerfile": OLD, "svc/Dockerfile": SVC_BASE}
    git(repo, "init", "-q")
    for path, text in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-qb", "pr")
    change(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "pr")
    head = git(repo, "rev-parse", "HEAD")
    return {"pull_request": {"number": 1, "base": {"sha": base, "ref": "main"}, "head": {"sha": head, "ref": "pr"}}}


def add_tail(repo):
    (repo / "svc/Dockerfile").write_text(SVC_BASE + SVC_TAIL)


def test_a_pull_request_annotates_what_it_changed_first(workspace, tmp_path):
    event = pull_request(workspace, add_tail)
    # before: file order, so the 12 untouched warnings of old/ take all 10 places
    r = run_action(workspace, tmp_path / "push", select=SELECT, fail_on="none")
    assert {a.props.get("file") for a in r.of_level("warning")} == {"old/Dockerfile"}
    r = run_action(workspace, tmp_path / "pr", event_name="pull_request", event=event, select=SELECT, fail_on="none")
    assert r.rc == 0
    svc = [a for a in r.annotations if a.props.get("file") == "svc/Dockerfile"]
    assert len(svc) == 11  # 1 error, 5 warnings, 5 notices: every one is annotated ...
    assert all(a in r.shown for a in svc)  # ... and shown
    warnings = r.of_level("warning")
    assert len(warnings) == 10 and sum(a.props["file"] == "old/Dockerfile" for a in warnings) == 5
    shown_findings = [a for a in r.shown if a.props.get("file")]
    assert len(shown_findings) == 1 + 10 + 7
    (note,) = [a for a in r.of_level("notice") if a.props.get("title") == "layerlint"]
    assert note.message.startswith("7 more findings not annotated (7 warnings)")
    # the 7 are in the log, one line each, inside stop-commands: no command is read from them
    listed = [line for line in r.log if line.startswith("old/Dockerfile:") and " warning LL101 " in line]
    assert len(listed) == 7
    assert "**7 findings not annotated:**" in r.summary
    assert "6 on lines this pull request changes" in r.summary
    table = [line for line in r.summary.splitlines() if line.startswith("| ") and "Dockerfile:" in line]
    assert "svc/Dockerfile:8:8" in table[0] and "svc/Dockerfile:" in table[5]  # changed lines first


def test_changed_lines_rank_before_the_rest_of_a_changed_file():
    from layerlint.report import github
    svc = _result("svc/Dockerfile", [(3, "warning", "LL409"), (4, "warning", "LL509"), (6, "warning", "LL101"),
                                     (7, "warning", "LL407"), (9, "warning", "LL406")])
    other = _result("old/Dockerfile", [(1, "warning", "LL101")])
    changes = {"svc/Dockerfile": [(6, 8)]}
    # 8 warnings already printed by the Action: 2 places, for the changed lines (6, 7; 9 is not)
    annotated, rest = github.plan([other, svc], changes, {"warning": 8})
    assert sorted(it.finding.span.line for it in annotated) == [6, 7]
    assert [(it.result.path, it.finding.span.line) for it in rest] == [
        ("svc/Dockerfile", 3), ("svc/Dockerfile", 4), ("svc/Dockerfile", 9), ("old/Dockerfile", 1)]


def test_a_shallow_checkout_of_the_merge_commit_fetches_what_the_diff_needs(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    event = pull_request(src, add_tail)
    git(src, "checkout", "-q", "main")
    (src / "old/other.txt").write_text("the base moved on\n")
    git(src, "add", "-A")
    git(src, "commit", "-qm", "base moves")
    event["pull_request"]["base"]["sha"] = git(src, "rev-parse", "HEAD")
    git(src, "checkout", "-qb", "merge")
    git(src, "merge", "-q", "--no-ff", "pr", "-m", "merge")
    git(tmp_path, "clone", "-q", "--bare", str(src), "origin.git")
    # what actions/checkout does on pull_request: the merge commit, one commit deep
    git(tmp_path, "clone", "-q", "--depth=1", "-b", "merge", f"file://{tmp_path / 'origin.git'}", "ws")
    ws = tmp_path / "ws"
    assert git(ws, "rev-parse", "--is-shallow-repository") == "true"
    r = run_action(ws, tmp_path / "run", event_name="pull_request", event=event, select=SELECT, fail_on="none")
    assert all(a in r.shown for a in r.annotations if a.props.get("file") == "svc/Dockerfile")
    assert "6 on lines this pull request changes" in r.summary
    # and with only-changed, only svc/ is linted
    r = run_action(ws, tmp_path / "run2", event_name="pull_request", event=event, select=SELECT, fail_on="none",
                   only_changed="true")
    assert r.outputs["linted"] == "1" and {a.props.get("file") for a in r.annotations} <= {"svc/Dockerfile", None}


def test_only_changed(workspace, tmp_path):
    def change(repo):
        add_tail(repo)
        (repo / "README.md").write_text("docs\n")
        os.remove(repo / "old/Dockerfile")
        (repo / "new.Dockerfile").write_text("FROM node\n")
        (repo / "docs").mkdir()
        (repo / "docs/Dockerfile").write_text("FROM node\n")
        (repo / "docker").mkdir()
        (repo / "docker/api.prod").write_text("FROM node\n")  # named in `path`: linted whatever its name
        (repo / "docker/web.prod").write_text("FROM node\n")  # not named, not a Dockerfile name
    event = pull_request(workspace, change)
    r = run_action(workspace, tmp_path, event_name="pull_request", event=event, select="LL101", fail_on="none",
                   only_changed="true", path="svc\nnew.Dockerfile\ndocker/api.prod\ndocker/../old")
    # not docs/ (not under path), not README, not old/Dockerfile (deleted)
    assert r.outputs["linted"] == "3"
    assert sorted({a.props["file"] for a in r.annotations if "file" in a.props}) == [
        "docker/api.prod", "new.Dockerfile", "svc/Dockerfile"]
    assert "layerlint: only-changed: 3 Dockerfile(s) changed by the pull request" in r.log
    # a pull request that changes no Dockerfile: nothing to lint, a green step
    (tmp_path / "repo2").mkdir()
    event2 = pull_request(tmp_path / "repo2", lambda repo: (repo / "README.md").write_text("x\n"))
    r = run_action(tmp_path / "repo2", tmp_path / "r2", event_name="pull_request", event=event2, only_changed="true")
    assert r.rc == 0 and r.outputs["linted"] == "0" and r.outputs["findings"] == "0"
    assert "No Dockerfile under the linted paths is changed by this pull request" in r.summary
    # not a pull request: every path
    r = run_action(workspace, tmp_path / "r3", only_changed="true", select="LL101", fail_on="none")
    assert r.outputs["linted"] == "1" and int(r.outputs["findings"]) >= 3
    assert "layerlint: only-changed applies to pull requests; linting every path" in r.log


def test_only_changed_without_history_lints_everything_and_says_so(workspace, tmp_path):
    event = pull_request(workspace, add_tail)
    event["pull_request"]["base"]["sha"] = "0" * 40  # a base git cannot find or fetch (no origin)
    r = run_action(workspace, tmp_path, event_name="pull_request", event=event, only_changed="true",
                   select="LL101", fail_on="none")
    assert r.outputs["linted"] == "1"  # the default path, whole
    assert any("could not be read from git, so every path is linted" in a.message for a in r.of_level("warning"))


def test_the_action_s_own_warnings_count_against_the_limit(workspace, tmp_path):
    (workspace / "Dockerfile").write_text(OLD)
    r = run_action(workspace, tmp_path, path="Dockerfile\n/etc/passwd\n/etc/hosts", select="LL101", fail_on="none")
    warnings = r.of_level("warning", shown=False)
    assert [a.message for a in warnings[:2]] == ["skipped /etc/passwd: it leads outside the workspace",
                                                "skipped /etc/hosts: it leads outside the workspace"]
    assert len(warnings) == 10  # 2 of the Action's, 8 findings: none printed past the limit
    assert r.of_level("notice")[0].message.startswith("4 more findings not annotated")


def test_the_summary_stays_under_github_s_limit_on_a_large_repository(workspace, tmp_path):
    # 60 files x 10 findings, each message quoting a word of 400 `$`: 500 rows would be 3 MB
    word = "$" * 400
    text = "FROM alpine:3.19\n" + "".join(f"RUN pip install 'p{i}{word}'\n" for i in range(10))
    for i in range(60):
        (workspace / f"{i:03}.Dockerfile").write_text(text)
    r = run_action(workspace, tmp_path, select="LL316", fail_on="none")
    assert r.outputs["findings"] == "600"
    assert not [a for a in r.annotations if "upload aborted" in a.message]
    assert len(r.summary.encode()) <= 1000 * 1000
    assert "more not shown (a job summary is limited to 1 MiB)" in r.summary or \
           "more not shown (the table shows 500)" in r.summary


# -- the report modules, on plain data ------------------------------------------------------------------

def _result(path, findings):
    from layerlint.engine.results import FileResult, Finding
    from layerlint.syntax.model import Span
    res = FileResult(path)
    for line, sev, rule in findings:
        res.findings.append(Finding(rule, sev, path, Span(line, 1, line, 5), f"{rule} at {line}", line, title="t"))
    return res


def test_plan_budgets_and_orders(monkeypatch):
    from layerlint.report import github
    a = _result("a/Dockerfile", [(i, "warning", "LL101") for i in range(1, 13)] + [(20, "style", "LL5"), (21, "info", "LL4")])
    b = _result("b/Dockerfile", [(1, "style", "LL5"), (2, "info", "LL4"), (3, "warning", "LL101")])
    changes = {"b/Dockerfile": [(3, 3)]}
    annotated, rest = github.plan([a, b], changes)
    warn = [(it.result.path, it.finding.span.line) for it in annotated if it.level == "warning"]
    assert ("b/Dockerfile", 3) in warn and len(warn) == 10
    # notices: b's (changed file) first, info before style; one place kept for the note
    notes = [(it.result.path, it.finding.severity) for it in sorted(annotated, key=lambda it: it.rank) if it.level == "notice"]
    assert notes[:2] == [("b/Dockerfile", "info"), ("b/Dockerfile", "style")]
    assert [(it.result.path, it.finding.span.line) for it in rest][0] == ("a/Dockerfile", 10)  # by priority
    assert [it.seq for it in annotated] == sorted(it.seq for it in annotated)  # printed in file order
    # nothing over: no place is kept back
    annotated, rest = github.plan([b], changes)
    assert rest == [] and len(annotated) == 3
    # outside Actions: every finding, file order, no note
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert len(github.render([a, b], None).splitlines()) == 17


def test_the_overflow_list_is_inert_to_the_runner(monkeypatch, tmp_path):
    from layerlint.report import github
    from layerlint.engine.results import FileResult, Finding
    from layerlint.syntax.model import Span
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.delenv(github.DIFF_ENV, raising=False)
    evil = ["::error::forged", "##[set-output name=x;]y", "::stop-commands::zzz", "::endgroup::", "x\n::warning::y"]
    res = FileResult("::warning file=a::b.Dockerfile")
    for i in range(30):
        res.findings.append(Finding("LL101", "warning", res.path, Span(i + 1, 1, i + 1, 2), evil[i % 5], i + 1, title="t"))
    out = github.render([res], None)
    proc = ar.CommandProcessor("lint", [])
    proc.feed(out)
    anns = proc.sink
    assert len([a for a in anns if a.level == "warning"]) == 10 and len(anns) == 11  # + the note
    assert proc.outputs == {} and proc.stop_token is None  # resumed, nothing set
    assert sum(1 for line in proc.log if "forged" in line and not line.startswith("warning:")) == 4  # as text


def test_parse_diff():
    from layerlint.report.github import change_rank, parse_diff
    diff = ("diff --git a/Dockerfile b/Dockerfile\n--- a/Dockerfile\n+++ b/Dockerfile\n"
            "@@ -1,0 +2,2 @@ FROM x\n+++ b/evil\n+RUN b\n@@ -5 +6,0 @@\n-USER x\n"
            'diff --git "a/we\\tird" "b/we\\tird"\n--- "a/we\\tird"\n+++ "b/we\\tird\\303\\251"\n@@ -1 +1 @@\n-a\n+b\n'
            "\\ No newline at end of file\n"
            "diff --git a/gone b/gone\n--- a/gone\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"
            "diff --git a/sp ace b/sp ace\n--- a/sp ace\t\n+++ b/sp ace\t\n@@ -3 +3 @@\n-x\n+y\n")
    d = parse_diff(diff)
    assert d == {"Dockerfile": [(2, 3), (6, 7)], "we\tird\u00e9": [(1, 1)], "sp ace": [(3, 3)]}
    assert change_rank("./Dockerfile", 3, 3, d) == 0 and change_rank("Dockerfile", 4, 5, d) == 1
    assert change_rank("Dockerfile", 4, 6, d) == 0 and change_rank("other", 1, 1, d) == 2
    assert change_rank("Dockerfile", 1, 1, None) == 2


def test_the_summary_budget_and_mermaid_limits(monkeypatch, tmp_path):
    from layerlint.engine.lint_file import lint_path
    from layerlint.engine.settings import Settings
    from layerlint.report import ReportOptions, render, step_summary
    monkeypatch.chdir(tmp_path)
    big = "FROM alpine:3.19\n" + "".join(f"RUN echo {i}\n" for i in range(600))  # 600 edges
    (tmp_path / "big.Dockerfile").write_text(big)
    (tmp_path / "small.Dockerfile").write_text("FROM alpine:3.19\nRUN echo hi\n")
    results = [lint_path(p, Settings(select=["LL101"]), diagram=True) for p in ("big.Dockerfile", "small.Dockerfile")]
    text = render("summary", results, ReportOptions())
    assert "### Stages of big.Dockerfile" in text and "Too large for a Mermaid diagram" in text
    assert text.count("```mermaid") == 1  # small's
    for block in text.split("```mermaid")[1:]:
        body = block.split("```", 1)[0]
        assert len(body) <= step_summary.MERMAID_MAX_TEXT
    # rows: cut to the byte budget with a note, never past it
    many = [_result(f"f{i}.Dockerfile", [(j, "warning", "LL101") for j in range(1, 6)]) for i in range(400)]
    for r in many:
        for f in r.findings:
            f.message = "$" * 600
    text = step_summary.render(many, None, budget=200_000)
    assert len(text.encode()) <= 200_000
    assert re.search(r"_\d+ more not shown \(a job summary is limited to 1 MiB\)", text)


def test_usage_errors_become_annotations():
    from layerlint.report.github import usage_error_annotations
    from layerlint.report.step_summary import usage_error_summary
    err = ("layerlint: skipped x: it is a FIFO\n"
           f"layerlint: error: {os.getcwd()}/cfg/.layerlint.toml:3: invalid value for 'ignore'\n"
           "layerlint: error: /elsewhere/x.toml:1: bad\nlayerlint: error: unknown rule: LL9\n")
    cmds = [ar.parse_command(line) for line in usage_error_annotations(err).splitlines()]
    assert [(c.name, c.props.get("file"), c.props.get("line")) for c in cmds] == [
        ("error", "cfg/.layerlint.toml", "3"), ("error", None, None), ("error", None, None)]
    assert "unknown rule: LL9" in usage_error_summary(err)


# -- the README's workflow -------------------------------------------------------------------------------

def test_the_readme_workflow_uploads_sarif_safely_and_matches_the_action():
    text = (REPO / "README.md").read_text()
    section = text.split("## GitHub Action\n", 1)[1].split("\n## ", 1)[0]
    workflow = yaml.safe_load(section.split("```yaml\n", 1)[1].split("```", 1)[0])
    job = workflow["jobs"]["layerlint"]
    assert job["permissions"]["security-events"] == "write" and job["permissions"]["contents"] == "read"
    steps = job["steps"]
    ours = next(s for s in steps if s["uses"].startswith("layerlint/layerlint@"))
    assert set(ours["with"]) <= set(load()["inputs"])
    upload = next(s for s in steps if s["uses"].startswith("github/codeql-action/upload-sarif@"))
    assert upload["uses"].endswith("@v4")  # the current major (v3 is deprecated)
    assert upload["with"]["sarif_file"] == ours["with"]["sarif-file"]
    cond = upload["if"]
    assert "!cancelled()" in cond and "hashFiles(" in cond  # also when the lint failed, never without a file
    # a read-only token (a fork's pull request, Dependabot) cannot upload: the step is skipped there
    assert "github.event.pull_request.head.repo.full_name == github.repository" in cond
    assert "dependabot[bot]" in cond
    ctx = {"github": {"event_name": "pull_request", "repository": "o/r", "actor": "someone",
                      "event": {"pull_request": {"head": {"repo": {"full_name": "fork/r"}}}}}}
    body = re.fullmatch(r"\$\{\{(.*)\}\}", cond.strip(), re.S).group(1).replace("hashFiles('layerlint.sarif')", "'x'")
    assert ar.evaluate(body, ctx) is False  # a fork's pull request
    ctx["github"]["event"]["pull_request"]["head"]["repo"]["full_name"] = "o/r"
    assert ar.evaluate(body, ctx) is True
    ctx["github"]["event_name"] = "push"
    assert ar.evaluate(body, ctx) is True
    # every input is in the table
    table = {m for row in section.splitlines() if row.startswith("| `")
             for m in re.findall(r"`([a-z-]+)`", row.split("|")[1])}
    assert set(load()["inputs"]) <= table, sorted(set(load()["inputs"]) - table)


def test_a_pull_request_summary_says_what_it_re_runs(workspace, tmp_path):
    def edit(repo):
        (repo / "svc" / "app.py").write_text("print(2)\n")
    files = {"svc/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
                               "RUN pip install -r requirements.txt\nCOPY . .\nRUN python -m compileall .\n",
             "svc/requirements.txt": "flask==3.0.3\n", "svc/app.py": "print(1)\n"}
    event = pull_request(workspace, edit, files)
    r = run_action(workspace, tmp_path / "pr", event_name="pull_request", event=event, fail_on="none")
    assert r.rc == 0, r.log
    assert "## What this pull request re-runs" in r.summary
    assert "This change re-runs 2 of 5 steps, from line 5: app.py changed." in r.summary
    assert ":::rebuilt" in r.summary and "```mermaid" in r.summary  # the stage graph, coloured
    r = run_action(workspace, tmp_path / "off", event_name="pull_request", event=event, fail_on="none", explain="false")
    assert "What this pull request re-runs" not in r.summary
    r = run_action(workspace, tmp_path / "push", fail_on="none")  # not a pull request: nothing to compare
    assert "What this pull request re-runs" not in r.summary
