"""Rules that exist only in tests: they echo hostile text into messages and yield fixes of
every shape the fix engine must handle, without depending on which real rules exist."""
from layerlint.rules.base import Edit, Fix, Violation
from layerlint.rules import Rule
from layerlint.syntax.model import Span


def make(code, name, check, severity="warning", fixable=False, tags=()):
    return Rule(code=code, name=name, severity=severity, summary=f"test rule {name}",
                doc=f"Test rule {name}.\n\n## What it does\nTests.\n", hadolint=("DL9999",),
                buildkit=("TestCheck",), check=check, fixable=fixable, tags=tuple(tags))


def _echo(ctx):
    """Every LABEL value and every heredoc body, verbatim, as a message."""
    for instr in ctx.df.instructions:
        for p in instr.pairs:
            if instr.keyword == "LABEL":
                yield Violation(p.span, f"label {p.key} = {p.value}")
        for h in instr.heredocs:
            yield Violation(h.word.span, f"heredoc body: {h.body}")


ECHO = make("LL991", "echo-text", _echo)


def _upper(ctx):
    """Instruction keywords in upper case (a replacement)."""
    for instr in ctx.df.instructions:
        for i in (instr, instr.inner) if instr.inner is not None else (instr,):
            if i.keyword_raw != i.keyword:
                yield Violation(i.keyword_span, f"{i.keyword_raw} in lower case", Fix("upper-case the keyword",
                                                                           [Edit(i.keyword_span, i.keyword)]))


UPPER = make("LL992", "keyword-case", _upper, severity="style", fixable=True)


def _apk_no_cache(ctx):
    """`apk add` without --no-cache: insert it after `add` (an insertion)."""
    for instr in ctx.instructions("RUN"):
        for script, cmd in ctx.commands(instr):
            words = [w.value for w in cmd.words]
            if len(words) >= 2 and words[0] == "apk" and words[1] == "add" and "--no-cache" not in words:
                sp = script.word_span(cmd.words[1])
                at = Span(sp.end_line, sp.end_column, sp.end_line, sp.end_column)
                yield Violation(sp, "apk add without --no-cache", Fix("add --no-cache", [Edit(at, " --no-cache")]))


APK = make("LL993", "apk-no-cache", _apk_no_cache, fixable=True)


def _breaker(ctx):
    """A wrong fix: append a continuation to the first RUN, swallowing the next instruction."""
    for instr in ctx.instructions("RUN"):
        if instr.heredocs:
            continue
        line = instr.end_line
        end = len(ctx.df.lines[line - 1]) + 1
        at = Span(line, end, line, end)
        yield Violation(instr.keyword_span, "breaker", Fix("append a backslash", [Edit(at, " \\")]))
        return


BREAKER = make("LL994", "breaker", _breaker, fixable=True)


def _toggle(ctx):
    """Two fixes that undo each other (never converges): ENV FOO=a <-> ENV FOO=b."""
    for instr in ctx.instructions("ENV"):
        for p in instr.pairs:
            if p.key == "FOO" and p.value in ("a", "b") and p.value_span is not None:
                yield Violation(p.value_span, "toggle", Fix("toggle", [Edit(p.value_span, "b" if p.value == "a" else "a")]))


TOGGLE = make("LL995", "toggle", _toggle, fixable=True)


def _maintainer(ctx):
    """MAINTAINER x -> LABEL maintainer="x" (a whole-line replacement)."""
    for instr in ctx.instructions("MAINTAINER"):
        if instr.end_line != instr.start_line:
            continue
        line = ctx.df.lines[instr.start_line - 1]
        span = Span(instr.start_line, instr.keyword_span.column, instr.start_line, len(line.rstrip()) + 1)
        value = instr.args_text.replace("\\", "\\\\").replace('"', '\\"')
        yield Violation(instr.keyword_span, "MAINTAINER is deprecated", Fix("use a LABEL", [Edit(span, f'LABEL maintainer="{value}"')]))


MAINTAINER = make("LL996", "maintainer", _maintainer, fixable=True)


def _insert_line(ctx):
    """Insert a new instruction line before the first RUN (a line insertion with a newline)."""
    for instr in ctx.instructions("RUN"):
        if instr.parent is not None:
            continue
        at = Span(instr.start_line, 1, instr.start_line, 1)
        if ctx.df.lines[instr.start_line - 2:instr.start_line - 1] == ["ARG INSERTED=1"]:
            return
        yield Violation(instr.keyword_span, "insert", Fix("insert an ARG", [Edit(at, "ARG INSERTED=1\n")]))
        return


INSERT = make("LL997", "insert-line", _insert_line, fixable=True)


def _overlap(ctx):
    """Two findings whose fixes overlap: both replace the first FROM's image."""
    for instr in ctx.instructions("FROM"):
        if instr.words and instr.words[0].text == "alpine":
            w = instr.words[0]
            yield Violation(w.span, "overlap A", Fix("tag 3.19", [Edit(w.span, "alpine:3.19")]))
            yield Violation(w.span, "overlap B", Fix("tag 3.20", [Edit(w.span, "alpine:3.20")]))
        return


OVERLAP = make("LL998", "overlap", _overlap, fixable=True)

FIXERS = [UPPER, APK, MAINTAINER, INSERT]


def register(monkeypatch, *rules):
    """Add rules to the registry for this test (the CLI, config selection and SARIF see them)."""
    import layerlint.rules as registry
    current = dict(registry.all_rules())
    for r in rules:
        current[r.code] = r
    monkeypatch.setattr(registry, "_RULES", dict(sorted(current.items())))
