"""The transcribed quarterly table (``data/raw/sec_quarterly.csv``): writing and reading it.

One row per company × concept × fiscal quarter, as text. The required columns
(:data:`TRANSCRIBED_COLUMNS`) are those of the reader's output; the optional ones
(:data:`TRANSCRIBED_OPTIONAL`) say where a figure comes from:

* ``source_kind`` — ``sec_xbrl`` (derived by our reader from SEC company facts; needs an
  ``accession`` and ``filed``), ``third_party`` (a third party's derivation of company
  facts) or ``press`` (a figure quoted in a news page). A file without the column is read
  as ``sec_xbrl`` throughout (the older format, in which every row cites its filing);
* ``definition`` — what the value measures (capex: one of
  :data:`~layofflab.schemas.CAPEX_DEFINITIONS`; default from ``sec_concepts.csv``);
* ``source_url`` — the citation (default for ``sec_xbrl``: the EDGAR folder of the filing);
* ``note`` — free text, ignored by the reader.

:func:`read_transcribed` checks every row and rejects malformed ones with a reason; a
later row repeating a company × concept × fiscal quarter is a duplicate of the first.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from layofflab.cleaning import date_problem, parse_date, parse_float
from layofflab.io import read_csv_text
from layofflab.schemas import CAPEX_DEFINITIONS, DERIVATIONS, SOURCE_KINDS
from layofflab.sources._base import Cleaned, make_rejects
from layofflab.sources.sec.calendar import calendar_quarter
from layofflab.sources.sec.concepts import concept_table
from layofflab.sources.sec.derive import filing_url

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

__all__ = ["TRANSCRIBED_COLUMNS", "TRANSCRIBED_OPTIONAL", "read_transcribed", "to_transcribed"]

TRANSCRIBED_COLUMNS: tuple[str, ...] = (
    "company_id",
    "cik",
    "concept",
    "xbrl_tag",
    "fiscal_year",
    "fiscal_period",
    "period_start",
    "period_end",
    "value_usd",
    "derived",
    "accession",
    "filed",
    "form",
    "first_filed",
)
#: Optional columns (see the module docstring); ``note`` is kept in the file only.
TRANSCRIBED_OPTIONAL: tuple[str, ...] = ("source_kind", "definition", "source_url", "note")
_ACCESSION = r"^\d{10}-\d{2}-\d{6}$"
_URL = r"^https?://\S+\.\S+$"
_TICKER = r"^[A-Z][A-Z0-9.\-]{0,9}$"


def to_transcribed(data: pl.DataFrame) -> pl.DataFrame:
    """Reader output → the transcribed table's columns (whole dollars), sorted.

    Examples
    --------
    >>> from layofflab import config
    >>> from layofflab.sources import sec
    >>> c = sec.read(config.FIXTURES / "sec" / "calendar_companyfacts.json", concepts={"capex": []})
    >>> to_transcribed(c.data).select("fiscal_period", "value_usd", "source_kind").rows()[:2]
    [('Q1', 1000, 'sec_xbrl'), ('Q2', 1500, 'sec_xbrl')]
    """
    return data.select(
        "company_id",
        "cik",
        "concept",
        "xbrl_tag",
        "fiscal_year",
        "fiscal_period",
        "period_start",
        "period_end",
        value_usd=pl.col("value").round(0).cast(pl.Int64),
        derived="derived",
        accession="accession",
        filed="filed",
        form="form",
        first_filed="first_filed",
        source_kind="source_kind",
        definition="definition",
        source_url="source_url",
    ).sort("company_id", "concept", "period_end")


def _default_definitions(raw: pl.DataFrame) -> pl.DataFrame:
    """Definition of each row's concept × tag in ``sec_concepts.csv`` (company rows first)."""
    table = concept_table().select("concept", "company_id", "xbrl_tag", "definition")
    own = {(c, i, t): d for c, i, t, d in table.iter_rows()}
    first: dict[str, str | None] = {}  # concept -> its first definition
    for c, _, _, d in table.iter_rows():
        first.setdefault(c, d)
    keys = raw.select("concept", "company_id", "xbrl_tag").unique().rows()
    found = {
        k: own.get((k[0], k[1], k[2])) or own.get((k[0], "*", k[2])) or first.get(k[0])
        for k in keys
    }
    mapping = pl.DataFrame(
        [(*k, v) for k, v in found.items()],
        schema=["concept", "company_id", "xbrl_tag", "_definition"],
        orient="row",
    )
    return mapping


def _sources(raw: pl.DataFrame) -> pl.DataFrame:
    """Add ``source_kind``, ``definition``, ``source_url`` where the file lacks them."""
    if "source_kind" not in raw.columns:
        raw = raw.with_columns(source_kind=pl.lit("sec_xbrl"))
    if "definition" not in raw.columns:
        defaults = _default_definitions(raw)
        raw = raw.join(
            defaults, on=["concept", "company_id", "xbrl_tag"], how="left", nulls_equal=True
        )
        raw = raw.rename({"_definition": "definition"})
    if "source_url" not in raw.columns:
        raw = raw.with_columns(source_url=pl.lit(None, dtype=pl.String))
    url = pl.col("source_url").str.strip_chars()
    sec_url = filing_url(pl.col("cik").str.strip_chars().str.zfill(10), pl.col("accession"))
    is_sec = pl.col("source_kind").str.strip_chars() == "sec_xbrl"
    return raw.with_columns(source_url=pl.when(url.is_null() & is_sec).then(sec_url).otherwise(url))


def _problems(today: dt.date | None) -> pl.Expr:
    """The first problem of each row (null: none)."""
    names = (*TRANSCRIBED_COLUMNS, "source_kind", "definition", "source_url")
    c = {name: pl.col(name).str.strip_chars() for name in names}
    value = parse_float(c["value_usd"])
    is_sec = c["source_kind"] == "sec_xbrl"
    filed = date_problem(c["filed"], today=today, required=False)
    checks = [
        (
            ~c["company_id"].str.contains(_TICKER).fill_null(False),
            pl.format("malformed company_id '{}'", "company_id"),
        ),
        (
            ~c["cik"].str.contains(r"^\d{1,10}$").fill_null(False),
            pl.format("malformed cik '{}'", "cik"),
        ),
        (c["concept"].is_null(), pl.lit("missing concept")),
        (
            c["fiscal_year"].cast(pl.Int32, strict=False).is_null(),
            pl.format("malformed fiscal_year '{}'", "fiscal_year"),
        ),
        (
            ~c["fiscal_period"].is_in(["Q1", "Q2", "Q3", "Q4"]).fill_null(False),
            pl.format("fiscal_period '{}' is not Q1-Q4", "fiscal_period"),
        ),
        (
            date_problem(c["period_end"], today=today, required=True).is_not_null(),
            pl.format("period_end: {}", date_problem(c["period_end"], today=today, required=True)),
        ),
        (
            ~c["source_kind"].is_in(list(SOURCE_KINDS)).fill_null(False),
            pl.format(
                "unknown source_kind '{}' (expected one of {})",
                "source_kind",
                pl.lit(", ".join(SOURCE_KINDS)),
            ),
        ),
        (is_sec & c["filed"].is_null(), pl.lit("filed: missing (required for sec_xbrl rows)")),
        (filed.is_not_null(), pl.format("filed: {}", filed)),
        (value.is_null(), pl.format("non-numeric value_usd '{}'", "value_usd")),
        (
            ~c["derived"].is_in(list(DERIVATIONS)).fill_null(False),
            pl.format("unknown derived '{}'", "derived"),
        ),
        (
            (is_sec | c["accession"].is_not_null())
            & ~c["accession"].str.contains(_ACCESSION).fill_null(False),
            pl.format("malformed accession '{}'", pl.col("accession").fill_null("")),
        ),
        (c["definition"].is_null(), pl.lit("missing definition")),
        (
            (c["concept"] == "capex") & ~c["definition"].is_in(list(CAPEX_DEFINITIONS)),
            pl.format("capex definition '{}' is not one of CAPEX_DEFINITIONS", "definition"),
        ),
        (
            ~c["source_url"].str.contains(_URL).fill_null(False),
            pl.format("source_url: not a URL '{}'", pl.col("source_url").fill_null("")),
        ),
    ]
    reason: Then | ChainedThen = pl.when(checks[0][0]).then(checks[0][1])
    for cond, text in checks[1:]:
        reason = reason.when(cond).then(text)
    return reason.otherwise(None)


def read_transcribed(path: Path, *, today: dt.date | None) -> Cleaned:
    """Read a table in :data:`TRANSCRIBED_COLUMNS` format (+ :data:`TRANSCRIBED_OPTIONAL`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> header = ",".join((*TRANSCRIBED_COLUMNS, "source_kind", "definition", "source_url"))
    >>> row = ("ORCL,1341439,capex,,2026,Q2,,2025-11-30,12000000000,as published,,,,,press,"
    ...        '"capex, definition not stated",https://example.com/oracle')
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "q.csv"
    >>> _ = p.write_text(header + chr(10) + row + chr(10))
    >>> read_transcribed(p, today=None).data.select("source_kind", "value", "accession").rows()
    [('press', 12000000000.0, None)]
    """
    raw = read_csv_text(path, required=TRANSCRIBED_COLUMNS).with_columns(
        source_file=pl.lit(path.name), source_row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    )
    tagged = _sources(raw).with_columns(_reason=_problems(today))
    key = ["company_id", "concept", "fiscal_year", "fiscal_period"]
    tagged = tagged.with_columns(
        _first=pl.col("source_row").filter(pl.col("_reason").is_null()).min().over(key)
    )
    tagged = tagged.with_columns(
        _reason=pl.when(pl.col("_reason").is_null() & (pl.col("_first") != pl.col("source_row")))
        .then(pl.format("duplicate of source_row {}", "_first"))
        .otherwise(pl.col("_reason"))
    )
    ok = tagged.filter(pl.col("_reason").is_null())
    end = parse_date("period_end")
    text = {n: pl.col(n).str.strip_chars() for n in ("source_kind", "definition", "source_url")}
    data = (
        ok.with_columns(calendar_quarter(end).alias("_cal"))
        .unnest("_cal")
        .select(
            "company_id",
            cik=pl.col("cik").str.zfill(10),
            concept="concept",
            xbrl_tag="xbrl_tag",
            unit=pl.lit("USD"),
            fiscal_year=pl.col("fiscal_year").cast(pl.Int32),
            fiscal_period="fiscal_period",
            period_start=parse_date("period_start"),
            period_end=end,
            calendar_year="calendar_year",
            calendar_quarter="calendar_quarter",
            value=parse_float("value_usd"),
            derived="derived",
            accession="accession",
            filed=parse_date("filed"),
            first_filed=parse_date("first_filed"),
            form="form",
            source_kind=text["source_kind"],
            definition=text["definition"],
            source_url=text["source_url"],
            source_file="source_file",
            source_row="source_row",
        )
    )
    bad = raw.join(
        tagged.filter(pl.col("_reason").is_not_null()).select("source_row", reason="_reason"),
        on="source_row",
    )
    rejects = make_rejects(bad, reason=pl.col("reason"))
    return Cleaned("sec", data, rejects, {path.name: raw.height})
