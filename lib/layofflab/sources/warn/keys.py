"""Comparison keys of WARN rows: the employer name and the site reduced to what identifies them.

The patterns and street words are ``[rules]`` in ``resources/warn_states.toml``.
"""

from __future__ import annotations

import polars as pl

from layofflab.sources.warn.layouts import rules

__all__ = ["employer_key", "notice_key", "site_key"]


def employer_key(expr: str | pl.Expr) -> pl.Expr:
    """Employer name reduced for comparing notices.

    Lower case; markers, legal forms and punctuation removed.

    >>> import polars as pl
    >>> names = pl.DataFrame({"e": ["Pall Filter Specialists, Inc.-Revised (1)",
    ...                             "**JC Penney (Cancelled)"]})
    >>> names.select(employer_key("e")).to_series().to_list()
    ['pall filter specialists', 'jc penney']
    """
    text = pl.col(expr) if isinstance(expr, str) else expr
    key = text.cast(pl.String)
    for pattern in rules()["employer_key_strip"]:
        key = key.str.replace_all(pattern, " ")
    key = key.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()
    fallback = text.cast(pl.String).str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ")
    return pl.when(key == "").then(fallback.str.strip_chars()).otherwise(key)


def site_key(expr: str | pl.Expr) -> pl.Expr:
    """Site text reduced for comparing rows; '' when null.

    Lower case, letters and digits only, street words shortened (``[rules.address_words]``).

    >>> import polars as pl
    >>> sites = pl.DataFrame({"s": ["2400 Oakdale Boulevard", "2400  Oakdale Blvd.", None]})
    >>> sites.select(site_key("s")).to_series().to_list()
    ['2400 oakdale blvd', '2400 oakdale blvd', '']
    """
    text = pl.col(expr) if isinstance(expr, str) else expr
    key = text.cast(pl.String).str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ")
    words = rules()["address_words"]
    if words:
        pattern = r"\b(" + "|".join(sorted(words, key=len, reverse=True)) + r")\b"
        hit = key.str.contains(pattern)
        short = key
        for long, abbr in words.items():
            short = short.str.replace_all(rf"\b{long}\b", abbr)
        key = pl.when(hit).then(short).otherwise(key)
    return key.str.strip_chars().fill_null("")


def notice_key(expr: str | pl.Expr) -> pl.Expr:
    """:func:`employer_key` of the name without a site code after it.

    The site codes are ``[rules] site_code_strip``: the sites of one notice listed under their
    own names share the key.

    >>> import polars as pl
    >>> names = pl.DataFrame({"e": ["Amazon (SJC14)", "Amazon - MAB1", "Intel Corporation - SC-11"]})
    >>> names.select(notice_key("e")).to_series().to_list()
    ['amazon', 'amazon', 'intel']
    """
    text = (pl.col(expr) if isinstance(expr, str) else expr).cast(pl.String)
    for pattern in rules()["site_code_strip"]:
        text = text.str.replace(pattern, "")
    return employer_key(text)
