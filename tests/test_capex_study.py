"""The capex → layoffs study on the shipped facts: panel construction and inference plumbing."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from layofflab.errors import InvalidArgumentError
from layofflab.studies.capex import CapexOptions, load_panel, run_capex


@pytest.fixture(scope="module")
def study():
    return run_capex(CapexOptions(bootstrap_reps=199, ri_reps=49, seed=7))


def test_panel_lags_and_cohorts_follow_the_announcements():
    panel = load_panel(CapexOptions(lags=2)).data
    assert panel.select("company_id", "period").is_unique().all()
    for _, firm in panel.group_by("company_id"):
        firm = firm.sort("period")
        ann = firm["announced"].to_list()
        assert firm["announced_lag1"].to_list() == [0, *ann[:-1]]
        assert firm["announced_lag2"].to_list() == [0, 0, *ann[:-2]]
        first = firm.filter(pl.col("announced") == 1)["period"].min()
        assert firm["first_announcement"].unique().to_list() == [first]
    meta = panel.filter(pl.col("company_id") == "META")
    assert meta.filter(pl.col("announced") == 1)["period"].min() == dt.date(2024, 4, 1)
    assert set(panel["any_layoff"].unique()) <= {0, 1}


def test_study_tables_agree_with_the_underlying_results(study):
    table = study.inference_table()
    assert table.height == 2 * len(study.options.lag_terms())
    lpm = table.filter(pl.col("outcome") == "any_layoff (LPM)")
    for row in lpm.iter_rows(named=True):
        boot = study.bootstrap[row["term"]]
        assert row["p_wild_bootstrap"] == boot.p_value
        assert boot.weights == "webb" and boot.n_clusters == study.lpm.info.n_clusters["company_id"]
        ref = study.lpm.table.filter(pl.col("term") == row["term"])
        assert row["estimate"] == ref["estimate"].item()
    assert (table["p_holm"] >= table["p_cluster_t"] - 1e-12).all()
    assert (table["p_bh"] <= table["p_holm"] + 1e-12).all()
    assert study.randomization.reps == 49 and len(study.randomization.distribution) == 49
    assert study.lpm.info.fixed_effects == ("company_id", "quarter_id")
    assert study.ppml.info.cluster == ("company_id",)
    assert study.events is not None and study.events_error is None


def test_same_seed_same_answer(study):
    again = run_capex(CapexOptions(bootstrap_reps=199, ri_reps=49, seed=7))
    assert again.inference_table().equals(study.inference_table())
    assert again.randomization.p_value == study.randomization.p_value


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"lags": 7}, "lags"), ({"start": "2024-13-01"}, "start"), ({"ri_reps": 5}, "ri_reps")],
)
def test_bad_options_are_named(kwargs, name):
    with pytest.raises(InvalidArgumentError) as info:
        CapexOptions(**kwargs)
    assert info.value.name == name
