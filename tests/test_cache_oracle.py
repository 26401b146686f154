"""Proof against a real builder: every scenario of tests/fixtures/cache/ is built twice by a
real engine, with the scenario's edits in between, and every step's CACHED verdict of the
second build must equal `layerlint explain`'s prediction (and the verdict recorded in the
scenario's expected.json).

The engine (tests/builder_harness.py starts one private dockerd for the batch and stops it):
Docker Engine 28.5 with BuildKit v0.25 when scripts/install-buildkit-modern has unpacked it
(graphdriver image store, plus the containerd image store for the scenarios that name it:
`COPY --link`), else Debian's docker.io 20.10 (BuildKit v0.8 era), which cannot build the
scenarios marked "engine": "modern" (heredocs, --link, --chmod, --exclude, ADD --checksum,
secret mounts): those are SKIPPED, saying so.  $LAYERLINT_BUILDER_ENGINE=20.10 forces the old
engine.  The output says which engine ran.  Where no builder can run (not root, nothing
installed, dockerd does not start, LAYERLINT_SKIP_BUILDER set) every test here is SKIPPED
with the reason, printed loudly; nothing passes without a real build.

A step layerlint predicts "unless-identical" (only the copied files' content can decide)
agrees with either verdict; the figure says how many there were.

Reproduce the figure by hand: `sudo .venv/bin/python -m tests.builder_harness [--engine=20.10]`
(`--record` rewrites the expected.json files from the builder).
"""
import time

import pytest

from . import builder_harness as harness
from .helpers import say_past_capture as _say

pytestmark = pytest.mark.slow  # real builds

SCENARIOS = [s for s in harness.all_scenarios() if s.builder]
NOT_BUILDER = [s for s in harness.all_scenarios() if not s.builder]
CASES = [(sc, store) for sc in SCENARIOS for store in sc.stores]


def _run_all(b, cases, results, errors, skipped):
    for sc, store in cases:
        key = (sc.name, store)
        why = b.can_build(sc)
        if why:
            skipped[key] = why
            continue
        try:
            results[key] = b.run(sc, b.work / "runs" / f"{sc.name}-{store}")
        except (harness.ScenarioError, OSError) as exc:
            errors[key] = str(exc)


@pytest.fixture(scope="module")
def batch(request):
    """Build every scenario with one daemon per image store; results by (scenario, store)."""
    b = harness.Builder()
    try:
        b.start()
    except harness.BuilderUnavailable as exc:
        msg = f"REAL-BUILDER CACHE TESTS SKIPPED ({len(CASES)} scenario builds NOT checked): {exc}"
        _say(request, "!" * 20 + " " + msg + " " + "!" * 20, red=True)
        pytest.skip(msg)
    results, errors, skipped, labels = {}, {}, {}, {}
    t0 = time.time()
    try:
        _run_all(b, [c for c in CASES if c[1] == "graphdriver"], results, errors, skipped)
        labels["graphdriver"] = (b.engine, b.label)
    finally:
        b.stop()
    store_cases = [c for c in CASES if c[1] == "containerd"]
    if b.modern and store_cases:
        b2 = harness.Builder(engine="modern-containerd")
        try:
            b2.start()
            labels["containerd"] = (b2.engine, b2.label)
            _run_all(b2, store_cases, results, errors, skipped)
        except harness.BuilderUnavailable as exc:
            for c in store_cases:
                skipped[c[0].name, c[1]] = f"containerd image store unavailable: {exc}"
        finally:
            b2.stop()
    else:
        for sc, store in store_cases:
            skipped[sc.name, store] = "the containerd image store needs the modern engine"
    right = sum(r.comparison()[0] for r in results.values())
    total = sum(r.comparison()[1] for r in results.values())
    unsure = sum(r.unsure()[0] for r in results.values())
    kept = sum(r.unsure()[1] for r in results.values())
    apart = sum(len(r.deviations()) for r in results.values())
    engines = "; ".join(label for _, label in labels.values())
    _say(request, f"real builder ({engines}): layerlint explain predicted {right}/{total} steps right in "
                  f"{len(results)} scenario builds ({time.time() - t0:.0f} s); {unsure} predicted 'unless "
                  f"identical' (the builder kept {kept} of them cached); {apart} counted apart (the verdict "
                  f"depends on the image store); {len(skipped)} skipped"
                  + (f" ({', '.join(sorted({w for w in skipped.values()}))})" if skipped else "")
                  + f"; {len(NOT_BUILDER)} scenarios checked by reasoning only: "
                  + ", ".join(s.name for s in NOT_BUILDER))
    yield results, errors, skipped, labels


@pytest.mark.parametrize("sc, store", CASES, ids=[sc.name if store == "graphdriver" else f"{sc.name}[{store}]"
                                                  for sc, store in CASES])
def test_builder_agrees_with_explain(batch, sc, store):
    results, errors, skipped, labels = batch
    if (sc.name, store) in skipped:
        pytest.skip(skipped[sc.name, store])
    assert (sc.name, store) not in errors, errors.get((sc.name, store))
    res = results[sc.name, store]
    assert not res.problems, f"the builder log could not be read: {res.problems}"
    right, total, bad = res.comparison()
    assert total > 0, "the builder reported no cache verdict at all"
    assert not bad, f"{sc.name} ({sc.spec['description']}): " + "; ".join(bad)
    engine, label = labels[store]
    expected = sc.expected_for(engine)
    recorded = {s["line"]: s["cached"] for s in expected["steps"]}
    assert res.cached == recorded, (f"the builder ({label}) no longer does what expected.json recorded: "
                                    f"{res.cached} != {recorded}")


def test_agreement_figure(batch):
    results, errors, skipped, labels = batch
    assert not errors, errors
    right = sum(r.comparison()[0] for r in results.values())
    total = sum(r.comparison()[1] for r in results.values())
    assert total >= 100 and right == total, f"{right}/{total} steps predicted right"
