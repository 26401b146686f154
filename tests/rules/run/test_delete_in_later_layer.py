"""LL320 delete-in-later-layer: Deletes files an earlier layer created: the image does not get smaller."""
from ...helpers import lint, positions, spans


def test_delete_of_an_added_download_in_a_later_layer():
    text = ("FROM debian:12\n"
            "ADD https://example.com/tool.tar.gz /tmp/\n"
            "RUN tar -xzf /tmp/tool.tar.gz -C /opt\n"
            "RUN ls /opt && \\\n"
            "    rm -f /tmp/tool.tar.gz\n")
    f = lint(text, "LL320")
    assert spans(f) == [("LL320", 5, 11, 5, 27)]
    assert "line 2" in f[0].message and "still carries it" in f[0].message


def test_delete_of_run_downloads_clones_and_extractions():
    text = ("FROM debian:12\n"
            "WORKDIR /src\n"
            "RUN curl -fsSLo /tmp/b.tgz https://x/b.tgz\n"
            "RUN git clone https://github.com/a/c.git && mkdir /x && unzip /x.zip -d /x/y\n"
            "RUN rm /tmp/b.tgz && rm -rf c/.git && rm -rf /x/y/docs\n")
    f = lint(text, "LL320")
    assert spans(f) == [("LL320", 5, 8, 5, 18), ("LL320", 5, 29, 5, 35), ("LL320", 5, 46, 5, 55)]
    assert "`curl -o` on line 3" in f[0].message and "`git clone` on line 4" in f[1].message


def test_delete_of_packages_and_caches_one_layer_late():
    text = ("FROM debian:12\n"
            "RUN apt-get update && apt-get install -y gcc make && pip install x\n"
            "RUN apt-get purge -y gcc && \\\n"
            "    rm -rf /var/lib/apt/lists/* && pip cache purge\n")
    f = lint(text, "LL320")
    assert spans(f) == [("LL320", 3, 22, 3, 25), ("LL320", 4, 12, 4, 32), ("LL320", 4, 40, 4, 45)]
    assert "installed on line 2" in f[0].message and "apt-get update" in f[1].message
    assert "pip install x" in f[2].message


def test_delete_from_a_context_copy_needs_the_file_in_the_context(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "t.py").write_text("x")
    (tmp_path / "app.py").write_text("x")
    (tmp_path / "secret").mkdir()
    (tmp_path / ".dockerignore").write_text("secret\n")
    text = ("FROM python:3.12-slim\n"
            "WORKDIR /app\n"
            "COPY . .\n"
            "RUN rm -rf tests && rm -rf /app/docs /app/secret\n")
    f = lint(text, "LL320", context_dir=str(tmp_path))
    assert spans(f) == [("LL320", 4, 12, 4, 17)] and "`COPY . .` on line 3" in f[0].message
    assert lint(text, "LL320") == []  # no context: the copied files are unknown


def test_move_of_a_copied_file_duplicates_it():
    text = "FROM debian:12\nCOPY --from=lib:1 /l/libssl.so.3 /usr/lib/x/\nRUN mv /usr/lib/x/libssl.so.3 /usr/lib/\n"
    f = lint(text, "LL320")
    assert positions(f) == [("LL320", 3, 8)] and "carries it twice" in f[0].message


def test_delete_in_a_final_stage_built_on_a_parent_and_heredoc():
    text = ("FROM debian:12 AS base\n"
            "COPY requirements.txt /tmp/\n"
            "FROM base\n"
            "RUN <<EOF\nset -e\nrm /tmp/requirements.txt\nEOF\n")
    assert positions(lint(text, "LL320")) == [("LL320", 6, 4)]


def test_delete_does_not_fire():
    text = ("FROM debian:12 AS build\n"
            "COPY x.tgz /tmp/\n"
            "RUN rm /tmp/x.tgz\n"                                           # build stage: not shipped
            "FROM debian:12\n"
            "RUN wget -q https://x/a.zip && unzip a.zip -d /opt/a && rm a.zip\n"   # same layer
            "RUN apt-get update && apt-get install -y gcc && apt-get purge -y gcc && rm -rf /var/lib/apt/lists/*\n"
            "RUN rm -rf /usr/share/doc/* /etc/nginx/conf.d/default.conf\n"  # from the base image
            "RUN git clone https://g/x.git /src/x\n"
            "RUN cd /src/x && make && rm -rf /src/x/build\n"                 # re-created by make
            "ONBUILD RUN rm -rf /src/x\n"                                   # runs in another build
            "COPY --from=build /opt/out /srv/out\n"
            "RUN rm -rf /srv/out/cache\n")                                  # contents unknown
    assert lint(text, "LL320") == []


def test_names_the_layer_that_created_the_deleted_file():
    """A file written into a clone by a later layer is that layer's, not the clone's."""
    text = ("FROM debian:12\n"
            "RUN git clone https://g/x.git /src\n"
            "RUN curl -fsSLo /src/big.bin https://x/big.bin\n"
            "RUN rm /src/big.bin && rm -rf /src/docs\n")
    f = lint(text, "LL320")
    assert spans(f) == [("LL320", 4, 8, 4, 20), ("LL320", 4, 31, 4, 40)]
    assert "`curl -o` on line 3" in f[0].message and "git clone" not in f[0].message
    assert "`git clone` on line 2" in f[1].message


def test_a_program_that_ran_since_the_clone_may_have_made_the_path():
    """OpenLiberty: `server create` writes output/.classCache in the same RUN that deletes it;
    the zip extracted two layers before is not where it came from."""
    text = ("FROM debian:12\n"
            "RUN wget -q https://x/wlp.zip -O /tmp/w.zip && unzip -q /tmp/w.zip -d /opt/ol && rm /tmp/w.zip\n"
            "RUN /opt/ol/bin/server create && rm -rf /opt/ol/output/.classCache\n")
    assert lint(text, "LL320") == []
    # a later layer ran `make` in the clone: the file is in an earlier layer either way, and
    # the message says both what made the directory and what may have written the file
    text = ("FROM debian:12\n"
            "WORKDIR /w\n"
            "RUN git clone https://g/y.git\n"
            "RUN cd y && make\n"
            "RUN rm -rf y/build && rm -rf y\n")
    f = lint(text, "LL320")
    assert spans(f) == [("LL320", 5, 12, 5, 19), ("LL320", 5, 30, 5, 31)]
    assert ("`y/build` is inside `/w/y`, which `git clone` on line 3 created and `make` on line 4 may have "
            "written to, an earlier layer") in f[0].message
    assert "`y` was created by `git clone` on line 3" in f[1].message  # the directory itself: the clone's
    # commands whose writes are known do not blur it
    text = ("FROM debian:12\n"
            "RUN git clone https://g/x.git /src\n"
            "RUN echo hi > /tmp/log && chmod -R a+r /src && apt-get update\n"
            "RUN rm -rf /src/.git\n")
    f = lint(text, "LL320")
    assert [(x.span.line, x.span.column) for x in f if "/src" in x.message] == [(4, 12)]
    assert "was created by `git clone` on line 2" in [x for x in f if "/src" in x.message][0].message


def test_deleting_a_directory_names_what_an_earlier_layer_wrote_inside_it():
    text = "FROM debian:12\nRUN mkdir -p /tmp/g && echo x >> /tmp/g/d.conf\nRUN rm -r /tmp/g\n"
    f = lint(text, "LL320")
    assert spans(f) == [("LL320", 3, 11, 3, 17)]
    assert "`/tmp/g` holds `/tmp/g/d.conf`, which was created by a `>` redirection on line 2" in f[0].message
    # a find deletes what it matches under its root, which is not known: nothing is blamed
    text = "FROM debian:12\nCOPY --from=venv:1 /venv /venv\nRUN find / -type d -name __pycache__ -exec rm -rf {} +\n"
    assert lint(text, "LL320") == []
    f = lint("FROM debian:12\nRUN curl -o /tmp/b/x.tgz https://x\nRUN find /tmp/b/x.tgz -delete\n", "LL320")
    assert spans(f) == [("LL320", 3, 10, 3, 22)]
