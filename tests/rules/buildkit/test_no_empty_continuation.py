r"""LL402 no-empty-continuation: Blank line inside a `\` continuation (will become an error)."""
from ...helpers import lint, positions


def test_no_empty_continuation_fires_at_each_blank_line():
    # docs example
    text = "FROM alpine\nEXPOSE \\\n\n80\n"
    f = lint(text, "LL402")
    assert positions(f) == [("LL402", 3, 1)] and f[0].message == "Empty continuation line"
    text = "FROM a\nRUN apt-get update && \\\n   \n    apt-get install -y x \\\n\n    curl\n"
    f = lint(text, "LL402")
    assert positions(f) == [("LL402", 3, 1), ("LL402", 5, 1)]
    assert f[0].span.end_column == 4 and f[0].instr_line == 2


def test_no_empty_continuation_in_onbuild_and_last_stage():
    text = "FROM a AS b\nONBUILD RUN echo \\\n\n  hi\nFROM b\nENV A=1 \\\n\n  B=2\n"
    assert positions(lint(text, "LL402")) == [("LL402", 3, 1), ("LL402", 7, 1)]


def test_no_empty_continuation_does_not_fire():
    assert lint("FROM a\nRUN a \\\n  # a comment line\n  && b\n", "LL402") == []
    # blank lines in a heredoc body are data, not continuations
    assert lint("FROM a\nRUN <<EOF\nset -e\n\necho hi\nEOF\n\nRUN b\n", "LL402") == []
