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
        head.append("- Options (`[tool.layerlint.rules." + rule.code + "]`):")
        head += ["  - " + opt.markdown(name) for name, opt in rule.option_types.items()]
    return "\n".join(head) + "\n" + body.rstrip() + "\n"


def rules_table(rules) -> str:
    lines = ["| Code | Name | Severity | Summary | hadolint | BuildKit |", "|---|---|---|---|---|---|"]
    for r in rules:
        lines.append(f"| {r.code} | {r.name} | {r.severity} | {r.summary.replace('|', '/')} | "
                     f"{', '.join(r.hadolint)} | {', '.join(r.buildkit)} |")
    return "\n".join(lines) + "\n"


# -- generated documents: docs/rules.md and docs/parity.md ------------------------------------
from ..rules.hadolint_codes import HADOLINT_CODES, HADOLINT_REMOVED  # noqa: E402

# Every BuildKit build check.
BUILDKIT_CHECKS = {
    "StageNameCasing": "Stage name is not lower-case",
    "FromAsCasing": "FROM and AS keywords in different casing",
    "NoEmptyContinuation": "Empty line inside a line continuation",
    "ConsistentInstructionCasing": "Instruction keywords in mixed casing",
    "DuplicateStageName": "Two stages with the same name",
    "ReservedStageName": "Stage named scratch or context",
    "JSONArgsRecommended": "Shell form CMD / ENTRYPOINT",
    "MaintainerDeprecated": "MAINTAINER instruction",
    "UndefinedArgInFrom": "FROM uses an ARG that is not declared globally",
    "WorkdirRelativePath": "Relative WORKDIR without an absolute one before it",
    "UndefinedVar": "Variable used but never defined",
    "MultipleInstructionsDisallowed": "More than one CMD / ENTRYPOINT / HEALTHCHECK in a stage",
    "LegacyKeyValueFormat": "`ENV key value` / `LABEL key value` without `=`",
    "InvalidBaseImagePlatform": "Base image platform differs from the requested one",
    "RedundantTargetPlatform": "FROM --platform=$TARGETPLATFORM",
    "SecretsUsedInArgOrEnv": "ARG / ENV name looks like a secret",
    "InvalidDefaultArgInFrom": "FROM is not a valid reference with the default ARG values",
    "FromPlatformFlagConstDisallowed": "Constant FROM --platform not reflected in the stage name",
    "CopyIgnoredFile": "COPY / ADD of a file excluded by .dockerignore",
    "InvalidDefinitionDescription": "Comment above FROM AS / ARG does not start with the name (experimental)",
    "ExposeProtoCasing": "EXPOSE protocol not lower-case",
    "ExposeInvalidFormat": "EXPOSE with an IP address or a host:container mapping",
}

# Not rules: the parser refuses these files (a file error, exit 2), as BuildKit does.
PARSER_COVERED = {
    "DL1000": "Parse errors are file errors (exit 2) with the exact line and column.",
    "DL3043": "`ONBUILD ONBUILD`, `ONBUILD FROM` and `ONBUILD MAINTAINER` are parse errors, as in BuildKit.",
}

DELIBERATELY_NOT_COVERED = {
    "DL3029": "hadolint reports every constant `--platform`, including legitimate cross-builds such as "
              "`FROM --platform=linux/amd64 node:22 AS build-amd64`. BuildKit's "
              "FromPlatformFlagConstDisallowed (only when the platform is not reflected in the stage name) "
              "covers the harmful case and is the behaviour layerlint follows.",
    "InvalidBaseImagePlatform": "Needs the base image's configuration from a registry; layerlint never "
                                "contacts registries.",
}


def _rule_ref(r) -> str:
    note = " (opt-in)" if not r.enabled_by_default else ""
    return f"[{r.code}](rules.md#{r.code.lower()}) {r.name}{note}"


def parity_markdown(rules=None) -> str:
    """The hadolint / BuildKit parity table, generated from the rule registry."""
    from ..rules import all_rules
    rules = list(rules if rules is not None else all_rules().values())
    by_dl: dict[str, list] = {}
    by_bk: dict[str, list] = {}
    for r in rules:
        for c in r.hadolint:
            by_dl.setdefault(c.upper(), []).append(r)
        for c in r.buildkit:
            by_bk.setdefault(c.lower(), []).append(r)
    out = ["# Parity with hadolint and BuildKit", "",
           "Generated from the rule registry by `scripts/gen-docs` (also `layerlint rules --format parity`); "
           "do not edit by hand.", "",
           "Each row names the layerlint rule(s) that cover the check; `# hadolint ignore=` pragmas and "
           "`--select DLxxxx` / `--select <BuildKit check name>` map to these rules.", ""]
    counts = {"dl": 0, "bk": 0}

    def row(code, desc, covering, parser=None):
        if covering:
            return "| " + " | ".join([code, desc, "<br>".join(_rule_ref(r) for r in covering), ""]) + " |", True
        if parser:
            return f"| {code} | {desc} | parser (file error) | {parser} |", True
        why = DELIBERATELY_NOT_COVERED.get(code, "not covered yet")
        return f"| {code} | {desc} | not covered | {why} |", False

    dl_rows, bk_rows = [], []
    for code, desc in HADOLINT_CODES.items():
        text, ok = row(code, desc, by_dl.get(code, []), PARSER_COVERED.get(code))
        dl_rows.append(text)
        counts["dl"] += ok
    for name, desc in BUILDKIT_CHECKS.items():
        text, ok = row(name, desc, by_bk.get(name.lower(), []))
        bk_rows.append(text)
        counts["bk"] += ok
    out += [f"## hadolint rules ({counts['dl']} of {len(HADOLINT_CODES)} covered)", "",
            "| hadolint | What it checks | layerlint | Notes |", "|---|---|---|---|", *dl_rows, "",
            "Codes hadolint has removed, kept so that old pragmas still map:", "",
            "| hadolint | What it checked | layerlint |", "|---|---|---|",
            *[f"| {c} | {d} | {'<br>'.join(_rule_ref(r) for r in by_dl.get(c, [])) or 'none'} |"
              for c, d in HADOLINT_REMOVED.items()], "",
            f"## BuildKit build checks ({counts['bk']} of {len(BUILDKIT_CHECKS)} covered)", "",
            "| Check | What it checks | layerlint | Notes |", "|---|---|---|---|", *bk_rows, ""]
    beyond = [r for r in rules if not r.hadolint and not r.buildkit]
    if beyond:
        out += ["## Beyond hadolint and BuildKit", "", "| layerlint | Summary |", "|---|---|"]
        out += [f"| {_rule_ref(r)} | {r.summary.replace('|', '/')} |" for r in beyond]
        out.append("")
    return "\n".join(out)


def _demote(md: str) -> str:
    """Every markdown heading one level down (outside code blocks)."""
    out, fence = [], False
    for line in md.split("\n"):
        if line.startswith("```"):
            fence = not fence
        elif not fence and line.startswith("#"):
            line = "#" + line
        out.append(line)
    return "\n".join(out)


def rules_document(rules=None) -> str:
    """docs/rules.md: the rule table and every rule's documentation."""
    from ..rules import all_rules
    rules = list(rules if rules is not None else all_rules().values())
    parts = ["# layerlint rules", "",
             "Generated from the rule registry by `scripts/gen-docs`; do not edit by hand. "
             "`layerlint rule CODE` shows the same text in the terminal.", "", rules_table(rules)]
    for r in rules:
        parts += [f'<a id="{r.code.lower()}"></a>', "", _demote(rule_markdown(r))]
    return "\n".join(parts).rstrip("\n") + "\n"


def generated_files(rules=None) -> dict[str, str]:
    """Repository-relative path -> content of every generated document."""
    return {"docs/rules.md": rules_document(rules), "docs/parity.md": parity_markdown(rules),
            "docs/config.schema.json": config_schema_document()}


def config_schema_document() -> str:
    """The whole config schema, every rule's typed options included, for editors and tools that
    validate a ``.layerlint.toml`` (the package's own schema file leaves the rule tables open;
    the run fills them in from the registry, as here)."""
    import json
    from ..engine.settings import config_schema
    return json.dumps(config_schema(), indent=2, ensure_ascii=False) + "\n"
