"""LL315 os-package-unpinned: apt/apk/yum/dnf/zypper package installed without a version pin."""
from ...helpers import lint, positions, spans


def test_os_pin_one_finding_per_command_at_the_first_unpinned():
    text = ("FROM debian:12\n"
            "ARG EXTRA=\"git vim=2:9.0\"\n"
            "RUN apt-get install -y --no-install-recommends \\\n"
            "      ca-certificates=20230311 \\\n"
            "      -t bookworm-backports \\\n"
            "      curl \\\n"
            "      ./local.deb foo/bookworm-backports \\\n"
            "      $EXTRA $UNKNOWN\n")
    f = lint(text, "LL315")
    assert spans(f) == [("LL315", 6, 7, 6, 11)]
    assert "`curl`" in f[0].message and "`git (from $EXTRA)`" in f[0].message
    assert f[0].hadolint == ("DL3008",) and f[0].severity == "info"


def test_os_pin_every_package_manager():
    text = ("FROM alpine:3.20\n"
            "RUN apk add --no-cache --virtual .deps gcc curl=8.9.1-r0 './x.apk' 'musl>1.2' && apk add make\n"
            "RUN yum install -y httpd-2.4.6 gcc-c++ @development && dnf module install -y nodejs:20 php\n"
            "RUN zypper in -n vim=9 less && microdnf install -y jq\n")
    f = lint(text, "LL315")
    assert [(x.span.line, x.span.column, x.hadolint) for x in f] == [
        (2, 40, ("DL3018",)), (2, 90, ("DL3018",)), (3, 32, ("DL3033",)), (3, 88, ("DL3041",)),
        (4, 24, ("DL3037",)), (4, 52, ("DL3041",))]


def test_os_pin_heredoc_onbuild_and_no_fire():
    text = "FROM debian:12\nRUN <<EOF\napt-get install -y curl\nEOF\nONBUILD RUN apk add jq\n"
    assert positions(lint(text, "LL315")) == [("LL315", 3, 20), ("LL315", 5, 21)]
    ok = ("FROM debian:12\n"
          "RUN apt-get install -y curl=7.88.1-10 && apk add --no-cache x=1 && yum install -y y-1.0\n"
          "RUN apt-get install -y $PKGS && apt-get update && dnf group install -y 'Development Tools'\n")
    assert lint(ok, "LL315") == []
