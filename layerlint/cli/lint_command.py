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
        # `layerlint ... | head -1`: the reader left, which is no error of the run: the rest goes
        # nowhere, quietly, and the exit code is still the findings' (`set -o pipefail` sees it)
        _drop_stdout()
    except (OSError, ValueError, AttributeError) as exc:  # `> /dev/full`, `>&-`: the report is lost
        _drop_stdout()
        reason = "it is closed" if sys.stdout is None else getattr(exc, "strerror", None) or exc
        fail(f"cannot write to standard output: {reason}")


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def echo_err(message: str) -> None:
    """One line on stderr; control characters from the repository (file names, config keys) are
    escaped, so nothing in it can drive the terminal or a CI log."""
    from ..text import printable
    try:
        sys.stderr.write(printable(message) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def fail(message: str) -> None:
    echo_err(f"layerlint: error: {message}")
    sys.exit(EXIT_ERROR)


EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a process ended by Ctrl-C


def interruptible(command):
    """Ctrl-C ends ``command`` with one line and exit 130 (click's own handling exits 1, which
    CI would read as "findings")."""
    import functools

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except KeyboardInterrupt:
            echo_err("")  # off the line the terminal echoed ^C on
            echo_err("Aborted!")
            sys.exit(EXIT_INTERRUPTED)
    return run


@interruptible
def run_check(paths=(), formats=(), outputs=(), select=(), extend_select=(), ignore=(), fail_on=None,
              build_args=(), target=None, config_path=None, stdin_filename=None, no_color=False,
              quiet=False, shellcheck=None, jobs=0, fix=False, diff=False, unsafe_fixes=False,
              report_order="", severity=(), as_error=(), as_warning=(), as_info=(), as_style=(),
              trusted_registries=(), required_labels=(), exclude=(), extend_exclude=(), force_exclude=None,
              exit_zero=False, statistics=False, add_pragmas=False):
    """Lint ``paths`` and report; always ends with ``sys.exit`` (0, 1 or 2).  ``report_order``
    spells the command line's ``--format`` (F) and ``-o`` (O) options in the order given."""
    from ..engine.settings import ConfigError, Settings, find_config, forget_configs, load_config, with_overrides
    try:
        to_stdout, pairs = plan_reports(list(formats), list(outputs), report_order)
    except ValueError as exc:
        fail(str(exc))
    formats = [f for f, _ in pairs] + ([to_stdout] if to_stdout else [])
    if not paths:
        if sys.stdin is not None and not sys.stdin.isatty():
            paths = ("-",)
        else:
            fail("no paths given (try: layerlint Dockerfile)")
    # settings: defaults < each file's nearest config (or --config) < command line
    from ..engine.selection import SelectorError, parse_cli_selectors
    try:  # an empty or unknown selector is a usage error (engine/selection.py owns them)
        overrides = {"select": parse_cli_selectors(select, "--select") if select else None,
                     "extend_select": parse_cli_selectors(extend_select, "--extend-select"),
                     "ignore": parse_cli_selectors(ignore, "--ignore")}
    except SelectorError as exc:
        fail(str(exc))
    overrides.update(fail_on=fail_on or None, build_args=parse_build_args(build_args), target=target or None,
                     shellcheck=shellcheck, force_exclude=force_exclude,
                     exclude=_globs(exclude), extend_exclude=_globs(extend_exclude))
    from ..engine.settings import cli_rule_options, cli_severities
    try:
        overrides["severity"] = cli_severities(severity, {"error": as_error, "warning": as_warning,
                                                          "info": as_info, "style": as_style})
        overrides["rule_options"] = cli_rule_options({  # flags for config shortcuts (rules' config_key)
            "trusted-registries": ("--trusted-registry", trusted_registries),
            "required-labels": ("--require-label", required_labels)})
    except ValueError as exc:
        fail(str(exc))
    forget_configs()
    try:
        if config_path:  # the user named it: a broken one stops the run
            settings = with_overrides(load_config(config_path), overrides)
        else:  # each file its own (Settings.for_path); this one, the first path's, for the run's defaults
            cfg_file = find_config(next((p for p in paths if p != "-"), os.getcwd()))
            settings = with_overrides(load_config(cfg_file) if cfg_file else Settings(), overrides)
            settings = settings.replace(nearest=True, overrides=overrides)
    except ConfigError as exc:  # the first path's config: one line, as before any file (a broken
        fail(str(exc))          # config further down is the error of each file under it)
    for notice in settings.notices:  # a hadolint config's keys layerlint does not apply
        echo_err(f"layerlint: warning: {notice}")

    from ..engine.batch import run_paths
    diagram = "summary" in formats  # the summary draws each file's stage graph from its result
    skipped: list[tuple[str, str]] = []
    results = run_paths(paths, settings, stdin_filename=stdin_filename, jobs=jobs, diagram=diagram,
                        skipped=skipped)
    for path, reason in skipped:  # notices: what discovery did not follow or open, and why
        echo_err(f"layerlint: skipped {path}: {reason}")
    if add_pragmas:
        sys.exit(_add_pragmas(results, settings))
    if fix or diff:
        from ..engine.fixer import run_fixes
        results, diff_text = run_fixes(results, settings, write=not diff,
                                       stdin_name=(stdin_filename or "-") if "-" in paths else None,
                                       echo=echo_err, unsafe=unsafe_fixes, diagram=diagram,
                                       roots=[p for p in paths if p != "-"])  # fix nothing outside them

    from ..report import ReportOptions, render
    opts = ReportOptions(color=False, quiet=quiet, fail_on=settings.fail_on, tool_version=__version__,
                         unsafe_fixes=unsafe_fixes, fix_hint=not (fix or diff))
    if diff:
        to_stdout = None  # --diff: stdout carries the diff only (reports still go to -o files)
    for fmt, path in pairs:
        from ..engine.files import write_atomic
        try:
            write_atomic(path, render(fmt, results, opts))
        except OSError as exc:
            fail(f"cannot write {path}: {exc.strerror or exc}")
    if to_stdout and statistics:
        from ..report.statistics import render_statistics
        write_stdout(render_statistics(results, to_stdout))
    elif to_stdout:
        opts.color = to_stdout == "tty" and use_color(no_color)
        text = render(to_stdout, results, opts)
        write_stdout(text)
    if diff:
        write_stdout(diff_text)
    code = exit_code(results, settings.fail_on)
    sys.exit(EXIT_OK if exit_zero and code == EXIT_FINDINGS else code)


def _add_pragmas(results, settings) -> int:
    """``--add-pragmas``: a pragma above each instruction with findings, each file written
    atomically; says what it did on stderr.  Exit 0, or 2 when a file had errors."""
    from ..engine.baseline import with_pragmas
    from ..engine.files import write_atomic
    from ..engine.lint_file import lint_bytes
    from ..syntax.source import read_source
    added = files = left = 0
    for r in results:
        if r.errors or not r.findings:
            continue
        if r.path == "-":
            fail("--add-pragmas cannot write to standard input: name the files")
        try:
            data = read_source(r.path)
            new = with_pragmas(data, r.findings)
            if new is None:
                continue
            write_atomic(r.path, new)
        except OSError as exc:
            fail(f"cannot write {r.path}: {exc.strerror or exc}")
        files += 1
        added += new.count(b"# layerlint: ignore=") - data.count(b"# layerlint: ignore=")
        again = lint_bytes(new, r.path, settings, context_dir=os.path.dirname(os.path.abspath(r.path)),
                           real_path=r.path)
        left += len(again.findings)
    echo_err(f"layerlint: added {added} pragma{'s' if added != 1 else ''} to {files} file{'s' if files != 1 else ''}"
             + (f"; {left} finding{'s' if left != 1 else ''} could not be silenced this way" if left else ""))
    return EXIT_ERROR if any(r.errors for r in results) else EXIT_OK


def _globs(values) -> list[str]:
    """Repeated, comma-separated glob options (``--exclude a,b --exclude c``)."""
    return [g.strip() for v in values for g in v.split(",") if g.strip()]


def plan_reports(formats: list[str], outputs: list[str], order: str) -> tuple[str | None, list[tuple[str, str]]]:
    """Which format goes to stdout and which to each ``-o`` file: ``(stdout format or None,
    [(format, file), ...])``.  Raises ValueError with the usage error.

    Each ``-o`` writes the ``--format`` just before it; a run of several ``-o`` after a run of
    formats pairs with the last formats of that run, in order, so ``--format tty --format sarif
    -o r.sarif`` and ``--format json -o r.json --format sarif -o r.sarif --format tty`` mean what
    they say, and the older spelling, all formats then one file each (or one fewer, to print the
    first), still works.  At most one format is left for stdout.  With no ``--format`` the one
    report is tty; a lone ``-o`` and a lone ``--format`` pair whatever their order."""
    if len(order) != len(formats) + len(outputs):  # a caller that did not say: formats first
        order = "F" * len(formats) + "O" * len(outputs)
    if not formats:
        if len(outputs) > 1:
            raise ValueError(f"{len(outputs)} output files for one report: give a --format before each -o")
        return (None, [("tty", outputs[0])]) if outputs else ("tty", [])
    if len(formats) == 1 and len(outputs) == 1:
        return None, [(formats[0], outputs[0])]
    bound: list[str | None] = [None] * len(formats)
    run: list[int] = []  # indexes of the formats since the last -o
    fi = oi = 0
    i = 0
    while i < len(order):
        if order[i] == "F":
            run.append(fi)
            fi += 1
            i += 1
            continue
        j = i
        while j < len(order) and order[j] == "O":
            j += 1
        files = outputs[oi:oi + j - i]
        oi += len(files)
        if not run:
            raise ValueError(f"-o {files[0]} comes before any --format it could write: put each -o right "
                             "after its --format")
        if len(files) > len(run):
            raise ValueError(f"{len(files)} -o files after {len(run)} --format option(s): each -o writes "
                             "the --format before it")
        for k, path in zip(run[len(run) - len(files):], files):
            bound[k] = path
        run = []
        i = j
    left = [formats[k] for k, path in enumerate(bound) if path is None]
    if len(left) > 1:
        raise ValueError(f"--format {' and --format '.join(left)} would all print to stdout: give all but "
                         "one of them an -o FILE right after it")
    pairs = [(f, path) for f, path in zip(formats, bound) if path is not None]
    return (left[0] if left else None), pairs


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
