"""LL308 heredoc-without-errexit: Heredoc RUN script with several commands and no `set -e`: failures are ignored."""
from ...helpers import fixed, lint, positions, spans


def test_heredoc_without_set_e_fires_at_the_first_command_and_fixes():
    text = ("# syntax=docker/dockerfile:1\n"
            "FROM debian:12\n"
            "RUN <<EOF\n"
            "apt-get update\n"
            "apt-get install -y curl && \\\n"
            "  rm -rf /var/lib/apt/lists/*\n"
            "EOF\n")
    f = lint(text, "LL308")
    assert spans(f) == [("LL308", 4, 1, 4, 8)]
    assert "2 commands" in f[0].message and "`apt-get update`" in f[0].message
    assert fixed(text, "LL308").split("\n")[3] == "set -e"


def test_heredoc_with_shebang_onbuild_and_fed_shell():
    text = ("FROM debian:12\n"
            "RUN <<EOF\n#!/bin/bash\na\nb\nEOF\n"
            "ONBUILD RUN bash <<EOF\na\nb\nEOF\n")
    f = lint(text, "LL308")
    assert positions(f) == [("LL308", 4, 1), ("LL308", 8, 1)]
    assert fixed("FROM debian:12\nRUN <<EOF\n#!/bin/bash\na\nb\nEOF\n", "LL308") == \
        "FROM debian:12\nRUN <<EOF\n#!/bin/bash\nset -e\na\nb\nEOF\n"


def test_heredoc_errexit_does_not_fire():
    text = ("FROM debian:12\n"
            "RUN <<EOF\nset -eux\na\nb\nEOF\n"
            "RUN <<EOF\na && \\\nb && c\nEOF\n"              # one && chain
            "RUN <<EOF\n#!/bin/sh -e\na\nb\nEOF\n"
            "RUN bash -ex <<EOF\na\nb\nEOF\n"
            "RUN python3 <<EOF\nimport os\nprint(1)\nEOF\n"   # not shell
            "RUN <<EOF\nif a; then b; fi\nEOF\n"             # the condition is checked
            "RUN a; b\n")                                    # not a heredoc
    assert lint(text, "LL308") == []
    assert lint('FROM a:1\nSHELL ["/bin/sh", "-ec"]\nRUN <<EOF\na\nb\nEOF\n', "LL308") == []
