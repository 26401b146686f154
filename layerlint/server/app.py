"""The language server: pygls wiring, the open documents, debounced linting, and the requests.

One event loop (pygls's) reads messages and answers; one worker thread lints and computes every
answer from an ``Analysis`` (so the loop stays free to read, and nothing is shared between
threads but plain values).  A change restarts a short timer; when it fires, the document is
linted and its diagnostics published.  A request (hover, code actions, ...) uses the analysis of
the document's current text, linting at once when the timer has not fired yet; every request of
one revision shares that analysis.
"""
from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from lsprotocol import types as T
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import to_fs_path

from .. import __version__
from ..text import excerpt, printable
from . import features
from .analysis import Analysis, ConfigCache
from .documents import MAX_LINT_BYTES, Document, looks_like_dockerfile
from .positions import UTF8, UTF16, UTF32
from .transport import BoundedReader

log = logging.getLogger("layerlint.server")

DEBOUNCE_MS = 150
CONFIG_FILES = (".layerlint.toml", "pyproject.toml")
CONTEXT_FILES = (".dockerignore",)  # a change can change the findings (and the cache facts)
_ENCODINGS = {"utf-8": UTF8, "utf-16": UTF16, "utf-32": UTF32}


class Options:
    """``initializationOptions``: ``debounceMs`` (default 150), ``codeLens`` ("off", "stages": a
    lens per stage, the default, "steps": and one per layer step), ``maxDocumentBytes`` (larger
    documents get one diagnostic instead of a lint; default 1 MB)."""

    def __init__(self) -> None:
        self.debounce = DEBOUNCE_MS / 1000
        self.code_lens = "stages"
        self.max_bytes = MAX_LINT_BYTES

    def update(self, raw) -> None:
        if not isinstance(raw, dict):
            return
        d = raw.get("debounceMs")
        if isinstance(d, (int, float)) and not isinstance(d, bool) and 0 <= d <= 10_000:
            self.debounce = d / 1000
        lens = raw.get("codeLens")
        if lens in ("off", "stages", "steps"):
            self.code_lens = lens
        m = raw.get("maxDocumentBytes")
        if isinstance(m, int) and not isinstance(m, bool) and 0 < m <= 20 * 1024 * 1024:
            self.max_bytes = m


class _Protocol(LanguageServerProtocol):
    """pygls's protocol with the text synchronisation done by ``Server`` (see documents.py)."""

    @lsp_method(T.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: T.DidOpenTextDocumentParams) -> None:
        self._server.layerlint.did_open(params)

    @lsp_method(T.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: T.DidChangeTextDocumentParams) -> None:
        self._server.layerlint.did_change(params)

    @lsp_method(T.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: T.DidCloseTextDocumentParams) -> None:
        self._server.layerlint.did_close(params)


    def structure_message(self, data):
        """A request pygls cannot read (wrong params) gets an error response rather than none, so
        the editor does not wait for it forever; any unreadable message is then ignored."""
        try:
            return super().structure_message(data)
        except Exception:  # noqa: BLE001 - pygls raises its JSON-RPC errors here
            from pygls.exceptions import JsonRpcInvalidParams
            method = data.get("method")
            if "id" in data and isinstance(data.get("id"), (int, str)) and isinstance(method, str):
                error = JsonRpcInvalidParams(f"invalid params for {excerpt(method, 100)}").to_response_error()
                self._send_response(data["id"], error=error)
            return _Ignored()


class _Ignored:
    """What an unreadable message becomes: pygls ignores a message without ``jsonrpc: 2.0``."""
    jsonrpc = None

    def __repr__(self) -> str:
        return "(an unreadable message)"


class _LanguageServer(LanguageServer):
    layerlint: "Server"

    def report_server_error(self, error: Exception, source) -> None:
        """A message that could not be read or handled: one line in the log, no pop-up (pygls
        shows one per bad message)."""
        log.error("%s", one_line(error))

    def shutdown(self) -> None:
        # pygls waits for its reader thread, which is blocked reading stdin: stop without waiting
        if self._stop_event is not None:
            self._stop_event.set()
        if self._thread_pool is not None:
            self._thread_pool.shutdown(wait=False, cancel_futures=True)


def one_line(exc: BaseException) -> str:
    return excerpt(" ".join(f"{type(exc).__name__}: {exc}".split()), 300)


class Server:
    """The state of one session: the documents, the settings, the worker."""

    def __init__(self) -> None:
        self.ls = _LanguageServer("layerlint", __version__, protocol_cls=_Protocol,
                                  text_document_sync_kind=T.TextDocumentSyncKind.Incremental, max_workers=2)
        self.ls.layerlint = self
        self.docs: dict[str, Document] = {}
        self.configs = ConfigCache()
        self.options = Options()
        self.encoding = UTF16
        self.folders: list[str] = []  # the workspace folders, as paths
        self.document_changes = False
        self.can_create_files = False
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="layerlint")
        self._tasks: set = set()
        self._register()

    # -- wiring -----------------------------------------------------------------------------------
    def _register(self) -> None:
        on = self._on
        on(T.INITIALIZE, self.initialize)
        on(T.INITIALIZED, self.initialized)
        on(T.SHUTDOWN, self.on_shutdown)
        on(T.TEXT_DOCUMENT_DID_SAVE, self.did_save)
        on(T.WORKSPACE_DID_CHANGE_WATCHED_FILES, self.watched_files_changed)
        on(T.WORKSPACE_DID_CHANGE_CONFIGURATION, lambda params: None)
        on(T.TEXT_DOCUMENT_HOVER, self.hover)
        on(T.TEXT_DOCUMENT_CODE_ACTION, self.code_action,
           T.CodeActionOptions(code_action_kinds=[T.CodeActionKind.QuickFix, features.FIX_ALL]))
        on(T.TEXT_DOCUMENT_DOCUMENT_SYMBOL, self.document_symbol)
        on(T.TEXT_DOCUMENT_DEFINITION, self.definition)
        on(T.TEXT_DOCUMENT_REFERENCES, self.references)
        on(T.TEXT_DOCUMENT_PREPARE_RENAME, self.prepare_rename)
        on(T.TEXT_DOCUMENT_RENAME, self.rename, T.RenameOptions(prepare_provider=True))
        on(T.TEXT_DOCUMENT_COMPLETION, self.completion, T.CompletionOptions(trigger_characters=["-", "=", "$", "{"]))
        on(T.TEXT_DOCUMENT_CODE_LENS, self.code_lens, T.CodeLensOptions(resolve_provider=False))

    def _on(self, method: str, handler, options=None) -> None:
        """Register ``handler(params)`` (pygls marks the function it registers, and a bound method
        cannot be marked: a plain function around it)."""
        if asyncio.iscoroutinefunction(handler):
            async def run(params):
                return await handler(params)
        else:
            def run(params):
                return handler(params)
        run.__name__ = getattr(handler, "__name__", method)
        if options is None:
            self.ls.feature(method)(run)
        else:
            self.ls.feature(method, options)(run)

    def initialize(self, params: T.InitializeParams) -> None:
        self.options.update(params.initialization_options)
        self.encoding = _ENCODINGS.get(str(getattr(self.ls.workspace.position_encoding, "value",
                                                   self.ls.workspace.position_encoding)), UTF16)
        uris = [f.uri for f in params.workspace_folders or []]
        if not uris and params.root_uri:
            uris = [params.root_uri]
        self.folders = [p for p in (_fs_path(u) for u in uris if isinstance(u, str)) if p]
        if not self.folders and isinstance(params.root_path, str):
            self.folders = [params.root_path]
        edits = getattr(getattr(params.capabilities, "workspace", None), "workspace_edit", None)
        ops = getattr(edits, "resource_operations", None) or []
        self.document_changes = bool(getattr(edits, "document_changes", False))
        self.can_create_files = self.document_changes and T.ResourceOperationKind.Create in ops
        if params.process_id:
            _watch_parent(params.process_id)
        self.worker.submit(_warm_up)

    def initialized(self, params) -> None:
        caps = self.ls.client_capabilities
        watch = getattr(getattr(caps, "workspace", None), "did_change_watched_files", None)
        if not getattr(watch, "dynamic_registration", False):
            return
        globs = [f"**/{n}" for n in CONFIG_FILES + CONTEXT_FILES]
        options = T.DidChangeWatchedFilesRegistrationOptions(
            watchers=[T.FileSystemWatcher(glob_pattern=g) for g in globs])
        reg = T.Registration(id="layerlint-config", method=T.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                             register_options=options)
        try:
            self.ls.client_register_capability(T.RegistrationParams(registrations=[reg]))
        except Exception as exc:  # noqa: BLE001 - without watchers, configs are still re-read on stat
            log.warning("could not register file watchers: %s", one_line(exc))

    def on_shutdown(self, params) -> None:
        for doc in self.docs.values():
            if doc.timer is not None:
                doc.timer.cancel()

    # -- documents --------------------------------------------------------------------------------
    def did_open(self, params: T.DidOpenTextDocumentParams) -> None:
        td = params.text_document
        doc = Document(td.uri, td.text if isinstance(td.text, str) else "", td.version, td.language_id or "")
        old = self.docs.get(td.uri)
        if old is not None and old.timer is not None:
            old.timer.cancel()
        self.docs[td.uri] = doc
        if self._lints(doc):
            self._spawn(self.publish(doc))

    def did_change(self, params: T.DidChangeTextDocumentParams) -> None:
        doc = self.docs.get(params.text_document.uri)
        if doc is None:
            log.warning("change to a document that was not opened: %s", printable(params.text_document.uri))
            return
        doc.apply(params.content_changes, params.text_document.version, self.encoding)
        if self._lints(doc):
            self._schedule(doc)

    def did_close(self, params: T.DidCloseTextDocumentParams) -> None:
        doc = self.docs.pop(params.text_document.uri, None)
        if doc is None:
            return
        if doc.timer is not None:
            doc.timer.cancel()
        if self._lints(doc):
            self.ls.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=doc.uri, diagnostics=[]))

    def did_save(self, params: T.DidSaveTextDocumentParams) -> None:
        name = params.text_document.uri.rstrip("/").rsplit("/", 1)[-1]
        if name in CONFIG_FILES or name in CONTEXT_FILES:
            self.relint_all()

    def watched_files_changed(self, params: T.DidChangeWatchedFilesParams) -> None:
        self.relint_all()

    def relint_all(self) -> None:
        """A config or a .dockerignore changed: every open Dockerfile again."""
        self.configs.clear()
        for doc in self.docs.values():
            if self._lints(doc):
                doc.revision += 1  # the same text, other settings: a new analysis
                self._schedule(doc)

    def _lints(self, doc: Document) -> bool:
        return looks_like_dockerfile(doc.uri, doc.language)

    def _schedule(self, doc: Document) -> None:
        if doc.timer is not None:
            doc.timer.cancel()
        loop = asyncio.get_running_loop()
        doc.timer = loop.call_later(self.options.debounce, lambda: self._spawn(self.publish(doc)))

    def _spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("internal error: %s", one_line(task.exception()))

    # -- analyses ---------------------------------------------------------------------------------
    async def current(self, doc: Document) -> Analysis:
        """The analysis of ``doc``'s current text (lint it now if that is not done or under way)."""
        while True:
            rev = doc.revision
            a = doc.analysis
            if a is not None and a.revision == rev:
                return a
            if doc.pending is not None and doc.pending[0] == rev:
                fut = doc.pending[1]
            else:
                fut = asyncio.wrap_future(self.worker.submit(self._analyze, doc, rev, doc.text, doc.version))
                doc.pending = (rev, fut)
            a = await asyncio.shield(fut)
            if a is not None and (doc.analysis is None or a.revision >= doc.analysis.revision):
                doc.analysis = a
            if doc.pending is not None and doc.pending[1] is fut:
                doc.pending = None
            if a is None or a.revision != doc.revision:
                gc.enable()  # outdated already: nothing waits for it, collect before the next

    def _analyze(self, doc: Document, rev: int, text: str, version):
        """On the worker: lint one revision, unless a newer one came while it waited.

        The cycle collector stays off until the diagnostics are out (``publish``, or a moment
        later): the lint pauses it anyway, and the first collection after a lint walks all it
        made (100 ms for 5,000 lines), which would otherwise come before the diagnostics."""
        if doc.revision != rev:
            return None
        gc.disable()
        a = Analysis(doc.uri, _fs_path(doc.uri), text, rev, version, self.encoding)
        a.document_changes = self.document_changes
        a.run(self.configs, self.options.max_bytes)
        return a

    def _resume_gc(self, later: bool = False) -> None:
        if later:
            asyncio.get_running_loop().call_later(0.25, gc.enable)
        else:
            gc.enable()

    async def on_worker(self, fn, *args):
        return await asyncio.shield(asyncio.wrap_future(self.worker.submit(fn, *args)))

    async def publish(self, doc: Document) -> None:
        try:
            a = await self.current(doc)
            if self.docs.get(doc.uri) is not doc or a.revision != doc.revision:
                return  # closed, or changed again: the next timer publishes
            diags = await self.on_worker(features.diagnostics, a)
            if self.docs.get(doc.uri) is doc and a.revision == doc.revision:
                self.ls.text_document_publish_diagnostics(T.PublishDiagnosticsParams(
                    uri=doc.uri, diagnostics=diags, version=doc.version if isinstance(doc.version, int) else None))
        finally:
            self._resume_gc()

    async def _answer(self, uri: str, fn, *args, default=None):
        """``fn(analysis, *args)`` on the worker for the current text of ``uri``; ``default`` for a
        document that is not open or not a Dockerfile, and when ``fn`` fails (logged)."""
        doc = self.docs.get(uri)
        if doc is None or not self._lints(doc):
            return default
        a = await self.current(doc)
        self._resume_gc(later=True)
        try:
            return await self.on_worker(fn, a, *args)
        except features.RenameError:
            raise
        except Exception as exc:  # noqa: BLE001 - one failed answer must not cost the session
            log.error("%s failed on %s: %s", getattr(fn, "__name__", "request"), printable(uri), one_line(exc))
            return default

    # -- requests ---------------------------------------------------------------------------------
    async def hover(self, params: T.HoverParams):
        p = params.position
        return await self._answer(params.text_document.uri, features.hover, p.line, p.character)

    async def code_action(self, params: T.CodeActionParams):
        doc_text = self._open_text
        return await self._answer(params.text_document.uri, features.code_actions, params.range,
                                  params.context.only, doc_text, self.can_create_files, self.folders, default=[])

    def _open_text(self, uri: str):
        doc = self.docs.get(uri)
        return doc.text if doc is not None else None

    async def document_symbol(self, params: T.DocumentSymbolParams):
        return await self._answer(params.text_document.uri, features.document_symbols, default=[])

    async def definition(self, params: T.DefinitionParams):
        p = params.position
        return await self._answer(params.text_document.uri, features.definition, p.line, p.character, default=[])

    async def references(self, params: T.ReferenceParams):
        p = params.position
        include = bool(params.context and params.context.include_declaration)
        return await self._answer(params.text_document.uri, features.references, p.line, p.character, include,
                                  default=[])

    async def prepare_rename(self, params: T.PrepareRenameParams):
        p = params.position
        return await self._answer(params.text_document.uri, features.prepare_rename, p.line, p.character)

    async def rename(self, params: T.RenameParams):
        from pygls.exceptions import JsonRpcInvalidRequest
        p = params.position
        try:
            return await self._answer(params.text_document.uri, features.rename, p.line, p.character,
                                      params.new_name)
        except features.RenameError as exc:
            raise JsonRpcInvalidRequest(str(exc)) from None

    async def completion(self, params: T.CompletionParams):
        doc = self.docs.get(params.text_document.uri)
        if doc is None or not self._lints(doc):
            return []
        p = params.position
        a = doc.analysis  # names from the last analysis, even an older one: no lint per keystroke
        if a is None:
            a = await self.current(doc)
            self._resume_gc(later=True)
        try:
            items = await self.on_worker(features.completion, a, doc.text, p.line, p.character, self.encoding)
        except Exception as exc:  # noqa: BLE001
            log.error("completion failed: %s", one_line(exc))
            return []
        return T.CompletionList(is_incomplete=False, items=items)

    async def code_lens(self, params: T.CodeLensParams):
        return await self._answer(params.text_document.uri, features.code_lenses, self.options.code_lens,
                                  default=[])


def _warm_up() -> None:
    """On the worker, once: import the rules (the first lint would), then move everything made
    so far out of the collector's way (it is there for good; a full collection walked it all)."""
    try:
        from ..rules import all_rules
        all_rules()
    except Exception as exc:  # noqa: BLE001 - the first lint will say what is wrong
        log.error("cannot load the rules: %s", one_line(exc))
    gc.collect()
    gc.freeze()


def _fs_path(uri: str):
    if not uri.startswith("file:"):
        return None
    try:
        path = to_fs_path(uri)
    except Exception:  # noqa: BLE001 - a malformed URI: a document without a file
        return None
    return path if path and "\0" not in path else None


def _watch_parent(pid: int) -> None:
    """End the server when the editor that started it is gone (LSP's processId): an editor that
    crashes never sends exit."""
    if not isinstance(pid, int) or pid <= 0 or pid == os.getpid():
        return

    def watch() -> None:
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except (PermissionError, OSError):
                pass  # alive, under another user; or unknowable: keep serving
            threading.Event().wait(5)

    threading.Thread(target=watch, name="layerlint-parent", daemon=True).start()


class _OneLine(logging.Formatter):
    """Log records as one printable line each (a traceback is a bug report's business: set
    LAYERLINT_SERVER_LOG=debug to get them)."""

    def __init__(self, tracebacks: bool) -> None:
        super().__init__()
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if not self.tracebacks:
            message = message.split("\n", 1)[0]  # pygls puts tracebacks in some messages
        text = f"layerlint server: {record.levelname.lower()}: {printable(message)}"
        if record.exc_info and record.exc_info[1] is not None:
            if self.tracebacks:
                return text + "\n" + self.formatException(record.exc_info)
            text += f" ({one_line(record.exc_info[1])})"
        return excerpt(text, 2000) if not self.tracebacks else text


def _setup_logging() -> None:
    debug = os.environ.get("LAYERLINT_SERVER_LOG", "").lower() == "debug"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLine(tracebacks=debug))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)


def main() -> int:
    """``layerlint server``: serve LSP over stdin / stdout until the editor says exit (0 after a
    shutdown request, 1 otherwise, as LSP asks) or closes stdin."""
    _setup_logging()
    stdin = BoundedReader(sys.stdin.buffer)
    # the protocol owns the real stdout; fd 1 becomes stderr, so a stray print or a child
    # process's output cannot corrupt the stream
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    server = Server()
    try:
        server.ls.start_io(stdin, out)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: say why, then go
        log.error("stopped: %s", one_line(exc))
    code = 0 if server.ls.protocol._shutdown else 1
    try:
        out.flush()
    except (OSError, ValueError):
        pass
    sys.stderr.flush()
    os._exit(code)  # pygls's reader thread may still block on stdin; nothing is left to save
