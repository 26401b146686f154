"""LL518 unused-pragma: Suppression pragma that silences nothing or names an unknown rule."""
from layerlint.engine.settings import Settings, selected_rules

from ...helpers import lint, positions


def test_unused_pragma_is_opt_in_and_config_switch():
    text = "# layerlint: ignore=LL101\nFROM python:3.12-slim\n"
    assert all(f.rule != "LL518" for f in lint(text))
    f = [x for x in lint(text, report_unused_pragmas=True) if x.rule == "LL518"]
    assert positions(f) == [("LL518", 1, 21)] and f[0].span.end_column == 26
    assert any(r.code == "LL518" for r in selected_rules(Settings(report_unused_pragmas=True)))


def test_unused_pragma_stale_and_unknown_codes():
    text = ("# layerlint: ignore=LL101,LL1O1\n"
            "FROM python:3.12-slim\n"
            "# hadolint ignore=DL3006,DL3029\n"
            "FROM node\n")
    f = lint(text, "LL101", "LL518")
    got = [(x.rule, x.span.line, x.span.column) for x in f]
    assert ("LL518", 1, 21) in got  # LL101: nothing to silence on a tagged image
    assert ("LL518", 1, 27) in got and "not a layerlint rule" in f[[g[:3] for g in got].index(("LL518", 1, 27))].message
    assert ("LL518", 3, 26) in got  # DL3029: no layerlint equivalent
    assert ("LL518", 3, 19) not in got  # DL3006 silenced LL101 on `FROM node`
    assert not any(x.rule == "LL101" for x in f)


def test_unused_pragma_used_ones_and_unselected_rules_are_quiet():
    text = "# layerlint: ignore=LL101\nFROM node\n# layerlint: ignore=LL504\nADD a /b\n"
    # LL101 silenced a finding; LL504 did not run, so nothing can be said about it
    assert [x for x in lint(text, "LL101", "LL518") if x.rule == "LL518"] == []
    f = lint(text, "LL101", "LL504", "LL518")
    assert [x.rule for x in f] == []


def test_unused_pragma_file_stage_and_buildkit_scopes():
    text = ("# check=skip=NoSuchCheck\n"
            "# layerlint: ignore-file=LL504\n"
            "# layerlint: ignore-stage=LL101\n"
            "FROM python:3.12-slim\n"
            "COPY a /b\n")
    f = lint(text, "LL101", "LL504", "LL518")
    assert positions(f) == [("LL518", 1, 14), ("LL518", 2, 26), ("LL518", 3, 27)]
    assert "BuildKit check NoSuchCheck" in f[0].message
    assert "this file" in f[1].message and "this stage" in f[2].message


def test_unused_pragma_not_attached_to_an_instruction():
    text = "FROM python:3.12-slim\nRUN true\n# layerlint: ignore=LL504\n"
    f = lint(text, "LL504", "LL518")
    assert positions(f) == [("LL518", 3, 21)] and "not directly above" in f[0].message


def test_unused_pragma_itself_can_be_ignored_file_wide():
    text = "# layerlint: ignore-file=LL518\n# layerlint: ignore=LL101\nFROM python:3.12-slim\n"
    assert [x for x in lint(text, "LL101", "LL518") if x.rule == "LL518"] == []


def test_layerlint_pragma_with_shellcheck_code_is_not_unknown():
    text = "FROM alpine:3.20\n# layerlint: ignore=SC2006\nRUN echo hi\n"
    f = [x for x in lint(text, report_unused_pragmas=True) if x.rule == "LL518"]
    assert all("not a layerlint rule" not in x.message for x in f)


def test_unused_pragma_on_an_onbuild_trigger_is_used():
    # the pragma above an ONBUILD trigger silences the trigger's finding: it is not unused
    assert positions(lint("FROM python:3.12-slim\nONBUILD ADD a.txt /b\n", "LL504", "LL518")) == [("LL504", 2, 13)]
    assert lint("FROM python:3.12-slim\n# layerlint: ignore=LL504\nONBUILD ADD a.txt /b\n", "LL504", "LL518") == []


def test_a_skip_of_a_check_layerlint_reports_less_often_is_not_stale():
    # BuildKit warns on GPG_KEY; LL413 deliberately does not (a public key id): the skip still
    # serves BuildKit, so removing it as "stale" would bring BuildKit's warning back
    text = "FROM alpine:3.19\n# check=skip=SecretsUsedInArgOrEnv\nENV GPG_KEY=0xABCDEF\n"
    assert lint(text, "LL518", "LL413") == []
    text = "FROM alpine:3.19\n# check=skip=JSONArgsRecommended\nCMD [\"true\"]\n"  # a check we match
    assert positions(lint(text, "LL518", "LL406")) == [("LL518", 2, 14)]
