"""LL202 volatile-arg-before-expensive-step: A per-build ARG/ENV (BUILD_DATE, GIT_SHA, VERSION...) declared before expensive RUNs re-runs them every build."""
import pytest

from ...helpers import lint, positions


def test_ll202_fires_at_the_arg_name():
    text = ("FROM python:3.12\nARG GIT_SHA\nWORKDIR /app\nCOPY requirements.txt .\n"
            "RUN pip install -r requirements.txt\nLABEL rev=$GIT_SHA\n")
    f = lint(text, "LL202")
    assert positions(f) == [("LL202", 2, 5)]
    assert f[0].span.end_column == 12
    assert "line 5" in f[0].message and "right before line 6" in f[0].message


def test_ll202_env_from_a_variable_and_several_names_on_one_line():
    text = ("FROM debian:12\nARG TARGETOS BUILD_DATE\nENV APP_BUILD_DATE=${BUILD_DATE}\n"
            "RUN apt-get update && apt-get install -y curl\n")
    f = lint(text, "LL202")
    assert positions(f) == [("LL202", 2, 14), ("LL202", 3, 5)]


def test_ll202_reaches_child_stages_and_counts_downloads():
    text = "FROM alpine:3 AS base\nARG VCS_REF\nFROM base\nRUN curl -fsSL https://x.org/a.tgz -o /a.tgz\n"
    assert positions(lint(text, "LL202")) == [("LL202", 2, 5)]


def test_ll202_option_adds_names():
    text = "FROM alpine:3\nARG TICKET\nRUN apk add curl\n"
    assert lint(text, "LL202") == []
    assert positions(lint(text, "LL202", rule_options={"LL202": {"names": ["ticket"]}})) == [("LL202", 2, 5)]


@pytest.mark.parametrize("text", [
    # used by the expensive step itself
    "FROM alpine:3\nARG VERSION\nRUN curl -fsSL https://x.org/tool-${VERSION}.tgz -o /t.tgz\n",
    # declared after the expensive steps
    "FROM python:3\nRUN pip install -r r.txt\nARG GIT_SHA\nLABEL rev=$GIT_SHA\n",
    # only cheap steps after it
    "FROM alpine:3\nARG BUILD_DATE\nRUN echo $BUILD_DATE > /date\nCOPY . .\n",
    # compile steps may read it from the environment
    "FROM golang:1\nARG GIT_COMMIT\nRUN go build -o /app .\n",
    # not a volatile name; a literal ENV only changes when edited
    "FROM alpine:3\nARG NODE_VERSION=20\nRUN apk add nodejs\n",
    "FROM alpine:3\nENV VERSION=1.2.3\nRUN apk add curl\n",
    # a global ARG is not in any stage's environment
    "ARG GIT_SHA\nFROM alpine:3\nRUN apk add curl\n",
    # another stage
    "FROM alpine:3 AS a\nARG GIT_SHA\nFROM alpine:3\nRUN apk add curl\n",
])
def test_ll202_does_not_fire(text):
    assert lint(text, "LL202") == []


def test_ll202_onbuild_does_not_fire():
    # the twin without ONBUILD fires; ONBUILD triggers are not layers of this build
    assert positions(lint("FROM python:3.12\nARG GIT_SHA\nRUN pip install -r requirements.txt\n", "LL202")) == \
        [("LL202", 2, 5)]
    assert lint("FROM python:3.12\nONBUILD ARG GIT_SHA\nONBUILD RUN pip install -r requirements.txt\n", "LL202") == []
