"""LL312 apt-install-recommends: `apt-get install` without `--no-install-recommends` pulls in recommended packages."""
from ...helpers import fixed, lint, positions, spans


def test_sh_c_in_a_heredoc_and_nested_sh_c():
    text = ("FROM debian:12\n"
            "RUN <<EOF\n"
            "set -e\n"
            "sh -c 'bash -c \"apt-get install -y curl\"'\n"
            "EOF\n")
    assert positions(lint(text, "LL312")) == [("LL312", 4, 25)]


def test_sh_c_fix_edits_inside_the_quotes():
    text = "FROM debian:12\nRUN sh -c 'apt-get install -y curl'\n"
    assert fixed(text, "LL312") == "FROM debian:12\nRUN sh -c 'apt-get install --no-install-recommends -y curl'\n"


def test_recommends_fires_with_fix_after_install():
    text = ("FROM debian:12\n"
            "RUN apt-get update && \\\n"
            "    apt-get install -y \\\n"
            "      python3\n")
    f = lint(text, "LL312")
    assert spans(f) == [("LL312", 3, 13, 3, 20)]
    assert f[0].hadolint == ("DL3015",) and f[0].severity == "info"
    assert "apt-get install --no-install-recommends -y \\" in fixed(text, "LL312")


def test_recommends_heredoc_onbuild_and_apt_conf():
    text = ("FROM debian:12 AS a\n"
            "RUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/00norec\n"
            "FROM a\n"
            "RUN apt-get install -y x\n"          # configured off in the parent stage
            "FROM debian:12\n"
            "RUN <<EOF\napt-get install -y y\nEOF\n"
            "ONBUILD RUN apt install -y z\n")
    assert positions(lint(text, "LL312")) == [("LL312", 7, 9), ("LL312", 9, 17)]


def test_recommends_does_not_fire():
    text = ("FROM debian:12\n"
            "RUN apt-get install -y --no-install-recommends a && apt-get -o APT::Install-Recommends=false install -y b\n"
            "RUN apt-get install -y --install-recommends=no c && apt-get update && apt-get remove -y d\n")
    assert lint(text, "LL312") == []
