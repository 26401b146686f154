"""Generated documents are up to date, every rule is documented in the mandatory shape, and
the parity table accounts for every hadolint rule and BuildKit check."""
import re
import subprocess
import sys

import pytest

from layerlint.report import rule_docs as docs
from layerlint.engine.results import SEVERITIES
from layerlint.rules import all_rules

from .conftest import REPO, shared_path

RULES = list(all_rules().values())
SECTIONS = ("## What it does", "## Why is this bad", "## Example", "## Use instead")


@pytest.mark.parametrize("path", sorted(docs.generated_files()))
def test_generated_docs_are_up_to_date(path):
    on_disk = (REPO / path).read_text(encoding="utf-8") if (REPO / path).exists() else None
    assert on_disk == docs.generated_files()[path], f"{path} is stale: run scripts/gen-docs"


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_has_mandatory_shape(rule):
    assert re.fullmatch(r"LL[1-9]\d\d", rule.code), rule.code
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name
    assert rule.severity in SEVERITIES
    assert rule.summary and "\n" not in rule.summary
    assert not re.search(r"[\x00-\x08\x0b-\x1f]", rule.doc), "control character (a backslash escape?)"
    title, _, body = rule.doc.partition("\n")
    assert title.strip() and not title.startswith("#"), "docstring starts with a one-line title"
    positions = [body.find(s) for s in SECTIONS]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), f"sections in order: {SECTIONS}"
    example = body[positions[2]:positions[3]]
    use_instead = body[positions[3]:]
    for part in (example, use_instead):
        assert "```dockerfile\n" in part and part.count("```") >= 2
    for code in rule.hadolint:
        assert code in docs.HADOLINT_CODES or code in docs.HADOLINT_REMOVED, f"{code} is not a hadolint rule"
    for name in rule.buildkit:
        assert name in docs.BUILDKIT_CHECKS, f"{name} is not a BuildKit check"


def test_codes_and_names_are_unique():
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names), sorted(n for n in names if names.count(n) > 1)


def test_every_hadolint_code_is_covered_or_explained():
    covered = {c for r in RULES for c in r.hadolint}
    explained = set(docs.PARSER_COVERED) | set(docs.DELIBERATELY_NOT_COVERED)
    missing = sorted(set(docs.HADOLINT_CODES) - covered - explained)
    assert not missing, f"hadolint codes with no rule and no reason: {missing}"
    both = sorted((covered | set(docs.PARSER_COVERED)) & set(docs.DELIBERATELY_NOT_COVERED))
    assert not both, f"covered but listed in DELIBERATELY_NOT_COVERED: {both}"


def test_every_buildkit_check_is_covered_or_explained():
    covered = {c.lower() for r in RULES for c in r.buildkit}
    names = {n.lower(): n for n in docs.BUILDKIT_CHECKS}
    missing = sorted(n for low, n in names.items() if low not in covered and n not in docs.DELIBERATELY_NOT_COVERED)
    assert not missing, f"BuildKit checks with no rule and no reason: {missing}"
    both = sorted(n for low, n in names.items() if low in covered and n in docs.DELIBERATELY_NOT_COVERED)
    assert not both, f"covered but listed in DELIBERATELY_NOT_COVERED: {both}"


def test_hadolint_list_matches_the_research_notes():
    text = shared_path("research", "hadolint.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| (DL\d{4}) \|", text, re.M))
    assert table == set(docs.HADOLINT_CODES)


def test_buildkit_list_matches_the_research_notes():
    text = shared_path("research", "buildkit.md").read_text(encoding="utf-8")
    section = text.split("## a.", 1)[1].split("\n## ", 1)[0]
    table = set(re.findall(r"^\| ([A-Z][A-Za-z]+) \|", section, re.M)) - {"Rule"}
    assert table == set(docs.BUILDKIT_CHECKS)


def test_parity_table_rows_and_cli():
    md = docs.parity_markdown()
    for code in docs.HADOLINT_CODES:
        assert f"| {code} |" in md
    for name in docs.BUILDKIT_CHECKS:
        assert f"| {name} |" in md
    assert "[LL501](rules.md#ll501) root-user" in md
    out = subprocess.run([sys.executable, "-m", "layerlint", "rules", "--format", "parity"],
                         capture_output=True, text=True, cwd=REPO, timeout=60)
    assert out.returncode == 0 and out.stdout == md


def test_rules_document_anchors_match_help_uri():
    text = docs.rules_document()
    for r in RULES:
        anchor = r.help_uri.split("#", 1)[1]
        assert f'<a id="{anchor}"></a>' in text
    # headings are demoted, code blocks are left alone
    assert "\n### What it does\n" in text and "\n## LL101 missing-tag\n" in text


def test_gen_docs_check_mode():
    out = subprocess.run(["bash", str(REPO / "scripts" / "gen-docs"), "--check"], capture_output=True,
                         text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
