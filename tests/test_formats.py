"""CI report formats: SARIF (against the official schema), GitHub workflow commands, GitLab
Code Quality, Checkstyle, JUnit and the Markdown summary; hostile text in every one of them;
``-o`` pairing and atomic writes."""
import json
import os
import re
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from layerlint.engine.settings import Settings
from layerlint.engine.lint_file import lint_path
from layerlint.report import ReportOptions, render
from layerlint.report.github import escape_data, escape_property

from . import throwaway_rules as tr
from .conftest import REPO, shared_path

OPTS = ReportOptions(tool_version="0.1.0")

# Every character that can break a report: %, CR, LF, the workflow-command prefix, property
# separators, XML/Markdown/HTML markup, quotes, control characters XML cannot hold.
HOSTILE_LABEL = ('100% ::set-output name=x::y, a:b \r::add-mask::s3cret <b>&amp;</b> "q" \'q\' '
                 '| [x](http://e/) ![i](http://e/i.png) `tick` $x$ \x1b[31m \x0b end')
HOSTILE = (
    "FROM python:3.12-slim\n"
    "WORKDIR /app\n"
    "COPY . 50%off\r::set-output name=x::y,a:b ./\n"
    "RUN <<EOF\n"
    "pip install -r requirements.txt \\\n"
    "  --no-cache-dir\n"
    "echo '::set-output name=x::y'\n"
    "EOF\n"
    f'LABEL note="{HOSTILE_LABEL}"\n'
)
HOSTILE_NAME = "we,ird:na%me.Dockerfile"


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    """Results for the hostile Dockerfile (real rules + a rule echoing labels and heredocs),
    plus a binary file that cannot be linted, run from its directory."""
    tr.register(monkeypatch, tr.ECHO)
    monkeypatch.chdir(tmp_path)
    (tmp_path / HOSTILE_NAME).write_bytes(HOSTILE.encode())
    (tmp_path / "binary.Dockerfile").write_bytes(b"FROM a\x00b\n")
    s = Settings(extend_select=["LL991"])
    results = [lint_path(HOSTILE_NAME, s, diagram=True), lint_path("binary.Dockerfile", s, diagram=True)]
    assert results[1].errors and not results[0].errors
    messages = [f.message for f in results[0].findings]
    assert any("::set-output" in m and "\r" in m for m in messages)
    assert any("\n" in m for m in messages)
    assert any("\x1b" in m for m in messages)
    return results


def _examples():
    return [lint_path(str(REPO / "examples" / "Dockerfile"), Settings())]


# -- SARIF ---------------------------------------------------------------------------------

def _sarif_validator():
    schema = json.loads(shared_path("schemas", "sarif-schema-2.1.0.json").read_text())
    return jsonschema.Draft4Validator(schema)


def test_sarif_is_valid_for_examples_and_hostile_input(hostile):
    v = _sarif_validator()
    for results in (_examples(), hostile, []):
        doc = json.loads(render("sarif", results, OPTS))
        errors = sorted(v.iter_errors(doc), key=str)
        assert not errors, errors[0]


def test_sarif_rules_results_and_regions(hostile):
    from layerlint.rules import all_rules
    doc = json.loads(render("sarif", hostile, OPTS))
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(all_rules())
    for r in rules:
        rule = all_rules()[r["id"]]
        assert r["name"] == rule.name
        assert r["shortDescription"]["text"] == rule.summary
        assert r["fullDescription"]["text"]
        assert r["help"]["markdown"].startswith(f"# {rule.code} {rule.name}")
        assert r["helpUri"].startswith("https://")
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
        for h in rule.hadolint:
            assert f"hadolint:{h}" in r["properties"]["tags"]
        for b in rule.buildkit:
            assert f"buildkit:{b}" in r["properties"]["tags"]
    findings = hostile[0].findings
    assert len(run["results"]) == len(findings)
    for res, f in zip(run["results"], findings):
        assert res["ruleId"] == f.rule and rules[res["ruleIndex"]]["id"] == f.rule
        assert res["message"]["text"] == f.message  # hostile text survives exactly
        loc = res["locations"][0]["physicalLocation"]
        # percent-encoded: a ':' left in the first segment would read as a URI scheme
        assert loc["artifactLocation"] == {"uri": "we%2Cird%3Ana%25me.Dockerfile", "uriBaseId": "%SRCROOT%"}
        reg = loc["region"]
        assert (reg["startLine"], reg["startColumn"], reg["endLine"], reg["endColumn"]) == \
            (f.span.line, f.span.column, f.span.end_line, f.span.end_column)
        assert re.fullmatch(r"[0-9a-f]{32}", res["partialFingerprints"]["layerlint/v1"])
        assert res["level"] == {"error": "error", "warning": "warning"}.get(f.severity, "note")
    inv = run["invocations"][0]
    assert inv["executionSuccessful"] is False
    (note,) = inv["toolExecutionNotifications"]
    assert note["level"] == "error" and "NUL" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "binary.Dockerfile"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///")
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_sarif_fingerprints_survive_unrelated_edits(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    body = "FROM node\nRUN true\nFROM node\nFROM ubuntu\n"
    p = tmp_path / "Dockerfile"
    p.write_text(body)
    fp = lambda: [(r["ruleId"], r["partialFingerprints"]["layerlint/v1"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
                  for r in json.loads(render("sarif", [lint_path("Dockerfile", Settings(select=["LL101"]))], OPTS))["runs"][0]["results"]]
    before = fp()
    assert len(before) == 3
    assert len({x[1] for x in before}) == 3  # two identical `FROM node` lines still differ
    p.write_text("# a comment added above\nARG X=1\n" + body.replace("RUN true", "RUN true && true"))
    after = fp()
    assert [x[1] for x in after] == [x[1] for x in before]
    assert [x[2] for x in after] == [x[2] + 2 for x in before]  # the lines moved, the identities did not


def test_sarif_carries_fixes(tmp_path, monkeypatch):
    tr.register(monkeypatch, tr.UPPER)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("from alpine:3.19\n")
    doc = json.loads(render("sarif", [lint_path("Dockerfile", Settings(select=["LL992"]))], OPTS))
    (res,) = doc["runs"][0]["results"]
    (rep,) = res["fixes"][0]["artifactChanges"][0]["replacements"]
    assert rep == {"deletedRegion": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 5},
                   "insertedContent": {"text": "FROM"}}
    assert not list(_sarif_validator().iter_errors(doc))


def test_sarif_absolute_path_outside_cwd(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "Dockerfile").write_text("FROM node\n")
    monkeypatch.chdir(tmp_path / "b")
    doc = json.loads(render("sarif", [lint_path(str(tmp_path / "a" / "Dockerfile"), Settings(select=["LL101"]))], OPTS))
    loc = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc["uri"].startswith("file:///") and "uriBaseId" not in loc


# -- GitHub workflow commands ----------------------------------------------------------------

def parse_workflow_commands(stdout: str):
    """Read a log as the Actions runner does: one command per line (CR, LF and CR LF all end a
    line), ``::name k=v,k=v::data``; returns (name, props, data) with values unescaped."""
    out = []
    for line in re.split(r"\r\n|\r|\n", stdout):
        if not line.startswith("::"):
            assert not line, f"stray output line: {line!r}"
            continue
        m = re.fullmatch(r"::([A-Za-z-]+)(?: ([^:]*))?::(.*)", line)
        assert m, f"malformed command: {line!r}"
        name, props_text, data = m.groups()
        props = {}
        for part in (props_text or "").split(","):
            if part:
                k, _, v = part.partition("=")
                props[k] = v.replace("%2C", ",").replace("%3A", ":").replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
        data = data.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
        out.append((name, props, data))
    return out


def test_github_escapes_so_nothing_can_inject_a_command(hostile):
    text = render("github", hostile, OPTS)
    assert "\r" not in text
    lines = text.splitlines()
    findings = hostile[0].findings
    assert len(lines) == len(findings) + 1  # + the binary file's error
    cmds = parse_workflow_commands(text)
    assert {c[0] for c in cmds} <= {"error", "warning", "notice"}  # no set-output, add-mask, ...
    errs = [c for c in cmds if c[1].get("title", "").startswith("layerlint:")]
    assert len(errs) == 1 and errs[0][1]["file"] == "binary.Dockerfile" and errs[0][0] == "error"
    anns = [c for c in cmds if c not in errs]
    for (level, props, data), f in zip(anns, findings):
        # exact round trip through the runner's unescaping, but for the other controls (a
        # vertical tab, ESC), which layerlint.text.printable spells out: visible, never sent
        assert data == f.message.replace("\x0b", "\\x0b").replace("\x1b", "\\x1b")
        assert props["file"] == HOSTILE_NAME
        assert props["title"] == f"{f.rule} {f.title}"
        assert int(props["line"]) == f.span.line and int(props["endLine"]) == f.span.end_line
        if f.span.end_line == f.span.line:
            assert (int(props["col"]), int(props["endColumn"])) == (f.span.column, f.span.end_column)
        else:
            assert "col" not in props and "endColumn" not in props
        assert level == {"error": "error", "warning": "warning", "info": "notice", "style": "notice"}[f.severity]


def test_github_escape_functions():
    assert escape_data("a%b\r\nc") == "a%25b%0D%0Ac"
    assert escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"
    assert escape_data("%0A") == "%250A"  # already-escaped-looking text is escaped again


def test_github_multiline_span_has_no_columns(tmp_path, monkeypatch):
    tr.register(monkeypatch, tr.ECHO)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text('FROM a:1\nLABEL x="1" \\\n  y="2"\n')
    from layerlint.engine.results import Finding
    from layerlint.syntax.model import Span
    res = lint_path("Dockerfile", Settings(select=["LL991"]))
    res.findings.append(Finding("LL991", "info", "Dockerfile", Span(2, 7, 3, 9), "multi", 2, title="echo-text"))
    ((_, props, _),) = parse_workflow_commands(render("github", [res], OPTS).splitlines()[-1])
    assert props["line"] == "2" and props["endLine"] == "3" and "col" not in props


# -- GitLab Code Quality ---------------------------------------------------------------------

# GitLab's documented shape (docs.gitlab.com, "Code Quality report format"): an array of issues,
# each with description, check_name, fingerprint, severity (one of five), location.path
# (relative) and location.lines.begin.
GITLAB_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object", "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": "^[^/]"},
                    "lines": {"type": "object", "required": ["begin"],
                              "properties": {"begin": {"type": "integer", "minimum": 1},
                                             "end": {"type": "integer", "minimum": 1}}},
                },
            },
        },
    },
}


def test_gitlab_shape_and_escaping(hostile):
    text = render("gitlab", hostile, OPTS)
    doc = json.loads(text)
    jsonschema.Draft7Validator(GITLAB_SCHEMA).validate(doc)
    assert len({i["fingerprint"] for i in doc}) == len(doc)
    blockers = [i for i in doc if i["severity"] == "blocker"]
    assert len(blockers) == 1 and blockers[0]["location"]["path"] == "binary.Dockerfile"
    issues = [i for i in doc if i["severity"] != "blocker"]
    for i, f in zip(issues, hostile[0].findings):
        assert f.message in i["description"] and i["check_name"] == f.rule
        assert i["location"]["path"] == HOSTILE_NAME
        assert i["location"]["lines"]["begin"] == f.span.line
        assert i["severity"] == {"error": "critical", "warning": "major", "info": "minor", "style": "info"}[f.severity]


def test_gitlab_paths_are_relative(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "Dockerfile").write_text("FROM node\n")
    monkeypatch.chdir(tmp_path)
    doc = json.loads(render("gitlab", [lint_path(str(tmp_path / "sub" / "Dockerfile"), Settings(select=["LL101"]))], OPTS))
    assert doc[0]["location"]["path"] == "sub/Dockerfile"


# -- Checkstyle and JUnit ----------------------------------------------------------------------

def _visible(s):
    """What the XML formats make of characters XML cannot hold."""
    return s.replace("\x1b", "\\x1b").replace("\x0b", "\\x0b")


def test_checkstyle_parses_and_keeps_text(hostile):
    root = ET.fromstring(render("checkstyle", hostile, OPTS).encode())
    assert root.tag == "checkstyle"
    files = root.findall("file")
    assert [f.get("name") for f in files] == [HOSTILE_NAME, "binary.Dockerfile"]
    errs = files[0].findall("error")
    for e, f in zip(errs, hostile[0].findings):
        assert e.get("message").startswith(_visible(f.message))  # quotes, <, &, CR, LF all intact
        assert (int(e.get("line")), int(e.get("column"))) == (f.span.line, f.span.column)
        assert e.get("source") == f"layerlint.{f.rule}"
        assert e.get("severity") in ("error", "warning", "info")
    (broken,) = files[1].findall("error")
    assert broken.get("severity") == "error" and "NUL" in broken.get("message")


def test_junit_shape_and_escaping(hostile):
    root = ET.fromstring(render("junit", hostile, OPTS).encode())
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [HOSTILE_NAME, "binary.Dockerfile"]
    total = fails = errs = 0
    for s in suites:
        cases = s.findall("testcase")
        assert int(s.get("tests")) == len(cases)
        nf = sum(len(c.findall("failure")) for c in cases)
        ne = sum(len(c.findall("error")) for c in cases)
        assert (int(s.get("failures")), int(s.get("errors"))) == (nf, ne)
        for c in cases:
            assert c.get("name") and c.get("classname")
            assert len(c.findall("failure")) + len(c.findall("error")) <= 1
        total, fails, errs = total + len(cases), fails + nf, errs + ne
    assert (int(root.get("tests")), int(root.get("failures")), int(root.get("errors"))) == (total, fails, errs)
    failures = [c.find("failure") for c in suites[0].findall("testcase")]
    for fl, f in zip(failures, hostile[0].findings):
        assert fl.get("message") == _visible(f.message) and fl.get("type") == f.rule
        assert fl.text.endswith(_visible(f.message))
    assert suites[1].find("testcase").find("error") is not None


def test_junit_clean_file_is_a_passing_case(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.19\n")
    root = ET.fromstring(render("junit", [lint_path("Dockerfile", Settings(select=["LL101"]))], OPTS))
    (case,) = root.iter("testcase")
    assert not list(case) and root.get("failures") == "0"


# -- fixes: safe or unsafe, in every report that shows them ------------------------------------------

FIXABLE_DF = "FROM alpine:3.19\nMAINTAINER me\nrun true\n"  # LL403 has a safe fix, LL407 an unsafe one


def _fixable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(FIXABLE_DF)
    res = lint_path("Dockerfile", Settings(select=["LL403", "LL407"]))
    assert {f.rule: f.fix.safe for f in res.findings} == {"LL403": True, "LL407": False}
    return res


def test_fix_safety_in_json_sarif_and_tty(tmp_path, monkeypatch):
    res = _fixable(tmp_path, monkeypatch)
    doc = json.loads(render("json", [res], OPTS))
    schema = json.loads((REPO / "layerlint" / "schemas" / "report.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(doc, schema)
    assert {f["rule"]: f["fix"]["safe"] for f in doc["findings"]} == {"LL403": True, "LL407": False}
    assert doc["summary"]["fixable"] == {"safe": 1, "unsafe": 1}
    sarif = json.loads(render("sarif", [res], OPTS))
    assert not list(_sarif_validator().iter_errors(sarif))
    fixes = {r["ruleId"]: r["fixes"][0]["properties"]["safe"] for r in sarif["runs"][0]["results"]}
    assert fixes == {"LL403": True, "LL407": False}
    tty = render("tty", [res], OPTS).splitlines()
    assert [l.rsplit(" [", 1)[1] for l in tty if ": warning LL407" in l or ": style LL403" in l] == ["unsafe fix]", "fix]"]
    assert tty[-1] == "[*] 1 fixable with --fix (1 hidden fix can be enabled with --unsafe-fixes)."
    assert render("tty", [res], ReportOptions(unsafe_fixes=True)).splitlines()[-1] == \
        "[*] 2 fixable with --fix --unsafe-fixes."
    assert render("tty", [res], ReportOptions(fix_hint=False)).splitlines()[-1].startswith("Found 2 problems")
    only_unsafe = res.replace(findings=[f for f in res.findings if f.rule == "LL407"])
    assert render("tty", [only_unsafe], OPTS).splitlines()[-1] == \
        "No fixes available with --fix (1 hidden fix can be enabled with --unsafe-fixes)."


# -- Markdown summary --------------------------------------------------------------------------

def test_summary_escapes_user_text(hostile):
    text = render("summary", hostile, OPTS)
    rows = [l for l in text.splitlines() if l.startswith("| ") and "---" not in l]
    assert len(rows) == len(hostile[0].findings) + 1  # + header
    for row in rows:
        cells = re.split(r"(?<!\\)\|", row)
        assert len(cells) == 6, row  # | a | b | c | d |: no unescaped pipe from user text
    body = "\n".join(rows[1:])
    assert "<b>" not in body and "<span>$</span>" in body
    assert "](http://e" not in body.replace("\\](http://e", "")  # no live link or image
    assert "\r" not in text and "\x1b" not in text and "\\\\x1b" in body
    assert "```mermaid" in text


def test_summary_mermaid_labels_are_inert(tmp_path, monkeypatch):
    from layerlint.report.explain import mermaid_label
    assert mermaid_label('a"]; click A call alert(1) %%{init}%%') == \
        "a#34;#93;#59; click A call alert#40;1#41; #37;#37;#123;init#125;#37;#37;"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(
        'FROM node:20 AS "b]x"\nWORKDIR /app\nCOPY . .\nRUN npm ci\nFROM python:3.12-slim\nCOPY --from=0 /a /a\n')
    res = lint_path("Dockerfile", Settings(), diagram=True)
    text = render("summary", [res], OPTS)
    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    for line in block.splitlines():
        for label in re.findall(r'\["(.*?)"\]', line):
            assert '"' not in label and "]" not in label


SUMMARY_DF = "FROM node:20 AS web\nWORKDIR /w\nCOPY . .\nRUN npm ci\nFROM python:3.12-slim\nCOPY --from=web /w/dist /s\n"


def test_summary_draws_the_diagram_the_run_attached(tmp_path, monkeypatch):
    """The summary renders from the results alone: the lint run attaches the stage diagram
    (plain data) and report.explain.mermaid, the one Mermaid drawing, draws it; rendering
    parses nothing and builds no graph or cache model."""
    import pickle

    from layerlint.cache.explain import explain
    from layerlint.report.explain import mermaid
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(SUMMARY_DF)
    assert lint_path("Dockerfile", Settings()).diagram is None  # only when asked for
    res = lint_path("Dockerfile", Settings(), diagram=True)
    assert pickle.loads(pickle.dumps(res)).diagram == res.diagram == json.loads(json.dumps(res.diagram))
    drawn = mermaid(res.diagram)
    assert drawn == mermaid(explain("Dockerfile").diagram)  # the picture `layerlint explain` draws
    assert re.search(r'S0_L4\["[^"]*#9888;"\]:::risk', drawn) and 'S0_L4 -.->|"COPY --from /w/dist"| S1_L6' in drawn

    def boom(*a, **k):
        raise AssertionError("a report re-ran the pipeline")
    import layerlint.cache.model
    import layerlint.graph
    import layerlint.syntax
    for mod, name in ((layerlint.syntax, "parse"), (layerlint.syntax, "parse_bytes"), (layerlint.graph, "build_graph"),
                      (layerlint.cache.model, "build_model")):
        monkeypatch.setattr(mod, name, boom)
    text = render("summary", [res], OPTS)
    assert "```mermaid\n" + drawn.strip() + "\n```" in text
    assert "### Stages of" not in render("summary", [res.replace(diagram=None)], OPTS)


def test_summary_diagrams_come_back_from_the_worker_pool(tmp_path, monkeypatch):
    from layerlint.engine import batch
    monkeypatch.setattr(batch, "PARALLEL_THRESHOLD", 2)
    for i in range(3):
        (tmp_path / f"{i}.Dockerfile").write_text(SUMMARY_DF)
    results = batch.run_paths([str(tmp_path)], Settings(), jobs=2, diagram=True)
    assert len(results) == 3 and all(r.diagram and r.diagram["stages"] for r in results)
    assert render("summary", results, OPTS).count("```mermaid") == 3


# -- -o pairing and atomic writes ---------------------------------------------------------------

def run_cli(*args, cwd=None):
    p = subprocess.run([sys.executable, "-m", "layerlint", *args], capture_output=True, text=True,
                       cwd=cwd, env=dict(os.environ, NO_COLOR="1"), timeout=120)
    return p.returncode, p.stdout, p.stderr


def test_output_pairing(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM node\n")
    rc, out, err = run_cli("--select", "LL101", "--format", "tty", "--format", "sarif", "-o", "r.sarif",
                           "--format", "junit", "-o", "r.xml", "Dockerfile", cwd=tmp_path)
    assert rc == 1, err
    assert "LL101" in out and not out.startswith("{")
    assert json.loads((tmp_path / "r.sarif").read_text())["version"] == "2.1.0"
    assert ET.parse(tmp_path / "r.xml").getroot().tag == "testsuites"
    # N formats, N files: nothing on stdout
    rc, out, _ = run_cli("--select", "LL101", "--format", "gitlab", "-o", "g.json", "Dockerfile", cwd=tmp_path)
    assert rc == 1 and out == "" and json.loads((tmp_path / "g.json").read_text())[0]["check_name"] == "LL101"
    # one format, no file: stdout
    rc, out, _ = run_cli("--select", "LL101", "--format", "github", "Dockerfile", cwd=tmp_path)
    assert out.startswith("::warning file=Dockerfile,")
    # two formats and no file would silently drop one: refused; so are too many files
    assert run_cli("--format", "tty", "--format", "json", "Dockerfile", cwd=tmp_path)[0] == 2
    assert run_cli("--format", "json", "-o", "a", "-o", "b", "-o", "c", "Dockerfile", cwd=tmp_path)[0] == 2


def test_output_to_unwritable_place_is_a_clean_error(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM node\n")
    rc, _, err = run_cli("--format", "sarif", "-o", str(tmp_path / "no" / "such" / "dir" / "r.sarif"),
                         "Dockerfile", cwd=tmp_path)
    assert rc == 2 and "cannot write" in err and "Traceback" not in err


def test_write_atomic_keeps_mode_and_uses_same_directory(tmp_path, monkeypatch):
    from layerlint.engine import files as fsutil
    target = tmp_path / "report.sarif"
    target.write_text("old")
    os.chmod(target, 0o640)
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append((os.path.dirname(os.path.abspath(src)), os.path.abspath(dst)))
        assert stat.S_IMODE(os.stat(src).st_mode) == 0o640  # mode set before the rename
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    fsutil.write_atomic(str(target), "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert seen == [(str(tmp_path), str(target))]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.sarif"]


def test_write_atomic_syncs_the_file_then_its_directory(tmp_path, monkeypatch):
    from layerlint.engine import files as fsutil
    synced = []
    real_fsync = os.fsync

    def spy(fd):
        st = os.fstat(fd)
        synced.append(("dir" if stat.S_ISDIR(st.st_mode) else "file", st.st_ino))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    fsutil.write_atomic(str(tmp_path / "out.json"), "{}")
    assert [kind for kind, _ in synced] == ["file", "dir"]
    assert synced[1][1] == os.stat(tmp_path).st_ino


@pytest.mark.parametrize("stage", ["write", "fsync", "replace"])
def test_write_atomic_killed_midway_leaves_old_file(tmp_path, monkeypatch, stage):
    from layerlint.engine import files as fsutil
    target = tmp_path / "report.json"
    target.write_text("old content")

    def killed(*a, **k):
        raise KeyboardInterrupt  # what SIGINT does mid-write

    if stage == "fsync":
        monkeypatch.setattr(os, "fsync", killed)
    elif stage == "replace":
        monkeypatch.setattr(os, "replace", killed)
    else:
        real_fdopen = os.fdopen

        class Dying:
            def __init__(self, f):
                self.f = f

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.f.close()

            def write(self, data):
                self.f.write(data[: len(data) // 2])
                self.f.flush()
                raise KeyboardInterrupt

        monkeypatch.setattr(os, "fdopen", lambda fd, mode: Dying(real_fdopen(fd, mode)))
    with pytest.raises(KeyboardInterrupt):
        fsutil.write_atomic(str(target), "new content " * 1000)
    assert target.read_text() == "old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temp file left


def test_write_atomic_sigkill_leaves_old_or_new(tmp_path):
    """A real SIGKILL at a random moment: the file is always whole (old or new)."""
    import signal
    target = tmp_path / "out.txt"
    old, new = "O" * 200_000, "N" * 2_000_000
    target.write_text(old)
    script = ("import sys; from layerlint.engine.files import write_atomic\n"
              "while True: write_atomic(sys.argv[1], sys.argv[2] * 2_000_000)\n")
    for delay in (0.05, 0.15, 0.3):
        p = subprocess.Popen([sys.executable, "-c", script, str(target), "N"])
        try:
            p.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            pass
        p.send_signal(signal.SIGKILL)
        p.wait()
        assert target.read_text() in (old, new)
