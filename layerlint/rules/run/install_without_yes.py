"""Package manager that will stop to ask for confirmation.

## What it does
Reports package-manager commands that ask "Do you want to continue?" unless told not
to: `apt-get`/`apt`/`aptitude` `install`, `upgrade`, `dist-upgrade`, `remove`, `purge`,
`autoremove` and `build-dep` without `-y`/`--yes`/`--assume-yes` (or `-qq`, or `-o
APT::Get::Assume-Yes=true`); `yum`/`dnf`/`tdnf` `install`, `groupinstall`,
`localinstall`, `reinstall`, `remove`, `update`, `upgrade` without `-y`/`--assumeyes`;
`zypper` `install`, `remove`, `update`, `patch`, `dist-upgrade`, `source-install`
without `-n`/`--non-interactive` or `-y`/`--no-confirm`. A command fed by `yes |` is
fine. The fix inserts `-y` after the subcommand (`-n` after `zypper`).

`microdnf` is not reported: it never asks (its `-y` does nothing). When an argument is a
variable that may hold options and whose value is unknown (`apt-get install $APT_OPTS x`),
nothing is reported.

## Why is this bad
A build has no terminal. The prompt reads end-of-file, the package manager answers
"no" and aborts, and the build fails (or, worse, a later step runs without the package).

## Example
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install curl
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install -y curl
```
"""
from ..base import Violation
from ..run_commands import insert_after, pm_calls

CODE = "LL311"
NAME = "install-without-yes"
SEVERITY = "warning"
SUMMARY = "Package manager without `-y` (or `-n`) will abort at its confirmation prompt"
HADOLINT = ("DL3014", "DL3030", "DL3034", "DL3038")
BUILDKIT = ()
FIXABLE = True

APT_SUBS = frozenset({"install", "upgrade", "dist-upgrade", "full-upgrade", "remove", "purge", "autoremove",
                      "autopurge", "build-dep", "reinstall"})
RPM_SUBS = frozenset({"install", "groupinstall", "localinstall", "reinstall", "remove", "erase", "update",
                      "upgrade", "group install", "module install", "distro-sync", "downgrade", "autoremove"})
ZYPPER_SUBS = frozenset({"install", "in", "remove", "rm", "update", "up", "patch", "dist-upgrade", "dup",
                         "source-install", "si", "install-new-recommends", "inr"})
_TRUE = ("1", "true", "yes", "on")


def _apt_ok(p) -> bool:
    if p.has("-y", "--yes", "--assume-yes", "--force-yes"):
        return True
    quiet = p.count("-q", "--quiet") + sum(1 for v in p.values("-q", "--quiet") if v == "2")
    if quiet >= 2 or any(v and v.isdigit() and int(v) >= 2 for v in p.values("-q", "--quiet")):
        return True
    for v in p.values("-o", "--option"):
        k, _, val = v.partition("=")
        if k.strip().lower() == "apt::get::assume-yes" and val.strip().lower() in _TRUE:
            return True
    return False


def _rpm_ok(p) -> bool:
    if p.has("-y", "--assumeyes", "--yes"):
        return True
    return any(v.replace(" ", "").lower() in ("assumeyes=1", "assumeyes=true", "assumeyes=yes", "assumeyes=on")
               for v in p.values("--setopt"))


def _fed_by_yes(pc) -> bool:
    cmd = pc.call.cmd
    if cmd.pipe_position == 0:
        return False
    for c in pc.call.script.parsed.commands:
        if c.pipeline == cmd.pipeline and c.pipe_position == cmd.pipe_position - 1:
            return bool(c.words) and c.words[0].value in ("yes", "echo", "printf")
    return True  # fed by a compound command: cannot tell


def check(ctx):
    for instr in ctx.instructions("RUN"):
        for pc in pm_calls(ctx, instr):
            if pc.sub is None or pc.unknown or _fed_by_yes(pc):
                continue
            p = pc.parsed
            fed_by_xargs = pc.call.cmd.words and pc.call.cmd.words[0].value.endswith("xargs")
            if not p.operands and not fed_by_xargs and pc.sub not in ("upgrade", "dist-upgrade", "full-upgrade", "autoremove",
                                                 "autopurge", "update", "distro-sync", "patch", "up", "dup"):
                continue  # `apt-get purge` with no package does nothing and asks nothing
            if pc.family == "apt" and pc.sub in APT_SUBS and not _apt_ok(p):
                code, flag, fix = "DL3014", "-y", pc.insert_after_sub(" -y", f"add -y to {pc.prog} {pc.sub}")
            elif pc.family == "rpm" and pc.prog != "microdnf" and pc.sub in RPM_SUBS and not _rpm_ok(p):
                code = "DL3030" if pc.prog == "yum" else "DL3038"
                flag, fix = "-y", pc.insert_after_sub(" -y", f"add -y to {pc.prog} {pc.sub}")
            elif pc.family == "zypper" and pc.sub in ZYPPER_SUBS \
                    and not p.has("-n", "--non-interactive", "-y", "--no-confirm"):
                code, flag = "DL3034", "-n"
                fix = insert_after(pc.call.script, pc.call.prog_word, " -n", "add -n (--non-interactive) to zypper")
            else:
                continue
            yield Violation(pc.span(pc.sub_word), f"`{pc.prog} {pc.sub}` without `{flag}` stops at its confirmation prompt, which a build "
                   f"cannot answer, and aborts; add `{flag}`", fix, hadolint=(code,))
