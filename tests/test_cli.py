"""The command line as a user runs it: options, exit codes, stdin, discovery, reports."""
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from .conftest import REPO

BAD = "FROM node AS tools\nFROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n"
GOOD = "FROM python:3.12-slim\nUSER nobody\nCMD [\"python\", \"-V\"]\n"


def run(*args, stdin=None, cwd=None, env=None):
    e = dict(os.environ, NO_COLOR="1")
    e.update(env or {})
    p = subprocess.run([sys.executable, "-m", "layerlint", *args], input=stdin, capture_output=True,
                       text=True, cwd=cwd, env=e, timeout=120)
    return p.returncode, p.stdout, p.stderr


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "Dockerfile").write_text(BAD)
    (tmp_path / "good.Dockerfile").write_text(GOOD)
    (tmp_path / "Containerfile").write_text(GOOD)
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "Dockerfile").write_text(BAD)
    (tmp_path / "ignored").mkdir()
    (tmp_path / "ignored" / "Dockerfile").write_text(BAD)
    (tmp_path / ".gitignore").write_text("ignored/\n")
    (tmp_path / "Dockerfile.dockerignore").write_text("*\n")
    (tmp_path / "README.md").write_text("x")
    return tmp_path


def test_example_has_three_problems_and_fixed_is_clean():
    rc, out, err = run(str(REPO / "examples" / "Dockerfile"))
    assert rc == 1, err
    assert "LL101" in out and "LL102" in out and "LL201" in out
    assert "Dockerfile:2:6" in out and "Dockerfile:11:6" in out
    rc, out, _ = run(str(REPO / "examples" / "fixed" / "Dockerfile"))
    assert rc == 0 and "Found 0 problems" in out


def test_directory_discovery_skips_vcs_deps_and_gitignored(tree):
    rc, out, _ = run("--format", "json", str(tree))
    doc = json.loads(out)
    paths = sorted(Path(f["path"]).relative_to(tree).as_posix() for f in doc["files"])
    assert paths == ["Containerfile", "bad/Dockerfile", "good.Dockerfile"]
    assert rc == 1


def test_stdin_and_stdin_filename():
    rc, out, _ = run("-", "--stdin-filename", "app/Dockerfile", "--format", "json", stdin=BAD)
    doc = json.loads(out)
    assert rc == 1 and doc["files"] == [{"path": "app/Dockerfile"}]
    assert {f["path"] for f in doc["findings"]} == {"app/Dockerfile"}
    rc, out, _ = run("-", stdin=GOOD)
    assert rc == 0


def test_select_ignore_fail_on(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text(BAD)
    rc, out, _ = run("--select", "LL101", "--format", "json", str(p))
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"LL101"}
    rc, out, _ = run("--ignore", "LL101,LL201,LL502", "--format", "json", str(p))
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"LL102"}
    assert run("--select", "DL3006", "--format", "json", str(p))[0] == 1  # hadolint codes select too
    assert run("--fail-on", "error", str(p))[0] == 0
    assert run("--fail-on", "none", str(p))[0] == 0
    assert run("--fail-on", "warning", str(p))[0] == 1
    rc, _, err = run("--select", "NOPE123", str(p))
    assert rc == 2 and "unknown rule" in err


def test_build_arg_and_target(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text("ARG BASE=python\nFROM ${BASE} AS a\nFROM alpine:3.20 AS b\n")
    rc, out, _ = run("--select", "LL101", "--format", "json", str(p))
    assert rc == 1
    rc, out, _ = run("--select", "LL101", "--build-arg", "BASE=python:3.12", str(p))
    assert rc == 0
    rc, _, _ = run("--target", "a", "--select", "LL102", "--build-arg", "BASE=python:3.12", str(p))
    assert rc == 1  # stage a is now the final image: full python is flagged
    rc, out, _ = run("--target", "nope", str(p))
    assert rc == 2 and "nope" in out


def test_parse_error_in_one_of_several_files(tmp_path):
    (tmp_path / "a.Dockerfile").write_text("FROM alpine:3.20\nRUN <<EOF\nnever closed\n")
    (tmp_path / "b.Dockerfile").write_text("FROM node\n")
    rc, out, _ = run("--format", "json", str(tmp_path / "a.Dockerfile"), str(tmp_path / "b.Dockerfile"),
                     str(tmp_path / "missing"))
    doc = json.loads(out)
    assert rc == 2
    errs = {Path(f["path"]).name: f.get("error") for f in doc["files"]}
    assert "unterminated heredoc" in errs["a.Dockerfile"] and "line 2" in errs["a.Dockerfile"]
    assert errs["b.Dockerfile"] is None and "No such file" in errs["missing"]
    assert any(f["rule"] == "LL101" for f in doc["findings"])  # b still linted
    rc, out, _ = run(str(tmp_path / "a.Dockerfile"))
    assert rc == 2 and "a.Dockerfile:2:5: error: unterminated heredoc" in out


def test_json_report_matches_schema(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text(BAD)
    _, out, _ = run("--format", "json", str(p), str(tmp_path / "missing"))
    schema = json.loads((REPO / "layerlint" / "schemas" / "report.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(out), schema)
    doc = json.loads(out)
    assert doc["version"] == "1.0" and doc["summary"]["findings"] == len(doc["findings"])


def test_tty_plain_when_piped_with_code_frame(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text(BAD)
    _, out, _ = run(str(p))
    assert "\x1b[" not in out
    assert "    4 | COPY . .\n      |      ^" in out
    assert out.strip().splitlines()[-1].startswith("Found 4 problems")  # LL101 LL102 LL201 LL502
    _, out, _ = run("-q", str(p))
    assert "|" not in out


def run_on_terminal(*args, cwd=None):
    """layerlint with its stdout on a pseudo-terminal, as in an interactive shell."""
    import pty
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    p = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "layerlint", *args], stdout=follower,
                         stderr=subprocess.PIPE, cwd=cwd, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    err = p.stderr.read().decode()
    p.wait(timeout=120)
    os.close(leader)
    mods = {line.rsplit("|", 1)[1].strip() for line in err.splitlines() if line.startswith("import time:")}
    return p.returncode, b"".join(chunks).decode().replace("\r\n", "\n"), mods


def test_tty_coloured_on_a_terminal_reads_the_same_without_rich(tmp_path):
    import re
    p = tmp_path / "Dockerfile"
    p.write_text(BAD + "FROM evil\x1b[2J\n")  # framed and quoted in LL101's message
    code, out, mods = run_on_terminal(str(p))
    assert code == 1
    assert "\x1b[33mwarning\x1b[0m \x1b[1mLL101\x1b[0m" in out and "\x1b[1;31m     ^^^^^^^^^^^\x1b[0m" in out
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert "\x1b" not in plain and "evil\\x1b[2J" in plain  # shown, not sent to the terminal
    assert plain == run(str(p))[1]
    assert "rich" not in mods and "rich.console" not in mods
    code, out, _ = run_on_terminal("--no-color", str(p))
    assert "\x1b[" not in out


def test_version_rules_and_rule_doc():
    rc, out, _ = run("--version")
    assert rc == 0 and out.startswith("layerlint ")
    rc, out, _ = run("rules")
    assert rc == 0 and "LL101" in out and "DL3006" in out
    rc, out, _ = run("rule", "LL201")
    assert rc == 0 and "## Why is this bad" in out and "## Use instead" in out
    rc, out, _ = run("rule", "DL3007")
    assert rc == 0 and "LL101" in out
    rc, _, err = run("rule", "XX1")
    assert rc == 2


def test_usage_errors_exit_2(tmp_path):
    assert run("--format", "nope", "x")[0] == 2
    rc, _, err = run(str(tmp_path))  # a directory with no Dockerfiles is fine
    assert rc == 0
    rc, out, _ = run("--format", "json", str(tmp_path / "nothere"))
    assert rc == 2


def test_config_file_and_errors(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text(BAD)
    (tmp_path / ".layerlint.toml").write_text('ignore = ["LL101"]\n[severity]\nLL201 = "error"\n')
    _, out, _ = run("--format", "json", str(p))
    rules = {f["rule"]: f["severity"] for f in json.loads(out)["findings"]}
    assert "LL101" not in rules and rules["LL201"] == "error"
    # CLI wins over the file
    _, out, _ = run("--format", "json", "--select", "LL101", "--ignore", "LL201", str(p))
    (tmp_path / ".layerlint.toml").write_text('ignore = ["LL101"]\nfail_on = "x"\n')
    rc, _, err = run(str(p))
    assert rc == 2 and "fail_on" in err and ".layerlint.toml" in err
    (tmp_path / ".layerlint.toml").write_text('ignore = [\n')
    rc, _, err = run(str(p))
    assert rc == 2 and "invalid TOML" in err


def test_pyproject_config_is_found_walking_up(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.layerlint]\nselect = ["LL101"]\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    (sub / "Dockerfile").write_text(BAD)
    _, out, _ = run("--format", "json", str(sub / "Dockerfile"))
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"LL101"}


def test_pragmas_layerlint_hadolint_and_buildkit(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text("# layerlint: ignore=LL101 legacy image\nFROM node\n# hadolint ignore=DL3007\nFROM node:latest\nFROM redis\n")
    _, out, _ = run("--format", "json", "--select", "LL101", str(p))
    assert [f["line"] for f in json.loads(out)["findings"]] == [5]
    p.write_text("# hadolint global ignore=DL3006\nFROM node\nFROM node:latest\n")
    _, out, _ = run("--format", "json", "--select", "LL101", str(p))
    assert [f["line"] for f in json.loads(out)["findings"]] == [3]
    p.write_text("# layerlint: ignore-file=LL101\nFROM node\nFROM redis\n")
    assert json.loads(run("--format", "json", str(p))[1])["summary"]["by_rule"].get("LL101") is None


def test_the_same_file_reached_twice_is_linted_and_counted_once(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine\n")
    (tmp_path / "sub").mkdir()
    os.symlink("../Dockerfile", tmp_path / "sub" / "Dockerfile.alias")
    code, out, _ = run("--format", "json", "Dockerfile", "./Dockerfile", ".", "sub/Dockerfile.alias",
                       str(tmp_path / "Dockerfile"), cwd=tmp_path)
    doc = json.loads(out)
    assert code == 1
    assert [f["path"] for f in doc["files"]] == ["Dockerfile"]  # the first name it was given
    assert doc["summary"]["files"] == 1 and doc["summary"]["by_rule"]["LL101"] == 1
