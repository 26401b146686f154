"""How a team adopts layerlint (#16): each file's own config, hadolint and BuildKit names in it,
and hadolint codes that select exactly that hadolint rule's findings."""
import json
import os
import subprocess
import sys

import pytest

UNPINNED = "FROM ubuntu\nFROM alpine:latest\nRUN apt-get install -y curl && apk add wget\n"


def run(*args, cwd=None):
    p = subprocess.run([sys.executable, "-m", "layerlint", *args], capture_output=True, text=True, cwd=cwd,
                       env=dict(os.environ, NO_COLOR="1"), timeout=120)
    return p.returncode, p.stdout, p.stderr


def found(*args, cwd=None):
    """(path, rule, line, severity) of each finding of a JSON run, and its exit code."""
    rc, out, err = run("--format", "json", *args, cwd=cwd)
    doc = json.loads(out)
    return rc, sorted((f["path"], f["rule"], f["line"], f["severity"]) for f in doc["findings"]), doc


# -- each file its nearest config -----------------------------------------------------------------
@pytest.fixture
def nested(tmp_path):
    for d in ("", "sub", "sub/deep", "other"):
        (tmp_path / d).mkdir(exist_ok=True)
        (tmp_path / d / "Dockerfile").write_text("FROM ubuntu\nRUN apt-get install -y curl\n")
    (tmp_path / ".layerlint.toml").write_text('ignore = ["LL101"]\n')
    (tmp_path / "sub" / "pyproject.toml").write_text('[tool.layerlint]\nignore = ["LL315"]\n')
    return tmp_path


def rules_by_file(findings):
    out = {}
    for path, rule, _, _ in findings:
        out.setdefault(path.removeprefix("./"), set()).add(rule)
    return out


def test_each_file_uses_its_nearest_config_whatever_the_order(nested):
    runs = [found(".", cwd=nested)[1], found("sub/deep/Dockerfile", "Dockerfile", "sub/Dockerfile", cwd=nested)[1],
            found("Dockerfile", "sub/Dockerfile", "sub/deep/Dockerfile", cwd=nested)[1]]
    by_file = [rules_by_file(r) for r in runs]
    assert by_file[1] == by_file[2]
    assert {k: v for k, v in by_file[0].items() if k != "other/Dockerfile"} == by_file[1]
    top, sub, deep = by_file[1]["Dockerfile"], by_file[1]["sub/Dockerfile"], by_file[1]["sub/deep/Dockerfile"]
    assert "LL101" not in top and "LL315" in top  # the root config
    assert "LL315" not in sub and "LL101" in sub  # the nearest one replaces it, as in ruff
    assert deep == sub
    assert "LL101" not in by_file[0]["other/Dockerfile"]  # no config of its own: the root one


def test_a_broken_nested_config_is_that_files_error_and_the_rest_is_linted(nested):
    (nested / "other" / ".layerlint.toml").write_text('ignore = ["LL101"]\nfail-on = "sometimes"\n')
    rc, findings, doc = found(".", cwd=nested)
    assert rc == 2
    errors = {f["path"]: f for f in doc["files"] if "error" in f}
    assert list(errors) == ["other/Dockerfile"]
    assert "other/.layerlint.toml:2" in errors["other/Dockerfile"]["error"]
    assert {p for p, *_ in findings} == {"Dockerfile", "sub/Dockerfile", "sub/deep/Dockerfile"}


def test_config_names_one_config_for_every_file(nested):
    (nested / "only.toml").write_text('select = ["LL101"]\n')
    _, findings, _ = found("--config", "only.toml", ".", cwd=nested)
    assert {r for _, r, _, _ in findings} == {"LL101"} and len(findings) == 4


def test_the_command_line_is_over_every_files_config(nested):
    _, findings, _ = found("--ignore", "LL312,LL502", "--extend-select", "LL516", ".", cwd=nested)
    by_file = rules_by_file(findings)
    assert by_file["Dockerfile"] == {"LL315", "LL516"} and by_file["sub/Dockerfile"] == {"LL101", "LL516"}


# -- hadolint and BuildKit names in the config ----------------------------------------------------
def test_the_config_takes_hadolint_codes_and_buildkit_names(tmp_path):
    (tmp_path / "Dockerfile").write_text(UNPINNED + "CMD echo hi\n")
    (tmp_path / ".layerlint.toml").write_text(
        'ignore = ["DL3008", "JSONArgsRecommended"]\n'
        '[severity]\nDL3007 = "error"\nDL3018 = "warning"\nFromAsCasing = "style"\n'
        '[rules.DL3026]\nregistries = ["docker.io"]\n')
    rc, findings, _ = found("--extend-select", "LL104", "Dockerfile", cwd=tmp_path)
    assert rc == 1
    got = {(r, ln, sev) for _, r, ln, sev in findings}
    assert ("LL101", 1, "warning") in got and ("LL101", 2, "error") in got  # DL3006 as it was, DL3007 raised
    assert ("LL315", 3, "warning") in got  # apk (DL3018)
    assert not [f for f in got if f[0] == "LL315" and f[2] != "warning"]  # apt-get's (DL3008) is ignored
    assert not [f for f in got if f[0] == "LL406"]  # JSONArgsRecommended
    assert not [f for f in got if f[0] == "LL104"]  # docker.io is trusted through DL3026's table


@pytest.mark.parametrize("table", ['[severity]\nDL9999 = "error"\n', '[rules.DL3008]\nnope = 1\n'])
def test_a_wrong_hadolint_key_is_still_a_config_error(tmp_path, table):
    (tmp_path / "Dockerfile").write_text(UNPINNED)
    (tmp_path / ".layerlint.toml").write_text(table)
    rc, out, err = run("Dockerfile", cwd=tmp_path)
    assert rc == 2 and out == "" and ".layerlint.toml:2" in err, (out, err)


# -- a hadolint code is exactly that hadolint rule ------------------------------------------------
@pytest.mark.parametrize("args, expected", [
    (["--ignore", "DL3007"], {("LL101", 1), ("LL315", 3), ("LL315", 3)}),  # untagged (DL3006) stays
    (["--ignore", "DL3006"], {("LL101", 2), ("LL315", 3)}),
    (["--ignore", "DL3006,DL3007"], {("LL315", 3)}),  # all of LL101's codes: the rule is off
    (["--ignore", "DL3008"], {("LL101", 1), ("LL101", 2), ("LL315", 3)}),  # apk's (DL3018) stays
    (["--select", "DL3018"], {("LL315", 3)}),
    (["--select", "DL3007"], {("LL101", 2)}),
    (["--select", "DL3007,LL101"], {("LL101", 1), ("LL101", 2)}),  # the whole rule is selected too
])
def test_a_hadolint_code_selects_exactly_its_findings(tmp_path, args, expected):
    (tmp_path / "Dockerfile").write_text(UNPINNED)
    select = [] if "--select" in args else ["--select", "LL101,LL315"]
    _, findings, _ = found(*select, *args, "Dockerfile", cwd=tmp_path)
    assert {(r, ln) for _, r, ln, _ in findings} == expected
    if args == ["--ignore", "DL3008"]:
        assert [f for f in findings if f[1] == "LL315"][0][2] == 3 and len([f for f in findings if f[1] == "LL315"]) == 1


def test_severity_by_hadolint_code_is_more_specific_than_the_rule(tmp_path):
    (tmp_path / "Dockerfile").write_text(UNPINNED)
    (tmp_path / ".layerlint.toml").write_text('[severity]\nLL101 = "info"\nDL3007 = "error"\n')
    _, findings, _ = found("--select", "LL101", "Dockerfile", cwd=tmp_path)
    assert [(ln, sev) for _, _, ln, sev in findings] == [(1, "info"), (2, "error")]


# -- what is linted: exclude, documentation and templates -----------------------------------------
@pytest.fixture
def repo(tmp_path):
    files = ["Dockerfile", "docs/Dockerfile.md", "docs/Dockerfile", "tmpl/Dockerfile.j2", "tmpl/Dockerfile.tmpl",
             "legacy/Dockerfile", "ci/build.Dockerfile", "ci/Dockerfile.orig", "node_modules/x/Dockerfile",
             "app/Dockerfile.prod"]
    for f in files:
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_text("FROM ubuntu\n")
    return tmp_path


def linted(*args, cwd):
    _, _, doc = found("--select", "LL101", *args, cwd=cwd)
    return sorted(f["path"] for f in doc["files"])


def test_discovery_leaves_out_documentation_templates_and_leftovers(repo):
    assert linted(".", cwd=repo) == ["Dockerfile", "app/Dockerfile.prod", "ci/build.Dockerfile", "docs/Dockerfile",
                                     "legacy/Dockerfile"]
    assert linted("docs/Dockerfile.md", cwd=repo) == ["docs/Dockerfile.md"]  # named: linted as named


@pytest.mark.parametrize("config, args, expected", [
    ('extend-exclude = ["legacy", "docs/*"]\n', [], ["Dockerfile", "app/Dockerfile.prod", "ci/build.Dockerfile"]),
    ('exclude = ["ci"]\n', [], ["Dockerfile", "app/Dockerfile.prod", "docs/Dockerfile", "legacy/Dockerfile",
                               "node_modules/x/Dockerfile"]),  # replaces the defaults, as in ruff
    ("", ["--extend-exclude", "*.prod,legacy"], ["Dockerfile", "ci/build.Dockerfile", "docs/Dockerfile"]),
    ("", ["--exclude", "app/**"], ["Dockerfile", "ci/build.Dockerfile", "docs/Dockerfile", "legacy/Dockerfile",
                                   "node_modules/x/Dockerfile"]),
])
def test_exclude_and_extend_exclude(repo, config, args, expected):
    (repo / ".layerlint.toml").write_text(config)
    assert linted(*args, ".", cwd=repo) == expected


def test_named_files_are_excluded_only_with_force_exclude(repo):
    (repo / ".layerlint.toml").write_text('extend-exclude = ["legacy"]\n')
    named = ["Dockerfile", "legacy/Dockerfile"]
    assert linted(*named, cwd=repo) == named
    assert linted("--force-exclude", *named, cwd=repo) == ["Dockerfile"]
    (repo / ".layerlint.toml").write_text('extend-exclude = ["legacy"]\nforce-exclude = true\n')
    assert linted(*named, cwd=repo) == ["Dockerfile"]


def test_the_pre_commit_hooks_apply_the_exclude_globs():
    from pathlib import Path
    import yaml
    hooks = yaml.safe_load((Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml").read_text())
    assert all("--force-exclude" in h["entry"].split() for h in hooks)


# -- command line ----------------------------------------------------------------------------------
def test_severity_overrides_on_the_command_line(tmp_path):
    (tmp_path / "Dockerfile").write_text(UNPINNED)
    _, findings, _ = found("--select", "LL101,LL315", "--error", "DL3006", "--severity", "DL3018=style,LL101=info",
                           "Dockerfile", cwd=tmp_path)
    assert [(r, ln, sev) for _, r, ln, sev in findings] == [
        ("LL101", 1, "error"), ("LL101", 2, "info"), ("LL315", 3, "info"), ("LL315", 3, "style")]


@pytest.mark.parametrize("args, says", [
    (["--severity", "LL101"], "give RULE=LEVEL"), (["--severity", "LL101=loud"], "the level is one of"),
    (["--warning", "LL999"], "unknown rule 'LL999'"), (["--require-label", "nocolon"], "give NAME:TYPE"),
    (["--require-label", "a:nope"], "expected one of"),
])
def test_bad_command_line_values_are_one_line(tmp_path, args, says):
    (tmp_path / "Dockerfile").write_text(UNPINNED)
    rc, out, err = run(*args, "Dockerfile", cwd=tmp_path)
    assert rc == 2 and out == "" and err.count("\n") == 1 and says in err, err


def test_trusted_registry_and_require_label_flags(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM ghcr.io/o/base:1\nFROM docker.io/library/alpine:3.19\n"
                                         'LABEL maintainer="a@b.c"\n')
    _, findings, doc = found("--select", "LL104,LL515", "--trusted-registry", "ghcr.io", "--require-label",
                             "maintainer:email", "--require-label", "org.opencontainers.image.source:url",
                             "Dockerfile", cwd=tmp_path)
    assert [(r, ln) for _, r, ln, _ in findings] == [("LL104", 2), ("LL515", 2)]
    assert "org.opencontainers.image.source" in next(f["message"] for f in doc["findings"] if f["rule"] == "LL515")


def test_exit_zero_statistics_and_quiet(tmp_path):
    (tmp_path / "Dockerfile").write_text(UNPINNED)
    rc, out, _ = run("--exit-zero", "--statistics", "Dockerfile", cwd=tmp_path)
    assert rc == 0
    rows = [line.split()[:3] for line in out.splitlines()]
    assert ["2", "LL101", "missing-tag"] in rows and ["2", "LL315", "os-package-unpinned"] in rows
    rc, out, _ = run("--statistics", "--format", "json", "Dockerfile", cwd=tmp_path)
    assert rc == 1 and {r["code"]: r["count"] for r in json.loads(out)["rules"]}["LL101"] == 2
    rc, out, _ = run("-q", "--select", "LL101", "Dockerfile", cwd=tmp_path)
    assert rc == 1 and out.splitlines() == [
        "Dockerfile:1:6: warning LL101 [missing-tag] Image ubuntu has no tag, so it means `latest`; pin a version "
        "(e.g. ubuntu:<version>)",
        "Dockerfile:2:13: warning LL101 [missing-tag] Image alpine:latest uses the floating `latest` tag; pin a "
        "version (e.g. alpine:<version>)"]
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "Dockerfile").write_bytes(b"FROM a\x00\n")
    rc, out, _ = run("--exit-zero", "-q", ".", cwd=tmp_path)
    assert rc == 2  # an error is never zero


@pytest.mark.parametrize("fmt", ["json", "checkstyle", "tty"])
def test_paths_are_relative_without_dot_slash_in_every_report(tmp_path, fmt):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "Dockerfile").write_text(UNPINNED)
    rc, out, _ = run("--format", fmt, "--select", "LL101", ".", cwd=tmp_path)
    assert "./sub" not in out and "sub/Dockerfile" in out
    rc, out2, _ = run("--format", fmt, "--select", "LL101", str(tmp_path / "sub" / "Dockerfile"), cwd=tmp_path)
    assert str(tmp_path) not in out2 and "sub/Dockerfile" in out2


# -- BuildKit's own switches ----------------------------------------------------------------------
@pytest.mark.parametrize("directive, expected", [
    ("# check=error=true", {("LL401", 2, "error"), ("LL406", 3, "error"), ("LL502", 2, "info")}),
    ("# check=skip=FromAsCasing;error=true", {("LL406", 3, "error"), ("LL502", 2, "info")}),
    ("# check=skip=all;error=true", {("LL502", 2, "info")}),  # BuildKit's checks only: LL502 is not one
    ("# check=error=false", {("LL401", 2, "style"), ("LL406", 3, "warning"), ("LL502", 2, "info")}),
])
def test_check_error_true_makes_buildkits_checks_errors(tmp_path, directive, expected):
    (tmp_path / "Dockerfile").write_text(f"{directive}\nFROM ubuntu:22.04 as base\nCMD echo hi\n")
    _, findings, _ = found("--select", "LL401,LL406,LL502", "Dockerfile", cwd=tmp_path)
    assert {(r, ln, sev) for _, r, ln, sev in findings} == expected


@pytest.mark.parametrize("line", ["FROM a b c", "FROM a b", "FROM a as", "FROM a AS b c", "FROM --platform=x a b"])
def test_from_with_the_wrong_number_of_arguments_is_buildkits_error(tmp_path, line):
    (tmp_path / "Dockerfile").write_text(f"{line}\nRUN echo hi\n")
    rc, findings, doc = found("--select", "ALL", "Dockerfile", cwd=tmp_path)
    assert rc == 2 and doc["files"][0]["errors"] == [
        {"line": 1, "column": 1, "message": "FROM requires either one or three arguments (FROM image [AS name])"}]
    assert not [f for f in findings if f[1] == "LL401"]  # not a casing warning


@pytest.mark.parametrize("line", ["FROM a", "FROM a AS b", "FROM a as b", "FROM --platform=$X a AS b"])
def test_from_with_one_or_three_arguments_is_fine(tmp_path, line):
    (tmp_path / "Dockerfile").write_text(f"{line}\n")
    rc, _, doc = found("--select", "LL401", "Dockerfile", cwd=tmp_path)
    assert rc == 0 and "errors" not in doc["files"][0]


# -- migrating from hadolint ----------------------------------------------------------------------
HADOLINT_YAML = """\
failure-threshold: warning
ignored:
  - DL3008
  - DL3015
override:
  error:
    - DL3007
  style: [DL3018]
trustedRegistries: docker.io
label-schema:
  maintainer: email
  version: semver
strict-labels: true
format: json
colour: true
"""
LABELLED = UNPINNED + 'LABEL maintainer="x" version="1.0.0" extra="y"\n'


@pytest.mark.parametrize("name", [".hadolint.yaml", ".hadolint.yml"])
def test_a_hadolint_config_is_read_when_there_is_no_layerlint_config(tmp_path, name):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "Dockerfile").write_text(LABELLED)
    (tmp_path / name).write_text(HADOLINT_YAML)
    rc, out, err = run("--format", "json", "--extend-select", "LL104", "sub/Dockerfile", cwd=tmp_path)
    got = {(f["rule"], f["line"], f["severity"]) for f in json.loads(out)["findings"]}
    assert ("LL101", 2, "error") in got and ("LL101", 1, "warning") in got  # override
    assert ("LL315", 3, "style") in got and not [g for g in got if g[0] == "LL315" and g[2] != "style"]  # ignored DL3008
    assert not [g for g in got if g[0] in ("LL312", "LL104")]  # DL3015 ignored, docker.io trusted
    assert {g[0] for g in got if g[1] == 4} == {"LL515"}  # email and strict labels
    assert err.splitlines() == [f"layerlint: warning: {tmp_path / name}:14: 'format' is not applied (use --format)",
                                f"layerlint: warning: {tmp_path / name}:15: unknown hadolint config key 'colour', ignored"]
    rc, _, _ = run("--select", "LL502", "sub/Dockerfile", cwd=tmp_path)
    assert rc == 0  # failure-threshold: warning, and LL502 is info


def test_a_layerlint_config_anywhere_above_wins_over_a_nearer_hadolint_config(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "Dockerfile").write_text(UNPINNED)
    (tmp_path / "sub" / ".hadolint.yaml").write_text("ignored: [DL3006, DL3007]\n")
    (tmp_path / ".layerlint.toml").write_text('select = ["LL101"]\n')
    _, findings, _ = found("sub/Dockerfile", cwd=tmp_path)
    assert [r for _, r, _, _ in findings] == ["LL101", "LL101"]


def test_config_names_a_hadolint_file(tmp_path):
    (tmp_path / "Dockerfile").write_text(UNPINNED)
    (tmp_path / "policy.yaml").write_text("no-fail: true\nfailure-threshold: error\n")
    rc, _, _ = run("--config", "policy.yaml", "Dockerfile", cwd=tmp_path)
    assert rc == 0  # no-fail wins


@pytest.mark.parametrize("text, line, says", [
    ("ignored: DL3008x\n", 1, None),  # a single string is taken (and names no rule: a selector error)
    ("override:\n  loud: [DL3008]\n", 1, "unknown level 'loud'"),
    ("label-schema:\n  a: colour\n", 1, "unknown type 'colour'"),
    ("ignored: {a: 1}\n", 1, "expected a list of strings"),
    ("- just\n- a list\n", 1, "a mapping of keys, not a list"),
    ("ignored: [\n", 2, "invalid YAML"),
    ("a: &x [1, 2]\nb: !!python/object:os.system x\n", 2, "invalid YAML"),  # safe_load: no constructors
    ("[" * 5000 + "]" * 5000 + "\n", 1, "invalid YAML"),
])
def test_a_bad_hadolint_config_is_one_line_naming_it(tmp_path, text, line, says):
    (tmp_path / "Dockerfile").write_text(UNPINNED)
    (tmp_path / ".hadolint.yaml").write_text(text)
    rc, out, err = run("Dockerfile", cwd=tmp_path)
    assert rc == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err, err
    assert f".hadolint.yaml:{line}" in err and (says is None or says in err), err


def test_a_billion_laughs_hadolint_config_is_cheap(tmp_path):
    rows = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"] + [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
        for i in range(1, 9)] + ["ignored: *a8"]
    (tmp_path / "Dockerfile").write_text(UNPINNED)
    (tmp_path / ".hadolint.yaml").write_text("\n".join(rows) + "\n")
    rc, out, err = run("Dockerfile", cwd=tmp_path)
    assert rc == 2 and "expected a list of strings" in err  # a list of lists: refused at its first item


def test_migrate_prints_and_writes_the_layerlint_config(tmp_path):
    (tmp_path / "Dockerfile").write_text(LABELLED)
    (tmp_path / ".hadolint.yaml").write_text(HADOLINT_YAML)
    before = found("--extend-select", "LL104", "Dockerfile", cwd=tmp_path)[1]
    rc, out, err = run("migrate", cwd=tmp_path)
    assert rc == 0 and out.startswith("# layerlint settings migrated from .hadolint.yaml")
    assert 'ignore = ["DL3008", "DL3015"]' in out and '[severity]\nDL3007 = "error"\nDL3018 = "style"' in out
    rc, _, err = run("migrate", "--write", cwd=tmp_path)
    assert rc == 0 and (tmp_path / ".layerlint.toml").read_text() == out
    (tmp_path / ".hadolint.yaml").unlink()
    assert found("--extend-select", "LL104", "Dockerfile", cwd=tmp_path)[1] == before  # the same policy
    rc, _, err = run("migrate", "--write", str(tmp_path / ".layerlint.toml"), cwd=tmp_path)
    assert rc == 2  # not a hadolint config: a YAML error, one line
    (tmp_path / ".hadolint.yml").write_text("ignored: [DL3008]\n")
    rc, _, err = run("migrate", "--write", cwd=tmp_path)
    assert rc == 2 and "exists already" in err


def test_migrate_with_no_hadolint_config(tmp_path):
    rc, out, err = run("migrate", cwd=tmp_path)
    assert rc == 2 and out == "" and "no .hadolint.yaml" in err


# -- a baseline: --add-pragmas --------------------------------------------------------------------
def test_add_pragmas_silences_what_is_there_and_the_next_run_reports_only_new_findings(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_bytes(b"# syntax=docker/dockerfile:1\nFROM ubuntu\n  # layerlint: ignore=LL502 legacy\n"
                  b"FROM alpine:latest\nRUN apt-get install -y curl \\\n && apk add wget\n")
    rc, out, err = run("--add-pragmas", "Dockerfile", cwd=tmp_path)
    assert rc == 0 and out == "" and err == "layerlint: added 2 pragmas to 1 file\n", err
    assert p.read_bytes() == (b"# syntax=docker/dockerfile:1\n# layerlint: ignore=LL101\nFROM ubuntu\n"
                              b"  # layerlint: ignore=LL502,LL101 legacy\nFROM alpine:latest\n"
                              b"# layerlint: ignore=LL312,LL315,LL317\nRUN apt-get install -y curl \\\n && apk add wget\n")
    assert run("Dockerfile", cwd=tmp_path)[0] == 0
    assert run("--add-pragmas", "Dockerfile", cwd=tmp_path)[2] == "layerlint: added 0 pragmas to 0 files\n"
    with p.open("ab") as f:
        f.write(b"FROM node\n")
    _, findings, _ = found("Dockerfile", cwd=tmp_path)
    assert [(r, ln) for _, r, ln, _ in findings if r == "LL101"] == [("LL101", 9)]  # only the new one


def test_add_pragmas_keeps_the_bytes_around_it(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_bytes(b"\xef\xbb\xbfFROM ubuntu\r\nLABEL a=\"\xc3\xa9\"\r\n\tRUN apt-get install -y curl\r\n")
    rc, _, err = run("--add-pragmas", "Dockerfile", cwd=tmp_path)
    data = p.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# layerlint: ignore=") and b"LABEL a=\"\xc3\xa9\"\r\n" in data
    assert b"\r\n\t# layerlint: ignore=" in data and data.count(b"\r\n") == 5 and b"\n" not in data.replace(b"\r\n", b"")
    rc, out, _ = run("--format", "json", "Dockerfile", cwd=tmp_path)
    assert json.loads(out)["findings"] == []


def test_add_pragmas_leaves_a_file_with_errors_alone(tmp_path):
    (tmp_path / "bad.Dockerfile").write_bytes(b"FROM a b\nRUN x\n")
    (tmp_path / "Dockerfile").write_text("FROM ubuntu\n")
    rc, _, err = run("--add-pragmas", ".", cwd=tmp_path)
    assert rc == 2 and (tmp_path / "bad.Dockerfile").read_bytes() == b"FROM a b\nRUN x\n"
    assert (tmp_path / "Dockerfile").read_text().startswith("# layerlint: ignore=")
    p = subprocess.run([sys.executable, "-m", "layerlint", "--add-pragmas", "-"], input=b"FROM ubuntu\n",
                       capture_output=True, timeout=60)
    assert p.returncode == 2 and b"cannot write to standard input" in p.stderr
