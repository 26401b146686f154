"""Tests for layerlint.dockerignore: Docker/BuildKit .dockerignore semantics.

Expected values come from Docker's documentation (docs.docker.com "Build context" /
.dockerignore section) and from moby/patternmatcher + fsutil behaviour (cross-checked
against the Go implementation while developing).
"""

from __future__ import annotations

import pytest

from layerlint.buildctx.dockerignore import COMMON_PATHS, Dockerignore, DockerignoreError, Pattern, find_dockerignore, load_for
from layerlint.buildctx.paths import go_clean


def di(*lines: str) -> Dockerignore:
    return Dockerignore.parse("\n".join(lines) + "\n")


def excluded(ignore: Dockerignore, *paths: str) -> list[bool]:
    return [ignore.is_excluded(p) for p in paths]


# ---------------------------------------------------------------------------------------
# Docker documentation examples
# ---------------------------------------------------------------------------------------


def test_docs_example_single_level_wildcard():
    d = di("# comment", "*/temp*")
    assert excluded(d, "somedir/temporary.txt", "somedir/temp", "somedir/temp/inner.txt") == [
        True,
        True,
        True,
    ]
    # only one level below the root, and not the root itself
    assert excluded(d, "temp.txt", "temporary", "a/b/temp.txt", "somedir/xtemp") == [
        False,
        False,
        False,
        False,
    ]


def test_docs_example_two_levels():
    d = di("*/*/temp*")
    assert d.is_excluded("somedir/subdir/temporary.txt")
    assert not d.is_excluded("somedir/temporary.txt")
    assert not d.is_excluded("a/b/c/temp")


def test_docs_example_question_mark():
    d = di("temp?")
    assert excluded(d, "tempa", "tempb", "temp?", "tempa/inner") == [True, True, True, True]
    assert excluded(d, "temp", "tempab", "dir/tempa", "temp/") == [False, False, False, False]


def test_question_mark_does_not_match_slash():
    d = di("a?b")
    assert d.is_excluded("axb")
    assert not d.is_excluded("a/b")


def test_double_star_any_depth():
    d = di("**/*.go")
    assert excluded(d, "main.go", "a/b/c/x.go", "vendor/m.go/inner") == [True, True, True]
    assert excluded(d, "main.gox", "go", "a/b/go") == [False, False, False]


def test_double_star_in_the_middle_matches_zero_dirs():
    d = di("a/**/b")
    assert excluded(d, "a/b", "a/x/b", "a/x/y/b", "a/x/y/b/c") == [True, True, True, True]
    assert excluded(d, "a/xb", "b", "x/a/b") == [False, False, False]


def test_trailing_double_star_is_prefix_and_not_the_dir_itself():
    d = di("foo/**")
    assert excluded(d, "foo/x", "foo/x/y") == [True, True]
    assert not d.is_excluded("foo")
    assert not d.is_excluded("foobar")


def test_lone_double_star_excludes_everything():
    d = di("**")
    assert excluded(d, "a", "a/b/c", ".git") == [True, True, True]


def test_leading_double_star_literal_rest_is_a_suffix_match():
    # patternmatcher's suffixMatch: "**foo" is a plain HasSuffix, so "barfoo" matches too
    d = di("**foo")
    assert excluded(d, "foo", "barfoo", "x/barfoo") == [True, True, True]
    assert not d.is_excluded("foox")
    d2 = di("**/foo")
    assert excluded(d2, "foo", "x/foo", "x/y/foo/z") == [True, True, True]
    assert not d2.is_excluded("barfoo")


def test_exception_after_wildcard():
    d = di("*.md", "!README.md")
    assert d.is_excluded("CHANGES.md")
    assert not d.is_excluded("README.md")
    assert d.has_exceptions


def test_docs_readme_secret_order_matters():
    # docs: "README-secret.md" stays excluded because its rule comes after the exception
    d = di("*.md", "!README*.md", "README-secret.md")
    assert excluded(d, "README-secret.md", "README-x.md", "other.md") == [True, False, True]
    # ...and is re-included when the exception comes last
    d2 = di("*.md", "README-secret.md", "!README*.md")
    assert excluded(d2, "README-secret.md", "README-x.md", "other.md") == [False, False, True]


def test_last_matching_pattern_wins():
    assert di("!foo", "foo").is_excluded("foo")
    assert not di("foo", "!foo").is_excluded("foo")
    assert di("foo", "!foo", "foo").is_excluded("foo")


# ---------------------------------------------------------------------------------------
# Cleaning of patterns
# ---------------------------------------------------------------------------------------


def test_leading_slash_is_relative_to_context_root():
    d = di("/foo")
    assert d.patterns[0].text == "foo"
    assert excluded(d, "foo", "foo/bar") == [True, True]
    assert not d.is_excluded("a/foo")


def test_dot_slash_and_dotdot_are_cleaned():
    d = di("./foo", "bar/../baz", "a//b/./c")
    assert [p.text for p in d.patterns] == ["foo", "baz", "a/b/c"]
    assert excluded(d, "foo", "baz", "a/b/c", "bar") == [True, True, True, False]


def test_trailing_slash_is_removed_and_also_matches_files():
    d = di("foo/")
    assert d.patterns[0].text == "foo"
    assert d.is_excluded("foo")  # Docker does not distinguish files from directories
    assert d.is_excluded("foo/x")
    assert not d.is_excluded("foobar")


def test_parent_directory_match_excludes_everything_below():
    d = di("a")
    assert excluded(d, "a", "a/b", "a/b/c") == [True, True, True]
    assert not d.is_excluded("b/a")
    d2 = di("node_modules")
    assert d2.is_excluded("node_modules/x/y/index.js")


def test_exception_of_file_inside_excluded_dir_re_includes_it():
    d = di("foo", "!foo/keep.txt")
    assert not d.is_excluded("foo/keep.txt")
    assert d.is_excluded("foo/other.txt")
    assert d.is_excluded("foo")  # the directory entry itself stays excluded


def test_exception_deeper_in_excluded_tree():
    d = di("foo", "!foo/bar/keep.txt")
    assert not d.is_excluded("foo/bar/keep.txt")
    assert d.is_excluded("foo/bar/other.txt")


def test_wildcard_exception_disables_directory_pruning():
    # with a wildcard in an exception BuildKit walks into excluded directories
    d = di("*", "!*/keep")
    assert not d.is_excluded("a/keep")
    assert d.is_excluded("a/other")
    d2 = di("foo", "!**/keep.txt")
    assert not d2.is_excluded("foo/keep.txt")


def test_excluded_directory_is_pruned_when_no_exception_lies_below_it():
    # "!a|b/*" has no wildcard once its trailing "/*" is dropped, so BuildKit does not walk
    # into the excluded "d" (the exception's text does not start with "d/").  Matched on its
    # own, the exception (Go regexp "^a|b/[^/]*$") would re-include "d/b/c".
    d = di("d", "!a|b/*")
    assert d.patterns[1].matches("d/b/c")
    assert d.is_excluded("d/b/c")
    assert d.is_excluded("d/x")
    assert not d.is_excluded("e/b/c")
    p = d.matching_pattern("d/b/c")
    assert p is not None and p.text == "d"


def test_exception_is_only_tried_below_the_level_where_it_could_apply():
    # "!a" matches the parent "a" of "a/b/c", but at "a" nothing was excluded yet so the
    # exception was never evaluated there; at "a/b/c" it is tried on "a/b/c" alone
    d = di("a/b", "!a")
    assert d.is_excluded("a/b/c")
    assert d.is_excluded("a/b")
    assert not d.is_excluded("a/x")
    assert not d.is_excluded("a")


def test_exception_naming_parent_does_not_undo_later_rule_for_child():
    # BuildKit (MatchesUsingParentResults): the exception "!dir" was not evaluated for "dir"
    # (nothing excluded it there), and "dir" itself does not match "dir/x"
    d = di("dir/x", "!dir")
    assert d.is_excluded("dir/x")
    assert not d.is_excluded("dir/y")


def test_no_exceptions_prunes_everything_below():
    d = di("build")
    assert not d.has_exceptions
    assert d.is_excluded("build/deep/er/file")


# ---------------------------------------------------------------------------------------
# File syntax: comments, blanks, BOM, CRLF, whitespace
# ---------------------------------------------------------------------------------------


def test_comments_and_blank_lines_are_ignored_but_counted():
    d = Dockerignore.parse("# comment\n\n   \n#another\nfoo\n\t\n!bar\n")
    assert [(str(p), p.line) for p in d.patterns] == [("foo", 5), ("!bar", 7)]


def test_hash_only_in_first_column_is_a_comment():
    d = Dockerignore.parse("  # not a comment\n#real comment\n")
    assert [p.text for p in d.patterns] == ["# not a comment"]
    assert d.is_excluded("# not a comment")
    assert not d.is_excluded("#real comment")


def test_whitespace_is_trimmed_also_after_bang():
    d = Dockerignore.parse("   foo   \n!   bar  \n")
    assert [str(p) for p in d.patterns] == ["foo", "!bar"]
    assert d.patterns[1].exclusion


def test_bom_and_crlf():
    d = Dockerignore.parse("\ufeffnode_modules\r\n*.log\r\n")
    assert [p.text for p in d.patterns] == ["node_modules", "*.log"]
    assert d.is_excluded("node_modules")
    assert d.is_excluded("x.log")
    assert not d.is_excluded("x.log\r")


def test_bytes_input():
    d = Dockerignore.parse(b"foo\n")
    assert d.is_excluded("foo")


def test_empty_file_excludes_nothing():
    d = Dockerignore.parse("")
    assert d.patterns == []
    assert not d.is_excluded("anything")
    assert d.matching_pattern("anything") is None


def test_root_slash_pattern_excludes_nothing():
    d = di("/")
    assert d.patterns[0].text == "/"
    assert not d.is_excluded("foo")


# ---------------------------------------------------------------------------------------
# Glob syntax: escapes, classes, regexp quirks
# ---------------------------------------------------------------------------------------


def test_backslash_escapes_wildcards():
    d = di("\\*")
    assert d.is_excluded("*")
    assert not d.is_excluded("a")
    d2 = di("foo\\?")
    assert d2.is_excluded("foo?")
    assert not d2.is_excluded("fooa")


def test_escaped_bracket_is_literal():
    d = di("\\[abc]")
    assert d.is_excluded("[abc]")
    assert not d.is_excluded("a")


def test_character_classes():
    d = di("[abc].txt", "[x-z]1")
    assert excluded(d, "a.txt", "c.txt", "y1") == [True, True, True]
    assert excluded(d, "d.txt", "ab.txt", "w1") == [False, False, False]


def test_negated_class_uses_caret_not_bang():
    d = di("[^a].txt")
    assert d.is_excluded("b.txt")
    assert not d.is_excluded("a.txt")
    assert not d.is_excluded("/.txt".lstrip("/"))  # ".txt": nothing before the dot
    # "!" is an ordinary member of the class, as in Go's regexp
    d2 = di("[!a].txt")
    assert excluded(d2, "!.txt", "a.txt", "b.txt") == [True, True, False]


def test_negated_class_matches_slash():
    # unlike "*" and "?", a "[^x]" class is passed to Go's regexp as is and matches "/"
    d = di("a[^x]b")
    assert excluded(d, "ayb", "a/b", "a/b/c") == [True, True, True]
    assert not d.is_excluded("axb")
    assert d.patterns[0].matches("a/b")


def test_regexp_metacharacters_are_literal():
    d = di("a.b*", "(x)+")
    assert d.is_excluded("a.bc")
    assert not d.is_excluded("axbc")
    assert d.is_excluded("(x)+")
    assert not d.is_excluded("xx")


def test_posix_class_and_perl_escape_quirks():
    # Docker hands "\d" and "[[:digit:]]" to Go's regexp unchanged
    d = di("file\\d", "[[:upper:]]x")
    assert d.is_excluded("file7")
    assert not d.is_excluded("filed")
    assert d.is_excluded("Qx")
    assert not d.is_excluded("qx")


def test_pipe_and_braces_reach_the_regexp_unescaped():
    # literal-only pattern: compared as a string
    assert di("a|b").is_excluded("a|b")
    assert not di("a|b").is_excluded("a")
    # with a wildcard it becomes a Go regexp alternation; "^x|$" matches every path
    d = di("x*|")
    assert d.is_excluded("anything")
    d2 = di("x{2}?")
    assert d2.is_excluded("xxa")
    assert not d2.is_excluded("xa")
    assert not d2.is_excluded("x{2}a")


def test_star_does_not_cross_slash_but_matches_dotfiles():
    d = di("*")
    assert excluded(d, ".git", ".env", "a/b") == [True, True, True]
    d2 = di("a*b")
    assert d2.is_excluded("axxb")
    assert not d2.is_excluded("ax/xb")


def test_unicode_patterns_and_paths():
    d = di("café/*", "?.txt")
    assert d.is_excluded("café/menu")
    assert d.is_excluded("é.txt")
    assert not d.is_excluded("cafe/menu")


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, line",
    [
        ("foo\n!\n", 2),
        ("# c\n\n!  \n", 3),
        ("!/\n", 1),  # cleaned to "!" by patternmatcher.New
    ],
)
def test_bare_bang_is_an_error(text, line):
    with pytest.raises(DockerignoreError) as info:
        Dockerignore.parse(text, path="ctx/.dockerignore")
    assert info.value.line == line
    assert 'illegal exclusion pattern: "!"' in str(info.value)
    assert info.value.path == "ctx/.dockerignore"
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "pattern",
    ["[", "a[", "[]a]", "[a-]", "[-a]", "[^]", "foo\\", "a*[", "x/[z-"],
)
def test_glob_syntax_errors(pattern):
    with pytest.raises(DockerignoreError) as info:
        Dockerignore.parse("ok\n" + pattern + "\n")
    assert info.value.line == 2
    assert "syntax error in pattern" in str(info.value)


@pytest.mark.parametrize("pattern", ["[z-a]", "a\\1", "x\\E", "\\é*"])
def test_go_regexp_errors(pattern):
    # valid filepath.Match syntax, but the regexp Docker builds does not compile
    with pytest.raises(DockerignoreError) as info:
        Dockerignore.parse(pattern)
    assert info.value.line == 1


@pytest.mark.parametrize("pattern", ["[a-c]", "[\\]]", "a\\*", "[*]", "\\x41*"])
def test_valid_odd_patterns_do_not_raise(pattern):
    assert len(Dockerignore.parse(pattern).patterns) == 1


def test_pattern_constructor_validates():
    with pytest.raises(DockerignoreError):
        Pattern("[", line=4)
    p = Pattern("src/*.py", line=3)
    assert p.matches("src/a.py")
    assert not p.matches("src/a/b.py")
    assert p.go_regexp == "^src/[^/]*\\.py$"


# ---------------------------------------------------------------------------------------
# Query API
# ---------------------------------------------------------------------------------------


def test_path_forms_are_normalised():
    d = di("foo")
    assert excluded(d, "./foo", "/foo", "foo/", "./foo/bar", "foo//bar") == [True] * 5
    assert not d.is_excluded(".")
    assert not d.is_excluded("")
    assert not d.is_excluded("/")


def test_context_root_is_never_excluded():
    d = di("*", "**", ".")
    assert not d.is_excluded(".")
    assert not d.is_excluded("./")


def test_matching_pattern_reports_the_decider():
    d = di("*.md", "!README.md", "docs")
    p = d.matching_pattern("a.md")
    assert p is not None and p.text == "*.md" and p.line == 1 and not p.exclusion
    p2 = d.matching_pattern("README.md")
    assert p2 is not None and p2.exclusion and p2.line == 2
    p3 = d.matching_pattern("docs/x/y.txt")
    assert p3 is not None and p3.text == "docs"
    assert d.matching_pattern("src/main.py") is None


def test_matching_pattern_for_pruned_directory():
    d = di("secret", "!other/file")
    p = d.matching_pattern("secret/deep/file")
    assert p is not None and p.text == "secret"


def test_has_exceptions():
    assert not di("a", "b").has_exceptions
    assert di("a", "!b").has_exceptions


def test_excludes_any_of():
    d = di(".git", "node_modules", "*.pyc")
    assert d.excludes_any_of([".git", ".venv", "node_modules", "x.pyc"]) == [
        ".git",
        "node_modules",
        "x.pyc",
    ]
    assert d.excludes_any_of([]) == []
    assert ".git" in COMMON_PATHS and "node_modules" in COMMON_PATHS
    assert di(".git").excludes_any_of(COMMON_PATHS) == [".git"]


def test_pattern_str_and_raw():
    d = Dockerignore.parse("  !/a/b/  \n")
    p = d.patterns[0]
    assert str(p) == "!a/b"
    assert p.raw == "!/a/b/"
    assert p.exclusion


def test_go_clean():
    assert go_clean("") == "."
    assert go_clean("./") == "."
    assert go_clean("a/../..") == ".."
    assert go_clean("/../a") == "/a"
    assert go_clean("//a//b/") == "/a/b"
    assert go_clean("a/./b/../c") == "a/c"


# ---------------------------------------------------------------------------------------
# No catastrophic backtracking
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    ["**/**/**/*a", "*********b", "*a*a*a*a*a*a*a*a*c", "**/x/**/y/**/z", "?*?*?*?*?*!"],
)
def test_long_paths_do_not_hang(pattern):
    d = Dockerignore.parse(pattern + "\n!keep*\n")
    long_component = "a" * 10_000
    many_dirs = "a/" * 5_000 + "b"
    assert isinstance(d.is_excluded(long_component), bool)
    assert isinstance(d.is_excluded(many_dirs), bool)
    assert isinstance(d.is_excluded(long_component + "b"), bool)


def test_long_path_results_are_right():
    assert di("**/**/**/*a").is_excluded("b" * 10_000 + "a")
    assert not di("**/**/**/*a").is_excluded("a" * 10_000 + "b")
    assert di("*********b").is_excluded("a" * 10_000 + "b")
    assert not di("*********b").is_excluded("a" * 10_000)
    deep = "/".join(["d"] * 3000) + "/x.go"
    assert di("**/*.go").is_excluded(deep)
    assert not di("**/*.py").is_excluded(deep)


# ---------------------------------------------------------------------------------------
# Locating and loading the file
# ---------------------------------------------------------------------------------------


def test_find_dockerignore_precedence(tmp_path):
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    dockerfile = ctx / "Dockerfile"
    dockerfile.write_text("FROM scratch\n")
    assert find_dockerignore(str(dockerfile), str(ctx)) is None

    root_ignore = ctx / ".dockerignore"
    root_ignore.write_text("root\n")
    assert find_dockerignore(str(dockerfile), str(ctx)) == str(root_ignore)

    specific = ctx / "Dockerfile.dockerignore"
    specific.write_text("specific\n")
    assert find_dockerignore(str(dockerfile), str(ctx)) == str(specific)

    loaded = load_for(str(dockerfile), str(ctx))
    assert loaded is not None
    assert loaded.path == str(specific)
    assert loaded.is_excluded("specific")
    assert not loaded.is_excluded("root")


def test_find_dockerignore_custom_dockerfile_name_in_other_dir(tmp_path):
    ctx = tmp_path / "ctx"
    build = tmp_path / "build"
    ctx.mkdir()
    build.mkdir()
    dockerfile = build / "app.Dockerfile"
    dockerfile.write_text("FROM scratch\n")
    (ctx / ".dockerignore").write_text("root\n")
    # an ignore file named after a different Dockerfile does not count
    (build / "Dockerfile.dockerignore").write_text("wrong\n")
    assert find_dockerignore(str(dockerfile), str(ctx)) == str(ctx / ".dockerignore")
    # one named after this Dockerfile, next to it, wins even outside the context
    (build / "app.Dockerfile.dockerignore").write_text("mine\n")
    assert find_dockerignore(str(dockerfile), str(ctx)) == str(build / "app.Dockerfile.dockerignore")
    # the root .dockerignore of the context is not consulted then
    loaded = load_for(str(dockerfile), str(ctx))
    assert loaded is not None
    assert loaded.is_excluded("mine") and not loaded.is_excluded("root")


def test_directory_named_dockerignore_is_not_a_file(tmp_path):
    (tmp_path / ".dockerignore").mkdir()
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    assert find_dockerignore(str(tmp_path / "Dockerfile"), str(tmp_path)) is None
    assert load_for(str(tmp_path / "Dockerfile"), str(tmp_path)) is None


def test_load_for_reports_errors_with_path_and_line(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    ignore = tmp_path / ".dockerignore"
    ignore.write_bytes(b"# header\nok\n[bad\n")
    with pytest.raises(DockerignoreError) as info:
        load_for(str(tmp_path / "Dockerfile"), str(tmp_path))
    assert info.value.line == 3
    assert info.value.path == str(ignore)
    assert str(ignore) in str(info.value)


def test_bytes_that_are_not_utf8_match_as_buildkit_matches_them():
    # patternmatcher reads a regexp pattern with text/scanner (each bad byte is U+FFFD) and Go's
    # regexp sees each bad byte of a path as U+FFFD too; exact patterns compare bytes
    ignore = Dockerignore.parse(b"a[b\xff]\nx\xff\n")
    assert ignore.is_excluded("a\udcff") and ignore.is_excluded("a\udcfe") and ignore.is_excluded("a\ufffd")
    assert ignore.is_excluded("ab") and not ignore.is_excluded("ac")
    assert ignore.is_excluded("x\udcff") and not ignore.is_excluded("x\udcfe") and not ignore.is_excluded("x\ufffd")
