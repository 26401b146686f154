"""What ``layerlint [OPTIONS] PATH...`` does once its options are known.

Kept apart from the click definitions in ``cli/app.py`` so that a plain lint run
(``cli/fast_path.py``) never pays for importing click; both front ends call ``run_check`` with the same values.
"""
from __future__ import annotations

import os
import sys

from .. import __version__

FORMATS = ("tty", "json", "sarif", "github", "gitlab", "checkstyle", "junit", "summary")
FAIL_LEVELS = ("error", "warning", "info", "style", "none")
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def parse_build_args(values) -> dict[str, str]:
    out = {}
    for v in values:
        if "=" not in v:
            # docker build --build-arg NAME takes the value from the environment
            if v in os.environ:
                out[v] = os.environ[v]
            continue
        k, val = v.split("=", 1)
        out[k] = val
    return out


def use_color(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def write_stdout(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # `layerlint ... | head -1`: the reader left; exit quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_OK)


def echo_err(message: str) -> None:
    try:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def fail(message: str) -> None:
    echo_err(f"layerlint: error: {message}")
    sys.exit(EXIT_ERROR)


def run_check(paths=(), formats=(), outputs=(), select=(), extend_select=(), ignore=(), fail_on=None,
              build_args=(), target=None, config_path=None, stdin_filename=None, no_color=False,
              quiet=False, shellcheck=None, jobs=0, fix=False, diff=False, unsafe_fixes=False):
    """Lint ``paths`` and report; always ends with ``sys.exit`` (0, 1 or 2)."""
    from ..engine.settings import ConfigError, Settings, find_config, load_config
    formats = list(formats) or ["tty"]
    if len(outputs) not in (len(formats), len(formats) - 1) and (outputs or len(formats) > 1):
        fail(f"{len(outputs)} output file(s) for {len(formats)} format(s): give one file per format, "
              "or one fewer to print the first format")
    if not paths:
        if sys.stdin is not None and not sys.stdin.isatty():
            paths = ("-",)
        else:
            fail("no paths given (try: layerlint Dockerfile)")
    # settings: defaults < config file < command line
    try:
        cfg_file = config_path or find_config(next((p for p in paths if p != "-"), os.getcwd()))
        settings = load_config(cfg_file) if cfg_file else Settings()
    except ConfigError as exc:
        fail(str(exc))
    from ..engine.selection import SelectorError, apply_cli_selectors
    try:  # an empty or unknown selector is a usage error (engine/selection.py owns them)
        apply_cli_selectors(settings, select, extend_select, ignore)
    except SelectorError as exc:
        fail(str(exc))
    if fail_on:
        settings.fail_on = fail_on
    settings.build_args.update(parse_build_args(build_args))
    if target:
        settings.target = target
    if shellcheck is not None:
        settings.shellcheck = shellcheck

    from ..engine.batch import run_paths
    diagram = "summary" in formats  # the summary draws each file's stage graph from its result
    results = run_paths(paths, settings, stdin_filename=stdin_filename, jobs=jobs, diagram=diagram)
    if fix or diff:
        from ..engine.fixer import run_fixes
        results, diff_text = run_fixes(results, settings, write=not diff,
                                       stdin_name=(stdin_filename or "-") if "-" in paths else None,
                                       echo=echo_err, unsafe=unsafe_fixes, diagram=diagram)

    from ..report import ReportOptions, render
    opts = ReportOptions(color=False, quiet=quiet, fail_on=settings.fail_on, tool_version=__version__,
                         unsafe_fixes=unsafe_fixes, fix_hint=not (fix or diff))
    to_stdout = formats[0] if len(outputs) < len(formats) else None
    pairs = list(zip(formats[1:] if to_stdout else formats, outputs))
    if diff:
        to_stdout = None  # --diff: stdout carries the diff only (reports still go to -o files)
    for fmt, path in pairs:
        from ..engine.files import write_atomic
        try:
            write_atomic(path, render(fmt, results, opts))
        except OSError as exc:
            fail(f"cannot write {path}: {exc.strerror or exc}")
    if to_stdout:
        opts.color = to_stdout == "tty" and use_color(no_color)
        text = render(to_stdout, results, opts)
        write_stdout(text)
    if diff:
        write_stdout(diff_text)
    sys.exit(exit_code(results, settings.fail_on))


def exit_code(results, fail_on: str) -> int:
    from ..engine.results import SEVERITY_RANK
    if any(r.errors for r in results):
        return EXIT_ERROR
    if fail_on == "none":
        return EXIT_OK
    threshold = SEVERITY_RANK[fail_on]
    if any(SEVERITY_RANK[f.severity] >= threshold for r in results for f in r.findings):
        return EXIT_FINDINGS
    return EXIT_OK
