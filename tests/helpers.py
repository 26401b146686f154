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
