"""`useradd` with a large UID but without `-l`.

## What it does
Reports `useradd` with a UID of 100000 or more (`-u`, `--uid`, also from a known
`ARG`/`ENV` value) and without `-l`/`--no-log-init`. The fix inserts `-l` after
`useradd`. A UID whose value is unknown at lint time is not reported.

## Why is this bad
`useradd` records the new user in `/var/log/lastlog` and `/var/log/faillog`, files
indexed by UID. They are sparse on disk, but image layers store them in full: a UID of
123456789 writes a file of tens of GB into the layer, and the build runs out of space
or produces a huge image. `-l` skips the lastlog and faillog entries, which a container
never needs.

## Example
```dockerfile
FROM debian:12-slim
RUN useradd -u 123456789 app
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN useradd -l -u 123456789 app
```
"""
from ..base import Violation
from ..run_commands import calls, expand_words, insert_after, origin, run_env
from ...shell.commands import parse_options

CODE = "LL306"
NAME = "useradd-without-l"
SEVERITY = "warning"
SUMMARY = "`useradd` with a large UID and no `-l`: lastlog/faillog grow huge in the layer"
HADOLINT = ("DL3046",)
BUILDKIT = ()
FIXABLE = True

LIMIT = 100000
_SHORT_VAL = "bcdefgGkKpRPsuZ"
_LONG_VAL = frozenset({"--base-dir", "--comment", "--home-dir", "--expiredate", "--inactive", "--gid", "--groups",
                       "--skel", "--key", "--password", "--root", "--prefix", "--shell", "--uid",
                       "--selinux-user", "--btrfs-subvolume-home"})


def check(ctx):
    for instr in ctx.instructions("RUN"):
        env = run_env(ctx, instr)
        for call in calls(ctx, instr):
            if call.prog != "useradd":
                continue
            args, _ = expand_words(call.args, env)
            p = parse_options(args, _SHORT_VAL, _LONG_VAL)
            if p.has("-l", "--no-log-init"):
                continue
            uid = p.first("-u", "--uid")
            if uid is None or uid.value is None or not uid.value.isdigit() or int(uid.value) < LIMIT:
                continue
            yield Violation(call.span(origin(uid.where)), f"`useradd` with UID {uid.value} writes lastlog/faillog entries at that offset, which the layer "
                "stores in full (sparse files are not kept); add `-l` (`--no-log-init`)", insert_after(call.script, call.prog_word, " -l", "add -l to useradd"))
