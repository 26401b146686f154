"""Command line: ``layerlint [OPTIONS] PATH...`` plus ``rules``, ``rule CODE`` and ``explain``.

A thin front end: the click definitions of every command and option.  What ``check`` does lives
in ``lint_command.py``; a plain lint run skips this module entirely (see ``fast_path.py``).  Heavy modules are
imported inside the commands that need them.
"""
from __future__ import annotations


import click

from .. import __version__
from .lint_command import (FAIL_LEVELS, FORMATS, fail, interruptible, parse_build_args, run_check, use_color,
                           write_stdout)


class _DefaultToCheck(click.Group):
    """``layerlint PATH`` means ``layerlint check PATH`` (like hadolint), subcommands stay."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        elif not args:
            args = ["check"]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="layerlint", message="%(prog)s %(version)s")
def main() -> None:
    """layerlint: a Dockerfile linter that knows how BuildKit builds and caches.

    \b
    layerlint Dockerfile            lint files or directories (same as `layerlint check`)
    layerlint rules                 list every rule
    layerlint rule LL101            explain one rule
    layerlint explain Dockerfile    show layers and what invalidates each step's cache
    layerlint server                the language server, for editors
    """


class _CheckCommand(click.Command):
    """``check``, also passing the order of its ``--format`` and ``-o`` options (``report_order``,
    e.g. "FOFOF"): each ``-o`` writes the ``--format`` before it, and click keeps each option's
    values but not how they interleave."""

    def make_parser(self, ctx):
        parser = super().make_parser(ctx)
        parse = parser.parse_args

        def parse_args(args):
            opts, rest, order = parse(args)
            ctx.meta["layerlint.report_order"] = "".join(
                "F" if p.name == "formats" else "O" for p in order if p.name in ("formats", "outputs"))
            return opts, rest, order
        parser.parse_args = parse_args
        return parser

    def parse_args(self, ctx, args):
        rest = super().parse_args(ctx, args)
        ctx.params["report_order"] = ctx.meta.pop("layerlint.report_order", "")
        return rest


@main.command("check", cls=_CheckCommand)
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True, readable=False))
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS),
    help="Report format (repeatable; an -o after it writes it to a file). Default: tty.")
@click.option("-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False),
              help="Write the --format before it to FILE (atomically); the format left without one prints.")
@click.option("--select", multiple=True, help="Only these rules (codes, prefixes, names, DLxxxx or BuildKit names; comma-separated).")
@click.option("--extend-select", multiple=True, help="Add rules to the selected set (e.g. opt-in rules).")
@click.option("--ignore", multiple=True, help="Never report these rules.")
@click.option("--fail-on", type=click.Choice(FAIL_LEVELS), default=None,
              help="Exit 1 when a finding is at or above this level (default: info).")
@click.option("--build-arg", "build_args", multiple=True, metavar="NAME=VALUE", help="Build arg used to resolve ARGs (repeatable).")
@click.option("--target", default=None, help="Stage to lint as the build target (default: the last).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Config file (default: nearest .layerlint.toml or pyproject.toml [tool.layerlint]).")
@click.option("--stdin-filename", default=None, help="Name to report for '-' (stdin).")
@click.option("--no-color", is_flag=True, help="Plain output (also NO_COLOR=1).")
@click.option("-q", "--quiet", is_flag=True, help="Only findings, no code frames or summary.")
@click.option("--shellcheck/--no-shellcheck", default=None, help="Run ShellCheck on RUN scripts.")
@click.option("--jobs", "-j", type=int, default=0, help="Processes for large batches (0: automatic).")
@click.option("--fix", "fix", is_flag=True, help="Apply the safe fixes of the findings to the files (atomically).")
@click.option("--diff", "diff", is_flag=True, help="Print the fixes as a unified diff instead of writing them.")
@click.option("--unsafe-fixes", "unsafe_fixes", is_flag=True,
              help="With --fix or --diff, also apply the unsafe fixes (they change what the image contains or how it runs).")
@click.option("--severity", "severity", multiple=True, metavar="RULE=LEVEL",
              help="Severity override (repeatable): a rule code or name, BuildKit check or hadolint code, e.g. DL3008=error.")
@click.option("--error", "as_error", multiple=True, metavar="RULE", help="Report RULE as an error (hadolint's --error).")
@click.option("--warning", "as_warning", multiple=True, metavar="RULE", help="Report RULE as a warning.")
@click.option("--info", "as_info", multiple=True, metavar="RULE", help="Report RULE as info.")
@click.option("--style", "as_style", multiple=True, metavar="RULE", help="Report RULE as style.")
@click.option("--trusted-registry", "trusted_registries", multiple=True, metavar="REGISTRY",
              help="Registry images may come from (repeatable; LL104, hadolint's DL3026).")
@click.option("--require-label", "required_labels", multiple=True, metavar="NAME:TYPE",
              help="Label the image must set, and its type (repeatable; LL515): string, url, email, semver, rfc3339, hash, spdx.")
@click.option("--exclude", "exclude", multiple=True, metavar="GLOB",
              help="Globs discovery skips, replacing the default (.git, node_modules, ...; comma-separated).")
@click.option("--extend-exclude", "extend_exclude", multiple=True, metavar="GLOB", help="Globs skipped besides those.")
@click.option("--force-exclude", "force_exclude", is_flag=True, default=None,
              help="Apply the exclude globs to files named on the command line too (pre-commit).")
@click.option("--exit-zero", "exit_zero", is_flag=True, help="Exit 0 even with findings (2 still means an error).")
@click.option("--statistics", "statistics", is_flag=True, help="Print how many findings each rule has, instead of the findings.")
@click.option("--add-pragmas", "add_pragmas", is_flag=True,
              help="Write `# layerlint: ignore=...` above each instruction with findings (adopting on an old repository).")
def check_command(report_order="", **options):
    """Lint Dockerfiles (files, directories, or - for stdin)."""
    run_check(report_order=report_order, **options)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["tty", "json", "markdown", "parity"]), default="tty")
@click.option("--all", "show_all", is_flag=True, help="Also list opt-in rules (they are listed by default, marked).")
def rules_command(fmt, show_all):
    """List every rule: code, severity, summary, hadolint / BuildKit equivalents."""
    from ..rules import all_rules
    rules = list(all_rules().values())
    if fmt == "json":
        import json
        write_stdout(json.dumps([{
            "code": r.code, "name": r.name, "severity": r.severity, "summary": r.summary,
            "hadolint": list(r.hadolint), "buildkit": list(r.buildkit),
            "enabled_by_default": r.enabled_by_default, "fixable": r.fixable} for r in rules], indent=2) + "\n")
        return
    if fmt == "markdown":
        from ..report.rule_docs import rules_table
        write_stdout(rules_table(rules))
        return
    if fmt == "parity":
        from ..report.rule_docs import parity_markdown
        write_stdout(parity_markdown(rules))
        return
    width = max(len(r.name) for r in rules)
    lines = []
    for r in rules:
        eq = ", ".join(list(r.hadolint) + list(r.buildkit))
        opt = "" if r.enabled_by_default else " (opt-in)"
        fix = " [fix]" if r.fixable else ""
        lines.append(f"{r.code}  {r.name:<{width}}  {r.severity:<7}  {r.summary}{opt}{fix}"
                     + (f"  [{eq}]" if eq else ""))
    write_stdout("\n".join(lines) + "\n")


@main.command("rule")
@click.argument("code")
def rule_command(code):
    """Show a rule's documentation (code, name, hadolint DLxxxx or BuildKit check name)."""
    from ..rules import by_buildkit_name, by_hadolint_code, find_rule
    rule = find_rule(code)
    if rule is None:
        matches = by_hadolint_code().get(code.upper()) or by_buildkit_name().get(code.lower())
        if matches:
            rule = matches[0]
    if rule is None:
        fail(f"unknown rule '{code}' (see `layerlint rules`)")
    from ..report.rule_docs import rule_markdown
    text = rule_markdown(rule)
    if use_color(False):
        from rich.console import Console
        from rich.markdown import Markdown
        Console().print(Markdown(text))
    else:
        write_stdout(text)


@main.command("migrate")
@click.argument("path", required=False, type=click.Path(dir_okay=False, readable=False))
@click.option("--write", "write", is_flag=True,
              help="Write .layerlint.toml beside the hadolint config (never replaces one) instead of printing it.")
@interruptible
def migrate_command(path, write):
    """Print the .layerlint.toml that keeps a .hadolint.yaml's settings (default: the nearest one)."""
    import os
    from ..engine import hadolint_config
    from ..engine.settings import ConfigError, validate
    from .lint_command import echo_err
    if path is None:
        path = hadolint_config.nearest(os.getcwd())
        if path is None:
            fail("no .hadolint.yaml or .hadolint.yml here or above; name one: layerlint migrate PATH")
    try:
        data, notices = hadolint_config.read(path)
        validate(data, path)
    except ConfigError as exc:
        fail(str(exc))
    for notice in notices:
        echo_err(f"layerlint: warning: {notice}")
    text = hadolint_config.to_toml(data, os.path.basename(path))
    if not write:
        write_stdout(text)
        return
    target = os.path.join(os.path.dirname(os.path.abspath(path)), ".layerlint.toml")
    if os.path.lexists(target):
        fail(f"{target} exists already; not replaced (print the settings with `layerlint migrate {path}`)")
    from ..engine.files import write_atomic
    try:
        write_atomic(target, text)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror or exc}")
    echo_err(f"layerlint: wrote {target}")


@main.command("explain")
@click.argument("dockerfile", required=False, type=click.Path(dir_okay=True))
@click.option("--context", "context", type=click.Path(), default=None,
              help="Build context directory (default: the Dockerfile's directory).")
@click.option("--target", default=None, help="Stage to build (default: the last).")
@click.option("--build-arg", "build_args", multiple=True, metavar="NAME=VALUE",
              help="Build arg (repeatable; over the config's build-args).")
@click.option("--changed", "changed", multiple=True, metavar="PATH|URL",
              help="Context-relative path whose content changed (a path that does not exist: added/deleted), "
                   "or the URL of a remote ADD whose content changed (repeatable).")
@click.option("--changed-arg", "changed_args", multiple=True, metavar="NAME[=OLD]",
              help="Build arg whose value differs from the last build's: NAME=OLD gives the value the last "
                   "build passed; NAME alone means the last build did not pass it when --build-arg passes it "
                   "now, else that its old value is unknown (repeatable).")
@click.option("--previous", "previous", type=click.Path(), default=None, metavar="OLD_DOCKERFILE",
              help="The Dockerfile as it was at the last build: its differences count as changes.")
@click.option("--previous-dockerignore", "previous_dockerignore", type=click.Path(), default=None, metavar="FILE",
              help="The .dockerignore the last build used ('' for none): what entered or left the context counts.")
@click.option("--since", "since", default=None, metavar="REF",
              help="Read the what-if from git: files changed since revision REF, the Dockerfile, .dockerignore and "
                   "config build-args as they were there. Without DOCKERFILE: every Dockerfile under the current "
                   "directory, one line each.")
@click.option("--format", "fmt", type=click.Choice(["tty", "json", "mermaid", "dot", "markdown"]), default="tty",
              help="markdown: what the change re-runs and the stage graph, for a CI job summary or a PR comment.")
@click.option("--no-color", is_flag=True, help="Plain output (also NO_COLOR=1).")
@interruptible
def explain_command(dockerfile, context, target, build_args, changed, changed_args, previous, previous_dockerignore,
                    since, fmt, no_color):
    """Show each step's layer and what invalidates its cache; with --changed, --changed-arg,
    --previous or --since, which steps a rebuild re-runs and why."""
    import os
    from ..cache.explain import ExplainError, explain
    from ..engine.settings import ConfigError, find_config, forget_configs, load_config, settings_near
    from ..report.explain import render, render_json, render_summary
    cli_args = parse_build_args(build_args)
    forget_configs()  # a config read earlier in this process may have changed since

    def config_args(path: str) -> tuple[dict, dict | None]:
        """(this build's args, the previous build's when --since finds other config build-args at REF)."""
        try:
            now = {**settings_near(path, {}).build_args, **cli_args}
            cfg = find_config(os.path.dirname(os.path.abspath(path))) if since else None
        except ConfigError as exc:
            fail(str(exc).splitlines()[0])
        if not cfg:
            return now, None
        import tempfile
        from ..cache.since import SinceError, repository_root, resolve, show
        try:
            root = repository_root(cfg)
            real = os.path.realpath(cfg)
            if not real.startswith(root.rstrip(os.sep) + os.sep):
                return now, None
            blob = show(resolve(since, root), os.path.relpath(real, root).replace(os.sep, "/"), root)
        except SinceError:
            return now, None  # the Dockerfile's own --since check says what is wrong
        old: dict = {}
        if blob is not None:
            with tempfile.TemporaryDirectory(prefix="layerlint-since-") as tmp:
                at = os.path.join(tmp, os.path.basename(cfg))  # same name: pyproject.toml stays one
                with open(at, "wb") as fh:
                    fh.write(blob)
                try:
                    old = dict(load_config(at).build_args)
                except ConfigError:
                    return now, None  # unreadable at REF: assume the same build args
        old = {**old, **cli_args}
        return now, (old if old != now else None)

    def one(path: str, ctx):
        args, old_args = config_args(path)
        return explain(path, context=ctx, target=target, build_args=args, changed=list(changed),
                       changed_args=list(changed_args), previous=previous, previous_build_args=old_args,
                       previous_dockerignore=previous_dockerignore, since=since)

    if dockerfile is None:
        if not since:
            fail("missing DOCKERFILE (or give --since REF to explain every Dockerfile under the current directory)")
        if context or previous or fmt in ("mermaid", "dot"):
            fail("--context, --previous, --format mermaid/dot need a DOCKERFILE")
        from ..cache.since import SinceError, repository_root, resolve
        from ..engine.discover import discover
        try:
            resolve(since, repository_root(os.getcwd()))
        except SinceError as exc:
            fail(str(exc))
        found, errors, diagrams = [], [], []
        for path in discover("."):
            path = os.path.normpath(path)  # `svc/Dockerfile`, as the lint reports it
            try:
                ex = one(path, None)
                found.append(ex.data)
                diagrams.append(ex.diagram)
            except ExplainError as exc:
                errors.append({"dockerfile": path, "error": str(exc).splitlines()[0] if str(exc) else "cannot explain"})
        data = {"since": since, "dockerfiles": found, "errors": errors}
        if fmt == "markdown":
            from ..report.explain import render_markdown
            write_stdout(render_markdown(list(zip(found, diagrams)) + [(e, None) for e in errors])
                         or "No Dockerfile found.\n")
        else:
            write_stdout(render_json(data) if fmt == "json" else
                         render_summary(data, color=use_color(no_color)) or "no Dockerfile found\n")
        if errors:
            raise SystemExit(2)
        return
    import gc
    gc.disable()  # everything built here lives to the end: a collection finds nothing, yet each
    try:  # full one walks every object so far (as engine.lint_file.without_cycle_collector)
        try:
            ex = one(dockerfile, context)
        except ExplainError as exc:
            fail(str(exc).splitlines()[0] if str(exc) else "cannot explain this Dockerfile")
        text = render(ex, fmt, color=fmt == "tty" and use_color(no_color))
    finally:
        gc.enable()
    write_stdout(text)


@main.command("server")
def server_command():
    """Run the language server (LSP over stdin and stdout, for editors)."""
    import importlib
    try:
        # a front end beside this one, above it in the layers: looked up by name, not imported
        server = importlib.import_module("layerlint.server.app")
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in ("pygls", "lsprotocol", "cattrs", "attrs"):
            raise
        fail("layerlint server needs the server extra: pip install 'layerlint[server]'")
    raise SystemExit(server.main())


if __name__ == "__main__":  # pragma: no cover
    main()
