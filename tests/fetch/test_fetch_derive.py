"""The scale benchmark's generator, and quarters derived from many files: serial = parallel = Dask."""

from __future__ import annotations

import importlib.util
import json

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from layofflab import config
from layofflab.errors import InputFileError
from layofflab.fetch import derive_quarters
from layofflab.sources import sec

ORDER = ["source_file", "source_row"]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location(
        "fetch_scale_bench", config.BENCH / "fetch_scale_bench.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def files(bench, tmp_path_factory):
    return bench.write_companyfacts(tmp_path_factory.mktemp("facts"), 4, years=6)


@pytest.fixture(scope="module")
def reference(files):
    """sec.read on each file alone, stacked: what every parallel path must reproduce."""
    parts = [sec.read(p) for p in files]
    data = pl.concat([c.data for c in parts]).sort(ORDER)
    rejects = pl.concat([c.rejects for c in parts]).sort(ORDER)
    return data, rejects


def test_generator_writes_the_real_schema_deterministically(bench, files, tmp_path):
    again = bench.write_companyfacts(tmp_path, 4, years=6)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in files]
    doc = json.loads(files[0].read_text())
    assert set(doc) == {"cik", "entityName", "facts"} and set(doc["facts"]) == {"dei", "us-gaap"}
    capex = doc["facts"]["us-gaap"]["PaymentsToAcquirePropertyPlantAndEquipment"]
    assert set(capex) == {"label", "description", "units"}
    assert set(capex["units"]["USD"][0]) >= {
        "start",
        "end",
        "val",
        "accn",
        "fy",
        "fp",
        "form",
        "filed",
    }
    assert sec.load_facts(files[0]).height > 1000


def test_generator_dirt_reaches_every_rule_of_the_reader(files, reference):
    data, rejects = reference
    for kind in (
        "duplicate of source_row",
        "restated",
        "year-to-date total",
        "alternative tag",
        "not a requested concept",
    ):
        assert rejects["reason"].str.starts_with(kind).any(), kind
    assert {"YTD difference", "FY minus 9M", "reported quarter", "instant at period end"} <= set(
        data["derived"]
    )
    # a value filed in thousands (1000x too small) is superseded by the next year's comparative
    restated = rejects.filter(pl.col("reason").str.starts_with("restated"))
    raw_vals = restated["raw"].str.json_path_match("$.val").cast(pl.Float64)
    kept = data.filter(pl.col("concept") == "capex")["value"]
    assert (raw_vals < kept.median() / 100).any()


def test_serial_derivation_equals_the_reader_file_by_file(files, reference, tmp_path):
    q = derive_quarters(files, out_dir=tmp_path, workers=1)
    q.check_conservation()
    assert_frame_equal(q.data.collect().sort(ORDER), reference[0])
    assert_frame_equal(q.rejects.collect().sort(ORDER), reference[1])
    assert q.rows_in == {p.name: sec.load_facts(p).height for p in files}
    assert sorted(p.name for p in tmp_path.glob("*.parquet")) == sorted(
        [f"{p.stem}.parquet" for p in files] + [f"{p.stem}.rejects.parquet" for p in files]
    )


def test_two_processes_give_the_same_result(files, reference, tmp_path):
    q = derive_quarters(files, out_dir=tmp_path, workers=2)
    q.check_conservation()
    assert_frame_equal(q.data.collect().sort(ORDER), reference[0])
    assert_frame_equal(q.rejects.collect().sort(ORDER), reference[1])


def test_dask_client_gives_the_same_result(files, reference, tmp_path):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        q = derive_quarters(files, out_dir=tmp_path, client=client)
    assert_frame_equal(q.data.collect().sort(ORDER), reference[0])
    q.check_conservation()


def test_a_bad_file_is_named_even_from_a_worker_process(files, tmp_path):
    bad = tmp_path / "CIK0000000001.json"
    bad.write_text('{"cik": 1, "facts": {"us-gaap": {"X": {"units": {"USD": 3}}}}}')
    with pytest.raises(
        InputFileError, match=r"CIK0000000001\.json, column 'facts\.us-gaap\.X\.units\.USD'"
    ):
        derive_quarters([*files[:1], bad], out_dir=tmp_path / "out", workers=2)


def test_duplicate_file_names_are_refused(files, tmp_path):
    copy = tmp_path / "other" / files[0].name
    copy.parent.mkdir()
    copy.write_bytes(files[0].read_bytes())
    with pytest.raises(InputFileError, match="unique among the inputs"):
        derive_quarters([files[0], copy], out_dir=tmp_path / "out", workers=1)
