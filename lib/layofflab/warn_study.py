"""Which jobs? A firm's WARN notices by state and site, and the job families they list.

The study behind ``notebooks/03_warn_which_jobs.ipynb``. By default it reads the facts
shipped in ``data/raw``: Amazon's October–December 2025 WARN notices (one row per site,
the state portal cited per row) and the job-family counts of its two Washington notices
(the notices' job-title lists classified by ``resources/job_families.csv``). Pointed at
job-title files (``job_title_paths``) it classifies the titles itself.

Examples
--------
>>> from layofflab import config
>>> fam = read_family_counts(config.DATA_RAW / "warn_job_families_amazon_wa_2025.csv")
>>> fam.data.group_by("notice_date").agg(pl.col("employees_affected").sum()).sort("notice_date").rows()
[(datetime.date(2025, 10, 28), 2201), (datetime.date(2025, 12, 13), 84)]
>>> WarnStudyOptions(company_id="")
Traceback (most recent call last):
...
layofflab.errors.InvalidArgumentError: company_id='': expected a ticker such as 'AMZN'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from layofflab import config
from layofflab.cleaning import count_problem, date_problem, normalize_text, parse_count, parse_date
from layofflab.errors import InvalidArgumentError, LookupMissError
from layofflab.io import read_csv_text
from layofflab.lookups import load_table
from layofflab.sources import warn, warn_job_titles
from layofflab.sources._base import Cleaned, make_rejects

__all__ = ["WarnStudy", "WarnStudyOptions", "read_family_counts", "run_warn_study"]

_FAMILY_COLUMNS = ("state", "employer", "notice_date", "job_family", "employees", "source_url")


def read_family_counts(path: str | Path) -> Cleaned:
    """Read a job-family count table (state, employer, notice_date, job_family, employees, source_url).

    Family names must exist in ``resources/job_families.csv`` (else
    :class:`~layofflab.errors.LookupMissError`); unusable counts or dates are rejects.
    """
    path = Path(path)
    raw = read_csv_text(path, required=_FAMILY_COLUMNS).with_columns(
        source_file=pl.lit(path.name), source_row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    )
    reason = pl.coalesce(
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
    allowed = [*families["family"], warn_job_titles.UNCLASSIFIED]
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
    return Cleaned("job_families", data, rejects, {path.name: raw.height})


@dataclass(frozen=True)
class WarnStudyOptions:
    """Run options (the notebook's parameters).

    Attributes
    ----------
    company_id : str
        Ticker of the firm whose notices are shown.
    start, end : str
        Notice dates shown (ISO, inclusive).
    warn_paths : tuple of str
        WARN files (any layout the WARN reader knows); empty = ``data/raw/warn_amazon_2025.csv``.
    families_path : str
        Job-family counts; empty = ``data/raw/warn_job_families_amazon_wa_2025.csv``.
    job_title_paths : tuple of str
        Job-title lists (facility × title × count); when given they replace ``families_path``.
    """

    company_id: str = "AMZN"
    start: str = "2025-10-01"
    end: str = "2025-12-31"
    warn_paths: tuple[str, ...] = ()
    families_path: str = ""
    job_title_paths: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.company_id, str) or not self.company_id.strip():
            raise InvalidArgumentError(
                "company_id", self.company_id, expected="a ticker such as 'AMZN'"
            )
        for name in ("warn_paths", "job_title_paths"):
            if isinstance(getattr(self, name), str):
                raise InvalidArgumentError(name, getattr(self, name), expected="a tuple of paths")


@dataclass(frozen=True)
class WarnStudy:
    """Notices, totals and job-family shares for one firm."""

    options: WarnStudyOptions
    notices: Cleaned
    firm_notices: pl.DataFrame
    by_state: pl.DataFrame
    families: pl.DataFrame

    def engineer_share(self, *, decimals: int | None = None) -> pl.DataFrame:
        """Share of listed workers in engineering families, per notice and for all notices."""
        per = self.families.group_by("notice_date").agg(
            workers_listed=pl.col("employees").sum(),
            engineers=pl.col("employees").filter(pl.col("is_engineering")).sum(),
        )
        per = per.sort("notice_date").select(
            pl.col("notice_date").dt.to_string("%Y-%m-%d").alias("notice"),
            "workers_listed",
            "engineers",
        )
        total = per.select(
            pl.lit("all notices").alias("notice"),
            pl.col("workers_listed").sum(),
            pl.col("engineers").sum(),
        )
        out = pl.concat([per, total]).with_columns(
            engineer_share=pl.col("engineers") / pl.col("workers_listed")
        )
        return (
            out if decimals is None else out.with_columns(pl.col("engineer_share").round(decimals))
        )


def _paths(values: Sequence[str], default: str) -> list[Path]:
    return [Path(v) for v in values] if values else [config.DATA_RAW / default]


def run_warn_study(options: WarnStudyOptions = WarnStudyOptions()) -> WarnStudy:
    """Read the notices and job families and compute the tables the notebook shows."""
    notices = warn.read(_paths(options.warn_paths, "warn_amazon_2025.csv"))
    lo, hi = pl.lit(options.start).str.to_date(), pl.lit(options.end).str.to_date()
    firm = notices.data.filter(
        (pl.col("company_id") == options.company_id) & pl.col("notice_date").is_between(lo, hi)
    ).sort("state", "notice_date", "source_row")
    counted = firm.filter(pl.col("counted"))
    by_state = (
        counted.group_by("state")
        .agg(
            notices=pl.col("notice_id").n_unique(),
            sites=pl.len(),
            employees_affected=pl.col("employees_affected").sum(),
        )
        .sort(["employees_affected", "state"], descending=[True, False])
    )
    if options.job_title_paths:
        titles = warn_job_titles.read([Path(p) for p in options.job_title_paths]).data
    else:
        titles = read_family_counts(
            Path(options.families_path)
            if options.families_path
            else config.DATA_RAW / "warn_job_families_amazon_wa_2025.csv"
        ).data
    families = warn_job_titles.family_shares(titles, by=["notice_date"])
    return WarnStudy(options, notices, firm, by_state, families)
