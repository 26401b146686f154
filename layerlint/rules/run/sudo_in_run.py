"""`sudo` in a RUN.

## What it does
Reports `sudo` used as a command in a `RUN` (also behind `env`, `nice` and other
wrappers). The message says which user the `RUN` really runs as: the last `USER` of the
stage and the stages it is built `FROM`; without one, the base image's user. That is known
only for `scratch` and the images LL502 (implicit-root-user) knows to start as root
(official OS and language images, distroless): for any other base image (`cimg/*`,
vendor images, a variable) layerlint cannot know, so the message says so and does not
claim the `RUN` already runs as root (following "drop `sudo`" on `cimg/base`, whose user
is `circleci`, breaks the build). hadolint's DL3004 reports every `sudo` the same way.

## Why is this bad
A `RUN` runs as the user of the last `USER` instruction (root when there is none), with
no terminal and no password. As root, `sudo` does nothing but add a package to the
image; as another user it needs a passwordless sudoers entry baked into the image, which
lets anyone in the container become root. `USER root` before the step and `USER <name>`
after it say the same thing without either problem.

## Example
```dockerfile
FROM debian:12-slim
USER app
RUN sudo apt-get update
```

## Use instead
```dockerfile
FROM debian:12-slim
USER root
RUN apt-get update
USER app
```
"""

from ..base import Violation
from ..instructions.implicit_root_user import root_default  # the one list of root-default images
from ...shell.commands import WRAPPERS, parse_options, shell_name, wrappers

CODE = "LL303"
NAME = "sudo-in-run"
SEVERITY = "warning"
SUMMARY = "`sudo` in a RUN; switch users with USER instead"
HADOLINT = ("DL3004",)
BUILDKIT = ()

def check(ctx):
    for instr in ctx.instructions("RUN"):
        step = ctx.step(instr)
        user = step.state.user if step is not None and instr.parent is None else None
        base_root = _base_user(step.stage) if step is not None and user is None else None
        for script, cmd in ctx.commands(instr):
            sudo = next(((at, end) for at, end in wrappers(cmd.words)[0]
                         if shell_name(cmd.words[at].value) == "sudo"), None)
            if sudo is None:
                continue
            at, end = sudo
            short_val, long_val, _ = WRAPPERS["sudo"]
            target = parse_options(cmd.words[at + 1:end], short_val, long_val).values("-u", "--user")
            as_user = target[-1] if target else None
            if instr.parent is not None:
                msg = ("`sudo` in an ONBUILD RUN: the image built on this one decides the user; "
                       "switch with `USER` there instead")
            elif as_user is not None and as_user not in ("root", "0", "#0"):
                msg = (f"`sudo -u {as_user}` in a RUN: give the command a RUN of its own after `USER {as_user}` "
                       "(and switch back with `USER` after it) instead of relying on sudo in the image")
            elif user is not None and user.split(":")[0] in ("root", "0"):
                msg = "`sudo` in a RUN that already runs as root: drop it"
            elif user is None and base_root is True:
                msg = "`sudo` in a RUN that already runs as root (no USER before it): drop it"
            elif user is None:
                shown = f" `{base_root}`" if base_root else ""
                msg = (f"`sudo` in a RUN with no USER before it: it runs as the user of the base image{shown}, "
                       "which layerlint does not know; if that is root, drop `sudo`, otherwise use `USER root` "
                       "before this RUN and switch back to that user after it")
            else:
                msg = (f"`sudo` in a RUN that runs as `{user}`: use `USER root` before this RUN "
                       f"and `USER {user}` after it instead of a sudoers entry in the image")
            yield Violation(script.word_span(cmd.words[at]), msg)


def _base_user(stage):
    """True when the image the stage is built on (through its FROM chain) starts as root;
    otherwise the image's name to show (None when a variable makes it unknown)."""
    root = stage.root
    if root.base_word is None or root.base_unresolved or "$" in root.base:
        return None
    return True if root.is_scratch or root_default(root.base) else root.base
