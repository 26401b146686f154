"""LL205 remote-add-without-checksum: ADD of a URL without --checksum: re-downloaded and unverified on every build."""
import pytest

from ...helpers import lint, positions


def test_ll205_fires_at_the_url():
    f = lint("FROM alpine:3\nADD --chown=1:1 https://example.com/a.tgz /opt/\n", "LL205")
    assert positions(f) == [("LL205", 2, 17)] and f[0].span.end_column == 42
    f = lint("FROM alpine:3\nARG V=1\nADD https://example.com/tool-${V} /usr/bin/tool\n", "LL205")
    assert positions(f) == [("LL205", 3, 5)] and "tool-1" in f[0].message


@pytest.mark.parametrize("text", [
    "FROM alpine:3\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/a.tgz /opt/\n",
    "FROM alpine:3\nADD https://github.com/moby/buildkit.git#v0.13.0 /src\n",  # git source: pinned by ref
    "FROM alpine:3\nADD app.tar.gz /opt/\n",
    "FROM alpine:3\nCOPY https-proxy.conf /etc/\n",
])
def test_ll205_does_not_fire(text):
    assert lint(text, "LL205") == []


def test_ll205_onbuild_add_does_not_fire():
    # ONBUILD triggers are not layers of this build: the cache model (and the rule) skips them
    assert positions(lint("FROM alpine:3\nADD https://example.com/a.tgz /opt/\n", "LL205")) == [("LL205", 2, 5)]
    assert lint("FROM alpine:3\nONBUILD ADD https://example.com/a.tgz /opt/\n", "LL205") == []
