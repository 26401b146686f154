"""LL410 undefined-var: Variable in a builder-expanded position is not defined."""
from ...helpers import lint, positions


def test_undefined_var_docs_examples():
    f = lint("FROM myorg/base:1 AS base\nCOPY $foo .\n", "LL410")
    assert positions(f) == []  # that image's own environment is unknown here: not guessed
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


def test_undefined_var_extension_idiom_and_same_env_instruction():
    # extending a value the base image may set: not evidence of a missing definition
    text = ("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nENV LD_LIBRARY_PATH=/opt/lib:$LD_LIBRARY_PATH\n"
            "FROM alpine AS other\nENV LD_LIBRARY_PATH=/usr/lib\n")
    assert lint(text, "LL410") == []
    # ...but a later pair of the same ENV does not see an earlier one (docs: BuildKit expands
    # every value with the environment from before the instruction)
    f = lint("FROM myorg/python:3\nENV ROOT=/srv PYTHONPATH=${PYTHONPATH}:${ROOT}\n", "LL410")
    assert positions(f) == [("LL410", 2, 40)]
    # on scratch nothing comes from a base image: the extension idiom is reported too
    assert positions(lint("FROM scratch\nENV LIBS=/a:$LIBS\n", "LL410")) == [("LL410", 2, 13)]
    # a global ARG re-exported through ENV without importing it is the classic mistake
    f = lint("ARG VERSION=1\nFROM alpine\nENV VERSION=$VERSION\n", "LL410")
    assert positions(f) == [("LL410", 3, 13)] and "global ARG" in f[0].message


def test_undefined_var_official_base_image_env():
    # names the official image defines (layerlint/data/official_image_env.tsv) are defined,
    # whatever else the file says about them
    text = ("ARG PHP_INI_DIR=/etc/php\nFROM php:8.3-apache\nCOPY php.ini $PHP_INI_DIR/php.ini\n"
            "FROM eclipse-temurin:21-jre AS jre\nENV PATH=$JAVA_HOME/bin:$PATH\n"
            "FROM docker.io/library/node:22\nLABEL node=$NODE_VERSION\n"
            "FROM quay.io/jupyter/base-notebook\nUSER $NB_UID\n")
    assert lint(text, "LL410") == []
    # an image the table knows down to scratch: any other name is undefined, as BuildKit says
    f = lint("FROM python:3.12-slim\nENV PYTHONPATH=${PYTHONPATH}:/app X=${NOPE:-1} Y=${NOPE2:+2}\n", "LL410")
    assert positions(f) == [("LL410", 2, 16), ("LL410", 2, 37), ("LL410", 2, 50)]
    assert f[0].message == ("Usage of undefined variable '$PYTHONPATH' "
                            "(neither this file nor the ENV of python:3.12-slim defines it)")
    f = lint("FROM alpine:3.20 AS base\nCOPY $foo .\nFROM base\nWORKDIR $HOME/app\n", "LL410")
    assert positions(f) == [("LL410", 2, 6), ("LL410", 4, 9)]
    # extending a value the base image does not set, with the name also set from scratch later
    f = lint('FROM ubuntu:22.04\nENV L="/a:${L}"\nFROM myorg/x\nENV L="/a:${L}"\nFROM alpine\nENV L=/b\n', "LL410")
    assert positions(f) == [("LL410", 2, 11)] and "ENV of ubuntu:22.04" in f[0].message
    # a stage built FROM another is judged by the image its chain starts at
    assert lint("FROM golang:1.23 AS build\nFROM build\nENV GOBIN=$GOPATH/bin\n", "LL410") == []


def test_undefined_var_official_base_image_env_does_not_guess():
    # the table knows only some of eclipse-temurin's variants (ubi ones are not read): only the
    # names it lists count, nothing else is reported
    assert lint("FROM eclipse-temurin:21\nENV X=$SOMETHING_ELSE\n", "LL410") == []
    # Windows variants are not in the table; nor is an image named through an unset variable
    assert lint("FROM python:3.12-windowsservercore\nENV X=$NOPE\n", "LL410") == []
    assert lint("ARG BASE\nFROM python:${BASE}\nENV X=$NOPE\n", "LL410") == []
    # a global ARG the stage never imports is reported on a known image as on any other
    f = lint("ARG VERSION=1\nFROM python:3.12\nENV V=$VERSION\n", "LL410")
    assert positions(f) == [("LL410", 3, 7)] and "global ARG" in f[0].message
