"""LL103 toolchain-in-final-stage: Final stage is built on a compiler/SDK image; copy the output into a runtime stage."""
from ...helpers import lint, positions


def test_toolchain_final_stage():
    f = lint("FROM golang:1.26\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n", "LL103")
    assert positions(f) == [("LL103", 1, 6)] and "line 4" in f[0].message
    assert lint("FROM golang:1.26 AS b\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=b /app /app\n", "LL103") == []
    assert lint("FROM node:22-slim\nRUN npm run build\n", "LL103") == []


def test_toolchain_onbuild_build_does_not_fire():
    # the rule skips ONBUILD triggers: they build in the child image, not in this one
    assert positions(lint("FROM golang:1.26\nRUN go build -o /app .\n", "LL103")) == [("LL103", 1, 6)]
    assert lint("FROM golang:1.26\nONBUILD RUN go build -o /app .\n", "LL103") == []
