"""`EXPOSE` protocol not in lower case.

## What it does
Reports an `EXPOSE` port whose protocol is written with upper-case letters (`80/TCP`,
`53/Udp`), ONBUILD triggers included (BuildKit checks no trigger; the instruction runs in every
image built FROM this one, so layerlint does), at the protocol (BuildKit's
`ExposeProtoCasing`). Ports are checked after the builder's variable expansion; the fix
lowercases the protocol when the word has no variables.

## Why is this bad
The builder lowercases the protocol anyway, so `80/TCP` and `80/tcp` are the same port. The
upper-case spelling suggests a difference that does not exist and makes ports harder to grep
and to compare with `docker inspect` output, which always shows `80/tcp`.

## Example
```dockerfile
FROM nginx:1.27
EXPOSE 80/TCP 443/Tcp
```

## Use instead
```dockerfile
FROM nginx:1.27
EXPOSE 80/tcp 443/tcp
```
"""
from ..base import Edit, Fix, Violation
from ...syntax.model import Span
from ..instruction_args import expose_ports, split_port

CODE = "LL418"
NAME = "expose-proto-casing"
SEVERITY = "style"
SUMMARY = "`EXPOSE` protocol should be lowercase (`80/tcp`)"
HADOLINT = ()
BUILDKIT = ("ExposeProtoCasing",)
FIXABLE = True
TAGS = ("buildkit", "style")


def check(ctx):
    for instr in ctx.instructions("EXPOSE"):
        for word, port in expose_ports(ctx, instr):
            parts = split_port(port)
            if parts is None or parts[3] == parts[3].lower():
                continue
            proto = parts[3]
            span, fix = word.span, None
            if port == word.text and word.span.line == word.span.end_line:
                end = word.span.end_column
                span = Span(word.span.line, end - len(proto), word.span.line, end)
                fix = Fix(f"Write {proto.lower()!r}", [Edit(span, proto.lower())])
            yield Violation(span, f"Defined protocol '{port}' in EXPOSE instruction should be lowercase", fix)
