"""Every rule's documented examples: the `## Example` block fires the rule, the `## Use instead`
block does not.

The blocks are the ones `layerlint rule <code>` prints and docs/rules.md shows. A rule that needs
configuration or a build context to say anything gets it from SETUP below (its example says so in
a comment); rules that are off by default are selected explicitly, as every rule is.
"""
import re

import pytest

from layerlint.rules import all_rules

from ..helpers import ctx_dir, lint, positions

RULES = all_rules()
BLOCK = re.compile(r"```dockerfile\n(.*?)```", re.S)

# code -> what the rule needs beyond the Dockerfile text:
#   options:      rule options (as [tool.layerlint.<rule>] would give them)
#   context:      build context files for the Example (path -> text; None for a directory)
#   context_good: build context files for the Use instead block (default: the same as context)
#   select:       the rules to run (default: only the rule itself)
SETUP = {
    "LL104": {"options": {"registries": ["docker.io", "registry.example.com"]}},
    "LL203": {
        # "# context: .git/ node_modules/ src/ package.json, no .dockerignore"
        "context": {".git/HEAD": "ref: refs/heads/main\n", "node_modules/x/index.js": "", "src/app.js": "",
                    "package.json": "{}"},
        "context_good": {".git/HEAD": "ref: refs/heads/main\n", "node_modules/x/index.js": "", "src/app.js": "",
                         "package.json": "{}", ".dockerignore": ".git\nnode_modules\ndist\n"},
    },
    "LL417": {
        # "# .dockerignore contains: config/local.env"
        "context": {".dockerignore": "config/local.env\n", "config/local.env": "A=1\n",
                    "config/defaults.env": "A=0\n"},
    },
    "LL515": {"options": {"labels": {"org.opencontainers.image.source": "url",
                                     "org.opencontainers.image.version": "semver"}}},
    # unused-pragma can only judge a pragma whose rules ran: run them all
    "LL518": {"select": ("ALL",)},
}


def examples(rule):
    """The first dockerfile block of the `## Example` and of the `## Use instead` section."""
    _, _, rest = rule.doc.partition("## Example")
    example, _, use_instead = rest.partition("## Use instead")
    bad, good = BLOCK.findall(example), BLOCK.findall(use_instead)
    assert bad and good, f"{rule.code}: a ```dockerfile block in both sections"
    return bad[0], good[0]


def findings_of(code, text, setup, context, tmp_path):
    select = setup.get("select", (code,))
    kw = {}
    if "options" in setup:
        kw["rule_options"] = {code: setup["options"]}
    if context is not None:
        kw["context_dir"] = ctx_dir(tmp_path, context)
    return [f for f in lint(text, *select, **kw) if f.rule == code]


@pytest.mark.parametrize("code", list(RULES))
def test_example_fires_and_use_instead_does_not(code, tmp_path):
    rule = RULES[code]
    setup = SETUP.get(code, {})
    bad, good = examples(rule)
    context = setup.get("context")
    fired = findings_of(code, bad, setup, context, tmp_path / "example")
    assert fired, f"{code} ({rule.name}): its documented Example does not fire it"
    clean = findings_of(code, good, setup, setup.get("context_good", context), tmp_path / "use-instead")
    assert clean == [], f"{code} ({rule.name}): its documented Use instead fires it at {positions(clean)}"


def test_setup_table_names_real_rules():
    assert set(SETUP) <= set(RULES), sorted(set(SETUP) - set(RULES))
    assert {k for s in SETUP.values() for k in s} <= {"options", "context", "context_good", "select"}
    # the options given are options the rule declares
    for code, s in SETUP.items():
        assert set(s.get("options", {})) <= set(RULES[code].options), code


DOC_OPTIONS = {
    "LL104": {"LL104": {"registries": ["docker.io", "registry.example.com"]}},
    "LL515": {"LL515": {"labels": {"org.opencontainers.image.source": "url",
                                   "org.opencontainers.image.version": "semver"}}},
}


MINE = ["LL104"] + [f"LL5{n:02d}" for n in range(1, 20)]


def test_documented_examples():
    import re

    from layerlint.rules import find_rule
    for code in MINE:
        rule = find_rule(code)
        blocks = re.findall(r"```dockerfile\n(.*?)```", rule.doc, re.S)
        bad, good = blocks[0], blocks[-1]
        opts = DOC_OPTIONS.get(code, {})
        select = ("ALL",) if code == "LL518" else (code,)  # unused-pragma needs the other rules to run
        fired = [f for f in lint(bad, *select, rule_options=opts) if f.rule == code]
        clean = [f for f in lint(good, *select, rule_options=opts) if f.rule == code]
        assert fired and not clean, (code, fired, clean)
