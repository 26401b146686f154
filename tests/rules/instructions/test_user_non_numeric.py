"""LL503 user-non-numeric: The final image's USER is a name, not a numeric uid (Kubernetes runAsNonRoot cannot verify it)."""
from ...helpers import lint, positions


def test_user_non_numeric():
    from layerlint.rules import find_rule
    assert not find_rule("LL503").enabled_by_default
    f = lint("FROM debian:12\nUSER app:app\n", "LL503")
    assert positions(f) == [("LL503", 2, 6)] and f[0].hadolint == ("DL3066",)
    assert lint("FROM debian:12\nUSER 10001\n", "LL503") == []
    assert lint("FROM debian:12\nUSER 10001:app\n", "LL503") == []
    assert lint("FROM debian:12\nUSER root\n", "LL503") == []
    assert lint("FROM debian:12\nARG U\nUSER $U\n", "LL503") == []
    # only the user the container starts as
    assert lint("FROM debian:12\nUSER app\nRUN id\nUSER 1000\n", "LL503") == []
    assert lint("FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nUSER ContainerUser\n", "LL503") == []
    assert lint('FROM myorg/base:1\nSHELL ["powershell", "-Command"]\nUSER ContainerUser\n', "LL503") == []
    f = lint("FROM debian:12\nARG U=app\nUSER ${U}\n", "LL503")
    assert positions(f) == [("LL503", 3, 6)] and "`app`" in f[0].message


def test_user_non_numeric_onbuild():
    # a parent stage's ONBUILD USER runs in the final stage built on it; the final stage's own does not
    f = lint("FROM debian:12 AS base\nONBUILD USER app\nFROM base\n", "LL503")
    assert positions(f) == [("LL503", 2, 14)]
    assert lint("FROM debian:12\nONBUILD USER app\n", "LL503") == []
