"""Package managers and build tools: what a command installs, compiles or downloads.

Shared by the cache model (which steps are expensive) and the rules (which manifest an install
reads, which package manager a command is and its options).  Works on ``shell.parser``
``SimpleCommand`` objects; the program is found through ``shell.commands.strip_wrappers``.
"""
from __future__ import annotations

import posixpath
import re

from ..record import FrozenRecord
from . import commands

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional

# (program, first subcommand or None) -> manifests the command reads from the working dir
_INSTALLS: dict[tuple[str, Optional[str]], tuple[str, ...]] = {
    ("npm", "install"): ("package.json", "package-lock.json"),
    ("npm", "i"): ("package.json", "package-lock.json"),
    ("npm", "ci"): ("package.json", "package-lock.json"),
    ("yarn", "install"): ("package.json", "yarn.lock"),
    ("yarn", None): ("package.json", "yarn.lock"),
    ("pnpm", "install"): ("package.json", "pnpm-lock.yaml"),
    ("pnpm", "i"): ("package.json", "pnpm-lock.yaml"),
    ("bun", "install"): ("package.json", "bun.lockb"),
    ("poetry", "install"): ("pyproject.toml", "poetry.lock"),
    ("pipenv", "install"): ("Pipfile", "Pipfile.lock"),
    ("pipenv", "sync"): ("Pipfile", "Pipfile.lock"),
    ("uv", "sync"): ("pyproject.toml", "uv.lock"),
    ("pdm", "install"): ("pyproject.toml", "pdm.lock"),
    ("go", "mod"): ("go.mod", "go.sum"),
    ("go", "build"): ("go.mod", "go.sum"),
    ("bundle", "install"): ("Gemfile", "Gemfile.lock"),
    ("bundle", None): ("Gemfile", "Gemfile.lock"),
    ("composer", "install"): ("composer.json", "composer.lock"),
    ("cargo", "build"): ("Cargo.toml", "Cargo.lock"),
    ("cargo", "fetch"): ("Cargo.toml", "Cargo.lock"),
    ("mvn", None): ("pom.xml",),
    ("./mvnw", None): ("pom.xml",),
    ("gradle", None): ("build.gradle", "settings.gradle", "build.gradle.kts"),
    ("./gradlew", None): ("build.gradle", "settings.gradle", "build.gradle.kts"),
    ("dotnet", "restore"): ("*.csproj",),
    ("mix", "deps.get"): ("mix.exs", "mix.lock"),
}
PIP = ("pip", "pip3", "pip2")  # pm_family() also knows pip3.12
COMPILERS = frozenset({"gcc", "g++", "cc", "c++", "clang", "make", "cmake", "ninja", "javac", "rustc", "tsc"})
DOWNLOADERS = frozenset({"curl", "wget", "git"})


class Install(FrozenRecord):
    tool: str  # e.g. "pip", "npm"
    manifests: tuple[str, ...]  # files (relative to the command's directory) it reads
    command: object  # the SimpleCommand

    __slots__ = ("tool", "manifests", "command")

    def __init__(self, tool: str, manifests: tuple[str, ...], command: object) -> None:
        self.tool = tool
        self.manifests = manifests
        self.command = command


def dependency_install(cmd) -> Optional[Install]:
    """A language dependency install that reads a manifest file from the source tree."""
    argv = commands.argv(cmd.words)
    if not argv:
        return None
    prog = argv[0] if argv[0].startswith("./") else posixpath.basename(argv[0])
    sub = next((a for a in argv[1:] if not a.startswith("-")), None)
    if prog in PIP or prog == "uv" and sub == "pip":
        if prog == "uv":
            argv = argv[1:]
        if "install" not in argv:
            return None
        files: list[str] = []
        for i, a in enumerate(argv):
            if a in ("-r", "--requirement", "-c", "--constraint") and i + 1 < len(argv):
                files.append(argv[i + 1])
            elif a.startswith("--requirement=") or a.startswith("-r") and len(a) > 2:
                files.append(a.split("=", 1)[-1] if "=" in a else a[2:])
        rest = [a for a in argv[argv.index("install") + 1:] if not a.startswith("-")]
        if any(a in (".", "./") or a.startswith(".[") or a.startswith("./") or a.startswith("-e") for a in rest):
            files += ["pyproject.toml", "setup.py"]
        if not files:
            return None  # `pip install flask`: no manifest, nothing in the context to watch
        return Install("pip", tuple(files), cmd)
    for key in ((prog, sub), (prog, None)):
        if key in _INSTALLS:
            if prog == "go" and sub == "mod" and "download" not in argv:
                return None
            if prog == "yarn" and sub not in (None, "install"):
                return None
            if prog == "bundle" and sub not in (None, "install"):
                return None
            return Install(prog.lstrip("./"), _INSTALLS[key], cmd)
    return None


_BUILD_SUBCOMMANDS = {
    "go": ("build", "install"), "cargo": ("build", "install"), "mvn": ("package", "install", "verify", "compile"),
    "./mvnw": ("package", "install", "verify", "compile"), "gradle": ("build", "assemble", "bootJar", "jar", "installDist"),
    "./gradlew": ("build", "assemble", "bootJar", "jar", "installDist"), "dotnet": ("build", "publish"),
}


def is_compile(cmd) -> bool:
    """Compiles or packages the project (``go build``, ``make``, ``npm run build``...)."""
    argv = commands.argv(cmd.words)
    if not argv:
        return False
    prog = argv[0] if argv[0].startswith("./") else posixpath.basename(argv[0])
    subs = [a for a in argv[1:] if not a.startswith("-")]
    if prog in COMPILERS:
        return True
    if prog in _BUILD_SUBCOMMANDS:
        return any(s in _BUILD_SUBCOMMANDS[prog] for s in subs[:2])
    if prog in ("npm", "yarn", "pnpm", "bun"):
        return "build" in subs[:2]
    return False


def cost_kind(cmd) -> Optional[str]:
    """'compile', 'install' or 'download' for commands that make a step slow."""
    argv = commands.argv(cmd.words)
    if not argv:
        return None
    prog = posixpath.basename(argv[0])
    sub = next((a for a in argv[1:] if not a.startswith("-")), None)
    if is_compile(cmd):
        return "compile"
    if dependency_install(cmd) is not None or prog in SYSTEM_PM and sub in ("install", "add", "upgrade", "update"):
        return "install"
    if prog in PIP + ("npm", "yarn", "pnpm", "gem", "cargo", "composer", "conda", "mamba", "go") \
            and sub in ("install", "add", "i", "ci", "get"):
        return "install"
    if prog in DOWNLOADERS:
        return "download"
    return None


# -- package managers --------------------------------------------------------------------

APT = frozenset({"apt-get", "apt", "aptitude"})
RPM_PMS = frozenset({"yum", "dnf", "microdnf", "tdnf", "dnf5"})

# program -> (short options with a value, long options with a value)
_PM_SPECS: dict[str, tuple[str, frozenset]] = {
    "apt": ("octaP", frozenset({"--option", "--config-file", "--target-release", "--default-release",
                                "--host-architecture", "--build-profiles"})),
    "apk": ("tXp", frozenset({"--virtual", "--repository", "--root", "--arch", "--cache-dir",
                                     "--cache-max-age", "--keys-dir", "--repositories-file", "--wait",
                                     "--timeout"})),
    "rpm": ("cdexR", frozenset({"--config", "--debuglevel", "--errorlevel", "--exclude", "--setopt",
                                "--enablerepo", "--disablerepo", "--repo", "--repoid", "--releasever",
                                "--installroot", "--downloaddir", "--destdir", "--color", "--forcearch",
                                "--rpmverbosity", "--comment", "--advisory", "--advisories", "--bz",
                                "--cve", "--sec-severity", "--secseverity", "--repofrompath",
                                "--setopt", "--use-host-config"})),
    "zypper": ("rtRcD", frozenset({"--repo", "--from", "--type", "--root", "--reposd-dir", "--cache-dir",
                                   "--raw-cache-dir", "--solv-cache-dir", "--pkg-cache-dir", "--userdata",
                                   "--config", "--download"})),
    "pip": ("rceitfC", frozenset({"--requirement", "--constraint", "--editable", "--index-url",
                                  "--extra-index-url", "--find-links", "--target", "--prefix", "--root",
                                  "--cache-dir", "--platform", "--python-version", "--implementation",
                                  "--abi", "--src", "--upgrade-strategy", "--progress-bar", "--trusted-host",
                                  "--proxy", "--retries", "--timeout", "--log", "--global-option",
                                  "--config-settings", "--no-binary", "--only-binary", "--report",
                                  "--exists-action", "--python", "--cert", "--client-cert",
                                  "--root-user-action", "--keyring-provider", "--build-option",
                                  "--install-option", "--use-feature", "--use-deprecated",
                                  "--group"})),
    "npm": ("w", frozenset({"--prefix", "--registry", "--cache", "--workspace", "--loglevel", "--tag",
                            "--omit", "--include", "--userconfig", "--install-strategy", "--before"})),
    "gem": ("vinsP", frozenset({"--version", "--install-dir", "--bindir", "--source", "--platform",
                                "--trust-policy", "--build-root", "--target-rbconfig"})),
    "go": ("", frozenset({"-o", "-p", "-C", "-ldflags", "-gcflags", "-asmflags", "-tags", "-mod", "-modfile",
                          "-pkgdir", "-buildmode", "-compiler", "-gccgoflags", "-installsuffix", "-overlay",
                          "-pgo", "-toolexec", "-exec", "-covermode", "-coverpkg", "-buildvcs"})),
}


def option_spec(family: str) -> tuple[str, frozenset]:
    """(short options with a value, long options with a value) of a package-manager family."""
    return _PM_SPECS[family]


def pm_family(prog: str) -> Optional[str]:
    if prog in APT:
        return "apt"
    if prog in RPM_PMS:
        return "rpm"
    if prog in ("pip", "pip2", "pip3") or re.fullmatch(r"pip[0-9.]+", prog):
        return "pip"
    if prog in ("apk", "zypper", "npm", "gem", "go"):
        return prog
    return None


# subcommands that install / remove system packages, by package-manager family
INSTALL_SUBS = {
    "apt": ("install",),
    "apk": ("add",),
    "rpm": ("install", "groupinstall", "localinstall", "reinstall", "group install", "module install"),
    "zypper": ("install", "in"),
}
REMOVE_SUBS = {
    "apt": ("remove", "purge", "autoremove"),
    "apk": ("del",),
    "rpm": ("remove", "erase", "autoremove"),
    "zypper": ("remove", "rm"),
}


SYSTEM_PM = APT | RPM_PMS | {"apk", "zypper"}


# -- what a command fetches and which project files it reads (LL201) ---------------------------

# (manifests, lock files that may be absent, directories the tool writes inside the project)
_NODE_OUT = ("node_modules",)
_FAMILY = {"npm": "node", "yarn": "node", "pnpm": "node", "bun": "node", "pip": "python", "poetry": "python",
           "uv": "python", "pdm": "python", "pipenv": "python", "go": "go", "cargo": "cargo", "mvn": "maven",
           "gradle": "gradle", "dotnet": "dotnet", "bundle": "ruby", "composer": "php", "mix": "elixir"}
# families whose downloads land in a cache shared by every project directory of the image
GLOBAL_FAMILIES = frozenset({"go", "cargo", "maven", "gradle", "dotnet", "python", "ruby", "elixir"})


class Fetch(FrozenRecord):
    """What a command needs from the project and downloads (see ``dependency_fetch``)."""
    tool: str  # "npm", "yarn", "pnpm", "bun", "pip", "poetry", "uv", "pdm", "pipenv", "go", "cargo", "mvn", ...
    family: str  # "node", "python", "go", "cargo", "maven", "gradle", "dotnet", "ruby", "php", "elixir"
    role: str  # "deps" | "build" | "offline" | "tool"
    manifests: tuple[str, ...]  # the files it reads (relative to ``dir``), the main one first
    optional: tuple[str, ...]  # those of ``manifests`` that a project may not have (lock files)
    dir: str  # the directory it works in, relative to the command's ("" = there), or absolute
    prefetch: Optional[str]  # role "build": the command that downloads the dependencies alone
    outputs: tuple[str, ...]  # directories it writes inside the project (node_modules, .venv)
    command: object  # the SimpleCommand

    __slots__ = ("tool", "family", "role", "manifests", "optional", "dir", "prefetch", "outputs", "command")

    def __init__(self, tool: str, role: str, manifests: tuple[str, ...] = (), optional: tuple[str, ...] = (),
                 dir: str = "", prefetch: Optional[str] = None, outputs: tuple[str, ...] = (),
                 command: object = None) -> None:
        self.tool = tool
        self.family = _FAMILY.get(tool, tool)
        self.role = role
        self.manifests = manifests
        self.optional = optional
        self.dir = dir
        self.prefetch = prefetch
        self.outputs = outputs
        self.command = command


def _split(args: list[str], takes_value: frozenset, short_values: str = "") -> tuple[list[str], dict[str, str], set[str]]:
    """(operands, {option: value}, flags) of ``args``: ``--opt=v``, ``--opt v`` for the options in
    ``takes_value``, ``-xv`` / ``-x v`` for the letters in ``short_values``."""
    ops: list[str] = []
    vals: dict[str, str] = {}
    flags: set[str] = set()
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a == "--":
            ops += args[i:]
            break
        if a in takes_value and i < len(args):
            vals[a] = args[i]
            i += 1
            continue
        if a.startswith("--") or (a.startswith("-") and len(a) > 2 and a[1] not in short_values):
            name, eq, v = a.partition("=")
            if eq:
                vals[name] = v
            elif name in takes_value and i < len(args):
                vals[name] = args[i]
                i += 1
            else:
                flags.add(name)
        elif a.startswith("-") and len(a) >= 2:
            if a[1] in short_values:
                if len(a) > 2:
                    vals[a[:2]] = a[2:].lstrip("=")
                elif i < len(args):
                    vals[a[:2]] = args[i]
                    i += 1
            else:
                flags.update("-" + c for c in a[1:])
        else:
            ops.append(a)
    return ops, vals, flags


def _opt(vals: dict[str, str], *names: str) -> Optional[str]:
    return next((vals[n] for n in names if n in vals), None)


def _local(spec: str, slash: bool = True) -> bool:
    """A package argument that names something in the file system (``.``, ``./pkg``, ``dist/x.whl``);
    ``slash``: a relative path with a ``/`` is one (pip), not a ``user/repo`` shorthand (npm)."""
    if "://" in spec or spec.startswith(("git+", "hg+", "svn+", "bzr+", "github:")):
        return False
    return spec.startswith((".", "/", "~", "file:")) or spec.endswith((".whl", ".tar.gz", ".zip", ".tgz", ".gem")) \
        or slash and "/" in spec


_NPM_VALUES = frozenset({"--prefix", "-C", "--registry", "--cache", "--workspace", "-w", "--loglevel", "--tag",
                         "--omit", "--include", "--userconfig", "--install-strategy", "--before", "--location"})
_YARN_VALUES = frozenset({"--cwd", "--modules-folder", "--cache-folder", "--network-timeout", "--mutex",
                          "--registry", "--global-folder", "--link-folder", "--network-concurrency"})
_PNPM_VALUES = frozenset({"--dir", "-C", "--filter", "-F", "--store-dir", "--registry", "--reporter",
                          "--network-concurrency", "--child-concurrency", "--workspace-concurrency"})
_NODE = {
    "npm": (("package.json", "package-lock.json"), ("package-lock.json",)),
    "yarn": (("package.json", "yarn.lock"), ("yarn.lock",)),
    "pnpm": (("package.json", "pnpm-lock.yaml"), ("pnpm-lock.yaml",)),
    "bun": (("package.json", "bun.lock*"), ("bun.lock*",)),  # bun.lock, or bun.lockb before bun 1.2
}


def _node(prog: str, args: list[str], cmd) -> Optional[Fetch]:
    values = {"npm": _NPM_VALUES, "yarn": _YARN_VALUES, "pnpm": _PNPM_VALUES, "bun": frozenset({"--cwd"})}[prog]
    ops, vals, flags = _split(args, values, "Cw" if prog == "npm" else ("CF" if prog == "pnpm" else ""))
    sub = ops[0] if ops else None
    rest = ops[1:]
    glob = bool({"-g", "--global"} & flags) or vals.get("--location") == "global"
    if prog == "yarn" and sub == "global":
        glob, sub, rest = True, (rest[0] if rest else None), rest[1:]
    if prog == "yarn" and sub == "workspaces" and rest[:1] == ["focus"]:
        sub, rest = "install", []  # yarn workspaces focus --production: an install
    manifests, optional = _NODE[prog]
    if prog == "npm" and "--no-package-lock" in flags:
        manifests, optional = ("package.json",), ()
    where = _opt(vals, "--prefix", "-C", "--cwd", "--dir") or ""
    if prog == "pnpm" and sub == "fetch":  # reads the lock file alone
        return Fetch(prog, "deps", ("pnpm-lock.yaml",), (), where, outputs=(), command=cmd)
    installs = {"npm": ("install", "i", "ci", "in", "isntall", "add"), "yarn": (None, "install", "add"),
                "pnpm": ("install", "i", "add"), "bun": ("install", "i", "add")}[prog]
    if sub not in installs:
        return None
    if glob:
        return Fetch(prog, "tool", command=cmd) if rest and not any(_local(r, False) for r in rest) else None
    if any(_local(r, False) for r in rest):
        return None
    if rest:  # `npm install express`: named packages, the project's only if a package.json is there
        return Fetch(prog, "tool", manifests, optional, where, outputs=_NODE_OUT, command=cmd)
    if "--offline" in flags:
        return Fetch(prog, "offline", manifests, optional, where, outputs=_NODE_OUT, command=cmd)
    return Fetch(prog, "deps", manifests, optional, where, outputs=_NODE_OUT, command=cmd)


_PIP_VALUES = frozenset({"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
                         "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root",
                         "--cache-dir", "--platform", "--python-version", "--implementation", "--abi", "--src",
                         "--upgrade-strategy", "--progress-bar", "--trusted-host", "--proxy", "--retries",
                         "--timeout", "--log", "--global-option", "--config-settings", "--no-binary",
                         "--only-binary", "--report", "--exists-action", "--python", "--cert", "--client-cert",
                         "--root-user-action", "--keyring-provider", "--build-option", "--install-option",
                         "--use-feature", "--use-deprecated", "--group", "-p", "--index-strategy", "--extra"})


def _pip(args: list[str], cmd) -> Optional[Fetch]:
    if not args or args[0] not in ("install", "sync"):
        return None
    sub = args[0]
    files: list[str] = []
    local: list[str] = []
    named: list[str] = []
    flags: set[str] = set()
    rest = args[1:]
    i = 0
    while i < len(rest):
        a = rest[i]
        i += 1
        name, eq, v = a.partition("=")
        if a.startswith("-r") and len(a) > 2 and not a.startswith("--"):
            files.append(a[2:].lstrip("="))
        elif a.startswith("-c") and len(a) > 2 and not a.startswith("--"):
            files.append(a[2:].lstrip("="))
        elif a.startswith("-e") and len(a) > 2 and not a.startswith("--"):
            (named if "://" in a or a[2:].startswith("git+") else local).append(a[2:].lstrip("="))
        elif name in ("-r", "--requirement", "-c", "--constraint"):
            if eq:
                files.append(v)
            elif i < len(rest):
                files.append(rest[i])
                i += 1
        elif name in ("-e", "--editable"):
            val = v if eq else (rest[i] if i < len(rest) else "")
            i += 0 if eq else 1
            (named if "://" in val or val.startswith("git+") else local).append(val)
        elif a.startswith("-"):
            if not eq and name in _PIP_VALUES:
                i += 1
            flags.add(name)
        elif sub == "sync":  # uv pip sync requirements.txt
            files.append(a)
        elif _local(a):
            local.append(a)
        else:
            named.append(a)
    if "--no-index" in flags:
        return Fetch("pip", "offline", tuple(files), command=cmd) if files or local else None
    if files:
        if local and "--no-deps" not in flags:
            return Fetch("pip", "build", tuple(files), (), prefetch="pip install -r " + " -r ".join(files),
                         command=cmd)
        return Fetch("pip", "deps", tuple(files), (), command=cmd)
    if local:
        if "--no-deps" in flags or any(x.startswith((".", "/")) and x.endswith((".whl", ".tar.gz", ".zip")) for x in local):
            return Fetch("pip", "offline", ("pyproject.toml", "setup.py"), ("setup.py",), command=cmd)
        return Fetch("pip", "build", ("pyproject.toml", "setup.py"), ("setup.py",), command=cmd)
    if named:
        return Fetch("pip", "tool", command=cmd)
    return None


def _poetry_like(tool: str, args: list[str], cmd) -> Optional[Fetch]:
    """poetry install, uv sync, pdm install / sync, pipenv install / sync."""
    values = frozenset({"-C", "--directory", "--project", "-P", "--only", "--with", "--without", "-E", "--extras",
                        "--python", "-p", "--group", "-G", "--extra", "--no-group", "--package", "--index-url",
                        "--cache-dir", "--lockfile", "-L", "--venv"})
    ops, vals, flags = _split(args, values, "CPEGpL")
    sub = ops[0] if ops else None
    where = _opt(vals, "-C", "--directory", "--project", "-P") or ""
    if tool == "poetry":
        if sub != "install":
            return None
        m = (("pyproject.toml", "poetry.lock"), ("poetry.lock",))
        if "--only-root" in flags:
            return Fetch(tool, "offline", *m, where, command=cmd)
        if "--no-root" in flags:  # (its virtualenv is outside the project unless configured in it)
            return Fetch(tool, "deps", *m, where, command=cmd)
        return Fetch(tool, "build", *m, where, prefetch="poetry install --no-root", command=cmd)
    if tool == "uv":
        if sub != "sync":
            return None
        m = (("pyproject.toml", "uv.lock"), ("uv.lock",))
        if "--offline" in flags:
            return Fetch(tool, "offline", *m, where, command=cmd)
        if {"--no-install-project", "--no-install-workspace", "--only-deps"} & flags:
            return Fetch(tool, "deps", *m, where, outputs=(".venv",), command=cmd)
        return Fetch(tool, "build", *m, where, prefetch="uv sync --no-install-project", outputs=(".venv",), command=cmd)
    if tool == "pdm":
        if sub not in ("install", "sync"):
            return None
        m = (("pyproject.toml", "pdm.lock"), ("pdm.lock",))
        if "--no-self" in flags:
            return Fetch(tool, "deps", *m, where, outputs=(".venv",), command=cmd)
        return Fetch(tool, "build", *m, where, prefetch=f"pdm {sub} --no-self", outputs=(".venv",), command=cmd)
    if tool == "pipenv":
        if sub not in ("install", "sync") or ops[1:]:
            return None
        return Fetch(tool, "deps", ("Pipfile", "Pipfile.lock"), ("Pipfile.lock",), where, command=cmd)
    return None


_GO_LOCAL = re.compile(r"^(\.{1,2}(/.*)?|[^./][^.]*)$")  # ./cmd/x, ./..., ., or a relative dir without a dot


def _go(args: list[str], cmd) -> Optional[Fetch]:
    values = frozenset(_PM_SPECS["go"][1] | {"-C"})
    where = ""
    if len(args) >= 2 and args[0] == "-C":
        where, args = args[1], args[2:]
    if not args:
        return None
    sub, rest = args[0], args[1:]
    ops, vals, flags = _split(rest, values)
    m = (("go.mod", "go.sum"), ("go.sum",))
    vendored = vals.get("-mod") == "vendor"
    if sub == "mod":
        if not ops:
            return None
        if ops[0] == "download":
            return Fetch("go", "deps", *m, where, command=cmd)
        if ops[0] in ("tidy", "vendor"):
            return Fetch("go", "build", *m, where, prefetch="go mod download", command=cmd)
        return None
    if sub in ("build", "install", "test", "vet", "run", "get"):
        pkgs = ops if sub != "run" else ops[:1]
        if pkgs and all("@" in p for p in pkgs) and sub in ("install", "run", "get"):
            return Fetch("go", "tool", command=cmd)  # `go install golang.org/x/tools/gopls@v0.15.0`
        if vendored:
            return Fetch("go", "offline", *m, where, command=cmd)
        if sub == "get" and pkgs and not all(_GO_LOCAL.match(p) or p.endswith("/...") and p.startswith(".")
                                             for p in pkgs):
            # `go get github.com/org/repo/...`: the repository's own packages or a named tool,
            # which only the copy it follows can tell (the caller decides)
            return Fetch("go", "tool", ("go.mod", "go.sum"), ("go.sum",), where, prefetch="go mod download",
                         command=cmd)
        return Fetch("go", "build", *m, where, prefetch="go mod download", command=cmd)
    return None


def _cargo(args: list[str], cmd) -> Optional[Fetch]:
    values = frozenset({"--manifest-path", "-p", "--package", "--features", "-F", "--target", "--bin", "--example",
                        "--profile", "-j", "--jobs", "--target-dir", "--config", "-Z", "--root", "--version",
                        "--git", "--branch", "--tag", "--rev", "--path", "--registry", "--index", "--color",
                        "--recipe-path", "--exclude", "--message-format", "--test", "--bench"})
    ops, vals, flags = _split(args, values, "pFjZ")
    if not ops:
        return None
    sub = ops[0]
    where = posixpath.dirname(vals["--manifest-path"]) if "--manifest-path" in vals else ""
    m = (("Cargo.toml", "Cargo.lock"), ("Cargo.lock",))
    offline = bool({"--offline", "--frozen"} & flags)
    if sub == "chef" and ops[1:2] == ["cook"]:
        return Fetch("cargo", "deps", (vals.get("--recipe-path", "recipe.json"),), (), where, command=cmd)
    if sub == "fetch":
        return Fetch("cargo", "deps", *m, where, outputs=(), command=cmd)
    if sub == "install":
        path = vals.get("--path")
        if path is None and not any(_local(o) for o in ops[1:]):
            return Fetch("cargo", "tool", command=cmd) if ops[1:] or "--git" in vals else None
        where = path if path not in (None, ".") else where
    elif sub not in ("build", "b", "test", "t", "run", "r", "check", "c", "clippy", "doc", "bench", "rustc"):
        return None
    if offline:
        return Fetch("cargo", "offline", *m, where, command=cmd)
    return Fetch("cargo", "build", *m, where, prefetch="cargo-chef", outputs=("target",), command=cmd)


_MVN_VALUES = frozenset({"-f", "--file", "-s", "--settings", "-gs", "--global-settings", "-P", "--activate-profiles",
                         "-pl", "--projects", "-rf", "--resume-from", "-T", "--threads", "-l", "--log-file",
                         "-t", "--toolchains", "-b", "--builder", "-D", "--define"})
_MVN_DEPS_GOALS = re.compile(r"^(dependency:(go-offline|resolve|resolve-plugins|resolve-sources|copy-dependencies|tree)"
                             r"|de\.qaware\.maven:go-offline-maven-plugin:resolve-dependencies|help:\w+|-v|--version)$")


def _maven(prog: str, args: list[str], cmd) -> Optional[Fetch]:
    ops, vals, flags = _split(args, _MVN_VALUES, "fsPTltbD")
    ops = [o for o in ops if not o.startswith("-D")]
    pom = _opt(vals, "-f", "--file")
    where = ""
    if pom:
        where = pom if not pom.endswith(".xml") else posixpath.dirname(pom)
    wrapper = prog.endswith("mvnw")
    m = ("pom.xml", "mvnw", ".mvn") if wrapper else ("pom.xml",)
    if not ops:
        return None
    if {"-o", "--offline"} & flags:
        return Fetch("mvn", "offline", m, (), where, command=cmd)
    if all(_MVN_DEPS_GOALS.match(o) for o in ops):
        return Fetch("mvn", "deps", m, (), where, command=cmd)
    run = "./mvnw" if wrapper else "mvn"
    return Fetch("mvn", "build", m, (), where, prefetch=f"{run} dependency:go-offline", outputs=("target",),
                 command=cmd)


_GRADLE_VALUES = frozenset({"-p", "--project-dir", "-b", "--build-file", "-c", "--settings-file", "-x",
                            "--exclude-task", "-I", "--init-script", "-g", "--gradle-user-home", "--console",
                            "--warning-mode", "--max-workers", "-D", "-P", "--system-prop", "--project-prop",
                            "--priority", "--include-build", "-M", "--write-verification-metadata"})
_GRADLE_DEPS_TASKS = frozenset({"dependencies", "downloadDependencies", "downloadRepos", "resolveDependencies",
                                "resolveAllDependencies", "androidDependencies", "help", "--version", "tasks"})
_GRADLE_MANIFESTS = ("build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts",
                     "gradle.properties", "gradlew", "gradle")


def _gradle(prog: str, args: list[str], cmd) -> Optional[Fetch]:
    ops, vals, flags = _split(args, _GRADLE_VALUES, "pbcxIgDPM")
    ops = [o for o in ops if not o.startswith(("-D", "-P"))]
    where = _opt(vals, "-p", "--project-dir") or ""
    optional = _GRADLE_MANIFESTS[1:]
    if not ops:
        return None
    if "--offline" in flags:
        return Fetch("gradle", "offline", _GRADLE_MANIFESTS, optional, where, command=cmd)
    if all(o.rsplit(":", 1)[-1] in _GRADLE_DEPS_TASKS for o in ops):
        return Fetch("gradle", "deps", _GRADLE_MANIFESTS, optional, where, command=cmd)
    run = "./gradlew" if prog.endswith("gradlew") else "gradle"
    return Fetch("gradle", "build", _GRADLE_MANIFESTS, optional, where, prefetch=f"{run} dependencies",
                 outputs=("build", ".gradle"), command=cmd)


def _dotnet(args: list[str], cmd) -> Optional[Fetch]:
    values = frozenset({"-c", "--configuration", "-o", "--output", "-r", "--runtime", "-f", "--framework",
                        "-s", "--source", "-v", "--verbosity", "-p", "--property", "-a", "--arch", "--os",
                        "--packages", "--configfile", "--version-suffix", "-bl", "--logger", "-l"})
    ops, vals, flags = _split(args, values, "corfsvpal")
    if not ops:
        return None
    sub, rest = ops[0], ops[1:]
    if sub == "tool" and rest[:1] == ["install"] and {"-g", "--global"} & flags:
        return Fetch("dotnet", "tool", command=cmd)
    if sub not in ("restore", "build", "publish", "test", "pack", "run"):
        return None
    target = rest[0] if rest else ""
    if target.endswith((".csproj", ".fsproj", ".vbproj", ".sln", ".slnx")):
        manifests: tuple[str, ...] = (posixpath.basename(target),)
        where = posixpath.dirname(target)
    else:
        manifests, where = ("*.csproj",), target
    if sub == "restore":
        return Fetch("dotnet", "deps", manifests, (), where, command=cmd)
    if "--no-restore" in flags:
        return Fetch("dotnet", "offline", manifests, (), where, command=cmd)
    restore = "dotnet restore" + (" " + target if target else "")
    return Fetch("dotnet", "build", manifests, (), where, prefetch=restore, outputs=("obj", "bin"), command=cmd)


def _bundle(args: list[str], cmd) -> Optional[Fetch]:
    values = frozenset({"--gemfile", "--path", "--jobs", "-j", "--retry", "--without", "--with", "--trust-policy"})
    ops, vals, flags = _split(args, values, "j")
    if ops and ops[0] != "install":
        return None
    gemfile = vals.get("--gemfile")
    where = posixpath.dirname(gemfile) if gemfile else ""
    m = ((posixpath.basename(gemfile), posixpath.basename(gemfile) + ".lock") if gemfile else ("Gemfile", "Gemfile.lock"))
    if "--local" in flags:
        return Fetch("bundle", "offline", m, (m[1],), where, command=cmd)
    return Fetch("bundle", "deps", m, (m[1],), where, command=cmd)


def _composer(args: list[str], cmd) -> Optional[Fetch]:
    values = frozenset({"-d", "--working-dir"})
    ops, vals, flags = _split(args, values, "d")
    if not ops:
        return None
    where = _opt(vals, "-d", "--working-dir") or ""
    if ops[0] == "global":
        return Fetch("composer", "tool", command=cmd) if ops[1:2] == ["require"] else None
    if ops[0] not in ("install", "i"):
        return None
    m = (("composer.json", "composer.lock"), ("composer.lock",))
    if "--no-scripts" in flags and "--no-autoloader" in flags:
        return Fetch("composer", "deps", *m, where, outputs=("vendor",), command=cmd)
    return Fetch("composer", "build", *m, where, prefetch="composer install --no-scripts --no-autoloader",
                 outputs=("vendor",), command=cmd)


_TOOL_INSTALLERS = {"gem": ("install",), "pipx": ("install",)}


def dependency_fetch(cmd) -> Optional[Fetch]:
    """What ``cmd`` needs from the project and downloads: a dependency install from manifests
    (role "deps"), a build or project install that downloads the dependencies it is missing
    ("build", with the ``prefetch`` command that downloads them alone), one that downloads
    nothing ("offline": vendored modules, ``--no-deps``, ``--offline``), or an install of named
    packages that reads no project file ("tool"); None for anything else."""
    argv = commands.argv(cmd.words)
    if not argv:
        return None
    if commands.shell_name(argv[0]) in commands.POSIX_SHELLS and len(argv) > 1 \
            and posixpath.basename(argv[1]) in ("gradlew", "mvnw"):
        argv = argv[1:]  # sh ./gradlew build
    prog = posixpath.basename(argv[0])
    args = argv[1:]
    if prog in ("npm", "yarn", "pnpm", "bun"):
        return _node(prog, args, cmd)
    if pm_family(prog) == "pip":
        return _pip(args, cmd)
    if prog == "uv":
        if args[:1] == ["pip"]:
            return _pip(args[1:], cmd)
        if args[:2] == ["tool", "install"]:
            return Fetch("uv", "tool", command=cmd)
        sub = next((a for a in args if not a.startswith("-")), None)
        return _poetry_like("uv", args, cmd) if sub == "sync" else None
    if prog in ("poetry", "pdm", "pipenv"):
        return _poetry_like(prog, args, cmd)
    if prog == "go":
        return _go(args, cmd)
    if prog == "cargo":
        return _cargo(args, cmd)
    if prog in ("mvn", "mvnw", "mvnw.cmd"):
        return _maven(prog, args, cmd)
    if prog in ("gradle", "gradlew"):
        return _gradle(prog, args, cmd)
    if prog == "dotnet":
        return _dotnet(args, cmd)
    if prog == "bundle":
        return _bundle(args, cmd)
    if prog == "composer":
        return _composer(args, cmd)
    if prog == "mix" and args[:1] == ["deps.get"]:
        return Fetch("mix", "deps", ("mix.exs", "mix.lock"), ("mix.lock",), command=cmd)
    if prog in _TOOL_INSTALLERS:
        ops = [a for a in args if not a.startswith("-")]
        if ops[:1] == list(_TOOL_INSTALLERS[prog][:1]) and ops[1:] and not any(_local(o) for o in ops[1:]):
            return Fetch(prog, "tool", command=cmd)
    return None
