"""Helpers shared by the CI formats: portable paths, stable fingerprints, safe text.

Everything here is about text that reaches another program (a CI server, an XML parser, a
Markdown renderer), so every function assumes its input may be hostile.
"""
from __future__ import annotations

import hashlib
import os
import re

SEVERITY_ORDER = ("error", "warning", "info", "style")
FINGERPRINT_KEY = "layerlint/v1"

# XML 1.0 allows only tab, LF, CR and these ranges; anything else cannot even be written as a
# character reference, so it is replaced by a visible escape.
_XML_BAD = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def rel_path(path: str) -> str:
    """A path as CI tools want it: relative to the working directory when the file is under
    it, forward slashes, no leading ``./``.  ``-`` (stdin) stays as it is."""
    if path == "-":
        return path
    p = path
    if os.path.isabs(p):
        try:
            rel = os.path.relpath(p, os.getcwd())
        except ValueError:  # another drive on Windows
            rel = p
        if not rel.startswith(".." + os.sep) and rel != "..":
            p = rel
    p = p.replace(os.sep, "/")
    while p.startswith("./"):
        p = p[2:]
    return p or "."


def fingerprints(result) -> list[str]:
    """One fingerprint per finding of a FileResult, stable across commits.

    It hashes the rule, the path and the offending line's text (whitespace collapsed), plus
    the occurrence index among findings that share those three, but never the line number:
    adding a line above a finding does not make it a new alert."""
    seen: dict[tuple[str, str], int] = {}
    path = rel_path(result.path)
    out = []
    for f in result.findings:
        line = f.span.line
        text = result.lines[line - 1] if result.lines and 0 < line <= len(result.lines) else ""
        norm = " ".join(text.split())
        key = (f.rule, norm)
        n = seen.get(key, 0)
        seen[key] = n + 1
        h = hashlib.sha256("\0".join([f.rule, path, norm, str(n)]).encode("utf-8", "surrogatepass"))
        out.append(h.hexdigest()[:32])
    return out


def error_fingerprint(path: str, message: str) -> str:
    return hashlib.sha256("\0".join(["file-error", rel_path(path), message]).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def xml_text(s: str) -> str:
    """Text content for XML: markup escaped, characters XML cannot hold made visible."""
    s = _XML_BAD.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", s)
    # CR as a reference: a literal one would be read back as LF (end-of-line normalisation)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def xml_attr(s: str) -> str:
    """An attribute value (without quotes): as xml_text, plus quotes and the whitespace that
    attribute-value normalisation would otherwise turn into spaces."""
    return (xml_text(s).replace('"', "&quot;").replace("'", "&apos;")
            .replace("\n", "&#10;").replace("\t", "&#9;"))


def one_line(s: str) -> str:
    """Collapse line breaks (all of them, Unicode ones included) to spaces."""
    return " ".join(s.splitlines()) if s else s
