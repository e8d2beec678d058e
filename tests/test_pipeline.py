"""The ``data`` stage, the raw manifest and the command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import polars as pl
import pytest

from layofflab import config
from layofflab.errors import ManifestError
from layofflab.manifest import read_manifest, sha256_file, verify_manifest, write_manifest
from layofflab.pipeline.cli import main
from layofflab.tables import TABLES, build


@pytest.fixture
def raw_copy(tmp_path):
    """A copy of the shipped data/raw (our own transcribed facts) to build from."""
    raw = tmp_path / "raw"
    shutil.copytree(config.DATA_RAW, raw)
    return raw


def test_shipped_manifest_matches_the_raw_files():
    manifest = verify_manifest()
    assert "layoff_events.csv" in manifest["path"].to_list()
    assert manifest.filter(pl.col("source") == "UNDOCUMENTED").is_empty()
    for path, size, digest in manifest.select("path", "bytes", "sha256").iter_rows():
        assert (config.DATA_RAW / path).stat().st_size == size
        assert sha256_file(config.DATA_RAW / path) == digest


def test_changed_missing_or_unlisted_raw_file_stops_the_build(raw_copy, tmp_path):
    (raw_copy / "layoff_events.csv").open("a").write("Acme,2025-01-01,1,,X,Y,Other,https://e.x\n")
    with pytest.raises(ManifestError, match=r"layoff_events\.csv: content changed"):
        build(raw_dir=raw_copy, out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()
    (raw_copy / "layoff_events.csv").unlink()
    with pytest.raises(ManifestError, match="listed in data/raw/MANIFEST but missing"):
        verify_manifest(raw_copy)


def test_unlisted_file_and_deliberate_refresh(raw_copy):
    (raw_copy / "new.csv").write_text("a\n1\n")
    with pytest.raises(ManifestError, match=r"new\.csv: not listed"):
        verify_manifest(raw_copy)
    write_manifest(raw_copy, sources={"new.csv": ("typed by hand", "2026-11-28")})
    manifest = verify_manifest(raw_copy)
    row = manifest.filter(pl.col("path") == "new.csv").row(0, named=True)
    assert (row["source"], row["retrieved"], row["bytes"]) == ("typed by hand", "2026-11-28", 4)
    old = read_manifest(config.DATA_RAW).filter(pl.col("path") == "layoff_events.csv")
    assert (
        manifest.filter(pl.col("path") == "layoff_events.csv")["source"].to_list()
        == old["source"].to_list()
    )


def test_build_writes_validated_tables_and_skips_when_nothing_changed(raw_copy, tmp_path):
    out = tmp_path / "processed"
    first = build(raw_dir=raw_copy, out_dir=out)
    assert [r.status for r in first] == ["built"] * len(
        [t for t in TABLES.values() if not getattr(t, "inputs", True) == ()]
    )
    layoffs = pl.read_parquet(out / "layoffs.parquet")
    rejects = pl.read_parquet(out / "layoffs.rejects.parquet")
    n_in = len(pl.read_csv(raw_copy / "layoff_events.csv"))
    assert layoffs.height + rejects.height == n_in
    mtime = (out / "layoffs.parquet").stat().st_mtime_ns
    second = build(raw_dir=raw_copy, out_dir=out)
    assert [r.status for r in second] == ["up to date"] * len(first)
    assert (out / "layoffs.parquet").stat().st_mtime_ns == mtime
    assert second[0].summary.equals(first[0].summary)
    stamp = json.loads((out / "layoffs.build.json").read_text())
    assert stamp["inputs"]["layoff_events.csv"] == sha256_file(raw_copy / "layoff_events.csv")
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_cli_clean_writes_parquet_and_prints_summary(fixtures_dir, tmp_path, capsys):
    status = main(
        [
            "clean",
            "tracker",
            str(fixtures_dir / "tracker" / "layoffs_2023_format.csv"),
            "--out",
            str(tmp_path),
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "negative count" in out and "layoffs_2023_format.csv" in out
    assert pl.read_parquet(tmp_path / "tracker.parquet").height == 6
    assert pl.read_parquet(tmp_path / "tracker.rejects.parquet").height == 9


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["clean", "tracker", "tests/fixtures/bad/empty.csv"],
            "empty.csv: expected a non-empty file",
        ),
        (
            ["clean", "tracker", "tests/fixtures/tracker/layoffs_wrong_header.csv"],
            "expected a tracker export",
        ),
        (["clean", "tracker", "no/such.csv"], "no/such.csv: no such file"),
    ],
)
def test_cli_user_errors_are_one_line_with_status_2(tmp_path, args, message):
    proc = subprocess.run(
        [sys.executable, "-m", "layofflab", *args, "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=config.PROJECT_ROOT,
        check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert "Traceback" not in proc.stderr


def test_cli_does_not_depend_on_the_working_directory(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "layofflab",
            "clean",
            "tracker",
            str(config.DATA_RAW / "layoff_events.csv"),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "o" / "tracker.parquet").is_file()


def test_make_help_lists_every_target_with_a_description():
    makefile = (config.PROJECT_ROOT / "Makefile").read_text()
    proc = subprocess.run(
        ["make", "-s", "help"], capture_output=True, text=True, cwd=config.PROJECT_ROOT, check=True
    )
    required = {
        "setup",
        "data",
        "report",
        "test",
        "lab",
        "lint",
        "bench",
        "clean",
        "manifest",
        "help",
    }
    phony = set(makefile.split(".PHONY:")[1].splitlines()[0].split())
    listed = {line.split()[0] for line in proc.stdout.splitlines() if line.strip()}
    assert required <= phony
    assert phony <= listed
