"""Job titles → expanded title, occupation group, SOC 2018 major group, seniority.

The rules are data (:mod:`layofflab.roles.rules`); this module turns them into polars
expressions and evaluates them once per distinct title (:func:`layofflab.cleaning.per_value`).

Examples
--------
>>> out = classify_titles(["SOFTWARE DEV ENGINEER II", "Sr.Mgr, General MKTG", "Wizard"])
>>> out.select("title_expanded", "group", "seniority").rows()
[('SOFTWARE DEVELOPMENT ENGINEER II', 'software engineering', 'level II'),
 ('Senior Manager, General Marketing', 'sales and marketing', 'senior manager'),
 ('Wizard', 'unclassified', 'unspecified')]
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import polars as pl

from layofflab.cleaning import normalize_text, per_value
from layofflab.errors import InvalidArgumentError
from layofflab.roles.rules import MANAGEMENT_SOC, UNCLASSIFIED, RoleTables, Rule, load_tables

__all__ = ["COLUMNS", "classify_titles", "expand_abbreviations"]

#: Output columns of :func:`classify_titles`, in order.
COLUMNS: tuple[str, ...] = (
    "title",
    "title_expanded",
    "group",
    "soc_major_code",
    "soc_major_name",
    "seniority",
    "level",
    "rule",
    "seniority_rule",
    "unclassified",
)


def expand_abbreviations(expr: str | pl.Expr, *, tables: RoleTables | None = None) -> pl.Expr:
    """Expression expanding the abbreviations of ``roles_abbreviations.csv`` in a title.

    Whitespace is collapsed and HTML entities decoded first (:func:`layofflab.cleaning.normalize_text`);
    an empty title gives null. In an all-capitals title (a word of four or more capitals and no
    lower case) the expansions are in capitals too.

    Examples
    --------
    >>> titles = pl.DataFrame({"t": ["SYSTEM ADMIN/ENGR II", "Acct Exec I 50, Ad Growth", "Sr. PgM"]})
    >>> titles.select(expand_abbreviations("t")).to_series().to_list()
    ['SYSTEM ADMINISTRATOR/ENGINEER II', 'Account Executive I 50, Ad Growth', 'Senior Program Manager']
    """
    t = tables or load_tables()
    text = normalize_text(expr)
    # All capitals: a word of 4+ capitals and no lower-case letter ('SOFTWARE DEV ENGINEER II',
    # not 'SDE II', which is only an acronym and a level).
    caps = text.str.contains(r"\p{Lu}{4}") & ~text.str.contains(r"\p{Ll}")
    out = text.str.replace_all(t.glued_dot, "${1}. ${2}")
    for abbreviation in t.abbreviations:
        out = out.str.replace_all(abbreviation.pattern, abbreviation.expansion)
    out = out.str.replace_all(r"\s{2,}", " ").str.strip_chars()
    return pl.when(caps).then(out.str.to_uppercase()).otherwise(out)


def _first_match(text: pl.Expr, rules: Sequence[Rule]) -> pl.Expr:
    """Index of the first rule whose pattern ``text`` contains, else null."""
    return pl.coalesce(
        [
            pl.when(text.str.contains(r.pattern)).then(pl.lit(i, pl.UInt16))
            for i, r in enumerate(rules)
        ]
    )


def _pick(
    index: pl.Expr, values: Sequence[str | int | None], dtype: pl.DataType | type[pl.DataType]
) -> pl.Expr:
    return index.replace_strict(
        list(range(len(values))), list(values), default=None, return_dtype=dtype
    )


@cache
def _stages(t: RoleTables) -> list[dict[str, pl.Expr]]:
    groups, seniority = pl.Enum(t.group_labels), pl.Enum(t.seniority)
    g, s = t.group_rules, t.seniority_rules
    levels = [(i, t.level[r.value]) for i, r in enumerate(s) if r.value in t.level]
    text = pl.col("title_expanded")
    group_at, seniority_at = pl.col("_t_g"), pl.col("_t_s")
    return [
        {"title_expanded": expand_abbreviations("title", tables=t)},
        {
            "_t_g": _first_match(text, g),
            "_t_s": _first_match(text, s),
            "_t_l": _first_match(text, [s[i] for i, _ in levels]),
        },
        {
            "group": _pick(group_at, [r.value for r in g], pl.String)
            .fill_null(UNCLASSIFIED)
            .cast(groups),
            "_t_soc": _pick(group_at, [r.soc_major_code for r in g], pl.String),
            "seniority": _pick(seniority_at, [r.value for r in s], pl.String)
            .fill_null("unspecified")
            .cast(seniority),
            "level": _pick(pl.col("_t_l"), [n for _, n in levels], pl.Int8),
            "rule": _pick(group_at, [r.rule for r in g], pl.String),
            "seniority_rule": _pick(seniority_at, [r.rule for r in s], pl.String),
            "unclassified": group_at.is_null(),
        },
        {
            "soc_major_code": pl.when(group_at.is_null())
            .then(None)
            .when(pl.col("seniority").cast(pl.String).is_in(sorted(t.soc_management)))
            .then(pl.lit(MANAGEMENT_SOC))
            .otherwise(pl.col("_t_soc")),
        },
        {
            "soc_major_name": pl.col("soc_major_code").replace_strict(
                dict(t.soc_names), default=None, return_dtype=pl.String
            )
        },
    ]


def _as_series(titles: object) -> pl.Series:
    if isinstance(titles, pl.Series):
        if titles.dtype in (pl.String, pl.Null, pl.Categorical) or isinstance(
            titles.dtype, pl.Enum
        ):
            return titles.cast(pl.String).rename("title")
        raise InvalidArgumentError(
            "titles", f"Series of {titles.dtype}", expected="a polars Series of text"
        )
    expected = "a list or tuple of str (or None) or a polars Series of text"
    if isinstance(titles, str | bytes) or not isinstance(titles, list | tuple):
        raise InvalidArgumentError("titles", titles, expected=expected)
    try:  # polars checks the items (no Python loop over them)
        return pl.Series("title", titles, dtype=pl.String, strict=True)
    except TypeError as exc:
        found = str(exc).splitlines()[0].split("; ")[-1]
        raise InvalidArgumentError("titles", found, expected=expected) from exc


def classify_titles(
    titles: Sequence[str | None] | pl.Series, *, tables: RoleTables | None = None
) -> pl.DataFrame:
    """Classify job titles into occupation groups, SOC 2018 major groups and seniority.

    The rules (``resources/roles_*.csv``) run once per distinct title, so a million rows of a
    few thousand titles cost about as much as those titles.

    Parameters
    ----------
    titles : list or tuple of str or None, or polars.Series of text
        The titles, as written (``'SOFTWARE DEV ENGINEER II'``, ``'Sr.Mgr, General MKTG'``).
    tables : RoleTables, optional
        Rule tables from :func:`layofflab.roles.load_tables` (default: the shipped ones).

    Returns
    -------
    polars.DataFrame
        One row per input title, in input order, with :data:`COLUMNS`:

        * ``title``: the input; ``title_expanded``: abbreviations expanded (null for an empty title);
        * ``group`` (Enum): one of the 13 groups, or ``'unclassified'`` where no rule matches
          (never guessed); ``unclassified`` (bool) says the same;
        * ``soc_major_code``, ``soc_major_name``: the SOC 2018 major group; ``11-0000`` for people
          managers, directors and executives; null where unclassified;
        * ``seniority`` (Enum, in rank order of ``roles_seniority.csv``): ``'unspecified'`` where
          the title has no marker; ``level`` (Int8): the level number written in the title, even
          beside a rank (``'Manager III'`` → 3), else null;
        * ``rule``, ``seniority_rule``: the ids of the rules that matched, else null.

    Raises
    ------
    InvalidArgumentError
        ``titles`` is not a list of text or a text Series.

    Examples
    --------
    >>> out = classify_titles(["Manager III, Software Dev", "BUSINESS INTEL ENGINEER I", "", None])
    >>> out.select("group", "soc_major_code", "seniority", "level", "rule").rows()
    [('software engineering', '11-0000', 'manager', 3, 'software'),
     ('data and applied science', '15-0000', 'level I', 1, 'analytics'),
     ('unclassified', None, 'unspecified', None, None),
     ('unclassified', None, 'unspecified', None, None)]
    >>> classify_titles(pl.Series(["Fulfillment Associate"]))["soc_major_name"].item()
    'Transportation and Material Moving Occupations'
    """
    t = tables or load_tables()
    series = _as_series(titles)
    out = per_value(series.to_frame(), ["title"], _stages(t))
    return out.with_columns(series).select(COLUMNS)
