"""Which jobs? A firm's WARN notices by state and site, and the jobs their title lists name.

The study behind ``notebooks/03_warn_which_jobs.ipynb``. By default it reads the facts
shipped in ``data/raw``: the firms' WARN notices (one row per site, the state portal cited per
row) and the job-title lists of Amazon's two 2025 Washington notices (titles as printed, with
their positions). The titles are classified by :mod:`layofflab.roles` and every notice is
described on its own (:mod:`layofflab.studies.warn_roles`): positions by occupation group and
seniority, the unclassified titles, the engineering share with and without scientists and
engineering managers, and the title-level total against the notice's reported total.

Examples
--------
>>> r = run_warn()
>>> r.jobs.notice_ids
('WA:2025-10-28:amazon', 'WA:2025-12-13:amazon')
>>> r.jobs.reconciliation.select("positions_by_title", "reported_total").rows()
[(2201, 2303), (84, 84)]
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
from layofflab.studies.warn_roles import WhichJobs, attach_notices, which_jobs

__all__ = ["WarnOptions", "WarnResult", "run_warn"]


@dataclass(frozen=True)
class WarnOptions:
    """Run options (the notebook's parameters).

    Attributes
    ----------
    company_id : str
        Ticker of the firm whose notices are shown; it needs a notice with a job-title list.
    notice : str
        WARN notice id of the title list shown (``'WA:2025-10-28:amazon'``); empty for every
        notice of the firm with a title list dated within ``start``–``end``, each shown separately.
    start, end : str
        Notice dates shown (ISO, inclusive).
    top_groups : int
        Occupation groups shown per notice: 0 for all of them, else the top N of the M groups
        with positions, the others summed in one row that says how many it holds.
    warn_paths : tuple of str
        WARN files (any layout the WARN reader knows, or cleaned Parquet from
        ``layofflab clean warn``); empty = the processed ``warn`` table.
    job_title_paths : tuple of str
        Job-title lists (notice × title × positions, any layout the job-title reader knows);
        empty = the processed ``job_titles`` table.

    Examples
    --------
    >>> WarnOptions(notice="WA:2025-12-13:amazon").top_groups
    0
    >>> WarnOptions(top_groups=-1)
    Traceback (most recent call last):
    ...
    layofflab.errors.InvalidArgumentError: top_groups=-1: expected an integer ≥ 0
    """

    company_id: str = "AMZN"
    notice: str = ""
    start: str = "2025-10-01"
    end: str = "2025-12-31"
    top_groups: int = 0
    warn_paths: tuple[str, ...] = ()
    job_title_paths: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.company_id, str) or not self.company_id.strip():
            raise InvalidArgumentError(
                "company_id", self.company_id, expected="a ticker such as 'AMZN'"
            )
        check_scalar(self.notice, "notice", str)
        check_date(self.start, "start")
        check_date(self.end, "end")
        check_scalar(self.top_groups, "top_groups", int, min_val=0)
        for name in ("warn_paths", "job_title_paths"):
            object.__setattr__(self, name, check_sequence(getattr(self, name), name))


@dataclass(frozen=True)
class WarnResult:
    """Notices, totals by state and the which-jobs tables of one firm.

    Attributes
    ----------
    options : WarnOptions
        The options of the run.
    notices : Cleaned
        Every WARN notice read (all firms), with its rejects.
    firm_notices : polars.DataFrame
        The firm's notices (one row per site) dated within the window.
    by_state : polars.DataFrame
        Notices, sites and workers per state (counted notices).
    jobs : WhichJobs
        Per notice with a job-title list: groups, seniority, unclassified titles, engineering
        shares and the reconciliation with the reported total.
    """

    options: WarnOptions
    notices: Cleaned
    firm_notices: pl.DataFrame
    by_state: pl.DataFrame
    jobs: WhichJobs

    def engineering_table(self, *, decimals: int | None = 4) -> pl.DataFrame:
        """The engineering shares per notice, with the unclassified share, for display.

        Examples
        --------
        >>> run_warn().engineering_table().select("notice_id", "positions", "share").rows()
        [('WA:2025-10-28:amazon', 2201, 0.368), ('WA:2025-12-13:amazon', 84, 0.2381)]
        """
        shares = [c for c in self.jobs.engineering.columns if "share" in c]
        out = self.jobs.engineering.select(
            "notice_id",
            "positions",
            "engineers",
            "engineering_managers",
            "scientists",
            "science_managers",
            "unclassified",
            *shares,
        )
        return out if decimals is None else out.with_columns(pl.col(shares).round(decimals))


def _listing(values: list[object], limit: int = 12) -> str:
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def _firm_notices(notices: pl.DataFrame, options: WarnOptions) -> pl.DataFrame:
    """The firm's notices dated within the window; an error naming what exists otherwise."""
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
    """Read the notices and job-title lists and compute the tables the notebook shows.

    Parameters
    ----------
    options : WarnOptions
        The firm, the notice (or all of the firm's notices with a title list), the window.

    Returns
    -------
    WarnResult

    Raises
    ------
    InvalidArgumentError
        When the firm has no notice with a job-title list (the message lists the firms that
        have one), ``notice`` is not one of the firm's notices with a title list (it lists
        them), or the window holds no notice of the firm (it lists the notice dates).

    Examples
    --------
    >>> run_warn(WarnOptions(notice="WA:2025-12-13:amazon")).jobs.notice_ids
    ('WA:2025-12-13:amazon',)
    >>> run_warn(WarnOptions(company_id="ZZZZ"))
    Traceback (most recent call last):
    ...
    layofflab.errors.InvalidArgumentError: company_id='ZZZZ': expected a firm with a WARN job-title list: AMZN
    """
    notices = tables.load("warn", paths=options.warn_paths)
    titles = tables.load("job_titles", paths=options.job_title_paths).data
    attached = attach_notices(titles, notices.data)
    window = None if options.notice else (options.start, options.end)
    jobs = which_jobs(
        attached,
        notices.data,
        company_id=options.company_id,
        notice=options.notice,
        window=window,
        top=options.top_groups,
    )
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
    return WarnResult(options, notices, firm, by_state, jobs)
