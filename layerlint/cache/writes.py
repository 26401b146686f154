"""Where a RUN can write: the image paths a RUN's commands may change, when they can be known.

``COPY --from=<stage> <path>`` is keyed on the content of ``<path>`` in the stage's result, so
a stage that re-ran a RUN keeps that COPY cached when the RUN cannot have written ``<path>``.
:func:`run_writes` answers with the absolute paths (each standing for everything under it)
a RUN may create, change or delete, or None when it may write anywhere: a program whose
writes are not known (a package manager, a build tool, a script), a path that depends on a
value not known here, ``xargs``, ``find -exec``...  Only commands whose every write is named
in their arguments are known: shell redirections, ``cp``/``mv``/``ln``/``install``,
``mkdir``/``touch``/``rm``/``chmod``/``chown``, ``tee``, ``sed -i``, ``tar -x``/``-c``,
``unzip``, ``curl -o``/``-O``, ``wget``, ``git clone``, and commands that write nothing
(``echo``, ``test``, ``ls``...).  Every RUN also writes the mount points of its ``--mount``s and
the files the runtime bind-mounts (``/etc/hosts``, ``/etc/resolv.conf``, ``/etc/hostname``,
``/dev``, ``/proc``, ``/sys``).
"""
from __future__ import annotations

import posixpath
import re

from ..shell.commands import inline_script, parse_options, shell_name, wrappers

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Iterable, Optional

RUNTIME_PATHS = ("/etc/hosts", "/etc/resolv.conf", "/etc/hostname", "/dev", "/proc", "/sys")
# programs that write nothing (their output goes to stdout, redirections are seen separately)
_READ_ONLY = frozenset({
    "echo", "printf", "true", "false", ":", "test", "[", "[[", "ls", "cat", "sleep", "pwd", "id", "whoami",
    "uname", "date", "wc", "basename", "dirname", "readlink", "realpath", "stat", "grep", "egrep", "fgrep",
    "head", "tail", "cut", "tr", "sha256sum", "sha1sum", "sha512sum", "md5sum", "set", "export", "unset",
    "exit", "return", "shopt", "umask", "type", "hash", "which", "env", "printenv", "nproc", "du", "df",
    "file", "diff", "cmp", "expr", "seq", "yes", "hostname", "arch", "getent", "groups", "tty", "locale",
})
_WRITES_OPERANDS = {
    # program -> (short options with a value, long options with a value, operands skipped first)
    "mkdir": ("m", ("--mode", "--context"), 0),
    "touch": ("dtr", ("--date", "--reference", "--time"), 0),
    "rm": ("", (), 0),
    "rmdir": ("", (), 0),
    "unlink": ("", (), 0),
    "tee": ("", (), 0),
    "chown": ("", ("--reference", "--from"), 1),
    "chgrp": ("", ("--reference",), 1),
}
_SIMPLE_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


class _Unknown(Exception):
    """The RUN may write anywhere."""


def run_writes(commands: Iterable, cwd: Optional[str], env: Callable[[str], Optional[str]],
               mount_targets: Iterable[str] = (), exec_form: Optional[list[str]] = None) -> Optional[list[str]]:
    """The absolute paths the RUN may write (deduplicated), or None: anywhere.

    ``commands``: the ``(script, command)`` pairs of the RUN (``Graph.run_commands``; a
    shell-form RUN whose scripts could not be read gives none, so pass ``exec_form`` or get
    None); ``cwd``: its working directory (None: unknown); ``env(name)``: a variable's value
    when the Dockerfile sets it, else None."""
    out: list[str] = list(RUNTIME_PATHS)
    for t in mount_targets:
        if not t:
            continue
        p = _resolve(t, cwd)
        if p is None:
            return None
        out.append(p)
    try:
        if exec_form is not None:
            from ..shell.parser import Word
            words = [Word(a, a, 0, 0) for a in exec_form]
            _command(words, [], cwd, env, out)
        else:
            pairs = list(commands)
            if not pairs:
                raise _Unknown()
            env = _script_env(pairs, env)
            for _script, cmd in pairs:
                words = cmd.words
                if words and shell_name(words[0].value) in ("cd", "pushd", "popd") and not cmd.assignments:
                    operands = [w for w in words[1:] if not w.value.startswith("-")]
                    if cmd.in_subshell or cmd.in_compound or cmd.in_function or cmd.in_condition \
                            or cmd.in_substitution or cmd.pipe_length > 1 or shell_name(words[0].value) != "cd":
                        cwd = None  # where later commands run is no longer known
                    else:
                        target = _value(operands[0], env) if operands else None
                        cwd = _resolve(target, cwd) if target is not None else None
                    continue
                _redirects(cmd.redirects, cwd, env, out)
                _command(words, cmd.assignments, cwd, env, out)
    except _Unknown:
        return None
    return list(dict.fromkeys(out))


_ASSIGNED = re.compile(r"(?:^|[\s;&|(`])(?:(?:export|local|readonly|declare|typeset)\s+(?:-\w+\s+)*)?"
                       r"([A-Za-z_][A-Za-z0-9_]*)\+?=|\bfor\s+([A-Za-z_][A-Za-z0-9_]*)")


def _script_env(pairs, env):
    """``env`` minus the names the RUN's own scripts assign (``X=/opt; mkdir $X``, ``for d in``,
    ``read``): there ``$X`` is the script's value, not the Dockerfile's."""
    texts = {id(sc): sc.text for sc, _ in pairs if getattr(sc, "text", None) is not None}
    assigned: set[str] = set()
    reads = False
    for text in texts.values():
        for m in _ASSIGNED.finditer(text):
            assigned.add(m.group(1) or m.group(2))
        reads = reads or re.search(r"\b(read|getopts|mapfile|readarray)\b", text) is not None
    if reads:
        return lambda name: None
    return lambda name: None if name in assigned else env(name)


def _value(word, env) -> Optional[str]:
    """A word's value with ``$NAME`` / ``${NAME}`` replaced by values set in the Dockerfile;
    None when it holds anything else the shell would expand (or a variable not known here)."""
    v = word.value
    if not getattr(word, "has_expansion", False) and "$" not in v and "`" not in v:
        return v
    if "`" in v or "$(" in v or "$((" in v:
        return None
    unknown = []

    def sub(m):
        val = env(m.group(1) or m.group(2))
        if val is None:
            unknown.append(m.group(0))
            return ""
        return val
    out = _SIMPLE_VAR.sub(sub, v)
    if unknown or "$" in out:
        return None
    return out


def _resolve(path: Optional[str], cwd: Optional[str]) -> Optional[str]:
    """An absolute, normalized image path standing for ``path`` and everything under it; a glob
    or brace stands for its fixed directory; None when it cannot be known."""
    if path is None or path == "" or path.startswith("~"):
        return None
    cut = min((path.find(c) for c in "*?[{" if c in path), default=-1)
    if cut >= 0:
        path = path[:cut].rsplit("/", 1)[0] if "/" in path[:cut] else ""
        if path == "" and not cwd:
            return None
        if path == "":
            return cwd
    if not path.startswith("/"):
        if cwd is None:
            return None
        path = posixpath.join(cwd, path)
    return "/" + posixpath.normpath(path).lstrip("/")


def _add(out: list, word, cwd, env) -> None:
    v = _value(word, env)
    if v is not None and (v.startswith("/dev/") or v == "/dev"):
        return
    p = _resolve(v, cwd)
    if p is None:
        raise _Unknown()
    out.append(p)


def _opt_word(o):
    """An option's value as a shell word (the value alone when it came glued: ``-C/x``)."""
    return o.value_word or _W(o.value or "")


def _into(out: list, word, cwd, env) -> None:
    """A tool writes into ``word`` (a directory option or operand), else into the working
    directory, which must be known."""
    if word is not None:
        _add(out, word, cwd, env)
    elif cwd is None:
        raise _Unknown()
    else:
        out.append(cwd)


def _redirects(redirects, cwd, env, out) -> None:
    for op, target in redirects:
        if ">" not in op or target is None:
            continue  # input only (`<`, `<<`, `<<<`)
        v = target.value
        if op.endswith("&") or op.endswith(">&"):
            if v.isdigit() or v == "-":
                continue  # `2>&1`: a duplicated descriptor
        _add(out, target, cwd, env)


def _operands(words, short_val: str, long_val, skip: int = 0) -> list:
    p = parse_options(words, short_val, long_val)
    if any(o.name in ("--files0-from",) for o in p.opts):
        raise _Unknown()
    return p.operands[skip:]


def _command(words, assignments, cwd, env, out) -> None:
    if not words:
        return  # assignments only
    found, at = wrappers(words)
    for w_at, w_end in found:
        name = shell_name(words[w_at].value)
        if name in ("xargs", "busybox"):
            raise _Unknown()  # its command's arguments come from its input
        for w in words[w_at + 1:w_end]:
            if w.value in ("-C", "-D", "--chdir") or w.value.startswith(("--chdir=", "-C", "-D")) \
                    and name in ("env", "sudo"):
                raise _Unknown()  # runs in another directory
    words = words[at:]
    if not words:
        return
    prog = shell_name(words[0].value)
    args = words[1:]
    if words[0].has_expansion if hasattr(words[0], "has_expansion") else False:
        raise _Unknown()
    if prog in ("sh", "bash", "ash", "dash"):
        if inline_script(words) is None:
            raise _Unknown()  # a script file, or a script whose text is not read here
        return  # its commands are listed after this one
    if prog == "find":
        if any(w.value in ("-delete", "-exec", "-execdir", "-ok", "-okdir", "-fprint", "-fprint0", "-fprintf",
                           "-fls") for w in args):
            raise _Unknown()
        return
    if prog == "sort":
        p = parse_options(args, "oSTtk", ("--output", "--buffer-size", "--temporary-directory", "--key",
                                            "--field-separator"))
        for o in p.opts:
            if o.name in ("-o", "--output") and o.value is not None:
                _add(out, _opt_word(o), cwd, env)
        return
    if prog in _READ_ONLY:
        return
    if prog == "chmod":
        mode_seen = False
        for w in args:
            v = w.value
            if v.startswith("--"):
                continue  # --recursive, --reference=FILE (then every operand is a path)
            if not mode_seen and (re.fullmatch(r"[0-7]+", v) or re.fullmatch(r"[ugoa]*(?:[-+=][rwxXstugo]*)+"
                                                                           r"(?:,[ugoa]*(?:[-+=][rwxXstugo]*)+)*", v)):
                mode_seen = True  # `-x` is a mode here, not an option
                continue
            if v.startswith("-") and re.fullmatch(r"-[RfvcH]+", v):
                continue
            _add(out, w, cwd, env)
        return
    if prog in _WRITES_OPERANDS:
        short_val, long_val, skip = _WRITES_OPERANDS[prog]
        if prog in ("chown", "chgrp") and any(w.value.startswith("--reference") for w in args):
            skip = 0
        for w in _operands(args, short_val, long_val, skip):
            _add(out, w, cwd, env)
        return
    if prog in ("cp", "mv", "ln", "install"):
        short_val = {"cp": "tS", "mv": "tS", "ln": "tS", "install": "tSmogZ"}[prog]
        p = parse_options(args, short_val, ("--target-directory", "--suffix", "--mode", "--owner", "--group",
                                             "--context", "--backup", "--sparse", "--reflink"))
        target = [o for o in p.opts if o.name in ("-t", "--target-directory")]
        ops = p.operands
        if prog == "install" and p.has("-d", "--directory"):
            for w in ops:
                _add(out, w, cwd, env)
            return
        if target:
            _add(out, _opt_word(target[0]), cwd, env)
            dests = []
        elif ops:
            dests = [ops[-1]]
            ops = ops[:-1]
        else:
            raise _Unknown()
        for w in dests:
            _add(out, w, cwd, env)
        if prog == "mv":
            for w in ops:  # a moved source is gone from where it was
                _add(out, w, cwd, env)
        return
    if prog == "sed":
        p = parse_options(args, "efl", ("--expression", "--file", "--line-length"))
        if not any(o.name in ("-i", "--in-place") or o.name.startswith("--in-place") for o in p.opts) and \
                not any(w.value.startswith("-i") for w in args):
            return  # writes stdout (a `w` command in the script is not looked for)
        files = p.operands if p.has("-e", "--expression", "-f", "--file") else p.operands[1:]
        for w in files:
            _add(out, w, cwd, env)
        return
    if prog == "tar":
        _tar(args, cwd, env, out)
        return
    if prog == "unzip":
        p = parse_options(args, "dx", ())
        d = p.first("-d")
        _into(out, _opt_word(d) if d is not None else None, cwd, env)
        return
    if prog == "curl":
        _curl(args, cwd, env, out)
        return
    if prog == "wget":
        _wget(args, cwd, env, out)
        return
    if prog == "git" and args and args[0].value == "clone":
        p = parse_options(args[1:], "obcju", ("--origin", "--branch", "--config", "--depth", "--jobs",
                                                "--reference", "--separate-git-dir", "--template",
                                                "--upload-pack", "--filter", "--shallow-since",
                                                "--shallow-exclude", "--server-option", "--bundle-uri"))
        if any(o.name.startswith(("--separate-git-dir", "--template")) for o in p.opts):
            raise _Unknown()
        _into(out, p.operands[1] if len(p.operands) >= 2 else None, cwd, env)
        return
    raise _Unknown()


class _W:
    """A word made from an option value (``-o FILE`` glued: ``-oFILE``)."""
    __slots__ = ("value", "has_expansion")

    def __init__(self, value: str) -> None:
        self.value = value
        self.has_expansion = "$" in value or "`" in value


def _tar(args, cwd, env, out) -> None:
    if not args:
        raise _Unknown()
    first = args[0].value
    letters = first.lstrip("-") if not first.startswith("--") else ""
    flags = set(letters) if letters and not first.startswith("-") else set()  # `tar xzf f` (old style)
    p = parse_options(args if not flags else args[1:], "fCbHKNTVX" if not flags else "CbHKNTVX",
                      ("--file", "--directory", "--exclude", "--transform", "--owner", "--group",
                       "--mode", "--strip-components", "--files-from", "-T"))
    for o in p.opts:
        if len(o.name) == 2:
            flags.add(o.name[1])
    names = {o.name for o in p.opts}
    extract = "x" in flags or "--extract" in names or "--get" in names
    create = "c" in flags or "--create" in names or "r" in flags or "u" in flags
    if extract == create:
        raise _Unknown()
    if extract:
        d = [o for o in p.opts if o.name in ("-C", "--directory")]
        _into(out, _opt_word(d[-1]) if d else None, cwd, env)
        return
    f = [o for o in p.opts if o.name in ("-f", "--file")]
    if flags and "f" in flags and not f:  # `tar czf out.tgz dir`: the first operand is the file
        if not p.operands:
            raise _Unknown()
        _add(out, p.operands[0], cwd, env)
        return
    if not f:
        raise _Unknown()
    if f[-1].value != "-":
        _add(out, _opt_word(f[-1]), cwd, env)


def _curl(args, cwd, env, out) -> None:
    long_val = ("--output", "--output-dir", "--cookie-jar", "--dump-header", "--trace", "--trace-ascii",
                "--etag-save", "--libcurl", "--stderr", "--config", "--header", "--data", "--user", "--request",
                "--user-agent", "--data-binary", "--data-raw", "--form", "--retry", "--max-time", "--proto",
                "--connect-timeout", "--cacert", "--cert", "--key", "--proxy", "--resolve", "--url",
                "--write-out", "--range", "--referer", "--cookie", "--upload-file", "--data-urlencode")
    p = parse_options(args, "oDcKHduXAeCmrbETwxF", long_val)
    remote = False
    out_dir = None
    for o in p.opts:
        if o.name in ("-o", "--output", "-D", "--dump-header", "-c", "--cookie-jar", "--trace", "--trace-ascii",
                      "--etag-save", "--libcurl", "--stderr"):
            if o.value in (None, "-"):
                continue
            _add(out, _opt_word(o), cwd, env)
        elif o.name in ("-O", "--remote-name", "--remote-name-all", "-J", "--remote-header-name"):
            remote = True
        elif o.name == "--output-dir":
            out_dir = o
        elif o.name in ("-K", "--config", "--create-dirs"):
            if o.name != "--create-dirs":
                raise _Unknown()  # a config file may name outputs
    if remote:
        _into(out, _opt_word(out_dir) if out_dir is not None else None, cwd, env)


def _wget(args, cwd, env, out) -> None:
    p = parse_options(args, "OoaPiBtTwlUeQDAR",
                      ("--output-document", "--output-file", "--append-output", "--directory-prefix",
                       "--input-file", "--tries", "--timeout", "--wait", "--level", "--user-agent", "--execute",
                       "--header", "--user", "--password", "--quota", "--domains", "--accept", "--reject",
                       "--post-data", "--ca-certificate", "--certificate", "--hsts-file"),
                      long_prefixes=("-nv", "-nc", "-nd", "-nH", "-np"))
    doc = [o for o in p.opts if o.name in ("-O", "--output-document")]
    for o in p.opts:
        if o.name in ("-o", "--output-file", "-a", "--append-output"):
            _add(out, _opt_word(o), cwd, env)
        elif o.name in ("-i", "--input-file", "-e", "--execute", "-r", "--recursive", "-m", "--mirror"):
            raise _Unknown()
    if doc:
        if doc[-1].value != "-":
            _add(out, _opt_word(doc[-1]), cwd, env)
    else:
        d = [o for o in p.opts if o.name in ("-P", "--directory-prefix")]
        _into(out, _opt_word(d[-1]) if d else None, cwd, env)
    # wget keeps its HSTS database in $HOME/.wget-hsts
    out.extend(("/root", "/home"))
