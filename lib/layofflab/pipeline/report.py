"""Pipeline stage ``report``: execute every notebook with papermill and render HTML with an index.

``reports/<notebook>.html`` for each ``notebooks/*.ipynb`` (executed copies in
``reports/executed/``) and ``reports/index.html`` linking them with each notebook's
title and summary. :func:`refresh_checked_outputs` re-executes a notebook and keeps
only the outputs nbval checks (cells tagged ``keep_output`` that carry
``# NBVAL_CHECK_OUTPUT``), stripping the rest with nbstripout.

Examples
--------
>>> nb = {"cells": [{"cell_type": "markdown", "source": "# Title\\n\\nWhat it shows.\\n\\nMore."}]}
>>> notebook_title(nb)
('Title', 'What it shows.')
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from layofflab import __version__, config
from layofflab.errors import InvalidArgumentError, MissingDependencyError
from layofflab.io import remove_stale_temps, temp_path, write_text_atomic

try:  # the notebook tooling is the [lab] extra, not a dependency of the library
    import nbformat
    import papermill
    from nbconvert import HTMLExporter
    from nbstripout import strip_output
    from traitlets.config import Config
except ModuleNotFoundError as exc:
    raise MissingDependencyError(
        exc.name or "a notebook package", extra="lab", purpose="build the reports"
    ) from exc

__all__ = [
    "RenderedReport",
    "build_reports",
    "notebook_title",
    "notebooks",
    "refresh_checked_outputs",
    "render_index",
]

CHECK_MARKER = "# NBVAL_CHECK_OUTPUT"

#: Kernels talk to papermill over Unix-domain sockets (files only this user can open) rather than
#: unencrypted localhost TCP, which ipykernel warns about on every start.
KERNEL_CONFIG = Config({"KernelManager": {"transport": "ipc"}})


@dataclass(frozen=True)
class RenderedReport:
    """One rendered notebook: where its HTML is, its title and one-line summary."""

    notebook: Path
    html: Path
    title: str
    summary: str


def notebooks(folder: Path | None = None) -> list[Path]:
    """Every ``*.ipynb`` in ``folder`` (default the project's notebooks), sorted by name."""
    folder = folder if folder is not None else config.NOTEBOOKS
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def notebook_title(nb: Mapping[str, Any]) -> tuple[str, str]:
    """Title (first ``#`` heading) and summary (first paragraph after it) of a notebook."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        paragraphs = [p.strip() for p in source.split("\n\n") if p.strip()]
        if paragraphs and paragraphs[0].startswith("#"):
            summary = paragraphs[1].replace("\n", " ") if len(paragraphs) > 1 else ""
            return paragraphs[0].lstrip("#").strip(), summary
    return "Untitled", ""


def _execute(
    notebook: Path, output: Path, parameters: Mapping[str, Any] | None
) -> nbformat.NotebookNode:
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(output, suffix=".tmp.ipynb")  # unique: concurrent builds never share it
    # The kernel inherits our environment; a non-inline MPLBACKEND would hide every figure.
    backend = os.environ.pop("MPLBACKEND", None)
    try:
        papermill.execute_notebook(
            str(notebook),
            str(tmp),
            parameters=dict(parameters or {}),
            kernel_name=config.KERNEL_NAME,
            cwd=str(notebook.parent),
            progress_bar=False,
            log_output=False,
            config=KERNEL_CONFIG,
        )
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        if backend is not None:
            os.environ["MPLBACKEND"] = backend
    os.replace(tmp, output)
    return nbformat.read(output, as_version=4)


def build_reports(
    *,
    notebook_dir: Path | None = None,
    report_dir: Path | None = None,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
    only: Sequence[str] = (),
) -> list[RenderedReport]:
    """Execute the notebooks (or those named in ``only``), write their HTML and the index.

    Parameters
    ----------
    parameters : mapping, optional
        ``{notebook stem: {parameter: value}}`` passed to papermill.
    only : sequence of str
        Notebook stems to run; empty runs all.

    ``notebook_dir`` and ``report_dir`` default to the project's notebooks and reports.
    """
    report_dir = report_dir if report_dir is not None else config.REPORTS
    selected = notebooks(notebook_dir)
    if only:
        known = {p.stem for p in selected}
        unknown = sorted(set(only) - known)
        if unknown:
            raise InvalidArgumentError(
                "only", unknown, expected=f"notebook names among {sorted(known)}"
            )
        selected = [p for p in selected if p.stem in only]
    for folder in (report_dir, report_dir / "executed"):  # what a killed build left
        remove_stale_temps(folder)
    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    rendered = []
    for nb_path in selected:
        executed = _execute(
            nb_path, report_dir / "executed" / nb_path.name, (parameters or {}).get(nb_path.stem)
        )
        body, _ = exporter.from_notebook_node(executed)
        target = write_text_atomic(body, report_dir / f"{nb_path.stem}.html")
        title, summary = notebook_title(executed)
        rendered.append(RenderedReport(nb_path, target, title, summary))
    write_text_atomic(render_index(rendered), report_dir / "index.html")
    return rendered


def render_index(reports: Sequence[RenderedReport]) -> str:
    """The ``reports/index.html`` page linking every rendered report."""
    items = "\n".join(
        f'  <li><a href="{html.escape(r.html.name)}">{html.escape(r.title)}</a>'
        f"<p>{html.escape(r.summary)}</p></li>"
        for r in reports
    )
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>layofflab reports</title>
<style>body{{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;line-height:1.5}}
li{{margin-bottom:1rem}} p{{margin:.2rem 0;color:#444}}</style></head>
<body>
<h1>layofflab reports</h1>
<p>Executed from the data shipped in <code>data/raw</code> by <code>make report</code>
(layofflab {html.escape(__version__)}). Each report states its inputs, rejects and conventions.</p>
<ul>
{items}
</ul>
</body>
</html>
"""


def refresh_checked_outputs(notebook: Path) -> Path:
    """Re-execute ``notebook`` in place, keeping only outputs of ``keep_output`` cells.

    Use after editing a notebook whose checked cells' expected output changed;
    then review the diff and commit.
    """
    notebook = Path(notebook)
    scratch = temp_path(notebook, suffix=".tmp.ipynb")
    executed = _execute(notebook, scratch, None)
    scratch.unlink(missing_ok=True)
    stripped = strip_output(executed, keep_output=False, keep_count=True, keep_id=True)
    stripped.metadata.pop("papermill", None)
    for cell in stripped.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code" and not cell.outputs:
            cell.execution_count = None  # nbval needs counts only on cells whose output it checks
    write_text_atomic(nbformat.writes(stripped) + "\n", notebook)
    return notebook
