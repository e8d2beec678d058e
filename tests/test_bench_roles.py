"""The job-title benchmark's own pieces, on small inputs: its titles must be distinct, seeded and
real-style enough to exercise the rules (many groups, few unclassified), its draw must keep every
distinct title, and its baseline must read every row (otherwise ``ours / baseline`` would compare
different work)."""

from __future__ import annotations

import importlib.util

import pytest

from layofflab import config, roles


@pytest.fixture(scope="module")
def roles_bench():
    spec = importlib.util.spec_from_file_location("roles_bench", config.BENCH / "roles_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_titles_are_distinct_seeded_and_exercise_the_rules(roles_bench):
    titles = roles_bench.make_titles(400)
    assert len(titles) == len(set(titles)) == 400
    assert titles == roles_bench.make_titles(400)
    assert titles != roles_bench.make_titles(400, seed=1)
    out = roles.classify_titles(titles)
    assert out["group"].n_unique() >= 12
    assert out["seniority"].n_unique() >= 10
    assert out["unclassified"].mean() < 0.05
    assert any(t.isupper() for t in titles) and any("," in t for t in titles)


def test_draw_keeps_every_title_and_baseline_reads_every_row(roles_bench):
    titles = roles_bench.make_titles(300)
    s = roles_bench.draw(titles, 5_000)
    assert s.len() == 5_000 and set(s.unique()) == set(titles)
    assert s.equals(roles_bench.draw(titles, 5_000))
    hits = roles_bench.baseline(s)
    assert hits.len() == 5_000 and 0 < hits.sum() < 5_000


def test_too_many_distinct_titles_are_refused(roles_bench):
    with pytest.raises(SystemExit, match="--distinct"):
        roles_bench.make_titles(10**7)
