"""LL313 dist-upgrade: `dist-upgrade` / `zypper dup` in a RUN: the image depends on the build date."""
from ...helpers import lint, spans


def test_dist_upgrade_codes_and_positions():
    text = ("FROM debian:12\n"
            "RUN apt-get update && \\\n"
            "    apt-get dist-upgrade -y && zypper -n dup\n"
            "ONBUILD RUN <<EOF\napt full-upgrade -y\nEOF\n")
    f = lint(text, "LL313")
    assert spans(f) == [("LL313", 3, 13, 3, 25), ("LL313", 3, 42, 3, 45), ("LL313", 5, 5, 5, 17)]
    assert [x.hadolint for x in f] == [("DL3005",), ("DL3035",), ("DL3005",)]
    assert lint("FROM a:1\nRUN apt-get upgrade -y && dnf -y upgrade\n", "LL313") == []
