"""Annual headcount reader (data/raw/headcount_annual.csv and hand-made rows)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from layofflab import config
from layofflab.errors import SchemaValidationError
from layofflab.schemas import HEADCOUNT, validate
from layofflab.sources import headcount
from layofflab.sources.headcount_transcription import basis_of

TODAY = dt.date(2026, 11, 28)
HEADER = ",".join((*headcount.REQUIRED, "note"))
TENK = "AAPL,320193,2015,2015-09-26,110000,yes,full-time equivalent,10-K,2015-10-28,"
TENK += "0001193125-15-356351,https://www.sec.gov/Archives/edgar/data/320193/x/,sec_10k,yes,"
PRESS = "AAPL,320193,2015,2015-09-26,116000,,full-time equivalent,,,,https://news.example.com/a,"
PRESS += "press,no,swapped on the page"


@pytest.fixture(scope="module")
def shipped() -> headcount.Cleaned:
    return headcount.read(config.DATA_RAW / "headcount_annual.csv", today=TODAY)


def _read(tmp_path, rows: list[str]) -> headcount.Cleaned:
    path = tmp_path / "hc.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return headcount.read(path, today=TODAY)


def test_disagreeing_sources_are_both_kept_with_one_primary(tmp_path):
    c = _read(tmp_path, [TENK, PRESS])
    c.check_conservation()
    assert c.data.select("employees", "source_kind", "primary", "cik").rows() == [
        (110000, "sec_10k", True, "0000320193"),
        (116000, "press", False, "0000320193"),
    ]
    validate(c.data, HEADCOUNT, table="headcount")


def test_bad_rows_are_rejected_with_reasons(tmp_path):
    rows = [
        TENK,
        TENK,  # exact repeat
        PRESS.replace(",no,", ",yes,"),  # a second primary row for AAPL FY2015
        PRESS.replace(",2015,2015-09-26,", ",2016,2016-09-24,"),  # no primary row for FY2016
        TENK.replace("110000", '"110,000"').replace(",2015,", ",2017,"),
        TENK.replace("full-time equivalent", "contractors").replace(",2015,", ",2018,"),
        TENK.replace(",10-K,", ",10-Q,").replace(",2015,", ",2019,"),
        TENK.replace("https://www.sec.gov/Archives/edgar/data/320193/x/", "n/a").replace(
            ",2015,", ",2020,"
        ),
        TENK.replace("2015-09-26", "2031-09-26").replace(",2015,", ",2021,"),
        TENK.replace(",sec_10k,", ",blog,").replace(",2015,", ",2022,"),
    ]
    c = _read(tmp_path, rows)
    c.check_conservation()
    assert c.data["source_row"].to_list() == [1]
    assert dict(c.rejects.select("source_row", "reason").rows()) == {
        2: "duplicate of source_row 1",
        3: "second primary row for the firm-year: source_row 1 is primary",
        4: "no primary row for AAPL FY2016",
        5: "employees '110,000' is not a positive whole number",
        6: "unknown basis 'contractors' (see HEADCOUNT_BASES)",
        7: "sec_10k row with form '10-Q' (expected 10-K)",
        8: "document_url: not a URL 'n/a'",
        9: "period_end: implausible date (after 2027-11-28)",
        10: "unknown source_kind 'blog' (expected sec_10k or press)",
    }


def test_schema_demands_one_primary_row_per_firm_year(tmp_path):
    c = _read(tmp_path, [TENK, PRESS])
    two = c.data.with_columns(primary=pl.lit(True))
    with pytest.raises(SchemaValidationError, match="one primary row per firm and fiscal year"):
        validate(two, HEADCOUNT, table="headcount")


def test_basis_is_read_from_the_sources_wording():
    assert basis_of("full-time and part-time employees (excl. contractors)") == (
        "full- and part-time"
    )
    assert basis_of("full-time equivalent employees") == "full-time equivalent"
    assert basis_of("full- me employees") == "full-time"  # Oracle's text lost its 'ti'
    assert basis_of("total workforce (incl. majority-owned subsidiaries)") == (
        "workforce incl. subsidiaries"
    )
    assert basis_of("global workforce of employees") == "employees, basis not stated"


def test_shipped_table_is_clean_with_one_primary_row_per_firm_year(shipped):
    shipped.check_conservation()
    assert shipped.rejects.height == 0
    validate(shipped.data, HEADCOUNT, table="headcount")
    primary = shipped.data.filter("primary")
    assert primary.select("company_id", "fiscal_year").is_unique().all()
    # a 10-K row is always primary; a press row is primary only where no 10-K row exists
    tenk = shipped.data.filter(source_kind="sec_10k")
    assert tenk["primary"].all() and (tenk["form"] == "10-K").all()
    press_primary = primary.filter(source_kind="press").select("company_id", "fiscal_year")
    assert press_primary.join(tenk, on=["company_id", "fiscal_year"]).height == 0
    assert set(shipped.data["company_id"]) == {
        "AAPL", "AMZN", "CRM", "CSCO", "GOOGL", "INTC", "META", "MSFT", "NVDA", "ORCL"
    }  # fmt: skip


def test_the_two_errors_of_the_curated_pages_are_handled(shipped):
    """AAPL FY2015/FY2016 swapped on the page; ORCL's 164k/143k pair mislabelled as FY2025/26."""
    rows = (
        shipped.data.filter(company_id="AAPL")
        .filter(pl.col("fiscal_year").is_in([2015, 2016]))
        .sort("fiscal_year", "source_kind", descending=[False, True])
    )
    assert rows.select("fiscal_year", "employees", "source_kind", "primary").rows() == [
        (2015, 110000, "sec_10k", True),
        (2015, 116000, "press", False),
        (2016, 116000, "sec_10k", True),
        (2016, 110000, "press", False),
    ]
    orcl = dict(
        shipped.data.filter(company_id="ORCL", primary=True)
        .select("fiscal_year", "employees")
        .rows()
    )
    assert (orcl[2022], orcl[2023]) == (143000, 164000)  # the 10-K pair, at its own years
    assert orcl[2025] not in (164000, 143000) and orcl[2026] not in (164000, 143000)
    notes = pl.read_csv(config.DATA_RAW / "headcount_annual.csv").filter(
        pl.col("company_id") == "ORCL", pl.col("source_kind") == "press"
    )
    assert notes["note"].str.contains("10-K count of FY20(23|22) \\(a mislabelled year\\)").all()
