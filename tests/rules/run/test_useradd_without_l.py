"""LL306 useradd-without-l: `useradd` with a large UID and no `-l`: lastlog/faillog grow huge in the layer."""
from ...helpers import fixed, lint, positions, spans


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
