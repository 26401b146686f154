"""Language package installed without a version.

## What it does
Reports packages named without a version in:
- `pip install` / `python -m pip install` / `uv pip install` / `pipx install`
  (`flask==3.0.3`, or any of `>=`, `<=`, `~=`, `!=`, `<`, `>`); requirement and
  constraint files (`-r`, `-c`), local paths, wheels and archives, and VCS URLs pinned
  with `@ref` are fine;
- `npm install` / `npm i` / `npm add` (`express@4.19.2`, `@scope/pkg@1.2.3`); a bare
  `npm install` or `npm ci` (which read the lock file), paths, tarballs and git URLs with
  `#ref` are fine, and the floating tags `@latest` / `@next` are reported;
- `gem install` (`rails:7.1.3` or `-v`/`--version`); local `.gem` files are fine;
- `go install` / `go get` / `go run` of a remote package without `@version`, or with
  `@latest`; local packages (`./cmd/x`) and the standard library are fine, and the words
  after `go run`'s package are its program's arguments.

One finding per command, at the first unpinned package; a VCS URL (`-e git+https://...`) is
pinned with `@<commit>`. Variables are expanded from `ARG`/`ENV` and from plain assignments
earlier in the same RUN when their value is certain, and skipped when not (a command's
output, `` `git rev-parse main` `` included).

## Why is this bad
An unpinned install takes whatever the registry serves on the day of the build. Two
builds of the same Dockerfile get different code, a new major version can break the
image, and the build cache hides the difference until it is invalidated.

## Example
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask gunicorn
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask==3.0.3 gunicorn==22.0.0
```
"""
import re

from ..base import Violation
from ..run_commands import calls, expand_words, origin, pm_call, run_env, shown
from ...shell.commands import parse_options
from ...shell.packages import option_spec

CODE = "LL316"
NAME = "language-package-unpinned"
SEVERITY = "info"
SUMMARY = "pip/npm/gem/go package installed without a version pin"
HADOLINT = ("DL3013", "DL3016", "DL3028", "DL3062")
BUILDKIT = ()

_ARCHIVES = (".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz", ".gem", ".egg")
_VCS = re.compile(r"^(git|hg|svn|bzr)\+")


def _pip_pinned(spec: str) -> bool:
    if _VCS.match(spec):
        return "@" in spec.rsplit("/", 1)[-1]
    if "://" in spec or spec.startswith((".", "/", "~")) or "/" in spec or spec.lower().endswith(_ARCHIVES):
        return True
    return any(op in spec for op in ("==", ">=", "<=", "~=", "!=", "<", ">", "==="))


def _pip_loose(operands, parsed):
    if parsed.has("-c", "--constraint"):
        return []  # versions come from the constraint file
    out = []
    ops = list(operands)
    i = 0
    while i < len(ops):
        w = ops[i]
        if i + 1 < len(ops) and ops[i + 1].value == "@":
            i += 3  # name @ url (PEP 508 direct reference)
            continue
        if not w.has_expansion and w.value and not _pip_pinned(w.value):
            out.append(w)
        i += 1
    for o in parsed.opts:
        if o.name in ("-e", "--editable") and o.value and _VCS.match(o.value) and not _pip_pinned(o.value):
            out.append(o.where)  # the URL, not the `-e` before it
    return out


def _pip_example(spec: str) -> str:
    """How to pin ``spec``: a VCS URL takes ``@<commit>`` (before any ``#egg=``), a name ``==``."""
    if _VCS.match(spec):
        url, hash_, frag = spec.partition("#")
        return f"{url}@<commit>{hash_}{frag}"
    return f"{spec}==<version>"


def _npm_pinned(spec: str) -> bool:
    if spec.startswith((".", "/", "~")) or spec.lower().endswith((".tgz", ".tar.gz", ".tar")):
        return True
    if spec.startswith(("git+", "git:", "github:", "gitlab:", "bitbucket:")) or spec.endswith(".git"):
        return "#" in spec
    if "://" in spec:
        return True  # tarball URL
    name, at, version = spec[1:].partition("@") if spec.startswith("@") else spec.partition("@")
    if not at:
        if "/" in spec and not spec.startswith("@"):
            return "#" in spec  # GitHub shorthand user/repo
        return False
    return bool(version) and version not in ("latest", "next")


def _gem_loose(operands, parsed):
    if parsed.has("-v", "--version"):
        return []
    return [w for w in operands if not w.has_expansion and ":" not in w.value
            and not w.value.endswith(".gem") and "/" not in w.value]


def _go_loose(operands, sub: str):
    if sub == "run":
        operands = operands[:1]  # `go run pkg@v args...`: what follows the package are its arguments
    out = []
    for w in operands:
        v = w.value
        if w.has_expansion or v.startswith((".", "/")) or v.endswith(".go"):
            continue
        path, at, version = v.partition("@")
        if "." not in path.split("/", 1)[0]:
            continue  # standard library or a module-local pattern
        if not at or version in ("latest", "upgrade", "patch", ""):
            out.append(w)
    return out


def _uv_pip(call, env):
    """`uv pip install ...` seen as a pip call."""
    words = call.args
    if len(words) >= 2 and words[0].value == "pip":
        args, unknown = expand_words(words[1:], env)
        parsed = parse_options(args, *option_spec("pip"))
        if parsed.operands and parsed.operands[0].value == "install":
            return parsed, parsed.operands[1:], unknown, parsed.operands[0]
    return None


def check(ctx):
    for instr in ctx.instructions("RUN"):
        env = run_env(ctx, instr)
        for call in calls(ctx, instr):
            loose, code, tool, example = [], None, None, None
            if call.prog == "uv":
                got = _uv_pip(call, env)
                if got is None:
                    continue
                parsed, operands, unknown, sub = got
                loose, code, tool = _pip_loose(operands, parsed), "DL3013", "uv pip install"
                example = "{p}==<version>"
            elif call.prog == "pipx":
                args, unknown = expand_words(call.args, env)
                parsed = parse_options(args, *option_spec("pip"))
                if not parsed.operands or parsed.operands[0].value != "install":
                    continue
                loose, code, tool = _pip_loose(parsed.operands[1:], parsed), "DL3013", "pipx install"
                example = "{p}==<version>"
            else:
                pc = pm_call(call, env)
                if pc is None:
                    continue
                p = pc.parsed
                if pc.family == "pip" and pc.sub == "install":
                    loose, code, example = _pip_loose(p.operands, p), "DL3013", "{p}==<version>"
                elif pc.family == "npm" and pc.sub in ("install", "i", "add", "isntall", "in"):
                    loose = [w for w in p.operands if not w.has_expansion and not _npm_pinned(w.value)]
                    code, example = "DL3016", "{p}@<version>"
                elif pc.family == "gem" and pc.sub in ("install", "i"):
                    loose, code, example = _gem_loose(p.operands, p), "DL3028", "{p}:<version>"
                elif pc.family == "go" and pc.sub in ("install", "get", "run"):
                    loose, code, example = _go_loose(p.operands, pc.sub), "DL3062", "{p}@<version>"
                else:
                    continue
                tool = f"{pc.prog} {pc.sub}"
            if not loose:
                continue
            first = loose[0]
            base = first.value.split("@")[0] if code in ("DL3016", "DL3062") and not first.value.startswith("@") \
                else first.value
            if code == "DL3016" and first.value.startswith("@"):
                base = "@" + first.value[1:].split("@")[0]
            floating = [w for w in loose if w.value.endswith(("@latest", "@next"))]
            names = ", ".join(f"`{shown(w)}`" for w in loose[:6]) + (f" and {len(loose) - 6} more" if len(loose) > 6 else "")
            what = "a floating version" if floating and len(floating) == len(loose) else "no version"
            shown_example = _pip_example(base) if code == "DL3013" else example.format(p=base)
            yield Violation(call.span(origin(first)), f"`{tool}` with {what}: {names}; pin {'it' if len(loose) == 1 else 'them'} "
                   f"(e.g. `{shown_example}`) so a rebuild installs the same code", hadolint=(code,))
