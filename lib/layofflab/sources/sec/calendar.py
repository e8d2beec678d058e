"""Fiscal calendars of SEC filers: company ids, fiscal-year ends, fiscal and calendar quarters.

Periods are placed on the fiscal calendar by their dates, never by the filing's
``fy``/``fp`` (those describe the *filing*: a 2018 quarter appears with fy=2019 and again
with fy=2020 as a comparative). Each date is rounded to the nearest month end (52/53-week
years end a few days either side of it); the fiscal-year-end month of a CIK comes from
``resources/sec_companies.csv``, else from the commonest end month of its 10-K annual facts.

Examples
--------
>>> import datetime as dt
>>> d = pl.DataFrame({"end": [dt.date(2024, 9, 30), dt.date(2024, 12, 28), dt.date(2025, 2, 2)]})
>>> june = fiscal_quarter(pl.col("end"), pl.lit(6)).alias("fye_june")  # Microsoft
>>> jan = fiscal_quarter(pl.col("end"), pl.lit(1)).alias("fye_january")  # Dell, 52/53 weeks
>>> d.select(june, jan).to_dicts()[2]
{'fye_june': {'fiscal_year': 2025, 'fiscal_quarter': 3},
 'fye_january': {'fiscal_year': 2025, 'fiscal_quarter': 4}}
"""

from __future__ import annotations

from functools import cache

import polars as pl

from layofflab.lookups import load_table

__all__ = [
    "calendar_quarter",
    "companies",
    "company_of",
    "fiscal_quarter",
    "infer_fye",
    "iso",
    "month_index",
]


@cache
def companies() -> dict[str, tuple[str, int]]:
    """``{10-digit CIK: (company_id, fiscal-year-end month)}`` from ``sec_companies.csv``.

    Examples
    --------
    >>> companies()["0000789019"]
    ('MSFT', 6)
    """
    table = load_table("sec_companies.csv")
    return {
        cik: (cid, int(m))
        for cid, cik, m in table.select("company_id", "cik", "fiscal_year_end_month").iter_rows()
    }


@cache
def _alias_ids() -> dict[str, str]:
    from layofflab.sources.entities import (  # local: avoids an import cycle
        ALIASES_PATH,
        load_aliases,
    )

    if not ALIASES_PATH.is_file():  # no alias table: ids come from sec_companies.csv only
        return {}
    aliases = load_aliases()
    return dict(aliases.drop_nulls("cik").unique("cik").select("cik", "company_id").iter_rows())


def company_of(cik: str) -> str | None:
    """Ticker for a 10-digit CIK: ``sec_companies.csv``, else the alias table, else None.

    Examples
    --------
    >>> company_of("0001018724"), company_of("0000000000")
    ('AMZN', None)
    """
    if cik in companies():
        return companies()[cik][0]
    return _alias_ids().get(cik)


def iso(column: str) -> pl.Expr:
    """SEC dates are ISO ``YYYY-MM-DD``; anything else is null (and then a reject reason).

    Examples
    --------
    >>> import polars as pl
    >>> pl.DataFrame({"end": ["2024-09-30", "09/30/2024"]}).select(iso("end")).to_series().to_list()
    [datetime.date(2024, 9, 30), None]
    """
    return pl.col(column).str.to_date("%Y-%m-%d", strict=False)


def month_index(d: pl.Expr) -> pl.Expr:
    """Months since year 0 of the month end nearest to ``d`` (day < 15 → previous month).

    Examples
    --------
    >>> import datetime as dt
    >>> import polars as pl
    >>> d = pl.DataFrame({"d": [dt.date(2024, 9, 30), dt.date(2024, 10, 2)]})
    >>> d.select(month_index(pl.col("d"))).to_series().to_list()  # both: September 2024
    [24296, 24296]
    """
    rounded = pl.when(d.dt.day() >= 15).then(d).otherwise(d.dt.offset_by("-1mo"))
    return rounded.dt.year().cast(pl.Int64) * 12 + rounded.dt.month().cast(pl.Int64) - 1


def fiscal_quarter(end: pl.Expr, fye_month: pl.Expr) -> pl.Expr:
    """Struct (fiscal_year, fiscal_quarter) of a period ending on ``end``.

    Examples
    --------
    >>> import datetime as dt
    >>> import polars as pl
    >>> d = pl.DataFrame({"end": [dt.date(2024, 9, 30)]})
    >>> d.select(fiscal_quarter(pl.col("end"), pl.lit(6))).item()  # Microsoft: FY ends in June
    {'fiscal_year': 2025, 'fiscal_quarter': 1}
    """
    idx = month_index(end)
    month = idx % 12 + 1
    return pl.struct(
        fiscal_year=(idx // 12 + (month > fye_month).cast(pl.Int64)).cast(pl.Int32),
        fiscal_quarter=((month - fye_month - 1 + 12) % 12 // 3 + 1).cast(pl.Int8),
    )


def calendar_quarter(end: pl.Expr) -> pl.Expr:
    """Struct (calendar_year, calendar_quarter) of the month end nearest to ``end``.

    Examples
    --------
    >>> import datetime as dt
    >>> import polars as pl
    >>> d = pl.DataFrame({"end": [dt.date(2024, 12, 28)]})  # a 52/53-week quarter end
    >>> d.select(calendar_quarter(pl.col("end"))).item()
    {'calendar_year': 2024, 'calendar_quarter': 4}
    """
    idx = month_index(end)
    return pl.struct(
        calendar_year=(idx // 12).cast(pl.Int32),
        calendar_quarter=((idx % 12) // 3 + 1).cast(pl.Int8),
    )


def infer_fye(facts: pl.DataFrame) -> pl.DataFrame:
    """Fiscal-year-end month per CIK: the table, else the commonest end month of 10-K FY facts.

    Examples
    --------
    >>> import polars as pl
    >>> facts = pl.DataFrame({"cik": ["0000000001"], "fp": ["FY"], "form": ["10-K"],
    ...                       "start": ["2023-10-01"], "end": ["2024-09-28"]})
    >>> fye = infer_fye(facts)
    >>> fye.filter(pl.col("cik").is_in(["0000000001", "0000789019"])).sort("cik").rows()
    [('0000000001', 9), ('0000789019', 6)]
    """
    known = pl.DataFrame(
        [(cik, m) for cik, (_, m) in companies().items()],
        schema={"cik": pl.String, "fye": pl.Int64},
        orient="row",
    )
    start, end = iso("start"), iso("end")
    annual = facts.filter(
        (pl.col("fp") == "FY")
        & pl.col("form").str.starts_with("10-K")
        & ((end - start).dt.total_days().is_between(350, 380))
    ).select("cik", fye=(month_index(end) % 12 + 1))
    inferred = annual.group_by("cik").agg(pl.col("fye").mode().min())
    inferred = inferred.filter(~pl.col("cik").is_in(known["cik"].implode()))
    return pl.concat([known, inferred], how="vertical_relaxed")
