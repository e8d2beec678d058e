"""warn-transformer's own raw fixtures (../shared/data/warn/state_raw) through layofflab, state by
state, against the reviewed table tests/warn_expected_totals.csv: rows in = clean + rejected,
and the counted total; every state where layofflab and warn-transformer 1.3.416 differ names why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from layofflab.sources import warn
from layofflab.sources.warn.dedup import count_once

pytestmark = pytest.mark.realdata
TODAY = dt.date(2026, 11, 28)
TABLE = Path(__file__).with_name("warn_expected_totals.csv")


def _expected() -> pl.DataFrame:
    return pl.read_csv(TABLE, schema_overrides={"reason": pl.String})


@pytest.fixture(scope="module")
def cleaned(shared_data):
    files = sorted((shared_data / "warn" / "state_raw").glob("*.csv"))
    return {f.stem.upper(): warn.read(f, today=TODAY, resolve_entities=False) for f in files}


def test_table_covers_every_state_file_and_explains_every_difference(cleaned):
    table = _expected()
    assert sorted(table["state"]) == sorted(cleaned)
    differ = table.filter(pl.col("total") != pl.col("warn_transformer_total"))
    assert differ.height > 0
    assert differ["reason"].fill_null("").str.len_chars().min() > 20
    same = table.filter(pl.col("total") == pl.col("warn_transformer_total"))
    assert same["reason"].fill_null("").eq("").all()


@pytest.mark.parametrize("state", _expected()["state"].to_list())
def test_state_rows_conserved_and_total_as_reviewed(cleaned, state):
    c = cleaned[state]
    c.check_conservation()
    want = _expected().filter(pl.col("state") == state).row(0, named=True)
    rows_in = sum(c.rows_in.values())
    assert (rows_in, c.data.height, c.rejects.height) == (
        want["rows_in"],
        want["clean"],
        want["rejected"],
    )
    assert rows_in == c.data.height + c.rejects.height
    assert (count_once(c.data)["employees_affected"].sum() or 0) == want["total"]


def test_overall_total_against_warn_transformer():
    table = _expected()
    ours, theirs = table["total"].sum(), table["warn_transformer_total"].sum()
    assert (ours, theirs) == (5_551_089, 5_573_249)
