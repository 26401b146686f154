"""Suppression pragma that silences nothing, or names a rule layerlint does not have (opt-in).

## What it does
After all other rules have run and their findings have been matched against the inline
suppressions, reports:

- a code in `# layerlint: ignore=...` (or `ignore-stage=`, `ignore-file=`) that is not a
  layerlint rule code or name;
- a code in `# hadolint ignore=...` / `# hadolint global ignore=...` that no layerlint rule
  covers (see the parity table; such pragmas are harmless and are kept for hadolint), and a
  BuildKit check name in `# check=skip=...` that no layerlint rule covers;
- a code whose rule ran but produced no finding for the pragma to silence (stale
  pragmas), including a pragma that is not directly above an instruction.

A `# check=skip=` of a BuildKit check that layerlint's rule deliberately reports less often
than BuildKit (SecretsUsedInArgOrEnv: public key ids and file paths) is not called stale: it
may still silence BuildKit itself.

Codes of rules that were not selected for this run are not reported (nothing can be said
about them), and ShellCheck `SC` codes only when the ShellCheck integration ran. Enable it
with `--extend-select LL518` or `report-unused-pragmas = true` in the config.

## Why is this bad
Suppressions outlive the problems they were written for. A stale pragma hides the next,
real finding on that instruction, and a misspelt code (`# layerlint: ignore=LL1O1`)
suppresses nothing while looking as if it did.

## Example
```dockerfile
# layerlint: ignore=LL101
FROM python:3.12-slim
# hadolint ignore=DL3008
RUN echo "no apt-get here any more"
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN echo "no apt-get here any more"
```
"""
from ..base import Violation

CODE = "LL518"
NAME = "unused-pragma"
SEVERITY = "info"
SUMMARY = "Suppression pragma that silences nothing or names an unknown rule"
HADOLINT = ()
BUILDKIT = ()
ENABLED_BY_DEFAULT = False
ENABLED_BY = "report-unused-pragmas"  # the config key that also turns it on
TAGS = ("pragmas",)
AFTER_SUPPRESSIONS = True  # runs last, when ctx.suppressions knows which pragmas were used

SCOPE = {"instruction": "the next instruction", "stage": "this stage", "file": "this file"}


def _column(ctx, line: int, code: str) -> tuple[int, int]:
    text = ctx.df.lines[line - 1] if 0 < line <= len(ctx.df.lines) else ""
    eq = text.find("=")
    col = text.find(code, eq + 1 if eq >= 0 else 0)
    if col < 0:
        lead = len(text) - len(text.lstrip())
        return lead + 1, len(text.rstrip()) + 1
    return col + 1, col + 1 + len(code)


QUIETER_THAN_BUILDKIT = "quieter-than-buildkit"  # a rule tag: see the BuildKit branch of check()


def _attached(supp, p) -> bool:
    return supp.is_attached(p)


def check(ctx):
    from .. import by_buildkit_name, by_hadolint_code, find_rule
    from ...syntax.model import Span
    supp = ctx.suppressions
    ran = list(ctx.rules_run)
    if supp is None:
        return
    ran_ids = {r.code for r in ran if r.code != CODE}
    shellcheck = any("shellcheck" in r.tags for r in ran)
    hadolint_map = by_hadolint_code()
    buildkit_map = by_buildkit_name()
    for p in supp.pragmas:
        attached = _attached(supp, p)
        for code in p.codes:
            if code in p.used:
                continue
            up = code.upper()
            problem = None
            if p.tool == "layerlint":
                rule = find_rule(code)
                if up == "ALL":
                    targets = ran_ids
                elif up.startswith("SC") and up[2:].isdigit():
                    targets = ran_ids if shellcheck else set()  # a ShellCheck code, as for hadolint
                elif rule is None:
                    problem = f"`{code}` is not a layerlint rule (see `layerlint rules`)"
                    targets = set()
                else:
                    targets = {rule.code} & ran_ids
            elif p.tool == "hadolint":
                if up.startswith("SC"):
                    targets = ran_ids if shellcheck else set()
                elif up not in hadolint_map:
                    problem = (f"hadolint code {code} has no layerlint equivalent (see `layerlint rules --format "
                               "parity`); the pragma only matters to hadolint")
                    targets = set()
                else:
                    targets = {r.code for r in hadolint_map[up]} & ran_ids
            else:
                low = code.lower()
                exact = {b for r in buildkit_map.get(low, ()) for b in r.buildkit if b.lower() == low}
                if code == "all":
                    targets = ran_ids
                elif low in buildkit_map and code not in exact:
                    problem = (f"`{code}` skips nothing: BuildKit matches check names as written; write "
                               f"`{'all' if low == 'all' else sorted(exact)[0]}`")
                    targets = set()
                elif low not in buildkit_map:
                    problem = f"BuildKit check {code} has no layerlint equivalent; the skip only matters to BuildKit"
                    targets = set()
                else:
                    # a skip also speaks to BuildKit: where layerlint's rule deliberately reports less
                    # than BuildKit's check (tag QUIETER_THAN_BUILDKIT), its silence proves nothing
                    targets = {r.code for r in buildkit_map[low] if QUIETER_THAN_BUILDKIT not in r.tags} & ran_ids
            if problem is None:
                if not targets:
                    continue  # its rule did not run: nothing to say
                if not attached:
                    problem = (f"`{code}` suppresses nothing: the pragma is not directly above an instruction "
                               "(or a FROM, for ignore-stage)")
                else:
                    problem = f"`{code}` suppresses nothing: no such finding in {SCOPE.get(p.scope, 'its scope')}"
            c1, c2 = _column(ctx, p.line, code)
            yield Violation(Span(p.line, c1, p.line, c2), f"Unused suppression: {problem}")
