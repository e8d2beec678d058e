"""Entity resolution: company names → a stable ``company_id`` (the ticker) with its SEC CIK.

Names are matched against the alias table ``data/raw/company_aliases.csv`` in three
steps, each recorded in ``match_method``:

1. ``"alias"`` — the name equals an alias, ignoring case and repeated whitespace;
2. ``"normalized_alias"`` — the :func:`normalize_name` forms are equal (accents,
   punctuation, ``.com``, parenthesised text, a trailing `` - site`` part, and trailing
   legal or generic suffixes such as Inc, LLC, Corp, Ltd, Services, Technologies are
   dropped);
3. ``"fuzzy"`` — the best rapidfuzz score of the normalized name against the normalized
   aliases whose first word it contains reaches ``threshold``, and no alias of *another*
   company ties it ("Applied Computer Services" is not "Apple Computer").

Anything else is ``"unmatched"`` with null ``company_id``, ``cik`` and ``match_score``:
a name is never guessed. Work is done once per *unique* name, then joined back.

Examples
--------
>>> import polars as pl
>>> df = pl.DataFrame({"company": ["Amazon.com Services LLC", "AMAZON WEB SERVICES INC",
...                                "Amazonas Bakery", "Meta Platfroms Incorporated", None]})
>>> resolve_companies(df).select("company_id", "match_method").rows()
[('AMZN', 'alias'), ('AMZN', 'normalized_alias'), (None, 'unmatched'), ('META', 'fuzzy'),
 (None, 'unmatched')]
>>> resolve_companies(df)["cik"][0]
'0001018724'
>>> normalize_name("  Amazon.com Services, L.L.C. (BFI4) ")
'amazon'
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Literal, NoReturn, get_args

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from layofflab import config
from layofflab.errors import InputFileError, InvalidArgumentError
from layofflab.io import read_csv_text

__all__ = [
    "ALIASES_PATH",
    "GENERIC_SUFFIXES",
    "MATCH_METHODS",
    "attach_company_ids",
    "load_aliases",
    "normalize_name",
    "normalize_name_expr",
    "resolve_companies",
]

#: The shipped alias table: alias, company_id, cik, company_name, relation, source_url. The one
#: file is ``data/raw/company_aliases.csv`` (in the MANIFEST); ``resources/company_aliases.csv``
#: links to it, so a built wheel carries a copy and names resolve without a project folder.
ALIASES_PATH: Path = config.RESOURCES / "company_aliases.csv"
#: Values of the ``match_method`` column (``"declared"``: the source file states the company).
MATCH_METHODS: tuple[str, ...] = ("alias", "normalized_alias", "fuzzy", "declared", "unmatched")
#: Trailing words dropped by :func:`normalize_name` (legal forms and generic business words).
GENERIC_SUFFIXES: tuple[str, ...] = (
    "inc",
    "incorporated",
    "llc",
    "l l c",
    "corp",
    "corporation",
    "co",
    "company",
    "ltd",
    "limited",
    "plc",
    "lp",
    "l p",
    "llp",
    "sa",
    "s a",
    "ag",
    "nv",
    "n v",
    "bv",
    "b v",
    "gmbh",
    "se",
    "holdings",
    "holding",
    "group",
    "services",
    "service",
    "technologies",
    "technology",
)

Scorer = Literal[
    "token_sort_ratio", "WRatio", "ratio", "QRatio", "token_set_ratio", "partial_ratio"
]
_SCORERS = {name: getattr(fuzz, name) for name in get_args(Scorer)}
_ALIAS_COLUMNS = ("alias", "company_id", "cik")
_TICKER = r"^[A-Z][A-Z0-9.\-]{0,9}$"
_SUFFIX_RE = r"(\s(" + "|".join(GENERIC_SUFFIXES) + r"))+$"
_CHUNK = 4096  # names scored per rapidfuzz cdist block (bounded memory)


def normalize_name_expr(expr: str | pl.Expr) -> pl.Expr:
    """Polars expression form of :func:`normalize_name` (vectorized)."""
    text = pl.col(expr) if isinstance(expr, str) else expr
    base = (
        text.cast(pl.String)
        .str.replace_all("&amp;", "&", literal=True)
        .str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.to_lowercase()
        .str.replace_all(r"\([^)]*\)", " ")
        .str.replace(r"\s[-–—]+\s.*$", "")
        .str.replace_all(r"\.com\b", " ")
        .str.replace_all(r"['’`]", "")
        .str.replace_all("&", " and ", literal=True)
        .str.replace_all(r"[^\p{L}\p{N}]+", " ")
        .str.strip_chars()
        .str.replace(r"^the\s", "")
    )
    stripped = base.str.replace(_SUFFIX_RE, "").str.strip_chars()
    return pl.when(stripped.str.len_chars() > 0).then(stripped).otherwise(base).replace("", None)


def normalize_name(name: str | None) -> str | None:
    """Normalize one company name: case, accents, punctuation, ``.com`` and legal suffixes.

    Examples
    --------
    >>> normalize_name("Über Technologies, Inc.")
    'uber'
    >>> normalize_name("Orion Logistics LLC - Amazon Delivery Service Partner")  # a contractor
    'orion logistics'
    >>> normalize_name("The Services Company")  # the first word is never stripped
    'services'
    """
    return pl.select(normalize_name_expr(pl.lit(name, dtype=pl.String))).item()


def _exact_key(expr: pl.Expr) -> pl.Expr:
    return expr.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


@functools.lru_cache(maxsize=8)
def _load_aliases_cached(path: Path, mtime_ns: int, size: int) -> pl.DataFrame:
    raw = read_csv_text(path, required=("alias", "company_id", "cik", "company_name", "source_url"))
    return _validated(raw, where=path)


def _fail(
    where: Path | str, expected: str, *, row: int | None, column: str, value: object
) -> NoReturn:
    if isinstance(where, Path):
        raise InputFileError(where, expected, row=row, column=column, value=value)
    raise InvalidArgumentError("aliases", f"{column}={value!r} (row {row})", expected=expected)


def _validated(raw: pl.DataFrame, *, where: Path | str) -> pl.DataFrame:
    """Trim, check and zero-pad an alias table; raise on conflicts."""
    df = raw.with_columns(
        pl.col(c).cast(pl.String).str.strip_chars().replace("", None)
        for c in raw.columns
        if c in (*_ALIAS_COLUMNS, "company_name", "source_url")
    ).with_row_index("_row", offset=1)
    for column in ("alias", "company_id"):
        bad = df.filter(pl.col(column).is_null())
        if bad.height:
            _fail(where, f"a non-empty {column}", row=bad["_row"][0], column=column, value="")
    bad = df.filter(~pl.col("company_id").str.contains(_TICKER))
    if bad.height:
        _fail(
            where,
            "an upper-case ticker as company_id",
            row=bad["_row"][0],
            column="company_id",
            value=bad["company_id"][0],
        )
    bad = df.filter(pl.col("cik").is_not_null() & ~pl.col("cik").str.contains(r"^\d{1,10}$"))
    if bad.height:
        _fail(
            where,
            "a CIK of 1-10 digits (or blank when unknown)",
            row=bad["_row"][0],
            column="cik",
            value=bad["cik"][0],
        )
    df = df.with_columns(
        pl.col("cik").str.zfill(10),
        _key=_exact_key(pl.col("alias")),
        _norm=normalize_name_expr("alias"),
    )
    for key, what in (
        ("company_id", "one CIK per company_id"),
        ("cik", "one company_id per CIK"),
        ("_key", "one company per alias"),
        ("_norm", "one company per normalized alias"),
    ):
        target = "cik" if key == "company_id" else "company_id"
        clash = (
            df.drop_nulls(key)
            .group_by(key)
            .agg(pl.col(target).n_unique().alias("n"), pl.col("_row").min())
        )
        clash = clash.filter(pl.col("n") > 1).sort("_row")
        if clash.height:
            _fail(
                where,
                what,
                row=clash["_row"][0],
                column=(column := key if key in ("company_id", "cik") else "alias"),
                value=df.filter(pl.col("_row") == clash["_row"][0])[column][0],
            )
    return df.drop("_row", "_key", "_norm")


def load_aliases(path: str | Path | None = None) -> pl.DataFrame:
    """Read and check the alias table (default :data:`ALIASES_PATH`; cached per file version).

    Parameters
    ----------
    path : str or Path, optional
        A CSV with columns alias, company_id, cik, company_name, source_url (others kept).

    Returns
    -------
    polars.DataFrame
        One row per alias; ``cik`` zero-padded to 10 digits (null where unknown).

    Raises
    ------
    InputFileError
        Missing columns, an empty alias or company_id, a malformed CIK, a company with
        two CIKs, or one alias (exact or normalized) claimed by two companies.

    Examples
    --------
    >>> aliases = load_aliases()
    >>> aliases.filter(pl.col("alias") == "AWS").select("company_id", "cik").row(0)
    ('AMZN', '0001018724')
    """
    path = Path(path) if path is not None else ALIASES_PATH
    if not path.is_file():
        raise InputFileError(path, "an existing alias table (CSV)")
    stat = path.stat()
    return _load_aliases_cached(path.resolve(), stat.st_mtime_ns, stat.st_size)


def _first_word_present(queries: pl.Series, choices: pl.Series) -> np.ndarray:
    """Boolean [query, choice]: the choice's first word is one of the query's words."""
    first = choices.str.split(" ").list.first()
    words = first.unique().sort()
    word_idx = (
        first.to_frame("w")
        .join(words.to_frame("w").with_row_index("i"), on="w", how="left", maintain_order="left")[
            "i"
        ]
        .to_numpy()
    )
    hits = (
        queries.str.split(" ")
        .to_frame("w")
        .with_row_index("q")
        .explode("w")
        .join(words.to_frame("w").with_row_index("i"), on="w", how="inner")
    )
    present = np.zeros((len(queries), len(words)), dtype=bool)
    present[hits["q"].to_numpy(), hits["i"].to_numpy()] = True
    return present[:, word_idx]


def _fuzzy(
    queries: pl.Series,
    choices: pl.Series,
    codes: np.ndarray,
    *,
    scorer: Callable[..., float],
    threshold: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Best score and winning choice per query (-1: below threshold, or a tie across companies).

    A choice competes only if its first word appears in the query ("Applied Computer" never
    fuzzy-matches "Apple Computer"): typos are tolerated in the other words, not the brand.
    """
    best_idx = np.full(len(queries), -1, dtype=np.int64)
    best_score = np.zeros(len(queries), dtype=np.float64)
    if not len(queries) or not len(choices):
        return best_idx, best_score
    allowed = _first_word_present(queries, choices)
    names = choices.to_list()
    for lo in range(0, len(queries), _CHUNK):
        block = queries.slice(lo, _CHUNK).to_list()
        scores = process.cdist(
            block, names, scorer=scorer, score_cutoff=threshold, dtype=np.float32, workers=-1
        )
        scores = np.where(allowed[lo : lo + len(block)], scores, 0)
        top = scores.max(axis=1)
        arg = scores.argmax(axis=1)
        at_top = (scores == top[:, None]) & (top[:, None] > 0)
        lo_code = np.where(at_top, codes[None, :], np.iinfo(np.int64).max).min(axis=1)
        hi_code = np.where(at_top, codes[None, :], -1).max(axis=1)
        ok = (top >= threshold) & (top > 0) & (lo_code == hi_code)
        best_idx[lo : lo + len(block)] = np.where(ok, arg, -1)
        best_score[lo : lo + len(block)] = top
    return best_idx, best_score


def resolve_companies(
    df: pl.DataFrame,
    *,
    column: str = "company",
    threshold: float = 92.0,
    scorer: Scorer = "token_sort_ratio",
    aliases: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Add ``company_id``, ``cik``, ``match_method`` and ``match_score`` to ``df``.

    Parameters
    ----------
    df : polars.DataFrame
        Any table with a company-name column. Existing columns of the four output
        names are replaced.
    column : str
        The name column.
    threshold : float
        Minimum fuzzy score (0-100] for a ``"fuzzy"`` match. At the default 92 with
        ``token_sort_ratio`` a fuzzy match tolerates about one typo per 13 characters.
    scorer : {"token_sort_ratio", "WRatio", "ratio", "QRatio", "token_set_ratio", "partial_ratio"}
        rapidfuzz scorer for the fuzzy step. ``partial_ratio``, ``token_set_ratio`` and
        ``WRatio`` score substrings highly ("Amazonas Bakery" vs "amazon"): use them
        only with a review of the matches.
    aliases : polars.DataFrame, optional
        Alias table with at least alias, company_id, cik (default :func:`load_aliases`).

    Returns
    -------
    polars.DataFrame
        ``df`` in its original order plus ``company_id`` (String), ``cik`` (10-digit
        String), ``match_method`` (one of :data:`MATCH_METHODS`) and ``match_score``
        (Float64: 100 for alias hits, the fuzzy score, null when unmatched).

    Raises
    ------
    InvalidArgumentError
        Unknown column or scorer, threshold outside (0, 100], or a malformed alias table.
    """
    if column not in df.columns:
        raise InvalidArgumentError("column", column, expected=f"a column of df ({df.columns})")
    if scorer not in _SCORERS:
        raise InvalidArgumentError("scorer", scorer, expected=f"one of {sorted(_SCORERS)}")
    if not 0 < threshold <= 100:
        raise InvalidArgumentError("threshold", threshold, expected="a score in (0, 100]")
    if aliases is None:
        aliases = load_aliases()
    else:
        missing = [c for c in _ALIAS_COLUMNS if c not in aliases.columns]
        if missing:
            raise InvalidArgumentError(
                "aliases", missing, expected=f"columns {list(_ALIAS_COLUMNS)}"
            )
        aliases = _validated(aliases.select(_ALIAS_COLUMNS), where="aliases")
    table = aliases.select(
        "company_id", "cik", _key=_exact_key(pl.col("alias")), _norm=normalize_name_expr("alias")
    )
    by_key = table.unique("_key").select("_key", _id1="company_id")
    by_norm = table.unique("_norm").select("_norm", _id2="company_id")

    names = (
        df.select(pl.col(column).cast(pl.String).alias("_name"))
        .unique()
        .with_columns(_key=_exact_key(pl.col("_name")), _norm=normalize_name_expr("_name"))
        .join(by_key, on="_key", how="left")
        .join(by_norm, on="_norm", how="left")
    )
    unresolved = pl.col("_id1").is_null() & pl.col("_id2").is_null() & pl.col("_norm").is_not_null()
    todo = names.filter(unresolved).select("_norm").unique()
    choices = by_norm.sort("_norm")
    codes = choices["_id2"].rank("dense").cast(pl.Int64).to_numpy()
    idx, score = _fuzzy(
        todo["_norm"], choices["_norm"], codes, scorer=_SCORERS[scorer], threshold=float(threshold)
    )
    fuzzy = (
        todo.with_columns(_idx=pl.Series(idx), _score=pl.Series(score, dtype=pl.Float64))
        .filter(pl.col("_idx") >= 0)
        .join(
            choices.with_row_index("_idx").select(pl.col("_idx").cast(pl.Int64), _id3="_id2"),
            on="_idx",
            how="left",
        )
        .drop("_idx")
    )
    ciks = table.unique("company_id").select("company_id", "cik")
    resolved = (
        names.join(fuzzy, on="_norm", how="left")
        .with_columns(
            company_id=pl.coalesce("_id1", "_id2", "_id3"),
            match_method=pl.when(pl.col("_id1").is_not_null())
            .then(pl.lit("alias"))
            .when(pl.col("_id2").is_not_null())
            .then(pl.lit("normalized_alias"))
            .when(pl.col("_id3").is_not_null())
            .then(pl.lit("fuzzy"))
            .otherwise(pl.lit("unmatched")),
        )
        .with_columns(
            match_score=pl.when(pl.col("match_method").is_in(["alias", "normalized_alias"]))
            .then(pl.lit(100.0))
            .when(pl.col("match_method") == "fuzzy")
            .then(pl.col("_score").round(2))
            .otherwise(None)
            .cast(pl.Float64)
        )
        .join(ciks, on="company_id", how="left")
        .select("_name", "company_id", "cik", "match_method", "match_score")
    )
    outputs = ("company_id", "cik", "match_method", "match_score")
    out = df.drop([c for c in outputs if c in df.columns])
    return (
        out.with_columns(pl.col(column).cast(pl.String).alias("_name"))
        .join(resolved, on="_name", how="left", nulls_equal=True, maintain_order="left")
        .drop("_name")
    )


def attach_company_ids(df: pl.DataFrame, *, column: str, resolve: bool = True) -> pl.DataFrame:
    """:func:`resolve_companies` on ``column``, or the same four columns left unmatched.

    With ``resolve=False`` the columns are unmatched (null ids and score) — for readers called
    with matching switched off.

    >>> attach_company_ids(pl.DataFrame({"employer": ["AWS"]}), column="employer", resolve=False).row(0)
    ('AWS', None, None, 'unmatched', None)
    """
    if resolve:
        return resolve_companies(df, column=column)
    return df.with_columns(
        company_id=pl.lit(None, dtype=pl.String),
        cik=pl.lit(None, dtype=pl.String),
        match_method=pl.lit("unmatched"),
        match_score=pl.lit(None, dtype=pl.Float64),
    )
