"""Tests for layerlint.shell, the own POSIX/bash command parser."""

from __future__ import annotations

import random

import pytest

from layerlint.shell.parser import Script, SimpleCommand, Word, iter_commands, parse


# -- helpers -------------------------------------------------------------------------------


def words_of(cmd: SimpleCommand) -> list[Word]:
    out = list(cmd.assignments) + list(cmd.words)
    out += [w for _, w in cmd.redirects if w is not None]
    return out


def check_invariants(src: str, script: Script) -> None:
    """Offsets are exact and structural fields are consistent."""
    prev = -1
    for c in script.commands:
        assert c.start >= prev, "commands are in source order"
        prev = c.start
        assert 0 <= c.pipe_position < c.pipe_length
        assert c.start <= c.end <= len(src)
        for w in words_of(c):
            assert src[w.start:w.end] == w.raw
            assert w.start < w.end
            assert c.start <= w.start and w.end <= c.end
    assert not any("internal" in e for e in script.errors), script.errors


def ok(src: str) -> Script:
    """Parse input that is valid shell: no errors, invariants hold."""
    r = parse(src)
    assert r.errors == [], r.errors
    check_invariants(src, r)
    return r


def names(src: str) -> list:
    return [c.name for c in ok(src).commands]


def argv(cmd: SimpleCommand) -> list[str]:
    return [w.value for w in cmd.words]


# -- lists, pipelines, connectors ----------------------------------------------------------


def test_typical_apt_get_line():
    src = ("set -eux; apt-get update && apt-get install -y --no-install-recommends a b=1.2 "
           "&& rm -rf /var/lib/apt/lists/*")
    cmds = ok(src).commands
    assert [argv(c) for c in cmds] == [
        ["set", "-eux"],
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "--no-install-recommends", "a", "b=1.2"],
        ["rm", "-rf", "/var/lib/apt/lists/*"],
    ]
    assert [c.connector_before for c in cmds] == [None, ";", "&&", "&&"]
    assert [c.pipeline for c in cmds] == [0, 1, 2, 3]
    assert all(c.pipe_length == 1 and c.pipe_position == 0 for c in cmds)
    assert all(c.depth == 0 and not c.in_substitution and not c.in_subshell for c in cmds)
    # b=1.2 after the command name is an argument, not an assignment
    assert cmds[2].assignments == []


def test_exact_word_offsets():
    src = "set -eux; apt-get  install -y\tfoo"
    cmds = ok(src).commands
    w = cmds[1].words[0]
    assert (w.value, w.start, w.end) == ("apt-get", 10, 17)
    assert src[w.start:w.end] == "apt-get"
    y = cmds[1].words[2]
    assert (y.raw, y.start, y.end) == ("-y", 27, 29)
    assert (cmds[1].start, cmds[1].end) == (10, len(src))
    assert (cmds[0].start, cmds[0].end) == (0, 8)


def test_name_and_args_properties():
    cmd = ok("pip install --no-cache-dir -r r.txt").commands[0]
    assert cmd.name == "pip"
    assert [w.value for w in cmd.args] == ["install", "--no-cache-dir", "-r", "r.txt"]
    assert cmd.argv == ["pip", "install", "--no-cache-dir", "-r", "r.txt"]
    only_assign = ok("FOO=bar").commands[0]
    assert only_assign.name is None and only_assign.args == []


def test_name_is_not_basenamed():
    assert names("/usr/bin/apt-get update") == ["/usr/bin/apt-get"]


def test_pipe():
    src = "curl -fsSL https://x | tar -xz -C /opt"
    curl, tar = ok(src).commands
    assert curl.name == "curl" and tar.name == "tar"
    assert curl.pipeline == tar.pipeline
    assert (curl.pipe_position, curl.pipe_length) == (0, 2)
    assert (tar.pipe_position, tar.pipe_length) == (1, 2)
    assert curl.connector_before is None and tar.connector_before == "|"


def test_pipe_and_and_or_split_pipelines():
    cmds = ok("a | b && c | d | e || f").commands
    assert [c.name for c in cmds] == list("abcdef")
    assert [c.pipeline for c in cmds] == [0, 0, 1, 1, 1, 2]
    assert [c.pipe_length for c in cmds] == [2, 2, 3, 3, 3, 1]
    assert [c.pipe_position for c in cmds] == [0, 1, 0, 1, 2, 0]
    assert [c.connector_before for c in cmds] == [None, "|", "&&", "|", "|", "||"]


def test_pipe_ampersand():
    a, b = ok("make 2>&1 |& tee log").commands
    assert a.pipeline == b.pipeline and b.pipe_position == 1 and b.connector_before == "|"
    assert a.redirects == [("2>&1", None)]


def test_negation():
    cmds = ok("! grep -q x f && echo missing").commands
    assert cmds[0].name == "grep" and cmds[0].negated
    assert not cmds[1].negated


def test_bang_inside_word_is_not_negation():
    cmd = ok("echo !x").commands[0]
    assert argv(cmd) == ["echo", "!x"] and not cmd.negated


def test_background_and_newline_connectors():
    cmds = ok("a &\nb\n\nc; d").commands
    assert [c.connector_before for c in cmds] == [None, "&", "\n", ";"]
    # blank lines and leading newlines do not invent connectors
    assert [c.connector_before for c in ok("\n\na;\n  b").commands] == [None, ";"]


def test_line_break_after_operator_continues_list():
    cmds = ok("a &&\n  b |\n c").commands
    assert [c.connector_before for c in cmds] == [None, "&&", "|"]
    assert cmds[1].pipeline == cmds[2].pipeline


def test_backslash_newline_between_words_and_operators():
    src = "apt-get install \\\n    -y \\\n    curl \\\n && rm -rf /x"
    cmds = ok(src).commands
    assert argv(cmds[0]) == ["apt-get", "install", "-y", "curl"]
    assert cmds[0].words[2].start == src.index("-y")
    assert cmds[1].connector_before == "&&"


def test_backslash_newline_inside_word():
    src = "ec\\\nho ab\\\ncd"
    cmd = ok(src).commands[0]
    assert argv(cmd) == ["echo", "abcd"]
    assert cmd.words[1].raw == "ab\\\ncd"


# -- subshells, groups, substitutions --------------------------------------------------------


def test_subshell():
    cmds = ok("(cd /src && make) && echo done").commands
    cd, make, echo = cmds
    assert cd.in_subshell and make.in_subshell and not echo.in_subshell
    assert cd.depth == 1 and echo.depth == 0
    assert cd.connector_before is None and make.connector_before == "&&"
    assert echo.connector_before == "&&"


def test_subshell_in_pipeline_counts_as_element():
    cmds = ok("a | (b; c) | d").commands
    a, b, c, d = cmds
    assert a.pipe_length == 3 and d.pipe_position == 2 and d.pipe_length == 3
    assert a.pipeline == d.pipeline != b.pipeline


def test_group_does_not_add_depth():
    cmds = ok("{ echo a; echo b; } > f 2>&1 && echo c").commands
    assert [c.name for c in cmds] == ["echo"] * 3
    assert [c.depth for c in cmds] == [0, 0, 0]
    assert not any(c.in_subshell for c in cmds)
    # the group's redirections belong to no simple command
    assert all(c.redirects == [] for c in cmds)
    assert cmds[2].connector_before == "&&"


def test_braces_that_are_not_groups():
    cmds = ok("echo {a,b} {} }; find . -exec rm {} \\;").commands
    assert argv(cmds[0]) == ["echo", "{a,b}", "{}", "}"]
    assert argv(cmds[1]) == ["find", ".", "-exec", "rm", "{}", ";"]


def test_command_substitution():
    src = 'echo "$(date +%s) $(id -u)" > /tmp/x'
    cmds = ok(src).commands
    echo, date, ident = cmds
    assert echo.words[1].value == "$(date +%s) $(id -u)"
    assert echo.words[1].raw == '"$(date +%s) $(id -u)"'
    assert echo.words[1].has_expansion and echo.words[1].quoted
    assert argv(date) == ["date", "+%s"] and date.in_substitution and date.depth == 1
    assert ident.name == "id" and ident.in_substitution
    assert not echo.in_substitution
    assert date.words[0].start == src.index("date")


def test_unquoted_substitution_keeps_raw_text_in_value():
    cmd = ok("chown $(id -u):$(id -g) /x").commands[0]
    assert cmd.words[1].value == "$(id -u):$(id -g)"
    assert not cmd.words[1].quoted and cmd.words[1].has_expansion


def test_nested_substitutions():
    src = 'echo "a $(echo "b $(echo c)")"'
    cmds = ok(src).commands
    assert [c.depth for c in cmds] == [0, 1, 2]
    assert cmds[0].words[1].value == 'a $(echo "b $(echo c)")'
    assert cmds[1].words[1].value == "b $(echo c)"
    assert argv(cmds[2]) == ["echo", "c"]
    assert cmds[2].words[1].start == src.index("c)")


def test_backticks():
    src = "echo `uname -m` done"
    echo, uname = ok(src).commands
    assert argv(echo) == ["echo", "`uname -m`", "done"]
    assert echo.words[1].has_expansion
    assert argv(uname) == ["uname", "-m"] and uname.in_substitution and uname.depth == 1


def test_backticks_inside_double_quotes():
    echo, whoami = ok('echo "user: `whoami`"').commands
    assert echo.words[1].value == "user: `whoami`"
    assert whoami.name == "whoami" and whoami.in_substitution


def test_process_substitution():
    cmds = ok("while read l; do echo \"$l\"; done < <(ls /etc)").commands
    assert [c.name for c in cmds] == ["read", "echo", "ls"]
    assert cmds[2].in_substitution and argv(cmds[2]) == ["ls", "/etc"]
    assert ok("diff <(a) >(b)").commands[0].words[1].raw == "<(a)"


def test_substitution_inside_subshell_depth():
    cmds = ok("(echo $(pwd))").commands
    assert [(c.name, c.depth, c.in_subshell, c.in_substitution) for c in cmds] == [
        ("echo", 1, True, False),
        ("pwd", 2, True, True),
    ]


def test_arithmetic_expansion_is_not_a_command():
    cmds = ok("echo $((1 + (2 * 3))) $(( x << 2 ))").commands
    assert len(cmds) == 1
    assert argv(cmds[0]) == ["echo", "$((1 + (2 * 3)))", "$(( x << 2 ))"]
    assert cmds[0].redirects == []


def test_substitution_inside_arithmetic_is_reported():
    cmds = ok("n=$(( $(nproc) + 1 ))").commands
    assert [c.name for c in cmds] == [None, "nproc"]
    assert cmds[0].assignments[0].value == "n=$(( $(nproc) + 1 ))"


def test_arithmetic_command():
    cmds = ok("((i++)) && echo ok").commands
    assert [c.name for c in cmds] == ["echo"]
    assert cmds[0].connector_before == "&&"


def test_double_paren_that_is_two_subshells():
    cmds = ok("((cd a; make) || echo x)").commands
    assert [c.name for c in cmds] == ["cd", "make", "echo"]
    assert [c.depth for c in cmds] == [2, 2, 1]
    assert all(c.in_subshell for c in cmds)


def test_dollar_double_paren_that_is_a_substitution():
    cmds = ok("x=$((cd /x; ls) | wc -l)").commands
    assert [c.name for c in cmds] == [None, "cd", "ls", "wc"]
    assert cmds[3].in_substitution and cmds[3].pipe_position == 1
    assert cmds[0].assignments[0].raw == "x=$((cd /x; ls) | wc -l)"


# -- words, quoting, expansions ------------------------------------------------------------


def test_quote_removal_and_flags():
    src = """echo plain 'sin gle' "dou ble" a\\ b "c\\"d" 'e'\\''f' "\\$x" \\$y"""
    cmd = ok(src).commands[0]
    assert argv(cmd) == ["echo", "plain", "sin gle", "dou ble", "a b", 'c"d', "e'f", "$x", "$y"]
    assert [w.quoted for w in cmd.words] == [False, False, True, True, True, True, True, True, True]
    assert not any(w.has_expansion for w in cmd.words)


def test_double_quote_keeps_other_backslashes():
    assert argv(ok(r'echo "a\b\n"').commands[0]) == ["echo", r"a\b\n"]


def test_expansions_left_literal():
    cmd = ok('cp "$HOME/x" ${DEST}/y $1 "$@"').commands[0]
    assert argv(cmd) == ["cp", "$HOME/x", "${DEST}/y", "$1", "$@"]
    assert all(w.has_expansion for w in cmd.args)
    assert cmd.words[1].quoted and not cmd.words[2].quoted


def test_single_quotes_are_not_expansions():
    w = ok("echo '$HOME $(rm -rf /)'").commands
    assert len(w) == 1
    assert w[0].words[1].value == "$HOME $(rm -rf /)"
    assert not w[0].words[1].has_expansion


def test_parameter_expansion_with_nested_braces_and_quotes():
    src = 'echo ${x:-"a b"} ${y/\\}/x} ${a:-${b:-c d}} "${arr[@]}" ${#s} ${x:-{a} b} ${x:-"}"}'
    cmd = ok(src).commands[0]
    assert argv(cmd) == [
        "echo", '${x:-"a b"}', "${y/\\}/x}", "${a:-${b:-c d}}", "${arr[@]}", "${#s}",
        "${x:-{a}", "b}",  # a bare "{" does not nest: the first "}" closes, as in bash
        '${x:-"}"}',
    ]


def test_substitution_inside_parameter_expansion():
    cmds = ok('echo "${VERSION:-$(cat /v)}"').commands
    assert [c.name for c in cmds] == ["echo", "cat"]
    assert cmds[0].words[1].value == "${VERSION:-$(cat /v)}"


def test_ansi_c_and_locale_quotes():
    cmd = ok("printf $'a\\tb\\n\\x41\\'' $\"hi\"").commands[0]
    assert argv(cmd) == ["printf", "a\tb\nA'", "hi"]
    assert cmd.words[1].quoted


def test_dollar_without_name_is_literal():
    cmd = ok("echo $ a$ '$'").commands[0]
    assert argv(cmd) == ["echo", "$", "a$", "$"]
    assert not cmd.words[1].has_expansion


def test_comments():
    cmds = ok("echo a # comment $(rm -rf /) ; ls\nls -l # x\n# whole line\necho a#b").commands
    assert [argv(c) for c in cmds] == [["echo", "a"], ["ls", "-l"], ["echo", "a#b"]]


def test_backquoted_comment_ends_at_the_closing_backquote():
    # the idiom for commenting the lines of a long RUN: the rest of the line is still code
    src = "apt-get install -y gcc `# for the C ext` make && rm -rf /var/lib/apt/lists/*"
    apt, rm = ok(src).commands
    assert argv(apt) == ["apt-get", "install", "-y", "gcc", "`# for the C ext`", "make"]
    assert apt.words[4].has_expansion
    assert apt.words[5].start == src.index("make")
    assert argv(rm) == ["rm", "-rf", "/var/lib/apt/lists/*"] and rm.connector_before == "&&"
    # an escaped backquote inside the comment does not close it; a newline ends the comment
    cmd = ok("a `# x \\` y` b").commands[0]
    assert argv(cmd) == ["a", "`# x \\` y`", "b"]
    a, b = ok("a `# x\nb` c").commands
    assert argv(a) == ["a", "`# x\nb`", "c"] and argv(b) == ["b"] and b.in_substitution
    # in $( ) a comment runs to the end of the line, as in sh
    assert argv(ok("a $(b # c)\n)").commands[0]) == ["a", "$(b # c)\n)"]


# -- assignments -----------------------------------------------------------------------------


def test_assignment_prefix():
    src = 'DEBIAN_FRONTEND=noninteractive A="x y" B=$(date) apt-get install -y x'
    cmds = ok(src).commands
    apt = cmds[0]
    assert apt.name == "apt-get"
    assert [w.value for w in apt.assignments] == ["DEBIAN_FRONTEND=noninteractive", "A=x y", "B=$(date)"]
    assert [c.name for c in cmds] == ["apt-get", "date"]
    assert cmds[1].in_substitution


def test_assignment_only_and_after_name():
    a, b = ok("X=1 Y+=2; export Z=3").commands
    assert a.name is None and [w.raw for w in a.assignments] == ["X=1", "Y+=2"]
    assert b.assignments == [] and argv(b) == ["export", "Z=3"]


def test_not_assignments():
    cmd = ok('"A"=1 =x').commands[0]
    assert cmd.assignments == [] and argv(cmd) == ["A=1", "=x"]


def test_array_assignment():
    cmd = ok('pkgs=(curl "git lfs" $(echo x)) cmd').commands[0]
    assert cmd.name == "cmd"
    assert cmd.assignments[0].raw == 'pkgs=(curl "git lfs" $(echo x))'
    assert names('pkgs=(curl "git lfs" $(echo x)) cmd') == ["cmd", "echo"]
    assert argv(ok("declare -a a=(1 2)").commands[0]) == ["declare", "-a", "a=(1 2)"]
    # after the command name it is not an array: bash rejects the "("
    assert any("'('" in e for e in parse("echo a=(1 2)").errors)


# -- reserved words and compound commands ----------------------------------------------------


def test_if_then_fi():
    src = 'if [ "$x" = y ]; then pip install -r r.txt; fi'
    test, pip = ok(src).commands
    assert argv(test) == ["[", "$x", "=", "y", "]"] and test.in_condition
    assert argv(pip) == ["pip", "install", "-r", "r.txt"] and not pip.in_condition


def test_if_elif_else():
    cmds = ok("if a; then b; elif c && d; then e; else f; fi; g").commands
    assert [(c.name, c.in_condition) for c in cmds] == [
        ("a", True), ("b", False), ("c", True), ("d", True), ("e", False), ("f", False), ("g", False),
    ]
    assert cmds[-1].connector_before == ";"


def test_multiline_if():
    src = "if command -v apk\nthen\n  apk add curl\nelse\n  apt-get install -y curl\nfi\n"
    assert names(src) == ["command", "apk", "apt-get"]


def test_condition_flag_inherited_by_substitution_in_condition():
    cmds = ok('if [ "$(id -u)" -eq 0 ]; then exit 1; fi').commands
    assert [(c.name, c.in_condition) for c in cmds] == [("[", True), ("id", True), ("exit", False)]


def test_compound_and_function_flags():
    # what may run on some paths only, more than once or in a subshell: compound and function bodies
    src = ("if a; then X=1; fi; for i in x; do b; done; while c; do d; done; case y in z) e;; esac; "
           "{ g; }; f() { h; if k; then m; fi; }; function n { p; }; q() ( r ); (t); s")
    cmds = ok(src).commands
    assert [(c.name or c.assignments[0].value, c.in_compound, c.in_function) for c in cmds] == [
        ("a", True, False), ("X=1", True, False), ("b", True, False), ("c", True, False), ("d", True, False),
        ("e", True, False), ("g", True, False), ("h", True, True), ("k", True, True), ("m", True, True),
        ("p", True, True), ("r", True, False), ("t", True, False), ("s", False, False),
    ]
    assert cmds[-3].in_subshell  # q() ( r ): a subshell body, nothing it sets leaks out


def test_reserved_words_as_arguments():
    cmd = ok("echo if then fi do done case esac { } in").commands[0]
    assert argv(cmd) == ["echo", "if", "then", "fi", "do", "done", "case", "esac", "{", "}", "in"]


def test_quoted_reserved_word_is_a_command():
    assert names("'if' x") == ["if"]


def test_for_loop():
    src = 'for f in *.sh $(ls /x); do chmod +x "$f"; done'
    cmds = ok(src).commands
    assert [c.name for c in cmds] == ["ls", "chmod"]
    assert argv(cmds[1]) == ["chmod", "+x", "$f"]
    assert cmds[0].in_substitution


def test_for_loop_variants():
    assert names("for x; do echo $x; done") == ["echo"]
    assert names("for x do echo $x; done") == ["echo"]
    assert names("for x in a b\ndo\n echo $x\ndone") == ["echo"]
    assert names("for ((i=0; i<3; i++)); do echo $i; done") == ["echo"]
    assert names("for x in a do b; do echo $x; done") == ["echo"]  # 'do' inside the list is a word
    assert names("select x in a b; do break; done") == ["break"]


def test_while_and_until():
    cmds = ok("while read -r line; do echo $line; done < file; until false; do :; done").commands
    assert [(c.name, c.in_condition) for c in cmds] == [
        ("read", True), ("echo", False), ("false", True), (":", False),
    ]
    assert cmds[0].redirects == []


def test_pipeline_into_while_counts_loop_as_element():
    cmds = ok("find . -name x | while read f; do rm $f; done").commands
    assert cmds[0].pipe_length == 2 and cmds[0].name == "find"


def test_case_patterns_are_not_commands():
    src = 'case "$ARCH" in\n  amd64|x86_64) A=x64 ;;\n  (arm64) A=arm; echo a ;;\n  *) exit 1 ;;\nesac'
    cmds = ok(src).commands
    assert [c.name for c in cmds] == [None, None, "echo", "exit"]
    assert [w.value for w in cmds[0].assignments] == ["A=x64"]


def test_case_fallthrough_and_missing_final_separator():
    assert names("case x in a) echo a;& b) echo b;;& *) echo c\nesac") == ["echo", "echo", "echo"]
    assert names("case x in esac; ls") == ["ls"]


def test_case_inside_command_substitution():
    src = "v=$(case $x in a) echo A;; (b|c) echo B;; esac); ls"
    cmds = ok(src).commands
    assert [c.name for c in cmds] == [None, "echo", "echo", "ls"]
    assert cmds[0].assignments[0].raw == "v=$(case $x in a) echo A;; (b|c) echo B;; esac)"


def test_function_definitions():
    src = "f() { echo hi; }; function g { ls; }; function h() ( pwd ); k ()\n{\n id\n}\nf"
    cmds = ok(src).commands
    assert [c.name for c in cmds] == ["echo", "ls", "pwd", "id", "f"]
    assert cmds[2].in_subshell
    assert cmds[-1].connector_before == "\n"


def test_double_bracket():
    cmds = ok('[[ -f a && $x =~ ^(a|b)$ || "$y" < z ]] && echo ok').commands
    assert [c.name for c in cmds] == ["[[", "echo"]
    assert argv(cmds[0])[1:] == ["-f", "a", "&&", "$x", "=~", "^(a|b)$", "||", "$y", "<", "z", "]]"]
    assert cmds[0].redirects == []
    assert cmds[1].connector_before == "&&"


def test_exec_sudo_and_wrappers_are_plain_commands():
    cmds = ok("exec su-exec app:app /bin/sh; sudo -u x apt-get install y; cd /src && make").commands
    assert [c.name for c in cmds] == ["exec", "sudo", "cd", "make"]
    assert argv(cmds[0]) == ["exec", "su-exec", "app:app", "/bin/sh"]


# -- redirections and heredocs ---------------------------------------------------------------


def test_redirections():
    src = "cmd >out >>app <in 2>/dev/null 2>&1 &>all >|clob >&2 <&- 3<>rw 2>> err"
    cmd = ok(src).commands[0]
    assert argv(cmd) == ["cmd"]
    got = [(op, w.value if w else None) for op, w in cmd.redirects]
    assert got == [
        (">", "out"), (">>", "app"), ("<", "in"), ("2>", "/dev/null"), ("2>&1", None),
        ("&>", "all"), (">|", "clob"), (">&2", None), ("<&-", None), ("3<>", "rw"), ("2>>", "err"),
    ]
    target = cmd.redirects[3][1]
    assert src[target.start:target.end] == "/dev/null"
    assert cmd.end == len(src)


def test_redirect_before_command_and_words_after():
    cmd = ok(">log 2>&1 FOO=1 make -j4").commands[0]
    assert cmd.name == "make" and [w.raw for w in cmd.assignments] == ["FOO=1"]
    assert cmd.start == 0 and [op for op, _ in cmd.redirects] == [">", "2>&1"]


def test_digits_not_followed_by_redirect_are_words():
    assert argv(ok("sleep 10 2 > x").commands[0]) == ["sleep", "10", "2"]


def test_redirect_target_with_substitution():
    cmds = ok('echo x > "$(mktemp)"').commands
    assert [c.name for c in cmds] == ["echo", "mktemp"]
    assert cmds[0].redirects[0][1].value == "$(mktemp)"


def test_heredoc_body_is_skipped():
    src = "cat <<EOF > /etc/conf\nrm -rf / $(evil)\nif then fi\nEOF\necho done"
    cmds = ok(src).commands
    assert [c.name for c in cmds] == ["cat", "echo"]
    assert cmds[0].redirects[0][0] == "<<" and cmds[0].redirects[0][1].value == "EOF"
    assert cmds[0].redirects[1] [0] == ">"
    assert cmds[1].connector_before == "\n"
    assert cmds[1].start == src.index("echo done")


def test_heredoc_variants():
    src = "cat <<-'END' && cat <<\"B\" <<C\n\tbody $(x)\n\tEND\nb\nB\nc\nC\nls"
    cmds = ok(src).commands
    assert [c.name for c in cmds] == ["cat", "cat", "ls"]
    assert cmds[0].redirects == [("<<-", cmds[0].redirects[0][1])]
    assert cmds[0].redirects[0][1].value == "END" and cmds[0].redirects[0][1].quoted
    assert [w.value for _, w in cmds[1].redirects] == ["B", "C"]


def test_heredoc_inside_command_substitution():
    src = "x=$(cat <<EOF\nnot) a command\nEOF\n); echo after"
    cmds = ok(src).commands
    assert [c.name for c in cmds] == [None, "cat", "echo"]


def test_heredoc_without_body_is_not_an_error():
    # In a Dockerfile the body of "RUN cat <<EOF > f" is not part of the RUN line.
    cmd = ok("cat <<EOF > /x").commands[0]
    assert cmd.redirects[0][1].value == "EOF"


def test_unterminated_heredoc():
    r = parse("cat <<EOF\nline\nstill body")
    assert [c.name for c in r.commands] == ["cat"]
    assert any("here-document" in e for e in r.errors)


def test_here_string():
    cmd = ok('grep -q x <<< "$VAR"').commands[0]
    assert cmd.redirects[0][0] == "<<<" and cmd.redirects[0][1].value == "$VAR"


# -- malformed input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "src, fragment",
    [
        ("echo 'abc", "unterminated single quote"),
        ('echo "abc', "unterminated double quote"),
        ("echo $(ls", "unterminated '$('"),
        ("echo ${x", "unterminated '${'"),
        ("echo `ls", "unterminated '`'"),
        ("if true; then ls", "unterminated 'if'"),
        ("while true; do ls", "unterminated 'while'"),
        ("case x in a) ls", "unterminated 'case'"),
        ("(ls", "unterminated '('"),
        ("{ ls", "unterminated '{'"),
        ("ls )", "unexpected token ')'"),
        ("ls; fi", "unexpected token 'fi'"),
        ("&& ls", "unexpected token '&&'"),
        ("ls |", "unexpected end of input"),
        ("ls &&", "unexpected end of input"),
        ("ls | | x", "unexpected token '|'"),
        ("ls >", "missing redirection target"),
        ("if ls; fi", "'fi' before 'then'"),
        ("f() ls", "function body must be a compound command"),
        ("echo $((1 + 2", "unterminated '$(('"),
    ],
)
def test_malformed_input_records_errors(src, fragment):
    r = parse(src)
    assert any(fragment in e for e in r.errors), r.errors
    assert all(" at offset " in e for e in r.errors)
    check_invariants(src, r)


def test_best_effort_after_errors():
    r = parse("echo 'unterminated && rm -rf /")
    assert [c.name for c in r.commands] == ["echo"]
    assert r.commands[0].words[1].value == "unterminated && rm -rf /"
    r = parse("apt-get install $(curl x | sh")
    assert [c.name for c in r.commands] == ["apt-get", "curl", "sh"]
    assert r.errors
    r = parse("if true; then apt-get install x\nls )\necho y")
    assert "apt-get" in [c.name for c in r.commands] and r.errors


def test_error_offsets():
    r = parse("echo ok; echo 'abc")
    assert r.errors == ["unterminated single quote at offset 14"]


def test_unclosed_construct_inside_substitution_is_closed_by_paren():
    r = parse("x=$(if a; then b); echo after")
    assert [c.name for c in r.commands] == [None, "a", "b", "echo"]
    assert any("unterminated 'if'" in e for e in r.errors)
    assert r.commands[-1].depth == 0 and not r.commands[-1].in_substitution


def test_parse_never_raises_on_odd_types():
    assert parse("").commands == [] and parse("").errors == []
    assert parse(None).commands == []  # type: ignore[arg-type]
    assert parse(b"ls -l").commands[0].name == "ls"  # type: ignore[arg-type]


# -- hostile input ---------------------------------------------------------------------------

MB = 1_000_000


@pytest.mark.slow
@pytest.mark.parametrize(
    "src",
    [
        "\\" * MB,
        "$" * MB,
        "{" * MB,
        "(" * MB,
        ")" * MB,
        "'" * MB,
        '"' * MB,
        "`" * MB,
        "$(" * (MB // 2),
        "${" * (MB // 2),
        "$((" * (MB // 3),
        '"$(' * (MB // 3),
        "( " * (MB // 2),
        "{ " * (MB // 2),
        "if " * (MB // 3),
        "<<a " * (MB // 4) + "\n",
        "a=(" * (MB // 3),
        "[[ " + "a=(" * (MB // 3),
        "(" * (MB // 4) + "a" + ") " * (MB // 4),
        "((a) " * (MB // 5),
        "$'\\" * (MB // 3),
    ],
    ids=lambda s: repr(s[:6]),
)
def test_hostile_inputs_return(src):
    r = parse(src)
    assert isinstance(r, Script)
    assert len(r.errors) <= 51  # capped
    check_invariants(src, r)


def test_ten_thousand_nested_substitutions():
    src = "echo " + "$(" * 10_000 + "id" + ")" * 10_000
    r = parse(src)
    assert r.commands[0].name == "echo"
    assert r.commands[0].words[1].raw == src[5:]
    # the outer levels are parsed (each one's command is the next "$(...)" word);
    # the innermost levels are kept as opaque text
    inner = r.commands[1:]
    assert 10 <= len(inner) < 100
    assert all(c.name.startswith("$(") and c.in_substitution for c in inner)
    assert [c.depth for c in inner] == list(range(1, len(inner) + 1))
    assert any("nested too deeply" in e for e in r.errors)
    check_invariants(src, r)


def test_ten_thousand_nested_subshells():
    src = "( " * 10_000 + "id" + " )" * 10_000
    r = ok(src)
    assert [c.name for c in r.commands] == ["id"]
    assert r.commands[0].depth == 10_000


def test_many_sequential_substitutions_are_all_parsed():
    src = " ".join(f"$(cmd{i})" for i in range(2000))
    cmds = ok("echo " + src).commands
    assert len(cmds) == 2001 and cmds[-1].name == "cmd1999"


def test_randomized_inputs_keep_invariants():
    alphabet = list("ab $(){}[]'\"`\\;|&<>!#=\n\t*-0129") + [
        "$(", "${", "$((", "<<E\n", "E\n", "if ", "then ", "fi ", "case ", "in ", "esac ", ";;",
        "for ", "do ", "done ", "while ", "function ", "[[ ", " ]]", "))", "<(", "$'", "\\\n",
        "f() ", "((", "2>&1",
    ]
    rng = random.Random(20240611)
    for _ in range(3000):
        src = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 50)))
        r = parse(src)
        check_invariants(src, r)


# -- convenience API -------------------------------------------------------------------------


def test_iter_commands():
    assert [c.name for c in iter_commands("a; b | c")] == ["a", "b", "c"]
    parsed = parse("x && y")
    assert [c.name for c in iter_commands(parsed)] == ["x", "y"]


def test_records_use_slots():
    w = Word("a", "a", 0, 1)
    with pytest.raises(AttributeError):
        w.extra = 1  # type: ignore[attr-defined]
    c = SimpleCommand()
    with pytest.raises(AttributeError):
        c.extra = 1  # type: ignore[attr-defined]
    assert c.name is None and c.args == []


def test_inline_script_of_sh_c():
    from layerlint.shell.commands import inline_script

    def found(text):
        cmd = parse(text).commands[0]
        return inline_script(cmd.words)
    assert found("sh -c 'apt-get install x'") == ("sh", "apt-get install x", 7)
    assert found('/bin/bash -o pipefail -ec "a | b" name arg') == ("bash", "a | b", 27)
    assert found("sudo -u app bash -lc ls") == ("bash", "ls", 21)
    assert found("find . -exec sh -c 'echo {}' \\;") == ("sh", "echo {}", 20)
    for text in ("sh script.sh", "sh -c", "bash -c \"echo \\\"x\\\"\"", "echo sh -c 'x'", "sh -o pipefail"):
        assert found(text) is None, text
