"""LL101 missing-tag: Base image has no tag or uses the floating `latest` tag.

ONBUILD FROM is a parse error (tests/rules/test_rule_catalogue.py), so this rule has no ONBUILD case.
"""
import os

import pytest

from ...helpers import ctx_dir, lint, positions, spans


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


# -- a default that supplies latest ---------------------------------------------------------------
@pytest.mark.parametrize("text, line, shown", [
    ("ARG VER\nFROM python:${VER:-latest}\n", 2, "(= python:latest when VER is not set)"),
    ("FROM python:${VER:-latest}\n", 1, "(= python:latest when VER is not set)"),
    ("ARG VER=\nFROM python:${VER:-latest}\n", 2, "(= python:latest)"),
])
def test_a_default_of_latest_is_latest(text, line, shown):
    f = lint(text, "LL101")
    assert spans(f) == [("LL101", line, 20, line, 26)]  # the `latest` of the default
    assert f[0].message.startswith(f"Image python:${{VER:-latest}} {shown} uses the floating `latest` tag")
    assert f[0].hadolint == ("DL3007",)


def test_a_default_of_a_version_and_a_given_value_are_fine():
    assert lint("ARG VER\nFROM python:${VER:-3.12}\n", "LL101") == []
    assert lint("ARG VER\nFROM python:${VER:-latest}\n", "LL101", build_args={"VER": "3.12"}) == []


# -- the suggested pin keeps the registry and path -------------------------------------------------
def test_the_suggestion_keeps_the_registry_path():
    f = lint("FROM ghcr.io/org/img\nFROM ghcr.io/org/img:latest\nFROM localhost:5000/team/app\n", "LL101")
    assert spans(f) == [("LL101", 1, 6, 1, 21), ("LL101", 2, 22, 2, 28), ("LL101", 3, 6, 3, 29)]
    assert "(e.g. ghcr.io/org/img:<version>)" in f[0].message
    assert "(e.g. ghcr.io/org/img:<version>)" in f[1].message
    assert "(e.g. localhost:5000/team/app:<version>)" in f[2].message
    f = lint("ARG REG=mirror.gcr.io/library/\nFROM ${REG}busybox\n", "LL101")
    assert positions(f) == [("LL101", 2, 6)] and "(e.g. mirror.gcr.io/library/busybox:<version>)" in f[0].message


def test_images_without_version_tags_are_pinned_by_digest():
    f = lint("FROM gcr.io/distroless/static-debian12\nFROM cgr.dev/chainguard/static:latest\n", "LL101")
    assert positions(f) == [("LL101", 1, 6), ("LL101", 2, 32)]
    assert "pin a digest (gcr.io/distroless/static-debian12@sha256:<digest>)" in f[0].message
    assert "pin a digest (cgr.dev/chainguard/static@sha256:<digest>)" in f[1].message


# -- placeholders are not images ---------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "FROM %%IMAGE%%\n",
    "FROM {{.Image}}\n",  # `{{ .Image }}` is three words: BuildKit's FROM error, and only that
    "FROM #VAR#\n",
    "FROM TO_BE_REPLACED\n",
    "FROM InsertBaseImageHere\n",
    "ARG BASE=unknown\nFROM ${BASE}\n",
    'ARG distro=""\nFROM docker.io/library/${distro}\n',  # empty: not a reference (LL415 says so)
])
def test_placeholders_for_the_whole_reference_are_not_images(text):
    assert lint(text, "LL101") == []


def test_a_real_image_named_like_a_placeholder_word_is_still_reported():
    assert positions(lint("FROM unknown\n", "LL101")) == [("LL101", 1, 6)]  # written, not a default
    # an invalid name that is no template placeholder is still shown (escaped) to the user
    assert positions(lint("FROM evil\x1b[2J\n", "LL101")) == [("LL101", 1, 6)]


# -- names the build provides ----------------------------------------------------------------------
BAKE = 'target "app" {\n  context = "app"\n  contexts = {\n    base = "target:base"\n  }\n}\n'


def test_a_bake_context_is_not_an_image(tmp_path):
    root = ctx_dir(tmp_path, {".git": None, "docker-bake.hcl": BAKE, "app/Dockerfile": ""})
    d = os.path.join(root, "app")
    f = lint("FROM base\nFROM other\n", "LL101", context_dir=d)
    assert positions(f) == [("LL101", 2, 6)]


@pytest.mark.parametrize("name, text", [
    ("docker-bake.json", '{"target": {"app": {"contexts": {"base": "target:base"}}}}'),
    ("docker-bake.hcl", 'target "a" { contexts = { base = "target:base", x = "." } }\n'),
    ("compose.yaml", "services:\n  app:\n    build:\n      context: .\n      additional_contexts:\n"
                     "        base: docker-image://alpine:3.20\n"),
    ("docker-compose.yml", "services:\n  app:\n    build:\n      additional_contexts:\n        - base=../base\n"),
    ("Makefile", "image:\n\tdocker buildx build --build-context base=docker-image://alpine:3.20 .\n"),
])
def test_each_kind_of_named_context(tmp_path, name, text):
    root = ctx_dir(tmp_path, {".git": None, name: text})
    assert lint("FROM base\n", "LL101", context_dir=root) == []
    assert positions(lint("FROM base2\n", "LL101", context_dir=root)) == [("LL101", 1, 6)]


def test_named_contexts_are_read_up_to_the_repository_root_only(tmp_path):
    # above the directory holding .git is not the repository
    ctx_dir(tmp_path, {"docker-bake.hcl": BAKE, "repo/.git": None, "repo/app/Dockerfile": ""})
    d = str(tmp_path / "repo" / "app")
    assert positions(lint("FROM base\n", "LL101", context_dir=d)) == [("LL101", 1, 6)]
    # without any .git, only the Dockerfile's own directory
    ctx_dir(tmp_path / "norepo", {"docker-bake.hcl": BAKE, "app/Dockerfile": ""})
    assert positions(lint("FROM base\n", "LL101", context_dir=str(tmp_path / "norepo" / "app"))) == [("LL101", 1, 6)]
    assert lint("FROM base\n", "LL101", context_dir=str(tmp_path / "norepo")) == []


def test_a_commented_out_context_does_not_count(tmp_path):
    root = ctx_dir(tmp_path, {".git": None, "docker-bake.hcl": 'target "a" {\n  # contexts = { base = "x" }\n}\n'})
    assert positions(lint("FROM base\n", "LL101", context_dir=root)) == [("LL101", 1, 6)]


def test_a_symlink_out_of_the_repository_or_a_fifo_is_not_read(tmp_path):
    outside = tmp_path / "outside.hcl"
    outside.write_text(BAKE)
    root = tmp_path / "repo"
    ctx_dir(root, {".git": None})
    (root / "docker-bake.hcl").symlink_to(outside)
    assert positions(lint("FROM base\n", "LL101", context_dir=str(root))) == [("LL101", 1, 6)]
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "compose.yaml")  # never opened for a blocking read
        assert positions(lint("FROM base\n", "LL101", context_dir=str(root))) == [("LL101", 1, 6)]
