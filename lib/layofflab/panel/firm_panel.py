"""The default dataset's panel: every firm × quarter (or month), whatever it announced.

:func:`build_firm_panel` joins the cleaned tables — layoff events from the trackers, WARN
notices, AI-capex announcements, SEC quarterly facts, annual headcount — onto a balanced
grid of the firms in the firm table and the periods of the window. A firm that never
announced anything is in the panel like any other (it is a control).

**Zero or missing.** A source that *covers* a firm-period and shows nothing gives zero; a
source that does not cover it gives null. Coverage is declared per source in the coverage
table (``source, company_id, start, end``; a blank company applies to every firm): a period
is covered when the whole period lies inside the window. Each source gets a
``<source>_covered`` column, so a model can restrict itself to covered periods.

Quarterly financials (capex, revenue, operating income, total assets) come from the SEC
table, ``sec_xbrl`` rows first; a quarter filled from another kind of source says so in
``capex_source_kind``. Headcount is annual: each quarter carries the headcount of the
firm's latest fiscal year ending on or before the quarter's end (``headcount_period_end``),
so it is never taken from the future.

Examples
--------
>>> import datetime as dt, polars as pl
>>> firms = pl.DataFrame({"company_id": ["A", "B"]})
>>> layoffs = pl.DataFrame({"company_id": ["A", "A"], "date": [dt.date(2024, 2, 1), dt.date(2024, 5, 1)],
...                         "laid_off": [100, None]})
>>> cov = pl.DataFrame({"source": ["tracker"], "company_id": [None], "start": [dt.date(2024, 1, 1)],
...                     "end": [dt.date(2024, 6, 30)]}, schema_overrides={"company_id": pl.String})
>>> p = build_firm_panel(firms=firms, layoffs=layoffs, coverage=cov, start="2024-01-01", end="2024-09-30")
>>> p.data.select("company_id", "quarter", "laid_off", "layoff_events", "layoff_events_unknown_count").rows()
[('A', 1, 100, 1, 0), ('A', 2, 0, 1, 1), ('A', 3, None, None, None), ('B', 1, 0, 0, 0), ('B', 2, 0, 0, 0), ('B', 3, None, None, None)]
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, cast

import polars as pl

from layofflab.checks import check_choice, check_columns, check_date
from layofflab.panel.events import period_index
from layofflab.panel.features import add_capex_features, add_firm_ratios
from layofflab.panel.panel import Panel, assign_rows

__all__ = ["FINANCIAL_CONCEPTS", "SOURCES", "build_firm_panel", "sec_quarter"]

_EVERY = {"quarter": "1q", "month": "1mo"}
#: SEC concepts carried into the quarterly panel → column names.
FINANCIAL_CONCEPTS = {
    "capex": "capex_usd",
    "revenue": "revenue_usd",
    "operating_income": "operating_income_usd",
    "total_assets": "total_assets_usd",
}
#: Event sources and their coverage keys.
SOURCES = ("tracker", "warn", "announcements")
_KIND_ORDER = {"sec_xbrl": 0, "third_party": 1, "press": 2}


def _grid(
    ids: list[str], lo: dt.date, hi: dt.date, freq: Literal["quarter", "month"]
) -> pl.DataFrame:
    every = _EVERY[freq]
    periods = pl.date_range(
        pl.lit(lo).dt.truncate(every), pl.lit(hi).dt.truncate(every), every, eager=True
    ).alias("period")
    grid = pl.DataFrame({"company_id": ids}).join(pl.DataFrame(periods), how="cross")
    return grid.with_columns(
        period_end=pl.col("period").dt.offset_by("1q" if freq == "quarter" else "1mo")
        - pl.duration(days=1),
        year=pl.col("period").dt.year(),
        quarter=pl.col("period").dt.quarter(),
        time_index=period_index("period", freq=freq),
    ).sort("company_id", "period")


def _covered(grid: pl.DataFrame, coverage: pl.DataFrame | None, source: str) -> pl.Series:
    """Whether each grid row lies inside a declared coverage window of ``source``."""
    if coverage is None:
        return pl.Series(f"{source}_covered", [True] * grid.height)
    windows = coverage.filter(pl.col("source") == source)
    if windows.is_empty():
        return pl.Series(f"{source}_covered", [False] * grid.height)
    hit = (
        grid.select("company_id", "period", "period_end")
        .with_row_index("_r")
        .join(windows.select("company_id", "start", "end"), how="cross", suffix="_w")
        .filter(
            (pl.col("company_id_w").is_null() | (pl.col("company_id_w") == pl.col("company_id")))
            & (pl.col("period") >= pl.col("start"))
            & (pl.col("period_end") <= pl.col("end"))
        )["_r"]
        .unique()
    )
    flags = [False] * grid.height
    for r in hit.to_list():
        flags[r] = True
    return pl.Series(f"{source}_covered", flags)


def _zero_or_null(columns: list[str], covered: str) -> list[pl.Expr]:
    return [
        pl.when(pl.col(covered)).then(pl.col(c).fill_null(0)).otherwise(None).alias(c)
        for c in columns
    ]


def sec_quarter(columns: list[str] | tuple[str, ...]) -> pl.Expr:
    """The calendar quarter (its first day) a fiscal quarter of the SEC table stands for.

    The reader's ``calendar_year`` / ``calendar_quarter`` (the quarter of the month end
    nearest the period's end) where the frame has them, else the quarter ``period_end``
    falls in. A 52/53-week quarter ending on 2023-07-01 (Apple's fiscal Q3 of 2023, April to
    June) is calendar 2023Q2, not Q3.

    Examples
    --------
    >>> d = pl.DataFrame({"period_end": [dt.date(2023, 7, 1), dt.date(2023, 9, 30)],
    ...                   "calendar_year": [2023, 2023], "calendar_quarter": [2, 3]})
    >>> d.select(q=sec_quarter(d.columns))["q"].to_list()
    [datetime.date(2023, 4, 1), datetime.date(2023, 7, 1)]
    >>> d.drop("calendar_year").select(q=sec_quarter(["period_end"]))["q"].to_list()
    [datetime.date(2023, 7, 1), datetime.date(2023, 7, 1)]
    """
    by_end = pl.col("period_end").dt.truncate(_EVERY["quarter"])
    if "calendar_year" not in columns or "calendar_quarter" not in columns:
        return by_end
    month = (pl.col("calendar_quarter").cast(pl.Int32) - 1) * 3 + 1
    return pl.coalesce(pl.date(pl.col("calendar_year"), month, 1), by_end)


#: Ties within a firm × concept × quarter broken by a total order: best source kind, then
#: the latest period end, the latest filing, the last row (never by the frame's row order).
_PICK = ("_rank", "period_end", "filed", "source_file", "source_row")


def _financials(sec: pl.DataFrame, freq: str) -> pl.DataFrame:
    check_columns(sec, ["company_id", "concept", "period_end", "value"], name="sec")
    rows = sec.filter(pl.col("concept").is_in(list(FINANCIAL_CONCEPTS)))
    kind = pl.col("source_kind") if "source_kind" in rows.columns else pl.lit("sec_xbrl")
    rows = rows.with_columns(
        _kind=kind,
        _rank=kind.replace_strict(_KIND_ORDER, default=9, return_dtype=pl.Int8),
        period=sec_quarter(rows.columns),
    )
    order = [c for c in _PICK if c in rows.columns]
    best = rows.sort(
        order, descending=[c != "_rank" for c in order], nulls_last=True, maintain_order=True
    ).unique(["company_id", "concept", "period"], keep="first", maintain_order=True)
    wide = best.pivot(
        on="concept", index=["company_id", "period"], values="value", aggregate_function="first"
    ).rename({k: v for k, v in FINANCIAL_CONCEPTS.items()}, strict=False)
    kinds = best.filter(pl.col("concept") == "capex").select(
        "company_id", "period", capex_source_kind="_kind"
    )
    for col in FINANCIAL_CONCEPTS.values():
        if col not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(col))
    return wide.join(kinds, on=["company_id", "period"], how="left")


def _headcount(grid: pl.DataFrame, headcount: pl.DataFrame) -> pl.DataFrame:
    check_columns(headcount, ["company_id", "period_end", "employees"], name="headcount")
    hc = headcount
    if "primary" in hc.columns:
        hc = hc.filter(pl.col("primary"))
    basis = pl.col("basis") if "basis" in hc.columns else pl.lit(None, dtype=pl.String)
    hc = (
        hc.select(
            "company_id",
            headcount_period_end=pl.col("period_end"),
            headcount=pl.col("employees").cast(pl.Int64),
            headcount_basis=basis,
        )
        .unique(["company_id", "headcount_period_end"], keep="last", maintain_order=True)
        .sort("headcount_period_end")
    )
    return (
        grid.sort("period_end")
        .join_asof(
            hc,
            left_on="period_end",
            right_on="headcount_period_end",
            by="company_id",
            strategy="backward",
            check_sortedness=False,  # both sides are sorted on the key just above
        )
        .sort("company_id", "period")
    )


def build_firm_panel(
    *,
    firms: pl.DataFrame,
    layoffs: pl.DataFrame,
    warn: pl.DataFrame | None = None,
    announcements: pl.DataFrame | None = None,
    sec: pl.DataFrame | None = None,
    headcount: pl.DataFrame | None = None,
    coverage: pl.DataFrame | None = None,
    start: str | dt.date = "2019-01-01",
    end: str | dt.date | None = None,
    freq: Literal["quarter", "month"] = "quarter",
    spike_k: float = 1.5,
) -> Panel:
    """Build the balanced firm × period panel of the default dataset.

    Parameters
    ----------
    firms : polars.DataFrame
        The firm table (``company_id``); every firm is in the panel.
    layoffs, warn, announcements : polars.DataFrame
        Tracker events (``company_id, date, laid_off``), WARN notices (``company_id,
        notice_date, employees_affected``, ``counted``) and announcements (``company_id,
        announce_date``, optional ``event_type`` and ``source_tier``).
    sec : polars.DataFrame, optional
        SEC quarterly facts (``company_id, concept, period_end, value``, optional
        ``source_kind``); quarterly panels only.
    headcount : polars.DataFrame, optional
        Annual headcount (``company_id, period_end, employees``, optional ``basis``,
        ``primary``).
    coverage : polars.DataFrame, optional
        ``source, company_id, start, end``; without it every source covers every period.
    start, end : str or date
        Window; ``end`` defaults to the last period any event source has a row in.
    freq : {"quarter", "month"}
        Period length.
    spike_k : float
        Multiple of the trailing four-quarter mean that counts as a capex spike.

    Returns
    -------
    Panel
        ``data`` (the panel) and ``funnel`` (every input row in the panel or counted with
        the reason it is not).
    """
    check_choice(freq, "freq", tuple(_EVERY))
    check_columns(firms, ["company_id"], name="firms")
    lo = check_date(start, "start")
    ids = sorted(firms["company_id"].unique().to_list())
    if end is None:
        last = [layoffs["date"].max()]
        if warn is not None:
            last.append(warn["notice_date"].max())
        if announcements is not None:
            last.append(announcements["announce_date"].max())
        # polars types Series.max() as any literal; that of a Date column is a date
        hi = cast(dt.date, max(d for d in last if d is not None))
    else:
        hi = check_date(end, "end")
    grid = _grid(ids, lo, hi, freq)
    every = _EVERY[freq]
    funnel: list[tuple[str, str, int]] = []
    panel = grid

    kept, f = assign_rows(layoffs, name="layoffs", date="date", every=every, ids=ids, lo=lo, hi=hi)
    funnel += f
    agg = kept.group_by("company_id", "period").agg(
        laid_off=pl.col("laid_off").sum().cast(pl.Int64),
        layoff_events=pl.len().cast(pl.Int64),
        layoff_events_unknown_count=pl.col("laid_off").is_null().sum().cast(pl.Int64),
    )
    panel = panel.join(agg, on=["company_id", "period"], how="left").with_columns(
        _covered(panel, coverage, "tracker")
    )
    panel = panel.with_columns(
        _zero_or_null(
            ["laid_off", "layoff_events", "layoff_events_unknown_count"], "tracker_covered"
        )
    )

    if warn is not None:
        notices = warn.filter(pl.col("counted")) if "counted" in warn.columns else warn
        if notices.height < warn.height:
            funnel.append(("warn", "amendment already counted", warn.height - notices.height))
        kept, f = assign_rows(
            notices, name="warn", date="notice_date", every=every, ids=ids, lo=lo, hi=hi
        )
        funnel += f
        key = "notice_id" if "notice_id" in kept.columns else "notice_date"
        agg = kept.group_by("company_id", "period").agg(
            warn_workers=pl.col("employees_affected").sum().cast(pl.Int64),
            warn_notices=pl.col(key).n_unique().cast(pl.Int64),
            warn_sites=pl.len().cast(pl.Int64),
        )
        panel = panel.join(agg, on=["company_id", "period"], how="left").with_columns(
            _covered(panel, coverage, "warn")
        )
        panel = panel.with_columns(
            _zero_or_null(["warn_workers", "warn_notices", "warn_sites"], "warn_covered")
        )

    if announcements is not None:
        kept, f = assign_rows(
            announcements,
            name="announcements",
            date="announce_date",
            every=every,
            ids=ids,
            lo=lo,
            hi=hi,
        )
        funnel += f
        counts = [pl.len().cast(pl.Int64).alias("announcements")]
        for col, prefix in (("event_type", "ann_"), ("source_tier", "ann_tier_")):
            if col in announcements.columns:
                for value in sorted(announcements[col].drop_nulls().unique().to_list()):
                    counts.append(
                        (pl.col(col) == value).sum().cast(pl.Int64).alias(f"{prefix}{value}")
                    )
        agg = kept.group_by("company_id", "period").agg(counts)
        ann_cols = [c for c in agg.columns if c not in ("company_id", "period")]
        panel = panel.join(agg, on=["company_id", "period"], how="left").with_columns(
            _covered(panel, coverage, "announcements")
        )
        panel = panel.with_columns(_zero_or_null(ann_cols, "announcements_covered"))

    if sec is not None:
        if freq != "quarter":
            panel = panel.with_columns(quarter_start=pl.col("period").dt.truncate("1q"))
            fin = _financials(sec, freq).rename({"period": "quarter_start"})
            panel = panel.join(fin, on=["company_id", "quarter_start"], how="left")
        else:
            panel = panel.join(_financials(sec, freq), on=["company_id", "period"], how="left")
            panel = add_capex_features(panel, k=spike_k)
            panel = add_firm_ratios(panel)
    if headcount is not None:
        panel = _headcount(panel, headcount)

    funnel_df = pl.DataFrame(
        funnel, schema={"input": pl.String, "outcome": pl.String, "rows": pl.Int64}, orient="row"
    )
    return Panel(data=panel.sort("company_id", "period"), funnel=funnel_df, freq=freq)
