"""Security issue #19: what a repository holds cannot drive a terminal, a CI log or a job
summary through any report, cannot make a report fail to encode, and cannot make a report
huge.

The attacks are set up for real: files whose names hold ESC sequences, bidi overrides, C1
controls and bytes that are not UTF-8, with the same in image names, label keys, instructions
and unknown instructions; instructions of tens of kilobytes.  Each run is the real CLI in a
subprocess (``python -m layerlint``), so argv bytes, stdout encoding and ``-o`` files are the
real ones.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from urllib.parse import unquote_to_bytes

import jsonschema
import pytest

from .conftest import shared_path

# Raw characters no text may carry: C0 controls but tab and LF, DEL, C1 controls (0x9b is a
# one-byte CSI), bidi controls, line/paragraph separators, lone surrogates.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                 "\ud800-\udfff]")

EVIL = "\x1b]0;PWNED\x07\u202e\x9b"                 # retitle the window, reverse the text, CSI
EVIL_SHOWN = "\\x1b]0;PWNED\\x07\\u202e\\x9b"          # how printable spells it
NAME = f"a{EVIL}.Dockerfile"
BYTES_NAME = b"x\xff.Dockerfile"                     # not UTF-8: Python sees 'x\udcff.Dockerfile'
HOSTILE_DF = (
    "FROM ubuntu\x1b[2J\n"                                                # LL101 quotes the image
    'LABEL "k\x1b]8;;http://evil.example/\x1b\\\\x\x1b]8;;\x1b\\\\"=v\n'  # an OSC 8 link in a label key
    f"RUN apt-get install curl{EVIL}\n"                                   # LL311, LL315 frame it
)
UNKNOWN_DF = "FROM alpine:3.19\nFOO\x1b[2J\u202e bar\n"  # "unknown instruction: FOO..."

FORMATS = ("json", "sarif", "github", "summary", "gitlab", "checkstyle", "junit")  # tty: stdout
TEXT_FORMATS = ("tty", "github", "summary", "checkstyle", "junit")


def run(*args, cwd):
    """``python -m layerlint`` with bytes argv; (exit code, stdout bytes, stderr bytes)."""
    p = subprocess.run([sys.executable, "-m", "layerlint", *args], cwd=cwd, capture_output=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def utf8(data: bytes, what: str) -> str:
    """The text of an output, which must be UTF-8 and carry no raw control."""
    text = data.decode("utf-8")  # strict: a lone surrogate written out would fail here
    m = RAW.search(text)
    assert m is None, f"{what}: raw {m.group()!r} at {m.start()}: {text[max(0, m.start() - 60):m.start() + 20]!r}"
    return text


def sarif_validator():
    return jsonschema.Draft4Validator(json.loads(shared_path("schemas", "sarif-schema-2.1.0.json").read_text()))


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """One run over the hostile repository writing every format: tty on stdout, the rest -o."""
    tmp = tmp_path_factory.mktemp("hostile")
    repo, out = tmp / "repo", tmp / "out"
    repo.mkdir()
    out.mkdir()
    (repo / NAME).write_text(HOSTILE_DF)
    (repo / "unknown.Dockerfile").write_text(UNKNOWN_DF)
    with open(os.path.join(os.fsencode(repo), BYTES_NAME), "wb") as fh:
        fh.write(b"FROM ubuntu\nRUN apt-get install curl\n")
    assert {os.fsencode(n) for n in os.listdir(repo)} == {os.fsencode(NAME), b"unknown.Dockerfile", BYTES_NAME}
    args = ["--format", "tty"]
    for fmt in FORMATS:
        args += ["--format", fmt, "-o", str(out / f"report.{fmt}")]
    code, stdout, stderr = run(*args, NAME, "unknown.Dockerfile", os.fsdecode(BYTES_NAME), cwd=repo)
    written = {fmt: out / f"report.{fmt}" for fmt in FORMATS}
    outputs = {"tty": stdout, **{fmt: p.read_bytes() for fmt, p in written.items() if p.exists()}}
    outputs["listing"] = sorted(os.listdir(os.fsencode(repo))) + sorted(os.listdir(os.fsencode(out)))
    return code, outputs, stderr


def test_no_output_carries_a_raw_control_and_every_one_is_utf8(hostile_run):
    code, outputs, stderr = hostile_run
    assert code == 2  # unknown.Dockerfile could not be linted; the others were
    err = utf8(stderr, "stderr")
    assert "Traceback" not in err
    # every -o file written, nothing else anywhere
    assert outputs["listing"] == sorted([os.fsencode(NAME), b"unknown.Dockerfile", BYTES_NAME]) + \
        sorted(f"report.{fmt}".encode() for fmt in FORMATS)
    texts = {fmt: utf8(data, fmt) for fmt, data in outputs.items() if fmt != "listing"}
    assert sorted(texts) == sorted(["tty", *FORMATS])
    for fmt in TEXT_FORMATS:  # the names are shown, spelled out, not dropped
        shown = texts[fmt]
        if fmt == "summary":  # Markdown escapes the backslashes and brackets of the spelling
            shown = shown.replace("\\\\", "\\").replace("\\[", "[").replace("\\]", "]")
        assert "x\\xff.Dockerfile" in shown and EVIL_SHOWN in shown, fmt
        assert "\\x1b[2J" in shown and "unknown instruction: FOO\\x1b[2J\\u202e" in shown, fmt


def test_tty_shows_the_escapes_in_messages_and_code_frames(hostile_run):
    tty = hostile_run[1]["tty"].decode()
    assert f"a{EVIL_SHOWN}.Dockerfile:1:6: warning LL101" in tty
    assert "Image ubuntu\\x1b[2J has no tag" in tty
    assert "Label key `k\\x1b]8;;http://evil.example/\\x1b\\\\x\\x1b]8;;\\x1b\\\\` is invalid" in tty
    lines = tty.splitlines()
    i = lines.index(f"    3 | RUN apt-get install curl{EVIL_SHOWN}")
    assert lines[i + 1] == "      |             ^^^^^^^"  # LL311 on `install`


def test_github_workflow_commands_stay_annotations(hostile_run):
    text = hostile_run[1]["github"].decode()
    for line in text.splitlines():
        assert re.match(r"::(error|warning|notice) file=[^:]*,line=\d+", line), line
    assert f"::warning file=a{EVIL_SHOWN}.Dockerfile,line=1," in text


def test_xml_reports_parse_and_show_the_names(hostile_run):
    for fmt, tag, attr in (("checkstyle", "file", "name"), ("junit", "testsuite", "name")):
        root = ET.fromstring(hostile_run[1][fmt])
        names = sorted(e.get(attr) for e in root.iter(tag))
        assert names == sorted([f"a{EVIL_SHOWN}.Dockerfile", "unknown.Dockerfile", "x\\xff.Dockerfile"]), fmt


def test_json_reports_parse_and_keep_the_text(hostile_run):
    outputs = hostile_run[1]
    doc = json.loads(outputs["json"])
    paths = sorted(f["path"] for f in doc["files"])
    # faithful (JSON escapes it), except the undecodable byte, spelled \xff
    assert paths == sorted([NAME, "unknown.Dockerfile", "x\\xff.Dockerfile"])
    assert any(f["message"].startswith("Image ubuntu\x1b[2J has no tag") for f in doc["findings"])
    raw = outputs["json"].decode()
    assert '"a\\u001b]0;PWNED\\u0007\\u202e\\u009b.Dockerfile"' in raw  # escaped in the bytes
    gitlab = json.loads(outputs["gitlab"])
    assert {i["location"]["path"] for i in gitlab} == {NAME, "unknown.Dockerfile", "x\\xff.Dockerfile"}


def test_sarif_validates_and_its_uris_name_the_real_files(hostile_run):
    doc = json.loads(hostile_run[1]["sarif"])
    errors = sorted(sarif_validator().iter_errors(doc), key=str)
    assert not errors, errors[0]
    run_ = doc["runs"][0]
    locations = [loc["physicalLocation"]["artifactLocation"] for res in run_["results"] for loc in res["locations"]]
    locations += [loc["physicalLocation"]["artifactLocation"]
                  for n in run_["invocations"][0]["toolExecutionNotifications"] for loc in n["locations"]]
    uris = {loc["uri"] for loc in locations}
    for uri in uris:  # RFC 3986: ASCII, unreserved/reserved characters and %XX only
        assert re.fullmatch(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", uri), uri
    assert {unquote_to_bytes(u) for u in uris} == {os.fsencode(NAME), b"unknown.Dockerfile", BYTES_NAME}
    assert "x%FF.Dockerfile" in uris


def test_summary_holds_no_html_link_or_image(tmp_path):
    name = "<img src=x onerror=alert(1)>![i](x.png)[l](x).Dockerfile"
    key = "k<b>x</b> [a](http://evil.example/) ![i](http://evil.example/i.png) http://evil.example www.evil.example a@evil.example"
    (tmp_path / name).write_text(f'FROM alpine:3.19\nLABEL "{key}"=v\nRUN apt-get install -y curl{EVIL}\n')
    code, out, _ = run("--format", "summary", name, cwd=tmp_path)
    text = utf8(out, "summary")
    assert code == 1 and "LL514" in text
    rows = [ln for ln in text.splitlines() if ln.startswith("| ") and "---" not in ln]
    assert len(rows) > 2
    for row in rows:
        assert len(re.split(r"(?<!\\)\|", row)) == 6, row  # no pipe from the file breaks the table
    body = re.sub(r"\[LL\d+\]\(https://[^)]*\)", "", "\n".join(rows[1:]))  # our own rule links
    assert "<img" not in body and "<b>" not in body and "&lt;img" in body
    assert not re.search(r"(?<!\\)\]\(", body)                  # no [text](url) or ![alt](url)
    assert "http://" not in body and "www.evil" not in body and "@evil" not in body  # no autolink
    assert "http<span></span>://evil.example" in body


def test_tty_colours_are_the_only_escape_sequences(tmp_path, monkeypatch):
    from layerlint.engine.lint_file import lint_path
    from layerlint.engine.settings import Settings
    from layerlint.report import ReportOptions, render
    from layerlint.report.tty import _RESET, _START
    monkeypatch.chdir(tmp_path)
    (tmp_path / NAME).write_text(HOSTILE_DF)
    out = render("tty", [lint_path(NAME, Settings())], ReportOptions(color=True))
    assert _START["caret"] in out
    for code in (*_START.values(), _RESET):
        out = out.replace(code, "")
    utf8(out.encode(), "coloured tty")


def test_explain_and_its_diagrams_show_the_escapes(tmp_path):
    (tmp_path / NAME).write_text(HOSTILE_DF)
    for fmt in ("tty", "dot"):  # mermaid labels are entity codes (tests/test_formats.py)
        code, out, err = run("explain", "--no-color", "--format", fmt, NAME, cwd=tmp_path)
        assert code == 0, err
        assert "\\x1b[2J" in utf8(out, f"explain {fmt}"), fmt
    with open(os.path.join(os.fsencode(tmp_path), BYTES_NAME), "wb") as fh:
        fh.write(b"FROM ubuntu\n")
    code, out, err = run("explain", "--format", "json", os.fsdecode(BYTES_NAME), cwd=tmp_path)
    assert code == 0, err
    assert json.loads(utf8(out, "explain json"))["dockerfile"] == "x\\xff.Dockerfile"


# -- non-UTF-8 names: SARIF URIs are the bytes ------------------------------------------------

def test_non_utf8_cwd_and_file_outside_it(tmp_path):
    base = os.fsencode(tmp_path)
    cwd, outside = os.path.join(base, b"w\xfe"), os.path.join(base, b"o\xff")
    for d in (cwd, outside):
        os.mkdir(d)
        with open(os.path.join(d, b"Dockerfile"), "wb") as fh:
            fh.write(b"FROM ubuntu\n")
    far = os.path.join(outside, b"Dockerfile")
    code, out, err = run("--format", "sarif", "Dockerfile", far, cwd=cwd)
    assert code == 1, err
    doc = json.loads(utf8(out, "sarif"))
    assert not list(sarif_validator().iter_errors(doc))
    run_ = doc["runs"][0]
    base_uri = run_["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base_uri.startswith("file:///") and unquote_to_bytes(base_uri[len("file://"):]) == cwd + b"/"
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]}
    (far_uri,) = uris - {"Dockerfile"}
    assert far_uri.isascii() and far_uri.endswith("/o%FF/Dockerfile")
    assert unquote_to_bytes(far_uri[len("file://"):]) == far


def test_non_utf8_name_to_stdout(tmp_path):
    """The structured formats on stdout too (they used to die with UnicodeEncodeError)."""
    with open(os.path.join(os.fsencode(tmp_path), BYTES_NAME), "wb") as fh:
        fh.write(b"FROM ubuntu\n")
    for fmt in ("json", "sarif"):
        code, out, err = run("--format", fmt, os.fsdecode(BYTES_NAME), cwd=tmp_path)
        assert code == 1 and b"Traceback" not in err, (fmt, err)
        spelled = "x%FF.Dockerfile" if fmt == "sarif" else "x\\xff.Dockerfile"
        assert spelled in utf8(out, fmt).replace("\\\\", "\\"), fmt


# -- bounded excerpts -------------------------------------------------------------------------

def _long_df(n_runs: int, length: int) -> str:
    """RUN instructions of about ``length`` characters over four continuation lines, each one
    found by LL311 and LL312 (framed), LL315 (which quotes every package) and LL309."""
    pkg = "p" * (length // 4)
    runs = [f"RUN apt-get install {pkg}{i}a \\\n  {pkg}b \\\n  {pkg}c \\\n  {pkg}d" for i in range(n_runs)]
    return "FROM ubuntu:22.04\n" + "\n".join(runs) + "\n"


def _sizes(tmp_path, n_runs: int, length: int):
    (tmp_path / "Dockerfile").write_text(_long_df(n_runs, length))
    code, tty, _ = run("--format", "tty", "--format", "json", "-o", "r.json", "Dockerfile", cwd=tmp_path)
    assert code == 1
    doc = json.loads((tmp_path / "r.json").read_text())
    return len(tty), len((tmp_path / "r.json").read_bytes()), doc


def test_output_is_bounded_per_finding_however_long_the_instruction(tmp_path):
    tty_small, json_small, doc_small = _sizes(tmp_path, 6, 400)
    tty_big, json_big, doc = _sizes(tmp_path, 6, 60_000)  # a 360 KB file
    n = doc["summary"]["findings"]
    assert n == doc_small["summary"]["findings"] >= 18
    # the long file costs each finding a bounded few hundred bytes more, never the instruction
    assert tty_big < tty_small + n * 1_000 and tty_big < n * 1_500
    assert json_big < json_small + n * 2_100
    messages = [f["message"] for f in doc["findings"]]
    assert max(map(len, messages)) == 2_001 and any(m.endswith("\u2026") for m in messages)


def test_code_frame_is_cut_around_the_column(tmp_path):
    prefix = "RUN " + "echo \x1b[2J && " * 3_000  # `install` is at column 45,013
    (tmp_path / "Dockerfile").write_text(f"FROM alpine:3.19\n{prefix}apt-get install curl\n")
    code, out, _ = run("--select", "LL311", "Dockerfile", cwd=tmp_path)
    text = utf8(out, "tty")
    assert code == 1 and f"Dockerfile:2:{len(prefix) + 9}: warning LL311" in text
    lines = text.splitlines()
    frame = next(i for i, ln in enumerate(lines) if ln.startswith("    2 | "))
    shown, carets = lines[frame], lines[frame + 1]
    assert shown.startswith("    2 | \u2026") and shown.endswith("install curl")
    assert len(shown) < 400  # 120 characters of the line, some widened by their escapes
    assert "\\x1b[2J" in shown
    assert carets.index("^") == shown.index("install") and carets.count("^") == len("install")


def test_messages_are_capped_in_text_formats(tmp_path):
    pkg = "q" * 5_000
    (tmp_path / "Dockerfile").write_text(f"FROM alpine:3.19\nRUN apk add {pkg}\n")
    code, out, _ = run("--select", "LL315", "--format", "github", "Dockerfile", cwd=tmp_path)
    (line,) = utf8(out, "github").splitlines()
    message = line.split("::", 2)[2]
    assert code == 1 and len(message) == 501 and message.endswith("\u2026")


# -- the helpers' contracts -------------------------------------------------------------------

def test_json_text_escapes_what_printable_escapes_and_parses_back():
    from layerlint.report.common import json_text
    from layerlint.text import printable
    unsafe = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF and printable(chr(c)) != chr(c)]
    assert "\x1b" in unsafe and "\u202e" in unsafe and "\x9b" in unsafe
    text = json_text({"s": "".join(unsafe)})
    utf8(text.encode(), "json_text")
    assert json.loads(text) == {"s": "".join(unsafe)}
    assert json.loads(json_text(["x\udcff"])) == ["x\\xff"]


def test_github_escape_keeps_line_breaks_and_spells_the_rest():
    from layerlint.report.github import escape_data, escape_property
    assert escape_data("a\nb\x1b[2Jc\rd%\u202e") == "a%0Ab\\x1b[2Jc%0Dd%25\\u202e"
    assert escape_property("x\udcff:y,\x07") == "x\\xff%3Ay%2C\\x07"
