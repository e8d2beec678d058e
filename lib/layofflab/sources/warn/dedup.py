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

from layofflab.lookups import load_toml

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

_TABLE = "warn_states.toml"


def _rules() -> dict[str, Any]:
    return load_toml(_TABLE)["rules"]


def employer_key(expr: str | pl.Expr) -> pl.Expr:
    """Employer name reduced for comparing notices: lower case; markers, legal forms and
    punctuation removed.

    >>> import polars as pl
    >>> names = pl.DataFrame({"e": ["Pall Filter Specialists, Inc.-Revised (1)",
    ...                             "**JC Penney (Cancelled)"]})
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


def site_key(expr: str | pl.Expr) -> pl.Expr:
    """Site text reduced for comparing rows: lower case, letters and digits only, street words
    shortened (``[rules.address_words]``); '' when null.

    >>> import polars as pl
    >>> sites = pl.DataFrame({"s": ["2400 Oakdale Boulevard", "2400  Oakdale Blvd.", None]})
    >>> sites.select(site_key("s")).to_series().to_list()
    ['2400 oakdale blvd', '2400 oakdale blvd', '']
    """
    text = pl.col(expr) if isinstance(expr, str) else expr
    key = text.cast(pl.String).str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ")
    words = _rules()["address_words"]
    if words:
        pattern = r"\b(" + "|".join(sorted(words, key=len, reverse=True)) + r")\b"
        hit = key.str.contains(pattern)
        short = key
        for long, abbr in words.items():
            short = short.str.replace_all(rf"\b{long}\b", abbr)
        key = pl.when(hit).then(short).otherwise(key)
    return key.str.strip_chars().fill_null("")


def with_keys(df: pl.DataFrame) -> pl.DataFrame:
    """Add the keys ``employer_key``, ``site_key`` (unless present), ``date_key``, ``_order``.

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
        if hit is not None and not _equal_rows(hit, ref, same).all():  # a hash collision
            hit, ref = _repost_hits(df, same, rule, exact=True)
        if hit is None:
            continue
        ok = hit.with_columns(_rf=ref["source_file"], _rr=ref["source_row"])
        dups.append(
            ok.select("source_file", "source_row", reason=_dup_reason(pl.col("_rf"), pl.col("_rr")))
        )
        keep = pl.repeat(True, df.height, eager=True).scatter(ok["_order"], False)
        df = df.filter(keep).with_columns(_order=pl.int_range(pl.len(), dtype=pl.Int64))
    schema = {"source_file": pl.String, "source_row": pl.Int64, "reason": pl.String}
    out = pl.concat([d.cast(schema) for d in dups]) if dups else pl.DataFrame(schema=schema)
    return df, out


def compiled_layouts() -> frozenset[str]:
    """Names of the layouts declared ``compiled = true`` (copies of the state portals)."""
    return frozenset(
        name for name, spec in load_toml(_TABLE)["layouts"].items() if spec.get("compiled")
    )


#: A compiled row copies a state file's notice when it agrees with one of its rows on one of these
#: (the first: the notice as a whole; the second for sources that disagree on notice dates).
_COPY_KEYS = (
    ["state", "employer_key", "date_key"],
    ["state", "employer_key", "effective_date", "employees_affected"],
)


def reject_compiled_copies(
    df: pl.DataFrame, *, compiled: frozenset[str] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split ``df`` (from :func:`with_keys`, with a ``layout`` column) into kept rows and rows of
    a compiled layout whose notice a state's own file also lists.

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
    schema = {"source_file": pl.String, "source_row": pl.Int64, "reason": pl.String}
    is_compiled = pl.col("layout").is_in(list(compiled))
    layouts = set(df["layout"].unique())
    if not layouts & compiled or not layouts - compiled:  # nothing to compare
        return df, pl.DataFrame(schema=schema)
    copies = []
    for keys in _COPY_KEYS:
        own = (
            df.filter(~is_compiled & pl.all_horizontal(pl.col(keys).is_not_null()))
            .group_by(keys, maintain_order=True)
            .agg(_rf=pl.col("source_file").first(), _rr=pl.col("source_row").first())
        )
        copies.append(df.filter(is_compiled).join(own, on=keys, how="inner"))
    copies = pl.concat(copies).unique("_order", keep="first", maintain_order=True).sort("_order")
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


def _own_notice_id() -> pl.Expr:
    by_id = pl.format("{}:{}", "state", pl.col("source_notice_id").str.replace_all(r"[*\s]", ""))
    by_name = pl.format("{}:{}:{}", "state", pl.col("date_key").cast(pl.String), "employer_key")
    return pl.when(pl.col("source_notice_id").is_not_null()).then(by_id).otherwise(by_name)


def link_amendments(df: pl.DataFrame, *, window_days: int | None = None) -> pl.DataFrame:
    """Give every row a ``notice_id``; link amendments and rescissions to their original, only
    within the same notice.

    Where a row has the state's own notice id (``source_notice_id``), its notice is that id: an
    amendment links to the first original row with the same id, never to another notice of the
    employer (OH's Ryder 011-19-029 does not amend 011-19-025). Without an id, an amendment takes
    the ``notice_id`` of the latest earlier original of the same state, ``employer_key`` and
    street address (:func:`site_key` of ``site_address``) within ``window_days`` (default from
    the rules); one without a street address (only a city or a list of cities, which revisions
    relabel: WI's Sub-Zero 'Fitchburg' / 'Madison') links on the employer alone. Both record ``amends_source_file`` /
    ``amends_source_row`` (the original's first row). ``_order`` must be the row position (as
    :func:`with_keys` and :func:`reject_repostings` leave it).
    """
    window = _rules()["amendment_window_days"] if window_days is None else window_days
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
        "_order", "state", "employer_key", "_addr", "date_key"
    )
    if changes.is_empty():
        return df
    candidates = df.filter(~version & ~has_id & pl.col("date_key").is_not_null()).join(
        changes.select("state", "employer_key").unique(),
        on=["state", "employer_key"],
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
                ["state", "employer_key", "_addr"],
                window,
            ),
            _link_asof(changes.filter(~with_addr), candidates, ["state", "employer_key"], window),
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
    return frozenset(
        name
        for name, spec in load_toml(_TABLE)["layouts"].items()
        if spec.get("amendments") == "add"
    )


def inherit_blank_counts(df: pl.DataFrame) -> pl.DataFrame:
    """An amendment with a blank count keeps its original's count, flagged
    ``count_from_original`` (OH's 'Revised' row of Northside Regional Medical Center restates the
    date only: it must not turn 468 workers into none).

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
    return kept.drop("employer_key", "site_key", "date_key", "_order"), dups


def count_once(df: pl.DataFrame) -> pl.DataFrame:
    """The rows that enter totals (``counted``): each site of each notice once, latest version,
    rescinded notices left out. Sum ``employees_affected`` over the result.
    """
    return df.filter(pl.col("counted"))
