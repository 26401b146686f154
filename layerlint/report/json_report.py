"""``--format json``: one stable, versioned document (schema: schemas/report.schema.json)."""
from __future__ import annotations

import json

from . import summary

REPORT_VERSION = "1.0"


def finding_dict(f) -> dict:
    d = {
        "rule": f.rule,
        "name": f.title,
        "severity": f.severity,
        "path": f.path,
        "line": f.span.line,
        "column": f.span.column,
        "end_line": f.span.end_line,
        "end_column": f.span.end_column,
        "message": f.message,
        "hadolint": list(f.hadolint),
        "buildkit": list(f.buildkit),
    }
    if f.fix is not None:
        d["fix"] = {
            "description": f.fix.description,
            "safe": f.fix.safe,  # False: --fix applies it only with --unsafe-fixes
            "edits": [{"line": e.span.line, "column": e.span.column, "end_line": e.span.end_line,
                       "end_column": e.span.end_column, "text": e.text} for e in f.fix.edits],
        }
    return d


def document(results, options) -> dict:
    files = []
    for r in results:
        entry = {"path": r.path}
        if r.errors:
            e = r.errors[0]
            entry["error"] = f"line {e.line}: {e.message}" if e.line else e.message
            entry["errors"] = [{"line": x.line, "column": x.column, "message": x.message} for x in r.errors]
        files.append(entry)
    return {
        "version": REPORT_VERSION,
        "tool": {"name": "layerlint", "version": options.tool_version},
        "files": files,
        "findings": [finding_dict(f) for r in results for f in r.findings],
        "summary": summary(results),
    }


def render(results, options) -> str:
    return json.dumps(document(results, options), indent=2, ensure_ascii=False) + "\n"
