"""Settings: defaults, then the config file, then the command line (each overriding the last).

A config is ``[tool.layerlint]`` in ``pyproject.toml`` or the top level of ``.layerlint.toml``,
found by walking up from the linted file (``--config`` names one explicitly).  It is validated
against ``schemas/config.schema.json``; a mistake is a ``ConfigError`` naming the key.
"""
from __future__ import annotations

import fnmatch
import json
import os

from ..record import Record

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Any, Optional


def _toml():
    """tomllib (tomli before 3.11), imported only when a config file is read (start-up cost)."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib


CONFIG_NAMES = (".layerlint.toml", "pyproject.toml")


class ConfigError(Exception):
    def __init__(self, path: str, message: str, line: int = 1) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


class Settings(Record):
    select: Optional[list[str]]  # None: the default set
    extend_select: list[str]
    ignore: list[str]
    severity: dict[str, str]
    fail_on: str
    shellcheck: bool
    report_unused_pragmas: bool
    build_args: dict[str, str]
    target: Optional[str]
    rule_options: dict[str, dict[str, Any]]
    per_path: list[dict[str, Any]]
    source: Optional[str]  # the config file these came from
    root: Optional[str]  # its directory (per-path globs are relative to it)

    _fields = ("select", "extend_select", "ignore", "severity", "fail_on", "shellcheck",
               "report_unused_pragmas", "build_args", "target", "rule_options", "per_path", "source", "root")

    def __init__(
        self,
        select: Optional[list[str]] = None,
        extend_select: list[str] | None = None,
        ignore: list[str] | None = None,
        severity: dict[str, str] | None = None,
        fail_on: str = "info",
        shellcheck: bool = False,
        report_unused_pragmas: bool = False,
        build_args: dict[str, str] | None = None,
        target: Optional[str] = None,
        rule_options: dict[str, dict[str, Any]] | None = None,
        per_path: list[dict[str, Any]] | None = None,
        source: Optional[str] = None,
        root: Optional[str] = None,
    ) -> None:
        self.select = select
        self.extend_select = [] if extend_select is None else extend_select
        self.ignore = [] if ignore is None else ignore
        self.severity = {} if severity is None else severity
        self.fail_on = fail_on
        self.shellcheck = shellcheck
        self.report_unused_pragmas = report_unused_pragmas
        self.build_args = {} if build_args is None else build_args
        self.target = target
        self.rule_options = {} if rule_options is None else rule_options
        self.per_path = [] if per_path is None else per_path
        self.source = source
        self.root = root

    def for_path(self, path: str) -> "Settings":
        """These settings with the matching ``per-path`` overrides applied."""
        if not self.per_path:
            return self
        rel = os.path.relpath(os.path.abspath(path), self.root or os.getcwd()).replace(os.sep, "/")
        out = self
        for entry in self.per_path:
            pat = entry["path"]
            if fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(os.path.basename(path), pat):
                out = out.replace(
                    select=entry.get("select", out.select),
                    extend_select=out.extend_select + entry.get("extend-select", []),
                    ignore=out.ignore + entry.get("ignore", []),
                    severity={**out.severity, **entry.get("severity", {})},
                )
        return out


def find_config(start: str) -> Optional[str]:
    """The nearest config file above ``start`` (a file or directory)."""
    d = os.path.abspath(start)
    if not os.path.isdir(d):
        d = os.path.dirname(d)
    while True:
        for name in CONFIG_NAMES:
            p = os.path.join(d, name)
            if os.path.isfile(p):
                if name == "pyproject.toml" and not _pyproject_has_section(p):
                    continue
                return p
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def _pyproject_has_section(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return b"[tool.layerlint" in f.read()
    except OSError:
        return False


def load_config(path: str) -> Settings:
    tomllib = _toml()
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as exc:
        raise ConfigError(path, f"cannot read config: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise ConfigError(path, f"invalid TOML: {exc}", line) from None
    if os.path.basename(path) == "pyproject.toml":
        data = data.get("tool", {}).get("layerlint", {})
    validate(data, path)
    s = Settings(source=path, root=os.path.dirname(os.path.abspath(path)))
    return apply_mapping(s, data, path)


def _line_from_message(msg: str) -> int:
    import re
    m = re.search(r"line (\d+)", msg)
    return int(m.group(1)) if m else 1


def validate(data: dict, path: str) -> None:
    import jsonschema  # only when a config must be validated (start-up cost)
    from importlib import resources
    schema = json.loads(resources.files("layerlint").joinpath("schemas/config.schema.json").read_text())
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        err = errors[0]
        where = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        line = _key_line(path, err.absolute_path)
        raise ConfigError(path, f"invalid config key '{where}': {err.message}", line)
    from ..rules import find_rule
    for key in ("select", "extend-select", "ignore"):
        for code in data.get(key, []):
            if not _known_selector(code):
                raise ConfigError(path, f"unknown rule '{code}' in '{key}'", _key_line(path, [key]))
    for table in ("severity", "rules"):
        for code in data.get(table, {}):
            if find_rule(code) is None and not (table == "severity" and _shellcheck_selector(code)):
                raise ConfigError(path, f"unknown rule '{code}' in '{table}'", _key_line(path, [table]))


def _key_line(path: str, keys) -> int:
    """Best-effort line of a key in the TOML file, for error messages."""
    keys = [str(k) for k in keys if not isinstance(k, int)]
    if not keys:
        return 1
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                stripped = line.strip()
                if stripped.startswith(keys[-1]) or stripped.startswith(f'"{keys[-1]}"') \
                        or stripped.endswith(f".{keys[-1]}]"):
                    return n
    except OSError:
        pass
    return 1


def _shellcheck_selector(code: str) -> bool:
    """``SC``, ``SC2``, ``SC2086`` or ``shellcheck``: ShellCheck's findings (layerlint/shellcheck.py)."""
    import re
    return bool(re.fullmatch(r"SC\d{0,4}", code.strip().upper())) or code.strip().lower() == "shellcheck"


def _known_selector(code: str) -> bool:
    from ..rules import all_rules, find_rule
    if code.upper() == "ALL" or find_rule(code) is not None or _shellcheck_selector(code):
        return True
    return any(r.code.startswith(code.upper()) for r in all_rules().values())


def apply_mapping(s: Settings, data: dict, source: str = "") -> Settings:
    if "select" in data:
        s.select = list(data["select"])
    s.extend_select = s.extend_select + list(data.get("extend-select", []))
    s.ignore = s.ignore + list(data.get("ignore", []))
    s.severity = {**s.severity, **data.get("severity", {})}
    s.fail_on = data.get("fail-on", s.fail_on)
    s.shellcheck = data.get("shellcheck", s.shellcheck)
    s.report_unused_pragmas = data.get("report-unused-pragmas", s.report_unused_pragmas)
    s.build_args = {**s.build_args, **data.get("build-args", {})}
    opts = {k: dict(v) for k, v in s.rule_options.items()}
    for key, table in data.get("rules", {}).items():
        opts.setdefault(key, {}).update(table)
    if "trusted-registries" in data:
        opts.setdefault("trusted-registries", {})["registries"] = list(data["trusted-registries"])
    if "required-labels" in data:
        opts.setdefault("required-labels", {})["labels"] = dict(data["required-labels"])
    s.rule_options = opts
    s.per_path = s.per_path + list(data.get("per-path", []))
    return s


def selected_rules(settings: Settings):
    """The Rule objects these settings run."""
    from ..rules import all_rules
    rules = all_rules()

    def matches(rule, sel: str) -> bool:
        sel = sel.strip()
        return (sel.upper() == "ALL" or rule.code.startswith(sel.upper())
                or rule.name == sel.lower()
                or any(h.upper() == sel.upper() for h in rule.hadolint)
                or any(b.lower() == sel.lower() for b in rule.buildkit))

    if settings.select is None:
        chosen = [r for r in rules.values() if r.enabled_by_default]
    else:
        chosen = [r for r in rules.values() if any(matches(r, s) for s in settings.select)]
    for sel in settings.extend_select + (["unused-pragma"] if settings.report_unused_pragmas else []):
        chosen += [r for r in rules.values() if matches(r, sel) and r not in chosen]
    return [r for r in chosen if not any(matches(r, s) for s in settings.ignore)]


def rule_options(settings: Settings, rule) -> dict[str, Any]:
    opts = dict(rule.options)
    for key in (rule.code, rule.name):
        opts.update(settings.rule_options.get(key, {}))
    return opts


def rule_severity(settings: Settings, rule) -> str:
    return settings.severity.get(rule.code) or settings.severity.get(rule.name) or rule.severity
