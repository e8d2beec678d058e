"""Build a balanced company × period panel from cleaned sources.

Inputs are the ``data`` tables of the readers (tracker layoffs, AI-capex
announcements, SEC capex, WARN notices); every input row is either aggregated into
the panel or counted in :attr:`Panel.funnel` with the reason it was left out
(no company id, outside the window, company not in the panel).

Panel columns: company_id, period (first day of the quarter or month), year,
quarter, layoff_events, layoff_events_with_count, laid_off (0 when no event),
announcements, announced (bool), announcement_usd_bn; capex_usd and capex_yoy_growth
when capex is given; warn_notices, warn_employees when WARN notices are given.

Examples
--------
>>> import datetime as dt, polars as pl
>>> layoffs = pl.DataFrame({"company_id": ["A", "A", "B", None],
...                         "date": [dt.date(2024, 1, 5), dt.date(2024, 5, 1), dt.date(2024, 2, 2), dt.date(2024, 2, 2)],
...                         "laid_off": [100, None, 30, 5]})
>>> ann = pl.DataFrame({"company_id": ["A"], "announce_date": [dt.date(2024, 4, 30)], "amount_usd_bn": [50.0]})
>>> p = build_panel(layoffs=layoffs, announcements=ann, companies=["A", "B"],
...                 start="2024-01-01", end="2024-06-30")
>>> p.data.select("company_id", "period", "laid_off", "layoff_events", "announced").rows()
[('A', datetime.date(2024, 1, 1), 100, 1, False), ('A', datetime.date(2024, 4, 1), 0, 1, True), ('B', datetime.date(2024, 1, 1), 30, 1, False), ('B', datetime.date(2024, 4, 1), 0, 0, False)]
>>> p.funnel.filter(pl.col("rows") > 0).select("input", "outcome", "rows").rows()
[('layoffs', 'in panel', 3), ('layoffs', 'no company_id', 1), ('announcements', 'in panel', 1)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import polars as pl

from layofflab.checks import check_columns
from layofflab.errors import InvalidArgumentError

__all__ = ["Panel", "assign_rows", "build_panel"]

_EVERY = {"quarter": "1q", "month": "1mo"}


@dataclass(frozen=True)
class Panel:
    """A balanced panel and the accounting of every input row."""

    data: pl.DataFrame
    funnel: pl.DataFrame
    freq: str


def assign_rows(
    df: pl.DataFrame, *, name: str, date: str, every: str, ids: list[str], lo: dt.date, hi: dt.date
) -> tuple[pl.DataFrame, list[tuple[str, str, int]]]:
    """Keep rows that land in the panel; count the others by reason."""
    tagged = df.with_columns(
        period=pl.col(date).dt.truncate(every),
        _why=pl.when(pl.col("company_id").is_null())
        .then(pl.lit("no company_id"))
        .when(pl.col(date).is_null())
        .then(pl.lit("no date"))
        .when(~pl.col(date).is_between(lo, hi))
        .then(pl.lit("outside the window"))
        .when(~pl.col("company_id").is_in(ids))
        .then(pl.lit("company not in the panel"))
        .otherwise(pl.lit("in panel")),
    )
    counts = dict(tagged.group_by("_why").len().iter_rows())
    order = [
        "in panel",
        "no company_id",
        "no date",
        "outside the window",
        "company not in the panel",
    ]
    funnel = [(name, why, int(counts.get(why, 0))) for why in order]
    return tagged.filter(pl.col("_why") == "in panel").drop("_why"), funnel


def build_panel(
    *,
    layoffs: pl.DataFrame,
    announcements: pl.DataFrame | None = None,
    capex: pl.DataFrame | None = None,
    warn: pl.DataFrame | None = None,
    companies: Sequence[str] | None = None,
    start: str | dt.date,
    end: str | dt.date,
    freq: Literal["quarter", "month"] = "quarter",
) -> Panel:
    """Aggregate cleaned sources into a balanced company × period panel.

    Parameters
    ----------
    layoffs : polars.DataFrame
        Tracker ``data`` (company_id, date, laid_off).
    announcements : polars.DataFrame, optional
        Announcement ``data`` (company_id, announce_date, amount_usd_bn).
    capex : polars.DataFrame, optional
        SEC ``data`` (company_id, concept, calendar_year, calendar_quarter, value); the
        ``capex`` concept is used. Quarterly panels only.
    warn : polars.DataFrame, optional
        WARN ``data`` (company_id, notice_date, employees_affected; rows with
        ``counted == False`` — amendments already counted — are left out).
    companies : sequence of str, optional
        Panel companies; default: every company_id in ``announcements`` (or ``layoffs``).
    start, end : str or date
        Window (inclusive); periods are those overlapping it.
    freq : {"quarter", "month"}
        Period length.
    """
    if freq not in _EVERY:
        raise InvalidArgumentError("freq", freq, expected="'quarter' or 'month'")
    every = _EVERY[freq]
    lo = dt.date.fromisoformat(start) if isinstance(start, str) else start
    hi = dt.date.fromisoformat(end) if isinstance(end, str) else end
    if hi < lo:
        raise InvalidArgumentError("end", end, expected=f"a date on or after start={start}")
    check_columns(layoffs, ["company_id", "date", "laid_off"], name="layoffs")
    if companies is None:
        source = announcements if announcements is not None else layoffs
        companies = sorted(source["company_id"].drop_nulls().unique().to_list())
    ids = list(companies)
    if not ids:
        raise InvalidArgumentError("companies", companies, expected="at least one company_id")
    periods = pl.date_range(
        pl.lit(lo).dt.truncate(every), pl.lit(hi).dt.truncate(every), every, eager=True
    ).alias("period")
    grid = pl.DataFrame({"company_id": ids}).join(pl.DataFrame(periods), how="cross")
    funnel: list[tuple[str, str, int]] = []

    kept, f = assign_rows(layoffs, name="layoffs", date="date", every=every, ids=ids, lo=lo, hi=hi)
    funnel += f
    agg = kept.group_by("company_id", "period").agg(
        layoff_events=pl.len().cast(pl.Int64),
        layoff_events_with_count=pl.col("laid_off").is_not_null().sum().cast(pl.Int64),
        laid_off=pl.col("laid_off").sum().cast(pl.Int64),
    )
    panel = grid.join(agg, on=["company_id", "period"], how="left")

    if announcements is not None:
        check_columns(announcements, ["company_id", "announce_date"], name="announcements")
        ann = announcements
        if "amount_usd_bn" not in ann.columns:
            ann = ann.with_columns(amount_usd_bn=pl.lit(None, dtype=pl.Float64))
        kept, f = assign_rows(
            ann, name="announcements", date="announce_date", every=every, ids=ids, lo=lo, hi=hi
        )
        funnel += f
        agg = kept.group_by("company_id", "period").agg(
            announcements=pl.len().cast(pl.Int64),
            announcement_usd_bn=pl.col("amount_usd_bn").sum(),
        )
        panel = (
            panel.join(agg, on=["company_id", "period"], how="left")
            .with_columns(pl.col("announcements").fill_null(0))
            .with_columns(announced=pl.col("announcements") > 0)
        )

    if capex is not None:
        if freq != "quarter":
            raise InvalidArgumentError("freq", freq, expected="'quarter' when capex is given")
        check_columns(
            capex,
            ["company_id", "concept", "calendar_year", "calendar_quarter", "value"],
            name="capex",
        )
        cap = capex.filter(pl.col("concept") == "capex").with_columns(
            date=pl.date(
                pl.col("calendar_year"), (pl.col("calendar_quarter").cast(pl.Int32) - 1) * 3 + 1, 1
            )
        )
        kept, f = assign_rows(cap, name="capex", date="date", every=every, ids=ids, lo=lo, hi=hi)
        funnel += f
        agg = kept.group_by("company_id", "period").agg(capex_usd=pl.col("value").sum())
        panel = panel.join(agg, on=["company_id", "period"], how="left")

    if warn is not None:
        check_columns(warn, ["company_id", "notice_date", "employees_affected"], name="warn")
        notices = warn.filter(pl.col("counted")) if "counted" in warn.columns else warn
        if notices.height < warn.height:
            funnel.append(("warn", "amendment already counted", warn.height - notices.height))
        kept, f = assign_rows(
            notices, name="warn", date="notice_date", every=every, ids=ids, lo=lo, hi=hi
        )
        funnel += f
        agg = kept.group_by("company_id", "period").agg(
            warn_notices=pl.len().cast(pl.Int64),
            warn_employees=pl.col("employees_affected").sum().cast(pl.Int64),
        )
        panel = panel.join(agg, on=["company_id", "period"], how="left").with_columns(
            pl.col("warn_notices", "warn_employees").fill_null(0)
        )

    panel = panel.with_columns(
        pl.col("layoff_events", "layoff_events_with_count", "laid_off").fill_null(0),
        year=pl.col("period").dt.year(),
        quarter=pl.col("period").dt.quarter(),
    ).sort("company_id", "period")
    if "capex_usd" in panel.columns:
        lag = 4 if freq == "quarter" else 12
        panel = panel.with_columns(
            capex_yoy_growth=(pl.col("capex_usd") / pl.col("capex_usd").shift(lag) - 1).over(
                "company_id"
            )
        )
    first = ["company_id", "period", "year", "quarter"]
    panel = panel.select(*first, *[c for c in panel.columns if c not in first])
    funnel_df = pl.DataFrame(
        funnel, schema={"input": pl.String, "outcome": pl.String, "rows": pl.Int64}, orient="row"
    )
    return Panel(data=panel, funnel=funnel_df, freq=freq)
