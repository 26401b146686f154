"""LL104 trusted-registries: Image pulled from a registry outside the configured trusted list."""
from ...helpers import lint, positions


TRUST = {"trusted-registries": {"registries": ["docker.io", "*.example.com"]}}


def test_trusted_registries_inactive_without_configuration():
    assert lint("FROM quay.io/a/b:1\n", "LL104") == []


def test_trusted_registries_from_copy_and_mount():
    text = ("FROM quay.io/a/b:1 AS a\n"
            "FROM registry.example.com/x:1 AS b\n"
            "FROM python:3.12\n"
            "COPY --from=ghcr.io/o/uv:0.4 /uv /bin/\n"
            "COPY --from=a /x /x\n"
            "RUN --mount=type=bind,from=gcr.io/x/y:1,target=/t true\n"
            "FROM scratch\n")
    f = lint(text, "LL104", rule_options=TRUST)
    assert positions(f) == [("LL104", 1, 6), ("LL104", 4, 13), ("LL104", 6, 28)]
    assert f[1].span.end_column == 29 and f[2].span.end_column == 40
    assert "quay.io" in f[0].message and f[0].hadolint == ("DL3026",)


def test_trusted_registries_matching_rules():
    opts = {"trusted-registries": {"registries": ["*.example.com"]}}
    # *.example.com matches subdomains only
    assert positions(lint("FROM example.com/x:1\n", "LL104", rule_options=opts)) == [("LL104", 1, 6)]
    assert lint("FROM a.b.example.com/x:1\n", "LL104", rule_options=opts) == []
    # Docker Hub names: unqualified, docker.io, hub.docker.com
    for pat in ("docker.io", "hub.docker.com", "index.docker.io"):
        o = {"trusted-registries": {"registries": [pat]}}
        assert lint("FROM nginx:1\nFROM docker.io/library/nginx:1\n", "LL104", rule_options=o) == [], pat
    assert lint("FROM quay.io/a:1\n", "LL104", rule_options={"trusted-registries": {"registries": ["*"]}}) == []
    assert lint("FROM localhost:5000/a:1\n", "LL104",
                rule_options={"trusted-registries": {"registries": ["localhost:5000"]}}) == []
    assert lint("FROM registry.local/a:1\n", "LL104",
                rule_options={"trusted-registries": {"registries": ["registry*"]}}) == []


def test_trusted_registries_resolves_global_args_and_skips_unknown():
    f = lint("ARG REG=quay.io\nFROM ${REG}/a:1\n", "LL104", rule_options=TRUST)
    assert positions(f) == [("LL104", 2, 6)] and "quay.io/a:1" in f[0].message
    assert lint("ARG REG\nFROM ${REG}/a:1\n", "LL104", rule_options=TRUST) == []


def test_trusted_registries_onbuild_copy_from_image():
    f = lint("FROM alpine:3\nONBUILD COPY --from=quay.io/a/b:1 /x /x\n", "LL104", rule_options=TRUST)
    assert positions(f) == [("LL104", 2, 21)]


def test_trusted_registries_config_key(tmp_path):
    from layerlint.engine.settings import load_config, rule_options
    from layerlint.rules import find_rule
    cfg = tmp_path / ".layerlint.toml"
    cfg.write_text('trusted-registries = ["docker.io"]\n')
    s = load_config(str(cfg))
    assert rule_options(s, find_rule("LL104")) == {"registries": ["docker.io"]}
