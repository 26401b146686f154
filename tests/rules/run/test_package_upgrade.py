"""LL314 package-upgrade: Upgrade of all packages in a RUN (opt-in): prefer a newer base image tag."""
from ...helpers import lint, positions, spans


def test_package_upgrade_is_opt_in():
    text = ("FROM alpine:3.20\n"
            "RUN apk upgrade --no-cache && apt-get upgrade -y && \\\n"
            "    yum -y update && dnf -y upgrade && dnf -y upgrade curl\n")
    f = lint(text, "LL314")
    assert spans(f) == [("LL314", 2, 9, 2, 16), ("LL314", 2, 39, 2, 46), ("LL314", 3, 12, 3, 18),
                        ("LL314", 3, 29, 3, 36)]
    assert [x.hadolint for x in f] == [("DL3017",), ("DL3005",), ("DL3031",), ("DL3039",)]
    assert lint(text) == [] or all(x.rule != "LL314" for x in lint(text))  # not in the default set
    assert positions(lint("FROM a:1\nONBUILD RUN apk upgrade\n", "LL314")) == [("LL314", 2, 17)]
