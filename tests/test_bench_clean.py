"""The cleaning benchmark's own pieces, on small files: its synthetic data must exercise the
rules, its pandas implementation must agree with our readers (otherwise ``pandas / ours`` would
compare different work), and its floor must read every row."""

from __future__ import annotations

import importlib.util

import pytest

from layofflab import config
from layofflab.sources import tracker, warn


@pytest.fixture(scope="module")
def clean_bench():
    spec = importlib.util.spec_from_file_location("clean_bench", config.BENCH / "clean_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ROWS = 5_000


@pytest.mark.parametrize("source", ["tracker", "warn"])
def test_pandas_implementation_agrees_with_ours_by_reason(clean_bench, source, tmp_path):
    path = tmp_path / f"{source}.csv"
    if source == "tracker":
        clean_bench.make_tracker_csv(path, ROWS)
        ours = tracker.read(path, today=clean_bench.TODAY, resolve_entities=False)
        clean, rejects = clean_bench.pandas_clean_tracker(path)
    else:
        clean_bench.make_warn_csv(path, ROWS)
        ours = warn.read(path, state="WA", today=clean_bench.TODAY, resolve_entities=False)
        clean, rejects = clean_bench.pandas_clean(path)
    ours_counts = clean_bench._reason_counts(ours.data.height, ours.rejects["reason"])
    pandas_counts = clean_bench._reason_counts(len(clean), rejects["reason"].to_list())
    assert ours_counts == pandas_counts
    assert ours.data.height + ours.rejects.height == ROWS
    # The dirt reaches the rules: several kinds of reject, duplicates among them.
    assert len(ours_counts) >= 4  # clean + at least three reasons
    assert any(reason.startswith("duplicate of") for reason in ours_counts)


@pytest.mark.parametrize("source", ["tracker", "warn"])
def test_floor_reads_every_row_and_flags_exact_copies(clean_bench, source, tmp_path):
    path = tmp_path / f"{source}.csv"
    make = clean_bench.make_tracker_csv if source == "tracker" else clean_bench.make_warn_csv
    make(path, ROWS)
    floor = clean_bench.floor_clean(path, source)
    assert floor.height == ROWS
    copies = floor.height - floor["_first"].sum()
    assert 0 < copies < ROWS // 10
    assert floor.select(clean_bench._FLOOR_COLUMNS[source]["dates"][0]).null_count().item() < ROWS
