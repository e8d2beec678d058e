"""Reader for the annual headcount table ``data/raw/headcount_annual.csv``.

One row per firm × fiscal year × source: the year-end employee count a firm states in its
10-K (``source_kind`` ``sec_10k``, with the filing's accession where known) or, where no
10-K sentence was found, a count published in a news page (``press``). Where sources
disagree both rows are kept and ``primary`` chooses one (the 10-K over the press): each
firm × fiscal year has exactly one primary row. ``basis`` says what is counted
(:data:`~layofflab.schemas.HEADCOUNT_BASES`: full-time, full-time equivalent, full- and
part-time, …); align years on ``period_end``, not on the label (fiscal years differ).

Every raw row ends in ``data`` or in ``rejects`` with a reason: malformed ticker, CIK,
year, date, count, accession or URL; unknown basis or source kind; a 10-K row without
form 10-K; a second primary row for a firm-year; a row for a firm-year without a primary
row; an exact repeat of an earlier row.

Examples
--------
>>> from layofflab import config
>>> hc = read(config.DATA_RAW / "headcount_annual.csv")
>>> hc.check_conservation()
>>> hc.data.filter(company_id="AAPL", fiscal_year=2015).select(
...     "employees", "source_kind", "primary").rows()
[(110000, 'sec_10k', True), (116000, 'press', False)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from layofflab.cleaning import date_problem, parse_date
from layofflab.io import read_csv_text
from layofflab.schemas import HEADCOUNT, HEADCOUNT_BASES, HEADCOUNT_SOURCE_KINDS
from layofflab.sources._base import Cleaned, make_rejects

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

__all__ = ["COLUMNS", "REQUIRED", "read"]

SOURCE = "headcount"
COLUMNS: tuple[str, ...] = tuple(HEADCOUNT.columns)
#: Columns of ``headcount_annual.csv`` (``note`` is free text, kept in the file only).
REQUIRED: tuple[str, ...] = (
    "company_id",
    "cik",
    "fiscal_year",
    "period_end",
    "employees",
    "approximate",
    "basis",
    "form",
    "filed",
    "accession",
    "document_url",
    "source_kind",
    "primary",
)
_TICKER = r"^[A-Z][A-Z0-9.\-]{0,9}$"
_ACCESSION = r"^\d{10}-\d{2}-\d{6}$"
_URL = r"^https?://\S+\.\S+$"


def _reasons(today: dt.date | None) -> pl.Expr:
    c = {name: pl.col(name).str.strip_chars() for name in REQUIRED}
    end_problem = date_problem(c["period_end"], today=today, required=True)
    filed_problem = date_problem(c["filed"], today=today, required=False)
    # (condition, reason template, the column or expression whose value fills it)
    checks: list[tuple[pl.Expr, str, str | pl.Expr]] = [
        (
            ~c["company_id"].str.contains(_TICKER).fill_null(False),
            "malformed company_id '{}'",
            "company_id",
        ),
        (~c["cik"].str.contains(r"^\d{1,10}$").fill_null(False), "malformed cik '{}'", "cik"),
        (
            ~c["fiscal_year"].str.contains(r"^\d{4}$").fill_null(False),
            "malformed fiscal_year '{}'",
            "fiscal_year",
        ),
        (end_problem.is_not_null(), "period_end: {}", end_problem),
        (
            ~c["employees"].str.contains(r"^[1-9]\d*$").fill_null(False),
            "employees '{}' is not a positive whole number",
            "employees",
        ),
        (
            ~c["approximate"].is_in(["yes", "no"]).fill_null(True),
            "approximate '{}' is not yes, no or blank",
            "approximate",
        ),
        (
            ~c["basis"].is_in(list(HEADCOUNT_BASES)).fill_null(False),
            "unknown basis '{}' (see HEADCOUNT_BASES)",
            "basis",
        ),
        (
            ~c["source_kind"].is_in(list(HEADCOUNT_SOURCE_KINDS)).fill_null(False),
            "unknown source_kind '{}' (expected sec_10k or press)",
            "source_kind",
        ),
        (
            (c["source_kind"] == "sec_10k") & (c["form"] != "10-K").fill_null(True),
            "sec_10k row with form '{}' (expected 10-K)",
            "form",
        ),
        (filed_problem.is_not_null(), "filed: {}", filed_problem),
        (
            c["accession"].is_not_null()
            & ~c["accession"].str.contains(_ACCESSION).fill_null(False),
            "malformed accession '{}'",
            "accession",
        ),
        (
            ~c["document_url"].str.contains(_URL).fill_null(False),
            "document_url: not a URL '{}'",
            "document_url",
        ),
        (
            ~c["primary"].is_in(["yes", "no"]).fill_null(False),
            "primary '{}' is not yes or no",
            "primary",
        ),
    ]
    reason: Then | ChainedThen = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
    for cond, text, value in checks:
        shown = pl.col(value).fill_null("") if isinstance(value, str) else value
        reason = reason.when(cond).then(pl.format(text, shown))
    return reason.otherwise(None)


def _first_ok(key: Sequence[str | pl.Expr], where: pl.Expr | None = None) -> pl.Expr:
    ok = pl.col("_reason").is_null() if where is None else pl.col("_reason").is_null() & where
    return pl.col("source_row").filter(ok).min().over(key)


def _read_one(path: Path, today: dt.date | None) -> Cleaned:
    raw = read_csv_text(path, required=REQUIRED).with_columns(
        source_file=pl.lit(path.name), source_row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    )
    tagged = raw.with_columns(_reason=_reasons(today))
    firm_year = [pl.col("company_id").str.strip_chars(), pl.col("fiscal_year").str.strip_chars()]
    same = [*firm_year, pl.col("source_kind"), pl.col("employees")]
    steps = [
        (_first_ok(same), "duplicate of source_row {}"),
        (
            _first_ok(firm_year, pl.col("primary") == "yes"),
            "second primary row for the firm-year: source_row {} is primary",
        ),
    ]
    for first, text in steps:
        is_later = pl.col("_reason").is_null() & (first != pl.col("source_row"))
        if "primary" in text:
            is_later = is_later & (pl.col("primary") == "yes")
        tagged = tagged.with_columns(
            _reason=pl.when(is_later).then(pl.format(text, first)).otherwise(pl.col("_reason"))
        )
    has_primary = (pl.col("_reason").is_null() & (pl.col("primary") == "yes")).any().over(firm_year)
    tagged = tagged.with_columns(
        _reason=pl.when(pl.col("_reason").is_null() & ~has_primary)
        .then(pl.format("no primary row for {} FY{}", *firm_year))
        .otherwise(pl.col("_reason"))
    )
    ok = tagged.filter(pl.col("_reason").is_null())
    c = {name: pl.col(name).str.strip_chars() for name in REQUIRED}
    data = ok.select(
        company_id=c["company_id"],
        cik=c["cik"].str.zfill(10),
        fiscal_year=c["fiscal_year"].cast(pl.Int32),
        period_end=parse_date(c["period_end"]),
        employees=c["employees"].cast(pl.Int64),
        approximate=c["approximate"].replace_strict(
            {"yes": True, "no": False}, default=None, return_dtype=pl.Boolean
        ),
        basis=c["basis"],
        form=c["form"],
        filed=parse_date(c["filed"]),
        accession=c["accession"],
        document_url=c["document_url"],
        source_kind=c["source_kind"],
        primary=c["primary"] == "yes",
        source_file="source_file",
        source_row="source_row",
    )
    bad = tagged.filter(pl.col("_reason").is_not_null())
    values = [col for col in raw.columns if col not in ("source_file", "source_row")]
    rejects = make_rejects(bad, reason=pl.col("_reason"), values=values)
    return Cleaned(SOURCE, data, rejects, {path.name: raw.height})


def read(
    path_or_paths: str | Path | Sequence[str | Path], *, today: dt.date | None = None
) -> Cleaned:
    """Read headcount tables (``headcount_annual.csv`` format) into :data:`COLUMNS`.

    Parameters
    ----------
    path_or_paths : path or sequence of paths
        CSV files with the :data:`REQUIRED` columns.
    today : datetime.date, optional
        Reference date for implausible (future) dates.

    Raises
    ------
    InputFileError
        Missing, unreadable or header-less files, and missing required columns.
    """
    paths = (
        [Path(path_or_paths)]
        if isinstance(path_or_paths, (str, Path))
        else [Path(p) for p in path_or_paths]
    )
    parts = [_read_one(p, today) for p in paths]
    return parts[0] if len(parts) == 1 else Cleaned.concat(parts)
