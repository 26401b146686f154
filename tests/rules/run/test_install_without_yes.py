"""LL311 install-without-yes: Package manager without `-y` (or `-n`) will abort at its confirmation prompt."""
from ...helpers import fixed, lint, positions, spans


def test_sh_c_scripts_that_do_not_map_one_to_one_are_left_alone():
    # escapes inside the quotes would shift every position, and `-c` may be missing
    for run in ('bash -c "apt-get install \\"curl\\""', "bash script.sh 'apt-get install curl'",
                "echo sh -c 'apt-get install curl'", "bash -c", "sh -o pipefail"):
        assert lint(f"FROM debian:12\nRUN {run}\n", "LL311") == [], run


def test_missing_yes_on_line_4_of_a_continued_run():
    text = ("FROM debian:12\n"
            "RUN set -eux; \\\n"
            "    apt-get update; \\\n"
            "    apt-get install \\\n"
            "        --no-install-recommends \\\n"
            "        curl\n")
    f = lint(text, "LL311")
    assert spans(f) == [("LL311", 4, 13, 4, 20)]
    assert f[0].hadolint == ("DL3014",) and "`-y`" in f[0].message
    assert fixed(text, "LL311").split("\n")[3] == "    apt-get install -y \\"


def test_missing_yes_all_package_managers_with_codes():
    text = ("FROM fedora:40\n"
            "RUN yum install x && dnf upgrade && zypper in y && zypper remove z && microdnf install w\n")
    f = lint(text, "LL311")
    assert [(x.span.column, x.hadolint) for x in f] == [(9, ("DL3030",)), (26, ("DL3038",)),
                                                       (44, ("DL3034",)), (59, ("DL3034",))]
    out = fixed(text, "LL311")
    assert "yum install -y x" in out and "dnf upgrade -y" in out and "zypper -n in y" in out
    assert "microdnf install w" in out  # microdnf never asks


def test_missing_yes_heredoc_onbuild_and_multistage():
    text = ("FROM debian:12 AS build\n"
            "RUN <<EOF\nset -e\napt-get remove x\nEOF\n"
            "FROM build\n"
            "ONBUILD RUN apt-get purge y\n")
    assert positions(lint(text, "LL311")) == [("LL311", 4, 9), ("LL311", 7, 21)]
    assert positions(lint("FROM a:1\nRUN xargs apt-get install < /pkgs\n", "LL311")) == [("LL311", 2, 19)]


def test_missing_yes_does_not_fire():
    text = ("FROM debian:12\n"
            "ARG APT_OPTS\n"
            "RUN apt-get install -y a && apt-get -qq install b && apt-get install -q=2 c\n"
            "RUN apt-get --yes install d && apt-get install --assume-yes e && yes | apt-get install f\n"
            "RUN apt-get -o APT::Get::Assume-Yes=true install g && apt-get install $APT_OPTS h\n"
            "RUN dnf -y install i && yum install --assumeyes j && zypper --non-interactive install k\n"
            "RUN dnf --setopt=assumeyes=True install l && zypper install --no-confirm m\n"
            "RUN apt-get update && apt-get purge && apt-get clean\n")  # nothing that asks
    assert lint(text, "LL311") == []
