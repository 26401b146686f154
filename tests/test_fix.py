"""``--fix`` / ``--diff``: the fix engine with throwaway rules of every edit shape and with the
real fixable rules, byte preservation and idempotence on every fixture, the CLI."""
import os
import stat

import pytest
from click.testing import CliRunner

from layerlint.cli.app import main
from layerlint.engine.settings import Settings
from layerlint.engine.fixer import fix_bytes, unified_diff, write_fixed
from layerlint.rules import all_rules
from layerlint.syntax import parse_bytes

from . import throwaway_rules as tr
from .conftest import FIXTURES, REPO

FIXTURE_FILES = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix not in (".json", ".toml", ".md", ".py")) \
    + [REPO / "examples" / "Dockerfile"]


def _variants(data: bytes):
    lf = data.replace(b"\r\n", b"\n")
    crlf = lf.replace(b"\n", b"\r\n")
    return {"as-is": data, "lf": lf, "crlf": crlf, "bom-crlf": b"\xef\xbb\xbf" + crlf}


CASES = [(p, v) for p in FIXTURE_FILES for v in ("as-is", "lf", "crlf", "bom-crlf")]
IDS = [f"{p.relative_to(REPO)}-{v}" for p, v in CASES]


def fix(data: bytes, rules=None, unsafe=False, **kw):
    """As ``--fix`` (safe fixes only) or, with ``unsafe``, ``--fix --unsafe-fixes``."""
    return fix_bytes(data, "Dockerfile", Settings(**kw), rules=rules, safe_only=not unsafe)


def _comments(data: bytes):
    return [l.strip() for l in data.decode("utf-8", "replace").replace("\r", "").split("\n") if l.strip().startswith("#")]


# -- the engine with throwaway rules -------------------------------------------------------------

def test_replacement_keeps_every_other_byte():
    data = (b"\xef\xbb\xbf# escape=`\r\nfrom alpine:3.19 as base\r\n# a comment\r\nrun echo a `\r\n"
            b"  # inside\r\n  && echo b\r\ncopy <<EOF /x\r\nfrom inside heredoc\r\nEOF\r\n")
    out = fix(data, [tr.UPPER])
    assert out.fixed == data.replace(b"from alpine", b"FROM alpine").replace(b"run echo", b"RUN echo") \
        .replace(b"copy <<", b"COPY <<")
    assert len(out.applied) == 3 and not out.refused and out.result.findings == []
    assert out.passes == 1


def test_insertion_follows_line_ends():
    data = b"FROM alpine:3.19\r\nRUN apk add curl && apk add git\r\n"
    out = fix(data, [tr.APK])
    assert out.fixed == b"FROM alpine:3.19\r\nRUN apk add --no-cache curl && apk add --no-cache git\r\n"
    out = fix(b"FROM alpine:3.19\r\nRUN true\r\n", [tr.INSERT])
    assert out.fixed == b"FROM alpine:3.19\r\nARG INSERTED=1\r\nRUN true\r\n"  # the inserted line is CR LF too
    out = fix(b"FROM alpine:3.19\nRUN true", [tr.INSERT])  # no final newline: kept that way
    assert out.fixed == b"FROM alpine:3.19\nARG INSERTED=1\nRUN true"


def test_insertion_inside_continuation_and_heredoc():
    data = b"FROM alpine:3.19\nRUN set -e; \\\n    apk add \\\n      curl\nRUN <<EOF\napk add jq\nEOF\n"
    out = fix(data, [tr.APK])
    assert out.fixed == (b"FROM alpine:3.19\nRUN set -e; \\\n    apk add --no-cache \\\n      curl\n"
                         b"RUN <<EOF\napk add --no-cache jq\nEOF\n")
    assert fix(out.fixed, [tr.APK]).fixed == out.fixed


def test_fix_that_breaks_the_file_is_refused():
    data = b"FROM alpine:3.19\nRUN true\nUSER nobody\n"
    out = fix(data, [tr.BREAKER])
    assert out.fixed == data and not out.applied
    (r,) = out.refused
    # the RUN the edit is at may change; the USER after it, which it swallows, may not
    assert r.rule == "LL994" and "the instruction at line 3 would not survive" in r.reason


def _append(text):
    """A rule that appends ``text`` at the very end of every RUN (after its last character)."""
    from layerlint.rules.base import Edit, Fix, Violation
    from layerlint.syntax.model import Span

    def check(ctx):
        for instr in ctx.instructions("RUN"):
            last = instr.end_line
            for h in instr.heredocs:
                last = max(last, h.end_line)
            end = len(ctx.df.lines[last - 1]) + 1
            if not ctx.df.lines[last - 1].endswith(text):
                yield Violation(instr.keyword_span, "append", Fix("append", [Edit(Span(last, end, last, end), text)]))

    return tr.make("LL990", "append", check, fixable=True)


@pytest.mark.parametrize("data,fixed", [
    (b"FROM alpine:3.19\nRUN true\nUSER nobody\n", b"FROM alpine:3.19\nRUN true -y\nUSER nobody\n"),
    (b"FROM alpine:3.19\r\nRUN a \\\r\n  b\r\n", b"FROM alpine:3.19\r\nRUN a \\\r\n  b -y\r\n"),
    (b"FROM alpine:3.19\nRUN true", b"FROM alpine:3.19\nRUN true -y"),  # the end of the file
])
def test_an_insertion_at_the_end_of_an_instruction_changes_that_instruction(data, fixed):
    # it used to count as touching nothing, so the RUN it changes "would not survive": always refused
    out = fix(data, [_append(" -y")])
    assert out.fixed == fixed and not out.refused and len(out.applied) == 1


def test_an_insertion_at_the_start_of_an_instruction_still_leaves_it_checked():
    # a line inserted before an instruction is new; the instruction itself must come through as it was
    from layerlint.rules.base import Edit, Fix, Violation
    from layerlint.syntax.model import Span

    def comment_out(ctx):
        for instr in ctx.instructions("RUN"):
            at = Span(instr.start_line, 1, instr.start_line, 1)
            yield Violation(instr.keyword_span, "x", Fix("comment out", [Edit(at, "# ")]))

    data = b"FROM alpine:3.19\nRUN true\n"
    out = fix(data, [tr.make("LL990", "comment-out", comment_out, fixable=True)])
    assert out.fixed == data and [r.reason for r in out.refused] == [
        "the instruction at line 2 would not survive the edit unchanged"]


def test_apt_get_autoremove_gets_its_y_at_the_end_of_a_run():
    data = b"FROM debian:12\nRUN apt-get update && apt-get install -y curl && apt-get autoremove\n"
    out = fix(data, unsafe=True, select=["LL311"])
    assert out.fixed == data.replace(b"autoremove\n", b"autoremove -y\n")
    assert not out.refused and [a.rule for a in out.applied] == ["LL311"]


def test_overlapping_fixes_apply_one_at_a_time():
    out = fix(b"FROM alpine\n", [tr.OVERLAP])
    assert out.fixed == b"FROM alpine:3.19\n"
    assert len(out.applied) == 1 and not out.refused


def test_fixes_that_undo_each_other_stop():
    out = fix(b"FROM alpine:3.19\nENV FOO=a\n", [tr.TOGGLE])
    assert out.fixed in (b"FROM alpine:3.19\nENV FOO=b\n", b"FROM alpine:3.19\nENV FOO=a\n")
    assert any("undo" in r.reason for r in out.refused)


def test_fixes_from_several_rules_and_passes():
    data = b"from alpine:3.19\nmaintainer Jane <j@example.com>\nrun apk add curl\n"
    out = fix(data, tr.FIXERS)
    assert out.fixed == (b'FROM alpine:3.19\nLABEL maintainer="Jane <j@example.com>"\n'
                         b"ARG INSERTED=1\nRUN apk add --no-cache curl\n")
    assert fix(out.fixed, tr.FIXERS).fixed == out.fixed
    assert out.result.findings == []


def test_invalid_utf8_and_unparsable_files_are_not_touched():
    bad = b"from alpine:3.19\nLABEL x=\"\xff\"\n"
    out = fix(bad, [tr.UPPER])
    assert out.fixed == bad and "UTF-8" in out.note
    assert fix(b"from a\nRUN <<EOF\nno end\n", [tr.UPPER]).fixed.startswith(b"from")


def test_edits_outside_the_file_are_refused():
    from layerlint.rules.base import Edit, Fix, Violation
    from layerlint.syntax.model import Span

    def far(ctx):
        yield Violation(Span(1, 1, 1, 5), "far", Fix("far away", [Edit(Span(40, 1, 40, 3), "x")]))

    out = fix(b"FROM alpine:3.19\n", [tr.make("LL999", "far", far, fixable=True)])
    assert out.fixed == b"FROM alpine:3.19\n" and "outside" in out.refused[0].reason


def test_unified_diff():
    out = fix(b"from alpine:3.19\nRUN true", [tr.UPPER])
    d = unified_diff(out, "sub/Dockerfile")
    assert d.startswith("--- a/sub/Dockerfile\n+++ b/sub/Dockerfile\n")
    assert "-from alpine:3.19\n+FROM alpine:3.19\n" in d
    assert d.endswith(" RUN true\n\\ No newline at end of file\n")
    assert unified_diff(fix(b"FROM a:1\n", [tr.UPPER])) == ""


# -- every fixture: byte preservation, idempotence, same Dockerfile --------------------------------

@pytest.mark.parametrize("path,variant", CASES, ids=IDS)
def test_fixture_keyword_fix_changes_only_keywords(path, variant):
    data = _variants(path.read_bytes())[variant]
    out = fix(data, [tr.UPPER])
    assert len(out.fixed) == len(data)
    if not parse_bytes(data).errors:  # a file with a parse error gets no findings, so no fixes
        assert out.fixed.lower() == data.lower()
        before, after = parse_bytes(data), parse_bytes(out.fixed)
        assert [(i.keyword, i.line.upper(), i.start_line, i.end_line) for i in before.instructions] == \
            [(i.keyword, i.line.upper(), i.start_line, i.end_line) for i in after.instructions]
        assert all(i.keyword_raw == i.keyword for i in after.instructions
                   if i.keyword_raw.upper() == i.keyword and i.keyword_raw.isascii())
        assert [h.body for i in before.instructions for h in (i.inner or i).heredocs] == \
            [h.body for i in after.instructions for h in (i.inner or i).heredocs]
    else:
        assert out.fixed == data
    assert fix(out.fixed, [tr.UPPER]).fixed == out.fixed


@pytest.mark.parametrize("path,variant", CASES, ids=IDS)
def test_fixture_all_fixers_preserve_and_converge(path, variant):
    """Every real rule plus the throwaway fixers: the file keeps its BOM, line ends and
    comments, still parses, and fixing the result again changes nothing."""
    data = _variants(path.read_bytes())[variant]
    rules = list(all_rules().values()) + tr.FIXERS
    out = fix(data, rules, unsafe=True)  # every fixer, the unsafe ones too
    fixed = out.fixed
    assert fixed.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
    if data.count(b"\n") and data.count(b"\r\n") == data.count(b"\n"):
        assert fixed.count(b"\r\n") == fixed.count(b"\n")  # all CR LF stays all CR LF
    if b"\r\n" not in data:
        assert b"\r\n" not in fixed
    assert _comments(fixed) == _comments(data)
    if out.changed:
        assert parse_bytes(fixed).ok
        assert out.applied
    else:
        assert fixed == data
    again = fix(fixed, rules, unsafe=True)
    assert again.fixed == fixed, unified_diff(again)
    assert not [f for f in out.result.findings if f.fix is not None and not any(
        r.rule == f.rule for r in out.refused)] or out.passes == 10


def test_real_fixable_rules_yield_findings_that_get_fixed():
    """Whatever fixable rules exist: on a file with every classic problem, each finding that
    has a fix is either fixed or refused with a reason, never silently left."""
    data = (b"from ubuntu:22.04\nmaintainer Jane <j@example.com>\nENV A 1\n"
            b"RUN apt-get update && apt-get install curl\nRUN pip install flask\nRUN apk add git\n"
            b"CMD python app.py\n")
    rules = [r for r in all_rules().values() if r.fixable]
    out = fix(data, rules, unsafe=True, select=["ALL"])
    for f in out.result.findings:
        if f.fix is not None:
            assert any(r.rule == f.rule for r in out.refused), f
    assert fix(out.fixed, rules, unsafe=True).fixed == out.fixed


# -- CLI -------------------------------------------------------------------------------------------

def invoke(*args):
    return CliRunner().invoke(main, ["check", "--no-color", "--fail-on", "style", *args], catch_exceptions=False)


def test_cli_fix_writes_atomically_and_exits_on_what_remains(tmp_path, monkeypatch):
    tr.register(monkeypatch, tr.UPPER)
    monkeypatch.chdir(tmp_path)
    p = tmp_path / "Dockerfile"
    p.write_bytes(b"from alpine:3.19\r\nUSER nobody\r\n")
    os.chmod(p, 0o640)
    r = invoke("--select", "LL992", "Dockerfile")
    assert r.exit_code == 1 and p.read_bytes().startswith(b"from")
    r = invoke("--select", "LL992", "--fix", "Dockerfile")
    assert r.exit_code == 0, r.output
    assert p.read_bytes() == b"FROM alpine:3.19\r\nUSER nobody\r\n"
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o640
    assert "Fixed 1 problem in 1 file." in r.stderr
    assert sorted(x.name for x in tmp_path.iterdir()) == ["Dockerfile"]  # no temp file left


def test_cli_diff_writes_nothing(tmp_path, monkeypatch):
    tr.register(monkeypatch, tr.UPPER)
    monkeypatch.chdir(tmp_path)
    p = tmp_path / "Dockerfile"
    p.write_bytes(b"from alpine:3.19\n")
    r = invoke("--select", "LL992", "--diff", "--format", "json", "-o", "report.json", "Dockerfile")
    assert r.exit_code == 0
    assert r.stdout.startswith("--- a/Dockerfile\n+++ b/Dockerfile\n") and "+FROM alpine:3.19" in r.stdout
    assert p.read_bytes() == b"from alpine:3.19\n"
    import json
    assert json.loads((tmp_path / "report.json").read_text())["findings"] == []  # what would remain
    assert "Would fix 1 problem" in r.stderr


def test_cli_fix_reports_refusals_and_keeps_findings(tmp_path, monkeypatch):
    tr.register(monkeypatch, tr.BREAKER)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_bytes(b"FROM alpine:3.19\nRUN true\nUSER nobody\n")
    r = invoke("--select", "LL994", "--fix", "Dockerfile")
    assert r.exit_code == 1
    assert "LL994 fix refused" in r.stderr and "No fixes applied." in r.stderr
    assert (tmp_path / "Dockerfile").read_bytes() == b"FROM alpine:3.19\nRUN true\nUSER nobody\n"


def test_cli_fix_through_symlink_updates_the_target(tmp_path, monkeypatch):
    tr.register(monkeypatch, tr.UPPER)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "real.Dockerfile").write_bytes(b"from alpine:3.19\n")
    (tmp_path / "Dockerfile").symlink_to("real.Dockerfile")
    assert invoke("--select", "LL992", "--fix", "Dockerfile").exit_code == 0
    assert (tmp_path / "Dockerfile").is_symlink()
    assert (tmp_path / "real.Dockerfile").read_bytes() == b"FROM alpine:3.19\n"


def test_cli_fix_stdin_is_not_rewritten(tmp_path, monkeypatch):
    tr.register(monkeypatch, tr.UPPER)
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["check", "--fail-on", "style", "--select", "LL992", "--fix", "-"], input="from alpine:3.19\n")
    assert r.exit_code == 1 and "standard input cannot be fixed" in r.stderr


def test_write_fixed_refuses_a_file_changed_meanwhile(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_bytes(b"from alpine:3.19\n")
    out = fix(p.read_bytes(), [tr.UPPER])
    p.write_bytes(b"from alpine:3.20\n")  # someone saved in between
    with pytest.raises(OSError, match="changed"):
        write_fixed(str(p), out)
    assert p.read_bytes() == b"from alpine:3.20\n"


# -- safe and unsafe fixes -------------------------------------------------------------------------

def _unsafe_apk(ctx):
    """The throwaway apk fixer, its fixes marked unsafe."""
    for v in tr.APK.check(ctx):
        yield v.replace(fix=v.fix.replace(safe=False))


UNSAFE_APK = tr.make("LL989", "unsafe-apk-no-cache", _unsafe_apk, fixable=True)
SAFE_AND_UNSAFE = b"from alpine:3.19\nRUN apk add curl\n"


def test_engine_applies_only_safe_fixes_unless_unsafe():
    out = fix(SAFE_AND_UNSAFE, [tr.UPPER, UNSAFE_APK])
    assert out.fixed == b"FROM alpine:3.19\nRUN apk add curl\n"
    assert [a.rule for a in out.applied] == ["LL992"] and out.hidden == 1
    assert [f.rule for f in out.result.findings] == ["LL989"] and out.result.findings[0].fix.safe is False
    out = fix(SAFE_AND_UNSAFE, [tr.UPPER, UNSAFE_APK], unsafe=True)
    assert out.fixed == b"FROM alpine:3.19\nRUN apk add --no-cache curl\n"
    assert sorted(a.rule for a in out.applied) == ["LL989", "LL992"] and out.hidden == 0
    only_unsafe = fix(b"FROM alpine:3.19\nRUN apk add curl\n", [UNSAFE_APK])
    assert not only_unsafe.changed and only_unsafe.hidden == 1 and only_unsafe.passes == 0
    # the engine primitive applies every fix unless told safe_only (the CLI's --fix tells it)
    assert fix_bytes(SAFE_AND_UNSAFE, "Dockerfile", Settings(), rules=[tr.UPPER, UNSAFE_APK]).fixed == \
        b"FROM alpine:3.19\nRUN apk add --no-cache curl\n"


def test_cli_fix_is_safe_only_by_default_and_says_what_it_left(tmp_path, monkeypatch):
    tr.register(monkeypatch, tr.UPPER, UNSAFE_APK)
    monkeypatch.chdir(tmp_path)
    p = tmp_path / "Dockerfile"
    p.write_bytes(SAFE_AND_UNSAFE)
    r = invoke("--select", "LL992,LL989", "--fix", "Dockerfile")
    assert p.read_bytes() == b"FROM alpine:3.19\nRUN apk add curl\n"
    assert r.exit_code == 1  # the unsafe one remains
    assert "Fixed 1 problem in 1 file.\n" in r.stderr
    assert "1 hidden fix can be enabled with `--fix --unsafe-fixes`" in r.stderr
    assert "LL989" in r.stdout and "[unsafe fix]" in r.stdout and "fixable with --fix" not in r.stdout
    r = invoke("--select", "LL992,LL989", "--diff", "Dockerfile")
    assert "+RUN apk add --no-cache curl" not in r.stdout and "No fixes applied." in r.stderr
    assert "1 hidden fix can be enabled with `--diff --unsafe-fixes`" in r.stderr
    r = invoke("--select", "LL992,LL989", "--fix", "--unsafe-fixes", "Dockerfile")
    assert r.exit_code == 0, r.output
    assert p.read_bytes() == b"FROM alpine:3.19\nRUN apk add --no-cache curl\n"
    assert "Fixed 1 problem in 1 file." in r.stderr and "hidden" not in r.stderr


def test_cli_unsafe_fixes_on_the_fast_path(tmp_path):
    """The console script's click-free path knows --unsafe-fixes (real rules: LL403 safe,
    LL407 unsafe)."""
    import subprocess
    import sys
    p = tmp_path / "Dockerfile"
    p.write_text("FROM alpine:3.19\nMAINTAINER me\nrun true\n")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "layerlint", "--no-color", "--select", "LL403,LL407", *args, "Dockerfile"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
    r = run()
    assert "LL407 [maintainer-deprecated]" in r.stdout and r.stdout.count("[unsafe fix]") == 1
    assert r.stdout.count("[fix]") == 1
    assert "[*] 1 fixable with --fix (1 hidden fix can be enabled with --unsafe-fixes)." in r.stdout
    r = run("--fix")
    assert p.read_text() == "FROM alpine:3.19\nMAINTAINER me\nRUN true\n"
    assert "1 hidden fix can be enabled with `--fix --unsafe-fixes`" in r.stderr
    r = run("--fix", "--unsafe-fixes")
    assert r.returncode == 0, r.stderr
    assert p.read_text() == 'FROM alpine:3.19\nLABEL org.opencontainers.image.authors="me"\nRUN true\n'


def test_fix_starts_from_the_runs_result(tmp_path, monkeypatch):
    """--fix takes the first pass's findings from the run's own lint of the file: a file is
    linted once by the run and once more per pass that edited it, never twice for the same text."""
    from layerlint.engine import lint_file
    tr.register(monkeypatch, tr.UPPER)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_bytes(b"from alpine:3.19\n")
    (tmp_path / "clean.Dockerfile").write_bytes(b"FROM alpine:3.19\n")
    calls = []
    real = lint_file.lint_bytes

    def counting(data, *a, **k):
        calls.append(data)
        return real(data, *a, **k)
    monkeypatch.setattr(lint_file, "lint_bytes", counting)
    r = invoke("--select", "LL992", "--fix", "Dockerfile", "clean.Dockerfile")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "Dockerfile").read_bytes() == b"FROM alpine:3.19\n"
    assert calls == [b"from alpine:3.19\n", b"FROM alpine:3.19\n", b"FROM alpine:3.19\n"]  # run x2, one re-lint


def test_fix_relints_a_file_that_changed_since_the_run(tmp_path):
    """The run's result is used only while it matches the file; otherwise the fixer lints the
    file as it is now."""
    from layerlint.engine.fixer import fix_file
    from layerlint.engine.lint_file import lint_bytes
    p = tmp_path / "Dockerfile"
    stale = lint_bytes(b"from alpine:3.19\n", str(p), Settings(), rules=[tr.UPPER])
    p.write_bytes(b"from alpine:3.19\nrun true\n")
    out = fix_file(str(p), Settings(), rules=[tr.UPPER], result=stale, safe_only=True)
    assert out.fixed == b"FROM alpine:3.19\nRUN true\n" and len(out.applied) == 2
