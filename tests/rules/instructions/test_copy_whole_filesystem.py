"""LL510 copy-whole-filesystem: COPY --from=x / / overlays another stage's whole filesystem."""
from ...helpers import lint, positions, spans


def test_copy_whole_filesystem():
    f = lint("FROM a:1 AS b\nRUN make\nFROM c:1\nCOPY --from=b / /\n", "LL510")
    assert positions(f) == [("LL510", 4, 15)] and f[0].hadolint == ("DL3067",)
    assert len(lint("FROM a:1 AS b\nRUN make\nFROM c:1\nONBUILD COPY --from=b /. /\n", "LL510")) == 1
    assert lint("FROM a:1 AS b\nRUN make\nFROM c:1\nCOPY --from=b / /rootfs/\n", "LL510") == []
    assert lint("FROM a:1 AS b\nRUN make\nFROM c:1\nCOPY --from=b /app /\n", "LL510") == []
    assert lint("FROM c:1\nCOPY / /\n", "LL510") == []  # the build context, not a filesystem
    # payload idioms: a scratch stage (also through a chain), an external image
    assert lint("FROM scratch AS bin\nCOPY app /\nFROM bin AS b2\nFROM c:1\nCOPY --from=b2 / /\n", "LL510") == []
    assert lint("FROM c:1\nCOPY --from=tonistiigi/xx:1.5 / /\n", "LL510") == []
    assert lint("FROM tonistiigi/xx:1.5 AS xx\nFROM c:1\nCOPY --from=xx / /\n", "LL510") == []
    f = lint("FROM a:1 AS build\nRUN make\nFROM a:1\nCOPY --from=0 / /\n", "LL510")
    assert positions(f) == [("LL510", 4, 15)]


def test_copy_whole_filesystem_onbuild_twin_positions():
    assert spans(lint("FROM a:1 AS b\nRUN make\nFROM c:1\nCOPY --from=b /. /\n", "LL510")) == [("LL510", 4, 15, 4, 17)]
    assert spans(lint("FROM a:1 AS b\nRUN make\nFROM c:1\nONBUILD COPY --from=b /. /\n", "LL510")) == \
        [("LL510", 4, 23, 4, 25)]
