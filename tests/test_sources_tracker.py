"""Tracker exports: both generations, every cleaning rule, row conservation, bad files."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from layofflab import schemas
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
