"""Proof against a real BuildKit: layerlint's BuildKit-named rules find what BuildKit's own build
checks find, on the project's own fixtures.

The fixtures are every Dockerfile the tests of those rules lint (each rule with a ``BUILDKIT``
name, whatever its family: its tests/rules/<family>/test_<module>.py, fire and don't-fire cases,
with their build contexts and build args), the rules' documented examples and
tests/rules/test_pragmas.py (``# check=skip=...`` and ``# check=error=true`` files). They are
recorded by running those tests with a recorder (tests/buildkit_harness.py), so a new test case
is a new conformance case. For every check one firing fixture is also run again with
``# check=skip=<check>`` and with ``# check=error=true`` put on top.

Each fixture goes to Docker Engine 28.5 (BuildKit v0.25 and its Dockerfile frontend, unpacked
by scripts/install-buildkit-modern) on a private daemon started here (own socket, data root and
exec root, networking off; stopped at the end, also on failure) as
``docker buildx build --call=check,format=json`` with the experimental checks on
(CopyIgnoredFile and InvalidDefinitionDescription are ordinary rules in layerlint), and to
layerlint with every BuildKit-named rule selected. The findings are compared as (check name,
first line of the instruction) multisets. Base images are local stand-ins (a busybox rootfs;
an official image's stand-in carries the ENV names layerlint's table lists for it).

Every difference must be one of DEVIATIONS below: deliberate ones (the rule's docs say so and
why) pass; open ones (a difference nobody has decided on yet, named with its owner) make the
check's test XFAIL with the list, so they are seen, never silent. A file whose build stops
with an error (BuildKit's checks end there, layerlint goes on) only needs BuildKit's findings
to be layerlint's. Where the engine cannot run (not root, not unpacked, dockerd does not start,
LAYERLINT_SKIP_BUILDER set) every test here is SKIPPED with the reason, printed loudly.
"""
from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from layerlint.rules import all_rules
from layerlint.syntax import parse_bytes

from . import buildkit_harness as bk
from .helpers import say_past_capture as _say

pytestmark = pytest.mark.slow  # a real BuildKit, about 250 checks

REPO = Path(__file__).resolve().parents[1]
CHECKS = bk.buildkit_rules()  # BuildKit check name -> layerlint codes


def _test_files() -> dict[str, str]:
    """BuildKit check name -> the spec file of the rule that implements it."""
    out = {}
    for r in all_rules().values():
        family, module = r.check.__module__.split(".")[-2:]  # layerlint.rules.<family>.<module>
        for name in r.buildkit:
            out[name] = f"tests/rules/{family}/test_{module}.py"
    return out


TEST_FILES = _test_files()
SOURCES = sorted(set(TEST_FILES.values())) + ["tests/rules/test_pragmas.py"] + [
    f"tests/rules/test_documented_examples.py::test_example_fires_and_use_instead_does_not[{c}]"
    for c in sorted({c for cs in CHECKS.values() for c in cs})]


# --------------------------------------------------------------------------------------
# the documented deviations
# --------------------------------------------------------------------------------------

class Diff:
    """One finding only one side has: ``side`` is "buildkit" or "layerlint"."""

    def __init__(self, fixture: dict, check: str, line: int, side: str) -> None:
        self.fixture, self.check, self.line, self.side = fixture, check, line, side
        self.df = fixture["df"]
        self.instr = next((i for i in self.df.instructions if i.start_line == line), None)

    @property
    def words(self) -> list[str]:
        return [w.text for w in self.instr.words] if self.instr is not None else []

    def __repr__(self) -> str:
        src = self.df.lines[self.line - 1] if 0 < self.line <= len(self.df.lines) else ""
        return f"{self.side} only: {self.check} line {self.line} `{src.strip()[:70]}` ({self.fixture['tests'][0]})"


def _onbuild(d: Diff) -> bool:
    return d.instr is not None and d.instr.keyword == "ONBUILD"


def _before_first_from(d: Diff) -> bool:
    first = next((i.start_line for i in d.df.instructions if i.keyword == "FROM"), None)
    return first is None or d.line < first


def _instruction_check_comment(d: Diff) -> bool:
    return d.instr is not None and any(re.match(r"check\s*=", c.text) for c in d.instr.comments)


def _detached_description(d: Diff) -> bool:
    above = d.line - 1
    text = d.df.lines[above - 1].strip() if above >= 1 else "#"
    return text in ("", "#")


def _drive_letter(d: Diff) -> bool:
    return d.instr is not None and d.instr.keyword == "WORKDIR" and bool(re.match(r"[A-Za-z]:", d.instr.args_text))


def _dockerignore(d: Diff) -> str:
    files = d.fixture["files"]
    return (files.get("Dockerfile.dockerignore") or files.get(".dockerignore") or b"").decode("utf-8", "replace")


def _copy_dot_without_catch_all(d: Diff) -> bool:
    patterns = {p.strip() for p in _dockerignore(d).splitlines()}
    return "." in d.words and not patterns & {"*", "**", "**/*"}


def _has_exceptions(d: Diff) -> bool:
    return any(p.strip().startswith("!") for p in _dockerignore(d).splitlines())


def _dot_slash_source(d: Diff) -> bool:
    return any(w.startswith("./") for w in d.words[:-1])


def _absolute_source(d: Diff) -> bool:
    return any(w.startswith("/") for w in d.words[:-1] if not w.startswith("--"))


def _hadolint_ignore(d: Diff) -> bool:
    """A `# hadolint ignore=` comment above the instruction names a hadolint code of the check's rule."""
    codes = {h for r in all_rules().values() if d.check in r.buildkit for h in r.hadolint}
    if d.instr is None:
        return False
    for c in d.instr.comments:
        m = re.match(r"hadolint\s+ignore\s*=\s*(\S+)", c.text)
        if m and codes & set(m.group(1).split(",")):
            return True
    return False


def _always(d: Diff) -> bool:
    return True


class Deviation:
    def __init__(self, checks, side: str, when, reason: str, open_: str = "") -> None:
        self.checks = set(checks) if not isinstance(checks, str) else {checks}
        self.side, self.when, self.reason, self.open = side, when, reason, open_
        self.used = 0

    def explains(self, d: Diff) -> bool:
        if "*" not in self.checks and d.check not in self.checks:
            return False
        if self.side != "either" and d.side != self.side:
            return False
        return self.when(d)


ONBUILD_CHECKS = ("JSONArgsRecommended", "ExposeInvalidFormat", "ExposeProtoCasing", "ConsistentInstructionCasing",
                  "SecretsUsedInArgOrEnv")

DEVIATIONS = [
    # -- deliberate: the rule's docs say so and why --------------------------------------
    Deviation(bk.UNKNOWN_BASE, "buildkit", _always,
              "undefined_var.py: on a base image whose ENV layerlint does not know it reports no name "
              "that the image may define; the stand-in base image here has no ENV, the real one may"),
    Deviation(bk.UNKNOWN_BASE_WORKDIR, "buildkit", _always,
              "workdir_relative_path.py: a variable the base image may define leaves the path unknown; "
              "the stand-in base image here has no ENV, so BuildKit expands it to nothing"),
    Deviation("*", "buildkit", _hadolint_ignore,
              "syntax/pragmas.py, json_args_recommended.py: a `# hadolint ignore=DL3025` comment silences "
              "the rule that implements DL3025, as it silences hadolint; BuildKit reads only `# check=`"),
    Deviation("WorkdirRelativePath", "buildkit", _drive_letter,
              "workdir_relative_path.py: `C:\\app` is absolute in the Windows image such a file builds; "
              "BuildKit on Linux judges it by Linux rules"),
    Deviation(ONBUILD_CHECKS, "layerlint", _onbuild,
              "ONBUILD triggers are checked by these rules (their docs: 'ONBUILD triggers included'; "
              "json_args_recommended.py says why); BuildKit checks no trigger"),
    Deviation("ConsistentInstructionCasing", "layerlint", _before_first_from,
              "consistent_instruction_casing.py: layerlint also counts the ARGs before the first FROM"),
    Deviation("*", "buildkit", _instruction_check_comment,
              "syntax/pragmas.py: layerlint honours `# check=skip=...` in the comment block above an "
              "instruction; BuildKit v0.25 (Docker 28.5) reads only the file's top directive"),
    Deviation("InvalidDefinitionDescription", "buildkit", _detached_description,
              "invalid_definition_description.py: a blank or empty `#` line between comment and "
              "instruction detaches the comment, as Docker's documentation of the check says; "
              "BuildKit v0.25 still takes a comment block across blank lines as the description"),
    Deviation("CopyIgnoredFile", "buildkit", _copy_dot_without_catch_all,
              "copy_ignored_file.py: `COPY .` is reported only under a catch-all pattern, not because "
              "`.*` matches the name `.`"),
    Deviation("CopyIgnoredFile", "layerlint", _absolute_source,
              "copy_ignored_file.py: `/secrets` is the context path `secrets`; BuildKit's check misses "
              "that spelling"),
    # -- open: nobody has decided yet; the check's test XFAILs with the list --------------
    Deviation("CopyIgnoredFile", "buildkit", _has_exceptions,
              "copy_ignored_file.py: with `!` patterns, the context root (`COPY . /src` under `*` and "
              "`!app/`, the allow-list idiom) and sources a `!` pattern may re-include into are not "
              "reported; BuildKit v0.25 reports them"),
    Deviation("CopyIgnoredFile", "either", _dot_slash_source,
              "copy_ignored_file.py: BuildKit's check matches the source as written (`./tmp/x` against "
              "`*/tmp/*`: reported; `./a/tmp/x`: not), layerlint the cleaned path the build excludes"),
    Deviation("SecretsUsedInArgOrEnv", "buildkit", _always,
              "secrets_used_in_arg_or_env.py: public key ids (GPG_KEY, *_KEY_ID, fingerprints), file "
              "paths (TOKEN_FILE, *_KEY_FILE, *_PATH) and versions (SECRET_VERSION) are not secrets; "
              "BuildKit v0.25 warns on them"),
]


# --------------------------------------------------------------------------------------
# running both
# --------------------------------------------------------------------------------------

def _compare(engine: bk.Engine, fx: dict) -> None:
    """Run both on one fixture; fill in fx["bk"], fx["ll"] (keyed findings) and fx["result"]."""
    experimental = True
    if fx.get("derived", ("", ""))[1].startswith("skip=") and fx["derived"][0] in bk.EXPERIMENTAL:
        # BuildKit skips an experimental check by not being told to run it
        experimental = [c for c in bk.EXPERIMENTAL if c != fx["derived"][0]]
    res = engine.checks(fx["text"], fx["files"], fx["build_args"], experimental=experimental, strip_digests=True)
    fx["result"] = res
    fx["df"] = parse_bytes(fx["text"], "Dockerfile")
    if "error" in res:
        fx["bk"] = fx["ll"] = []
        return
    b, l_ = bk.keyed(fx["text"], res, bk.layerlint_checks(fx["text"], fx["files"], fx["build_args"]))
    fx["bk"], fx["ll"] = bk.split_unknown_base(fx["text"], b), bk.split_unknown_base(fx["text"], l_)


def _derived(fixtures: list[dict]) -> list[dict]:
    """For every check, its first firing fixture again with `# check=skip=<check>` and with
    `# check=error=true` on top."""
    out = []
    for check in sorted(CHECKS):
        fx = next((f for f in fixtures if not bk.stopped(f["result"]) and "error" not in f["result"]
                   and f["df"].directives.get("check") is None and any(k == check for k, _ in f["bk"])), None)
        if fx is None:
            continue
        for directive in (f"skip={check}", "error=true"):
            out.append({"tests": [f"# check={directive} on top of {fx['tests'][0]}"],
                        "text": f"# check={directive}\n".encode() + fx["text"], "files": fx["files"],
                        "build_args": fx["build_args"], "derived": (check, directive)})
    return out


@pytest.fixture(scope="module")
def conformance(request):
    engine = bk.Engine()
    try:
        engine.start()
    except bk.EngineUnavailable as exc:
        msg = f"BUILDKIT CONFORMANCE SKIPPED ({len(CHECKS)} checks NOT compared with BuildKit): {exc}"
        _say(request, "!" * 20 + " " + msg + " " + "!" * 20, red=True)
        pytest.skip(msg)
    try:
        with tempfile.TemporaryDirectory(prefix="ll-bk-rec-") as tmp:
            out = os.path.join(tmp, "lints.jsonl")
            run = bk.record_fixtures(SOURCES, out, REPO)
            if not os.path.exists(out):
                pytest.fail(f"recording the fixtures produced nothing (pytest exit {run.returncode}):\n"
                            f"{run.stdout[-2000:]}{run.stderr[-2000:]}")
            fixtures = bk.load_records(out)
        for fx in fixtures:
            _compare(engine, fx)
        derived = _derived(fixtures)
        for fx in derived:
            _compare(engine, fx)
    finally:
        engine.stop()
    everything = fixtures + derived
    results: dict[str, dict] = {}

    def row_of(check: str) -> dict:
        return results.setdefault(check, {"agree": 0, "deliberate": [], "open": [], "unexplained": [],
                                          "fixtures_firing": 0})

    for check in list(CHECKS) + [bk.UNKNOWN_BASE, bk.UNKNOWN_BASE_WORKDIR]:
        row_of(check)
    for fx in everything:
        if "error" in fx["result"]:
            continue
        bc, lc = Counter(fx["bk"]), Counter(fx["ll"])
        stopped = bk.stopped(fx["result"])
        for (check, line), n in (bc & lc).items():
            row_of(check)["agree"] += n
        for check in {k for k, _ in fx["bk"]}:
            row_of(check)["fixtures_firing"] += 1
        diffs = [Diff(fx, c, ln, "buildkit") for (c, ln), n in (bc - lc).items() for _ in range(n)]
        if not stopped:  # BuildKit stopped: what layerlint finds after that point is not compared
            diffs += [Diff(fx, c, ln, "layerlint") for (c, ln), n in (lc - bc).items() for _ in range(n)]
        for d in diffs:
            dev = next((v for v in DEVIATIONS if v.explains(d)), None)
            row = row_of(d.check)
            if dev is None:
                row["unexplained"].append(d)
            else:
                dev.used += 1
                (row["open"] if dev.open else row["deliberate"]).append((d, dev))
    agree = sum(r["agree"] for r in results.values())
    dev_n = sum(len(r["deliberate"]) for r in results.values())
    open_n = sum(len(r["open"]) for r in results.values())
    bad_n = sum(len(r["unexplained"]) for r in results.values())
    unknown_checks = sorted(set(results) - set(CHECKS) - {bk.UNKNOWN_BASE, bk.UNKNOWN_BASE_WORKDIR})
    not_checked = [fx for fx in everything if "error" in fx["result"]]
    _say(request, f"BuildKit conformance (dockerd {engine.version}): {len(fixtures)} fixtures from "
                  f"{len(SOURCES)} test sources + {len(derived)} check=skip/error variants; {agree} findings agree, "
                  f"{dev_n} deliberate deviations, {open_n} open, {bad_n} unexplained; "
                  f"{len(not_checked)} fixtures BuildKit could not check")
    return {"fixtures": fixtures, "derived": derived, "results": results, "not_checked": not_checked,
            "unknown_checks": unknown_checks}


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_layerlint_finds_what_buildkit_finds(conformance, check):
    row = conformance["results"][check]
    assert row["fixtures_firing"] > 0, f"no fixture makes BuildKit report {check}: the conformance proves nothing"
    mine = [fx for fx in conformance["fixtures"] if any(t.startswith(TEST_FILES[check]) for t in fx["tests"])
            and "error" not in fx["result"]]
    assert any(all(k != check for k, _ in fx["bk"]) for fx in mine), \
        f"no fixture of {TEST_FILES[check]} is a don't-fire case for BuildKit's {check}"
    assert not row["unexplained"], (f"{check}: layerlint and BuildKit differ ({len(row['unexplained'])}, "
                                    "not a listed deviation):\n  " + "\n  ".join(map(repr, row["unexplained"])))
    if row["open"]:
        pytest.xfail(f"{check}: {len(row['open'])} open differences: "
                     + "; ".join(sorted({f'{dev.reason} [owner: {dev.open}]' for _, dev in row['open']}))
                     + "\n  " + "\n  ".join(repr(d) for d, _ in row["open"]))


def test_skip_and_error_directives_act_alike(conformance):
    derived = conformance["derived"]
    assert {d["derived"][0] for d in derived} == {c for c in CHECKS if conformance["results"][c]["fixtures_firing"]}
    for fx in derived:
        check, directive = fx["derived"]
        assert "error" not in fx["result"], (fx["tests"][0], fx["result"])
        if directive.startswith("skip="):
            assert not any(k == check for k, _ in fx["bk"]), f"BuildKit ignored {fx['tests'][0]}"
            assert not any(k == check for k, _ in fx["ll"]), f"layerlint ignored {fx['tests'][0]}"
        else:  # error=true: the same warnings, and BuildKit fails the build on them
            assert "lint violation found" in fx["result"].get("build_error", ""), fx["result"]
            assert any(k == check for k, _ in fx["ll"])


@pytest.mark.parametrize("row", [bk.UNKNOWN_BASE, bk.UNKNOWN_BASE_WORKDIR])
def test_unknown_base_rows(conformance, row):
    """UndefinedVar (and WorkdirRelativePath of `WORKDIR $VAR`) on base images layerlint does
    not know: BuildKit's stand-in sees no ENV; layerlint must never report more there than
    BuildKit does (it stays quiet on purpose)."""
    found = conformance["results"][row]
    assert not found["unexplained"], "\n  ".join(map(repr, found["unexplained"]))


def test_buildkit_reports_no_check_layerlint_lacks(conformance):
    """A BuildKit check that no layerlint rule names (a new one, or a renamed one)."""
    bad = {c: conformance["results"][c] for c in conformance["unknown_checks"]}
    assert not bad, {c: [repr(d) for d in r["unexplained"]] for c, r in bad.items()}


def test_every_fixture_was_checked_by_buildkit(conformance):
    assert not conformance["not_checked"], "; ".join(
        f"{fx['tests'][0]}: {fx['result']['error']}" for fx in conformance["not_checked"])


def test_every_listed_deviation_still_happens(conformance):
    """A deviation no fixture shows any more is stale: BuildKit or layerlint changed, or the
    fixture that showed it went away."""
    stale = [d.reason for d in DEVIATIONS if d.used == 0]
    assert not stale, "listed deviations that no fixture shows: " + " | ".join(stale)
