"""`ARG` or `ENV` name suggests a secret.

## What it does
Reports an `ARG` or `ENV` inside a stage (ONBUILD triggers included) whose name contains, as a
whole `_`-separated token, one of `apikey`, `auth`, `credential`, `credentials`, `key`,
`password`, `pword`, `passwd`, `secret` or `token`, unless the name also has a `public`, `file`
or `version` token (case-insensitive): BuildKit's `SecretsUsedInArgOrEnv` rule exactly. So
`API_KEY`, `github_token` and `DB_PASSWORD` are reported; `PUBLIC_KEY`, `TOKEN_FILE`,
`KEYRING` and `MONKEY` are not. ARGs before the first `FROM` are not checked (as in BuildKit):
they only feed `FROM` lines and are checked when a stage imports them.

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

from ..base import Violation
from ..options import StrList
import re

CODE = "LL413"
NAME = "secrets-used-in-arg-or-env"
SEVERITY = "warning"
SUMMARY = "`ARG`/`ENV` name looks like a secret; use a secret mount"
HADOLINT = ("DL3064",)
BUILDKIT = ("SecretsUsedInArgOrEnv",)
OPTIONS = {"extra-substrings": StrList([], "more name substrings that mark a secret (case-insensitive)")}
TAGS = ("buildkit", "security")

_DENY = re.compile(r"(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)",
                   re.IGNORECASE)
_ALLOW = re.compile(r"(?:_|^)(?:public|file|version)(?:_|$)", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    return bool(_DENY.search(name)) and not _ALLOW.search(name)


def check(ctx):
    extra = [x.lower() for x in ctx.options.get("extra-substrings", []) if x]
    for instr in ctx.instructions():
        if instr.keyword not in ("ARG", "ENV"):
            continue
        if ctx.stage_of(instr) is None:
            continue  # global ARG (or an instruction before any FROM)
        for pair in instr.pairs:
            if is_secret_name(pair.key) or any(x in pair.key.lower() for x in extra):
                yield Violation(pair.key_span, f'Do not use ARG or ENV instructions for sensitive data ({instr.keyword} "{pair.key}")')
