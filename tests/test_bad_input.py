"""Issue 14: bad input never corrupts a value, never invents or loses a row, never reaches the
user as a traceback. One test (or a few) per problem the issue lists, in its order; each
failed before the fix. The corpus in ``tests/fixtures/bad/`` runs through the command line in
``test_bad_corpus.py``; generated malformed input runs through every reader in
``test_bad_properties.py``."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import polars as pl
import pytest

from layofflab import config, schemas
from layofflab.errors import InputFileError, ManifestError, SchemaValidationError
from layofflab.io import read_csv_text
from layofflab.manifest import write_manifest
from layofflab.pipeline.cli import main
from layofflab.sources import announcements, job_families, sec, tracker, warn
from layofflab.sources._base import Cleaned
from layofflab.sources.warn import job_titles
from layofflab.tables import TABLES, write_cleaned

TODAY = dt.date(2026, 11, 28)
BAD = config.FIXTURES / "bad"
T23 = (
    "company,location,industry,total_laid_off,percentage_laid_off,date,stage,country,"
    "funds_raised_millions"
)
WA = "Company,Location,Layoff Start Date,# of Workers,Closure Layoff,Type of Layoff,Received Date"


def _tracker(tmp_path, *rows: str, name: str = "t.csv", raw: bytes | None = None) -> Cleaned:
    path = tmp_path / name
    path.write_bytes(raw if raw is not None else ("\n".join([T23, *rows]) + "\n").encode())
    return tracker.read(path, today=TODAY, resolve_entities=False)


def _reasons(c: Cleaned) -> dict[int, str]:
    return dict(c.rejects.select("source_row", "reason").iter_rows())


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "layofflab", *args],
        capture_output=True,
        text=True,
        cwd=config.PROJECT_ROOT,
        check=False,
    )


# --- tracebacks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "doc",
    [
        {"cik": 1652044, "entityName": "X", "facts": {}},
        {"cik": 1652044, "entityName": "X", "facts": {"us-gaap": {}}},
        {
            "cik": 1652044,
            "facts": {"us-gaap": {"PaymentsToAcquireProductiveAssets": {"units": {"USD": []}}}},
        },
    ],
    ids=["empty facts", "empty taxonomy", "USD: []"],
)
def test_sec_companyfacts_without_facts_is_a_clear_error(tmp_path, doc):
    path = tmp_path / "cf.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputFileError, match="with at least one fact; found none"):
        sec.read(path)


def test_an_empty_unit_beside_real_facts_is_no_row(fixtures_dir, tmp_path):
    doc = json.loads((fixtures_dir / "sec" / "calendar_companyfacts.json").read_text())
    (tmp_path / "cf.json").write_text(json.dumps(doc))
    before = sec.read(tmp_path / "cf.json")
    doc["facts"]["us-gaap"]["PaymentsToAcquireProductiveAssets"]["units"]["GBP"] = []
    (tmp_path / "cf.json").write_text(json.dumps(doc))
    c = sec.read(tmp_path / "cf.json")
    assert c.rows_in == before.rows_in and c.data.equals(before.data)
    c.check_conservation()


@pytest.mark.parametrize("reader", ["sec", "job_titles"])
def test_deeply_nested_json_is_a_clear_error(tmp_path, reader):
    path = tmp_path / "deep.json"
    path.write_text('{"facts": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(InputFileError, match="nested too deeply"):
        sec.read(path) if reader == "sec" else job_titles.read(path)


@pytest.mark.parametrize("command", ["data", "manifest"])
def test_empty_manifest_is_one_line_from_data_and_manifest(tmp_path, monkeypatch, capsys, command):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.csv").write_text("x\n1\n")
    (raw / "MANIFEST").write_bytes(b"")
    monkeypatch.setattr(config, "DATA_RAW", raw)
    monkeypatch.setattr(config, "DATA_PROCESSED", tmp_path / "processed")
    assert main([command]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "MANIFEST: empty" in err and "Traceback" not in err
    assert (raw / "MANIFEST").read_bytes() == b""  # left as it was


# --- silently corrupted values ------------------------------------------------------------------


def test_one_stray_byte_never_re_decodes_a_utf8_file(tmp_path):
    good = "Zürich Systems,Zürich,Other,50,0.1,3/1/2023,Seed,Switzerland,5"
    raw = f"{T23}\n{good}\n".encode() + b"Bad\xfcName,X,Other,12,0.1,3/2/2023,Seed,Sweden,5\n"
    c = _tracker(tmp_path, raw=raw)
    assert c.data.select("company", "location").row(0) == ("Zürich Systems", "Zürich")
    offset = raw.index(b"\xfc")
    assert _reasons(c) == {
        2: f"undecodable byte 0xFC at offset {offset} (the file is UTF-8; the raw value shows "
        "it as \\xfc)"
    }
    assert json.loads(c.rejects["raw"][0])["company"] == "Bad\\xfcName"
    c.check_conservation()


def test_a_stray_byte_after_the_first_mib_is_found_too(tmp_path):
    row = "Zürich Systems,Zürich,Other,50,0.1,3/1/2023,Seed,Switzerland,5\n"
    body = (T23 + "\n").encode() + row.encode() * (1_100_000 // len(row.encode()))
    raw = body + b"Bad\xfcName,X,Other,12,0.1,3/2/2023,Seed,Sweden,5\n"
    from layofflab.io import read_csv_rows

    rows = read_csv_rows(_write(tmp_path, raw))
    assert rows.frame["company"][0] == "Zürich Systems"
    assert rows.first_problem()[1].startswith(f"undecodable byte 0xFC at offset {len(body) + 3}")


def _write(tmp_path, raw: bytes, name: str = "f.csv"):
    path = tmp_path / name
    path.write_bytes(raw)
    return path


@pytest.mark.parametrize(
    ("reader", "header", "good", "bad"),
    [
        (
            "warn",
            WA,
            "Zürich Widgets,Seattle,12/15/2025,40,Layoff,Permanent,10/14/2025",
            b"Caf\xe9 Cascade,Seattle,12/15/2025,16,Layoff,Permanent,10/14/2025",
        ),
        (
            "announcements",
            "ticker,announce_date,event_type,source_url,description",
            "META,2024-04-24,guidance,https://www.reuters.com/a,Zürich",
            b"MSFT,2024-07-30,guidance,https://www.reuters.com/b,caf\xe9",
        ),
        (
            "job_titles",
            "noticeId,facilityId,jobTitleRaw,jobTitleCanonical,affectedCount",
            "n,SEA01,Ingénieur,Software Dev Engineer II,12",
            b"n,SEA01,Caf\xe9,Barista,1",
        ),
        (
            "job_families",
            "state,employer,notice_date,job_family,employees,source_url",
            "WA,Zürich Widgets,2025-10-28,Software engineering,12,https://x.org/z",
            b"WA,Caf\xe9,2025-10-28,Software engineering,3,https://x.org/c",
        ),
    ],
)
def test_every_csv_reader_rejects_the_undecodable_row_and_keeps_the_rest(
    tmp_path, reader, header, good, bad
):
    path = _write(tmp_path, f"{header}\n{good}\n".encode() + bad + b"\n", name="wa.csv")
    read = {
        "warn": lambda p: warn.read(p, today=TODAY, resolve_entities=False),
        "announcements": lambda p: announcements.read(p, today=TODAY),
        "job_titles": job_titles.read,
        "job_families": job_families.read,
    }[reader]
    c = read(path)
    c.check_conservation()
    accented = next(w for w in good.split(",") if not w.isascii())
    assert c.data.height == 1 and accented in c.data.row(0)
    assert _reasons(c)[2].startswith("undecodable byte 0xE9")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12,5", None), ("1,200", 1200), ("12,000", 12000), ("1 500", None), ("1,2,3", None)],
)
def test_a_comma_is_a_thousands_separator_or_a_reject(tmp_path, text, expected):
    c = _tracker(tmp_path, f'Globex,Seattle,Retail,"{text}",0.1,2/1/2023,Seed,United States,30')
    if expected is None:
        assert c.data.height == 0 and _reasons(c)[1].startswith("unparseable count")
    else:
        assert c.data["laid_off"].to_list() == [expected]


def test_twelve_comma_five_is_rejected_in_warn_and_announcement_amounts(tmp_path):
    w = warn.read(
        _write(
            tmp_path,
            f'{WA}\nAcme,Tacoma,12/15/2025,"12,5",Layoff,Permanent,10/14/2025\n'.encode(),
            "wa.csv",
        ),
        today=TODAY,
        resolve_entities=False,
    )
    assert _reasons(w) == {1: "unparseable count (a comma must group thousands, as in 1,200)"}
    a = announcements.read(
        _write(
            tmp_path,
            b'ticker,announce_date,event_type,source_url,amount_usd_bn\nMSFT,2024-07-30,guidance,https://www.reuters.com/m,"12,5"\n',
            "a.csv",
        ),
        today=TODAY,
    )
    assert _reasons(a) == {1: "unparseable amount_usd_bn '12,5'"}
    f = _tracker(tmp_path, 'Globex,Seattle,Retail,5,0.1,2/1/2023,Seed,United States,"12,5"')
    assert _reasons(f)[1].startswith("unparseable funds_raised_musd (a comma")


def test_a_percent_sign_divides_by_100(tmp_path):
    c = _tracker(tmp_path, "Globex,Seattle,Retail,5,0.5%,2/1/2023,Seed,United States,30")
    assert c.data["pct_laid_off"].to_list() == [0.005]


def test_funds_with_a_magnitude_suffix_are_a_reject_not_a_null(tmp_path):
    c = _tracker(tmp_path, "Globex,Seattle,Retail,5,0.1,2/1/2023,Seed,United States,$1.2B")
    assert c.data.height == 0 and _reasons(c) == {1: "unparseable funds_raised_musd"}


@pytest.mark.parametrize("count", ["∞", "see attached", "Greenwich"])
def test_a_warn_count_that_is_not_a_number_is_rejected_like_the_trackers(tmp_path, count):
    path = _write(
        tmp_path,
        f"{WA}\nAcme,Tacoma,12/15/2025,{count},Layoff,Permanent,10/14/2025\n".encode(),
        "wa.csv",
    )
    c = warn.read(path, today=TODAY, resolve_entities=False)
    assert _reasons(c) == {1: "unparseable count"}
    t = _tracker(tmp_path, f"Globex,Seattle,Retail,{count},0.1,2/1/2023,Seed,United States,30")
    assert _reasons(t) == {1: "unparseable count"}


# --- rules broken -------------------------------------------------------------------------------


def test_non_finite_numbers_are_rejected(tmp_path):
    c = _tracker(
        tmp_path,
        "A,X,Other,1e400,0.1,2/1/2023,Seed,United States,30",
        "B,X,Other,5,-Infinity,2/1/2023,Seed,United States,30",
        "C,X,Other,5,0.1,2/1/2023,Seed,United States,1e400",
        "D,X,Other,5,1e-400,2/1/2023,Seed,United States,inf",
    )
    assert _reasons(c) == {
        1: "count is not a finite number",
        2: "unparseable pct_laid_off",
        3: "funds_raised_musd is not a finite number",
        4: "unparseable funds_raised_musd",
    }
    assert c.data.height == 0


def test_non_finite_json_values_are_rejected_facts(fixtures_dir, tmp_path):
    text = (fixtures_dir / "sec" / "calendar_companyfacts.json").read_text()
    doc = json.loads(text)
    facts = doc["facts"]["us-gaap"]["PaymentsToAcquireProductiveAssets"]["units"]["USD"]
    n = len(facts)
    facts[0]["val"], facts[1]["val"], facts[2]["val"] = float("nan"), float("inf"), "-Infinity"
    path = tmp_path / "cf.json"
    path.write_text(json.dumps(doc).replace("Infinity,", "1e400,", 1))
    c = sec.read(path)
    c.check_conservation()
    assert c.data["value"].is_finite().all()
    reasons = c.rejects.filter(pl.col("source_row").is_between(2, 4))["reason"].to_list()
    assert len(reasons) == 3 and all("not a finite number" in r for r in reasons), reasons
    assert c.rows_in == {"cf.json": n + 12}  # 1 dei + 16 + 1 EUR + 2 + 1 + 3 + 4 facts


def test_negative_funds_are_a_reject_and_the_written_table_meets_its_schema(tmp_path, capsys):
    path = _write(tmp_path, f"{T23}\nGlobex,Seattle,Retail,5,0.1,2/1/2023,Seed,US,-5\n".encode())
    assert main(["clean", "tracker", str(path), "--out", str(tmp_path / "o")]) == 0
    assert "negative funds_raised_musd" in capsys.readouterr().out
    schemas.validate(
        pl.read_parquet(tmp_path / "o" / "tracker.parquet"), schemas.TRACKER, table="t"
    )


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_table_is_validated_before_anything_is_written(tmp_path, name):
    table = TABLES[name]
    if not hasattr(table, "reader"):
        pytest.skip(f"{name} is derived from other tables (validated by build_derived)")
    bad = pl.DataFrame({"source_file": ["a.csv"], "source_row": [1], "nonsense": [1]})
    no_rejects = pl.DataFrame(
        schema={
            "source_file": pl.String,
            "source_row": pl.Int64,
            "reason": pl.String,
            "raw": pl.String,
        }
    )
    cleaned = Cleaned(table.source, bad, no_rejects, {"a.csv": 1})
    with pytest.raises(SchemaValidationError):
        write_cleaned(cleaned, table, tmp_path, stem=name)
    assert list(tmp_path.iterdir()) == []


def test_a_file_cut_mid_row_is_refused(tmp_path):
    raw = f"{T23}\nA,X,Other,5,0.1,2/1/2023,Seed,United States,1\nB,X,Other,5,0.1,2/1/2023,Seed,Unit".encode()
    with pytest.raises(
        InputFileError,
        match=r"row 2: expected a complete file; found it ends mid-row \(8 of 9 fields",
    ):
        tracker.read(_write(tmp_path, raw))


def test_a_short_row_mid_file_is_rejected_naming_its_field_count(tmp_path):
    c = _tracker(
        tmp_path,
        "A,X,Other,5,0.1,2/1/2023,Seed,United States,1",
        "B,X,Other,5",
        "C,X,Other,5,0.1,2/1/2023,Seed,United States,",
    )
    assert _reasons(c) == {2: "short row: 4 of 9 fields"}
    assert c.data["company"].to_list() == ["A", "C"]


def test_blank_lines_are_not_rows(tmp_path):
    raw = f"{T23}\r\n\r\nA,X,Other,5,0.1,2/1/2023,Seed,US,1\r\n   \r\n\r\nB,X,Other,5,0.1,2/1/2023,Seed,US,1\r\n\r\n"
    c = _tracker(tmp_path, raw=raw.encode())
    assert c.rows_in == {"t.csv": 2} and c.rejects.height == 0
    assert c.data["source_row"].to_list() == [1, 2]


def test_a_nul_byte_after_the_first_mib_refuses_the_file(tmp_path):
    row = b"A,X,Other,5,0.1,2/1/2023,Seed,US,1\n"
    body = (T23 + "\n").encode() + row * (1_100_000 // len(row))
    with pytest.raises(InputFileError, match=f"NUL byte at offset {len(body) + 3}"):
        read_csv_text(_write(tmp_path, body + b"Glo\x00bex,X,Other,5,0.1,2/1/2023,Seed,US,1\n"))


# --- smaller ------------------------------------------------------------------------------------


def test_the_error_for_a_one_megabyte_line_is_one_bounded_line(tmp_path):
    from layofflab.pipeline.errors_cli import MAX_LINE

    path = _write(tmp_path, b"x" * 1_000_000)
    proc = _cli("clean", "tracker", str(path), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and len(proc.stderr) <= MAX_LINE + 1
    assert "characters]" in proc.stderr


def test_terminal_escapes_never_reach_the_terminal(tmp_path):
    path = _write(
        tmp_path,
        b"ticker,announce_date,event_type,source_url\n"
        b"MSFT,2024-07-30,\x1b[2J\x1b]0;owned\x07guidance,https://www.reuters.com/m\n",
        "a.csv",
    )
    proc = _cli("clean", "announcements", str(path), "--out", str(tmp_path / "o"))
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    assert "\\x1b" in proc.stdout
    bad = _write(tmp_path, b"\x1b[31mred,header\n1,2\n", "b.csv")
    proc = _cli("clean", "tracker", str(bad), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "\x1b" not in proc.stderr and "\\x1b[31mred" in proc.stderr


def test_make_manifest_says_what_it_changed(tmp_path, monkeypatch, capsys):
    from layofflab.manifest import describe_changes, manifest_changes

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.csv").write_text("x\n1\n")
    (raw / "b.csv").write_text("y\n2\n")
    write_manifest(
        raw, sources={"a.csv": ("typed", "2026-11-28"), "b.csv": ("typed", "2026-11-28")}
    )
    old = manifest_changes(raw)
    assert old.is_empty()
    (raw / "a.csv").write_text("x\n3\n")
    (raw / "b.csv").unlink()
    (raw / "c.csv").write_text("z\n")
    monkeypatch.setattr(config, "DATA_RAW", raw)
    from layofflab.manifest import sha256_file

    assert main(["manifest"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("changed  a.csv  sha256 ") and out[0].endswith("4 -> 4 bytes")
    assert sha256_file(raw / "a.csv")[:12] in out[0]
    assert out[1].startswith("removed  b.csv  sha256 ")
    assert out[2] == f"added    c.csv  sha256 {sha256_file(raw / 'c.csv')[:12]}, 2 bytes"
    assert out[3].startswith("wrote ")
    assert main(["manifest"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "no raw file added, changed or removed"
    assert describe_changes(manifest_changes(raw)) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"path\tbytes\n", "header"),
        (
            b"path\tbytes\tsha256\tsource\tretrieved\na.csv\tx\t" + b"0" * 64 + b"\ts\tr\n",
            "line 2: bytes 'x'",
        ),
        (b"path\tbytes\tsha256\tsource\tretrieved\na.csv\t4\tabc\ts\tr\n", "line 2: sha256 'abc'"),
        (b"path\tbytes\tsha256\tsource\tretrieved\na.csv\t4\n", "line 2: 2 tab-separated fields"),
        (
            b"path\tbytes\tsha256\tsource\tretrieved\n"
            + b"a.csv\t4\t"
            + b"0" * 64
            + b"\ts\tr\n" * 1
            + b"a.csv\t4\t"
            + b"0" * 64
            + b"\ts\tr\n",
            "listed again",
        ),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
    ],
)
def test_a_malformed_manifest_is_a_clear_error(tmp_path, content, message):
    from layofflab.manifest import read_manifest

    (tmp_path / "MANIFEST").write_bytes(content)
    with pytest.raises(ManifestError, match=message):
        read_manifest(tmp_path)


def test_stale_temporary_files_are_removed_by_the_next_build_and_make_clean(tmp_path):
    import shutil

    from layofflab.io import remove_stale_temps, temp_path
    from layofflab.tables import build

    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = int(proc.stdout)  # a process that has exited
    out = tmp_path / "processed"
    out.mkdir()
    stale = out / f".layoffs.parquet.{dead}.abc123.tmp"
    stale.write_bytes(b"PAR1 half")
    mine = temp_path(out / "warn.parquet")
    mine.write_bytes(b"being written")
    raw = tmp_path / "raw"
    shutil.copytree(config.DATA_RAW, raw)
    build(raw_dir=raw, out_dir=out, names=["announcements"])
    assert not stale.exists() and mine.exists()
    assert remove_stale_temps(out) == []
    makefile = (config.PROJECT_ROOT / "Makefile").read_text()
    clean = makefile[makefile.index("\nclean:") :].split("\n\n")[0]
    assert "! -name .gitkeep" in clean and "rm -rf data/processed/*" not in clean


def test_make_clean_removes_dotfiles(tmp_path):
    root = tmp_path / "proj"
    for d in ("data/processed", "reports/executed", "notebooks"):
        (root / d).mkdir(parents=True)
    (root / "data/processed/.gitkeep").write_text("")
    (root / "data/processed/.layoffs.parquet.1.x.tmp").write_text("")
    (root / "reports/.gitkeep").write_text("")
    (root / "reports/executed/.a.ipynb.1.x.tmp.ipynb").write_text("")
    (root / "notebooks/.a.ipynb.1.x.tmp.ipynb").write_text("")
    (root / "notebooks/a.ipynb").write_text("{}")
    (root / "Makefile").write_text((config.PROJECT_ROOT / "Makefile").read_text())
    subprocess.run(["make", "-s", "clean"], cwd=root, check=True, capture_output=True)
    left = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert left == ["Makefile", "data/processed/.gitkeep", "notebooks/a.ipynb", "reports/.gitkeep"]


def test_temporary_names_are_unique_per_process(tmp_path):
    from layofflab.io import temp_path

    target = tmp_path / "x.parquet"
    names = {temp_path(target).name for _ in range(100)}
    assert len(names) == 100 and all(f".{os.getpid()}." in n for n in names)
    code = "from layofflab.io import temp_path; print(temp_path('x.parquet').name)"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert f".{os.getpid()}." not in other.stdout
    worker = (config.PACKAGE_DIR / "pipeline" / "worker.py").read_text()
    assert '.tmp.ipynb")' not in worker.replace('suffix=".tmp.ipynb")', "")  # no fixed name
    assert "temp_path(executed" in worker  # the executed notebook of a report run


def test_announcement_ranges_are_rejected_as_the_docstring_says(tmp_path):
    path = _write(
        tmp_path,
        b"ticker,announce_date,event_type,source_url,amount_usd_bn\n"
        b"MSFT,2024-07-30,guidance,https://www.reuters.com/m,35-40\n",
        "a.csv",
    )
    c = announcements.read(path, today=TODAY)
    assert _reasons(c) == {
        1: "amount_usd_bn '35-40' is a range (transcribe one amount, e.g. its midpoint 37.5)"
    }
    assert "a range such as\n``60-65`` is rejected" in announcements.__doc__


# --- internal errors ----------------------------------------------------------------------------


def test_an_internal_error_says_so_and_where_to_report_it(tmp_path, monkeypatch, capsys):
    import dataclasses

    def broken(paths):
        raise ValueError("cannot concat empty list")

    monkeypatch.setitem(TABLES, "layoffs", dataclasses.replace(TABLES["layoffs"], reader=broken))
    path = _write(tmp_path, f"{T23}\n".encode())
    assert main(["clean", "tracker", str(path), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "internal error (ValueError: cannot concat empty list)" in err
    assert "bug in layofflab" in err and "please report it" in err
    readme = (config.PROJECT_ROOT / "README.md").read_text()
    assert "## Reporting problems" in readme


def test_a_notebook_stopped_by_a_user_error_is_a_user_error():
    import io

    from layofflab.pipeline.errors_cli import report_failure

    class FakeNotebookError(Exception):  # what papermill raises, by its attributes
        ename, evalue, exec_count = "InputFileError", "a.csv: expected a header", 3

    err = io.StringIO()
    assert report_failure("report", FakeNotebookError(), stream=err) == 2
    assert (
        err.getvalue()
        == "layofflab report: a notebook stopped at cell 3: a.csv: expected a header\n"
    )
    FakeNotebookError.ename = "ZeroDivisionError"
    err = io.StringIO()
    assert report_failure("report", FakeNotebookError(), stream=err) == 1
    assert "internal error (ZeroDivisionError" in err.getvalue()


@pytest.mark.parametrize(
    "args",
    [["clean", "nosuch", "x", "--out", "y"], ["clean", "tracker"], ["frobnicate"], ["data", "--n"]],
)
def test_a_usage_error_is_one_line_too(args):
    proc = _cli(*args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "usage:" not in proc.stderr
    assert "layofflab --help lists the commands" in proc.stderr
