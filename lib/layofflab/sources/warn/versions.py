"""Versions of a WARN notice: amendments, rescissions, and what is counted.

Amendments and rescissions are linked to their original, blank counts inherited, and
``counted`` set so that each site of each notice counts once, in its latest version (the rules
are ``[rules]`` in ``resources/warn_states.toml``; re-postings and compiled copies are
:mod:`.dedup`'s).

Examples
--------
>>> import datetime as dt, polars as pl
>>> from layofflab.sources.warn.dedup import with_keys
>>> df = pl.DataFrame({"state": ["OH"] * 3, "employer": ["Acme", "Acme - Revised", "Acme"],
...     "notice_date": [dt.date(2024, 1, 8), dt.date(2024, 2, 1), dt.date(2024, 3, 1)],
...     "effective_date": [None] * 3, "employees_affected": [40, None, 12],
...     "is_amendment": [False, True, True], "source_notice_id": ["7", "7", "9"],
...     "source_file": ["oh.csv"] * 3, "source_row": [1, 2, 3]})
>>> out = mark_counted(inherit_blank_counts(link_amendments(with_keys(df))))
>>> out.select("notice_id", "amends_source_row", "employees_affected", "counted").rows()
[('OH:7', None, 40, False), ('OH:7', 1, 40, True), ('OH:9', None, 12, True)]
"""

from __future__ import annotations

import polars as pl

from layofflab.sources.warn.keys import site_key
from layofflab.sources.warn.layouts import layouts, rules

__all__ = [
    "adding_layouts",
    "count_once",
    "inherit_blank_counts",
    "link_amendments",
    "mark_counted",
]


def _own_notice_id() -> pl.Expr:
    by_id = pl.format("{}:{}", "state", pl.col("source_notice_id").str.replace_all(r"[*\s]", ""))
    by_name = pl.format("{}:{}:{}", "state", pl.col("date_key").cast(pl.String), "notice_key")
    return pl.when(pl.col("source_notice_id").is_not_null()).then(by_id).otherwise(by_name)


def link_amendments(df: pl.DataFrame, *, window_days: int | None = None) -> pl.DataFrame:
    """Give every row a ``notice_id``; link amendments and rescissions to their original.

    Links stay within the same notice.

    Where a row has the state's own notice id (``source_notice_id``), its notice is that id: an
    amendment links to the first original row with the same id, never to another notice of the
    employer (OH's Ryder 011-19-029 does not amend 011-19-025). Without an id, an amendment takes
    the ``notice_id`` of the latest earlier original of the same state, ``notice_key`` (:func:`~layofflab.sources.warn.keys.notice_key`) and
    street address (:func:`site_key` of ``site_address``) within ``window_days`` (default from
    the rules); one without a street address (only a city or a list of cities, which revisions
    relabel: WI's Sub-Zero 'Fitchburg' / 'Madison') links on the employer alone. Both record ``amends_source_file`` /
    ``amends_source_row`` (the original's first row). ``_order`` must be the row position (as
    :func:`with_keys` and :func:`reject_repostings` leave it).
    """
    window = rules()["amendment_window_days"] if window_days is None else window_days
    df = df.with_columns(
        notice_id=_own_notice_id(),
        amends_source_file=pl.lit(None, dtype=pl.String),
        amends_source_row=pl.lit(None, dtype=pl.Int64),
    )
    version = pl.col("is_amendment") | pl.col("is_rescission")
    has_id = pl.col("source_notice_id").is_not_null()
    df = _link_by_id(df, version, has_id)
    df = df.with_columns(_addr=site_key("site_address"))
    changes = df.filter(version & ~has_id & pl.col("date_key").is_not_null()).select(
        "_order", "state", "notice_key", "_addr", "date_key"
    )
    if changes.is_empty():
        return df
    candidates = df.filter(~version & ~has_id & pl.col("date_key").is_not_null()).join(
        changes.select("state", "notice_key").unique(),
        on=["state", "notice_key"],
        how="semi",
        maintain_order="left",
    )
    if candidates.is_empty():
        return df.drop("_addr")
    with_addr = pl.col("_addr") != ""
    linked = pl.concat(
        [
            _link_asof(
                changes.filter(with_addr),
                candidates.filter(with_addr),
                ["state", "notice_key", "_addr"],
                window,
            ),
            _link_asof(changes.filter(~with_addr), candidates, ["state", "notice_key"], window),
        ]
    )
    df = df.drop("_addr")
    if linked.is_empty():
        return df
    pos = linked["_order"]
    return df.with_columns(
        df["notice_id"].scatter(pos, linked["_orig"]),
        df["amends_source_file"].scatter(pos, linked["_of"]),
        df["amends_source_row"].scatter(pos, linked["_or"].cast(pl.Int64)),
    )


def _link_by_id(df: pl.DataFrame, version: pl.Expr, has_id: pl.Expr) -> pl.DataFrame:
    """Amendments carrying the state's notice id point at the first original row of that id."""
    firsts = (
        df.filter(~version & has_id)
        .group_by("notice_id", maintain_order=True)
        .agg(_of=pl.col("source_file").first(), _or=pl.col("source_row").first())
    )
    if firsts.is_empty():
        return df
    hits = df.select("notice_id", _v=version & has_id).join(
        firsts, on="notice_id", how="left", maintain_order="left"
    )
    linked = hits["_v"] & hits["_or"].is_not_null()
    return df.with_columns(
        amends_source_file=pl.when(linked).then(hits["_of"]).otherwise("amends_source_file"),
        amends_source_row=pl.when(linked)
        .then(hits["_or"].cast(pl.Int64))
        .otherwise("amends_source_row"),
    )


def _link_asof(
    changes: pl.DataFrame, candidates: pl.DataFrame, by: list[str], window: int
) -> pl.DataFrame:
    """Each change joined to the latest earlier original notice agreeing on ``by``."""
    # Of several originals on the same date, the last in input order is the one linked (sorted
    # on its first row's position too, so that the choice never depends on hashing order).
    group = ["notice_id", *(c for c in by if c == "_addr")]
    originals = (
        candidates.group_by(group, maintain_order=True)
        .agg(
            pl.col(*(c for c in by if c != "_addr"), "date_key").first(),
            _of=pl.col("source_file").first(),
            _or=pl.col("source_row").first(),
            _first=pl.col("_order").min(),
        )
        .sort("date_key", "_first")
        .drop("_first")
    )
    return (
        changes.sort("date_key", "_order")
        .join_asof(
            originals.rename({"notice_id": "_orig"}),
            on="date_key",
            by=by,
            strategy="backward",
            tolerance=f"{window}d",
            check_sortedness=False,
        )
        .filter(pl.col("_orig").is_not_null())
        .select("_order", "_orig", "_of", "_or")
    )


def mark_counted(df: pl.DataFrame) -> pl.DataFrame:
    """Add ``counted``: True on exactly the rows whose workers enter a total.

    Only amendments and rescissions supersede: an original row is superseded by a later
    amendment of the same notice and site (``site_key``), or by a later amendment naming no
    site of its original (it restates the whole notice); an amendment by a later one of the
    same site. A notice with a rescission counts nothing.

    The register's own ``is_amended`` flag (``register_is_amended``) does not supersede a
    row: the register keeps one row per notice, updated in place (``current_version`` ≥ 2),
    so a flagged row is the current version unless an amendment row of ours links to it.
    (On the 46 register files, 6,582 of 6,596 flagged rows have no such amendment row.)
    Distinct rows of one notice (its sites) all count. Amendments of a layout declared
    ``amendments = "add"`` (IA: each 'Amendment' reports the workers of a further wave) supersede
    nothing: they count beside their original.
    """
    adding = list(adding_layouts())
    adds = pl.col("layout").is_in(adding) if "layout" in df.columns and adding else pl.lit(False)
    version = (pl.col("is_amendment") & ~adds) | pl.col("is_rescission")
    base = pl.repeat(True, pl.len(), dtype=pl.Boolean)
    touched = df.filter(version)["notice_id"].unique()
    if touched.is_empty():
        return df.with_columns(counted=base)
    pos = pl.int_range(pl.len(), dtype=pl.Int64)
    sub = df.with_columns(_pos=pos).filter(pl.col("notice_id").is_in(touched.implode()))
    orig_sites = (
        sub.filter(~version)
        .select("notice_id", "site_key")
        .unique()
        .with_columns(_known=pl.lit(True))
    )
    sub = sub.join(orig_sites, on=["notice_id", "site_key"], how="left", maintain_order="left")
    sub = sub.with_columns(_ver=pl.struct("date_key", "_order").rank("ordinal").cast(pl.Int64))
    whole = version & pl.col("amends_source_row").is_not_null() & pl.col("_known").is_null()
    later_site = pl.when(version).then("_ver").max().over("notice_id", "site_key")
    later_whole = pl.when(whole).then("_ver").max().over("notice_id")
    superseded = (later_site > pl.col("_ver")).fill_null(False) | (
        later_whole > pl.col("_ver")
    ).fill_null(False)
    rescinded = pl.col("is_rescission").any().over("notice_id")
    sub = sub.with_columns(_counted=base & ~superseded & ~rescinded)
    counted = df.select(base.alias("counted"))["counted"].scatter(sub["_pos"], sub["_counted"])
    return df.with_columns(counted=counted)


def adding_layouts() -> frozenset[str]:
    """Names of the layouts declared ``amendments = "add"``."""
    return frozenset(name for name, lay in layouts().items() if lay.amendments == "add")


def inherit_blank_counts(df: pl.DataFrame) -> pl.DataFrame:
    """An amendment with a blank count keeps its original's count, flagged.

    The flag is ``count_from_original`` (OH's 'Revised' row of Northside Regional Medical Center
    restates the date only: it must not turn 468 workers into none).

    >>> import polars as pl
    >>> df = pl.DataFrame({"source_file": ["oh.csv"] * 2, "source_row": [1, 2],
    ...     "employees_affected": [468, None], "is_amendment": [False, True],
    ...     "amends_source_file": [None, "oh.csv"], "amends_source_row": [None, 1]})
    >>> inherit_blank_counts(df).select("employees_affected", "flags").rows()
    [(468, None), (468, 'count_from_original')]
    """
    if "flags" not in df.columns:
        df = df.with_columns(flags=pl.lit(None, dtype=pl.String))
    blank = pl.col("is_amendment") & pl.col("employees_affected").is_null()
    if not df.select(blank.any()).item():
        return df
    originals = df.select(
        amends_source_file="source_file",
        amends_source_row="source_row",
        _orig_count="employees_affected",
    )
    df = df.join(
        originals, on=["amends_source_file", "amends_source_row"], how="left", maintain_order="left"
    )
    took = blank & pl.col("_orig_count").is_not_null()
    flag = pl.concat_str(
        ["flags", pl.lit("count_from_original")], separator="; ", ignore_nulls=True
    )
    return df.with_columns(
        employees_affected=pl.when(took).then("_orig_count").otherwise("employees_affected"),
        flags=pl.when(took).then(flag).otherwise("flags"),
    ).drop("_orig_count")


def count_once(df: pl.DataFrame) -> pl.DataFrame:
    """The rows that enter totals (``counted``).

    Each site of each notice once, latest version, rescinded notices left out. Sum
    ``employees_affected`` over the result.
    """
    return df.filter(pl.col("counted"))
