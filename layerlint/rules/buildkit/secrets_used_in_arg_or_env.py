"""`ARG` or `ENV` name suggests a secret.

## What it does
Reports an `ARG` or `ENV` inside a stage (ONBUILD triggers included) whose name contains, as a
whole `_`-separated token, one of `apikey`, `auth`, `credential`, `credentials`, `key`,
`password`, `pword`, `passwd`, `secret` or `token`, unless the name also has a `public`, `file`
or `version` token (case-insensitive): BuildKit's `SecretsUsedInArgOrEnv` rule, less what is
listed below. So `API_KEY`, `github_token` and `DB_PASSWORD` are reported; `PUBLIC_KEY`,
`TOKEN_FILE`, `SECRET_VERSION`, `KEYRING` and `MONKEY` are not. ARGs before the first `FROM` are
not checked (as in BuildKit): they only feed `FROM` lines and are checked when a stage imports them.

Where this deliberately differs from BuildKit (v0.25, checked with Docker 28.5's
`--call=check`): BuildKit skips `public` names only, and warns on `TOKEN_FILE`,
`SECRET_VERSION`, `*_KEY_FILE`, `*_KEY_ID` and `GPG_KEY`; it checks no ONBUILD trigger, though
the value ends up in every image built FROM this one, so layerlint checks them. A name does not
make a secret when what it holds is public or only says where a secret is or which one:
- A `key` that is an OpenPGP key's id, when `key` is the name's only secret word (and there is
  no `private`, `passphrase`, `api`, `access`, `client`, `app` or `account` token, so
  `AWS_ACCESS_KEY_ID` is still reported): a name ending in `GPG_KEY` / `PGP_KEY` (the official
  images' name for the release signing key's fingerprint, `ENV GPG_KEY A035C8C1...`), in
  `_KEY_ID(S)` or in `FINGERPRINT(S)`, or a variable the file hands to `gpg` / `apt-key` as a
  key to fetch or export (`gpg --recv-keys "$LLVM_KEY"`). A fingerprint is published to let
  anyone check a download; warning on it teaches users to ignore the rule.
- A file path: a `file` or `path` token (`TOKEN_FILE`, `SSL_KEY_PATH`), or a value that is an
  absolute path to a file (`ENV GOOGLE_APPLICATION_CREDENTIALS=/secrets/sa.json`): the secret
  is in the file, which a secret mount provides; the path is not the secret.
- A `version` token (`SECRET_VERSION`): a version number names a secret, it is not one.

hadolint's DL3064 uses a list of known names plus substrings (`password`, `secret`, `token`,
`api_key`, `client_key`, `private`, `username`) found anywhere in the name; to get closer to it,
list such substrings in the option `extra-substrings` (default: none, BuildKit's rule only).

## Why is this bad
`ARG` values are recorded in the image history (`docker history`) and in the build cache,
`ENV` values in the image configuration of every container started from it. Anyone who can
pull the image can read them. Build secrets belong in `RUN --mount=type=secret`, runtime
secrets in the runtime environment.

## Example
```dockerfile
FROM alpine:3.20
ARG GITHUB_TOKEN
RUN wget --header="Authorization: token $GITHUB_TOKEN" https://example.com/x
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN --mount=type=secret,id=github_token,env=GITHUB_TOKEN \
    wget --header="Authorization: token $GITHUB_TOKEN" https://example.com/x
```
"""

import re

from ..base import Violation
from ..options import StrList
from ..run_commands import calls

CODE = "LL413"
NAME = "secrets-used-in-arg-or-env"
SEVERITY = "warning"
SUMMARY = "`ARG`/`ENV` name looks like a secret; use a secret mount"
HADOLINT = ("DL3064",)
BUILDKIT = ("SecretsUsedInArgOrEnv",)
OPTIONS = {"extra-substrings": StrList([], "more name substrings that mark a secret (case-insensitive)")}
TAGS = ("buildkit", "security", "quieter-than-buildkit")  # LL518: a skip of it may still serve BuildKit

_DENY = re.compile(r"(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)",
                   re.IGNORECASE)
_ALLOW = re.compile(r"(?:_|^)(?:public|file|version)(?:_|$)", re.IGNORECASE)
_WORDS = frozenset({"apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd",
                    "secret", "token"})
_PRIVATE = frozenset({"private", "passphrase", "priv"})
_CREDENTIAL = frozenset({"api", "access", "client", "app", "account"})  # API_KEY_ID: a credential's id
# an absolute path to a file (no `=`, space or `+`; a name with an extension: base64 has no ".")
_FILE_PATH = re.compile(r"~?/[A-Za-z0-9_./@-]*\.[A-Za-z0-9]{1,8}")
# gpg / apt-key commands whose operands are keys (ids or fingerprints), and options whose value
# is something else
_GPG = frozenset({"gpg", "gpg2", "apt-key"})
_KEY_COMMANDS = frozenset({"--recv-keys", "--recv-key", "--receive-keys", "--export", "--fingerprint",
                           "--list-keys", "--list-key", "-k"})
_VALUE_OPTIONS = frozenset({"--keyserver", "--keyserver-options", "--homedir", "-o", "--output", "--passphrase",
                            "--passphrase-file", "--passphrase-fd", "--trust-model"})
_REF = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def is_secret_name(name: str) -> bool:
    """BuildKit's test: a `_`-separated secret word, and no `public` / `file` / `version` token."""
    return bool(_DENY.search(name)) and not _ALLOW.search(name)


def _names_a_key_id(tokens: list[str]) -> bool:
    """``GPG_KEY``, ``RABBITMQ_PGP_KEY_ID``, ``NODE_KEY_FINGERPRINTS``: a public key's id."""
    return (tokens[-2:] in (["gpg", "key"], ["pgp", "key"], ["gnupg", "key"], ["key", "id"], ["key", "ids"])
            or tokens[-1] in ("fingerprint", "fingerprints", "keyid", "keyids"))


def _not_a_secret(ctx, instr, name: str, value) -> bool:
    """The deviations from BuildKit in the module docstring: a public key id or a file path."""
    tokens = name.lower().split("_")
    if "path" in tokens:
        return True
    if value is not None and _FILE_PATH.fullmatch(_value(ctx, instr, value) or ""):
        return True
    words = set(tokens)
    if words & _WORDS != {"key"} or words & _PRIVATE or words & _CREDENTIAL:
        return False
    return _names_a_key_id(tokens) or name in ctx.memo(("gpg-key-variables",), lambda: _gpg_key_variables(ctx))


def _value(ctx, instr, value: str):
    """The value an ARG default / ENV gets, quotes removed; None when a variable in it is unknown."""
    step = ctx.step(instr)
    if step is None:
        return None if "$" in value else value.strip("\"'")
    text, unknown = step.expand(value)
    return None if unknown else text


def _gpg_key_variables(ctx) -> set[str]:
    """Variables the file's RUNs hand to gpg / apt-key as keys (``gpg --recv-keys "$KEY"``)."""
    out: set[str] = set()
    for run in ctx.instructions("RUN"):
        for call in calls(ctx, run):
            if call.prog not in _GPG:
                continue
            vals = [w.value for w in call.args]
            at = next((i for i, v in enumerate(vals) if v in _KEY_COMMANDS), None)
            if at is None:
                continue
            for i in range(at + 1, len(vals)):
                m = _REF.fullmatch(vals[i])
                if m is not None and vals[i - 1] not in _VALUE_OPTIONS:
                    out.add(m.group(1) or m.group(2))
    return out


def check(ctx):
    extra = [x.lower() for x in ctx.options.get("extra-substrings", []) if x]
    for instr in ctx.instructions():
        if instr.keyword not in ("ARG", "ENV"):
            continue
        if ctx.stage_of(instr) is None:
            continue  # global ARG (or an instruction before any FROM)
        for pair in instr.pairs:
            if any(x in pair.key.lower() for x in extra) or (
                    is_secret_name(pair.key) and not _not_a_secret(ctx, instr, pair.key, pair.value)):
                yield Violation(pair.key_span, f'Do not use ARG or ENV instructions for sensitive data ({instr.keyword} "{pair.key}")')
