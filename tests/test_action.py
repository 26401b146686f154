"""The GitHub Action (action.yml), checked against the metadata rules and then run the way
the Actions runner runs a composite action: each ``run`` step through ``bash --noprofile
--norc -eo pipefail`` with ``${{ }}`` expressions evaluated, ``GITHUB_*`` variables set, a
fresh ``GITHUB_OUTPUT`` file per step and one ``GITHUB_STEP_SUMMARY``.  The pip install step
is replaced by this checkout's own installed layerlint (same code, no network)."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

from .conftest import REPO, SHARED
from .test_formats import HOSTILE, HOSTILE_NAME, parse_workflow_commands

ACTION = REPO / "action.yml"
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def load():
    return yaml.safe_load(ACTION.read_text())


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
        for key in s:
            assert key in {"id", "name", "run", "shell", "env", "working-directory", "uses", "with",
                           "if", "continue-on-error"}, key
    for name, spec in a["inputs"].items():
        assert ID.match(name), name
        assert spec.get("description")
        assert isinstance(spec.get("default", ""), str)
    expressions = [m for s in steps for v in (s.get("env") or {}).values() for m in EXPR.findall(str(v))]
    for e in expressions:
        if e.startswith("inputs."):
            assert e.split(".", 1)[1] in a["inputs"], e
        elif e.startswith("steps."):
            sid = e.split(".")[1]
            assert sid in ids and ids.index(sid) < [s.get("id") for s in steps].index(
                next(s.get("id") for s in steps if e in str(s.get("env")))), e
        else:
            assert e in ("github.action_path", "github.workspace", "runner.temp"), e
    assert set(a["inputs"]) >= {"path", "config", "fail-on", "select", "ignore", "build-args", "target",
                                "sarif-file", "version"}
    assert a["inputs"]["path"]["default"] == "."
    for name, spec in a["outputs"].items():
        assert ID.match(name) and spec.get("description")
        (e,) = EXPR.findall(spec["value"])
        _, sid, kind, out = e.split(".")
        assert kind == "outputs" and sid in ids
        script = next(s["run"] for s in steps if s.get("id") == sid)
        assert f"{out}=" in script  # the step writes it to $GITHUB_OUTPUT
    assert "findings" in a["outputs"]


def test_install_step_pins_to_the_action_ref():
    install = next(s for s in load()["runs"]["steps"] if s.get("id") == "install")
    assert install["env"]["LAYERLINT_ACTION_PATH"] == "${{ github.action_path }}"
    assert 'pip install --disable-pip-version-check --quiet "$LAYERLINT_ACTION_PATH"' in install["run"]


# -- running it --------------------------------------------------------------------------------

def _read_outputs(path: Path) -> dict:
    out, lines, i = {}, path.read_text().split("\n") if path.exists() else [], 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delim = line.split("<<", 1)
            val = []
            while lines[i] != delim:
                val.append(lines[i])
                i += 1
            i += 1
            out[key] = "\n".join(val)
        elif "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
    return out


def run_action(workspace: Path, tmp: Path, **inputs):
    """Run action.yml's steps as the runner would; returns a dict with rc, stdout, stderr,
    outputs (the action's), step_outputs, summary."""
    a = load()
    values = {k: str(v.get("default", "")) for k, v in a["inputs"].items()}
    values.update({k.replace("_", "-"): v for k, v in inputs.items()})
    runner_temp = tmp / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    summary = tmp / "step-summary.md"
    summary.write_text("")
    steps_out: dict[str, dict] = {}
    ctx = {"github.action_path": str(REPO), "github.workspace": str(workspace), "runner.temp": str(runner_temp)}

    def evaluate(text: str) -> str:
        def one(m):
            e = m.group(1)
            if e.startswith("inputs."):
                return values[e[len("inputs."):]]
            if e.startswith("steps."):
                _, sid, _, name = e.split(".")
                return steps_out.get(sid, {}).get(name, "")
            return ctx[e]
        return EXPR.sub(one, text)

    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_", "INPUT_"))}
    base_env.update({"CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace),
                     "GITHUB_ACTION_PATH": str(REPO), "RUNNER_TEMP": str(runner_temp),
                     "GITHUB_STEP_SUMMARY": str(summary), "NO_COLOR": "1"})
    stdout, stderr, rc = "", "", 0
    for n, step in enumerate(a["runs"]["steps"]):
        out_file = tmp / f"output-{n}"
        out_file.write_text("")
        if step.get("id") == "install":
            # instead of `pip install <action_path>`: this checkout, already installed
            bindir = Path(sys.executable).parent
            out_file.write_text(f"layerlint={bindir / 'layerlint'}\npython={sys.executable}\n")
        else:
            env = dict(base_env, GITHUB_OUTPUT=str(out_file))
            env.update({k: evaluate(str(v)) for k, v in (step.get("env") or {}).items()})
            script = tmp / f"step-{n}.sh"
            script.write_text(step["run"])
            p = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                               cwd=workspace, env=env, capture_output=True, text=True, timeout=300)
            stdout += p.stdout
            stderr += p.stderr
            rc = p.returncode
        if step.get("id"):
            steps_out[step["id"]] = _read_outputs(out_file)
        if rc != 0:
            break
    outputs = {k: evaluate(v["value"]) for k, v in a["outputs"].items()}
    return {"rc": rc, "stdout": stdout, "stderr": stderr, "outputs": outputs, "steps": steps_out,
            "summary": summary.read_text()}


GOOD = 'FROM python:3.12-slim\nUSER nobody\nCMD ["python", "-V"]\n'
BAD = ("FROM node AS assets\nWORKDIR /src\nCOPY . .\nRUN npm ci\n"
       "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n"
       "COPY --from=assets /src/dist ./static\nUSER nobody\nCMD [\"python\", \"app.py\"]\n")


@pytest.fixture
def workspace(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    return ws


def test_clean_repository_passes(workspace, tmp_path):
    (workspace / "Dockerfile").write_text(GOOD)
    r = run_action(workspace, tmp_path, select="LL101,LL201")
    assert r["rc"] == 0, r["stderr"]
    assert r["outputs"]["findings"] == "0" and r["outputs"]["exit-code"] == "0"
    assert parse_workflow_commands(r["stdout"]) == []
    assert "No problems in 1 file." in r["summary"]


def test_findings_annotations_sarif_summary_and_failure(workspace, tmp_path):
    (workspace / "svc").mkdir()
    (workspace / "svc" / "Dockerfile").write_text(BAD)
    (workspace / "Dockerfile").write_text(GOOD)
    r = run_action(workspace, tmp_path, sarif_file="reports/layerlint.sarif", select="LL101\nLL201")
    assert r["rc"] == 1
    assert r["outputs"]["exit-code"] == "1"
    cmds = parse_workflow_commands(r["stdout"])
    assert int(r["outputs"]["findings"]) == len(cmds) == 3
    levels = {(c[1]["file"], c[1]["line"], c[1]["title"], c[0]) for c in cmds}
    assert ("svc/Dockerfile", "1", "LL101 missing-tag", "warning") in levels
    assert ("svc/Dockerfile", "3", "LL201 copy-order-busts-cache", "warning") in levels
    assert all("col" in c[1] and "endColumn" in c[1] for c in cmds)
    sarif = json.loads((workspace / "reports" / "layerlint.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) == 3
    assert r["outputs"]["sarif-file"] == "reports/layerlint.sarif"
    schema = SHARED / "schemas" / "sarif-schema-2.1.0.json"
    if schema.exists():
        import jsonschema
        jsonschema.Draft4Validator(json.loads(schema.read_text())).validate(sarif)
    s = r["summary"]
    assert "**3 problems**" in s and "| Severity | Rule | Location | Message |" in s
    assert "```mermaid" in s and "flowchart" in s
    assert "svc/Dockerfile:3:6" in s
    # the cache-risk step is marked in the diagram (by explain.mermaid or the fallback)
    mermaid = s.split("```mermaid", 1)[1].split("```", 1)[0]
    assert "risk" in mermaid.lower()


def test_fail_on_and_the_count(workspace, tmp_path):
    (workspace / "Dockerfile").write_text(BAD)
    r = run_action(workspace, tmp_path, fail_on="none", select="LL101")
    assert r["rc"] == 0 and r["outputs"]["findings"] == "1"
    r = run_action(workspace, tmp_path, fail_on="error", select="LL101")
    assert r["rc"] == 0 and r["outputs"]["exit-code"] == "0"
    r = run_action(workspace, tmp_path, fail_on="warning", ignore="LL101", select="LL1")
    assert r["rc"] == 0 and r["outputs"]["findings"] == "0"


def test_build_args_target_config_and_paths(workspace, tmp_path):
    (workspace / "a").mkdir()
    (workspace / "b").mkdir()
    (workspace / "a" / "Dockerfile").write_text("ARG BASE\nFROM ${BASE} AS build\nRUN true\nFROM alpine:3.19\n")
    (workspace / "b" / "Dockerfile").write_text("FROM node\n")
    r = run_action(workspace, tmp_path, path="a", select="LL101", build_args="BASE=node")
    assert r["outputs"]["findings"] == "1"  # ${BASE} resolved: untagged node
    r = run_action(workspace, tmp_path, path="a", select="LL101", build_args="X=1\nBASE=node:20")
    assert r["outputs"]["findings"] == "0"
    r = run_action(workspace, tmp_path, path="a", select="LL101", build_args="X=1, BASE=node:20")
    assert r["outputs"]["findings"] == "0"
    r = run_action(workspace, tmp_path, path="a\nb\n", select="LL101", build_args="BASE=node")
    assert r["outputs"]["findings"] == "2"
    r = run_action(workspace, tmp_path, path="a", target="nope")
    assert r["rc"] == 2 and r["outputs"]["exit-code"] == "2"
    (workspace / "strict.toml").write_text('ignore = ["LL101"]\n')
    r = run_action(workspace, tmp_path, path="b", select="LL101", config="strict.toml")
    assert r["outputs"]["findings"] == "0"


def test_hostile_dockerfile_cannot_inject_commands_or_outputs(workspace, tmp_path):
    (workspace / HOSTILE_NAME).write_bytes(HOSTILE.encode())
    r = run_action(workspace, tmp_path, path=HOSTILE_NAME, sarif_file="out.sarif", fail_on="none")
    assert r["rc"] == 0, r["stderr"]
    cmds = parse_workflow_commands(r["stdout"])  # fails on any stray or malformed line
    assert cmds and {c[0] for c in cmds} <= {"error", "warning", "notice"}
    assert all(c[1]["file"] == HOSTILE_NAME for c in cmds)
    ll201 = next(c for c in cmds if c[1]["title"].startswith("LL201"))
    assert "50%off\r::set-output name=x::y,a:b" in ll201[2] and "\n" in ll201[2]
    assert set(r["steps"]["lint"]) == {"findings", "exit-code", "sarif-file"}  # nothing injected
    assert int(r["outputs"]["findings"]) == len(cmds)
    json.loads((workspace / "out.sarif").read_text())
    assert "\r" not in r["summary"]


def test_inputs_cannot_inject_shell(workspace, tmp_path):
    (workspace / "Dockerfile").write_text(GOOD)
    canary = tmp_path / "pwned"
    evil = f'$(touch {canary})"; touch {canary}; echo "`touch {canary}`'
    r = run_action(workspace, tmp_path, path=f"Dockerfile\n{evil}", select=evil, target=evil,
                   build_args=f"A={evil}", fail_on="none")
    assert not canary.exists()
    assert r["rc"] == 2  # an unknown selector is a usage error, reported, not executed
