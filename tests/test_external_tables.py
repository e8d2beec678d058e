"""The source tables on the fetched data (``LAYOFFLAB_DATA=external``): :mod:`layofflab.tables.external`.

A temporary project holds a copy of the shipped ``data/raw`` and a hand-filled
``data/external`` (our fixtures in the fetched layouts); nothing touches the repository's
data. The end-to-end test through ``layofflab fetch`` and the report is
``tests/fetch/test_report_external.py``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from layofflab import config, tables
from layofflab.errors import InputFileError, InvalidArgumentError
from layofflab.pipeline import kernel
from layofflab.pipeline.index import data_used
from layofflab.tables.external import fetched_files

FIXTURES = config.FIXTURES


@pytest.fixture
def project(tmp_path, monkeypatch):
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "pyproject.toml").write_text('[project]\nname = "layofflab"\nversion = "0"\n')
    shutil.copytree(config.DATA_RAW, proj / "data" / "raw")
    monkeypatch.delenv(config.DATA_ENV, raising=False)
    with config.project(proj):
        yield proj


def _put(project: Path, rel: str, source: Path) -> Path:
    dest = project / "data" / "external" / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)
    return dest


def test_shipped_tables_unless_external_and_fetched(project, monkeypatch):
    processed, external = (
        project / "data" / "processed",
        project / "data" / "processed" / "external",
    )
    _put(project, "tracker/layoffs.csv", FIXTURES / "tracker" / "layoffs_2026_format.csv")
    assert tables.source_dir("layoffs") == processed  # default data: never the downloads
    monkeypatch.setenv(config.DATA_ENV, "external")
    assert tables.source_dir("layoffs") == external
    assert tables.source_dir("warn") == processed  # not fetched: the shipped table
    assert tables.source_dir("job_titles") == processed  # no fetch provides it
    fetched = tables.load("layoffs")
    assert fetched.data.height == 7 and set(fetched.rows_in) == {"layoffs.csv"}
    assert (external / "layoffs.parquet").is_file() and not (processed / "layoffs.parquet").exists()
    # an explicit folder still wins over the data choice
    assert tables.load("layoffs", processed_dir=processed).data.height != fetched.data.height


def test_rebuilt_only_when_a_file_changes(project, monkeypatch):
    monkeypatch.setenv(config.DATA_ENV, "external")
    path = _put(project, "tracker/a.csv", FIXTURES / "tracker" / "layoffs_2026_format.csv")
    assert tables.build_fetched("layoffs").status == "built"
    assert tables.build_fetched("layoffs").status == "up to date"
    _put(project, "tracker/b.csv", FIXTURES / "tracker" / "layoffs_2023_format.csv")
    report = tables.build_fetched("layoffs")
    assert report.status == "built"
    assert set(report.summary["source_file"]) == {"a.csv", "b.csv"}
    cleaned = tables.load("layoffs")
    assert cleaned.data.height + cleaned.rejects.height == sum(
        len(p.read_text().splitlines()) - 1 for p in (path, path.with_name("b.csv"))
    )
    stamp = json.loads((project / "data/processed/external/layoffs.build.json").read_text())
    assert sorted(stamp["inputs"]) == [
        "data/raw/company_aliases.csv",
        "tracker/a.csv",
        "tracker/b.csv",
    ]


def test_a_refused_download_is_one_line_and_keeps_the_old_table(project, monkeypatch):
    monkeypatch.setenv(config.DATA_ENV, "external")
    _put(project, "tracker/a.csv", FIXTURES / "tracker" / "layoffs_2026_format.csv")
    tables.build_fetched("layoffs")
    before = pl.read_parquet(project / "data/processed/external/layoffs.parquet")
    _put(project, "tracker/z.csv", FIXTURES / "tracker" / "layoffs_wrong_header.csv")
    with pytest.raises(InputFileError) as err:
        tables.load("layoffs")
    assert "z.csv" in str(err.value) and "\n" not in str(err.value)
    after = pl.read_parquet(project / "data/processed/external/layoffs.parquet")
    assert after.equals(before)
    assert not (project / "data/processed/external/layoffs.build.json").exists()  # not trusted


def test_no_files_names_the_command(project):
    with pytest.raises(InvalidArgumentError, match=r"run `layofflab fetch sec`"):
        tables.build_fetched("capex")
    with pytest.raises(InvalidArgumentError, match="expected one of"):
        tables.build_fetched("job_titles")


def test_capex_reads_the_bigtech_firms_facts_only(project, monkeypatch):
    monkeypatch.setenv(config.DATA_ENV, "external")
    _put(
        project,
        "sec/companyfacts/CIK0001018724.json",
        FIXTURES / "sec" / "calendar_companyfacts.json",
    )
    other = FIXTURES / "universe" / "companyfacts" / "CIK0009100001.json"
    _put(project, "sec/companyfacts/CIK0009100001.json", other)  # a universe firm, not big tech
    assert [p.name for p in fetched_files("capex")] == ["CIK0001018724.json"]
    capex = tables.load("capex").data
    assert capex["company_id"].unique().to_list() == ["AMZN"]
    assert (capex["source_kind"] == "sec_xbrl").all()


def test_the_kernel_records_the_folder_a_load_reads(project, monkeypatch):
    _put(project, "warn/register/wa.csv", FIXTURES / "universe" / "register" / "wa.csv")
    shipped = project / "data" / "processed"
    assert kernel._processed("load", {"name": "warn"}) == shipped
    monkeypatch.setenv(config.DATA_ENV, "external")
    assert kernel._processed("load", {"name": "warn"}) == shipped / "external"
    assert kernel._processed("load", {"name": "job_titles"}) == shipped
    assert kernel._processed("load_panel", {"name": "panel", "universe": "bigtech"}) == shipped
    assert kernel._processed("load_panel", {"universe": "warn-public"}) == shipped / "external"


def test_the_index_names_each_table_and_where_it_came_from():
    rec = {
        "inputs": [
            {"table": "warn", "files": [{"path": "/p/data/processed/external/warn.parquet"}]},
            {"table": "layoffs", "files": [{"path": "/home/me/exports/fyi.csv"}]},
            {"table": "job_titles", "files": [{"path": "/p/data/processed/job_titles.parquet"}]},
        ]
    }
    assert data_used(rec) == (
        "fetched (data/external, built into data/processed/external): warn; "
        "shipped default (data/raw, processed in data/processed): job_titles; "
        "files given to the run: layoffs"
    )


def test_the_bigtech_study_reads_the_events_its_panel_was_built_from(project, monkeypatch):
    from layofflab.studies import capex

    _put(project, "tracker/layoffs.csv", FIXTURES / "tracker" / "layoffs_2026_format.csv")
    shipped = tables.load("layoffs").data
    monkeypatch.setenv(config.DATA_ENV, "external")
    seen: list[pl.DataFrame] = []

    class Stop(Exception):
        pass

    def capture(layoffs: pl.DataFrame, announcements: pl.DataFrame) -> None:
        seen.append(layoffs)
        raise Stop

    monkeypatch.setattr(capex, "order_within_quarter", capture)
    with pytest.raises(Stop):
        capex.run_capex(capex.CapexOptions(universe="bigtech"))
    assert seen[0].equals(shipped)  # not the fetched export, which has 7 rows
    assert tables.load("layoffs").data.height == 7
