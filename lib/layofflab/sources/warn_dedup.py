"""Re-postings, amendments and rescissions of WARN notices: count each notice once.

States publish the same notice more than once: NY DOL lists a site again on every date it
re-posts the notice, WA ESD lists a notice again on its layoff date (with notice_date =
effective date), amendments change counts or dates of an earlier notice, rescissions cancel
it. The rules are data (``[rules]`` in ``resources/warn_states.toml``):

* **re-postings** — rows agreeing on every field of a ``[[rules.reposting]]`` entry are one
  notice; the first in file order is kept and the others are rejected with the reason
  ``"duplicate of source_row N"`` (``"duplicate of <file> source_row N"`` across files);
* **amendments and rescissions** — rows whose employer, notes, type or id match the
  ``amendment`` / ``rescission`` patterns are linked to the latest earlier original notice of
  the same state and employer (:func:`employer_key`) within ``amendment_window_days``; they
  take its ``notice_id`` and record ``amends_source_file`` / ``amends_source_row``;
* **counted** — within a notice each site (``site_key``) counts once, in its latest version;
  an amendment naming no site of its original restates the whole notice; a rescinded notice
  is not counted at all. :func:`count_once` keeps the counted rows.

Distinct sites of one notice are never collapsed: they share ``notice_id`` and are all counted.

Examples
--------
>>> import datetime as dt, polars as pl
>>> d = dt.date
>>> df = pl.DataFrame({
...     "state": ["NY"] * 4, "employer": ["Acme", "Acme", "Acme", "Acme (Amended)"],
...     "site_address": ["1 Main St", "2 Oak Ave", "1 Main St", "2 Oak Ave"],
...     "notice_date": [d(2025, 1, 6), d(2025, 1, 6), d(2025, 1, 6), d(2025, 2, 1)],
...     "effective_date": [d(2025, 4, 1)] * 4, "employees_affected": [10, 20, 10, 25],
...     "is_amendment": [False, False, False, True],
...     "source_file": ["ny.csv"] * 4, "source_row": [1, 2, 3, 4]})
>>> kept, dups = resolve_versions(with_keys(df))
>>> dups.select("source_row", "reason").rows()
[(3, 'duplicate of source_row 1')]
>>> kept.select("source_row", "notice_id", "is_amendment", "counted").rows()
[(1, 'NY:2025-01-06:acme', False, True), (2, 'NY:2025-01-06:acme', False, False), (4, 'NY:2025-01-06:acme', True, True)]
>>> count_once(kept)["employees_affected"].sum()
35
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from layofflab.lookups import load_toml

__all__ = [
    "count_once",
    "employer_key",
    "link_amendments",
    "mark_counted",
    "reject_repostings",
    "resolve_versions",
    "with_keys",
]

_TABLE = "warn_states.toml"


def _rules() -> dict[str, Any]:
    return load_toml(_TABLE)["rules"]


def employer_key(expr: str | pl.Expr) -> pl.Expr:
    """Employer name reduced for comparing notices: lower case, markers, legal forms, punctuation gone.

    >>> import polars as pl
    >>> names = pl.DataFrame({"e": ["Pall Filter Specialists, Inc.-Revised (1)", "**JC Penney (Cancelled)"]})
    >>> names.select(employer_key("e")).to_series().to_list()
    ['pall filter specialists', 'jc penney']
    """
    text = pl.col(expr) if isinstance(expr, str) else expr
    key = text.cast(pl.String)
    for pattern in _rules()["employer_key_strip"]:
        key = key.str.replace_all(pattern, " ")
    key = key.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()
    fallback = text.cast(pl.String).str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ")
    return pl.when(key == "").then(fallback.str.strip_chars()).otherwise(key)


def with_keys(df: pl.DataFrame) -> pl.DataFrame:
    """Add the comparison keys: ``employer_key``, ``site_key``, ``date_key``, ``_order``.

    Missing optional columns (``is_amendment``, ``is_rescission``, ``layoff_type_raw``, dates,
    ``location``, ``source_notice_id``) are added as null / False.
    """
    defaults: dict[str, pl.Expr] = {
        "is_amendment": pl.lit(False),
        "is_rescission": pl.lit(False),
        "layoff_type_raw": pl.lit(None, dtype=pl.String),
        "received_date": pl.lit(None, dtype=pl.Date),
        "location": pl.lit(None, dtype=pl.String),
        "site_address": pl.lit(None, dtype=pl.String),
        "source_notice_id": pl.lit(None, dtype=pl.String),
        "register_is_amended": pl.lit(None, dtype=pl.Boolean),
    }
    df = df.with_columns(**{k: v for k, v in defaults.items() if k not in df.columns})
    site = pl.coalesce("site_address", "location").str.to_lowercase()
    return df.with_columns(
        employer_key=employer_key("employer"),
        site_key=site.str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars().fill_null(""),
        date_key=pl.coalesce("notice_date", "received_date", "effective_date"),
        _order=pl.int_range(pl.len(), dtype=pl.Int64),
    )


def _dup_reason(ref_file: pl.Expr, ref_row: pl.Expr) -> pl.Expr:
    where = pl.when(ref_file == pl.col("source_file")).then(pl.lit("")).otherwise(ref_file + " ")
    return pl.format("duplicate of {}source_row {}", where, ref_row)


def reject_repostings(
    df: pl.DataFrame, *, rules: Sequence[dict[str, Any]] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split ``df`` (from :func:`with_keys`) into kept rows and re-postings.

    Returns
    -------
    (kept, duplicates)
        ``duplicates`` has ``source_file``, ``source_row`` and ``reason``.
    """
    rules = _rules()["reposting"] if rules is None else rules
    dups = []
    for rule in rules:
        same = list(rule["same"])
        if rule.get("only_if_notice_date_is_effective_date"):
            repost = pl.col("notice_date") == pl.col("effective_date")
            first = pl.when(~repost.fill_null(False)).then("_order").min().over(same)
            is_dup = repost.fill_null(False) & first.is_not_null()
        else:
            first = pl.col("_order").min().over(same)
            is_dup = first != pl.col("_order")
        tagged = df.with_columns(_ref=pl.when(is_dup).then(first))
        idx = tagged["_ref"]
        hit = tagged.filter(idx.is_not_null())
        ref = df.select("_order", "source_file", "source_row").rename(
            {"source_file": "_rf", "source_row": "_rr"}
        )
        hit = hit.join(ref, left_on="_ref", right_on="_order", how="left", maintain_order="left")
        dups.append(hit.select("source_file", "source_row", reason=_dup_reason(pl.col("_rf"), pl.col("_rr"))))
        df = tagged.filter(idx.is_null()).drop("_ref")
    schema = {"source_file": pl.String, "source_row": pl.Int64, "reason": pl.String}
    out = pl.concat([d.cast(schema) for d in dups]) if dups else pl.DataFrame(schema=schema)
    return df, out


def _own_notice_id() -> pl.Expr:
    by_id = pl.format("{}:{}", "state", pl.col("source_notice_id").str.replace_all(r"[*\s]", ""))
    by_name = pl.format("{}:{}:{}", "state", pl.col("date_key").cast(pl.String), "employer_key")
    return pl.when(pl.col("source_notice_id").is_not_null()).then(by_id).otherwise(by_name)


def link_amendments(df: pl.DataFrame, *, window_days: int | None = None) -> pl.DataFrame:
    """Give every row a ``notice_id``; link amendments and rescissions to their original.

    An amendment takes the ``notice_id`` of the latest earlier original of the same state and
    ``employer_key`` within ``window_days`` (default from the rules) and records
    ``amends_source_file`` / ``amends_source_row`` (the original's first row).
    """
    window = _rules()["amendment_window_days"] if window_days is None else window_days
    df = df.with_columns(notice_id=_own_notice_id())
    version = pl.col("is_amendment") | pl.col("is_rescission")
    originals = (
        df.filter(~version & pl.col("date_key").is_not_null())
        .group_by("notice_id")
        .agg(
            pl.col("state", "employer_key", "date_key").first(),
            _of=pl.col("source_file").first(),
            _or=pl.col("source_row").first(),
        )
        .sort("date_key")
    )
    changes = df.filter(version & pl.col("date_key").is_not_null()).select("_order", "state", "employer_key", "date_key")
    linked = changes.sort("date_key").join_asof(
        originals.rename({"notice_id": "_orig"}),
        on="date_key",
        by=["state", "employer_key"],
        strategy="backward",
        tolerance=f"{window}d",
        check_sortedness=False,
    )
    linked = linked.select("_order", "_orig", "_of", "_or")
    df = df.join(linked, on="_order", how="left", maintain_order="left")
    return df.with_columns(
        notice_id=pl.coalesce("_orig", "notice_id"),
        amends_source_file=pl.col("_of"),
        amends_source_row=pl.col("_or").cast(pl.Int64),
    ).drop("_orig", "_of", "_or")


def mark_counted(df: pl.DataFrame) -> pl.DataFrame:
    """Add ``counted``: True on exactly the rows whose workers enter a total.

    Within a ``notice_id`` each ``site_key`` counts in its latest version (by ``date_key``
    then file order); an amendment whose site matches no original site supersedes every
    earlier row of the notice; rows the register marks as amended later
    (``register_is_amended``) are superseded; a notice with a rescission counts nothing.
    """
    ver = pl.struct("date_key", "_order").rank("ordinal").cast(pl.Int64)
    df = df.with_columns(_ver=ver)
    version = pl.col("is_amendment") | pl.col("is_rescission")
    orig_sites = df.filter(~version).select("notice_id", "site_key").unique().with_columns(_site_known=pl.lit(True))
    df = df.join(orig_sites, on=["notice_id", "site_key"], how="left", maintain_order="left")
    whole = version & pl.col("amends_source_row").is_not_null() & pl.col("_site_known").is_null()
    whole_max = pl.when(whole).then("_ver").max().over("notice_id")
    latest_of_site = pl.col("_ver") == pl.col("_ver").max().over("notice_id", "site_key")
    superseded = (
        ~latest_of_site
        | (whole_max.is_not_null() & (pl.col("_ver") < whole_max))
        | pl.col("register_is_amended").fill_null(False)
    )
    rescinded = pl.col("is_rescission").any().over("notice_id")
    return df.with_columns(counted=~superseded & ~rescinded).drop("_ver", "_site_known")


def resolve_versions(df: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Re-postings out, amendments linked, ``counted`` set; internal keys dropped.

    ``df`` must come from :func:`with_keys`. Returns ``(kept, duplicates)``.
    """
    kept, dups = reject_repostings(df)
    kept = mark_counted(link_amendments(kept))
    return kept.drop("employer_key", "site_key", "date_key", "_order"), dups


def count_once(df: pl.DataFrame) -> pl.DataFrame:
    """The rows that enter totals (``counted``): each site of each notice once, latest version,
    rescinded notices left out. Sum ``employees_affected`` over the result.
    """
    return df.filter(pl.col("counted"))
