"""BuildKit build checks, part 2: ARGs, variables, platforms, WORKDIR and .dockerignore
(LL408-LL410, LL414-LL417).

Cases marked "docs" are the examples of docs.docker.com/reference/build-checks/<check>/;
messages are BuildKit's wording (moby/buildkit frontend/dockerfile/linter/ruleset.go).
"""
import pytest

from .helpers import lint, positions


# -- LL408 UndefinedArgInFrom ----------------------------------------------------------------
def test_undefined_arg_in_from_docs_example_with_suggestion():
    # docs: FROM node:22${VARIANT} AS jsbuilder, no ARG VARIANT
    f = lint("FROM node:22${VARIANT} AS jsbuilder\n", "LL408")
    assert positions(f) == [("LL408", 1, 13)] and f[0].span.end_column == 23
    assert f[0].message == "FROM argument 'VARIANT' is not declared"
    f = lint("ARG VERSION=1\nFROM alpine:${VERSON}\n", "LL408")
    assert positions(f) == [("LL408", 2, 13)]
    assert f[0].message == "FROM argument 'VERSON' is not declared (did you mean VERSION?)"


def test_undefined_arg_in_from_platform_flag_and_continuation():
    text = "FROM --platform=$BUILDPLATFROM \\\n   golang:$GO_VER AS build\n"
    f = lint(text, "LL408")
    assert positions(f) == [("LL408", 1, 17), ("LL408", 2, 11)]
    assert f[0].message == "FROM argument 'BUILDPLATFROM' is not declared (did you mean BUILDPLATFORM?)"


def test_undefined_arg_in_from_stage_arg_is_not_visible():
    # an ARG inside a stage does not reach the next FROM
    text = "FROM alpine AS a\nARG TAG=3.20\nFROM alpine:$TAG\n"
    assert positions(lint(text, "LL408")) == [("LL408", 3, 13)]


def test_undefined_arg_in_from_does_not_fire():
    text = ("ARG BASE\nARG TAG=1\nFROM ${BASE:-alpine}:$TAG\n"
            "FROM --platform=$BUILDPLATFORM golang:1 AS b\nFROM busybox:${TARGETARCH}\n"
            "FROM scratch AS out-$TARGETSTAGE\n")
    assert lint(text, "LL408") == []


# -- LL409 WorkdirRelativePath -----------------------------------------------------------------
def test_workdir_relative_first_in_stage():
    # docs example: FROM alpine / WORKDIR app
    f = lint("FROM alpine\nWORKDIR app\nWORKDIR sub\n", "LL409")
    assert positions(f) == [("LL409", 2, 9)]
    assert f[0].message == 'Relative workdir "app" can have unexpected results if the base image changes'
    assert f[0].hadolint == ("DL3000",)


def test_workdir_relative_after_expansion_and_across_stages():
    text = ("FROM a AS base\nWORKDIR /app\nFROM base\nWORKDIR src\n"
            "FROM b\nARG DIR=build\nWORKDIR \\\n  $DIR\n")
    f = lint(text, "LL409")
    assert positions(f) == [("LL409", 8, 3)] and '"build"' in f[0].message


def test_workdir_every_relative_option():
    text = "FROM a\nWORKDIR /app\nWORKDIR src\n"
    assert lint(text, "LL409") == []
    assert positions(lint(text, "LL409", rule_options={"LL409": {"every-relative": True}})) == [("LL409", 3, 9)]


def test_workdir_relative_does_not_fire():
    text = ('FROM a\nWORKDIR /app\nFROM b\nWORKDIR $HOME/app\nFROM c\nWORKDIR "/srv"\n'
            "FROM d\nWORKDIR C:\\\\app\nFROM e\nONBUILD WORKDIR rel\n")
    assert lint(text, "LL409") == []


# -- LL410 UndefinedVar --------------------------------------------------------------------
def test_undefined_var_docs_examples():
    f = lint("FROM alpine AS base\nCOPY $foo .\n", "LL410")
    assert positions(f) == []  # alpine's own environment is unknown here: not guessed
    f = lint("FROM scratch AS base\nCOPY $foo .\n", "LL410")
    assert positions(f) == [("LL410", 2, 6)] and f[0].message == "Usage of undefined variable '$foo'"
    assert lint("FROM scratch AS base\nARG foo\nCOPY $foo .\n", "LL410") == []
    # "did you mean": PATH is always set by the builder
    f = lint("FROM scratch\nENV PATH=$PAHT:/app/bin\n", "LL410")
    assert positions(f) == [("LL410", 2, 10)]
    assert f[0].message == "Usage of undefined variable '$PAHT' (did you mean $PATH?)"
    assert lint("FROM python AS base\nARG VERSION=$PYTHON_VERSION\n", "LL410") == []


def test_undefined_var_global_arg_not_imported():
    text = "ARG VERSION=1.2\nFROM alpine:3.20\nLABEL version=$VERSION\nCOPY app-${TARGETARCH} /app\n"
    f = lint(text, "LL410")
    assert positions(f) == [("LL410", 3, 15), ("LL410", 4, 10)]
    assert f[0].message.startswith("Usage of undefined variable '$VERSION' (a global ARG")
    assert lint("ARG VERSION=1.2\nFROM alpine:3.20\nARG VERSION\nARG TARGETARCH\n"
                "LABEL version=$VERSION\nCOPY app-${TARGETARCH} /app\n", "LL410") == []


def test_undefined_var_used_before_or_outside_its_definition():
    text = ("FROM alpine AS build\nENV OUT=/out\nRUN make\n"
            "FROM alpine\nCOPY --from=build $OUT/app /app\nWORKDIR $APP\nENV APP=/srv\n")
    f = lint(text, "LL410")
    assert positions(f) == [("LL410", 5, 19), ("LL410", 6, 9)]
    assert "defined elsewhere in this Dockerfile" in f[0].message
    # in a stage built FROM the one that defines it, it is in scope
    assert lint("FROM alpine AS b\nENV OUT=/o\nFROM b\nCOPY $OUT /x\n", "LL410") == []


def test_undefined_var_builder_expanded_positions_only():
    text = ("FROM scratch\nRUN echo $NOPE\nCMD echo $NOPE\nENTRYPOINT [\"$NOPE\"]\nHEALTHCHECK CMD $NOPE\n"
            "SHELL [\"$NOPE\"]\nEXPOSE $NOPE\n")
    assert lint(text, "LL410") == []
    text = ("FROM scratch\nENV $K=$V\nLABEL l=${L}\nUSER $U\nSTOPSIGNAL $S\nVOLUME $VOL [\"x\"]\n"
            "RUN --mount=type=cache,target=$CACHE true\nADD --chown=$OWN --checksum=$SUM a b\n"
            "COPY --chmod=$MODE [\"$SRC\", \"/dst\"]\n")
    f = lint(text, "LL410")
    assert [(x.span.line, x.span.column, x.message.split("'")[1]) for x in f] == [
        (2, 5, "$K"), (2, 8, "$V"), (3, 9, "$L"), (4, 6, "$U"), (5, 12, "$S"), (6, 8, "$VOL"),
        (7, 31, "$CACHE"), (8, 13, "$OWN"), (8, 29, "$SUM"), (9, 14, "$MODE"), (9, 22, "$SRC")]


def test_undefined_var_heredoc_body_and_quoted_heredoc():
    text = "FROM scratch\nCOPY <<EOF /conf\nname=$NAME\nquoted='$Q'\nEOF\nCOPY <<'EOF' /raw\n$RAW\nEOF\n"
    f = lint(text, "LL410")
    # BuildKit expands unquoted COPY heredocs with quotes kept as text: '$Q' expands too
    assert positions(f) == [("LL410", 3, 6), ("LL410", 4, 9)]
    assert f[0].instr_line == 2


def test_undefined_var_arg_defaults_in_order_and_build_args():
    f = lint("FROM scratch\nARG A=1 B=$A C=$D\n", "LL410")
    assert positions(f) == [("LL410", 2, 16)]
    # a --build-arg replaces the default, which is then never expanded
    assert lint("FROM scratch\nARG C=$D\n", "LL410", build_args={"C": "x"}) == []


def test_undefined_var_env_sees_the_state_before_the_instruction():
    f = lint("FROM scratch\nENV A=1 B=$A\nENV C=$A\n", "LL410")
    assert positions(f) == [("LL410", 2, 11)]


def test_undefined_var_continuation_and_onbuild():
    text = "FROM scratch\nLABEL a=1 \\\n      b=$MISSING\nONBUILD COPY $LATER /x\n"
    assert positions(lint(text, "LL410")) == [("LL410", 3, 9)]


def test_undefined_var_does_not_fire():
    text = ("FROM scratch\nARG X\nENV PATH=$PATH:/bin Y=${X}\nCOPY $Y ${BUILDKIT_SBOM_SCAN_STAGE} /\n"
            "COPY \\$LITERAL '$single' /\n")
    assert lint(text, "LL410") == []


# -- LL414 RedundantTargetPlatform ---------------------------------------------------------
@pytest.mark.parametrize("value", ["$TARGETPLATFORM", "${TARGETPLATFORM}", '"$TARGETPLATFORM"'])
def test_redundant_target_platform(value):
    f = lint(f"FROM --platform={value} alpine AS builder\n", "LL414")
    assert positions(f) == [("LL414", 1, 17)]
    assert f[0].message == (f"Setting platform to predefined {value.strip(chr(34))} in FROM is redundant "
                            "as this is the default behavior")
    assert f[0].hadolint == ("DL3065",)


def test_redundant_target_platform_does_not_fire():
    text = ("FROM --platform=$BUILDPLATFORM a\nFROM --platform=${TARGETPLATFORM}-x b\n"
            "FROM --platform=$TARGETOS/$TARGETARCH c\nFROM --platform=linux/amd64 d AS amd64\nFROM e\n")
    assert lint(text, "LL414") == []


# -- LL415 InvalidDefaultArgInFrom ---------------------------------------------------------
def test_invalid_default_arg_in_from_docs_example():
    # docs: ARG TAG / FROM busybox:${TAG}
    f = lint("ARG TAG\nFROM busybox:${TAG}\n", "LL415")
    assert positions(f) == [("LL415", 2, 6)] and f[0].span.end_column == 20
    assert f[0].message == "Default value for ARG busybox:${TAG} results in empty or invalid base image name"
    # only defaults count: a --build-arg does not make the file buildable without it
    assert positions(lint("ARG TAG\nFROM busybox:${TAG}\n", "LL415", build_args={"TAG": "1"})) == [("LL415", 2, 6)]


def test_invalid_default_arg_in_from_variants():
    text = ("ARG IMAGE\nARG REG=Registry.Example.com\nARG REPO=myorg/App\nARG HOST=MyHost/app\nFROM $IMAGE\n"
            "FROM ${REG}/app:1\nFROM $REPO\nFROM alpine:${NOPE:-3.20}\nFROM $HOST\n")
    f = lint(text, "LL415")
    # an upper-case first component is a registry host (allowed), an upper-case repository is not
    assert positions(f) == [("LL415", 5, 6), ("LL415", 7, 6)]


def test_invalid_default_arg_in_from_does_not_fire():
    text = ("ARG TAG=1.36\nARG BASE=ghcr.io/org/img@sha256:" + "a" * 64 + "\n"
            "FROM busybox:${TAG}\nFROM ${BASE}\nFROM busybox:${TAG} AS b\nFROM b\n"
            "FROM --platform=$BUILDPLATFORM localhost:5000/x:${TARGETARCH}\n")
    assert lint(text, "LL415") == []
    assert lint("FROM Not_Valid\n", "LL415") == []  # no variable: left to the build itself


# -- LL416 FromPlatformFlagConstDisallowed ------------------------------------------------
def test_from_platform_const():
    # docs: FROM --platform=linux/amd64 alpine AS base
    f = lint("FROM --platform=linux/amd64 alpine AS base\nFROM --platform=linux/arm64 \\\n  debian\n", "LL416")
    assert positions(f) == [("LL416", 1, 17), ("LL416", 2, 17)]
    assert f[0].message == 'FROM --platform flag should not use constant value "linux/amd64"'


def test_from_platform_const_stage_named_after_platform():
    text = ("FROM --platform=linux/amd64 alpine AS build-amd64\nFROM --platform=linux/arm64 debian AS linux-build\n"
            "FROM --platform=linux/x86_64 alpine AS amd64-tools\nFROM --platform=$BUILDPLATFORM a AS b\n"
            "FROM --platform=not/a/valid/platform a\n")
    assert lint(text, "LL416") == []


# -- LL417 CopyIgnoredFile -----------------------------------------------------------------
@pytest.fixture
def context(tmp_path):
    def make(ignore: str):
        (tmp_path / ".dockerignore").write_text(ignore)
        return str(tmp_path)
    return make


def test_copy_ignored_file(context):
    ctx = context("secrets/\n*.env\nbuild\n")
    text = ("FROM scratch\nCOPY ./secrets/key.pem /k\nCOPY app.env config.yml /etc/\n"
            "ADD build/out.tar.gz /opt/\nADD https://example.com/x.env /x\n")
    f = lint(text, "LL417", context_dir=ctx)
    assert positions(f) == [("LL417", 2, 6), ("LL417", 3, 6), ("LL417", 4, 5)]
    assert f[0].message == ('Attempting to Copy file "secrets/key.pem" that is excluded by .dockerignore '
                            "(pattern 'secrets/', line 1)")
    assert f[2].message.startswith('Attempting to Add file "build/out.tar.gz"')


def test_copy_ignored_file_expansion_exec_form_and_multistage(context):
    ctx = context("dist\n")
    text = ('FROM scratch AS a\nARG D=dist\nCOPY $D/app /app\nCOPY ["dist/x", "/x"]\n'
            "FROM alpine\nCOPY --from=a /dist /dist\nCOPY $UNKNOWN/app /app\nONBUILD COPY dist /d\n")
    f = lint(text, "LL417", context_dir=ctx)
    assert positions(f) == [("LL417", 3, 6), ("LL417", 4, 6)]
    assert '"dist/app"' in f[0].message


def test_copy_ignored_file_context_root(context):
    # BuildKit: `.` is only "ignored" when a catch-all pattern excludes everything in it
    text = "FROM scratch\nCOPY . /src\n"
    assert positions(lint(text, "LL417", context_dir=context("*\n"))) == [("LL417", 2, 6)]
    assert positions(lint(text, "LL417", context_dir=context("**\n"))) == [("LL417", 2, 6)]
    assert lint(text, "LL417", context_dir=context(".*\nnode_modules\n")) == []


def test_copy_ignored_file_skipped_with_exceptions_and_heredocs(context):
    # any `!` pattern: BuildKit does not try to decide (a re-included file may lie inside)
    ctx = context("*\n!app/\n")
    assert lint("FROM scratch\nCOPY secrets /s\nCOPY . /src\n", "LL417", context_dir=ctx) == []
    ctx = context("*\n")
    assert lint("FROM scratch\nCOPY <<EOF /x\nhi\nEOF\n", "LL417", context_dir=ctx) == []


def test_copy_ignored_file_without_dockerignore(tmp_path):
    assert lint("FROM scratch\nCOPY secrets /s\n", "LL417", context_dir=str(tmp_path)) == []
    assert lint("FROM scratch\nCOPY secrets /s\n", "LL417") == []


def test_copy_ignored_file_docs_example_pattern(context):
    # docs: `.dockerignore` with `*/tmp/*`. That pattern needs one directory level before
    # `tmp`, so it excludes `x/tmp/a` but not `tmp/a` (Go's filepath.Match semantics, which
    # BuildKit uses); the docs' "bad" example `COPY ./tmp/helloworld.txt` does not match it.
    ctx = context("*/tmp/*\n")
    text = "FROM scratch\nCOPY ./tmp/helloworld.txt /h\nCOPY ./forever/tmp/x.txt /x\n"
    assert positions(lint(text, "LL417", context_dir=ctx)) == [("LL417", 3, 6)]


def test_undefined_var_extension_idiom_and_same_env_instruction():
    # extending a value the base image may set: not evidence of a missing definition
    text = ("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nENV LD_LIBRARY_PATH=/opt/lib:$LD_LIBRARY_PATH\n"
            "FROM alpine AS other\nENV LD_LIBRARY_PATH=/usr/lib\n")
    assert lint(text, "LL410") == []
    # ...but a later pair of the same ENV does not see an earlier one (docs: BuildKit expands
    # every value with the environment from before the instruction)
    f = lint("FROM alpine\nENV ROOT=/srv PYTHONPATH=${PYTHONPATH}:${ROOT}\n", "LL410")
    assert positions(f) == [("LL410", 2, 40)]
    # on scratch nothing comes from a base image: the extension idiom is reported too
    assert positions(lint("FROM scratch\nENV LIBS=/a:$LIBS\n", "LL410")) == [("LL410", 2, 13)]
    # a global ARG re-exported through ENV without importing it is the classic mistake
    f = lint("ARG VERSION=1\nFROM alpine\nENV VERSION=$VERSION\n", "LL410")
    assert positions(f) == [("LL410", 3, 13)] and "global ARG" in f[0].message


def test_copy_ignored_file_absolute_source_is_a_context_path(context):
    ctx = context("secrets\n")
    assert positions(lint("FROM scratch\nCOPY /secrets/key /k\n", "LL417", context_dir=ctx)) == [("LL417", 2, 6)]
