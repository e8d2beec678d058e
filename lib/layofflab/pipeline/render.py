"""An executed notebook → a report page, its figure files and its table files.

:func:`render_run` takes the notebook papermill executed and the run's record, and

* leaves out the injected set-up cell and papermill's error markers;
* saves every figure as PNG (the kernel drew it at ≥ 200 dpi) and SVG under
  ``figures/<run>/`` and shows the PNG with its alt text (the figure's titles and axis
  labels) and a source line linking both files;
* saves every table shown with :func:`layofflab.display.show_table` as CSV (every row)
  and LaTeX under ``tables/<run>/`` and links them under the table;
* moves stderr (and the warnings the kernel logged) into the collapsed run log;
* removes this machine's absolute paths from the text a reader sees;
* marks the failing cell of a failed run, whose code stays visible;

then renders the page with nbconvert's ``lab`` template stripped of every script and
network asset (:mod:`layofflab.pipeline.page` holds the header, banner and policy).
"""

from __future__ import annotations

import base64
import copy
import html
import json
import shutil
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layofflab.display import MIMETYPE, table_css
from layofflab.io import write_text_atomic
from layofflab.pipeline import page
from layofflab.pipeline.kernel import SETUP_TAG

__all__ = [
    "FAILED_TAG",
    "TEST_MARKERS",
    "Rendered",
    "loads_from_log",
    "render_run",
    "render_stub",
    "strip_test_markers",
    "user_cells",
]

FAILED_TAG = "layofflab-failed"
_INJECTED = {SETUP_TAG, "injected-parameters", "papermill-error-cell-tag"}
_TEMPLATES = Path(__file__).parent / "templates"
_FIGURE_DPI_SCALE = 2  # the kernel draws at 200 dpi; the page shows figures at 100 dpi


@dataclass
class Rendered:
    """What :func:`render_run` wrote: the page, figure and table files, the log entries."""

    page: Path
    figures: list[dict[str, Any]] = field(default_factory=list)
    tables: list[dict[str, Any]] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)


def user_cells(nb: Any) -> list[tuple[int, Any]]:
    """``(number, cell)`` for the notebook's own cells (1-based), injected cells left out."""
    own = [c for c in nb.cells if not set(c.metadata.get("tags", [])) & _INJECTED]
    return list(enumerate(own, start=1))


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _png_width(data: bytes) -> int:
    width = struct.unpack(">I", data[16:20])[0] if data[:8] == b"\x89PNG\r\n\x1a\n" else 800
    return max(1, width // _FIGURE_DPI_SCALE)


def _html_output(markup: str) -> dict[str, Any]:
    return {"output_type": "display_data", "data": {"text/html": markup}, "metadata": {}}


class _Writer:
    """Writes one run's figure and table files and turns outputs into page HTML."""

    def __init__(self, report_dir: Path, name: str, source: str) -> None:
        self.report_dir, self.name, self.source = report_dir, name, source
        self.figures: list[dict[str, Any]] = []
        self.tables: list[dict[str, Any]] = []
        for kind in ("figures", "tables"):
            shutil.rmtree(report_dir / kind / name, ignore_errors=True)

    def _write(self, kind: str, file: str, content: bytes | str) -> str:
        path = self.report_dir / kind / self.name / file
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            write_text_atomic(content, path)
        else:
            path.write_bytes(content)
        return path.relative_to(self.report_dir).as_posix()

    def figure(self, data: Mapping[str, Any]) -> dict[str, Any]:
        number = len(self.figures) + 1
        png_bytes = base64.b64decode(_text(data["image/png"]))
        png = self._write("figures", f"figure-{number:02d}.png", png_bytes)
        svg = None
        if "image/svg+xml" in data:
            svg = self._write("figures", f"figure-{number:02d}.svg", _text(data["image/svg+xml"]))
        alt = _text(data.get("text/plain", "")).strip()
        if not alt or alt.startswith("<Figure size"):
            alt = f"Figure {number}"
        self.figures.append({"number": number, "png": png, "svg": svg, "alt": alt})
        markup = page.figure_html(
            number, png=png, svg=svg, alt=alt, width=_png_width(png_bytes), source=self.source
        )
        return _html_output(markup)

    def table(self, data: Mapping[str, Any]) -> dict[str, Any]:
        number = len(self.tables) + 1
        meta = data[MIMETYPE]
        csv = self._write("tables", f"table-{number:02d}.csv", meta["csv"])
        tex = self._write("tables", f"table-{number:02d}.tex", meta["latex"])
        self.tables.append(
            {
                "number": number,
                "csv": csv,
                "tex": tex,
                "title": meta.get("title", ""),
                "rows": meta.get("rows"),
                "shown": meta.get("shown"),
            }
        )
        rows = f"{meta['rows']:,} rows" if meta.get("rows") is not None else ""
        files = (
            f'<p class="lf-files" id="table-{number}">Table {number}: '
            f'<a href="{html.escape(csv)}">CSV</a> ({html.escape(rows)}) · '
            f'<a href="{html.escape(tex)}">LaTeX</a>. {self.source}</p>'
        )
        return _html_output(_text(data["text/html"]) + files)


#: nbval's cell markers: comments for the test suite, never shown to a reader.
TEST_MARKERS = (
    "# NBVAL_CHECK_OUTPUT",
    "# NBVAL_IGNORE_OUTPUT",
    "# NBVAL_SKIP",
    "# NBVAL_RAISES_EXCEPTION",
)


def strip_test_markers(source: str | list[str]) -> str:
    r"""A code cell's source without its nbval marker lines.

    Examples
    --------
    >>> strip_test_markers("# NBVAL_CHECK_OUTPUT\nshow_table(t)")
    'show_table(t)'
    """
    text = source if isinstance(source, str) else "".join(source)
    return "\n".join(line for line in text.split("\n") if line.strip() not in TEST_MARKERS)


def _prepare(nb: Any, writer: _Writer, log: list[dict[str, Any]]) -> Any:
    nb = copy.deepcopy(nb)
    numbers = {id(cell): n for n, cell in user_cells(nb)}
    kept = []
    for cell in nb.cells:
        if set(cell.metadata.get("tags", [])) & {SETUP_TAG, "papermill-error-cell-tag"}:
            continue
        kept.append(cell)
        if cell.cell_type != "code":
            continue
        cell.source = strip_test_markers(cell.source)
        number = numbers.get(id(cell))
        outputs = []
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream" and out.get("name") == "stderr":
                text = page.sanitize_text(_text(out["text"])).rstrip()
                if text:
                    log.append({"kind": "message", "cell": number, "text": text})
                continue
            if kind == "stream":
                out["text"] = page.sanitize_text(_text(out["text"]))
            elif kind == "error":
                out["traceback"] = [page.sanitize_text(t) for t in out.get("traceback", [])]
                out["evalue"] = page.sanitize_text(out.get("evalue", ""))
            elif kind in ("display_data", "execute_result"):
                data = out.get("data", {})
                if MIMETYPE in data and "text/html" in data:
                    out = writer.table(data)
                elif "image/png" in data:
                    out = writer.figure(data)
                elif "text/plain" in data:
                    data["text/plain"] = page.sanitize_text(_text(data["text/plain"]))
            outputs.append(out)
        cell.outputs = outputs
    nb.cells = kept
    return nb


def _kernel_log(path: Path | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``(loads, log entries)`` from the kernel's JSON-lines run log."""
    loads: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    if path is None or not path.is_file():
        return loads, entries
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if event.get("event") == "load":
            loads.append(event)
        elif event.get("event") == "warning":
            text = f"{event['category']}: {event['message']} ({event['where']})"
            entries.append(
                {"kind": "warning", "cell": event.get("cell"), "text": page.sanitize_text(text)}
            )
    return loads, entries


def render_run(
    nb: Any,
    record: Mapping[str, Any],
    *,
    report_dir: Path,
    kernel_log: Path | None = None,
    failed_cell_id: str | None = None,
) -> Rendered:
    """Write ``report_dir/<run>.html`` with its figure and table files (see the module docstring).

    ``record`` supplies the header (name, notebook, parameters, status, error, dates,
    commit, version, inputs); ``failed_cell_id`` is the id of the cell that failed.
    """
    from nbconvert import HTMLExporter

    _, log = _kernel_log(kernel_log)
    writer = _Writer(report_dir, record["name"], page.source_line(record))
    prepared = _prepare(nb, writer, log)
    anchor = None
    for cell in prepared.cells:
        if failed_cell_id and cell.get("id") == failed_cell_id:
            cell.metadata.setdefault("tags", []).append(FAILED_TAG)
            anchor = f"cell-id={cell['id']}"
    prepared.metadata["title"] = record.get("title") or record["name"]
    exporter = HTMLExporter(
        template_name="layofflab",
        extra_template_basedirs=[str(_TEMPLATES)],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    resources = {
        "layofflab": {
            "csp": page.CSP,
            "icon": page.NO_ICON,
            "css": page.PAGE_CSS + table_css(),
            "header": page.header_html(record),
            "banner": page.banner_html(record, anchor=anchor),
            "log": page.log_html(log),
        }
    }
    body, _ = exporter.from_notebook_node(prepared, resources=resources)
    target = write_text_atomic(body, report_dir / f"{record['name']}.html")
    return Rendered(target, writer.figures, writer.tables, log)


def render_stub(record: Mapping[str, Any], *, report_dir: Path, note: str) -> Path:
    """A page for a run with no executed notebook to show (killed, or never started)."""
    body = (
        page.header_html(record)
        + "<main>"
        + page.banner_html(record, anchor=None)
        + f"<p>{html.escape(note)}</p></main>"
    )
    title = record.get("title") or record["name"]
    return write_text_atomic(page.simple_page(title, body), report_dir / f"{record['name']}.html")


def loads_from_log(path: Path | None) -> list[dict[str, Any]]:
    r"""The ``load`` events of a kernel run log (what tables the run read).

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "kernel.jsonl"
    >>> _ = log.write_text(json.dumps({"event": "load", "table": "tracker"}) + "\nnot json\n")
    >>> loads_from_log(log)
    [{'event': 'load', 'table': 'tracker'}]
    >>> loads_from_log(None)
    []
    """
    return _kernel_log(path)[0]
