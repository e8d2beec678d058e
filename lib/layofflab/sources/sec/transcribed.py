"""The transcribed quarterly table (``data/raw/sec_quarterly.csv``): writing and reading it.

The table holds the reader's discrete quarters as text, one row per company × concept ×
fiscal quarter, each citing its filing by ``accession``. :func:`read_transcribed` checks
every row and rejects malformed ones with a reason; a later row repeating a
company × concept × fiscal quarter is a duplicate of the first.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from layofflab.cleaning import date_problem, parse_date, parse_float
from layofflab.io import read_csv_text
from layofflab.schemas import DERIVATIONS
from layofflab.sources._base import Cleaned, make_rejects
from layofflab.sources.sec.calendar import calendar_quarter

__all__ = ["TRANSCRIBED_COLUMNS", "read_transcribed", "to_transcribed"]

TRANSCRIBED_COLUMNS: tuple[str, ...] = (
    "company_id",
    "cik",
    "concept",
    "xbrl_tag",
    "fiscal_year",
    "fiscal_period",
    "period_start",
    "period_end",
    "value_usd",
    "derived",
    "accession",
    "filed",
    "form",
    "first_filed",
)
_ACCESSION = r"^\d{10}-\d{2}-\d{6}$"
_TICKER = r"^[A-Z][A-Z0-9.\-]{0,9}$"


def to_transcribed(data: pl.DataFrame) -> pl.DataFrame:
    """Reader output → transcribed-table columns (whole dollars) and the ``source_url`` cited."""
    return data.select(
        "company_id",
        "cik",
        "concept",
        "xbrl_tag",
        "fiscal_year",
        "fiscal_period",
        "period_start",
        "period_end",
        value_usd=pl.col("value").round(0).cast(pl.Int64),
        derived="derived",
        accession="accession",
        filed="filed",
        form="form",
        first_filed="first_filed",
        source_url=pl.format("https://data.sec.gov/api/xbrl/companyfacts/CIK{}.json", "cik"),
    ).sort("company_id", "concept", "period_end")


def read_transcribed(path, *, today: dt.date | None) -> Cleaned:
    """Read a table in :data:`TRANSCRIBED_COLUMNS` format (extra columns are ignored)."""
    raw = read_csv_text(path, required=TRANSCRIBED_COLUMNS).with_columns(
        source_file=pl.lit(path.name), source_row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    )
    c = {name: pl.col(name).str.strip_chars() for name in TRANSCRIBED_COLUMNS}
    value = parse_float(c["value_usd"])
    checks = [
        (
            ~c["company_id"].str.contains(_TICKER).fill_null(False),
            pl.format("malformed company_id '{}'", "company_id"),
        ),
        (
            ~c["cik"].str.contains(r"^\d{1,10}$").fill_null(False),
            pl.format("malformed cik '{}'", "cik"),
        ),
        (c["concept"].is_null(), pl.lit("missing concept")),
        (
            c["fiscal_year"].cast(pl.Int32, strict=False).is_null(),
            pl.format("malformed fiscal_year '{}'", "fiscal_year"),
        ),
        (
            ~c["fiscal_period"].is_in(["Q1", "Q2", "Q3", "Q4"]).fill_null(False),
            pl.format("fiscal_period '{}' is not Q1-Q4", "fiscal_period"),
        ),
        (
            date_problem(c["period_end"], today=today, required=True).is_not_null(),
            pl.format("period_end: {}", date_problem(c["period_end"], today=today, required=True)),
        ),
        (
            date_problem(c["filed"], today=today, required=True).is_not_null(),
            pl.format("filed: {}", date_problem(c["filed"], today=today, required=True)),
        ),
        (value.is_null(), pl.format("non-numeric value_usd '{}'", "value_usd")),
        (
            ~c["derived"].is_in(list(DERIVATIONS)).fill_null(False),
            pl.format("unknown derived '{}'", "derived"),
        ),
        (
            ~c["accession"].str.contains(_ACCESSION).fill_null(False),
            pl.format("malformed accession '{}'", "accession"),
        ),
    ]
    reason = pl.when(checks[0][0]).then(checks[0][1])
    for cond, text in checks[1:]:
        reason = reason.when(cond).then(text)
    tagged = raw.with_columns(_reason=reason.otherwise(None))
    key = ["company_id", "concept", "fiscal_year", "fiscal_period"]
    tagged = tagged.with_columns(
        _first=pl.col("source_row").filter(pl.col("_reason").is_null()).min().over(key)
    )
    tagged = tagged.with_columns(
        _reason=pl.when(pl.col("_reason").is_null() & (pl.col("_first") != pl.col("source_row")))
        .then(pl.format("duplicate of source_row {}", "_first"))
        .otherwise(pl.col("_reason"))
    )
    ok = tagged.filter(pl.col("_reason").is_null())
    end = parse_date("period_end")
    data = (
        ok.with_columns(calendar_quarter(end).alias("_cal"))
        .unnest("_cal")
        .select(
            "company_id",
            cik=pl.col("cik").str.zfill(10),
            concept="concept",
            xbrl_tag="xbrl_tag",
            unit=pl.lit("USD"),
            fiscal_year=pl.col("fiscal_year").cast(pl.Int32),
            fiscal_period="fiscal_period",
            period_start=parse_date("period_start"),
            period_end=end,
            calendar_year="calendar_year",
            calendar_quarter="calendar_quarter",
            value=parse_float("value_usd"),
            derived="derived",
            accession="accession",
            filed=parse_date("filed"),
            first_filed=parse_date("first_filed"),
            form="form",
            source_file="source_file",
            source_row="source_row",
        )
    )
    bad = tagged.filter(pl.col("_reason").is_not_null())
    rejects = make_rejects(
        bad.drop("_first").rename({"_reason": "reason"}), reason=pl.col("reason")
    )
    return Cleaned("sec", data, rejects, {path.name: raw.height})
