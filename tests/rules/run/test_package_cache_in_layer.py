"""LL317 package-cache-in-layer: Package-manager cache (apt lists, apk, yum/dnf, zypper, pip, npm, yarn) left in the layer."""
from ...helpers import fixed, lint, positions, spans


def test_apt_lists_left_in_the_layer():
    text = ("FROM debian:12\n"
            "RUN apt-get update && \\\n"
            "    apt-get install -y --no-install-recommends curl && \\\n"
            "    apt-get clean\n")
    f = lint(text, "LL317")
    assert spans(f) == [("LL317", 2, 13, 2, 19)]
    assert f[0].hadolint == ("DL3009",) and "`apt-get clean` empties /var/cache/apt, not the lists" in f[0].message


def test_apt_lists_cleaned_mounted_or_in_a_build_stage():
    text = ("FROM debian:12 AS build\n"
            "RUN apt-get update && apt-get install -y gcc\n"     # build stage: not shipped
            "FROM debian:12\n"
            "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
            "RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get update\n"
            "RUN apt-get update && apt-get install -y x && rm -rf /var/lib/{apt,dpkg}/\n"
            "RUN apt-get update && find /var/lib/apt/lists -type f -delete\n"
            "RUN apt-get update && apt-get dist-clean\n"
            "COPY --from=build /a /a\n")
    assert lint(text, "LL317") == []


def test_cleanup_in_a_later_layer_is_named():
    text = "FROM debian:12\nRUN apt-get update && apt-get install -y x\nRUN rm -rf /var/lib/apt/lists/*\n"
    f = lint(text, "LL317")
    assert positions(f) == [("LL317", 2, 13)] and "line 3 runs in a later layer" in f[0].message


def test_final_stage_built_from_a_parent_stage_counts():
    text = "FROM debian:12 AS base\nRUN apt-get update\nFROM base\nRUN true\n"
    assert positions(lint(text, "LL317")) == [("LL317", 2, 13)]


def test_pip_cache_env_arg_and_mounts():
    text = ("FROM python:3.12\n"
            "RUN pip install -r requirements.txt\n"
            "RUN PIP_NO_CACHE_DIR=off pip install a\n"          # any value disables pip's cache
            "RUN export PIP_NO_CACHE_DIR=1 && pip install b\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install c\n"
            "RUN pip install --no-deps . && pip install --no-index --find-links /wheels d\n"
            "RUN pip install e && rm -rf /root/.cache\n"
            "ARG PIP_NO_CACHE_DIR=1\n"
            "RUN pip install f\n")
    f = lint(text, "LL317")
    assert spans(f) == [("LL317", 2, 9, 2, 16)]
    assert f[0].hadolint == ("DL3042",)
    assert "pip install --no-cache-dir -r requirements.txt" in fixed(text, "LL317")


def test_pip_cache_for_a_non_root_user_and_home():
    text = "FROM python:3.12\nUSER app\nRUN --mount=type=cache,target=/home/app/.cache/pip pip install x\n"
    assert lint(text, "LL317") == []
    text = "FROM python:3.12\nUSER app\nRUN pip install y\n"
    assert positions(lint(text, "LL317")) == [("LL317", 3, 9)]


def test_apk_yum_dnf_zypper_yarn_npm_and_uv():
    text = ("FROM alpine:3.20\n"
            "RUN apk add curl && apk update && apk add --no-cache git\n"
            "RUN yum install -y a\n"
            "RUN dnf install -y b\n"
            "RUN zypper -n in c && yarn install && npm ci && uv pip install d\n"
            "RUN apk update && apk add --no-cache e\n")
    f = lint(text, "LL317")
    assert [(x.span.line, x.span.column, x.hadolint) for x in f] == [
        (2, 9, ("DL3019",)), (3, 9, ("DL3032",)), (4, 9, ("DL3040",)), (5, 15, ("DL3036",)),
        (5, 28, ("DL3060",)), (5, 43, ()), (5, 56, ()), (6, 9, ("DL3019",))]
    out = fixed(text, "LL317")
    assert "apk add --no-cache curl" in out and "uv pip install --no-cache d" in out
    assert "drop `apk update`" in f[-1].message


def test_package_caches_cleaned_or_mounted():
    text = ("FROM alpine:3.20\n"
            "RUN --mount=type=cache,target=/var/cache/apk apk add curl && apk add --no-cache git\n"
            "RUN yum install -y a && yum clean all && dnf install -y b && rm -rf /var/cache/dnf\n"
            "RUN zypper -n in c && zypper clean -a && yarn install && yarn cache clean\n"
            "RUN npm ci && npm cache clean --force && uv sync --no-cache\n"
            "RUN --mount=type=cache,target=/root/.npm npm install\n")
    assert lint(text, "LL317") == []


def test_cache_heredoc_and_onbuild():
    text = ("FROM python:3.12\n"
            "RUN <<EOF\nset -e\napt-get update\napt-get install -y x\nEOF\n"
            "ONBUILD RUN pip install -r requirements.txt\n")
    f = lint(text, "LL317")
    assert positions(f) == [("LL317", 4, 9), ("LL317", 7, 17)]
