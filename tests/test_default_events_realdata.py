"""The default dataset's layoff events against both tracker generations in ../shared/data.

* every shipped row is a tracker row, field for field (the transcription changes nothing);
* corrections change only the fields they name, to the value they name, and cite the page the
  tracker cites (or more);
* every event of the 13 firms in either tracker (2019 on) is shipped or listed in
  ``data/raw/layoff_exclusions.csv`` with its reason.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from layofflab import config
from layofflab.sources import tracker
from layofflab.sources.entities import resolve_companies
from layofflab.sources.tracker_corrections import read_corrections

pytestmark = pytest.mark.realdata

TODAY = dt.date(2026, 11, 28)
FIRMS = ("AMZN", "MSFT", "GOOGL", "META", "AAPL", "ORCL", "CRM", "INTC", "IBM", "CSCO", "DELL",
         "HPQ", "NVDA")  # fmt: skip
#: Subsidiaries of the 13 firms at the event dates that company_aliases.csv does not resolve
#: yet (the alias table's owner adds them); their events are shipped under the tracker's name.
PENDING_ALIASES = {
    "Cerner": "ORCL",
    "King.com": "MSFT",
    "Mobileye": "INTC",
    "Nuance Communications": "MSFT",
    "SecureWorks": "DELL",
    "Twitch": "AMZN",
    "Verily": "GOOGL",
    "Wondery": "AMZN",
}
FACTS = ["company", "date", "laid_off", "pct_laid_off", "location", "country", "industry",
         "source_url"]  # fmt: skip
KEY = ["company", "date", "laid_off"]
NEW, OLD = "layoffs_fyi_2020_2026_databyab.csv", "layoffs_alextheanalyst_2023.csv"


@pytest.fixture(scope="module")
def exports(shared_data):
    folder = shared_data / "layoffs"
    return {name: tracker.read(folder / name, today=TODAY) for name in (NEW, OLD)}


@pytest.fixture(scope="module")
def shipped():
    return tracker.read(config.DATA_RAW / "layoff_events.csv", today=TODAY)


@pytest.fixture(scope="module")
def corrected():
    raw = config.DATA_RAW
    return tracker.read([raw / "layoff_events.csv", raw / "layoff_corrections.csv"], today=TODAY)


def _of_the_firms(df: pl.DataFrame) -> pl.DataFrame:
    return df.filter(
        pl.col("company_id").is_in(FIRMS) | pl.col("company").is_in(list(PENDING_ALIASES))
    )


def test_every_shipped_row_is_a_tracker_row_field_for_field(shipped, exports):
    new = exports[NEW].data.select(FACTS).with_columns(_hit=pl.lit(1))
    matched = shipped.data.select(FACTS).join(new, on=FACTS, how="left", nulls_equal=True)
    assert matched["_hit"].null_count() == 0, matched.filter(pl.col("_hit").is_null())
    assert matched.height == shipped.data.height == 143  # and no tracker row matched twice
    assert shipped.rejects.height == 0


def test_corrections_change_only_what_they_name(shipped, corrected):
    fixes = read_corrections(config.DATA_RAW / "layoff_corrections.csv")
    assert len(fixes) == 3
    before = shipped.data.sort("source_row")
    after = corrected.data.sort("source_row")
    assert before["source_row"].equals(after["source_row"])
    changed = {(f.company, f.date, f.laid_off): f for f in fixes}
    for old, new in zip(before.iter_rows(named=True), after.iter_rows(named=True), strict=True):
        fix = changed.get((old["company"], old["date"], old["laid_off"]))
        assert new["corrected"] is (fix is not None)
        for field in FACTS:
            if fix is not None and field == fix.field:
                assert (old[field], new[field]) == (fix.old, fix.new)
            else:
                assert new[field] == old[field], (old["company"], field)
        if fix is not None:
            # the evidence includes the very page the tracker cites for the event
            assert old["source_url"] in fix.evidence.split("; ")


def test_the_corrections_are_what_the_cited_pages_and_warn_notices_say(corrected):
    fixed = corrected.data.filter("corrected")
    amazon = fixed.filter(pl.col("company") == "Amazon").row(0, named=True)
    assert amazon["date"] == dt.date(2025, 10, 28) and "/2025/10/28/" in amazon["source_url"]
    warn = pl.read_csv(config.DATA_RAW / "warn_bigtech.csv", infer_schema=False)
    amazon_wa_ny = warn.filter(
        (pl.col("company_id") == "AMZN") & pl.col("state").is_in(["WA", "NY"])
    )
    assert set(amazon_wa_ny["notice_date"]) >= {"2025-10-28"}
    apple = fixed.filter(pl.col("company") == "Apple").row(0, named=True)
    assert apple["date"] == dt.date(2025, 11, 24) and "/2025-11-24/" in apple["source_url"]
    crm = fixed.filter(pl.col("company") == "Salesforce").row(0, named=True)
    assert (crm["location"], crm["country"]) == ("Dublin", "Ireland")


def test_every_event_of_the_firms_is_shipped_or_excluded(shipped, exports, shared_data):
    folder = shared_data / "layoffs"
    both = tracker.read([folder / NEW, folder / OLD], today=TODAY)  # one copy per event
    events = _of_the_firms(both.data).filter(pl.col("date") >= dt.date(2019, 1, 1))
    excluded = pl.read_csv(
        config.DATA_RAW / "layoff_exclusions.csv",
        schema_overrides={"date": pl.Date, "laid_off": pl.Int64},
    )
    assert (
        excluded["reason"].str.len_chars().min() > 20 and excluded["evidence"].is_not_null().all()
    )
    ours = shipped.data.select(KEY)
    missing = events.select(KEY).join(ours, on=KEY, how="anti", nulls_equal=True)
    not_listed = missing.join(excluded.select(KEY), on=KEY, how="anti", nulls_equal=True)
    assert not_listed.is_empty(), not_listed
    # every shipped row is one of the firms' events; no exclusion is shipped or stale
    assert ours.join(events.select(KEY), on=KEY, how="anti", nulls_equal=True).is_empty()
    assert excluded.select(KEY).join(ours, on=KEY, how="semi", nulls_equal=True).is_empty()
    listed = both.data.select(KEY)
    assert excluded.select(KEY).join(listed, on=KEY, how="anti", nulls_equal=True).is_empty()
    # the 2023 generation holds no event of the firms that the 2026 export lacks
    old_only = (
        _of_the_firms(exports[OLD].data)
        .select(KEY)
        .join(_of_the_firms(exports[NEW].data).select(KEY), on=KEY, how="anti", nulls_equal=True)
    )
    assert old_only.is_empty()
    assert events.height == 143 and events["laid_off"].null_count() == 45


def test_shipped_names_resolve_to_the_firms_or_a_pending_subsidiary(shipped):
    unresolved = shipped.data.filter(~pl.col("company_id").is_in(FIRMS))
    assert set(unresolved["company"]) <= set(PENDING_ALIASES)
    names = pl.DataFrame({"company": list(PENDING_ALIASES)})
    got = dict(resolve_companies(names, column="company").select("company", "company_id").rows())
    for name, ticker in PENDING_ALIASES.items():
        assert got[name] in (None, ticker), name  # once aliased, to the right parent only
    per_firm = dict(shipped.data.drop_nulls("company_id").group_by("company_id").len().rows())
    assert per_firm.get("NVDA") is None  # the trackers list no NVIDIA layoff
    assert set(per_firm) == set(FIRMS) - {"NVDA"}
