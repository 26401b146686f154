"""What a rule hands back: a ``Violation`` with an optional ``Fix`` made of ``Edit`` objects.

A rule's ``check(ctx)`` yields ``Violation`` records; the engine turns them into findings
(adding the rule's code, severity and the file).  The context a rule reads is
``rules.context.Context``; a rule's options are declared with the types in ``rules.options``.
"""
from __future__ import annotations

from ..record import Record
from ..syntax.model import Span

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional


class Edit(Record):
    """Replace the text of ``span`` (on the file's physical lines) with ``text``."""
    span: Span
    text: str

    __slots__ = ("span", "text")

    def __init__(self, span: Span, text: str) -> None:
        self.span = span
        self.text = text


class Fix(Record):
    """Edits that resolve a finding.  ``safe``: the fixed file builds the same image, with the
    same behaviour (``--fix`` applies only these unless ``--unsafe-fixes``); an unsafe fix
    changes what the image contains or how it runs, as the finding asks, and wants a review."""
    description: str
    edits: list[Edit]
    safe: bool

    __slots__ = ("description", "edits", "safe")

    def __init__(self, description: str, edits: list[Edit], safe: bool = True) -> None:
        self.description = description
        self.edits = edits
        self.safe = safe


class Violation(Record):
    """One problem a rule found: where (the offending word), what, and how to fix it.

    ``hadolint`` narrows the finding's hadolint equivalents when the rule covers several
    (DL3006 vs DL3007); None means all of the rule's."""
    span: Span
    message: str
    fix: Optional[Fix]
    hadolint: Optional[tuple[str, ...]]

    __slots__ = ("span", "message", "fix", "hadolint")

    def __init__(self, span: Span, message: str, fix: Optional[Fix] = None,
                 hadolint: Optional[tuple[str, ...]] = None) -> None:
        self.span = span
        self.message = message
        self.fix = fix
        self.hadolint = hadolint
