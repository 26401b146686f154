"""A small LSP client for the tests: ``layerlint server`` in a real process, spoken to over its
stdin and stdout as an editor does (Content-Length framing, JSON-RPC 2.0).

Written independently of the server's code, including the position arithmetic (``to_offset``,
``apply_edits``): a bug shared by both sides would hide itself.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMEOUT = 60  # seconds before a test gives up waiting (a hang guard, not a speed requirement)


class LspError(Exception):
    def __init__(self, error: dict) -> None:
        super().__init__(error.get("message", ""))
        self.error = error


class Client:
    def __init__(self, cwd: str | None = None, env: dict | None = None, argv: list | None = None) -> None:
        self.proc = subprocess.Popen(
            argv or [sys.executable, "-m", "layerlint", "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, cwd=cwd or REPO, env={**os.environ, **(env or {})})
        self.next_id = 0
        self.responses: dict = {}
        self.notifications: list = []
        self.server_requests: list = []
        self.cond = threading.Condition()
        self.stderr = b""
        self.stdout_closed = False
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    # -- wire ---------------------------------------------------------------------------------------
    def send_raw(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    @staticmethod
    def frame(message: dict) -> bytes:
        body = json.dumps(message).encode("utf-8")
        return b"Content-Length: %d\r\n\r\n" % len(body) + body

    def send(self, message: dict) -> None:
        self.send_raw(self.frame(message))

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    with self.cond:
                        self.stdout_closed = True
                        self.cond.notify_all()
                    return
                if line in (b"\r\n", b"\n"):
                    break
                m = re.match(rb"Content-Length: (\d+)", line)
                if m:
                    length = int(m.group(1))
            body = out.read(length)
            message = json.loads(body)
            with self.cond:
                if "method" in message and "id" in message:
                    self.server_requests.append(message)
                    self._reply(message)
                elif "method" in message:
                    self.notifications.append(message)
                else:
                    self.responses[message["id"]] = message
                self.cond.notify_all()

    def _reply(self, request: dict) -> None:
        try:
            self.send({"jsonrpc": "2.0", "id": request["id"], "result": None})
        except (BrokenPipeError, OSError, ValueError):
            pass

    def _read_stderr(self) -> None:
        while True:
            chunk = self.proc.stderr.read1(65536) if hasattr(self.proc.stderr, "read1") else self.proc.stderr.read(1)
            if not chunk:
                return
            self.stderr += chunk

    def _wait(self, check, what: str):
        deadline = time.monotonic() + TIMEOUT
        with self.cond:
            while True:
                found = check()
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or (self.stdout_closed and check() is None):
                    raise AssertionError(f"no {what}; server stderr:\n{self.stderr.decode(errors='replace')[-3000:]}")
                self.cond.wait(min(left, 0.5))

    # -- messages -----------------------------------------------------------------------------------
    def request_raw(self, method: str, params) -> dict:
        self.next_id += 1
        rid = self.next_id
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return self._wait(lambda: self.responses.pop(rid, None), f"response to {method}")

    def request(self, method: str, params):
        response = self.request_raw(method, params)
        if "error" in response:
            raise LspError(response["error"])
        return response.get("result")

    def notify(self, method: str, params) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def notification(self, method: str, match=lambda params: True, after: int = 0):
        """The first notification ``method`` (from the ``after``-th on) whose params match."""
        def check():
            for n in self.notifications[after:]:
                if n["method"] == method and match(n["params"]):
                    return n["params"]
            return None
        return self._wait(check, f"{method} notification")

    def server_request(self, method: str) -> dict:
        """The first request the server sent with ``method`` (already answered with null)."""
        return self._wait(lambda: next((r for r in self.server_requests if r["method"] == method), None),
                          f"{method} request")

    def mark(self) -> int:
        with self.cond:
            return len(self.notifications)

    # -- conversations ------------------------------------------------------------------------------
    def initialize(self, encodings=None, init_options=None, root: str | None = None, capabilities=None) -> dict:
        caps = capabilities or {
            "textDocument": {"publishDiagnostics": {"relatedInformation": True, "versionSupport": True,
                                                    "codeDescriptionSupport": True},
                             "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": [
                                 "quickfix", "source", "source.fixAll"]}}},
                             "rename": {"prepareSupport": True}},
            "workspace": {"workspaceEdit": {"documentChanges": True, "resourceOperations": ["create"]},
                          "didChangeWatchedFiles": {"dynamicRegistration": True}},
        }
        if encodings is not None:
            caps = {**caps, "general": {"positionEncodings": encodings}}
        result = self.request("initialize", {
            "processId": os.getpid(), "rootUri": file_uri(root) if root else None, "capabilities": caps,
            "initializationOptions": {"debounceMs": 0, **(init_options or {})}})
        self.notify("initialized", {})
        return result

    def open(self, uri: str, text: str, version: int = 1, language: str = "dockerfile") -> None:
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language,
                                                              "version": version, "text": text}})

    def change(self, uri: str, version: int, changes: list) -> None:
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                               "contentChanges": changes})

    def diagnostics(self, uri: str, version=None, after: int = 0) -> list:
        params = self.notification("textDocument/publishDiagnostics",
                                   lambda p: p["uri"] == uri and (version is None or p.get("version") == version),
                                   after)
        return params["diagnostics"]

    def shutdown_and_exit(self) -> int:
        assert self.request("shutdown", None) is None
        self.notify("exit", None)
        return self.wait_exit()

    def wait_exit(self) -> int:
        try:
            self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        try:
            return self.proc.wait(TIMEOUT)
        finally:
            self.kill()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(TIMEOUT)


def file_uri(path: str) -> str:
    from urllib.parse import quote
    return "file://" + quote(os.path.abspath(path))


# -- an editor's own position arithmetic ------------------------------------------------------------
_EOL = re.compile(r"\r\n|\r|\n")


def _units(s: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(s.encode("utf-8"))
    if encoding == "utf-32":
        return len(s)
    return len(s.encode("utf-16-le")) // 2


def to_offset(text: str, line: int, character: int, encoding: str = "utf-16") -> int:
    starts = [0] + [m.end() for m in _EOL.finditer(text)]
    start = starts[line]
    end = len(text)
    m = _EOL.search(text, start)
    if m:
        end = m.start()
    pos, used = start, 0
    while pos < end and used < character:
        used += _units(text[pos], encoding)
        pos += 1
    return pos


def text_at(text: str, rng: dict, encoding: str = "utf-16") -> str:
    a = to_offset(text, rng["start"]["line"], rng["start"]["character"], encoding)
    b = to_offset(text, rng["end"]["line"], rng["end"]["character"], encoding)
    return text[a:b]


def apply_edits(text: str, edits: list, encoding: str = "utf-16") -> str:
    spans = [(to_offset(text, e["range"]["start"]["line"], e["range"]["start"]["character"], encoding),
              to_offset(text, e["range"]["end"]["line"], e["range"]["end"]["character"], encoding), e["newText"])
             for e in edits]
    for a, b, new in sorted(spans, reverse=True):
        text = text[:a] + new + text[b:]
    return text


def position_of(text: str, needle: str, encoding: str = "utf-16", nth: int = 0, delta: int = 0) -> dict:
    """The LSP position of the ``nth`` occurrence of ``needle`` (plus ``delta`` characters)."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += delta
    starts = [0] + [m.end() for m in _EOL.finditer(text)]
    line = max(i for i, s in enumerate(starts) if s <= at)
    return {"line": line, "character": _units(text[starts[line]:at], encoding)}


def workspace_edits(edit: dict, uri: str) -> list:
    """The text edits a WorkspaceEdit makes to ``uri`` (``changes`` or ``documentChanges``)."""
    out = list((edit.get("changes") or {}).get(uri, []))
    for change in edit.get("documentChanges") or []:
        if "textDocument" in change and change["textDocument"]["uri"] == uri:
            out += change["edits"]
    return out
