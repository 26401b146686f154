"""``--statistics``: how many findings each rule has (as ``ruff check --statistics``), most first."""
from __future__ import annotations

import json

from ..text import printable


def counts(results) -> list[dict]:
    """One row per rule with a finding: code, name, count, how many have a safe fix, hadolint codes."""
    rows: dict[str, dict] = {}
    for r in results:
        for f in r.findings:
            row = rows.setdefault(f.rule, {"code": f.rule, "name": f.title, "count": 0, "fixable": 0,
                                           "hadolint": set()})
            row["count"] += 1
            row["fixable"] += bool(f.fix is not None and f.fix.edits and f.fix.safe)
            row["hadolint"].update(f.hadolint)
    out = sorted(rows.values(), key=lambda row: (-row["count"], row["code"]))
    for row in out:
        row["hadolint"] = sorted(row["hadolint"])
    return out


def render_statistics(results, fmt: str) -> str:
    rows = counts(results)
    failed = [r.path for r in results if r.errors]
    if fmt == "json":
        return json.dumps({"rules": rows, "files": len(results), "files_with_errors": len(failed)}, indent=2) + "\n"
    width = max([len(str(row["count"])) for row in rows] + [1])
    name_width = max([len(row["name"]) for row in rows] + [1])
    lines = [f"{row['count']:>{width}}  {row['code']:<6} {printable(row['name']):<{name_width}}"
             + (f"  [*] {row['fixable']} fixable" if row["fixable"] else "")
             + (f"  ({', '.join(row['hadolint'])})" if row["hadolint"] else "") for row in rows]
    if failed:
        lines.append(f"{len(failed)} file{'s' if len(failed) != 1 else ''} had errors: "
                     + ", ".join(printable(p) for p in failed[:10]) + (" ..." if len(failed) > 10 else ""))
    return "".join(line.rstrip() + "\n" for line in lines)
