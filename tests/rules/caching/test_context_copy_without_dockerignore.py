"""LL203 context-copy-without-dockerignore: COPY . with no .dockerignore, or one that lets .git, node_modules, virtualenvs or build output in."""
import pytest

from ...helpers import ctx_dir, lint, positions


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


def test_ll203_onbuild_copy_does_not_fire(tmp_path):
    # an ONBUILD COPY copies the child build's context, not this one
    d = ctx_dir(tmp_path, {".git/HEAD": "ref\n", "app.js": ""})
    assert positions(lint("FROM node:22\nWORKDIR /app\nCOPY . .\n", "LL203", context_dir=d)) == [("LL203", 3, 6)]
    assert lint("FROM node:22\nWORKDIR /app\nONBUILD COPY . .\n", "LL203", context_dir=d) == []
