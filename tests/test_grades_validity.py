"""Issue 9, "How it is measured": the paired transcripts of bench/grade_pairs.yaml rank as a coach would.

Good handling leads overall and on every skill; hollow empathy does not score well on empathy; the same
good call with one forbidden promise loses to it (closure and overall) and the breach is named."""
from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_scoring", ROOT / "bench" / "scoring.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def results(bench):
    return bench.validity()


def test_the_paired_orderings_hold(results):
    _, failed = results
    assert not failed, "\n".join(failed)


def test_the_pairs_cover_several_scenarios_and_every_kind(results, bench):
    reports, _ = results
    assert len(reports) >= 4
    assert all(set(bench.KINDS) <= set(r) for r in reports.values())


def test_over_promising_is_named_in_the_outcome_even_when_the_customer_calmed(results):
    reports, _ = results
    for sid, r in reports.items():
        o = r["overpromise"]
        assert o.outcome.promise_breaches, sid
        assert o.policy.breaches and all(b.instead for b in o.policy.breaches), sid
        assert o.overall < r["good"].overall - 10, sid


def test_the_validity_table_prints(bench, capsys):
    assert bench.print_validity() == 0
    out = capsys.readouterr().out
    assert "good" in out and "overpromise" in out and "all hold" in out
