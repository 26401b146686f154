"""``--format gitlab``: GitLab Code Quality report (``artifacts:reports:codequality``).

A JSON array of issues with the fields GitLab reads: ``description``, ``check_name``,
``fingerprint`` (stable across commits: no line number in it), ``severity`` (``info``,
``minor``, ``major``, ``critical``, ``blocker``), ``location.path`` (relative to the project
root, forward slashes) and ``location.lines.begin``/``end``.  Files that could not be linted
are ``blocker`` issues, so a broken Dockerfile cannot pass unnoticed.  Text is kept as in
``--format json``: faithful, a description cut at ``DATA_LIMIT`` characters, a file name's
undecodable bytes spelled ``\\xNN``.
"""
from __future__ import annotations

from . import DATA_LIMIT, clip
from .common import error_fingerprint, fingerprints, json_text, rel_path

SEVERITIES = {"error": "critical", "warning": "major", "info": "minor", "style": "info"}
CATEGORIES = {"error": "Bug Risk", "warning": "Bug Risk", "info": "Performance", "style": "Style"}


def document(results, options) -> list:
    issues = []
    for r in results:
        path = rel_path(r.path)
        for e in r.errors:
            line = max(e.line, 1)
            issues.append({
                "type": "issue",
                "description": f"layerlint could not lint this file: {clip(e.message, DATA_LIMIT)}",
                "check_name": "layerlint/file-error",
                "fingerprint": error_fingerprint(r.path, e.message),
                "severity": "blocker",
                "categories": ["Bug Risk"],
                "location": {"path": path, "lines": {"begin": line, "end": line}},
            })
        for f, fp in zip(r.findings, fingerprints(r)):
            begin = max(f.span.line, 1)
            issues.append({
                "type": "issue",
                "description": f"{f.rule} {f.title}: {clip(f.message, DATA_LIMIT)}",
                "check_name": f.rule,
                "fingerprint": fp,
                "severity": SEVERITIES.get(f.severity, "major"),
                "categories": [CATEGORIES.get(f.severity, "Style")],
                "location": {"path": path, "lines": {"begin": begin, "end": max(f.span.end_line, begin)}},
            })
    return issues


def render(results, options) -> str:
    return json_text(document(results, options))
