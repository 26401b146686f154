"""Everything a rule may read about one Dockerfile, computed once and lazily.

Rules get a ``Context``: the parsed file, the instruction graph, the shell parse of every RUN
(with offsets mapped back to file positions), the build context's ``.dockerignore`` and the
cache model.  Nothing here knows about reports or front ends.
"""
from __future__ import annotations

from ..graph import Graph, Stage, Step
from ..syntax.expand import ExpandError, expand_with_unmatched, expand_words, go_quote, referenced_vars
from ..shell.run_scripts import heredoc_feeder
from ..syntax.model import Dockerfile, Instruction

# The expansion functions rules may use (as BuildKit's lexer computes them) and the heredoc
# feeder of a RUN's scripts: rules import them from here, never from the syntax layer or the
# shell parser, so this module is the whole API a rule reads.
__all__ = ["Context", "ExpandError", "expand_with_unmatched", "expand_words", "go_quote", "heredoc_feeder",
           "referenced_vars"]

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Any, Iterator, Optional


_MISSING = object()


class Context:
    def __init__(self, df: Dockerfile, graph: Graph, path: str, options: Optional[dict] = None,
                 context_dir: Optional[str] = None) -> None:
        self.df = df
        self.graph = graph
        self.path = path
        self.options: dict[str, Any] = options or {}  # the current rule's options
        self.context_dir = context_dir
        self._dockerignore: Any = False
        self._cache_model: Any = None
        # set by the engine: the rules of this run, and (for Rule.after_suppressions rules) the
        # file's pragmas with which of them silenced something
        self.rules_run: tuple = ()
        self.suppressions: Any = None
        self._memo: dict = {}

    def memo(self, key, make):
        """``make()``, computed once per file for ``key``: the rule helpers share per-instruction
        work through it (rebuilding it for every later instruction was quadratic)."""
        found = self._memo.get(key, _MISSING)
        if found is _MISSING:
            found = self._memo[key] = make()
        return found

    # -- instructions --------------------------------------------------------------------
    def instructions(self, keyword: Optional[str] = None, effective: bool = True) -> Iterator[Instruction]:
        """All instructions (ONBUILD triggers included, as their trigger when ``effective``)."""
        for instr in self.df.instructions:
            eff = instr.effective if effective else instr
            if keyword is None or eff.keyword == keyword:
                yield eff

    def step(self, instr: Instruction) -> Optional[Step]:
        owner = instr.parent or instr
        return self.graph.step_for(owner)

    def stage_of(self, instr: Instruction) -> Optional[Stage]:
        return self.graph.stage_of(instr.parent or instr)

    # -- shell ---------------------------------------------------------------------------
    def scripts(self, instr: Instruction):
        """The shell scripts a RUN executes (``shell.run_scripts.RunScript``): its command line
        and any heredoc it feeds a shell; parsed once per file, shared with the cache model."""
        return self.graph.run_scripts(instr)

    def commands(self, instr: Instruction):
        """(script, command) for every simple command a RUN executes, the commands of an inline
        ``sh -c 'script'`` right after the command that runs them."""
        return self.graph.run_commands(instr)

    # -- build context -------------------------------------------------------------------
    def context_path(self, rel: str) -> Optional[str]:
        """The on-disk path of build-context path ``rel``, or None; never outside the context
        (``../../etc/passwd`` is ``<context>/etc/passwd``, symlinks stay inside): see ``buildctx.paths``."""
        from ..buildctx.paths import context_path
        return context_path(self.context_dir, rel)

    @property
    def dockerignore(self):
        """The Dockerignore that applies (None when there is no context or no file)."""
        if self._dockerignore is False:
            self._dockerignore = None
            if self.context_dir is not None:
                from ..buildctx.dockerignore import DockerignoreError, load_for
                try:
                    self._dockerignore = load_for(self.path, self.context_dir)
                except (DockerignoreError, OSError):
                    self._dockerignore = None
        return self._dockerignore

    @property
    def cache_model(self):
        if self._cache_model is None:
            from ..cache.model import build_model
            self._cache_model = build_model(self.graph, context_dir=self.context_dir,
                                            dockerfile_path=self.path)
        return self._cache_model

    @property
    def named_contexts(self) -> frozenset:
        """Build-context names (lower-cased) the repository's docker-bake, compose and Makefiles
        define, read from the Dockerfile's directory up to the repository root
        (``images.named_contexts``): a ``FROM <name>`` of one of them is not an image."""
        from ..images import named_contexts
        return self.memo("named_contexts", lambda: named_contexts(self.context_dir))
