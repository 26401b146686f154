"""LL511 secret-file-copied: Credentials file (key, .env, .npmrc, cloud credentials) copied into an image layer."""
from ...helpers import lint, positions


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


def test_npmrc_without_credentials_in_the_context_is_not_a_secret(tmp_path):
    """uptime-kuma's `.npmrc` is `engine-strict=true`: npm configuration, no credential."""
    text = "FROM node:22\nWORKDIR /app\nCOPY .npmrc package.json ./\nCOPY . .\n"
    (tmp_path / "package.json").write_text("{}")
    for plain in ("engine-strict=true\n", "; comment\nregistry=https://registry.npmjs.org/\n"
                  "@org:registry=https://npm.pkg.github.com\nalways-auth=false\nsave-exact=true\n"):
        (tmp_path / ".npmrc").write_text(plain)
        assert lint(text, "LL511", context_dir=str(tmp_path)) == [], plain
    for secret in ("engine-strict=true\n//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n",
                   "_auth=dXNlcjpwYXNz\n", "//npm.example.com/:_password=cGFzcw==\nusername=me\n",
                   "NPM_TOKEN=abc\n", "key=\"-----BEGIN PRIVATE KEY-----\"\n"):
        (tmp_path / ".npmrc").write_text(secret)
        f = lint(text, "LL511", context_dir=str(tmp_path))
        assert positions(f) == [("LL511", 3, 6), ("LL511", 4, 6)], secret  # by name, and in `COPY . .`
        assert "(.npmrc)" in f[1].message


def test_npmrc_that_cannot_be_read_is_reported_as_before(tmp_path):
    text = "FROM node:22\nCOPY .npmrc /app/\n"
    assert positions(lint(text, "LL511")) == [("LL511", 2, 6)]  # no context on disk
    assert positions(lint(text, "LL511", context_dir=str(tmp_path))) == [("LL511", 2, 6)]  # not in it
    (tmp_path / ".npmrc").mkdir()  # not a regular file
    assert positions(lint(text, "LL511", context_dir=str(tmp_path))) == [("LL511", 2, 6)]
