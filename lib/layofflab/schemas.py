"""Every declared table schema (pandera's polars support) and the one validator.

The home of every schema: :data:`TRACKER`, :data:`WARN`, :data:`SEC`,
:data:`ANNOUNCEMENTS`, :data:`FIRMS`, :data:`HEADCOUNT`, the AI-event tables :data:`AI_CLUSTERS`
and :data:`DC_REGISTRY`, and the :data:`REJECTS` schema every rejects table shares; and of
the vocabulary they share, such as :data:`SOURCE_TIERS` (the tier of a cited page). A
reader's output columns are derived from its schema (``COLUMNS = tuple(SCHEMA.columns)``).
Every processed table is validated before it is written; a failure raises
:class:`~layofflab.errors.SchemaValidationError` listing the failing checks, and nothing
is written.

Examples
--------
>>> import polars as pl
>>> validate(pl.DataFrame({"source_file": ["a.csv"], "source_row": [0]}), PROVENANCE, table="demo")
Traceback (most recent call last):
...
layofflab.errors.SchemaValidationError: table 'demo' fails its schema: column 'source_row' check greater_than_or_equal_to(1): 1 row(s), e.g. 0
>>> tuple(SEC.columns)[:3]
('company_id', 'cik', 'concept')
"""

from __future__ import annotations

from typing import Any

import pandera.polars as pa
import polars as pl

from layofflab.errors import SchemaValidationError

__all__ = [
    "AI_CLUSTERS",
    "ANNOUNCEMENTS",
    "CAPEX_DEFINITIONS",
    "CLUSTER_STATUSES",
    "COVERAGE",
    "COVERAGE_SOURCES",
    "DC_REGISTRY",
    "DERIVATIONS",
    "FIRMS",
    "HEADCOUNT",
    "HEADCOUNT_BASES",
    "HEADCOUNT_SOURCE_KINDS",
    "JOB_FAMILIES",
    "JOB_TITLES",
    "LAYOFF_TYPES",
    "MAX_AMOUNT_BN",
    "PANEL",
    "PROVENANCE",
    "REJECTS",
    "SEC",
    "SOURCE_KINDS",
    "SOURCE_TIERS",
    "TRACKER",
    "WARN",
    "validate",
    "validate_cleaned",
]

_PROVENANCE_COLUMNS = {
    "source_file": pa.Column(pl.String, nullable=False),
    "source_row": pa.Column(pl.Int64, pa.Check.ge(1), nullable=False),
}

#: The two provenance columns every clean and rejects table carries.
PROVENANCE = pa.DataFrameSchema(_PROVENANCE_COLUMNS, strict=False, name="provenance")

#: Rejects tables: provenance, a reason and the raw values.
REJECTS = pa.DataFrameSchema(
    {
        **_PROVENANCE_COLUMNS,
        "reason": pa.Column(pl.String, nullable=False),
        "raw": pa.Column(pl.String, nullable=False),
    },
    strict=True,
    name="rejects",
    unique=["source_file", "source_row"],
)

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


_TICKER_PATTERN = r"^[A-Z][A-Z0-9.\-]{0,9}$"

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


#: Values of ``layoff_type`` (``layoff_type_raw`` keeps the state's own words).
LAYOFF_TYPES = (
    "closure",
    "layoff",
    "temporary_layoff",
    "temporary_closure",
    "relocation",
    "reduced_hours",
    "other",
)

_str = pa.Column(pl.String, nullable=True)
#: No WARN date before the federal WARN Act was signed (resources/warn_states.toml [rules.dates]).
_date = pa.Column(pl.Date, pa.Check.ge(pl.date(1988, 8, 4)), nullable=True)

#: The cleaned WARN table (``sources.warn``).
WARN = pa.DataFrameSchema(
    {
        "state": pa.Column(pl.String, pa.Check.str_matches(r"^[A-Z]{2}$"), nullable=False),
        "employer": pa.Column(pl.String, pa.Check.str_length(min_value=1), nullable=False),
        "company_id": _str,
        "cik": pa.Column(pl.String, pa.Check.str_matches(r"^\d{10}$"), nullable=True),
        "match_method": pa.Column(pl.String, nullable=False),
        "match_score": pa.Column(pl.Float64, pa.Check.in_range(0, 100), nullable=True),
        "notice_id": pa.Column(pl.String, nullable=False),
        "notice_date": _date,
        "effective_date": _date,
        "received_date": _date,
        "posted_date": _date,
        "employees_affected": pa.Column(pl.Int64, pa.Check.in_range(0, 1_000_000), nullable=True),
        "employees_approximate": pa.Column(pl.Boolean, nullable=False),
        "location": _str,
        "site_address": _str,
        "county": _str,
        "layoff_type": pa.Column(pl.String, pa.Check.isin(LAYOFF_TYPES), nullable=True),
        "layoff_type_raw": _str,
        "is_amendment": pa.Column(pl.Boolean, nullable=False),
        "is_rescission": pa.Column(pl.Boolean, nullable=False),
        "amends_source_file": _str,
        "amends_source_row": pa.Column(pl.Int64, pa.Check.ge(1), nullable=True),
        "counted": pa.Column(pl.Boolean, nullable=False),
        "notes": _str,
        "flags": _str,
        "naics": _str,
        "industry": _str,
        "source_notice_id": _str,
        "register_cik": pa.Column(pl.String, pa.Check.str_matches(r"^\d{1,10}$"), nullable=True),
        "register_ticker": _str,
        "register_is_amended": pa.Column(pl.Boolean, nullable=True),
        "register_dedupe_key": _str,
        "layout": pa.Column(pl.String, nullable=False),
        "source_file": pa.Column(pl.String, nullable=False),
        "source_row": pa.Column(pl.Int64, pa.Check.ge(1), nullable=False),
    },
    strict=True,
    ordered=True,
    name="warn",
    unique=["source_file", "source_row"],
)


#: Values of ``derived`` in the SEC table: how each quarter was obtained from the facts
#: (``as published``: a third party's quarter or a figure quoted in the press, taken as it stands).
DERIVATIONS: tuple[str, ...] = (
    "reported quarter",
    "YTD difference",
    "FY minus 9M",
    "YTD minus quarters",
    "instant at period end",
    "as published",
)

#: Where a figure comes from: SEC XBRL company facts read by our reader (``sec_xbrl``), a
#: third party's derivation of them (``third_party``), or a figure quoted in the press
#: (``press``). Non-SEC figures only fill gaps and are never pooled with SEC ones silently.
SOURCE_KINDS: tuple[str, ...] = ("sec_xbrl", "third_party", "press")

#: What a capex figure measures. Press figures often include finance leases; XBRL
#: ``PaymentsToAcquire…`` tags never do.
CAPEX_DEFINITIONS: tuple[str, ...] = (
    "cash capex: property and equipment, excl. finance leases",
    "cash capex: property, equipment and intangible assets, excl. finance leases",
    "capex incl. finance leases",
    "capex, definition not stated",
)

_ACCESSION = r"^\d{10}-\d{2}-\d{6}$"
_URL = r"^https?://\S+\.\S+$"


def _sec_rows_cite_a_filing(data: Any) -> pl.LazyFrame:
    return data.lazyframe.select(
        (pl.col("source_kind") != "sec_xbrl")
        | (pl.col("accession").is_not_null() & pl.col("filed").is_not_null())
    )


def _capex_definition_known(data: Any) -> pl.LazyFrame:
    return data.lazyframe.select(
        (pl.col("concept") != "capex") | pl.col("definition").is_in(list(CAPEX_DEFINITIONS))
    )


#: The cleaned SEC quarterly table: one row per company × concept × fiscal quarter.
SEC = pa.DataFrameSchema(
    {
        "company_id": pa.Column(pl.String, nullable=True),  # null: CIK not in the alias table
        "cik": pa.Column(pl.String, pa.Check.str_matches(r"^\d{10}$"), nullable=False),
        "concept": pa.Column(pl.String, nullable=False),
        "xbrl_tag": pa.Column(pl.String, nullable=True),  # null: a press figure
        "unit": pa.Column(pl.String, nullable=False),
        "fiscal_year": pa.Column(pl.Int32, pa.Check.in_range(1990, 2100), nullable=False),
        "fiscal_period": pa.Column(
            pl.String, pa.Check.isin(["Q1", "Q2", "Q3", "Q4"]), nullable=False
        ),
        "period_start": pa.Column(pl.Date, nullable=True),  # null for instants (balances)
        "period_end": pa.Column(pl.Date, nullable=False),
        "calendar_year": pa.Column(pl.Int32, pa.Check.in_range(1990, 2100), nullable=False),
        "calendar_quarter": pa.Column(pl.Int8, pa.Check.in_range(1, 4), nullable=False),
        "value": pa.Column(pl.Float64, nullable=False),
        "derived": pa.Column(pl.String, pa.Check.isin(list(DERIVATIONS)), nullable=False),
        # accession and filed: always for sec_xbrl rows (checked below), where known otherwise
        "accession": pa.Column(pl.String, pa.Check.str_matches(_ACCESSION), nullable=True),
        "filed": pa.Column(pl.Date, nullable=True),
        "first_filed": pa.Column(pl.Date, nullable=True),  # null in transcribed rows without it
        "form": pa.Column(pl.String, nullable=True),
        "source_kind": pa.Column(pl.String, pa.Check.isin(list(SOURCE_KINDS)), nullable=False),
        "definition": pa.Column(pl.String, nullable=False),
        "source_url": pa.Column(pl.String, pa.Check.str_matches(_URL), nullable=False),
        "source_file": pa.Column(pl.String, nullable=False),
        "source_row": pa.Column(pl.Int64, pa.Check.ge(1), nullable=False),
    },
    checks=[
        pa.Check(_sec_rows_cite_a_filing, name="sec_xbrl rows have an accession and filed date"),
        pa.Check(_capex_definition_known, name="capex definition in CAPEX_DEFINITIONS"),
    ],
    strict=True,
    ordered=True,
    name="sec",
    unique=["cik", "concept", "fiscal_year", "fiscal_period"],
)


#: The firm table (``sources.firms``): one row per firm of the default panel.
FIRMS = pa.DataFrameSchema(
    {
        "company_id": pa.Column(pl.String, pa.Check.str_matches(_TICKER_PATTERN), unique=True),
        "cik": pa.Column(pl.String, pa.Check.str_matches(r"^\d{10}$"), unique=True),
        "name": pa.Column(pl.String, pa.Check.str_length(min_value=1)),
        "fiscal_year_end_month": pa.Column(pl.Int8, pa.Check.in_range(1, 12)),
        "fiscal_year_end": pa.Column(pl.String, pa.Check.str_length(min_value=1)),
        "source_url": pa.Column(pl.String, pa.Check.str_matches(_URL)),
        **_PROVENANCE_COLUMNS,
    },
    strict=True,
    ordered=True,
    name="firms",
    unique=["source_file", "source_row"],
)

#: Where a headcount comes from: the 10-K's own sentence (``sec_10k``) or a news page (``press``).
HEADCOUNT_SOURCE_KINDS: tuple[str, ...] = ("sec_10k", "press")
#: What a headcount counts (definitions differ by firm and over time).
HEADCOUNT_BASES: tuple[str, ...] = (
    "full-time",
    "full-time equivalent",
    "full- and part-time",
    "workforce incl. subsidiaries",
    "employees, basis not stated",
)


def _one_primary_per_firm_year(data: Any) -> pl.LazyFrame:
    return data.lazyframe.select(
        pl.col("primary").cast(pl.Int32).sum().over("company_id", "fiscal_year") == 1
    )


#: Annual headcount (``sources.headcount``): firm × fiscal year × source; one primary row each.
HEADCOUNT = pa.DataFrameSchema(
    {
        "company_id": pa.Column(pl.String, pa.Check.str_matches(_TICKER_PATTERN)),
        "cik": pa.Column(pl.String, pa.Check.str_matches(r"^\d{10}$")),
        "fiscal_year": pa.Column(pl.Int32, pa.Check.in_range(1990, 2100)),
        "period_end": pa.Column(pl.Date),
        "employees": pa.Column(pl.Int64, pa.Check.in_range(1, 10_000_000)),
        "approximate": pa.Column(pl.Boolean, nullable=True),  # null: the source does not say
        "basis": pa.Column(pl.String, pa.Check.isin(list(HEADCOUNT_BASES))),
        "form": pa.Column(pl.String, nullable=True),
        "filed": pa.Column(pl.Date, nullable=True),
        "accession": pa.Column(pl.String, pa.Check.str_matches(_ACCESSION), nullable=True),
        "document_url": pa.Column(pl.String, pa.Check.str_matches(_URL)),
        "source_kind": pa.Column(pl.String, pa.Check.isin(list(HEADCOUNT_SOURCE_KINDS))),
        "primary": pa.Column(pl.Boolean),
        **_PROVENANCE_COLUMNS,
    },
    checks=[pa.Check(_one_primary_per_firm_year, name="one primary row per firm and fiscal year")],
    strict=True,
    ordered=True,
    name="headcount",
    unique=["source_file", "source_row"],
)


_text = pa.Column(pl.String, nullable=True)

#: Job-family counts of WARN notices (``sources.job_families``): workers per family per notice.
JOB_FAMILIES = pa.DataFrameSchema(
    {
        "state": pa.Column(pl.String, pa.Check.str_matches(r"^[A-Z]{2}$"), nullable=False),
        "employer": pa.Column(pl.String, nullable=False),
        "notice_date": pa.Column(pl.Date, nullable=False),
        "job_family": pa.Column(pl.String, nullable=False),
        "employees_affected": pa.Column(pl.Int64, pa.Check.ge(0), nullable=False),
        "source_url": _text,
        "is_engineering": pa.Column(pl.Boolean, nullable=False),
        **_PROVENANCE_COLUMNS,
    },
    strict=True,
    ordered=True,
    name="job_families",
    unique=["source_file", "source_row"],
)

#: Job-title lists of WARN notices (``sources.warn.job_titles``): facility × title × count.
JOB_TITLES = pa.DataFrameSchema(
    {
        "notice_id": _text,
        "state": _text,
        "employer": _text,
        "notice_date": pa.Column(pl.Date, nullable=True),
        "facility_id": _text,
        "job_title_raw": _text,
        "job_title": pa.Column(pl.String, nullable=False),
        "employees_affected": pa.Column(pl.Int64, pa.Check.ge(0), nullable=False),
        "facility_count": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
        # positions the notice states without a title (its remote-employee clause)
        "remote_without_title": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
        "job_family": pa.Column(pl.String, nullable=False),
        "is_engineering": pa.Column(pl.Boolean, nullable=False),
        "layout": pa.Column(pl.String, nullable=False),
        **_PROVENANCE_COLUMNS,
    },
    strict=True,
    ordered=True,
    name="job_titles",
    unique=["source_file", "source_row"],
)


#: Values of ``status`` in the AI-cluster table.
CLUSTER_STATUSES = ("existing", "planned", "decommissioned")
_ids = pa.Column(pl.List(pl.String), nullable=False)
_amount = pa.Column(pl.Float64, pa.Check.ge(0), nullable=True)
_url = pa.Column(pl.String, pa.Check.str_matches(r"^https?://\S+$"), nullable=True)

#: Epoch AI's supercomputers (``sources.ai_clusters``): one row per cluster as listed.
AI_CLUSTERS = pa.DataFrameSchema(
    {
        "name": pa.Column(pl.String, pa.Check.str_length(min_value=1), nullable=False),
        "status": pa.Column(pl.String, pa.Check.isin(CLUSTER_STATUSES), nullable=False),
        "certainty": pa.Column(
            pl.String, pa.Check.isin(["confirmed", "likely", "unlikely"]), nullable=True
        ),
        "owner": _text,
        "owners": _ids,
        "company_id": pa.Column(pl.String, pa.Check.str_matches(_TICKER_PATTERN), nullable=True),
        "company_ids": _ids,
        "first_operational_date": pa.Column(pl.Date, nullable=True),
        "first_operational_note": _text,
        "h100_equivalents": _amount,
        "power_mw": _amount,
        "hardware_cost_usd": _amount,
        "reported_cost_usd": _amount,
        "possible_duplicate": pa.Column(pl.Boolean, nullable=False),
        "possible_duplicate_of": _text,
        "include_in_standard_analysis": pa.Column(pl.Boolean, nullable=False),
        "anonymized": pa.Column(pl.Boolean, nullable=False),
        "country": _text,
        "source_url": _url,
        **_PROVENANCE_COLUMNS,
    },
    strict=True,
    ordered=True,
    name="ai_clusters",
    unique=["source_file", "source_row"],
)

_year = pa.Column(pl.Int32, pa.Check.in_range(1900, 2100), nullable=True)

#: The non-US data-centre registry (``sources.dc_registry``): one row per project.
DC_REGISTRY = pa.DataFrameSchema(
    {
        "p_id": pa.Column(pl.String, pa.Check.str_length(min_value=1), nullable=False),
        "country": pa.Column(pl.String, pa.Check.str_length(min_value=1), nullable=False),
        "description": _text,
        "year_announced": _year,
        "year_start": _year,
        "year_end": _year,
        "us_companies": _text,
        "company_ids": _ids,
        "investment_usd": _amount,
        "ai_ml": pa.Column(pl.Boolean, nullable=True),
        "url": _url,
        "flags": _text,
        **_PROVENANCE_COLUMNS,
    },
    strict=True,
    ordered=True,
    name="dc_registry",
    unique=["p_id"],
)


#: Sources whose coverage windows the coverage table declares.
COVERAGE_SOURCES: tuple[str, ...] = ("tracker", "warn")

#: When each source covers a firm (``sources.coverage``); a null company applies to all.
COVERAGE = pa.DataFrameSchema(
    {
        "source": pa.Column(pl.String, pa.Check.isin(list(COVERAGE_SOURCES)), nullable=False),
        "company_id": pa.Column(pl.String, nullable=True),
        "start": pa.Column(pl.Date, nullable=False),
        "end": pa.Column(pl.Date, nullable=False),
        "basis": pa.Column(pl.String, nullable=False),
        "source_url": pa.Column(pl.String, nullable=True),
        **_PROVENANCE_COLUMNS,
    },
    strict=True,
    ordered=True,
    name="coverage",
    unique=["source_file", "source_row"],
)


#: The firm × period panels (``tables.load_panel``): the core columns; announcement counts by
#: event type and tier (``ann_*``) follow the data's vocabulary, so other columns are allowed.
PANEL = pa.DataFrameSchema(
    {
        "company_id": pa.Column(pl.String, nullable=False),
        "period": pa.Column(pl.Date, nullable=False),
        "period_end": pa.Column(pl.Date, nullable=False),
        "year": pa.Column(pl.Int32, nullable=False),
        "quarter": pa.Column(pl.Int8, pa.Check.in_range(1, 4), nullable=False),
        "time_index": pa.Column(pl.Int64, nullable=False),
        "laid_off": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
        "layoff_events": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
        "layoff_events_unknown_count": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
        "tracker_covered": pa.Column(pl.Boolean, nullable=False),
        "warn_workers": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
        "warn_notices": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
        "warn_covered": pa.Column(pl.Boolean, nullable=False),
        "announcements": pa.Column(pl.Int64, pa.Check.ge(0), nullable=True),
        "announcements_covered": pa.Column(pl.Boolean, nullable=False),
        "headcount": pa.Column(pl.Int64, pa.Check.gt(0), nullable=True),
    },
    strict=False,
    name="panel",
    unique=["company_id", "period"],
)


def validate(df: pl.DataFrame, schema: pa.DataFrameSchema, *, table: str) -> pl.DataFrame:
    """Validate ``df`` against ``schema`` (all checks, lazily) and return it unchanged.

    Raises
    ------
    SchemaValidationError
        Naming each failing column and check with the number of failing rows and an example.
    """
    try:
        return schema.validate(df, lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError) as exc:
        cases = getattr(exc, "failure_cases", None)
        if cases is None or not isinstance(cases, pl.DataFrame) or cases.is_empty():
            raise SchemaValidationError(table, str(exc).splitlines()[0]) from exc
        parts = []
        grouped = cases.group_by("column", "check", maintain_order=True).agg(
            pl.len().alias("n"), pl.col("failure_case").first().alias("example")
        )
        for column, check, n, example in grouped.iter_rows():
            parts.append(f"column {column!r} check {check}: {n} row(s), e.g. {example}")
        raise SchemaValidationError(table, "; ".join(parts)) from exc


def validate_cleaned(cleaned: Any, schema: pa.DataFrameSchema, *, table: str) -> Any:
    """Validate a reader's result: ``cleaned.data`` against ``schema`` and ``cleaned.rejects``
    against :data:`REJECTS`; return it unchanged.

    Examples
    --------
    >>> import polars as pl
    >>> from layofflab.sources._base import Cleaned
    >>> bad = pl.DataFrame({"state": ["Washington"]})
    >>> validate_cleaned(Cleaned("warn", bad, pl.DataFrame(), {}), WARN, table="warn")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    layofflab.errors.SchemaValidationError: table 'warn' fails its schema: ...
    """
    validate(cleaned.data, schema, table=table)
    validate(cleaned.rejects, REJECTS, table=f"{table}.rejects")
    return cleaned
