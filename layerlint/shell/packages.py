"""What a shell command does, as far as caching and image size care.

Shared by the cache model (which steps are expensive) and the rules (which manifest an install
reads).  Works on ``layerlint.shell.SimpleCommand`` objects.
"""
from __future__ import annotations

import posixpath

from ..record import FrozenRecord

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
PIP = ("pip", "pip3", "pip2")
COMPILERS = frozenset({"gcc", "g++", "cc", "c++", "clang", "make", "cmake", "ninja", "javac", "rustc", "tsc"})
DOWNLOADERS = frozenset({"curl", "wget", "git"})
SYSTEM_PM = frozenset({"apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper", "tdnf"})


class Install(FrozenRecord):
    tool: str  # e.g. "pip", "npm"
    manifests: tuple[str, ...]  # files (relative to the command's directory) it reads
    command: object  # the SimpleCommand

    __slots__ = ("tool", "manifests", "command")

    def __init__(self, tool: str, manifests: tuple[str, ...], command: object) -> None:
        self.tool = tool
        self.manifests = manifests
        self.command = command


def _argv(cmd) -> list[str]:
    words = [w.value for w in cmd.words]
    # look through wrappers: `python -m pip`, `sudo`, `env X=1`
    while words and posixpath.basename(words[0]) in ("sudo", "env", "exec", "nice", "time", "su-exec", "gosu"):
        words = words[1:]
        while words and ("=" in words[0] or words[0].startswith("-")):
            words = words[1:]
    if len(words) >= 3 and posixpath.basename(words[0]).startswith("python") and words[1] == "-m":
        words = words[2:]
    return words


def program(cmd) -> str:
    argv = _argv(cmd)
    return posixpath.basename(argv[0]) if argv else ""


def dependency_install(cmd) -> Optional[Install]:
    """A language dependency install that reads a manifest file from the source tree."""
    argv = _argv(cmd)
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
    argv = _argv(cmd)
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
    argv = _argv(cmd)
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
