"""LL513 env-same-instruction-reference: ENV value refers to a variable set by the same ENV instruction (it sees the old value)."""
from ...helpers import lint, positions, spans


def test_env_same_instruction_reference():
    f = lint("FROM a:1\nENV APP=/app BIN=$APP/bin\n", "LL513")
    assert positions(f) == [("LL513", 2, 18)] and f[0].span.end_column == 22
    assert f[0].hadolint == ("DL3044",)
    # a reference to a later pair, braces, double quotes, a continuation line
    f = lint('FROM a:1\nENV B="${A}" \\\n    A=1\n', "LL513")
    assert positions(f) == [("LL513", 2, 8)]
    f = lint("FROM a:1\nENV A=1 \\\n    B=x${A:-y}\n", "LL513")
    assert positions(f) == [("LL513", 3, 8)]
    # defined earlier with a different value: still the old value
    f = lint("FROM a:1\nENV A=1\nENV A=2 B=$A\n", "LL513")
    assert positions(f) == [("LL513", 3, 11)] and "had before this instruction" in f[0].message
    assert len(lint("FROM a:1\nONBUILD ENV A=1 B=$A\n", "LL513")) == 1


def test_env_same_instruction_reference_does_not_fire():
    assert lint("FROM a:1\nENV PATH=/opt/bin:$PATH\n", "LL513") == []
    assert lint("FROM a:1\nENV A=1\nENV B=$A\n", "LL513") == []
    assert lint("FROM a:1\nENV A=1\nENV A=1 B=$A\n", "LL513") == []  # same value before and after
    assert lint("FROM a:1\nENV A=1 B='$A' C=\\$A\n", "LL513") == []
    assert lint("FROM a:1\nENV A 1 $A\n", "LL513") == []
    assert lint("FROM a:1\nARG U\nENV U=$U V=${U}\n", "LL513") == []  # U=$U keeps the old value


def test_env_same_instruction_reference_onbuild_twin_positions():
    assert spans(lint("FROM a:1\nENV A=1 B=$A\n", "LL513")) == [("LL513", 2, 11, 2, 13)]
    assert spans(lint("FROM a:1\nONBUILD ENV A=1 B=$A\n", "LL513")) == [("LL513", 2, 19, 2, 21)]
