"""LL505 copy-then-extract: Tar archive COPY'd and extracted in a later RUN: the archive stays in a layer; use ADD."""
from ...helpers import lint, positions


def test_copy_then_extract_fires_at_copy_source():
    f = lint("FROM debian:12\nCOPY vendor.tar.gz /tmp/\nRUN tar -xzf /tmp/vendor.tar.gz -C /opt\n", "LL505")
    assert positions(f) == [("LL505", 2, 6)] and "line 3" in f[0].message and f[0].hadolint == ("DL3010",)


def test_copy_then_extract_variants():
    # old-style bundle, a RUN in between, extraction on a continuation line
    text = ("FROM debian:12\nCOPY a.tgz /tmp/x.tgz\nRUN echo\nRUN cd /opt && \\\n"
            "    tar xf /tmp/x.tgz && rm /tmp/x.tgz\n")
    f = lint(text, "LL505")
    assert positions(f) == [("LL505", 2, 6)] and "line 5" in f[0].message
    # copied in a parent stage, extracted in the child
    f = lint("FROM debian:12 AS base\nCOPY a.tar.xz /\nFROM base\nRUN tar --extract -f /a.tar.xz\n", "LL505")
    assert positions(f) == [("LL505", 2, 6)]
    f = lint("FROM debian:12\nCOPY a.tar.gz /\nRUN gunzip /a.tar.gz\n", "LL505")
    assert len(f) == 1


def test_copy_then_extract_does_not_fire():
    assert lint("FROM debian:12\nCOPY a.tar.gz /tmp/\n", "LL505") == []
    assert lint("FROM debian:12\nCOPY a.zip /tmp/\nRUN unzip /tmp/a.zip\n", "LL505") == []
    assert lint("FROM debian:12\nCOPY a.tar.gz /tmp/\nRUN tar -xf /tmp/other.tar.gz\n", "LL505") == []
    assert lint("FROM debian:12\nCOPY a.tar.gz /tmp/\nRUN tar -cf /tmp/a.tar.gz /etc\n", "LL505") == []
    assert lint("FROM debian:12\nCOPY a.tar.gz /tmp/\nFROM debian:12\nRUN tar -xf /tmp/a.tar.gz\n", "LL505") == []
    assert lint("FROM debian:12 AS b\nFROM debian:12\nCOPY --from=b /a.tar.gz /\nRUN tar -xf /a.tar.gz\n", "LL505") == []
    assert lint("FROM debian:12\nADD a.tar.gz /opt/\n", "LL505") == []


def test_copy_then_extract_onbuild_does_not_fire():
    # the rule skips ONBUILD triggers (they run in the child build)
    text = "FROM debian:12\nCOPY vendor.tar.gz /tmp/\nRUN tar -xzf /tmp/vendor.tar.gz -C /opt\n"
    assert positions(lint(text, "LL505")) == [("LL505", 2, 6)]
    text = "FROM debian:12\nONBUILD COPY vendor.tar.gz /tmp/\nONBUILD RUN tar -xzf /tmp/vendor.tar.gz -C /opt\n"
    assert lint(text, "LL505") == []
