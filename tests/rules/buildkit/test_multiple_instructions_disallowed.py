"""LL411 multiple-instructions-disallowed: Earlier `CMD`/`ENTRYPOINT`/`HEALTHCHECK` overridden later in the same stage."""
from ...helpers import lint, positions


def test_multiple_instructions_reports_the_overridden_ones():
    text = ('FROM a\nCMD ["a"]\nENTRYPOINT ["b"]\nHEALTHCHECK NONE\nCMD ["c"]\nentrypoint ["d"]\n'
            'HEALTHCHECK CMD ["e"]\nCMD ["f"]\n')
    f = lint(text, "LL411")
    assert positions(f) == [("LL411", 2, 1), ("LL411", 3, 1), ("LL411", 4, 1), ("LL411", 5, 1)]
    assert [x.hadolint for x in f] == [("DL4003",), ("DL4004",), ("DL3012",), ("DL4003",)]
    assert f[0].message.startswith("Multiple CMD instructions should not be used in the same stage "
                                   "because only the last one will be used")
    assert "line 5" in f[0].message and "line 8" in f[3].message


def test_multiple_instructions_per_stage_and_onbuild():
    text = 'FROM a AS x\nCMD ["a"]\nFROM x\nCMD ["b"]\nONBUILD CMD ["c"]\nFROM y\nCMD ["d"]\n'
    assert lint(text, "LL411") == []
    text = 'FROM a\nCMD ["a", \\\n  "b"]\nCMD ["c"]\n'
    assert positions(lint(text, "LL411")) == [("LL411", 2, 1)]
