""""Ignore this rule in the config": the new text of a config file with a rule added to its
``ignore`` list.  A textual edit (comments and layout kept), accepted only when the result
parses, validates and ignores the rule; otherwise no action is offered.  No pygls here.
"""
from __future__ import annotations

import os
import re

from ..engine.settings import validate

_HEADER = re.compile(r"^[ \t]*\[", re.M)
_TOOL_HEADER = re.compile(r"""^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*["']?layerlint["']?[ \t]*\][ \t]*(#[^\n]*)?$""", re.M)
_IGNORE = re.compile(r"^[ \t]*ignore[ \t]*=[ \t]*\[", re.M)
NEW_CONFIG = ".layerlint.toml"


def _toml():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib


def with_ignored(path: str, text: str, code: str):
    """``text`` (the config at ``path``) with ``code`` in its layerlint ``ignore``, or None."""
    body = _body(text, os.path.basename(path) == "pyproject.toml")
    if body is None:
        return None
    start, end = body
    item = f'"{code}"'
    m = _IGNORE.search(text, start, end)
    if m is None:
        eol = "\r\n" if "\r\n" in text else "\n"
        lead = eol if start and text[start - 1] not in "\n\ufeff" else ""
        new = text[:start] + f"{lead}ignore = [{item}]{eol}" + text[start:]
    else:
        close, last = _scan(text, m.end())
        if close is None:
            return None
        if last is None:  # an empty array
            new = text[:m.end()] + item + text[m.end():]
        else:
            sep = " " if text[last - 1] == "," else ", "
            new = text[:last] + sep + item + text[last:]
    return new if _ignores(path, new, code) else None


def new_config(code: str) -> str:
    """A new ``.layerlint.toml`` that ignores ``code``."""
    return f'ignore = ["{code}"]\n'


def _body(text: str, pyproject: bool):
    """(start, end) offsets of the layerlint table's top-level keys: ``.layerlint.toml`` before
    its first table header; in ``pyproject.toml`` the lines after ``[tool.layerlint]``."""
    if not pyproject:
        start = 1 if text.startswith("\ufeff") else 0
        m = _HEADER.search(text, start)
        return start, (m.start() if m else len(text))
    m = _TOOL_HEADER.search(text)
    if m is None:
        return None
    start = m.end()
    if start < len(text) and text[start] == "\r":
        start += 1
    if start < len(text) and text[start] == "\n":
        start += 1
    nxt = _HEADER.search(text, start)
    return start, (nxt.start() if nxt else len(text))


def _scan(text: str, i: int):
    """From just after an array's ``[``: (offset of its ``]``, offset just after its last item or
    comma, None when empty); (None, None) when it does not close."""
    quote = None
    last = None
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                quote = None
                last = i + 1
        elif c in "\"'":
            quote = c
        elif c == "#":
            nl = text.find("\n", i)
            i = len(text) if nl < 0 else nl
            continue
        elif c == "]":
            return i, last
        elif not c.isspace():
            last = i + 1
        i += 1
    return None, None


def _ignores(path: str, text: str, code: str) -> bool:
    """Whether ``text`` is a valid config whose ``ignore`` has ``code``."""
    try:
        doc = _toml().loads(text.removeprefix("\ufeff"))
        table = doc.get("tool", {}).get("layerlint", {}) if os.path.basename(path) == "pyproject.toml" else doc
        if not isinstance(table, dict) or code not in table.get("ignore", []):
            return False
        validate(table, path, text)
    except Exception:  # noqa: BLE001 - any doubt: no action
        return False
    return True
