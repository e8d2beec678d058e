"""The capex → cuts study: designs, inference plumbing, placebos, conclusions (synthetic panel)."""

from __future__ import annotations

import polars as pl
import pytest

import study_panel
from layofflab.errors import InvalidArgumentError
from layofflab.models import panel_ols
from layofflab.studies.capex import CapexOptions, run_capex
from layofflab.studies.capex_design import OUTCOMES, TREATMENTS, add_design_columns, fit_cell
from layofflab.studies.capex_text import conclusions

FAST = {"bootstrap_reps": 199, "ri_reps": 99, "seed": 7}


@pytest.fixture(scope="module")
def panel():
    return study_panel.panel()


@pytest.fixture(scope="module")
def study(panel):
    return run_capex(
        CapexOptions(outcomes=("workers_cut", "cut_share", "any_cut"), **FAST), panel=panel
    )


def test_announcement_treatments_are_null_where_not_collected_and_lags_follow(panel):
    d = add_design_columns(panel)
    before = d.filter(pl.col("year") < 2024)
    assert before["tr_guidance"].null_count() == before.height
    f = d.filter(pl.col("company_id") == "F01").sort("time_index")
    assert f["tr_guidance_lag1"].to_list()[1:] == f["tr_guidance"].to_list()[:-1]
    assert f["tr_guidance_lead1"].to_list()[:-1] == f["tr_guidance"].to_list()[1:]
    assert set(d["tr_guidance"].drop_nulls().unique()) <= {-1.0, 0.0, 1.0}
    covered = d.filter(pl.col("tracker_covered"))
    assert covered["any_cut"].null_count() == 0
    assert d.filter(~pl.col("tracker_covered"))["laid_off"].null_count() > 0


def test_a_cell_reports_crv1_crv3_and_wild_bootstrap_and_equals_the_models(panel):
    d = add_design_columns(panel)
    cell = fit_cell(d, outcome="any_cut", treatment="capex_intensity", lags=2, bootstrap_reps=199)
    assert cell.rows["term"].to_list() == ["tr_intensity_lag1", "tr_intensity_lag2"]
    ref = panel_ols(
        cell.sample,
        "any_cut ~ tr_intensity_lag1 + tr_intensity_lag2",
        fe=["company_id", "quarter_id"],
        cluster="company_id",
        vcov="jackknife",
    )
    row = cell.rows.row(0, named=True)
    assert row["p_crv3"] == pytest.approx(ref.table["p_value"][0], rel=1e-10)
    assert row["se_crv3"] > 0 and 0 < row["p_wild"] <= 1
    assert cell.crv1.info.fixed_effects == ("company_id", "quarter_id")
    assert row["n_firms"] == cell.sample["company_id"].n_unique() == 13
    # a quarter before tracker coverage never enters
    assert cell.sample["tracker_covered"].all()


def test_count_model_uses_the_headcount_offset_and_no_wild_bootstrap(panel):
    cell = fit_cell(
        add_design_columns(panel), outcome="workers_cut", treatment="capex_spike", lags=1
    )
    assert cell.crv1.info.estimator == "ppml"
    assert cell.rows["p_wild"].is_null().all() and cell.rows["p_crv3"].is_not_null().all()
    assert (
        "jackknife" in cell.crv3.info.se_convention.lower()
        or "CRV3" in cell.crv3.info.se_convention
    )


def test_study_tables(study):
    main = study.main
    n_cells = len(study.options.treatments) * 3 - study.skipped.height
    assert main.filter(pl.col("lag") == 1).height == n_cells
    assert set(main["few_method"]) == {"CRV3 jackknife, t(G−1)"}
    lpm = main.filter((pl.col("lag") == 1) & (pl.col("estimator") == "ols"))
    assert lpm["p_ri"].is_not_null().all() and (lpm["p_ri_mc_se"] >= 0).all()
    assert main.filter(pl.col("estimator") == "ppml")["p_ri"].is_null().all()
    adj = study.adjusted
    assert (adj["p_holm"] >= adj["p_few"] - 1e-12).all()
    assert (adj["p_bh"] <= adj["p_holm"] + 1e-12).all()
    linear = adj.filter(pl.col("outcome").is_in(["cut_share", "any_cut"]))
    assert linear["p_romano_wolf"].is_not_null().all()
    assert set(study.placebo["test"]) == {
        "main (lag 1)",
        "future treatment (leads)",
        "outcome a year earlier",
    }
    assert (
        study.placebo.filter(pl.col("test") == "future treatment (leads)")["term"]
        .str.contains("_lead")
        .all()
    )
    # every (cell, placebo) is there: estimated, or a row saying why it could not be
    pb = study.placebo
    noted = pb["note"].is_not_null() if "note" in pb.columns else pl.Series([False] * pb.height)
    assert (pb["estimate"].is_not_null() ^ noted).all()
    cells = pb.filter(pl.col("test") == "main (lag 1)").select("outcome", "treatment").n_unique()
    tried = pb.filter(pl.col("test") != "main (lag 1)").select("outcome", "treatment", "test")
    assert tried.n_unique() == 2 * cells
    assert study.placebo_table()["note"].null_count() == 0


def test_event_study_and_honest_bounds_or_a_stated_reason(study):
    assert (study.events is None) == (study.events_error is not None)
    if study.events is not None:
        assert set(study.events.pretrend["estimator"]) <= {
            "twfe",
            "sun_abraham",
            "callaway_santanna",
        }


def test_conclusions_are_built_from_the_numbers(study):
    text = conclusions(study)
    assert any("cells were estimated" in s for s in text)
    best = study.adjusted.sort("p_few").row(0, named=True)
    joined = " ".join(text)
    assert f"{best['estimate']:+.3g}" in joined
    assert "January 2024" in joined


def test_same_seed_same_answer(panel, study):
    again = run_capex(
        CapexOptions(outcomes=("workers_cut", "cut_share", "any_cut"), **FAST), panel=panel
    )
    assert again.main.equals(study.main)
    assert again.adjusted.equals(study.adjusted)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"lags": 7}, "lags"),
        ({"start": "2024-13-01"}, "start"),
        ({"ri_reps": 5}, "ri_reps"),
        ({"outcomes": ("nope",)}, "outcomes"),
        ({"treatments": "guidance"}, "treatments"),
        ({"event_outcome": "workers_cut"}, "event_outcome"),
    ],
)
def test_bad_options_are_named(kwargs, name):
    with pytest.raises(InvalidArgumentError) as info:
        CapexOptions(**kwargs)
    assert info.value.name == name


def test_registries_declare_every_design():
    assert {o.estimator for o in OUTCOMES.values()} == {"ppml", "ols"}
    assert {t.kind for t in TREATMENTS.values()} == {"indicator", "signed", "dose"}


def test_timing_counts_the_quarters_where_the_layoff_came_first():
    import datetime as dt

    from layofflab.studies.capex_timing import monthly_window, order_within_quarter

    lay = pl.DataFrame(
        {
            "company_id": ["A", "A", "B"],
            "date": [dt.date(2025, 10, 28), dt.date(2025, 11, 5), dt.date(2025, 2, 1)],
            "laid_off": [14000, 10, 5],
        }
    )
    ann = pl.DataFrame(
        {
            "company_id": ["A", "B"],
            "announce_date": [dt.date(2025, 10, 30), dt.date(2025, 1, 15)],
            "event_type": ["guidance_raise", "guidance"],
        }
    )
    o = order_within_quarter(lay, ann)
    assert o.select("company_id", "layoffs", "layoff_first").rows() == [
        ("B", 1, False),
        ("A", 2, True),
    ]
    months = pl.date_range(dt.date(2024, 7, 1), dt.date(2026, 6, 1), "1mo", eager=True)
    pm = pl.DataFrame({"company_id": ["A"] * len(months), "period": months}).with_columns(
        time_index=pl.int_range(pl.len()),
        laid_off=pl.when(pl.col("period") == dt.date(2025, 10, 1)).then(14000).otherwise(0),
        layoff_events=pl.when(pl.col("period") == dt.date(2025, 10, 1)).then(1).otherwise(0),
        tracker_covered=pl.col("period") <= dt.date(2026, 1, 1),
    )
    w = monthly_window(pm, ann, before=2, after=4)
    assert w["rel_month"].to_list() == [-2, -1, 0, 1, 2, 3, 4]
    assert w.filter(pl.col("rel_month") == 0)["share_any_cut"].item() == 1.0
    # 2026-02 onwards is not covered: months +4 are left out, not counted as zero
    assert w.filter(pl.col("rel_month") == 4)["announcements"].item() == 0


def test_minimum_detectable_effects_at_the_cells_sample_sizes(study):
    from layofflab.studies.capex_power import study_mde

    mde = study_mde(study, reps=10, seed=3)
    assert set(mde["design"]) <= {"announcement", "spike", "dose"} and mde.height >= 1
    for row in mde.iter_rows(named=True):
        cell = study.cells[("any_cut", row["treatment"])]
        assert row["n_firms"] == cell.sample["company_id"].n_unique()
        assert row["mde"] is None or row["mde"] > 0
    text = " ".join(conclusions(study, mde=mde))
    assert "80% power" in text
