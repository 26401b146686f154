"""The final image runs as a user name, not a numeric uid.

## What it does
Reports the last `USER` of the final stage (following its `FROM <stage>` chain) when the
user part is a name (`USER app`, `USER app:app`) rather than a numeric uid (`USER 10001`,
`USER 10001:app`). `root` is left to LL501, a value that comes from an unresolved
variable is not guessed, and Windows images (whose users are names such as
`ContainerUser`) are skipped.

Unlike hadolint's DL3066, which reports every non-numeric `USER` of every stage, only the
user the container actually starts as is checked: `USER` switches in build stages or
before the last one do not matter at run time. Off by default (a named user is common and
fine outside Kubernetes); enable it with `--extend-select LL503` where pods run with
`runAsNonRoot`.

## Why is this bad
A name is resolved through the image's `/etc/passwd` when the container starts; the host,
the orchestrator and admission policies cannot resolve it. Kubernetes cannot verify
`runAsNonRoot` for a non-numeric user and refuses to start the pod, and file ownership on
mounted volumes is easier to reason about with explicit uids.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN useradd --uid 10001 app
USER app
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN useradd --uid 10001 app
USER 10001
```
"""
from ..base import Violation
from ..instruction_args import final_user, is_root, is_windows, user_span

CODE = "LL503"
NAME = "user-non-numeric"
SEVERITY = "info"
SUMMARY = "The final image's USER is a name, not a numeric uid (Kubernetes runAsNonRoot cannot verify it)"
HADOLINT = ("DL3066",)
BUILDKIT = ()
ENABLED_BY_DEFAULT = False
TAGS = ("security", "user", "kubernetes")


def check(ctx):
    if ctx.graph.target is None or is_windows(ctx.graph.target):
        return
    found = final_user(ctx)
    if found is None:
        return
    last, value = found
    if value is None or is_root(value):
        return
    user = value.split(":", 1)[0].strip()
    if not user or user.isdigit():
        return
    yield Violation(user_span(last), f"The container runs as user name `{user}`, which only /etc/passwd inside the image "
                            "can resolve; use the numeric uid (e.g. `USER 10001`) so runAsNonRoot and volume "
                            "ownership can be checked")
