r"""Build toolchain packages installed in the final image.

## What it does
Reports system package installs (`apt-get`/`apt install`, `apk add`, `yum`/`dnf`/
`microdnf install`, `zypper install`) of compilers and build tools in the layers of the
final image (the target stage and the stages it is built `FROM`): `build-essential`,
`gcc`, `g++`, `clang`, `make`, `cmake`, `autoconf`, `libtool`, `pkg-config`, Alpine's
`build-base`/`alpine-sdk`/`musl-dev`/`linux-headers`, rpm `gcc-c++`/`*-devel`, Debian
`*-dev` header packages, JDKs, `golang`, `rustc`/`cargo`. Packages removed again later
in the same `RUN` (`apt-get purge`, `apk del` of a `--virtual` group, `dnf remove`) are
fine, and so are build dependencies dropped with `apt-mark auto '.*'` followed by
`apt-get purge --auto-remove`. One finding per command, at the first toolchain package,
naming all of them.

## Why is this bad
Compilers, headers and build tools are needed to build, not to run: they typically add
100-400 MB to the image and a long list of packages to patch, and a compiler in a
production image helps an attacker. A multi-stage build compiles in a builder stage
and copies only the result (or the built wheels / binaries) into a runtime stage that
installs the runtime libraries alone (`libpq5` instead of `libpq-dev`).

## Example
```dockerfile
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
 && pip install --no-cache-dir psycopg2==2.9.9 && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM python:3.12-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev
RUN pip wheel --wheel-dir /wheels psycopg2==2.9.9

FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*
```
"""
import re

from ..base import Violation
from ..run_commands import RunCaches, origin, ships
from ...shell.packages import INSTALL_SUBS, REMOVE_SUBS

CODE = "LL321"
NAME = "toolchain-packages-in-final-stage"
SEVERITY = "info"
SUMMARY = "Compilers / build tools / -dev packages installed in the final image; build in another stage"
HADOLINT = ()
BUILDKIT = ()

TOOLCHAIN = frozenset({
    "build-essential", "gcc", "g++", "cpp", "clang", "llvm", "make", "cmake", "ninja-build", "autoconf", "automake",
    "libtool", "pkg-config", "pkgconf", "pkgconfig", "bison", "flex", "gfortran", "build-base", "alpine-sdk",
    "musl-dev", "linux-headers", "libc6-dev", "libc-dev", "gcc-c++", "golang", "go", "rustc", "cargo",
    "default-jdk", "default-jdk-headless", "maven", "gradle", "nasm", "yasm", "meson", "scons",
    "kernel-headers", "glibc-devel", "devtoolset",
})
_PATTERNS = (re.compile(r"^gcc-\d+$"), re.compile(r"^g\+\+-\d+$"), re.compile(r"^clang-\d+$"),
             re.compile(r"^openjdk-\d+-jdk(-headless)?$"), re.compile(r"^java-[\d.]+-openjdk-devel$"),
             re.compile(r"^openjdk\d+(-jdk)?$"), re.compile(r"^golang-[\d.]+(-go)?$"),
             re.compile(r".+-dev$"), re.compile(r".+-devel$"), re.compile(r"^gcc-toolset-\d+$"))


def is_toolchain(name: str) -> bool:
    base = re.split(r"[=<>~@:]", name, 1)[0]
    if base.startswith("@"):
        base = base[1:]
    if base in ("development", "Development Tools", "development-tools"):
        return True
    return base in TOOLCHAIN or any(p.match(base) for p in _PATTERNS)


def _base(name: str) -> str:
    return re.split(r"[=<>~@:]", name, 1)[0]


def _apt_mark_purge(r, k: int) -> bool:
    """The RUN later marks everything automatic (`apt-mark auto '.*'`) and purges with
    `--auto-remove`: the build dependencies go away without being named (Debian official
    images do this)."""
    marked = False
    for i in range(k + 1, len(r.located)):
        call = r.located[i].call
        if call.prog == "apt-mark" and any(w.value == "auto" for w in call.args):
            marked = True
        pc = r.pms[i]
        if marked and pc is not None and pc.family == "apt" and (
                pc.sub == "autoremove" or pc.sub in ("purge", "remove") and pc.parsed.has("--auto-remove")):
            return True
    return False


def check(ctx):
    for instr in ctx.instructions("RUN"):
        if instr.parent is not None or not ships(ctx, instr):
            continue  # ONBUILD triggers usually build in the child image's builder stage
        r = RunCaches(ctx, instr)
        for k, pc in enumerate(r.pms):
            if pc is None or pc.sub not in INSTALL_SUBS.get(pc.family, ()):
                continue
            if pc.family == "apt" and _apt_mark_purge(r, k):
                continue
            tools = [w for w in pc.parsed.operands if not w.has_expansion and is_toolchain(w.value)]
            if not tools:
                continue
            virtual = pc.parsed.values("--virtual", "-t") if pc.family == "apk" else []
            removed = set()
            for later in r.pms[k + 1:]:
                if later is not None and later.family == pc.family and later.sub in REMOVE_SUBS.get(pc.family, ()):
                    removed.update(_base(w.value) for w in later.parsed.operands)
            if virtual and any(v in removed for v in virtual):
                continue
            tools = [w for w in tools if _base(w.value) not in removed]
            if not tools:
                continue
            names = ", ".join(f"`{_base(w.value)}`" for w in tools[:6]) + (
                f" and {len(tools) - 6} more" if len(tools) > 6 else "")
            stage = ctx.stage_of(instr)
            where = "the final image" if stage is ctx.graph.target else \
                f"stage {stage.label}, which the final image is built on"
            yield Violation(pc.span(origin(tools[0])), f"Build toolchain installed into {where}: {names}; compile in a builder stage and copy only the "
                "result (install runtime libraries instead of -dev packages), or remove them in this same RUN")
