"""Discrete fiscal quarters from year-to-date facts: the heart of :func:`layofflab.sources.sec.read`.

10-Q cash-flow values are **year-to-date** (3, 6, 9 months; the 10-K gives 12). Per
company × concept × fiscal year, quarter 1 is the 3-month value, quarters 2-4 a reported
3-month value or the difference of two cumulative values (``derived`` says which:
``YTD difference``, ``FY minus 9M``, ``YTD minus quarters``). Balances (instants) are
taken at each fiscal quarter end. A quarter without the values to derive it is absent,
never invented; the year-to-date facts left over are rejects with the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from layofflab.schemas import SEC
from layofflab.sources._base import make_rejects
from layofflab.sources.sec.calendar import calendar_quarter
from layofflab.sources.sec.selection import classify, select

__all__ = ["COLUMNS", "filing_url", "quarters"]

COLUMNS: tuple[str, ...] = tuple(SEC.columns)
_RAW = (
    "cik",
    "entity_name",
    "taxonomy",
    "xbrl_tag",
    "unit",
    "start",
    "end",
    "val",
    "accn",
    "fy",
    "fp",
    "form",
    "filed",
    "frame",
)


def filing_url(cik: pl.Expr, accession: pl.Expr) -> pl.Expr:
    """The EDGAR folder of a filing: ``https://www.sec.gov/Archives/edgar/data/<cik>/<accn>/``.

    Examples
    --------
    >>> pl.select(filing_url(pl.lit("0000320193"), pl.lit("0000320193-25-000079"))).item()
    'https://www.sec.gov/Archives/edgar/data/320193/000032019325000079/'
    """
    return pl.format(
        "https://www.sec.gov/Archives/edgar/data/{}/{}/",
        cik.str.strip_chars_start("0"),
        accession.str.replace_all("-", ""),
    )


def _derive_group(
    facts: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """Quarters of one company × concept × fiscal year; reasons for facts not used as a source."""
    out: list[dict[str, Any]] = []
    if all(f["months"] == 0 for f in facts):
        for f in facts:
            out.append({**f, "derived": "instant at period end", "period_start": None})
        return out, {}
    q3 = {f["fiscal_quarter"]: f for f in facts if f["months"] == 3}
    ytd = {f["months"] // 3: f for f in facts if f["months"] > 3}
    ytd.update({1: q3[1]} if 1 in q3 else {})
    used: set[int] = set()
    quarter: dict[int, dict[str, Any]] = {}

    def cumulative(k: int) -> dict[str, Any] | None:
        if k in ytd:
            return {**ytd[k], "direct": True}
        if all(i in quarter for i in range(1, k + 1)):
            parts = [quarter[i] for i in range(1, k + 1)]
            return {
                "value": sum(p["value"] for p in parts),
                "end_d": parts[-1]["end_d"],
                "first_filed": max(p["first_filed"] for p in parts),
                "direct": False,
            }
        return None

    for q in range(1, 5):
        if q in q3:
            quarter[q] = {**q3[q], "derived": "reported quarter", "period_start": q3[q]["start_d"]}
        elif q >= 2 and q in ytd and (prev := cumulative(q - 1)) is not None:
            label = (
                ("FY minus 9M" if q == 4 else "YTD difference")
                if prev["direct"]
                else "YTD minus quarters"
            )
            if prev["direct"]:
                used.add(prev["source_row_key"])
            quarter[q] = {
                **ytd[q],
                "value": ytd[q]["value"] - prev["value"],
                "derived": label,
                "period_start": prev["end_d"] + dt.timedelta(days=1),
                "first_filed": max(ytd[q]["first_filed"], prev["first_filed"]),
            }
        out.extend([quarter[q]] if q in quarter else [])
    sources = {r["source_row_key"] for r in out}
    reasons = {}
    for k, f in ytd.items():
        if f["source_row_key"] in sources:
            continue
        what = f"year-to-date total ({f['months']} months)"
        if f["source_row_key"] in used:
            reasons[f["source_row_key"]] = f"{what}: input to a derived quarter"
        elif k in q3:
            reasons[f["source_row_key"]] = f"{what}: quarter reported directly"
        else:
            reasons[f["source_row_key"]] = f"{what}: no earlier cumulative value to difference"
    return out, reasons


def quarters(
    facts: pl.DataFrame, table: pl.DataFrame, *, today: dt.date | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """All facts → (data with :data:`COLUMNS`, rejects); every fact lands in exactly one."""
    f = classify(facts, table, today).with_columns(
        source_row_key=pl.int_range(pl.len(), dtype=pl.Int64)
    )
    bad = f.filter(pl.col("reason").is_not_null())
    picked = select(f.filter(pl.col("reason").is_null()))
    keep = [
        "source_row_key",
        "company_id",
        "cik",
        "concept",
        "xbrl_tag",
        "unit",
        "fiscal_year",
        "fiscal_quarter",
        "months",
        "start_d",
        "end_d",
        "value",
        "accn",
        "filed_d",
        "first_filed",
        "form",
        "definition",
        "source_file",
        "source_row",
    ]
    chosen = picked.filter(pl.col("reason").is_null()).select(keep)
    rows, reasons = [], {}
    for _, group in chosen.sort("end_d", "months").group_by(
        ["cik", "concept", "fiscal_year", pl.col("months") == 0], maintain_order=True
    ):
        got, why = _derive_group(group.to_dicts())
        rows.extend(got)
        reasons.update(why)
    schema = {c: chosen.schema[c] for c in keep} | {"derived": pl.String, "period_start": pl.Date}
    derived = pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
    cal = calendar_quarter(pl.col("end_d"))
    data = (
        derived.with_columns(cal.alias("_cal"))
        .unnest("_cal")
        .select(
            "company_id",
            "cik",
            "concept",
            "xbrl_tag",
            "unit",
            "fiscal_year",
            fiscal_period=pl.format("Q{}", "fiscal_quarter"),
            period_start="period_start",
            period_end="end_d",
            calendar_year="calendar_year",
            calendar_quarter="calendar_quarter",
            value=pl.col("value").cast(pl.Float64),
            derived="derived",
            accession="accn",
            filed="filed_d",
            first_filed="first_filed",
            form="form",
            source_kind=pl.lit("sec_xbrl"),
            definition="definition",
            source_url=filing_url(pl.col("cik"), pl.col("accn")),
            source_file="source_file",
            source_row="source_row",
        )
        .sort("company_id", "cik", "concept", "period_end", nulls_last=True)
    )
    unused = pl.DataFrame(
        {"source_row_key": list(reasons), "reason": list(reasons.values())},
        schema={"source_row_key": pl.Int64, "reason": pl.String},
    )
    rejected = pl.concat(
        [
            bad.select("source_row_key", "reason"),
            picked.filter(pl.col("reason").is_not_null()).select("source_row_key", "reason"),
            unused.select("source_row_key", "reason"),
        ]
    )
    raw = (
        f.select("source_row_key", "source_file", "source_row", *_RAW)
        .join(rejected, on="source_row_key", how="inner")
        .sort("source_file", "source_row")
    )
    return data, make_rejects(raw.drop("source_row_key"), reason=pl.col("reason"))
