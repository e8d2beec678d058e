"""Reader for the firm table ``data/raw/firms.csv``, and the resource the SEC reader derives from it.

One row per firm of the default panel: ticker (``company_id``), SEC CIK, registrant name,
the month its fiscal year ends, how it ends (52/53-week rules), and the EDGAR company page
that shows all of them (``source_url``).

**One declaration.** ``data/raw/firms.csv`` is the source of truth: cited facts live in
``data/raw``. The SEC reader needs CIK → ticker and fiscal-year-end month even in a wheel
installed outside the repository (which has no ``data/raw``), so
``resources/sec_companies.csv`` is *generated* from this table by
:func:`write_sec_companies` and marked so; a test fails when the two differ.

Every raw row ends in ``data`` or in ``rejects`` with a reason (malformed ticker, CIK,
month or URL, missing name, duplicate ticker or CIK).

Examples
--------
>>> from layofflab import config
>>> firms = read(config.DATA_RAW / "firms.csv")
>>> firms.data.filter(pl.col("company_id") == "MSFT").select("cik", "fiscal_year_end_month").row(0)
('0000789019', 6)
>>> sec_companies_text(firms).splitlines()[5]
'company_id,cik,fiscal_year_end_month,note'
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from layofflab import config
from layofflab.io import read_csv_text, write_text_atomic
from layofflab.schemas import FIRMS
from layofflab.sources._base import Cleaned, make_rejects

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

__all__ = ["COLUMNS", "default_firms", "read", "sec_companies_text", "write_sec_companies"]

SOURCE = "firms"
COLUMNS: tuple[str, ...] = tuple(FIRMS.columns)
_REQUIRED = ("company_id", "cik", "name", "fiscal_year_end_month", "fiscal_year_end", "source_url")
_TICKER = r"^[A-Z][A-Z0-9.\-]{0,9}$"
_URL = r"^https?://\S+\.\S+$"
_HEADER = (
    "# GENERATED from data/raw/firms.csv by layofflab.sources.firms.write_sec_companies();\n"
    "# do not edit. Fiscal calendars of SEC filers: companyfacts fy/fp describe the FILING,\n"
    "# so the fiscal year is computed from each period's end date and the month below\n"
    "# (52/53-week years end within days of the month end; ends are rounded to it).\n"
    "# A CIK not listed gets its ticker from company_aliases.csv, its year end from its 10-Ks.\n"
)


def _read_one(path: Path) -> Cleaned:
    raw = read_csv_text(path, required=_REQUIRED).with_columns(
        source_file=pl.lit(path.name), source_row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    )
    c = {name: pl.col(name).str.strip_chars() for name in _REQUIRED}
    month = c["fiscal_year_end_month"].cast(pl.Int8, strict=False)
    checks = [
        (
            ~c["company_id"].str.contains(_TICKER).fill_null(False),
            "malformed company_id '{}'",
            "company_id",
        ),
        (
            ~c["cik"].str.contains(r"^\d{10}$").fill_null(False),
            "malformed cik '{}' (10 digits)",
            "cik",
        ),
        (c["name"].is_null(), "missing name{}", None),
        (
            ~month.is_between(1, 12).fill_null(False),
            "fiscal_year_end_month '{}' is not 1-12",
            "fiscal_year_end_month",
        ),
        (c["fiscal_year_end"].is_null(), "missing fiscal_year_end{}", None),
        (
            ~c["source_url"].str.contains(_URL).fill_null(False),
            "source_url: not a URL '{}'",
            "source_url",
        ),
    ]
    reason: Then | ChainedThen = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
    for cond, text, col in checks:
        value = pl.col(col).fill_null("") if col else pl.lit("")
        reason = reason.when(cond).then(pl.format(text, value))
    tagged = raw.with_columns(_reason=reason.otherwise(None))
    for key in ("company_id", "cik"):
        first = pl.col("source_row").filter(pl.col("_reason").is_null()).min().over(c[key])
        tagged = tagged.with_columns(
            _reason=pl.when(pl.col("_reason").is_null() & (first != pl.col("source_row")))
            .then(pl.format(f"duplicate {key} of source_row {{}}", first))
            .otherwise(pl.col("_reason"))
        )
    ok = tagged.filter(pl.col("_reason").is_null())
    data = ok.select(
        company_id=c["company_id"],
        cik=c["cik"],
        name=c["name"],
        fiscal_year_end_month=month,
        fiscal_year_end=c["fiscal_year_end"],
        source_url=c["source_url"],
        source_file="source_file",
        source_row="source_row",
    )
    bad = tagged.filter(pl.col("_reason").is_not_null())
    values = [c for c in raw.columns if c not in ("source_file", "source_row")]
    rejects = make_rejects(bad, reason=pl.col("_reason"), values=values)
    return Cleaned(SOURCE, data, rejects, {path.name: raw.height})


def read(path_or_paths: str | Path | Sequence[str | Path]) -> Cleaned:
    """Read firm tables (``firms.csv`` format) into :data:`COLUMNS`.

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
    parts = [_read_one(p) for p in paths]
    return parts[0] if len(parts) == 1 else Cleaned.concat(parts)


def sec_companies_text(firms: Cleaned) -> str:
    """The text of ``resources/sec_companies.csv`` derived from the firm table."""
    table = firms.data.select(
        "company_id", "cik", "fiscal_year_end_month", note=pl.col("fiscal_year_end")
    )
    return _HEADER + table.write_csv()


def write_sec_companies(
    path: Path | None = None, out: Path = config.RESOURCES / "sec_companies.csv"
) -> Path:
    """Regenerate ``resources/sec_companies.csv`` from ``data/raw/firms.csv`` (atomically)."""
    path = config.DATA_RAW / "firms.csv" if path is None else path
    return write_text_atomic(sec_companies_text(read(path)), out)


def default_firms() -> tuple[str, ...]:
    """Tickers of the default panel's firms, in the firm table's order.

    Read from ``resources/sec_companies.csv``, which is generated from ``data/raw/firms.csv``
    (so a wheel installed outside the repository knows them too).

    Examples
    --------
    >>> default_firms()[:3]
    ('AMZN', 'MSFT', 'GOOGL')
    """
    from layofflab.lookups import load_table

    return tuple(load_table("sec_companies.csv")["company_id"].to_list())
