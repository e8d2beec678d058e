"""Job-family count tables of WARN notices: state, employer, notice date, family, workers.

Some notices' job-title lists are shipped already classified, as counts per job family
(``data/raw/warn_job_families_amazon_wa_2025.csv``: Amazon's two 2025 Washington notices,
classified by ``resources/job_families.csv``). Family names must exist in that table (else
:class:`~layofflab.errors.LookupMissError`); unusable counts or dates are rejects.

Examples
--------
>>> from layofflab import config
>>> fam = read(config.FIXTURES / "warn" / "job_families.csv")
>>> fam.data.select("job_family", "employees_affected", "is_engineering").rows()[:2]
[('Software engineering', 12, True), ('Product and program management', 3, False)]
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from layofflab.cleaning import count_problem, date_problem, normalize_text, parse_count, parse_date
from layofflab.errors import LookupMissError
from layofflab.io import read_csv_rows
from layofflab.lookups import load_table
from layofflab.schemas import JOB_FAMILIES
from layofflab.sources._base import Cleaned, make_rejects
from layofflab.sources.warn.job_titles import UNCLASSIFIED

__all__ = ["COLUMNS", "read"]

SOURCE = "job_families"
#: Output columns, in order (from :data:`layofflab.schemas.JOB_FAMILIES`).
COLUMNS: tuple[str, ...] = tuple(JOB_FAMILIES.columns)

_FAMILY_COLUMNS = ("state", "employer", "notice_date", "job_family", "employees", "source_url")


def _read_one(path: str | Path) -> Cleaned:
    """Read a job-family count table (state, employer, notice_date, job_family, employees, source_url).

    Family names must exist in ``resources/job_families.csv`` (else
    :class:`~layofflab.errors.LookupMissError`); unusable counts or dates are rejects.
    """
    path = Path(path)
    rows = read_csv_rows(path, required=_FAMILY_COLUMNS)
    raw = rows.frame.with_columns(
        source_file=pl.lit(path.name), source_row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    )
    reason = pl.coalesce(
        pl.lit(rows.problems),
        pl.when(~normalize_text("state").str.contains(r"^[A-Z]{2}$").fill_null(False)).then(
            pl.format("invalid state '{}'", pl.col("state").fill_null("(missing)"))
        ),
        pl.when(normalize_text("employer").is_null()).then(pl.lit("missing employer")),
        pl.when(normalize_text("job_family").is_null()).then(pl.lit("missing job_family")),
        date_problem("notice_date", required=True),
        count_problem("employees"),
        pl.when(parse_count("employees").is_null()).then(pl.lit("missing count")),
    )
    raw = raw.with_columns(_reason=reason)
    rejects = make_rejects(
        raw.filter(pl.col("_reason").is_not_null()).select(
            *_FAMILY_COLUMNS, "source_file", "source_row", reason="_reason"
        ),
        reason=pl.col("reason"),
    )
    good = raw.filter(pl.col("_reason").is_null())
    families = load_table("job_families.csv").unique("family", keep="first", maintain_order=True)
    data = good.select(
        state=normalize_text("state"),
        employer=normalize_text("employer"),
        notice_date=parse_date("notice_date"),
        job_family=normalize_text("job_family"),
        employees_affected=parse_count("employees"),
        source_url=normalize_text("source_url"),
        source_file="source_file",
        source_row="source_row",
    )
    allowed = [*families["family"], UNCLASSIFIED]
    unknown = data.filter(~pl.col("job_family").is_in(allowed))
    if unknown.height:
        raise LookupMissError(
            path.name, "job_family", unknown["job_family"][0], table="job_families.csv"
        )
    engineering = dict(
        zip(families["family"], families["engineering"].str.to_lowercase() == "true", strict=True)
    )
    data = data.with_columns(
        is_engineering=pl.col("job_family").replace_strict(
            engineering, default=False, return_dtype=pl.Boolean
        )
    )
    return Cleaned(SOURCE, data.select(COLUMNS), rejects, {path.name: raw.height})


def read(paths: str | Path | Sequence[str | Path]) -> Cleaned:
    """Read one or more job-family count tables; every row clean or rejected with a reason.

    The columns are state, employer, notice_date, job_family, employees, source_url.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    return Cleaned.concat([_read_one(p) for p in paths])
