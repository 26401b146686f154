"""The catalogue as a whole: each family's rules are documented and flagged as expected, and
what the parser covers itself (hadolint DL3043: ONBUILD ONBUILD / FROM / MAINTAINER).
"""
from layerlint.rules import all_rules


def test_codes_are_in_the_cache_range_and_documented():
    for code in ("LL201", "LL202", "LL203", "LL204", "LL205", "LL206"):
        r = all_rules()[code]
        for part in ("## What it does", "## Why is this bad", "## Example\n```dockerfile", "## Use instead\n```dockerfile"):
            assert part in r.doc, (code, part)
    assert all_rules()["LL201"].fixable
    assert "DL3009" in all_rules()["LL204"].doc  # says how it differs from hadolint's rule


def test_every_buildkit_rule_has_the_mandatory_shape():
    mine = {c: r for c, r in all_rules().items() if "LL400" <= c <= "LL449"}
    assert len(mine) == 21
    names = set()
    for code, r in mine.items():
        assert len(r.buildkit) == 1, code
        names.add(r.buildkit[0])
        for part in ("## What it does", "## Why is this bad", "## Example\n```dockerfile",
                     "## Use instead\n```dockerfile"):
            assert part in r.doc, (code, part)
        assert r.severity in ("error", "warning", "info", "style")
    # every static BuildKit check (all but InvalidBaseImagePlatform, which needs the registry)
    assert names == {
        "StageNameCasing", "FromAsCasing", "NoEmptyContinuation", "ConsistentInstructionCasing",
        "DuplicateStageName", "ReservedStageName", "JSONArgsRecommended", "MaintainerDeprecated",
        "UndefinedArgInFrom", "WorkdirRelativePath", "UndefinedVar", "MultipleInstructionsDisallowed",
        "LegacyKeyValueFormat", "SecretsUsedInArgOrEnv", "RedundantTargetPlatform",
        "InvalidDefaultArgInFrom", "FromPlatformFlagConstDisallowed", "CopyIgnoredFile",
        "ExposeProtoCasing", "ExposeInvalidFormat", "InvalidDefinitionDescription"}
    assert not mine["LL420"].enabled_by_default  # experimental in BuildKit
    assert all(r.enabled_by_default for c, r in mine.items() if c != "LL420")
    assert mine["LL404"].hadolint == ("DL3024",) and mine["LL406"].hadolint == ("DL3025",)
    assert mine["LL407"].hadolint == ("DL4000",) and mine["LL409"].hadolint == ("DL3000",)
    assert mine["LL411"].hadolint == ("DL4003", "DL4004", "DL3012")


def test_dl3043_is_a_parse_error():
    """docs.PARSER_COVERED: ONBUILD ONBUILD / FROM / MAINTAINER stop the file, as in BuildKit."""
    from layerlint.engine.settings import Settings
    from layerlint.engine.lint_file import lint_bytes
    for trigger in ("ONBUILD RUN x", "FROM alpine:3", "MAINTAINER me"):
        res = lint_bytes(f"FROM a:1\nONBUILD {trigger}\n".encode(), "Dockerfile", Settings())
        assert [(e.line, e.column) for e in res.errors] == [(2, 9)] and not res.findings, trigger
