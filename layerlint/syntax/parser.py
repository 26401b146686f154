"""Text -> instructions, following BuildKit's parser (frontend/dockerfile/parser) line by line.

The behaviour mirrors BuildKit: directives only at the top, continuation lines joined without
newlines (comment lines inside dropped, blank ones dropped with a warning), heredoc bodies read
after the instruction line, JSON form only when the text is a valid array of strings.  On top
of that every word keeps its file position, which BuildKit's AST does not.
"""
from __future__ import annotations

import json
import re

from .model import Comment, Directive, Dockerfile, Flag, Heredoc, Instruction, KeyValue, SourceMap, SyntaxProblem, Word

TYPE_CHECKING = False  # typing costs 2 ms at start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Optional

MAX_BYTES = 20 * 1024 * 1024  # documented limit: bigger files are refused, not parsed

KNOWN_INSTRUCTIONS = frozenset(
    "ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE FROM HEALTHCHECK LABEL MAINTAINER ONBUILD RUN "
    "SHELL STOPSIGNAL USER VOLUME WORKDIR".split()
)
HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
JSON_OR_STRING = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL"})
JSON_OR_LIST = frozenset({"ADD", "COPY", "VOLUME"})
KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})

_DIRECTIVE_RE = re.compile(r"^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")
_HEREDOC_RE = re.compile(r"^(\d*)<<(-?)([^<]*)$")
_WS = " \t\v\f\r"


def decode(data: bytes) -> tuple[str, list[SyntaxProblem], bool]:
    """Bytes -> text.  Returns (text, problems, had_bom); a fatal problem means: do not parse."""
    problems: list[SyntaxProblem] = []
    if len(data) > MAX_BYTES:
        problems.append(SyntaxProblem(1, 1, f"file is over {MAX_BYTES // (1024 * 1024)} MB; "
                                            f"layerlint refuses files over {MAX_BYTES // (1024 * 1024)} MB"))
        return "", problems, False
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        problems.append(SyntaxProblem(1, 1, "file is UTF-16 encoded; Dockerfiles must be UTF-8"))
        return "", problems, False
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        col = nul - (data.rfind(b"\n", 0, nul) + 1) + 1
        problems.append(SyntaxProblem(line, col, "binary file: NUL byte found"))
        return "", problems, False
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(SyntaxProblem(line, col, f"invalid UTF-8 (byte 0x{data[exc.start]:02x})", fatal=False))
        text = data.decode("utf-8", errors="replace")
    return text, problems, bom


def parse_bytes(data: bytes, path: str = "Dockerfile") -> Dockerfile:
    text, problems, bom = decode(data)
    if any(p.fatal for p in problems):
        return Dockerfile(path, "", [], [], {}, "\\", [], problems, bom=bom)
    df = parse(text, path)
    df.errors[:0] = problems
    df.bom = df.bom or bom
    return df


def parse(text: str, path: str = "Dockerfile") -> Dockerfile:
    return _Parser(text, path).run()


def _is_comment(line: str) -> bool:
    return line.lstrip(_WS + "\n").startswith("#")


class _Parser:
    def __init__(self, text: str, path: str) -> None:
        bom = text.startswith("\ufeff")
        if bom:
            text = text[1:]
        raw = text.split("\n")
        if raw and raw[-1] == "":
            raw.pop()
        self.crlf = any(l.endswith("\r") for l in raw)
        self.lines = [l[:-1] if l.endswith("\r") else l for l in raw]
        self.df = Dockerfile(path, text, self.lines, [], {}, "\\", [], [], crlf=self.crlf, bom=bom)
        self.escape = "\\"

    # -- helpers -------------------------------------------------------------------------
    def error(self, line: int, col: int, msg: str, fatal: bool = True) -> None:
        self.df.errors.append(SyntaxProblem(line, col, msg, fatal))

    def _continues(self, text: str) -> tuple[str, bool]:
        """BuildKit's trimContinuationCharacter: (text without escape, is_end_of_line)."""
        e = self.escape
        stripped = text.rstrip(" \t")
        if stripped.endswith(e) and (len(stripped) == 1 or stripped[-2] != e):
            return stripped[:-1], False
        return text, True

    # -- main loop -----------------------------------------------------------------------
    def run(self) -> Dockerfile:
        lines = self.lines
        n = len(lines)
        i = self._directives()
        pending_comments: list[Comment] = []
        while i < n:
            raw = lines[i]
            i += 1
            lineno = i
            if _is_comment(raw):
                body = raw.lstrip(_WS)[1:].strip()
                c = Comment(lineno, len(raw) - len(raw.lstrip(_WS)) + 1, body)
                self.df.comments.append(c)
                if body:
                    pending_comments.append(c)
                else:
                    pending_comments = []
                continue
            lead = len(raw) - len(raw.lstrip(_WS))
            first = raw[lead:]
            text, eol = self._continues(first)
            if eol and text.strip(_WS) == "":
                continue
            smap = SourceMap()
            smap.add(len(text), lineno, lead + 1)
            parts = [text]
            empty_lines: list[int] = []
            comment_lines: list[int] = []
            end = lineno
            while not eol and i < n:
                raw = lines[i]
                i += 1
                end = i
                if _is_comment(raw):
                    comment_lines.append(i)
                    body = raw.lstrip(_WS)[1:].strip()
                    self.df.comments.append(Comment(i, len(raw) - len(raw.lstrip(_WS)) + 1, body))
                    continue
                if raw.strip(_WS) == "":
                    empty_lines.append(i)
                    continue
                cont, eol = self._continues(raw)
                smap.add(len(cont), i, 1)
                parts.append(cont)
            logical = "".join(parts)
            instr = self._instruction(logical, smap, lineno, end, pending_comments)
            pending_comments = []
            if instr is None:
                continue
            instr.empty_continuation_lines = empty_lines
            instr.comment_lines_inside = comment_lines
            target = instr.inner or instr
            if target.keyword in HEREDOC_INSTRUCTIONS and target.exec_form is None and "<<" in logical:
                i = self._read_heredocs(target, i)
                instr.end_line = max(instr.end_line, i) if target.heredocs else instr.end_line
                if target is not instr:
                    target.end_line = instr.end_line
            instr.index = len(self.df.instructions)
            self.df.instructions.append(instr)
        if not self.df.instructions and not self.df.errors:
            self.error(max(1, n), 1, "file with no instructions")
        return self.df

    def _directives(self) -> int:
        """Parse the directive block at the top; returns the index of the first other line."""
        i = 0
        for i, line in enumerate(self.lines):
            m = _DIRECTIVE_RE.match(line)
            if not m or m.group(1).lower() not in KNOWN_DIRECTIVES:
                return i
            name, value = m.group(1).lower(), m.group(2)
            if name in self.df.directives:
                self.error(i + 1, 1, f"only one {name} parser directive can be used")
                return i + 1
            if name == "escape":
                if value not in ("\\", "`"):
                    self.error(i + 1, 1, f"invalid escape token '{value}' does not match ` or \\")
                    value = "\\"
                self.escape = self.df.escape = value
            self.df.directives[name] = Directive(name, value, i + 1)
            self.df.comments.append(Comment(i + 1, 1, line[1:].strip()))
        return len(self.lines)

    # -- one instruction -----------------------------------------------------------------
    def _instruction(self, line: str, smap: SourceMap, start: int, end: int,
                     comments: list[Comment], offset: int = 0,
                     parent: Optional[Instruction] = None) -> Optional[Instruction]:
        # keyword: first whitespace-delimited word
        k0 = offset
        while k0 < len(line) and line[k0] in _WS:
            k0 += 1
        k1 = k0
        while k1 < len(line) and line[k1] not in _WS:
            k1 += 1
        if k1 == k0:
            return None
        kw_raw = line[k0:k1]
        kw = kw_raw.upper()
        instr = Instruction(kw, kw_raw, smap.span(k0, k1), start, end, line, smap,
                            comments=list(comments), parent=parent)
        rest_start = k1
        while rest_start < len(line) and line[rest_start] in _WS:
            rest_start += 1
        rest_end = len(line)
        while rest_end > rest_start and line[rest_end - 1] in _WS:
            rest_end -= 1
        if kw not in KNOWN_INSTRUCTIONS:
            self.error(start, instr.keyword_span.column, f"unknown instruction: {kw_raw}", fatal=False)
            instr.args_offset = rest_start
            instr.args_text = line[rest_start:rest_end]
            return instr
        if kw == "ONBUILD":
            instr.args_offset = rest_start
            instr.args_text = line[rest_start:rest_end]
            if rest_start >= rest_end:
                self.error(start, instr.keyword_span.column, "ONBUILD requires at least one argument")
                return instr
            inner = self._instruction(line[:rest_end], smap, start, end, [], rest_start, instr)
            if inner is not None:
                if inner.keyword in ("ONBUILD", "FROM", "MAINTAINER"):
                    self.error(start, inner.keyword_span.column,
                               f"{inner.keyword} isn't allowed as an ONBUILD trigger")
                instr.inner = inner
            return instr
        flags, args_start = self._flags(line, rest_start, rest_end, smap)
        instr.flags = flags
        instr.args_offset = args_start
        instr.args_text = line[args_start:rest_end]
        self._arguments(instr, line, args_start, rest_end)
        return instr

    def _flags(self, line: str, pos: int, end: int, smap: SourceMap) -> tuple[list[Flag], int]:
        """BuildKit's extractBuilderFlags (always `\\` as escape) with positions."""
        flags: list[Flag] = []
        while pos < end:
            while pos < end and line[pos] in _WS:
                pos += 1
            if not line.startswith("--", pos) or pos + 1 >= end:
                return flags, pos
            start = pos
            word: list[str] = []
            quote = ""
            eq_at = -1
            while pos < end:
                ch = line[pos]
                if quote:
                    if ch == quote:
                        quote = ""
                    elif ch == "\\" and pos + 1 < end:
                        pos += 1
                        word.append(line[pos])
                    elif ch != "\\":
                        word.append(ch)
                    pos += 1
                    continue
                if ch in _WS:
                    break
                if ch in "'\"":
                    quote = ch
                elif ch == "\\":
                    if pos + 1 < end:
                        pos += 1
                        word.append(line[pos])
                else:
                    if ch == "=" and eq_at < 0:
                        eq_at = pos
                    word.append(ch)
                pos += 1
            text = "".join(word)
            if text == "--":
                while pos < end and line[pos] in _WS:
                    pos += 1
                return flags, pos
            body = text[2:]
            if "=" in body:
                name, value = body.split("=", 1)
                vspan = smap.span(eq_at + 1, pos) if eq_at >= 0 else None
            else:
                name, value, vspan = body, None, None
            flags.append(Flag(name, value, line[start:pos], smap.span(start, pos), vspan))
        return flags, pos

    def _arguments(self, instr: Instruction, line: str, start: int, end: int) -> None:
        kw = instr.keyword
        smap = instr.smap
        text = line[start:end]
        instr.words = [Word(line[a:b], smap.span(a, b)) for a, b in _split_ws(line, start, end)]
        if kw in JSON_OR_STRING or kw in JSON_OR_LIST:
            self._maybe_json(instr, text)
        elif kw == "HEALTHCHECK" and len(instr.words) > 1 and instr.words[0].text.upper() == "CMD":
            rest = line.find(instr.words[1].text, start + len(instr.words[0].text))
            self._maybe_json(instr, line[rest:end])
        if kw in ("ENV", "LABEL"):
            self._name_values(instr, line, start, end)
        elif kw == "ARG":
            for a, b in _split_words(line, start, end, self.escape):
                word = line[a:b]
                eq = word.find("=")
                if eq < 0:
                    instr.pairs.append(KeyValue(word, None, "", smap.span(a, b), None, smap.span(a, b)))
                else:
                    instr.pairs.append(KeyValue(word[:eq], word[eq + 1:], "=", smap.span(a, a + eq),
                                                smap.span(a + eq + 1, b), smap.span(a, b)))
        if kw in ("ENV", "LABEL", "ARG", "WORKDIR", "USER", "MAINTAINER", "STOPSIGNAL", "FROM",
                  "EXPOSE", "VOLUME", "ADD", "COPY", "SHELL", "HEALTHCHECK") and not text and not instr.heredocs:
            self.error(instr.start_line, instr.keyword_span.column,
                       f"{kw} requires at least one argument", fatal=False)
        elif kw == "FROM" and (len(instr.words) not in (1, 3)
                               or (len(instr.words) == 3 and instr.words[1].text.lower() != "as")):
            # BuildKit's instructions.Parse refuses it: the build never starts
            self.error(instr.start_line, instr.keyword_span.column,
                       "FROM requires either one or three arguments (FROM image [AS name])", fatal=False)

    def _maybe_json(self, instr: Instruction, text: str) -> None:
        stripped = text.lstrip()
        if not stripped.startswith("["):
            return
        try:
            value, end = _JSON.raw_decode(stripped)
        except (ValueError, RecursionError):
            return  # BuildKit: invalid JSON silently means shell form
        if stripped[end:].strip():
            # `CMD ["a"] # note`, `CMD ["b"]]`: today's BuildKit (v0.25, checked with Docker 28.5)
            # unmarshals the whole text and so reads them as shell form; v0.12 read the first value
            return
        if not isinstance(value, list):
            return
        if not all(isinstance(v, str) for v in value):
            self.error(instr.start_line, instr.keyword_span.column,
                       "JSON array must be a list of strings (nested or non-string element)", fatal=False)
            return
        instr.exec_form = value

    def _name_values(self, instr: Instruction, line: str, start: int, end: int) -> None:
        smap = instr.smap
        words = _split_words(line, start, end, self.escape)
        if not words:
            return
        a0, b0 = words[0]
        if "=" not in line[a0:b0]:
            # legacy `ENV key value...`: value is the rest of the line, spaces included
            k_end = a0
            while k_end < end and line[k_end] not in _WS:
                k_end += 1
            v = k_end
            while v < end and line[v] in _WS:
                v += 1
            if v >= end:
                self.error(instr.start_line, instr.keyword_span.column,
                           f"{instr.keyword} must have two arguments", fatal=False)
                instr.pairs.append(KeyValue(line[a0:k_end], None, "", smap.span(a0, k_end), None,
                                            smap.span(a0, k_end)))
                return
            instr.pairs.append(KeyValue(line[a0:k_end], line[v:end], "", smap.span(a0, k_end),
                                        smap.span(v, end), smap.span(a0, end)))
            return
        for a, b in words:
            word = line[a:b]
            eq = word.find("=")
            if eq < 0:
                self.error(smap.position(a)[0], smap.position(a)[1],
                           f"Syntax error - can't find = in {word!r}. Must be of the form: name=value",
                           fatal=False)
                continue
            instr.pairs.append(KeyValue(word[:eq], word[eq + 1:], "=", smap.span(a, a + eq),
                                        smap.span(a + eq + 1, b), smap.span(a, b)))

    # -- heredocs ------------------------------------------------------------------------
    def _read_heredocs(self, instr: Instruction, i: int) -> int:
        line = instr.line
        words = _split_words(line, 0, len(line), "\\")
        found: list[tuple[int, int, int, bool, str, bool]] = []
        for idx, (a, b) in enumerate(words):
            m = _HEREDOC_RE.match(line[a:b])
            if not m:
                continue
            rest = m.group(3)
            end_b = b
            if rest == "" or rest.isspace():
                # `<< EOF` with a space (BuildKit >= 1.16 for RUN): the delimiter is the next word
                if instr.keyword != "RUN" or idx + 1 >= len(words):
                    continue
                a2, end_b = words[idx + 1]
                rest = line[a2:end_b]
                if rest.startswith("<<"):
                    continue
            name, quoted = _unquote_delimiter(rest)
            if not name:
                continue
            found.append((a, end_b, int(m.group(1) or 0), m.group(2) == "-", name, not quoted))
        lines = self.lines
        for a, b, fd, chomp, name, expand in found:
            body: list[str] = []
            body_line = i + 1
            terminated = False
            while i < len(lines):
                raw = lines[i]
                i += 1
                probe = raw.lstrip("\t") if chomp else raw
                if probe == name:
                    terminated = True
                    break
                body.append(raw + "\n")
            word = Word(line[a:b], instr.smap.span(a, b))
            if not terminated:
                self.error(word.span.line, word.span.column, f"unterminated heredoc {name!r} (no line '{name}' found before end of file)")
            instr.heredocs.append(Heredoc(name, fd, chomp, expand, "".join(body), word, body_line, i))
        return i


def _reject_constant(name: str) -> None:
    raise ValueError(name)


_JSON = json.JSONDecoder(parse_constant=_reject_constant)


def _split_ws(line: str, pos: int, end: int) -> list[tuple[int, int]]:
    out = []
    while pos < end:
        while pos < end and line[pos] in _WS:
            pos += 1
        if pos >= end:
            break
        s = pos
        while pos < end and line[pos] not in _WS:
            pos += 1
        out.append((s, pos))
    return out


def _split_words(line: str, pos: int, end: int, escape: str) -> list[tuple[int, int]]:
    """BuildKit's parseWords: whitespace split that respects quotes and escapes (raw kept)."""
    out: list[tuple[int, int]] = []
    while pos < end:
        while pos < end and line[pos].isspace():
            pos += 1
        if pos >= end:
            break
        s = pos
        quote = ""
        while pos < end:
            ch = line[pos]
            if quote:
                if ch == quote:
                    quote = ""
                elif ch == escape and quote != "'":
                    pos += 1
            elif ch.isspace():
                break
            elif ch in "'\"":
                quote = ch
            elif ch == escape:
                pos += 1
            pos += 1
        pos = min(pos, end)
        out.append((s, pos))
    return out


def _unquote_delimiter(rest: str) -> tuple[str, bool]:
    """Heredoc delimiter without quotes; quoted=True when any part was quoted."""
    out: list[str] = []
    quote = ""
    quoted = False
    i = 0
    while i < len(rest):
        ch = rest[i]
        if quote:
            if ch == quote:
                quote = ""
            else:
                out.append(ch)
        elif ch in "'\"":
            quote = ch
            quoted = True
        elif ch == "\\" and i + 1 < len(rest):
            i += 1
            out.append(rest[i])
        elif ch.isspace():
            return "", quoted  # not one word
        else:
            out.append(ch)
        i += 1
    return "".join(out), quoted
