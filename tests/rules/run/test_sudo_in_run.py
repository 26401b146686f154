"""LL303 sudo-in-run: `sudo` in a RUN; switch users with USER instead."""
from ...helpers import lint, positions, spans


def test_sudo_fires_with_the_user_in_the_message():
    text = ("FROM debian:12\n"
            "RUN sudo apt-get update\n"
            "USER app\n"
            "RUN env DEBIAN_FRONTEND=noninteractive \\\n"
            "    sudo apt-get install -y curl\n"
            "ONBUILD RUN sudo make install\n")
    f = lint(text, "LL303")
    assert spans(f) == [("LL303", 2, 5, 2, 9), ("LL303", 5, 5, 5, 9), ("LL303", 6, 13, 6, 17)]
    assert "as root" in f[0].message and "USER root" in f[1].message and "`app`" in f[1].message
    assert "ONBUILD" in f[2].message and f[0].hadolint == ("DL3004",)


def test_sudo_in_heredoc_and_later_stage():
    text = "FROM debian:12 AS a\nRUN true\nFROM a\nRUN <<EOF\nsudo ls\nEOF\n"
    assert positions(lint(text, "LL303")) == [("LL303", 5, 1)]


def test_sudo_does_not_fire():
    text = ("FROM debian:12\n"
            "RUN apt-get install -y sudo && echo 'sudo ls' && visudo -c\n"
            "RUN [\"sudo\", \"ls\"]\n")  # exec form is not parsed as shell
    assert lint(text, "LL303") == []


def test_sudo_as_another_user_advises_user_not_dropping_it():
    """Dropping `sudo -u app` would run the install as root: a different image."""
    found = lint("FROM debian:12-slim\nRUN sudo -u app pip install -r requirements.txt\n", "LL303")
    assert [(f.line, f.column) for f in found] == [(2, 5)]
    assert "`USER app`" in found[0].message and "drop it" not in found[0].message
    found = lint("FROM debian:12-slim\nRUN sudo --user=root apt-get update\n", "LL303")
    assert "drop it" in found[0].message


def test_sudo_behind_any_wrapper_of_the_one_table():
    found = lint("FROM debian:12-slim\nRUN nice -n 5 sudo apt-get update\n", "LL303")
    assert [(f.line, f.column) for f in found] == [(2, 15)]
    assert lint("FROM debian:12-slim\nRUN echo sudo\n", "LL303") == []


def test_sudo_on_a_base_image_whose_user_is_unknown_does_not_claim_root():
    """CircleCI's cimg/* images set `USER circleci`: "drop sudo" would break the build."""
    f = lint("FROM cimg/base:2024.01\nRUN sudo apt-get update\n", "LL303")
    assert spans(f) == [("LL303", 2, 5, 2, 9)]
    assert "already runs as root" not in f[0].message and "drop it" not in f[0].message
    assert "`cimg/base:2024.01`, which layerlint does not know" in f[0].message
    assert "if that is root, drop `sudo`, otherwise use `USER root`" in f[0].message
    # a stage built FROM a stage on such an image does not know either; neither does a variable base
    f = lint("FROM ghcr.io/org/ci:1 AS base\nRUN true\nFROM base\nRUN sudo make install\n", "LL303")
    assert positions(f) == [("LL303", 4, 5)] and "`ghcr.io/org/ci:1`, which layerlint" in f[0].message
    f = lint("ARG BASE\nFROM ${BASE}\nRUN sudo ls\n", "LL303")
    assert positions(f) == [("LL303", 3, 5)] and "the base image, which layerlint does not know" in f[0].message


def test_sudo_where_root_is_known_says_drop_it():
    for text in ("FROM cimg/base:2024.01\nUSER root\nRUN sudo apt-get update\n",  # USER root in this file
                 "FROM ubuntu:24.04 AS base\nFROM base\nRUN sudo apt-get update\n",  # a known-root base, through a stage
                 "FROM scratch\nCOPY busybox /bin/\nRUN sudo ls\n"):
        f = lint(text, "LL303")
        assert positions(f) == [("LL303", 3, 5)], text
        assert "already runs as root" in f[0].message and "drop it" in f[0].message, text
