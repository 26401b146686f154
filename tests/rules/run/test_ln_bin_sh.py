"""LL305 ln-bin-sh: `ln ... /bin/sh` changes the system shell; use the SHELL instruction."""
from ...helpers import lint, spans


def test_ln_bin_sh_points_at_the_link_name():
    text = ("FROM debian:12\n"
            "RUN apt-get install -y bash && \\\n"
            "    ln -sf /bin/bash /bin/sh\n"
            "RUN ln -sft /bin bash sh\n"
            "ONBUILD RUN <<EOF\nln -sf /bin/dash /usr/bin/sh\nEOF\n")
    f = lint(text, "LL305")
    assert spans(f) == [("LL305", 3, 22, 3, 29), ("LL305", 4, 13, 4, 17), ("LL305", 6, 18, 6, 29)]
    assert "SHELL" in f[0].message and f[0].hadolint == ("DL4005",)


def test_ln_to_bin_sh_as_source_does_not_fire():
    text = "FROM debian:12\nRUN ln -s /bin/sh /usr/local/bin/sh && ln -s /bin/bash /bin/bash5\n"
    assert lint(text, "LL305") == []
