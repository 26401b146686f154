"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

One run; ``tool.driver.rules`` describes every rule in the registry (so a result's
``ruleIndex`` is stable for a given layerlint version); results carry exact regions (our
``end_column`` is exclusive, as SARIF's), ``partialFingerprints`` that survive unrelated edits,
and the rule's fix as a SARIF ``fix`` when it has one.  Files that could not be read or parsed
are reported as ``toolExecutionNotifications`` of the invocation.

Artifact URIs are RFC 3986: the path's bytes, percent-encoded (``os.fsencode``), so a file
name that is not UTF-8 (``x\\xff.Dockerfile``) is ``x%FF.Dockerfile``, which names the real
file.  Other text is kept as in ``--format json``: faithful, a message cut at ``DATA_LIMIT``
characters, undecodable file-name bytes spelled ``\\xNN``.
"""
from __future__ import annotations

import os
import re
from urllib.parse import quote

from . import DATA_LIMIT, clip
from .common import FINGERPRINT_KEY, error_fingerprint, fingerprints, json_text, rel_path

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/layerlint/layerlint"
SRCROOT = "%SRCROOT%"
LEVELS = {"error": "error", "warning": "warning", "info": "note", "style": "note"}
# GitHub ranks security alerts by this (0.0-10.0); only rules tagged "security" carry it.
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.5", "info": "3.0", "style": "1.0"}


def _section(doc: str, title: str) -> str:
    """The text of a ``## title`` section of a rule's docstring, on one line."""
    m = re.search(rf"^##\s*{re.escape(title)}\s*$(.*?)(?=^##\s|\Z)", doc, re.M | re.S)
    return " ".join(m.group(1).split()) if m else ""


def rule_descriptor(rule) -> dict:
    from .rule_docs import rule_markdown
    title = rule.doc.partition("\n")[0].strip() or rule.summary
    full = _section(rule.doc, "What it does") or title
    why = _section(rule.doc, "Why is this bad")
    if why:
        full = f"{full} {why}"
    md = rule_markdown(rule)
    tags = list(dict.fromkeys([*rule.tags, "dockerfile",
                               *(f"hadolint:{c}" for c in rule.hadolint),
                               *(f"buildkit:{c}" for c in rule.buildkit)]))
    props: dict = {"tags": tags, "precision": "very-high", "layerlint/severity": rule.severity}
    if rule.hadolint:
        props["hadolint"] = list(rule.hadolint)
    if rule.buildkit:
        props["buildkit"] = list(rule.buildkit)
    if "security" in rule.tags:
        props["security-severity"] = SECURITY_SEVERITY[rule.severity]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": md, "markdown": md},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": LEVELS[rule.severity], "enabled": bool(rule.enabled_by_default)},
        "properties": props,
    }


def uri_path(path: str, safe: str = "/") -> str:
    """A path as the percent-encoded bytes the file system has for it (``os.fsencode`` undoes
    the surrogates of undecodable bytes), so the URI names the real file."""
    return quote(os.fsencode(path.replace(os.sep, "/")), safe=safe)


def artifact_location(path: str) -> dict:
    """A relative URI against %SRCROOT% (the working directory) when the file is under it."""
    rel = rel_path(path)
    if os.path.isabs(rel) or rel.startswith("../") or rel == "..":
        return {"uri": "file://" + uri_path(os.path.abspath(path), safe="/:")}
    return {"uri": uri_path(rel), "uriBaseId": SRCROOT}


def region(span) -> dict | None:
    if span.line < 1:
        return None
    r = {"startLine": span.line, "startColumn": max(1, span.column)}
    end_line = max(span.end_line, span.line)
    r["endLine"] = end_line
    end_col = span.end_column if span.end_column >= 1 else r["startColumn"]
    if end_line == span.line:
        end_col = max(end_col, r["startColumn"])
    r["endColumn"] = end_col
    return r


def _fix(f, loc: dict) -> dict:
    replacements = []
    for e in f.fix.edits:
        rep: dict = {"deletedRegion": region(e.span) or {"startLine": 1, "startColumn": 1,
                                                        "endLine": 1, "endColumn": 1}}
        rep["insertedContent"] = {"text": e.text}
        replacements.append(rep)
    return {"description": {"text": f.fix.description or "layerlint fix"},
            "artifactChanges": [{"artifactLocation": loc, "replacements": replacements}],
            # unsafe: it changes what the image contains or how it runs (--fix --unsafe-fixes)
            "properties": {"safe": f.fix.safe}}


def document(results, options) -> dict:
    from ..rules import all_rules
    rules = list(all_rules().values())
    index = {r.code: i for i, r in enumerate(rules)}
    descriptors = [rule_descriptor(r) for r in rules]
    sarif_results = []
    notifications = []
    for res in results:
        loc = artifact_location(res.path)
        for f, fp in zip(res.findings, fingerprints(res)):
            phys: dict = {"artifactLocation": loc}
            reg = region(f.span)
            if reg is not None:
                phys["region"] = reg
            item: dict = {"ruleId": f.rule}
            if f.rule in index:
                item["ruleIndex"] = index[f.rule]
            item.update({
                "level": LEVELS.get(f.severity, "warning"),
                "message": {"text": clip(f.message, DATA_LIMIT) or f.rule},
                "locations": [{"physicalLocation": phys}],
                "partialFingerprints": {FINGERPRINT_KEY: fp},
                "properties": {"severity": f.severity, "hadolint": list(f.hadolint),
                               "buildkit": list(f.buildkit)},
            })
            if f.fix is not None and f.fix.edits:
                item["fixes"] = [_fix(f, loc)]
            sarif_results.append(item)
        for e in res.errors:
            phys = {"artifactLocation": loc}
            if e.line >= 1:
                phys["region"] = {"startLine": e.line, "startColumn": max(1, e.column)}
            notifications.append({
                "level": "error",
                "message": {"text": clip(e.message, DATA_LIMIT) or "error"},
                "locations": [{"physicalLocation": phys}],
                "descriptor": {"id": "file-error"},
                "properties": {"fingerprint": error_fingerprint(res.path, e.message)},
            })
    cwd = os.getcwd()
    invocation: dict = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run = {
        "tool": {"driver": {
            "name": "layerlint",
            "version": options.tool_version or "0",
            "informationUri": INFORMATION_URI,
            "rules": descriptors,
        }},
        "invocations": [invocation],
        "originalUriBaseIds": {SRCROOT: {"uri": "file://" + uri_path(cwd, safe="/:").rstrip("/") + "/"}},
        "results": sarif_results,
        "columnKind": "unicodeCodePoints",
    }
    if options.tool_version and re.fullmatch(r"\d+\.\d+\.\d+.*", options.tool_version):
        run["tool"]["driver"]["semanticVersion"] = options.tool_version
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(results, options) -> str:
    return json_text(document(results, options))
