"""Behaviour that involves several rules at once: rules see into `sh -c` scripts at exact
positions, and the fixes of the BuildKit-check rules round-trip.
"""
from ..helpers import lint, positions


def apply_fixes(text, findings):
    lines = text.split("\n")
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln) + 1)

    def off(line, col):
        return starts[line - 1] + col - 1

    edits = sorted((e for f in findings if f.fix for e in f.fix.edits),
                   key=lambda e: off(e.span.line, e.span.column), reverse=True)
    for e in edits:
        a, b = off(e.span.line, e.span.column), off(e.span.end_line, e.span.end_column)
        text = text[:a] + e.text + text[b:]
    return text


def _pairs(text):
    from layerlint.graph import expand
    from layerlint.syntax import parse
    df = parse(text)
    env = {"X": "ex"}
    return [(p.key, expand(p.value, env, df.escape)[0]) for i in df.instructions
            for p in (i.inner or i).pairs if p.value is not None]


def test_rules_see_into_sh_c_scripts_at_exact_positions():
    text = ("FROM debian:12\n"
            "RUN bash -c \"apt-get update && apt-get install curl\"\n"
            "RUN sudo -u app sh -ec 'pip install flask' && \\\n"
            "    find . -name '*.url' -exec sh -c 'wget -i {}' \\;\n")
    f = lint(text, "LL311", "LL316", "LL318")
    assert positions(f) == [("LL311", 2, 40), ("LL316", 3, 37), ("LL318", 4, 39)]


def test_sh_c_inherits_the_directory_and_its_cd_stays_inside():
    # LL320-style path effects follow cd: the inline script starts in /tmp, its cd does not leak
    text = ("FROM debian:12\n"
            "WORKDIR /app\n"
            "RUN cd /tmp && sh -c 'cd /srv && echo' && rm -rf ./x\n")
    from layerlint.rules.context import Context
    from layerlint.graph import build_graph
    from layerlint.rules.run_commands import located_calls
    from layerlint.syntax import parse_bytes
    df = parse_bytes(text.encode())
    ctx = Context(df, build_graph(df), "Dockerfile")
    instr = df.instructions[-1]
    cwds = [(lc.call.prog, lc.cwd) for lc in located_calls(ctx, instr)]
    assert cwds == [("cd", "/app"), ("sh", "/tmp"), ("cd", "/tmp"), ("echo", "/srv"), ("rm", "/tmp")]


def test_fixes_round_trip():
    cases = {
        "LL400": "FROM a AS Build\nFROM Build\n",
        "LL401": "FROM a as b\nfrom c AS d\n",
        "LL403": "FROM a\nrun b\nCopy c /d\n",
        "LL406": "FROM a\nCMD python -m http.server 8000\nFROM b\nENTRYPOINT ./run.sh \\\n  --flag\n",
        "LL407": 'FROM a\nMAINTAINER "Jane" <j@x> $HOME\n',
        "LL412": "FROM a\nENV A  hello   world\nENV B \"x y\" z\nLABEL c a\\ b $X 'q r'\nENV D $X\n",
        "LL418": "FROM a\nEXPOSE 80/TCP 53/uDp\n",
    }
    for code, text in cases.items():
        f = lint(text, code)
        assert f and all(x.fix for x in f), code
        fixed = apply_fixes(text, f)
        assert lint(fixed, code) == [], (code, fixed)
    # LEGACY -> key=value keeps every expanded value
    text = cases["LL412"]
    assert _pairs(apply_fixes(text, lint(text, "LL412"))) == _pairs(text)
    assert _pairs(apply_fixes(text, lint(text, "LL412")))[0] == ("A", "hello   world")
    # MAINTAINER -> LABEL keeps the exact text (LABEL would otherwise expand $HOME)
    text = cases["LL407"]
    assert _pairs(apply_fixes(text, lint(text, "LL407"))) == [
        ("org.opencontainers.image.authors", '"Jane" <j@x> $HOME')]
    text = cases["LL406"]
    assert apply_fixes(text, lint(text, "LL406")) == (
        'FROM a\nCMD ["python", "-m", "http.server", "8000"]\nFROM b\nENTRYPOINT ["./run.sh", "--flag"]\n')
