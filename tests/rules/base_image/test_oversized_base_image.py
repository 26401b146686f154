"""LL102 oversized-base-image: Full-size base image where a much smaller variant of the same version exists.

ONBUILD FROM is a parse error (tests/rules/test_rule_catalogue.py), so this rule has no ONBUILD twin;
a stage with ONBUILD triggers of its own is a base for other builds and is not reported.
"""
import os

import pytest

from layerlint.engine.lint_file import lint_bytes
from layerlint.engine.settings import Settings

from ...helpers import lint, positions, spans

APP = 'COPY app.py .\nCMD ["python", "app.py"]\n'


def _one(text, **kw):
    f = lint(text, "LL102", **kw)
    assert len(f) == 1, f
    return f[0]


# -- fires, with the variant that fits and why --------------------------------------------------
def test_full_python_gets_the_slim_variant_of_the_same_version_first():
    f = lint("FROM python:3.12\n" + APP, "LL102")
    assert spans(f) == [("LL102", 1, 6, 1, 17)]
    m = f[0].message
    assert m.startswith("python:3.12 is a full-size image; python:3.12-slim fits this stage and is about 368 MB smaller")
    assert "Debian slim" in m and "python:3.12-alpine also fits (about 393 MB smaller)" in m


def test_the_tag_is_reported_when_only_the_version_is_a_variable():
    f = lint("ARG V=3.12\nFROM python:${V}\n" + APP, "LL102")
    assert positions(f) == [("LL102", 2, 6)] and "python:3.12-slim" in f[0].message


def test_a_suite_tag_keeps_its_debian_release():
    m = _one("FROM python:3.13-bookworm\n" + APP).message
    assert "python:3.13-slim-bookworm fits" in m and "python:3.13-slim " not in m


def test_apt_get_rules_out_alpine_but_not_slim():
    text = "FROM python:3.12\nRUN apt-get update && apt-get install -y libpq5\nCMD [\"python\", \"-m\", \"app\"]\n"
    m = _one(text).message
    assert "python:3.12-slim fits" in m and "alpine" not in m.lower()


def test_php_keeps_its_flavour():
    f = lint("FROM php:8.4-fpm\nCOPY . /var/www/html\n", "LL102")
    assert positions(f) == [("LL102", 1, 6)]
    assert "php:8.4-fpm-alpine fits" in f[0].message and "php:8.4-alpine " not in f[0].message


def test_jdk_to_jre_only_when_the_stage_only_runs_java():
    f = lint('FROM eclipse-temurin:21-jdk\nCOPY app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]\n', "LL102")
    assert positions(f) == [("LL102", 1, 6)] and "eclipse-temurin:21-jre fits" in f[0].message
    # javac needs the JDK; the JDK's own Alpine variant saves 46 MB, under the threshold
    assert lint('FROM eclipse-temurin:21-jdk\nCOPY . .\nRUN javac Main.java\nCMD ["java", "Main"]\n', "LL102") == []
    # no ENTRYPOINT/CMD: the base's runs (jshell), which a JRE does not have
    assert lint("FROM eclipse-temurin:21-jdk\nCOPY app.jar /app.jar\n", "LL102") == []


def test_openjdk_8_jdk_is_estimated_from_the_images_its_variants_are_built_from():
    f = lint("FROM openjdk:8-jdk\nCOPY app.jar /app.jar\nCMD java -jar /app.jar\n", "LL102")
    assert spans(f) == [("LL102", 1, 6, 1, 19)]
    m = f[0].message
    assert "openjdk:8-jre-slim fits this stage and is an estimated 113 MB smaller" in m
    assert "estimated from the measured buildpack-deps:scm and debian:trixie-slim" in m


def test_an_older_tag_is_suggested_only_when_the_data_lists_it_and_says_it_is_an_estimate():
    f = lint("FROM python:2.7\n" + APP, "LL102")
    assert positions(f) == [("LL102", 1, 6)]
    assert "python:2.7-slim fits this stage and is an estimated 368 MB smaller" in f[0].message
    assert "estimated from the measured python:3.12 and python:3.12-slim: python:2.7 has no measured size" in f[0].message
    assert lint("FROM python:3.9\n" + APP, "LL102") == []  # no python:3.9-slim in the data: not guessed


def test_nginx_static_content_copied_from_a_build_stage():
    text = ("FROM node:22 AS build\nRUN npm ci && npm run build\n"
            "FROM nginx:latest\nCOPY --from=build /src/dist /usr/share/nginx/html\n")
    f = lint(text, "LL102")
    assert positions(f) == [("LL102", 3, 6)]
    assert "nginx:alpine-slim fits this stage and is about 57 MB smaller" in f[0].message


def test_the_threshold_is_an_option():
    text = "FROM nginx:latest\nCOPY site /usr/share/nginx/html\n"
    assert lint(text, "LL102", rule_options={"LL102": {"min-saving-mb": 60}}) == []
    m = _one(text, rule_options={"LL102": {"min-saving-mb": 30}}).message
    assert "nginx:alpine-slim fits" in m and "nginx:alpine also fits (about 37 MB smaller)" in m
    assert lint("FROM python:3.12\n" + APP, "LL102", rule_options={"LL102": {"min-saving-mb": 5000}}) == []


def test_ruby_without_native_gems():
    f = lint('FROM ruby:3.4-bookworm\nCOPY . .\nCMD ["ruby", "app.rb"]\n', "LL102")
    assert positions(f) == [("LL102", 1, 6)] and "ruby:3.4-slim-bookworm fits" in f[0].message
    # with a compiler installed, bundle install builds on slim too
    text = ('FROM ruby:3.4-bookworm\nRUN apt-get update && apt-get install -y build-essential libpq-dev\n'
            'COPY . .\nRUN bundle install\nCMD ["ruby", "app.rb"]\n')
    assert positions(lint(text, "LL102")) == [("LL102", 1, 6)]


def test_an_installed_tool_is_not_missing_from_slim():
    text = ("FROM python:3.12\nRUN apt-get update && apt-get install -y curl\n"
            "HEALTHCHECK CMD curl -f http://localhost/ || exit 1\nCMD [\"python\", \"app.py\"]\n")
    assert positions(lint(text, "LL102")) == [("LL102", 1, 6)]


# -- stays quiet: the variant does not exist or does not fit -----------------------------------
@pytest.mark.parametrize("text", [
    "FROM nginx:1.17\nCOPY site /usr/share/nginx/html\n",  # nginx:1.17-alpine-slim never existed
    "FROM php:8.1-fpm-bullseye\nCOPY . /var/www/html\n",  # not in the data
    "FROM php:8.4-apache\nCOPY . /var/www/html\n",  # php has no Alpine Apache variant
    "FROM golang:1.26\nRUN apt-get update && apt-get install -y libpq5\nCMD [\"go\", \"run\", \".\"]\n",  # no golang slim
    "FROM golang:1.26\nSHELL [\"/bin/bash\", \"-c\"]\nRUN go build -o /app .\nCMD [\"go\", \"version\"]\n",
    "FROM golang:1.26-windowsservercore-ltsc2022\nCOPY . .\n",
    "FROM myorg/python:3.12\n" + APP,  # not an official image
    "FROM python:3.12-slim\n" + APP,
    "FROM ubuntu:24.04\nCOPY . .\n",  # no smaller variant in the data
    "FROM python@sha256:" + "a" * 64 + "\n" + APP,
])
def test_no_variant_in_the_data_or_none_fits(text):
    assert lint(text, "LL102") == []


@pytest.mark.parametrize("text", [
    # installs that need the full image's compiler and headers
    "FROM python:3.12\nRUN apt-get update && apt-get install -y libpq-dev\nRUN pip install psycopg2\n",
    "FROM python:3.12\nRUN pip install flask uwsgi\n",  # uwsgi publishes no wheels
    "FROM python:3.12\nRUN pip install --no-binary :all: lxml\n",
    "FROM python:2.7\nRUN pip install flask\n",  # no wheels for CPython 2.7 any more
    "FROM ruby:3.4-bookworm\nCOPY . .\nRUN bundle install\nCMD [\"ruby\", \"app.rb\"]\n",  # native gems
    "FROM python:3.12\nRUN git clone https://example.com/x.git\n",  # git is not in slim
    "FROM python:3.12\nCOPY . .\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\nCMD [\"python\", \"app.py\"]\n",
    "FROM python:3.12\nCOPY install.sh /\nRUN /install.sh\nCMD [\"python\", \"app.py\"]\n",  # unknown needs
    "FROM python:3.12\nRUN pip install reflex\nRUN reflex init\n",
])
def test_a_stage_that_needs_the_full_image(text):
    assert lint(text, "LL102") == []


def test_only_the_shipped_stage_is_checked():
    # a build stage whose output is copied is not oversized
    assert lint("FROM golang:1.26 AS b\nRUN go build\nFROM scratch\nCOPY --from=b /a /a\n", "LL102") == []
    assert lint("FROM rust:1 AS build\nRUN cargo build --release\nFROM scratch\nCOPY --from=build /t/app /app\n",
                "LL102") == []
    # a stage built FROM a stage, copied from: still a build stage
    text = ("FROM golang:1.25 AS deps\nRUN go mod download\nFROM deps AS builder\nRUN go build -o /m .\n"
            "FROM gcr.io/distroless/static:nonroot\nCOPY --from=builder /m /m\nENTRYPOINT [\"/m\"]\n")
    assert lint(text, "LL102") == []
    # the final stage built FROM a stage ships that stage's base
    f = lint("FROM python:3.12 AS base\nCOPY app.py .\nFROM base\nCMD [\"python\", \"app.py\"]\n", "LL102")
    assert positions(f) == [("LL102", 1, 6)]


def test_alpine_is_not_offered_for_glibc_programs():
    # a binary copied from another stage was most likely linked against glibc
    text = "FROM node:22 AS b\nRUN make\nFROM nginx:latest\nCOPY --from=b /out/tool /usr/local/bin/tool\n"
    assert lint(text, "LL102") == []
    text = 'FROM golang:1.26\nRUN curl -fsSL https://example.com/tool.tgz | tar -xz\nCMD ["go", "version"]\n'
    assert lint(text, "LL102") == []


def test_bases_for_other_builds_and_parameter_images_are_not_reported():
    assert lint("FROM python:3.12\nONBUILD COPY . /app\nONBUILD RUN pip install -r /app/requirements.txt\n",
                "LL102") == []
    assert lint("ARG IMG=python:3.12\nFROM ${IMG}\n" + APP, "LL102") == []  # the image is a parameter
    assert lint("FROM python:3.12\n", "LL102") == []  # the file re-publishes the image
    # ... unless this build gives it
    f = lint("ARG IMG=alpine:3.20\nFROM ${IMG}\n" + APP, "LL102", build_args={"IMG": "python:3.12"})
    assert positions(f) == [("LL102", 2, 6)]


@pytest.mark.parametrize("path, text", [
    (".devcontainer/Dockerfile", "FROM python:3.12\n" + APP),
    ("windows/Dockerfile", "FROM python:3.12\n" + APP),
    ("Dockerfile", "# escape=`\nFROM python:3.12\n" + APP),
    ("Dockerfile", 'FROM python:3.12\nSHELL ["powershell", "-Command"]\n' + APP),
    ("Dockerfile", "FROM python:3.12\nWORKDIR C:\\\\app\n" + APP),
])
def test_development_and_windows_containers_are_not_reported(path, text):
    res = lint_bytes(text.encode(), path, Settings(select=["LL102"]))
    assert res.findings == []


def test_platform_option_reads_that_platforms_sizes():
    f = lint("FROM python:3.12\n" + APP, "LL102", rule_options={"LL102": {"platform": "linux/arm64"}})
    assert positions(f) == [("LL102", 1, 6)] and "python:3.12-slim" in f[0].message
    # the tags read from Dockerfiles are listed for amd64 only: no guess for arm64
    assert lint("FROM --platform=linux/arm64 python:2.7\n" + APP, "LL102") == []


def test_a_corpus_jdk_image_that_only_runs_java():
    corpus = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "corpus", "real")
    path = os.path.join(corpus, "instana__robot-shop__shipping__Dockerfile")
    if not os.path.isfile(path):
        pytest.skip("corpus absent")
    with open(path, "rb") as fh:
        res = lint_bytes(fh.read(), path, Settings(select=["LL102"]))
    assert positions(res.findings) == [("LL102", 18, 6)]
    assert "openjdk:8-jre-slim fits this stage" in res.findings[0].message
