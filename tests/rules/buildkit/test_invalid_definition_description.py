"""LL420 invalid-definition-description: Comment right above a stage or `ARG` does not start with its name."""
from ...helpers import lint, positions


def test_invalid_definition_description_docs_examples():
    bad = "# a non-descriptive comment\nFROM scratch AS base\n\n# another non-descriptive comment\nARG VERSION=1\n"
    f = lint(bad, "LL420")
    assert positions(f) == [("LL420", 2, 17), ("LL420", 5, 5)]
    assert f[0].message == "Comment for FROM should follow the format: `# base <description>`"
    assert f[1].message == "Comment for ARG should follow the format: `# VERSION <description>`"
    good = ("# a non-descriptive comment\n\nFROM scratch AS base\n\n# another non-descriptive comment\n\n"
            "ARG VERSION=1\n")
    assert lint(good, "LL420") == []
    good = "# base is a stage for compiling source\nFROM scratch AS base\n# VERSION This is the version number.\nARG VERSION=1\n"
    assert lint(good, "LL420") == []


def test_invalid_definition_description_details():
    text = ("# Build is capitalised\nFROM a AS Build\n# A and B\nARG A B\n# wrong\nARG X Y\n"
            "# only the last line counts\n# C describes C\nARG C\n#\nARG D\n")
    f = lint(text, "LL420")
    assert positions(f) == [("LL420", 2, 11), ("LL420", 6, 5)]
    assert f[1].message == "Comment for ARG should follow the format: `# <arg_key> <description>`"
    assert lint("# x\nFROM a\n# y\nRUN b\n", "LL420") == []  # no stage name, not an ARG
    assert "LL420" not in {x.rule for x in lint("# wrong\nFROM a AS b\n")}  # not enabled by default


def test_invalid_definition_description_onbuild_arg_is_not_checked():
    # BuildKit checks the comments of FROM and ARG instructions only, not of ONBUILD ARG
    assert positions(lint("FROM a\n# wrong\nARG X\n", "LL420")) == [("LL420", 3, 5)]
    assert lint("FROM a\n# wrong\nONBUILD ARG X\n", "LL420") == []
