"""Tracker exports: both generations, every cleaning rule, row conservation, bad files."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from layofflab import config, schemas
from layofflab.errors import InputFileError, LookupMissError
from layofflab.sources import tracker

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def old(fixtures_dir):
    return tracker.read(fixtures_dir / "tracker" / "layoffs_2023_format.csv", today=TODAY)


def test_2023_generation_known_answer(old):
    got = old.data.select(
        "company", "laid_off", "laid_off_approximate", "country", "industry", "date"
    )
    expected = pl.DataFrame(
        {
            "company": ["Acme Robotics", "Globex", "Initech", "Hooli", "Umbrella Labs", "Tyrell"],
            "laid_off": [500, 1200, None, 80, 45, 300],
            "laid_off_approximate": [False, False, False, True, False, True],
            "country": [
                "United States",
                "United States",
                "United States",
                "Germany",
                "Sweden",
                "United States",
            ],
            "industry": ["Hardware", "Retail", "Crypto", "Finance", "Crypto", "Hardware"],
            "date": [
                dt.date(2023, 3, 6),
                dt.date(2023, 2, 1),
                dt.date(2023, 1, 15),
                dt.date(2022, 12, 30),
                dt.date(2022, 11, 16),
                dt.date(2023, 3, 6),
            ],
        },
        schema_overrides={"laid_off": pl.Int64},
    )
    assert_frame_equal(got, expected)


def test_2023_generation_rejects_with_reasons(old):
    assert old.rejects.select("source_row", "reason").rows() == [
        (6, "duplicate of source_row 2"),
        (7, "missing date"),
        (8, "negative count"),
        (9, "implausible date (after 2027-11-28)"),
        (10, "pct_laid_off outside [0, 1]"),
        (11, "duplicate of source_row 2 (same company, date and count)"),
        (12, "fractional count"),
        (13, "missing company"),
        (15, "unparseable date"),
    ]
    raw = old.rejects.filter(pl.col("source_row") == 8)["raw"].item()
    assert '"laid_off":"-15"' in raw and '"company":"Soylent"' in raw


def test_rows_in_equal_clean_plus_rejected(old):
    old.check_conservation()
    assert old.rows_in == {"layoffs_2023_format.csv": 15}
    assert old.data.height + old.rejects.height == 15
    schemas.validate(old.data, schemas.TRACKER, table="tracker")
    schemas.validate(old.rejects, schemas.REJECTS, table="rejects")


def test_2026_generation(fixtures_dir):
    new = tracker.read(fixtures_dir / "tracker" / "layoffs_2026_format.csv", today=TODAY)
    by_company = {r["company"]: r for r in new.data.to_dicts()}
    assert by_company["Globex"]["location"] == "Bengaluru"  # ', Non-U.S.' suffix removed
    acme = new.data.filter(pl.col("company") == "Acme Robotics").sort("date")
    assert acme["laid_off"].to_list() == [500, 16000]  # '500.0', '16000.0'
    assert by_company["Initech"]["pct_laid_off"] == 1.0
    assert by_company["Hooli"]["date_added_before_date"] is True
    assert "Ben & Jerry's Tech" in by_company  # HTML entities decoded, spaces collapsed
    assert set(new.data["export_format"]) == {"layoffs_2026"}


def test_the_same_event_in_two_exports_is_kept_once(fixtures_dir):
    both = tracker.read(
        [
            fixtures_dir / "tracker" / "layoffs_2023_format.csv",
            fixtures_dir / "tracker" / "layoffs_2026_format.csv",
        ],
        today=TODAY,
    )
    both.check_conservation()
    acme = both.data.filter(pl.col("company") == "Acme Robotics")
    assert acme["date"].to_list() == [dt.date(2023, 3, 6), dt.date(2026, 1, 28)]
    dup = both.rejects.filter(pl.col("source_file") == "layoffs_2026_format.csv")
    assert dup.select("source_row", "reason").rows() == [
        (4, "duplicate of layoffs_2023_format.csv source_row 1 (same company, date and count)")
    ]


def test_unknown_industry_names_source_column_and_value(fixtures_dir):
    with pytest.raises(LookupMissError) as info:
        tracker.read(fixtures_dir / "tracker" / "layoffs_unknown_industry.csv")
    assert (info.value.column, info.value.value) == ("industry", "Quantum-ish")
    assert "layoffs_unknown_industry.csv" in str(info.value)


@pytest.mark.parametrize(
    ("folder", "name", "message"),
    [
        (
            "tracker",
            "layoffs_wrong_header.csv",
            "expected a tracker export with one of the headers",
        ),
        ("tracker", "layoffs_truncated.csv", "layoffs_truncated.csv"),
        ("bad", "empty.csv", "non-empty"),
        ("bad", "not_a_csv.csv", "binary"),
    ],
)
def test_bad_files(fixtures_dir, folder, name, message):
    with pytest.raises(InputFileError, match=message):
        tracker.read(fixtures_dir / folder / name)


@pytest.mark.realdata
def test_real_exports_conserve_rows_and_match_provenance(shared_data):
    folder = shared_data / "layoffs"
    files = sorted(folder.glob("*.csv"))
    assert len(files) == 2
    for path in files:
        cleaned = tracker.read(path)
        cleaned.check_conservation()
        schemas.validate(cleaned.data, schemas.TRACKER, table=path.name)
    old = tracker.read(folder / "layoffs_alextheanalyst_2023.csv")
    assert old.rows_in == {"layoffs_alextheanalyst_2023.csv": 2361}
    exact = old.rejects.filter(pl.col("reason").str.contains(r"^duplicate of source_row \d+$"))
    assert exact.height == 5  # PROVENANCE: 5 exact duplicate rows
    assert old.data.filter(pl.col("country").str.ends_with(".")).height == 0
    assert set(old.data["industry"].drop_nulls()) >= {"Crypto", "Finance"}
    assert "Crypto Currency" not in set(old.data["industry"].drop_nulls())
    amazon = old.data.filter(pl.col("company") == "Amazon").sort("date")
    assert amazon.select("date", "laid_off").rows() == [
        (dt.date(2022, 10, 28), 150),
        (dt.date(2022, 11, 16), 10000),
        (dt.date(2023, 1, 4), 8000),
    ]
    new = tracker.read(folder / "layoffs_fyi_2020_2026_databyab.csv")
    assert new.rows_in == {"layoffs_fyi_2020_2026_databyab.csv": 4277}
    assert new.data.filter(pl.col("location").str.contains("Non-U.S.")).height == 0
    assert (
        new.data["date_added_before_date"].sum() == 32
    )  # PROVENANCE: 32 rows added before the event
    big = new.data.filter(
        (pl.col("company") == "Amazon") & (pl.col("date") == dt.date(2025, 10, 27))
    )
    assert big["laid_off"].to_list() == [14000]


def _big_tracker(fixtures_dir, tmp_path, n=25_000):
    """A 2026-format export of ``n`` rows cycling the fixture's rows (so re-exports abound)."""
    lines = (fixtures_dir / "tracker" / "layoffs_2026_format.csv").read_text().splitlines()
    body = [ln for ln in lines[1:] if ln.strip()]
    rows = [body[i % len(body)].replace("Soylent", f"Soylent {i % 997}") for i in range(n)]
    path = tmp_path / "big_2026.csv"
    path.write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    return path


def test_per_value_cleaning_equals_row_by_row(fixtures_dir, tmp_path, monkeypatch):
    from layofflab import cleaning

    path = _big_tracker(fixtures_dir, tmp_path)
    fast = tracker.read(path, today=dt.date(2026, 11, 28), resolve_entities=False)
    monkeypatch.setattr(
        tracker,
        "per_value_many",
        lambda df, fields: [cleaning.evaluate_stages(df.select(c), s) for c, s in fields],
    )
    slow = tracker.read(path, today=dt.date(2026, 11, 28), resolve_entities=False)
    assert fast.data.equals(slow.data)
    assert fast.rejects.equals(slow.rejects)
    fast.check_conservation()


def test_exact_duplicates_survive_hash_collisions(fixtures_dir, tmp_path, monkeypatch):
    path = _big_tracker(fixtures_dir, tmp_path, n=200)
    expected = tracker.read(path, today=dt.date(2026, 11, 28), resolve_entities=False)
    monkeypatch.setattr(
        pl.DataFrame,
        "hash_rows",
        lambda self, *a, **k: pl.repeat(7, self.height, dtype=pl.UInt64, eager=True),
    )
    got = tracker.read(path, today=dt.date(2026, 11, 28), resolve_entities=False)
    assert got.data.equals(expected.data)
    assert got.rejects.equals(expected.rejects)


# --- our cited transcription, source tiers and corrections ---------------------------------


@pytest.fixture(scope="module")
def facts_and_fixes(fixtures_dir):
    folder = fixtures_dir / "tracker"
    return tracker.read(
        [folder / "layoff_facts_format.csv", folder / "layoff_corrections.csv"],
        today=TODAY,
        domains=fixtures_dir / "source_domains.csv",
    )


def test_cited_format_rejects_a_row_without_its_page_and_tiers_the_rest(facts_and_fixes):
    c = facts_and_fixes
    c.check_conservation()
    assert c.rows_in == {"layoff_facts_format.csv": 5}  # the corrections file holds no events
    assert c.rejects.select("source_row", "reason").rows() == [
        (5, "missing source_url (every row of this format cites its page)")
    ]
    tiers = dict(c.data.select("company", "source_tier").rows())
    assert tiers == {
        "Acme Robotics": "news",  # www.example.com -> example.com
        "Globex": "weak",  # example.org
        "Initech": "primary",  # press.example.org: the longer domain wins
        "Hooli": "news",  # news.example.com -> example.com
    }
    schemas.validate(c.data, schemas.TRACKER, table="tracker")


def test_corrections_change_the_named_field_and_flag_the_row(facts_and_fixes):
    got = facts_and_fixes.data.sort("source_row").select(
        "company", "date", "country", "corrected", "date_added_before_date"
    )
    assert got.rows() == [
        ("Acme Robotics", dt.date(2025, 10, 28), "United States", True, None),
        ("Globex", dt.date(2025, 9, 3), "Ireland", True, None),
        ("Initech", dt.date(2025, 11, 24), "United States", True, None),
        ("Hooli", dt.date(2025, 1, 7), "United States", False, None),
    ]
    notes = dict(facts_and_fixes.data.select("company", "correction").rows())
    assert notes["Hooli"] is None
    assert notes["Acme Robotics"] == (
        "date 2025-10-27 -> 2025-10-28: the cited page is dated 2025-10-28 (evidence: "
        "https://www.example.com/2025/10/28/acme-cuts; layoff_corrections.csv row 1)"
    )
    assert "SEC 0000000000-25-000001" in notes["Globex"]


def test_without_the_corrections_file_nothing_changes(fixtures_dir):
    plain = tracker.read(
        fixtures_dir / "tracker" / "layoff_facts_format.csv",
        today=TODAY,
        domains=fixtures_dir / "source_domains.csv",
    )
    assert not plain.data["corrected"].any()
    assert plain.data.filter(pl.col("company") == "Initech")["date"].item() == dt.date(2024, 11, 24)


def test_a_corrected_date_recomputes_date_added_before_date(fixtures_dir, tmp_path):
    fixes = tmp_path / "fixes.csv"
    fixes.write_text(
        "company,date,laid_off,field,from,to,reason,evidence\n"
        "Hooli,2025-11-25,80,date,2025-11-25,2025-02-28,added before it happened,https://e.org/x\n"
    )
    c = tracker.read([fixtures_dir / "tracker" / "layoffs_2026_format.csv", fixes], today=TODAY)
    hooli = c.data.filter(pl.col("company") == "Hooli").row(0, named=True)
    assert (hooli["date"], hooli["date_added_before_date"], hooli["corrected"]) == (
        dt.date(2025, 2, 28),
        False,
        True,
    )


_HEADER = "company,date,laid_off,field,from,to,reason,evidence\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "Acme Robotics,2025-10-26,1400,date,2025-10-26,2025-10-28,r,https://e.org/x",
            r"fixes\.csv, row 1: expected one tracker event with company 'Acme Robotics', "
            r"date 2025-10-26, laid_off 1400 \(the correction's target\); found none",
        ),
        (
            "Acme Robotics,2025-10-27,1400,country,Canada,Ireland,r,https://e.org/x",
            r"row 1, column 'from', value 'Canada': expected 'from' equal to the event's "
            r"country; found United States",
        ),
        (
            "Acme Robotics,2025-10-27,1400,company,Acme Robotics,Acme,r,https://e.org/x",
            r"row 1, column 'field', value 'company': expected a field among",
        ),
        (
            "Acme Robotics,2025-10-27,1400,date,2025-10-27,10/28/2025,r,https://e.org/x",
            r"row 1, column 'to', value '10/28/2025': expected an ISO date",
        ),
        (
            "Acme Robotics,2025-10-27,1400,laid_off,1400,about 1500,r,https://e.org/x",
            r"row 1, column 'to', value 'about 1500': expected a whole number or blank",
        ),
        (
            "Acme Robotics,2025-10-27,1400,date,2025-10-27,2025-10-28,,https://e.org/x",
            r"row 1, column 'reason': expected a reason for every correction",
        ),
        (
            "Acme Robotics,2025-10-27,1400,date,2025-10-27,2025-10-28,r,a press release",
            r"row 1, column 'evidence', value 'a press release': expected http\(s\) URLs",
        ),
        (
            "Acme Robotics,2025-10-27,1400,date,2025-10-27,2025-10-28,r,https://e.org/x\n"
            "Acme Robotics,2025-10-27,1400,date,2025-10-27,2025-10-29,r,https://e.org/y",
            r"row 2, column 'field', value 'date': expected one correction per event and field "
            r"\(first at row 1\)",
        ),
    ],
)
def test_bad_or_dangling_corrections_are_errors_naming_the_correction_row(
    fixtures_dir, tmp_path, line, message
):
    fixes = tmp_path / "fixes.csv"
    fixes.write_text(_HEADER + line + "\n")
    with pytest.raises(InputFileError, match=message):
        tracker.read(
            [fixtures_dir / "tracker" / "layoff_facts_format.csv", fixes],
            today=TODAY,
            domains=fixtures_dir / "source_domains.csv",
        )


def test_corrections_alone_are_not_a_tracker_export(fixtures_dir):
    with pytest.raises(InputFileError, match="at least one tracker export besides corrections"):
        tracker.read(fixtures_dir / "tracker" / "layoff_corrections.csv")


def test_cited_format_with_an_unclassified_domain_is_a_lookup_miss(fixtures_dir, tmp_path):
    path = tmp_path / "facts.csv"
    path.write_text(
        "company,date,laid_off,pct_laid_off,location,country,industry,source_url\n"
        "Acme,2025-01-02,5,,Austin,United States,Other,https://www.cnbc.com/x\n"
        "Acme,2025-01-03,6,,Austin,United States,Other,https://blog.unknown-site.net/post\n"
    )
    with pytest.raises(LookupMissError) as info:
        tracker.read(path, today=TODAY)
    assert (info.value.column, info.value.value) == (
        "source_url",
        "https://blog.unknown-site.net/post",
    )
    assert "facts.csv" in str(info.value) and "source_domains.csv" in str(info.value)


def test_exports_get_a_tier_only_where_the_domain_is_known(fixtures_dir):
    c = tracker.read(
        fixtures_dir / "tracker" / "layoffs_2026_format.csv",
        today=TODAY,
        domains=fixtures_dir / "source_domains.csv",
    )
    assert set(c.data["source_tier"]) == {"news"}  # example.com
    default = tracker.read(fixtures_dir / "tracker" / "layoffs_2026_format.csv", today=TODAY)
    assert default.data["source_tier"].null_count() == default.data.height  # not an error


def test_unknown_format_keys_are_rejected(monkeypatch):
    real = tracker.load_toml("tracker_formats.toml")
    broken = {**real, "formats": {**real["formats"], "odd": {**real["formats"]["layoff_facts"]}}}
    broken["formats"]["odd"]["citation"] = True
    monkeypatch.setattr(tracker, "load_toml", lambda name: broken)
    with pytest.raises(InputFileError, match=r"value 'citation': expected \[formats\.odd\] keys"):
        tracker._formats()


def test_shipped_events_are_cited_tiered_and_corrected():
    c = tracker.read(
        [config.DATA_RAW / "layoff_events.csv", config.DATA_RAW / "layoff_corrections.csv"],
        today=TODAY,
    )
    c.check_conservation()
    assert (c.data.height, c.rejects.height) == (143, 0)
    assert c.data["source_tier"].null_count() == 0
    assert dict(c.data.group_by("source_tier").len().rows()) == {
        "primary": 3,
        "news": 136,
        "weak": 4,
    }
    assert c.data["laid_off"].null_count() == 45  # events without a count are kept
    fixed = c.data.filter("corrected").sort("company")
    assert fixed.select("company", "date", "country").rows() == [
        ("Amazon", dt.date(2025, 10, 28), "United States"),
        ("Apple", dt.date(2025, 11, 24), "United States"),
        ("Salesforce", dt.date(2025, 9, 3), "Ireland"),
    ]
    schemas.validate(c.data, schemas.TRACKER, table="tracker")
