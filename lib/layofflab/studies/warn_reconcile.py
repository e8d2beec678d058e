"""A WARN notice's title-level total against the total it reports, in numbers and in words.

:func:`reconcile` puts side by side, per notice, the positions its job-title list holds, the
remote employees the notice names without a title, and the notice's reported total (its
counted sites in the WARN table), with both gaps; :func:`reconciliation_sentence` says what
one row shows and nothing more.

Examples
--------
>>> warn = pl.DataFrame({"notice_id": ["n"], "employees_affected": [10], "counted": [True]})
>>> titles = pl.DataFrame({"warn_notice_id": ["n"], "employees_affected": [10]})
>>> reconciliation_sentence(reconcile(titles, warn).row(0, named=True))
'n: the title list (10 positions) equals the 10 reported.'
"""

from __future__ import annotations

import polars as pl

__all__ = ["reconcile", "reconciliation_sentence"]


def reconcile(titles: pl.DataFrame, warn: pl.DataFrame) -> pl.DataFrame:
    """Title-level total against the notice's reported total, one row per notice.

    Parameters
    ----------
    titles : polars.DataFrame
        A title list tied to its notices (``warn_notice_id``, ``employees_affected`` and, where
        the notice names remote employees without a title, ``remote_without_title``).
    warn : polars.DataFrame
        WARN notices (``notice_id``, ``employees_affected`` per site, ``counted``).

    Returns
    -------
    polars.DataFrame
        ``notice_id``, ``positions_by_title``, ``remote_without_title`` (null where not stated),
        ``titles_plus_remote``, ``reported_total`` (the counted sites of the WARN notice),
        ``gap`` (by title − reported) and ``gap_with_remote`` (titles + remote − reported).

    Examples
    --------
    >>> warn = pl.DataFrame({"notice_id": ["n", "n"], "employees_affected": [300, 5],
    ...                      "counted": [True, True]})
    >>> titles = pl.DataFrame({"warn_notice_id": ["n", "n"], "employees_affected": [250, 40],
    ...                        "remote_without_title": [10, 10]})
    >>> reconcile(titles, warn).drop("notice_id").rows()
    [(290, 10, 300, 305, -15, -5)]
    """
    if "remote_without_title" not in titles.columns:
        titles = titles.with_columns(remote_without_title=pl.lit(None, pl.Int64))
    listed = titles.group_by("warn_notice_id").agg(
        positions_by_title=pl.col("employees_affected").sum(),
        remote_without_title=pl.col("remote_without_title").max(),
    )
    reported = (
        warn.filter(pl.col("counted"))
        .group_by("notice_id")
        .agg(reported_total=pl.col("employees_affected").sum())
    )
    out = listed.rename({"warn_notice_id": "notice_id"}).join(reported, on="notice_id", how="left")
    return out.sort("notice_id").select(
        "notice_id",
        "positions_by_title",
        "remote_without_title",
        titles_plus_remote=pl.col("positions_by_title") + pl.col("remote_without_title"),
        reported_total="reported_total",
        gap=pl.col("positions_by_title") - pl.col("reported_total"),
        gap_with_remote=pl.col("positions_by_title")
        + pl.col("remote_without_title")
        - pl.col("reported_total"),
    )


def _signed(gap: int, total: int) -> str:
    if gap == 0:
        return f"equals the {total:,} reported"
    return f"is {abs(gap):,} {'below' if gap < 0 else 'above'} the {total:,} reported"


def reconciliation_sentence(row: dict[str, object]) -> str:
    """One sentence saying what a row of :func:`reconcile` shows, and no more.

    Examples
    --------
    >>> reconciliation_sentence({"notice_id": "n", "positions_by_title": 290,
    ...     "remote_without_title": 10, "titles_plus_remote": 300, "reported_total": 305,
    ...     "gap": -15, "gap_with_remote": -5})
    'n: the title list (290 positions) is 15 below the 305 reported; with the 10 remote employees the notice lists without a title (300) it is 5 below the 305 reported.'
    """
    n, total, gap = row["positions_by_title"], row["reported_total"], row["gap"]
    assert isinstance(n, int)
    head = f"{row['notice_id']}: the title list ({n:,} positions)"
    if not isinstance(total, int) or not isinstance(gap, int):
        return f"{head} has no reported total to compare with."
    text = f"{head} {_signed(gap, total)}"
    remote, both, gap2 = (
        row["remote_without_title"],
        row["titles_plus_remote"],
        row["gap_with_remote"],
    )
    if isinstance(remote, int) and isinstance(both, int) and isinstance(gap2, int) and remote:
        text += (
            f"; with the {remote:,} remote employees the notice lists without a title "
            f"({both:,}) it {_signed(gap2, total)}"
        )
    return text + "."
