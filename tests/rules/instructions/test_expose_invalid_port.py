"""LL512 expose-invalid-port: EXPOSE port outside 0-65535 (or a reversed range)."""
from ...helpers import lint, positions


def test_expose_out_of_range():
    f = lint("FROM nginx:1\nEXPOSE 80 80800 1-70000/udp 9000-8000\n", "LL512")
    assert positions(f) == [("LL512", 2, 11), ("LL512", 2, 17), ("LL512", 2, 29)]
    assert f[0].span.end_column == 16 and f[0].hadolint == ("DL3011",)
    f = lint("FROM nginx:1\nARG P=99999\nEXPOSE $P\nONBUILD EXPOSE \\\n  65536\n", "LL512")
    assert positions(f) == [("LL512", 3, 8), ("LL512", 5, 3)]


def test_expose_does_not_fire():
    assert lint("FROM nginx:1\nEXPOSE 0 80 443/tcp 65535 8000-9000/udp\n", "LL512") == []
    assert lint("FROM nginx:1\nEXPOSE 80:80 ${PORT}\n", "LL512") == []
