"""`EXPOSE` with an IP address or a host-port mapping.

## What it does
Reports an `EXPOSE` port that includes a host IP or a host port (`127.0.0.1:80:80`, `8080:80`),
ONBUILD triggers included (BuildKit checks no trigger; the instruction runs in every image
built FROM this one, so layerlint does), at the port word (BuildKit's `ExposeInvalidFormat`).
Ports are checked after the builder's variable expansion.

## Why is this bad
`EXPOSE` only documents which container ports the image listens on; it cannot publish them.
The host part is silently ignored (only the container port is recorded), so the file suggests
a port mapping that never happens; publishing is done with `docker run -p` or in Compose.
Docker has announced that this will become an error.

## Example
```dockerfile
FROM nginx:1.27
EXPOSE 127.0.0.1:8080:80
```

## Use instead
```dockerfile
FROM nginx:1.27
EXPOSE 80
```
"""
from ..base import Violation
from ..instruction_args import expose_ports, split_port

CODE = "LL419"
NAME = "expose-invalid-format"
SEVERITY = "warning"
SUMMARY = "`EXPOSE` with an IP address or host-port mapping (ignored, will become an error)"
HADOLINT = ()
BUILDKIT = ("ExposeInvalidFormat",)
TAGS = ("buildkit",)


def check(ctx):
    for instr in ctx.instructions("EXPOSE"):
        for word, port in expose_ports(ctx, instr):
            parts = split_port(port)
            if parts is None or not (parts[0] or parts[1]):
                continue
            yield Violation(word.span, f"EXPOSE instruction should not define an IP address or host-port mapping, found '{port}'")
