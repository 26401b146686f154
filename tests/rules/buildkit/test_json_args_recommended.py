"""LL406 json-args-recommended: `CMD`/`ENTRYPOINT` in shell form: signals do not reach the process."""
from ...helpers import fixes, lint, positions


def test_json_args_fires_on_cmd_and_entrypoint_with_exec_form_fix():
    text = "FROM python:3.12-slim\nENTRYPOINT my-app --port 80\nCMD python /app/app.py\n"
    f = lint(text, "LL406")
    assert positions(f) == [("LL406", 2, 12), ("LL406", 3, 5)]
    assert f[1].message == ("JSON arguments recommended for CMD to prevent unintended behavior "
                            "related to OS signals")
    assert f[1].span.end_column == 23
    assert fixes(f)[1] == [(3, 5, 3, 23, '["python", "/app/app.py"]')]
    # an exec-form ENTRYPOINT would receive the stage's CMD as arguments: no fix offered
    assert fixes(f)[0] is None


def test_json_args_entrypoint_fix_without_cmd_and_continuation():
    text = "FROM a\nENTRYPOINT my-app \\\n    --port 80\n"
    f = lint(text, "LL406")
    assert positions(f) == [("LL406", 2, 12)] and f[0].span.end_line == 3 and f[0].span.end_column == 14
    assert fixes(f) == [[(2, 12, 3, 14, '["my-app", "--port", "80"]')]]


def test_json_args_no_fix_when_split_is_ambiguous():
    for cmd in ["node app.js && sleep 1", "echo $HOME", "echo 'a b'", "run *.sh", "app > log",
                "FOO=1 app", "cd ~", "a;b", 'say "hi"', "a \\\n  b\\c"]:
        f = lint(f"FROM a\nCMD {cmd}\n", "LL406")
        assert len(f) == 1 and f[0].fix is None, cmd


def test_json_args_onbuild_and_multistage_shell():
    text = ("FROM a AS base\nSHELL [\"/bin/bash\", \"-c\"]\nFROM base\nCMD echo inherited shell\n"
            "FROM a\nONBUILD CMD echo hi\nCMD echo no shell here\n")
    f = lint(text, "LL406")
    assert positions(f) == [("LL406", 6, 13), ("LL406", 7, 5)]


def test_json_args_does_not_fire():
    assert lint('FROM a\nCMD ["python", "app.py"]\nENTRYPOINT ["/bin/app"]\n', "LL406") == []
    # SHELL set earlier in the stage: shell form is deliberate (BuildKit suppresses)
    assert lint('FROM a\nSHELL ["pwsh", "-c"]\nCMD Write-Host hi\n', "LL406") == []
    # HEALTHCHECK is only checked with the hadolint-compatible option
    assert lint("FROM a\nHEALTHCHECK CMD curl -f http://localhost/\n", "LL406") == []


def test_json_args_shell_after_cmd_does_not_suppress():
    f = lint('FROM a\nCMD echo hi\nSHELL ["/bin/bash", "-c"]\n', "LL406")
    assert positions(f) == [("LL406", 2, 5)]


def test_json_args_healthcheck_option():
    f = lint("FROM a\nHEALTHCHECK --interval=5s CMD curl -f http://localhost/\n", "LL406",
             rule_options={"LL406": {"include-healthcheck": True}})
    assert positions(f) == [("LL406", 2, 31)] and "HEALTHCHECK CMD" in f[0].message
    assert f[0].fix is not None and f[0].fix.edits[0].text == '["curl", "-f", "http://localhost/"]'


def test_json_args_variable_entrypoint_and_sh_c_cmd():
    # BuildKit warns on both (verified: tests/test_buildkit_conformance.py): a shell-form
    # command is one whatever it starts with
    text = 'FROM a\nENTRYPOINT /usr/bin/$INITSH\nCMD /bin/sh -c "envsubst < t > c" && nginx -g \'daemon off;\'\n'
    f = lint(text, "LL406")
    assert positions(f) == [("LL406", 2, 12), ("LL406", 3, 5)]
    assert [x.fix for x in f] == [None, None]


def test_json_args_hadolint_ignore_silences_it():
    # deliberately unlike BuildKit, which reads only `# check=skip=`: hadolint's comment names
    # DL3025, the same check
    text = 'FROM a\n# hadolint ignore=DL3025\nCMD /bin/sh -c "envsubst < t > c"\nCMD echo hi\n'
    assert positions(lint(text, "LL406")) == [("LL406", 4, 5)]
