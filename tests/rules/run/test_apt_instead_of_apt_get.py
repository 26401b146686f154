"""LL310 apt-instead-of-apt-get: `apt` in a RUN; use `apt-get` (or `apt-cache`), whose interface is stable."""
from ...helpers import fixed, lint, positions, spans


def test_apt_fires_with_fix():
    text = ("FROM debian:12\n"
            "RUN apt update && \\\n"
            "    apt full-upgrade -y && apt show curl && apt list --installed\n")
    f = lint(text, "LL310")
    assert spans(f) == [("LL310", 2, 5, 2, 8), ("LL310", 3, 5, 3, 8), ("LL310", 3, 28, 3, 31),
                        ("LL310", 3, 45, 3, 48)]
    assert f[0].hadolint == ("DL3027",) and "apt-cache" in f[2].message
    assert f[3].fix is None  # `apt list` has no drop-in replacement
    out = fixed(text, "LL310")
    assert "apt-get update" in out and "apt-get dist-upgrade -y" in out and "apt-cache show curl" in out


def test_apt_heredoc_onbuild_and_no_fire():
    text = "FROM debian:12\nRUN <<EOF\napt install -y x\nEOF\nONBUILD RUN /usr/bin/apt remove -y y\n"
    assert positions(lint(text, "LL310")) == [("LL310", 3, 1), ("LL310", 5, 13)]
    assert lint("FROM debian:12\nRUN apt-get update && apt-cache policy x && apt-mark hold x && echo apt\n",
                "LL310") == []
