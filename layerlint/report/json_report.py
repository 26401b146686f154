"""``--format json``: one stable, versioned document (schema: schemas/report.schema.json).

Text is kept as the file has it (JSON escapes control characters itself), with two bounds:

- A file name that is not UTF-8 is spelled with ``\\xNN`` for each undecodable byte, as
  ``layerlint.text.encodable`` does: ``x\\xff.Dockerfile`` (the JSON string ``"x\\\\xff.Dockerfile"``)
  for the bytes ``x\\xff.Dockerfile``.  A name that really contains a backslash followed by
  ``xff`` reads the same; SARIF's percent-encoded URIs are exact.
- A message shows at most ``DATA_LIMIT`` characters (then ``…``): one that quotes a huge
  instruction is cut.  Fix edits are never cut (they are what ``--fix`` would write).
"""
from __future__ import annotations

from . import DATA_LIMIT, clip, summary
from .common import json_text, rel_path

REPORT_VERSION = "1.0"


def finding_dict(f) -> dict:
    d = {
        "rule": f.rule,
        "name": f.title,
        "severity": f.severity,
        "path": rel_path(f.path),
        "line": f.span.line,
        "column": f.span.column,
        "end_line": f.span.end_line,
        "end_column": f.span.end_column,
        "message": clip(f.message, DATA_LIMIT),
        "hadolint": list(f.hadolint),
        "buildkit": list(f.buildkit),
    }
    if f.fix is not None:
        d["fix"] = {
            "description": clip(f.fix.description, DATA_LIMIT),
            "safe": f.fix.safe,  # False: --fix applies it only with --unsafe-fixes
            "edits": [{"line": e.span.line, "column": e.span.column, "end_line": e.span.end_line,
                       "end_column": e.span.end_column, "text": e.text} for e in f.fix.edits],
        }
    return d


def document(results, options) -> dict:
    files = []
    for r in results:
        entry = {"path": rel_path(r.path)}
        if r.errors:
            e = r.errors[0]
            message = clip(e.message, DATA_LIMIT)
            entry["error"] = f"line {e.line}: {message}" if e.line else message
            entry["errors"] = [{"line": x.line, "column": x.column, "message": clip(x.message, DATA_LIMIT)}
                               for x in r.errors]
        files.append(entry)
    return {
        "version": REPORT_VERSION,
        "tool": {"name": "layerlint", "version": options.tool_version},
        "files": files,
        "findings": [finding_dict(f) for r in results for f in r.findings],
        "summary": summary(results),
    }


def render(results, options) -> str:
    return json_text(document(results, options))
