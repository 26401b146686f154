"""LL319 curl-and-wget: Stage uses both `curl` and `wget`; pick one download tool."""
from ...helpers import lint, positions, spans


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


def test_curl_and_wget_onbuild_does_not_fire():
    # the rule skips ONBUILD triggers: they run in another build, with its own tools
    text = "FROM debian:12\nRUN curl -fsS https://x && curl -fsS https://y\nRUN wget -q https://z\n"
    assert positions(lint(text, "LL319")) == [("LL319", 3, 5)]
    text = "FROM debian:12\nRUN curl -fsS https://x && curl -fsS https://y\nONBUILD RUN wget -q https://z\n"
    assert lint(text, "LL319") == []


def test_curl_and_python_wget_module_does_not_fire():
    text = ("FROM python:3.12\n"
            "RUN curl -fsSLo /a https://x/a && python -m wget https://x/b.py\n")
    assert lint(text, "LL319") == []
    text = ("FROM python:3.12\n"
            "RUN curl -fsSLo /a https://x/a && python -m wget https://x/b.py && wget -q https://x/c\n")
    assert spans(lint(text, "LL319")) == [("LL319", 2, 68, 2, 72)]
