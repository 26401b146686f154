"""Property-based fuzzing of the whole pipeline, and a backtracking audit of every regex.

* Dockerfiles generated from a grammar (parser directives, every instruction with its flags,
  shell and JSON forms, continuations with comment and blank lines inside, heredocs, variable
  expansions, quotes and escapes, CRLF) and raw bytes (random, and grammar output with bytes
  spliced in) go through parse, graph, every rule (opt-in ones too), every report format and
  the fixer: nothing raises, every run finishes, and a fix never turns a file that parses
  into one that does not.
* Every regular expression in ``layerlint/`` is run against runs of ``\\``, spaces, ``$``, ``{``
  and friends by a backtracking matcher that counts its steps: steps that grow faster than
  quadratically from an 8- to an 80-character run (catastrophic backtracking) fail with the
  pattern's source location.  Counted, not timed, so the result does not depend on the
  machine's load; ``bench/regex_audit.py`` times ``re`` itself on 10,000-character runs.

The CI run is bounded (``LAYERLINT_FUZZ_EXAMPLES``, default 200 per test, ``deadline=None``); a longer
local run:

    LAYERLINT_FUZZ_EXAMPLES=20000 LAYERLINT_FUZZ_RANDOM=1 .venv/bin/pytest tests/test_fuzz.py -x

(``LAYERLINT_FUZZ_RANDOM=1``: new random examples on every run instead of the fixed CI set;
``LAYERLINT_REGEX_RUN``: length of bench/regex_audit.py's worst-case regex inputs, default 10,000.)
"""
from __future__ import annotations

import ast
import json
import os
import re
import signal
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layerlint.engine.settings import Settings
from layerlint.engine.lint_file import lint_bytes

pytestmark = pytest.mark.slow  # hypothesis runs and the regex audit

FUZZ_EXAMPLES = int(os.environ.get("LAYERLINT_FUZZ_EXAMPLES", "200"))
HANG_SECONDS = 120  # per example: far above any real run, it only turns a hang into a failure
FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=not os.environ.get("LAYERLINT_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much], database=None)
PKG = Path(__file__).resolve().parents[1] / "layerlint"

# -- the grammar ---------------------------------------------------------------------------------
NAMES = st.sampled_from(["a", "b", "BASE", "TAG", "HOME", "PATH", "v1", "x_y", "UID", "TARGETARCH"])
PLAIN = st.sampled_from([
    "alpine", "python:3.12-slim", "node:20", "ubuntu:22.04@sha256:" + "a" * 64, "scratch", "ghcr.io/o/i:1",
    "build", "0", "/app", "./", ".", "..", "../../etc/passwd", "*.txt", "src/", "a b", "--", "-x", "=", "a=b",
    "apt-get", "install", "-y", "curl", "pip", "-r", "requirements.txt", "npm", "ci", "go", "build", "&&", "||",
    "|", ";", "&", ">", "2>&1", "<", "(", ")", "{", "}", "if", "then", "fi", "for", "do", "done", "case", "esac",
    "rm", "-rf", "/var/lib/apt/lists/*", "cd", "/tmp", "sudo", "useradd", "-m", "wget", "-O", "-", "sh", "-c",
    "8080/tcp", "root", "1000:1000", "SIGTERM", "héllo", "日本", "\u202e", "\\", "`", "'", '"', "#", "\t",
])


@st.composite
def expansions(draw, depth=0):
    name = draw(NAMES)
    op = draw(st.sampled_from(["", ":-", "-", ":+", "+", ":?", "?", "#", "##", "%", "%%", "/", "//"]))
    if draw(st.booleans()):
        return f"${name}"
    if not op:
        return "${" + name + "}"
    inner = draw(words(depth + 1)) if depth < 3 and draw(st.booleans()) else draw(PLAIN)
    if op in ("/", "//"):
        return "${" + name + op + inner + "/" + draw(PLAIN) + "}"
    return "${" + name + op + inner + "}"


@st.composite
def words(draw, depth=0):
    parts = draw(st.lists(st.one_of(PLAIN, expansions(depth) if depth < 3 else PLAIN,
                                    st.text(max_size=6)), min_size=1, max_size=3))
    w = "".join(parts)
    quote = draw(st.sampled_from(["", "", "", '"', "'"]))
    return f"{quote}{w}{quote}"


def shell_words(draw, n_max=8):
    return " ".join(draw(st.lists(words(), min_size=1, max_size=n_max)))


@st.composite
def continued(draw, text, esc="\\"):
    """``text`` split over continuation lines, with comment and blank lines inside."""
    toks = text.split(" ")
    out = [toks[0]]
    for t in toks[1:]:
        if draw(st.integers(0, 3)) == 0:
            extra = draw(st.sampled_from(["", "# a comment\n", "\n", "  # indented\n", "\t\n"]))
            out.append(f" {esc}\n{extra}{t}")
        else:
            out.append(" " + t)
    if draw(st.integers(0, 10)) == 0:
        out.append(f" {esc}")  # continuation at the end of the file / before the next line
    return "".join(out)


def json_array(draw):
    items = draw(st.lists(words(), max_size=4))
    if draw(st.integers(0, 8)) == 0:
        return draw(st.sampled_from(['["a", 1]', '[', '["a",]', '[["x"]]', '["a" "b"]', "[]", '["\\u0000"]']))
    return json.dumps(items, ensure_ascii=draw(st.booleans()))


@st.composite
def heredoc(draw):
    delim = draw(st.sampled_from(["EOF", "END", "X"]))
    quoted = draw(st.sampled_from(["", "'", '"']))
    dash = draw(st.sampled_from(["", "-"]))
    body = draw(st.lists(st.one_of(st.just("set -e"), st.just("#!/bin/sh"), st.just("\techo tab"),
                                   words().map(lambda w: f"echo {w}")), max_size=4))
    closed = draw(st.integers(0, 12)) != 0
    head = f"<<{dash}{quoted}{delim}{quoted}"
    tail = "\n".join(body) + ("\n" + ("\t" if dash else "") + delim if closed else "")
    return head, tail


FLAGS = {
    "FROM": ["--platform=linux/amd64", "--platform=$BUILDPLATFORM"],
    "RUN": ["--mount=type=cache,target=/root/.cache", "--mount=type=bind,from=build,source=/x,target=/y",
            "--mount=type=secret,id=tok", "--network=none", "--security=insecure", "--mount=", "--mount=type=tmpfs"],
    "COPY": ["--from=build", "--from=0", "--chown=1000:1000", "--chmod=755", "--link", "--parents",
             "--exclude=*.md", "--from=${BASE}"],
    "ADD": ["--checksum=sha256:" + "b" * 64, "--keep-git-dir=true", "--chown=app", "--unpack=true"],
    "HEALTHCHECK": ["--interval=30s", "--timeout=3s", "--retries=3", "--start-period=1s"],
}


@st.composite
def instruction(draw, esc="\\", depth=0):
    kw = draw(st.sampled_from(["FROM", "RUN", "COPY", "ADD", "ARG", "ENV", "LABEL", "WORKDIR", "USER", "CMD",
                               "ENTRYPOINT", "EXPOSE", "VOLUME", "HEALTHCHECK", "SHELL", "STOPSIGNAL", "ONBUILD",
                               "MAINTAINER", "BOGUS"]))
    flags = " ".join(draw(st.lists(st.sampled_from(FLAGS.get(kw, ["--x"])), max_size=2))) if kw in FLAGS else ""
    heredocs = []
    if kw == "FROM":
        args = draw(st.one_of(PLAIN, expansions())) + draw(st.sampled_from(["", " AS build", " as s1", " AS"]))
    elif kw in ("RUN", "CMD", "ENTRYPOINT", "SHELL"):
        if draw(st.integers(0, 3)) == 0:
            args = json_array(draw)
        elif kw == "RUN" and draw(st.integers(0, 3)) == 0:
            hs = draw(st.lists(heredoc(), min_size=1, max_size=2))
            args = " ".join(h for h, _ in hs) + " " + draw(st.sampled_from(["", "&& echo x", "| sh", "bash"]))
            heredocs = [t for _, t in hs]
        else:
            args = shell_words(draw)
    elif kw in ("COPY", "ADD"):
        if draw(st.integers(0, 4)) == 0:
            h, t = draw(heredoc())
            args, heredocs = f"{h} /dst", [t]
        elif draw(st.integers(0, 4)) == 0:
            args = json_array(draw)
        else:
            args = shell_words(draw, 4)
    elif kw in ("ARG", "ENV", "LABEL"):
        pairs = draw(st.lists(st.tuples(NAMES, words()), min_size=1, max_size=3))
        if kw == "ENV" and draw(st.integers(0, 4)) == 0:
            args = f"{pairs[0][0]} {pairs[0][1]} {shell_words(draw, 2)}"  # legacy form
        else:
            args = " ".join(f"{k}={v}" if draw(st.integers(0, 5)) else k for k, v in pairs)
    elif kw == "ONBUILD":
        inner = draw(instruction(esc, depth + 1)) if depth < 2 else "RUN echo hi"
        return f"ONBUILD {inner}"
    elif kw == "HEALTHCHECK":
        args = draw(st.sampled_from(["NONE", "CMD curl -f http://localhost/", 'CMD ["true"]', "CMD", ""]))
    else:
        args = shell_words(draw, 3)
    keyword = draw(st.sampled_from([kw, kw.lower(), kw.title()]))
    line = " ".join(x for x in (keyword, flags, args) if x)
    line = draw(continued(line, esc))
    return line + "".join("\n" + t for t in heredocs)


@st.composite
def dockerfiles(draw):
    esc = draw(st.sampled_from(["\\", "\\", "`"]))
    lines = []
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["# syntax=docker/dockerfile:1", "# syntax = docker/dockerfile:1.7"])))
    if esc == "`" or draw(st.integers(0, 5)) == 0:
        lines.append(f"# escape={esc}")
    if draw(st.integers(0, 5)) == 0:
        lines.append(draw(st.sampled_from(["# check=skip=JSONArgsRecommended", "# check=error=true",
                                           "# hadolint global ignore=DL3008"])))
    if draw(st.booleans()):
        lines.append(f"ARG {draw(NAMES)}={draw(PLAIN)}")
    lines.append(f"FROM {draw(PLAIN)}")
    for ins in draw(st.lists(instruction(esc), max_size=14)):
        if draw(st.integers(0, 6)) == 0:
            lines.append(draw(st.sampled_from(["", "# comment", "# layerlint: ignore=LL201", "# hadolint ignore=DL3008",
                                               "   ", "# check=skip=all"])))
        lines.append(ins)
    text = "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))
    if draw(st.integers(0, 6)) == 0:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 15)) == 0:
        data = b"\xef\xbb\xbf" + data
    return data


@st.composite
def mutated(draw):
    """Grammar output with random bytes spliced in (NUL, CR, invalid UTF-8, ...)."""
    data = bytearray(draw(dockerfiles()))
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(data)))
        data[pos:pos] = draw(st.one_of(st.binary(max_size=4), st.sampled_from(
            [b"\r", b"\x00", b"\xff", b"\xc3", b"\\", b"\\\n", b"<<EOF\n", b"${", b"$(", b"'", b'"', b"\xe2\x80\xae"])))
    return bytes(data)


# -- the pipeline --------------------------------------------------------------------------------
class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang(f"no result after {HANG_SECONDS} s")


ALL = Settings(select=["ALL"], report_unused_pragmas=True)


def pipeline(data: bytes, tmp: Path) -> None:
    """parse -> graph -> every rule -> every report format -> fixer; must not raise or hang."""
    from layerlint.engine.fixer import fix_bytes
    from layerlint.report import FORMATS, ReportOptions, render
    from layerlint.syntax import parse_bytes
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_SECONDS)
    try:
        res = lint_bytes(data, "Dockerfile", ALL, context_dir=str(tmp), real_path=str(tmp / "Dockerfile"))
        for e in res.errors:
            assert isinstance(e.line, int) and e.message and "\n" not in e.message
            assert "layerlint bug" not in e.message, e.message  # a rule raised (engine/lint_file.py turns it into an error)
        for f in res.findings:
            assert 0 <= f.span.line and f.message
        for fmt in FORMATS:
            out = render(fmt, [res], ReportOptions(tool_version="0.0.0"))
            assert isinstance(out, str)
            if fmt in ("json", "sarif", "gitlab"):
                json.loads(out)
        outcome = fix_bytes(data, "Dockerfile", ALL, context_dir=str(tmp), real_path=str(tmp / "Dockerfile"))
        if outcome.changed:
            before = parse_bytes(data)
            after = parse_bytes(outcome.fixed)
            assert after.ok or not before.ok, "a fix broke a file that parsed"
            fix_bytes(outcome.fixed, "Dockerfile", ALL, context_dir=str(tmp))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    d = tmp_path_factory.mktemp("ctx")
    (d / "requirements.txt").write_text("click==8.1.7\n")
    (d / "package.json").write_text("{}\n")
    (d / ".dockerignore").write_text("*.md\n!README.md\n**/node_modules\n")
    (d / "src").mkdir()
    (d / "src" / "app.py").write_text("print(1)\n")
    return d


@FUZZ
@given(data=dockerfiles())
def test_grammar_dockerfiles(context, data):
    pipeline(data, context)


@FUZZ
@given(data=mutated())
def test_mutated_dockerfiles(context, data):
    pipeline(data, context)


@FUZZ
@given(data=st.binary(max_size=3000))
def test_raw_bytes(context, data):
    pipeline(data, context)


@FUZZ
@given(text=st.text(max_size=1500))
def test_any_text(context, text):
    pipeline(text.encode("utf-8", "surrogatepass"), context)


# -- what the first fuzz suite missed (#18): expansion bombs, JSON escapes, failing streams --------
# Expansion is where input multiplies (a value doubling each line, `${...}` nested past the
# expander's depth), so these run in a child process under an address-space limit: the memory
# bound is the kernel's, not a timer's.  A run must end with findings, or with an error that says
# what was given up, never with MemoryError or a traceback.
MODIFIERS = ["", ":-x", ":+{ref}{ref}", "-{ref}", "+y", "#a", "##*/", "%b", "%%.*", "/x/yy", "//x/{ref}", ":-{ref}{ref}"]


@st.composite
def variable_bombs(draw):
    """ARG/ENV lines that reference earlier ones (1-3 times each, with and without modifiers, some
    nested up to 400 deep), then every instruction that expands them, in a stage and globally."""
    n = draw(st.integers(2, 45))
    kind = draw(st.sampled_from(["ARG", "ENV", "mixed"]))
    where_global = kind == "ARG" and draw(st.booleans())
    lines = ["ARG V0=" + draw(st.sampled_from(["xxxxxxxxxx", "a b", "$$", "x" * 1000]))]
    for i in range(1, n):
        def ref():
            j = draw(st.integers(max(0, i - 3), i - 1))
            mod = draw(st.sampled_from(MODIFIERS))
            inner = mod.replace("{ref}", f"$V{j}")
            return f"${{V{j}{inner}}}" if mod or draw(st.booleans()) else f"$V{j}"
        value = "".join(ref() for _ in range(draw(st.integers(1, 3))))
        depth = draw(st.sampled_from([0, 0, 0, 3, 199, 200, 201, 400]))
        value = "${u:-" * depth + value + "}" * depth
        kw = draw(st.sampled_from(["ARG", "ENV"])) if kind == "mixed" else kind
        lines.append(f"{kw} V{i}={value}")
    last = f"$V{n - 1}"
    uses = [f"LABEL l={last}", f"COPY {last} /x", f"WORKDIR /{last}", f"RUN echo {last} && apt-get install {last}",
            f"EXPOSE {last}", f"USER {last}", f"ENV E={last}", f"ADD --chmod={last} a /b",
            f"RUN --mount=type=cache,target=/{last} true", f"COPY --from={last} /a /b"]
    body = draw(st.lists(st.sampled_from(uses), min_size=1, max_size=6))
    if where_global:
        text = "\n".join(lines + [f"FROM alpine:{last}", f"FROM {last}"] + body)
    else:
        text = "\n".join(["FROM alpine:3.19"] + lines + body)
    return (text + "\n").encode()


ESCAPES = ["\\ud800", "\\udfff", "\\udc00\\ud800", "\\ud83d\\ude00", "\\u0000", "\\u001b[2J", "\\u202e", "\\u0085",
           "\\u2028", "\\ufeff", "\\uffff", "\\u00e9", "\\n", "\\t", "\\\\", '\\"', "\\/", "\\b", "\\u12", "\\x41",
           "\\ud800\\u0041"]


@st.composite
def json_escapes(draw):
    """Exec-form instructions whose JSON strings hold escapes: lone and reversed surrogates, NUL,
    terminal controls, bidi marks, truncated and invalid escapes."""
    def item():
        parts = draw(st.lists(st.one_of(st.sampled_from(ESCAPES), st.sampled_from(["a", "/x", "http://h/", " "])),
                              min_size=1, max_size=4))
        return '"' + "".join(parts) + '"'
    lines = ["FROM alpine:3.19"]
    for _ in range(draw(st.integers(1, 6))):
        kw = draw(st.sampled_from(["COPY", "ADD", "RUN", "CMD", "ENTRYPOINT", "SHELL", "VOLUME", "HEALTHCHECK CMD",
                                   "ONBUILD RUN", "ONBUILD COPY"]))
        items = [item() for _ in range(draw(st.integers(1, 3)))]
        if kw in ("COPY", "ADD", "ONBUILD COPY"):
            items.append('"/dst/"')
        lines.append(f"{kw} [{', '.join(items)}]")
    return ("\n".join(lines) + "\n").encode()


def everywhere(data: bytes, tmp: Path) -> None:
    """``pipeline`` plus ``explain`` in each of its formats and the server's diagnostics, symbols
    and hovers: every text that reaches an output must be writable as strict UTF-8."""
    pipeline(data, tmp)
    from layerlint.cache.explain import ExplainError, explain
    from layerlint.report.explain import render
    path = tmp / "Dockerfile"
    path.write_bytes(data)
    try:
        ex = explain(str(path), str(tmp))
    except ExplainError as exc:
        assert "\n" not in str(exc)
    else:
        for fmt in ("tty", "json", "mermaid", "dot"):
            render(ex, fmt, color=fmt == "tty").encode("utf-8")
    from layerlint.server import features
    from layerlint.server.analysis import Analysis, ConfigCache
    text = data.decode("utf-8", "replace")
    a = Analysis("file://" + str(path), str(path), text, 1, 1)
    a.run(ConfigCache())
    assert a.failure is None or "layerlint bug" not in a.failure, a.failure
    for d in features.diagnostics(a):
        d.message.encode("utf-8")
    features.document_symbols(a)
    for line in range(min(text.count("\n") + 1, 8)):
        h = features.hover(a, line, 6)
        if h is not None:
            str(h).encode("utf-8", "surrogatepass")


REACHED: set[str] = set()  # what the bombs' lints ended in, checked once the child's run is over


@FUZZ
@given(data=variable_bombs())
def _child_variable_bombs(data):
    everywhere(data, CHILD_CONTEXT)
    res = lint_bytes(data, "Dockerfile", ALL, context_dir=str(CHILD_CONTEXT))
    for says in ("nested more than 200 deep", "expand to more than layerlint's limit"):
        if any(says in e.message for e in res.errors):
            REACHED.add(says)
    if not res.errors and any(f.rule == "LL315" for f in res.findings):
        REACHED.add("expanded in full")


def _child_variable_bombs_reach_the_limits():
    """The generator is not all small: its files hit each give-up, and some expand in full."""
    _child_variable_bombs()
    assert REACHED == {"nested more than 200 deep", "expand to more than layerlint's limit", "expanded in full"}, REACHED


@FUZZ
@given(data=json_escapes())
def _child_json_escapes(data):
    everywhere(data, CHILD_CONTEXT)


CHILD_CONTEXT = Path(os.environ.get("LAYERLINT_FUZZ_CONTEXT", "/nonexistent"))
CHILD_MEMORY = 3 << 30  # address space (not RSS) for a Python with pygls and hypothesis loaded


def _in_memory_bounded_child(name: str, tmp: Path) -> None:
    import resource
    import subprocess

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))

    code = f"import tests.test_fuzz as t; t.{name}(); print('ok')"  # a failure: hypothesis's report, exit 1
    p = subprocess.run([sys.executable, "-c", code], cwd=PKG.parent, preexec_fn=limit, capture_output=True,
                       text=True, env=dict(os.environ, LAYERLINT_FUZZ_CONTEXT=str(tmp)))
    assert p.returncode == 0 and p.stdout.strip().endswith("ok"), p.stderr[-6000:]


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS as Linux applies it")
@pytest.mark.parametrize("name", ["_child_variable_bombs_reach_the_limits", "_child_json_escapes"])
def test_hostile_generators_under_a_memory_limit(context, name):
    _in_memory_bounded_child(name, context)


FAILING_STREAMS = ["full", "closed", "broken-pipe", "full-file"]


@settings(max_examples=min(FUZZ_EXAMPLES, 12), deadline=None, derandomize=not os.environ.get("LAYERLINT_FUZZ_RANDOM"),
          database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                HealthCheck.function_scoped_fixture])
@given(data=st.one_of(dockerfiles(), json_escapes()), stream=st.sampled_from(FAILING_STREAMS),
       fmt=st.sampled_from(["tty", "json", "sarif", "github", "gitlab", "checkstyle", "junit", "summary"]),
       command=st.sampled_from(["lint", "explain"]))
def test_output_to_failing_streams(tmp_path, data, stream, fmt, command):
    """Whatever the input, a stream that cannot be written ends the run with one line on stderr
    and exit 2 (or the findings' exit code when the failure is only the pipe's reader going away)."""
    import subprocess
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    (tmp_path / "Dockerfile").write_bytes(data)
    args = [sys.executable, "-m", "layerlint"]
    if command == "explain":
        args += ["explain", "--format", "json" if fmt == "json" else "tty", "Dockerfile"]
    else:
        args += ["--select", "ALL", "--format", fmt, "Dockerfile"]
    if stream == "full-file" and command == "lint":
        args += ["-o", "/dev/full"]  # explain writes to standard output only
    if stream in ("full", "full-file"):
        with open("/dev/full", "w") as out:
            p = subprocess.run(args, cwd=tmp_path, stdout=out, stderr=subprocess.PIPE, timeout=300)
    elif stream == "closed":
        p = subprocess.run(args, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300,
                           preexec_fn=lambda: os.close(1))
    else:
        proc = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdout.close()  # the reader goes away before the first byte
        _, err = proc.communicate(timeout=300)
        p = subprocess.CompletedProcess(args, proc.returncode, None, err)
    err = p.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    assert p.returncode in (0, 1, 2), (p.returncode, err)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    if stream == "broken-pipe":
        assert "cannot write" not in err, err  # the reader leaving is not the run's failure
    elif any("cannot write" in ln for ln in lines):
        assert p.returncode == 2 and sum("cannot write" in ln for ln in lines) == 1, (p.returncode, err)
    if p.returncode == 2:
        assert lines and all(ln.startswith(("layerlint: ", "Dockerfile")) or ln.startswith(" ") for ln in lines), err


def test_grammar_reaches_the_rules(context):
    """The generator is not all noise: a share of its files parse and draw findings."""
    from hypothesis import find
    data = find(dockerfiles(), lambda d: (lambda r: not r.errors and len(r.findings) >= 3)(
        lint_bytes(d, "Dockerfile", ALL, context_dir=str(context))), settings=settings(max_examples=500, database=None))
    assert data


# -- regular expressions -------------------------------------------------------------------------
RE_FUNCS = {"compile", "match", "search", "fullmatch", "sub", "subn", "findall", "finditer", "split"}
SEEDS = ("\\", " ", "$", "{", "\t", "a", "0", "-", ".", "/", "=", '"', "'", ":", ",", "*", "@", "[", "(", "}", "#",
         "<", "\n", "_", "%")
PAIRS = ("${", "\\ ", "$(", "\\\\", "{$", " \t", "a ", "a=", "a.", "--", "\\\n", "${a:-", "a-", "0.", "a/", "/*", "*/",
         ": ", "\\$", "<<")


def worst_inputs(run: int) -> list[str]:
    """Long runs of one character (or of a short unit, ended by a stray `!`), and the first 25
    again ended by a NUL: the inputs that make a backtracking regex show its worst."""
    worst = [c * run for c in SEEDS]
    worst += [s * max(1, run // len(s)) + "!" for s in PAIRS]
    return worst + [s + "\x00" for s in worst[:25]]


RUN = int(os.environ.get("LAYERLINT_REGEX_RUN", "10000"))  # characters per worst-case input (bench/regex_audit.py)
WORST = worst_inputs(RUN)



def _flags(node) -> int:
    """Evaluate ``re.I | re.M`` style flag arguments."""
    return eval(compile(ast.Expression(node), "<flags>", "eval"), {"re": re})  # noqa: S307 - our own source


def _literal(node):
    try:
        value = ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return None
    return value if isinstance(value, (str, bytes)) else None


def all_patterns() -> dict[tuple[str, int], tuple]:
    """(pattern, flags) of every regex in the package, by source location: literal patterns
    given to ``re.*`` calls (found by parsing the source) and compiled patterns held by
    modules, classes and functions' defaults (found by importing every module)."""
    found: dict[tuple, tuple] = {}
    for path in sorted(PKG.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                    and node.func.attr in RE_FUNCS and node.args):
                continue
            pattern = _literal(node.args[0])
            if pattern is None:
                continue
            flags = 0
            fl = next((k.value for k in node.keywords if k.arg == "flags"), None)
            if fl is None and node.func.attr == "compile" and len(node.args) > 1:
                fl = node.args[1]
            if fl is not None:
                try:
                    flags = _flags(fl)
                except Exception:  # noqa: BLE001 - a computed flag: try without
                    flags = 0
            rel = str(path.relative_to(PKG.parent))
            found[(rel, node.lineno)] = (pattern, int(flags))
    import importlib
    import pkgutil

    import layerlint
    seen = {p for p, _ in found.values()}
    for info in pkgutil.walk_packages(layerlint.__path__, "layerlint."):
        try:
            mod = importlib.import_module(info.name)
        except Exception:  # noqa: BLE001 - an optional module may need what is not installed
            continue
        holders = [vars(mod)] + [vars(v) for v in vars(mod).values() if isinstance(v, type)]
        for h in holders:
            for name, v in list(h.items()):
                if isinstance(v, re.Pattern) and v.pattern not in seen:
                    seen.add(v.pattern)
                    found[(info.name, name)] = (v.pattern, v.flags & ~re.UNICODE if isinstance(v.pattern, str) else v.flags)
    return found


def test_pattern_census_is_not_empty():
    pats = all_patterns()
    assert len(pats) >= 40, len(pats)


try:  # the parser `re` compiles with (its parse tree is what the step counter walks)
    from re import _constants as sre_c, _parser as sre_parse
except ImportError:  # Python 3.10
    import sre_constants as sre_c
    import sre_parse

STEP_RUN = 8  # characters per small worst-case input; the large one is 10 times longer
GROWTH = 150  # steps(10 x input) / steps(input): at most 100 for a quadratic search, 1,000 for a cubic one


class _Cap(Exception):
    pass


class BacktrackCounter:
    """A backtracking matcher over the parse tree of ``re`` that counts the nodes it visits.

    It tries the alternatives in the order ``re`` does (greedy repeats longest first, lazy ones
    shortest first, branches left to right, an empty iteration ends a repeat), without ``re``'s
    shortcuts, so its step count is a deterministic stand-in for the time ``re`` spends: the same
    growth with the input's length, whatever the machine's load."""

    WORD = re.compile(r"\w")
    CATEGORIES = {"DIGIT": r"\d", "NOT_DIGIT": r"\D", "SPACE": r"\s", "NOT_SPACE": r"\S", "WORD": r"\w",
                  "NOT_WORD": r"\W", "LINEBREAK": r"\n", "NOT_LINEBREAK": r"[^\n]"}

    def __init__(self, pattern: str, flags: int = 0, cap: int = 10 ** 7) -> None:
        tree = sre_parse.parse(pattern, flags)
        self.flags = tree.state.flags
        self.tree = list(tree)
        self.cap = cap
        self.steps = 0

    def run(self, how: str, s: str):
        """True / False as ``re``'s ``search`` or ``fullmatch`` answers; None past ``cap`` steps."""
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, 50_000))
        try:
            if how == "fullmatch":
                return self._seq(self.tree, s, 0, self.flags, {}, lambda j: j == len(s))
            return any(self._seq(self.tree, s, start, self.flags, {}, lambda j: True) for start in range(len(s) + 1))
        except _Cap:
            return None
        finally:
            sys.setrecursionlimit(old)

    def _char(self, op, av, c: str, flags: int) -> bool:
        fold = bool(flags & re.I)

        def same(code):
            return chr(code) == c or (fold and chr(code).lower() == c.lower())

        if op == sre_c.ANY:
            return c != "\n" or bool(flags & re.S)
        if op == sre_c.LITERAL:
            return same(av)
        if op == sre_c.NOT_LITERAL:
            return not same(av)
        if op == sre_c.CATEGORY:
            return self._category(av, c)
        negate, hit = False, False
        for iop, iav in av:
            if iop == sre_c.NEGATE:
                negate = True
            elif iop == sre_c.LITERAL:
                hit = hit or same(iav)
            elif iop == sre_c.RANGE:
                lo, hi = iav
                hit = hit or any(lo <= ord(x) <= hi for x in ({c, c.lower(), c.upper()} if fold else {c}))
            elif iop == sre_c.CATEGORY:
                hit = hit or self._category(iav, c)
            else:
                raise ValueError(f"character set item {iop} is not simulated")
        return hit != negate

    def _category(self, av, c: str) -> bool:
        name = str(av).upper().replace("CATEGORY_", "").replace("UNI_", "").replace("LOC_", "")
        return re.fullmatch(self.CATEGORIES[name], c) is not None

    def _at(self, av, s: str, i: int, flags: int) -> bool:
        n, multi = len(s), bool(flags & re.M)
        if av in (sre_c.AT_BEGINNING, sre_c.AT_BEGINNING_LINE):
            return i == 0 or (multi and s[i - 1] == "\n")
        if av == sre_c.AT_BEGINNING_STRING:
            return i == 0
        if av in (sre_c.AT_END, sre_c.AT_END_LINE):
            return i == n or (s[i] == "\n" and (multi or i == n - 1))
        if av == sre_c.AT_END_STRING:
            return i == n

        def word(j):
            return 0 <= j < n and self.WORD.match(s[j]) is not None
        return (word(i - 1) != word(i)) == (av == sre_c.AT_BOUNDARY)

    def _seq(self, nodes, s: str, i: int, flags: int, groups: dict, k) -> bool:
        """Match ``nodes`` at ``i``, then the continuation ``k`` (backtracking into the nodes while it fails)."""
        if not nodes:
            return k(i)
        self.steps += 1
        if self.steps > self.cap:
            raise _Cap
        (op, av), rest = nodes[0], nodes[1:]

        def then(j):
            return self._seq(rest, s, j, flags, groups, k)

        if op in (sre_c.LITERAL, sre_c.NOT_LITERAL, sre_c.IN, sre_c.ANY, sre_c.CATEGORY):
            return i < len(s) and self._char(op, av, s[i], flags) and then(i + 1)
        if op == sre_c.AT:
            return self._at(av, s, i, flags) and then(i)
        if op == sre_c.SUBPATTERN:
            gid, add, drop, body = av

            def close(j):
                before = groups.get(gid)
                if gid is not None:
                    groups[gid] = (i, j)
                if then(j):
                    return True
                if gid is not None:
                    groups[gid] = before
                return False
            return self._seq(list(body), s, i, (flags | add) & ~drop, groups, close)
        if op == sre_c.BRANCH:
            return any(self._seq(list(alt), s, i, flags, groups, then) for alt in av[1])
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):
            lo, hi, body = av
            return self._repeat(list(body), lo, hi, op == sre_c.MIN_REPEAT, s, i, flags, groups, then, 0, -1)
        if op in (getattr(sre_c, "POSSESSIVE_REPEAT", None), getattr(sre_c, "ATOMIC_GROUP", None)):
            ends: list[int] = []
            first = lambda j: ends.append(j) or True  # noqa: E731 - the first way through, never backtracked into
            if op == sre_c.ATOMIC_GROUP:
                self._seq(list(av), s, i, flags, groups, first)
            else:
                self._repeat(list(av[2]), av[0], av[1], False, s, i, flags, groups, first, 0, -1)
            return bool(ends) and then(ends[0])
        if op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
            direction, body = av
            if direction < 0:  # a look-behind has a fixed width
                start = i - body.getwidth()[0]
                ok = start >= 0 and self._seq(list(body), s, start, flags, groups, lambda j: j == i)
            else:
                ok = self._seq(list(body), s, i, flags, groups, lambda j: True)
            return ok == (op == sre_c.ASSERT) and then(i)
        if op == sre_c.GROUPREF:
            span = groups.get(av)
            if span is None:
                return False
            text = s[span[0]:span[1]]
            return s.startswith(text, i) and then(i + len(text))
        if op == sre_c.GROUPREF_EXISTS:
            gid, yes, no = av
            return self._seq(list((yes if groups.get(gid) is not None else no) or []), s, i, flags, groups, then)
        raise ValueError(f"regex node {op} is not simulated")

    def _repeat(self, body, lo, hi, lazy, s, i, flags, groups, k, count, last) -> bool:
        self.steps += 1
        if self.steps > self.cap:
            raise _Cap
        more = count < hi and i != last  # as in re: an iteration that matched nothing ends the repeat

        def again(j):
            return self._repeat(body, lo, hi, lazy, s, j, flags, groups, k, count + 1, i)

        if count < lo:
            return self._seq(body, s, i, flags, groups, again)
        if lazy:
            return k(i) or (more and self._seq(body, s, i, flags, groups, again))
        return (more and self._seq(body, s, i, flags, groups, again)) or k(i)


def backtracking_growth(pattern: str, flags: int = 0):
    """The worst steps(10 x input) / steps(input) over the worst-case inputs and search /
    fullmatch (inf: the large input ran past GROWTH times the small one's steps; the first input
    over GROWTH ends the walk), with the input and mode it came from.  Also checks that the
    counter answers as ``re`` does on every small input."""
    rx = re.compile(pattern, flags)
    worst = (0.0, None, None)
    for small, large in zip(worst_inputs(STEP_RUN), worst_inputs(10 * STEP_RUN)):
        for how in ("search", "fullmatch"):
            counter = BacktrackCounter(pattern, flags)
            got = counter.run(how, small)
            assert got == (getattr(rx, how)(small) is not None), (pattern, small, how)
            big = BacktrackCounter(pattern, flags, cap=max(1000, GROWTH * counter.steps))
            ratio = float("inf") if big.run(how, large) is None else big.steps / counter.steps
            if ratio > worst[0]:
                worst = (ratio, large, how)
                if ratio > GROWTH:
                    return worst  # one input is enough
    return worst


@pytest.mark.parametrize("pattern,flags", [
    (r"(a+)+$", 0),            # nested repeats: exponential
    (r"(\s*,?)*$", 0),         # a repeat of something that can match nothing: exponential
    (r"(a|a)*b", 0),           # ambiguous alternatives in a repeat: exponential
    (r"\s*\s*x", 0),           # two repeats sharing a run, retried at every start: cubic
    (r"^(\w+\s?)*$", re.M),
])
def test_backtrack_counter_flags_known_catastrophic_patterns(pattern, flags):
    ratio, _, _ = backtracking_growth(pattern, flags)
    assert ratio > GROWTH, (pattern, ratio)


@pytest.mark.parametrize("pattern", [r"\s*x", r"[A-Za-z_][A-Za-z0-9_]*=", r'"(?:[^"\\\n]|\\.)*"', r"^(.+?)[ \t]*$",
                                     r"(?:\.[a-z-]+)*\Z", r"(?<=a)b(?!c)", r"(a)?(?(1)b|c)\1"])
def test_backtrack_counter_passes_linear_and_quadratic_patterns(pattern):
    ratio, _, _ = backtracking_growth(pattern)
    assert ratio <= GROWTH, (pattern, ratio)


def test_no_regex_backtracks_catastrophically():
    """Every pattern of the package, on every worst-case input (long runs of ``\\``, spaces,
    ``$``, ``{`` and friends) with search and fullmatch: the backtracking steps may grow at most
    about quadratically with the input's length (GROWTH), which rules out the exponential and
    high-degree polynomial blow-ups that hang a build on one odd line.  Steps are counted, not
    timed, so a loaded machine cannot fail it; bench/regex_audit.py times ``re`` itself on
    10,000-character inputs."""
    pats = all_patterns()
    bad = {}
    for where, (pattern, flags) in pats.items():
        text = pattern if isinstance(pattern, str) else pattern.decode("latin-1")
        ratio, large, how = backtracking_growth(text, flags & ~re.UNICODE if isinstance(pattern, str) else 0)
        if ratio > GROWTH:
            bad[where] = (text, how, large[:12] + "...", "exponential" if ratio == float("inf") else round(ratio))
    assert not bad, f"regexes whose backtracking grows faster than quadratically (catastrophic backtracking): {bad}"
