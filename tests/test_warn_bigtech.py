"""Big-tech WARN notices (issue 9): the California export's layout, firm matching on employer
names, and the shipped transcription data/raw/warn_bigtech.csv."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from layofflab import config, tables
from layofflab.errors import InvalidArgumentError, LookupMissError
from layofflab.sources import warn
from layofflab.sources.firm_match import BIG_TECH, apply_declared_ids, match_firms
from layofflab.sources.warn.bigtech import COLUMNS, firm_notices
from layofflab.sources.warn.dedup import count_once

TODAY = dt.date(2026, 11, 28)
d = dt.date


@pytest.fixture(scope="module")
def ca_export(fixtures_dir):
    c = warn.read(fixtures_dir / "warn" / "ca_register.csv", today=TODAY)
    c.check_conservation()
    return c


# --- the CA export's layout ---------------------------------------------------------------------


def test_ca_export_read_with_its_own_layout_and_collapse_flagged(ca_export):
    data = ca_export.data
    assert set(data["layout"]) == {"ca_register"} and ca_export.rows_in == {"ca_register.csv": 6}
    assert data.height == 6 and ca_export.rejects.is_empty()  # CRLF line ends, no ticker column
    blank = data.filter(pl.col("location").is_null())
    assert blank["flags"].eq("sites_may_be_collapsed").all() and blank.height == 5
    assert data.filter(pl.col("location").is_not_null())["flags"].is_null().all()


def test_sites_listed_under_their_own_names_share_one_notice(ca_export):
    amazon = ca_export.data.filter(pl.col("employer").str.starts_with("Amazon"))
    assert amazon["notice_id"].unique().to_list() == ["CA:2025-10-28:amazon"]
    assert count_once(amazon)["employees_affected"].sum() == 80 + 138  # both sites count


# --- firm matching ------------------------------------------------------------------------------


def _match(names, dates=None, **kw):
    df = pl.DataFrame(
        {"employer": names, "day": dates or [d(2025, 1, 2)] * len(names)},
        schema={"employer": pl.String, "day": pl.Date},
    )
    return match_firms(df, date="day", **kw)


def test_firm_patterns_are_anchored_and_strip_nothing_they_need():
    out = _match(
        [
            "Amazon (SJC14)",
            "Google US-MTV-1900",
            "Intel Corporation (Robert Noyce Building)",
            "Intel Corporation - SC-11",
            "Microsoft - 1045",
            "Cisco Systems, Inc.",
            "City and County of San Francisco",  # an unanchored 'cisco' would match
            "Intelligent Systems LLC",
            "Apple-Metro, Inc.",  # an Applebee's franchisee
            "HP Hood",  # a dairy
            "Hewlett Packard Enterprise Company (HPE)",  # HPE, not HP Inc.
        ]
    )
    assert out["firm_id"].to_list() == [
        "AMZN",
        "GOOGL",
        "INTC",
        "INTC",
        "MSFT",
        "CSCO",
        None,
        None,
        None,
        None,
        None,
    ]


def test_contractors_at_a_firm_are_flagged_and_left_out_unless_asked_for():
    names = [
        "ABM General Services, Inc. at FAT 1 Amazon",
        "Astreya Partners, LLC at Meta Platforms Inc. facility",
        "Orion Logistics LLC - Amazon Delivery Service Partner",
        "Oracle America, Inc. at Adventist Health",  # Oracle's own staff at a client
    ]
    out = _match(names)
    assert out["firm_id"].to_list() == [None, None, None, "ORCL"]
    assert out["firm_relation"].to_list() == ["contractor", "contractor", "contractor", "own"]
    assert out["contractor_of"].to_list() == ["AMZN", "META", "AMZN", None]
    assert _match(names, include_contractors=True)["firm_id"].to_list() == [
        "AMZN",
        "META",
        "AMZN",
        "ORCL",
    ]


def test_subsidiaries_count_only_while_consolidated():
    names = ["Blizzard Entertainment, Inc.", "Activision Blizzard", "VMware, Inc.", "VMware, Inc."]
    dates = [d(2019, 2, 12), d(2024, 1, 25), d(2020, 1, 30), d(2023, 12, 1)]
    out = _match(names, dates)
    assert out["firm_id"].to_list() == [None, "MSFT", "DELL", None]
    assert out["firm_relation"].to_list() == [None, "subsidiary", "subsidiary", None]


def test_register_ticker_finds_a_notice_the_patterns_miss():
    df = pl.DataFrame({"employer": ["Alpha Widget Works"], "t": ["GOOG"]})
    assert match_firms(df, ticker="t")["firm_id"].to_list() == ["GOOGL"]
    with pytest.raises(InvalidArgumentError, match="firms"):
        match_firms(df, firms=["ZZZZ"])


def test_declared_company_wins_and_an_unknown_one_is_a_lookup_miss():
    df = pl.DataFrame(
        {"employer": ["Google LA 5"], "company_id": [None], "cik": [None], "match_method": ["x"]},
        schema_overrides={"company_id": pl.String, "cik": pl.String},
    ).with_columns(match_score=pl.lit(None, dtype=pl.Float64))
    out = apply_declared_ids(df.with_columns(dec=pl.lit("GOOGL")), column="dec", source="t")
    assert out.select("company_id", "cik", "match_method").row(0) == (
        "GOOGL",
        "0001652044",
        "declared",
    )
    with pytest.raises(LookupMissError, match="ZZZZ"):
        apply_declared_ids(df.with_columns(dec=pl.lit("ZZZZ")), column="dec", source="t")


def test_firm_notices_prefers_the_state_file_to_a_compilation_copy(fixtures_dir, tmp_path):
    """A register row and a state file row of one notice under two spellings of the employer:
    the state's row stays, the copy goes."""
    reg = fixtures_dir / "warn" / "register.csv"
    text = reg.read_text().splitlines()
    header = text[0].split(",")
    row = dict.fromkeys(header, "")
    row |= {
        "state": "WA",
        "employer_name": "Whole Foods",
        "notice_date": "2022-05-02",
        "employees_affected": "128",
        "layoff_type": "closure",
        "ticker": "",
        "dedupe_key": "zz1",
    }
    (tmp_path / "register.csv").write_text(
        "\n".join([text[0], ",".join(row[h] for h in header)]) + "\n"
    )
    (tmp_path / "wa.csv").write_text(
        "Company,Location,Layoff Start Date,# of Workers,Closure Layoff,Type of Layoff,"
        "Received Date\nWhole Foods Market Inc.,Seattle,7/1/2022,128,Closure,Permanent,5/2/2022\n"
    )
    c = warn.read([tmp_path / "register.csv", tmp_path / "wa.csv"], today=TODAY)
    out = firm_notices(c, portals={"WA": "https://esd.wa.gov/about-employees/WARN"})
    assert out.select("employer", "company_id", "relation", "via").rows() == [
        ("Whole Foods Market Inc.", "AMZN", "subsidiary", "state file")
    ]
    assert out["source_url"].to_list() == ["https://esd.wa.gov/about-employees/WARN"]


# --- the shipped transcription ------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    path = config.DATA_RAW / "warn_bigtech.csv"
    return path, tables.load("warn", paths=[path])


def test_shipped_file_reads_clean_counted_and_declared(shipped):
    path, c = shipped
    c.check_conservation()
    raw = pl.read_csv(path, infer_schema=False)
    assert tuple(raw.columns) == COLUMNS
    assert c.rejects.is_empty() and c.data.height == raw.height
    assert c.data["counted"].all()  # every row is a counted site of a notice
    assert set(c.data["company_id"]) <= set(BIG_TECH)
    assert c.data["match_method"].eq("declared").all()
    day = c.data.select(pl.coalesce("notice_date", "effective_date")).to_series()
    assert day.min() >= d(2019, 1, 1)
    assert set(raw["via"]) == {"register", "CA export", "state file"}
    assert raw["source_url"].str.starts_with("https://").all()
    assert set(raw["relation"]) == {"own", "subsidiary"}


def test_shipped_file_keeps_the_ny_sites_and_the_amazon_notices_of_2025(shipped):
    _, c = shipped
    amazon = c.data.filter(pl.col("company_id") == "AMZN")
    ny = amazon.filter((pl.col("state") == "NY") & (pl.col("notice_date") == d(2025, 10, 28)))
    assert sorted(ny["employees_affected"]) == sorted([1, 45, 7, 56, 9, 84, 2, 77, 6])
    assert ny["site_address"].n_unique() == 9
    wa = amazon.filter(pl.col("state") == "WA").select("notice_date", "employees_affected")
    assert (d(2025, 10, 28), 2303) in wa.rows() and (d(2025, 12, 13), 84) in wa.rows()
    nj = amazon.filter((pl.col("state") == "NJ") & (pl.col("notice_date") == d(2025, 10, 1)))
    assert 72 in nj["employees_affected"].to_list()
    ca = amazon.filter((pl.col("state") == "CA") & (pl.col("notice_date") == d(2025, 10, 28)))
    assert ca["notice_id"].n_unique() == 1 and ca.height > 30  # one notice, its sites


def test_firm_patterns_cover_exactly_the_firm_table():
    from layofflab.sources import firms

    table = firms.read(config.DATA_RAW / "firms.csv").data
    assert set(BIG_TECH) == set(table["company_id"])
