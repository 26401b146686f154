"""`layerlint explain`: JSON (validated against the shipped schema), tty, mermaid, dot, errors."""
import json
import re
from importlib import resources

import jsonschema
import pytest
from click.testing import CliRunner

from layerlint.cli.app import main
from layerlint.cache.explain import ExplainError, explain
from layerlint.report.explain import dot, mermaid, render_tty

from .conftest import FIXTURES, REPO

SCHEMA = json.loads(resources.files("layerlint").joinpath("schemas/explain.schema.json").read_text())
EXAMPLES = [REPO / "examples" / "Dockerfile", REPO / "examples" / "fixed" / "Dockerfile"]


def run(*args):
    return CliRunner().invoke(main, ["explain", *map(str, args)])


def validate(data):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)


def write(tmp_path, text, files=None, name="Dockerfile"):
    for rel, content in (files or {}).items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)
    df = tmp_path / name
    df.write_text(text)
    return df


MULTI = ("ARG BASE=python:3.12-slim\nARG UNUSED=1\nFROM ${BASE} AS deps\nWORKDIR /app\nCOPY requirements.txt ./\n"
         "RUN pip install -r requirements.txt\nFROM deps AS test\nRUN pytest\nFROM ${BASE}\nARG GIT_SHA\n"
         "WORKDIR /app\nCOPY --from=deps /usr/local /usr/local\nCOPY . .\nLABEL rev=$GIT_SHA\n"
         "CMD [\"python\", \"app.py\"]\n")


# -- JSON --------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", EXAMPLES, ids=["example", "fixed"])
def test_examples_in_every_format(path):
    res = run("--format", "json", path)
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    validate(data)
    assert data["dockerfile"] == str(path) and data["what_if"] is None
    for fmt, start in (("tty", "Dockerfile"), ("mermaid", "flowchart TD"), ("dot", "digraph")):
        res = run("--format", fmt, path)
        assert res.exit_code == 0 and res.output.startswith(start), (fmt, res.output[:200])


def test_json_shape_one_entry_per_instruction(tmp_path):
    df = write(tmp_path, MULTI, {"requirements.txt": "flask\n", "app.py": "x\n"})
    data = json.loads(run("--format", "json", df).output)
    validate(data)
    assert [g["line"] for g in data["global_args"]] == [1, 2]
    assert data["global_args"][0]["depends_on"]["used_by"] == [3, 9]
    assert "no FROM uses it" in data["global_args"][1]["reason"]
    lines = [s["line"] for st in data["stages"] for s in st["steps"]]
    assert lines == list(range(3, 16))  # every instruction of every stage, file order
    assert [(st["index"], st["name"], st["base"], st["needed"]) for st in data["stages"]] == [
        (0, "deps", "python:3.12-slim", True), (1, "test", "deps", False), (2, None, "python:3.12-slim", True)]
    assert data["target"] == "2"
    steps = {s["line"]: s for st in data["stages"] for s in st["steps"]}
    assert all(s["rebuilt"] is None for s in steps.values())
    assert steps[3]["kind"] == "from" and steps[6]["kind"] == "layer" and steps[14]["kind"] == "metadata"
    assert steps[6]["depends_on"]["cost"] == "install" and steps[6]["depends_on"]["parent"] == 5
    assert steps[5]["depends_on"]["context"] == ["requirements.txt"]
    assert steps[12]["depends_on"]["stages"] == [{"stage": "deps", "path": "/usr/local"}]
    assert steps[12]["depends_on"]["steps"] == [6, 11]
    assert steps[13]["depends_on"]["context"] == ["."]
    assert "not needed" in steps[8]["reason"]
    assert steps[6]["reason"].startswith("re-runs when any of these change: its command")


def test_json_what_if(tmp_path):
    df = write(tmp_path, MULTI, {"requirements.txt": "flask\n", "app.py": "x\n", ".dockerignore": "*.md\n"})
    prev = write(tmp_path, MULTI.replace("RUN pytest", "RUN pytest -x"), name="old.Dockerfile")
    res = run("--format", "json", "--changed", "app.py", "--changed", "README.md", "--changed-arg", "GIT_SHA",
              "--previous", prev, df)
    data = json.loads(res.output)
    validate(data)
    wi = data["what_if"]
    # the Dockerfile is inside the context and differs from the previous one: a changed file too
    assert wi["changed"] == ["app.py", "Dockerfile"] and wi["ignored"] == ["README.md"] and wi["changed_args"] == ["GIT_SHA"]
    assert wi["previous"] == str(prev) and data["dockerignore"] == str(tmp_path / ".dockerignore")
    steps = {s["line"]: s for st in data["stages"] for s in st["steps"]}
    assert steps[13]["rebuilt"] is True and steps[13]["reason"] == "app.py, Dockerfile changed"
    assert steps[12]["rebuilt"] is False and steps[6]["rebuilt"] is False
    assert steps[8]["rebuilt"] is None  # the test stage is not built
    assert steps[14]["rebuilt"] is None and steps[10]["rebuilt"] is None  # config only


def test_target_and_build_args(tmp_path):
    df = write(tmp_path, MULTI)
    data = json.loads(run("--format", "json", "--target", "test", "--build-arg", "BASE=python:3.13", df).output)
    validate(data)
    assert data["target"] == "test" and [st["needed"] for st in data["stages"]] == [True, True, False]
    assert data["stages"][0]["base"] == "python:3.13"
    data = json.loads(run("--format", "json", "--target", "deps", "--changed-arg", "BASE", df).output)
    assert data["stages"][0]["steps"][0]["rebuilt"] is True


def test_heredoc_text_and_end_line(tmp_path):
    df = write(tmp_path, "FROM a:1\nRUN <<EOF\necho hi\nEOF\nCOPY <<X /x\ndata\nX\n")
    data = json.loads(run("--format", "json", df).output)
    validate(data)
    run_step, copy_step = data["stages"][0]["steps"][1:]
    assert (run_step["line"], run_step["end_line"]) == (2, 4) and run_step["text"] == "RUN <<EOF\necho hi\nEOF"
    assert (copy_step["line"], copy_step["end_line"]) == (5, 7)


# -- tty ---------------------------------------------------------------------------------------
def test_tty_plain_and_what_if(tmp_path):
    df = write(tmp_path, MULTI, {"requirements.txt": "flask\n"})
    out = run(df).output
    assert "\x1b[" not in out
    assert "stage 0 deps  FROM python:3.12-slim" in out and "(not needed for the target: skipped)" in out
    assert "[install]" in out and "risk:" not in out.split("stage 2")[0]
    out = run("--changed", "requirements.txt", df).output
    assert "what-if: changed requirements.txt" in out
    assert re.search(r"5  COPY requirements.txt ./  \[layer\]  REBUILT", out)
    assert "requirements.txt changed" in out and "steps rebuilt" in out


def test_tty_color_uses_rich(tmp_path):
    ex = explain(str(write(tmp_path, MULTI)), changed=["app.py"])
    colored = render_tty(ex.data, color=True)
    assert "\x1b[" in colored and "REBUILT" in colored
    plain = render_tty(ex.data, color=False)
    assert re.sub(r"\x1b\[[0-9;]*m", "", colored).split() == plain.split()


# -- diagrams ----------------------------------------------------------------------------------
def test_mermaid_function_marks_risky_and_rebuilt_steps(tmp_path):
    text = ("FROM node:22 AS assets\nWORKDIR /src\nCOPY . .\nRUN npm ci && npm run build\n"
            "FROM python:3.12 AS unused\nRUN echo \"<b>\" '|x|' [y]\n"
            "FROM python:3.12\nCOPY --from=assets /src/dist ./static\n")
    ex = explain(str(write(tmp_path, text)))
    mm = mermaid(ex.diagram)
    assert mm.startswith("flowchart TD\n") and "```" not in mm
    assert re.search(r'S0_L4\["[^"]*#9888;"\]:::risk', mm)  # an install after COPY . . is at risk
    assert 'S0_L4 -.->|"COPY --from /src/dist"| S1_L8' not in mm
    assert "S0_L4 -.->|" in mm and "S2_L8" in mm and "style S1 stroke-dasharray" in mm
    for label in re.findall(r'\["([^"]*)"\]', mm):
        assert not set(label) & set('"<>|[]{}`'), label  # labels cannot break out
    ex2 = explain(str(write(tmp_path, text)), changed=["src/app.js"])
    mm2 = mermaid(ex2.diagram)
    assert ":::rebuilt" in mm2 and ":::cached" in mm2
    assert run("--format", "mermaid", "--changed", "x", tmp_path / "Dockerfile").output == mermaid(
        explain(str(tmp_path / "Dockerfile"), changed=["x"]).diagram)


def test_dot_is_well_formed(tmp_path):
    text = "FROM a:1 AS b\nRUN make \"x\"\nFROM b\nCOPY --link --from=b /o /o\n"
    ex = explain(str(write(tmp_path, text)))
    d = dot(ex.diagram)
    assert d.startswith("digraph layerlint {") and d.rstrip().endswith("}")
    assert d.count("{") == d.count("}")
    assert 'label="2: RUN make \\"x\\" [compile]"' in d and "[style=dashed]" in d and 'label="FROM"' in d


# -- errors ------------------------------------------------------------------------------------
def _one_line_error(res):
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("layerlint: error: "), res.output
    return lines[0]


def test_errors_exit_2_with_one_line(tmp_path):
    assert "cannot read Dockerfile" in _one_line_error(run(tmp_path / "missing"))
    assert "is a directory" in _one_line_error(run(tmp_path))
    assert "unterminated heredoc" in _one_line_error(run(FIXTURES / "parser" / "unterminated.Dockerfile"))
    df = write(tmp_path, "RUN echo no from\n")
    assert "no FROM" in _one_line_error(run(df))
    df = write(tmp_path, "FROM a:1\n")
    assert "nope" in _one_line_error(run("--target", "nope", df))
    assert "previous Dockerfile" in _one_line_error(run("--previous", tmp_path / "gone", df))
    assert "not a directory" in _one_line_error(run("--context", df, df))
    (tmp_path / ".dockerignore").write_text("!\n")
    assert ".dockerignore" in _one_line_error(run(df))
    (tmp_path / "u16").write_bytes("FROM a\n".encode("utf-16"))
    assert "UTF-16" in _one_line_error(run(tmp_path / "u16"))


def test_explain_api_raises(tmp_path):
    with pytest.raises(ExplainError):
        explain(str(tmp_path / "nope"))


# -- the three-valued verdict, the one-line answer, and linear output ------------------------
def test_unless_identical_verdict_in_json_and_tty(tmp_path):
    text = ("FROM a:1 AS build\nCOPY b.txt /b\nRUN echo hi > /out\nFROM a:1\nCOPY --from=build /out /out\n"
            "COPY app.py /app.py\n")
    df = write(tmp_path, text, {"b.txt": "1", "app.py": "x"})
    data = json.loads(run("--format", "json", "--changed", "b.txt", df).output)
    validate(data)
    steps = {s["line"]: s for st in data["stages"] for s in st["steps"]}
    assert steps[2]["verdict"] == "rebuilt" and steps[2]["cause_line"] == 2
    assert steps[5]["verdict"] == "unless-identical" and steps[5]["rebuilt"] is True
    assert steps[5]["cause_line"] == 3 and "comes out the same" in steps[5]["cause"]
    assert steps[1]["verdict"] == "cached" and steps[4]["verdict"] == "cached"
    s = data["what_if"]["summary"]
    assert (s["rerun"], s["certain"], s["unless_identical"], s["line"]) == (4, 2, 2, 2)
    out = run("--changed", "b.txt", df).output
    assert re.search(r"5  COPY --from=build /out /out  \[layer\]  REBUILT unless identical", out)
    assert "4 steps rebuilt (2 certain, 2 unless the files they copy come out the same)" in out
    assert "this change re-runs 4 of 4 steps, from line 2: b.txt changed" in out


def test_variable_lists_are_capped_with_totals(tmp_path):
    text = "FROM a:1\n" + "".join(f"ENV V{i}={i}\n" for i in range(30)) + "ARG A=1\nRUN echo $V3\n"
    data = json.loads(run("--format", "json", write(tmp_path, text)).output)
    validate(data)
    dep = data["stages"][0]["steps"][-1]["depends_on"]
    assert len(dep["args"]) + len(dep["env"]) == 20 and dep["env_total"] == 30 and dep["args_total"] == 1
    assert dep["env"][0] == "V3" and dep["args"] == ["A"]  # what it uses first, then the latest set
    assert "its environment (ARG A, ENV V3, ENV V29, ENV V28 (+27))" in data["stages"][0]["steps"][-1]["reason"]


def test_markdown_says_what_a_change_re_runs_and_keeps_repository_text_inert():
    from layerlint.report.explain import md_code, md_text, render_markdown
    data = {"dockerfile": "a`b<script>.Dockerfile", "stages": [{"needed": True, "steps": [
        {"line": 1, "kind": "from", "rebuilt": False}, {"line": 2, "kind": "layer", "rebuilt": False},
        {"line": 3, "kind": "layer", "rebuilt": True, "cause": "[x](http://e) *changed*", "cause_line": 3}]}],
        "what_if": {}}
    md = render_markdown([(data, None)])
    assert md.startswith("#### `` a`b<script>.Dockerfile ``") or md.startswith("#### ``a`b<script>.Dockerfile``")
    assert "This change re-runs 1 of 2 steps, from line 3: \\[x\\]\\(http://e\\) \\*changed\\*." in md
    assert md_text("<img src=x onerror=alert(1)>") == "\\<img src=x onerror=alert\\(1\\)\\>"
    assert md_code("x``y") == "```x``y```"
    quiet = dict(data, stages=[{"needed": True, "steps": [{"line": 2, "kind": "layer", "rebuilt": False}]}])
    assert "re-runs none of the 1 step" in render_markdown([(quiet, {"stages": []})])
    assert "```mermaid" not in render_markdown([(quiet, {"stages": []})])  # nothing re-runs: no graph
