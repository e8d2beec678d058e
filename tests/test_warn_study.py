"""WARN study: notices by state and site, the job-family reader, refusals of the window."""

from __future__ import annotations

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
def test_the_study_on_the_shared_title_lists_equals_the_study_on_the_shipped_ones(shared_data):
    folder = shared_data / "warn" / "amazon_wa_job_titles"
    # the parse's notices ('notice_1', 'notice_2') are tied to the WARN notices by state and date
    paths = (str(folder / "notice_1.json"), str(folder / "notice_2.json"))
    from_titles = run_warn(WarnOptions(job_title_paths=paths)).jobs
    shipped = run_warn().jobs
    assert from_titles.notice_ids == shipped.notice_ids
    for name in ("groups", "seniority", "unclassified", "engineering"):
        assert getattr(from_titles, name).equals(getattr(shipped, name)), name
    cols = ["notice_id", "positions_by_title", "reported_total", "gap"]
    assert from_titles.reconciliation.select(cols).equals(shipped.reconciliation.select(cols))
    assert shipped.reconciliation.select(cols).row(0) == ("WA:2025-10-28:amazon", 2201, 2303, -102)


def test_a_window_without_notices_is_refused_naming_the_firms_title_listed_notices():
    with pytest.raises(InvalidArgumentError) as info:
        run_warn(WarnOptions(start="1990-01-01", end="1990-03-31"))
    assert str(info.value) == (
        "start..end='1990-01-01..1990-03-31': expected a window holding a notice of AMZN with a "
        "job-title list: WA:2025-10-28:amazon, WA:2025-12-13:amazon"
    )


def test_a_window_with_title_lists_but_no_other_notice_is_refused_naming_the_dates(tmp_path):
    # the title list names the notice; the by-state tables then need the window to hold it
    with pytest.raises(InvalidArgumentError) as info:
        run_warn(WarnOptions(notice="WA:2025-12-13:amazon", start="1990-01-01", end="1990-03-31"))
    message = str(info.value)
    assert message.startswith("start..end='1990-01-01..1990-03-31': expected a window holding a")
    assert re.search(r"whose notices are dated \d{4}-\d{2}-\d{2}", message)


def test_job_titles_of_no_notice_in_the_data_leave_no_firm_with_a_title_list(tmp_path):
    other = tmp_path / "titles.csv"
    other.write_text(
        "state,employer,notice_id,notice_date,job_title,employees,facilities,"
        "remote_without_title,source_url\n"
        "CA,Globex,CA:2025-11-03:globex,2025-11-03,Software Engineer,40,1,,https://e.x\n"
    )
    with pytest.raises(InvalidArgumentError) as info:
        run_warn(WarnOptions(job_title_paths=(str(other),)))
    message = str(info.value)
    assert message.startswith(
        "company_id='AMZN': expected a firm with a WARN job-title list: none;"
    )
    assert re.search(r"AMZN has \d+ WARN notices, none with one$", message)


def test_bad_dates_are_refused_when_the_options_are_built():
    with pytest.raises(InvalidArgumentError, match="start='2025-13-01'"):
        WarnOptions(start="2025-13-01")
