"""LL418 expose-proto-casing: `EXPOSE` protocol should be lowercase (`80/tcp`)."""
from ...helpers import fixes, lint, positions


def test_expose_proto_casing_at_the_protocol():
    f = lint("FROM a\nEXPOSE 80/TCP 443/tcp 53/Udp 22\n", "LL418")
    assert positions(f) == [("LL418", 2, 11), ("LL418", 2, 26)]
    assert f[0].message == "Defined protocol '80/TCP' in EXPOSE instruction should be lowercase"
    assert fixes(f) == [[(2, 11, 2, 14, "tcp")], [(2, 26, 2, 29, "udp")]]


def test_expose_proto_casing_after_expansion_and_onbuild():
    text = "FROM a\nARG P=8080/TCP\nEXPOSE $P\nONBUILD EXPOSE 9/SCTP\nEXPOSE $UNKNOWN/TCP\n"
    f = lint(text, "LL418")
    assert positions(f) == [("LL418", 3, 8), ("LL418", 4, 18)]
    assert f[0].fix is None and "'8080/TCP'" in f[0].message


def test_expose_proto_casing_does_not_fire():
    # an unknown protocol is a build error, not a casing problem
    assert lint("FROM a\nEXPOSE 80/tcp 81 82/HTTP\n", "LL418") == []
