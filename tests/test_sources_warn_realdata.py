"""WARN readers on every real file in ../shared/data/warn (skipped where the data is absent)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import polars as pl
import pytest

from layofflab.cleaning import max_plausible_date
from layofflab.io import read_csv_text
from layofflab.sources import warn
from layofflab.sources.warn import job_titles as jt
from layofflab.sources.warn.dedup import count_once, employer_key

pytestmark = pytest.mark.realdata
TODAY = dt.date(2026, 11, 28)
AMAZON_NYC_SITES = [1, 45, 7, 56, 9, 84, 2, 77, 6]  # NY DOL 2025 file, notice of 2025-10-28


@pytest.fixture(scope="module")
def warn_dir(shared_data):
    return shared_data / "warn"


@pytest.fixture(scope="module")
def register(warn_dir):
    files = sorted((warn_dir / "register").glob("*.csv"))
    assert len(files) == 46  # 45 states and DC
    return warn.read(files, today=TODAY)


@pytest.fixture(scope="module")
def state_raw(warn_dir):
    files = sorted((warn_dir / "state_raw").glob("*.csv"))
    assert len(files) == 44
    return {f.stem: warn.read(f, today=TODAY, resolve_entities=False) for f in files}


@pytest.fixture(scope="module")
def ny_excerpt(warn_dir):
    return warn.read(warn_dir / "ny_dol_2025_excerpt" / "ny_warn_2025_first20rows.csv", today=TODAY)


def _in_clean_rejected(c):
    return sum(c.rows_in.values()), c.data.height, c.rejects.height


def test_register_every_file_conserves_rows(register):
    register.check_conservation()
    n_in, n_clean, n_rej = _in_clean_rejected(register)
    assert n_in == 66_676 == n_clean + n_rej
    assert len(register.rows_in) == 46
    assert n_rej < 0.05 * n_in
    assert register.data["state"].n_unique() == 46


def test_state_raw_every_file_conserves_rows(state_raw):
    for name, c in state_raw.items():
        c.check_conservation()
        n_in, n_clean, n_rej = _in_clean_rejected(c)
        assert n_in == n_clean + n_rej, name
        dups = c.rejects["reason"].str.starts_with("duplicate").sum()
        assert n_clean + dups > 0.5 * n_in, f"{name}: {n_clean} clean + {dups} re-posted of {n_in}"
    assert state_raw["ca"].rows_in == {"ca.csv": 10_737}
    assert state_raw["ny"].rows_in == {"ny.csv": 252}


def test_state_raw_known_quirks(state_raw, warn_dir):
    assert read_csv_text(warn_dir / "state_raw" / "tx.csv").width == 8  # 16,376 Excel columns
    assert state_raw["tx"].rows_in == {"tx.csv": 6582}
    assert state_raw["pa"].data.height > 200  # bare-CR line ends
    assert state_raw["mo"].data["notes"].str.contains("330 remote workers").any()  # ragged row
    ca = state_raw["ca"].data
    assert not ca["employer"].str.contains("&rsquo;|&amp;|&eacute;").any()
    assert ca["employer"].str.contains("Ingallina’s Box Lunch", literal=True).any()
    assert state_raw["wa"].rejects.height == 0


def test_no_impossible_dates_survive(register, state_raw):
    """Notices from the federal Act's signing, layoffs from its effective date; an impossible
    layoff date is dropped and flagged (the notice kept), an impossible notice date rejects."""
    latest = max_plausible_date(TODAY)
    earliest = {"effective_date": dt.date(1989, 2, 4)}
    for c in [register, *state_raw.values()]:
        for col in ("notice_date", "effective_date", "received_date", "posted_date"):
            s = c.data[col].drop_nulls()
            first = earliest.get(col, dt.date(1988, 8, 4))
            assert s.is_empty() or (s.min() >= first and s.max() <= latest)
    reasons = pl.concat([c.rejects for c in state_raw.values()])["reason"]
    assert reasons.str.starts_with("implausible").sum() >= 9
    flags = pl.concat([c.data for c in state_raw.values()])["flags"].drop_nulls()
    assert flags.str.contains("effective_date_implausible").sum() >= 10
    assert flags.str.contains("placeholder_effective_date").sum() == 24  # OR's 1899-12-29


def test_ny_reposted_sites_are_rejected_as_duplicates(state_raw):
    ny = state_raw["ny"]
    dups = ny.rejects.filter(pl.col("reason").str.starts_with("duplicate of source_row"))
    assert dups.height == 126 == ny.data.height


def test_amazon_nyc_notice_keeps_nine_sites_with_their_counts(ny_excerpt):
    ny_excerpt.check_conservation()
    amazon = ny_excerpt.data.filter(pl.col("employer") == "Amazon").sort("source_row")
    assert amazon["employees_affected"].to_list() == AMAZON_NYC_SITES
    assert amazon["site_address"].n_unique() == 9
    assert amazon["notice_id"].unique().to_list() == ["NY:2025-10-28:amazon"]
    assert amazon["counted"].all()
    assert count_once(amazon)["employees_affected"].sum() == 287
    assert set(amazon["company_id"]) == {"AMZN"}


def test_register_row_for_amazon_nyc_is_a_dedupe_key_collision(register, warn_dir):
    """The register keys a notice by sha1(state|employer|notice_date|location) with a city-level
    location, so the nine NYC sites collide and only one (1 worker) survives."""
    reg = register.data.filter(
        (pl.col("state") == "NY")
        & (pl.col("employer") == "Amazon")
        & (pl.col("notice_date") == dt.date(2025, 10, 28))
    )
    assert reg.height == 1 and reg["employees_affected"].item() == 1
    assert reg["location"].item() == "New York"
    raw = read_csv_text(warn_dir / "ny_dol_2025_excerpt" / "ny_warn_2025_first20rows.csv")
    sites = raw.filter(pl.col("Business Legal Name") == "Amazon")

    def key(location: str) -> str:
        return hashlib.sha1(f"NY|Amazon|2025-10-28|{location}".encode()).hexdigest()

    register_keys = {key("New York") for _ in sites.iter_rows()}  # every site's city is New York
    our_keys = {key(addr) for addr in sites["Impacted Site Address"]}
    assert (len(register_keys), len(our_keys)) == (1, 9)
    assert sites["Number of Affected Workers"].cast(pl.Int64).sum() == 287


def test_register_beside_ny_file_counts_amazon_nyc_once_with_its_sites(warn_dir):
    excerpt = warn_dir / "ny_dol_2025_excerpt" / "ny_warn_2025_first20rows.csv"
    both = warn.read([warn_dir / "register" / "ny.csv", excerpt], today=TODAY)
    both.check_conservation()
    amazon = count_once(
        both.data.filter(
            (pl.col("company_id") == "AMZN") & (pl.col("notice_date") == dt.date(2025, 10, 28))
        )
    )
    assert amazon["employees_affected"].sum() == 287
    assert set(amazon["source_file"]) == {excerpt.name}
    copies = both.rejects.filter(
        (pl.col("source_file") == "ny.csv")
        & pl.col("reason").str.contains(excerpt.name, literal=True)
    )
    names = [json.loads(raw)["employer_name"] for raw in copies["raw"]]
    assert names.count("Amazon") == 1 and len(names) == 12  # the excerpt's other notices too


def test_register_beside_state_file_counts_no_notice_from_both(warn_dir):
    """TX: the register copies nearly every notice of TWC's file; read together, each notice
    counts from one file only (state, employer key and notice date)."""
    files = [warn_dir / "register" / "tx.csv", warn_dir / "state_raw" / "tx.csv"]
    both = warn.read(files, today=TODAY, resolve_entities=False)
    both.check_conservation()
    copies = both.rejects["reason"].str.ends_with("(the state's own file lists this notice)")
    assert copies.sum() == 6454
    counted = count_once(both.data).with_columns(key=employer_key("employer"))
    keys = [
        counted.filter(pl.col("source_file") == f"{folder}/tx.csv")
        .select("key", "notice_date")
        .drop_nulls()
        .unique()
        for folder in ("register", "state_raw")
    ]
    assert keys[0].height > 0 and keys[1].height > 6000
    assert keys[0].join(keys[1], on=["key", "notice_date"]).is_empty()


def test_register_amazon_facts_and_wa_reposting(register):
    wa = register.data.filter((pl.col("state") == "WA") & (pl.col("company_id") == "AMZN"))
    oct28 = wa.filter(pl.col("notice_date") == dt.date(2025, 10, 28))
    assert oct28["employees_affected"].to_list() == [2303] and oct28["counted"].all()
    assert not (wa["notice_date"] == dt.date(2026, 1, 26)).any()  # re-posted on its layoff date
    rejected = register.rejects.filter(pl.col("source_file") == "wa.csv")
    repost = [
        json.loads(r) for r in rejected.filter(pl.col("reason").str.starts_with("duplicate"))["raw"]
    ]
    assert any(r["employer_name"] == "Amazon" and r["notice_date"] == "2026-01-26" for r in repost)
    assert (
        register.data.filter(pl.col("register_ticker") == "AMZN")["company_id"].eq("AMZN").mean()
        > 0.5
    )


def test_amazon_job_titles_every_file(warn_dir):
    d = warn_dir / "amazon_wa_job_titles"
    impacts = jt.read(d / "impacts_by_facility.csv", employer="Amazon", state="WA")
    impacts.check_conservation()
    assert impacts.rows_in == {"impacts_by_facility.csv": 1018} and impacts.rejects.is_empty()
    per_notice = dict(
        impacts.data.group_by("notice_id").agg(pl.col("employees_affected").sum()).iter_rows()
    )
    summary = jt.read_notice_summary(d / "notice_summary.csv")
    summary.check_conservation()
    assert per_notice == dict(summary.data.select("notice_id", "total_affected").iter_rows())
    assert per_notice == {"notice_2": 2201, "notice_1": 84}
    for name, rows in (("notice_1.json", 78), ("notice_2.json", 940)):
        c = jt.read(d / name)
        c.check_conservation()
        assert sum(c.rows_in.values()) == rows and c.data.height + c.rejects.height == rows
        assert set(c.data["state"]) == {"WA"}
    totals = jt.read(d / "job_titles.csv")
    totals.check_conservation()
    assert totals.rows_in == {"job_titles.csv": 331}
    assert totals.data["employees_affected"].sum() == 2285
    fac = jt.read_facilities(d / "facility_geocodes_CLEAN.csv")
    fac.check_conservation()
    assert fac.data["facility_id"].is_unique().all()


def test_amazon_october_notice_engineer_share_is_about_forty_percent(warn_dir):
    c = jt.read(warn_dir / "amazon_wa_job_titles" / "impacts_by_facility.csv")
    october = c.data.filter(pl.col("notice_id") == "notice_2")
    share = jt.engineer_share(october)
    assert 0.38 < share < 0.43
    unclassified = october.filter(pl.col("job_family") == jt.UNCLASSIFIED)[
        "employees_affected"
    ].sum()
    assert unclassified / october["employees_affected"].sum() < 0.01
