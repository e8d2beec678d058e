"""Job titles of WARN notices: layouts, rejects, the family table, shares."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from layofflab.errors import InputFileError, InvalidArgumentError
from layofflab.lookups import load_table
from layofflab.sources.warn import job_titles as jt


@pytest.fixture(scope="module")
def d(fixtures_dir):
    return fixtures_dir / "warn" / "job_titles"


def test_impacts_layout_rows_conserved_and_negative_count_rejected(d):
    c = jt.read(d / "impacts_by_facility.csv", employer="Amazon", state="WA")
    c.check_conservation()
    assert c.rows_in == {"impacts_by_facility.csv": 7}
    assert c.rejects.select("source_row", "reason").rows() == [(7, "negative count")]
    assert c.data.columns == list(jt.COLUMNS)
    assert set(c.data["employer"]) == {"Amazon"} and set(c.data["state"]) == {"WA"}


def test_json_notice_takes_id_state_and_date_from_the_notice(d):
    c = jt.read(d / "notice_c.json")
    c.check_conservation()
    assert c.data.select("notice_id", "state", "notice_date").unique().rows() == [
        ("notice_c", "WA", dt.date(2025, 12, 13))
    ]
    assert c.rejects.select("source_row", "reason").rows() == [(3, "missing job title")]


def test_title_totals_layout_has_no_facility(d):
    c = jt.read(d / "job_titles.csv")
    assert c.data["facility_id"].null_count() == c.data.height == 3
    assert c.data["facility_count"].to_list() == [1, 1, 1]


def test_classification_first_match_wins_and_unmatched_is_unclassified():
    titles = [
        "Sr Manager, Software Dev",
        "SOFTWARE DEV ENGINEER II",
        "Sales Operations III",
        "Account Rep I",
        "Applied Scientist II",
        "Chief Happiness Officer",
    ]
    out = jt.classify_titles(pl.DataFrame({"job_title": titles}))
    assert out["job_family"].to_list() == [
        "Engineering management",
        "Software engineering",
        "Sales operations",
        "Sales and business development",
        "Applied and research science",
        jt.UNCLASSIFIED,
    ]
    assert out["is_engineering"].to_list() == [False, True, False, False, False, False]


def test_family_table_is_well_formed():
    table = load_table(jt.FAMILIES_TABLE)
    assert table["family"].is_unique().all()
    assert set(table["engineering"]) == {"true", "false"}
    for pattern in table["pattern"]:
        pl.select(pl.lit("x").str.contains(f"(?i){pattern}"))  # every pattern compiles


def test_shares_sum_to_one_and_engineer_share(d):
    c = jt.read(d / "impacts_by_facility.csv")
    shares = jt.family_shares(c.data)
    assert shares["share"].sum() == pytest.approx(1.0)
    assert shares["employees"].sum() == 32
    assert jt.engineer_share(c.data) == pytest.approx(16 / 32)
    by_notice = jt.family_shares(c.data, by=["notice_id"])
    assert by_notice.group_by("notice_id").agg(pl.col("share").sum())["share"].to_list() == [
        pytest.approx(1.0)
    ]


def test_facilities_and_notice_summary(d):
    fac = jt.read_facilities(d / "facility_geocodes.csv")
    fac.check_conservation()
    assert fac.data["latitude"].to_list() == [47.62]
    assert fac.rejects["reason"].to_list() == ["unparseable latitude"]
    summary = jt.read_notice_summary(d / "notice_summary.csv")
    assert summary.data.select("notice_id", "total_affected").rows() == [("notice_a", 32)]


def test_bad_inputs(d, tmp_path):
    bad = tmp_path / "titles.csv"
    bad.write_text("title,count\nX,1\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="job-title CSV"):
        jt.read(bad)
    broken = tmp_path / "n.json"
    broken.write_text('{"notice": {"jobTitles": []}}', encoding="utf-8")
    with pytest.raises(InputFileError, match="jobTitleImpacts"):
        jt.read(broken)
    with pytest.raises(InvalidArgumentError):
        jt.read(d / "job_titles.csv", format="pdf")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        jt.classify_titles(pl.DataFrame({"title": ["x"]}))


def test_a_json_impact_with_an_unknown_key_is_refused_naming_it(tmp_path):
    notice = tmp_path / "n.json"
    notice.write_text(
        '{"notice": {"noticeId": "n", "jurisdiction": "WA", "jobTitleImpacts": '
        '[{"facilityId": "F1", "jobTitle": "SDE I", "affectedCount": 2, "salary": 1}]}}',
        encoding="utf-8",
    )
    with pytest.raises(
        InputFileError, match=r"column 'salary'.*expected impact keys among"
    ) as info:
        jt.read(notice)
    assert "\n" not in str(info.value)
