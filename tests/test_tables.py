"""The table registry: stages read each other's outputs (make data → tables.load → studies)."""

from __future__ import annotations

import io
import os
import shutil
import stat

import matplotlib
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from layofflab import config, tables
from layofflab.errors import InputFileError, InvalidArgumentError
from layofflab.pipeline.cli import main
from layofflab.plots import plot_monthly_layoffs, plot_top_companies
from layofflab.studies import OverviewOptions, WarnOptions, run_overview, run_warn

matplotlib.use("Agg")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    matplotlib.pyplot.close(fig)
    return buf.getvalue()


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of data/raw and an empty processed folder, made the project's folders."""
    raw = tmp_path / "raw"
    shutil.copytree(config.DATA_RAW, raw)
    processed = tmp_path / "processed"
    monkeypatch.setattr(config, "DATA_RAW", raw)
    monkeypatch.setattr(config, "DATA_PROCESSED", processed)
    return raw, processed


def test_one_registry_serves_the_cli_and_the_stage():
    sources = [t.source for t in tables.TABLES.values() if isinstance(t, tables.Table)]
    assert [tables.table_for_source(s).source for s in sources] == sources
    assert sorted(tables.describe()) == sorted(sources)
    with pytest.raises(InvalidArgumentError, match="source='nope'"):
        tables.table_for_source("nope")
    with pytest.raises(InvalidArgumentError, match="table='nope'"):
        tables.load("nope")


def test_overview_from_clean_output_equals_overview_from_the_csvs(fixtures_dir, tmp_path):
    csvs = [
        str(fixtures_dir / "tracker" / "layoffs_2023_format.csv"),
        str(fixtures_dir / "tracker" / "layoffs_2026_format.csv"),
    ]
    out = tmp_path / "clean"
    assert main(["clean", "tracker", *csvs, "--out", str(out)]) == 0
    a = run_overview(OverviewOptions(tracker_paths=tuple(csvs), start="2020-01-01"))
    b = run_overview(OverviewOptions(tracker_paths=(str(out),), start="2020-01-01"))
    c = run_overview(
        OverviewOptions(tracker_paths=(str(out / "tracker.parquet"),), start="2020-01-01")
    )
    for other in (b, c):
        assert_frame_equal(a.events, other.events)
        assert_frame_equal(a.monthly, other.monthly)
        assert_frame_equal(a.top, other.top)
        assert_frame_equal(a.cleaned.summary(), other.cleaned.summary())
        assert a.headline() == other.headline()
    assert _png(plot_monthly_layoffs(a.monthly)) == _png(plot_monthly_layoffs(b.monthly))
    assert _png(plot_top_companies(a.top)) == _png(plot_top_companies(b.top))


def test_warn_study_from_clean_output_equals_the_study_from_the_csv(tmp_path):
    csv = str(config.DATA_RAW / tables.TABLES["warn"].inputs[0])
    out = tmp_path / "clean"
    assert main(["clean", "warn", csv, "--out", str(out)]) == 0
    a = run_warn(WarnOptions(warn_paths=(csv,)))
    b = run_warn(WarnOptions(warn_paths=(str(out),)))
    assert_frame_equal(a.by_state, b.by_state)
    assert_frame_equal(a.firm_notices, b.firm_notices)


def test_load_refuses_a_parquet_of_another_table_or_a_rejects_file(fixtures_dir, tmp_path):
    csv = fixtures_dir / "tracker" / "layoffs_2026_format.csv"
    assert main(["clean", "tracker", str(csv), "--out", str(tmp_path)]) == 0
    with pytest.raises(InputFileError) as err:
        tables.load("warn", paths=[tmp_path / "tracker.parquet"])
    message = str(err.value)
    assert "tracker.parquet" in message and "'warn'" in message and "'layoffs'" in message
    assert len(message.splitlines()) == 1
    with pytest.raises(InputFileError, match="found a rejects table"):
        tables.load("layoffs", paths=[tmp_path / "tracker.rejects.parquet"])
    with pytest.raises(InputFileError, match="found neither"):
        tables.load("warn", paths=[tmp_path])
    with pytest.raises(InputFileError, match="found both"):
        tables.load("layoffs", paths=[tmp_path / "tracker.parquet", csv])


def test_a_plain_parquet_is_recognised_by_its_columns(fixtures_dir, tmp_path):
    cleaned = tables.load("layoffs", paths=[fixtures_dir / "tracker" / "layoffs_2026_format.csv"])
    cleaned.data.write_parquet(tmp_path / "mine.parquet")
    again = tables.load("layoffs", paths=[tmp_path / "mine.parquet"])
    assert_frame_equal(again.data, cleaned.data)
    with pytest.raises(InputFileError, match="found table 'layoffs'"):
        tables.load("announcements", paths=[tmp_path / "mine.parquet"])


def test_studies_read_the_processed_table_not_the_raw_file(project):
    raw, _ = project
    tables.build()
    before = run_overview(OverviewOptions())
    (raw / "layoff_events.csv").unlink()  # the studies never look at it again
    after = run_overview(OverviewOptions())
    assert_frame_equal(before.events, after.events)
    assert_frame_equal(before.top, after.top)
    assert before.headline() == after.headline()


def test_make_data_after_a_raw_change_rebuilds_that_table_and_what_derives_from_it(project):
    raw, _ = project
    first = {r.name: r.status for r in tables.build()}
    assert set(first.values()) == {"built"}
    events = pl.read_csv(raw / "layoff_events.csv", infer_schema=False)
    events.head(events.height - 1).write_csv(raw / "layoff_events.csv")
    from layofflab.manifest import write_manifest

    write_manifest(raw)
    second = {r.name: r.status for r in tables.build()}
    assert second["layoffs"] == "built"
    # the layoffs table and the panels built from it, nothing else
    assert {k for k, v in second.items() if v == "built"} == {"layoffs", "panel", "panel_month"}
    assert tables.load("layoffs").data.height == events.height - 1


def test_outputs_get_the_mode_the_umask_gives(project, fixtures_dir, tmp_path):
    old = os.umask(0o022)
    try:
        tables.build()
        out = tmp_path / "clean"
        csv = fixtures_dir / "tracker" / "layoffs_2026_format.csv"
        assert main(["clean", "tracker", str(csv), "--out", str(out)]) == 0
    finally:
        os.umask(old)
    files = [*project[1].iterdir(), *out.iterdir()]
    assert files
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o644, f


def test_the_data_card_coverage_tables_are_what_the_data_say():
    from layofflab.pipeline.datacard import END, START, coverage_markdown

    text = (config.DATA_RAW / "README.md").read_text()
    block = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert block == coverage_markdown().strip(), "run: python -m layofflab.pipeline.datacard"
