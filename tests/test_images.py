"""Image tags, the size table and the names a repository provides as build contexts (layerlint/images.py)."""
import os
import re

import pytest

from layerlint import images
from layerlint.images import named_contexts, repository_dirs, smaller_variants, tag_shape

from .conftest import shared_path

DATA = os.path.join(os.path.dirname(images.__file__), "data", "image_sizes.tsv")


@pytest.mark.parametrize("image, tag, version, flavour, suite, kind", [
    ("python", "3.12", "3.12", (), None, ""),
    ("python", "latest", "", (), None, ""),
    ("python", "3.13-slim-bookworm", "3.13", (), "bookworm", "slim"),
    ("php", "8.4", "8.4", ("cli",), None, ""),  # php's default flavour
    ("php", "8.4-fpm-alpine3.24", "8.4", ("fpm",), None, "alpine"),
    ("nginx", "1.31-alpine3.24-slim", "1.31", (), None, "alpine-slim"),
    ("nginx", "mainline", "mainline", (), None, ""),
    ("ruby", "1.9.3-p551", "1.9.3-p551", (), None, ""),
    ("openjdk", "27-rc", "27-rc", ("jdk",), None, ""),
    ("eclipse-temurin", "21.0.12_8-jre-resolute", "21.0.12_8", ("jre",), "resolute", ""),
])
def test_tag_shape(image, tag, version, flavour, suite, kind):
    s = tag_shape(image, tag)
    assert (s.version, s.flavour, s.suite, s.kind, s.windows) == (version, flavour, suite, kind, False)


def test_windows_tags():
    assert tag_shape("golang", "1.26-windowsservercore-ltsc2022").windows
    assert tag_shape("python", "3.12-nanoserver-1809").windows


def test_smaller_variants_exist_for_that_version_and_flavour_only():
    tags = {s.tag: s for s in smaller_variants("php", "8.4-fpm")}
    assert set(tags) == {"8.4-fpm-alpine"} and tags["8.4-fpm-alpine"].estimated_from is None
    assert smaller_variants("php", "8.4-apache") == []
    assert smaller_variants("nginx", "1.17") == []  # nginx:1.17-alpine-slim never existed
    assert {s.kind for s in smaller_variants("golang", "1.26")} == {"alpine"}  # golang has no -slim
    # a suite tag keeps its Debian release; Alpine has none
    assert {s.tag for s in smaller_variants("python", "3.13-bookworm")} == {"3.13-slim-bookworm", "3.13-alpine"}
    assert smaller_variants("python", "3.12-slim") == []


def test_jdk_to_jre_keeps_the_java_version():
    tags = {s.tag: s.kind for s in smaller_variants("eclipse-temurin", "21-jdk")}
    assert tags == {"21-jre": "jre", "21-jre-alpine": "jre-alpine", "21-alpine": "alpine"}
    assert all(t.startswith("21") for t in tags)


def test_estimates_are_marked_and_never_invent_a_tag():
    (s,) = [s for s in smaller_variants("python", "2.7") if s.kind == "slim"]
    assert s.tag == "2.7-slim" and s.estimated_from == ("python:3.12", "python:3.12-slim")
    assert smaller_variants("python", "3.9") == []  # no python:3.9-* row: nothing guessed
    (s,) = [s for s in smaller_variants("openjdk", "8-jdk") if s.kind == "jre-slim"]
    assert s.estimated_from == ("buildpack-deps:scm", "debian:trixie-slim")
    assert s.saving == images.sizes()[("buildpack-deps", "scm", "linux/amd64")] \
        - images.sizes()[("debian", "trixie-slim", "linux/amd64")]


def test_existence_rows_name_their_source_and_date():
    rows = [line.split("\t") for line in open(DATA, encoding="utf-8").read().splitlines()
            if line and not line.startswith("#")]
    exists = [r for r in rows if r[3] == "-"]
    assert exists, "the table lists tags known to exist"
    for r in exists:
        assert len(r) == 5 and re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{12}:\S.* \((FROM line|directory), \d{4}-\d\d-\d\d\)", r[4]), r
        assert images.tag_known(r[0], r[1], r[2])
    for r in rows:
        assert r[3] == "-" or (len(r) == 4 and r[3].isdigit()), r


def test_measured_rows_are_the_shared_data():
    shared = shared_path("data/official-image-sizes.tsv")
    if shared is None or not os.path.isfile(shared):
        pytest.skip("../shared/data absent")
    want = {tuple(line.split("\t")[:4]) for line in open(shared, encoding="utf-8").read().splitlines()[1:] if line}
    have = {tuple(line.split("\t")[:4]) for line in open(DATA, encoding="utf-8").read().splitlines()
            if line and not line.startswith("#") and line.split("\t")[3] != "-"}
    assert have == want


def test_every_corpus_existence_row_is_in_its_source_file():
    corpus = shared_path("corpus/real")
    if corpus is None or not os.path.isdir(corpus):
        pytest.skip("corpus absent")
    sources = {}
    for line in open(os.path.join(corpus, "SOURCES.tsv"), encoding="utf-8").read().splitlines()[1:]:
        f, repo, commit, path = line.split("\t")[:4]
        sources[(repo, commit[:12], path)] = f
    for line in open(DATA, encoding="utf-8").read().splitlines():
        r = line.split("\t")
        if line.startswith("#") or len(r) != 5:
            continue
        m = re.match(r"(\S+)@([0-9a-f]{12}):(.*) \((FROM line|directory), ", r[4])
        fname = sources[(m.group(1), m.group(2), m.group(3))]
        if m.group(4) == "FROM line":
            text = open(os.path.join(corpus, fname), encoding="utf-8", errors="replace").read()
            assert re.search(rf"(?im)^\s*FROM\s+(?:--platform=\S+\s+)?(?:docker\.io/)?(?:library/)?{re.escape(r[0])}:{re.escape(r[1])}(\s|$)", text), r


def test_repository_dirs_stop_at_the_repository_root(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "a" / "b").mkdir(parents=True)
    root, dirs = repository_dirs(str(tmp_path / "repo" / "a" / "b"))
    assert root == str(tmp_path / "repo")
    assert dirs == [str(tmp_path / "repo" / "a" / "b"), str(tmp_path / "repo" / "a"), str(tmp_path / "repo")]
    (tmp_path / "x").mkdir()
    assert repository_dirs(str(tmp_path / "x")) == (str(tmp_path / "x"), [str(tmp_path / "x")])
    assert repository_dirs(None) == (None, [])
    # a .git file (worktree, submodule) marks a root too
    (tmp_path / "wt" / "sub").mkdir(parents=True)
    (tmp_path / "wt" / ".git").write_text("gitdir: /elsewhere\n")
    assert repository_dirs(str(tmp_path / "wt" / "sub"))[0] == str(tmp_path / "wt")


def test_repository_dirs_are_bounded(tmp_path):
    deep = tmp_path.joinpath(*["d"] * (images.MAX_LEVELS + 2))
    deep.mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    assert repository_dirs(str(deep)) == (str(deep), [str(deep)])  # too far up: not looked at


def test_named_contexts_parsers(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "docker-bake.hcl").write_text(
        'target "a" {\n  contexts = {\n    Base = "target:base"\n    "alpine" = "docker-image://alpine:3.20"\n'
        '    // skipped = "x"\n  }\n}\n/* contexts = { no = "x" } */\n')
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a:\n    build:\n      additional_contexts: [\"x=./y\", z=docker-image://a]\n"
        "  b:\n    build:\n      additional_contexts:\n        tools: ./tools\n      dockerfile: D\n")
    (tmp_path / "Makefile").write_text("b:\n\tdocker buildx build --build-context=\"mk=./m\" .\n")
    assert named_contexts(str(tmp_path)) == {"base", "alpine", "x", "z", "tools", "mk"}


def test_a_big_file_is_read_only_up_to_its_limit(tmp_path):
    (tmp_path / ".git").mkdir()
    pad = "#" * (images.MAX_FILE_BYTES + 10) + "\n"
    (tmp_path / "Makefile").write_text(pad + "x:\n\tdocker build --build-context late=. .\n")
    assert named_contexts(str(tmp_path)) == frozenset()
