"""Command that does nothing useful while an image is being built.

## What it does
Reports commands in a `RUN` that act on a running system, which a build step is not:
interactive programs (`vim`, `vi`, `nano`, `top`), process and system inspection (`ps`,
`free`, `ifconfig`), service management (`service`, `systemctl`), power management
(`shutdown`, `reboot`, `halt`, `poweroff`), `mount`, `kill` and `ssh`. `kill` is accepted
when the same script started a background process, `ssh` when the `RUN` mounts an SSH
agent (`--mount=type=ssh`), and `systemctl enable`/`disable`/`mask` (which only edit unit
files, for images that boot systemd); `command -v ps` only looks the name up.

## Why is this bad
A `RUN` executes once, in a throw-away container with no terminal and no init system,
and only its filesystem changes are kept. An editor waits for input that never comes, a
service started here is gone when the step ends, `ps` or `free` describe the build
container (their output only lands in the build log), and `mount` or `shutdown` need
privileges a build does not have. The command either fails the build or has no effect on
the image.

## Example
```dockerfile
FROM debian:12-slim
RUN service nginx start && ps aux
```

## Use instead
```dockerfile
FROM debian:12-slim
CMD ["nginx", "-g", "daemon off;"]
```
"""
from ..base import Violation
from ..run_commands import calls, mounts

CODE = "LL301"
NAME = "pointless-command"
SEVERITY = "info"
SUMMARY = "Command that acts on a running system (service, ps, vim, shutdown...) in a RUN"
HADOLINT = ("DL3001",)
BUILDKIT = ()

REASONS = {
    "vim": "an interactive editor: a build has no terminal to type into",
    "vi": "an interactive editor: a build has no terminal to type into",
    "nano": "an interactive editor: a build has no terminal to type into",
    "top": "an interactive monitor of the build container's processes; nothing of it reaches the image",
    "ps": "lists the build container's processes; the output only reaches the build log",
    "free": "shows the build container's memory; the output only reaches the build log",
    "ifconfig": "shows or changes the build container's network, not the image's",
    "service": "a service started in a RUN stops when the step ends; start it from CMD/ENTRYPOINT",
    "systemctl": "there is no running systemd in a build container; start processes from CMD/ENTRYPOINT",
    "shutdown": "there is no system to shut down in a build step",
    "reboot": "there is no system to reboot in a build step",
    "halt": "there is no system to halt in a build step",
    "poweroff": "there is no system to power off in a build step",
    "mount": "mounting needs privileges a build does not have; use `RUN --mount=...`",
    "kill": "nothing started in an earlier step is still running to be killed",
    "ssh": "an SSH session in a build has no key or agent; use `RUN --mount=type=ssh` (or COPY the files)",
}
RUNTIME_SYSTEMCTL = frozenset({"start", "stop", "restart", "reload", "try-restart", "reload-or-restart", "status",
                               "daemon-reload", "is-active", "kill", "isolate"})


def check(ctx):
    for instr in ctx.instructions("RUN"):
        has_ssh_mount = any(m.type == "ssh" for m in mounts(ctx, instr))
        for call in calls(ctx, instr):
            reason = REASONS.get(call.prog)
            if reason is None:
                continue
            if call.prog == "ssh" and has_ssh_mount:
                continue
            if call.prog == "systemctl":
                sub = next((w.value for w in call.args if not w.value.startswith("-")), "")
                if sub not in RUNTIME_SYSTEMCTL:
                    continue  # enable/disable/mask only edit unit symlinks: fine in a build
            if call.prog == "kill" and _backgrounds(call.script):
                continue
            yield Violation(call.span(call.prog_word), f"`{call.prog}` in a RUN: {reason}")


def _backgrounds(script) -> bool:
    """The script starts something in the background (`cmd &`)."""
    return any(c.connector_before == "&" for c in script.parsed.commands)
