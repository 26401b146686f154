"""Settings: defaults, then the config file, then the command line (each overriding the last).

A config is ``[tool.layerlint]`` in ``pyproject.toml`` or the top level of ``.layerlint.toml``,
found by walking up from the linted file (``--config`` names one explicitly).  It is validated
against ``schemas/config.schema.json`` and against the rules' declared options
(``rules/options.py``): an unknown key, a wrong type, an unknown rule or selector is a
``ConfigError`` naming the file, the line and the key.

No rule is named here: the top-level shortcuts (``trusted-registries = [...]``) come from the
options that declare a ``config_key``, the switches that turn a rule on
(``report-unused-pragmas``) from the rules' ``ENABLED_BY``, and which rules run from
``engine/selection.py``.
"""
from __future__ import annotations

import fnmatch
import json
import os
import re

from ..record import Record
from . import selection

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
PYPROJECT_PREFIX = ("tool", "layerlint")


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
    report_unused_pragmas: bool  # a rule's ENABLED_BY switch (selection.switch_attribute)
    build_args: dict[str, str]
    target: Optional[str]
    rule_options: dict[str, dict[str, Any]]  # rule code (or name) -> option -> value
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
                    rule_options=_merge_rule_options(out.rule_options, entry.get("rules", {})),
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
            raw = f.read()
    except OSError as exc:
        raise ConfigError(path, f"cannot read config: {exc.strerror or exc}") from None
    text = raw.decode("utf-8", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise ConfigError(path, f"invalid TOML: {exc}", line) from None
    if os.path.basename(path) == "pyproject.toml":
        data = data.get("tool", {}).get("layerlint", {})
    validate(data, path, text)
    s = Settings(source=path, root=os.path.dirname(os.path.abspath(path)))
    return apply_mapping(s, data, path)


def _line_from_message(msg: str) -> int:
    m = re.search(r"line (\d+)", msg)
    return int(m.group(1)) if m else 1


# -- where a key is: a small line finder over the TOML text (tomllib keeps no positions) ------------
_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_DOTTED = rf"{_PART}(?:[ \t]*\.[ \t]*{_PART})*"
_HEADER_RE = rf"[ \t]*(\[\[?)[ \t]*({_DOTTED})[ \t]*\]"  # compiled when a config is read (start-up cost)
_KEY_RE = rf"[ \t]*({_DOTTED})[ \t]*="


def _key_parts(dotted: str) -> list[str]:
    out = []
    for m in re.finditer(_PART, dotted):
        p = m.group()
        if p.startswith('"'):
            try:
                p = json.loads(p)
            except ValueError:
                p = p[1:-1]
        elif p.startswith("'"):
            p = p[1:-1]
        out.append(p)
    return out


def key_lines(text: str) -> dict[tuple, int]:
    """Full key path -> the 1-based line that defines it, for table headers (``[a.b]``; an array
    of tables ``[[a]]`` adds its 0-based index: ``("a", 2)``) and ``key = value`` lines (dotted
    keys too).  Keys inside inline tables and arrays are not seen: their line is the enclosing key's."""
    lines: dict[tuple, int] = {}
    arrays: dict[tuple, int] = {}  # array-of-tables path -> its last index
    current: tuple = ()
    in_string = ""  # the delimiter of an open multi-line string
    depth = 0  # open brackets of a multi-line array value

    def resolve(parts) -> tuple:
        out: tuple = ()
        for p in parts:
            out += (p,)
            if out in arrays:
                out += (arrays[out],)
        return out

    for n, line in enumerate(text.splitlines(), 1):
        if in_string:
            if in_string in line:
                in_string = ""
            continue
        if depth > 0:
            depth = max(0, depth + _bracket_balance(line))
            continue
        m = re.match(_HEADER_RE, line)
        if m:
            parts = _key_parts(m.group(2))
            if m.group(1) == "[[":
                base = resolve(parts[:-1]) + (parts[-1],)
                arrays[base] = arrays.get(base, -1) + 1
                lines.setdefault(base, n)
                current = base + (arrays[base],)
            else:
                current = resolve(parts)
            for i in range(1, len(current) + 1):
                lines.setdefault(current[:i], n)
            continue
        m = re.match(_KEY_RE, line)
        if not m:
            continue
        full = current + tuple(_key_parts(m.group(1)))
        for i in range(len(current) + 1, len(full) + 1):
            lines.setdefault(full[:i], n)
        rest = _strip_strings(line[m.end():])
        for delim in ('"""', "'''"):
            if rest.count(delim) % 2:
                in_string = delim
        if not in_string:
            depth = max(0, _bracket_balance(rest))
    return lines


def _strip_strings(value: str) -> str:
    """A value with its one-line strings and comment removed (to count brackets and quotes)."""
    out = re.sub(r'"""|\'\'\'|"(?:[^"\\]|\\.)*"|\'[^\']*\'', lambda m: m.group() if len(m.group()) == 3 else '""',
                 value)
    return out.split("#", 1)[0]


def _bracket_balance(text: str) -> int:
    text = _strip_strings(text)
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")


class _Where:
    """The config file being validated: error lines for key paths (relative to the layerlint table)."""

    def __init__(self, path: str, text: Optional[str]) -> None:
        self.path = path
        self.prefix = PYPROJECT_PREFIX if os.path.basename(path) == "pyproject.toml" else ()
        if text is None:
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
            except OSError:
                text = ""
        self._lines = key_lines(text)

    def line(self, keys) -> int:
        full = self.prefix + tuple(keys)
        for i in range(len(full), 0, -1):
            if full[:i] in self._lines:
                return self._lines[full[:i]]
        return 1

    def error(self, keys, message: str) -> ConfigError:
        return ConfigError(self.path, message, self.line(keys))


def _dotted(keys) -> str:
    return ".".join(str(k) for k in keys) or "(top level)"


# -- what the rules declare ------------------------------------------------------------------------
def config_shortcuts() -> dict[str, tuple]:
    """Top-level config key -> (rule, option name, Option), from the options' ``config_key``."""
    from ..rules import all_rules
    out: dict[str, tuple] = {}
    for rule in all_rules().values():
        for name, opt in rule.option_types.items():
            if opt.config_key:
                out[opt.config_key] = (rule, name, opt)
    return out


def config_switches() -> dict[str, list]:
    """Top-level boolean config key -> the rules it turns on (their ``ENABLED_BY``)."""
    from ..rules import all_rules
    out: dict[str, list] = {}
    for rule in all_rules().values():
        if rule.enabled_by:
            out.setdefault(rule.enabled_by, []).append(rule)
    return out


def config_schema() -> dict:
    """The config schema: ``schemas/config.schema.json`` with what the rules declare filled in:
    the shortcut and switch keys (the file lists them too, for editors; tests/test_rule_options.py
    keeps the two in step) and every rule's options table (by code and by name)."""
    from importlib import resources
    from ..rules import all_rules
    schema = json.loads(resources.files("layerlint").joinpath("schemas/config.schema.json").read_text())
    props = schema["properties"]
    for key, (rule, name, opt) in config_shortcuts().items():
        props[key] = {**opt.schema(), "description": f"shortcut for option `{name}` of {rule.code} {rule.name}"}
    for key, rules in config_switches().items():
        props[key] = {"type": "boolean", "description": "also run " + ", ".join(r.code for r in rules)}
    tables = {}
    for rule in all_rules().values():
        table = {"type": "object", "additionalProperties": False, "description": f"{rule.code} {rule.name}",
                 "properties": {n: o.documented_schema() for n, o in rule.option_types.items()}}
        tables[rule.code] = tables[rule.name] = table
    # other keys stay allowed here: codes and names are matched case-insensitively (_check_rules_table)
    schema["definitions"]["rulesTable"] = {**schema["definitions"]["rulesTable"], "properties": tables}
    return schema


# -- validation ------------------------------------------------------------------------------------
def validate(data: dict, path: str, text: Optional[str] = None) -> None:
    """Raise ConfigError for the first mistake in ``data`` (the layerlint table of ``path``;
    ``text``: the file's text, for line numbers)."""
    where = _Where(path, text)
    _check_rule_options(data, where)
    import jsonschema  # only when a config must be validated (start-up cost)
    errors = sorted(jsonschema.Draft7Validator(config_schema()).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        err = errors[0]
        at = list(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            known = list(err.schema.get("properties", {}))
            extra = [k for k in err.instance if k not in known]
            if extra:
                hint = _key_hint(extra[0], known, top_level=not at)
                table = f" in '{_dotted(at)}'" if at else ""
                raise where.error(at + [extra[0]], f"unknown config key '{extra[0]}'{table}{hint}")
        raise where.error(at, f"invalid config key '{_dotted(at)}': {err.message}")
    _check_selectors(data, (), where)
    for i, entry in enumerate(data.get("per-path", [])):
        _check_selectors(entry, ("per-path", i), where)


def _key_hint(key: str, known: list, top_level: bool) -> str:
    """A did-you-mean for an unknown key: a close key of the same table or, at the top level, a
    rule option (which belongs in that rule's ``[rules.CODE]`` table)."""
    best, best_ratio = _closest(key, known)
    if top_level:
        from ..rules import all_rules
        for rule in all_rules().values():
            name, r = _closest(key, rule.option_types)
            if name is not None and (r > best_ratio or r == best_ratio == 1.0):
                best, best_ratio = f"[rules.{rule.code}] {name}", r
    return f"; did you mean '{best}'?" if best else ""


def _closest(key: str, candidates) -> tuple[Optional[str], float]:
    """The candidate most like a mistyped ``key`` and how alike (difflib's ratio), or (None, 0)
    when none is at least 0.6 alike."""
    import difflib  # a did-you-mean only when one is needed (start-up cost)
    best, best_ratio = None, 0.0
    for c in candidates:
        r = difflib.SequenceMatcher(None, key, c).ratio()
        if r > best_ratio:
            best, best_ratio = c, r
    return (best, best_ratio) if best_ratio >= 0.6 else (None, 0.0)


def _check_selectors(table: dict, at: tuple, where: _Where) -> None:
    from ..rules import find_rule
    for key in ("select", "extend-select", "ignore"):
        for i, sel in enumerate(table.get(key, [])):
            problem = selection.selector_error(sel, f"'{_dotted(at + (key,))}'")
            if problem is not None:
                raise where.error(at + (key, i), problem)
    for code in table.get("severity", {}):
        if find_rule(code) is None and not selection.is_shellcheck_selector(code):
            raise where.error(at + ("severity", code),
                              f"unknown rule '{code}' in '{_dotted(at + ('severity',))}'{_rule_hint(code)}")


def _rule_hint(key: str) -> str:
    hint = selection.did_you_mean(key)
    return f"; did you mean '{hint}'?" if hint else " (see `layerlint rules`)"


def _check_rule_options(data: dict, where: _Where) -> None:
    """The rule options of ``data`` against the rules' declarations (shortcut keys, the ``rules``
    tables, the ``rules`` tables of ``per-path`` entries).  Shapes that are not tables at all are
    left to the schema."""
    for key, (rule, name, opt) in config_shortcuts().items():
        if key in data:
            problem = opt.check(data[key])
            if problem is not None:
                raise where.error((key,), f"invalid value for '{key}' (option '{name}' of {rule.code} "
                                          f"{rule.name}): {problem}")
    for key, rules in config_switches().items():
        if key in data and not isinstance(data[key], bool):
            from ..rules.options import Bool
            raise where.error((key,), f"invalid value for '{key}': {Bool(False).check(data[key])}")
    tables = [((), data.get("rules"))]
    per_path = data.get("per-path")
    if isinstance(per_path, list):
        tables += [(("per-path", i), e.get("rules")) for i, e in enumerate(per_path) if isinstance(e, dict)]
    for at, rules_table in tables:
        if isinstance(rules_table, dict):
            _check_rules_table(rules_table, at + ("rules",), where)


def _check_rules_table(table: dict, at: tuple, where: _Where) -> None:
    from ..rules import find_rule
    seen: dict[str, str] = {}
    for key, opts in table.items():
        rule = find_rule(key)
        if rule is None:
            raise where.error(at + (key,), f"unknown rule '{key}' in '{_dotted(at)}'{_rule_hint(key)}")
        if rule.code in seen:
            raise where.error(at + (key,), f"'{_dotted(at + (key,))}' and '{_dotted(at + (seen[rule.code],))}' "
                                           f"both configure {rule.code} {rule.name}: use one")
        seen[rule.code] = key
        if not isinstance(opts, dict):
            raise where.error(at + (key,), f"invalid value for '{_dotted(at + (key,))}': expected a table of "
                                           f"options of {rule.code} {rule.name}, got {type(opts).__name__}")
        types = rule.option_types
        for name, value in opts.items():
            full = at + (key, name)
            opt = types.get(name)
            if opt is None:
                raise where.error(full, _unknown_option(rule, name, _dotted(at + (key,))))
            problem = opt.check(value)
            if problem is not None:
                raise where.error(full, f"invalid value for '{_dotted(full)}': {problem}")


def _unknown_option(rule, name: str, table: str) -> str:
    known = list(rule.option_types)
    if not known:
        return f"unknown option '{name}' in '{table}': {rule.code} {rule.name} has no options"
    close, _ = _closest(name, known)
    hint = f"; did you mean '{close}'?" if close else ""
    return (f"unknown option '{name}' in '{table}'{hint} ({rule.code} {rule.name} options: "
            + ", ".join(known) + ")")


# -- applying a validated config -------------------------------------------------------------------
def _merge_rule_options(base: dict, tables: dict) -> dict:
    """``base`` (rule code -> options) with ``tables`` (rule code or name -> options) over it."""
    if not tables:
        return base
    from ..rules import find_rule
    out = {k: dict(v) for k, v in base.items()}
    for key, table in tables.items():
        rule = find_rule(key)
        out.setdefault(rule.code if rule is not None else key, {}).update(table)
    return out


def apply_mapping(s: Settings, data: dict, source: str = "") -> Settings:
    if "select" in data:
        s.select = list(data["select"])
    s.extend_select = s.extend_select + list(data.get("extend-select", []))
    s.ignore = s.ignore + list(data.get("ignore", []))
    s.severity = {**s.severity, **data.get("severity", {})}
    s.fail_on = data.get("fail-on", s.fail_on)
    s.shellcheck = data.get("shellcheck", s.shellcheck)
    for key in config_switches():
        if key in data:
            setattr(s, selection.switch_attribute(key), bool(data[key]))
    s.build_args = {**s.build_args, **data.get("build-args", {})}
    opts = _merge_rule_options(s.rule_options, data.get("rules", {}))
    shortcuts = {}
    for key, (rule, name, opt) in config_shortcuts().items():
        if key in data:
            shortcuts.setdefault(rule.code, {})[name] = _copy(data[key])
    s.rule_options = _merge_rule_options(opts, shortcuts)  # a shortcut wins over the rules table
    s.per_path = s.per_path + list(data.get("per-path", []))
    return s


def _copy(value):
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


# -- what engine/lint_file.py asks -----------------------------------------------------------------
def selected_rules(settings: Settings):
    """The Rule objects these settings run (engine/selection.py decides)."""
    return selection.selected_rules(settings)


def rule_options(settings: Settings, rule) -> dict[str, Any]:
    """``rule``'s defaults with the configured values (by code, then by name) over them."""
    opts = dict(rule.options)
    for key in (rule.code, rule.name):
        opts.update(settings.rule_options.get(key, {}))
    return opts


def rule_severity(settings: Settings, rule) -> str:
    return settings.severity.get(rule.code) or settings.severity.get(rule.name) or rule.severity
