"""The tier of a cited page (primary, news or weak), from the domain table ``resources/source_domains.csv``.

One registry serves every source that cites pages (layoff events, AI-capex announcements).
A URL's host takes the tier of the longest domain in the table that equals it or of which
it is a subdomain (``web-origin.lbkrs.com`` → ``lbkrs.com``); ``www.`` needs no entry.
Which tiers exist is :data:`layofflab.schemas.SOURCE_TIERS`.

Examples
--------
>>> import polars as pl
>>> df = pl.DataFrame({"source_url": ["https://www.cnbc.com/2025/10/28/a.html",
...                                   "https://web-origin.lbkrs.com/news/1", None]})
>>> df.with_columns(tier_of("source_url", frame=df, source="demo")).to_dicts()[1]
{'source_url': 'https://web-origin.lbkrs.com/news/1', 'source_tier': 'weak'}
>>> host_of("HTTPS://About.FB.com:443/news/2023/03/x/")
'about.fb.com'
>>> tier_of("source_url", frame=pl.DataFrame({"source_url": ["https://unknown.example/x"]}),
...         source="demo")
Traceback (most recent call last):
...
layofflab.errors.LookupMissError: source 'demo', column 'source_url': value 'https://unknown.example/x' has no entry in source_domains.csv
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import polars as pl

from layofflab import config
from layofflab.errors import InputFileError, LookupMissError
from layofflab.io import sniff_encoding
from layofflab.schemas import SOURCE_TIERS

__all__ = ["DOMAINS_PATH", "host_of", "load_domains", "tier_of"]

#: The shipped domain table: domain, tier, note.
DOMAINS_PATH: Path = config.RESOURCES / "source_domains.csv"
_COLUMNS = ("domain", "tier", "note")
_HOST = re.compile(r"^[a-z][a-z0-9+.\-]*://(?:[^/?#@]*@)?([^/?#:]+)", re.IGNORECASE)
_DOMAIN = re.compile(r"^(?!-)[a-z0-9\-]+(\.[a-z0-9\-]+)+$")


def host_of(url: str | None) -> str | None:
    """The lower-case host of an http(s)-style URL (no port, no user info); None if there is none.

    Examples
    --------
    >>> host_of("https://user@About.FB.com:443/news?x=1"), host_of("not a url")
    ('about.fb.com', None)
    """
    if url is None:
        return None
    found = _HOST.match(url.strip())
    return found.group(1).lower().rstrip(".") if found else None


@cache
def _load(path: Path, mtime_ns: int) -> pl.DataFrame:
    table = pl.read_csv(path, infer_schema=False, comment_prefix="#")
    if tuple(table.columns) != _COLUMNS:
        raise InputFileError(
            path, f"the header {','.join(_COLUMNS)}", found=",".join(table.columns)
        )
    seen: dict[str, int] = {}
    for row, (domain, tier, note) in enumerate(table.iter_rows(), start=1):
        if domain is None or not _DOMAIN.match(domain):
            raise InputFileError(
                path, "a lower-case domain such as cnbc.com", row=row, column="domain", value=domain
            )
        if domain in seen:
            raise InputFileError(
                path, f"one row per domain (first at row {seen[domain]})", row=row, value=domain
            )
        seen[domain] = row
        if tier not in SOURCE_TIERS:
            raise InputFileError(
                path, f"a tier in {list(SOURCE_TIERS)}", row=row, column="tier", value=tier
            )
        if not (note or "").strip():
            raise InputFileError(path, "a note saying what the site is", row=row, column="note")
    return table


def load_domains(path: str | Path | None = None) -> pl.DataFrame:
    """The domain table (``domain``, ``tier``, ``note``), checked.

    Domains are lower-case, each once, with a known tier and a note per row.

    Raises
    ------
    InputFileError
        Naming the file, row, column and value of the first bad row.

    Examples
    --------
    >>> load_domains().columns
    ['domain', 'tier', 'note']
    """
    path = Path(path) if path is not None else DOMAINS_PATH
    sniff_encoding(path)  # missing, empty or binary files: the standard one-line error
    return _load(path.resolve(), path.stat().st_mtime_ns)


def _tier(host: str | None, tiers: dict[str, str]) -> str | None:
    parts = host.split(".") if host else []
    if parts and parts[0] == "www":
        parts = parts[1:]
    for start in range(len(parts) - 1):
        hit = tiers.get(".".join(parts[start:]))
        if hit is not None:
            return hit
    return None


def tier_of(
    column: str,
    *,
    frame: pl.DataFrame,
    source: str,
    required: bool = True,
    domains: str | Path | None = None,
) -> pl.Expr:
    """Expression giving the ``source_tier`` of each URL in ``column`` of ``frame``.

    Parameters
    ----------
    column : str
        The URL column.
    frame : polars.DataFrame
        The rows the expression will be evaluated on (their distinct URLs are looked up now).
    source : str
        Named in the error message (e.g. ``"announcements ai_capex_announcements.csv"``).
    required : bool
        True: a URL whose domain is not in the table raises :class:`LookupMissError`.
        False: its tier is null (third-party exports cite hundreds of unclassified sites).
    domains : path, optional
        Another domain table in the same format (default: the shipped one).

    Returns
    -------
    polars.Expr
        A String expression named ``source_tier``; null for null URLs.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"url": ["https://about.fb.com/news/x", None]})
    >>> df.select(tier_of("url", frame=df, source="example")).to_series().to_list()
    ['primary', None]
    """
    table = load_domains(domains)
    tiers = dict(zip(table["domain"].to_list(), table["tier"].to_list(), strict=True))
    urls = frame.get_column(column).drop_nulls().unique(maintain_order=True).to_list()
    mapping: dict[str, str | None] = {}
    for url in urls:
        mapping[url] = _tier(host_of(url), tiers)
        if mapping[url] is None and required:
            raise LookupMissError(source, column, url, table=Path(domains or DOMAINS_PATH).name)
    return (
        pl.col(column)
        .replace_strict(mapping, default=None, return_dtype=pl.String)
        .alias("source_tier")
    )
