"""``--format checkstyle``: Checkstyle XML (Jenkins warnings-ng, reviewdog, Sonar imports).

Every linted file gets a ``<file>`` element (a clean file is an empty one); findings and
file errors are ``<error>`` elements.  All text is escaped; control characters (which XML
1.0 cannot carry at all), bidi overrides and a file name's undecodable bytes are written as
visible ``\\xNN`` escapes (``common.xml_text``); a message shows at most ``TEXT_LIMIT`` characters.
"""
from __future__ import annotations

from . import TEXT_LIMIT, clip
from .common import rel_path, xml_attr

SEVERITIES = {"error": "error", "warning": "warning", "info": "info", "style": "info"}


def render(results, options) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">']
    for r in results:
        out.append(f'  <file name="{xml_attr(rel_path(r.path))}">')
        for e in r.errors:
            out.append(f'    <error line="{max(e.line, 0)}" column="{max(e.column, 0)}" severity="error" '
                       f'message="{xml_attr(clip(e.message, TEXT_LIMIT))}" source="layerlint.FileError"/>')
        for f in r.findings:
            msg = clip(f.message, TEXT_LIMIT)
            msg = f"{msg} ({f.rule} {f.title})" if f.title else msg
            out.append(f'    <error line="{f.span.line}" column="{f.span.column}" '
                       f'severity="{SEVERITIES.get(f.severity, "warning")}" message="{xml_attr(msg)}" '
                       f'source="layerlint.{xml_attr(f.rule)}"/>')
        out.append("  </file>")
    out.append("</checkstyle>")
    return "\n".join(out) + "\n"
