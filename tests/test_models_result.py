"""EstimationResult / ModelInfo contract, rendering and regression_table."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy import stats

from layofflab.errors import InvalidArgumentError
from layofflab.models import (
    EstimationResult,
    ModelInfo,
    funnel_frame,
    regression_table,
    tidy_table,
)
from layofflab.models.result import FUNNEL_COLUMNS, TABLE_COLUMNS


def _result(terms=("x", "z"), est=(1.5, -0.2), se=(0.5, 0.4), df=9.0, clusters=None):
    clusters = {"firm": 10} if clusters is None else clusters
    info = ModelInfo(
        estimator="ols",
        formula="y ~ x + z",
        n_obs=200,
        n_clusters=clusters,
        fixed_effects=("firm", "year"),
        cluster=tuple(clusters),
        se_convention="CRV1 test_convention_1",
        df_inference=df,
    )
    funnel = funnel_frame(210, [("missing values", 7, "column 'x'"), ("singletons", 3, "fe")])
    return EstimationResult(table=tidy_table(list(terms), est, se, df=df), funnel=funnel, info=info)


def test_table_and_funnel_schema():
    res = _result()
    assert tuple(res.table.columns) == TABLE_COLUMNS
    assert res.table.schema["term"] == pl.String
    assert all(res.table.schema[c] == pl.Float64 for c in TABLE_COLUMNS[1:])
    assert tuple(res.funnel.columns) == FUNNEL_COLUMNS
    assert res.funnel.schema["rows_dropped"] == pl.Int64
    assert res.funnel["step"][0] == "input"
    assert res.funnel["rows_remaining"].to_list() == [210, 203, 200]


def test_tidy_table_uses_t_with_df_and_normal_without():
    t = tidy_table(["a"], [2.0], [1.0], df=9)
    assert t["p_value"][0] == pytest.approx(2 * stats.t(9).sf(2.0), rel=1e-12)
    crit = stats.t(9).ppf(0.975)
    assert t["ci_low"][0] == pytest.approx(2 - crit, rel=1e-12)
    n = tidy_table(["a"], [2.0], [1.0], alpha=0.1)
    assert n["p_value"][0] == pytest.approx(2 * stats.norm.sf(2.0), rel=1e-12)
    assert n["ci_high"][0] == pytest.approx(2 + stats.norm.ppf(0.95), rel=1e-12)


def test_accessors_and_bad_term():
    res = _result()
    assert res.coef("x") == 1.5
    assert res.se("z") == pytest.approx(0.4)
    assert res.pvalue("x") == pytest.approx(2 * stats.t(9).sf(3.0))
    with pytest.raises(InvalidArgumentError):
        res.coef("nope")


def test_contract_rejects_wrong_columns():
    good = _result()
    with pytest.raises(InvalidArgumentError):
        EstimationResult(good.table.drop("ci_low"), good.funnel, good.info)
    with pytest.raises(InvalidArgumentError):
        EstimationResult(good.table, good.funnel.rename({"detail": "why"}), good.info)


def test_frozen():
    res = _result()
    with pytest.raises(AttributeError):
        res.info = None  # type: ignore[misc]
    with pytest.raises(AttributeError):
        res.info.n_obs = 3  # type: ignore[misc]


def test_renderings_carry_metadata():
    res = _result()
    md = res.to_markdown()
    assert "| x | 1.5000 | 0.5000 | 3.000 |" in md
    assert "CRV1 test_convention_1" in md and "firm (10)" in md and "t(9)" in md
    html = res.to_html()
    assert html.startswith("<table") and "<td>x</td>" in html and "firm, year" in html
    assert res._repr_html_() == html
    tex = res.to_latex()
    assert tex.startswith(r"\begin{tabular}") and tex.endswith(r"\end{tabular}")
    assert "test\\_convention\\_1" in tex
    text = res.summary()
    for needle in ("Fixed effects: firm, year", "Clusters (G):  firm (10)", "N:             200"):
        assert needle in text
    assert str(res) == text


def test_html_escapes():
    res = _result(terms=("a<b", "z"))
    assert "a&lt;b" in res.to_html()


def test_nan_rendering():
    res = _result(est=(np.nan, 1.0))
    assert "| x | NA |" in res.to_markdown()


def test_regression_table_aligns_terms_and_stars():
    r1 = _result()
    r2 = _result(terms=("x", "w"), est=(0.1, 3.0), se=(1.0, 1.0), clusters={})
    md = regression_table([r1, r2], names=["A", "B"])
    lines = md.splitlines()
    assert lines[0] == "|  | A | B |"
    assert "| x | 1.5000** | 0.1000 |" in lines
    assert "|  | (0.5000) | (1.0000) |" in lines
    assert "| z | -0.2000 |  |" in lines  # missing term in model B left blank
    assert "| w |  | 3.0000** |" in lines
    assert "| Clusters | firm (10) | none |" in lines
    html = regression_table([r1, r2], format="html")
    assert html.count("<tr>") == 2 * 3 + 1 + 4 + 1
    tex = regression_table([r1, r2], format="latex")
    assert r"1.5000$^{**}$" in tex and r"\begin{tabular}{lcc}" in tex


@pytest.mark.parametrize(
    ("kwargs", "arg"),
    [
        ({"results": []}, "results"),
        ({"results": ["x"]}, "results"),
        ({"format": "docx"}, "format"),
        ({"names": ["only one", "two", "three"]}, "names"),
    ],
)
def test_regression_table_validation(kwargs, arg):
    base = {"results": [_result(), _result()]}
    base.update(kwargs)
    with pytest.raises(InvalidArgumentError) as err:
        regression_table(**base)
    assert err.value.name == arg


def test_tidy_table_validation():
    with pytest.raises(InvalidArgumentError):
        tidy_table(["a", "b"], [1.0], [1.0])
    with pytest.raises(InvalidArgumentError):
        tidy_table(["a"], [1.0], [1.0], alpha=1.5)
