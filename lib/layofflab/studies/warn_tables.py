"""Per-notice tables of a job-title list: occupation groups (all, or top N of M) and seniority by role.

Used by :mod:`layofflab.studies.warn_roles`; each takes a title list with ``notice_id``,
``job_title`` and ``employees_affected`` and classifies it with :mod:`layofflab.roles`.

Examples
--------
>>> df = pl.DataFrame({"notice_id": ["a", "a"], "job_title": ["SDE I", "Recruiter"],
...                    "employees_affected": [3, 1]})
>>> group_table(df, top=1).select("group", "positions").rows()
[('software engineering', 3), ('1 other group', 1)]
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from layofflab import roles
from layofflab.errors import InvalidArgumentError

__all__ = ["group_table", "seniority_by_role"]


def group_table(
    titles: pl.DataFrame, *, by: Sequence[str] = ("notice_id",), top: int = 0
) -> pl.DataFrame:
    """Positions by occupation group in each ``by`` cell: all groups, or the top ``top`` of M.

    With ``top = 0`` every group (and ``'unclassified'``) is a row, zero where no title falls
    in it. With ``top > 0`` the ``top`` groups with most positions are kept (ties by the groups'
    order) and the other groups with positions are summed in one row ``'N other groups'``;
    ``groups_in_row`` says how many groups each row holds, so M is its sum. Either way the
    positions add up to the cell's total and the shares to 1.

    Parameters
    ----------
    titles : polars.DataFrame
        ``*by``, ``job_title``, ``employees_affected``.
    by : sequence of str
        The cells (default: one per notice).
    top : int
        0 for all groups, else how many to keep.

    Returns
    -------
    polars.DataFrame
        ``*by``, ``group`` (text), ``positions``, ``titles``, ``share``, ``groups_in_row``,
        ``summed`` (true on the row of other groups).

    Examples
    --------
    >>> df = pl.DataFrame({"notice_id": ["a"] * 4, "job_title": ["SDE I", "Recruiter",
    ...                    "Data Scientist", "Account Executive"], "employees_affected": [5, 1, 3, 1]})
    >>> group_table(df, top=2).select("group", "positions", "groups_in_row", "summed").rows()
    [('software engineering', 5, 1, False),
     ('data and applied science', 3, 1, False),
     ('2 other groups', 2, 2, True)]
    >>> group_table(df).height  # 13 groups and 'unclassified'
    14
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 0:
        raise InvalidArgumentError("top", top, expected="an integer ≥ 0 (0: all groups)")
    by = list(by)
    shares = roles.role_shares(titles, by=by).with_columns(
        pl.col("group").cast(pl.String),
        pl.col("titles").cast(pl.Int64),
        groups_in_row=pl.lit(1, pl.Int64),
        summed=pl.lit(False),
    )
    if top == 0:
        return shares
    order = pl.int_range(pl.len()).over(by) if by else pl.int_range(pl.len())
    ranked = shares.with_columns(_order=order).sort(
        [*by, "positions", "_order"], descending=[*([False] * len(by)), True, False]
    )
    rank = pl.int_range(pl.len()).over(by) if by else pl.int_range(pl.len())
    ranked = ranked.with_columns(_rank=rank)
    kept = ranked.filter((pl.col("_rank") < top) & (pl.col("positions") > 0))
    rest = ranked.filter((pl.col("_rank") >= top) & (pl.col("positions") > 0))
    summed = (
        rest.group_by(by, maintain_order=True).agg(
            pl.col("positions").sum(),
            pl.col("titles").sum(),
            pl.col("share").sum(),
            groups_in_row=pl.len().cast(pl.Int64),
        )
        if by
        else rest.select(
            pl.col("positions").sum(),
            pl.col("titles").sum(),
            pl.col("share").sum(),
            groups_in_row=pl.len().cast(pl.Int64),
        ).filter(pl.col("groups_in_row") > 0)
    )
    summed = summed.with_columns(
        group=pl.format(
            "{} other group{}",
            pl.col("groups_in_row"),
            pl.when(pl.col("groups_in_row") == 1).then(pl.lit("")).otherwise(pl.lit("s")),
        ),
        summed=pl.lit(True),
    )
    columns = [*by, "group", "positions", "titles", "share", "groups_in_row", "summed"]
    out = pl.concat([kept.select(columns), summed.select(columns)])
    return out.sort([*by, "summed"], maintain_order=True) if by else out


def seniority_by_role(titles: pl.DataFrame) -> pl.DataFrame:
    """Positions by seniority within engineers, scientists and the other positions, per notice.

    The seniority mix of the engineering cuts beside that of the rest (are junior engineers
    cut more?): ``engineering`` holds the groups counted as engineering (their managers
    included), ``science`` data and applied science, ``other`` every other position
    (unclassified included). Each ``*_share`` is of that column's positions in the notice.

    Parameters
    ----------
    titles : polars.DataFrame
        ``notice_id``, ``job_title``, ``employees_affected``.

    Returns
    -------
    polars.DataFrame
        ``notice_id``, ``seniority`` (every level, in rank order), ``engineering``,
        ``engineering_share``, ``science``, ``science_share``, ``other``, ``other_share``.

    Examples
    --------
    >>> df = pl.DataFrame({"notice_id": ["a"] * 3, "job_title": ["SDE I", "SDE II", "Recruiter II"],
    ...                    "employees_affected": [3, 1, 2]})
    >>> out = seniority_by_role(df).filter(pl.col("seniority").is_in(["level I", "level II"]))
    >>> out.select("seniority", "engineering", "engineering_share", "other").rows()
    [('level I', 3, 0.75, 0), ('level II', 1, 0.25, 2)]
    """
    t = roles.load_tables()
    kind = roles.classify_titles(titles["job_title"])["group"].cast(pl.String)
    role = kind.replace_strict(dict(t.counts_as), default="other", return_dtype=pl.String)
    cells = roles.role_shares(
        titles.with_columns(role=role), of="seniority", by=["notice_id", "role"]
    )
    wide = cells.pivot("role", index=["notice_id", "seniority"], values=["positions", "share"])
    out = wide.select("notice_id", pl.col("seniority").cast(pl.String))
    for name in ("engineering", "science", "other"):
        n, sh = f"positions_{name}", f"share_{name}"
        out = out.with_columns(
            (wide[n] if n in wide.columns else pl.lit(0, pl.Int64)).alias(name),
            (wide[sh] if sh in wide.columns else pl.lit(None, pl.Float64)).alias(f"{name}_share"),
        )
    return out
