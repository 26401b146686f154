"""The open documents: their text as the editor has it, kept by the server itself.

pygls's own store splits lines with ``str.splitlines`` (which also breaks at form feeds, U+2028
and six other characters LSP does not count), so an edit on a line after one of them would land
in the wrong place; and it reads a document it was never sent from disk.  This store follows
LSP: lines end at CR LF, LF or CR, and a change to a document that was never opened is ignored.
"""
from __future__ import annotations

from .positions import UTF16, Lines

# A document bigger than this is kept (later edits apply to it) but not linted as you type.
MAX_LINT_BYTES = 1024 * 1024

DOCKERFILE_LANGUAGES = ("dockerfile", "containerfile", "docker")


class Document:
    """One open document.  ``revision`` counts the changes this server saw (the client's
    ``version`` can be missing or repeat), so an analysis knows whether it is still current."""

    __slots__ = ("uri", "text", "version", "language", "revision", "lines", "timer", "analysis", "pending")

    def __init__(self, uri: str, text: str, version, language: str = "") -> None:
        self.uri = uri
        self.text = text
        self.version = version
        self.language = language
        self.revision = 0
        self.lines = None  # positions.Lines of ``text``, made when first asked for
        self.timer = None  # the debounce timer of the next lint
        self.analysis = None  # the last finished Analysis (perhaps of an older revision)
        self.pending = None  # (revision, future) of the analysis being made

    def lines_for(self, encoding: str) -> Lines:
        if self.lines is None or self.lines.text is not self.text or self.lines.encoding != encoding:
            self.lines = Lines(self.text, encoding)
        return self.lines

    def apply(self, changes, version, encoding: str = UTF16) -> None:
        """Apply LSP content changes in order: a change with a range replaces that range (in the
        text as the changes before it left it), one without replaces the whole text."""
        text = self.text
        for change in changes:
            new = getattr(change, "text", None)
            if not isinstance(new, str):
                continue
            rng = getattr(change, "range", None)
            if rng is None:
                text = new
            else:
                self.text = text
                lines = self.lines_for(encoding)
                start = lines.offset(rng.start.line, rng.start.character)
                end = max(start, lines.offset(rng.end.line, rng.end.character))
                text = text[:start] + new + text[end:]
        self.text = text
        self.version = version
        self.revision += 1


def looks_like_dockerfile(uri: str, language: str) -> bool:
    """Whether to lint a document: the editor says it is a Dockerfile, or its name does."""
    if (language or "").lower() in DOCKERFILE_LANGUAGES:
        return True
    name = uri.rstrip("/").rsplit("/", 1)[-1].lower()
    return (name in ("dockerfile", "containerfile") or name.startswith(("dockerfile.", "containerfile."))
            or name.endswith((".dockerfile", ".containerfile")))


def clean_text(text: str) -> str:
    """``text`` with lone surrogates (JSON can carry ``\\ud800``) as U+FFFD: one code unit for one,
    so every position stays where it was, and the text encodes as UTF-8."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
