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
* **compilations** — a layout declared ``compiled = true`` (the consolidated register) copies
  the state portals' notices. Read beside a state's own file, a compiled row of a notice that
  file also lists (same state, :func:`employer_key` and notice date; or, where the two disagree
  on the notice date, the same effective date and count) is rejected with the
  reason ``"duplicate of <file> source_row N (the state's own file lists this notice)"``: the
  state's rows win, since they keep the sites a compilation may merge
  (:func:`reject_compiled_copies`);
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
[(1, 'NY:2025-01-06:acme', False, True), (2, 'NY:2025-01-06:acme', False, False),
 (4, 'NY:2025-01-06:acme', True, True)]
>>> count_once(kept)["employees_affected"].sum()
35
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from layofflab.sources.warn.keys import employer_key, notice_key, site_key
from layofflab.sources.warn.layouts import layouts, rules
from layofflab.sources.warn.versions import (
    adding_layouts,
    count_once,
    inherit_blank_counts,
    link_amendments,
    mark_counted,
)

__all__ = [
    "adding_layouts",
    "count_once",
    "employer_key",
    "inherit_blank_counts",
    "link_amendments",
    "mark_counted",
    "reject_compiled_copies",
    "reject_repostings",
    "resolve_versions",
    "site_key",
    "with_keys",
]


def _rules() -> dict[str, Any]:
    return rules()


def with_keys(df: pl.DataFrame) -> pl.DataFrame:
    """Add the comparison keys and the row order.

    The keys are ``employer_key``, ``notice_key``, ``site_key`` (unless present), ``date_key``
    and ``_order``.

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
    keys = {}
    if "employer_key" not in df.columns:
        keys["employer_key"] = employer_key("employer")
    if "notice_key" not in df.columns:
        keys["notice_key"] = notice_key("employer")
    if "site_key" not in df.columns:
        keys["site_key"] = site_key(pl.coalesce("site_address", "location"))
    return df.with_columns(
        **keys,
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
        hit, ref = _repost_hits(df, same, rule, exact=False)
        # _repost_hits gives two frames or (None, None)
        if hit is not None and ref is not None and not _equal_rows(hit, ref, same).all():
            hit, ref = _repost_hits(df, same, rule, exact=True)  # a hash collision
        if hit is None or ref is None:
            continue
        ok = hit.with_columns(_rf=ref["source_file"], _rr=ref["source_row"])
        dups.append(
            ok.select("source_file", "source_row", reason=_dup_reason(pl.col("_rf"), pl.col("_rr")))
        )
        keep = pl.repeat(True, df.height, eager=True).scatter(ok["_order"], False)
        df = df.filter(keep).with_columns(_order=pl.int_range(pl.len(), dtype=pl.Int64))
    schema = pl.Schema({"source_file": pl.String, "source_row": pl.Int64, "reason": pl.String})
    out = pl.concat([d.cast(schema) for d in dups]) if dups else pl.DataFrame(schema=schema)
    return df, out


def compiled_layouts() -> frozenset[str]:
    """Names of the layouts declared ``compiled = true`` (copies of the state portals)."""
    return frozenset(name for name, lay in layouts().items() if lay.compiled)


#: A compiled row copies a state file's notice when it agrees with one of its rows on one of these
#: (the first: the notice as a whole; the second for sources that disagree on notice dates).
_COPY_KEYS = (
    ["state", "employer_key", "date_key"],
    ["state", "employer_key", "effective_date", "employees_affected"],
)


def reject_compiled_copies(
    df: pl.DataFrame, *, compiled: frozenset[str] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split ``df`` into kept rows and compiled copies of a state's own notices.

    ``df`` comes from :func:`with_keys`, with a ``layout`` column; a copy is a row of a compiled
    layout whose notice a state's own file also lists.

    A notice is its state, :func:`employer_key` and ``date_key`` (or, for sources that disagree
    on notice dates, state, employer key, effective date and count: :data:`_COPY_KEYS`); it is
    matched as a whole, not site by site, because a compilation may merge or relabel sites (the
    register turned NY's nine Amazon sites of 2025-10-28 into one row of 1 worker). Rows without
    a date are never matched.

    Returns
    -------
    (kept, duplicates)
        ``duplicates`` has ``source_file``, ``source_row`` and ``reason`` naming the state file's
        first row of the notice; ``kept`` has ``_order`` renumbered.

    Examples
    --------
    >>> import datetime as dt, polars as pl
    >>> df = pl.DataFrame({"state": ["NY"] * 3, "employer": ["Amazon.com Services LLC",
    ...     "Amazon.com Services", "Amazon.com Services"], "site_address": ["New York", "1 A St",
    ...     "2 B St"], "notice_date": [dt.date(2025, 10, 28)] * 3, "effective_date": [None] * 3,
    ...     "employees_affected": [1, 45, 7],
    ...     "layout": ["register", "ny", "ny"], "source_file": ["register/ny.csv", "ny.csv",
    ...     "ny.csv"], "source_row": [7, 1, 2]})
    >>> kept, dups = reject_compiled_copies(with_keys(df), compiled=frozenset({"register"}))
    >>> dups.rows()
    [('register/ny.csv', 7, "duplicate of ny.csv source_row 1 (the state's own file lists this notice)")]
    >>> kept["source_row"].to_list()
    [1, 2]
    """
    compiled = compiled_layouts() if compiled is None else compiled
    schema = pl.Schema({"source_file": pl.String, "source_row": pl.Int64, "reason": pl.String})
    is_compiled = pl.col("layout").is_in(list(compiled))
    layouts = set(df["layout"].unique())
    if not layouts & compiled or not layouts - compiled:  # nothing to compare
        return df, pl.DataFrame(schema=schema)
    matches = []
    for keys in _COPY_KEYS:
        own = (
            df.filter(~is_compiled & pl.all_horizontal(pl.col(keys).is_not_null()))
            .group_by(keys, maintain_order=True)
            .agg(_rf=pl.col("source_file").first(), _rr=pl.col("source_row").first())
        )
        matches.append(df.filter(is_compiled).join(own, on=keys, how="inner"))
    copies = pl.concat(matches).unique("_order", keep="first", maintain_order=True).sort("_order")
    if copies.is_empty():
        return df, pl.DataFrame(schema=schema)
    reason = pl.format(
        "duplicate of {} source_row {} (the state's own file lists this notice)", "_rf", "_rr"
    )
    dups = copies.select("source_file", "source_row", reason=reason).cast(schema)
    kept = df.join(copies.select("_order"), on="_order", how="anti", maintain_order="left")
    return kept.with_columns(_order=pl.int_range(pl.len(), dtype=pl.Int64)), dups


def _equal_rows(a: pl.DataFrame, b: pl.DataFrame, columns: Sequence[str]) -> pl.Series:
    equal = pl.repeat(True, a.height, eager=True)
    for c in columns:
        equal = equal & a[c].eq_missing(b[c])
    return equal


def _repost_hits(
    df: pl.DataFrame, same: list[str], rule: dict[str, Any], *, exact: bool
) -> tuple[pl.DataFrame | None, pl.DataFrame | None]:
    """Rows re-posting an earlier row under ``rule`` and, aligned, the rows they repeat.

    Groups on a 64-bit hash of the key fields (``exact=False``; the caller confirms every hit
    field by field) or on the fields themselves (``exact=True``, slower).
    """
    required = {f"_req_{c}": pl.col(c).is_not_null() for c in rule.get("requires", ())}
    if exact:
        narrow = df.select(
            "_order", *dict.fromkeys(["notice_date", "effective_date", *same]), **required
        )
        group: str | list[str] = same
    else:
        narrow = df.select(
            "_order", "notice_date", "effective_date", _k=df.select(same).hash_rows(), **required
        )
        group = "_k"
    if rule.get("only_if_notice_date_is_effective_date"):
        repost = (pl.col("notice_date") == pl.col("effective_date")).fill_null(False)
        first = pl.when(~repost).then("_order").min().over(group)
        is_dup = repost & first.is_not_null()
    else:
        first = pl.col("_order").min().over(group)
        is_dup = first != pl.col("_order")
    for column in rule.get("requires", ()):  # rows lacking the field never match on it
        is_dup = is_dup & pl.col(f"_req_{column}")
    # Lazily, so the window (used twice) is computed once.
    refs = narrow.lazy().select(pl.when(is_dup).then(first)).collect(engine="in-memory")[:, 0]
    rows = refs.is_not_null().arg_true()
    if rows.is_empty():
        return None, None
    # _order is the row position, so the first row of a group is found by gather.
    return df[rows], df.select(*same, "source_file", "source_row")[refs.gather(rows)]


def resolve_versions(df: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Compiled copies and re-postings out, amendments linked, ``counted`` set; keys dropped.

    ``df`` must come from :func:`with_keys`. Returns ``(kept, duplicates)``.
    """
    if "layout" in df.columns:
        df, copies = reject_compiled_copies(df)
    else:
        copies = None
    kept, dups = reject_repostings(df)
    if copies is not None:
        dups = pl.concat([copies, dups])
    kept = mark_counted(inherit_blank_counts(link_amendments(kept)))
    return kept.drop("employer_key", "notice_key", "site_key", "date_key", "_order"), dups
