"""Variable used in an instruction is not defined.

## What it does
Checks the places the builder itself expands variables (BuildKit's `UndefinedVar`): `ENV` and
`LABEL` keys and values, `ARG` defaults, `COPY`/`ADD` sources, destination, `--chown`,
`--chmod` and `--checksum`, unquoted `COPY`/`ADD` heredoc bodies, `WORKDIR`, `USER`, `VOLUME`,
`STOPSIGNAL` and `RUN --mount` options. Shell-form `RUN`/`CMD`/`ENTRYPOINT` are not checked:
their variables belong to the shell at run time. Each undefined variable is reported at its
reference, with BuildKit's "did you mean" suggestion.

What "defined" means follows BuildKit: an `ENV` or an `ARG` (with or without a value) earlier
in the stage or in the stages it is built `FROM`, and `PATH`, which the builder always sets.
Global ARGs (before the first `FROM`) and the predefined `TARGETARCH`, `BUILDPLATFORM`, ...
are not visible inside a stage until an `ARG NAME` line imports them.

BuildKit also knows the base image's `ENV`; layerlint does not pull images, and where it does
not know the base image's `ENV` it does not guess either way:

- a stage chain that starts at `scratch` has no base `ENV`: every undefined name is reported,
  exactly as BuildKit does;
- the `ENV` names of the official images (and jupyter/docker-stacks) are shipped in
  `layerlint/data/official_image_env.tsv`, read from those images' own Dockerfiles (the file
  names each source). A name the base image defines there (`PHP_INI_DIR` on `php`, `JAVA_HOME`
  on `eclipse-temurin`, `NB_UID` on `quay.io/jupyter/base-notebook`) is defined. When the table
  knows every variant of the image down to `scratch` (its `complete` column), any other name is
  reported as BuildKit does, `${X:-default}` and `${X:+alt}` included. (A tag newer than those
  Dockerfiles may add a name; the table lists the union over every variant read, so a miss is
  more likely than a false report.)
- on any other base image a name is only reported when it is clearly undefined: it is a global
  or predefined ARG that the stage never imports, or it is defined by `ENV`/`ARG` elsewhere in
  this Dockerfile but not in scope here (later in the stage, earlier in the same `ENV`, which
  BuildKit expands with the environment from before the instruction, or in an unrelated stage).
  A definition that extends itself (`ENV LD_LIBRARY_PATH=/opt/lib:$LD_LIBRARY_PATH`) is the
  idiom for adding to a value the base image sets, so it is not such evidence. Here layerlint
  differs from BuildKit on purpose: BuildKit, which sees the real base image, also reports every
  other name the base image does not define; layerlint cannot tell those from names the base
  image does define, so it reports neither.

ONBUILD triggers are not checked: they run in another build, with another environment.

## Why is this bad
An undefined variable expands to an empty string without any error: `COPY $APP_DIR/ /srv`
copies the whole context root, `WORKDIR /opt/$VERSION` is `/opt/`, and a global `ARG VERSION`
used in a stage without `ARG VERSION` is the most common way to lose a value between stages.

## Example
```dockerfile
ARG VERSION=1.2.3
FROM alpine:3.20
LABEL org.opencontainers.image.version=$VERSION
COPY $APP_DIR/config /etc/app/
ENV APP_DIR=/src
```

## Use instead
```dockerfile
ARG VERSION=1.2.3
FROM alpine:3.20
ARG VERSION
LABEL org.opencontainers.image.version=$VERSION
ENV APP_DIR=/src
COPY $APP_DIR/config /etc/app/
```
"""
import os
import re

from ..base import Violation
from ...graph import Allowance, Layered, Scope, expand
from ...images import DOCKER_HUB, parse_image
from ..context import referenced_vars
from ..buildkit_semantics import (NON_ENV_ARGS, PREDEFINED_ARGS, Suggester, first_ref, flag_value_offset, global_env,
                                  sub_span)

CODE = "LL410"
NAME = "undefined-var"
SEVERITY = "warning"
SUMMARY = "Variable in a builder-expanded position is not defined"
HADOLINT = ()
BUILDKIT = ("UndefinedVar",)
TAGS = ("buildkit", "arguments")

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# image -> (complete, ENV names) from data/official_image_env.tsv, read the first time a file
# needs it (most runs never do: only stages on an image the table names)
_BASE_ENV = None
_WINDOWS_TAG = re.compile(r"windows|nanoserver|servercore|ltsc", re.I)


def image_key(ref) -> str:
    """The table's name of an image: an official image by its name (``python``), any other as
    registry/path (``quay.io/jupyter/base-notebook``, ``jupyter/base-notebook``)."""
    if ref.official:
        return ref.name
    if ref.registry is None or ref.registry in DOCKER_HUB:
        return ref.path
    return f"{ref.registry}/{ref.path}"


def _table() -> dict:
    global _BASE_ENV
    if _BASE_ENV is None:
        # what pkgutil.get_data does (zip-safe), as images.py reads its table
        path = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "data",
                            "official_image_env.tsv")
        table = {}
        for line in __spec__.loader.get_data(path).decode("utf-8").splitlines():
            if line and not line.startswith("#"):
                image, complete, names = line.split("\t")[:3]
                table[image] = (complete == "yes", frozenset(names.split()))
        _BASE_ENV = table
    return _BASE_ENV


def base_image_env(image: str):
    """``(complete, names)``: the ENV names the image ``image`` defines, and whether every other
    name is known to be undefined there; None when layerlint does not know that image."""
    if not image or "$" in image:
        return None
    ref = parse_image(image)
    if _WINDOWS_TAG.search(ref.tag or ""):
        return None  # the table reads Linux variants only
    return _table().get(image_key(ref))


def _anchored(instr, span, base=0):
    def locate(name, text, esc, ref=None):
        # ``ref``: the (start, end) of the name's first reference, when the caller has it
        # (searching the text again for every finding was quadratic in a long line)
        ref = ref or first_ref(text, name, esc)
        if ref is None:
            return span
        return sub_span(instr, span, base + ref[0], base + ref[1])
    return locate


def _items(instr, esc):
    """(text, escape, locate) for every builder-expanded word of ``instr`` except ARG values."""
    kw = instr.keyword
    if kw in ("ENV", "LABEL"):
        for p in instr.pairs:
            yield p.key, esc, _anchored(instr, p.key_span)
            if p.value is not None and p.value_span is not None:
                yield p.value, esc, _anchored(instr, p.value_span), p.key
        return
    if kw in ("COPY", "ADD", "RUN"):
        names = {"COPY": ("chown", "chmod"), "ADD": ("chown", "chmod", "checksum"), "RUN": ("mount",)}[kw]
        for f in instr.flags:
            if f.name in names and f.value is not None:
                off = flag_value_offset(f)
                yield f.raw[off:], esc, _anchored(instr, f.span, off)
        if kw == "RUN":
            return
    if kw in ("COPY", "ADD", "VOLUME"):
        if instr.exec_form is not None:
            start = instr.args_offset
            args = instr.line[start:start + len(instr.args_text)]
            locate = _first_refs_in(instr, instr.span_of(start, start + len(args)), args, esc)
            for item in instr.exec_form:
                yield item, esc, locate
        else:
            heredoc_words = {(h.word.span.line, h.word.span.column) for h in instr.heredocs}
            for w in instr.words:
                if (w.span.line, w.span.column) in heredoc_words:
                    continue
                yield w.text, esc, _anchored(instr, w.span)
        if kw != "VOLUME":
            for h in instr.heredocs:
                if not h.expand:
                    continue
                # BuildKit expands these with `\` as escape and quotes kept as text
                body = h.body.replace("'", "\x01").replace('"', "\x01")
                yield body, "\\", (lambda name, t, e, ref=None, h=h: _heredoc_span(t, h, name, e, ref))
        return
    if kw in ("WORKDIR", "USER", "STOPSIGNAL") and instr.args_text:
        start = instr.args_offset
        yield instr.args_text, esc, _anchored(instr, instr.span_of(start, start + len(instr.args_text)))


def _first_refs_in(instr, anchor, text, esc):
    """A locate() for the items of an exec form: each name at its first reference in the
    instruction's ``text`` (every reference of it scanned once, not once per finding)."""
    first: dict = {}
    for n, s, e in referenced_vars(text, esc):
        first.setdefault(n, (s, e))
    locate = _anchored(instr, anchor)
    return lambda name, _item, e, _ref=None: locate(name, text, e, first.get(name)) if name in first else anchor


def _heredoc_span(text, h, name, esc, ref=None):
    ref = ref or first_ref(text, name, esc)
    s, e = ref if ref is not None else (0, 0)
    return h.body_span(s, e)  # text has the offsets of h.body


_ELSEWHERE = " (it is defined elsewhere in this Dockerfile, but not in scope here)"


class _Scope:
    def __init__(self, ctx):
        self.ctx = ctx
        self.globals_, declared = global_env(ctx)
        self.global_names = set(declared) | PREDEFINED_ARGS
        # what expanding may produce here (a value used in every instruction: graph.Allowance)
        self.allowance = Allowance(len(ctx.df.text))
        # the did-you-mean hints of the whole file: every name a scope can hold is an ENV or
        # ARG key of the file, or PATH
        self.suggester = Suggester(["PATH"] + [p.key for i in ctx.instructions() if i.keyword in ("ENV", "ARG")
                                               for p in i.pairs])
        # names this file defines from scratch (``ENV X=$X:/more`` extends an inherited value
        # and is no evidence that X is this file's own variable)
        self.file_names: set[str] = set()
        self.bases: dict = {}  # id(root stage) -> base_image_env of its image
        esc = ctx.df.escape
        for instr in ctx.instructions():
            if instr.keyword in ("ENV", "ARG") and ctx.stage_of(instr) is not None:
                self.file_names.update(p.key for p in instr.pairs
                                       if p.key not in {n for n, _, _ in referenced_vars(p.value or "", esc)})

    def base(self, stage):
        """What layerlint knows of the ENV of the image ``stage`` is built on (base_image_env)."""
        root = stage.root
        found = self.bases.get(id(root), False)
        if found is False:
            found = None if root.base_unresolved else base_image_env(root.base)
            self.bases[id(root)] = found
        return found

    def complete(self, stage) -> bool:
        """Whether every name the base image defines is known (scratch, or a complete image)."""
        known = self.base(stage)
        return stage.root.is_scratch or (known is not None and known[0])

    def reason(self, stage, name):
        """Why ``name`` counts as undefined here (None: it is, or may be, the base image's)."""
        root = stage.root
        if root.is_scratch:
            return ""
        known = self.base(stage)
        if known is not None and name in known[1]:
            return None  # the base image defines it
        if name in self.global_names:
            return f" (a global ARG is not visible inside a stage: add `ARG {name}` after FROM)"
        if name in self.file_names:
            return _ELSEWHERE
        if known is not None and known[0]:
            return self.not_in_base(stage)
        return None

    @staticmethod
    def not_in_base(stage) -> str:
        root = stage.root
        if root.is_scratch:
            return ""
        return f" (neither this file nor the ENV of {root.base} defines it)"


def _findings(scope, stage, items, env, declared):
    """``env``: the names in scope, in BuildKit's order (a view); ``declared(name)``: an ARG of
    the stage, with or without a value, or a name BuildKit keeps out of the environment."""
    for text, esc, locate, *defines in items:
        _, unmatched = expand(text, env, esc, scope.allowance)
        done = set()
        for name, start, end in referenced_vars(text, esc):
            if name not in unmatched or declared(name) or name in done:
                continue
            done.add(name)
            why = scope.reason(stage, name)
            if why is None:
                continue  # the base image defines it, or may
            if why == _ELSEWHERE and defines and defines[0] == name:
                if not scope.complete(stage):
                    continue  # `ENV X=$X:...` extending a value the base image may set
                why = scope.not_in_base(stage)  # ...which this one does not
            msg = f"Usage of undefined variable '${name}'"
            hint = scope.suggester.suggest(name, env)
            if hint:
                msg += f" (did you mean ${hint}?)"
            yield Violation(locate(name, text, esc, (start, end)), msg + why)


_PATH = {"PATH": DEFAULT_PATH}


def check(ctx):
    scope = _Scope(ctx)
    g = ctx.graph
    esc = ctx.df.escape
    for stage in g.stages:
        for step in stage.steps:
            instr = step.instr
            if instr.inner is not None:
                continue
            state = step.state
            # views, not copies: a copy of every name in scope per instruction was quadratic
            local = Scope()  # the values this ARG instruction has set so far
            names: set = set()  # and the names it has declared

            def declared(name, args=state.args, names=names):
                return name in NON_ENV_ARGS or name in args or name in names

            env = Layered(_PATH, state.vars, local)

            if instr.keyword == "ARG":
                for p in instr.pairs:
                    if p.key in g.build_args:
                        val = g.build_args[p.key]
                    elif p.value is not None:
                        yield from _findings(scope, stage, [(p.value, esc, _anchored(instr, p.value_span), p.key)],
                                             env, declared)
                        val = expand(p.value, env, esc, scope.allowance)[0]
                    else:
                        val = scope.globals_.get(p.key) if p.key in scope.global_names else None
                    names.add(p.key)
                    if val is not None:
                        local = local.set(p.key, val)
                        env = Layered(_PATH, state.vars, local)
                continue
            yield from _findings(scope, stage, _items(instr, esc), env, declared)
