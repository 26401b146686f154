"""Rule documentation rendered from the registry (``layerlint rule``, docs/rules.md, SARIF help)."""
from __future__ import annotations


def rule_markdown(rule) -> str:
    eq = []
    if rule.hadolint:
        eq.append("hadolint: " + ", ".join(rule.hadolint))
    if rule.buildkit:
        eq.append("BuildKit check: " + ", ".join(rule.buildkit))
    title, _, body = rule.doc.partition("\n")
    head = [f"# {rule.code} {rule.name}", "", title.strip(), "",
            f"- Default severity: {rule.severity}",
            f"- Enabled by default: {'yes' if rule.enabled_by_default else 'no (opt-in: --extend-select ' + rule.code + ')'}",
            f"- Equivalent: {'; '.join(eq) if eq else 'none in hadolint or BuildKit'}"]
    if rule.fixable:
        head.append("- Fixable with `--fix`")
    if rule.options:
        head.append("- Options (`[tool.layerlint.rules." + rule.code + "]`): "
                    + ", ".join(f"`{k}` = {v!r}" for k, v in rule.options.items()))
    return "\n".join(head) + "\n" + body.rstrip() + "\n"


def rules_table(rules) -> str:
    lines = ["| Code | Name | Severity | Summary | hadolint | BuildKit |", "|---|---|---|---|---|---|"]
    for r in rules:
        lines.append(f"| {r.code} | {r.name} | {r.severity} | {r.summary.replace('|', '/')} | "
                     f"{', '.join(r.hadolint)} | {', '.join(r.buildkit)} |")
    return "\n".join(lines) + "\n"
