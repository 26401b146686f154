"""LL321 toolchain-packages-in-final-stage: Compilers / build tools / -dev packages installed in the final image; build in another stage."""
from ...helpers import lint, positions, spans


def test_toolchain_packages_in_the_final_stage():
    text = ("FROM python:3.12-slim\n"
            "RUN apt-get update && \\\n"
            "    apt-get install -y --no-install-recommends \\\n"
            "      libpq5 \\\n"
            "      gcc \\\n"
            "      libpq-dev \\\n"
            " && rm -rf /var/lib/apt/lists/*\n")
    f = lint(text, "LL321")
    assert spans(f) == [("LL321", 5, 7, 5, 10)]
    assert "`gcc`, `libpq-dev`" in f[0].message and "final image" in f[0].message


def test_toolchain_in_parent_of_final_and_other_managers():
    text = ("FROM alpine:3.20 AS base\n"
            "RUN apk add --no-cache build-base\n"
            "FROM base\n"
            "RUN <<EOF\ndnf install -y gcc-c++ python3-devel\nEOF\n")
    f = lint(text, "LL321")
    assert positions(f) == [("LL321", 2, 24), ("LL321", 5, 16)]
    assert "stage base, which the final image is built on" in f[0].message


def test_toolchain_does_not_fire():
    text = ("FROM python:3.12-slim AS build\n"
            "RUN apt-get install -y gcc libpq-dev\n"                       # builder stage
            "FROM python:3.12-slim\n"
            "RUN apt-get install -y --no-install-recommends build-essential && make && "
            "apt-get purge -y --auto-remove build-essential\n"             # removed in the same RUN
            "RUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install x && apk del .build-deps\n"
            "RUN apt-get install -y libpq5 curl devscripts-el\n"
            "RUN saved=\"$(apt-mark showmanual)\"; apt-get install -y gcc make; make; \\\n"
            "    apt-mark auto '.*'; apt-mark manual $saved; apt-get purge -y --auto-remove\n"
            "ONBUILD RUN apt-get install -y gcc\n"
            "COPY --from=build /a /a\n")
    assert lint(text, "LL321") == []
