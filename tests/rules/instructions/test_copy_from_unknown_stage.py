"""LL507 copy-from-unknown-stage: COPY --from names no earlier stage and is not an image reference."""
from ...helpers import lint, positions


def test_copy_from_unknown_stage_with_suggestion():
    text = "FROM golang:1 AS build\nRUN go build\nFROM debian:12\nCOPY --from=biuld /a /a\n"
    f = lint(text, "LL507")
    assert positions(f) == [("LL507", 4, 13)] and f[0].span.end_column == 18
    assert "did you mean `build`" in f[0].message and f[0].hadolint == ("DL3022",)


def test_copy_from_unknown_stage_cases():
    f = lint("FROM a:1\nCOPY --from=nginx /a /b\n", "LL507")
    assert positions(f) == [("LL507", 2, 13)] and "nginx:latest" in f[0].message
    f = lint("FROM a:1\nCOPY --from=later /a /b\nFROM b:1 AS later\n", "LL507")
    assert positions(f) == [("LL507", 2, 13)] and "later in the file" in f[0].message
    f = lint("FROM a:1\nFROM b:1\nCOPY --from=2 /a /b\n", "LL507")
    assert positions(f) == [("LL507", 3, 13)]
    f = lint("ARG IMG=nginx:1\nFROM a:1\nCOPY --from=${IMG} /a /b\n", "LL507")
    assert positions(f) == [("LL507", 3, 13)] and "does not expand" in f[0].message
    # continuation: the flag on its own line
    f = lint("FROM a:1\nCOPY \\\n  --from=nope \\\n  /a /b\n", "LL507")
    assert positions(f) == [("LL507", 3, 10)]


def test_copy_from_unknown_stage_does_not_fire():
    ok = ("FROM a:1 AS Build\nFROM b:1\nCOPY --from=build /a /b\nCOPY --from=BUILD /a /b\nCOPY --from=0 /a /b\n"
          "COPY --from=nginx:1.27 /a /b\nCOPY --from=ghcr.io/o/tool /a /b\nCOPY --from=alpine@sha256:00 /a /b\n")
    assert lint(ok, "LL507") == []
    assert lint("FROM a:1\nCOPY --from=ctx /a /b\n", "LL507", rule_options={"LL507": {"contexts": ["ctx"]}}) == []
    assert lint("FROM a:1\nONBUILD COPY --from=builder /a /b\n", "LL507") == []  # resolved in the child build
    assert lint("FROM a:1 AS x\nCOPY --from=x /a /b\n", "LL507") == []  # own stage: LL508
