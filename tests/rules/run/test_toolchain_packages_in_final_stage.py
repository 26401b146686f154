"""LL321 toolchain-packages-in-final-stage: Compilers / build tools / -dev packages installed in the final image; build in another stage."""
from layerlint.engine.lint_file import lint_bytes
from layerlint.engine.settings import Settings

from ...helpers import lint, positions, spans


def lint_at(path, text):
    """Findings for a Dockerfile at ``path`` (the file's name is part of what the rule reads)."""
    res = lint_bytes(text.encode(), path, Settings(select=["LL321"]))
    assert not res.errors, res.errors
    return res.findings


def test_toolchain_packages_in_a_service_image_that_builds_after_them():
    text = ("FROM python:3.12-slim\n"
            "RUN apt-get update && \\\n"
            "    apt-get install -y --no-install-recommends \\\n"
            "      libpq5 \\\n"
            "      gcc \\\n"
            "      libpq-dev \\\n"
            " && rm -rf /var/lib/apt/lists/*\n"
            "RUN pip install --no-cache-dir psycopg2==2.9.9\n"
            "CMD [\"gunicorn\", \"app:app\"]\n")
    f = lint(text, "LL321")
    assert spans(f) == [("LL321", 5, 7, 5, 10)]
    assert "`gcc`, `libpq-dev`" in f[0].message and "final image (it runs `gunicorn`, line 9)" in f[0].message
    assert "before a build step (`pip install --no-cache-dir`, line 8)" in f[0].message


def test_headers_in_a_runtime_stage_fire_without_a_build():
    """chroma: a Rust service copied into a slim stage that installs libssl-dev, not libssl3."""
    text = ("FROM rust:1.81 AS builder\n"
            "RUN cargo build --release\n"
            "FROM debian:bookworm-slim AS runner\n"
            "RUN apt-get update && apt-get install -y libssl-dev ca-certificates && rm -rf /var/lib/apt/lists/*\n"
            "FROM runner AS log_service\n"
            "COPY --from=builder /target/release/log_service .\n"
            "ENTRYPOINT [ \"./log_service\" ]\n")
    f = lint(text, "LL321")
    assert spans(f) == [("LL321", 4, 42, 4, 52)]
    assert "stage runner, which the final image is built on (it runs `log_service`, line 7)" in f[0].message
    assert "nothing is compiled after them; install the runtime library packages" in f[0].message
    # a JDK where a JRE does; an entrypoint script that runs the CMD: the CMD is the service
    text = ("FROM debian:12-slim\nRUN apt-get install -y openjdk-17-jdk-headless\n"
            "ENTRYPOINT [\"/docker-entrypoint.sh\"]\nCMD [\"java\", \"-jar\", \"/app.jar\"]\n")
    f = lint(text, "LL321")
    assert positions(f) == [("LL321", 2, 24)] and "(it runs `java`, line 4)" in f[0].message


def test_toolchain_in_parent_of_final_and_other_managers():
    text = ("FROM alpine:3.20 AS base\n"
            "RUN apk add --no-cache build-base\n"
            "FROM base\n"
            "RUN <<EOF\ndnf install -y gcc-c++ python3-devel\nEOF\n"
            "RUN pip install uwsgi\n"
            "CMD exec uwsgi --ini app.ini\n")
    f = lint(text, "LL321")
    assert positions(f) == [("LL321", 2, 24), ("LL321", 5, 16)]
    assert "stage base, which the final image is built on" in f[0].message and "`uwsgi`" in f[0].message


def test_not_a_service_image_does_not_fire():
    install = "RUN apt-get update && apt-get install -y gcc make libpq-dev && make\n"
    for tail in ("",                                   # no command: a base for other images
                 "CMD [\"bash\"]\n", "CMD /bin/bash --login\n", "ENTRYPOINT [\"/bin/bash\", \"--rcfile\", \"/etc/profile\"]\n",
                 "CMD [\"python3\"]\n", "CMD [\"lein\", \"repl\"]\n", "CMD [\"ghci\"]\n",   # REPLs of SDK images
                 "CMD [\"go\", \"run\", \"./cmd/server\"]\n", "CMD [\"npm\", \"run\", \"dev\"]\n",
                 "CMD sleep infinity\n", "CMD [\"./build.sh\"]\n", "CMD [\"run_tests.sh\"]\n",
                 "CMD [\"gunicorn\", \"app:app\"]\nONBUILD RUN pip install -r requirements.txt\n"):
        assert lint("FROM debian:12-slim\n" + install + tail, "LL321") == [], tail


def test_development_ci_and_test_images_by_name_do_not_fire():
    text = "FROM debian:12-slim\nRUN apt-get install -y gcc libpq-dev && make\nCMD [\"./server\"]\n"
    assert positions(lint_at("docker/Dockerfile", text)) == [("LL321", 2, 24)]
    for path in ("Dockerfile.dev", ".devcontainer/Dockerfile", "ci/centos7/Dockerfile",
                 "tests/e2e/Dockerfile", "docker/base/Dockerfile", "Dockerfile-ci"):
        assert lint_at(path, text) == [], path
    # a stage of the final image's chain named for development or debugging
    staged = "FROM debian:12-slim AS dev\nRUN apt-get install -y gcc libpq-dev && make\nCMD [\"./server\"]\n"
    assert lint(staged, "LL321") == []
    # where the repository is checked out does not count: only the file and two parent directories
    assert positions(lint_at("/home/dev/work/app/docker/web/Dockerfile", text)) == [("LL321", 2, 24)]
    # Laravel Sail: xdebug and pcov make it a development image, whatever its command
    sail = ("FROM ubuntu:22.04\nRUN apt-get install -y php8.3-cli php8.3-dev libpng-dev php8.3-xdebug\n"
            "RUN npm install -g pnpm\nENTRYPOINT [\"start-container\"]\n")
    assert lint(sail, "LL321") == []


def test_a_compiler_nothing_builds_with_and_deliberate_toolchains_do_not_fire():
    # kserve: vLLM compiles CUDA kernels at run time; nothing is built after the install here
    assert lint("FROM ubuntu:24.04\nRUN apt-get install -y gcc ninja-build\nCMD [\"python3\", \"-m\", \"server\"]\n",
                "LL321") == []
    # a language's headers serve its own installer: python3-dev with only an npm install after it
    assert lint("FROM node:22-slim\nRUN apt-get install -y python3-dev\nRUN npm ci\nCMD [\"node\", \"app.js\"]\n",
                "LL321") == []
    f = lint("FROM debian:12\nRUN apt-get install -y python3-dev\nRUN pip install uwsgi\nCMD [\"uwsgi\"]\n", "LL321")
    assert positions(f) == [("LL321", 2, 24)]
    # dpkg-dev is a build tool, not headers; gcc --version builds nothing
    assert lint("FROM debian:12\nRUN apt-get install -y dpkg-dev gcc && gcc --version\nCMD [\"kubepkg\"]\n",
                "LL321") == []
    # the php images keep $PHPIZE_DEPS for docker-php-ext-install in the images built on them
    php = ("FROM debian:12-slim\nENV PHPIZE_DEPS autoconf gcc make\n"
           "RUN apt-get install -y $PHPIZE_DEPS curl && ./configure && make\nCMD [\"apache2-foreground\"]\n")
    assert lint(php, "LL321") == []
    # built on a compiler image: LL103's finding, not one per package
    assert lint("FROM golang:1.26\nRUN apt-get install -y gcc libssl-dev && go build ./...\nCMD [\"/app\"]\n",
                "LL321") == []


def test_toolchain_does_not_fire():
    text = ("FROM python:3.12-slim AS build\n"
            "RUN apt-get install -y gcc libpq-dev\n"                       # builder stage
            "FROM python:3.12-slim\n"
            "RUN apt-get install -y --no-install-recommends build-essential && make && "
            "apt-get purge -y --auto-remove build-essential\n"             # removed in the same RUN
            "RUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install x && apk del .build-deps\n"
            "RUN apt-get install -y libpq5 curl devscripts-el\n"
            "RUN saved=\"$(apt-mark showmanual)\"; apt-get install -y gcc make; make; \\\n"
            "    apt-mark auto '.*'; apt-mark manual $saved; apt-get purge -y --auto-remove\n"
            "ONBUILD RUN apt-get install -y gcc\n"
            "COPY --from=build /a /a\n"
            "RUN pip install /a/*.whl\n"
            "CMD [\"gunicorn\", \"app:app\"]\n")
    assert lint(text, "LL321") == []
