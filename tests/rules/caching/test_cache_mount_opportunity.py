"""LL206 cache-mount-opportunity: Package-manager install without --mount=type=cache: every re-run downloads everything again."""
import pytest

from layerlint.rules import all_rules

from ...helpers import lint, positions, spans


def test_ll206_fires_on_the_install_command():
    assert not all_rules()["LL206"].enabled_by_default
    f = lint("FROM python:3.12\nRUN pip install -r requirements.txt\n", "LL206")
    assert positions(f) == [("LL206", 2, 5)] and f[0].span.end_column == 36
    assert "--mount=type=cache,target=/root/.cache/pip" in f[0].message
    f = lint("FROM node:22\nWORKDIR /app\nRUN npm ci && npm run build\n", "LL206")
    assert positions(f) == [("LL206", 3, 5)] and "/root/.npm" in f[0].message
    f = lint("FROM golang:1\nENV GOMODCACHE=/gomod\nRUN go mod download\n", "LL206")
    assert positions(f) == [("LL206", 3, 5)] and "target=/gomod" in f[0].message
    f = lint("FROM node:22\nUSER node\nRUN npm install\n", "LL206")
    assert "USER node" in f[0].message


@pytest.mark.parametrize("text", [
    "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n",
    "FROM python:3.12\nRUN --mount=type=cache,target=/x,id=pip pip install flask\n",
    "FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt\n",  # DL3042's choice
    "FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n",
    "FROM golang:1\nRUN go mod tidy\n",
    "FROM node:22\nRUN npm run build\n",
    "FROM debian:12\nRUN apt-get install -y curl\n",
    # print and exit: nothing is downloaded
    "FROM node:22\nRUN yarn --version && yarn -v\n",
    "FROM gradle:8\nRUN gradle --version && ./gradlew -v && mvn --version\n",
    "FROM ruby:3\nRUN bundle --version\n",
    "FROM python:3.12\nRUN uv pip uninstall flask && uv pip list\n",
])
def test_ll206_does_not_fire(text):
    assert lint(text, "LL206") == []


def test_ll206_is_info():
    assert all_rules()["LL206"].severity == "info"


def test_ll206_onbuild_twin():
    f = lint("FROM python:3.12\nONBUILD RUN pip install -r requirements.txt\n", "LL206")
    assert spans(f) == [("LL206", 2, 13, 2, 44)]
    text = "FROM python:3.12\nONBUILD RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n"
    assert lint(text, "LL206") == []


def test_ll206_names_the_command_not_its_options():
    text = ("FROM python:3.12\n"
            "RUN pip install -e git+https://github.com/org/tool.git@v1.2#egg=tool\n"
            "RUN yarn --frozen-lockfile\n"
            "RUN go mod download -x\n"
            "RUN uv pip install -r requirements.txt\n"
            "RUN ./mvnw -B -f pom.xml package\n")
    f = lint(text, "LL206")
    assert spans(f) == [("LL206", 2, 5, 2, 69), ("LL206", 3, 5, 3, 27), ("LL206", 4, 5, 4, 23),
                        ("LL206", 5, 5, 5, 39), ("LL206", 6, 5, 6, 33)]
    assert [x.message.split("`")[1] for x in f] == [
        "pip install", "yarn", "go mod download", "uv pip install", "./mvnw"]
