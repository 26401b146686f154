"""Full-size base image where a smaller variant of the same version exists and fits the stage.

## What it does
Looks at the base image of the image that ships (the target stage's FROM chain; build stages
whose output is copied elsewhere do not ship and are never reported) and, for a Docker Official
Image, at the smaller variants of the same tag that exist: `python:3.12` -> `python:3.12-slim`,
`php:8.4-fpm` -> `php:8.4-fpm-alpine`, `eclipse-temurin:21-jdk` -> `eclipse-temurin:21-jre`.
A variant is suggested only when

- the data says it exists for that exact version and flavour (an image's own tags: `php:8.1-fpm`
  keeps FPM, `golang` has no `-slim`, openjdk's `8-jdk` has `8-jre-slim`, no tag that changes
  the language or JDK version or the Debian release is offered), and
- it fits what the stage does: no Alpine variant for a stage that uses `apt-get`, `bash`,
  `useradd`, glibc binaries (downloads, `COPY --from` another stage), language packages with
  native code (`pip`, `npm`, `gem`, `cgo`) or an entrypoint script layerlint cannot read; no
  slim variant for a stage that uses the full image's compilers, `-dev` headers, `git`, `curl`
  or `wget` without installing them itself (a Python stage whose installs need a compiler keeps
  the full image); a JRE only when the stage runs nothing but `java`.

The message says which variant fits and why (a variant with the same C library and distribution
first, then the numbers decide). When none fits, the rule stays quiet, as it does for a stage
with ONBUILD triggers (a base for builds it cannot see), a file that is `FROM image` alone, an
image name that is an `ARG` (unless `--build-arg` gives it), development containers
(`.devcontainer/`) and Dockerfiles for Windows containers.

Sizes are compressed download sizes from docker-library/repo-info (June to September 2026, in
`layerlint/data/image_sizes.tsv`). The table also lists older tags that existed (read from the
official images' own Dockerfiles, each row naming its source and date); their saving is an
estimate from the same image's measured tags (for openjdk: from the images its variants are
built FROM) and the message says so. A tag the data does not list is never suggested.

Options: `min-saving-mb` (default 50): report only a variant that saves at least this many MB
(`nginx:latest` -> `nginx:alpine` saves about 37 MB and is not reported by default; lower the
threshold to see it); `platform` (default `linux/amd64`) when `FROM --platform` does not say.

## Why is this bad
Every user, CI runner and node pulls the whole base image. A full `python:3.12` is about
410 MB compressed against 43 MB for `python:3.12-slim`: minutes of pull time, more disk,
and hundreds of extra packages with their own vulnerabilities, none of which your
application uses.

## Example
```dockerfile
FROM python:3.12
COPY app.py .
CMD ["python", "app.py"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
COPY app.py .
CMD ["python", "app.py"]
```
"""
import posixpath
import re

from ..base import Violation
from ..options import Float, Str
from ..run_commands import calls, pm_calls
from ...images import known_image, parse_image, smaller_variants, tag_shape

CODE = "LL102"
NAME = "oversized-base-image"
SEVERITY = "info"
SUMMARY = "Full-size base image where a much smaller variant of the same version exists"
HADOLINT = ()
BUILDKIT = ()
OPTIONS = {
    "min-saving-mb": Float(50, "report only a smaller variant that saves at least this many MB", min=0),
    "platform": Str("linux/amd64", "platform whose image sizes are compared when FROM --platform does not say"),
}
TAGS = ("size", "base-image")

# Debian's package tools: none of them exists on Alpine
_DEBIAN_TOOLS = frozenset({"apt-get", "apt", "aptitude", "dpkg", "dpkg-reconfigure", "dpkg-query", "apt-key",
                           "apt-cache", "apt-mark", "debconf-set-selections", "add-apt-repository", "locale-gen",
                           "update-locale", "update-alternatives", "dpkg-divert"})
_SHADOW = frozenset({"useradd", "groupadd", "usermod", "userdel", "groupmod", "chpasswd", "adduser", "addgroup"})
# in a full image (buildpack-deps) but neither in its slim nor in its Alpine variant, with the
# Debian packages that bring them
_FULL_ONLY = {
    "gcc": ("gcc", "build-essential"), "cc": ("gcc", "build-essential"), "g++": ("g++", "build-essential"),
    "c++": ("g++", "build-essential"), "make": ("make", "build-essential"), "cmake": ("cmake",),
    "patch": ("patch",), "autoconf": ("autoconf",), "automake": ("automake",), "libtool": ("libtool",),
    "pkg-config": ("pkg-config", "pkgconf"), "git": ("git",), "svn": ("subversion",), "hg": ("mercurial",),
    "ssh": ("openssh-client",), "scp": ("openssh-client",), "ssh-keyscan": ("openssh-client",),
    "curl": ("curl",), "wget": ("wget",), "gpg": ("gnupg", "gnupg2", "gpg"), "ps": ("procps",),
    "unzip": ("unzip",), "bzip2": ("bzip2",), "xz": ("xz-utils",), "file": ("file",),
    "convert": ("imagemagick",), "node-gyp": ("build-essential",), "pg_config": ("libpq-dev",),
    "mysql_config": ("default-libmysqlclient-dev", "libmysqlclient-dev"),
    "dpkg-architecture": ("dpkg-dev", "build-essential"), "dpkg-buildflags": ("dpkg-dev", "build-essential"),
}
# BusyBox gives Alpine these of the above
_BUSYBOX = frozenset({"wget", "unzip", "bzip2", "xz", "patch", "ps"})
_COMPILER_PACKAGES = frozenset({"gcc", "g++", "build-essential", "clang"})
# PyPI projects that publish no Linux wheels: installing them compiles (gcc, headers)
_SDIST_ONLY = frozenset({"uwsgi", "mysqlclient", "psycopg2", "python-ldap", "pycrypto", "mod-wsgi", "mod_wsgi",
                         "pygraphviz", "pyaudio"})
_JDK_TOOLS = frozenset({"javac", "jar", "jlink", "jdeps", "jpackage", "jshell", "jcmd", "jstack", "jmap", "jps",
                        "jinfo", "jstat", "jdb", "jarsigner", "javadoc", "native-image", "mvn", "mvnw", "gradle",
                        "gradlew", "ant", "sbt", "lein", "clojure", "clj", "kotlinc", "scalac"})
# programs an image runs that come with it (an ENTRYPOINT/CMD of anything else is a script or
# binary whose needs layerlint cannot see)
_RUNTIMES = frozenset({"python", "python3", "python2", "node", "nodejs", "npm", "yarn", "npx", "pnpm", "php",
                       "php-fpm", "ruby", "bundle", "rails", "rake", "java", "nginx", "httpd", "httpd-foreground",
                       "apache2-foreground", "go", "perl", "erl", "elixir", "mix", "iex", "gunicorn", "uvicorn",
                       "sh", "env", "tini", "dumb-init"})
# where a COPY --from brings data (web content, configuration), not programs
_DATA_DIRS = ("/usr/share/nginx", "/etc", "/var/www", "/srv", "/usr/local/apache2/htdocs")
# language package managers whose packages may hold native code built for glibc
_LANG_INSTALLS = frozenset({"pip", "pip2", "pip3", "uv", "poetry", "pipenv", "pdm", "conda", "mamba", "npm", "yarn",
                            "pnpm", "bun", "gem", "bundle", "cpanm", "cpan", "mix", "rebar3", "cargo", "stack",
                            "cabal", "pecl"})
# programs every variant has (POSIX tools, BusyBox applets, the image's own tools): a RUN of
# anything else (a script, a tool a package installed) may need what only the full image has
_COMMON = frozenset({
    "sh", "set", "export", "cd", "true", "false", "test", "[", "[[", "echo", "printf", "cat", "cp", "mv", "rm",
    "rmdir", "mkdir", "ln", "ls", "touch", "chmod", "chown", "chgrp", "find", "xargs", "sed", "awk", "grep", "egrep",
    "tar", "gzip", "gunzip", "zcat", "sort", "uniq", "head", "tail", "wc", "cut", "tr", "tee", "env", "id", "whoami",
    "su", "sudo", "install", "ldconfig", "sha256sum", "sha1sum", "md5sum", "sha512sum", "base64", "date", "sleep",
    "exit", "exec", "command", "type", "which", "readlink", "realpath", "dirname", "basename", "mktemp", "du", "df",
    "stat", "uname", "hostname", "getconf", "nproc", "update-ca-certificates", ":", ".", "source", "unset", "umask",
    "trap", "wait", "read", "eval", "shift", "local", "return", "if", "for", "while", "case", "yes", "seq", "expr",
    "diff", "cmp", "sync", "kill", "nice", "timeout", "ulimit", "hash", "alias", "getent", "passwd", "chpasswd",
    "useradd", "groupadd", "usermod", "userdel", "adduser", "addgroup", "gosu", "su-exec", "tini", "dumb-init",
    "ldd", "strip", "rsync", "mount", "apk", "microdnf", "dnf", "yum", "rpm", "zypper",
}) | _DEBIAN_TOOLS
# what each image brings besides the above: its runtime, package managers and helpers
_IMAGE_TOOLS = {
    "python": {"python", "python3", "python2", "pip", "pip2", "pip3", "pydoc", "idle", "uv", "poetry", "pipenv",
               "pdm", "gunicorn", "uvicorn", "django-admin", "flask", "pytest", "alembic", "celery", "virtualenv"},
    "node": {"node", "nodejs", "npm", "npx", "yarn", "yarnpkg", "corepack", "pnpm"},
    "ruby": {"ruby", "gem", "bundle", "bundler", "rake", "irb", "rails"},
    "php": {"php", "php-fpm", "pecl", "pear", "phpize", "php-config", "docker-php-ext-install",
            "docker-php-ext-configure", "docker-php-ext-enable", "docker-php-source", "composer", "a2enmod",
            "a2dismod", "a2enconf", "a2ensite", "a2dissite", "apache2-foreground"},
    "golang": {"go", "gofmt"},
    "rust": {"cargo", "rustc", "rustup"},
    "openjdk": {"java", "javac", "jar", "keytool"},
    "eclipse-temurin": {"java", "javac", "jar", "keytool"},
    "nginx": {"nginx", "envsubst", "nginx-debug"},
    "erlang": {"erl", "erlc", "rebar3", "escript"},
    "elixir": {"elixir", "mix", "iex", "erl", "rebar3"},
    "perl": {"perl", "cpan", "cpanm"},
}
# installs that build native code on these images unless a compiler is installed first
_NATIVE_BUILDS = {"ruby": ("gem", "bundle"), "rust": ("cargo",), "erlang": ("rebar3", "mix"),
                  "elixir": ("mix", "rebar3"), "perl": ("cpanm", "cpan"), "haskell": ("stack", "cabal")}


class _Uses:
    """What the shipped stage's instructions use that a smaller variant may lack."""

    def __init__(self) -> None:
        self.programs: set[str] = set()  # programs RUN runs
        self.apt_packages: set[str] = set()  # what apt-get install installs (known names)
        self.dev_packages = False  # apt-get installs -dev headers
        self.bash = False
        self.glibc = False  # binaries from elsewhere: COPY --from, downloads
        self.native = False  # language packages that may build or ship native code
        self.compiles = False  # needs a compiler by what it installs
        self.unknown_entry = False  # runs a script or binary layerlint cannot read
        self.entry: list[str] = []  # what the container runs: ENTRYPOINT, else CMD (empty: the base's)
        self.git_urls = False
        self.cgo = False
        self.opaque: list[str] = []  # RUN programs (scripts, installed tools) whose needs are unknown
        self.onbuild = False  # the stage is a base for builds layerlint does not see


def _scan(ctx, final, image: str) -> _Uses:
    u = _Uses()
    native_builds = _NATIVE_BUILDS.get(image, ())
    entrypoint = cmd = None
    known = _COMMON | _IMAGE_TOOLS.get(image, frozenset())
    eol_python = image == "python" and _python_eol(final.root.base)
    u.onbuild = any(st.instr.inner is not None for s in final.chain() for st in s.steps)
    for instr in final.chain_instructions():
        kw = instr.keyword
        if kw in ("COPY", "ADD") and instr.flag("from") is not None:
            # a program built on another image may need glibc; web content and configuration do not
            dest = instr.words[-1].text if len(instr.words) >= 2 else ""
            if not any(dest == d or dest.startswith(d + "/") for d in _DATA_DIRS):
                u.glibc = True
        elif kw == "SHELL" and instr.exec_form:
            u.bash |= posixpath.basename(instr.exec_form[0]) == "bash"
        elif kw in ("ENV", "ARG"):
            for p in instr.pairs:
                if p.key == "CGO_ENABLED" and (p.value or "").strip("\"'") == "1":
                    u.cgo = True
        elif kw in ("ENTRYPOINT", "CMD"):
            if instr.exec_form is not None:
                argv = instr.exec_form[:1]
            else:  # the first word of each command of the shell form
                argv = [c.split()[0] for c in re.split(r"&&|\|\||[;|]", instr.args_text)
                        if c.split() and re.fullmatch(r"[\w./\[-]+", c.split()[0])]
            if kw == "ENTRYPOINT":
                entrypoint, cmd = argv, None  # a new ENTRYPOINT resets CMD
            else:
                cmd = argv
        elif kw == "HEALTHCHECK":
            m = re.search(r"\bCMD\s+(?:\[\s*\")?([^\s\"]+)", instr.args_text, re.I)
            if m:
                u.programs.add(posixpath.basename(m.group(1)))
        elif kw == "RUN":
            if instr.exec_form:
                u.programs.add(posixpath.basename(instr.exec_form[0]))
                u.bash |= posixpath.basename(instr.exec_form[0]) == "bash"
            for pc in pm_calls(ctx, instr):
                if pc.family == "apt" and pc.sub == "install":
                    for w in pc.parsed.operands:
                        name = w.value.split("=", 1)[0]
                        u.apt_packages.add(name)
                        if name.endswith("-dev"):
                            u.dev_packages = True
            for call in calls(ctx, instr):
                prog = call.prog
                args = [w.value for w in call.args]
                u.programs.add(prog)
                if prog == "bash" or prog.endswith(".bash"):
                    u.bash = True
                if prog not in known and prog not in _FULL_ONLY and prog not in _JDK_TOOLS \
                        and not re.fullmatch(r"(?:python|pip)[0-9.]*", prog):
                    u.opaque.append(prog)
                if prog in ("curl", "wget"):
                    u.glibc = True  # a downloaded program is most likely built for glibc
                if prog in _LANG_INSTALLS:
                    u.native = True
                if prog in native_builds:
                    u.compiles = True
                if any("git+" in a or a.startswith("git://") or "github:" in a for a in args):
                    u.git_urls = True
                if prog in ("pip", "pip2", "pip3") or prog.startswith("pip3."):
                    if eol_python and "install" in args:
                        u.compiles = True  # PyPI stopped publishing wheels for it: installs build from source
                    if any(a.startswith("--no-binary") for a in args) or any(
                            re.split(r"[<>=!~\[;@ ]", a, maxsplit=1)[0].lower() in _SDIST_ONLY for a in args):
                        u.compiles = True
                if re.fullmatch(r"python[0-9.]*", prog) and "setup.py" in args[:2]:
                    u.compiles = True
                if prog == "go" and args[:1] == ["build"] and "CGO_ENABLED=1" in call.text:
                    u.cgo = True
                if prog in ("node-gyp",) or (prog == "npm" and args[:1] == ["rebuild"]):
                    u.compiles = True
        if kw == "ADD" and any(w.text.startswith(("http://", "https://")) for w in instr.words):
            u.glibc = True
    run = entrypoint if entrypoint is not None else cmd
    for prog in map(posixpath.basename, run or ()):
        u.entry.append(prog)
        if prog == "bash":
            u.bash = True
        elif prog not in _RUNTIMES and prog not in known and not re.fullmatch(r"python[0-9.]*", prog):
            u.unknown_entry = True
    return u


def _python_eol(base: str) -> bool:
    """Whether the python image's version is one PyPI projects no longer publish wheels for
    (CPython 2 and 3.0 to 3.7)."""
    m = re.match(r"(\d+)(?:\.(\d+))?", parse_image(base).tag or "")
    if not m:
        return False
    major, minor = int(m.group(1)), int(m.group(2) or 99)
    return major < 3 or (major == 3 and minor < 8)


def _installed(u: _Uses, prog: str) -> bool:
    return any(p in u.apt_packages for p in _FULL_ONLY.get(prog, ()))


def _fits(kind: str, u: _Uses, image: str) -> tuple[bool, str]:
    """(fits, why) for a smaller variant of kind ``kind``."""
    compiler = bool(u.apt_packages & _COMPILER_PACKAGES)
    missing = sorted(p for p in u.programs if p in _FULL_ONLY and not _installed(u, p))
    if u.opaque:
        return False, ""
    if kind.startswith("jre"):
        if u.programs & _JDK_TOOLS or u.entry != ["java"]:
            return False, ""
    if "alpine" in kind:
        if u.programs & _DEBIAN_TOOLS or u.programs & _SHADOW or u.bash or u.glibc or u.native \
                or u.unknown_entry or u.cgo or u.git_urls or u.dev_packages:
            return False, ""
        if [p for p in missing if p not in _BUSYBOX]:
            return False, ""
        if image == "nginx" and "slim" in kind:
            return True, ("Alpine without curl and the njs, perl, xslt, image-filter and geoip modules, which "
                          "nothing here uses (check that your nginx configuration loads none of them)")
        return True, "Alpine (musl libc, BusyBox, no bash or apt-get), and nothing here needs glibc, bash or apt-get"
    if kind in ("minimal", "slim") and image in ("almalinux", "oraclelinux", "fedora", "amazonlinux"):
        if u.programs & {"dnf", "yum", "rpm"}:
            return False, ""
        return True, "microdnf instead of dnf and yum, which no RUN here uses"
    if missing or u.git_urls or (u.compiles and not compiler) or (u.dev_packages and not compiler) or u.cgo:
        return False, ""
    if kind == "jre":
        return True, "the same Java without the compiler and JDK tools, and this stage only runs `java`"
    if kind == "jre-slim":
        return True, "the same Java runtime on Debian slim, without the JDK tools, and this stage only runs `java`"
    why = ("Debian slim, without the full image's compilers, headers, git, curl and wget, which this stage "
           "does not use or installs itself")
    if u.native and image == "python":
        why += "; a dependency without a wheel would need a compiler (build it in an earlier stage)"
    elif u.native and image == "node":
        why += "; a dependency that builds a native addon would need a compiler (build it in an earlier stage)"
    return True, why


def check(ctx):
    final = ctx.graph.target
    if final is None:
        return
    stage = final.root  # the stage built from an image: the target's whole chain ships on it
    word = stage.base_word
    if word is None or stage.is_scratch or not stage.base or "$" in stage.base or stage.base_unresolved:
        return
    name_part = word.text.rsplit(":", 1)[0] if ":" in word.text.rsplit("/", 1)[-1] else word.text
    if "$" in name_part and not set(re.findall(r"\$\{?(\w+)", name_part)) <= set(ctx.graph.build_args):
        return  # the image itself is a parameter: its default is not what every build uses
    ref = parse_image(stage.base)
    if not ref.official or ref.digest or not known_image(ref.name):
        return
    tag = ref.tag or "latest"
    shape = tag_shape(ref.name, tag)
    if shape.variant or shape.windows:
        return
    platform = stage.platform if stage.platform and "$" not in stage.platform \
        else ctx.options.get("platform", "linux/amd64")
    if not platform.startswith("linux/"):
        return
    min_saving = float(ctx.options.get("min-saving-mb", 50)) * 1_000_000
    options = [s for s in smaller_variants(ref.name, tag, platform) if s.saving >= min_saving]
    if not options:
        return
    if _dev_environment(ctx.path):
        return  # a development container carries the full toolchain on purpose
    if _windows(ctx):
        return  # built for Windows containers: the slim and Alpine variants are Linux-only
    uses = _scan(ctx, final, ref.name)
    if uses.onbuild:
        return  # a base for other builds: what they run on it is not in this file
    if len(ctx.graph.stages) == 1 and not final.steps:
        return  # the file is `FROM image` alone: it re-publishes that very image
    fitting = []
    for s in options:
        ok, why = _fits(s.kind, uses, ref.name)
        if ok:
            fitting.append((s, why))
    if not fitting:
        return
    # the same C library and distribution first (the smallest change), then the numbers decide
    fitting.sort(key=lambda sw: ("alpine" in sw[0].kind, -sw[0].saving))
    best, why = fitting[0]
    shown = f"{ref.name}:{tag}"
    msg = f"{shown} is a full-size image; {ref.name}:{best.tag} fits this stage and is {_size(best)}: {why}"
    if len(fitting) > 1:
        other = fitting[1][0]
        msg += f"; {ref.name}:{other.tag} also fits ({_size(other)})"
    if best.estimated_from:
        full, small = best.estimated_from
        how = ", the images the two are built FROM" if not full.startswith(ref.name + ":") else ""
        msg += f" (estimated from the measured {full} and {small}{how}: {shown} has no measured size)"
    yield Violation(word.span, msg)


def _dev_environment(path: str) -> bool:
    parts = path.replace("\\", "/").split("/")
    return ".devcontainer" in parts[:-1] or "__.devcontainer__" in parts[-1]


def _windows(ctx) -> bool:
    """A Dockerfile for Windows containers: under a directory named for Windows, with the
    backtick escape, a PowerShell or cmd SHELL, or C:\\ paths."""
    parts = ctx.path.replace("\\", "/").lower().split("/")
    if any(w in p for p in parts[-4:] for w in ("windows", "nanoserver", "servercore")):
        return True
    if ctx.df.escape == "`":
        return True
    for instr in ctx.instructions():
        if instr.keyword == "SHELL" and instr.exec_form \
                and posixpath.basename(instr.exec_form[0].replace("\\", "/")).lower() in ("powershell", "pwsh", "cmd", "powershell.exe", "cmd.exe"):
            return True
        if instr.keyword in ("WORKDIR", "COPY", "ADD", "RUN") and re.search(r"\b[A-Za-z]:[\\/]", instr.args_text):
            return True
    return False


def _size(s) -> str:
    return f"{'an estimated' if s.estimated_from else 'about'} {s.saving / 1e6:.0f} MB smaller"
