"""Which jobs a WARN notice cuts: its job-title list by occupation group and seniority.

The which-jobs half of :mod:`layofflab.studies.warn`. A job-title list (``tables.load
("job_titles")``: notice × title × positions) is tied to the WARN notices (``tables.load
("warn")``) by notice id, or where the list's id is not a WARN id (a parse's own key) by state
and notice date when these name exactly one notice. Each notice is then described on its own —
never pooled — by :mod:`layofflab.roles`: positions by occupation group (all groups, or the top
N of M with the rest summed in one row that says how many groups it holds), by seniority, the
unclassified titles, the engineering share with and without scientists and engineering
managers, and the reconciliation of the title-level total with the notice's reported total
(:mod:`layofflab.studies.warn_reconcile`).

Examples
--------
>>> import datetime as dt
>>> warn = pl.DataFrame({"notice_id": ["WA:1"], "company_id": ["ACME"], "state": ["WA"],
...     "notice_date": [dt.date(2025, 1, 2)], "employees_affected": [12], "counted": [True]})
>>> titles = pl.DataFrame({"notice_id": ["n1", "n1"], "state": ["WA", "WA"],
...     "notice_date": [dt.date(2025, 1, 2)] * 2, "job_title": ["SDE II", "Recruiter"],
...     "employees_affected": [8, 2], "remote_without_title": [1, 1]})
>>> jobs = which_jobs(attach_notices(titles, warn), warn, company_id="ACME")
>>> jobs.reconciliation.select("positions_by_title", "reported_total", "gap").rows()
[(10, 12, -2)]
>>> jobs.engineering["share"].to_list()
[0.8]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from layofflab import roles
from layofflab.errors import InvalidArgumentError
from layofflab.studies.warn_reconcile import reconcile
from layofflab.studies.warn_tables import group_table, seniority_by_role

__all__ = [
    "NoticeJobs",
    "WhichJobs",
    "attach_notices",
    "which_jobs",
]

_KEY = ["state", "notice_date"]


def _listing(values: Sequence[object], limit: int = 12) -> str:
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def attach_notices(titles: pl.DataFrame, warn: pl.DataFrame) -> pl.DataFrame:
    """Tie each row of a job-title list to its WARN notice (``warn_notice_id``, ``company_id``).

    A row whose ``notice_id`` is a WARN notice id takes it; otherwise the row's state and notice
    date must name exactly one WARN notice. Rows matching none keep null ids (they belong to no
    firm's study); no row is dropped or added.

    Parameters
    ----------
    titles : polars.DataFrame
        ``notice_id``, ``state``, ``notice_date``, ``job_title``, ``employees_affected``.
    warn : polars.DataFrame
        WARN notices (``notice_id``, ``company_id``, ``state``, ``notice_date``).

    Returns
    -------
    polars.DataFrame
        ``titles`` with ``warn_notice_id`` and ``company_id`` added, in the same row order.

    Raises
    ------
    InvalidArgumentError
        A title list's state and date match notices of several WARN notices (ambiguous).

    Examples
    --------
    >>> import datetime as dt
    >>> warn = pl.DataFrame({"notice_id": ["WA:1", "WA:2"], "company_id": ["A", "B"],
    ...     "state": ["WA", "WA"], "notice_date": [dt.date(2025, 1, 2), dt.date(2025, 3, 4)]})
    >>> titles = pl.DataFrame({"notice_id": ["WA:1", "p2", "p9"], "state": ["WA"] * 3,
    ...     "notice_date": [dt.date(2025, 1, 2), dt.date(2025, 3, 4), dt.date(2025, 5, 6)]})
    >>> attach_notices(titles, warn).select("warn_notice_id", "company_id").rows()
    [('WA:1', 'A'), ('WA:2', 'B'), (None, None)]
    """
    ids = warn.select("notice_id", "company_id", *_KEY).unique(subset="notice_id")
    by_id = ids.select(pl.col("notice_id"), pl.col("company_id").alias("_by_id_firm"))
    keyed = ids.group_by(_KEY).agg(
        _by_key=pl.col("notice_id").first(),
        _by_key_firm=pl.col("company_id").first(),
        _n=pl.len(),
    )
    out = titles.with_row_index("_row").join(by_id, on="notice_id", how="left")
    out = out.join(keyed, on=_KEY, how="left", nulls_equal=True)
    by_key = pl.col("_by_id_firm").is_null() & pl.col("_by_key").is_not_null()
    ambiguous = out.filter(by_key & (pl.col("_n") > 1))
    if ambiguous.height:
        state, date = ambiguous.row(0, named=True)["state"], ambiguous["notice_date"][0]
        names = ids.filter((pl.col("state") == state) & (pl.col("notice_date") == date))
        raise InvalidArgumentError(
            "job titles",
            f"{state} {date}",
            expected="a title list whose notice id, or state and date, name one WARN notice "
            f"(it matches {_listing(sorted(names['notice_id'].to_list()))})",
        )
    return (
        out.with_columns(
            warn_notice_id=pl.when(pl.col("_by_id_firm").is_not_null())
            .then(pl.col("notice_id"))
            .otherwise(pl.col("_by_key")),
            company_id=pl.coalesce("_by_id_firm", "_by_key_firm"),
        )
        .sort("_row")
        .drop("_row", "_by_id_firm", "_by_key", "_by_key_firm", "_n")
    )


@dataclass(frozen=True)
class NoticeJobs:
    """The which-jobs tables of one notice (a view of :class:`WhichJobs`)."""

    notice_id: str
    groups: pl.DataFrame
    seniority: pl.DataFrame
    seniority_by_role: pl.DataFrame
    unclassified: pl.DataFrame
    engineering: pl.DataFrame
    reconciliation: pl.DataFrame

    @property
    def groups_caption(self) -> str:
        """'all M groups and unclassified' or 'top N of the M groups with positions; the other K summed'."""
        m = int(self.groups["groups_in_row"].sum())
        rest = self.groups.filter(pl.col("summed"))
        if rest.is_empty():
            u = int(roles.UNCLASSIFIED in self.groups["group"].to_list())
            return f"{self.notice_id}: positions by occupation group (all {m - u} groups" + (
                " and unclassified)" if u else ")"
            )
        k = int(rest["groups_in_row"].sum())
        return (
            f"{self.notice_id}: positions by occupation group (top {m - k} of the {m} groups "
            f"with positions; the other {k} summed in one row)"
        )


@dataclass(frozen=True)
class WhichJobs:
    """Per-notice tables (each keyed by ``notice_id``) of a firm's notices with title lists."""

    notice_ids: tuple[str, ...]
    titles: pl.DataFrame
    groups: pl.DataFrame
    seniority: pl.DataFrame
    seniority_by_role: pl.DataFrame
    unclassified: pl.DataFrame
    engineering: pl.DataFrame
    reconciliation: pl.DataFrame

    def of(self, notice_id: str) -> NoticeJobs:
        """The tables of one notice.

        Examples
        --------
        >>> import datetime as dt
        >>> warn = pl.DataFrame({"notice_id": ["N"], "company_id": ["A"], "state": ["WA"],
        ...     "notice_date": [dt.date(2025, 1, 2)], "employees_affected": [3], "counted": [True]})
        >>> t = pl.DataFrame({"notice_id": ["N"], "state": ["WA"], "notice_date": [dt.date(2025, 1, 2)],
        ...                   "job_title": ["SDE I"], "employees_affected": [3]})
        >>> which_jobs(attach_notices(t, warn), warn, company_id="A").of("N").engineering["share"].item()
        1.0
        """
        if notice_id not in self.notice_ids:
            raise InvalidArgumentError(
                "notice", notice_id, expected=f"one of {_listing(self.notice_ids)}"
            )

        def mine(df: pl.DataFrame) -> pl.DataFrame:
            return df.filter(pl.col("notice_id") == notice_id).drop("notice_id")

        return NoticeJobs(
            notice_id,
            mine(self.groups),
            mine(self.seniority),
            mine(self.seniority_by_role),
            mine(self.unclassified),
            mine(self.engineering),
            mine(self.reconciliation),
        )


def _refuse_firm(attached: pl.DataFrame, warn: pl.DataFrame, company_id: str) -> None:
    firms = sorted(attached["company_id"].drop_nulls().unique().to_list())
    if company_id in firms:
        return
    own = warn.filter(pl.col("company_id") == company_id)["notice_id"].n_unique()
    said = f"; {company_id} has {own} WARN notice{'s' if own != 1 else ''}, none with one"
    raise InvalidArgumentError(
        "company_id",
        company_id,
        expected=f"a firm with a WARN job-title list: {_listing(firms) or 'none'}"
        + (said if own else ""),
    )


def _chosen(
    attached: pl.DataFrame, company_id: str, notice: str, window: tuple[str, str] | None
) -> list[str]:
    own = attached.filter(pl.col("company_id") == company_id)
    listed = own.select("warn_notice_id", "notice_date").unique().sort("notice_date")
    ids = listed["warn_notice_id"].to_list()
    if notice:
        if notice not in ids:
            raise InvalidArgumentError(
                "notice",
                notice,
                expected=f"a notice of {company_id} with a job-title list: {_listing(ids)}",
            )
        return [notice]
    if window is not None:
        lo, hi = (pl.lit(d).str.to_date() for d in window)
        ids = listed.filter(pl.col("notice_date").is_between(lo, hi))["warn_notice_id"].to_list()
        if not ids:
            raise InvalidArgumentError(
                "start..end",
                "..".join(window),
                expected=f"a window holding a notice of {company_id} with a job-title list: "
                f"{_listing(listed['warn_notice_id'].to_list())}",
            )
    return ids


def which_jobs(
    attached: pl.DataFrame,
    warn: pl.DataFrame,
    *,
    company_id: str,
    notice: str = "",
    window: tuple[str, str] | None = None,
    top: int = 0,
) -> WhichJobs:
    """The which-jobs tables of a firm's notices with job-title lists, one notice at a time.

    Parameters
    ----------
    attached : polars.DataFrame
        Job-title lists tied to WARN notices by :func:`attach_notices`.
    warn : polars.DataFrame
        The WARN notices (for the firm's notices and their reported totals).
    company_id : str
        The firm.
    notice : str
        A WARN notice id; empty for every notice of the firm with a title list (in ``window``).
    window : (str, str), optional
        ISO dates: with ``notice`` empty, only the notices dated within it.
    top : int
        Groups shown per notice (0: all; see :func:`group_table`).

    Returns
    -------
    WhichJobs

    Raises
    ------
    InvalidArgumentError
        A firm without a title list (naming the firms with one), a notice without one (naming
        the firm's notices with one), or a window holding none of them.

    Examples
    --------
    >>> import datetime as dt
    >>> warn = pl.DataFrame({"notice_id": ["N"], "company_id": ["A"], "state": ["WA"],
    ...     "notice_date": [dt.date(2025, 1, 2)], "employees_affected": [3], "counted": [True]})
    >>> t = pl.DataFrame({"notice_id": ["N"], "state": ["WA"], "notice_date": [dt.date(2025, 1, 2)],
    ...                   "job_title": ["SDE I"], "employees_affected": [3]})
    >>> which_jobs(attach_notices(t, warn), warn, company_id="B")
    Traceback (most recent call last):
    ...
    layofflab.errors.InvalidArgumentError: company_id='B': expected a firm with a WARN job-title list: A
    """
    _refuse_firm(attached, warn, company_id)
    ids = _chosen(attached, company_id, notice, window)
    rows = (
        attached.filter(pl.col("warn_notice_id").is_in(ids))
        .drop("notice_id")
        .rename({"warn_notice_id": "notice_id"})
    )
    by = ["notice_id"]
    shares = roles.engineering_share(rows, by=by).with_columns(
        unclassified_share=pl.col("unclassified") / pl.col("positions")
    )
    seniority = roles.role_shares(rows, of="seniority", by=by).with_columns(
        pl.col("seniority").cast(pl.String), pl.col("titles").cast(pl.Int64)
    )
    return WhichJobs(
        seniority_by_role=seniority_by_role(rows),
        notice_ids=tuple(ids),
        titles=rows,
        groups=group_table(rows, by=by, top=top),
        seniority=seniority,
        unclassified=roles.unclassified_titles(rows, by=by),
        engineering=shares,
        reconciliation=reconcile(rows.rename({"notice_id": "warn_notice_id"}), warn),
    )
