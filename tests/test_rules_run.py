"""RUN shell rules (LL301-LL309, LL318, LL319): what the commands of a RUN do.

Every rule: fires / does not fire, with exact line and column, in a continued RUN, a
heredoc, an ONBUILD trigger and a multi-stage file.
"""
from layerlint.engine.settings import Settings
from layerlint.engine.fixer import fix_bytes

from .helpers import lint, positions


def spans(findings):
    return [(f.rule, f.span.line, f.span.column, f.span.end_line, f.span.end_column) for f in findings]


def fixed(text, *codes):
    return fix_bytes(text.encode(), "Dockerfile", Settings(select=list(codes))).fixed.decode()


# -- LL301 pointless-command ---------------------------------------------------------------------
def test_pointless_command_fires_at_the_command_word():
    text = ("FROM debian:12\n"
            "RUN apt-get update && \\\n"
            "    service nginx start && \\\n"
            "    ps aux\n")
    f = lint(text, "LL301")
    assert spans(f) == [("LL301", 3, 5, 3, 12), ("LL301", 4, 5, 4, 7)]
    assert f[0].hadolint == ("DL3001",) and "`service`" in f[0].message
    assert "build log" in f[1].message


def test_pointless_command_heredoc_onbuild_and_wrappers():
    text = "FROM debian:12\nRUN <<EOF\nset -e\nvim /etc/x\nEOF\nONBUILD RUN sudo shutdown -h now\n"
    assert positions(lint(text, "LL301")) == [("LL301", 4, 1), ("LL301", 6, 18)]


def test_pointless_command_does_not_fire():
    text = ("FROM debian:12\n"
            "RUN apt-get install -y vim procps openssh-client\n"   # package names are data
            "RUN echo 'ps aux' > /x && grep kill /etc/x\n"         # quoted / arguments
            "RUN systemctl enable nginx && systemctl mask getty@tty1\n"  # only edits unit symlinks
            "RUN if ! command -v ps; then true; fi\n"              # looks the name up
            "RUN server & sleep 1; kill %1\n"                     # kills what it started
            "RUN --mount=type=ssh ssh -T git@github.com || true\n"
            "RUN [\"ps\", \"aux\"]\n")                             # exec form: not shell
    assert lint(text, "LL301") == []


# -- LL302 cd-instead-of-workdir ---------------------------------------------------------------
def test_cd_fires_once_per_script_at_the_first_cd():
    text = ("FROM node:22-slim\n"
            "RUN npm --version && \\\n"
            "    cd /app && npm ci && cd /srv\n")
    f = lint(text, "LL302")
    assert spans(f) == [("LL302", 3, 5, 3, 7)]
    assert "WORKDIR /app" in f[0].message and f[0].hadolint == ("DL3003",)


def test_cd_as_last_command_has_no_effect():
    f = lint("FROM alpine:3.20\nRUN mkdir /x && cd /x\n", "LL302")
    assert positions(f) == [("LL302", 2, 17)] and "no effect" in f[0].message


def test_cd_heredoc_and_onbuild():
    text = "FROM alpine:3.20\nRUN <<EOF\ncd /src\nmake\nEOF\nONBUILD RUN cd /app && make\n"
    assert positions(lint(text, "LL302")) == [("LL302", 3, 1), ("LL302", 6, 13)]


def test_cd_does_not_fire_in_subshells_or_substitutions():
    text = ("FROM alpine:3.20\n"
            "RUN (cd /src && make) && x=$(cd /a && pwd) && echo cd\n"
            "WORKDIR /src\n"
            "RUN make\n")
    assert lint(text, "LL302") == []


# -- LL303 sudo-in-run ------------------------------------------------------------------------------
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


# -- LL304 missing-pipefail ---------------------------------------------------------------------
def test_pipefail_points_at_the_pipe_and_names_the_hidden_command():
    text = ("FROM debian:12\n"
            "RUN apt-get update && \\\n"
            "    curl -fsSL https://example.com/x.tgz \\\n"
            "      | tar -xz -C /opt && \\\n"
            "    wget -qO- https://example.com/y | sh\n")
    f = lint(text, "LL304")
    assert spans(f) == [("LL304", 4, 7, 4, 8)]
    assert "`curl`" in f[0].message and "`tar`" in f[0].message
    assert "1 more unprotected pipe" in f[0].message and f[0].hadolint == ("DL4006",)
    assert 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]' in f[0].message


def test_pipefail_respected_from_shell_set_and_parent_stage():
    text = ("FROM debian:12 AS base\n"
            'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
            "RUN curl -fsSL https://x | sh\n"
            "FROM base\n"
            "RUN curl -fsSL https://x | sh\n"               # SHELL inherited through FROM base
            "FROM alpine:3.20\n"
            "RUN set -euo pipefail && wget -qO- https://x | sh\n"
            'SHELL ["/bin/ash", "-eo", "pipefail", "-c"]\n'
            "RUN wget -qO- https://x | sh\n"
            "RUN echo 'deb http://x' | tee /etc/apt/sources.list && printf 'a' | sha256sum -c -\n"
            "RUN echo 'a | b' > /x\n")                      # quoted: no pipe
    assert lint(text, "LL304") == []


def test_pipefail_heredocs():
    text = ("FROM debian:12\n"
            "RUN <<EOF\n"
            "set -e\n"
            "curl -fsSL https://x |\n"
            "  sh\n"
            "EOF\n"
            "RUN <<EOF\n"
            "set -eo pipefail\n"
            "curl -fsSL https://x | sh\n"
            "EOF\n"
            "RUN bash -o pipefail <<EOF\n"
            "curl https://x | sh\n"
            "EOF\n"
            "RUN <<EOF\n"
            "#!/bin/bash\n"
            "curl https://x | sh\n"
            "EOF\n")
    f = lint(text, "LL304")
    assert spans(f) == [("LL304", 4, 22, 4, 23), ("LL304", 16, 16, 16, 17)]
    assert "set -o pipefail" in f[0].message


def test_pipefail_onbuild_and_default_shell_stage_reset():
    text = ("FROM debian:12\n"
            'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
            "FROM debian:12\n"
            "ONBUILD RUN curl https://x | sh\n")
    assert positions(lint(text, "LL304")) == [("LL304", 4, 28)]
    text = 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["pwsh", "-c"]\nRUN a | b\n'
    assert lint(text, "LL304") == []


# -- LL305 ln-bin-sh --------------------------------------------------------------------------------
def test_ln_bin_sh_points_at_the_link_name():
    text = ("FROM debian:12\n"
            "RUN apt-get install -y bash && \\\n"
            "    ln -sf /bin/bash /bin/sh\n"
            "RUN ln -sft /bin bash sh\n"
            "ONBUILD RUN <<EOF\nln -sf /bin/dash /usr/bin/sh\nEOF\n")
    f = lint(text, "LL305")
    assert spans(f) == [("LL305", 3, 22, 3, 29), ("LL305", 4, 13, 4, 17), ("LL305", 6, 18, 6, 29)]
    assert "SHELL" in f[0].message and f[0].hadolint == ("DL4005",)


def test_ln_to_bin_sh_as_source_does_not_fire():
    text = "FROM debian:12\nRUN ln -s /bin/sh /usr/local/bin/sh && ln -s /bin/bash /bin/bash5\n"
    assert lint(text, "LL305") == []


# -- LL306 useradd-without-l ------------------------------------------------------------------------
def test_useradd_large_uid_fires_at_the_uid_with_fix():
    text = ("FROM debian:12\n"
            "ARG BIG=123456789\n"
            "RUN groupadd -g 1000 app && \\\n"
            "    useradd --uid 123456 -g app app && \\\n"
            "    useradd -u $BIG other\n")
    f = lint(text, "LL306")
    assert spans(f) == [("LL306", 4, 19, 4, 25), ("LL306", 5, 16, 5, 20)]
    assert "123456789" in f[1].message and f[0].hadolint == ("DL3046",)
    assert "useradd -l --uid 123456" in fixed(text, "LL306")


def test_useradd_does_not_fire():
    text = ("FROM debian:12\n"
            "RUN useradd -u 99999 a && useradd -l -u 123456 b && useradd --no-log-init --uid=1234567 c\n"
            "RUN useradd -u $UNKNOWN d && useradd e\n")
    assert lint(text, "LL306") == []
    assert positions(lint("FROM a:1\nONBUILD RUN useradd -u 1234567 x\n", "LL306")) == [("LL306", 2, 24)]
    assert positions(lint("FROM a:1\nRUN <<EOF\nuseradd -u 1234567 x\nEOF\n", "LL306")) == [("LL306", 3, 12)]


# -- LL307 dockerfile-keyword-in-run ------------------------------------------------------------------
def test_keyword_in_run_fires_on_each_instruction_word():
    text = ("FROM debian:12\n"
            "RUN apt-get update && RUN apt-get install -y curl\n"
            "RUN make && \\\n"
            "    COPY build /out\n")
    f = lint(text, "LL307")
    assert spans(f) == [("LL307", 2, 23, 2, 26), ("LL307", 4, 5, 4, 9)]
    assert f[0].severity == "error" and "exit 127" in f[0].message and "own `COPY` instruction" in f[1].message


def test_keyword_in_run_heredoc_onbuild_and_non_commands():
    text = "FROM a:1\nRUN <<EOF\nENV X=1\nEOF\nONBUILD RUN x || USER app\n"
    assert positions(lint(text, "LL307")) == [("LL307", 3, 1), ("LL307", 5, 18)]
    ok = "FROM a:1\nRUN echo RUN COPY && env X=1 true && 'RUN' && run-parts /etc\n"
    assert lint(ok, "LL307") == []


# -- LL308 heredoc-without-errexit ----------------------------------------------------------------
def test_heredoc_without_set_e_fires_at_the_first_command_and_fixes():
    text = ("# syntax=docker/dockerfile:1\n"
            "FROM debian:12\n"
            "RUN <<EOF\n"
            "apt-get update\n"
            "apt-get install -y curl && \\\n"
            "  rm -rf /var/lib/apt/lists/*\n"
            "EOF\n")
    f = lint(text, "LL308")
    assert spans(f) == [("LL308", 4, 1, 4, 8)]
    assert "2 commands" in f[0].message and "`apt-get update`" in f[0].message
    assert fixed(text, "LL308").split("\n")[3] == "set -e"


def test_heredoc_with_shebang_onbuild_and_fed_shell():
    text = ("FROM debian:12\n"
            "RUN <<EOF\n#!/bin/bash\na\nb\nEOF\n"
            "ONBUILD RUN bash <<EOF\na\nb\nEOF\n")
    f = lint(text, "LL308")
    assert positions(f) == [("LL308", 4, 1), ("LL308", 8, 1)]
    assert fixed("FROM debian:12\nRUN <<EOF\n#!/bin/bash\na\nb\nEOF\n", "LL308") == \
        "FROM debian:12\nRUN <<EOF\n#!/bin/bash\nset -e\na\nb\nEOF\n"


def test_heredoc_errexit_does_not_fire():
    text = ("FROM debian:12\n"
            "RUN <<EOF\nset -eux\na\nb\nEOF\n"
            "RUN <<EOF\na && \\\nb && c\nEOF\n"              # one && chain
            "RUN <<EOF\n#!/bin/sh -e\na\nb\nEOF\n"
            "RUN bash -ex <<EOF\na\nb\nEOF\n"
            "RUN python3 <<EOF\nimport os\nprint(1)\nEOF\n"   # not shell
            "RUN <<EOF\nif a; then b; fi\nEOF\n"             # the condition is checked
            "RUN a; b\n")                                    # not a heredoc
    assert lint(text, "LL308") == []
    assert lint('FROM a:1\nSHELL ["/bin/sh", "-ec"]\nRUN <<EOF\na\nb\nEOF\n', "LL308") == []


# -- LL309 consecutive-run ------------------------------------------------------------------------
def test_consecutive_single_command_runs():
    text = ("FROM debian:12\n"
            "RUN mkdir -p /app\n"
            "# ownership\n"
            "RUN chown 1000 /app\n"
            "RUN chmod 755 /app\n"
            "RUN a && b\n"
            "RUN c\n")
    f = lint(text, "LL309")
    assert spans(f) == [("LL309", 4, 1, 4, 4), ("LL309", 5, 1, 5, 4)]
    assert "line 2" in f[0].message and f[0].hadolint == ("DL3059",) and f[0].severity == "info"


def test_consecutive_run_does_not_fire():
    text = ("FROM debian:12 AS a\n"
            "RUN a\n"
            "FROM a\n"                                     # another stage
            "RUN b\n"
            "WORKDIR /x\n"
            "RUN c\n"
            "RUN --network=none d\n"                       # different flags
            "RUN <<EOF\ne\nEOF\n"                          # heredoc script
            "RUN f\n"
            "ONBUILD RUN g\n"
            "RUN h\n"
            "RUN \\\n  i && \\\n  j\n")                     # a chain
    assert lint(text, "LL309") == []


# -- LL318 wget-without-progress -------------------------------------------------------------------
def test_wget_without_progress():
    text = ("FROM debian:12\n"
            "RUN wget -q https://x/a && \\\n"
            "    wget -O /tmp/b https://x/b && \\\n"
            "    wget -nv https://x/c && wget --progress=dot:giga https://x/d && wget -qO- https://x/e\n"
            "ONBUILD RUN wget https://x/f\n"
            "RUN <<EOF\nwget -o /log https://x/g\nwget https://x/h\nEOF\n")
    f = lint(text, "LL318")
    assert spans(f) == [("LL318", 3, 5, 3, 9), ("LL318", 5, 13, 5, 17), ("LL318", 8, 1, 8, 5)]
    assert f[0].hadolint == ("DL3047",)
    assert lint("FROM a:1\nRUN wget $WGET_OPTS https://x\n", "LL318") == []


# -- LL319 curl-and-wget ---------------------------------------------------------------------------
def test_curl_and_wget_flags_the_less_used_tool():
    text = ("FROM debian:12 AS build\n"
            "RUN curl -fsSLo /a https://x/a && \\\n"
            "    curl -fsSLo /b https://x/b\n"
            "RUN wget -q https://x/c\n"
            "FROM debian:12\n"
            "RUN wget -q https://x/d\n"       # another stage: only wget there
            "FROM debian:12\n"
            "RUN curl -fsS https://x && wget -q https://y\n")  # a tie: the later tool
    f = lint(text, "LL319")
    assert spans(f) == [("LL319", 4, 5, 4, 9), ("LL319", 8, 28, 8, 32)]
    assert "lines 2, 3" in f[0].message and f[0].hadolint == ("DL4001",)


def test_curl_and_wget_heredoc_and_no_fire():
    text = "FROM debian:12\nRUN <<EOF\ncurl -fsS https://x\nwget -q https://y\nwget -q https://z\nEOF\n"
    assert positions(lint(text, "LL319")) == [("LL319", 3, 1)]
    assert lint("FROM a:1\nRUN apt-get install -y curl wget && curl -fsS https://x\n", "LL319") == []


# -- inline scripts: sh -c '...' ----------------------------------------------------------------
def test_rules_see_into_sh_c_scripts_at_exact_positions():
    text = ("FROM debian:12\n"
            "RUN bash -c \"apt-get update && apt-get install curl\"\n"
            "RUN sudo -u app sh -ec 'pip install flask' && \\\n"
            "    find . -name '*.url' -exec sh -c 'wget -i {}' \\;\n")
    f = lint(text, "LL311", "LL316", "LL318")
    assert positions(f) == [("LL311", 2, 40), ("LL316", 3, 37), ("LL318", 4, 39)]


def test_sh_c_in_a_heredoc_and_nested_sh_c():
    text = ("FROM debian:12\n"
            "RUN <<EOF\n"
            "set -e\n"
            "sh -c 'bash -c \"apt-get install -y curl\"'\n"
            "EOF\n")
    assert positions(lint(text, "LL312")) == [("LL312", 4, 25)]


def test_sh_c_fix_edits_inside_the_quotes():
    text = "FROM debian:12\nRUN sh -c 'apt-get install -y curl'\n"
    assert fixed(text, "LL312") == "FROM debian:12\nRUN sh -c 'apt-get install --no-install-recommends -y curl'\n"


def test_sh_c_scripts_that_do_not_map_one_to_one_are_left_alone():
    # escapes inside the quotes would shift every position, and `-c` may be missing
    for run in ('bash -c "apt-get install \\"curl\\""', "bash script.sh 'apt-get install curl'",
                "echo sh -c 'apt-get install curl'", "bash -c", "sh -o pipefail"):
        assert lint(f"FROM debian:12\nRUN {run}\n", "LL311") == [], run


def test_sh_c_inherits_the_directory_and_its_cd_stays_inside():
    # LL320-style path effects follow cd: the inline script starts in /tmp, its cd does not leak
    text = ("FROM debian:12\n"
            "WORKDIR /app\n"
            "RUN cd /tmp && sh -c 'cd /srv && echo' && rm -rf ./x\n")
    from layerlint.rules.context import Context
    from layerlint.graph import build_graph
    from layerlint.rules.shell_commands import located_calls
    from layerlint.syntax import parse_bytes
    df = parse_bytes(text.encode())
    ctx = Context(df, build_graph(df), "Dockerfile")
    instr = df.instructions[-1]
    cwds = [(lc.call.prog, lc.cwd) for lc in located_calls(ctx, instr)]
    assert cwds == [("cd", "/app"), ("sh", "/tmp"), ("cd", "/tmp"), ("echo", "/srv"), ("rm", "/tmp")]


def test_cd_in_sh_c_is_not_a_workdir_candidate():
    text = "FROM debian:12\nRUN find /src -type d -exec sh -c 'cd {} && make' \\;\n"
    assert lint(text, "LL302") == []


def test_install_inside_sh_c_after_copy_all_busts_the_cache():
    text = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN sh -c 'pip install -r requirements.txt'\n"
    assert positions(lint(text, "LL201")) == [("LL201", 3, 6)]
