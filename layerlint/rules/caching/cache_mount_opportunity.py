"""Package-manager download without a cache mount: every re-run downloads everything again.

## What it does
Finds a `RUN` that installs or fetches dependencies with a package manager that keeps a
download cache (pip, uv, poetry, npm, yarn, pnpm, go, cargo, bundler, composer, maven,
gradle) and has no `--mount=type=cache`. The finding points at the command and gives the
mount to add. `yarn --version`, `gradle -v` and the like download nothing and are not reported. Nothing is reported when the `RUN` already has a cache mount, and pip with
`--no-cache-dir` (or `PIP_NO_CACHE_DIR`) is left to DL3042's advice: that is a deliberate
choice of a small image over download reuse. Opt-in (`--extend-select LL206`).

## Why is this bad
When any input of the step changes (a new dependency in the lock file), the layer cache
misses and the install runs from an empty download cache: every package is fetched again.
A cache mount keeps the package manager's cache in the builder between builds without
putting it in the image or in the step's cache key, so the re-run only downloads what is
new. It also keeps the cache directory out of the layer, which is what `--no-cache-dir` and
`npm cache clean` are usually added for.

## Example
```dockerfile
FROM python:3.12-slim
COPY requirements.txt .
RUN pip install -r requirements.txt
```

## Use instead
```dockerfile
# syntax=docker/dockerfile:1
FROM python:3.12-slim
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
```
"""
import posixpath

from ..base import Violation
from ...shell import commands  # argv without wrappers (sudo, env, python -m)

CODE = "LL206"
NAME = "cache-mount-opportunity"
SEVERITY = "info"
SUMMARY = "Package-manager install without --mount=type=cache: every re-run downloads everything again"
HADOLINT = ()
BUILDKIT = ()
TAGS = ("cache",)
ENABLED_BY_DEFAULT = False  # advice, not a defect: on every install it would drown real findings

# program -> (subcommands that download, cache directory for root, the env var that moves it)
MANAGERS = {
    "pip": (("install", "download", "wheel"), "/root/.cache/pip", "PIP_CACHE_DIR"),
    "uv": (("sync", "pip", "add", "install"), "/root/.cache/uv", "UV_CACHE_DIR"),
    "poetry": (("install", "add", "lock"), "/root/.cache/pypoetry", "POETRY_CACHE_DIR"),
    "npm": (("ci", "install", "i"), "/root/.npm", "npm_config_cache"),
    "yarn": ((None, "install", "add"), "/usr/local/share/.cache/yarn", "YARN_CACHE_FOLDER"),
    "pnpm": (("install", "i", "add", "fetch"), "/root/.local/share/pnpm/store", "PNPM_STORE_DIR"),
    "go": (("mod", "build", "install", "get"), "/root/go/pkg/mod", "GOMODCACHE"),
    "cargo": (("build", "fetch", "install"), "/usr/local/cargo/registry", "CARGO_HOME"),
    "bundle": ((None, "install"), "/usr/local/bundle/cache", "BUNDLE_PATH"),
    "composer": (("install", "update", "require"), "/root/.composer/cache", "COMPOSER_CACHE_DIR"),
    "mvn": (None, "/root/.m2/repository", None),
    "gradle": (None, "/root/.gradle/caches", "GRADLE_USER_HOME"),
}
PIP = ("pip", "pip3")
# `yarn --version`, `gradle -v`, `mvn --help`: print and exit, download nothing
_INFO_FLAGS = frozenset({"--version", "-v", "-V", "-version", "--help", "-h", "-help"})
_UV_PIP_DOWNLOADS = ("install", "sync", "compile")  # `uv pip uninstall` / `list` / `freeze` do not


def check(ctx):
    for instr in ctx.instructions("RUN"):
        mounts = [f.value or "" for f in instr.flags if f.name == "mount"]
        if any("type=cache" in m.replace(" ", "") for m in mounts):
            continue
        step = ctx.step(instr)
        env = step.state.vars if step is not None else {}
        for script, cmd in ctx.commands(instr):
            argv = commands.argv(cmd.words)
            if not argv:
                continue
            prog = posixpath.basename(argv[0])
            if prog.startswith("./"):
                prog = prog[2:]
            prog = {"pip3": "pip", "gradlew": "gradle", "mvnw": "mvn"}.get(prog, prog)
            if prog not in MANAGERS:
                continue
            subs, target, var = MANAGERS[prog]
            words = [a for a in argv[1:] if not a.startswith("-")]
            sub = words[0] if words else None
            if subs is not None and sub not in subs:
                continue
            if sub is None and any(a in _INFO_FLAGS for a in argv[1:]):
                continue
            if prog == "go" and sub == "mod" and "download" not in argv:
                continue
            if prog == "uv" and sub == "pip" and words[1:2] and words[1] not in _UV_PIP_DOWNLOADS:
                continue
            if prog == "pip" and ("--no-cache-dir" in argv or env.get("PIP_NO_CACHE_DIR", "").lower()
                                  in ("1", "true", "yes", "on", "off", "0", "false")):
                continue  # small image chosen over cache reuse: DL3042's territory
            if prog == "uv" and ("--no-cache" in argv or env.get("UV_NO_CACHE")):
                continue
            if var and var in env and env[var]:
                target = env[var]
            first = cmd.words[0]
            start = script.word_span(first)
            end = script.word_span(cmd.words[-1])
            from ...syntax.model import Span
            span = Span(start.line, start.column, end.end_line, end.end_column)
            # the program and its subcommand (`pip install`, `go mod download`), not its options
            n = 2 if prog in ("go", "uv") and sub in ("mod", "pip") else 1
            shown = " ".join([argv[0]] + (words[:n] if subs is not None else []))
            user = step.state.user if step is not None else None
            who = ""
            if user and user.split(":")[0] not in ("root", "0") and target.startswith("/root/"):
                who = (f"; it runs as USER {user}, so use that user's cache directory (~{target[5:]}) "
                       f"and add uid= to the mount")
            yield Violation(span, f"`{shown}` downloads into an empty cache whenever this step re-runs: add "
                f"`--mount=type=cache,target={target}` to the RUN so downloads are reused between builds "
                f"(the cache stays out of the image and out of the cache key){who}")
            break
