"""Which jobs? A firm's WARN notices by state and site, and the job families they list.

The study behind ``notebooks/03_warn_which_jobs.ipynb``. By default it reads the facts
shipped in ``data/raw``: Amazon's October–December 2025 WARN notices (one row per site,
the state portal cited per row) and the job-family counts of its two Washington notices
(the notices' job-title lists classified by ``resources/job_families.csv``). Pointed at
job-title files (``job_title_paths``) it classifies the titles itself.

Examples
--------
>>> r = run_warn()
>>> r.families.group_by("notice_date").agg(pl.col("employees").sum()).sort("notice_date").rows()
[(datetime.date(2025, 10, 28), 2201), (datetime.date(2025, 12, 13), 84)]
>>> WarnOptions(company_id="")
Traceback (most recent call last):
...
layofflab.errors.InvalidArgumentError: company_id='': expected a ticker such as 'AMZN'
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from layofflab import tables
from layofflab.errors import InvalidArgumentError
from layofflab.sources._base import Cleaned
from layofflab.sources.warn import job_titles as warn_job_titles

__all__ = ["WarnOptions", "WarnResult", "run_warn"]


@dataclass(frozen=True)
class WarnOptions:
    """Run options (the notebook's parameters).

    Attributes
    ----------
    company_id : str
        Ticker of the firm whose notices are shown.
    start, end : str
        Notice dates shown (ISO, inclusive).
    warn_paths : tuple of str
        WARN files (any layout the WARN reader knows, or cleaned Parquet from
        ``layofflab clean warn``); empty = the processed ``warn`` table.
    families_path : str
        Job-family counts; empty = the processed ``job_families`` table.
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
class WarnResult:
    """Notices, totals and job-family shares for one firm."""

    options: WarnOptions
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


def run_warn(options: WarnOptions = WarnOptions()) -> WarnResult:
    """Read the notices and job families and compute the tables the notebook shows."""
    notices = tables.load("warn", paths=options.warn_paths)
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
        titles = tables.load("job_titles", paths=options.job_title_paths).data
    else:
        paths = [options.families_path] if options.families_path else []
        titles = tables.load("job_families", paths=paths).data
    families = warn_job_titles.family_shares(titles, by=["notice_date"])
    return WarnResult(options, notices, firm, by_state, families)
