"""Monthly totals, top companies, their figures, and path configuration."""

from __future__ import annotations

import datetime as dt
import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layofflab import config, monthly_layoffs, top_companies
from layofflab.errors import InvalidArgumentError
from layofflab.plots import plot_monthly_layoffs, plot_top_companies

events_strategy = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C", "D"]),
        st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2026, 12, 31)),
        st.one_of(st.none(), st.integers(min_value=0, max_value=20000)),
    ),
    min_size=1,
    max_size=60,
)


def frame(rows):
    return pl.DataFrame(
        rows, schema={"company": pl.String, "date": pl.Date, "laid_off": pl.Int64}, orient="row"
    )


@settings(max_examples=60, deadline=None)
@given(events_strategy)
def test_monthly_totals_agree_with_a_plain_python_count(rows):
    df = frame(rows)
    monthly = monthly_layoffs(df)
    assert monthly["laid_off"].sum() == sum(n or 0 for _, _, n in rows)
    assert monthly["events"].sum() == len(rows)
    months = monthly["month"].to_list()
    assert months == sorted(months) and len(set(months)) == len(months)
    # no gaps: consecutive months
    assert all(
        (b.year - a.year) * 12 + b.month - a.month == 1 for a, b in itertools.pairwise(months)
    )
    for row in monthly.iter_rows(named=True):
        expected = sum(
            n or 0
            for _, d, n in rows
            if (d.year, d.month) == (row["month"].year, row["month"].month)
        )
        assert row["laid_off"] == expected


@settings(max_examples=60, deadline=None)
@given(events_strategy, st.integers(min_value=1, max_value=5))
def test_top_companies_are_ranked_by_total(rows, n):
    top = top_companies(frame(rows), n=n)
    totals = {}
    for company, _, count in rows:
        totals[company] = totals.get(company, 0) + (count or 0)
    expected = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    assert list(zip(top["company"], top["laid_off"], strict=True)) == expected


def test_bad_arguments_raise_named_errors():
    df = frame([("A", dt.date(2025, 1, 1), 3)])
    with pytest.raises(InvalidArgumentError) as info:
        top_companies(df, n=0)
    assert (info.value.name, info.value.value) == ("n", 0)
    with pytest.raises(InvalidArgumentError, match="every='2w'"):
        monthly_layoffs(df, every="2w")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="laid_off"):
        monthly_layoffs(df.drop("laid_off"))


def test_plots_draw_the_data_and_use_a_given_axes():
    df = frame(
        [
            ("A", dt.date(2025, 1, 1), 300),
            ("B", dt.date(2025, 3, 1), 100),
            ("A", dt.date(2025, 3, 9), 50),
        ]
    )
    fig = plot_monthly_layoffs(monthly_layoffs(df))
    assert [round(p.get_height()) for p in fig.axes[0].patches] == [300, 0, 150]
    fig2, ax = plt.subplots()
    returned = plot_top_companies(top_companies(df), ax=ax)
    assert returned is fig2
    assert [round(p.get_width()) for p in ax.patches] == [350, 100]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]
    assert plt.rcParams["axes.titleweight"] == "normal"  # styling does not leak
    plt.close("all")


def test_paths_derive_from_the_package_not_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert config.PROJECT_ROOT == config.PACKAGE_DIR.parents[1]
    assert (config.PROJECT_ROOT / "pyproject.toml").is_file()
    assert config.DATA_RAW.is_dir() and config.NOTEBOOKS.is_dir()
    assert all(p.is_absolute() for p in (config.DATA_PROCESSED, config.REPORTS, config.SHARED_DATA))
