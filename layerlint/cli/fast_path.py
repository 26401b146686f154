"""The ``layerlint`` console script and ``python -m layerlint``.

Importing click costs about 28 ms, more than hadolint's whole run, and most invocations (the
pre-commit hook, the Action, a terminal) are a plain ``layerlint [OPTIONS] PATH...``.  So
``fast_parse`` recognises exactly that shape, with ``check``'s own options in their ordinary
spellings, and hands the values to ``run_check`` without importing click.  Anything else (a
subcommand, ``--help``, ``--version``, a bad value, an unknown or abbreviated option, ``--``, no
arguments) goes to the click CLI, which owns every message and every error.  tests/test_entry.py
checks that whatever this accepts, click parses to the very same values.
"""
from __future__ import annotations

import os
import stat
import sys

from .lint_command import FAIL_LEVELS, FORMATS

SUBCOMMANDS = ("check", "rules", "rule", "explain", "server", "migrate")

# option spelling -> (parameter, (kind, extra)): ("const", v) is a flag that sets v; ("multi",
# choices) appends each value; ("one", choices) keeps the last; ("int", None) an integer.
# choices None: any non-empty string.
_OPTIONS = {
    "--format": ("formats", ("multi", FORMATS)),
    "-o": ("outputs", ("multi", None)), "--output": ("outputs", ("multi", None)),
    "--select": ("select", ("multi", None)),
    "--extend-select": ("extend_select", ("multi", None)),
    "--ignore": ("ignore", ("multi", None)),
    "--fail-on": ("fail_on", ("one", FAIL_LEVELS)),
    "--build-arg": ("build_args", ("multi", None)),
    "--target": ("target", ("one", None)),
    "--config": ("config_path", ("one", None)),
    "--stdin-filename": ("stdin_filename", ("one", None)),
    "-j": ("jobs", ("int", None)), "--jobs": ("jobs", ("int", None)),
    "--no-color": ("no_color", ("const", True)),
    "-q": ("quiet", ("const", True)), "--quiet": ("quiet", ("const", True)),
    "--shellcheck": ("shellcheck", ("const", True)),
    "--no-shellcheck": ("shellcheck", ("const", False)),
    "--fix": ("fix", ("const", True)),
    "--diff": ("diff", ("const", True)),
    "--unsafe-fixes": ("unsafe_fixes", ("const", True)),
    "--severity": ("severity", ("multi", None)),
    "--error": ("as_error", ("multi", None)),
    "--warning": ("as_warning", ("multi", None)),
    "--info": ("as_info", ("multi", None)),
    "--style": ("as_style", ("multi", None)),
    "--trusted-registry": ("trusted_registries", ("multi", None)),
    "--require-label": ("required_labels", ("multi", None)),
    "--exclude": ("exclude", ("multi", None)),
    "--extend-exclude": ("extend_exclude", ("multi", None)),
    "--force-exclude": ("force_exclude", ("const", True)),
    "--exit-zero": ("exit_zero", ("const", True)),
    "--statistics": ("statistics", ("const", True)),
    "--add-pragmas": ("add_pragmas", ("const", True)),
}


def _path_ok(path: str, dir_okay: bool = True) -> bool:
    """What click.Path (exists=False, readable=True) accepts without an error."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return True
    if not dir_okay and stat.S_ISDIR(st.st_mode):
        return False
    return os.access(path, os.R_OK)


def fast_parse(args: list[str]) -> dict | None:
    """``run_check`` keyword arguments for a plain lint invocation (the options given, and the
    paths; ``run_check``'s defaults fill in the rest), or None to let click decide."""
    if not args or args[0] in SUBCOMMANDS:
        return None
    values: dict = {}
    lists: dict[str, list[str]] = {}
    paths: list[str] = []
    order: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "-" or not arg.startswith("-"):
            # any path is taken (as click.Path(readable=False) does): an unreadable file is that
            # file's error line, not a usage error, and the other files are still linted
            paths.append(arg)
            continue
        # click reads "-o=x" as -o with the value "=x"; only long options take "=value"
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        spec = _OPTIONS.get(name)
        if spec is None:
            return None  # --help, --version, --, -qj2, unknown: click's business
        param, (kind, choices) = spec
        if kind == "const":
            if eq:
                return None
            values[param] = choices
            continue
        if not eq:
            if i >= len(args) or args[i].startswith("-"):
                return None  # missing value, or one click might read differently
            value = args[i]
            i += 1
        if not value or (choices and value not in choices):
            return None
        if param in ("outputs", "config_path") and not _path_ok(value, dir_okay=False):
            return None
        if kind == "multi":
            lists.setdefault(param, []).append(value)
            if param in ("formats", "outputs"):  # each -o pairs with the --format before it
                order.append("F" if param == "formats" else "O")
        elif kind == "int":
            if not value.isascii() or not value.isdigit():
                return None
            values[param] = int(value)
        else:
            values[param] = value
    values["paths"] = tuple(paths)
    if order:
        values["report_order"] = "".join(order)
    for param, items in lists.items():
        values[param] = tuple(items)
    return values


def main(argv: list[str] | None = None):
    args = sys.argv[1:] if argv is None else list(argv)
    values = fast_parse(args)
    if values is None:
        from .app import main as click_main
        return click_main() if argv is None else click_main(args)
    from .lint_command import run_check
    run_check(**values)  # which ends with sys.exit (130 on Ctrl-C)
