"""LL419 expose-invalid-format: `EXPOSE` with an IP address or host-port mapping (ignored, will become an error)."""
from ...helpers import lint, positions


def test_expose_invalid_format():
    # docs examples: EXPOSE 127.0.0.1:80:80 and EXPOSE 80:80
    text = "FROM alpine\nEXPOSE 127.0.0.1:80:80\nEXPOSE 80:80 \\\n  8080 [::1]:9:9/udp\n"
    f = lint(text, "LL419")
    assert positions(f) == [("LL419", 2, 8), ("LL419", 3, 8), ("LL419", 4, 8)]
    assert f[0].message == ("EXPOSE instruction should not define an IP address or host-port mapping, "
                            "found '127.0.0.1:80:80'")
    assert "'[::1]:9:9/udp'" in f[2].message
    assert lint("FROM a\nEXPOSE 80 443/tcp 8000-8010\nONBUILD EXPOSE 1\n", "LL419") == []
    assert positions(lint("FROM a\nONBUILD EXPOSE 1:1\n", "LL419")) == [("LL419", 2, 16)]
