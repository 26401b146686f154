"""ShellCheck on RUN scripts (layerlint/engine/shellcheck.py): exact positions, dialect, prelude, skips,
pragmas, batches and the missing-binary warning.  Skipped where ShellCheck is not installed."""
import json
import os

import pytest

from layerlint.engine import batch as runner
from layerlint.engine import shellcheck as sc
from layerlint.engine.settings import Settings
from layerlint.engine.lint_file import lint_bytes

from .conftest import FIXTURES

needs_shellcheck = pytest.mark.skipif(sc.find_binary() is None, reason="shellcheck is not installed")


def check(text, raw=False, **settings):
    """(code, line, column, end_line, end_column) of every SC finding, ShellCheck only."""
    s = Settings(shellcheck=True, **settings)
    data = text if isinstance(text, bytes) else text.encode()
    res = lint_bytes(data, "Dockerfile", s, rules=[])
    assert not res.errors, res.errors
    if raw:
        return res.findings
    return [(f.rule, f.span.line, f.span.column, f.span.end_line, f.span.end_column) for f in res.findings]


def codes(text, **settings):
    return sorted({f[0] for f in check(text, **settings)})


# -- positions ------------------------------------------------------------------------------------
@needs_shellcheck
def test_single_line_exact_range():
    assert check("FROM alpine:3\nRUN echo $foo\n") == [
        ("SC2086", 2, 10, 2, 14), ("SC2154", 2, 10, 2, 14)]


@needs_shellcheck
def test_continuations_map_to_the_physical_line():
    text = ("FROM alpine:3\n"
            "RUN set -e; \\\n"
            "    cd /tmp \\\n"
            "    && echo $foo \\\n"
            "    && echo finished\n")
    assert check(text) == [("SC2086", 4, 13, 4, 17), ("SC2154", 4, 13, 4, 17)]


@needs_shellcheck
def test_range_across_a_continuation():
    # `$(ls \` + `  /tmp)`: one word on the joined line, two physical lines in the file
    text = "FROM alpine:3\nRUN echo $(ls \\\n  /tmp)\n"
    assert ("SC2046", 2, 10, 3, 8) in check(text)


@needs_shellcheck
def test_comment_lines_inside_continuations_are_not_counted():
    text = ("FROM alpine:3\n"
            "RUN apt-get update \\\n"
            "# a comment BuildKit drops\n"
            "    # another, indented\n"
            "\n"
            "    && echo `date` \\\n"
            "    && echo ok\n")
    found = check(text)
    assert ("SC2006", 6, 13, 6, 19) in found
    assert all(f[1] == 6 for f in found)


@needs_shellcheck
def test_lone_heredoc_body_lines():
    text = ("FROM alpine:3\n"
            "RUN <<EOF\n"
            "set -e\n"
            "echo $foo\n"
            "  cp `which sh` /x\n"
            "EOF\n")
    found = check(text)
    assert ("SC2086", 4, 6, 4, 10) in found
    assert ("SC2006", 5, 6, 5, 16) in found


@needs_shellcheck
def test_chomped_heredoc_fed_to_bash_keeps_tab_columns():
    text = ("FROM alpine:3\n"
            "RUN <<-EOF bash\n"
            "\tif [ -n $x ]; then\n"
            "\t\techo \"$x\"\n"
            "\tfi\n"
            "\tEOF\n")
    # `$x` is the 9th character after the stripped tab: file column 10
    assert ("SC2086", 3, 10, 3, 12) in check(text)


@needs_shellcheck
def test_heredoc_data_expansions_are_checked_in_the_command():
    # the shell expands $qq in an unquoted here-document fed to cat
    text = "FROM alpine:3\nRUN cat <<EOF > /etc/x.conf\nvalue=$qq\nEOF\n"
    assert check(text) == [("SC2154", 3, 7, 3, 10)]
    quoted = "FROM alpine:3\nRUN cat <<'EOF' > /etc/x.conf\nvalue=$qq\nEOF\n"
    assert check(quoted) == []


@needs_shellcheck
def test_heredoc_after_a_continuation_and_two_heredocs():
    text = ("FROM alpine:3\n"
            "RUN cat <<A > /a \\\n"
            "  && cat <<B > /b\n"
            "a=$aa\n"
            "A\n"
            "b=$bb\n"
            "B\n")
    assert check(text) == [("SC2154", 4, 3, 4, 6), ("SC2154", 6, 3, 6, 6)]


@needs_shellcheck
def test_crlf_file():
    text = ("FROM alpine:3\r\n"
            "RUN echo one \\\r\n"
            "    && echo $foo\r\n"
            "RUN <<EOF\r\n"
            "echo `id`\r\n"
            "EOF\r\n").encode()
    found = check(text)
    assert ("SC2086", 3, 13, 3, 17) in found
    assert ("SC2006", 5, 6, 5, 10) in found
    assert not any(f[0] == "SC1017" for f in found)  # no carriage-return noise


@needs_shellcheck
def test_backtick_escape():
    text = ("# escape=`\n"
            "FROM debian:12\n"
            "RUN echo C:\\dir `\n"
            "    # a comment line `\n"
            "    && echo $foo\n")
    found = check(text)
    assert ("SC2086", 5, 13, 5, 17) in found
    # the `\d` stays in the script (backslash is no escape character in this file)
    assert ("SC1001", 3, 12, 3, 12) in found  # ShellCheck gives this one no width


@needs_shellcheck
def test_onbuild_run():
    assert check("FROM alpine:3\nONBUILD RUN echo $foo\n") == [
        ("SC2086", 2, 18, 2, 22), ("SC2154", 2, 18, 2, 22)]


@needs_shellcheck
def test_characters_not_bytes():
    assert ("SC2086", 2, 14, 2, 16) in check('FROM alpine:3\nRUN echo "é" $x\n')


@needs_shellcheck
def test_fixture_exact_positions():
    data = (FIXTURES / "shellcheck" / "positions.Dockerfile").read_bytes()
    found = check(data)
    expected = json.loads((FIXTURES / "shellcheck" / "positions.expected.json").read_text())
    assert [list(f) for f in found] == expected


# -- dialect --------------------------------------------------------------------------------------
@needs_shellcheck
def test_bashisms_reported_under_sh():
    assert "SC3010" in codes("FROM alpine:3\nRUN if [[ -n $HOME ]]; then echo; fi\n")


@needs_shellcheck
def test_bashisms_fine_under_shell_bash():
    text = 'FROM alpine:3\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN if [[ -n $HOME ]]; then echo; fi\n'
    assert "SC3010" not in codes(text)


@needs_shellcheck
def test_shell_carries_into_a_child_stage_and_resets_on_a_new_image():
    text = ('FROM alpine:3 AS base\nSHELL ["/bin/bash", "-c"]\n'
            'FROM base\nRUN [[ -n $HOME ]] && echo\n'
            'FROM alpine:3\nRUN [[ -n $HOME ]] && echo\n')
    assert [f[1] for f in check(text) if f[0] == "SC3010"] == [6]


@needs_shellcheck
def test_heredoc_dialect_follows_its_interpreter():
    bash_body = "FROM alpine:3\nRUN bash <<'EOF'\n[[ -n $HOME ]] && echo\nEOF\n"
    assert "SC3010" not in codes(bash_body)
    shebang = "FROM alpine:3\nRUN <<EOF\n#!/bin/bash\n[[ -n $HOME ]] && echo\nEOF\n"
    assert "SC3010" not in codes(shebang)
    plain = "FROM alpine:3\nRUN <<EOF\n[[ -n $HOME ]] && echo\nEOF\n"
    assert "SC3010" in codes(plain)


# -- the prelude ----------------------------------------------------------------------------------
@needs_shellcheck
def test_args_and_env_are_declared():
    text = ("FROM alpine:3\n"
            "ARG version\n"
            "ENV app_home=/opt/app\n"
            'RUN echo "$version" "$app_home" "$http_proxy" "$other"\n')
    assert check(text) == [("SC2154", 4, 48, 4, 54)]


@needs_shellcheck
def test_global_arg_is_not_visible_without_redeclaring():
    text = 'ARG version=1\nFROM alpine:3\nRUN echo "$version"\n'
    assert codes(text) == ["SC2154"]
    assert codes('ARG version=1\nFROM alpine:3\nARG version\nRUN echo "$version"\n') == []


@needs_shellcheck
def test_known_values_decide_word_splitting():
    # a value the build knows without spaces cannot split; one with spaces, or no value, can
    text = ('FROM alpine:3\n'
            'ARG ver=1.2\n'
            'ARG pkgs\n'
            'ENV opts="-a -b"\n'
            'RUN echo $ver $pkgs $opts\n')
    assert [f[2] for f in check(text) if f[0] == "SC2086"] == [15, 21]


@needs_shellcheck
def test_onbuild_run_sees_earlier_onbuild_arg_and_env():
    text = "FROM alpine:3\nONBUILD ENV dir=/x\nONBUILD ARG ver\nONBUILD RUN mkdir $dir $ver $other\n"
    assert check(text) == [("SC2086", 4, 24, 4, 28), ("SC2086", 4, 29, 4, 35), ("SC2154", 4, 29, 4, 35)]


@needs_shellcheck
def test_declarations_in_a_later_stage_only():
    text = 'FROM alpine:3\nRUN echo "$later"\nARG later\nRUN echo "$later"\n'
    assert [f[1] for f in check(text)] == [2]


# -- what is skipped ------------------------------------------------------------------------------
@needs_shellcheck
def test_exec_form_is_skipped():
    assert check('FROM alpine:3\nRUN ["sh", "-c", "echo $foo"]\n') == []


@needs_shellcheck
def test_non_posix_shell_is_skipped():
    text = 'FROM mcr.microsoft.com/powershell\nSHELL ["pwsh", "-Command"]\nRUN echo $foo `ls`\n'
    assert check(text) == []
    cmd = 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["cmd", "/S", "/C"]\nRUN echo %foo% $x\n'
    assert check(cmd) == []


@needs_shellcheck
def test_windows_image_runs_cmd_unless_shell_says_otherwise():
    win = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo %PATH% $x\n"
    assert check(win) == []
    assert check("FROM mcr.microsoft.com/dotnet/sdk:8.0-nanoserver-ltsc2022 AS b\nFROM b\nRUN echo $x\n") == []
    bash = 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["bash", "-c"]\nRUN echo $x\n'
    assert codes(bash) == ["SC2086", "SC2154"]


@needs_shellcheck
def test_hadolint_shell_pragma():
    assert check("FROM jenkins\n# hadolint shell=powershell\nRUN echo $null >> C:/x\n") == []
    assert "SC3010" not in codes("# hadolint shell=bash\nFROM alpine:3\nRUN [[ -n $HOME ]] && echo\n")
    # a SHELL instruction wins over the pragma
    text = '# hadolint shell=powershell\nFROM alpine:3\nSHELL ["/bin/sh", "-c"]\nRUN echo `id`\n'
    assert codes(text) == ["SC2005", "SC2006", "SC2046"]


@needs_shellcheck
def test_zsh_is_skipped():
    assert check('FROM alpine:3\nSHELL ["/bin/zsh", "-c"]\nRUN echo $foo\n') == []


@needs_shellcheck
def test_python_heredoc_is_skipped():
    text = ("FROM python:3.12\n"
            "RUN <<EOF\n"
            "#!/usr/bin/env python3\n"
            "import os\n"
            "print(`x` if 0 else os.environ['HOME'])\n"
            "EOF\n")
    assert check(text) == []
    fed = "FROM python:3.12\nRUN python3 <<'EOF'\nprint(`x`)\nEOF\n"
    assert check(fed) == []


# -- suppression, selection, severity -------------------------------------------------------------
SPLIT = 'FROM alpine:3\n{pragma}RUN echo $HOME "`id`"\n'


@needs_shellcheck
@pytest.mark.parametrize("pragma", ["# layerlint: ignore=SC2086\n", "# hadolint ignore=SC2086\n",
                                    "# hadolint ignore=DL3008,SC2086\n", "# layerlint: ignore=shellcheck\n"])
def test_pragmas(pragma):
    found = codes(SPLIT.format(pragma=pragma))
    assert "SC2086" not in found
    if "shellcheck" not in pragma:
        assert "SC2006" in found


@needs_shellcheck
def test_file_pragma_and_heredoc_lines_belong_to_their_run():
    text = "# hadolint global ignore=SC2006\nFROM alpine:3\n# hadolint ignore=SC2086\nRUN <<EOF\necho $HOME \"`id`\"\nEOF\n"
    assert codes(text) == []


@needs_shellcheck
def test_pragma_for_another_instruction_does_not_apply():
    text = "FROM alpine:3\n# hadolint ignore=SC2086\nRUN true\nRUN echo $HOME\n"
    assert codes(text) == ["SC2086"]


@needs_shellcheck
def test_ignore_select_and_severity():
    text = SPLIT.format(pragma="")
    assert codes(text, ignore=["SC2086"]) == ["SC2006"]
    assert codes(text, ignore=["SC20"]) == []
    assert codes(text, select=["LL101"]) == []
    assert codes(text, select=["SC2006"]) == ["SC2006"]
    found = check(text, raw=True, severity={"SC2086": "error"})
    assert {f.rule: f.severity for f in found} == {"SC2086": "error", "SC2006": "style"}


@needs_shellcheck
def test_finding_fields_and_json_schema():
    import jsonschema
    from importlib import resources
    from layerlint.report import ReportOptions, render
    from layerlint.engine.results import FileResult
    f = [x for x in check("FROM alpine:3\nRUN echo $HOME\n", raw=True)][0]
    assert (f.rule, f.severity, f.hadolint, f.title, f.instr_line) == ("SC2086", "info", ("SC2086",), "shellcheck", 2)
    assert f.message == "Double quote to prevent globbing and word splitting."
    doc = json.loads(render("json", [FileResult("Dockerfile", findings=[f])], ReportOptions(tool_version="0")))
    schema = json.loads(resources.files("layerlint").joinpath("schemas/report.schema.json").read_text())
    jsonschema.validate(doc, schema)


@needs_shellcheck
def test_config_accepts_shellcheck_codes(tmp_path):
    from layerlint.engine.settings import load_config
    cfg = tmp_path / ".layerlint.toml"
    cfg.write_text('shellcheck = true\nignore = ["SC2086"]\n[severity]\nSC2006 = "warning"\n')
    s = load_config(str(cfg))
    assert s.shellcheck and s.ignore == ["SC2086"] and s.severity == {"SC2006": "warning"}


# -- batches --------------------------------------------------------------------------------------
@needs_shellcheck
def test_batch_matches_single_files_and_checks_duplicates_once(tmp_path, monkeypatch):
    texts = ["FROM alpine:3\nRUN echo $HOME\n", "FROM alpine:3\nRUN echo `id`\nRUN echo $HOME\n",
             "FROM alpine:3\nRUN echo $HOME\n", "FROM alpine:3\nRUN <<EOF\necho $PATH\nEOF\n"]
    paths = []
    for i, t in enumerate(texts):
        p = tmp_path / f"{i}.Dockerfile"
        p.write_text(t)
        paths.append(str(p))
    one = [check(t) for t in texts]
    started = []
    real_launch = sc.Batch._launch

    def spy(self, texts_):
        started.append(len(texts_))
        return real_launch(self, texts_)
    monkeypatch.setattr(sc.Batch, "_launch", spy)
    results = runner.run_paths(paths, Settings(shellcheck=True, select=["SC"]), jobs=1)
    got = [[(f.rule, f.span.line, f.span.column, f.span.end_line, f.span.end_column) for f in r.findings]
           for r in results]
    assert got == one
    assert started == [3]  # one process, the duplicate script checked once


@needs_shellcheck
def test_worker_pool_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "PARALLEL_THRESHOLD", 2)
    paths = []
    for i in range(6):
        p = tmp_path / f"{i}.Dockerfile"
        p.write_text(f"FROM alpine:3\nRUN echo $HOME{i} `id`\n")
        paths.append(str(p))
    results = runner.run_paths(paths, Settings(shellcheck=True, select=["SC"]), jobs=2)
    assert [r.path for r in results] == paths
    assert all([f.rule for f in r.findings] == ["SC2086", "SC2006", "SC2046"] for r in results)


@needs_shellcheck
def test_unused_pragma_sees_shellcheck_codes():
    text = "FROM alpine:3\n# hadolint ignore=SC2086\nRUN echo ok\n"
    res = lint_bytes(text.encode(), "Dockerfile", Settings(shellcheck=True, select=["LL518", "SC"]))
    assert [f.rule for f in res.findings] == ["LL518"]
    used = "FROM alpine:3\n# hadolint ignore=SC2086\nRUN echo $HOME\n"
    res = lint_bytes(used.encode(), "Dockerfile", Settings(shellcheck=True, select=["LL518", "SC"]))
    assert res.findings == []
    # SC findings not selected: ShellCheck does not run and its pragmas are not judged
    res = lint_bytes(text.encode(), "Dockerfile", Settings(shellcheck=True, select=["LL518"]))
    assert res.findings == []


# -- without ShellCheck ---------------------------------------------------------------------------
def test_missing_binary_warns_once_and_the_run_goes_on(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sc, "_bundled_dirs", lambda: [str(tmp_path)])
    sc.reset()
    try:
        files = []
        for i in range(2):
            p = tmp_path / f"{i}.Dockerfile"
            p.write_text("FROM alpine:3\nRUN echo $HOME\n")
            files.append(str(p))
        results = runner.run_paths(files, Settings(shellcheck=True), jobs=1)
        assert all(not r.errors for r in results)
        assert not any(f.rule.startswith("SC") for r in results for f in r.findings)
        res = lint_bytes(b"FROM alpine:3\nRUN echo $HOME\n", "Dockerfile", Settings(shellcheck=True))
        assert not any(f.rule.startswith("SC") for f in res.findings)
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "shellcheck not found" in err
        assert "pip install 'layerlint[shellcheck]'" in err
    finally:
        sc.reset()


def test_cli_warning_and_exit_code(tmp_path):
    import subprocess
    import sys
    p = tmp_path / "Dockerfile"
    p.write_text("FROM alpine:3.20\nUSER 1000\nRUN echo $HOME\n")
    env = dict(os.environ, PATH=str(tmp_path))
    code = ("import sys; from layerlint.engine import shellcheck as s; s._bundled_dirs = lambda: []\n"
            "from layerlint.cli.app import main; sys.exit(main())")
    r = subprocess.run([sys.executable, "-c", code, "--shellcheck", "--format", "json", str(p)],
                       env=env, capture_output=True, text=True)
    assert r.stderr.count("\n") == 1 and "shellcheck not found" in r.stderr
    doc = json.loads(r.stdout)
    assert not [f for f in doc["findings"] if f["rule"].startswith("SC")]


def _fake_shellcheck(tmp_path, body):
    exe = tmp_path / "shellcheck"
    exe.write_text("#!/bin/sh\n" + body)
    exe.chmod(0o755)
    return str(exe)


def test_broken_shellcheck_output_warns_and_goes_on(tmp_path, monkeypatch, capsys):
    exe = _fake_shellcheck(tmp_path, "echo 'not json'\nexit 3\n")
    monkeypatch.setattr(sc, "find_binary", lambda: exe)
    sc.reset()
    try:
        text = b"FROM alpine:3\nRUN echo $HOME\nRUN echo `id`\n"
        res = lint_bytes(text, "Dockerfile", Settings(shellcheck=True), rules=[])
        assert res.findings == [] and not res.errors
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "shellcheck failed" in err
    finally:
        sc.reset()


def test_batch_output_is_split_per_file(tmp_path, monkeypatch):
    # a stand-in that reports one comment per file it is given, to check the plumbing
    exe = _fake_shellcheck(tmp_path, """out='{"comments":['; sep=''
for f in "$@"; do case "$f" in *.sh)
  out="$out$sep{\\"file\\":\\"$f\\",\\"line\\":2,\\"endLine\\":2,\\"column\\":1,\\"endColumn\\":5,\\"level\\":\\"style\\",\\"code\\":1234,\\"message\\":\\"m\\"}"; sep=',';;
esac; done
echo "$out]}"
""")
    monkeypatch.setattr(sc, "find_binary", lambda: exe)
    paths = []
    for i in range(3):
        p = tmp_path / f"{i}.Dockerfile"
        p.write_text(f"FROM alpine:3\nRUN true {i}\n")
        paths.append(str(p))
    results = runner.run_paths(paths, Settings(shellcheck=True, select=["SC"]), jobs=1)
    assert [[(f.rule, f.severity, f.span.line, f.span.column, f.span.end_column) for f in r.findings]
            for r in results] == [[("SC1234", "style", 2, 5, 9)]] * 3


# -- --fix runs ShellCheck once per file, not once per pass ----------------------------------------
# a stand-in that logs each run and reports one comment per script it is given
_COUNTING = """echo run >> "$LOG"
out='{"comments":['; sep=''
for f in "$@"; do case "$f" in *.sh)
  out="$out$sep{\\"file\\":\\"$f\\",\\"line\\":2,\\"endLine\\":2,\\"column\\":1,\\"endColumn\\":5,\\"level\\":\\"style\\",\\"code\\":1234,\\"message\\":\\"m\\"}"; sep=',';;
esac; done
echo "$out]}"
"""


@pytest.fixture
def counting_sc(tmp_path, monkeypatch):
    log = tmp_path / "runs.log"
    log.write_text("")
    monkeypatch.setenv("LOG", str(log))
    exe = _fake_shellcheck(tmp_path, _COUNTING)
    monkeypatch.setattr(sc, "find_binary", lambda: exe)
    sc.reset()
    yield lambda: log.read_text().count("run")
    sc.reset()


def test_fix_passes_lint_without_shellcheck_and_the_fixed_text_with_it(counting_sc):
    from layerlint.engine.fixer import fix_bytes

    from . import throwaway_rules as tr
    data = b"from alpine:3.19\nmaintainer Jane <j@example.com>\nrun apk add curl\n"
    out = fix_bytes(data, "Dockerfile", Settings(shellcheck=True), rules=tr.FIXERS)
    assert out.passes == 2 and out.fixed.endswith(b"RUN apk add --no-cache curl\n")
    # the first lint and the fixed text's: not one more for each pass (SC findings have no fix)
    assert counting_sc() == 2
    assert [(f.rule, f.span.line) for f in out.result.findings] == [("SC1234", 4)]  # on the fixed text


def test_run_fixes_checks_every_fixed_file_in_one_shellcheck_batch(counting_sc, tmp_path):
    from layerlint.engine.fixer import run_fixes
    paths = []
    for i in range(3):
        p = tmp_path / f"{i}.Dockerfile"
        p.write_text(f"FROM alpine:3.19\nENV K v\nRUN true {i}\n")  # LL412's safe fix
        paths.append(str(p))
    settings = Settings(shellcheck=True, select=["SC", "LL412"])
    results = runner.run_paths(paths, settings, jobs=1)
    assert counting_sc() == 1
    fixed, _ = run_fixes(results, settings, write=True, echo=lambda m: None, roots=paths)
    assert counting_sc() == 2  # the three fixed texts in one process (was one process per file and pass)
    assert [[(f.rule, f.span.line) for f in r.findings] for r in fixed] == [[("SC1234", 3)]] * 3
    assert all("ENV K=v" in open(p).read() for p in paths)
