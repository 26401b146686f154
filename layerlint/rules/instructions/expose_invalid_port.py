"""`EXPOSE` of a port outside 0-65535.

## What it does
Checks every port and port range of `EXPOSE` (also as an `ONBUILD` trigger), after
expanding `ARG`/`ENV` values, and reports a port number above 65535 or a range whose
bounds are out of range or reversed (`EXPOSE 9000-8000`). The finding points at the
offending argument. Arguments that are not port numbers at all (`80:80`,
`127.0.0.1:80`) are BuildKit's `ExposeInvalidFormat` check, not this rule.

## Why is this bad
TCP and UDP ports are 16-bit numbers. The builder rejects the value ("invalid
containerPort") or, in older builders, records an image that no container runtime can
publish. It is usually a typo (`80800` for `8080`).

## Example
```dockerfile
FROM nginx:1.27
EXPOSE 80800
EXPOSE 9000-8000/udp
```

## Use instead
```dockerfile
FROM nginx:1.27
EXPOSE 8080
EXPOSE 8000-9000/udp
```
"""
import re

from ..base import Violation
from ..instruction_args import expose_ports, split_port

CODE = "LL512"
NAME = "expose-invalid-port"
SEVERITY = "error"
SUMMARY = "EXPOSE port outside 0-65535 (or a reversed range)"
HADOLINT = ("DL3011",)
BUILDKIT = ()
TAGS = ("instruction",)

_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")


def check(ctx):
    for instr in ctx.instructions("EXPOSE"):
        for word, item in expose_ports(ctx, instr):  # the builder's expansion and word splitting
            spec = split_port(item)
            if spec is None or spec[0] or spec[1]:
                continue  # a bad protocol or a host part: LL418 / LL419 say what is wrong
            m = _RANGE.match(spec[2])
            if not m:
                continue
            lo = int(m.group(1))
            hi = int(m.group(2)) if m.group(2) else lo
            shown = word.text if item == word.text else f"{word.text} (= {item})"
            if lo > 65535 or hi > 65535:
                bad = lo if lo > 65535 else hi
                yield Violation(word.span, f"EXPOSE {shown}: port {bad} is out of range; ports are 0-65535")
            elif hi < lo:
                yield Violation(word.span, f"EXPOSE {shown}: the range ends before it starts; write {hi}-{lo}")
