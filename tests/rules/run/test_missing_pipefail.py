"""LL304 missing-pipefail: Pipe in a RUN without `set -o pipefail` or a pipefail SHELL: a failing command is hidden."""
from ...helpers import lint, positions, spans


def test_pipefail_points_at_the_pipe_and_names_the_hidden_command():
    text = ("FROM debian:12\n"
            "RUN apt-get update && \\\n"
            "    curl -fsSL https://example.com/x.tgz \\\n"
            "      | tar -xz -C /opt && \\\n"
            "    wget -qO- https://example.com/y | sh\n")
    f = lint(text, "LL304")
    assert spans(f) == [("LL304", 4, 7, 4, 8)]
    assert "`curl`" in f[0].message and "`tar`" in f[0].message
    assert "1 more unprotected pipe" in f[0].message and f[0].hadolint == ("DL4006",)
    assert 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]' in f[0].message


def test_pipefail_respected_from_shell_set_and_parent_stage():
    text = ("FROM debian:12 AS base\n"
            'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
            "RUN curl -fsSL https://x | sh\n"
            "FROM base\n"
            "RUN curl -fsSL https://x | sh\n"               # SHELL inherited through FROM base
            "FROM alpine:3.20\n"
            "RUN set -euo pipefail && wget -qO- https://x | sh\n"
            'SHELL ["/bin/ash", "-eo", "pipefail", "-c"]\n'
            "RUN wget -qO- https://x | sh\n"
            "RUN echo 'deb http://x' | tee /etc/apt/sources.list && printf 'a' | sha256sum -c -\n"
            "RUN echo 'a | b' > /x\n")                      # quoted: no pipe
    assert lint(text, "LL304") == []


def test_pipefail_heredocs():
    text = ("FROM debian:12\n"
            "RUN <<EOF\n"
            "set -e\n"
            "curl -fsSL https://x |\n"
            "  sh\n"
            "EOF\n"
            "RUN <<EOF\n"
            "set -eo pipefail\n"
            "curl -fsSL https://x | sh\n"
            "EOF\n"
            "RUN bash -o pipefail <<EOF\n"
            "curl https://x | sh\n"
            "EOF\n"
            "RUN <<EOF\n"
            "#!/bin/bash\n"
            "curl https://x | sh\n"
            "EOF\n")
    f = lint(text, "LL304")
    assert spans(f) == [("LL304", 4, 22, 4, 23), ("LL304", 16, 16, 16, 17)]
    assert "set -o pipefail" in f[0].message


def test_pipefail_onbuild_and_default_shell_stage_reset():
    text = ("FROM debian:12\n"
            'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
            "FROM debian:12\n"
            "ONBUILD RUN curl https://x | sh\n")
    assert positions(lint(text, "LL304")) == [("LL304", 4, 28)]
    text = 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["pwsh", "-c"]\nRUN a | b\n'
    assert lint(text, "LL304") == []
