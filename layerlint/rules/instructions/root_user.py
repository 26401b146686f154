"""The final stage switches back to root with its last `USER`.

## What it does
Follows the final stage (the build target) through its `FROM <stage>` chain, including
`ONBUILD USER` triggers of parent stages, and reports when the last `USER` instruction sets
root: `root`, `0`, `root:<group>` or `0:<group>`, also after expanding `ARG`/`ENV` values
(`USER ${APP_USER}` with `ARG APP_USER=root`). A value that cannot be resolved is not
guessed.

Only the image that ships is checked: a build stage that stays root is fine, because
nothing of it runs in production except the files copied out of it. (hadolint's DL3002
checks the last `USER` of every stage, builders included.) An image that never sets
`USER` at all is reported by LL502 instead.

## Why is this bad
The container's main process runs as the last `USER`. Running as root turns any
vulnerability in the application into root inside the container, with write access to
the whole filesystem and a much shorter path to the host in case of a container escape or
a mounted socket. Switching to root for installation steps is fine, as long as the image
switches back to an unprivileged user at the end.

## Example
```dockerfile
FROM python:3.12-slim
RUN useradd --create-home app
USER app
COPY . /app
USER root
CMD ["python", "/app/main.py"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN useradd --create-home app
COPY . /app
USER app
CMD ["python", "/app/main.py"]
```
"""
from ..base import Violation
from ..instruction_args import final_user, is_root, user_span

CODE = "LL501"
NAME = "root-user"
SEVERITY = "warning"
SUMMARY = "The last USER of the final stage is root"
HADOLINT = ("DL3002",)
BUILDKIT = ()
TAGS = ("security", "user")


def check(ctx):
    found = final_user(ctx)
    if found is None:
        return
    last, value = found
    if value is None or not is_root(value):
        return
    shown = last.args_text if value == last.args_text else f"{last.args_text} (= {value})"
    where = " (an ONBUILD trigger of a parent stage)" if last.parent is not None else ""
    yield Violation(user_span(last), f"The final image runs as root: its last USER is {shown}{where}; "
                            "switch to an unprivileged user (e.g. `USER 10001`) after the steps that need root")
