"""LL302 cd-instead-of-workdir: `cd` in a RUN; use WORKDIR to set the directory."""
from ...helpers import lint, positions, spans


def test_cd_fires_once_per_script_at_the_first_cd():
    text = ("FROM node:22-slim\n"
            "RUN npm --version && \\\n"
            "    cd /app && npm ci && cd /srv\n")
    f = lint(text, "LL302")
    assert spans(f) == [("LL302", 3, 5, 3, 7)]
    assert "WORKDIR /app" in f[0].message and f[0].hadolint == ("DL3003",)


def test_cd_as_last_command_has_no_effect():
    f = lint("FROM alpine:3.20\nRUN mkdir /x && cd /x\n", "LL302")
    assert positions(f) == [("LL302", 2, 17)] and "no effect" in f[0].message


def test_cd_heredoc_and_onbuild():
    text = "FROM alpine:3.20\nRUN <<EOF\ncd /src\nmake\nEOF\nONBUILD RUN cd /app && make\n"
    assert positions(lint(text, "LL302")) == [("LL302", 3, 1), ("LL302", 6, 13)]


def test_cd_does_not_fire_in_subshells_or_substitutions():
    text = ("FROM alpine:3.20\n"
            "RUN (cd /src && make) && x=$(cd /a && pwd) && echo cd\n"
            "WORKDIR /src\n"
            "RUN make\n")
    assert lint(text, "LL302") == []


def test_cd_in_sh_c_is_not_a_workdir_candidate():
    text = "FROM debian:12\nRUN find /src -type d -exec sh -c 'cd {} && make' \\;\n"
    assert lint(text, "LL302") == []
