"""Reader for SEC XBRL companyfacts JSON: a tidy discrete-quarter series per company × concept.

XBRL traps handled here (see ``resources/sec_concepts.csv`` and ``sec_companies.csv``):

* 10-Q cash-flow values are **year-to-date** (3, 6, 9 months; the 10-K gives 12):
  quarters 2-4 are derived by differencing (``derived`` says how).
* The same period is reported in several filings (duplicates) and sometimes
  **restated**: per period the highest-priority tag wins, then the latest ``filed``.
* ``fy``/``fp`` in companyfacts describe the *filing*, not the fact: the fiscal year and
  quarter are computed from each period's end date and the company's fiscal-year-end
  month (Microsoft: June). Calendar year/quarter come from ``period_end``.
* **Concept switches**: a firm moves between tags (NVIDIA and Apple between
  ``PaymentsToAcquirePropertyPlantAndEquipment`` and ``PaymentsToAcquireProductiveAssets``);
  ``sec_concepts.csv`` declares per company the tags, their priority and the period ends
  each was used for.
* **Forms**: companyfacts mixes in facts from 8-K, DEF 14A, 424B prospectuses and 10-K/A;
  ``resources/sec_forms.csv`` says which are used (reasons name the form).
* **Scale changes**: NVIDIA reported in thousands, later in millions; the later (rounded)
  value wins like any restatement and the earlier one is rejected as ``rescaled``.
* A quarter that cannot be derived (NVIDIA has no annual capex fact for FY2013-FY2021,
  so no Q4) is absent, never invented: :func:`gaps` lists such quarters with the reason.

**Row accounting.** Every fact in the file is a row in: ``rows_in`` counts *all* facts
(``source_row`` = 1-based position in the flattened list facts → taxonomy → tag → unit
→ entry, in file order). Each fact is either the source of one output row or a reject
with a reason: ``not a requested concept``, ``duplicate of source_row N``, ``restated:
superseded by source_row N …``, ``rescaled …``, ``alternative tag …``, ``year-to-date
total …`` (an input to the differencing, not itself a quarter), ``malformed fact …``,
``form …``, ``tag … is declared … only for periods ending …``, ``unit …``,
``unsupported period …``. Superseded and year-to-date facts are not errors; they are
accounted for. A requested concept a company never reports gives no rows
(``on_missing="raise"`` turns that into :class:`~layofflab.errors.LookupMissError`).

Files ending in ``.csv`` are read as the transcribed quarterly table
``data/raw/sec_quarterly.csv`` (see :func:`transcribe` and
:mod:`layofflab.sources.sec.transcribed`).

Examples
--------
>>> from layofflab import config
>>> cleaned = read(config.FIXTURES / "sec" / "calendar_companyfacts.json", concepts={"capex": []})
>>> cleaned.data.filter(pl.col("fiscal_year") == 2024).select(
...     "company_id", "fiscal_period", "value", "derived").rows()  # doctest: +NORMALIZE_WHITESPACE
[('AMZN', 'Q1', 1200.0, 'reported quarter'), ('AMZN', 'Q2', 1900.0, 'YTD difference'),
 ('AMZN', 'Q3', 1900.0, 'YTD difference'), ('AMZN', 'Q4', 3000.0, 'FY minus 9M')]
>>> cleaned.check_conservation()
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import polars as pl

from layofflab.errors import InputFileError, InvalidArgumentError, LookupMissError
from layofflab.io import NonFinite, read_json
from layofflab.schemas import DERIVATIONS
from layofflab.sources._base import Cleaned
from layofflab.sources.sec import derive
from layofflab.sources.sec.calendar import company_of
from layofflab.sources.sec.concepts import attach_concepts, concept_table, tags_for
from layofflab.sources.sec.coverage import find_gaps
from layofflab.sources.sec.transcribed import (
    TRANSCRIBED_COLUMNS,
    read_transcribed,
    to_transcribed,
)

__all__ = [
    "COLUMNS",
    "DERIVATIONS",
    "TRANSCRIBED_COLUMNS",
    "concept_table",
    "gaps",
    "load_facts",
    "read",
    "transcribe",
]

SOURCE = "sec"
#: Output columns, in order.
COLUMNS: tuple[str, ...] = derive.COLUMNS
_FACT_KEYS = ("start", "end", "val", "accn", "fy", "fp", "form", "filed", "frame")
_RAW_COLUMNS = ("cik", "entity_name", "taxonomy", "xbrl_tag", "unit", *_FACT_KEYS)


def _fact_text(value: object) -> str | None:
    """A fact's value as text; a string that reads as a non-finite number is marked as one."""
    if value is None:
        return None
    if isinstance(value, str) and not isinstance(value, NonFinite):
        try:
            if not math.isfinite(float(value)):
                return str(NonFinite(value))
        except ValueError:
            pass
    return str(value)


def load_facts(path: str | Path) -> pl.DataFrame:
    """Flatten one companyfacts JSON into one row per fact, every value as text.

    Columns: ``source_file``, ``source_row`` (1-based), ``cik`` (10-digit text),
    ``entity_name``, ``taxonomy``, ``xbrl_tag``, ``unit``, and the fact fields
    ``start``, ``end``, ``val``, ``accn``, ``fy``, ``fp``, ``form``, ``filed``, ``frame``
    (null where absent). A fact that is not a JSON object keeps only its position.

    Raises
    ------
    InputFileError
        Missing, empty, binary, non-JSON or truncated files, and JSON that is not a
        companyfacts document (top-level ``cik`` and ``facts`` → taxonomy → tag →
        ``units`` → unit → list of facts).
    """
    path = Path(path)
    expected = (
        "SEC companyfacts JSON ({'cik', 'entityName', 'facts': {taxonomy: {tag: {'units'}}}})"
    )
    doc = read_json(path, expected=expected)
    if not isinstance(doc, dict) or not isinstance(doc.get("facts"), dict) or "cik" not in doc:
        found = sorted(doc)[:6] if isinstance(doc, dict) else type(doc).__name__
        raise InputFileError(path, expected, value=f"top level: {found}")
    raw_cik = doc["cik"]
    if isinstance(raw_cik, bool) or not (
        (isinstance(raw_cik, int) and 0 <= raw_cik < 10**10)
        or (isinstance(raw_cik, str) and raw_cik.strip().isdigit() and len(raw_cik.strip()) <= 10)
    ):
        raise InputFileError(path, expected, column="cik", value=str(raw_cik))
    cik = f"{int(raw_cik):010d}"
    name = doc.get("entityName")
    if name is not None and not isinstance(name, str):
        raise InputFileError(path, expected, column="entityName", value=type(name).__name__)
    cols: dict[str, list[Any]] = {c: [] for c in _RAW_COLUMNS}
    for taxonomy, tags in doc["facts"].items():
        if not isinstance(tags, dict):
            raise InputFileError(
                path, expected, column=f"facts.{taxonomy}", value=type(tags).__name__
            )
        for tag, body in tags.items():
            units = body.get("units") if isinstance(body, dict) else None
            if not isinstance(units, dict):
                raise InputFileError(
                    path, expected, column=f"facts.{taxonomy}.{tag}.units", value="missing"
                )
            for unit, facts in units.items():
                if not isinstance(facts, list):
                    raise InputFileError(
                        path,
                        expected,
                        column=f"facts.{taxonomy}.{tag}.units.{unit}",
                        value=type(facts).__name__,
                    )
                for fact in facts:
                    entry = fact if isinstance(fact, dict) else {}
                    for key, value in (
                        ("cik", cik),
                        ("entity_name", name),
                        ("taxonomy", taxonomy),
                        ("xbrl_tag", tag),
                        ("unit", unit),
                    ):
                        cols[key].append(value)
                    for key in _FACT_KEYS:
                        cols[key].append(_fact_text(entry.get(key)))
    if not cols["cik"]:
        raise InputFileError(
            path, f"{expected} with at least one fact", found="none (empty facts, taxonomy or unit)"
        )
    schema = dict.fromkeys(_RAW_COLUMNS, pl.String)
    return pl.DataFrame(cols, schema=schema).select(
        pl.lit(path.name).alias("source_file"),
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("source_row"),
        *_RAW_COLUMNS,
    )


def read(
    path_or_paths: str | Path | Sequence[str | Path],
    *,
    concepts: Mapping[str, Sequence[str]] | None = None,
    today: dt.date | None = None,
    on_missing: Literal["empty", "raise"] = "empty",
) -> Cleaned:
    """Read companyfacts JSON files (or transcribed ``.csv`` tables) into discrete quarters.

    Parameters
    ----------
    path_or_paths : path or sequence of paths
        ``*.json`` companyfacts documents (several companies, or several vintages of one,
        are cleaned together: duplicates across files are resolved like duplicates within
        one) or ``*.csv`` tables in the :func:`transcribe` format.
    concepts : mapping of str to sequence of str, optional
        Concepts to extract (see :func:`concept_table`); default: every concept in
        ``resources/sec_concepts.csv`` (capex, revenue, operating_cash_flow, …).
    today : datetime.date, optional
        Reference date: facts filed or ending more than a year after it are rejected.
    on_missing : {"empty", "raise"}
        A requested concept that a company's file never reports: no rows, or
        :class:`~layofflab.errors.LookupMissError`.

    Returns
    -------
    Cleaned
        ``data`` with :data:`COLUMNS`, one row per company × concept × fiscal quarter;
        ``rejects`` with a reason for every other fact; ``rows_in`` = facts per file.

    Raises
    ------
    InputFileError
        Unreadable or non-companyfacts files, or two inputs with the same file name.
    """
    paths = _paths(path_or_paths)
    if on_missing not in ("empty", "raise"):
        raise InvalidArgumentError("on_missing", on_missing, expected="'empty' or 'raise'")
    csvs = [p for p in paths if p.suffix.lower() == ".csv"]
    parts = [read_transcribed(p, today=today) for p in csvs]
    jsons = [p for p in paths if p.suffix.lower() != ".csv"]
    if jsons:
        facts = pl.concat([load_facts(p) for p in jsons], how="vertical")
        table = concept_table(concepts)
        data, rejects = derive.quarters(facts, table, today=today)
        rows_in = dict(facts.group_by("source_file").len().iter_rows())
        rows_in.update({n: 0 for n in (p.name for p in jsons) if n not in rows_in})
        if on_missing == "raise":
            _raise_missing(facts, table)
        parts.append(Cleaned(SOURCE, data, rejects, rows_in))
    return Cleaned.concat(parts) if len(parts) > 1 else parts[0]


def _paths(path_or_paths: str | Path | Sequence[str | Path]) -> list[Path]:
    paths = (
        [Path(path_or_paths)]
        if isinstance(path_or_paths, (str, Path))
        else list(map(Path, path_or_paths))
    )
    if not paths:
        raise InvalidArgumentError("path_or_paths", [], expected="at least one file")
    names = [p.name for p in paths]
    for p in paths:
        if names.count(p.name) > 1:
            raise InputFileError(p, "file names that are unique among the inputs")
    return paths


def gaps(
    path_or_paths: str | Path | Sequence[str | Path],
    *,
    concepts: Mapping[str, Sequence[str]] | None = None,
    since: tuple[int, int] | None = None,
    today: dt.date | None = None,
) -> pl.DataFrame:
    """Fiscal quarters :func:`read` cannot give from these companyfacts files, with the reason.

    Parameters
    ----------
    path_or_paths : path or sequence of paths
        ``*.json`` companyfacts documents, as for :func:`read`.
    concepts : mapping, optional
        As for :func:`read`.
    since : (year, quarter), optional
        First calendar quarter expected of every series (default: its first quarter).
    today : datetime.date, optional
        As for :func:`read`.

    Returns
    -------
    polars.DataFrame
        One row per missing company × concept × fiscal quarter
        (:data:`~layofflab.sources.sec.coverage.GAP_COLUMNS`).

    Examples
    --------
    >>> from layofflab import config
    >>> path = config.FIXTURES / "sec" / "calendar_companyfacts.json"
    >>> g = gaps(path, concepts={"capex": []}, since=(2022, 4))  # the file starts in 2023
    >>> g.select("fiscal_year", "fiscal_period").rows()
    [(2022, 'Q4'), (2025, 'Q2'), (2025, 'Q3')]
    >>> g["reason"][2]
    'only 9-month value(s) end on this quarter; the 6-month cumulative value needed to difference them is missing'

    """
    paths = _paths(path_or_paths)
    facts = pl.concat([load_facts(p) for p in paths], how="vertical")
    table = concept_table(concepts)
    data, _ = derive.quarters(facts, table, today=today)
    return find_gaps(facts, table, data, since=since, today=today)


def _raise_missing(facts: pl.DataFrame, table: pl.DataFrame) -> None:
    tagged = attach_concepts(facts, table).filter(pl.col("concept").is_not_null())
    for cik, file in facts.select("cik", "source_file").unique(maintain_order=True).rows():
        company = company_of(cik)
        wanted = table.filter(pl.col("company_id").is_in(["*", company]))
        found = set(tagged.filter(pl.col("cik") == cik)["concept"])
        for concept in sorted(set(wanted["concept"]) - found):
            tags = tags_for(table, concept, company)
            raise LookupMissError(
                SOURCE, "concept", f"{concept} (tags {tags}) for CIK {cik}", table=file
            )


def transcribe(cleaned: Cleaned, *, concepts: Sequence[str] = ("capex",)) -> pl.DataFrame:
    """``cleaned``'s quarters of ``concepts`` in the transcribed-table format (whole dollars).

    ``data/raw/sec_quarterly.csv`` holds such rows for the SEC companyfacts documents in
    ``../shared/data`` (data.sec.gov, public domain), each citing its filing by
    ``accession``, plus third-party and press figures that fill gaps; it is rebuilt by
    :func:`layofflab.sources.sec.transcription.write_sec_quarterly`. Nothing in the build
    reads the companyfacts files.

    Examples
    --------
    >>> from layofflab import config
    >>> c = read(config.FIXTURES / "sec" / "calendar_companyfacts.json", concepts={"capex": []})
    >>> transcribe(c).columns[:6]
    ['company_id', 'cik', 'concept', 'xbrl_tag', 'fiscal_year', 'fiscal_period']
    """
    return to_transcribed(cleaned.data.filter(pl.col("concept").is_in(list(concepts))))
