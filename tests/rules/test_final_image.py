"""rules/final_image.py: what the final image runs (read by LL103 and LL321)."""
from layerlint.graph import build_graph
from layerlint.rules.context import Context
from layerlint.rules.final_image import dev_name, final_command
from layerlint.syntax import parse


def command(text, path="Dockerfile"):
    df = parse("FROM debian:12\n" + text)
    c = final_command(Context(df, build_graph(df), path))
    return None if c is None else (c.program, c.service, c.instr.start_line)


def test_the_command_through_inits_shells_and_entrypoint_scripts():
    assert command("RUN true\n") is None
    assert command("CMD [\"gunicorn\", \"app:app\"]\n") == ("gunicorn", True, 2)
    assert command("ENTRYPOINT [\"tini\", \"-g\", \"--\"]\nCMD [\"gosu\", \"app\", \"node\", \"server.js\"]\n") == \
        ("node", True, 2)
    assert command("CMD set -e; [ -d x ] && exec uvicorn main:app\n") == ("uvicorn", True, 2)
    assert command("ENTRYPOINT [\"/docker-entrypoint.sh\"]\nCMD [\"php-fpm\"]\n") == ("php-fpm", True, 3)
    assert command("ENTRYPOINT [\"./entrypoint.sh\", \"--json-output\"]\n") == ("entrypoint.sh", True, 2)
    assert command("ENTRYPOINT [\"sh\", \"/start.sh\"]\n") == ("start.sh", True, 2)


def test_shells_repls_and_build_tools_are_not_services():
    for cmd in ("CMD [\"bash\"]", "CMD [\"/bin/bash\", \"--rcfile\", \"/etc/profile\"]", "CMD [\"python3\"]",
                "CMD [\"perl\", \"-de0\"]", "CMD [\"lein\", \"repl\"]", "ENTRYPOINT [\"entrypoint\"]\nCMD [\"-M\", \"--repl\"]",
                "CMD [\"dotnet\", \"watch\"]", "CMD [\"yarn\", \"dev\"]", "CMD tail -f /dev/null", "CMD [\"./build.sh\"]"):
        assert command(cmd + "\n")[1] is False, cmd
    for cmd in ("CMD [\"python3\", \"-m\", \"http.server\"]", "CMD [\"java\", \"-jar\", \"app.jar\"]",
                "CMD [\"dotnet\", \"app.dll\"]", "CMD [\"npm\", \"start\"]"):
        assert command(cmd + "\n")[1] is True, cmd


def test_development_names():
    def name(path, text="FROM debian:12\nCMD [\"x\"]\n"):
        df = parse(text)
        return dev_name(Context(df, build_graph(df), path))
    assert name("Dockerfile") is None and name("docker/web/Dockerfile") is None
    assert name("Dockerfile.dev") == "dev" and name(".devcontainer/Dockerfile") == "devcontainer"
    assert name("images/ci-runner/Dockerfile") == "ci" and name("docker/base/Dockerfile") == "base"
    assert name("/home/dev/src/app/web/Dockerfile") is None  # above the file's two parent directories
    assert name("Dockerfile", "FROM debian:12 AS test\nCMD [\"x\"]\n") == "test"
    assert name("Dockerfile", "FROM debian:12 AS base\nFROM base\nCMD [\"x\"]\n") is None  # `base` only in paths
