"""Which-jobs study: notices by state and site, job-family counts and the engineer share."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest

from layofflab.errors import InvalidArgumentError, LookupMissError
from layofflab.sources.job_families import read as read_family_counts
from layofflab.studies.warn import WarnOptions, run_warn


def test_shipped_notices_keep_every_site_and_count_each_notice_once():
    study = run_warn()
    study.notices.check_conservation()
    sites = dict(study.by_state.select("state", "sites").iter_rows())
    assert sites == {"WA": 2, "CA": 42, "NY": 9, "VA": 1, "NJ": 2}
    ny = study.firm_notices.filter(pl.col("state") == "NY")
    assert ny["notice_id"].n_unique() == 1 and ny["employees_affected"].sum() == 287
    ca = study.firm_notices.filter(pl.col("state") == "CA")
    assert ca["notice_id"].n_unique() == 2  # 2025-10-02 and the 41 sites of 2025-10-28
    # WA 10-28 + 12-13, CA 10-02 + 10-28, NY 10-28, VA (BWI1) 11-14, NJ Amazon + Audible 10-01
    total = 2303 + 84 + 149 + 1540 + 287 + 247 + 72 + 67
    assert study.by_state["employees_affected"].sum() == total


def test_engineer_share_is_engineering_families_over_listed_workers():
    share = run_warn().engineer_share()
    total = share.filter(pl.col("notice") == "all notices").row(0, named=True)
    fam = run_warn().families
    assert total["workers_listed"] == fam["employees"].sum()
    assert total["engineers"] == fam.filter(pl.col("is_engineering"))["employees"].sum()
    assert total["engineer_share"] == pytest.approx(total["engineers"] / total["workers_listed"])


def test_family_counts_reject_bad_rows_and_unknown_families(tmp_path):
    good = tmp_path / "fam.csv"
    good.write_text(
        "state,employer,notice_date,job_family,employees,source_url\n"
        "WA,Acme,2025-10-28,Software engineering,10,https://e.x\n"
        "WA,Acme,2025-10-28,HR and recruiting,-3,https://e.x\n"
        "WA,Acme,13/45/2025,HR and recruiting,3,https://e.x\n"
    )
    c = read_family_counts(good)
    c.check_conservation()
    assert c.data.select("job_family", "employees_affected", "is_engineering").rows() == [
        ("Software engineering", 10, True)
    ]
    assert c.rejects["reason"].to_list() == ["negative count", "unparseable date"]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "state,employer,notice_date,job_family,employees,source_url\nWA,A,2025-01-01,Astrology,1,https://e.x\n"
    )
    with pytest.raises(LookupMissError, match="Astrology"):
        read_family_counts(bad)


@pytest.mark.realdata
def test_shipped_family_counts_equal_the_classifier_on_the_title_lists(shared_data):
    folder = shared_data / "warn" / "amazon_wa_job_titles"
    from_titles = run_warn(
        WarnOptions(job_title_paths=(str(folder / "notice_1.json"), str(folder / "notice_2.json")))
    )
    shipped = run_warn()
    key = ["notice_date", "job_family"]
    a = from_titles.families.select(*key, "employees").sort(key)
    b = shipped.families.select(*key, "employees").sort(key)
    assert a.equals(b)
    assert (
        shipped.families.filter(pl.col("notice_date") == dt.date(2025, 10, 28))["employees"].sum()
        == 2201
    )


def test_a_firm_without_notices_is_refused_naming_the_firms_that_have_some():
    with pytest.raises(InvalidArgumentError) as info:
        run_warn(WarnOptions(company_id="ZZZZ"))
    message = str(info.value)
    assert message.startswith("company_id='ZZZZ': expected a firm with WARN notices in the data: ")
    assert "AMZN" in message and "\n" not in message


def test_a_window_without_notices_is_refused_naming_the_firms_notice_dates():
    with pytest.raises(InvalidArgumentError) as info:
        run_warn(WarnOptions(start="1990-01-01", end="1990-03-31"))
    message = str(info.value)
    assert message.startswith(
        "start..end='1990-01-01..1990-03-31': expected a window holding a notice of AMZN, "
        "whose notices are dated "
    )
    assert re.search(r"whose notices are dated \d{4}-\d{2}-\d{2}", message)


def test_job_titles_of_another_firms_notices_are_refused(tmp_path):
    other = tmp_path / "fam.csv"
    other.write_text(
        "state,employer,notice_date,job_family,employees,source_url\n"
        "CA,Globex,2025-11-03,Software engineering,40,https://e.x\n"
    )
    with pytest.raises(InvalidArgumentError, match=r"found notices CA 2025-11-03") as info:
        run_warn(WarnOptions(families_path=str(other)))
    assert "a notice of AMZN (state and date among " in str(info.value)
    assert "WA 2025-10-28" in str(info.value)


def test_bad_dates_are_refused_when_the_options_are_built():
    with pytest.raises(InvalidArgumentError, match="start='2025-13-01'"):
        WarnOptions(start="2025-13-01")
