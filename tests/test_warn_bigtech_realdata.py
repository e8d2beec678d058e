"""Every WARN file in ../shared/data/warn has a reader, and data/raw/warn_bigtech.csv is exactly
what the library derives from them, row by row traceable to its source file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from layofflab import config
from layofflab.cleaning import normalize_text
from layofflab.io import read_csv_text
from layofflab.sources import warn
from layofflab.sources.warn import job_titles as jt
from layofflab.sources.warn.bigtech import COLUMNS, firm_notices, portal_urls

pytestmark = pytest.mark.realdata
TODAY = dt.date(2026, 11, 28)
_JOB_TITLES = {
    "impacts_by_facility.csv": jt.read,
    "job_titles.csv": jt.read,
    "notice_1.json": jt.read,
    "notice_2.json": jt.read,
    "notice_summary.csv": jt.read_notice_summary,
    "facility_geocodes_CLEAN.csv": jt.read_facilities,
}


def _handler(path: Path):
    """The reader of a WARN shared file (None for documentation)."""
    if path.name == "PROVENANCE.md":
        return None
    if path.parent.name == "amazon_wa_job_titles":
        return _JOB_TITLES[path.name]
    return lambda p: warn.read(p, today=TODAY)


def test_every_warn_file_has_a_handler_and_conserves_rows(shared_data):
    files = sorted(p for p in (shared_data / "warn").rglob("*") if p.is_file())
    data = [p for p in files if _handler(p) is not None]
    assert len(data) == 46 + 44 + 1 + 1 + 6
    for path in data:
        c = _handler(path)(path)
        c.check_conservation()
        assert sum(c.rows_in.values()) == c.data.height + c.rejects.height, path
        assert c.data.height > 0, path
    ca = warn.read(shared_data / "warn" / "ca_register_2026_07" / "ca.csv", today=TODAY)
    assert ca.rows_in == {"ca.csv": 14_171} and set(ca.data["layout"]) == {"ca_register"}
    assert ca.data["flags"].eq("sites_may_be_collapsed").sum() == 4340  # blank location


@pytest.fixture(scope="module")
def everything(shared_data):
    w = shared_data / "warn"
    register = sorted((w / "register").glob("*.csv"))
    ca = [w / "ca_register_2026_07" / "ca.csv"]
    files = [
        *register,
        *sorted((w / "state_raw").glob("*.csv")),
        *ca,
        w / "ny_dol_2025_excerpt" / "ny_warn_2025_first20rows.csv",
    ]
    cleaned = warn.read(files, today=TODAY)
    return files, firm_notices(cleaned, portals=portal_urls([*register, *ca]))


def test_shipped_file_is_what_the_library_derives(everything):
    _, derived = everything
    shipped = pl.read_csv(
        config.DATA_RAW / "warn_bigtech.csv",
        schema_overrides={
            "notice_date": pl.Date,
            "effective_date": pl.Date,
            "employees_affected": pl.Int64,
        },
        infer_schema=False,
    )
    assert shipped.equals(derived.select(COLUMNS))


def test_every_shipped_row_is_a_row_of_its_source_file(everything):
    """Each row names its file and row; that raw row holds the employer and the count."""
    files, derived = everything
    names = [p.name for p in files]
    by_name = {
        (p.name if names.count(p.name) == 1 else f"{p.parent.name}/{p.name}"): p for p in files
    }
    folders = {"register": "register", "CA export": "ca_register_2026_07"}
    raws: dict[Path, pl.DataFrame] = {}
    for row in derived.iter_rows(named=True):
        path = by_name[row["source_file"]]
        want = folders.get(row["via"])
        assert path.parent.name == want if want else path.parent.name != "register", row
        raw = raws.setdefault(path, read_csv_text(path)).row(row["source_row"] - 1, named=True)
        columns = warn.layouts()[row["layout"]].columns
        employer = [raw[c] for c, f in columns.items() if f == "employer" and raw.get(c)]
        text = pl.select(normalize_text(pl.lit(employer[0].split("\n")[0]))).item()
        assert row["employer"] == text, (row, employer)
        counts = [raw[c] for c, f in columns.items() if f == "employees_affected" and raw.get(c)]
        if row["employees_affected"] is not None and row["layout"] != "co":
            assert any(str(row["employees_affected"]) in c.replace(",", "") for c in counts), row


def test_firm_totals_and_the_registers_double_counted_reposts(everything, shared_data):
    _, derived = everything
    year = pl.coalesce("notice_date", "effective_date").dt.year()
    msft_wa = derived.filter(
        (pl.col("company_id") == "MSFT") & (pl.col("state") == "WA") & (year == 2025)
    )
    reg = read_csv_text(shared_data / "warn" / "register" / "wa.csv").filter(
        (pl.col("ticker") == "MSFT") & pl.col("notice_date").str.starts_with("2025")
    )
    naive = reg["employees_affected"].cast(pl.Int64).sum()
    # WA ESD lists each notice again on its layoff date: the register's sum counts it twice.
    assert (naive, msft_wa["employees_affected"].sum()) == (6404, 3202)
    totals = dict(
        derived.group_by("company_id").agg(pl.col("employees_affected").sum()).iter_rows()
    )
    assert totals["AMZN"] > totals["MSFT"] > totals["INTC"] > 0
    assert "NVDA" not in totals and "HPQ" not in totals  # no notice of theirs since 2019
