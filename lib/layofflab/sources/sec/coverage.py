"""Quarters the SEC reader could not give, and why: the gaps of a company × concept series.

A missing quarter is never filled in. :func:`find_gaps` lists every fiscal quarter between
the first one asked for (``since``, a calendar quarter) or the first one derived, and the
last one derived or on which a usable fact ends, that has no value, with the usable facts
that end on it:

* none — ``no usable fact ends on this quarter`` (the filings tagged it otherwise — a
  company-extension concept is never in companyfacts — or the file does not reach it);
* only longer year-to-date values — the shorter cumulative value needed to difference
  them is missing (NVIDIA FY2013-FY2021: 9-month values but no 10-K annual value, so
  ``Q4 = FY - 9M`` cannot be derived).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from layofflab.sources.sec.selection import classify, select

__all__ = ["GAP_COLUMNS", "find_gaps"]

#: Columns of the gaps table.
GAP_COLUMNS: tuple[str, ...] = (
    "company_id",
    "cik",
    "concept",
    "fiscal_year",
    "fiscal_period",
    "calendar_year",
    "calendar_quarter",
    "reason",
)


def _reason(concept_months: list[int], quarter: int, instant: bool) -> str:
    if instant:
        return "no balance reported at this fiscal quarter end"
    if not concept_months:
        if quarter == 4:
            return (
                "no usable fact ends on this quarter: no annual (10-K) value and no 3-month "
                "value, so Q4 = FY - 9M cannot be derived"
            )
        return "no usable fact ends on this quarter (no 3-month or year-to-date value)"
    have = ", ".join(f"{m}-month" for m in sorted(set(concept_months)))
    need = 3 * quarter - 3
    return (
        f"only {have} value(s) end on this quarter; the {need}-month cumulative value "
        "needed to difference them is missing"
    )


def find_gaps(
    facts: pl.DataFrame,
    table: pl.DataFrame,
    data: pl.DataFrame,
    *,
    since: tuple[int, int] | None = None,
    today: dt.date | None = None,
) -> pl.DataFrame:
    """Missing fiscal quarters of each company × concept in ``data`` with a reason.

    Parameters
    ----------
    facts, table : polars.DataFrame
        The flattened facts and the concept table the reader used.
    data : polars.DataFrame
        The reader's quarters (:data:`~layofflab.sources.sec.COLUMNS`).
    since : (year, quarter), optional
        First calendar quarter expected (default: each series' first quarter).
    today : datetime.date, optional
        As for the reader.

    Returns
    -------
    polars.DataFrame
        :data:`GAP_COLUMNS`, sorted.
    """
    usable = select(classify(facts, table, today).filter(pl.col("reason").is_null()))
    usable = usable.filter(pl.col("reason").is_null())
    ends = {
        (cik, concept, fy, fq): months
        for cik, concept, fy, fq, months in usable.group_by(
            "cik", "concept", "fiscal_year", "fiscal_quarter"
        )
        .agg(pl.col("months"))
        .iter_rows()
    }
    rows = []
    for (company, cik, concept), g in data.group_by(
        "company_id", "cik", "concept", maintain_order=True
    ):
        fidx = g["fiscal_year"].cast(pl.Int64) * 4 + g["fiscal_period"].str.slice(1).cast(pl.Int64)
        cidx = g["calendar_year"].cast(pl.Int64) * 4 + g["calendar_quarter"].cast(pl.Int64)
        shift = int((cidx - fidx)[0])  # calendar index = fiscal index + shift
        have = set(fidx.to_list())
        first = min(have) if since is None else since[0] * 4 + since[1] - shift
        # up to the last quarter derived, or on which a usable fact ends
        ended = [fy * 4 + fq for (k, c, fy, fq) in ends if (k, c) == (cik, concept)]
        last = max([*have, *ended])
        instant = bool(g["period_start"].is_null().all())
        for f in range(first, last + 1):
            if f in have:
                continue
            fy, fq = divmod(f - 1, 4)
            fq += 1
            months = [m for m in ends.get((cik, concept, fy, fq), []) if m > 0]
            cy, cq = divmod(f + shift - 1, 4)
            rows.append(
                (company, cik, concept, fy, f"Q{fq}", cy, cq + 1, _reason(months, fq, instant))
            )
    schema = {
        "company_id": pl.String,
        "cik": pl.String,
        "concept": pl.String,
        "fiscal_year": pl.Int32,
        "fiscal_period": pl.String,
        "calendar_year": pl.Int32,
        "calendar_quarter": pl.Int8,
        "reason": pl.String,
    }
    out = pl.DataFrame(rows, schema=schema, orient="row")
    return out.sort("company_id", "concept", "fiscal_year", "fiscal_period")
