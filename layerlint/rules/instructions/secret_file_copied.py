"""A credentials file is copied into an image layer.

## What it does
Reports a `COPY` or `ADD` from the build context (also as an `ONBUILD` trigger) that puts a
file holding credentials into the image: SSH keys (`id_rsa`, `id_ed25519`, ...), private
keys and keystores (`*-key.pem`, `privkey.pem`, `tls.key`, `server.key` and other `.key`
files named for TLS, but not certificates, DH parameters or public apt/GPG repository
keys; `*.p12`, `*.pfx`, `*.keystore`, `*.jks`), `.env` files (not `.env.example` and
friends), package-manager credentials (`.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`,
`.pgpass`), cloud and cluster credentials (`.aws/`, `.ssh/`, `.gnupg/`, `.kube/config`,
`.docker/config.json`, `credentials.json`, `client_secret*.json`, service-account key
files) and `secrets.*` / `*secret*.env` files. Sources are matched by name after expanding
`ARG`/`ENV` values; names are a heuristic, so an unusual name is missed rather than guessed.

When the linted file has a build context on disk, a directory source (`COPY . .`,
`COPY config/ /etc/app/`) is looked into too: a credentials file at the top of that
directory that `.dockerignore` does not exclude is reported at the directory argument.
An `.npmrc` that can be read there and sets no credential (no `_auth`, `_authToken`,
`_password`, `username`, inline `key` or other token/password setting, scoped
`//registry/:_authToken` included) is plain npm configuration (`engine-strict=true`,
`registry=...`) and is not reported; one that cannot be read is, as before.

## Why is this bad
Every layer is part of the image: anyone who can pull it can read the file with
`docker save` or `docker history`, even when a later `RUN rm` deletes it (the deletion
only hides it in a newer layer). Build-time credentials belong in
`RUN --mount=type=secret`, which exposes them to one command without writing them to any
layer; runtime credentials belong in the container's environment or a mounted secret.
Keep them out of the build context with `.dockerignore`.

## Example
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY .npmrc package.json package-lock.json ./
RUN npm ci && rm .npmrc
```

## Use instead
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
```
"""
import fnmatch
import os
import posixpath

from ..base import Violation
from ...buildctx.paths import cached_per_directory, read_context_file
from ..instruction_args import copy_args, expand

CODE = "LL511"
NAME = "secret-file-copied"
SEVERITY = "warning"
SUMMARY = "Credentials file (key, .env, .npmrc, cloud credentials) copied into an image layer"
HADOLINT = ()
BUILDKIT = ()
TAGS = ("security", "secrets", "copy-add")

SECRET_FILES = ("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk",
                ".npmrc", ".pypirc", ".netrc", "_netrc", ".git-credentials", ".pgpass", ".my.cnf",
                ".dockercfg", ".vault-token", "credentials.json", "credentials", "kubeconfig")
SECRET_GLOBS = ("client_secret*.json", "*service-account*.json", "*service_account*.json",
                "*serviceaccount*.json", "secrets.y*ml", "secrets.json", "*secret*.env", "*.p12", "*.pfx",
                "*.keystore", "*.jks", ".env", ".env.*")
SECRET_DIRS = (".ssh", ".aws", ".gnupg", ".kube", ".gcloud")
# a `.key` file is a TLS private key when its name says so (apt / GPG repository keys are public)
TLS_WORDS = {"tls", "ssl", "server", "client", "private", "priv", "privkey", "selfsigned", "localhost", "https"}
NOT_SECRET_WORDS = ("example", "sample", "template", "dist", "default", "defaults", "test", "tests", "pub",
                    "ca", "root", "gpg", "asc", "public")
CERT_PARTS = ("cert", "crt", "chain", "bundle", "public")
PROMPT = {".npmrc": "npmrc", ".pypirc": "pypirc", ".netrc": "netrc", ".git-credentials": "git-credentials"}


def _words(name: str) -> set[str]:
    out, cur = set(), ""
    for ch in name.lower():
        if ch.isalnum():
            cur += ch
        else:
            if cur:
                out.add(cur)
            cur = ""
    if cur:
        out.add(cur)
    return out


def secret_kind(path: str) -> str:
    """Why the file at ``path`` (context-relative) holds credentials, or ''."""
    path = path.rstrip("/")
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if not parts:
        return ""
    name = parts[-1]
    low = name.lower()
    if low == "config.json" and len(parts) > 1 and parts[-2] == ".docker":
        return "Docker registry credentials"
    for d in SECRET_DIRS:
        if d in parts:
            if d == ".ssh" and low in ("known_hosts", "config", "authorized_keys"):
                continue
            return f"the {d} directory (credentials)" if low == d else f"a file from {d}/"
    if low.endswith(".pub"):
        return ""
    words = _words(low)
    if low in SECRET_FILES:
        if low == "credentials" and (len(parts) < 2 or parts[-2] not in (".aws", "aws")):
            return ""
        return "a credentials file"
    if low.endswith((".pem", ".key")):
        if words & {"pub", "public"} or any(c in low for c in CERT_PARTS):
            return ""
        if low.endswith(".pem") and words & {"key", "priv", "private", "privkey"}:
            return "a private key"
        if low.endswith(".key") and (words & TLS_WORDS or low.split(".")[0] in ("key", "private", "privkey")):
            return "a private key"
        return ""
    for g in SECRET_GLOBS:
        if fnmatch.fnmatchcase(low, g):
            if g == ".env.*" and words & set(NOT_SECRET_WORDS):
                return ""
            return "a keystore" if g in ("*.p12", "*.pfx", "*.keystore", "*.jks") else "a secrets file"
    return ""


# npm settings that hold a credential (https://docs.npmjs.com/cli/configuring-npm/npmrc):
# besides these, any key naming a token, password or secret counts
_NPM_CREDENTIAL_KEYS = frozenset({"_auth", "_authtoken", "_password", "username", "key", "otp"})
_NPM_HARMLESS_AUTH = frozenset({"always-auth", "auth-type"})
_NPMRC_LIMIT = 1 << 16  # a longer .npmrc is not plain configuration: reported as before


def _npmrc_without_credentials(ctx, rel: str) -> bool:
    """The context's ``.npmrc`` at ``rel`` could be read and sets no credential."""
    data = read_context_file(ctx.context_dir, rel, _NPMRC_LIMIT) if ctx.context_dir else None
    if data is None or len(data) >= _NPMRC_LIMIT:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        key = line.split("=", 1)[0].strip().strip("\"'").lower()
        key = key.rsplit(":", 1)[-1]  # `//registry.npmjs.org/:_authToken` is scoped to a registry
        if key in _NPM_CREDENTIAL_KEYS or (("auth" in key) and key not in _NPM_HARMLESS_AUTH) \
                or any(w in key for w in ("token", "password", "passwd", "secret")):
            return False
    return True


@cached_per_directory
def _secret_names(base: str, rel: str) -> tuple[str, ...]:
    """Names at the top of directory ``base`` (context path ``rel``) that look like credentials
    (remembered per directory: ``buildctx.paths.cached_per_directory``)."""
    try:
        if not os.path.isdir(base):
            return ()
        names = sorted(os.listdir(base))
    except OSError:
        return ()
    return tuple(n for n in names if secret_kind(posixpath.join(rel, n) if rel else n))


def _context_secrets(ctx, rel: str, excludes) -> list[str]:
    """Credentials files at the top of the context directory ``rel`` that reach the build."""
    if not ctx.context_dir:
        return []
    base = ctx.context_path(rel)  # never outside the context (COPY ../../etc/ ...)
    if base is None:
        return []
    ignore = ctx.dockerignore
    found = []
    for name in _secret_names(base, rel):
        path = posixpath.join(rel, name) if rel else name
        if ignore is not None and ignore.is_excluded(path):
            continue
        if any(fnmatch.fnmatchcase(path, e) or fnmatch.fnmatchcase(name, e) for e in excludes):
            continue
        if name == ".npmrc" and _npmrc_without_credentials(ctx, path):
            continue
        found.append(name)
    return found


def check(ctx):
    for kw in ("COPY", "ADD"):
        for instr in ctx.instructions(kw):
            parts = copy_args(instr)
            if parts is None or instr.flag("from") is not None:
                continue
            excludes = instr.flag_values("exclude")
            for src in parts[0]:
                if src.heredoc:
                    continue
                value = expand(ctx, instr, src.text)
                if value is None or "://" in value or value.startswith("git@"):
                    continue
                rel = posixpath.normpath(value.lstrip("/")) if value.strip("/.") else ""
                rel = "" if rel == "." else rel
                kind = secret_kind(rel)
                if kind and posixpath.basename(rel) == ".npmrc" and _npmrc_without_credentials(ctx, rel):
                    continue  # plain npm configuration (engine-strict=true)
                if kind:
                    base = posixpath.basename(rel)
                    if base.startswith("id_") or ".ssh" in rel.split("/"):
                        use = "`RUN --mount=type=ssh` (your SSH agent, forwarded with `docker build --ssh default`)"
                    else:
                        use = f"`RUN --mount=type=secret,id={PROMPT.get(base, 'mysecret')},...`"
                    yield Violation(src.span, f"{instr.keyword} puts {rel} ({kind}) into an image layer, where anyone who "
                                     f"pulls the image can read it, even if a later step deletes it; use {use} "
                                     "for build-time credentials")
                    continue
                if any(c in rel for c in "*?["):
                    continue
                found = _context_secrets(ctx, rel, excludes)
                if found:
                    names = ", ".join(found[:5]) + (" ..." if len(found) > 5 else "")
                    where = "the build context" if not rel else rel + "/"
                    yield Violation(src.span, f"{instr.keyword} {src.text} copies credentials from {where} into an image "
                                     f"layer ({names}) because .dockerignore does not exclude them; add them to "
                                     ".dockerignore and use `RUN --mount=type=secret` where the build needs them")
