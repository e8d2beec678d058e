"""Positions by occupation group or seniority, engineering shares, unclassified titles.

Each function takes a frame with a title column and a count column (positions per row, e.g. a
WARN job-title list with ``job_title`` and ``employees_affected``), classifies the titles with
:func:`layofflab.roles.classify_titles`, and sums the counts within each combination of ``by``
(e.g. ``("notice_id",)``). Shares are of all positions in the ``by`` cell, unclassified ones
included, so they add up to 1.

Examples
--------
>>> df = pl.DataFrame({"job_title": ["SDE II", "Sr Manager, Software Dev", "Applied Scientist II",
...                                  "Recruiter", "Wizard"], "employees_affected": [5, 1, 2, 1, 1]})
>>> role_shares(df).filter(pl.col("positions") > 0).rows()
[('software engineering', 6, 2, 0.6),
 ('data and applied science', 2, 1, 0.2),
 ('recruiting and HR', 1, 1, 0.1),
 ('unclassified', 1, 1, 0.1)]
>>> engineering_share(df).select("positions", "share", "share_with_managers",
...                              "share_with_scientists_and_managers").rows()
[(10, 0.5, 0.6, 0.8)]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, get_args

import polars as pl

from layofflab.checks import check_choice, check_columns, check_sequence
from layofflab.errors import InvalidArgumentError
from layofflab.roles.classify import classify_titles
from layofflab.roles.rules import RoleTables, load_tables

__all__ = ["engineering_share", "role_shares", "unclassified_titles"]

ShareOf = Literal["group", "seniority"]


def _classified(
    df: pl.DataFrame, *, by: Sequence[str], title: str, count: str, tables: RoleTables | None
) -> pl.DataFrame:
    """``by``, title, count and the classification of the title, one row per row of ``df``."""
    by = list(check_sequence(by, "by"))
    check_columns(df, [*by, title, count], name="df")
    if not df.schema[count].is_integer():
        raise InvalidArgumentError(
            "count", count, expected=f"an integer column (is {df.schema[count]})"
        )
    bad = df.filter(pl.col(count).is_null() | (pl.col(count) < 0))
    if bad.height:
        raise InvalidArgumentError(
            "count",
            count,
            expected=f"no missing or negative counts (title {bad[title][0]!r}: {bad[count][0]})",
        )
    labels = classify_titles(df[title], tables=tables).select("group", "seniority", "unclassified")
    out = df.select(*by, pl.col(title).alias("_title"), pl.col(count).cast(pl.Int64).alias("_n"))
    return pl.concat([out, labels], how="horizontal")


def role_shares(
    df: pl.DataFrame,
    *,
    of: ShareOf = "group",
    by: Sequence[str] = (),
    title: str = "job_title",
    count: str = "employees_affected",
    tables: RoleTables | None = None,
) -> pl.DataFrame:
    """Positions, distinct titles and share of positions by group (or seniority) in each ``by`` cell.

    Every group (13 and ``'unclassified'``) or every seniority value is shown, in its table's
    order, with 0 positions where none fall in it.

    Parameters
    ----------
    df : polars.DataFrame
        One row per title (and facility, notice…) with a count of positions.
    of : {"group", "seniority"}
        What to break the positions down by.
    by : sequence of str
        Columns of ``df`` within which shares are taken (e.g. ``("notice_id",)``).
    title, count : str
        The title column and the (integer, non-missing, non-negative) count column.
    tables : RoleTables, optional
        Rule tables (default: the shipped ones).

    Returns
    -------
    polars.DataFrame
        ``*by``, ``of``, ``positions`` (Int64), ``titles`` (distinct titles, UInt32), ``share``
        (of the cell's positions; null in a cell of 0 positions).

    Examples
    --------
    >>> df = pl.DataFrame({"notice": ["a", "a", "b"], "job_title": ["SDE I", "Sr. SDE", "SDE I"],
    ...                    "employees_affected": [3, 1, 2]})
    >>> role_shares(df, of="seniority", by=["notice"]).filter(pl.col("positions") > 0).rows()
    [('a', 'level I', 3, 1, 0.75), ('a', 'senior', 1, 1, 0.25), ('b', 'level I', 2, 1, 1.0)]
    """
    check_choice(of, "of", get_args(ShareOf))
    t = tables or load_tables()
    c = _classified(df, by=by, title=title, count=count, tables=t)
    by = list(by)
    levels = t.group_labels if of == "group" else t.seniority
    sums = c.group_by([*by, of]).agg(
        positions=pl.col("_n").sum(), titles=pl.col("_title").n_unique()
    )
    vocabulary = pl.DataFrame({of: pl.Series(levels, dtype=pl.Enum(levels))})
    grid = c.select(by).unique().join(vocabulary, how="cross") if by else vocabulary
    total = pl.col("positions").sum().over(by) if by else pl.col("positions").sum()
    return (
        grid.join(sums, on=[*by, of], how="left", nulls_equal=True)
        .with_columns(pl.col("positions").fill_null(0), pl.col("titles").fill_null(0))
        .with_columns(share=pl.when(total > 0).then(pl.col("positions") / total))
        .sort([*by, of], nulls_last=True)
    )


def engineering_share(
    df: pl.DataFrame,
    *,
    by: Sequence[str] = (),
    title: str = "job_title",
    count: str = "employees_affected",
    tables: RoleTables | None = None,
) -> pl.DataFrame:
    """Share of positions that are engineers, with and without scientists and engineering managers.

    Engineers are the groups marked ``counts_as = engineering`` in ``roles_groups.csv`` (software
    engineering; hardware and other engineering), scientists the ``science`` group (data and
    applied science). Managers are titles on the management ladder of ``roles_seniority.csv``
    (supervisor up to executive) in those groups.

    Parameters
    ----------
    df, by, title, count, tables
        As in :func:`role_shares`.

    Returns
    -------
    polars.DataFrame
        One row per ``by`` cell: ``positions`` (all, unclassified included), ``engineers``,
        ``engineering_managers``, ``scientists``, ``science_managers``, ``unclassified`` and
        ``share`` (engineers), ``share_with_managers``, ``share_with_scientists``,
        ``share_with_scientists_and_managers``, each of ``positions`` (null where 0).

    Examples
    --------
    >>> df = pl.DataFrame({"job_title": ["SDE II", "Manager III, Software Dev", "Data Scientist I",
    ...                                  "Recruiter"], "employees_affected": [6, 1, 2, 1]})
    >>> engineering_share(df).drop("positions", "unclassified").rows(named=True)
    [{'engineers': 6, 'engineering_managers': 1, 'scientists': 2, 'science_managers': 0,
      'share': 0.6, 'share_with_managers': 0.7, 'share_with_scientists': 0.8,
      'share_with_scientists_and_managers': 0.9}]
    """
    t = tables or load_tables()
    c = _classified(df, by=by, title=title, count=count, tables=t)
    group = pl.col("group").cast(pl.String)
    managing = (
        pl.col("seniority")
        .cast(pl.String)
        .is_in(sorted(s for s, ladder in t.ladder.items() if ladder == "management"))
    )

    def positions(kind: str, managers: bool) -> pl.Expr:
        groups = sorted(g for g, k in t.counts_as.items() if k == kind)
        return pl.col("_n").filter(group.is_in(groups) & (managing == managers)).sum()

    sums = [
        pl.col("_n").sum().alias("positions"),
        positions("engineering", False).alias("engineers"),
        positions("engineering", True).alias("engineering_managers"),
        positions("science", False).alias("scientists"),
        positions("science", True).alias("science_managers"),
        pl.col("_n").filter(pl.col("unclassified")).sum().alias("unclassified"),
    ]
    out = c.group_by(list(by)).agg(sums).sort(list(by)) if by else c.select(sums)
    n = pl.col("positions")

    def share(*columns: str) -> pl.Expr:
        return pl.when(n > 0).then(pl.sum_horizontal(columns) / n)

    return out.with_columns(
        share=share("engineers"),
        share_with_managers=share("engineers", "engineering_managers"),
        share_with_scientists=share("engineers", "scientists"),
        share_with_scientists_and_managers=share(
            "engineers", "engineering_managers", "scientists", "science_managers"
        ),
    )


def unclassified_titles(
    df: pl.DataFrame,
    *,
    by: Sequence[str] = (),
    title: str = "job_title",
    count: str = "employees_affected",
    tables: RoleTables | None = None,
) -> pl.DataFrame:
    """The titles no rule classifies, with their positions, most positions first.

    Parameters
    ----------
    df, by, title, count, tables
        As in :func:`role_shares`.

    Returns
    -------
    polars.DataFrame
        ``*by``, ``title``, ``positions``: one row per unclassified title in each ``by`` cell.

    Examples
    --------
    >>> df = pl.DataFrame({"job_title": ["Wizard", "SDE I", "Wizard", "Team Member"],
    ...                    "employees_affected": [1, 4, 2, 1]})
    >>> unclassified_titles(df).rows()
    [('Wizard', 3), ('Team Member', 1)]
    """
    c = _classified(df, by=by, title=title, count=count, tables=tables)
    by = list(by)
    return (
        c.filter(pl.col("unclassified"))
        .group_by([*by, "_title"])
        .agg(positions=pl.col("_n").sum())
        .rename({"_title": "title"})
        .sort(
            [*by, "positions", "title"],
            descending=[*([False] * len(by)), True, False],
            nulls_last=True,
        )
    )
