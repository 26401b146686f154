"""Typed rule options: what a rule's ``OPTIONS`` declares, and what the config is checked against.

A rule module declares ``OPTIONS = {"require-digest": Bool(False, "also require a digest")}``;
the registry (``rules/__init__.py``) keeps the declarations as ``Rule.option_types`` and their
defaults as the plain ``Rule.options`` dict (so ``ctx.options["require-digest"]`` is a plain
value at run time).  The config loader (``engine/settings.py``) calls ``check(value)`` on every
option a config sets; ``describe()`` and ``schema()`` document the option (docs/rules.md, the
JSON schema).

``config_key`` names a top-level config shortcut for the option (``trusted-registries =
[...]`` sets ``registries`` of LL104), so the settings code names no rule.

Plain classes with ``__slots__``, no dataclasses or ``typing`` at import (start-up time; see
``layerlint/record.py``).
"""
from __future__ import annotations


def toml_type(value) -> str:
    """How a TOML value's type is called in an error message (the config loader's too)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    return type(value).__name__  # datetime, date, time


SHOWN = 60  # characters of a value quoted in a message


def shown(value) -> str:
    """A value as an error message quotes it: at most ``SHOWN`` characters, and cheap whatever
    the value's size or depth (a config's value can be a megabyte, or nested hundreds deep)."""
    if isinstance(value, str):
        text = repr(value[:SHOWN])
    elif isinstance(value, (bool, list, dict)):
        text = _toml_literal(value, SHOWN)
    else:
        text = _scalar(value)
    return text if len(text) <= SHOWN else text[:SHOWN - 3] + "..."


def _scalar(value) -> str:
    if isinstance(value, int):
        try:
            return repr(value)
        except ValueError:  # more digits than int -> str converts (sys.get_int_max_str_digits)
            return f"<integer of {value.bit_length()} bits>"
    if hasattr(value, "isoformat"):  # TOML dates and times
        return value.isoformat()
    return repr(value)


def _toml_literal(value, budget: int | None = None) -> str:
    """A value written as TOML (documentation, messages); with ``budget``, about that many
    characters of it at most ("..." for the rest)."""
    if budget is not None and budget <= 0:
        return "..."
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        import json
        return json.dumps(value if budget is None else value[:budget], ensure_ascii=False)
    if isinstance(value, (list, dict)):
        return _container_literal(value, budget)
    return _scalar(value)


def _container_literal(value, budget: int | None) -> str:
    is_list = isinstance(value, list)
    parts: list[str] = []
    used = 2
    for item in value if is_list else value.items():
        if budget is not None and used >= budget:
            parts.append("...")  # the rest is not even looked at
            break
        rest = None if budget is None else budget - used
        text = _toml_literal(item, rest) if is_list else \
            f"{_toml_key(item[0], rest)} = {_toml_literal(item[1], rest)}"
        parts.append(text)
        used += len(text) + 2
    if is_list:
        return "[" + ", ".join(parts) + "]"
    return "{" + ", ".join(parts) + "}" if parts else "{}"


def _toml_key(key: str, budget: int | None = None) -> str:
    import re
    if budget is not None:
        key = key[:budget]
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_literal(key)


class Option:
    """An option's type, default and one-line documentation."""
    __slots__ = ("default", "doc", "config_key")
    kind = "value"  # the type's name in docs

    def __init__(self, default, doc: str = "", config_key: str | None = None) -> None:
        self.default = default
        self.doc = doc
        self.config_key = config_key
        problem = self.check(default)
        if problem is not None:
            raise ValueError(f"default {default!r} does not fit its own type: {problem}")

    def check(self, value) -> str | None:
        """None when ``value`` (as TOML gives it) is valid, else what is wrong with it."""
        raise NotImplementedError

    def describe(self) -> str:
        """The type in words, e.g. ``integer (>= 0)``."""
        return self.kind

    def schema(self) -> dict:
        """A JSON schema (draft 7) fragment for the value."""
        raise NotImplementedError

    def documented_schema(self) -> dict:
        out = self.schema()
        if self.doc:
            out["description"] = self.doc
        out["default"] = self.default
        return out

    def default_literal(self) -> str:
        return _toml_literal(self.default)

    def markdown(self, name: str) -> str:
        """One line of documentation: name, type, default, what it does, its shortcut."""
        text = f"`{name}` ({self.describe()}, default `{self.default_literal()}`)"
        if self.doc:
            text += f": {self.doc}"
        if self.config_key:
            text += f"; also the top-level key `{self.config_key}`"
        return text

    def _expected(self, value) -> str:
        return f"expected {self.describe()}, got {toml_type(value)} {shown(value)}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.default!r}, {self.doc!r})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for c in type(self).__mro__
                   for f in getattr(c, "__slots__", ()))

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.doc, self.config_key))


class Bool(Option):
    __slots__ = ()
    kind = "boolean"

    def check(self, value) -> str | None:
        return None if isinstance(value, bool) else self._expected(value) + " (write true or false)"

    def schema(self) -> dict:
        return {"type": "boolean"}


def _bounds(value, lo, hi) -> str | None:
    if lo is not None and value < lo:
        return f"must be >= {lo}, got {shown(value)}"
    if hi is not None and value > hi:
        return f"must be <= {hi}, got {shown(value)}"
    return None


class _Number(Option):
    __slots__ = ("min", "max")

    def __init__(self, default, doc: str = "", min=None, max=None, config_key: str | None = None) -> None:
        self.min, self.max = min, max
        super().__init__(default, doc, config_key)

    def describe(self) -> str:
        lims = [f">= {self.min}" if self.min is not None else "", f"<= {self.max}" if self.max is not None else ""]
        lims = [x for x in lims if x]
        return " ".join([self.kind, ", ".join(lims)]) if lims else self.kind

    def _accepts(self, value) -> bool:
        raise NotImplementedError

    def check(self, value) -> str | None:
        if not self._accepts(value):
            return self._expected(value)
        return _bounds(value, self.min, self.max)

    def schema(self) -> dict:
        out = {"type": self.kind if self.kind == "integer" else "number"}
        if self.min is not None:
            out["minimum"] = self.min
        if self.max is not None:
            out["maximum"] = self.max
        return out


class Int(_Number):
    __slots__ = ()
    kind = "integer"

    def _accepts(self, value) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)


_INF = float("inf")


class Float(_Number):
    """A number: a TOML integer or a finite float (``nan`` and ``inf`` are no threshold)."""
    __slots__ = ()
    kind = "number"

    def _accepts(self, value) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value \
            and value not in (_INF, -_INF)


class Str(Option):
    __slots__ = ()
    kind = "string"

    def check(self, value) -> str | None:
        return None if isinstance(value, str) else self._expected(value)

    def schema(self) -> dict:
        return {"type": "string"}


class Choice(Option):
    """One of a fixed set of strings."""
    __slots__ = ("values",)

    def __init__(self, values, default=None, doc: str = "", config_key: str | None = None) -> None:
        self.values = tuple(values)
        super().__init__(self.values[0] if default is None else default, doc, config_key)

    def describe(self) -> str:
        return "one of " + ", ".join(_toml_literal(v) for v in self.values)

    def check(self, value) -> str | None:
        if not isinstance(value, str):
            return self._expected(value)
        if value not in self.values:
            return f"expected {self.describe()}, got {shown(value)}"
        return None

    def schema(self) -> dict:
        return {"enum": list(self.values)}


class StrList(Option):
    """An array of strings."""
    __slots__ = ()
    kind = "array of strings"

    def check(self, value) -> str | None:
        if not isinstance(value, list):
            return self._expected(value)
        for i, item in enumerate(value):
            if not isinstance(item, str):
                return f"expected {self.describe()}, but item {i + 1} is {toml_type(item)} {shown(item)}"
        return None

    def schema(self) -> dict:
        return {"type": "array", "items": {"type": "string"}}


class StrMap(Option):
    """A table of string keys to strings (``values``: the strings allowed, if limited)."""
    __slots__ = ("values",)

    def __init__(self, default, doc: str = "", values=None, config_key: str | None = None) -> None:
        self.values = None if values is None else tuple(values)
        super().__init__(default, doc, config_key)

    def describe(self) -> str:
        if self.values is None:
            return "table of strings"
        return "table of " + " | ".join(_toml_literal(v) for v in self.values)

    def check(self, value) -> str | None:
        if not isinstance(value, dict):
            return self._expected(value)
        for key, item in value.items():
            if not isinstance(item, str):
                return f"expected {self.describe()}, but {_toml_key(key, SHOWN)} is {toml_type(item)} {shown(item)}"
            if self.values is not None and item not in self.values:
                return (f"{_toml_key(key, SHOWN)} = {shown(item)}: expected one of "
                        + ", ".join(_toml_literal(v) for v in self.values))
        return None

    def schema(self) -> dict:
        return {"type": "object",
                "additionalProperties": {"type": "string"} if self.values is None else {"enum": list(self.values)}}


def infer(default) -> Option:
    """The type of an untyped default (a rule that declares ``OPTIONS = {"x": 5}``)."""
    if isinstance(default, Option):
        return default
    if isinstance(default, bool):
        return Bool(default)
    if isinstance(default, int):
        return Int(default)
    if isinstance(default, float):
        return Float(default)
    if isinstance(default, str):
        return Str(default)
    if isinstance(default, (list, tuple)) and all(isinstance(v, str) for v in default):
        return StrList(list(default))
    if isinstance(default, dict) and all(isinstance(v, str) for v in default.values()):
        return StrMap(dict(default))
    raise TypeError(f"cannot infer an option type from the default {default!r}; declare it with rules.options")


def typed(options) -> dict:
    """name -> Option for a rule's ``OPTIONS`` (typed declarations, or plain defaults to infer from)."""
    return {str(k): infer(v) for k, v in dict(options or {}).items()}
