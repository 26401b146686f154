"""Helpers shared by the CI formats: portable paths, stable fingerprints, safe text.

Everything here is about text that reaches another program (a CI server, an XML parser, a
Markdown renderer), so every function assumes its input may be hostile.
"""
from __future__ import annotations

import hashlib
import json
import re

from ..text import encodable, printable
from . import rel_path  # noqa: F401 - the formats import it from here too

SEVERITY_ORDER = ("error", "warning", "info", "style")
FINGERPRINT_KEY = "layerlint/v1"

# XML 1.0 allows only tab, LF, CR and these ranges; anything else cannot even be written as a
# character reference.  printable_lines spells all of them but U+FFFE/U+FFFF, caught here.
_XML_BAD = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BREAKS = re.compile("(\r\n|\r|\n)")
# What json.dumps(ensure_ascii=False) leaves raw of what layerlint.text.printable escapes (it
# escapes C0 itself; encodable_data removes surrogates): DEL and C1 controls, bidi controls,
# the line and paragraph separators.
_JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


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


def printable_lines(s: str) -> str:
    """``layerlint.text.printable`` for text that may keep its CR and LF (a multi-line message
    in a format that can carry one): every other control, bidi override and undecodable byte
    is escaped, tabs stay."""
    if "\n" not in s and "\r" not in s:
        return printable(s)
    return "".join(part if i % 2 else printable(part) for i, part in enumerate(_BREAKS.split(s)))


def encodable_data(obj):
    """A JSON-ready value with every string ``layerlint.text.encodable``: a file name's
    undecodable bytes (lone surrogates, which UTF-8 cannot encode) spelled ``\\xff``."""
    if isinstance(obj, str):
        return encodable(obj)
    if isinstance(obj, dict):
        return {encodable_data(k): encodable_data(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [encodable_data(v) for v in obj]
    return obj


def json_text(doc) -> str:
    """A JSON report: the document's text kept faithful, but its bytes inert and UTF-8.

    Undecodable file-name bytes are spelled ``\\xff`` (``encodable_data``); a control, bidi
    override or line separator that JSON would carry raw is written as a ``\\uXXXX`` escape,
    which parses back to the same string, so nothing in the file drives a terminal that shows it."""
    text = json.dumps(encodable_data(doc), indent=2, ensure_ascii=False)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def xml_text(s: str) -> str:
    """Text content for XML: markup escaped, controls, bidi overrides and undecodable bytes
    made visible (``printable_lines``: CR, LF and tab are kept), and what XML cannot hold."""
    s = _XML_BAD.sub(lambda m: f"\\u{ord(m.group()):04x}", printable_lines(s))
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
