"""Rules on the cache model: LL201 (moved onto the model, with its fix) and LL202-LL206.

Fire / don't-fire with exact line and column; LL201's own core tests stay in
tests/test_rules_core.py.
"""
import pytest

from layerlint.rules.base import Fix
from layerlint.engine.fixer import _apply, _edit_ranges, _Text
from layerlint.rules import all_rules

from .helpers import lint, positions


def apply_fix(text: str, fix: Fix) -> str:
    ranges = _edit_ranges(_Text(text), fix)
    assert ranges is not None, fix
    return _apply(text, ranges)


def ctx_dir(tmp_path, files: dict) -> str:
    for rel, content in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            p.mkdir(exist_ok=True)
        else:
            p.write_text(content)
    return str(tmp_path)


def test_codes_are_in_the_cache_range_and_documented():
    for code in ("LL201", "LL202", "LL203", "LL204", "LL205", "LL206"):
        r = all_rules()[code]
        for part in ("## What it does", "## Why is this bad", "## Example\n```dockerfile", "## Use instead\n```dockerfile"):
            assert part in r.doc, (code, part)
    assert all_rules()["LL201"].fixable
    assert "DL3009" in all_rules()["LL204"].doc  # says how it differs from hadolint's rule


# -- LL201 on the model --------------------------------------------------------------------
def test_ll201_follows_the_stage_chain():
    text = "FROM python:3.12 AS base\nWORKDIR /app\nCOPY . .\nFROM base\nRUN pip install -r requirements.txt\n"
    f = lint(text, "LL201")
    assert positions(f) == [("LL201", 3, 6)] and "line 5" in f[0].message


def test_ll201_directory_copy_and_arg_in_source():
    text = "FROM x:1\nARG SRC=src\nWORKDIR /app\nCOPY ${SRC}/ ./\nRUN pip install -r requirements.txt\n"
    f = lint(text, "LL201")
    assert positions(f) == [("LL201", 4, 6)] and "src/" in f[0].message
    assert lint("FROM x:1\nWORKDIR /app\nCOPY app.py ./\nRUN pip install -r requirements.txt\n", "LL201") == []
    # COPY --from and heredocs bring nothing from the context
    assert lint("FROM x:1 AS a\nFROM x:1\nWORKDIR /app\nCOPY --from=a / ./\nRUN npm ci\n", "LL201") == []


def test_ll201_fix_reorders_when_certain(tmp_path):
    d = ctx_dir(tmp_path, {"requirements.txt": "flask==3.0\n", "app.py": "x\n"})
    text = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nENV PIP_DISABLE_PIP_VERSION_CHECK=1\n"
            "RUN pip install --no-cache-dir -r requirements.txt\nCMD [\"python\", \"app.py\"]\n")
    f = lint(text, "LL201", context_dir=d)
    assert positions(f) == [("LL201", 3, 6)]
    fix = f[0].fix
    assert fix is not None and [(e.span.line, e.span.column, e.span.end_line, e.span.end_column) for e in fix.edits] == \
        [(3, 1, 3, 9), (6, 1, 6, 1)]
    assert apply_fix(text, fix) == ("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt ./\n"
                                    "ENV PIP_DISABLE_PIP_VERSION_CHECK=1\n"
                                    "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"
                                    "CMD [\"python\", \"app.py\"]\n")
    # the fixed file no longer fires
    assert lint(apply_fix(text, fix), "LL201", context_dir=d) == []


def test_ll201_fix_npm_keeps_flags_indent_and_eof_without_newline(tmp_path):
    d = ctx_dir(tmp_path, {"package.json": '{"dependencies": {"express": "^4"}}', "package-lock.json": "{}",
                           ".npmrc": "fund=false\n"})
    text = "FROM node:22\nWORKDIR /srv\n  COPY --chown=node:node . .\nRUN npm ci"
    f = lint(text, "LL201", context_dir=d)
    assert positions(f) == [("LL201", 3, 26)]
    assert apply_fix(text, f[0].fix) == ("FROM node:22\nWORKDIR /srv\n"
                                         "  COPY --chown=node:node package.json package-lock.json .npmrc ./\n"
                                         "RUN npm ci\n  COPY --chown=node:node . .")


def test_ll201_fix_go_mod_download(tmp_path):
    d = ctx_dir(tmp_path, {"go.mod": "module x\n\ngo 1.22\n", "go.sum": ""})
    text = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go mod download\nRUN go build -o /app .\n"
    f = lint(text, "LL201", context_dir=d)
    assert apply_fix(text, f[0].fix) == ("FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\n"
                                         "RUN go mod download\nCOPY . .\nRUN go build -o /app .\n")


@pytest.mark.parametrize("text,files", [
    # the install also needs the sources: `pip install .`
    ("FROM p:1\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt && pip install .\n", {"requirements.txt": "a\n"}),
    # a nested requirements file
    ("FROM p:1\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n", {"requirements.txt": "-r base.txt\n"}),
    # the manifest is not in the context
    ("FROM p:1\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n", {}),
    # another command in the RUN reads the sources
    ("FROM p:1\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt && python setup.py build\n", {"requirements.txt": "a\n"}),
    # a layer between the copy and the install
    ("FROM p:1\nWORKDIR /app\nCOPY . .\nRUN ls\nRUN pip install -r requirements.txt\n", {"requirements.txt": "a\n"}),
    # npm lifecycle scripts may need the sources
    ("FROM n:1\nWORKDIR /app\nCOPY . .\nRUN npm ci\n", {"package.json": '{"scripts": {"postinstall": "node x.js"}}', "package-lock.json": "{}"}),
    # workspaces / file: dependencies
    ("FROM n:1\nWORKDIR /app\nCOPY . .\nRUN npm install\n", {"package.json": '{"dependencies": {"a": "file:./a"}}'}),
    # the copy goes elsewhere than the working directory
    ("FROM p:1\nWORKDIR /app\nCOPY . /app/\nWORKDIR /app\nRUN pip install -r requirements.txt\n", {"requirements.txt": "a\n"}),
    # a multi-line copy
    ("FROM p:1\nWORKDIR /app\nCOPY . \\\n  .\nRUN pip install -r requirements.txt\n", {"requirements.txt": "a\n"}),
    # go.mod with a local replace
    ("FROM g:1\nWORKDIR /s\nCOPY . .\nRUN go mod download\n", {"go.mod": "module x\nreplace y => ./y\n"}),
])
def test_ll201_no_fix_when_not_certain(tmp_path, text, files):
    d = ctx_dir(tmp_path, files)
    f = lint(text, "LL201", context_dir=d)
    assert len(f) == 1 and f[0].fix is None


def test_ll201_no_fix_without_a_context():
    f = lint("FROM p:1\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n", "LL201")
    assert len(f) == 1 and f[0].fix is None


def test_ll201_fix_through_the_fix_engine(tmp_path):
    from layerlint.engine.settings import Settings
    from layerlint.engine.fixer import run_fixes
    from layerlint.engine.lint_file import lint_path
    ctx_dir(tmp_path, {"requirements.txt": "flask\n"})
    path = tmp_path / "Dockerfile"
    path.write_text("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n")
    s = Settings()
    s.select = ["LL201"]
    results, _ = run_fixes([lint_path(str(path), s)], s, write=True, stdin_name=None, echo=lambda m: None)
    assert path.read_text() == ("FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt ./\n"
                                "RUN pip install -r requirements.txt\nCOPY . .\n")
    assert results[0].findings == []


# -- LL202 volatile-arg-before-expensive-step --------------------------------------------------
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


# -- LL203 context-copy-without-dockerignore -------------------------------------------------
def test_ll203_no_dockerignore(tmp_path):
    d = ctx_dir(tmp_path, {".git/HEAD": "ref\n", "node_modules/x/index.js": "", "app.js": ""})
    f = lint("FROM node:22\nWORKDIR /app\nCOPY . .\n", "LL203", context_dir=d)
    assert positions(f) == [("LL203", 3, 6)] and f[0].span.end_column == 7
    assert "no .dockerignore" in f[0].message and ".git, node_modules" in f[0].message


def test_ll203_dockerignore_missing_entries(tmp_path):
    d = ctx_dir(tmp_path, {".git/HEAD": "", "node_modules/a": "", ".venv/pyvenv.cfg": "", "env2/pyvenv.cfg": "",
                           "dist/app.js": "", ".dockerignore": "node_modules\n**/*.log\n"})
    f = lint("FROM node:22\nCOPY --chown=node . /app\n", "LL203", context_dir=d)
    assert positions(f) == [("LL203", 2, 19)]
    assert "does not exclude .git, .venv, dist, env2" in f[0].message


def test_ll203_dockerfile_specific_ignore_wins(tmp_path):
    ctx_dir(tmp_path, {".git/HEAD": "", ".dockerignore": ".git\n"})
    df = tmp_path / "build.Dockerfile"
    df.write_text("FROM alpine:3\nCOPY . /src\n")
    (tmp_path / "build.Dockerfile.dockerignore").write_text("*.tmp\n")
    from layerlint.engine.settings import Settings
    from layerlint.engine.lint_file import lint_path
    s = Settings()
    s.select = ["LL203"]
    res = lint_path(str(df), s)
    assert positions(res.findings) == [("LL203", 2, 6)] and "build.Dockerfile.dockerignore" in res.findings[0].message


@pytest.mark.parametrize("files,text", [
    ({".git/HEAD": "", "node_modules/a": "", ".dockerignore": ".git\nnode_modules\n"}, "FROM a:1\nCOPY . .\n"),
    # an exception does not re-include what is not named
    ({".git/HEAD": "", ".dockerignore": "*\n!src\n"}, "FROM a:1\nCOPY . .\n"),
    # only specific sources copied
    ({".git/HEAD": ""}, "FROM a:1\nCOPY src/ /src/\n"),
    # nothing risky in the context, with or without a .dockerignore
    ({"src/a.py": "", ".dockerignore": "*.log\n"}, "FROM a:1\nCOPY . .\n"),
    ({"src/a.py": "", "Makefile": ""}, "FROM a:1\nCOPY . .\n"),
])
def test_ll203_does_not_fire(tmp_path, files, text):
    assert lint(text, "LL203", context_dir=ctx_dir(tmp_path, files)) == []


def test_ll203_needs_a_known_context():
    assert lint("FROM a:1\nCOPY . .\n", "LL203") == []


# -- LL204 package-index-update-alone --------------------------------------------------------
def test_ll204_fires_on_the_update_command():
    f = lint("FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n", "LL204")
    assert positions(f) == [("LL204", 2, 5)] and f[0].span.end_column == 19
    f = lint("FROM debian:12\nRUN echo start && \\\n    apt-get -q update\n", "LL204")
    assert positions(f) == [("LL204", 3, 5)] and f[0].span.end_column == 22
    f = lint("FROM alpine:3\nRUN apk update\n", "LL204")
    assert positions(f) == [("LL204", 2, 5)] and "apk add --no-cache" in f[0].message


@pytest.mark.parametrize("text", [
    "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
    "FROM debian:12\nRUN apt update && apt upgrade -y\n",
    "FROM alpine:3\nRUN apk update && apk add curl\n",
    # a wrapper or a script may install from the fresh index
    "FROM debian:12\nRUN apt-get update && xx-apt-get install -y gcc\n",
    "FROM debian:12\nRUN apt-get update && /tmp/setup.sh\n",
    "FROM debian:12\nRUN apt-get update && apt-get download libssl3\n",
])
def test_ll204_does_not_fire(text):
    assert lint(text, "LL204") == []


# -- LL205 remote-add-without-checksum -------------------------------------------------------
def test_ll205_fires_at_the_url():
    f = lint("FROM alpine:3\nADD --chown=1:1 https://example.com/a.tgz /opt/\n", "LL205")
    assert positions(f) == [("LL205", 2, 17)] and f[0].span.end_column == 42
    f = lint("FROM alpine:3\nARG V=1\nADD https://example.com/tool-${V} /usr/bin/tool\n", "LL205")
    assert positions(f) == [("LL205", 3, 5)] and "tool-1" in f[0].message


@pytest.mark.parametrize("text", [
    "FROM alpine:3\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/a.tgz /opt/\n",
    "FROM alpine:3\nADD https://github.com/moby/buildkit.git#v0.13.0 /src\n",  # git source: pinned by ref
    "FROM alpine:3\nADD app.tar.gz /opt/\n",
    "FROM alpine:3\nCOPY https-proxy.conf /etc/\n",
])
def test_ll205_does_not_fire(text):
    assert lint(text, "LL205") == []


# -- LL206 cache-mount-opportunity -----------------------------------------------------------
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
])
def test_ll206_does_not_fire(text):
    assert lint(text, "LL206") == []


def test_ll206_is_info():
    assert all_rules()["LL206"].severity == "info"
