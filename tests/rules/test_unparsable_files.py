"""A file BuildKit cannot parse gets its parse errors and no rule findings (hadolint's DL1000
does the same): findings on the rest of a template would be guesses about a file that is not
a Dockerfile yet.  Bytes that are not UTF-8 are a warning, and the rest is still linted."""
from layerlint.engine.lint_file import lint_bytes
from layerlint.engine.settings import Settings

JINJA = ("FROM python:3.12-slim\n"
         "{% if dev %}\n"
         "run pip install pytest\n"
         "{% endif %}\n"
         "COPY a.txt b.txt /app\n"
         "RUN sudo apt-get update\n")


def _lint(text, data=None):
    return lint_bytes(data if data is not None else text.encode(), "Dockerfile", Settings(select=["ALL"]))


def test_a_template_gets_only_its_parse_errors():
    res = _lint(JINJA)
    assert [(e.line, e.column, e.message) for e in res.errors] == [
        (2, 1, "unknown instruction: {%"), (4, 1, "unknown instruction: {%")]
    assert res.findings == []  # no LL403 (casing), LL506 (multi-source COPY), LL303 (sudo)...


def test_the_same_file_without_the_template_lines_is_linted():
    res = _lint(JINJA.replace("{% if dev %}\n", "").replace("{% endif %}\n", ""))
    assert res.errors == []
    assert {"LL403", "LL506", "LL303"} <= {f.rule for f in res.findings}


def test_other_parse_errors_stop_the_rules_too():
    for text, line in (("FROM alpine:3.19\nENV ONLYKEY\nRUN sudo ls\n", 2),
                       ("FROM alpine:3.19\nCMD [\"a\", [\"b\"]]\nRUN sudo ls\n", 2),
                       ("HEALTHCHECK\nFROM alpine:3.19\nRUN sudo ls\n", 1)):
        res = _lint(text)
        assert [e.line for e in res.errors] == [line], text
        assert res.findings == [], text


def test_bytes_that_are_not_utf8_are_a_warning_and_the_rest_is_linted():
    res = _lint("", b"FROM alpine:3.19\nLABEL x=\"caf\xe9\"\nRUN sudo ls\n")
    assert [(e.line, e.message[:13]) for e in res.errors] == [(2, "invalid UTF-8")]
    assert [(f.rule, f.span.line, f.span.column) for f in res.findings if f.rule == "LL303"] == [("LL303", 3, 5)]
