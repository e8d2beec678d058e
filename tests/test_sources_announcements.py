"""AI-capex announcements reader: column map, event types, URL/date/amount rules, duplicates."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from layofflab import config
from layofflab.errors import InputFileError
from layofflab.schemas import validate
from layofflab.sources import announcements

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def fx(fixtures_dir):
    return fixtures_dir / "announcements"


@pytest.fixture(scope="module")
def curated(fx):
    return announcements.read(fx / "announcements_curated_format.csv", today=TODAY)


def reasons(cleaned) -> dict[int, str]:
    return dict(cleaned.rejects.select("source_row", "reason").rows())


def test_clean_rows_and_types(curated):
    curated.check_conservation()
    assert curated.data.columns == list(announcements.COLUMNS)
    got = curated.data.select(
        "company_id", "announce_date", "event_type", "amount_usd_bn", "verified", "source_row"
    ).rows()
    assert got == [
        ("META", dt.date(2024, 4, 24), "guidance_raise", 37.5, True, 1),
        ("ACME", dt.date(2024, 5, 1), "guidance", 12.0, False, 2),
        ("MSFT", dt.date(2024, 7, 30), "guidance", None, False, 4),
        ("CRM", dt.date(2025, 1, 15), "guidance_raise", 15.0, True, 13),
    ]
    validate(curated.data, announcements.ANNOUNCEMENTS, table="announcements")


def test_every_rule_rejects_with_a_reason(curated):
    assert reasons(curated) == {
        3: "unknown event_type 'rumour' (expected one of guidance, guidance_raise, partnership, "
        "project)",
        5: "missing source_url",
        6: "source_url is not an http(s) URL: 'ftp://example.com/file'",
        7: "announce_date: unparseable date",
        8: "announce_date: implausible date (after 2027-11-28)",
        9: "negative amount_usd_bn",
        10: "unparseable amount_usd_bn '60-65'",
        11: "unrecognised verified value 'maybe' (expected yes/no/true/false)",
        12: "duplicate of source_row 1",
        14: "missing ticker",
    }
    raw = curated.rejects.filter(pl.col("source_row") == 10)["raw"][0]
    assert '"amount_usd_bn":"60-65"' in raw


def test_ciks_and_event_flags_come_from_data_tables(curated):
    row = dict(zip(curated.data["company_id"], curated.data.iter_rows(named=True), strict=True))
    assert row["META"]["cik"] == "0001326801"
    assert row["ACME"]["cik"] is None  # not in the alias table: kept, never guessed
    assert row["META"]["is_capex_guidance"] is True
    types = announcements.event_types()
    assert dict(types.select("event_type", "is_capex_guidance").rows()) == {
        "guidance": True,
        "guidance_raise": True,
        "project": False,
        "partnership": False,
    }


def test_text_is_normalized(curated):
    crm = curated.data.filter(pl.col("company_id") == "CRM").row(0, named=True)
    assert crm["description"] == "HTML & entities and spaces"


def test_today_moves_the_horizon(fx):
    later = announcements.read(fx / "announcements_curated_format.csv", today=dt.date(2030, 6, 1))
    assert 8 in later.data["source_row"].to_list()


def test_synonym_headers_bom_crlf_and_duplicates_across_files(fx):
    c = announcements.read(
        [fx / "announcements_curated_format.csv", fx / "announcements_our_format.csv"], today=TODAY
    )
    c.check_conservation()
    ours = c.data.filter(pl.col("source_file") == "announcements_our_format.csv")
    assert ours.select("company_id", "announce_date", "source_url", "verified").rows() == [
        ("GOOGL", dt.date(2025, 2, 4), "https://example.org/g", True)
    ]
    why = c.rejects.filter(pl.col("source_file") == "announcements_our_format.csv")
    assert dict(why.select("source_row", "reason").rows()) == {
        2: "duplicate of announcements_curated_format.csv source_row 1",
        3: "malformed ticker 'ZÜRICH TECH'",
    }
    assert '"note"' in why["raw"][0]  # unmapped columns travel with the raw values


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "non-empty"),
        (b"ticker,announce_date,event_type\nMETA,2024-01-01,guidance\n", "source_url"),
        (
            b"ticker,company_id,announce_date,event_type,source_url\nA,B,2024-01-01,guidance,u\n",
            "one column for 'company_id'",
        ),
        (b"\x00\x00\x01binary", "binary"),
        (b'ticker,announce_date,event_type,source_url\n"META,2024', "well-formed CSV"),
    ],
)
def test_bad_files_raise_input_file_error(tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=expected) as info:
        announcements.read(path)
    assert "bad.csv" in str(info.value)


def test_duplicate_file_names_are_refused(fx):
    path = fx / "announcements_curated_format.csv"
    with pytest.raises(InputFileError, match="unique"):
        announcements.read([path, path])


def test_shipped_table_is_clean_and_cited():
    c = announcements.read(config.DATA_RAW / "ai_capex_announcements.csv", today=TODAY)
    c.check_conservation()
    assert c.rejects.height == 0 and c.data.height == 41
    assert c.data["source_url"].str.starts_with("http").all()
    assert c.data["cik"].is_not_null().all()
    validate(c.data, announcements.ANNOUNCEMENTS, table="announcements")


@pytest.mark.realdata
def test_real_curated_file_and_our_transcription_agree(shared_data):
    real = announcements.read(shared_data / "curated" / "ai_capex_announcements.csv", today=TODAY)
    real.check_conservation()
    assert (real.rows_in["ai_capex_announcements.csv"], real.rejects.height) == (41, 0)
    assert real.data["verified"].sum() == 33
    counts = dict(real.data.group_by("company_id").len().rows())
    assert (counts["META"], counts["MSFT"], counts["AMZN"], counts["GOOGL"]) == (9, 7, 7, 6)
    assert real.data.filter(pl.col("amount_usd_bn").is_null()).height == 4  # qualitative
    ours = announcements.read(config.DATA_RAW / "ai_capex_announcements.csv", today=TODAY)
    facts = [
        "company_id",
        "announce_date",
        "event_type",
        "amount_usd_bn",
        "horizon",
        "source_url",
        "verified",
    ]
    assert ours.data.select(facts).sort(facts).equals(real.data.select(facts).sort(facts))
    # descriptions are our own words, not copies
    same = ours.data.join(real.data, on=["company_id", "announce_date", "event_type"])
    assert (same["description"] != same["description_right"]).all()
