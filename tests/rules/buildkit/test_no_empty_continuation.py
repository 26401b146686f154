r"""LL402 no-empty-continuation: Blank line inside a `\` continuation (will become an error)."""
from ...helpers import lint, positions


def test_no_empty_continuation_fires_once_per_instruction_at_the_first_blank_line():
    # docs example
    text = "FROM alpine\nEXPOSE \\\n\n80\n"
    f = lint(text, "LL402")
    assert positions(f) == [("LL402", 3, 1)] and f[0].message == "Empty continuation line"
    # BuildKit warns once per instruction: the first blank line, naming the others
    text = "FROM a\nRUN apt-get update && \\\n   \n    apt-get install -y x \\\n\n    curl\n"
    f = lint(text, "LL402")
    assert positions(f) == [("LL402", 3, 1)]
    assert f[0].span.end_column == 4 and f[0].instr_line == 2
    assert f[0].message == "Empty continuation line (also line 5)"
    text = "FROM a\nRUN a \\\n\n b \\\n\n c \\\n\n d\nRUN e \\\n\n f\n"
    f = lint(text, "LL402")
    assert positions(f) == [("LL402", 3, 1), ("LL402", 10, 1)]
    assert f[0].message == "Empty continuation line (also lines 5 and 7)"
    assert f[1].message == "Empty continuation line"


def test_no_empty_continuation_in_onbuild_and_last_stage():
    text = "FROM a AS b\nONBUILD RUN echo \\\n\n  hi\nFROM b\nENV A=1 \\\n\n  B=2\n"
    assert positions(lint(text, "LL402")) == [("LL402", 3, 1), ("LL402", 7, 1)]


def test_no_empty_continuation_does_not_fire():
    assert lint("FROM a\nRUN a \\\n  # a comment line\n  && b\n", "LL402") == []
    # blank lines in a heredoc body are data, not continuations
    assert lint("FROM a\nRUN <<EOF\nset -e\n\necho hi\nEOF\n\nRUN b\n", "LL402") == []
    # a blank line after an instruction that ends is not a continuation
    assert lint("FROM a\nRUN a \\\n  b\n\nRUN c\n", "LL402") == []
