"""One version of one document, linted, with what the other features read from it made on demand.

An ``Analysis`` belongs to a document revision; hover, code actions, symbols and the rest of one
revision share it (the parse, the graph and the cache model are built once, when first asked
for).  Everything here runs on the server's one worker thread, so nothing is shared unlocked.
No pygls here.
"""
from __future__ import annotations

import os

from ..engine.lint_file import lint_bytes
from ..engine.settings import ConfigError, Settings, find_config, load_config
from ..text import excerpt
from .documents import MAX_LINT_BYTES, clean_text
from .positions import UTF16, Mapper


class ConfigCache:
    """Settings per linted file, as the CLI finds them (the nearest config above the file), each
    config file loaded once per (size, mtime): an edited config is read again without any
    notification, and ``clear()`` (a watched config changed) forgets them all."""

    def __init__(self) -> None:
        self._loaded: dict[str, tuple] = {}

    def clear(self) -> None:
        self._loaded = {}

    def settings_for(self, path) -> tuple:
        """``(settings, config path or None, error message or None)`` for a file at ``path``
        (None: a document with no file, linted with the defaults)."""
        if path is None:
            return Settings(), None, None
        try:
            found = find_config(path)
        except ConfigError as exc:
            return Settings(), None, str(exc)
        if found is None:
            return Settings(), None, None
        try:
            st = os.stat(found)
            key = (st.st_size, st.st_mtime_ns, st.st_ino)
        except OSError:
            key = None
        cached = self._loaded.get(found)
        if cached is not None and key is not None and cached[0] == key:
            return cached[1], found, cached[2]
        try:
            settings, error = load_config(found), None
        except ConfigError as exc:
            settings, error = Settings(), str(exc)
        if key is not None:
            self._loaded[found] = (key, settings, error)
        return settings, found, error


class Analysis:
    """The lint of one revision of a document, and what hover and the rest need from it."""

    def __init__(self, uri: str, path, text: str, revision: int, version, encoding: str = UTF16) -> None:
        self.uri = uri
        self.path = path  # the file on disk (None: an untitled or non-file document)
        self.text = text
        self.revision = revision
        self.version = version
        self.encoding = encoding
        self.settings: Settings = Settings()
        self.config_path = None
        self.config_error = None  # the message, when the nearest config is broken
        self.result = None  # the FileResult
        self.failure = None  # why there is no result: the file is too big, or layerlint failed on it
        self.document_changes = True  # the client takes versioned edits (see features._edit)
        self._mapper = None
        self._parsed = None  # (Dockerfile, Graph, Context)
        self._fixes: dict = {}  # finding index -> fixed text or None, see fixed_text
        self.symbols = None  # symbols.Index of the parse, made by features when first asked for

    @property
    def context_dir(self):
        return os.path.dirname(self.path) if self.path else None

    @property
    def mapper(self) -> Mapper:
        if self._mapper is None:
            self._mapper = Mapper(self.text, self.encoding)
        return self._mapper

    @property
    def findings(self) -> list:
        return self.result.findings if self.result is not None else []

    def data(self) -> bytes:
        return clean_text(self.text).encode("utf-8")

    def run(self, configs: ConfigCache, max_bytes: int = MAX_LINT_BYTES) -> None:
        """Lint.  Never raises: a failure of layerlint itself becomes ``failure``."""
        self.settings, self.config_path, self.config_error = configs.settings_for(self.path)
        data = self.data()
        if len(data) > max_bytes:
            self.failure = (f"not linted: the document is {_size(len(data))}; the layerlint server lints "
                            f"documents of up to {_size(max_bytes)} as you type (run `layerlint` on the file)")
            return
        try:
            self.result = lint_bytes(data, self.path or self.uri, self.settings, context_dir=self.context_dir,
                                     real_path=self.path)
        except RecursionError:
            self.failure = "layerlint gave up on this document: input nested too deeply"
        except Exception as exc:  # noqa: BLE001 - one bad document must not cost the server
            detail = excerpt(" ".join(f"{type(exc).__name__}: {exc}".split()), 300)
            self.failure = f"layerlint failed on this document ({detail}); this is a layerlint bug, please report it"

    # -- on demand (hover, symbols, definitions, lenses) -----------------------------------------
    def parsed(self):
        """``(Dockerfile, Graph, Context)`` of this text, or None when it does not parse (made
        once: the lint built its own and does not hand them out)."""
        if self._parsed is None:
            self._parsed = False
            if self.failure is None or self.result is not None:
                try:
                    self._parsed = self._parse()
                except Exception:  # noqa: BLE001 - no symbols is better than no server
                    self._parsed = False
        return self._parsed or None

    def _parse(self):
        from ..graph import build_graph
        from ..rules.context import Context
        from ..syntax import parse_bytes
        df = parse_bytes(self.data(), self.path or self.uri)
        if not df.ok:
            return False
        settings = self.settings.for_path(self.path) if self.path else self.settings
        graph = build_graph(df, settings.build_args, settings.target)
        return df, graph, Context(df, graph, self.path or self.uri, context_dir=self.context_dir)

    def cache_model(self):
        p = self.parsed()
        if p is None:
            return None
        try:
            return p[2].cache_model
        except Exception:  # noqa: BLE001 - hover without the cache facts
            return None

    def fixed_text(self, index: int, unsafe: bool = True):
        """The text with the fix of finding ``index`` applied, checked as ``--fix`` checks it
        (the result must parse, every other instruction unchanged), or None when it is refused."""
        key = (index, unsafe)
        if key not in self._fixes:
            self._fixes[key] = self._fix(index, unsafe)
        return self._fixes[key]

    def _fix(self, index: int, unsafe: bool):
        from ..engine.fixer import fix_bytes
        from ..engine.results import FileResult
        from ..rules import find_rule
        if self.result is None or not 0 <= index < len(self.result.findings):
            return None
        f = self.result.findings[index]
        rule = find_rule(f.rule)
        if f.fix is None or not f.fix.edits or rule is None:
            return None
        one = FileResult(self.result.path, [f], [], self.result.lines)
        try:
            out = fix_bytes(self.data(), self.path or self.uri, self.settings.replace(shellcheck=False),
                            context_dir=self.context_dir, real_path=self.path, rules=[rule], max_passes=1,
                            result=one, safe_only=not unsafe)
        except Exception:  # noqa: BLE001 - no quick fix rather than no server
            return None
        if not out.applied:
            return None
        return _decode(out.fixed)

    def fix_all_text(self):
        """The text with every safe fix applied (``--fix``), or None when nothing changes."""
        if "all" not in self._fixes:
            self._fixes["all"] = self._fix_all()
        return self._fixes["all"]

    def _fix_all(self):
        from ..engine.fixer import fix_bytes
        if self.result is None or not any(f.fix is not None and f.fix.safe for f in self.result.findings):
            return None
        try:
            out = fix_bytes(self.data(), self.path or self.uri, self.settings.replace(shellcheck=False),
                            context_dir=self.context_dir, real_path=self.path, result=self.result, safe_only=True)
        except Exception:  # noqa: BLE001
            return None
        return _decode(out.fixed) if out.changed else None


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")  # what fix_bytes wrote is UTF-8: nothing to replace


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{-(-n // 1024):,} KB"
