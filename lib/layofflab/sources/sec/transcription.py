"""Rebuild ``data/raw/sec_quarterly.csv`` from ``../shared/data``: documented and deterministic.

The shipped table is a transcription of facts, each with its citation, never a copy of the
shared files. It is written by :func:`write_sec_quarterly` (run
``python -m layofflab.sources.sec.transcription`` with ``LAYOFFLAB_SHARED_DATA`` set) and a
``realdata`` test checks that the shipped file equals :func:`build_sec_quarterly`. Rows:

1. ``sec_xbrl`` — every quarter from 2018Q1 (calendar) on of :data:`CONCEPTS` that
   :func:`layofflab.sources.sec.read` derives from the six companyfacts files
   (AAPL, NVDA, GOOGL untrimmed; GOOGL, META, MSFT trimmed), citing the filing by
   accession and its EDGAR folder;
2. ``third_party`` — capex quarters of ``sec/capex_quarterly_derived`` (AMZN, MSFT)
   where no ``sec_xbrl`` row exists: their quarters as published, and for
   calendar-year firms Q4 = their calendar-year total minus their Q1-Q3;
3. ``press`` — capex quarters quoted in ``curated/capex_from_pages.csv`` (verified rows)
   where neither of the above exists, with the definition read from the page's wording
   (``resources/press_capex_definitions.csv``).

Non-SEC rows only fill gaps: at most one row per company × concept × fiscal quarter.
:func:`build_sec_quarterly` also returns a ledger saying what became of every
third-party and press row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from layofflab import config
from layofflab.io import write_text_atomic
from layofflab.lookups import load_table
from layofflab.sources.sec.calendar import calendar_quarter, companies, fiscal_quarter
from layofflab.sources.sec.reader import read
from layofflab.sources.sec.transcribed import TRANSCRIBED_COLUMNS, to_transcribed

__all__ = [
    "CONCEPTS",
    "SINCE",
    "Transcription",
    "build_sec_quarterly",
    "write_sec_quarterly",
]

#: Concepts shipped in ``data/raw/sec_quarterly.csv``.
CONCEPTS: tuple[str, ...] = (
    "capex",
    "finance_lease_principal",
    "revenue",
    "operating_income",
    "total_assets",
)
#: First calendar quarter shipped (the panel starts in 2019Q1; lags need 2018).
SINCE: tuple[int, int] = (2018, 1)
#: The companyfacts files read, relative to the shared data folder.
COMPANYFACTS: tuple[str, ...] = (
    "sec/companyfacts_full/CIK0000320193.json",
    "sec/companyfacts_full/CIK0001045810.json",
    "sec/companyfacts_full/CIK0001652044.json",
    "sec/companyfacts_trimmed/googl_companyfacts_trimmed.json",
    "sec/companyfacts_trimmed/meta_companyfacts_trimmed.json",
    "sec/companyfacts_trimmed/msft_companyfacts_trimmed.json",
)
THIRD_PARTY = "sec/capex_quarterly_derived/capex_history_quarterly.csv"
PRESS = "curated/capex_from_pages.csv"
_THIRD_PARTY_URL = (
    "https://github.com/danyu1/bridgewater_forecasting/blob/"
    "7b5b1ae6253e9f13e9e8922970efeb58f8b34c8f/"
    "BW2026_Q11_HYPERSCALER_CAPEX_Q4_2025/capex_history_quarterly.csv"
)
#: The tag each third-party series used (their capex_data_fetch.py, per its PROVENANCE).
_THIRD_PARTY_TAGS = {
    "AMZN": "PaymentsToAcquireProductiveAssets",
    "MSFT": "PaymentsToAcquirePropertyPlantAndEquipment",
    "GOOGL": "PaymentsToAcquirePropertyPlantAndEquipment",
}
_CASH = "cash capex: property and equipment, excl. finance leases"
COLUMNS: tuple[str, ...] = (
    *TRANSCRIBED_COLUMNS,
    "source_kind",
    "definition",
    "source_url",
    "note",
)
_KEY = ["company_id", "concept", "fiscal_year", "fiscal_period"]
#: A quarter's key: company_id, concept, fiscal year, fiscal period ("Q1"…).
_Key = tuple[str, str, int, str]


@dataclass(frozen=True)
class Transcription:
    """The table to ship and what became of each third-party and press row."""

    #: :data:`COLUMNS`, as text-ready values, sorted by company, concept, period end.
    table: pl.DataFrame
    #: One row per third-party/press row: ``source``, ``row`` (1-based), ``outcome``.
    ledger: pl.DataFrame


def _text(df: pl.DataFrame) -> pl.DataFrame:
    return df.select([pl.col(c).cast(pl.String) for c in COLUMNS])


def _sec_rows(shared: Path) -> pl.DataFrame:
    cleaned = read([shared / p for p in COMPANYFACTS], concepts={c: [] for c in CONCEPTS})
    since = pl.col("calendar_year") * 4 + pl.col("calendar_quarter").cast(pl.Int32)
    data = cleaned.data.filter(since >= SINCE[0] * 4 + SINCE[1])
    return to_transcribed(data).with_columns(note=pl.lit(None, dtype=pl.String))


def _fiscal(ticker: str, end: pl.Expr) -> pl.Expr:
    fye = {cid: m for cid, m in companies().values()}[ticker]
    return fiscal_quarter(end, pl.lit(fye))


def _cik(ticker: str) -> str:
    return {cid: cik for cik, (cid, _) in companies().items()}[ticker]


def _third_party(
    shared: Path, covered: set[_Key]
) -> tuple[pl.DataFrame, list[tuple[str, int, str]]]:
    raw = pl.read_csv(shared / THIRD_PARTY, infer_schema=False).with_columns(
        row=pl.int_range(1, pl.len() + 1),
        company_id=pl.col("ticker").replace({"GOOG": "GOOGL"}),
        year=pl.col("year").cast(pl.Int32),
        quarter=pl.col("quarter").cast(pl.Int32),
        value=pl.col("payments_usd").cast(pl.Float64).round(0).cast(pl.Int64),
    )
    outcome: dict[int, str] = {}
    rows: list[tuple[int, dict[str, Any]]] = []  # (source row, transcribed row)
    for r in raw.sort("row").iter_rows(named=True):
        cid, y, q = r["company_id"], r["year"], r["quarter"]
        if y * 4 + max(q, 1) < SINCE[0] * 4 + SINCE[1]:
            outcome[r["row"]] = "before the shipped window"
        elif q == 0:
            outcome[r["row"]] = (
                "calendar-year total: not used (the fiscal year is not the calendar year)"
            )
        else:
            rows.append((r["row"], _quarter_row(cid, y, q, r["value"], "as published", note=None)))
    # Q4 = calendar-year total minus Q1..Q3, for firms whose fiscal year is the calendar year
    for (cid,), g in raw.filter(pl.col("year") >= SINCE[0]).group_by("company_id"):
        fye = {c: m for c, m in companies().values()}[cid]
        if fye != 12:
            continue
        by = {(y, q): (v, n) for y, q, v, n in g.select("year", "quarter", "value", "row").rows()}
        for y in sorted({y for y, _ in by}):
            if (y, 0) not in by:
                continue
            if (y, 4) in by or not all((y, k) in by for k in (1, 2, 3)):
                outcome[by[(y, 0)][1]] = "calendar-year total: Q1-Q3 incomplete, no Q4 derived"
                continue
            total, quarters = by[(y, 0)][0], [by[(y, k)][0] for k in (1, 2, 3)]
            note = (
                f"Q4 = the third party's calendar-year total {total} minus its Q1-Q3 "
                f"{quarters[0]} + {quarters[1]} + {quarters[2]}"
            )
            q4 = total - sum(quarters)
            rows.append(
                (by[(y, 0)][1], _quarter_row(cid, y, 4, q4, "YTD minus quarters", note=note))
            )
    keep = []
    for row, x in rows:
        given = tuple(x[k] for k in _KEY) in covered
        what = "Q4 derived from this total" if x["derived"] == "YTD minus quarters" else "quarter"
        outcome[row] = f"{what}: {'already given by sec_xbrl rows' if given else 'shipped'}"
        if not given:
            keep.append(x)
    table = pl.DataFrame(keep) if keep else pl.DataFrame(schema=dict.fromkeys(COLUMNS, pl.String))
    return table, [("third_party", n, outcome[n]) for n in sorted(outcome)]


def _quarter_row(
    cid: str, year: int, quarter: int, value: int, derived: str, *, note: str | None
) -> dict[str, Any]:
    """A calendar quarter of a third-party series as a transcribed row."""
    start = pl.date(year, 3 * quarter - 2, 1)
    end = pl.date(year, 3 * quarter, 1).dt.month_end()
    fq = pl.select(_fiscal(cid, end).alias("f"), s=start, e=end).row(0, named=True)
    base = "third-party derivation of SEC companyfacts; the filing is not identified"
    return {
        "company_id": cid,
        "cik": _cik(cid),
        "concept": "capex",
        "xbrl_tag": _THIRD_PARTY_TAGS[cid],
        "fiscal_year": fq["f"]["fiscal_year"],
        "fiscal_period": f"Q{fq['f']['fiscal_quarter']}",
        "period_start": fq["s"],
        "period_end": fq["e"],
        "value_usd": value,
        "derived": derived,
        "accession": None,
        "filed": None,
        "form": None,
        "first_filed": None,
        "source_kind": "third_party",
        "definition": _CASH,
        "source_url": _THIRD_PARTY_URL,
        "note": base if note is None else f"{base}; {note}",
    }


def _press_definition(wording: str) -> str:
    for pattern, definition in (
        load_table("press_capex_definitions.csv").select("pattern", "definition").iter_rows()
    ):
        if re.search(pattern, wording, flags=re.IGNORECASE):
            return definition
    return "capex, definition not stated"


def _press(shared: Path, covered: set[_Key]) -> tuple[pl.DataFrame, list[tuple[str, int, str]]]:
    raw = pl.read_csv(shared / PRESS, infer_schema=False).with_columns(
        row=pl.int_range(1, pl.len() + 1)
    )
    ledger: list[tuple[str, int, str]] = []  # (source, row, outcome)
    rows: list[dict[str, Any]] = []
    label = re.compile(r"^(FY)?(\d{4})Q([1-4])$")
    for r in raw.iter_rows(named=True):
        where = ("press", r["row"])
        m = label.match(r["fiscal_period"])
        if r["verified"] != "yes":
            ledger.append((*where, "not verified"))
            continue
        if m is None:
            ledger.append((*where, f"not a quarter ({r['fiscal_period']})"))
            continue
        end = pl.lit(r["period_end"]).str.to_date("%Y-%m-%d")
        got = pl.select(f=_fiscal(r["ticker"], end), c=calendar_quarter(end), e=end).row(
            0, named=True
        )
        fy, fq = got["f"]["fiscal_year"], got["f"]["fiscal_quarter"]
        labelled = (int(m[2]), int(m[3]))
        expect = (fy, fq) if m[1] else (got["c"]["calendar_year"], got["c"]["calendar_quarter"])
        if labelled != expect:
            ledger.append((*where, f"label {r['fiscal_period']} disagrees with period_end"))
            continue
        key = (r["ticker"], "capex", fy, f"Q{fq}")
        if key in covered:
            ledger.append((*where, "quarter already given by sec_xbrl or third_party rows"))
            continue
        definition = _press_definition(r["concept_or_wording"])
        taken = [x for x in rows if tuple(x[k] for k in _KEY) == key]
        if taken:
            ledger.append((*where, f"quarter already taken by press row {taken[0]['_row']}"))
            continue
        ledger.append((*where, "shipped"))
        rows.append(
            {
                "company_id": r["ticker"],
                "cik": _cik(r["ticker"]),
                "concept": "capex",
                "xbrl_tag": None,
                "fiscal_year": fy,
                "fiscal_period": f"Q{fq}",
                "period_start": None,
                "period_end": got["e"],
                "value_usd": round(float(r["capex_usd_bn"]) * 1e9),
                "derived": "as published",
                "accession": None,
                "filed": None,
                "form": None,
                "first_filed": None,
                "source_kind": "press",
                "definition": definition,
                "source_url": r["source_url"],
                "note": "figure quoted in a news page (USD bn, as rounded there)",
                "_row": r["row"],
            }
        )
    table = pl.DataFrame([{k: v for k, v in x.items() if k != "_row"} for x in rows])
    return table, ledger


def build_sec_quarterly(shared: Path | None = None) -> Transcription:
    """The rows of ``data/raw/sec_quarterly.csv`` derived from ``shared`` (see the module).

    Parameters
    ----------
    shared : path
        The shared data folder (``../shared/data``).
    """
    shared = config.SHARED_DATA if shared is None else shared
    sec_rows = _text(_sec_rows(shared))
    covered = set(sec_rows.filter(pl.col("concept") == "capex").select(_KEY).cast(pl.String).rows())
    covered = {(c, k, int(y), q) for c, k, y, q in covered}
    third, ledger3 = _third_party(shared, covered)
    third = _text(third)
    covered |= {(c, k, int(y), q) for c, k, y, q in third.select(_KEY).rows()}
    press, ledgerp = _press(shared, covered)
    parts = [sec_rows, third] + ([_text(press)] if press.height else [])
    table = pl.concat(parts, how="vertical").sort(
        "company_id", "concept", "period_end", "source_kind"
    )
    ledger = pl.DataFrame(
        ledger3 + ledgerp, schema=["source", "row", "outcome"], orient="row"
    ).sort("source", "row")
    return Transcription(table=table, ledger=ledger)


def write_sec_quarterly(shared: Path | None = None, raw_dir: Path | None = None) -> Path:
    """Write ``raw_dir/sec_quarterly.csv`` (atomically) from :func:`build_sec_quarterly`."""
    shared = config.SHARED_DATA if shared is None else shared
    raw_dir = config.DATA_RAW if raw_dir is None else raw_dir
    table = build_sec_quarterly(shared).table
    return write_text_atomic(table.write_csv(), raw_dir / "sec_quarterly.csv")


if __name__ == "__main__":  # pragma: no cover - a documented one-off
    print(write_sec_quarterly())
