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
