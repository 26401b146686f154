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


def test_os_pin_packages_in_a_shell_variable_set_earlier_in_the_run():
    # the docker-library idiom: the list is a shell variable of the same RUN, reported at its use
    text = ("FROM debian:12\n"
            "RUN buildDeps='gcc make' \\\n"
            " && apt-get update && apt-get install -y --no-install-recommends $buildDeps \\\n"
            " && apt-get purge -y --auto-remove $buildDeps\n"
            "RUN set -eux; deps='curl'; deps=\"$deps git=1:2.39\"; export EXTRA=\"jq\"; \\\n"
            "    apk add --no-cache ${deps} \"$EXTRA\"\n")
    f = lint(text, "LL315")
    assert spans(f) == [("LL315", 3, 66, 3, 76), ("LL315", 6, 24, 6, 31)]
    assert "`gcc (from $buildDeps)`, `make (from $buildDeps)`" in f[0].message
    assert "`curl (from ${deps})`, `jq (from \"$EXTRA\")`" in f[1].message


def test_os_pin_shell_variable_shadows_the_dockerfile_value():
    # the script's own value wins over ENV; a prefix assignment is not seen by its own command's words
    text = ("FROM debian:12\n"
            "ENV PKGS=curl=7.88.1-10\n"
            "RUN PKGS=git; apt-get install -y $PKGS\n"
            "RUN PKGS=git apt-get install -y $PKGS\n"
            "ENV PKGS=curl\n"
            "RUN PKGS=git=1 apt-get install -y $PKGS\n")
    f = lint(text, "LL315")
    assert spans(f) == [("LL315", 3, 34, 3, 39), ("LL315", 6, 35, 6, 40)]
    assert "`git (from $PKGS)`" in f[0].message and "`curl (from $PKGS)`" in f[1].message


def test_os_pin_shell_variable_not_followed_where_its_value_is_not_certain():
    text = ("FROM debian:12\n"
            "ENV PKGS=curl\n"
            "RUN [ -n \"$X\" ] && PKGS=git; apt-get install -y $PKGS\n"  # only when the test passes
            "RUN true || PKGS=git; apt-get install -y $PKGS\n"
            "RUN if [ -n \"$X\" ]; then PKGS=git; fi; apt-get install -y $PKGS\n"
            "RUN for p in a b; do PKGS=$p; done; apt-get install -y $PKGS\n"
            "RUN add() { PKGS=git; }; PKGS=vim; add; apt-get install -y $PKGS\n"  # a function may reset it
            "RUN PKGS=$(cat /pkgs); apt-get install -y $PKGS\n"
            "RUN read PKGS < /pkgs; apt-get install -y $PKGS\n"
            "RUN PKGS=git; . /etc/os-release; apt-get install -y $PKGS\n"
            # not followed into another shell (a subshell, a job, sh -c '...' that sees what the
            # outer one exported): quiet rather than a guess
            "RUN (PKGS=git); apt-get install -y $PKGS\n"
            "RUN PKGS=git & apt-get install -y $PKGS\n"
            "RUN PKGS=git; sh -c 'apt-get install -y $PKGS'\n")
    assert lint(text, "LL315") == []


def test_os_pin_shell_variable_in_sh_c_and_heredoc():
    # sh -c "..." is expanded by the outer shell; a lone heredoc is the script itself
    text = ("FROM debian:12\n"
            "RUN PKGS=git; sh -c \"apt-get install -y $PKGS\"\n"
            "RUN <<EOF\n"
            "PKGS='git vim'\n"
            "apt-get install -y $PKGS\n"
            "EOF\n"
            "RUN bash <<EOF\n"
            "PKGS=git\n"
            "apt-get install -y $PKGS\n"  # the feeding shell expands $PKGS before bash runs: unknown
            "EOF\n")
    f = lint(text, "LL315")
    assert spans(f) == [("LL315", 2, 41, 2, 46), ("LL315", 5, 20, 5, 25)]


def test_os_pin_backquoted_comment_hides_nothing_after_it():
    # `# note` comments to its closing backquote only (it used to hide the rest of the RUN)
    text = ("FROM debian:12\n"
            "RUN apt-get install -y curl=7.88.1-10 `# pinned for CVE-2023-1` \\\n"
            "      libxslt1-dev `# needed by lxml` \\\n"
            " && apt-get install -y wget\n")
    f = lint(text, "LL315")
    assert spans(f) == [("LL315", 3, 7, 3, 19), ("LL315", 4, 24, 4, 28)]
    assert "`libxslt1-dev`;" in f[0].message


def test_os_pin_shell_variable_appends_and_declarations():
    text = ("FROM debian:12\n"
            "RUN P=curl; P+=\" git\"; apt-get install -y $P\n"
            "RUN R=$(cat /x); R+=\" y\"; apt-get install -y $R\n"          # appended to the unknown
            "RUN declare -a A=(vim); declare -x B=jq; apt-get install -y $A $B\n")  # an array: unknown
    f = lint(text, "LL315")
    assert spans(f) == [("LL315", 2, 43, 2, 45), ("LL315", 4, 64, 4, 66)]
    assert "`curl (from $P)`, `git (from $P)`" in f[0].message and "`jq (from $B)`;" in f[1].message
