"""Layoff-tracker and AI-capex-announcement tables."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from layofflab.schemas._base import _PROVENANCE_COLUMNS, _TICKER_PATTERN

__all__ = ["ANNOUNCEMENTS", "MAX_AMOUNT_BN", "SOURCE_TIERS", "TRACKER"]

#: Tiers of a cited page (``resources/source_domains.csv``, ``sources.source_tiers``):
#: ``primary`` = the firm's own release, memo, official blog or call transcript, an SEC filing
#: or a state WARN portal; ``news`` = an established news outlet or trade publication;
#: ``weak`` = an aggregator, content farm, syndication feed, social post or partisan site.
SOURCE_TIERS: tuple[str, ...] = ("primary", "news", "weak")

_tier = pa.Column(pl.String, pa.Check.isin(list(SOURCE_TIERS)), nullable=True)

#: The cleaned layoff-tracker table (``sources.tracker``). ``source_tier`` is null where the
#: row cites no page or (in a third-party export) a domain the domain table does not know;
#: ``corrected`` marks rows changed by a correction, ``correction`` says what and why.
TRACKER = pa.DataFrameSchema(
    {
        "company": pa.Column(pl.String, nullable=False),
        "company_id": pa.Column(pl.String, nullable=True),
        "cik": pa.Column(pl.String, pa.Check.str_matches(r"^\d{10}$"), nullable=True),
        "match_method": pa.Column(pl.String, nullable=False),
        "match_score": pa.Column(pl.Float64, pa.Check.in_range(0, 100), nullable=True),
        "location": pa.Column(pl.String, nullable=True),
        "country": pa.Column(pl.String, pa.Check.str_matches(r"^.*[^.,;: ]$"), nullable=True),
        "industry": pa.Column(pl.String, nullable=True),
        "laid_off": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
        "laid_off_approximate": pa.Column(pl.Boolean, nullable=False),
        "pct_laid_off": pa.Column(pl.Float64, pa.Check.in_range(0, 1), nullable=True),
        "date": pa.Column(pl.Date, nullable=False),
        "stage": pa.Column(pl.String, nullable=True),
        "funds_raised_musd": pa.Column(pl.Float64, pa.Check.ge(0), nullable=True),
        "source_url": pa.Column(pl.String, nullable=True),
        "source_tier": _tier,
        "date_added": pa.Column(pl.Date, nullable=True),
        "date_added_before_date": pa.Column(pl.Boolean, nullable=True),
        "export_format": pa.Column(pl.String, nullable=False),
        "corrected": pa.Column(pl.Boolean, nullable=False),
        "correction": pa.Column(pl.String, nullable=True),
        **_PROVENANCE_COLUMNS,
    },
    strict=True,
    name="tracker",
    unique=["source_file", "source_row"],
)


#: Largest amount accepted (USD bn): the biggest pledges are ~$600bn.
MAX_AMOUNT_BN = 10_000.0

#: The cleaned AI-capex announcements table (``sources.announcements``). ``collected_from`` /
#: ``collected_to`` are the window the source searched (null: not stated): a quarter outside
#: it is "not collected", not "no announcement".
ANNOUNCEMENTS = pa.DataFrameSchema(
    {
        "company_id": pa.Column(pl.String, pa.Check.str_matches(_TICKER_PATTERN)),
        "cik": pa.Column(pl.String, pa.Check.str_matches(r"^\d{10}$"), nullable=True),
        "announce_date": pa.Column(pl.Date),
        "event_type": pa.Column(pl.String),
        "is_capex_guidance": pa.Column(pl.Boolean),
        "amount_usd_bn": pa.Column(pl.Float64, pa.Check.in_range(0, MAX_AMOUNT_BN), nullable=True),
        "horizon": pa.Column(pl.String, nullable=True),
        "description": pa.Column(pl.String, nullable=True),
        "source_url": pa.Column(pl.String, pa.Check.str_matches(r"^https?://\S+\.\S+$")),
        "source_tier": pa.Column(pl.String, pa.Check.isin(list(SOURCE_TIERS))),
        "verified": pa.Column(pl.Boolean),
        "collected_from": pa.Column(pl.Date, nullable=True),
        "collected_to": pa.Column(pl.Date, nullable=True),
        "source_file": pa.Column(pl.String),
        "source_row": pa.Column(pl.Int64, pa.Check.ge(1)),
    },
    strict=True,
    ordered=True,
    name="announcements",
    unique=["source_file", "source_row"],
)
