"""hadolint's ``.hadolint.yaml``, read as a layerlint config (migration).

A repository that has no layerlint config but a ``.hadolint.yaml`` / ``.hadolint.yml`` keeps its
policy: ``ignored`` (ignore), ``override`` (severity), ``trustedRegistries`` (trusted-registries),
``label-schema`` (required-labels; hadolint's ``text`` is layerlint's ``string``),
``strict-labels`` (LL515's ``strict``), ``failure-threshold`` and ``no-fail`` (fail-on).  The
codes stay hadolint codes, which select exactly those hadolint rules' findings.  Keys layerlint
has no use for (``format``, ``no-color``, ``verbose``, ``disable-ignore-pragma``...) and unknown
keys are notices, not errors: hadolint's own files must keep working.  ``to_toml`` writes the
same settings as a ``.layerlint.toml`` (``layerlint migrate``).

The file comes from the repository: read with the config loader's limits (regular file, 1 MiB)
and ``yaml.safe_load`` (no tags that construct objects); any value of the wrong shape is a
ConfigError naming the file and the key's line.
"""
from __future__ import annotations

import json

from .settings import ConfigError, _read_bytes

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Any, Optional

HADOLINT_NAMES = (".hadolint.yaml", ".hadolint.yml")
LEVELS = ("error", "warning", "info", "style")
THRESHOLDS = {"error": "error", "warning": "warning", "info": "info", "style": "style", "ignore": "none",
              "none": "none"}
LABEL_TYPES = {"text": "string", "url": "url", "email": "email", "semver": "semver", "rfc3339": "rfc3339",
               "hash": "hash", "spdx": "spdx"}
UNUSED = {  # hadolint keys that have no layerlint setting, and what to use instead
    "format": "use --format", "formats": "use --format", "no-color": "use --no-color or NO_COLOR",
    "verbose": "layerlint has no verbose mode", "disable-ignore-pragma": "layerlint always honours pragmas",
}


def read(path: str) -> tuple[dict[str, Any], list[str]]:
    """``(mapping, notices)``: the layerlint config table the file stands for (as a
    ``.layerlint.toml`` would give it) and one notice per key left unused."""
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(path, f"not UTF-8 (byte 0x{raw[exc.start]:02x})", _line_at(raw, exc.start)) from None
    import yaml  # only a repository with a hadolint config pays for it
    try:
        doc = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise ConfigError(path, f"invalid YAML: {exc.problem}", mark.line + 1 if mark else 1) from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise ConfigError(path, f"invalid YAML: {type(exc).__name__}") from None
    if doc is None:
        return {}, []
    if not isinstance(doc, dict):
        raise ConfigError(path, f"a hadolint config is a mapping of keys, not {_kind(doc)}")
    lines = _key_lines(text)
    out: dict[str, Any] = {}
    notices: list[str] = []

    def bad(key: str, what: str) -> ConfigError:
        return ConfigError(path, f"invalid value for '{key}': {what}", lines.get(key, 1))

    for key, value in doc.items():
        key = str(key)
        if key == "ignored":
            out["ignore"] = _codes(value, lambda w: bad(key, w))
        elif key == "override":
            if not isinstance(value, dict):
                raise bad(key, f"expected a mapping of levels to codes, got {_kind(value)}")
            sev: dict[str, str] = {}
            for level, codes in value.items():
                if level not in LEVELS:
                    raise bad(key, f"unknown level {str(level)!r} (one of {', '.join(LEVELS)})")
                for code in _codes(codes, lambda w: bad(key, w)):
                    sev[code] = str(level)
            out["severity"] = sev
        elif key in ("trustedRegistries", "trusted-registries"):
            regs = [value] if isinstance(value, str) else value
            out["trusted-registries"] = _strings(regs, lambda w: bad(key, w))
        elif key in ("label-schema", "labelSchema"):
            if not isinstance(value, dict):
                raise bad(key, f"expected a mapping of label names to types, got {_kind(value)}")
            labels = {}
            for name, kind in value.items():
                if str(kind) not in LABEL_TYPES:
                    raise bad(key, f"label {str(name)!r}: unknown type {str(kind)!r} (one of {', '.join(LABEL_TYPES)})")
                labels[str(name)] = LABEL_TYPES[str(kind)]
            out["required-labels"] = labels
        elif key in ("strict-labels", "strictLabels"):
            if not isinstance(value, bool):
                raise bad(key, f"expected true or false, got {_kind(value)}")
            out.setdefault("rules", {})["required-labels"] = {"strict": value}
        elif key in ("failure-threshold", "failureThreshold"):
            if str(value) not in THRESHOLDS:
                raise bad(key, f"expected one of {', '.join(THRESHOLDS)}, got {str(value)!r}")
            out.setdefault("fail-on", THRESHOLDS[str(value)])
        elif key in ("no-fail", "noFail"):
            if not isinstance(value, bool):
                raise bad(key, f"expected true or false, got {_kind(value)}")
            if value:
                out["fail-on"] = "none"  # wins over failure-threshold, as in hadolint
        elif key in UNUSED:
            notices.append(f"{path}:{lines.get(key, 1)}: '{key}' is not applied ({UNUSED[key]})")
        else:
            notices.append(f"{path}:{lines.get(key, 1)}: unknown hadolint config key '{key[:100]}', ignored")
    return out, notices


def to_toml(mapping: dict[str, Any], source: str) -> str:
    """``mapping`` (what ``read`` gives) as a ``.layerlint.toml``."""
    lines = [f"# layerlint settings migrated from {source} (layerlint migrate)"]
    tables = []
    for key in ("ignore", "trusted-registries", "fail-on"):
        if key in mapping:
            lines.append(f"{key} = {_toml_value(mapping[key])}")
    if mapping.get("severity"):
        tables.append("\n[severity]")
        tables += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in mapping["severity"].items()]
    if mapping.get("required-labels"):
        tables.append("\n[required-labels]")
        tables += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in mapping["required-labels"].items()]
    for rule, opts in mapping.get("rules", {}).items():
        tables.append(f"\n[rules.{_toml_key(rule)}]")
        tables += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in opts.items()]
    return "\n".join(lines + tables) + "\n"


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return json.dumps(str(v), ensure_ascii=False)  # a TOML basic string is a JSON string


def _toml_key(k: str) -> str:
    bare = k and all(c.isascii() and (c.isalnum() or c in "-_") for c in k)
    return k if bare else json.dumps(k, ensure_ascii=False)


def _codes(value, bad) -> list[str]:
    if isinstance(value, str):
        value = [value]
    return [c.strip().upper() if c.strip().upper().startswith(("DL", "SC")) else c.strip()
            for c in _strings(value, bad)]


def _strings(value, bad) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in value):
        raise bad(f"expected a list of strings, got {_kind(value)}")
    return [str(x) for x in value]


def _kind(v) -> str:
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "a number",
            float: "a number", type(None): "nothing"}.get(type(v), type(v).__name__)


def _key_lines(text: str) -> dict[str, int]:
    """The line of each top-level key (for messages)."""
    out: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if line and not line[0].isspace() and ":" in line and not line.startswith("#"):
            out.setdefault(line.split(":", 1)[0].strip().strip("'\""), n)
    return out


def _line_at(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def nearest(start_dir: str, stop: Optional[str] = None) -> Optional[str]:
    """The nearest ``.hadolint.yaml`` / ``.hadolint.yml`` from ``start_dir`` up (not above ``stop``)."""
    import os
    d = start_dir
    while True:
        for name in HADOLINT_NAMES:
            p = os.path.join(d, name)
            if os.path.lexists(p):
                return p
        parent = os.path.dirname(d)
        if parent == d or d == stop:
            return None
        d = parent
