"""Settings: defaults, then the config file, then the command line (each overriding the last).

A config is ``[tool.layerlint]`` in ``pyproject.toml`` or the top level of ``.layerlint.toml``,
found by walking up from the linted file (``--config`` names one explicitly).  It is validated
against ``schemas/config.schema.json`` and against the rules' declared options
(``rules/options.py``): an unknown key, a wrong type, an unknown rule or selector is a
``ConfigError`` naming the file, the line and the key.

The file comes from the repository, so it is read as hostile input: only a regular file (a
symlink is followed to one, but one found beside a Dockerfile not out of its repository; a
directory, FIFO or device is refused unopened), at most ``MAX_CONFIG_BYTES``, UTF-8 (a UTF-8
byte-order mark is accepted, as editors on Windows write one), no dotted key and no value nested
deeper than ``MAX_NESTING``, at most ``MAX_ITEMS`` entries in a table or array and rule selectors
in all, integers in TOML's 64 bits.  Each of those is a ``ConfigError`` too, never a traceback,
a hang or a rule failing on a wrong type at lint time.

No rule is named here: the top-level shortcuts (``trusted-registries = [...]``) come from the
options that declare a ``config_key``, the switches that turn a rule on
(``report-unused-pragmas``) from the rules' ``ENABLED_BY``, and which rules run from
``engine/selection.py``.
"""
from __future__ import annotations

import fnmatch
import json
import os
import re
import stat

from ..record import Record
from ..syntax.source import file_kind
from ..text import excerpt, printable
from . import selection

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Any, Optional


def _toml():
    """tomllib (tomli before 3.11), imported only when a config file is read (start-up cost)."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib


CONFIG_NAMES = (".layerlint.toml", "pyproject.toml")
PYPROJECT_PREFIX = ("tool", "layerlint")
MAX_CONFIG_BYTES = 1024 * 1024  # a real config is a few hundred bytes; a big pyproject.toml ~50 KB
MAX_NESTING = 32  # levels of tables and arrays (a real config has 5), and parts of a dotted key
MAX_ITEMS = 1000  # entries of one array or table, and rule selectors in all (every file matches each
                  # selector against every rule, so their number is lint time; a real config has ~10)
_MAX_MESSAGE = 1000  # characters of one error message (the keys it quotes are capped already)
_MAX_HINTED = 100  # longer keys get no did-you-mean (the edit-distance search is quadratic)
_INT64 = (-2 ** 63, 2 ** 63 - 1)  # TOML's integers; anything else must be an error (TOML 1.0)


class ConfigError(Exception):
    """A config mistake: ``path:line: message`` (``path: message`` when no line applies, e.g. an
    unreadable file); path and message printable (the path and the keys come from the repository)."""

    def __init__(self, path: str, message: str, line: Optional[int] = 1) -> None:
        self.path, self.line = path, line
        self.message = excerpt(message, _MAX_MESSAGE)
        where = printable(path) if line is None else f"{printable(path)}:{line}"
        super().__init__(f"{where}: {self.message}")


class Settings(Record):
    select: Optional[list[str]]  # None: the default set
    extend_select: list[str]
    ignore: list[str]
    severity: dict[str, str]
    fail_on: str
    shellcheck: bool
    report_unused_pragmas: bool  # a rule's ENABLED_BY switch (selection.switch_attribute)
    build_args: dict[str, str]
    target: Optional[str]
    rule_options: dict[str, dict[str, Any]]  # rule code (or name) -> option -> value
    per_path: list[dict[str, Any]]
    source: Optional[str]  # the config file these came from
    root: Optional[str]  # its directory (per-path globs are relative to it)
    nearest: bool  # each file takes its own nearest config, with ``overrides`` over it (no --config)
    overrides: dict[str, Any]  # the command line's settings (see with_overrides)
    exclude: Optional[list[str]]  # globs discovery skips (None: discover.SKIP_DIRS)
    extend_exclude: list[str]  # ... added to those
    force_exclude: bool  # the globs also drop files named on the command line (pre-commit)
    notices: list[str]  # what loading the config left unapplied (a hadolint config's extra keys)

    _fields = ("select", "extend_select", "ignore", "severity", "fail_on", "shellcheck",
               "report_unused_pragmas", "build_args", "target", "rule_options", "per_path", "source", "root",
               "nearest", "overrides", "exclude", "extend_exclude", "force_exclude", "notices")

    def __init__(
        self,
        select: Optional[list[str]] = None,
        extend_select: list[str] | None = None,
        ignore: list[str] | None = None,
        severity: dict[str, str] | None = None,
        fail_on: str = "info",
        shellcheck: bool = False,
        report_unused_pragmas: bool = False,
        build_args: dict[str, str] | None = None,
        target: Optional[str] = None,
        rule_options: dict[str, dict[str, Any]] | None = None,
        per_path: list[dict[str, Any]] | None = None,
        source: Optional[str] = None,
        root: Optional[str] = None,
        nearest: bool = False,
        overrides: dict[str, Any] | None = None,
        exclude: Optional[list[str]] = None,
        extend_exclude: list[str] | None = None,
        force_exclude: bool = False,
        notices: list[str] | None = None,
    ) -> None:
        self.select = select
        self.extend_select = [] if extend_select is None else extend_select
        self.ignore = [] if ignore is None else ignore
        self.severity = {} if severity is None else severity
        self.fail_on = fail_on
        self.shellcheck = shellcheck
        self.report_unused_pragmas = report_unused_pragmas
        self.build_args = {} if build_args is None else build_args
        self.target = target
        self.rule_options = {} if rule_options is None else rule_options
        self.per_path = [] if per_path is None else per_path
        self.source = source
        self.root = root
        self.nearest = nearest
        self.overrides = {} if overrides is None else overrides
        self.exclude = exclude
        self.extend_exclude = [] if extend_exclude is None else extend_exclude
        self.force_exclude = force_exclude
        self.notices = [] if notices is None else notices

    def exclusion(self):
        """What discovery leaves out (engine/discover.py's Exclusion), globs relative to the config."""
        from .discover import Exclusion
        return Exclusion(self.exclude, self.extend_exclude, self.root)

    def for_path(self, path: str) -> "Settings":
        """The settings ``path`` is linted with: with ``nearest``, its own nearest config (as
        ruff does: a nested ``.layerlint.toml`` applies below it, whatever the order of the
        command line) with the command line's over it; then the matching ``per-path`` entries.
        Raises ConfigError when that config is broken (that file's error; the others go on)."""
        out = self
        if self.nearest and path != "-":
            out = settings_near(path, self.overrides)
        if not out.per_path:
            return out
        rel = os.path.relpath(os.path.abspath(path), out.root or os.getcwd()).replace(os.sep, "/")
        for entry in self.per_path:
            pat = entry["path"]
            if fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(os.path.basename(path), pat):
                out = out.replace(
                    select=entry.get("select", out.select),
                    extend_select=out.extend_select + entry.get("extend-select", []),
                    ignore=out.ignore + entry.get("ignore", []),
                    severity={**out.severity, **entry.get("severity", {})},
                    rule_options=_merge_rule_options(out.rule_options, entry.get("rules", {})),
                )
        return out


def with_overrides(s: Settings, o: dict[str, Any]) -> Settings:
    """``s`` with the command line's settings ``o`` over it (a new Settings; ``s`` is unchanged):
    ``select`` replaces, the other selectors, severities and rule options add to the config's."""
    s = s.replace(extend_select=s.extend_select + list(o.get("extend_select", ())),
                  ignore=s.ignore + list(o.get("ignore", ())),
                  severity={**s.severity, **o.get("severity", {})},
                  build_args={**s.build_args, **o.get("build_args", {})},
                  rule_options=_merge_rule_options(s.rule_options, o.get("rule_options", {})))
    if o.get("select"):
        s.select = list(o["select"])
    if o.get("exclude"):
        s.exclude = list(o["exclude"])
    if o.get("extend_exclude"):
        s.extend_exclude = s.extend_exclude + list(o["extend_exclude"])
    for key in ("fail_on", "target", "shellcheck", "force_exclude"):
        if o.get(key) is not None:
            setattr(s, key, o[key])
    return s


# One run's configs: each directory's nearest config is found once, each config loaded once
# (a broken one fails once, then each file it covers reports the same error).  A run starts
# with forget_configs(): a config edited between two runs of one process is read again.
_NEAREST: dict[str, object] = {}  # directory -> its nearest config: a path, None or a ConfigError
_NEAR_SETTINGS: dict[tuple, object] = {}  # (config, command line) -> Settings or ConfigError


def forget_configs() -> None:
    _NEAREST.clear()
    _NEAR_SETTINGS.clear()


def settings_near(path: str, overrides: dict[str, Any]) -> Settings:
    """The settings of the config nearest ``path`` with ``overrides`` over them."""
    d = os.path.dirname(os.path.abspath(path))
    cfg = _NEAREST.get(d, _NEAREST)  # the dict itself: not looked up yet
    if cfg is _NEAREST:
        try:
            cfg = find_config(d)
        except ConfigError as exc:
            cfg = exc
        _NEAREST[d] = cfg
    if isinstance(cfg, ConfigError):
        raise cfg
    key = (cfg, repr(sorted(overrides.items())))
    found = _NEAR_SETTINGS.get(key)
    if found is None:
        try:
            found = with_overrides(load_config(cfg) if cfg else Settings(), overrides)
        except ConfigError as exc:
            found = exc
        _NEAR_SETTINGS[key] = found
    if isinstance(found, ConfigError):
        raise found
    return found


def find_config(start: str) -> Optional[str]:
    """The nearest config file above ``start`` (a file or directory).  A ``.layerlint.toml`` that
    is there but is no readable file (a directory, a FIFO, a dangling symlink) is still the one
    found, so that loading it says what is wrong instead of a config further up applying.  A
    config found here comes from the repository: a symlink out of it is a ConfigError
    (``--config`` follows any symlink: the user named the file)."""
    d = os.path.abspath(start)
    if not os.path.isdir(d):
        d = os.path.dirname(d)
    from .hadolint_config import HADOLINT_NAMES
    hadolint = None  # the nearest .hadolint.yaml: used when there is no layerlint config at all
    while True:
        for name in CONFIG_NAMES:
            p = os.path.join(d, name)
            if os.path.lexists(p):
                if name == "pyproject.toml" and not _pyproject_has_section(p):
                    continue
                _check_symlink(p)
                return p
        if hadolint is None:
            hadolint = next((os.path.join(d, n) for n in HADOLINT_NAMES if os.path.lexists(os.path.join(d, n))), None)
        parent = os.path.dirname(d)
        if parent == d:
            if hadolint is not None:
                _check_symlink(hadolint)
            return hadolint
        d = parent


def _check_symlink(path: str) -> None:
    """A ConfigError when config ``path`` resolves outside its repository (the nearest directory
    above it with ``.git`` or ``.hg``; without one, the config's own directory): a checked-out
    ``.layerlint.toml -> ~/.cargo/credentials.toml`` would print the keys of that file in CI logs."""
    real = os.path.realpath(path)
    here = os.path.dirname(os.path.abspath(path))
    if real == os.path.join(os.path.realpath(here), os.path.basename(path)):
        return  # no symlink on the way
    repo = _repository_root(here)
    real_root = os.path.realpath(repo or here)
    try:
        inside = os.path.commonpath([real, real_root]) == real_root
    except ValueError:  # another drive
        inside = False
    if not inside:
        outside = f"the repository {repo}" if repo else "its directory"
        raise ConfigError(path, f"cannot read config: it is a symlink to a file outside {outside} (name the file "
                                f"with --config to use it)", None)


def _repository_root(d: str) -> Optional[str]:
    while True:
        if any(os.path.lexists(os.path.join(d, vcs)) for vcs in (".git", ".hg")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


# ``[tool.layerlint]``, ``tool.layerlint = {...}``, ``tool.layerlint.select = [...]``, ``[tool."layerlint"]``
_SECTION_RE = rb"""tool[ \t]*\.[ \t]*["']?layerlint\b"""
_UTF16_MARKERS = tuple("[tool.layerlint".encode(e) for e in ("utf-16-le", "utf-16-be"))


def _pyproject_has_section(path: str) -> bool:
    """Whether ``path`` configures layerlint (looked for in its text: parsing every pyproject.toml
    on the way up would make a broken one of another project an error here); True when it cannot
    be read, so the error is said, and for a UTF-16 one with the section, which loading refuses."""
    try:
        head = _read_bytes(path, truncate=True)
    except ConfigError:
        return True
    return bool(re.search(_SECTION_RE, head)) or any(marker in head for marker in _UTF16_MARKERS)


def _read_bytes(path: str, truncate: bool = False) -> bytes:
    """The bytes of config file ``path``: a regular file (symlinks followed) of at most
    ``MAX_CONFIG_BYTES`` (``truncate``: its first ``MAX_CONFIG_BYTES + 1`` bytes, whatever its size).
    Anything else is a ConfigError without a line; a FIFO or device is never opened for reading
    (it could block forever, or never end)."""
    try:
        _require_regular(path, os.stat(path).st_mode)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise ConfigError(path, f"cannot read config: {exc.strerror or exc}", None) from None
    except ValueError:  # a NUL in the path (an API caller's; argv cannot hold one)
        raise ConfigError(path, "cannot read config: the path has a NUL character", None) from None
    try:
        st = os.fstat(fd)
        _require_regular(path, st.st_mode)  # it may have been replaced since the stat
        if st.st_size > MAX_CONFIG_BYTES and not truncate:
            raise _too_big(path, st.st_size)
        chunks, size = [], 0
        while size <= MAX_CONFIG_BYTES:  # st_size can lie (procfs says 0): read no more than the cap
            chunk = os.read(fd, MAX_CONFIG_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise ConfigError(path, f"cannot read config: {exc.strerror or exc}", None) from None
    finally:
        os.close(fd)
    if size > MAX_CONFIG_BYTES and not truncate:
        raise _too_big(path, None)
    return b"".join(chunks)


def _require_regular(path: str, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    raise ConfigError(path, f"cannot read config: is {file_kind(mode)}, not a regular file", None)


def _too_big(path: str, size: Optional[int]) -> ConfigError:
    limit = MAX_CONFIG_BYTES // 1024
    if not size:
        told = f"is over {limit:,} KB"
    else:
        told = f"is {-(-size // 1024):,} KB" if size < 10 * MAX_CONFIG_BYTES else f"is {size // (1024 * 1024):,} MB"
    return ConfigError(path, f"cannot read config: the file {told}; layerlint reads config files of up to "
                             f"{limit:,} KB", None)


def load_config(path: str) -> Settings:
    if os.path.basename(path).lower().endswith((".yaml", ".yml")):  # hadolint's (migration)
        from . import hadolint_config
        data, notices = hadolint_config.read(path)
        validate(data, path)
        s = Settings(source=path, root=os.path.dirname(os.path.abspath(path)))
        s = apply_mapping(s, data, path)
        s.notices = notices
        return s
    text = _decode(path, _read_bytes(path))
    doc = _parse(path, text)
    where = _Where(path, text)
    data = _layerlint_table(doc, where)
    validate(data, path, text, where)
    s = Settings(source=path, root=os.path.dirname(os.path.abspath(path)))
    return apply_mapping(s, data, path)


def _decode(path: str, raw: bytes) -> str:
    """The text of a config (TOML is UTF-8; a UTF-8 byte-order mark is dropped)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigError(path, "config is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8, "
                                "as TOML requires", None)
    nul = raw.find(b"\0")
    if nul >= 0:
        raise ConfigError(path, "config contains a NUL byte (is it UTF-16?); save it as UTF-8, as TOML requires",
                          raw.count(b"\n", 0, nul) + 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigError(path, f"config is not UTF-8 (byte 0x{raw[exc.start]:02x} at column {column}); save it "
                                f"as UTF-8, as TOML requires", line) from None
    return text.removeprefix("\ufeff")


def _parse(path: str, text: str) -> dict:
    """The TOML document of ``text``; every way it can fail is a ConfigError with the line."""
    _check_key_lengths(path, text)  # before tomllib, which is quadratic in a dotted key's parts
    tomllib = _toml()
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc), text)
        raise ConfigError(path, f"invalid TOML{_at_key(text, line)}: {exc}", line) from None
    except RecursionError:  # tomllib recurses once per level of arrays and inline tables
        line = _deep_line(text)
        raise ConfigError(path, f"invalid TOML{_at_key(text, line)}: arrays or inline tables nested more than "
                                f"{MAX_NESTING} levels deep", line) from None
    except ValueError as exc:  # an integer longer than int() converts (sys.get_int_max_str_digits)
        line, digits = _long_number(text)
        problem = f"integer of {digits} digits; TOML integers are 64-bit" if digits else str(exc)
        raise ConfigError(path, f"invalid TOML{_at_key(text, line)}: {problem}", line) from None


def _line_from_message(msg: str, text: str) -> Optional[int]:
    """The line a tomllib message names (``at line 3``, ``at end of document``)."""
    m = re.search(r"line (\d+)", msg)
    if m:
        return int(m.group(1))
    if "end of document" in msg:
        return max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
    return None


def _at_key(text: str, line: Optional[int]) -> str:
    """`` at key 'x.y'`` for the key or table header on ``line``: its full path when it is the
    first to define it, else as written there ("" when the line has none)."""
    lines = text.split("\n")
    if line is None or not 1 <= line <= len(lines):
        return ""
    defined = [k for k, n in key_lines(text).items() if n == line]
    if defined:
        return f" at key '{_dotted(max(defined, key=len))}'"
    m = re.match(_HEADER_RE, lines[line - 1]) or re.match(_KEY_RE, lines[line - 1])
    return f" at key '{_dotted(_key_parts(m.group(m.lastindex)))}'" if m else ""


def _check_key_lengths(path: str, text: str) -> None:
    """A ConfigError for a key or table header of more than ``MAX_NESTING`` dotted parts.  Every
    line is looked at, in a string or not: a line that starts with such a key is never sane."""
    too_long = None
    for n, line in enumerate(text.split("\n"), 1):
        if line.count(".") < MAX_NESTING:
            continue  # too few dots for too many parts: the common case, without a regex
        too_long = too_long or re.compile(_TOO_LONG_KEY_RE)
        m = too_long.match(line)
        if m:
            raise ConfigError(path, f"invalid TOML: key '{_dotted(_key_parts(m.group(1))[:3])}...' has more than "
                                    f"{MAX_NESTING} dotted parts", n)


def _deep_line(text: str) -> Optional[int]:
    """The first line where arrays and inline tables are open more than ``MAX_NESTING`` deep
    (strings and comments skipped line by line: good enough to point at the place)."""
    depth = 0
    for n, line in enumerate(text.split("\n"), 1):
        for m in re.finditer(r"[\[{]|[\]}]", _strip_strings(line)):
            depth = depth + 1 if m.group() in "[{" else max(0, depth - 1)
            if depth > MAX_NESTING:
                return n
    return None


def _long_number(text: str) -> tuple:
    """(line, digits) of the first integer with more digits than Python converts, or (None, 0)."""
    import sys
    limit = getattr(sys, "get_int_max_str_digits", lambda: 4300)() or 4300
    # the lookbehind starts a match only where a number starts: linear however many digits
    for m in re.finditer(r"(?<![0-9_])[0-9][0-9_]*", text):
        digits = len(m.group()) - m.group().count("_")
        if digits > limit:
            return text.count("\n", 0, m.start()) + 1, digits
    return None, 0


def _layerlint_table(doc: dict, where: _Where) -> dict:
    """The layerlint table of a parsed config: all of ``.layerlint.toml``, ``[tool.layerlint]``
    of ``pyproject.toml`` (absent: empty)."""
    if not where.prefix:
        return doc
    table = doc
    for i, key in enumerate(where.prefix):
        table = table.get(key, {})
        if not isinstance(table, dict):
            at = where.prefix[:i + 1]
            raise ConfigError(where.path, f"invalid value for '{_dotted(at)}': expected a table, got {_got(table)}",
                              where.absolute_line(at))
    return table


def _check_selector_count(data: dict, where: _Where) -> None:
    """At most ``MAX_ITEMS`` rule selectors in the whole config (``per-path`` entries add theirs
    to a file's: each file matches every one against every rule)."""
    tables = [((), data)]
    if isinstance(data.get("per-path"), list):
        tables += [(("per-path", i), e) for i, e in enumerate(data["per-path"][:MAX_ITEMS]) if isinstance(e, dict)]
    total = 0
    for at, table in tables:
        for key in ("select", "extend-select", "ignore"):
            if isinstance(table.get(key), list):
                total += len(table[key])
                if total > MAX_ITEMS:
                    raise where.error(at + (key,), f"invalid value for '{_dotted(at + (key,))}': more than "
                                                   f"{MAX_ITEMS:,} rule selectors in the config; layerlint "
                                                   f"accepts up to {MAX_ITEMS:,} in all")


def _check_values(data: dict, where: _Where) -> None:
    """Every value of the layerlint table nested at most ``MAX_NESTING`` deep, every integer in
    TOML's 64 bits (tomllib accepts more; a rule comparing with it would not care, but a
    message quoting it could not print it).  Iterative: the check itself must not recurse."""
    _check_selector_count(data, where)
    stack = [((), data)]
    while stack:
        at, value = stack.pop()
        if len(at) > MAX_NESTING:
            raise where.error(at[:MAX_NESTING], f"invalid value for '{_dotted(at[:3])}': nested more than "
                                                f"{MAX_NESTING} levels deep")
        if isinstance(value, (dict, list)) and len(value) > MAX_ITEMS:
            what = "keys" if isinstance(value, dict) else "items"
            name = f"invalid value for '{_dotted(at)}':" if at else "the config has"
            raise where.error(at, f"{name} {len(value):,} {what}; layerlint accepts up to {MAX_ITEMS:,}")
        if isinstance(value, dict):  # pushed last first: the first mistake in the file is found first
            stack.extend((at + (k,), v) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((at + (i,), v) for i, v in reversed(list(enumerate(value))))
        elif isinstance(value, int) and not isinstance(value, bool) and not _INT64[0] <= value <= _INT64[1]:
            raise where.error(at, f"invalid value for '{_dotted(at)}': integer out of range (TOML integers are "
                                  f"64-bit)")


# -- where a key is: a small line finder over the TOML text (tomllib keeps no positions) ------------
_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_DOTTED = rf"{_PART}(?:[ \t]*\.[ \t]*{_PART})*"
_HEADER_RE = rf"[ \t]*(\[\[?)[ \t]*({_DOTTED})[ \t]*\]"  # compiled when a config is read (start-up cost)
_KEY_RE = rf"[ \t]*({_DOTTED})[ \t]*="
# a key or header (complete or not) of more than MAX_NESTING parts: a bounded match, however long the key
_TOO_LONG_KEY_RE = rf"[ \t]*\[{{0,2}}[ \t]*({_PART}(?:[ \t]*\.[ \t]*{_PART}){{{MAX_NESTING}}})"


def _key_parts(dotted: str) -> list[str]:
    out = []
    for m in re.finditer(_PART, dotted):
        p = m.group()
        if p.startswith('"'):
            try:
                p = json.loads(p)
            except ValueError:
                p = p[1:-1]
        elif p.startswith("'"):
            p = p[1:-1]
        out.append(p)
    return out


def key_lines(text: str) -> dict[tuple, int]:
    """Full key path -> the 1-based line that defines it, for table headers (``[a.b]``; an array
    of tables ``[[a]]`` adds its 0-based index: ``("a", 2)``) and ``key = value`` lines (dotted
    keys too).  Keys inside inline tables and arrays are not seen: their line is the enclosing key's.
    Lines are counted as TOML counts them (``\\n`` only); prefixes longer than ``2 * MAX_NESTING``
    keys are not recorded (each would cost its length: a long dotted key would make this quadratic)."""
    lines: dict[tuple, int] = {}
    arrays: dict[tuple, int] = {}  # array-of-tables path -> its last index
    current: tuple = ()
    in_string = ""  # the delimiter of an open multi-line string
    depth = 0  # open brackets of a multi-line array value

    def resolve(parts) -> tuple:
        out: tuple = ()
        for p in parts:
            out += (p,)
            if out in arrays:
                out += (arrays[out],)
        return out

    for n, line in enumerate(text.split("\n"), 1):
        if in_string:
            if in_string in line:
                in_string = ""
            continue
        if depth > 0:
            depth = max(0, depth + _bracket_balance(line))
            continue
        m = re.match(_HEADER_RE, line)
        if m:
            parts = _key_parts(m.group(2))
            if m.group(1) == "[[":
                base = resolve(parts[:-1]) + (parts[-1],)
                arrays[base] = arrays.get(base, -1) + 1
                lines.setdefault(base, n)
                current = base + (arrays[base],)
            else:
                current = resolve(parts)
            for i in range(1, min(len(current), _MAX_RECORDED) + 1):
                lines.setdefault(current[:i], n)
            continue
        m = re.match(_KEY_RE, line)
        if not m:
            continue
        full = current + tuple(_key_parts(m.group(1)))
        for i in range(len(current) + 1, min(len(full), _MAX_RECORDED) + 1):
            lines.setdefault(full[:i], n)
        rest = _strip_strings(line[m.end():])
        for delim in ('"""', "'''"):
            if rest.count(delim) % 2:
                in_string = delim
        if not in_string:
            depth = max(0, _bracket_balance(rest))
    return lines


_MAX_RECORDED = 2 * MAX_NESTING  # a header's parts and a key's, each at most MAX_NESTING


def _strip_strings(value: str) -> str:
    """A value with its one-line strings and comment removed (to count brackets and quotes)."""
    out = re.sub(r'"""|\'\'\'|"(?:[^"\\]|\\.)*"|\'[^\']*\'', lambda m: m.group() if len(m.group()) == 3 else '""',
                 value)
    return out.split("#", 1)[0]


def _bracket_balance(text: str) -> int:
    text = _strip_strings(text)
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")


class _Where:
    """The config file being validated: error lines for key paths (relative to the layerlint table)."""

    def __init__(self, path: str, text: Optional[str]) -> None:
        self.path = path
        self.prefix = PYPROJECT_PREFIX if os.path.basename(path) == "pyproject.toml" else ()
        self._text = text
        self._key_lines: Optional[dict] = None  # found when an error needs a line: a valid config never does

    @property
    def _lines(self) -> dict:
        if self._key_lines is None:
            text = self._text
            if text is None:
                try:
                    text = _read_bytes(self.path).decode("utf-8", errors="replace")
                except ConfigError:
                    text = ""
            self._key_lines = key_lines(text)
        return self._key_lines

    def line(self, keys) -> int:
        """The line of key path ``keys`` of the layerlint table (of its nearest known parent)."""
        return self.absolute_line(self.prefix + tuple(keys))

    def absolute_line(self, full) -> int:
        """The line of key path ``full`` of the whole document."""
        full = tuple(full)[:_MAX_RECORDED]
        for i in range(len(full), 0, -1):
            if full[:i] in self._lines:
                return self._lines[full[:i]]
        return 1

    def error(self, keys, message: str) -> ConfigError:
        return ConfigError(self.path, message, self.line(keys))


def _dotted(keys) -> str:
    """A key path as messages quote it, each key capped (a key can be a megabyte long)."""
    return ".".join(excerpt(str(k), 60) for k in keys) or "(top level)"


def _got(value) -> str:
    """``string 'x'``: a value's TOML type and the start of it, for an error message."""
    from ..rules.options import shown, toml_type
    return f"{toml_type(value)} {shown(value)}"


# -- what the rules declare ------------------------------------------------------------------------
def config_shortcuts() -> dict[str, tuple]:
    """Top-level config key -> (rule, option name, Option), from the options' ``config_key``."""
    from ..rules import all_rules
    out: dict[str, tuple] = {}
    for rule in all_rules().values():
        for name, opt in rule.option_types.items():
            if opt.config_key:
                out[opt.config_key] = (rule, name, opt)
    return out


def config_switches() -> dict[str, list]:
    """Top-level boolean config key -> the rules it turns on (their ``ENABLED_BY``)."""
    from ..rules import all_rules
    out: dict[str, list] = {}
    for rule in all_rules().values():
        if rule.enabled_by:
            out.setdefault(rule.enabled_by, []).append(rule)
    return out


def config_schema() -> dict:
    """The config schema: ``schemas/config.schema.json`` with what the rules declare filled in:
    the shortcut and switch keys (the file lists them too, for editors; tests/test_rule_options.py
    keeps the two in step) and every rule's options table (by code and by name)."""
    from importlib import resources
    from ..rules import all_rules
    schema = json.loads(resources.files("layerlint").joinpath("schemas/config.schema.json").read_text())
    props = schema["properties"]
    for key, (rule, name, opt) in config_shortcuts().items():
        props[key] = {**opt.schema(), "description": f"shortcut for option `{name}` of {rule.code} {rule.name}"}
    for key, rules in config_switches().items():
        props[key] = {"type": "boolean", "description": "also run " + ", ".join(r.code for r in rules)}
    tables = {}
    for rule in all_rules().values():
        table = {"type": "object", "additionalProperties": False, "description": f"{rule.code} {rule.name}",
                 "properties": {n: o.documented_schema() for n, o in rule.option_types.items()}}
        tables[rule.code] = tables[rule.name] = table
    # other keys stay allowed here: codes and names are matched case-insensitively (_check_rules_table)
    schema["definitions"]["rulesTable"] = {**schema["definitions"]["rulesTable"], "properties": tables}
    return schema


# -- validation ------------------------------------------------------------------------------------
def validate(data: dict, path: str, text: Optional[str] = None, where: Optional[_Where] = None) -> None:
    """Raise ConfigError for the first mistake in ``data`` (the layerlint table of ``path``;
    ``text``: the file's text, for line numbers)."""
    where = where or _Where(path, text)
    _check_values(data, where)  # first: what follows may recurse into values, and costs their size
    _check_rule_options(data, where)
    import jsonschema  # only when a config must be validated (start-up cost)
    # the first error in the file; min() keeps one at a time (a 100,000-item array can have as many)
    err = min(jsonschema.Draft7Validator(config_schema()).iter_errors(data), default=None,
              key=lambda e: (where.line(list(e.absolute_path)), [str(k) for k in e.absolute_path]))
    if err is not None:
        at = list(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            known = list(err.schema.get("properties", {}))
            extra = [k for k in err.instance if k not in known]
            if extra:
                hint = _key_hint(extra[0], known, top_level=not at)
                table = f" in '{_dotted(at)}'" if at else ""
                raise where.error(at + [extra[0]], f"unknown config key '{_dotted([extra[0]])}'{table}{hint}")
        raise where.error(at, f"invalid value for '{_dotted(at)}': {_schema_problem(err, at)}")
    _check_selectors(data, (), where)
    for i, entry in enumerate(data.get("per-path", [])):
        _check_selectors(entry, ("per-path", i), where)


def _schema_problem(err, at: list) -> str:
    """What a JSON-schema error says, in the words of the rule options' errors
    (``expected array of strings, got string 'LL1'``)."""
    value, want = err.instance, err.validator_value
    if err.validator == "type":
        kinds = {"array": "array", "object": "table", "string": "string", "boolean": "boolean (true or false)"}
        kind = kinds.get(want, want) if isinstance(want, str) else " or ".join(kinds.get(w, w) for w in want)
        if want == "array" and err.schema.get("items", {}).get("type") == "string":
            kind = "array of strings"
        problem = f"expected {kind}, got {_got(value)}"
        if kind == "array of strings" and isinstance(value, str):  # as ruff: a string is not a list of one
            problem += f"; write {_dotted(at[-1:])} = [{json.dumps(excerpt(value, 60), ensure_ascii=False)}]"
        return problem
    if err.validator == "enum":
        return "expected one of " + ", ".join(json.dumps(v) for v in want) + f", got {_got(value)}"
    if err.validator == "required" and isinstance(value, dict):
        missing = [k for k in want if k not in value]
        return f"missing key '{missing[0]}'" if missing else excerpt(err.message, 200)
    if err.validator == "minLength":
        return f"expected a non-empty string, got {_got(value)}"
    return excerpt(err.message, 200)


def _key_hint(key: str, known: list, top_level: bool) -> str:
    """A did-you-mean for an unknown key: a close key of the same table or, at the top level, a
    rule option (which belongs in that rule's ``[rules.CODE]`` table)."""
    best, best_ratio = _closest(key, known)
    if top_level:
        from ..rules import all_rules
        for rule in all_rules().values():
            name, r = _closest(key, rule.option_types)
            if name is not None and (r > best_ratio or r == best_ratio == 1.0):
                best, best_ratio = f"[rules.{rule.code}] {name}", r
    return f"; did you mean '{best}'?" if best else ""


def _closest(key: str, candidates) -> tuple[Optional[str], float]:
    """The candidate most like a mistyped ``key`` and how alike (difflib's ratio), or (None, 0)
    when none is at least 0.6 alike."""
    if len(key) > _MAX_HINTED:
        return None, 0.0  # no typo is that long
    import difflib  # a did-you-mean only when one is needed (start-up cost)
    best, best_ratio = None, 0.0
    for c in candidates:
        r = difflib.SequenceMatcher(None, key, c).ratio()
        if r > best_ratio:
            best, best_ratio = c, r
    return (best, best_ratio) if best_ratio >= 0.6 else (None, 0.0)


def _check_selectors(table: dict, at: tuple, where: _Where) -> None:
    for key in ("select", "extend-select", "ignore"):
        for i, sel in enumerate(table.get(key, [])):
            if len(sel) > _MAX_HINTED:  # no selector is that long; selector_error's did-you-mean would be slow
                problem = f"unknown rule selector '{_dotted([sel])}' in '{_dotted(at + (key,))}'"
            else:
                problem = selection.selector_error(sel, f"'{_dotted(at + (key,))}'")
            if problem is not None:
                raise where.error(at + (key, i), problem)
    seen: dict[str, str] = {}
    for code in table.get("severity", {}):
        if selection.is_hadolint_code(code):  # part of a rule (its findings of that hadolint rule): no clash
            continue
        rule = config_rule(code)
        if rule is None and not selection.is_shellcheck_selector(code):
            raise where.error(at + ("severity", code), f"unknown rule '{_dotted([code])}' in "
                                                       f"'{_dotted(at + ('severity',))}'{_rule_hint(code)}")
        if rule is not None and rule.code in seen:  # which one would win is up to dict order: say so
            raise where.error(at + ("severity", code), _both(at + ("severity",), code, seen[rule.code], rule))
        if rule is not None:
            seen[rule.code] = code


LEVELS = ("error", "warning", "info", "style")


def severity_key_problem(key: str) -> Optional[str]:
    """None when ``key`` may be a key of the ``severity`` table, else why not."""
    if selection.is_hadolint_code(key) or config_rule(key) is not None or selection.is_shellcheck_selector(key):
        return None
    return f"unknown rule '{_dotted([key])}'{_rule_hint(key)}"


def cli_severities(pairs, by_level: dict) -> dict[str, str]:
    """The ``severity`` table of ``--severity RULE=LEVEL`` (comma-separated, repeatable) and of
    hadolint's ``--error RULE`` / ``--warning`` / ``--info`` / ``--style``; ValueError says what is
    wrong with a value."""
    items = []
    for v in pairs:
        for part in v.split(","):
            if part.strip():
                key, eq, level = part.partition("=")
                if not eq:
                    raise ValueError(f"--severity {part.strip()!r}: give RULE=LEVEL (e.g. DL3008=error)")
                items.append((key.strip(), level.strip().lower(), "--severity"))
    for level, values in by_level.items():
        items += [(k.strip(), level, f"--{level}") for v in values for k in v.split(",") if k.strip()]
    out = {}
    for key, level, option in items:
        if level not in LEVELS:
            raise ValueError(f"{option} {key}={level}: the level is one of {', '.join(LEVELS)}")
        problem = severity_key_problem(key)
        if problem is not None:
            raise ValueError(f"{option} {key}: {problem}")
        out[key] = level
    return out


def cli_rule_options(values: dict) -> dict[str, dict]:
    """The rule options of command-line flags that stand for config shortcuts, ``{shortcut key:
    (flag, [values])}`` (``--trusted-registry REG`` for a list, ``--require-label NAME:TYPE``
    for a map; they replace the config's); ValueError says what is wrong with a value."""
    from ..rules.options import StrMap
    out: dict[str, dict] = {}
    for key, (flag, given) in values.items():
        if not given:
            continue
        rule, name, opt = config_shortcuts()[key]
        if isinstance(opt, StrMap):
            value = {}
            for v in given:
                k, colon, kind = v.partition(":")
                if not colon or not k.strip():
                    raise ValueError(f"{flag} {v!r}: give NAME:TYPE (e.g. org.opencontainers.image.source:url)")
                value[k.strip()] = kind.strip()
        else:
            value = [x.strip() for v in given for x in v.split(",") if x.strip()]
        problem = opt.check(value)
        if problem is not None:
            raise ValueError(f"{flag}: {problem}")
        out.setdefault(rule.code, {})[name] = value
    return out


def config_rule(key: str):
    """The rule a config key names: a code or name, a BuildKit check name, or a hadolint code
    that one rule covers (None otherwise)."""
    from ..rules import by_buildkit_name, by_hadolint_code, find_rule
    rule = find_rule(key)
    if rule is None:
        found = by_hadolint_code().get(key.strip().upper()) or by_buildkit_name().get(key.strip().lower()) or []
        rule = found[0] if len(found) == 1 else None
    return rule


def _both(at: tuple, key: str, other: str, rule) -> str:
    return (f"'{_dotted(at + (key,))}' and '{_dotted(at + (other,))}' both configure {rule.code} {rule.name}: "
            f"use one")


def _rule_hint(key: str) -> str:
    hint = selection.did_you_mean(key) if len(key) <= _MAX_HINTED else ""  # its edit distance is quadratic
    return f"; did you mean '{hint}'?" if hint else " (see `layerlint rules`)"


def _check_rule_options(data: dict, where: _Where) -> None:
    """The rule options of ``data`` against the rules' declarations (shortcut keys, the ``rules``
    tables, the ``rules`` tables of ``per-path`` entries).  Shapes that are not tables at all are
    left to the schema."""
    for key, (rule, name, opt) in config_shortcuts().items():
        if key in data:
            problem = opt.check(data[key])
            if problem is not None:
                raise where.error((key,), f"invalid value for '{key}' (option '{name}' of {rule.code} "
                                          f"{rule.name}): {problem}")
    for key, rules in config_switches().items():
        if key in data and not isinstance(data[key], bool):
            from ..rules.options import Bool
            raise where.error((key,), f"invalid value for '{key}': {Bool(False).check(data[key])}")
    tables = [((), data.get("rules"))]
    per_path = data.get("per-path")
    if isinstance(per_path, list):
        tables += [(("per-path", i), e.get("rules")) for i, e in enumerate(per_path) if isinstance(e, dict)]
    for at, rules_table in tables:
        if isinstance(rules_table, dict):
            _check_rules_table(rules_table, at + ("rules",), where)


def _check_rules_table(table: dict, at: tuple, where: _Where) -> None:
    seen: dict[str, str] = {}
    for key, opts in table.items():
        rule = config_rule(key)
        if rule is None:
            raise where.error(at + (key,), f"unknown rule '{_dotted([key])}' in '{_dotted(at)}'{_rule_hint(key)}")
        if rule.code in seen:
            raise where.error(at + (key,), _both(at, key, seen[rule.code], rule))
        seen[rule.code] = key
        if not isinstance(opts, dict):
            raise where.error(at + (key,), f"invalid value for '{_dotted(at + (key,))}': expected a table of "
                                           f"options of {rule.code} {rule.name}, got {_got(opts)}")
        types = rule.option_types
        for name, value in opts.items():
            full = at + (key, name)
            opt = types.get(name)
            if opt is None:
                raise where.error(full, _unknown_option(rule, name, _dotted(at + (key,))))
            problem = opt.check(value)
            if problem is not None:
                raise where.error(full, f"invalid value for '{_dotted(full)}': {problem}")


def _unknown_option(rule, name: str, table: str) -> str:
    known = list(rule.option_types)
    if not known:
        return f"unknown option '{_dotted([name])}' in '{table}': {rule.code} {rule.name} has no options"
    close, _ = _closest(name, known)
    hint = f"; did you mean '{close}'?" if close else ""
    return (f"unknown option '{_dotted([name])}' in '{table}'{hint} ({rule.code} {rule.name} options: "
            + ", ".join(known) + ")")


# -- applying a validated config -------------------------------------------------------------------
def _merge_rule_options(base: dict, tables: dict) -> dict:
    """``base`` (rule code -> options) with ``tables`` (rule code or name -> options) over it."""
    if not tables:
        return base
    out = {k: dict(v) for k, v in base.items()}
    for key, table in tables.items():
        rule = config_rule(key)
        out.setdefault(rule.code if rule is not None else key, {}).update(table)
    return out


def apply_mapping(s: Settings, data: dict, source: str = "") -> Settings:
    if "select" in data:
        s.select = list(data["select"])
    s.extend_select = s.extend_select + list(data.get("extend-select", []))
    s.ignore = s.ignore + list(data.get("ignore", []))
    s.severity = {**s.severity, **data.get("severity", {})}
    s.fail_on = data.get("fail-on", s.fail_on)
    # a repository may turn ShellCheck on for itself (users rely on it): each process is bounded in
    # time, input and memory and ends with layerlint (engine/shellcheck.py); --no-shellcheck wins
    s.shellcheck = data.get("shellcheck", s.shellcheck)
    for key in config_switches():
        if key in data:
            setattr(s, selection.switch_attribute(key), bool(data[key]))
    s.build_args = {**s.build_args, **data.get("build-args", {})}
    opts = _merge_rule_options(s.rule_options, data.get("rules", {}))
    shortcuts = {}
    for key, (rule, name, opt) in config_shortcuts().items():
        if key in data:
            shortcuts.setdefault(rule.code, {})[name] = _copy(data[key])
    s.rule_options = _merge_rule_options(opts, shortcuts)  # a shortcut wins over the rules table
    s.per_path = s.per_path + list(data.get("per-path", []))
    if "exclude" in data:
        s.exclude = list(data["exclude"])
    s.extend_exclude = s.extend_exclude + list(data.get("extend-exclude", []))
    s.force_exclude = data.get("force-exclude", s.force_exclude)
    return s


def _copy(value):
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


# -- what engine/lint_file.py asks -----------------------------------------------------------------
def selected_rules(settings: Settings):
    """The Rule objects these settings run (engine/selection.py decides)."""
    return selection.selected_rules(settings)


def rule_options(settings: Settings, rule) -> dict[str, Any]:
    """``rule``'s defaults with the configured values (by code, then by name) over them."""
    opts = dict(rule.options)
    for key in (rule.code, rule.name):
        opts.update(settings.rule_options.get(key, {}))
    return opts
