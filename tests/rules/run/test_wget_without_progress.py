"""LL318 wget-without-progress: `wget` without `-q`, `-nv` or `--progress`: its progress bar floods the build log."""
from ...helpers import lint, spans


def test_wget_without_progress():
    text = ("FROM debian:12\n"
            "RUN wget -q https://x/a && \\\n"
            "    wget -O /tmp/b https://x/b && \\\n"
            "    wget -nv https://x/c && wget --progress=dot:giga https://x/d && wget -qO- https://x/e\n"
            "ONBUILD RUN wget https://x/f\n"
            "RUN <<EOF\nwget -o /log https://x/g\nwget https://x/h\nEOF\n")
    f = lint(text, "LL318")
    assert spans(f) == [("LL318", 3, 5, 3, 9), ("LL318", 5, 13, 5, 17), ("LL318", 8, 1, 8, 5)]
    assert f[0].hadolint == ("DL3047",)
    assert lint("FROM a:1\nRUN wget $WGET_OPTS https://x\n", "LL318") == []


def test_wget_python_module_is_not_gnu_wget():
    # `python -m wget` is PyPI's wget module: no dot progress, no -q/--progress options
    text = ("FROM python:3.12\n"
            "RUN pip install wget==3.2 && python -m wget https://x/a.py && python3.12 -u -m wget -o /b https://x/b\n"
            "RUN sudo python3 -m wget https://x/c && wget https://x/d\n")
    assert spans(lint(text, "LL318")) == [("LL318", 3, 41, 3, 45)]
