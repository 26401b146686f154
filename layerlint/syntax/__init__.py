"""Syntax layer: Dockerfile text -> instructions with exact positions."""
from .model import Comment, Directive, Dockerfile, Flag, Heredoc, Instruction, KeyValue, SourceMap, Span, SyntaxProblem, Word
from .parser import MAX_BYTES, parse, parse_bytes

__all__ = ["Comment", "Directive", "Dockerfile", "Flag", "Heredoc", "Instruction", "KeyValue",
           "SourceMap", "Span", "SyntaxProblem", "Word", "parse", "parse_bytes", "MAX_BYTES"]
