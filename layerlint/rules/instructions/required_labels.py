r"""Required image labels missing, empty or in the wrong format.

## What it does
Enforces a label schema configured with `required-labels` (a table of label key -> type).
Types: `string` (or `text`: any non-empty value), `url` (an absolute URI such as
`https://...` or `mailto:...`), `email`, `semver` (`1.2.3`, `1.2.3-rc.1+build.5`),
`rfc3339` (`2026-01-31T12:00:00Z`), `hash` (a git commit id: 7 to 40 lower-case hex digits,
or 64) and `spdx` (an SPDX license expression such as `MIT` or `MIT OR Apache-2.0`; ids are
checked against the SPDX list when the `packaging` library is installed, otherwise only the
syntax is).

- A schema label that the final image (the build target, including the labels of the
  stages it is built `FROM` and their `ONBUILD LABEL` triggers) never sets is reported at
  its `FROM` (hadolint DL3049). Build stages are not checked: their labels never ship.
- Every `LABEL` in the file that sets a schema label is checked: an empty value (DL3051)
  or a value that does not match its type (DL3052-DL3056, DL3058), after expanding
  `ARG`/`ENV` values. A value with an unresolved variable is not guessed.
- With `strict = true` (rule option), a label that is not in the schema is reported too
  (DL3050).

With no schema configured the rule reports nothing. Example configuration:

    [tool.layerlint.required-labels]
    "org.opencontainers.image.source" = "url"
    "org.opencontainers.image.version" = "semver"

## Why is this bad
Registries, scanners and deployment tooling read image labels to find an image's source,
version, licence and owner. A missing or malformed label breaks that traceability
silently: the image builds and runs, and nobody can tell where it came from.

## Example
```dockerfile
# required-labels: org.opencontainers.image.source = "url", org.opencontainers.image.version = "semver"
FROM alpine:3.20
LABEL org.opencontainers.image.source="github.com/example/app" \
      org.opencontainers.image.version="v1.2"
```

## Use instead
```dockerfile
# required-labels: org.opencontainers.image.source = "url", org.opencontainers.image.version = "semver"
FROM alpine:3.20
LABEL org.opencontainers.image.source="https://github.com/example/app" \
      org.opencontainers.image.version="1.2.0"
```
"""
import re

from ..base import Violation
from ..options import Bool, StrMap
from ..instruction_args import expand

CODE = "LL515"
NAME = "required-labels"
SEVERITY = "warning"
SUMMARY = "Label from the configured schema missing, empty or malformed"
HADOLINT = ("DL3049", "DL3050", "DL3051", "DL3052", "DL3053", "DL3054", "DL3055", "DL3056", "DL3058")
BUILDKIT = ()
OPTIONS = {
    "labels": StrMap({}, "the label schema: label key -> type; empty: the rule reports nothing",
                     values=("string", "url", "email", "semver", "rfc3339", "hash", "spdx"),
                     config_key="required-labels"),
    "strict": Bool(False, "also report labels that are not in the schema"),
}
TAGS = ("label", "policy")

_NUM = r"(?:0|[1-9]\d*)"
_PRE = r"(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)"
_SEMVER = re.compile(rf"^{_NUM}\.{_NUM}\.{_NUM}(?:-{_PRE}(?:\.{_PRE})*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")
_HASH = re.compile(r"^([0-9a-f]{7,40}|[0-9a-f]{64})$")
_SPDX_ID = re.compile(r"^(LicenseRef-|DocumentRef-[A-Za-z0-9.-]+:LicenseRef-)?[A-Za-z0-9.-]+\+?$")

CODES = {"url": "DL3052", "rfc3339": "DL3053", "spdx": "DL3054", "hash": "DL3055", "semver": "DL3056",
         "email": "DL3058"}
DESCRIBE = {"url": "an absolute URL", "rfc3339": "an RFC 3339 timestamp (e.g. 2026-01-31T12:00:00Z)",
            "spdx": "an SPDX license expression (e.g. MIT or Apache-2.0)",
            "hash": "a git commit hash (lower-case hex)", "semver": "a semantic version (e.g. 1.2.3)",
            "email": "an email address"}


def _rfc3339(v: str) -> bool:
    if not _RFC3339.match(v):
        return False
    try:
        from datetime import datetime  # only for a date label; costs 2 ms to import
        datetime.fromisoformat(v.replace("z", "Z").replace("Z", "+00:00").replace("t", "T"))
    except ValueError:
        return False
    return True


def _url(v: str) -> bool:
    if not _URL.match(v):
        return False
    scheme, rest = v.split(":", 1)
    if scheme.lower() in ("http", "https", "ftp", "ftps", "ssh", "git"):
        return rest.startswith("//") and len(rest) > 2 and rest[2] not in "/"
    return True


def _spdx(v: str) -> bool:
    try:
        from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression
    except ImportError:
        return _spdx_syntax(v)
    try:
        canonicalize_license_expression(v)
    except InvalidLicenseExpression:
        return False
    return True


def _spdx_syntax(v: str) -> bool:
    tokens = v.replace("(", " ( ").replace(")", " ) ").split()
    expect_id, depth = True, 0
    for i, t in enumerate(tokens):
        if expect_id:
            if t == "(":
                depth += 1
            elif _SPDX_ID.match(t):
                expect_id = False
            else:
                return False
        elif t == ")":
            depth -= 1
            if depth < 0:
                return False
        elif t.upper() in ("AND", "OR", "WITH"):
            expect_id = True
        else:
            return False
    return bool(tokens) and not expect_id and depth == 0


VALID = {"url": _url, "rfc3339": _rfc3339, "spdx": _spdx, "hash": lambda v: bool(_HASH.match(v)),
         "semver": lambda v: bool(_SEMVER.match(v)), "email": lambda v: bool(_EMAIL.match(v))}


def check(ctx):
    schema = {str(k): str(v or "string").lower() for k, v in (ctx.options.get("labels") or {}).items()}
    if not schema:
        return
    strict = bool(ctx.options.get("strict"))
    final = ctx.graph.target
    for instr in ctx.instructions("LABEL"):
        for pair in instr.pairs:
            key = expand(ctx, instr, pair.key)
            if key is None:
                continue
            if key not in schema:
                if strict:
                    yield Violation(pair.key_span, f"Label `{key}` is not in the label schema", hadolint=("DL3050",))
                continue
            if pair.value is None:
                continue
            value = expand(ctx, instr, pair.value)
            if value is None:
                continue
            span = pair.value_span or pair.span
            kind = schema[key]
            if value.strip() == "":
                yield Violation(span, f"Label `{key}` is empty", hadolint=("DL3051",))
            elif kind in VALID and not VALID[kind](value.strip()):
                yield Violation(span, f"Label `{key}` = {value!r} is not {DESCRIBE[kind]}", hadolint=(CODES[kind],))
    if final is None:
        return
    present = set()
    for instr in final.chain_instructions():
        if instr.keyword == "LABEL":
            for pair in instr.pairs:
                present.add(expand(ctx, instr, pair.key) or pair.key)
    missing = [k for k in schema if k not in present]
    if missing:
        stage = f" ({final.label})" if final.name else ""
        yield Violation(final.from_instr.keyword_span, f"The final stage{stage} does not set the required label{'s' if len(missing) > 1 else ''} "
            + ", ".join(f"`{k}`" for k in missing), hadolint=("DL3049",))
