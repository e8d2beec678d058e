"""WARN counts one can defend (issue 15): each case of the side-by-side comparison with
warn-transformer on a small fixture of our own (tests/fixtures/warn/issue15), in the state's
layout. The first group failed before these rules existed; the second keeps what was right."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from layofflab.sources import warn
from layofflab.sources._base import Cleaned
from layofflab.sources.warn.dedup import count_once

TODAY = dt.date(2026, 11, 28)
d = dt.date


@pytest.fixture(scope="module")
def fx(fixtures_dir):
    return fixtures_dir / "warn" / "issue15"


def _read(path, **kw) -> Cleaned:
    c = warn.read(path, today=TODAY, resolve_entities=False, **kw)
    c.check_conservation()
    return c


def _row(c: Cleaned, n: int) -> dict:
    return c.data.filter(pl.col("source_row") == n).to_dicts()[0]


def _reasons(c: Cleaned) -> dict[int, str]:
    return dict(c.rejects.select("source_row", "reason").iter_rows())


def _total(c: Cleaned) -> int:
    return count_once(c.data)["employees_affected"].sum()


# --- where layofflab was wrong ----------------------------------------------------------------


def test_nj_count_above_the_state_limit_is_rejected(fx):
    nj = _read(fx / "nj.csv")
    assert _reasons(nj) == {1: "implausible count 23695 (above the nj limit of 20,000)"}
    assert _row(nj, 2)["employees_affected"] == 16000  # nationwide, but a real notice
    assert _total(nj) == 16040


def test_mi_counts_in_words_lists_of_sites_and_a_count_in_the_city_field(fx):
    mi = _read(fx / "mi.csv")
    assert mi.rejects.is_empty()
    assert _row(mi, 1)["employees_affected"] == 1  # '1 remote Michigan worker'
    assert _row(mi, 2)["employees_affected"] == 138  # '138 (133 Zeeland, 5 Traverse City)'
    stores = _row(mi, 3)
    assert (stores["employees_affected"], stores["flags"]) == (688, "sites_summed")
    airline = _row(mi, 4)
    assert airline["employees_affected"] == 2554  # 'Number Affected: 2,554' in the city field
    assert airline["flags"] == (
        "count_from_location; url_in_effective_date; url_in_employees_affected"
    )
    assert _total(mi) == 1 + 138 + 688 + 2554 + 42


def test_mi_url_in_the_date_is_missing_and_the_link_gives_the_notice_date(fx):
    airline = _row(_read(fx / "mi.csv"), 4)
    assert (airline["notice_date"], airline["effective_date"]) == (d(2020, 7, 30), None)


def test_mi_rev_in_a_link_is_no_amendment(fx):
    mi = _read(fx / "mi.csv")
    assert mi.data.height == 5
    assert not mi.data["is_amendment"].any()
    assert mi.data["counted"].all()


def test_oh_revision_with_a_blank_count_keeps_the_original_count(fx):
    oh = _read(fx / "oh.csv")
    revised = _row(oh, 2)
    assert (revised["employees_affected"], revised["flags"]) == (468, "count_from_original")
    assert (revised["amends_source_row"], revised["counted"]) == (1, True)
    assert not _row(oh, 1)["counted"]
    riverside = count_once(oh.data.filter(pl.col("employer") == "Riverside Medical Center"))
    assert riverside["employees_affected"].sum() == 468


def test_oh_amendments_link_only_within_the_same_notice_id(fx):
    oh = _read(fx / "oh.csv")
    updated = _row(oh, 4)  # 'Updated', but notice 011-19-029, not 011-19-025
    assert updated["is_amendment"] and updated["amends_source_row"] is None
    assert _row(oh, 3)["counted"] and updated["counted"]
    later = _row(oh, 10)  # Print Services 011-23-055 is a notice of its own
    assert later["amends_source_row"] is None and _row(oh, 8)["counted"]


def test_oh_site_list_of_counts_is_summed(fx):
    nemf = _row(_read(fx / "oh.csv"), 5)
    assert (nemf["employees_affected"], nemf["flags"]) == (284, "sites_summed")


def test_co_count_from_permanent_job_losses_from_2021(fx):
    co = _read(fx / "co.csv")
    assert _row(co, 1)["employees_affected"] == 434
    assert _row(co, 2)["employees_affected"] == 169  # before 2021: jobs (permanent says 0)


def test_or_excel_placeholder_date_is_missing_not_a_lost_notice(fx):
    orr = _read(fx / "or.csv")
    sugar = _row(orr, 1)
    assert (sugar["effective_date"], sugar["notice_date"]) == (None, d(2005, 1, 19))
    assert sugar["flags"] == "placeholder_effective_date"
    assert _reasons(orr) == {2: "missing date"}  # no date left at all: still a reject
    assert _total(orr) == 510


def test_ca_typo_in_the_effective_date_keeps_the_notice(fx):
    ca = _read(fx / "ca.csv")
    for n, typed in ((1, "03/09/2121"), (2, "03/30/3030")):
        row = _row(ca, n)
        assert row["effective_date"] is None and row["notice_date"] is not None
        assert row["flags"] == "effective_date_implausible"
        assert row["notes"] == f"effective_date implausible: {typed}"
    assert _total(ca) == 178 + 96 + 123


def test_ia_reposting_with_the_address_spelt_differently_is_a_duplicate(fx):
    ia = _read(fx / "ia.csv")
    assert _reasons(ia) == {3: "duplicate of source_row 1", 4: "duplicate of source_row 2"}


def test_ia_amendment_adds_the_workers_of_a_further_wave(fx):
    ia = _read(fx / "ia.csv")
    amendment = _row(ia, 2)
    assert amendment["is_amendment"] and amendment["amends_source_row"] == 1
    assert _row(ia, 1)["counted"] and amendment["counted"]
    assert _total(ia) == 237


def test_pre_act_dates_follow_the_federal_warn_act(fx):
    """Notices from the Act's signing (1988-08-04); layoffs from its effective date
    (1989-02-04): a layoff date before it is dropped and flagged, the notice kept."""
    tx = _read(fx / "tx.csv")
    assert _reasons(tx) == {3: "implausible notice_date (before 1988-08-04)"}
    assert _row(tx, 1)["effective_date"] == d(1989, 3, 1)
    early = _row(tx, 2)
    assert (early["notice_date"], early["effective_date"]) == (d(1988, 12, 16), None)
    assert early["flags"] == "effective_date_implausible"
    assert warn.layouts()["tx"].earliest("effective_date") == d(1989, 2, 4)


def test_ut_doubled_slash_date_recovered(fx):
    assert _row(_read(fx / "ut.csv"), 1)["notice_date"] == d(2009, 1, 7)


# --- where layofflab was right: kept so ---------------------------------------------------------


def test_nj_effective_dates_keep_their_month(fx):
    assert _row(_read(fx / "nj.csv"), 3)["effective_date"] == d(2021, 5, 14)


def test_ca_cancelled_notice_not_counted_and_entity_encoded_reposting_caught(fx):
    ca = _read(fx / "ca.csv")
    cancelled = _row(ca, 5)
    assert cancelled["is_rescission"] and not cancelled["counted"]
    assert _reasons(ca) == {4: "duplicate of source_row 3"}  # 'Surf&rsquo;s' = 'Surf’s'


def test_oh_same_notice_id_update_counted_once(fx):
    oh = _read(fx / "oh.csv")
    big = count_once(oh.data.filter(pl.col("employer") == "Big Motors Complex"))
    assert big["employees_affected"].to_list() == [1607]
    assert _reasons(oh) == {9: "duplicate of source_row 8"}  # re-posted, same id and count


def test_ky_and_wa_notice_dates_are_the_received_dates(fx, fixtures_dir):
    ky = _row(_read(fx / "ky.csv"), 1)
    assert (ky["notice_date"], ky["effective_date"]) == (d(2025, 10, 3), d(2026, 3, 31))
    wa = _row(_read(fixtures_dir / "warn" / "wa.csv"), 1)
    assert (wa["notice_date"], wa["effective_date"]) == (d(2025, 10, 14), d(2025, 12, 15))
