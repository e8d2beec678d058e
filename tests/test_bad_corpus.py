"""The bad-input corpus (``tests/fixtures/bad/``, issue 14) through the command line.

Each file is one problem; ``expectations.csv`` says what ``layofflab clean`` must make of it:
``error`` — exit status 2 and one line on stderr holding ``message``, nothing written; ``ok`` —
exit status 0, ``clean`` + ``rejected`` rows with ``message`` among the reject reasons and
``check`` (``column=value``) true of the first clean row. The same files go through
``layofflab manifest`` and ``layofflab data`` (in place of a shipped raw file, in a copy of
``data/raw``) and ``layofflab report`` (a notebook loading the file): never a traceback,
always one line. Where the copy's MANIFEST itself is the bad file, ``data`` and ``manifest``
both stop with its message.
"""

from __future__ import annotations

import csv
import shutil

import nbformat
import polars as pl
import pytest

from layofflab import config
from layofflab.pipeline.cli import main
from layofflab.pipeline.errors_cli import MAX_LINE
from layofflab.pipeline.runlist import run_name
from layofflab.tables import build, table_for_source

BAD = config.FIXTURES / "bad"
ROWS = list(csv.DictReader((BAD / "expectations.csv").open(encoding="utf-8")))
NOT_CORPUS = {"expectations.csv", "make_corpus.py"}
#: The shipped raw file a corpus file stands in for at stage ``data``, by the file's reader
#: (job-title lists have no shipped table: they stand in for the WARN notices).
STANDS_FOR = {
    source: table_for_source("warn" if source == "job_titles" else source).inputs[0]
    for source in ("tracker", "warn", "announcements", "sec", "job_families", "job_titles")
}


def _id(row: dict) -> str:
    return row["file"]


def _one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err[:2000]
    assert "Traceback" not in err
    assert "\x1b" not in err and len(lines[0]) <= MAX_LINE
    return lines[0]


def test_every_corpus_file_has_one_expectation():
    files = {p.name for p in BAD.iterdir() if p.name not in NOT_CORPUS}
    listed = [r["file"] for r in ROWS]
    assert len(listed) == len(set(listed))
    assert files == set(listed)
    assert len(files) >= 40
    assert {r["status"] for r in ROWS} == {"ok", "error"}


def _check(df: pl.DataFrame, check: str) -> None:
    column, _, value = check.partition("=")
    got = df[column][0]
    assert (None if value == "None" else value) == (None if got is None else str(got)), check


@pytest.mark.parametrize("row", [r for r in ROWS if r["source"] != "manifest"], ids=_id)
def test_clean(row, tmp_path, capsys):
    out_dir = tmp_path / "out"
    status = main(["clean", row["source"], str(BAD / row["file"]), "--out", str(out_dir)])
    out, err = capsys.readouterr()
    assert "\x1b" not in out
    if row["status"] == "error":
        assert status == 2
        assert row["message"] in _one_line(err)
        assert not out_dir.exists() or not any(out_dir.iterdir())
        return
    assert (status, err) == (0, "")
    data = pl.read_parquet(out_dir / f"{row['source']}.parquet")
    rejects = pl.read_parquet(out_dir / f"{row['source']}.rejects.parquet")
    assert (data.height, rejects.height) == (int(row["clean"]), int(row["rejected"]))
    if row["message"]:
        assert any(row["message"] in r for r in rejects["reason"]), rejects["reason"].to_list()
    if row["check"]:
        _check(data, row["check"])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of data/raw and the tables built from it (copied again for each test)."""
    root = tmp_path_factory.mktemp("built")
    shutil.copytree(config.DATA_RAW, root / "raw")
    build(raw_dir=root / "raw", out_dir=root / "processed")
    return root


@pytest.fixture
def project(built, tmp_path, monkeypatch):
    """``config.DATA_RAW`` and ``config.DATA_PROCESSED`` pointing at fresh copies."""
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    shutil.copytree(built / "raw", raw)
    shutil.copytree(built / "processed", processed)
    monkeypatch.setattr(config, "DATA_RAW", raw)
    monkeypatch.setattr(config, "DATA_PROCESSED", processed)
    return raw


def _put(raw, row: dict) -> None:
    """The corpus file in place of the raw file it stands for (MANIFEST included)."""
    if row["source"] == "manifest":
        shutil.copyfile(BAD / row["file"], raw / "MANIFEST")
        return
    shutil.copyfile(BAD / row["file"], raw / STANDS_FOR[row["source"]])
    if row["source"] == "tracker":  # the shipped corrections target the shipped events
        corrections = raw / "layoff_corrections.csv"
        corrections.write_text(corrections.read_text().splitlines()[0] + "\n")


@pytest.mark.parametrize("row", ROWS, ids=_id)
def test_manifest_and_data(row, project, capsys):
    _put(project, row)
    status = main(["manifest"])
    out, err = capsys.readouterr()
    if row["source"] == "manifest":
        assert status == 2 and row["message"] in _one_line(err)
        assert main(["data"]) == 2
        assert row["message"] in _one_line(capsys.readouterr().err)
        return
    assert (status, err) == (0, "")
    assert f"changed  {STANDS_FOR[row['source']]}  sha256 " in out
    status = main(["data"])
    out, err = capsys.readouterr()
    assert status in (0, 2)
    assert "Traceback" not in out
    if status == 2:
        _one_line(err)
    if row["source"] == "sec":  # companyfacts JSON in place of the transcribed CSV table
        assert status == 2
    elif row["source"] != "job_titles":  # read by the reader of the table it stands in for
        assert status == (2 if row["status"] == "error" else 0), err


_NOTEBOOK = """\
import os
from pathlib import Path
from layofflab import tables
raw = os.environ.get("BAD_RAW")
if raw:
    tables.load("layoffs", raw_dir=Path(raw), processed_dir=Path(os.environ["BAD_PROCESSED"]))
else:
    c = tables.load(os.environ["BAD_TABLE"], paths=[Path(os.environ["BAD_FILE"])])
    print(c.data.height, c.rejects.height)
"""


def _report(row: dict, tmp_path, monkeypatch, capsys) -> None:
    nb = tmp_path / "nb" / "bad.ipynb"
    nb.parent.mkdir()
    book = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Bad\n\nA bad input file through a report run."),
            nbformat.v4.new_code_cell("n: int = 1", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(_NOTEBOOK),
        ]
    )
    book.metadata["kernelspec"] = {
        "name": config.KERNEL_NAME,
        "display_name": "layofflab",
        "language": "python",
    }
    nbformat.write(book, nb)
    (nb.parent / "runs.toml").write_text('[[run]]\nnotebook = "bad"\n')
    if row["source"] == "manifest":
        raw = tmp_path / "raw"
        shutil.copytree(config.DATA_RAW, raw)
        shutil.copyfile(BAD / row["file"], raw / "MANIFEST")
        monkeypatch.setenv("BAD_RAW", str(raw))
        monkeypatch.setenv("BAD_PROCESSED", str(tmp_path / "processed"))
    else:
        monkeypatch.setenv("BAD_TABLE", table_for_source(row["source"]).name)
        monkeypatch.setenv("BAD_FILE", str(BAD / row["file"]))
    reports = tmp_path / "rep"
    args = ["--runs", str(nb.parent / "runs.toml"), "--reports", str(reports), "--no-data"]
    status = main(["report", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if row["status"] == "error":
        # the run fails alone, with the reader's one-line error; the page says so
        assert status == 1
        line = _one_line(err)
        assert line.startswith("layofflab report: bad failed: ") and row["message"] in line
        assert "This run failed" in (reports / "bad.html").read_text()
    else:
        assert (status, err) == (0, ""), err
        assert (reports / "bad.html").is_file()
    assert not [p for p in reports.rglob("*") if p.is_file() and ".tmp" in p.name]


#: One of each kind through ``layofflab report`` in the default tier (each starts a kernel).
REPORT_SAMPLE = {
    "t_utf8_stray_byte.csv",
    "t_truncated_mid_row.csv",
    "s_deep_nesting.json",
    "MANIFEST_empty",
}


@pytest.mark.parametrize("row", [r for r in ROWS if r["file"] in REPORT_SAMPLE], ids=_id)
def test_report_sample(row, tmp_path, monkeypatch, capsys):
    _report(row, tmp_path, monkeypatch, capsys)


@pytest.mark.slow
def test_report_every_file_in_one_build(tmp_path, capsys):
    """Every other corpus file as one run of one ``layofflab report`` build (two at a time).

    Each run reads its file by parameters; a bad file fails its run alone with the reader's
    one-line error, a good one builds its page, and no temporary file is left behind.
    """
    rows = [r for r in ROWS if r["file"] not in REPORT_SAMPLE and r["source"] != "manifest"]
    nb = tmp_path / "nb"
    nb.mkdir()
    book = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Bad\n\nA bad input file through a report run."),
            nbformat.v4.new_code_cell(
                'table: str = "layoffs"\nfile: str = ""', metadata={"tags": ["parameters"]}
            ),
            nbformat.v4.new_code_cell(
                "from pathlib import Path\nfrom layofflab import tables\n"
                "c = tables.load(table, paths=[Path(file)])\nprint(c.data.height)"
            ),
        ]
    )
    book.metadata["kernelspec"] = {
        "name": config.KERNEL_NAME,
        "display_name": "L",
        "language": "python",
    }
    nbformat.write(book, nb / "bad.ipynb")
    params = [
        {"table": table_for_source(r["source"]).name, "file": str(BAD / r["file"])} for r in rows
    ]
    entries = [
        f'[[run]]\nnotebook = "bad"\nparameters = {{ table = "{p["table"]}", file = "{p["file"]}" }}\n'
        for p in params
    ]
    (nb / "runs.toml").write_text("\n".join(entries))
    reports = tmp_path / "rep"
    args = ["--runs", str(nb / "runs.toml"), "--reports", str(reports), "--no-data", "-j", "2"]
    status = main(["report", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    lines = {
        ln.split(" failed: ")[0].removeprefix("layofflab report: "): ln for ln in err.splitlines()
    }
    for r, p in zip(rows, params, strict=True):
        name = run_name("bad", p)
        if r["status"] == "error":
            assert name in lines and r["message"] in lines[name], (r["file"], lines.get(name))
        else:
            assert name not in lines, (r["file"], lines[name])
            assert (reports / f"{name}.html").is_file()
    assert status == (1 if any(r["status"] == "error" for r in rows) else 0)
    assert not [p for p in reports.rglob("*") if p.is_file() and ".tmp" in p.name]
