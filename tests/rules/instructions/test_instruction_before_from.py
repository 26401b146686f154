"""LL517 instruction-before-from: Instruction other than ARG before the first FROM."""
from ...helpers import lint, positions


def test_instruction_before_from():
    f = lint("# comment\nLABEL a=b\nARG X=1\n  env Y=2\nFROM a:1\nLABEL ok=1\n", "LL517")
    assert positions(f) == [("LL517", 2, 1), ("LL517", 4, 3)] and f[0].hadolint == ("DL3061",)
    f = lint("RUN true\n", "LL517")
    assert positions(f) == [("LL517", 1, 1)] and "no FROM" in f[0].message
    assert lint("# syntax=docker/dockerfile:1\nARG A\nFROM a:1\n", "LL517") == []


def test_instruction_before_from_onbuild_twin():
    assert positions(lint("ARG X\nONBUILD RUN x\nFROM a:1\n", "LL517")) == [("LL517", 2, 1)]
