"""LL501 root-user: The last USER of the final stage is root."""
from ...helpers import lint, positions


def test_root_user_fires_on_last_user_of_final_stage():
    text = "FROM debian:12\nUSER app\nRUN id\nUSER root\nCMD [\"sh\"]\n"
    f = lint(text, "LL501")
    assert positions(f) == [("LL501", 4, 6)] and f[0].span.end_column == 10
    assert f[0].hadolint == ("DL3002",)
    for user in ("0", "root:root", "0:0", "  root"):
        assert len(lint(f"FROM debian:12\nUSER {user}\n", "LL501")) == 1, user


def test_root_user_through_variables_and_stage_chain():
    f = lint("FROM debian:12 AS base\nARG U=root\nUSER $U\nFROM base\nRUN id\n", "LL501")
    assert positions(f) == [("LL501", 3, 6)] and "(= root)" in f[0].message
    assert lint("FROM debian:12\nARG U\nUSER $U\n", "LL501") == []  # unknown: not guessed


def test_root_user_onbuild_trigger_of_parent_stage():
    text = "FROM debian:12 AS base\nUSER app\nONBUILD USER root\nFROM base\nRUN id\n"
    f = lint(text, "LL501")
    assert positions(f) == [("LL501", 3, 14)] and "ONBUILD" in f[0].message


def test_root_user_does_not_fire():
    assert lint("FROM debian:12\nUSER root\nRUN apt-get update\nUSER app\n", "LL501") == []
    # a build stage running as root is fine: only the final image is checked
    assert lint("FROM debian:12 AS build\nUSER root\nFROM debian:12\nUSER 10001\n", "LL501") == []
    assert lint("FROM debian:12\nUSER rooter\n", "LL501") == []
    assert lint("FROM debian:12\n", "LL501") == []  # implicit root is LL502
    # --target selects the stage that ships
    assert lint("FROM debian:12 AS a\nUSER app\nFROM a AS b\nUSER root\n", "LL501", target="a") == []


def test_root_user_own_onbuild_does_not_fire():
    # the final stage's own ONBUILD USER root only applies to images built on it
    assert positions(lint("FROM debian:12\nUSER root\n", "LL501")) == [("LL501", 2, 6)]
    assert lint("FROM debian:12\nONBUILD USER root\n", "LL501") == []
