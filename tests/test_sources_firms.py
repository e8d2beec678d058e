"""The firm table (data/raw/firms.csv) and the SEC resource generated from it."""

from __future__ import annotations

import polars as pl

from layofflab import config
from layofflab.schemas import FIRMS, validate
from layofflab.sources import firms
from layofflab.sources.entities import load_aliases
from layofflab.sources.sec import calendar

PANEL = {"AMZN", "MSFT", "GOOGL", "META", "AAPL", "ORCL", "CRM", "INTC", "IBM", "CSCO", "DELL"}
PANEL |= {"HPQ", "NVDA"}


def test_the_shipped_firm_table_has_the_thirteen_panel_firms():
    c = firms.read(config.DATA_RAW / "firms.csv")
    c.check_conservation()
    assert c.rejects.height == 0
    assert set(c.data["company_id"]) == PANEL and c.data.height == 13
    validate(c.data, FIRMS, table="firms")
    months = dict(c.data.select("company_id", "fiscal_year_end_month").rows())
    assert (months["MSFT"], months["AAPL"], months["ORCL"], months["NVDA"], months["CSCO"]) == (
        6,
        9,
        5,
        1,
        7,
    )
    assert c.data["source_url"].str.starts_with("https://www.sec.gov/cgi-bin/browse-edgar").all()


def test_sec_companies_resource_is_generated_from_the_firm_table():
    """One declaration: editing firms.csv without regenerating the resource fails here."""
    expected = firms.sec_companies_text(firms.read(config.DATA_RAW / "firms.csv"))
    assert (config.RESOURCES / "sec_companies.csv").read_text() == expected
    fye = {cid: m for cid, m in calendar.companies().values()}
    assert fye["MSFT"] == 6 and set(fye) == PANEL


def test_alias_table_agrees_with_the_firm_table():
    """company_aliases.csv repeats CIK and name of each registrant: they must not drift."""
    table = firms.read(config.DATA_RAW / "firms.csv").data
    registrants = load_aliases().filter(pl.col("relation") == "registrant")
    joined = table.join(registrants, on="company_id", how="left")
    assert joined.height == 13
    assert (joined["cik"] == joined["cik_right"]).all()
    assert (joined["name"] == joined["company_name"]).all()


def test_bad_rows_are_rejected_with_reasons(tmp_path):
    header = "company_id,cik,name,fiscal_year_end_month,fiscal_year_end,source_url"
    rows = [
        "MSFT,0000789019,Microsoft Corporation,6,30 June,https://www.sec.gov/x",
        "msft,0000789019,Microsoft Corporation,6,30 June,https://www.sec.gov/x",
        "MSFX,789019,Microsoft Corporation,6,30 June,https://www.sec.gov/x",
        "MSFY,0000789019,Microsoft Corporation,6,30 June,https://www.sec.gov/x",
        "ORCL,0001341439,Oracle Corporation,13,31 May,https://www.sec.gov/x",
        "ORCL,0001341439,,5,31 May,https://www.sec.gov/x",
        "IBM,0000051143,IBM,12,calendar year,www.ibm.com",
    ]
    path = tmp_path / "firms.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    c = firms.read(path)
    c.check_conservation()
    assert c.data["company_id"].to_list() == ["MSFT"]
    assert dict(c.rejects.select("source_row", "reason").rows()) == {
        2: "malformed company_id 'msft'",
        3: "malformed cik '789019' (10 digits)",
        4: "duplicate cik of source_row 1",
        5: "fiscal_year_end_month '13' is not 1-12",
        6: "missing name",
        7: "source_url: not a URL 'www.ibm.com'",
    }
