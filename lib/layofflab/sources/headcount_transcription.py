"""Rebuild ``data/raw/headcount_annual.csv`` from ``../shared/data``: documented and deterministic.

Facts only: the count, its basis, period end, fiscal year, the filing (form, filed,
accession where known) and a citation. The 10-K sentences of ``headcount_10k.csv`` are
document text and are **not** copied; a ``realdata`` test checks every shipped 10-K
count against its sentence instead. Rows:

1. ``sec_10k`` — every row of ``headcount_10k/headcount_10k.csv``, primary. Citation
   (``document_url``): the 10-K document the sentence was read in (its PDF link), else the
   EDGAR folder of the filing (from the accession), else the public copy of the 10-K the
   sentence was found in (GitHub, at the commit);
2. ``press`` — annual rows (``FY####``) of ``curated/headcount_from_pages.csv``:
   for a firm-year without a 10-K row they are the primary row; where a 10-K row exists a
   press row is kept (not primary) only when its count differs, with a note saying how
   (a count the 10-K gives for *another* year is a mislabelled year, e.g. Apple FY2015 and
   FY2016 swapped on the page). Alternative figures a page's description mentions
   ("another report says 164,000") that equal a 10-K count of another year are named in
   the note and not used (Oracle: 164,000/143,000 are the FY2023/FY2022 10-K counts).

``basis`` is read from each source's own description by ``resources/headcount_bases.csv``.
Run ``python -m layofflab.sources.headcount_transcription`` to rewrite the file.
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
from layofflab.sources.headcount import REQUIRED
from layofflab.sources.sec.calendar import companies

__all__ = ["COLUMNS", "HeadcountTranscription", "basis_of", "build_headcount", "write_headcount"]

TENK = "headcount_10k/headcount_10k.csv"
PAGES = "curated/headcount_from_pages.csv"
#: Columns of ``data/raw/headcount_annual.csv``.
COLUMNS: tuple[str, ...] = (*REQUIRED, "note")


@dataclass(frozen=True)
class HeadcountTranscription:
    """The table to ship and what became of each curated row."""

    table: pl.DataFrame
    #: One row per row of ``headcount_from_pages.csv``: ``row`` (1-based) and ``outcome``.
    ledger: pl.DataFrame


def basis_of(description: str) -> str:
    """Our basis for a source's description of what it counts (``headcount_bases.csv``).

    Examples
    --------
    >>> basis_of("full-time equivalent employees (10-K)")
    'full-time equivalent'
    >>> basis_of("Alphabet employees")
    'employees, basis not stated'
    """
    for pattern, basis in load_table("headcount_bases.csv").select("pattern", "basis").iter_rows():
        if re.search(pattern, description, flags=re.IGNORECASE):
            return basis
    return "employees, basis not stated"


def _document_url(row: dict[str, Any]) -> str:
    if row["document_url"]:
        return row["document_url"]
    if row["accession"]:
        cik = str(int(row["cik"]))
        return f"https://www.sec.gov/Archives/edgar/data/{cik}/{row['accession'].replace('-', '')}/"
    return (
        f"https://github.com/{row['source_repo']}/blob/{row['source_commit']}/{row['source_path']}"
    )


def _cik(ticker: str) -> str:
    return {cid: cik for cik, (cid, _) in companies().items()}[ticker]


def _tenk_rows(shared: Path) -> list[dict[str, Any]]:
    raw = pl.read_csv(shared / TENK, infer_schema=False)
    rows = []
    for r in raw.iter_rows(named=True):
        rows.append(
            {
                "company_id": r["ticker"],
                "cik": f"{int(r['cik']):010d}",
                "fiscal_year": r["fiscal_year"].removeprefix("FY"),
                "period_end": r["period_end"],
                "employees": r["employees"],
                "approximate": r["approximate"],
                "basis": basis_of(r["basis"]),
                "form": r["form"],
                "filed": r["filed"],
                "accession": r["accession"],
                "document_url": _document_url(r),
                "source_kind": "sec_10k",
                "primary": "yes",
                "note": None,
            }
        )
    return rows


def _alternatives(description: str) -> list[int]:
    """Counts a page's description mentions besides its own ("another report says 164,000")."""
    return [int(n.replace(",", "")) for n in re.findall(r"\b\d{1,3}(?:,\d{3})+\b", description)]


def _press_rows(
    shared: Path, tenk: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[tuple[int, str]]]:
    raw = pl.read_csv(shared / PAGES, infer_schema=False)
    count = {(r["company_id"], r["fiscal_year"]): int(r["employees"]) for r in tenk}
    approx = {(r["company_id"], r["fiscal_year"]): r["approximate"] == "yes" for r in tenk}
    year_of = {(r["company_id"], int(r["employees"])): r["fiscal_year"] for r in tenk}
    rows: list[dict[str, Any]] = []
    ledger: list[tuple[int, str]] = []  # (page row, outcome)
    for i, r in enumerate(raw.iter_rows(named=True), start=1):
        label = r["fiscal_year"]
        if r["verified"] != "yes":
            ledger.append((i, "not verified"))
            continue
        if not re.fullmatch(r"FY\d{4}", label):
            ledger.append((i, f"{label}: a quarter-end count, not an annual headcount"))
            continue
        firm, fy, value = r["ticker"], label.removeprefix("FY"), int(r["employees"])
        notes = []
        if (firm, fy) in count:
            if count[(firm, fy)] == value:
                ledger.append((i, "agrees with the 10-K row: not shipped"))
                continue
            primary = "no"
            shown = f"{'approximately ' if approx[(firm, fy)] else ''}{count[(firm, fy)]:,}"
            notes.append(f"differs from the 10-K count ({shown}); the 10-K row is primary")
            other = year_of.get((firm, value))
            if other is not None and other != fy:
                notes.append(
                    f"{value:,} is the 10-K count of FY{other}: the page mislabels the year"
                )
        else:
            taken = [x for x in rows if (x["company_id"], x["fiscal_year"]) == (firm, fy)]
            primary = "no" if any(x["primary"] == "yes" for x in taken) else "yes"
            notes.append("no 10-K sentence found for this year: a count published in a news page")
        for alt in _alternatives(r["basis"]):
            other = year_of.get((firm, alt))
            if alt != value and other is not None and other != fy:
                notes.append(
                    f"the page's alternative figure {alt:,} is the 10-K count of FY{other} "
                    "(a mislabelled year) and is not used"
                )
        ledger.append((i, "shipped" + ("" if primary == "yes" else " (not primary)")))
        rows.append(
            {
                "company_id": firm,
                "cik": _cik(firm),
                "fiscal_year": fy,
                "period_end": r["period_end"],
                "employees": r["employees"],
                "approximate": "yes" if "approx" in r["basis"].lower() else None,
                "basis": basis_of(r["basis"]),
                "form": None,
                "filed": None,
                "accession": None,
                "document_url": r["source_url"],
                "source_kind": "press",
                "primary": primary,
                "note": "; ".join(notes),
            }
        )
    return rows, ledger


def build_headcount(shared: Path | None = None) -> HeadcountTranscription:
    """The rows of ``data/raw/headcount_annual.csv`` derived from ``shared`` (see the module)."""
    shared = config.SHARED_DATA if shared is None else shared
    tenk = _tenk_rows(shared)
    press, ledger = _press_rows(shared, tenk)
    schema = dict.fromkeys(COLUMNS, pl.String)
    table = pl.DataFrame(tenk + press, schema=schema).with_columns(
        pl.col("fiscal_year").cast(pl.Int32)
    )
    order = pl.col("source_kind").replace_strict({"sec_10k": 0, "press": 1}, return_dtype=pl.Int8)
    table = table.sort(
        pl.col("company_id"), pl.col("fiscal_year"), order, pl.col("employees").cast(pl.Int64)
    )
    table = table.with_columns(pl.col("fiscal_year").cast(pl.String))
    return HeadcountTranscription(
        table=table, ledger=pl.DataFrame(ledger, schema=["row", "outcome"], orient="row")
    )


def write_headcount(shared: Path | None = None, raw_dir: Path | None = None) -> Path:
    """Write ``raw_dir/headcount_annual.csv`` (atomically) from :func:`build_headcount`."""
    shared = config.SHARED_DATA if shared is None else shared
    raw_dir = config.DATA_RAW if raw_dir is None else raw_dir
    return write_text_atomic(
        build_headcount(shared).table.write_csv(), raw_dir / "headcount_annual.csv"
    )


if __name__ == "__main__":  # pragma: no cover - a documented one-off
    print(write_headcount())
