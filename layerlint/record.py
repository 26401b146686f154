"""Plain-data base classes: value equality and a readable repr, without ``dataclasses``.

Creating a dataclass costs about 0.4 ms at import (it compiles generated methods and imports
``inspect``), and layerlint defines some fifty of them: a third of a one-file run.  A record is an
ordinary class with ``__slots__`` (or ``_fields`` when it needs a ``__dict__``) and a hand-written
``__init__``; these bases add ``__repr__``, ``==`` and, for ``FrozenRecord``, ``hash``.
"""
from __future__ import annotations


class Record:
    """Compared by value over its fields; unhashable, like a mutable dataclass."""
    __slots__ = ()
    _fields: tuple = ()      # for subclasses without __slots__
    _hidden: tuple = ()      # left out of repr
    _uncompared: tuple = ()  # left out of == and hash

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        fields = tuple(cls.__dict__.get("__slots__", cls._fields))
        cls._fields = fields
        cls._shown = tuple(f for f in fields if f not in cls._hidden)
        cls._compared = tuple(f for f in fields if f not in cls._uncompared)

    def _key(self) -> tuple:
        return tuple([getattr(self, f) for f in self._compared])

    def replace(self, **changes):
        """A copy with some fields changed (like ``dataclasses.replace``)."""
        values = {f: getattr(self, f) for f in self._fields}
        values.update(changes)
        return type(self)(**values)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{f}={getattr(self, f)!r}' for f in self._shown)})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]


class FrozenRecord(Record):
    """A hashable record: its fields are not reassigned after ``__init__``."""
    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._key())
