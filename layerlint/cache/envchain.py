"""A RUN's environment the way BuildKit keys it, shared between steps.

BuildKit keeps a stage's environment as an ``EnvList`` (client/llb/meta.go): every ENV pair
and every ARG with a value is ``AddOrReplace``d in instruction order, and the list a RUN gets
is ordered by each name's *last* setting (setting a name again moves it to the end).  The
whole list, in that order, is part of the RUN's cache key, so ``ENV A=1 B=2`` ->
``ENV B=2 A=1`` changes the key.

Listing it per RUN costs O(steps x variables) (a file of 5,000 ENV and 5,000 RUN lines made
25 million entries).  :class:`EnvChain` is persistent instead (setting a name returns a new
chain sharing all but a few nodes, on the graph's hash-trie ``Scope``) and carries an exact
fingerprint of the ordered list, updated in O(log n) per setting: the sum of a hash of every
pair of neighbours (the list head counts as a neighbour ``None``).  A list of distinct names
is determined by its set of neighbour pairs, so two chains with equal fingerprints hold the
same names and values in the same order (up to a 128-bit hash collision), however they were
made.  The base image's environment is unknown and the same in both builds: it is left out.
"""
from __future__ import annotations

from ..graph import Scope

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

_MOD = 1 << 128


def _pair(a: Optional[tuple], b: Optional[tuple]) -> int:
    import hashlib  # only a file with ENV/ARG values pays for it
    return int.from_bytes(hashlib.blake2b(repr((a, b)).encode("utf-8", "backslashreplace"),
                                          digest_size=16).digest(), "big")


class EnvChain:
    """The ordered ``name=value`` list a RUN runs with (names set in this Dockerfile)."""

    __slots__ = ("nodes", "last", "total", "count", "n_env")

    def __init__(self, nodes: Optional[Scope] = None, last: Optional[str] = None, total: int = 0,
                 count: int = 0, n_env: int = 0) -> None:
        self.nodes = Scope() if nodes is None else nodes  # name -> (value, prev, next, kind)
        self.last = last
        self.total = total  # sum of the neighbour-pair hashes, mod 2**128
        self.count = count
        self.n_env = n_env  # names whose last setting was an ENV (the others: an ARG)

    def _entry(self, nodes: Scope, name: Optional[str]) -> Optional[tuple]:
        if name is None:
            return None
        return (name, nodes.get(name)[0])

    def set(self, name: str, value: str, kind: str) -> "EnvChain":
        """The chain after ``ENV name=value`` (kind "env") or ``ARG name=value`` ("arg")."""
        nodes, last, total, count, n_env = self.nodes, self.last, self.total, self.count, self.n_env
        old = nodes.get(name)
        if old is not None:
            ov, op, on, ok = old
            n_env -= ok == "env"
            if last == name:  # already last: only its value (and kind) can change
                if ov == value and ok == kind:
                    return self
                pe = self._entry(nodes, op)
                total += _pair(pe, (name, value)) - _pair(pe, (name, ov))
                nodes = nodes.set(name, (value, op, None, kind))
                return EnvChain(nodes, last, total % _MOD, count, n_env + (kind == "env"))
            pe, ne = self._entry(nodes, op), self._entry(nodes, on)
            total += _pair(pe, ne) - _pair(pe, (name, ov)) - _pair((name, ov), ne)
            if op is not None:
                pv, pp, _pn, pk = nodes.get(op)
                nodes = nodes.set(op, (pv, pp, on, pk))
            nv, _np, nn, nk = nodes.get(on)
            nodes = nodes.set(on, (nv, op, nn, nk))
            count -= 1
        total += _pair(self._entry(nodes, last), (name, value))
        if last is not None:
            lv, lp, _ln, lk = nodes.get(last)
            nodes = nodes.set(last, (lv, lp, name, lk))
        nodes = nodes.set(name, (value, last, None, kind))
        return EnvChain(nodes, name, total % _MOD, count + 1, n_env + (kind == "env"))

    @property
    def fingerprint(self) -> str:
        return f"{self.total:032x}/{self.count}"

    def __contains__(self, name: str) -> bool:
        return name in self.nodes

    def get(self, name: str) -> Optional[str]:
        node = self.nodes.get(name)
        return None if node is None else node[0]

    def kind(self, name: str) -> Optional[str]:
        node = self.nodes.get(name)
        return None if node is None else node[3]

    def recent(self, limit: Optional[int] = None) -> list[tuple[str, str, str]]:
        """``(name, value, kind)`` in BuildKit's order; with ``limit``, only the last ``limit``
        (O(limit): nothing before them is visited)."""
        out = []
        name = self.last
        nodes = self.nodes
        while name is not None and (limit is None or len(out) < limit):
            v, p, _n, k = nodes.get(name)
            out.append((name, v, k))
            name = p
        out.reverse()
        return out

    def items(self) -> list[tuple[str, str]]:
        """The whole ``(name, value)`` list, in BuildKit's order (O(n): for reports only)."""
        return [(k, v) for k, v, _ in self.recent()]
