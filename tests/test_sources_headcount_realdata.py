"""data/raw/headcount_annual.csv against ../shared/data/headcount_10k and curated/ (realdata).

* headcount_10k/headcount_10k.csv: every shipped 10-K count against its quoted sentence;
  the shipped file is exactly what ``build_headcount`` derives;
* headcount_10k/PROVENANCE.md: documentation (no data);
* curated/headcount_from_pages.csv: every row accounted for (shipped, agrees with the
  10-K, or a quarter-end count); shipped press rows equal their page row.
"""

from __future__ import annotations

import polars as pl
import pytest

from layofflab import config
from layofflab.sources import headcount
from layofflab.sources.headcount_transcription import build_headcount

pytestmark = pytest.mark.realdata

HANDLED = {"headcount_10k.csv": "10-K counts", "PROVENANCE.md": "documentation"}


@pytest.fixture(scope="module")
def tenk(shared_data) -> pl.DataFrame:
    return pl.read_csv(shared_data / "headcount_10k" / "headcount_10k.csv", infer_schema=False)


@pytest.fixture(scope="module")
def shipped() -> headcount.Cleaned:
    return headcount.read(config.DATA_RAW / "headcount_annual.csv")


def test_every_file_in_shared_headcount_10k_has_a_handler(shared_data):
    folder = shared_data / "headcount_10k"
    assert {p.name for p in folder.iterdir() if p.is_file()} == set(HANDLED)


def test_shipped_file_is_what_the_builder_derives(shared_data):
    built = build_headcount(shared_data)
    assert built.table.write_csv() == (config.DATA_RAW / "headcount_annual.csv").read_text()
    pages = pl.read_csv(shared_data / "curated" / "headcount_from_pages.csv")
    assert built.ledger["row"].to_list() == list(range(1, pages.height + 1))  # every row
    outcomes = built.ledger.group_by(
        pl.col("outcome").str.replace(r"^\S+: a quarter-end count.*", "quarter-end count")
    ).len()
    assert dict(outcomes.rows()) == {
        "shipped": 27,
        "shipped (not primary)": 3,
        "agrees with the 10-K row: not shipped": 25,
        "quarter-end count": 21,
    }


def test_every_10k_count_occurs_in_its_quoted_sentence(tenk, shipped):
    rows = shipped.data.filter(source_kind="sec_10k")
    assert rows.height == tenk.height == 53
    sentence = {
        (t, int(fy.removeprefix("FY"))): s
        for t, fy, s in tenk.select("ticker", "fiscal_year", "statement").rows()
    }
    for company, fy, n, approximate in rows.select(
        "company_id", "fiscal_year", "employees", "approximate"
    ).rows():
        text = sentence[(company, fy)].replace(" ,", ",")  # stray spaces before commas
        assert f"{n:,}" in text, (company, fy, n)
        assert approximate == (f"approximately {n:,}" in text), (company, fy)


def test_10k_rows_carry_the_filing_where_known(tenk, shipped):
    rows = shipped.data.filter(source_kind="sec_10k").join(
        tenk.select(
            company_id="ticker",
            fiscal_year=pl.col("fiscal_year").str.slice(2).cast(pl.Int32),
            their_accession=pl.col("accession"),
            their_filed=pl.col("filed"),
            their_end=pl.col("period_end"),
        ),
        on=["company_id", "fiscal_year"],
    )
    assert rows.height == 53
    assert (rows["accession"].fill_null("") == rows["their_accession"].fill_null("")).all()
    assert (rows["filed"].cast(pl.String).fill_null("") == rows["their_filed"].fill_null("")).all()
    assert (rows["period_end"].cast(pl.String) == rows["their_end"]).all()
    # the citation is the 10-K: its PDF, its EDGAR folder, or a public copy of the document
    assert rows["document_url"].str.contains(r"\.pdf$|sec\.gov/Archives|github\.com|gcs-web").all()


def test_press_rows_equal_their_page_rows(shared_data, shipped):
    pages = pl.read_csv(shared_data / "curated" / "headcount_from_pages.csv", infer_schema=False)
    press = shipped.data.filter(source_kind="press").with_columns(
        fiscal_year=pl.format("FY{}", "fiscal_year"),
        period_end=pl.col("period_end").cast(pl.String),
        employees=pl.col("employees").cast(pl.String),
    )
    joined = press.join(
        pages,
        left_on=["company_id", "fiscal_year", "employees"],
        right_on=["ticker", "fiscal_year", "employees"],
    )
    assert joined.height == press.height == 30
    assert (joined["period_end"] == joined["period_end_right"]).all()
    assert (joined["document_url"] == joined["source_url"]).all()


def test_no_10k_sentence_is_copied_into_data_raw(tenk):
    text = (config.DATA_RAW / "headcount_annual.csv").read_text()
    for statement in tenk["statement"]:
        words = statement.split()
        for i in range(0, max(1, len(words) - 6)):
            assert " ".join(words[i : i + 7]) not in text
