"""LL301 pointless-command: Command that acts on a running system (service, ps, vim, shutdown...) in a RUN."""
from ...helpers import lint, positions, spans


def test_pointless_command_fires_at_the_command_word():
    text = ("FROM debian:12\n"
            "RUN apt-get update && \\\n"
            "    service nginx start && \\\n"
            "    ps aux\n")
    f = lint(text, "LL301")
    assert spans(f) == [("LL301", 3, 5, 3, 12), ("LL301", 4, 5, 4, 7)]
    assert f[0].hadolint == ("DL3001",) and "`service`" in f[0].message
    assert "build log" in f[1].message


def test_pointless_command_heredoc_onbuild_and_wrappers():
    text = "FROM debian:12\nRUN <<EOF\nset -e\nvim /etc/x\nEOF\nONBUILD RUN sudo shutdown -h now\n"
    assert positions(lint(text, "LL301")) == [("LL301", 4, 1), ("LL301", 6, 18)]


def test_pointless_command_does_not_fire():
    text = ("FROM debian:12\n"
            "RUN apt-get install -y vim procps openssh-client\n"   # package names are data
            "RUN echo 'ps aux' > /x && grep kill /etc/x\n"         # quoted / arguments
            "RUN systemctl enable nginx && systemctl mask getty@tty1\n"  # only edits unit symlinks
            "RUN if ! command -v ps; then true; fi\n"              # looks the name up
            "RUN server & sleep 1; kill %1\n"                     # kills what it started
            "RUN --mount=type=ssh ssh -T git@github.com || true\n"
            "RUN [\"ps\", \"aux\"]\n")                             # exec form: not shell
    assert lint(text, "LL301") == []
