"""Small helpers shared by rule tests."""
from layerlint.engine.settings import Settings
from layerlint.engine.lint_file import lint_bytes


def lint(text: str, *codes: str, context_dir=None, **settings):
    """Findings of the given rules (all default rules when none) for a Dockerfile text."""
    s = Settings(**settings)
    if codes:
        s.select = list(codes)
    res = lint_bytes(text.encode(), "Dockerfile", s, context_dir=context_dir)
    assert not res.errors, res.errors
    return res.findings


def positions(findings):
    return [(f.rule, f.span.line, f.span.column) for f in findings]


def spans(findings):
    """(rule, line, column, end line, end column) of each finding."""
    return [(f.rule, f.span.line, f.span.column, f.span.end_line, f.span.end_column) for f in findings]


def fixes(findings):
    """Each finding's fix as (line, column, end line, end column, text) edits; None without one."""
    return [[(e.span.line, e.span.column, e.span.end_line, e.span.end_column, e.text) for e in f.fix.edits]
            if f.fix else None for f in findings]


def fixed(text, *codes):
    """The text after `layerlint --fix` with the given rules."""
    from layerlint.engine.fixer import fix_bytes  # imported here: a rename there breaks only fix tests
    return fix_bytes(text.encode(), "Dockerfile", Settings(select=list(codes))).fixed.decode()


def apply_fix(text: str, fix) -> str:
    """The text with one finding's fix applied (through the fix engine's own edit code)."""
    from layerlint.engine.fixer import _apply, _edit_ranges, _Text
    ranges = _edit_ranges(_Text(text), fix)
    assert ranges is not None, fix
    return _apply(text, ranges)


def ctx_dir(tmp_path, files: dict) -> str:
    """A build context under tmp_path: path -> text, or None for a directory."""
    for rel, content in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            p.mkdir(exist_ok=True)
        else:
            p.write_text(content)
    return str(tmp_path)


def say_past_capture(request, text: str, red: bool = False) -> None:
    """Print past pytest's output capture, so the line shows even with -q."""
    tr = request.config.pluginmanager.get_plugin("terminalreporter")
    capman = request.config.pluginmanager.get_plugin("capturemanager")
    if tr is None:
        return
    if capman is not None:
        with capman.global_and_fixture_disabled():
            tr.ensure_newline()
            tr.write_line(text, red=red, yellow=not red, bold=True)
    else:
        tr.write_line(text, red=red, yellow=not red, bold=True)
