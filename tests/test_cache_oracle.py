"""Proof against a real builder: every scenario of tests/fixtures/cache/ is built twice by
Debian's docker.io 20.10 engine (embedded BuildKit), with the scenario's edits in between,
and every step's CACHED verdict of the second build must equal `layerlint explain`'s
prediction (and the verdict recorded in the scenario's expected.json).

One private dockerd serves the whole batch (tests/builder_harness.py starts and stops it).
Where the builder cannot run (not root, docker.io / busybox-static not installed, dockerd
does not start, LAYERLINT_SKIP_BUILDER set) every test here is SKIPPED with the reason,
printed loudly; nothing passes without a real build.

Reproduce the figure by hand: `sudo .venv/bin/python -m tests.builder_harness`
(`--record` rewrites the expected.json files from the builder).
"""
import time

import pytest

from . import builder_harness as harness

pytestmark = pytest.mark.slow  # real builds

SCENARIOS = [s for s in harness.all_scenarios() if s.builder]
NOT_BUILDER = [s for s in harness.all_scenarios() if not s.builder]


def _say(request, text: str, red: bool = False) -> None:
    """Print past pytest's output capture, so the line shows even with -q."""
    tr = request.config.pluginmanager.get_plugin("terminalreporter")
    capman = request.config.pluginmanager.get_plugin("capturemanager")
    if tr is None:
        return
    if capman is not None:
        with capman.global_and_fixture_disabled():
            tr.ensure_newline()
            tr.write_line(text, red=red, yellow=not red, bold=True)
    else:
        tr.write_line(text, red=red, yellow=not red, bold=True)


@pytest.fixture(scope="module")
def batch(request):
    """Build every scenario with one daemon; results by scenario name."""
    b = harness.Builder()
    try:
        b.start()
    except harness.BuilderUnavailable as exc:
        msg = f"REAL-BUILDER CACHE TESTS SKIPPED ({len(SCENARIOS)} scenarios NOT checked): {exc}"
        _say(request, "!" * 20 + " " + msg + " " + "!" * 20, red=True)
        pytest.skip(msg)
    results, errors = {}, {}
    t0 = time.time()
    try:
        for sc in SCENARIOS:
            try:
                results[sc.name] = b.run(sc, b.work / "runs" / sc.name)
            except (harness.ScenarioError, OSError) as exc:
                errors[sc.name] = str(exc)
    finally:
        b.stop()
    right = sum(r.comparison()[0] for r in results.values())
    total = sum(r.comparison()[1] for r in results.values())
    _say(request, f"real builder (docker.io {b.version}, BuildKit): layerlint explain predicted {right}/{total} "
                  f"steps right in {len(results)} scenarios ({time.time() - t0:.0f} s); "
                  f"{len(NOT_BUILDER)} scenarios checked by reasoning only: "
                  + ", ".join(s.name for s in NOT_BUILDER))
    yield results, errors, b.version


@pytest.mark.parametrize("sc", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_builder_agrees_with_explain(batch, sc):
    results, errors, version = batch
    assert sc.name not in errors, errors.get(sc.name)
    res = results[sc.name]
    assert not res.problems, f"the builder log could not be read: {res.problems}"
    right, total, bad = res.comparison()
    assert total > 0, "the builder reported no cache verdict at all"
    assert not bad, f"{sc.name} ({sc.spec['description']}): " + "; ".join(bad)
    recorded = {s["line"]: s["cached"] for s in sc.expected["steps"]}
    assert res.cached == recorded, (f"the builder ({version}) no longer does what expected.json recorded: "
                                    f"{res.cached} != {recorded}")


def test_agreement_figure(batch):
    results, errors, version = batch
    assert not errors, errors
    right = sum(r.comparison()[0] for r in results.values())
    total = sum(r.comparison()[1] for r in results.values())
    assert total >= 100 and right == total, f"{right}/{total} steps predicted right"
