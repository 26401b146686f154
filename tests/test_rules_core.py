"""The three core rules: missing tag, oversized base (+ toolchain), cache-busting COPY order."""
from .helpers import lint, positions


# -- LL101 missing-tag ---------------------------------------------------------------------
def test_missing_tag_fires_on_untagged_and_latest_with_exact_columns():
    f = lint("FROM python\nFROM node:latest AS x\n", "LL101")
    assert positions(f) == [("LL101", 1, 6), ("LL101", 2, 11)]
    assert f[0].hadolint == ("DL3006",) and f[1].hadolint == ("DL3007",)
    assert f[1].span.end_column == 17


def test_missing_tag_after_arg_expansion():
    f = lint("ARG BASE=python\nFROM ${BASE}\n", "LL101")
    assert positions(f) == [("LL101", 2, 6)] and "python" in f[0].message


def test_missing_tag_does_not_fire():
    text = ("ARG BASE=python:3.12\nFROM ${BASE} AS a\nFROM a\nFROM scratch\n"
            "FROM alpine@sha256:0123\nFROM ghcr.io/x/y:1.2\nFROM localhost:5000/img:2\n")
    assert lint(text, "LL101") == []
    assert lint("ARG V\nFROM alpine:${V}\n", "LL101") == []  # unknown value: not guessed


def test_require_digest_option():
    f = lint("FROM alpine:3.20\nFROM alpine@sha256:00\n", "LL101",
             rule_options={"LL101": {"require-digest": True}})
    assert positions(f) == [("LL101", 1, 6)] and "digest" in f[0].message


# -- LL102 oversized-base-image --------------------------------------------------------------
def test_oversized_base_fires_with_saving():
    f = lint("FROM python:3.12\nCMD [\"python\"]\n", "LL102")
    assert positions(f) == [("LL102", 1, 6)]
    assert "python:3.12-slim" in f[0].message and "MB smaller" in f[0].message


def test_oversized_base_estimate_for_unknown_tag_and_threshold():
    f = lint("FROM python:3.9\n", "LL102")
    assert f and "estimated" in f[0].message
    assert lint("FROM python:3.12\n", "LL102", rule_options={"LL102": {"min-saving-mb": 5000}}) == []


def test_oversized_base_does_not_fire():
    assert lint("FROM python:3.12-slim\n", "LL102") == []
    assert lint("FROM ubuntu:24.04\n", "LL102") == []  # no smaller variant in the table
    # build stage whose output is copied: only the final image ships
    assert lint("FROM golang:1.26 AS b\nRUN go build\nFROM scratch\nCOPY --from=b /a /a\n", "LL102") == []
    assert lint("FROM myorg/python:3.12\n", "LL102") == []  # not an official image


# -- LL103 toolchain-in-final-stage --------------------------------------------------------
def test_toolchain_final_stage():
    f = lint("FROM golang:1.26\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n", "LL103")
    assert positions(f) == [("LL103", 1, 6)] and "line 4" in f[0].message
    assert lint("FROM golang:1.26 AS b\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=b /app /app\n", "LL103") == []
    assert lint("FROM node:22-slim\nRUN npm run build\n", "LL103") == []


# -- LL201 copy-order-busts-cache ------------------------------------------------------------
def test_copy_order_fires_at_the_copy_source():
    text = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    f = lint(text, "LL201")
    assert positions(f) == [("LL201", 3, 6)]
    assert "COPY requirements.txt ./" in f[0].message and "line 4" in f[0].message


def test_copy_order_all_ecosystems():
    for install, manifest in [("npm ci", "package.json"), ("yarn install", "package.json"),
                              ("go mod download", "go.mod"), ("bundle install", "Gemfile"),
                              ("composer install", "composer.json"), ("cargo build --release", "Cargo.toml"),
                              ("poetry install", "pyproject.toml"), ("uv sync", "pyproject.toml"),
                              ("mvn -B package", "pom.xml")]:
        f = lint(f"FROM x:1\nWORKDIR /src\nCOPY . /src\nRUN {install}\n", "LL201")
        assert len(f) == 1 and manifest in f[0].message, install


def test_copy_order_in_a_continued_run_points_at_copy():
    text = "FROM x:1\nWORKDIR /app\nCOPY . .\nRUN apt-get update && \\\n    pip install -r requirements.txt\n"
    f = lint(text, "LL201")
    assert positions(f) == [("LL201", 3, 6)] and "line 5" in f[0].message


def test_copy_order_does_not_fire():
    good = "FROM x:1\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY . .\n"
    assert lint(good, "LL201") == []
    glob = "FROM x:1\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n"
    assert lint(glob, "LL201") == []
    assert lint("FROM x:1\nCOPY . .\nRUN pip install flask\n", "LL201") == []  # no manifest
    assert lint("FROM x:1\nCOPY . /app\nWORKDIR /srv\nRUN pip install -r requirements.txt\n", "LL201") == []
    # unneeded stage: not built for this target
    assert lint("FROM x:1 AS a\nCOPY . .\nRUN npm ci\nFROM y:1\n", "LL201") == []
