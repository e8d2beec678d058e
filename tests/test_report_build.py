"""The report builder on small notebooks: caching, parallel runs, failure isolation, timeouts.

Each toy notebook appends its name to ``ran.log`` when it executes, so a test sees which
runs executed and which were reused.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from layofflab import config
from layofflab.pipeline.executor import Progress
from layofflab.pipeline.report import build_reports

pytestmark = pytest.mark.slow

TRACKER = config.FIXTURES / "tracker"


def toy(folder: Path, name: str, cells: list[str], *, params: str = "n: int = 1  # a number"):
    """Write ``folder/name.ipynb``: a title, a parameters cell, a logging cell and ``cells``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": config.KERNEL_NAME,
        "display_name": "L",
        "language": "python",
    }
    log = folder.parent / "ran.log"
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# Toy {name}\n\nWhat {name} shows."),
        nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(f"open({str(log)!r}, 'a').write({name!r} + '\\n')"),
        *(nbformat.v4.new_code_cell(c) for c in cells),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{name}.ipynb")


def ran(tmp_path: Path) -> list[str]:
    log = tmp_path / "ran.log"
    return sorted(log.read_text().split()) if log.is_file() else []


def build(tmp_path: Path, **kwargs):
    quiet = Progress([], live=False, stream=io.StringIO())
    kwargs.setdefault("jobs", 2)
    result = build_reports(
        runs=tmp_path / "nb" / "runs.toml",
        report_dir=tmp_path / "reports",
        data=False,
        progress=quiet,
        **kwargs,
    )
    return {o.name: o for o in result.outcomes}


def plot_cell(title: str) -> str:
    return (
        "import matplotlib.pyplot as plt\n"
        f"fig, ax = plt.subplots(); ax.plot([1, 2], [3, 4]); ax.set_title({title!r})\n"
        "ax.set_xlabel('x'); ax.set_ylabel('workers')"
    )


def test_unchanged_runs_are_reused_and_a_changed_input_reruns_only_its_runs(tmp_path):
    nb = tmp_path / "nb"
    for name, fixture in (
        ("alpha", "layoffs_2026_format.csv"),
        ("beta", "layoffs_2023_format.csv"),
    ):
        shutil.copy(TRACKER / fixture, tmp_path / f"{name}.csv")
        load = (
            "from layofflab import tables, show_table\n"
            f"t = tables.load('layoffs', paths=[{str(tmp_path / f'{name}.csv')!r}])\n"
            "# NBVAL_CHECK_OUTPUT\n"
            "show_table(t.data.select('company', 'laid_off'))"
        )
        toy(nb, name, [load, plot_cell(f"{name} per month")])
    (nb / "runs.toml").write_text('[[run]]\nnotebook = "alpha"\n[[run]]\nnotebook = "beta"\n')

    first = build(tmp_path)
    assert {n: o.status for n, o in first.items()} == {"alpha": "ok", "beta": "ok"}
    assert ran(tmp_path) == ["alpha", "beta"]
    reports = tmp_path / "reports"
    record = json.loads((reports / "runs" / "alpha.json").read_text())
    assert [i["table"] for i in record["inputs"]] == ["layoffs"]
    assert record["inputs"][0]["files"][0]["path"] == str(tmp_path / "alpha.csv")
    mtime = (reports / "alpha.html").stat().st_mtime_ns
    page = (reports / "alpha.html").read_text()
    assert "show_table" in page and "NBVAL" not in page  # the code is there, the test marker not

    second = build(tmp_path)
    assert [o.action for o in second.values()] == ["reused (unchanged)"] * 2
    assert ran(tmp_path) == ["alpha", "beta"]
    assert (reports / "alpha.html").stat().st_mtime_ns == mtime

    shutil.copy(TRACKER / "layoffs_2026_format.csv", tmp_path / "beta.csv")  # beta's input
    third = build(tmp_path)
    assert third["alpha"].action == "reused (unchanged)"
    assert third["beta"].action == "executed (changed: inputs)"
    assert ran(tmp_path) == ["alpha", "beta", "beta"]

    toy(nb, "alpha", [plot_cell("alpha, edited")])  # alpha's notebook
    fourth = build(tmp_path)
    assert fourth["alpha"].action == "executed (changed: notebook)"
    assert fourth["beta"].action == "reused (unchanged)"
    assert not (reports / "tables" / "alpha").exists()  # its table went with the old notebook

    only = build(tmp_path, only=["beta"], force=True)
    assert list(only) == ["beta"] and only["beta"].action == "executed (--force)"
    index = (reports / "index.html").read_text()
    assert 'href="alpha.html"' in index and "not selected (--only)" in index
    assert ran(tmp_path).count("alpha") == 2 and ran(tmp_path).count("beta") == 3


def test_a_failing_run_is_isolated_marked_and_never_shows_an_earlier_result(tmp_path):
    nb = tmp_path / "nb"
    toy(nb, "good", [plot_cell("good figure")])
    toy(nb, "bad", [plot_cell("old figure")])
    (nb / "runs.toml").write_text('[[run]]\nnotebook = "bad"\n[[run]]\nnotebook = "good"\n')
    assert {o.status for o in build(tmp_path).values()} == {"ok"}
    reports = tmp_path / "reports"
    assert (reports / "figures" / "bad" / "figure-01.png").is_file()

    toy(nb, "bad", ["raise ValueError('boom <b>bold</b>\\nsecond line')", plot_cell("never")])
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "layofflab",
            "report",
            "--runs",
            str(nb / "runs.toml"),
            "--reports",
            str(reports),
            "--no-data",
            "-j",
            "2",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "layofflab report: bad failed: ValueError: boom <b>bold</b>"
    ]
    page = (reports / "bad.html").read_text()
    assert "This run failed</strong> in cell 4" in page
    assert "boom &lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page
    assert "celltag_layofflab-failed" in page and "old figure" not in page
    assert not (reports / "figures" / "bad").exists()
    executed = nbformat.read(reports / "executed" / "bad.ipynb", as_version=4)
    assert any(o.output_type == "error" for c in executed.cells for o in c.get("outputs", []))
    index = (reports / "index.html").read_text()
    assert 'class="lf-failed"' in index and "Failed: bad." in index and "1 failed" in index
    assert (reports / "good.html").read_text().count("<img ") == 1
    assert not [p for p in reports.rglob("*") if ".tmp" in p.name]


def test_timeouts_and_a_dead_kernel_fail_their_runs_only(tmp_path):
    nb = tmp_path / "nb"
    forever = "import threading\nthreading.Event().wait()"
    toy(nb, "slow_cell", [forever])
    toy(nb, "slow_run", [forever])
    toy(nb, "dies", ["import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"])
    toy(nb, "fine", ["print('fine')"])
    (nb / "runs.toml").write_text(
        "[settings]\ncell_timeout = 600\nrun_timeout = 900\n"
        '[[run]]\nnotebook = "slow_cell"\ncell_timeout = 3\n'
        '[[run]]\nnotebook = "slow_run"\nrun_timeout = 4\n'
        '[[run]]\nnotebook = "dies"\n'
        '[[run]]\nnotebook = "fine"\n'
    )
    out = build(tmp_path, jobs=2)
    assert {n: o.status for n, o in out.items()} == {
        "slow_cell": "failed",
        "slow_run": "failed",
        "dies": "failed",
        "fine": "ok",
    }
    assert (
        out["slow_cell"].error == "CellTimeoutError: the cell took longer than the 3 s cell limit"
    )
    assert out["slow_run"].error == "CellTimeoutError: the run took longer than its 4 s limit"
    assert out["dies"].error.startswith("DeadKernelError: the kernel died")
    record = json.loads((tmp_path / "reports" / "runs" / "slow_cell.json").read_text())
    assert record["failed_cell"] == 4
    assert "in cell 4" in (tmp_path / "reports" / "slow_cell.html").read_text()


def test_runs_execute_side_by_side(tmp_path):
    """ping writes into a FIFO that only pong reads: both finish only if they run at once."""
    nb = tmp_path / "nb"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    toy(nb, "ping", [f"open({str(fifo)!r}, 'w').write('ping')"])
    toy(nb, "pong", [f"assert open({str(fifo)!r}).read() == 'ping'"])
    (nb / "runs.toml").write_text(
        '[settings]\nrun_timeout = 120\n[[run]]\nnotebook = "ping"\n[[run]]\nnotebook = "pong"\n'
    )
    assert {n: o.status for n, o in build(tmp_path, jobs=2).items()} == {"ping": "ok", "pong": "ok"}
    one_at_a_time = build(tmp_path, jobs=1, force=True, run_timeout=3)
    assert one_at_a_time["ping"].error == "CellTimeoutError: the run took longer than its 3 s limit"
    assert one_at_a_time["pong"].status == "failed"


def test_runs_that_left_the_run_list_are_removed(tmp_path):
    nb = tmp_path / "nb"
    toy(nb, "kept", [plot_cell("kept")])
    toy(nb, "dropped", [plot_cell("dropped")])
    (nb / "runs.toml").write_text('[[run]]\nnotebook = "kept"\n[[run]]\nnotebook = "dropped"\n')
    build(tmp_path)
    reports = tmp_path / "reports"
    assert (reports / "dropped.html").is_file()
    (nb / "runs.toml").write_text('[[run]]\nnotebook = "kept"\n')
    assert list(build(tmp_path)) == ["kept"]
    assert (
        not (reports / "dropped.html").exists() and not (reports / "figures" / "dropped").exists()
    )
    assert "dropped" not in (reports / "index.html").read_text()
