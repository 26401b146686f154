"""LL204 package-index-update-alone: apt-get update (or apk update) in a RUN of its own: a stale index is cached forever."""
import pytest

from ...helpers import lint, positions, spans


def test_ll204_fires_on_the_update_command():
    f = lint("FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n", "LL204")
    assert positions(f) == [("LL204", 2, 5)] and f[0].span.end_column == 19
    f = lint("FROM debian:12\nRUN echo start && \\\n    apt-get -q update\n", "LL204")
    assert positions(f) == [("LL204", 3, 5)] and f[0].span.end_column == 22
    f = lint("FROM alpine:3\nRUN apk update\n", "LL204")
    assert positions(f) == [("LL204", 2, 5)] and "apk add --no-cache" in f[0].message


@pytest.mark.parametrize("text", [
    "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
    "FROM debian:12\nRUN apt update && apt upgrade -y\n",
    "FROM alpine:3\nRUN apk update && apk add curl\n",
    # a wrapper or a script may install from the fresh index
    "FROM debian:12\nRUN apt-get update && xx-apt-get install -y gcc\n",
    "FROM debian:12\nRUN apt-get update && /tmp/setup.sh\n",
    "FROM debian:12\nRUN apt-get update && apt-get download libssl3\n",
])
def test_ll204_does_not_fire(text):
    assert lint(text, "LL204") == []


def test_ll204_onbuild_twin():
    f = lint("FROM debian:12\nONBUILD RUN apt-get update\n", "LL204")
    assert spans(f) == [("LL204", 2, 13, 2, 27)]
    assert lint("FROM debian:12\nONBUILD RUN apt-get update && apt-get install -y curl\n", "LL204") == []
