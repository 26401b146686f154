"""BuildKit build checks, part 1: stages, casing, syntax and instruction-form rules (LL400-LL407,
LL411-LL413, LL418-LL420).

Docker's BuildKit is not available in this environment, so where a case comes from BuildKit's
documentation (docs.docker.com/reference/build-checks/<check>/) the test says so; messages are
BuildKit's own wording (moby/buildkit frontend/dockerfile/linter/ruleset.go).
"""
from layerlint.rules import all_rules

from .helpers import lint, positions


def fixes(findings):
    return [[(e.span.line, e.span.column, e.span.end_line, e.span.end_column, e.text) for e in f.fix.edits]
            if f.fix else None for f in findings]


def test_every_buildkit_rule_has_the_mandatory_shape():
    mine = {c: r for c, r in all_rules().items() if "LL400" <= c <= "LL449"}
    assert len(mine) == 21
    names = set()
    for code, r in mine.items():
        assert len(r.buildkit) == 1, code
        names.add(r.buildkit[0])
        for part in ("## What it does", "## Why is this bad", "## Example\n```dockerfile",
                     "## Use instead\n```dockerfile"):
            assert part in r.doc, (code, part)
        assert r.severity in ("error", "warning", "info", "style")
    # every static BuildKit check (all but InvalidBaseImagePlatform, which needs the registry)
    assert names == {
        "StageNameCasing", "FromAsCasing", "NoEmptyContinuation", "ConsistentInstructionCasing",
        "DuplicateStageName", "ReservedStageName", "JSONArgsRecommended", "MaintainerDeprecated",
        "UndefinedArgInFrom", "WorkdirRelativePath", "UndefinedVar", "MultipleInstructionsDisallowed",
        "LegacyKeyValueFormat", "SecretsUsedInArgOrEnv", "RedundantTargetPlatform",
        "InvalidDefaultArgInFrom", "FromPlatformFlagConstDisallowed", "CopyIgnoredFile",
        "ExposeProtoCasing", "ExposeInvalidFormat", "InvalidDefinitionDescription"}
    assert not mine["LL420"].enabled_by_default  # experimental in BuildKit
    assert all(r.enabled_by_default for c, r in mine.items() if c != "LL420")
    assert mine["LL404"].hadolint == ("DL3024",) and mine["LL406"].hadolint == ("DL3025",)
    assert mine["LL407"].hadolint == ("DL4000",) and mine["LL409"].hadolint == ("DL3000",)
    assert mine["LL411"].hadolint == ("DL4003", "DL4004", "DL3012")


# -- LL400 StageNameCasing -------------------------------------------------------------------
def test_stage_name_casing_fires_at_the_name_with_fix():
    # docs example: FROM node:20 AS BuilderBase
    f = lint("FROM node:20 AS BuilderBase\nRUN true\n", "LL400")
    assert positions(f) == [("LL400", 1, 17)]
    assert f[0].message == "Stage name 'BuilderBase' should be lowercase"
    assert f[0].span.end_column == 28
    assert fixes(f) == [[(1, 17, 1, 28, "builderbase")]]


def test_stage_name_casing_continuation_and_multistage():
    text = "FROM alpine:3 \\\n    AS Build\nFROM Build\nCOPY --from=Build /a /a\n"
    assert positions(lint(text, "LL400")) == [("LL400", 2, 8)]


def test_stage_name_casing_does_not_fire():
    assert lint("FROM node:20 AS builder-base\nFROM builder-base\nFROM Ubuntu\n", "LL400") == []
    assert lint("FROM --platform=$BUILDPLATFORM golang:1 AS build_2\n", "LL400") == []


# -- LL401 FromAsCasing ------------------------------------------------------------------------
def test_from_as_casing_fires_at_as_word():
    # docs example: FROM debian:latest as builder
    f = lint("FROM debian:latest as builder\nfrom alpine:3 AS runtime\n", "LL401")
    assert positions(f) == [("LL401", 1, 20), ("LL401", 2, 15)]
    assert f[0].message == "'as' and 'FROM' keywords' casing do not match"
    assert f[1].message == "'AS' and 'from' keywords' casing do not match"
    assert fixes(f) == [[(1, 20, 1, 22, "AS")], [(2, 15, 2, 17, "as")]]


def test_from_as_casing_with_flags_and_continuation():
    text = "FROM --platform=linux/amd64 alpine:3 \\\n  As b\n"
    assert positions(lint(text, "LL401")) == [("LL401", 2, 3)]


def test_from_as_casing_does_not_fire():
    assert lint("FROM a AS b\nfrom c as d\nFROM e\n", "LL401") == []
    # a mixed-case FROM is left to consistent-instruction-casing
    assert lint("From a as b\nFrOm c AS d\n", "LL401") == []


# -- LL402 NoEmptyContinuation -----------------------------------------------------------------
def test_no_empty_continuation_fires_at_each_blank_line():
    # docs example
    text = "FROM alpine\nEXPOSE \\\n\n80\n"
    f = lint(text, "LL402")
    assert positions(f) == [("LL402", 3, 1)] and f[0].message == "Empty continuation line"
    text = "FROM a\nRUN apt-get update && \\\n   \n    apt-get install -y x \\\n\n    curl\n"
    f = lint(text, "LL402")
    assert positions(f) == [("LL402", 3, 1), ("LL402", 5, 1)]
    assert f[0].span.end_column == 4 and f[0].instr_line == 2


def test_no_empty_continuation_in_onbuild_and_last_stage():
    text = "FROM a AS b\nONBUILD RUN echo \\\n\n  hi\nFROM b\nENV A=1 \\\n\n  B=2\n"
    assert positions(lint(text, "LL402")) == [("LL402", 3, 1), ("LL402", 7, 1)]


def test_no_empty_continuation_does_not_fire():
    assert lint("FROM a\nRUN a \\\n  # a comment line\n  && b\n", "LL402") == []
    # blank lines in a heredoc body are data, not continuations
    assert lint("FROM a\nRUN <<EOF\nset -e\n\necho hi\nEOF\n\nRUN b\n", "LL402") == []


# -- LL403 ConsistentInstructionCasing -------------------------------------------------------
def test_consistent_casing_majority_upper():
    text = "FROM alpine\nRUN echo hello\nrun echo world\nCopy a /a\n"
    f = lint(text, "LL403")
    assert positions(f) == [("LL403", 3, 1), ("LL403", 4, 1)]
    assert f[0].message == "Command 'run' should match the case of the command majority (uppercase)"
    assert fixes(f) == [[(3, 1, 3, 4, "RUN")], [(4, 1, 4, 5, "COPY")]]


def test_consistent_casing_majority_lower_and_tie():
    f = lint("from alpine\nrun a\nRUN b\ncopy a /a\n", "LL403")
    assert positions(f) == [("LL403", 3, 1)]
    assert f[0].message == "Command 'RUN' should match the case of the command majority (lowercase)"
    # a tie means upper case (BuildKit: lowerCount > upperCount)
    assert positions(lint("from a\nRUN b\n", "LL403")) == [("LL403", 1, 1)]


def test_consistent_casing_onbuild_trigger_indented_and_global_arg():
    text = "arg V=1\nFROM a\n  run x\nONBUILD run y\nRUN z\nCMD [\"a\"]\n"
    f = lint(text, "LL403")
    assert positions(f) == [("LL403", 1, 1), ("LL403", 3, 3), ("LL403", 4, 9)]


def test_consistent_casing_does_not_fire():
    assert lint("FROM a\nRUN b\nONBUILD RUN c\n", "LL403") == []
    assert lint("from a\nrun b\nonbuild run c\n", "LL403") == []


# -- LL404 DuplicateStageName ------------------------------------------------------------------
def test_duplicate_stage_name_fires_on_each_repeat_case_insensitively():
    text = "FROM a AS build\nFROM b AS Build\nFROM c AS x\nFROM d AS BUILD\n"
    f = lint(text, "LL404")
    assert positions(f) == [("LL404", 2, 11), ("LL404", 4, 11)]
    assert f[0].message.startswith('Duplicate stage name "build", stage names should be unique')
    assert f[0].hadolint == ("DL3024",)


def test_duplicate_stage_name_does_not_fire():
    assert lint("FROM a AS build\nFROM build AS test\nFROM a\nFROM a\n", "LL404") == []


# -- LL405 ReservedStageName -------------------------------------------------------------------
def test_reserved_stage_name():
    f = lint("FROM alpine AS scratch\nFROM alpine AS Context\n", "LL405")
    assert positions(f) == [("LL405", 1, 16), ("LL405", 2, 16)]
    assert f[0].message == 'Stage name should not use the same name as reserved stage "scratch"'
    assert f[1].message == 'Stage name should not use the same name as reserved stage "context"'
    assert lint("FROM scratch AS base\nFROM scratch\nFROM a AS scratchpad\n", "LL405") == []


# -- LL406 JSONArgsRecommended -----------------------------------------------------------------
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


# -- LL407 MaintainerDeprecated ----------------------------------------------------------------
def test_maintainer_deprecated_with_label_fix():
    f = lint("FROM alpine\nMAINTAINER Jane Doe <jane@example.com>\n", "LL407")
    assert positions(f) == [("LL407", 2, 1)]
    assert f[0].message == "Maintainer instruction is deprecated in favor of using label"
    assert fixes(f) == [[(2, 1, 2, 39, 'LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"')]]


def test_maintainer_fix_keeps_the_value_exact_and_the_casing():
    f = lint('from a\nmaintainer "Bob" $USER \\\n  x\n', "LL407")
    assert positions(f) == [("LL407", 2, 1)]
    # MAINTAINER never expands; LABEL does, so `$` and quotes are escaped
    assert fixes(f) == [[(2, 1, 3, 4, 'label org.opencontainers.image.authors="\\"Bob\\" \\$USER   x"')]]


def test_maintainer_with_backtick_escape():
    f = lint("# escape=`\nFROM a\nMAINTAINER a\"b\n", "LL407")
    assert fixes(f) == [[(3, 1, 3, 15, 'LABEL org.opencontainers.image.authors="a`"b"')]]


def test_maintainer_does_not_fire():
    assert lint('FROM a\nLABEL org.opencontainers.image.authors="x"\n', "LL407") == []


# -- LL411 MultipleInstructionsDisallowed ----------------------------------------------------
def test_multiple_instructions_reports_the_overridden_ones():
    text = ('FROM a\nCMD ["a"]\nENTRYPOINT ["b"]\nHEALTHCHECK NONE\nCMD ["c"]\nentrypoint ["d"]\n'
            'HEALTHCHECK CMD ["e"]\nCMD ["f"]\n')
    f = lint(text, "LL411")
    assert positions(f) == [("LL411", 2, 1), ("LL411", 3, 1), ("LL411", 4, 1), ("LL411", 5, 1)]
    assert [x.hadolint for x in f] == [("DL4003",), ("DL4004",), ("DL3012",), ("DL4003",)]
    assert f[0].message.startswith("Multiple CMD instructions should not be used in the same stage "
                                   "because only the last one will be used")
    assert "line 5" in f[0].message and "line 8" in f[3].message


def test_multiple_instructions_per_stage_and_onbuild():
    text = 'FROM a AS x\nCMD ["a"]\nFROM x\nCMD ["b"]\nONBUILD CMD ["c"]\nFROM y\nCMD ["d"]\n'
    assert lint(text, "LL411") == []
    text = 'FROM a\nCMD ["a", \\\n  "b"]\nCMD ["c"]\n'
    assert positions(lint(text, "LL411")) == [("LL411", 2, 1)]


# -- LL412 LegacyKeyValueFormat --------------------------------------------------------------
def test_legacy_key_value_env_and_label_with_fix():
    text = "FROM a\nENV APP_HOME /srv/app\nLABEL description A small web service\n"
    f = lint(text, "LL412")
    assert positions(f) == [("LL412", 2, 5), ("LL412", 3, 7)]
    assert f[0].message == '"ENV key=value" should be used instead of legacy "ENV key value" format'
    assert f[1].message == '"LABEL key=value" should be used instead of legacy "LABEL key value" format'
    assert fixes(f) == [[(2, 5, 2, 22, "APP_HOME=/srv/app")],
                        [(3, 7, 3, 38, 'description="A small web service"')]]


def test_legacy_key_value_fix_quoting_keeps_the_value():
    f = lint('FROM a\nENV MSG "hello world" and $X\nenv K  a\\ b c\n', "LL412")
    assert positions(f) == [("LL412", 2, 5), ("LL412", 3, 5)]
    assert f[1].message.startswith('"env key=value"')
    # quotes or escapes present: escape each blank outside quotes instead of re-quoting
    assert fixes(f) == [[(2, 5, 2, 29, 'MSG="hello world"\\ and\\ $X')], [(3, 5, 3, 14, "K=a\\ b\\ c")]]


def test_legacy_key_value_onbuild_and_continuation():
    text = "FROM a\nONBUILD ENV A 1\nENV B \\\n  2\n"
    f = lint(text, "LL412")
    assert positions(f) == [("LL412", 2, 13), ("LL412", 3, 5)]
    assert fixes(f)[1] == [(3, 5, 4, 4, "B=2")]


def test_legacy_key_value_does_not_fire():
    assert lint('FROM a\nENV A=1 B="x y"\nLABEL a=b\n', "LL412") == []


# -- LL413 SecretsUsedInArgOrEnv -------------------------------------------------------------
def test_secrets_in_arg_or_env():
    text = ("FROM a\nARG GITHUB_TOKEN\nENV api_key=x AWS_SECRET_ACCESS_KEY=y\nARG AUTH DB_PASSWORD=z\n"
            "ENV Credentials=1 MY_PWORD=2 PASSWD=3 SECRET_MESSAGE=4 APIKEY=5\n")
    f = lint(text, "LL413")
    assert positions(f) == [("LL413", 2, 5), ("LL413", 3, 5), ("LL413", 3, 15), ("LL413", 4, 5),
                            ("LL413", 4, 10), ("LL413", 5, 5), ("LL413", 5, 19), ("LL413", 5, 30),
                            ("LL413", 5, 39), ("LL413", 5, 56)]
    assert f[0].message == 'Do not use ARG or ENV instructions for sensitive data (ARG "GITHUB_TOKEN")'
    assert f[1].message == 'Do not use ARG or ENV instructions for sensitive data (ENV "api_key")'


def test_secrets_allow_tokens_and_word_boundaries():
    text = ("FROM a\nARG PUBLIC_KEY TOKEN_FILE SECRET_VERSION KEYRING MONKEY TOKENS AUTHOR\n"
            "ENV GPG_KEYS=1 NPM_AUTH_TOKEN_PUBLIC=2\n")
    assert lint(text, "LL413") == []


def test_secrets_global_arg_not_checked_but_onbuild_is():
    text = "ARG NPM_TOKEN\nFROM a\nONBUILD ENV NPM_TOKEN=x\nARG NPM_TOKEN\n"
    f = lint(text, "LL413")
    assert positions(f) == [("LL413", 3, 13), ("LL413", 4, 5)]


# -- LL418 ExposeProtoCasing / LL419 ExposeInvalidFormat ------------------------------------
def test_expose_proto_casing_at_the_protocol():
    f = lint("FROM a\nEXPOSE 80/TCP 443/tcp 53/Udp 22\n", "LL418")
    assert positions(f) == [("LL418", 2, 11), ("LL418", 2, 26)]
    assert f[0].message == "Defined protocol '80/TCP' in EXPOSE instruction should be lowercase"
    assert fixes(f) == [[(2, 11, 2, 14, "tcp")], [(2, 26, 2, 29, "udp")]]


def test_expose_proto_casing_after_expansion_and_onbuild():
    text = "FROM a\nARG P=8080/TCP\nEXPOSE $P\nONBUILD EXPOSE 9/SCTP\nEXPOSE $UNKNOWN/TCP\n"
    f = lint(text, "LL418")
    assert positions(f) == [("LL418", 3, 8), ("LL418", 4, 18)]
    assert f[0].fix is None and "'8080/TCP'" in f[0].message


def test_expose_proto_casing_does_not_fire():
    # an unknown protocol is a build error, not a casing problem
    assert lint("FROM a\nEXPOSE 80/tcp 81 82/HTTP\n", "LL418") == []


def test_expose_invalid_format():
    # docs examples: EXPOSE 127.0.0.1:80:80 and EXPOSE 80:80
    text = "FROM alpine\nEXPOSE 127.0.0.1:80:80\nEXPOSE 80:80 \\\n  8080 [::1]:9:9/udp\n"
    f = lint(text, "LL419")
    assert positions(f) == [("LL419", 2, 8), ("LL419", 3, 8), ("LL419", 4, 8)]
    assert f[0].message == ("EXPOSE instruction should not define an IP address or host-port mapping, "
                            "found '127.0.0.1:80:80'")
    assert "'[::1]:9:9/udp'" in f[2].message
    assert lint("FROM a\nEXPOSE 80 443/tcp 8000-8010\nONBUILD EXPOSE 1\n", "LL419") == []
    assert positions(lint("FROM a\nONBUILD EXPOSE 1:1\n", "LL419")) == [("LL419", 2, 16)]


# -- LL420 InvalidDefinitionDescription (experimental, opt-in) ------------------------------
def test_invalid_definition_description_docs_examples():
    bad = "# a non-descriptive comment\nFROM scratch AS base\n\n# another non-descriptive comment\nARG VERSION=1\n"
    f = lint(bad, "LL420")
    assert positions(f) == [("LL420", 2, 17), ("LL420", 5, 5)]
    assert f[0].message == "Comment for FROM should follow the format: `# base <description>`"
    assert f[1].message == "Comment for ARG should follow the format: `# VERSION <description>`"
    good = ("# a non-descriptive comment\n\nFROM scratch AS base\n\n# another non-descriptive comment\n\n"
            "ARG VERSION=1\n")
    assert lint(good, "LL420") == []
    good = "# base is a stage for compiling source\nFROM scratch AS base\n# VERSION This is the version number.\nARG VERSION=1\n"
    assert lint(good, "LL420") == []


def test_invalid_definition_description_details():
    text = ("# Build is capitalised\nFROM a AS Build\n# A and B\nARG A B\n# wrong\nARG X Y\n"
            "# only the last line counts\n# C describes C\nARG C\n#\nARG D\n")
    f = lint(text, "LL420")
    assert positions(f) == [("LL420", 2, 11), ("LL420", 6, 5)]
    assert f[1].message == "Comment for ARG should follow the format: `# <arg_key> <description>`"
    assert lint("# x\nFROM a\n# y\nRUN b\n", "LL420") == []  # no stage name, not an ARG
    assert "LL420" not in {x.rule for x in lint("# wrong\nFROM a AS b\n")}  # not enabled by default


# -- fixes round-trip: applying them removes the finding and keeps the meaning ---------------
def apply_fixes(text, findings):
    lines = text.split("\n")
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln) + 1)

    def off(line, col):
        return starts[line - 1] + col - 1

    edits = sorted((e for f in findings if f.fix for e in f.fix.edits),
                   key=lambda e: off(e.span.line, e.span.column), reverse=True)
    for e in edits:
        a, b = off(e.span.line, e.span.column), off(e.span.end_line, e.span.end_column)
        text = text[:a] + e.text + text[b:]
    return text


def _pairs(text):
    from layerlint.graph import expand
    from layerlint.syntax import parse
    df = parse(text)
    env = {"X": "ex"}
    return [(p.key, expand(p.value, env, df.escape)[0]) for i in df.instructions
            for p in (i.inner or i).pairs if p.value is not None]


def test_fixes_round_trip():
    cases = {
        "LL400": "FROM a AS Build\nFROM Build\n",
        "LL401": "FROM a as b\nfrom c AS d\n",
        "LL403": "FROM a\nrun b\nCopy c /d\n",
        "LL406": "FROM a\nCMD python -m http.server 8000\nFROM b\nENTRYPOINT ./run.sh \\\n  --flag\n",
        "LL407": 'FROM a\nMAINTAINER "Jane" <j@x> $HOME\n',
        "LL412": "FROM a\nENV A  hello   world\nENV B \"x y\" z\nLABEL c a\\ b $X 'q r'\nENV D $X\n",
        "LL418": "FROM a\nEXPOSE 80/TCP 53/uDp\n",
    }
    for code, text in cases.items():
        f = lint(text, code)
        assert f and all(x.fix for x in f), code
        fixed = apply_fixes(text, f)
        assert lint(fixed, code) == [], (code, fixed)
    # LEGACY -> key=value keeps every expanded value
    text = cases["LL412"]
    assert _pairs(apply_fixes(text, lint(text, "LL412"))) == _pairs(text)
    assert _pairs(apply_fixes(text, lint(text, "LL412")))[0] == ("A", "hello   world")
    # MAINTAINER -> LABEL keeps the exact text (LABEL would otherwise expand $HOME)
    text = cases["LL407"]
    assert _pairs(apply_fixes(text, lint(text, "LL407"))) == [
        ("org.opencontainers.image.authors", '"Jane" <j@x> $HOME')]
    text = cases["LL406"]
    assert apply_fixes(text, lint(text, "LL406")) == (
        'FROM a\nCMD ["python", "-m", "http.server", "8000"]\nFROM b\nENTRYPOINT ["./run.sh", "--flag"]\n')


def test_secrets_extra_substrings_option_for_hadolint_parity():
    text = "FROM a\nARG SECRETKEY DB_USERNAME HOST\n"
    assert lint(text, "LL413") == []
    f = lint(text, "LL413", rule_options={"LL413": {"extra-substrings": ["secret", "USERNAME"]}})
    assert positions(f) == [("LL413", 2, 5), ("LL413", 2, 15)] and f[0].hadolint == ("DL3064",)
