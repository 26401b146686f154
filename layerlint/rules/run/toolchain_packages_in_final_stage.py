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

Only where the toolchain is dead weight, which the corpus of 3,000 real Dockerfiles says
is a narrow case (before this, about 1 finding in 4 was right: the rest were CI runners,
development containers, SDK and notebook images whose toolchain is the point):
- the final image runs a service: the `CMD` / `ENTRYPOINT` of its chain starts a program,
  not a shell, a REPL or a build tool (`bash`, `python3` alone, `ghci`, `lein repl`,
  `gradle`, `go run`, `npm run dev`, `sleep infinity`); an image without a command of its
  own is a base for other images, and so is one with `ONBUILD` triggers;
- neither the file's name and its two parent directories nor a stage of the final image's
  chain say development, CI or tests (`Dockerfile.dev`, `.devcontainer/`, `ci/`, `tests/`,
  `base/`, `AS debug`, a `build.sh` or `run_tests.sh` command), and no debugger or coverage
  driver is installed (`xdebug`, `pcov`, `valgrind`: Laravel Sail);
- the image is not built on a compiler image (`golang`, `rust`, `gcc`, a JDK,
  `buildpack-deps`): LL103 reports that once;
- a compiler or build tool is reported only when something is built after it in the image
  (a compile, `./configure`, a language package install such as `pip`, `npm`, `gem`,
  `pecl`, `docker-php-ext-install`; for a language's headers, `python3-dev`, `php8.2-dev`,
  that language's own installer): without one it may be there on purpose (kernels compiled
  at run time, extensions users install); a library's `-dev` headers and a JDK are reported
  either way, since the runtime package (`libpq5`, a JRE) does the same at run time;
- `$PHPIZE_DEPS` of the php images is kept on purpose (for `docker-php-ext-install` in
  the images built on them).

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
CMD ["gunicorn", "app:app"]
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
CMD ["gunicorn", "app:app"]
```
"""
import re
from bisect import bisect_right

from ..base import Violation
from ..final_image import builds_children, dev_name, final_command, toolchain_image
from ..run_commands import origin, run_caches, ships
from ...images import parse_image
from ...shell.packages import INSTALL_SUBS, REMOVE_SUBS, SYSTEM_PM, cost_kind

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
    final = ctx.graph.target
    if final is None or not any(ships(ctx, i) for i in ctx.instructions("RUN")):
        return
    command = final_command(ctx)
    if command is None or not command.service or dev_name(ctx) is not None or builds_children(ctx):
        return  # a base, development, CI or SDK image: the toolchain may be what it is for
    root = final.root
    if root.base_word is not None and toolchain_image(parse_image(root.base)):
        return  # built on a compiler image: LL103's finding, not one per package
    shipped = [i for i in ctx.instructions("RUN") if i.parent is None and ships(ctx, i)]
    if any(_DEBUGGERS.search(w.value) for i in shipped for pc in run_caches(ctx, i).pms
           if pc is not None and pc.sub in INSTALL_SUBS.get(pc.family, ()) for w in pc.parsed.operands):
        return  # xdebug, pcov, valgrind: a development image (Laravel Sail)
    later = _LaterBuilds(ctx, final)
    for instr in shipped:  # not ONBUILD triggers: they usually build in the child image's builder stage
        r = run_caches(ctx, instr)
        removals = None
        for k, pc in enumerate(r.pms):
            if pc is None or pc.sub not in INSTALL_SUBS.get(pc.family, ()):
                continue
            if removals is None:
                removals = _Later(r)
            if pc.family == "apt" and removals.apt_mark_purge(k):
                continue
            tools = [w for w in pc.parsed.operands if not w.has_expansion and is_toolchain(w.value)
                     and not _image_contract(w)]
            if not tools:
                continue
            virtual = pc.parsed.values("--virtual", "-t") if pc.family == "apk" else []
            if virtual and any(removals.removed_after(k, pc.family, v) for v in virtual):
                continue
            tools = [w for w in tools if not removals.removed_after(k, pc.family, _base(w.value))]
            kept, build, found = [], None, {}
            for w in tools:
                progs = _uses(_base(w.value))
                if progs not in found:  # once per kind of package, not once per package
                    found[progs] = later.after(instr, r.located[k].call, progs)
                used = found[progs]
                if used is not None or _runtime_alternative(_base(w.value)):
                    kept.append(w)
                    build = build or used
            if not kept:
                continue  # a compiler nothing here uses may be there on purpose (JIT, builds at run time)
            names = list(dict.fromkeys(_base(w.value) for w in kept))
            shown = ", ".join(f"`{n}`" for n in names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
            stage = ctx.stage_of(instr)
            where = "the final image" if stage is final else f"stage {stage.label}, which the final image is built on"
            runs = f"(it runs `{command.program}`, line {command.instr.start_line})"
            if build is not None:
                msg = (f"Build toolchain installed into {where} {runs}: {shown}, before a build step "
                       f"(`{build[0]}`, line {build[1]}); compile in a builder stage and copy only the result "
                       "(install runtime libraries instead of -dev packages), or remove them in the RUN that builds")
            else:
                msg = (f"Build-only packages installed into {where} {runs}: {shown}, and nothing is compiled after "
                       "them; install the runtime library packages (a JRE for a JDK) instead")
            yield Violation(pc.span(origin(kept[0])), msg)


# packages only a development image installs: PHP's debugger and coverage drivers, valgrind
_DEBUGGERS = re.compile(r"(^|-)(xdebug|pcov)([=:].*)?$|^valgrind([=:].*)?$")
_HEADERS = (re.compile(r".+-dev$"), re.compile(r".+-devel$"))
_HEADER_NAMES = frozenset({"musl-dev", "linux-headers", "libc6-dev", "libc-dev", "kernel-headers", "glibc-devel"})
_JDK = (re.compile(r"^openjdk-\d+-jdk(-headless)?$"), re.compile(r"^openjdk\d+(-jdk)?$"),
        re.compile(r"^default-jdk(-headless)?$"), re.compile(r"^java-[\d.]+-openjdk-devel$"))
_DEV_TOOLS = frozenset({"dpkg-dev", "autotools-dev", "r-base-dev"})  # named -dev, but build tools
# a language's headers serve that language's extension builds (pip for python3-dev...)
_LANGUAGES = (
    (re.compile(r"^(lib)?python[\d.]*-dev(el)?$"), frozenset({"pip", "pip2", "pip3", "poetry", "uv", "pipenv",
                                                             "setup.py", "conda", "mamba"})),
    (re.compile(r"^php[\d.]*-dev(el)?$"), frozenset({"pecl", "phpize", "docker-php-ext-install",
                                                    "docker-php-ext-configure"})),
    (re.compile(r"^ruby[\d.]*-dev(el)?$"), frozenset({"gem", "bundle", "bundler"})),
    (re.compile(r"^(lib)?perl-dev(el)?$"), frozenset({"cpan", "cpanm"})),
    (re.compile(r"^(r-base-dev|r-devel)$"), frozenset({"R", "Rscript"})),
    (re.compile(r"^nodejs-dev$"), frozenset({"npm", "yarn", "pnpm", "node-gyp"})),
)


def _uses(base: str):
    """The programs whose builds use the package: a language's own installer for its headers,
    any build for the rest (None)."""
    for pattern, progs in _LANGUAGES:
        if pattern.match(base):
            return progs
    return None


def _runtime_alternative(base: str) -> bool:
    """A header (-dev) package of a library or a JDK: its runtime package does the same at
    run time, whatever the image does later."""
    if base in _DEV_TOOLS or _uses(base) is not None:
        return False
    return base in _HEADER_NAMES or any(p.match(base) for p in _HEADERS + _JDK)


def _image_contract(word) -> bool:
    """The package comes from `$PHPIZE_DEPS`: the php images keep those on purpose, for
    `docker-php-ext-install` in the images built on them."""
    src = origin(word)
    return "PHPIZE_DEPS" in (getattr(src, "value", None) or "")


# what builds something with the toolchain: compilers and build tools (shell.packages), language
# package installs (which compile native extensions), and these
_BUILDERS = frozenset({"docker-php-ext-install", "docker-php-ext-configure", "pecl", "phpize", "cpanm", "cpan",
                       "luarocks", "node-gyp", "configure", "setup.py", "bundle", "gem", "R", "Rscript"})


def _build(call, progs) -> bool:
    if progs is not None:
        return call.prog in progs and not _version_probe(call)
    kind = cost_kind(call.cmd)
    if kind == "compile":
        return not _version_probe(call)
    if kind == "install":
        return call.prog not in SYSTEM_PM
    return call.prog in _BUILDERS


def _version_probe(call) -> bool:
    """`gcc --version`, `javac -version`: a check, not a build."""
    args = [w.value for w in call.args]
    return bool(args) and all(a in ("--version", "-version", "-v", "-V", "--help") for a in args)


class _LaterBuilds:
    """Where the target's FROM chain builds something: for an install, the first build after it."""

    def __init__(self, ctx, final) -> None:
        self.ctx = ctx
        self.order = {id(i): n for n, i in enumerate(final.chain_instructions())}
        self._first: dict[tuple, object] = {}  # (RUN position, programs) -> (text, line) of its first build
        self._runs = sorted(((self.order[id(i)], n), i) for n, i in enumerate(ctx.instructions("RUN"))
                            if i.parent is None and id(i) in self.order)

    def _builds_in(self, instr, progs, after=None):
        for lc in run_caches(self.ctx, instr).located:
            call = lc.call
            if after is not None:
                if call is after:
                    after = None
                continue
            if _build(call, progs):
                return (" ".join(w.value for w in call.words[:3])[:40], call.line)
        return None

    def after(self, instr, call, progs=None):
        """(command, line) of the first build (by one of ``progs``, any build for None) after
        ``call`` of RUN ``instr``, or None."""
        found = self._builds_in(instr, progs, after=call)
        if found is not None:
            return found
        here = self.order.get(id(instr), -1)
        for key, other in self._runs:
            if key[0] <= here:
                continue
            memo = (key, progs)
            if memo not in self._first:
                self._first[memo] = self._builds_in(other, progs)
            if self._first[memo] is not None:
                return self._first[memo]
        return None
