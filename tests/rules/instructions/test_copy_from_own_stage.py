"""LL508 copy-from-own-stage: COPY --from refers to the stage it is in."""
from ...helpers import lint, positions


def test_copy_from_own_stage():
    f = lint("FROM a:1 AS build\nRUN x\nCOPY --from=build /a /b\n", "LL508")
    assert positions(f) == [("LL508", 3, 13)] and f[0].hadolint == ("DL3023",)
    f = lint("FROM a:1\nFROM b:1 AS Two\nCOPY --from=1 /a /b\nCOPY --from=two /a /b\n", "LL508")
    assert positions(f) == [("LL508", 3, 13), ("LL508", 4, 13)]
    assert lint("FROM a:1 AS build\nFROM b:1\nCOPY --from=build /a /b\nCOPY --from=0 /a /b\n", "LL508") == []
    assert lint("FROM a:1 AS build\nONBUILD COPY --from=build /a /b\n", "LL508") == []
