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
from bisect import bisect_right

from ..base import Violation
from ..run_commands import origin, run_caches, ships
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


class _Later:
    """What the commands of one RUN do after each command, for every install to ask in O(1):
    where `apt-mark auto` and the auto-removing purges are, and the last command removing
    each package (scanning the rest of the RUN for every install was quadratic in a RUN of
    thousands of commands)."""

    def __init__(self, r) -> None:
        self.marks: list[int] = []  # indices of `apt-mark auto ...`
        self.last_purge = -1  # index of the last `apt-get autoremove` / `purge --auto-remove`
        self.last_removal: dict[tuple[str, str], int] = {}  # (family, package) -> last index removing it
        for i, lc in enumerate(r.located):
            call = lc.call
            if call.prog == "apt-mark" and any(w.value == "auto" for w in call.args):
                self.marks.append(i)
            pc = r.pms[i]
            if pc is None:
                continue
            if pc.family == "apt" and (pc.sub == "autoremove" or pc.sub in ("purge", "remove")
                                       and pc.parsed.has("--auto-remove")):
                self.last_purge = i
            if pc.sub in REMOVE_SUBS.get(pc.family, ()):
                for w in pc.parsed.operands:
                    self.last_removal[(pc.family, _base(w.value))] = i

    def apt_mark_purge(self, k: int) -> bool:
        """The RUN later marks everything automatic (`apt-mark auto '.*'`) and purges with
        `--auto-remove`: the build dependencies go away without being named (Debian official
        images do this)."""
        m = bisect_right(self.marks, k)
        return m < len(self.marks) and self.last_purge >= self.marks[m]

    def removed_after(self, k: int, family: str, name: str) -> bool:
        return self.last_removal.get((family, name), -1) > k


def check(ctx):
    for instr in ctx.instructions("RUN"):
        if instr.parent is not None or not ships(ctx, instr):
            continue  # ONBUILD triggers usually build in the child image's builder stage
        r = run_caches(ctx, instr)
        later = None
        for k, pc in enumerate(r.pms):
            if pc is None or pc.sub not in INSTALL_SUBS.get(pc.family, ()):
                continue
            if later is None:
                later = _Later(r)
            if pc.family == "apt" and later.apt_mark_purge(k):
                continue
            tools = [w for w in pc.parsed.operands if not w.has_expansion and is_toolchain(w.value)]
            if not tools:
                continue
            virtual = pc.parsed.values("--virtual", "-t") if pc.family == "apk" else []
            if virtual and any(later.removed_after(k, pc.family, v) for v in virtual):
                continue
            tools = [w for w in tools if not later.removed_after(k, pc.family, _base(w.value))]
            if not tools:
                continue
            names = ", ".join(f"`{_base(w.value)}`" for w in tools[:6]) + (
                f" and {len(tools) - 6} more" if len(tools) > 6 else "")
            stage = ctx.stage_of(instr)
            where = "the final image" if stage is ctx.graph.target else \
                f"stage {stage.label}, which the final image is built on"
            yield Violation(pc.span(origin(tools[0])), f"Build toolchain installed into {where}: {names}; compile in a builder stage and copy only the "
                "result (install runtime libraries instead of -dev packages), or remove them in this same RUN")
