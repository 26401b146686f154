"""LL514 invalid-label-key: LABEL key is not lower-case reverse-DNS style, or uses a reserved namespace."""
from ...helpers import lint, positions, spans


def test_invalid_label_key():
    f = lint('FROM a:1\nLABEL Foo=1 ok.key=2 com.docker.x=3 "a..b"=4 \\\n  1a=5 a-=6\n', "LL514")
    assert positions(f) == [("LL514", 2, 7), ("LL514", 2, 22), ("LL514", 2, 37), ("LL514", 3, 3),
                            ("LL514", 3, 8)]
    assert "lower-case" in f[0].message and "reserved" in f[1].message and f[0].hadolint == ("DL3048",)
    assert len(lint("FROM a:1\nONBUILD LABEL A=1\n", "LL514")) == 1


def test_label_key_does_not_fire():
    text = ('FROM a:1\nLABEL org.opencontainers.image.title=x a_b=1 a/b=2 x.y1=3 "quoted.key"=4\n'
            "LABEL maintainer=me\n")
    assert lint(text, "LL514") == []
    assert lint("FROM a:1\nARG K\nLABEL ${K}=1\n", "LL514") == []


def test_invalid_label_key_onbuild_twin_positions():
    assert spans(lint("FROM a:1\nLABEL A=1\n", "LL514")) == [("LL514", 2, 7, 2, 8)]
    assert spans(lint("FROM a:1\nONBUILD LABEL A=1\n", "LL514")) == [("LL514", 2, 15, 2, 16)]
