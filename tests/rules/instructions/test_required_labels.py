"""LL515 required-labels: Label from the configured schema missing, empty or malformed."""
from ...helpers import lint, positions


SCHEMA = {"required-labels": {"labels": {"version": "semver", "url": "url", "email": "email",
                                         "created": "rfc3339", "rev": "hash", "license": "spdx",
                                         "title": "string"}}}


def test_required_labels_inactive_without_schema():
    assert lint("FROM a:1\nLABEL x=1\n", "LL515") == []


def test_required_labels_formats():
    text = ("FROM a:1\n"
            'LABEL version=v1.2 url=example.com email=nobody created=2026-13-01T00:00:00Z rev=ABC1234 \\\n'
            '      license=NOT-A-LICENSE title=""\n')
    f = lint(text, "LL515", rule_options=SCHEMA)
    got = [(x.span.line, x.span.column, x.hadolint) for x in f]
    assert got == [(2, 15, ("DL3056",)), (2, 24, ("DL3052",)), (2, 42, ("DL3058",)),
                   (2, 57, ("DL3053",)), (2, 82, ("DL3055",)), (3, 15, ("DL3054",)),
                   (3, 35, ("DL3051",))]


def test_required_labels_valid_values_and_missing():
    good = ("FROM a:1 AS base\n"
            'LABEL version=1.2.3-rc.1+b5 url=https://example.com/x email=a@b.example \\\n'
            '      created=2026-01-31T12:00:00+01:00 rev=0123456789abcdef0123456789abcdef01234567 \\\n'
            '      license="MIT OR Apache-2.0" title=app\n'
            "FROM base\n")
    assert lint(good, "LL515", rule_options=SCHEMA) == []
    f = lint("FROM a:1 AS build\nLABEL title=x\nFROM a:1 AS final\nLABEL version=1.0.0\n", "LL515",
             rule_options={"required-labels": {"labels": {"title": "string", "version": "semver"}}})
    assert positions(f) == [("LL515", 3, 1)] and "`title`" in f[0].message and f[0].hadolint == ("DL3049",)
    # inherited through ONBUILD of the parent stage
    text = "FROM a:1 AS base\nONBUILD LABEL title=x\nFROM base\n"
    assert lint(text, "LL515", rule_options={"required-labels": {"labels": {"title": "text"}}}) == []


def test_required_labels_strict_and_variables():
    opts = {"required-labels": {"labels": {"version": "semver"}, "strict": True}}
    f = lint("FROM a:1\nARG V=1.0.0\nARG W\nLABEL version=$V other=1\nLABEL version=$W\n", "LL515", rule_options=opts)
    assert positions(f) == [("LL515", 4, 18)] and f[0].hadolint == ("DL3050",)
    f = lint("FROM a:1\nARG V=1.0\nLABEL version=${V}\n", "LL515", rule_options=opts)
    assert positions(f) == [("LL515", 3, 15)] and "'1.0'" in f[0].message


def test_required_labels_config_key(tmp_path):
    from layerlint.engine.settings import load_config, rule_options
    from layerlint.rules import find_rule
    cfg = tmp_path / ".layerlint.toml"
    cfg.write_text('[required-labels]\n"org.opencontainers.image.version" = "semver"\n')
    s = load_config(str(cfg))
    opts = rule_options(s, find_rule("LL515"))
    assert opts["labels"] == {"org.opencontainers.image.version": "semver"}
    f = lint("FROM a:1\n", "LL515", rule_options=s.rule_options)
    assert len(f) == 1


def test_required_labels_onbuild_twin():
    opts = {"required-labels": {"labels": {"version": "semver", "title": "string"}}}
    f = lint("FROM a:1\nLABEL version=v1\n", "LL515", rule_options=opts)
    assert [(x.span.line, x.span.column, x.hadolint) for x in f] == [(1, 1, ("DL3049",)), (2, 15, ("DL3056",))]
    # an ONBUILD LABEL value is checked too; it does not set the label on this image
    f = lint("FROM a:1\nONBUILD LABEL version=v1\n", "LL515", rule_options=opts)
    assert [(x.span.line, x.span.column, x.hadolint) for x in f] == [(1, 1, ("DL3049",)), (2, 23, ("DL3056",))]
