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
from layofflab.checks import check_date, check_scalar, check_sequence
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
        check_date(self.start, "start")
        check_date(self.end, "end")
        check_scalar(self.families_path, "families_path", str)
        for name in ("warn_paths", "job_title_paths"):
            object.__setattr__(self, name, check_sequence(getattr(self, name), name))


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


def _listing(values: list, limit: int = 12) -> str:
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def _firm_notices(notices: pl.DataFrame, options: WarnOptions) -> pl.DataFrame:
    """The firm's notices dated within the window; an error naming what exists otherwise."""
    firms = sorted(notices["company_id"].drop_nulls().unique().to_list())
    if options.company_id not in firms:
        raise InvalidArgumentError(
            "company_id",
            options.company_id,
            expected=f"a firm with WARN notices in the data: {_listing(firms) or 'none'}",
        )
    own = notices.filter(pl.col("company_id") == options.company_id)
    lo, hi = pl.lit(options.start).str.to_date(), pl.lit(options.end).str.to_date()
    firm = own.filter(pl.col("notice_date").is_between(lo, hi))
    if firm.is_empty():
        dates = sorted(own["notice_date"].drop_nulls().unique().to_list())
        raise InvalidArgumentError(
            "start..end",
            f"{options.start}..{options.end}",
            expected=f"a window holding a notice of {options.company_id}, whose notices are "
            f"dated {_listing(dates)}",
        )
    return firm.sort("state", "notice_date", "source_row")


def run_warn(options: WarnOptions = WarnOptions()) -> WarnResult:
    """Read the notices and job families and compute the tables the notebook shows.

    Raises
    ------
    InvalidArgumentError
        When the firm has no notice in the data (the message lists the firms that do),
        none in the window (it lists the firm's notice dates), or the job-title lists
        given belong to none of its notices.
    """
    notices = tables.load("warn", paths=options.warn_paths)
    firm = _firm_notices(notices.data, options)
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
    # Job titles count only for the firm's own notices (matched on state and notice date).
    keys = firm.select("state", "notice_date").unique()
    own_titles = titles.join(keys, on=["state", "notice_date"], how="semi")
    given = options.job_title_paths or ([options.families_path] if options.families_path else [])
    if given and own_titles.is_empty() and not titles.is_empty():
        listed = titles.select("state", "notice_date").unique().sort("state", "notice_date")
        found = [f"{s} {d}" for s, d in listed.iter_rows()]
        raise InvalidArgumentError(
            "job_title_paths" if options.job_title_paths else "families_path",
            list(given),
            expected=f"job titles of a notice of {options.company_id} (state and date among "
            f"{_listing([f'{s} {d}' for s, d in keys.sort('state', 'notice_date').iter_rows()])}); "
            f"found notices {_listing(found)}",
        )
    families = warn_job_titles.family_shares(own_titles, by=["notice_date"])
    return WarnResult(options, notices, firm, by_state, families)
