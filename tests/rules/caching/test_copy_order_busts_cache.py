"""LL201 copy-order-busts-cache: a source tree copied before a dependency download."""
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
                           ".npmrc": "fund=false\n", ".dockerignore": "node_modules\n"})
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


# -- issue 13: what each COPY brings in and what each install reads ----------------------------------

def _one(text, **kw):
    f = lint(text, "LL201", **kw)
    assert len(f) == 1, [x.message for x in f]
    return f[0]


def test_ll201_npm_fix_needs_node_modules_kept_out_of_the_context(tmp_path):
    # without node_modules in .dockerignore, a developer's node_modules would replace the one the
    # moved install made: no fix, and the advice says so
    d = ctx_dir(tmp_path, {"package.json": "{}", "package-lock.json": "{}"})
    f = _one("FROM node:22\nWORKDIR /srv\nCOPY . .\nRUN npm ci\n", context_dir=d)
    assert f.fix is None and "with node_modules in .dockerignore" in f.message
    ctx_dir(tmp_path, {".dockerignore": "node_modules\n"})
    f = _one("FROM node:22\nWORKDIR /srv\nCOPY . .\nRUN npm ci\n", context_dir=d)
    assert f.fix is not None and ".dockerignore" not in f.message


def test_ll201_no_fix_when_the_run_also_builds(tmp_path):
    d = ctx_dir(tmp_path, {"go.mod": "module x\n", "go.sum": ""})
    f = _one("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go mod download && go build -o /app .\n", context_dir=d)
    assert positions([f]) == [("LL201", 3, 6)] and f.fix is None


@pytest.mark.parametrize("name,text", [
    # dependencies fetched before the copy, then a build or project install after it
    ("cargo-chef", "FROM rust:1.79 AS chef\nRUN cargo install cargo-chef\nWORKDIR /app\nFROM chef AS planner\n"
                   "COPY . .\nRUN cargo chef prepare --recipe-path recipe.json\nFROM chef AS builder\n"
                   "COPY --from=planner /app/recipe.json recipe.json\nRUN cargo chef cook --release --recipe-path recipe.json\n"
                   "COPY . .\nRUN cargo build --release\n"),
    ("cargo dummy main", "FROM rust:1.79\nWORKDIR /app\nCOPY Cargo.toml Cargo.lock ./\n"
                         "RUN mkdir src && echo 'fn main() {}' > src/main.rs && cargo build --release\n"
                         "COPY . .\nRUN cargo build --release\n"),
    ("gradlew downloadRepos", "FROM eclipse-temurin:21\nWORKDIR /app\nCOPY gradlew .\nCOPY gradle gradle\n"
                              "COPY build.gradle settings.gradle ./\nRUN ./gradlew downloadRepos\nCOPY . .\n"
                              "RUN ./gradlew installDist\n"),
    ("mvn go-offline", "FROM maven:3-eclipse-temurin-17\nWORKDIR /app\nCOPY pom.xml .\nRUN mvn dependency:go-offline\n"
                       "COPY src ./src\nRUN mvn package -DskipTests\n"),
    ("pip --no-deps -e .", "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
                           "COPY . .\nRUN pip install --no-deps -e .\n"),
    ("pip -e . after its deps", "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\n"
                                "RUN pip install -r requirements.txt\nCOPY . .\nRUN pip install -e .\n"),
    ("pip . after a deps-only install", "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\n"
                                        "RUN pip install -r requirements.txt\nCOPY . .\nRUN pip install .\n"),
    ("go mod download, then builds", "FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\n"
                                     "COPY . .\nRUN go build -o /app ./cmd/app\nRUN go test ./...\nRUN go vet ./...\n"),
    ("GOFLAGS=-mod=vendor", "FROM golang:1.22\nENV GOFLAGS=-mod=vendor\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"),
    ("-mod=vendor", "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -mod=vendor -o /app .\n"),
    ("GOFLAGS in the RUN", "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN GOFLAGS=-mod=vendor go build -o /app .\n"),
    ("vendor copied on its own", "FROM golang:1.22\nWORKDIR /src\nCOPY vendor ./vendor\nCOPY . .\nRUN go build -o /a .\n"),
    ("GOPATH mode", "FROM golang:1.12\nENV GO111MODULE=off\nWORKDIR /go/src/app\nCOPY . .\nRUN go build -o /app .\n"),
    # cache mounts keep the downloads
    ("cargo cache mounts", "FROM rust:1.79\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/usr/local/cargo/registry "
                           "--mount=type=cache,target=/app/target cargo build --release\n"),
    ("go cache mount", "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN --mount=type=cache,target=/go/pkg/mod go build .\n"),
    ("npm cache mount", "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.npm npm ci\n"),
    ("node_modules on a tmpfs", "FROM node:22\nWORKDIR /app\nCOPY . .\n"
                                "RUN --mount=type=tmpfs,target=/app/node_modules npm ci && npm run build\n"),
    # uv's documented two steps, and the poetry / pdm / composer / dotnet ones
    ("uv bind mounts", "FROM python:3.12\nWORKDIR /app\nRUN --mount=type=cache,target=/root/.cache/uv "
                       "--mount=type=bind,source=uv.lock,target=uv.lock "
                       "--mount=type=bind,source=pyproject.toml,target=pyproject.toml uv sync --frozen --no-install-project\n"
                       "COPY . /app\nRUN uv sync --frozen\n"),
    ("uv copied manifests", "FROM python:3.12\nWORKDIR /app\nCOPY pyproject.toml uv.lock ./\n"
                            "RUN uv sync --frozen --no-install-project\nCOPY . .\nRUN uv sync --frozen\n"),
    ("poetry --no-root", "FROM python:3.12\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --no-root\n"
                         "COPY . .\nRUN poetry install --only-root\n"),
    ("poetry twice", "FROM python:3.12\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --no-root\n"
                     "COPY . .\nRUN poetry install\n"),
    ("pdm --no-self", "FROM python:3.12\nWORKDIR /app\nCOPY pyproject.toml pdm.lock ./\nRUN pdm install --no-self\n"
                      "COPY . .\nRUN pdm install\n"),
    ("composer no scripts first", "FROM php:8.3\nWORKDIR /app\nCOPY composer.json composer.lock ./\n"
                                  "RUN composer install --no-scripts --no-autoloader\nCOPY . .\nRUN composer install\n"),
    ("dotnet restore first", "FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY *.csproj ./\nRUN dotnet restore\n"
                             "COPY . .\nRUN dotnet publish -c Release -o /out\n"),
    ("dotnet --no-restore", "FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\n"
                            "RUN dotnet publish --no-restore -o /out\n"),
    ("pnpm fetch", "FROM node:22\nWORKDIR /app\nCOPY pnpm-lock.yaml ./\nRUN pnpm fetch\nCOPY . .\n"
                   "RUN pnpm install --offline\n"),
    ("npm ci twice", "FROM node:22\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n"
                     "RUN npm ci && npm run build\n"),
    # pip offers no dependencies-only install of a project: no advice that builds the same image
    ("pip install . alone", "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install .\n"),
    # manifests copied alone: a directory of them, and files without an extension
    ("requirements directory", "FROM python:3.12\nWORKDIR /app\nCOPY requirements/ requirements/\n"
                               "RUN pip install -r requirements/prod.txt\n"),
    ("nested requirements directory", "FROM python:3.12\nWORKDIR /app\nCOPY requirements/pytorch/ requirements/pytorch/\n"
                                      "RUN pip install -r requirements/pytorch/base.txt\n"),
    ("Gemfile is a file", "FROM ruby:3.3\nWORKDIR /app\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install\nCOPY . .\n"),
    ("Gemfile alone, then the package.json", "FROM ruby:3.3\nWORKDIR /app\nCOPY Gemfile Gemfile.lock ./\n"
                                             "COPY package.json yarn.lock ./\nRUN yarn install\nCOPY . .\n"),
    # what the install's own scripts run, copied with the manifests
    ("bin/ for postinstall", "FROM node:22\nWORKDIR /app\nCOPY ui/package.json ui/package-lock.json ./\n"
                             "COPY ui/bin/ ./bin/\nRUN npm ci\nCOPY ui/ ./\n"),
    ("a script file", "FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nCOPY bin/install-deps bin/\n"
                      "RUN go mod download\nCOPY . .\n"),
    # a tool install that cannot move: an ENV between, a system destination, a relative path
    ("ENV between", "FROM python:3.12\nWORKDIR /app\nCOPY . .\nENV PIP_INDEX_URL=https://pypi.example/simple\n"
                    "RUN pip install gunicorn\n"),
    ("system destination", "FROM python:3.12\nCOPY . /usr/local\nRUN pip install gunicorn\n"),
    ("reads a copied file", "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install gunicorn && chmod +x run.sh\n"),
    ("pip --target", "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --target=./lib gunicorn\n"),
    # where the manifests are cannot be known
    ("unknown WORKDIR value", "FROM node:22\nWORKDIR ${APP_ROOT}/web\nCOPY . .\nRUN npm ci\n"),
    ("unknown copy destination", "FROM node:22\nWORKDIR /web\nCOPY . ${APP_ROOT}/web\nRUN npm ci\n"),
    ("manifests from git clone", "FROM node:22\nWORKDIR /app\nRUN git clone https://x/y.git .\nRUN npm ci\n"),
    ("bind-mounted package.json", "FROM node:22\nWORKDIR /app\nCOPY src ./src\n"
                                  "RUN --mount=type=bind,source=package.json,target=package.json "
                                  "--mount=type=bind,source=package-lock.json,target=package-lock.json npm ci\n"),
])
def test_ll201_stays_quiet_when_nothing_is_downloaded_again(name, text):
    assert lint(text, "LL201") == [], name


def test_ll201_tree_from_a_stage_that_ran_its_own_install():
    # moving the final stage's install before the copy would let build's node_modules replace it
    text = ("FROM node:22 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n"
            "FROM node:22\nWORKDIR /app\nCOPY --from=build /app /app\nRUN npm ci --omit=dev\n")
    assert positions(lint(text, "LL201")) == [("LL201", 3, 6)]  # the build stage's own install only


def test_ll201_committed_vendor_directory(tmp_path):
    text = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"
    assert positions(lint(text, "LL201", context_dir=ctx_dir(tmp_path / "a", {"go.mod": "module x\n"}))) == \
        [("LL201", 3, 6)]
    d = ctx_dir(tmp_path / "b", {"go.mod": "module x\n", "vendor/modules.txt": "# x\n"})
    assert lint(text, "LL201", context_dir=d) == []
    d = ctx_dir(tmp_path / "c", {"Cargo.toml": "", ".cargo/config.toml": '[source.crates-io]\nreplace-with = "vendored-sources"\n'})
    assert lint("FROM rust:1\nWORKDIR /s\nCOPY . .\nRUN cargo build\n", "LL201", context_dir=d) == []


def test_ll201_manifests_copied_first_then_the_tree_then_the_install():
    f = _one("FROM node:22\nWORKDIR /app\nCOPY package.json yarn.lock ./\nCOPY . .\nRUN yarn install --frozen-lockfile\n")
    assert positions([f]) == [("LL201", 4, 6)]
    assert "copied on line 3 already: run the install before line 4" in f.message


def test_ll201_blames_the_broad_copy_not_an_earlier_small_one():
    f = _one("FROM ruby:3.3\nWORKDIR /app\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install\nCOPY . .\nRUN yarn install\n")
    assert positions([f]) == [("LL201", 5, 6)] and "`yarn install` (line 6)" in f.message


@pytest.mark.parametrize("run,line,names,advice", [
    ("RUN cd frontend && npm ci && npm run build", 4, "frontend/package.json and frontend/package-lock.json",
     "`COPY frontend/package.json frontend/package-lock.json ./frontend/`, `RUN cd frontend && npm ci`"),
    ("WORKDIR /app/web\nRUN pnpm install --frozen-lockfile", 5, "web/package.json and web/pnpm-lock.yaml",
     "`COPY web/package.json web/pnpm-lock.yaml ./web/`, `RUN cd web && pnpm install --frozen-lockfile`"),
    ("RUN npm --prefix web ci", 4, "web/package.json and web/package-lock.json",
     "`COPY web/package.json web/package-lock.json ./web/`, `RUN npm --prefix web ci`"),
    ("RUN yarn --cwd web install", 4, "web/package.json and web/yarn.lock", "`RUN yarn --cwd web install`"),
])
def test_ll201_installs_in_a_subdirectory_name_its_manifests(run, line, names, advice):
    f = _one(f"FROM node:22\nWORKDIR /app\nCOPY . .\n{run}\n")
    assert positions([f]) == [("LL201", 3, 6)] and f"(line {line}), which reads only {names}" in f.message
    assert advice in f.message and "web/node_modules" in f.message or "frontend/node_modules" in f.message


@pytest.mark.parametrize("wrapped", ["sudo -u node npm ci", "gosu node npm ci", "su-exec node npm ci",
                                     "env -u NODE_ENV npm ci", "sudo -E -u node env CI=1 npm ci"])
def test_ll201_installs_through_wrappers(wrapped):
    f = _one(f"FROM node:22\nWORKDIR /app\nCOPY . .\nRUN {wrapped}\n")
    assert positions([f]) == [("LL201", 3, 6)] and f"`RUN {wrapped}`" in f.message


def test_ll201_copy_from_a_stage_of_the_source_tree():
    text = "FROM scratch AS src\nCOPY . /src\nFROM node:22\nWORKDIR /app\nCOPY --from=src /src .\nRUN npm ci\n"
    f = _one(text)
    assert positions([f]) == [("LL201", 5, 17)] and "/src of stage src" in f.message
    assert "`COPY --from=src /src/package.json /src/package-lock.json ./`" in f.message


@pytest.mark.parametrize("install,lock", [
    ("npm ci", "package-lock.json"), ("yarn install", "yarn.lock"), ("pnpm install", "pnpm-lock.yaml"),
    ("bun install", "bun.lock*"), ("poetry install --no-root", "poetry.lock"),
    ("uv sync --no-install-project", "uv.lock"), ("pdm install --no-self", "pdm.lock"), ("pipenv sync", "Pipfile.lock"),
    ("go mod download", "go.sum"), ("cargo fetch", "Cargo.lock"), ("bundle install", "Gemfile.lock"),
    ("composer install --no-scripts --no-autoloader", "composer.lock"), ("mix deps.get", "mix.lock"),
])
def test_ll201_names_the_lock_file_of_each_tool(install, lock):
    f = _one(f"FROM x:1\nWORKDIR /src\nCOPY . .\nRUN {install}\n")
    assert f" {lock}`" in f.message or f" {lock} " in f.message, f.message
    if install.startswith("pnpm"):
        assert "package-lock.json" not in f.message


def test_ll201_go_build_advises_a_download_step_never_moving_the_build():
    f = _one("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n")
    assert positions([f]) == [("LL201", 3, 6)]
    assert "no step before it downloads the modules" in f.message
    assert "before line 3: `COPY go.mod go.sum ./`, then `RUN go mod download`" in f.message
    assert "only needs" not in f.message and "Reorder" not in f.message


@pytest.mark.parametrize("run,expect", [
    ("go get github.com/acme/app/...", "`RUN go mod download`"),
    ("go get -d -v ./...", "`RUN go mod download`"),
    ("go test ./...", "`RUN go mod download`"),
    ("cargo build --release", "cargo chef cook"),
    ("mvn -B package -DskipTests", "`RUN mvn dependency:go-offline`"),
    ("./mvnw clean package", "`COPY pom.xml mvnw ./` and `COPY .mvn ./.mvn/`, then `RUN ./mvnw dependency:go-offline`"),
    ("./gradlew build", "`COPY gradle ./gradle/`, then `RUN ./gradlew dependencies`"),
    ("poetry install", "`RUN poetry install --no-root`"),
    ("uv sync --frozen", "`RUN uv sync --no-install-project`"),
    ("composer install --no-dev", "`RUN composer install --no-scripts --no-autoloader`"),
    ("dotnet publish -c Release -o /out", "`COPY *.csproj ./`, then `RUN dotnet restore`"),
    ("pip install -r requirements.txt .", "`COPY requirements.txt ./`, then `RUN pip install -r requirements.txt`"),
])
def test_ll201_builds_that_download_what_is_missing(run, expect):
    f = _one(f"FROM x:1\nWORKDIR /go/src/github.com/acme/app\nCOPY . .\nRUN {run}\n")
    assert positions([f]) == [("LL201", 3, 6)] and expect in f.message, f.message


def test_ll201_install_before_the_tree_with_its_manifests_copied_after_it():
    f = _one("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN poetry install\nCOPY pyproject.toml poetry.lock ./\n")
    assert positions([f]) == [("LL201", 3, 6)] and "`RUN poetry install --no-root`" in f.message


def test_ll201_every_architecture_stage():
    text = ("ARG TARGETARCH\nFROM golang:1.22 AS build-amd64\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"
            "FROM golang:1.22 AS build-arm64\nWORKDIR /src\nCOPY . .\nRUN GOARCH=arm64 go build -o /app .\n"
            "FROM build-${TARGETARCH} AS build\nFROM scratch\nCOPY --from=build /app /app\n")
    assert positions(lint(text, "LL201")) == [("LL201", 4, 6), ("LL201", 8, 6)]
    via_copy = ("FROM golang:1.22 AS bin-amd64\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"
                "FROM golang:1.22 AS bin-arm64\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"
                "FROM scratch\nARG TARGETARCH\nCOPY --from=bin-$TARGETARCH /app /app\n")
    assert positions(lint(via_copy, "LL201")) == [("LL201", 3, 6), ("LL201", 7, 6)]


def test_ll201_source_copy_between_the_manifests_and_the_install():
    f = _one("FROM node:22\nWORKDIR /app\nCOPY package*.json ./\nCOPY ./src ./src\nCOPY ./public ./public\nRUN npm ci\n")
    assert positions([f]) == [("LL201", 4, 6)]
    assert "(copied on line 3)" in f.message and f.message.endswith("Move the copy after the install")
    # a RUN between may need the sources: moving the copy is not certain to build the same
    assert lint("FROM node:22\nWORKDIR /app\nCOPY package*.json ./\nCOPY src ./src\nRUN node src/gen.js\nRUN npm ci\n",
                "LL201") == []


@pytest.mark.parametrize("run", ["pip install --no-cache-dir gunicorn==22.0.0 black==24.4.2",
                                 "npm install -g pm2@5", "go install golang.org/x/tools/gopls@v0.16.0",
                                 "apt-get update && apt-get install -y curl && pip install uwsgi",
                                 "cargo install --locked cargo-watch", "gem install bundler -v 2.5.0"])
def test_ll201_named_tools_after_a_copy_they_do_not_read(run):
    f = _one(f"FROM x:1\nWORKDIR /app\nCOPY . .\nLABEL a=b\nRUN {run}\n") if not run.startswith("cargo") else \
        _one(f"FROM x:1\nWORKDIR /\nCOPY . /app\nRUN {run}\n")
    assert positions([f]) == [("LL201", 3, 6)] and "which reads none of the copied files" in f.message
    assert "Move that RUN before line 3" in f.message


def test_ll201_named_tool_after_a_broad_copy_from():
    text = ("FROM python:3.12 AS build\nWORKDIR /app\nCOPY . .\nRUN pip wheel -w /wheels .\nFROM python:3.12\n"
            "COPY --from=build /wheels /wheels\nRUN pip install gunicorn==22.0.0\n")
    f = _one(text)
    assert positions([f]) == [("LL201", 6, 19)] and "/wheels of stage build" in f.message
    # a copy from an image changes with nothing we edit
    assert lint("FROM python:3.12\nCOPY --from=ghcr.io/astral-sh/uv:0.4 /uv /bin/uv\nRUN pip install gunicorn\n",
                "LL201") == []


def test_ll201_one_finding_per_copy_for_tools():
    # the tool install is folded into the copy's other finding
    f = _one("FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm install -g @angular/cli\nRUN yarn install\n")
    assert "`yarn install` (line 5)" in f.message


def test_ll201_never_a_path_outside_the_context():
    f = _one("FROM node:22\nWORKDIR /home/app\nCOPY ../frontend /home/app/frontend\nRUN cd frontend && npm install\n")
    advice = f.message.split("install before the rest: ")[1]
    assert advice.startswith("`COPY frontend/package*.json ./frontend/`")
    assert "COPY ../frontend/" not in advice


def test_ll201_npm_install_advice_copies_a_lock_file_only_if_there_is_one(tmp_path):
    # `npm install` runs without a lock file, and a COPY naming a missing one fails the build:
    # unless the context shows it, the advice copies package*.json (Docker's idiom); `npm ci`
    # needs the lock file, so it is named
    text = "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm install\n"
    assert "`COPY package*.json ./`, `RUN npm install`" in _one(text).message
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "src.js").write_text("")
    assert "`COPY package.json ./`, `RUN npm install`" in _one(text, context_dir=str(tmp_path)).message
    (tmp_path / "package-lock.json").write_text("{}")
    assert "`COPY package.json package-lock.json ./`" in _one(text, context_dir=str(tmp_path)).message
    assert "`COPY package.json package-lock.json ./`" in _one(text.replace("npm install", "npm ci")).message


def test_ll201_moves_what_sets_up_the_install_with_it():
    f = _one("FROM node:22\nWORKDIR /app\nCOPY . .\nCOPY --from=composer:2 /usr/bin/composer /usr/bin/composer\n"
             "RUN composer install\n")
    assert "(moving line 4, which sets up composer, before them)" in f.message
    f = _one("FROM node:22\nWORKDIR /app\nCOPY . .\nRUN source /tmp/env && corepack enable && pnpm install && pnpm build\n")
    assert "`RUN source /tmp/env && corepack enable && pnpm install`" in f.message


def test_ll201_unknown_workdir_counts_as_the_root_on_both_sides():
    f = _one("FROM python:3.12\nCOPY app/ .\nRUN pip install -r requirements.txt\n")
    assert positions([f]) == [("LL201", 2, 6)] and "`COPY app/requirements.txt ./`" in f.message
    f = _one("FROM python:3.12\nCOPY . /srv/app\nRUN pip install -r /srv/app/requirements.txt\n")
    assert "`COPY requirements.txt /srv/app/`" in f.message


def test_ll201_onbuild_twin_stays_quiet():
    assert lint("FROM x:1\nWORKDIR /app\nONBUILD COPY . .\nONBUILD RUN go build -o /a .\n", "LL201") == []


# -- the model: what a COPY brings in ---------------------------------------------------------------

def _copy_steps(text, context_dir=None):
    from layerlint.cache.model import build_model
    from layerlint.graph import build_graph
    from layerlint.syntax import parse
    m = build_model(build_graph(parse(text, "Dockerfile")), context_dir=context_dir)
    return [s for s in m.steps if s.kind == "layer" and s.keyword in ("COPY", "ADD")]


@pytest.mark.parametrize("copy,target,origin", [
    ("COPY . .", "/app/web/package.json", ("web/package.json", "whole")),
    ("COPY . /srv", "/app/package.json", None),
    ("COPY src/ ./", "/app/requirements.txt", ("src/requirements.txt", "dir")),
    ("COPY src ./src", "/app/src/x.py", ("src/x.py", "dir")),
    ("COPY package*.json ./", "/app/package-lock.json", ("package-lock.json", "glob")),
    ("COPY package*.json ./", "/app/web/package.json", None),
    ("COPY Gemfile Gemfile.lock ./", "/app/Gemfile", ("Gemfile", "file")),
    ("COPY Gemfile Gemfile.lock ./", "/app/package.json", None),
    ("COPY LICENSE ./", "/app/package.json", None),
    ("COPY requirements/prod.txt requirements.txt", "/app/requirements.txt", ("requirements/prod.txt", "file")),
    ("COPY App.csproj ./", "/app/*.csproj", ("App.csproj", "file")),
    ("COPY bin/install-deps bin/", "/app/bin/package.json", None),
    ("COPY ../frontend ./frontend", "/app/frontend/package.json", ("frontend/package.json", "dir")),
])
def test_copy_origin(copy, target, origin):
    from layerlint.cache.model import copy_origin
    sm = _copy_steps(f"FROM x:1\nWORKDIR /app\n{copy}\n")[0]
    got = copy_origin(sm, target)
    assert (got[1], got[2]) == origin if origin else got is None


def test_copy_origin_from_a_stage_and_the_context_on_disk(tmp_path):
    from layerlint.cache.model import copy_origin, source_is_dir
    sm = _copy_steps("FROM x:1 AS a\nFROM x:1\nWORKDIR /app\nCOPY --from=a /src /app\n")[0]
    src, where, how = copy_origin(sm, "/app/go.mod")
    assert (src.kind, where, how) == ("stage", "/src/go.mod", "dir")
    d = ctx_dir(tmp_path, {"config": "a file\n", "lib.d/x": "y"})
    assert not source_is_dir("config", "config", d) and source_is_dir("lib.d", "lib.d", d)
    assert source_is_dir("config", "config") and not source_is_dir("Makefile", "Makefile")
    assert source_is_dir(".mvn", ".mvn") and not source_is_dir(".npmrc", ".npmrc")


# -- the shell layer: what a command fetches ----------------------------------------------------------

@pytest.mark.parametrize("text,role,manifests,dir", [
    ("npm ci", "deps", ("package.json", "package-lock.json"), ""),
    ("npm --prefix web ci", "deps", ("package.json", "package-lock.json"), "web"),
    ("npm install -g pm2", "tool", (), ""),
    ("npm install --offline", "offline", ("package.json", "package-lock.json"), ""),
    ("yarn", "deps", ("package.json", "yarn.lock"), ""),
    ("yarn global add serve", "tool", (), ""),
    ("pnpm fetch", "deps", ("pnpm-lock.yaml",), ""),
    ("pnpm -C web install", "deps", ("package.json", "pnpm-lock.yaml"), "web"),
    ("pip install -r requirements.txt", "deps", ("requirements.txt",), ""),
    ("pip install -e .", "build", ("pyproject.toml", "setup.py"), ""),
    ("pip install --no-deps -e .", "offline", ("pyproject.toml", "setup.py"), ""),
    ("pip install black==24.4.2", "tool", (), ""),
    ("pip install -e git+https://github.com/x/y#egg=y", "tool", (), ""),
    ("python3 -m pip install -r r.txt", "deps", ("r.txt",), ""),
    ("uv pip install -r requirements.txt", "deps", ("requirements.txt",), ""),
    ("poetry install", "build", ("pyproject.toml", "poetry.lock"), ""),
    ("poetry install --no-root", "deps", ("pyproject.toml", "poetry.lock"), ""),
    ("poetry install --only-root", "offline", ("pyproject.toml", "poetry.lock"), ""),
    ("uv sync --frozen", "build", ("pyproject.toml", "uv.lock"), ""),
    ("uv sync --no-install-project", "deps", ("pyproject.toml", "uv.lock"), ""),
    ("go mod download", "deps", ("go.mod", "go.sum"), ""),
    ("go -C sub build .", "build", ("go.mod", "go.sum"), "sub"),
    ("go build -mod=vendor -o /a .", "offline", ("go.mod", "go.sum"), ""),
    ("go build -o /a ./cmd/x", "build", ("go.mod", "go.sum"), ""),
    ("go install golang.org/x/tools/gopls@latest", "tool", (), ""),
    ("go run github.com/x/y@v1 -- -flag", "tool", (), ""),
    ("cargo chef cook --release --recipe-path recipe.json", "deps", ("recipe.json",), ""),
    ("cargo build --release --manifest-path app/Cargo.toml", "build", ("Cargo.toml", "Cargo.lock"), "app"),
    ("cargo build --offline", "offline", ("Cargo.toml", "Cargo.lock"), ""),
    ("cargo install cargo-chef", "tool", (), ""),
    ("mvn -B dependency:go-offline", "deps", ("pom.xml",), ""),
    ("mvn -f app/pom.xml -pl core clean package", "build", ("pom.xml",), "app"),
    ("mvn -o package", "offline", ("pom.xml",), ""),
    ("./gradlew downloadRepos", "deps", None, ""),
    ("sh gradlew build -x test", "build", None, ""),
    ("dotnet restore src/App/App.csproj", "deps", ("App.csproj",), "src/App"),
    ("dotnet publish --no-restore", "offline", ("*.csproj",), ""),
    ("bundle install --jobs 4", "deps", ("Gemfile", "Gemfile.lock"), ""),
    ("composer install --no-dev", "build", ("composer.json", "composer.lock"), ""),
    ("composer global require x/y", "tool", (), ""),
    ("gem install bundler", "tool", (), ""),
    ("sudo -u app npm ci", "deps", ("package.json", "package-lock.json"), ""),
    ("npm run build", None, None, None),
    ("go mod tidy", "build", ("go.mod", "go.sum"), ""),
    ("yarn build", None, None, None),
])
def test_dependency_fetch(text, role, manifests, dir):
    from layerlint.shell import parser as shell
    from layerlint.shell.packages import dependency_fetch
    f = dependency_fetch(shell.parse(text).commands[0])
    if role is None:
        assert f is None
        return
    assert f is not None and f.role == role and f.dir == dir, (f and (f.role, f.dir))
    if manifests is not None:
        assert f.manifests == manifests


def test_ll201_go_module_root(tmp_path):
    # go looks for go.mod upwards: a command under cmd/ belongs to the module above it
    f = _one("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN cd cmd/server && go build -o /app\n")
    assert "`COPY go.mod go.sum ./`, then `RUN go mod download`" in f.message
    f = _one("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nWORKDIR /src/svc\nRUN go mod download\n")
    assert "which reads only svc/go.mod and svc/go.sum" in f.message and "`COPY svc/go.mod svc/go.sum ./svc/`" in f.message
    # the context knows better
    d = ctx_dir(tmp_path, {"go.mod": "module x\n", "go.sum": "", "svc/main.go": ""})
    f = _one("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nWORKDIR /src/svc\nRUN go build -o /app .\n", context_dir=d)
    assert "`COPY go.mod go.sum ./`, then `RUN go mod download`" in f.message


def test_ll201_build_whose_manifests_are_copied_already():
    f = _one("FROM maven:3\nWORKDIR /b\nCOPY java/pom.xml .\nCOPY java/ .\nRUN mvn clean package\n")
    assert positions([f]) == [("LL201", 4, 6)]
    assert "copied on line 3 already: add `RUN mvn dependency:go-offline` after it, before line 4" in f.message


def test_ll201_chain_of_stages_each_judged_once():
    # a stage built FROM another sees its copies and its downloads
    text = ("FROM node:22 AS deps\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n"
            "FROM deps AS build\nCOPY . .\nRUN npm ci && npm run build\n"
            "FROM deps AS test\nCOPY . .\nRUN npm test\n")
    assert lint(text, "LL201") == []
    text = ("FROM node:22 AS src\nWORKDIR /app\nCOPY . .\nFROM src AS a\nRUN npm ci\nFROM src AS b\nRUN yarn install\n"
            "FROM scratch\nCOPY --from=a /app/x /x\nCOPY --from=b /app/y /y\n")
    assert positions(lint(text, "LL201")) == [("LL201", 3, 6), ("LL201", 3, 6)]


@pytest.mark.parametrize("text", [
    # before modules, or before they were on in $GOPATH/src: nothing is fetched from a go.mod
    "FROM golang:1.10\nWORKDIR /go/src/github.com/acme/app\nCOPY . .\nRUN go build -o /a .\n",
    "FROM golang:1.12-alpine\nWORKDIR /go/src/github.com/acme/app\nCOPY . .\nRUN go build -o /a .\n",
    # a manifest the RUN tests for may not exist: copying it alone could fail the build
    "FROM python:3\nCOPY . /usr/src/app\nRUN if [ -s /usr/src/app/requirements.txt ]; then "
    "pip install -r /usr/src/app/requirements.txt; fi\n",
    "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN test -f package-lock.json && npm ci || npm install\n",
])
def test_ll201_quiet_when_the_advice_could_break_the_build(text):
    assert lint(text, "LL201") == []


def test_ll201_go_modules_era_images_still_fire():
    f = _one("FROM golang:1.13\nWORKDIR /go/src/x\nCOPY . .\nRUN go build -o /a .\n")
    assert positions([f]) == [("LL201", 3, 6)]
    f = _one("FROM golang:1.12\nENV GO111MODULE=on\nWORKDIR /go/src/x\nCOPY . .\nRUN go build -o /a .\n")
    assert positions([f]) == [("LL201", 4, 6)]


def test_ll201_absolute_destination_stays_absolute():
    f = _one("FROM node:12\nENV WEBUI_DIR /src/webui\nCOPY ./webui/ $WEBUI_DIR/\nWORKDIR $WEBUI_DIR\nRUN yarn install\n")
    assert "`COPY webui/package.json webui/yarn.lock /src/webui/`, `RUN cd /src/webui && yarn install`" in f.message


@pytest.mark.parametrize("run", ["runuser -u app -- npm ci", 'su app -c "npm ci"', "chpst -u app npm ci",
                                 "setpriv --reuid=1000 --regid=1000 --init-groups npm ci", "s6-setuidgid app npm ci",
                                 'runuser -l app -c "npm ci"'])
def test_ll201_sees_installs_run_as_another_user(run):
    f = _one(f"FROM node:22\nWORKDIR /app\nCOPY . .\nRUN {run}\n")
    assert (f.span.line, f.span.column) == (3, 6)
