"""The warn-public universe panel built straight from the fixture files (the fast tier).

The acceptance tests (tests/fetch/test_universe_acceptance.py, slow) fetch the same files
from a local server first and check every value; this one builds in-process (one worker).
"""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from layofflab import config, tables
from layofflab.errors import InputFileError
from layofflab.tables.universe import build_universe, read_universe_firms

FIXTURES = config.FIXTURES / "universe"


@pytest.fixture
def external(tmp_path):
    root = tmp_path / "external"
    shutil.copytree(FIXTURES / "register", root / "warn" / "register")
    shutil.copytree(FIXTURES / "companyfacts", root / "sec" / "companyfacts")
    return root


def test_universe_panel_from_the_fixture_files(external, tmp_path):
    out = tmp_path / "processed"
    assert build_universe(external_dir=external, out_dir=out, workers=1).status == "built"
    panel = tables.load_panel(
        "panel", universe="warn-public", external_dir=external, processed_dir=out
    )
    d = panel.data.filter(pl.col("company_id") == "0009100001").filter(pl.col("year") == 2024)
    assert d.select("quarter", "warn_workers", "capex_usd").rows() == [
        (1, 200, 100.0),
        (2, 45, 150.0),
        (3, 0, 200.0),
        (4, None, 250.0),  # after the register's last notice: not covered
    ]
    firms = read_universe_firms(out)
    assert firms.height == panel.data["company_id"].n_unique() == 10
    assert firms["facts_status"].value_counts().sort("facts_status").rows() == [
        ("facts derived", 8),
        ("facts without capex or assets", 1),
        ("no company-facts file", 1),
    ]
    assert build_universe(external_dir=external, out_dir=out, workers=1).status == "up to date"


def test_no_register_files_is_one_line_naming_the_folder_and_the_command(tmp_path):
    with pytest.raises(
        InputFileError,
        match=r"warn/register: expected WARN register CSVs \(run `layofflab fetch warn`\)",
    ):
        build_universe(external_dir=tmp_path, out_dir=tmp_path / "out")
