"""BuildKit's `# check=skip=...` (file directive and, since dockerfile 1.21, the comment block right
above one instruction) against the BuildKit-check rules LL400-LL420.
"""
from layerlint.rules import all_rules

from ..helpers import lint, positions


BK = [c for c, r in all_rules().items() if "LL400" <= c <= "LL449"]


# One file that triggers most of the BuildKit checks (line numbers matter below).
NOISY = (
    "FROM alpine:3.20 as Build\n"          # 1 FromAsCasing, StageNameCasing
    "MAINTAINER me\n"                     # 2 MaintainerDeprecated
    "ENV TOKEN abc\n"                     # 3 LegacyKeyValueFormat, SecretsUsedInArgOrEnv
    "WORKDIR app\n"                       # 4 WorkdirRelativePath
    "EXPOSE 80/TCP 8080:80\n"              # 5 ExposeProtoCasing, ExposeInvalidFormat
    "CMD echo one\n"                      # 6 JSONArgsRecommended, MultipleInstructionsDisallowed
    "run echo \\\n"                       # 7 ConsistentInstructionCasing
    "\n"                                  # 8 NoEmptyContinuation
    "  two\n"                             # 9
    "CMD echo two\n"                      # 10 JSONArgsRecommended
    "FROM --platform=linux/amd64 scratch AS build\n"  # 11 DuplicateStageName, FromPlatformFlagConst
    "COPY $NOPE /x\n"                     # 12 UndefinedVar
    "FROM --platform=$TARGETPLATFORM node:${V} AS context\n"  # 13 Redundant, UndefinedArgInFrom, Reserved
)


def rules_of(findings):
    return sorted({f.rule for f in findings})


def test_the_noisy_file_triggers_the_checks():
    f = lint(NOISY, *BK)
    assert rules_of(f) == ["LL400", "LL401", "LL402", "LL403", "LL404", "LL405", "LL406", "LL407",
                           "LL408", "LL409", "LL410", "LL411", "LL412", "LL413", "LL414", "LL415",
                           "LL416", "LL418", "LL419"]


def test_file_directive_skips_one_check():
    f = lint("# check=skip=JSONArgsRecommended\n" + NOISY, *BK)
    assert "LL406" not in rules_of(f)
    assert {"LL407", "LL411", "LL400"} <= set(rules_of(f))


def test_file_directive_skips_a_list_and_ignores_other_keys():
    f = lint("# check=skip=JSONArgsRecommended,MaintainerDeprecated;error=true\n" + NOISY, *BK)
    assert "LL406" not in rules_of(f) and "LL407" not in rules_of(f) and "LL411" in rules_of(f)
    # only the first word of the value counts, so a trailing remark is allowed
    f = lint("# check=skip=UndefinedVar // legacy file\n" + NOISY, *BK)
    assert "LL410" not in rules_of(f) and "LL406" in rules_of(f)


def test_skip_all_silences_every_buildkit_check_but_not_layerlint_rules():
    f = lint("# check=skip=all\n" + NOISY, *BK)
    assert f == []
    # rules that are not BuildKit checks keep running (missing tag on `node:${V}`... and LL101)
    f = lint("# check=skip=all\nFROM node\nCMD echo hi\n", "LL101", "LL406")
    assert positions(f) == [("LL101", 2, 6)]


def test_directive_must_be_at_the_top():
    # after an instruction it is an ordinary comment (not above any instruction)
    f = lint("FROM a\nCMD echo a\n# check=skip=JSONArgsRecommended\n", "LL406")
    assert positions(f) == [("LL406", 2, 5)]


def test_per_instruction_skip_only_that_instruction():
    text = ("FROM a AS one\n"
            "# check=skip=JSONArgsRecommended\n"
            "CMD echo one\n"
            "FROM b AS two\n"
            "CMD echo two\n")
    assert positions(lint(text, "LL406")) == [("LL406", 5, 5)]


def test_per_instruction_skip_in_a_comment_block_and_with_several_checks():
    text = ("FROM a\n"
            "# the app reads TOKEN at start-up\n"
            "# check=skip=SecretsUsedInArgOrEnv,LegacyKeyValueFormat\n"
            "# (rotated weekly)\n"
            "ENV TOKEN abc\n"
            "ENV API_TOKEN xyz\n")
    f = lint(text, "LL412", "LL413")
    assert positions(f) == [("LL412", 6, 5), ("LL413", 6, 5)]


def test_per_instruction_skip_above_from_covers_only_the_from():
    # (on the file's first line the same comment would be the file-wide directive)
    text = ("FROM x AS base\n"
            "# check=skip=StageNameCasing,JSONArgsRecommended\n"
            "FROM a AS Build\n"
            "CMD echo hi\n")
    assert positions(lint(text, "LL400", "LL406")) == [("LL406", 4, 5)]


def test_per_instruction_skip_for_multi_line_findings():
    # the finding sits on a continuation line (NoEmptyContinuation) or in a heredoc body
    # (UndefinedVar), the skip is attached to the instruction's first line
    text = ("FROM scratch\n"
            "# check=skip=NoEmptyContinuation\n"
            "RUN a \\\n\n  b\n"
            "RUN c \\\n\n  d\n"
            "# check=skip=UndefinedVar\n"
            "COPY <<EOF /x\n$A\nEOF\n"
            "COPY <<EOF /y\n$B\nEOF\n")
    f = lint(text, "LL402", "LL410")
    assert positions(f) == [("LL402", 7, 1), ("LL410", 14, 1)]


def test_per_instruction_skip_on_onbuild_and_overridden_cmd():
    text = ("FROM a\n"
            "# check=skip=JSONArgsRecommended\n"
            "ONBUILD CMD echo later\n"
            "# check=skip=MultipleInstructionsDisallowed\n"
            'CMD ["a"]\n'
            'CMD ["b"]\n'
            "ONBUILD CMD echo also\n")
    assert positions(lint(text, "LL406", "LL411")) == [("LL406", 7, 13)]


def test_skip_names_are_buildkit_check_names_not_codes():
    f = lint("# check=skip=LL406\nFROM a\nCMD echo a\n", "LL406")
    assert positions(f) == [("LL406", 3, 5)]
    # BuildKit matches its names as written (v0.25, checked with Docker 28.5): a lower-case one
    # skips nothing there, so it skips nothing here
    assert positions(lint("# check=skip=jsonargsrecommended\nFROM a\nCMD echo a\n", "LL406")) == [("LL406", 3, 5)]
    assert lint("# check=skip=JSONArgsRecommended\nFROM a\nCMD echo a\n", "LL406") == []
