"""LL103 toolchain-in-final-stage: Final stage is built on a compiler/SDK image; copy the output into a runtime stage."""
from layerlint.engine.lint_file import lint_bytes
from layerlint.engine.settings import Settings

from ...helpers import lint, positions

APP = "FROM golang:1.26\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"


def test_toolchain_final_stage():
    f = lint(APP + "CMD [\"/app\"]\n", "LL103")
    assert positions(f) == [("LL103", 1, 6)] and "line 4" in f[0].message and "to run `app` (line 5)" in f[0].message
    assert lint("FROM golang:1.26 AS b\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=b /app /app\n"
                "CMD [\"/app\"]\n", "LL103") == []
    assert lint("FROM node:22-slim\nCOPY . .\nRUN npm run build\nCMD [\"node\", \"dist/server.js\"]\n", "LL103") == []
    f = lint("FROM maven:3.9-eclipse-temurin-21\nCOPY . .\nRUN mvn package\nCMD java -jar target/app.jar\n", "LL103")
    assert positions(f) == [("LL103", 1, 6)]


def test_toolchain_onbuild_build_does_not_fire():
    # the rule skips ONBUILD triggers: they build in the child image, not in this one
    assert lint("FROM golang:1.26\nCOPY . .\nONBUILD RUN go build -o /app .\nCMD [\"/app\"]\n", "LL103") == []


def test_sdk_development_and_base_images_do_not_fire():
    """The official language images build their language on buildpack-deps and run a REPL;
    development and CI images are built on a toolchain on purpose."""
    for cmd in ("", "CMD [\"bash\"]\n", "CMD [\"go\", \"test\", \"./...\"]\n", "CMD [\"make\", \"test\"]\n",
                "CMD tar cvzf - .\n", "ENTRYPOINT [\"/dind\"]\nCMD [\"make\", \"direct-test\"]\n"):
        assert lint(APP + cmd, "LL103") == [], cmd
    python = ("FROM buildpack-deps:bookworm\nRUN ./configure && make -j \"$(nproc)\" && make install\n"
              "CMD [\"python3\"]\n")
    assert lint(python, "LL103") == []
    for path in ("Dockerfile.dev", ".devcontainer/Dockerfile", "test/docker/Dockerfile"):
        res = lint_bytes((APP + "CMD [\"/app\"]\n").encode(), path, Settings(select=["LL103"]))
        assert res.findings == [], path
    assert lint(APP.replace("golang:1.26", "golang:1.26 AS debug") + "CMD [\"/app\"]\n", "LL103") == []


def test_version_checks_and_builds_of_downloads_do_not_fire():
    """openjdk runs `javac --version`; tomcat builds tomcat-native from its download on the
    JDK it ships (its jre variants exist): neither builds the project's own files."""
    jdk = "FROM buildpack-deps:bookworm-scm\nRUN javac --version && java --version\nCMD [\"jshell\"]\n"
    assert lint(jdk, "LL103") == []
    tomcat = ("FROM eclipse-temurin:11-jdk-jammy\nRUN curl -fo native.tgz https://x/native.tgz && "
              "tar -xf native.tgz && ./configure && make -j4 && make install\n"
              "COPY entrypoint.sh /\nCMD [\"catalina.sh\", \"run\"]\n")
    assert lint(tomcat, "LL103") == []
    f = lint(tomcat.replace("COPY entrypoint.sh /\n", "").replace("FROM eclipse-temurin:11-jdk-jammy\n",
             "FROM eclipse-temurin:11-jdk-jammy\nCOPY src/ /src/\n"), "LL103")
    assert positions(f) == [("LL103", 1, 6)] and "(`curl -fo native.tgz" not in f[0].message
    assert "(`make -j4`, line 3)" in f[0].message
