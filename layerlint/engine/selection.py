"""Which rules run: the one owner of rule selectors (``select`` / ``extend-select`` / ``ignore``).

A selector is ``ALL``, a rule code or code prefix (``LL101``, ``LL1``), a rule name
(``missing-tag``), a hadolint code a rule covers (``DL3006``), a BuildKit check name
(``JSONArgsRecommended``, any case), or a ShellCheck selector (``SC``, ``SC2``, ``SC2086``,
``shellcheck``; they keep or drop the findings of ``--shellcheck``).  Anything else, and an
empty selector, is an error: ``selector_error`` says why (the config loader and the command line
both report it).

``selected_rules(settings)`` is the set of catalogue rules a file runs: the default set (or
``select``), plus ``extend-select``, plus each rule whose ``ENABLED_BY`` config switch is on
(``report-unused-pragmas``), minus ``ignore``.  ``shellcheck_enabled`` / ``shellcheck_wanted``
apply the same selectors to ShellCheck's findings.  ``Settings.for_path`` has already merged the
per-path selectors.
"""
from __future__ import annotations

import re

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Iterable, Optional

_SHELLCHECK = r"SC\d{0,4}"


class SelectorError(ValueError):
    """An empty or unknown rule selector (a usage error on the command line)."""


def is_shellcheck_selector(sel: str) -> bool:
    """``SC``, ``SC2``, ``SC2086`` or ``shellcheck``: ShellCheck's findings (engine/shellcheck.py)."""
    sel = sel.strip()
    return bool(re.fullmatch(_SHELLCHECK, sel.upper())) or sel.lower() == "shellcheck"


def rule_matches(rule, sel: str) -> bool:
    """Whether selector ``sel`` names catalogue rule ``rule``."""
    sel = sel.strip()
    if not sel:
        return False
    up, low = sel.upper(), sel.lower()
    return (up == "ALL" or rule.code.startswith(up) or rule.name == low
            or any(h.upper() == up for h in rule.hadolint)
            or any(b.lower() == low for b in rule.buildkit))


def shellcheck_matches(sel: str, code: str) -> bool:
    """Whether selector ``sel`` names ShellCheck finding ``code`` (``SC2086``; ``SC``: any)."""
    sel = sel.strip()
    return sel.upper() == "ALL" or sel.lower() == "shellcheck" or (
        sel.upper().startswith("SC") and code.startswith(sel.upper()))


def selector_error(sel: str, where: str = "") -> Optional[str]:
    """None when ``sel`` is a known selector, else why it is not (``where``: the option or key it
    was given in, for the message)."""
    from ..rules import all_rules, by_buildkit_name, find_rule
    s = sel.strip()
    at = f" in {where}" if where else ""
    if not s:
        return f"empty rule selector{at}"
    up = s.upper()
    if up == "ALL" or is_shellcheck_selector(s) or find_rule(s) is not None:
        return None
    if any(r.code.startswith(up) for r in all_rules().values()):
        return None
    if is_hadolint_code(s) or s.lower() in by_buildkit_name():
        return None  # a real hadolint rule layerlint does not cover selects nothing
    if up.startswith("DL"):
        return f"unknown rule selector '{sel}'{at}: hadolint has no rule {up} (see docs/parity.md)"
    hint = did_you_mean(s)
    return f"unknown rule selector '{sel}'{at}" + (f"; did you mean '{hint}'?" if hint else " (see `layerlint rules`)")


def is_hadolint_code(key: str) -> bool:
    """A hadolint rule code (DL3008), whether or not a layerlint rule covers it (a hadolint
    config carried over keeps the codes of rules layerlint does not have: they name nothing)."""
    from ..rules import by_hadolint_code
    from ..rules.hadolint_codes import HADOLINT_CODES, HADOLINT_REMOVED
    up = key.strip().upper()
    return up in by_hadolint_code() or up in HADOLINT_CODES or up in HADOLINT_REMOVED


def did_you_mean(key: str) -> str:
    """The rule name closest to a mistyped name or BuildKit check name ("" when none is close)."""
    from ..rules import all_rules, by_buildkit_name
    from ..rules.buildkit_semantics import suggest
    if re.fullmatch(r"[A-Za-z]{1,3}\d+", key.strip()):
        return ""  # a mistyped code: a near code is a guess, not a suggestion
    low = key.strip().lower()
    names = [r.name for r in all_rules().values()]
    hint = suggest(low, names)
    if not hint:
        checks = {b.lower(): b for r in all_rules().values() for b in r.buildkit}
        hint = checks.get(suggest(low, list(by_buildkit_name())), "")
    return hint


def parse_cli_selectors(values: Iterable[str], option: str) -> list[str]:
    """The selectors of repeated, comma-separated ``--select`` / ``--extend-select`` / ``--ignore``
    values (``LL101,LL201``); a value that names none (``''``, ``','``) is a SelectorError."""
    out: list[str] = []
    for v in values:
        parts = [x.strip() for x in v.split(",") if x.strip()]
        if not parts:
            raise SelectorError(f"empty rule selector in {option} {v!r} (give codes, names or ALL)")
        for sel in parts:
            problem = selector_error(sel, option)
            if problem is not None:
                raise SelectorError(problem)
        out += parts
    return out


def apply_cli_selectors(settings, select=(), extend_select=(), ignore=()) -> None:
    """The command line's selectors over the config's (``--select`` replaces, the others add);
    raises SelectorError for an empty or unknown one."""
    if select:
        settings.select = parse_cli_selectors(select, "--select")
    settings.extend_select = settings.extend_select + parse_cli_selectors(extend_select, "--extend-select")
    settings.ignore = settings.ignore + parse_cli_selectors(ignore, "--ignore")


def switch_attribute(key: str) -> str:
    """The Settings field of a top-level boolean config key (``report-unused-pragmas``)."""
    return key.replace("-", "_")


def switched_on(settings, rule) -> bool:
    """Whether the config switch that turns ``rule`` on (its ``ENABLED_BY``) is set."""
    return bool(rule.enabled_by) and bool(getattr(settings, switch_attribute(rule.enabled_by), False))


def selected_rules(settings) -> list:
    """The catalogue rules these settings run (the selected ones in catalogue order, then the added
    ones).  A hadolint code in ``ignore`` drops a rule only when it names all of the rule's
    hadolint codes: otherwise ``finding_filter`` drops just that code's findings."""
    from ..rules import all_rules
    rules = list(all_rules().values())
    if settings.select is None:
        chosen = [r for r in rules if r.enabled_by_default]
    else:
        chosen = [r for r in rules if any(rule_matches(r, s) for s in settings.select)]
    for sel in settings.extend_select:
        chosen += [r for r in rules if rule_matches(r, sel) and r not in chosen]
    chosen += [r for r in rules if switched_on(settings, r) and r not in chosen]
    return [r for r in chosen if not _ignored_whole(r, settings.ignore)]


def _hadolint_only(rule, sel: str) -> bool:
    """Whether ``sel`` names ``rule`` by one of its hadolint codes and in no other way."""
    up = sel.strip().upper()
    return any(h.upper() == up for h in rule.hadolint) and not rule_matches(_NoHadolint(rule), sel)


class _NoHadolint:
    """``rule`` as rule_matches sees it without its hadolint codes."""
    __slots__ = ("code", "name", "hadolint", "buildkit")

    def __init__(self, rule) -> None:
        self.code, self.name, self.hadolint, self.buildkit = rule.code, rule.name, (), rule.buildkit


def _ignored_whole(rule, ignore) -> bool:
    if any(rule_matches(rule, s) and not _hadolint_only(rule, s) for s in ignore):
        return True
    dl = {s.strip().upper() for s in ignore if _hadolint_only(rule, s)}
    return bool(dl) and dl >= {h.upper() for h in rule.hadolint}


def finding_filter(settings, rule):
    """None when every finding of ``rule`` is kept, else ``keep(codes) -> bool`` over a finding's
    hadolint codes: a hadolint code selects exactly that hadolint rule's findings, as
    ``# hadolint ignore=`` does (``--ignore DL3007`` keeps LL101's untagged-image findings,
    DL3006; ``--select DL3018`` keeps only LL315's apk findings)."""
    chosen = list(settings.select) if settings.select is not None else []
    chosen += list(settings.extend_select)
    wanted = {s.strip().upper() for s in chosen if _hadolint_only(rule, s)}
    dropped = {s.strip().upper() for s in settings.ignore if _hadolint_only(rule, s)}
    if not wanted and not dropped:
        return None  # no hadolint code names the rule (it runs because it was selected, or handed in)
    whole = ((settings.select is None and rule.enabled_by_default) or switched_on(settings, rule)
             or any(rule_matches(rule, s) and not _hadolint_only(rule, s) for s in chosen))
    if whole and not dropped:
        return None

    def keep(codes) -> bool:
        up = {c.upper() for c in codes}
        return (whole or bool(up & wanted)) and not up & dropped
    return keep


def finding_severity(settings, rule, codes) -> str:
    """A finding's severity: a hadolint code of the finding or a BuildKit name of its rule in the
    ``severity`` table, then the rule's code or name, then the rule's default (the most specific
    key wins, as a hadolint code names part of a rule)."""
    table = settings.severity
    if table:
        for c in codes:
            for key in (c, c.upper(), c.lower()):
                if key in table:
                    return table[key]
        found = table.get(rule.code) or table.get(rule.name)
        if found:
            return found
        low = {k.lower(): v for k, v in table.items()}
        for b in rule.buildkit:
            if b.lower() in low:
                return low[b.lower()]
    return rule.severity


def shellcheck_enabled(settings) -> bool:
    """Whether the selection can keep any SC finding at all (if not, ShellCheck is not run)."""
    if any(s.strip().upper() in ("ALL", "SC") or s.strip().lower() == "shellcheck" for s in settings.ignore):
        return False
    return settings.select is None or any(shellcheck_matches(s, "SC") or s.strip().upper().startswith("SC")
                                          for s in list(settings.select) + list(settings.extend_select))


def shellcheck_wanted(settings, code: str) -> bool:
    """Whether the selectors keep ShellCheck finding ``code`` (``SC2086``)."""
    if any(shellcheck_matches(s, code) for s in settings.ignore):
        return False
    if settings.select is None:
        return True
    return any(shellcheck_matches(s, code) for s in list(settings.select) + list(settings.extend_select))
