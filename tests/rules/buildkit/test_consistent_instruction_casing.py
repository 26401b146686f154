"""LL403 consistent-instruction-casing: Instruction keyword not in the casing most of the file uses."""
from ...helpers import fixes, lint, positions


def test_consistent_casing_majority_upper():
    text = "FROM alpine\nRUN echo hello\nrun echo world\nCopy a /a\n"
    f = lint(text, "LL403")
    assert positions(f) == [("LL403", 3, 1), ("LL403", 4, 1)]
    assert f[0].message == "Command 'run' should match the case of the command majority (uppercase)"
    assert fixes(f) == [[(3, 1, 3, 4, "RUN")], [(4, 1, 4, 5, "COPY")]]


def test_consistent_casing_majority_lower_and_tie():
    f = lint("from alpine\nrun a\nRUN b\ncopy a /a\n", "LL403")
    assert positions(f) == [("LL403", 3, 1)]
    assert f[0].message == "Command 'RUN' should match the case of the command majority (lowercase)"
    # a tie means upper case (BuildKit: lowerCount > upperCount)
    assert positions(lint("from a\nRUN b\n", "LL403")) == [("LL403", 1, 1)]


def test_consistent_casing_onbuild_trigger_indented_and_global_arg():
    text = "arg V=1\nFROM a\n  run x\nONBUILD run y\nRUN z\nCMD [\"a\"]\n"
    f = lint(text, "LL403")
    assert positions(f) == [("LL403", 1, 1), ("LL403", 3, 3), ("LL403", 4, 9)]


def test_consistent_casing_does_not_fire():
    assert lint("FROM a\nRUN b\nONBUILD RUN c\n", "LL403") == []
    assert lint("from a\nrun b\nonbuild run c\n", "LL403") == []
