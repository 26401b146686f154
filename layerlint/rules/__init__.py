"""The rule catalogue.

Each rule is one small module, ``rules/<family>/<rule_name>.py``, shaped like yamllint's: a docstring in ruff's
"What it does / Why is this bad / Example / Use instead" form (rendered by ``layerlint rule``),
then ``CODE``, ``NAME``, ``SEVERITY``, ``SUMMARY``, ``HADOLINT``, ``BUILDKIT``, optional
``OPTIONS`` (config keys declared with the types of ``rules/options.py``, e.g.
``{"strict": Bool(False, "...")}``; ``Rule.options`` holds their plain defaults, ``Rule.option_types``
the declarations), optional ``ENABLED_BY`` (a top-level boolean config key that turns the rule
on, e.g. ``report-unused-pragmas``) and a ``check(ctx)`` generator yielding
``(span, message)``, ``(span, message, fix)`` or ``(span, message, fix, hadolint_codes)``
(the last narrows the finding's hadolint equivalents, e.g. DL3006 vs DL3007).
"""
from __future__ import annotations

import importlib
import os

from ..record import FrozenRecord
from .options import Option, typed

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable, Optional


FAMILIES = ("base_image", "caching", "run", "buildkit", "instructions")  # LL1xx .. LL5xx


def rule_modules() -> list[str]:
    """Every rule module, as ``family.module`` (one module per rule, named after the rule, in
    one package per code range; the modules of this package itself are shared helpers)."""
    found: list[str] = []
    for family in FAMILIES:
        try:  # a directory listing: pkgutil.iter_modules would import inspect and typing (6 ms)
            names = {n[:-3] for n in os.listdir(os.path.join(__path__[0], family)) if n.endswith(".py")}
        except OSError:
            names = set()
        if not names:  # installed in a zip
            import pkgutil
            names = {m.name for m in pkgutil.iter_modules([os.path.join(__path__[0], family)])}
        found += [f"{family}.{n}" for n in sorted(names) if not n.startswith("_")]
    return found


class Rule(FrozenRecord):
    code: str
    name: str
    severity: str
    summary: str
    doc: str
    hadolint: tuple[str, ...]
    buildkit: tuple[str, ...]
    check: Callable[..., Iterable[Any]]
    options: dict[str, Any]  # name -> default (what ctx.options starts from)
    option_types: dict[str, Any]  # name -> rules.options.Option (the declaration: type, doc, config key)
    enabled_by_default: bool
    fixable: bool
    tags: tuple[str, ...]
    after_suppressions: bool  # runs after the other rules and reads ctx.suppressions, ctx.rules_run
    enabled_by: Optional[str]  # a top-level boolean config key that adds the rule to the selection

    _fields = ("code", "name", "severity", "summary", "doc", "hadolint", "buildkit", "check", "options",
               "enabled_by_default", "fixable", "tags", "after_suppressions", "option_types", "enabled_by")
    _hidden = ("check", "option_types")
    _uncompared = ("check", "options", "option_types")

    def __init__(
        self,
        code: str,
        name: str,
        severity: str,
        summary: str,
        doc: str,
        hadolint: tuple[str, ...],
        buildkit: tuple[str, ...],
        check: Callable[..., Iterable[Any]],
        options: dict[str, Any] | None = None,
        enabled_by_default: bool = True,
        fixable: bool = False,
        tags: tuple[str, ...] = (),
        after_suppressions: bool = False,
        option_types: dict[str, Any] | None = None,
        enabled_by: Optional[str] = None,
    ) -> None:
        self.code = code
        self.name = name
        self.severity = severity
        self.summary = summary
        self.doc = doc
        self.hadolint = hadolint
        self.buildkit = buildkit
        self.check = check
        # options: plain defaults or typed declarations; option_types wins when given
        self.option_types = typed(options) if option_types is None else dict(option_types)
        self.options = {k: t.default for k, t in self.option_types.items()}
        if option_types is not None and options:  # Rule.replace(options=...) keeps the new defaults
            self.options.update({k: v for k, v in options.items() if not isinstance(v, Option)})
        self.enabled_by_default = enabled_by_default
        self.fixable = fixable
        self.tags = tags
        self.after_suppressions = after_suppressions
        self.enabled_by = enabled_by

    @property
    def help_uri(self) -> str:
        return f"https://github.com/layerlint/layerlint/blob/main/docs/rules.md#{self.code.lower()}"


_RULES: Optional[dict[str, Rule]] = None


def _from_module(mod) -> Rule:
    return Rule(
        code=mod.CODE, name=mod.NAME, severity=mod.SEVERITY, summary=mod.SUMMARY,
        doc=(mod.__doc__ or "").strip(), hadolint=tuple(getattr(mod, "HADOLINT", ())),
        buildkit=tuple(getattr(mod, "BUILDKIT", ())), check=mod.check,
        options=getattr(mod, "OPTIONS", {}),
        enabled_by_default=getattr(mod, "ENABLED_BY_DEFAULT", True),
        fixable=getattr(mod, "FIXABLE", False), tags=tuple(getattr(mod, "TAGS", ())),
        after_suppressions=getattr(mod, "AFTER_SUPPRESSIONS", False),
        enabled_by=getattr(mod, "ENABLED_BY", None),
    )


def all_rules() -> dict[str, Rule]:
    """code -> Rule, in documentation order."""
    global _RULES
    if _RULES is None:
        rules: dict[str, Rule] = {}
        for name in rule_modules():
            rule = _from_module(importlib.import_module(f"{__name__}.{name}"))
            if rule.code in rules:
                raise RuntimeError(f"duplicate rule code {rule.code} in {name}")
            rules[rule.code] = rule
        _RULES = dict(sorted(rules.items()))
    return _RULES


def find_rule(key: str) -> Optional[Rule]:
    """A rule by code (``LL101``) or name (``missing-tag``), case-insensitively."""
    key = key.strip()
    rules = all_rules()
    if key.upper() in rules:
        return rules[key.upper()]
    for r in rules.values():
        if r.name == key.lower():
            return r
    return None


def by_hadolint_code() -> dict[str, list[Rule]]:
    out: dict[str, list[Rule]] = {}
    for r in all_rules().values():
        for c in r.hadolint:
            out.setdefault(c, []).append(r)
    return out


def by_buildkit_name() -> dict[str, list[Rule]]:
    out: dict[str, list[Rule]] = {}
    for r in all_rules().values():
        for c in r.buildkit:
            out.setdefault(c.lower(), []).append(r)
    return out
