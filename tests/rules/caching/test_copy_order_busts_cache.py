"""LL201 copy-order-busts-cache: Whole context copied before a dependency install: any source edit re-runs the install."""
import pytest

from ...helpers import apply_fix, ctx_dir, lint, positions


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
    results, _ = run_fixes([lint_path(str(path), s)], s, write=True, stdin_name=None, echo=lambda m: None,
                           unsafe=True)  # the COPY reorder is an unsafe fix
    assert path.read_text() == ("FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt ./\n"
                                "RUN pip install -r requirements.txt\nCOPY . .\n")
    assert results[0].findings == []


def test_install_inside_sh_c_after_copy_all_busts_the_cache():
    text = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN sh -c 'pip install -r requirements.txt'\n"
    assert positions(lint(text, "LL201")) == [("LL201", 3, 6)]


def test_copy_order_onbuild_does_not_fire():
    # ONBUILD triggers are not layers of this build: the cache model (and the rule) skips them
    text = "FROM x:1\nWORKDIR /app\nONBUILD COPY . .\nONBUILD RUN pip install -r requirements.txt\n"
    assert lint(text, "LL201") == []
