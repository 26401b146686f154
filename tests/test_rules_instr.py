"""Instruction rules (LL104, LL501-LL517): fire / don't fire, exact positions, ONBUILD,
multi-stage and continuation variants."""
from .helpers import lint, positions


def codes_of(findings):
    return [f.hadolint for f in findings]


# -- LL104 trusted-registries -------------------------------------------------------------
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


# -- LL501 root-user ---------------------------------------------------------------------
def test_root_user_fires_on_last_user_of_final_stage():
    text = "FROM debian:12\nUSER app\nRUN id\nUSER root\nCMD [\"sh\"]\n"
    f = lint(text, "LL501")
    assert positions(f) == [("LL501", 4, 6)] and f[0].span.end_column == 10
    assert f[0].hadolint == ("DL3002",)
    for user in ("0", "root:root", "0:0", "  root"):
        assert len(lint(f"FROM debian:12\nUSER {user}\n", "LL501")) == 1, user


def test_root_user_through_variables_and_stage_chain():
    f = lint("FROM debian:12 AS base\nARG U=root\nUSER $U\nFROM base\nRUN id\n", "LL501")
    assert positions(f) == [("LL501", 3, 6)] and "(= root)" in f[0].message
    assert lint("FROM debian:12\nARG U\nUSER $U\n", "LL501") == []  # unknown: not guessed


def test_root_user_onbuild_trigger_of_parent_stage():
    text = "FROM debian:12 AS base\nUSER app\nONBUILD USER root\nFROM base\nRUN id\n"
    f = lint(text, "LL501")
    assert positions(f) == [("LL501", 3, 14)] and "ONBUILD" in f[0].message


def test_root_user_does_not_fire():
    assert lint("FROM debian:12\nUSER root\nRUN apt-get update\nUSER app\n", "LL501") == []
    # a build stage running as root is fine: only the final image is checked
    assert lint("FROM debian:12 AS build\nUSER root\nFROM debian:12\nUSER 10001\n", "LL501") == []
    assert lint("FROM debian:12\nUSER rooter\n", "LL501") == []
    assert lint("FROM debian:12\n", "LL501") == []  # implicit root is LL502
    # --target selects the stage that ships
    assert lint("FROM debian:12 AS a\nUSER app\nFROM a AS b\nUSER root\n", "LL501", target="a") == []


# -- LL502 implicit-root-user --------------------------------------------------------------
def test_implicit_root_fires_on_root_default_bases():
    f = lint("FROM node:22-slim\nWORKDIR /app\nCMD [\"node\", \"s.js\"]\n", "LL502")
    assert positions(f) == [("LL502", 1, 6)] and "node:22-slim" in f[0].message
    f = lint("FROM golang:1.26 AS build\nRUN go build\nFROM scratch\nCOPY --from=build /a /a\n", "LL502")
    assert positions(f) == [("LL502", 3, 6)] and "scratch" in f[0].message
    assert len(lint("FROM gcr.io/distroless/static-debian12\n", "LL502")) == 1
    assert len(lint("FROM docker.io/library/python:3.12\n", "LL502")) == 1


def test_implicit_root_reports_at_final_from_of_a_chain():
    f = lint("FROM python:3.12 AS base\nRUN pip install x\nFROM base\nCMD [\"x\"]\n", "LL502")
    assert positions(f) == [("LL502", 3, 6)] and "python:3.12" in f[0].message


def test_implicit_root_does_not_fire():
    assert lint("FROM node:22\nUSER node\n", "LL502") == []
    assert lint("FROM node:22 AS base\nUSER node\nFROM base\n", "LL502") == []
    assert lint("FROM node:22 AS base\nONBUILD USER node\nFROM base\n", "LL502") == []
    assert lint("FROM node:22\nUSER root\n", "LL502") == []  # explicit root is LL501
    # unknown default user: not reported
    for base in ("gcr.io/distroless/static-debian12:nonroot", "cgr.dev/chainguard/python:latest",
                 "postgres:16", "myorg/app:1", "bitnami/redis:7"):
        assert lint(f"FROM {base}\n", "LL502") == [], base
    assert lint("ARG BASE\nFROM ${BASE}\n", "LL502") == []
    # only the final stage matters
    assert lint("FROM python:3.12 AS build\nFROM node:22\nUSER node\n", "LL502") == []


# -- LL503 user-non-numeric ----------------------------------------------------------------
def test_user_non_numeric():
    from layerlint.rules import find_rule
    assert not find_rule("LL503").enabled_by_default
    f = lint("FROM debian:12\nUSER app:app\n", "LL503")
    assert positions(f) == [("LL503", 2, 6)] and f[0].hadolint == ("DL3066",)
    assert lint("FROM debian:12\nUSER 10001\n", "LL503") == []
    assert lint("FROM debian:12\nUSER 10001:app\n", "LL503") == []
    assert lint("FROM debian:12\nUSER root\n", "LL503") == []
    assert lint("FROM debian:12\nARG U\nUSER $U\n", "LL503") == []
    # only the user the container starts as
    assert lint("FROM debian:12\nUSER app\nRUN id\nUSER 1000\n", "LL503") == []
    assert lint("FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nUSER ContainerUser\n", "LL503") == []
    assert lint('FROM myorg/base:1\nSHELL ["powershell", "-Command"]\nUSER ContainerUser\n', "LL503") == []
    f = lint("FROM debian:12\nARG U=app\nUSER ${U}\n", "LL503")
    assert positions(f) == [("LL503", 3, 6)] and "`app`" in f[0].message


# -- LL504 add-instead-of-copy ---------------------------------------------------------------
def test_add_local_file_fires_with_fix():
    f = lint("FROM alpine:3\nADD config.yaml /etc/app/\n", "LL504")
    assert positions(f) == [("LL504", 2, 5)] and f[0].span.end_column == 16
    assert f[0].fix is not None and f[0].fix.edits[0].text == "COPY"
    assert f[0].fix.edits[0].span.column == 1 and f[0].fix.edits[0].span.end_column == 4
    f = lint("FROM alpine:3\nadd a b\n", "LL504")
    assert f[0].fix.edits[0].text == "copy"


def test_add_mixed_sources_points_at_local_and_has_no_fix():
    f = lint("FROM alpine:3\nADD https://x.example/a.txt b.txt /d/\n", "LL504")
    assert positions(f) == [("LL504", 2, 29)] and f[0].fix is None


def test_add_instead_of_copy_variants():
    # ONBUILD, continuation, JSON form, heredoc
    f = lint("FROM alpine:3\nONBUILD ADD a.txt /a\n", "LL504")
    assert positions(f) == [("LL504", 2, 13)] and f[0].fix.edits[0].span.column == 9
    f = lint("FROM alpine:3\nADD --chown=1:1 \\\n    src/ \\\n    /app/\n", "LL504")
    assert positions(f) == [("LL504", 3, 5)]
    f = lint('FROM alpine:3\nADD ["a b.txt", "/x/"]\n', "LL504")
    assert positions(f) == [("LL504", 2, 5)]
    f = lint("FROM alpine:3\nADD <<EOF /x\nhello\nEOF\n", "LL504")
    assert positions(f) == [("LL504", 2, 5)] and "heredoc" in f[0].message


def test_add_instead_of_copy_does_not_fire():
    for src in ("https://example.com/a.txt", "http://x/y", "git@github.com:o/r.git", "https://github.com/o/r.git#v1",
                "app.tar.gz", "app.tgz", "rootfs.tar.xz", "x.tar"):
        assert lint(f"FROM alpine:3\nADD {src} /x/\n", "LL504") == [], src
    assert lint("FROM alpine:3\nARG URL=https://example.com/a\nADD ${URL} /x\n", "LL504") == []
    assert lint("FROM alpine:3\nARG SRC\nADD ${SRC} /x\n", "LL504") == []  # unknown
    assert lint("FROM alpine:3\nCOPY a /x\n", "LL504") == []
    # ADD-only flags: reported but no automatic fix
    f = lint("FROM alpine:3\nADD --checksum=sha256:00 a /x\n", "LL504")
    assert len(f) == 1 and f[0].fix is None


# -- LL505 copy-then-extract -------------------------------------------------------------------
def test_copy_then_extract_fires_at_copy_source():
    f = lint("FROM debian:12\nCOPY vendor.tar.gz /tmp/\nRUN tar -xzf /tmp/vendor.tar.gz -C /opt\n", "LL505")
    assert positions(f) == [("LL505", 2, 6)] and "line 3" in f[0].message and f[0].hadolint == ("DL3010",)


def test_copy_then_extract_variants():
    # old-style bundle, a RUN in between, extraction on a continuation line
    text = ("FROM debian:12\nCOPY a.tgz /tmp/x.tgz\nRUN echo\nRUN cd /opt && \\\n"
            "    tar xf /tmp/x.tgz && rm /tmp/x.tgz\n")
    f = lint(text, "LL505")
    assert positions(f) == [("LL505", 2, 6)] and "line 5" in f[0].message
    # copied in a parent stage, extracted in the child
    f = lint("FROM debian:12 AS base\nCOPY a.tar.xz /\nFROM base\nRUN tar --extract -f /a.tar.xz\n", "LL505")
    assert positions(f) == [("LL505", 2, 6)]
    f = lint("FROM debian:12\nCOPY a.tar.gz /\nRUN gunzip /a.tar.gz\n", "LL505")
    assert len(f) == 1


def test_copy_then_extract_does_not_fire():
    assert lint("FROM debian:12\nCOPY a.tar.gz /tmp/\n", "LL505") == []
    assert lint("FROM debian:12\nCOPY a.zip /tmp/\nRUN unzip /tmp/a.zip\n", "LL505") == []
    assert lint("FROM debian:12\nCOPY a.tar.gz /tmp/\nRUN tar -xf /tmp/other.tar.gz\n", "LL505") == []
    assert lint("FROM debian:12\nCOPY a.tar.gz /tmp/\nRUN tar -cf /tmp/a.tar.gz /etc\n", "LL505") == []
    assert lint("FROM debian:12\nCOPY a.tar.gz /tmp/\nFROM debian:12\nRUN tar -xf /tmp/a.tar.gz\n", "LL505") == []
    assert lint("FROM debian:12 AS b\nFROM debian:12\nCOPY --from=b /a.tar.gz /\nRUN tar -xf /a.tar.gz\n", "LL505") == []
    assert lint("FROM debian:12\nADD a.tar.gz /opt/\n", "LL505") == []


# -- LL506 copy-multi-source-no-slash --------------------------------------------------------
def test_multi_source_without_slash_fires_with_fix():
    f = lint("FROM python:3.12\nCOPY a.txt b.txt /app\n", "LL506")
    assert positions(f) == [("LL506", 2, 18)] and f[0].span.end_column == 22
    e = f[0].fix.edits[0]
    assert (e.span.line, e.span.column, e.span.end_column, e.text) == (2, 22, 22, "/")
    assert f[0].hadolint == ("DL3021",)


def test_multi_source_variants():
    f = lint('FROM python:3.12\nCOPY ["a", "b", "/app"]\n', "LL506")
    assert positions(f) == [("LL506", 2, 6)] and f[0].fix is None
    f = lint("FROM python:3.12\nONBUILD ADD a b \\\n  dir\n", "LL506")
    assert positions(f) == [("LL506", 3, 3)]
    f = lint("FROM python:3.12\nCOPY <<A <<B /etc/x\na\nA\nb\nB\n", "LL506")
    assert positions(f) == [("LL506", 2, 14)]
    f = lint('FROM python:3.12\nCOPY a b "/app"\n', "LL506")
    assert f[0].fix.edits[0].span.column == 15
    f = lint("FROM python:3.12\nARG D=/app\nCOPY a b $D\n", "LL506")
    assert positions(f) == [("LL506", 3, 10)] and f[0].fix is None


def test_multi_source_does_not_fire():
    assert lint("FROM python:3.12\nCOPY a b /app/\n", "LL506") == []
    assert lint("FROM python:3.12\nCOPY a /app\n", "LL506") == []
    assert lint("FROM python:3.12\nCOPY *.txt /app\n", "LL506") == []
    assert lint("FROM python:3.12\nARG D=/app/\nCOPY a b ${D}\n", "LL506") == []
    assert lint("FROM python:3.12\nARG D\nCOPY a b ${D}\n", "LL506") == []


# -- LL507 copy-from-unknown-stage / LL508 copy-from-own-stage ------------------------------
def test_copy_from_unknown_stage_with_suggestion():
    text = "FROM golang:1 AS build\nRUN go build\nFROM debian:12\nCOPY --from=biuld /a /a\n"
    f = lint(text, "LL507")
    assert positions(f) == [("LL507", 4, 13)] and f[0].span.end_column == 18
    assert "did you mean `build`" in f[0].message and f[0].hadolint == ("DL3022",)


def test_copy_from_unknown_stage_cases():
    f = lint("FROM a:1\nCOPY --from=nginx /a /b\n", "LL507")
    assert positions(f) == [("LL507", 2, 13)] and "nginx:latest" in f[0].message
    f = lint("FROM a:1\nCOPY --from=later /a /b\nFROM b:1 AS later\n", "LL507")
    assert positions(f) == [("LL507", 2, 13)] and "later in the file" in f[0].message
    f = lint("FROM a:1\nFROM b:1\nCOPY --from=2 /a /b\n", "LL507")
    assert positions(f) == [("LL507", 3, 13)]
    f = lint("ARG IMG=nginx:1\nFROM a:1\nCOPY --from=${IMG} /a /b\n", "LL507")
    assert positions(f) == [("LL507", 3, 13)] and "does not expand" in f[0].message
    # continuation: the flag on its own line
    f = lint("FROM a:1\nCOPY \\\n  --from=nope \\\n  /a /b\n", "LL507")
    assert positions(f) == [("LL507", 3, 10)]


def test_copy_from_unknown_stage_does_not_fire():
    ok = ("FROM a:1 AS Build\nFROM b:1\nCOPY --from=build /a /b\nCOPY --from=BUILD /a /b\nCOPY --from=0 /a /b\n"
          "COPY --from=nginx:1.27 /a /b\nCOPY --from=ghcr.io/o/tool /a /b\nCOPY --from=alpine@sha256:00 /a /b\n")
    assert lint(ok, "LL507") == []
    assert lint("FROM a:1\nCOPY --from=ctx /a /b\n", "LL507", rule_options={"LL507": {"contexts": ["ctx"]}}) == []
    assert lint("FROM a:1\nONBUILD COPY --from=builder /a /b\n", "LL507") == []  # resolved in the child build
    assert lint("FROM a:1 AS x\nCOPY --from=x /a /b\n", "LL507") == []  # own stage: LL508


def test_copy_from_own_stage():
    f = lint("FROM a:1 AS build\nRUN x\nCOPY --from=build /a /b\n", "LL508")
    assert positions(f) == [("LL508", 3, 13)] and f[0].hadolint == ("DL3023",)
    f = lint("FROM a:1\nFROM b:1 AS Two\nCOPY --from=1 /a /b\nCOPY --from=two /a /b\n", "LL508")
    assert positions(f) == [("LL508", 3, 13), ("LL508", 4, 13)]
    assert lint("FROM a:1 AS build\nFROM b:1\nCOPY --from=build /a /b\nCOPY --from=0 /a /b\n", "LL508") == []
    assert lint("FROM a:1 AS build\nONBUILD COPY --from=build /a /b\n", "LL508") == []


# -- LL509 copy-relative-dest-no-workdir ------------------------------------------------------
def test_copy_relative_dest_fires():
    f = lint("FROM node:22\nCOPY package.json ./\n", "LL509")
    assert positions(f) == [("LL509", 2, 19)] and f[0].hadolint == ("DL3045",)
    f = lint("FROM node:22\nADD a.txt app/\nCOPY --from=node:22 /x .\n", "LL509")
    assert positions(f) == [("LL509", 2, 11), ("LL509", 3, 24)]
    f = lint("FROM node:22\nCOPY a \\\n     b/\n", "LL509")
    assert positions(f) == [("LL509", 3, 6)]
    f = lint("FROM node:22\nARG APP\nCOPY . ../apps/${APP}\n", "LL509")  # relative whatever APP is
    assert positions(f) == [("LL509", 3, 8)]
    f = lint("FROM node:22\nWORKDIR app\nCOPY . .\n", "LL509")  # relative to an unknown directory
    assert positions(f) == [("LL509", 3, 8)]


def test_copy_relative_dest_does_not_fire():
    assert lint("FROM node:22\nWORKDIR /app\nCOPY a ./\n", "LL509") == []
    assert lint("FROM node:22\nCOPY a /app/\n", "LL509") == []
    assert lint("FROM node:22 AS base\nWORKDIR /app\nFROM base\nCOPY a .\n", "LL509") == []
    assert lint("FROM scratch\nCOPY a .\n", "LL509") == []  # scratch starts in /
    assert lint("FROM node:22\nARG D=/app\nCOPY a $D\n", "LL509") == []
    assert lint("FROM node:22\nARG D\nCOPY a $D\n", "LL509") == []
    assert lint("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY a C:\\\\app\\\\\n", "LL509") == []
    assert lint("FROM node:22\nONBUILD COPY a .\n", "LL509") == []
    # a WORKDIR in one stage does not help the next (hadolint misses this)
    f = lint("FROM node:22\nWORKDIR /app\nFROM node:22\nCOPY a .\n", "LL509")
    assert positions(f) == [("LL509", 4, 8)]


# -- LL510 copy-whole-filesystem ----------------------------------------------------------------
def test_copy_whole_filesystem():
    f = lint("FROM a:1 AS b\nRUN make\nFROM c:1\nCOPY --from=b / /\n", "LL510")
    assert positions(f) == [("LL510", 4, 15)] and f[0].hadolint == ("DL3067",)
    assert len(lint("FROM a:1 AS b\nRUN make\nFROM c:1\nONBUILD COPY --from=b /. /\n", "LL510")) == 1
    assert lint("FROM a:1 AS b\nRUN make\nFROM c:1\nCOPY --from=b / /rootfs/\n", "LL510") == []
    assert lint("FROM a:1 AS b\nRUN make\nFROM c:1\nCOPY --from=b /app /\n", "LL510") == []
    assert lint("FROM c:1\nCOPY / /\n", "LL510") == []  # the build context, not a filesystem
    # payload idioms: a scratch stage (also through a chain), an external image
    assert lint("FROM scratch AS bin\nCOPY app /\nFROM bin AS b2\nFROM c:1\nCOPY --from=b2 / /\n", "LL510") == []
    assert lint("FROM c:1\nCOPY --from=tonistiigi/xx:1.5 / /\n", "LL510") == []
    assert lint("FROM tonistiigi/xx:1.5 AS xx\nFROM c:1\nCOPY --from=xx / /\n", "LL510") == []
    f = lint("FROM a:1 AS build\nRUN make\nFROM a:1\nCOPY --from=0 / /\n", "LL510")
    assert positions(f) == [("LL510", 4, 15)]


# -- LL511 secret-file-copied ------------------------------------------------------------------
def test_secret_file_copied_by_name():
    text = "FROM node:22\nWORKDIR /app\nCOPY .npmrc package.json ./\nCOPY certs/server.key /etc/ssl/\n"
    f = lint(text, "LL511")
    assert positions(f) == [("LL511", 3, 6), ("LL511", 4, 6)]
    assert "id=npmrc" in f[0].message and "private key" in f[1].message
    assert "--mount=type=ssh" in lint("FROM a:1\nCOPY id_ed25519 /root/.ssh/\n", "LL511")[0].message
    for src in ("id_rsa", "/root/.ssh/id_ed25519", ".aws/credentials", ".aws", ".env", ".env.production",
                "config/.pypirc", "gcp-service-account.json", "client_secret_123.json", "release.keystore",
                "ca-key.pem", ".docker/config.json", "app.p12", "certs/tls.key", "private.key",
                "docker-secrets.env"):
        assert len(lint(f"FROM a:1\nCOPY {src} /x/\n", "LL511")) == 1, src


def test_secret_file_copied_not_for_public_or_examples():
    for src in ("id_rsa.pub", ".env.example", ".env.sample", "ca.pem", "cert.pem", "fullchain.pem",
                "nodesource.gpg.key", "package.json", "credentials.example.json", "src/", "keys.txt",
                "jenkins.io-2026.key", "ffdhe4096.pem", ".docker/", "scripts/*.env", ".healthcheck.env"):
        assert lint(f"FROM a:1\nCOPY {src} /x/\n", "LL511") == [], src
    assert lint("FROM a:1 AS b\nFROM c:1\nCOPY --from=b /root/.ssh/id_rsa /x\n", "LL511") == []


def test_secret_file_copied_onbuild_and_args():
    f = lint("FROM a:1\nONBUILD COPY .env /app/\n", "LL511")
    assert positions(f) == [("LL511", 2, 14)]
    f = lint("FROM a:1\nARG KEY=deploy_key.pem\nCOPY ${KEY} /k\n", "LL511")
    assert positions(f) == [("LL511", 3, 6)]


def test_secret_file_copied_from_context_directory(tmp_path):
    (tmp_path / ".env").write_text("SECRET=1\n")
    (tmp_path / ".npmrc").write_text("//registry/:_authToken=x\n")
    (tmp_path / "app.py").write_text("")
    text = "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
    f = lint(text, "LL511", context_dir=str(tmp_path))
    assert positions(f) == [("LL511", 3, 6)] and ".env, .npmrc" in f[0].message
    (tmp_path / ".dockerignore").write_text(".env\n.npmrc\n")
    assert lint(text, "LL511", context_dir=str(tmp_path)) == []
    (tmp_path / ".dockerignore").write_text(".env\n")
    f = lint(text, "LL511", context_dir=str(tmp_path))
    assert len(f) == 1 and ".npmrc" in f[0].message and ".env," not in f[0].message
    assert lint("FROM python:3.12\nCOPY --exclude=.npmrc . /app/\n", "LL511", context_dir=str(tmp_path)) == []


# -- LL512 expose-invalid-port -------------------------------------------------------------------
def test_expose_out_of_range():
    f = lint("FROM nginx:1\nEXPOSE 80 80800 1-70000/udp 9000-8000\n", "LL512")
    assert positions(f) == [("LL512", 2, 11), ("LL512", 2, 17), ("LL512", 2, 29)]
    assert f[0].span.end_column == 16 and f[0].hadolint == ("DL3011",)
    f = lint("FROM nginx:1\nARG P=99999\nEXPOSE $P\nONBUILD EXPOSE \\\n  65536\n", "LL512")
    assert positions(f) == [("LL512", 3, 8), ("LL512", 5, 3)]


def test_expose_does_not_fire():
    assert lint("FROM nginx:1\nEXPOSE 0 80 443/tcp 65535 8000-9000/udp\n", "LL512") == []
    assert lint("FROM nginx:1\nEXPOSE 80:80 ${PORT}\n", "LL512") == []


# -- LL513 env-same-instruction-reference --------------------------------------------------------
def test_env_same_instruction_reference():
    f = lint("FROM a:1\nENV APP=/app BIN=$APP/bin\n", "LL513")
    assert positions(f) == [("LL513", 2, 18)] and f[0].span.end_column == 22
    assert f[0].hadolint == ("DL3044",)
    # a reference to a later pair, braces, double quotes, a continuation line
    f = lint('FROM a:1\nENV B="${A}" \\\n    A=1\n', "LL513")
    assert positions(f) == [("LL513", 2, 8)]
    f = lint("FROM a:1\nENV A=1 \\\n    B=x${A:-y}\n", "LL513")
    assert positions(f) == [("LL513", 3, 8)]
    # defined earlier with a different value: still the old value
    f = lint("FROM a:1\nENV A=1\nENV A=2 B=$A\n", "LL513")
    assert positions(f) == [("LL513", 3, 11)] and "had before this instruction" in f[0].message
    assert len(lint("FROM a:1\nONBUILD ENV A=1 B=$A\n", "LL513")) == 1


def test_env_same_instruction_reference_does_not_fire():
    assert lint("FROM a:1\nENV PATH=/opt/bin:$PATH\n", "LL513") == []
    assert lint("FROM a:1\nENV A=1\nENV B=$A\n", "LL513") == []
    assert lint("FROM a:1\nENV A=1\nENV A=1 B=$A\n", "LL513") == []  # same value before and after
    assert lint("FROM a:1\nENV A=1 B='$A' C=\\$A\n", "LL513") == []
    assert lint("FROM a:1\nENV A 1 $A\n", "LL513") == []
    assert lint("FROM a:1\nARG U\nENV U=$U V=${U}\n", "LL513") == []  # U=$U keeps the old value


# -- LL514 invalid-label-key ---------------------------------------------------------------------
def test_invalid_label_key():
    f = lint('FROM a:1\nLABEL Foo=1 ok.key=2 com.docker.x=3 "a..b"=4 \\\n  1a=5 a-=6\n', "LL514")
    assert positions(f) == [("LL514", 2, 7), ("LL514", 2, 22), ("LL514", 2, 37), ("LL514", 3, 3),
                            ("LL514", 3, 8)]
    assert "lower-case" in f[0].message and "reserved" in f[1].message and f[0].hadolint == ("DL3048",)
    assert len(lint("FROM a:1\nONBUILD LABEL A=1\n", "LL514")) == 1


def test_label_key_does_not_fire():
    text = ('FROM a:1\nLABEL org.opencontainers.image.title=x a_b=1 a/b=2 x.y1=3 "quoted.key"=4\n'
            "LABEL maintainer=me\n")
    assert lint(text, "LL514") == []
    assert lint("FROM a:1\nARG K\nLABEL ${K}=1\n", "LL514") == []


# -- LL515 required-labels -------------------------------------------------------------------------
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


# -- LL516 missing-healthcheck (opt-in) -------------------------------------------------------------
def test_missing_healthcheck():
    from layerlint.rules import find_rule
    assert not find_rule("LL516").enabled_by_default
    f = lint("FROM nginx:1 AS a\nHEALTHCHECK CMD true\nFROM nginx:1\n", "LL516")
    assert positions(f) == [("LL516", 3, 1)] and f[0].hadolint == ("DL3057",)
    assert lint("FROM nginx:1 AS a\nHEALTHCHECK CMD true\nFROM a\n", "LL516") == []
    assert lint("FROM nginx:1 AS a\nONBUILD HEALTHCHECK NONE\nFROM a\n", "LL516") == []
    assert lint("FROM nginx:1\nHEALTHCHECK NONE\n", "LL516") == []
    assert lint("FROM nginx:1\n") == [] or all(x.rule != "LL516" for x in lint("FROM nginx:1\n"))


# -- LL517 instruction-before-from -------------------------------------------------------------------
def test_instruction_before_from():
    f = lint("# comment\nLABEL a=b\nARG X=1\n  env Y=2\nFROM a:1\nLABEL ok=1\n", "LL517")
    assert positions(f) == [("LL517", 2, 1), ("LL517", 4, 3)] and f[0].hadolint == ("DL3061",)
    f = lint("RUN true\n", "LL517")
    assert positions(f) == [("LL517", 1, 1)] and "no FROM" in f[0].message
    assert lint("# syntax=docker/dockerfile:1\nARG A\nFROM a:1\n", "LL517") == []


# -- every rule's documented Example fires and its Use instead is clean -----------------------
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


def test_dl3043_is_a_parse_error():
    """docs.PARSER_COVERED: ONBUILD ONBUILD / FROM / MAINTAINER stop the file, as in BuildKit."""
    from layerlint.engine.settings import Settings
    from layerlint.engine.lint_file import lint_bytes
    for trigger in ("ONBUILD RUN x", "FROM alpine:3", "MAINTAINER me"):
        res = lint_bytes(f"FROM a:1\nONBUILD {trigger}\n".encode(), "Dockerfile", Settings())
        assert [(e.line, e.column) for e in res.errors] == [(2, 9)] and not res.findings, trigger
