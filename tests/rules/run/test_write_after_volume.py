"""LL322 write-after-volume: RUN writes into a path declared as VOLUME earlier: the classic builder discards it."""
from ...helpers import lint, positions, spans


def test_write_after_volume_points_at_the_path():
    text = ("FROM debian:12\n"
            "VOLUME /data\n"
            "RUN mkdir -p /data/db && \\\n"
            "    chown 1000:1000 /data/db\n"
            "WORKDIR /data\n"
            "RUN echo x > conf\n")
    f = lint(text, "LL322")
    assert spans(f) == [("LL322", 3, 14, 3, 22), ("LL322", 4, 21, 4, 29), ("LL322", 6, 14, 6, 18)]
    assert "line 2" in f[0].message and "classic builder" in f[0].message


def test_write_after_volume_json_form_parent_stage_and_heredoc():
    text = ("FROM debian:12 AS base\n"
            'VOLUME ["/var/lib/app", "/logs"]\n'
            "FROM base\n"
            "RUN <<EOF\nset -e\ntouch /logs/x\nEOF\n")
    assert positions(lint(text, "LL322")) == [("LL322", 6, 7)]


def test_write_after_volume_does_not_fire():
    text = ("FROM debian:12\n"
            "RUN mkdir -p /data && chown 1000 /data\n"   # before the VOLUME: fine
            "VOLUME /data\n"
            "RUN mkdir -p /datadir && cat /data/x && echo /data > /tmp/where\n"
            "ONBUILD RUN touch /data/x\n"
            "FROM debian:12\n"
            "RUN touch /data/y\n")                      # another stage
    assert lint(text, "LL322") == []
