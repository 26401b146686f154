"""What the final image is for, as far as the Dockerfile says: the command it starts
(``CMD`` / ``ENTRYPOINT`` of the target and the stages it is built ``FROM``) and whether the
file or a stage is named as a development, CI or test image.

The rules about build toolchains in the final image (LL103, LL321) read it: a compiler in an
image that runs a service is weight and attack surface, but in a development container, a CI
runner, an SDK image whose command is a shell or a REPL, or an image with no command of its
own (a base for other images) the toolchain is the point.  Plain functions over the graph;
nothing here reports anything.
"""
from __future__ import annotations

import posixpath
import re

from ..images import is_slim

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional

SHELLS = frozenset({"sh", "bash", "zsh", "ash", "dash", "ksh", "mksh", "fish", "csh", "tcsh", "busybox"})
# process managers and user switchers that run the rest of the command line
_INITS = frozenset({"tini", "tini-static", "dumb-init", "catatonit", "exec", "nohup", "nice", "--"})
_SWITCHERS = frozenset({"gosu", "su-exec", "chpst", "setpriv"})  # USER COMMAND...
# interpreters: a service with a script or module to run, an interactive prompt without one
INTERPRETERS = frozenset({"python", "python2", "python3", "pypy", "pypy3", "node", "nodejs", "ruby", "php",
                          "perl", "java", "rscript", "r", "julia", "lua", "luajit", "deno", "bun", "groovy",
                          "scala", "kotlin", "tclsh", "octave"})
# programs whose image is for developing or building, whatever their arguments
DEV_PROGRAMS = frozenset({"irb", "pry", "ghci", "ghc", "stack", "cabal", "jshell", "clj", "clojure", "lein",
                          "iex", "erl", "elixir", "mix", "swift", "sbt", "mvn", "mvnw", "gradle", "gradlew", "go",
                          "cargo", "rustc", "rustup", "gcc", "g++", "clang", "make", "cmake", "ninja", "bazel",
                          "ipython", "jupyter", "jupyter-lab", "jupyter-notebook", "jupyterhub", "start-notebook.sh",
                          "start-singleuser.sh", "code-server", "sleep", "tail", "true", "cat", "tar", "dind", "dockerd"})
_DOTNET_DEV = frozenset({"run", "watch", "test", "build", "publish"})
_NPM = frozenset({"npm", "yarn", "pnpm"})
_NPM_DEV = frozenset({"dev", "develop", "test", "watch", "build", "storybook", "lint", "serve:dev"})
# words in a file or stage name that say the image is for development, CI or tests
DEV_WORDS = frozenset({"dev", "devel", "develop", "development", "devenv", "devcontainer", "devbox", "ci", "cicd",
                       "test", "tests", "testing", "testdata", "e2e", "debug", "builder", "build", "buildenv",
                       "toolchain", "sdk", "bench", "benchmark", "benchmarks", "docs", "sandbox", "playground", "dind"})
# in a file's path only: a `base/` directory holds an image for others to build on (a stage
# named `base` is usually the start of the final image itself)
PATH_WORDS = frozenset({"base", "hack"})
_WORD = re.compile(r"[a-z0-9]+")


class Command:
    """The command the final image starts: ``program`` is what runs it (a basename, lower
    case), ``instr`` the CMD or ENTRYPOINT it is read from, ``service`` whether it is a
    service rather than a shell, a REPL or a build tool."""

    __slots__ = ("program", "instr", "service")

    def __init__(self, program: str, instr, service: bool) -> None:
        self.program = program
        self.instr = instr
        self.service = service


def final_command(ctx) -> Optional[Command]:
    """The command of the target (None without a CMD or ENTRYPOINT in its FROM chain)."""
    return ctx.memo(("final_image.command",), lambda: _final_command(ctx))


def _final_command(ctx) -> Optional[Command]:
    final = ctx.graph.target
    if final is None:
        return None
    entry = cmd = None
    for instr in final.chain_instructions():
        eff = instr.effective
        if eff.keyword == "ENTRYPOINT":
            entry = eff
        elif eff.keyword == "CMD":
            cmd = eff
    if entry is None and cmd is None:
        return None
    argv = _argv(entry) + _argv(cmd)
    instr = entry if entry is not None else cmd
    if entry is not None and cmd is not None:
        e = _unwrap(_argv(entry))
        if e and _is_entry_script(e[0]) and len(e) == 1:
            c = _argv(cmd)
            if c and not c[0].startswith("-"):
                argv, instr = c, cmd  # `entrypoint.sh` runs the CMD: the CMD is what it is for
    argv = _unwrap(argv)
    if not argv:
        return Command("", instr, False)
    prog = posixpath.basename(argv[0]).lower()
    return Command(prog, instr, _is_service(prog, argv[1:]))


def _argv(instr) -> list[str]:
    if instr is None:
        return []
    if instr.exec_form is not None:
        return list(instr.exec_form)
    return ["/bin/sh", "-c", instr.args_text]


def _unwrap(argv: list[str]) -> list[str]:
    """The program an init, a user switcher, ``env`` or ``sh -c`` runs; a shell running a
    script file runs that script."""
    for _ in range(8):  # a few wrappers deep at most
        if not argv:
            return argv
        prog = posixpath.basename(argv[0]).lower()
        if prog in _INITS:
            rest = argv[1:]
            while rest and rest[0].startswith("-") and rest[0] != "--":
                rest = rest[1:]  # tini -g -s, nice -n 5 (the value is dropped with it below)
            if rest and rest[0] == "--":
                rest = rest[1:]
            argv = rest
        elif prog in _SWITCHERS:
            argv = argv[2:]
        elif prog == "env":
            rest = argv[1:]
            while rest and ("=" in rest[0] or rest[0].startswith("-")):
                rest = rest[1:]
            argv = rest
        elif prog in SHELLS:
            rest = argv[1:]
            if "-c" in rest:
                script = rest[rest.index("-c") + 1:]
                argv = _script_words(script[0]) if script else []
                continue
            while rest and rest[0].startswith(("-", "+")):
                rest = rest[2:] if rest[0] in ("--rcfile", "--init-file", "-o", "+o", "-O", "+O") else rest[1:]
            if not rest:
                return argv[:1]  # an interactive shell
            argv = rest  # `sh /entrypoint.sh java ...`: the script runs
            return argv
        else:
            return argv
    return argv


def _script_words(script: str) -> list[str]:
    """The first simple command of a ``sh -c`` script, roughly: its words up to an operator,
    past ``exec``, ``set -e;`` and variable assignments."""
    words = []
    for w in script.replace(";", " ; ").replace("&&", " && ").split():
        if w in (";", "&&", "||", "|", "&"):
            if words and words[0] not in _PRELUDE:
                break
            words = []
            continue
        if not words and ("=" in w and not w.startswith(("-", "/", "."))):
            continue  # VAR=value before the program
        words.append(w.strip("\"'"))
    return words


# commands a `sh -c` script runs before the one it is for (`[ -d x ] && ...`, `set -e; exec app`)
_PRELUDE = frozenset({"set", "cd", "export", "umask", "ulimit", "source", ".", "[", "test", "echo", "mkdir", "chown",
                      "chmod", "rm", "touch", "ln", "cp", "mv", "sleep", "trap"})


def _is_entry_script(arg: str) -> bool:
    name = posixpath.basename(arg).lower()
    return "entrypoint" in name or "entry_point" in name or name in ("init", "docker-init.sh")


def _is_service(prog: str, args: list[str]) -> bool:
    if prog in SHELLS or prog in DEV_PROGRAMS or prog.endswith("repl") or "repl" in args or "--repl" in args:
        return False
    if any(w in DEV_WORDS for w in _WORD.findall(prog)):
        return False  # `build.sh`, `run_pg_tests.sh`
    if prog.rstrip("0123456789.") in INTERPRETERS or prog in INTERPRETERS:
        return any(not a.startswith("-") or a in ("-m", "-jar", "-cp", "-classpath") for a in args)
    if prog == "dotnet":
        return bool(args) and args[0] not in _DOTNET_DEV and not args[0].startswith("-")
    if prog in _NPM:
        subs = [a for a in args if not a.startswith("-") and a != "run"]
        return bool(subs) and subs[0] not in _NPM_DEV and subs[0] not in ("install", "ci", "i")
    return True


def dev_name(ctx) -> Optional[str]:
    """The word of the file's name (its own and its two parent directories', so where the
    repository is checked out does not count) or of a stage of the target's FROM chain that
    says the image is for development, CI or tests (``Dockerfile.dev``, ``.devcontainer/``,
    ``ci/``, ``FROM base AS test``), or None."""
    return ctx.memo(("final_image.dev_name",), lambda: _dev_name(ctx))


def _dev_name(ctx) -> Optional[str]:
    final = ctx.graph.target
    parts = [p for p in (ctx.path or "").replace("\\", "/").split("/") if p][-3:]
    for text in parts:
        for w in _WORD.findall(text.lower()):
            if w in DEV_WORDS or w in PATH_WORDS:
                return w
    for stage in final.chain() if final is not None else ():
        for w in _WORD.findall((stage.name or "").lower()):
            if w in DEV_WORDS:
                return w
    return None


def builds_children(ctx) -> bool:
    """The final image has ONBUILD triggers: it is a base for other images' builds."""
    final = ctx.graph.target
    return final is not None and any(st.instr.inner is not None for s in final.chain() for st in s.steps)


# official images that are compilers / SDKs, with the suggested runtime (LL103)
TOOLCHAIN_IMAGES = {
    "golang": "gcr.io/distroless/static-debian12 or alpine",
    "rust": "debian:bookworm-slim or gcr.io/distroless/cc-debian12",
    "gcc": "debian:bookworm-slim",
    "maven": "eclipse-temurin:21-jre",
    "gradle": "eclipse-temurin:21-jre",
    "eclipse-temurin": "eclipse-temurin:<version>-jre",
    "openjdk": "eclipse-temurin:<version>-jre",
    "buildpack-deps": "debian:bookworm-slim",
    "node": "node:<version>-slim (or nginx for static assets)",
}


def toolchain_image(ref) -> bool:
    """``ref`` (images.parse_image) is an official toolchain image: not a node slim/alpine
    tag, not a JRE."""
    if not ref.official or ref.name not in TOOLCHAIN_IMAGES:
        return False
    tag = ref.tag or "latest"
    if ref.name == "node" and is_slim(tag):
        return False
    return not (ref.name in ("eclipse-temurin", "openjdk") and "jre" in tag.split("-"))
