"""LL307 dockerfile-keyword-in-run: Dockerfile instruction (`RUN`, `COPY`...) used as a command inside a RUN."""
from ...helpers import lint, positions, spans


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
