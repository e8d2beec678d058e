"""Notebook hygiene and the ``report`` stage.

Mechanism (documented in README): committed notebooks carry no outputs except the
cells nbval checks, which are tagged ``keep_output`` and start with
``# NBVAL_CHECK_OUTPUT``. ``nbstripout`` (which honours ``keep_output``; ``make setup``
installs it as a git filter) must leave every committed notebook unchanged;
``layofflab refresh-notebook`` produces that form. The report stage is tested in
``test_report_*.py``.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys

import nbformat
import pytest
from nbstripout import strip_output

from layofflab import config
from layofflab.pipeline.report import CHECK_MARKER, notebooks

NOTEBOOKS = notebooks()
RESTYLING = re.compile(
    r"\b(plt\.|sns\.set|rcParams|matplotlib\.pyplot|\.set_title\(|\.set_xlabel\()"
)


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS][:1] == ["01_layoffs_overview.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stripped_except_checked_cells(path):
    nb = nbformat.read(path, as_version=4)
    stripped = strip_output(copy.deepcopy(nb), keep_output=False, keep_count=True, keep_id=True)
    assert stripped == nb, f"{path.name}: run `layofflab refresh-notebook {path}` (or nbstripout)"
    checked = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        has_marker = cell.source.lstrip().startswith(CHECK_MARKER)
        kept = "keep_output" in cell.metadata.get("tags", [])
        assert has_marker == kept, f"{path.name}: checked cells are exactly the keep_output cells"
        if kept:
            checked += 1
            assert cell.outputs, f"{path.name}: a checked cell has no expected output"
        else:  # counts may stay (nbstripout's filter keeps them); outputs never do
            assert not cell.outputs
    assert checked >= 1
    assert "papermill" not in nb.metadata


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_structure(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == config.KERNEL_NAME
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one papermill parameters cell"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not RESTYLING.search(cell.source), (
                f"{path.name}: style inside plot functions, not inline"
            )


def test_nbval_fails_when_a_checked_output_changes(tmp_path):
    source = config.NOTEBOOKS / "01_layoffs_overview.ipynb"
    nb = nbformat.read(source, as_version=4)
    checked = next(c for c in nb.cells if "keep_output" in c.metadata.get("tags", []))
    text = checked.outputs[0]["text"]
    checked.outputs[0]["text"] = re.sub(r"\d+", lambda m: str(int(m.group()) + 1), text, count=1)
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nb, broken)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "-p",
            "no:cacheprovider",
            "-q",
            "--nbval-sanitize-with",
            str(config.TESTS / "nbval_sanitize.cfg"),
            "-o",
            "addopts=",
            "--rootdir",
            str(tmp_path),
            str(broken),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "1 failed" in proc.stdout


def test_every_plot_function_displays_inline_in_a_kernel():
    """Figures made inside the style context must still reach Jupyter's inline display."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": config.KERNEL_NAME,
        "display_name": "layofflab",
        "language": "python",
    }
    setup = (
        "import datetime as dt\nimport polars as pl\n"
        "from layofflab.plots import plot_monthly_layoffs, plot_top_companies\n"
        "m = pl.DataFrame({'month': [dt.date(2025, 1, 1)], 'events': [1], 'events_with_count': [1], 'laid_off': [5]})\n"
        "t = pl.DataFrame({'company': ['a'], 'events': [1], 'laid_off': [5]})"
    )
    plots = [
        "fig = plot_monthly_layoffs(m)",
        "fig = plot_top_companies(t)",
        "fig = plot_monthly_layoffs(m)",
    ]
    nb.cells = [nbformat.v4.new_code_cell(setup)] + [nbformat.v4.new_code_cell(p) for p in plots]
    NotebookClient(nb, kernel_name=config.KERNEL_NAME, timeout=120).execute()
    images = [sum("image/png" in o.get("data", {}) for o in cell.outputs) for cell in nb.cells[1:]]
    assert images == [1, 1, 1]
