"""LL309 consecutive-run: Two consecutive single-command RUNs could be merged into one layer."""
from ...helpers import lint, spans


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
