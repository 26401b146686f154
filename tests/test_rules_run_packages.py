"""Package-manager rules (LL310-LL317): apt/apk/yum/dnf/zypper flags, pins and caches,
pip/npm/gem/go pins, with exact positions, fixes, heredocs, ONBUILD and multi-stage files."""
from layerlint.engine.settings import Settings
from layerlint.engine.fixer import fix_bytes

from .helpers import lint, positions


def spans(findings):
    return [(f.rule, f.span.line, f.span.column, f.span.end_line, f.span.end_column) for f in findings]


def fixed(text, *codes):
    return fix_bytes(text.encode(), "Dockerfile", Settings(select=list(codes))).fixed.decode()


# -- LL310 apt-instead-of-apt-get -------------------------------------------------------------------
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


# -- LL311 install-without-yes ----------------------------------------------------------------------
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


# -- LL312 apt-install-recommends ---------------------------------------------------------------------
def test_recommends_fires_with_fix_after_install():
    text = ("FROM debian:12\n"
            "RUN apt-get update && \\\n"
            "    apt-get install -y \\\n"
            "      python3\n")
    f = lint(text, "LL312")
    assert spans(f) == [("LL312", 3, 13, 3, 20)]
    assert f[0].hadolint == ("DL3015",) and f[0].severity == "info"
    assert "apt-get install --no-install-recommends -y \\" in fixed(text, "LL312")


def test_recommends_heredoc_onbuild_and_apt_conf():
    text = ("FROM debian:12 AS a\n"
            "RUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/00norec\n"
            "FROM a\n"
            "RUN apt-get install -y x\n"          # configured off in the parent stage
            "FROM debian:12\n"
            "RUN <<EOF\napt-get install -y y\nEOF\n"
            "ONBUILD RUN apt install -y z\n")
    assert positions(lint(text, "LL312")) == [("LL312", 7, 9), ("LL312", 9, 17)]


def test_recommends_does_not_fire():
    text = ("FROM debian:12\n"
            "RUN apt-get install -y --no-install-recommends a && apt-get -o APT::Install-Recommends=false install -y b\n"
            "RUN apt-get install -y --install-recommends=no c && apt-get update && apt-get remove -y d\n")
    assert lint(text, "LL312") == []


# -- LL313 dist-upgrade / LL314 package-upgrade ---------------------------------------------------------
def test_dist_upgrade_codes_and_positions():
    text = ("FROM debian:12\n"
            "RUN apt-get update && \\\n"
            "    apt-get dist-upgrade -y && zypper -n dup\n"
            "ONBUILD RUN <<EOF\napt full-upgrade -y\nEOF\n")
    f = lint(text, "LL313")
    assert spans(f) == [("LL313", 3, 13, 3, 25), ("LL313", 3, 42, 3, 45), ("LL313", 5, 5, 5, 17)]
    assert [x.hadolint for x in f] == [("DL3005",), ("DL3035",), ("DL3005",)]
    assert lint("FROM a:1\nRUN apt-get upgrade -y && dnf -y upgrade\n", "LL313") == []


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


# -- LL315 os-package-unpinned ----------------------------------------------------------------------
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


# -- LL316 language-package-unpinned ------------------------------------------------------------------
def test_language_pins_all_ecosystems():
    text = ("FROM python:3.12\n"
            "RUN pip install --no-cache-dir \\\n"
            "      'flask>=3' \\\n"
            "      gunicorn \\\n"
            "      -r requirements.txt\n"
            "RUN npm install -g npm@latest @scope/pkg@1.2.3 && gem install rails -N && "
            "go install example.com/tool/cmd/x@latest\n")
    f = lint(text, "LL316")
    assert spans(f) == [("LL316", 4, 7, 4, 15), ("LL316", 6, 20, 6, 30), ("LL316", 6, 63, 6, 68),
                        ("LL316", 6, 86, 6, 115)]
    assert [x.hadolint for x in f] == [("DL3013",), ("DL3016",), ("DL3028",), ("DL3062",)]
    assert "floating" in f[1].message and "floating" in f[3].message


def test_language_pins_wrappers_heredoc_onbuild():
    text = ("FROM python:3.12\n"
            "RUN <<EOF\npython3 -m pip install requests\nEOF\n"
            "ONBUILD RUN uv pip install httpx && pipx install black\n")
    f = lint(text, "LL316")
    assert positions(f) == [("LL316", 3, 24), ("LL316", 5, 28), ("LL316", 5, 50)]


def test_language_pins_do_not_fire():
    text = ("FROM python:3.12\n"
            "RUN pip install -r requirements.txt . ./pkg x.whl 'a==1' 'b~=2.0' git+https://g/x.git@v1 "
            "'name @ https://x/y.zip' && pip install -c constraints.txt flask\n"
            "RUN npm install && npm ci && npm install express@4.19.2 ./local x.tgz user/repo#v1\n"
            "RUN gem install bundler -v 2.5.0 && gem install rake:13.0 ./x.gem\n"
            "RUN go install ./cmd/... && go install golang.org/x/tools/cmd/stringer@v0.20.0 && go run gen.go\n"
            "RUN pip install $PKG\n")
    assert lint(text, "LL316") == []


# -- LL317 package-cache-in-layer ---------------------------------------------------------------------
def test_apt_lists_left_in_the_layer():
    text = ("FROM debian:12\n"
            "RUN apt-get update && \\\n"
            "    apt-get install -y --no-install-recommends curl && \\\n"
            "    apt-get clean\n")
    f = lint(text, "LL317")
    assert spans(f) == [("LL317", 2, 13, 2, 19)]
    assert f[0].hadolint == ("DL3009",) and "`apt-get clean` empties /var/cache/apt, not the lists" in f[0].message


def test_apt_lists_cleaned_mounted_or_in_a_build_stage():
    text = ("FROM debian:12 AS build\n"
            "RUN apt-get update && apt-get install -y gcc\n"     # build stage: not shipped
            "FROM debian:12\n"
            "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
            "RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get update\n"
            "RUN apt-get update && apt-get install -y x && rm -rf /var/lib/{apt,dpkg}/\n"
            "RUN apt-get update && find /var/lib/apt/lists -type f -delete\n"
            "RUN apt-get update && apt-get dist-clean\n"
            "COPY --from=build /a /a\n")
    assert lint(text, "LL317") == []


def test_cleanup_in_a_later_layer_is_named():
    text = "FROM debian:12\nRUN apt-get update && apt-get install -y x\nRUN rm -rf /var/lib/apt/lists/*\n"
    f = lint(text, "LL317")
    assert positions(f) == [("LL317", 2, 13)] and "line 3 runs in a later layer" in f[0].message


def test_final_stage_built_from_a_parent_stage_counts():
    text = "FROM debian:12 AS base\nRUN apt-get update\nFROM base\nRUN true\n"
    assert positions(lint(text, "LL317")) == [("LL317", 2, 13)]


def test_pip_cache_env_arg_and_mounts():
    text = ("FROM python:3.12\n"
            "RUN pip install -r requirements.txt\n"
            "RUN PIP_NO_CACHE_DIR=off pip install a\n"          # any value disables pip's cache
            "RUN export PIP_NO_CACHE_DIR=1 && pip install b\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install c\n"
            "RUN pip install --no-deps . && pip install --no-index --find-links /wheels d\n"
            "RUN pip install e && rm -rf /root/.cache\n"
            "ARG PIP_NO_CACHE_DIR=1\n"
            "RUN pip install f\n")
    f = lint(text, "LL317")
    assert spans(f) == [("LL317", 2, 9, 2, 16)]
    assert f[0].hadolint == ("DL3042",)
    assert "pip install --no-cache-dir -r requirements.txt" in fixed(text, "LL317")


def test_pip_cache_for_a_non_root_user_and_home():
    text = "FROM python:3.12\nUSER app\nRUN --mount=type=cache,target=/home/app/.cache/pip pip install x\n"
    assert lint(text, "LL317") == []
    text = "FROM python:3.12\nUSER app\nRUN pip install y\n"
    assert positions(lint(text, "LL317")) == [("LL317", 3, 9)]


def test_apk_yum_dnf_zypper_yarn_npm_and_uv():
    text = ("FROM alpine:3.20\n"
            "RUN apk add curl && apk update && apk add --no-cache git\n"
            "RUN yum install -y a\n"
            "RUN dnf install -y b\n"
            "RUN zypper -n in c && yarn install && npm ci && uv pip install d\n"
            "RUN apk update && apk add --no-cache e\n")
    f = lint(text, "LL317")
    assert [(x.span.line, x.span.column, x.hadolint) for x in f] == [
        (2, 9, ("DL3019",)), (3, 9, ("DL3032",)), (4, 9, ("DL3040",)), (5, 15, ("DL3036",)),
        (5, 28, ("DL3060",)), (5, 43, ()), (5, 56, ()), (6, 9, ("DL3019",))]
    out = fixed(text, "LL317")
    assert "apk add --no-cache curl" in out and "uv pip install --no-cache d" in out
    assert "drop `apk update`" in f[-1].message


def test_package_caches_cleaned_or_mounted():
    text = ("FROM alpine:3.20\n"
            "RUN --mount=type=cache,target=/var/cache/apk apk add curl && apk add --no-cache git\n"
            "RUN yum install -y a && yum clean all && dnf install -y b && rm -rf /var/cache/dnf\n"
            "RUN zypper -n in c && zypper clean -a && yarn install && yarn cache clean\n"
            "RUN npm ci && npm cache clean --force && uv sync --no-cache\n"
            "RUN --mount=type=cache,target=/root/.npm npm install\n")
    assert lint(text, "LL317") == []


def test_cache_heredoc_and_onbuild():
    text = ("FROM python:3.12\n"
            "RUN <<EOF\nset -e\napt-get update\napt-get install -y x\nEOF\n"
            "ONBUILD RUN pip install -r requirements.txt\n")
    f = lint(text, "LL317")
    assert positions(f) == [("LL317", 4, 9), ("LL317", 7, 17)]
