"""Typed rule options (rules/options.py), their validation by the config loader (file, line and
key in every error), the shortcuts and switches the rules declare, and rule selection
(engine/selection.py)."""
import json
import os
import subprocess
import sys
from importlib import resources

import jsonschema
import pytest

from layerlint.engine import selection
from layerlint.engine.settings import (ConfigError, Settings, config_schema, config_shortcuts, config_switches,
                                       key_lines, load_config, rule_options, selected_rules)
from layerlint.rules import Rule, all_rules, find_rule
from layerlint.rules.options import Bool, Choice, Float, Int, Option, Str, StrList, StrMap, infer

from .helpers import lint


def config(tmp_path, text, name=".layerlint.toml"):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def error(tmp_path, text, name=".layerlint.toml") -> ConfigError:
    path = config(tmp_path, text, name)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.path == path
    assert str(info.value).startswith(f"{path}:{info.value.line}: ")
    return info.value


# -- the option types -----------------------------------------------------------------------------
@pytest.mark.parametrize("opt, good, bad, says", [
    (Bool(False), [True, False], ["yes please", 1, 0, None, [], {}], "expected boolean, got string 'yes please'"),
    (Int(3, min=1, max=9), [1, 9, 5], [0, 10, True, 2.5, "3", []], "must be >= 1, got 0"),
    (Float(50, min=0), [0, 12.5, 50, 10**9], [-1, -0.5, True, "50", float("nan")], "must be >= 0, got -1"),
    (Str("x"), ["", "linux/arm64"], [3, True, ["a"], {}], "expected string, got integer 3"),
    (Choice(("a", "b")), ["a", "b"], ["c", "A", 1, None], "expected one of \"a\", \"b\", got 'c'"),
    (StrList([]), [[], ["a", "b"]], ["a", 5, [1], ["a", None], {}], "expected array of strings, got string 'a'"),
    (StrMap({}), [{}, {"k": "v"}], [[], "k", {"k": 1}, {"k": ["v"]}], "expected table of strings, got array []"),
    (StrMap({}, values=("url", "semver")), [{"k": "url"}], [{"k": "text"}, {"k": 1}, ["url"]],
     "k = 'text': expected one of \"url\", \"semver\""),
])
def test_option_types_check_toml_values(opt, good, bad, says):
    for v in good:
        assert opt.check(v) is None, v
    for v in bad:
        assert opt.check(v), v
    assert opt.check(bad[0]) == says or says in opt.check(bad[0])


def test_option_types_describe_themselves():
    assert Int(1, min=0).describe() == "integer >= 0" and Int(1).describe() == "integer"
    assert StrList([]).schema() == {"type": "array", "items": {"type": "string"}}
    assert Choice(("x", "y"), "y").schema() == {"enum": ["x", "y"]}
    assert Int(2, min=1, max=3).schema() == {"type": "integer", "minimum": 1, "maximum": 3}
    doc = Bool(False, "turn it on", config_key="switch").markdown("flag")
    assert doc == "`flag` (boolean, default `false`): turn it on; also the top-level key `switch`"
    assert Bool(True, "d").documented_schema() == {"type": "boolean", "description": "d", "default": True}
    with pytest.raises(ValueError):
        Int("3")  # a default must fit its own type
    assert Choice(("a", "b")).default == "a"


def test_untyped_options_are_inferred():
    assert infer(True) == Bool(True) and infer(5) == Int(5) and infer(1.5) == Float(1.5)
    assert infer("x") == Str("x") and infer([]) == StrList([]) and infer({}) == StrMap({})
    r = Rule("LL990", "plain", "info", "s", "d", (), (), lambda ctx: (), options={"n": 3, "on": False})
    assert r.options == {"n": 3, "on": False} and r.option_types == {"n": Int(3), "on": Bool(False)}


def test_every_rule_declares_typed_options_with_plain_defaults():
    typed = {r.code: r for r in all_rules().values() if r.option_types}
    assert {"LL101", "LL102", "LL104", "LL202", "LL406", "LL409", "LL413", "LL507", "LL515"} <= set(typed)
    for rule in typed.values():
        assert set(rule.options) == set(rule.option_types)
        for name, opt in rule.option_types.items():
            assert isinstance(opt, Option) and opt.doc, (rule.code, name)
            assert rule.options[name] == opt.default and not isinstance(rule.options[name], Option)
    assert find_rule("LL101").options == {"require-digest": False}
    assert find_rule("LL102").options == {"min-saving-mb": 50, "platform": "linux/amd64"}
    assert rule_options(Settings(), find_rule("LL515")) == {"labels": {}, "strict": False}


# -- config errors: file, line and key ------------------------------------------------------------
def test_typo_in_an_option_key(tmp_path):
    e = error(tmp_path, 'fail-on = "error"\n\n[rules.LL101]\nrequre-digest = true\n')
    assert e.line == 4 and "'requre-digest'" in e.message and "rules.LL101" in e.message
    assert "did you mean 'require-digest'?" in e.message
    e = error(tmp_path, '[rules.missing-tag]\nrequire-digest = true\nstrictt = 1\n')
    assert e.line == 3 and "'strictt'" in e.message and "rules.missing-tag" in e.message
    # an option written at the top level points at its rule's table
    e = error(tmp_path, 'ignore = ["LL201"]\nrequre-digest = true\n')
    assert e.line == 2 and "unknown config key 'requre-digest'" in e.message
    assert "[rules.LL101] require-digest" in e.message
    # a rule without options
    e = error(tmp_path, '[rules.LL201]\nfoo = 1\n')
    assert e.line == 2 and "has no options" in e.message


@pytest.mark.parametrize("table, value, says", [
    ("LL101", '"yes please"', "expected boolean, got string 'yes please'"),          # Bool
    ("missing-tag", "1", "expected boolean, got integer 1"),
    ("LL102", '"50"', "expected number >= 0, got string '50'"),                      # Float
    ("LL102", "-5", "must be >= 0, got -5"),
    ("LL104", "5", "expected array of strings, got integer 5"),                      # StrList
    ("LL104", '["ok", 5]', "item 2 is integer 5"),
    ("LL515", '["title"]', "expected table of"),                                     # StrMap
    ("LL515", '{ title = "text" }', "title = 'text': expected one of"),
])
def test_wrong_option_types(tmp_path, table, value, says):
    key = {"LL101": "require-digest", "missing-tag": "require-digest", "LL102": "min-saving-mb",
           "LL104": "registries", "LL515": "labels"}[table]
    e = error(tmp_path, f'# policy\nignore = ["LL201"]\n\n[rules.{table}]\n{key} = {value}\n')
    assert e.line == 5, e
    assert f"'rules.{table}.{key}'" in e.message and says in e.message, e.message


def test_wrong_type_of_a_string_option_and_an_inline_table(tmp_path):
    e = error(tmp_path, '[rules]\nLL102 = { platform = 3 }\n')
    assert e.line == 2 and "'rules.LL102.platform'" in e.message and "expected string" in e.message
    e = error(tmp_path, 'rules.LL102.platform = ["a"]\n')
    assert e.line == 1 and "'rules.LL102.platform'" in e.message
    e = error(tmp_path, '[rules]\nLL102 = 5\n')
    assert e.line == 2 and "expected a table of options" in e.message


def test_top_level_shortcuts_are_typed(tmp_path):
    e = error(tmp_path, 'fail-on = "error"\ntrusted-registries = 5\n')
    assert e.line == 2 and "'trusted-registries'" in e.message and "LL104" in e.message
    assert "expected array of strings, got integer 5" in e.message
    e = error(tmp_path, '[required-labels]\n"org.opencontainers.image.version" = "semver"\ntitle = 3\n')
    assert e.line == 1 and "'required-labels'" in e.message and "title is integer 3" in e.message
    e = error(tmp_path, 'report-unused-pragmas = "yes"\n')
    assert e.line == 1 and "'report-unused-pragmas'" in e.message and "expected boolean" in e.message


def test_unknown_rules_and_selectors(tmp_path):
    e = error(tmp_path, 'shellcheck = false\n[rules.LL999]\nx = 1\n')
    assert e.line == 2 and "unknown rule 'LL999'" in e.message
    e = error(tmp_path, '[rules.missing-tagg]\nrequire-digest = true\n')
    assert e.line == 1 and "did you mean 'missing-tag'?" in e.message
    e = error(tmp_path, 'select = ["LL101"]\nignore = ["LL201",\n  "DL9999"]\n')
    assert e.line == 2 and "'DL9999'" in e.message and "'ignore'" in e.message
    e = error(tmp_path, '[severity]\nLL201 = "error"\nLL999 = "error"\n')
    assert e.line == 3 and "unknown rule 'LL999' in 'severity'" in e.message
    e = error(tmp_path, '[rules.LL101]\nrequire-digest = true\n[rules.missing-tag]\nrequire-digest = false\n')
    assert e.line == 3 and "both configure LL101" in e.message
    e = error(tmp_path, 'fail_on = "error"\n')
    assert e.line == 1 and "unknown config key 'fail_on'; did you mean 'fail-on'?" in e.message


PER_PATH = '''select = ["LL1"]

[[per-path]]
path = "a/**"
ignore = ["LL101"]

[[per-path]]
path = "b/**"
{body}
'''


@pytest.mark.parametrize("body, line, says", [
    ('ignore = ["LL999"]', 9, "unknown rule selector 'LL999' in 'per-path.1.ignore'"),
    ('select = ["missing-tagg"]', 9, "did you mean 'missing-tag'?"),
    ('extend-select = ["DL9999"]', 9, "'DL9999' in 'per-path.1.extend-select'"),
    ('[per-path.severity]\nLL999 = "error"', 10, "unknown rule 'LL999' in 'per-path.1.severity'"),
    ('[per-path.rules.LL999]\nx = 1', 9, "unknown rule 'LL999' in 'per-path.1.rules'"),
    ('[per-path.rules.LL104]\nregistry = ["a"]', 10, "unknown option 'registry' in 'per-path.1.rules.LL104'"),
    ('[per-path.rules.LL104]\nregistries = "a"', 10, "'per-path.1.rules.LL104.registries': expected array"),
    ('selct = ["LL1"]', 9, "unknown config key 'selct' in 'per-path.1'; did you mean 'select'?"),
])
def test_per_path_errors(tmp_path, body, line, says):
    e = error(tmp_path, PER_PATH.format(body=body))
    assert e.line == line and says in e.message, (e.line, e.message)


def test_lines_in_pyproject(tmp_path):
    text = ('[project]\nname = "x"\n\n[tool.other]\nrequire-digest = 1\n\n[tool.layerlint]\nfail-on = "error"\n'
            '\n[tool.layerlint.rules.LL101]\nrequire-digest = "no"\n')
    e = error(tmp_path, text, "pyproject.toml")
    assert e.line == 11 and "'rules.LL101.require-digest'" in e.message
    text = '[tool.layerlint]\nselect = ["LL1"]\n\n[[tool.layerlint.per-path]]\npath = "x"\nignore = ["nope"]\n'
    e = error(tmp_path, text, "pyproject.toml")
    assert e.line == 6 and "'nope'" in e.message


def test_key_lines():
    text = ('a = 1\ns = """\n[rules.X]\nk = 1\n"""\narr = [\n  "x = 1",\n  [1, 2],\n]\n'
            '[t."q.k"]\nb.c = 2\n[[p]]\nx = 1\n[[p]]\nx = 2\n[p.sub]\ny = 3\n')
    lines = key_lines(text)
    assert lines[("a",)] == 1 and lines[("s",)] == 2 and ("rules", "X") not in lines
    assert lines[("arr",)] == 6 and ("x",) not in lines
    assert lines[("t", "q.k")] == 10 and lines[("t", "q.k", "b", "c")] == 11
    assert lines[("p", 0, "x")] == 13 and lines[("p", 1, "x")] == 15 and lines[("p", 1, "sub", "y")] == 17


def test_cli_reports_config_errors_with_file_and_line(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / ".layerlint.toml").write_text('[rules.LL104]\nregistries = 5\n')
    p = subprocess.run([sys.executable, "-m", "layerlint", "Dockerfile"], cwd=tmp_path, capture_output=True,
                       text=True, env=dict(os.environ, NO_COLOR="1"), timeout=120)
    assert p.returncode == 2 and "TypeError" not in p.stderr
    assert f"{tmp_path / '.layerlint.toml'}:2: invalid value for 'rules.LL104.registries'" in p.stderr


# -- valid configs still work ---------------------------------------------------------------------
def test_valid_configs(tmp_path):
    s = load_config(config(tmp_path, 'trusted-registries = ["docker.io", "ghcr.io"]\n'))
    assert rule_options(s, find_rule("LL104")) == {"registries": ["docker.io", "ghcr.io"]}
    s = load_config(config(tmp_path, '[required-labels]\n"org.opencontainers.image.version" = "semver"\n'
                                     '[rules.required-labels]\nstrict = true\n'))
    assert rule_options(s, find_rule("LL515")) == {"labels": {"org.opencontainers.image.version": "semver"},
                                                   "strict": True}
    s = load_config(config(tmp_path, '[rules.LL102]\nmin-saving-mb = 12.5\nplatform = "linux/arm64"\n'))
    assert rule_options(s, find_rule("oversized-base-image")) == {"min-saving-mb": 12.5, "platform": "linux/arm64"}
    s = load_config(config(tmp_path, '[rules.LL102]\nmin-saving-mb = 5000\n[rules.missing-tag]\nrequire-digest = true\n'
                                     '[rules.LL413]\nextra-substrings = ["username"]\n'))
    assert rule_options(s, find_rule("LL101")) == {"require-digest": True}
    assert lint("FROM python:3.12\n", "LL102", rule_options=s.rule_options) == []
    assert [f.rule for f in lint("FROM alpine:3.20\n", "LL101", rule_options=s.rule_options)] == ["LL101"]
    # the shortcut wins over the rule's table
    s = load_config(config(tmp_path, '[rules.ll202]\nnames = ["TICKET"]\n'))  # codes and names in any case
    assert rule_options(s, find_rule("LL202")) == {"names": ["TICKET"]}
    s = load_config(config(tmp_path, 'trusted-registries = ["a.io"]\n[rules.LL104]\nregistries = ["b.io"]\n'))
    assert rule_options(s, find_rule("LL104")) == {"registries": ["a.io"]}
    s = load_config(config(tmp_path, 'select = ["DL3006", "JSONArgsRecommended", "SC2086", "shellcheck", "LL1"]\n'
                                     'report-unused-pragmas = true\n'))
    assert s.report_unused_pragmas and "LL518" in {r.code for r in selected_rules(s)}


def test_per_path_rule_options(tmp_path):
    cfg = config(tmp_path, 'trusted-registries = ["docker.io"]\n[[per-path]]\npath = "vendor/*"\n'
                           '[per-path.rules.trusted-registries]\nregistries = ["quay.io"]\n')
    s = load_config(cfg)
    assert rule_options(s.for_path(str(tmp_path / "Dockerfile")), find_rule("LL104")) == {"registries": ["docker.io"]}
    v = s.for_path(str(tmp_path / "vendor" / "Dockerfile"))
    assert rule_options(v, find_rule("LL104")) == {"registries": ["quay.io"]}
    assert rule_options(s, find_rule("LL104")) == {"registries": ["docker.io"]}  # not changed in place


def test_shortcuts_and_switches_come_from_the_rules():
    assert {k: (r.code, n) for k, (r, n, _) in config_shortcuts().items()} == {
        "trusted-registries": ("LL104", "registries"), "required-labels": ("LL515", "labels")}
    assert {k: [r.code for r in v] for k, v in config_switches().items()} == {"report-unused-pragmas": ["LL518"]}
    for key in config_switches():
        assert hasattr(Settings(), selection.switch_attribute(key))
    import layerlint.engine.settings as settings_module
    source = open(settings_module.__file__, encoding="utf-8").read()
    for rule in all_rules().values():
        assert f'"{rule.name}"' not in source and f'"{rule.code}"' not in source


def test_shipped_schema_agrees_with_the_rules():
    shipped = json.loads(resources.files("layerlint").joinpath("schemas/config.schema.json").read_text())
    full = config_schema()
    for key in list(config_shortcuts()) + list(config_switches()):
        strip = lambda d: {k: v for k, v in d.items() if k != "description"}  # noqa: E731
        assert strip(shipped["properties"][key]) == strip(full["properties"][key]), key
    jsonschema.Draft7Validator.check_schema(full)
    tables = full["definitions"]["rulesTable"]["properties"]
    assert tables["LL104"] == tables["trusted-registries"]
    assert tables["LL104"]["properties"]["registries"]["type"] == "array"
    v = jsonschema.Draft7Validator(full)
    assert not list(v.iter_errors({"rules": {"LL101": {"require-digest": True}}}))
    assert list(v.iter_errors({"rules": {"LL101": {"requre-digest": True}}}))


# -- selection ------------------------------------------------------------------------------------
def codes(**kw):
    return {r.code for r in selected_rules(Settings(**kw))}


def test_selection():
    default = codes()
    assert default == {r.code for r in all_rules().values() if r.enabled_by_default}
    assert codes(select=["LL101"]) == {"LL101"}
    assert codes(select=["DL3006"]) == {"LL101"}  # hadolint code
    assert codes(select=["jsonargsrecommended"]) == {"LL406"}  # BuildKit name, any case
    assert codes(select=["missing-tag", "LL10"]) >= {"LL101", "LL102"}
    assert codes(select=["LL1"], ignore=["LL101"]) == {c for c in codes(select=["ALL"]) if c.startswith("LL1")} - {"LL101"}
    assert codes(extend_select=["LL518"]) == default | {"LL518"}
    assert codes(report_unused_pragmas=True) == default | {"LL518"}
    assert codes(report_unused_pragmas=True, ignore=["unused-pragma"]) == default
    assert codes(select=[]) == set()
    rules = selected_rules(Settings(select=["LL101"], extend_select=["LL102"]))
    assert [r.code for r in rules] == ["LL101", "LL102"]


def test_shellcheck_selection():
    assert selection.shellcheck_enabled(Settings())
    assert not selection.shellcheck_enabled(Settings(select=["LL101"]))
    assert selection.shellcheck_enabled(Settings(select=["LL101"], extend_select=["SC2086"]))
    assert not selection.shellcheck_enabled(Settings(ignore=["shellcheck"]))
    assert not selection.shellcheck_enabled(Settings(ignore=["ALL"]))
    assert selection.shellcheck_wanted(Settings(select=["SC20"]), "SC2006")
    assert not selection.shellcheck_wanted(Settings(select=["SC20"]), "SC1001")
    assert not selection.shellcheck_wanted(Settings(ignore=["SC2006"]), "SC2006")
    from layerlint.engine import shellcheck
    assert shellcheck.wanted(Settings(ignore=["SC2"]), "SC2086") is False
    assert shellcheck.enabled(Settings(select=["SC"])) is True


@pytest.mark.parametrize("sel", ["ALL", "all", "LL", "LL1", "LL101", "ll101", "missing-tag", "DL3006", "dl3006",
                                 "JSONArgsRecommended", "jsonargsrecommended", "SC", "SC2", "SC2086", "shellcheck"])
def test_known_selectors(sel):
    assert selection.selector_error(sel) is None


@pytest.mark.parametrize("sel", ["DL3029", "DL3005", "DL1001"])
def test_hadolint_codes_layerlint_does_not_cover_are_accepted(sel):
    """A migrating config ignores hadolint rules layerlint leaves out on purpose (or that
    hadolint removed): a real hadolint code selects nothing, it is not a typo."""
    assert selection.selector_error(sel) is None


@pytest.mark.parametrize("sel, says", [
    ("", "empty rule selector"), ("  ", "empty rule selector"), ("DL9999", "hadolint has no rule DL9999"),
    ("LL9", "unknown rule selector 'LL9'"), ("SC99999", "unknown"), ("missing-tg", "did you mean 'missing-tag'?"),
    ("JSONArgsRecomended", "did you mean 'JSONArgsRecommended'?"), ("NOPE123", "unknown rule selector"),
])
def test_unknown_selectors(sel, says):
    assert says in selection.selector_error(sel)


@pytest.mark.parametrize("args, says", [
    (["--select", ""], "empty rule selector in --select"),
    (["--select", ","], "empty rule selector in --select"),
    (["--select=", "--format", "json"], "empty rule selector in --select"),
    (["--ignore", ""], "empty rule selector in --ignore"),
    (["--extend-select", " , "], "empty rule selector in --extend-select"),
    (["--select", "DL9999"], "'DL9999'"),
    (["--select", "LL101,LL9"], "'LL9'"),
    (["check", "--select", ","], "empty rule selector"),  # the click path as well as the fast path
])
def test_cli_selector_usage_errors(tmp_path, args, says):
    (tmp_path / "Dockerfile").write_text("FROM alpine\n")
    p = subprocess.run([sys.executable, "-m", "layerlint", *args, "Dockerfile"], cwd=tmp_path, capture_output=True,
                       text=True, env=dict(os.environ, NO_COLOR="1"), timeout=120)
    assert p.returncode == 2 and says in p.stderr and "Traceback" not in p.stderr, p.stderr


def test_cli_selectors_that_work(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine\n")
    for sel in ("LL101,", "DL3006", "missing-tag", "ALL"):
        p = subprocess.run([sys.executable, "-m", "layerlint", "--format", "json", "--select", sel, "Dockerfile"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert p.returncode == 1 and "LL101" in {f["rule"] for f in json.loads(p.stdout)["findings"]}, (sel, p.stderr)


def test_the_documented_schema_knows_every_rule_option():
    """docs/config.schema.json (generated, for editors) rejects what the run rejects."""
    import json
    import pathlib

    import jsonschema
    schema = json.loads((pathlib.Path(__file__).parent.parent / "docs" / "config.schema.json").read_text())
    validator = jsonschema.Draft7Validator(schema)
    assert not list(validator.iter_errors({"rules": {"LL101": {"require-digest": True}}}))
    assert list(validator.iter_errors({"rules": {"LL101": {"requre-digest": True}}}))
    assert list(validator.iter_errors({"rules": {"missing-tag": {"require-digest": "yes please"}}}))
