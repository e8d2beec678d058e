"""``reports/index.html``: every run with what a reader needs to trust and reuse it.

For each run: title (linking its page) and summary, run name and notebook, parameters,
status (built, failed with the error's first line, or out of date), the data it read
(:func:`data_used`: the shipped default or the fetched ``data/external``), what this build did
with it (executed, re-rendered, reused, not selected), duration, execution date, commit,
library version, input checksums, and links to its executed notebook and its figure and
table files. Runs of the run list come first, in its order; one-off runs of
``layofflab run`` follow. Every value is HTML-escaped (:mod:`.page` does it).

Examples
--------
>>> rec = {"name": "r1", "notebook": "notebooks/a.ipynb", "status": "failed", "title": "<T>",
...        "error": "KeyError: 'x'", "parameters": {}, "finished": "2026-01-01T00:00:00+00:00"}
>>> html = render_index([Entry(rec, "executed")], built="2026-01-01 00:00 UTC", commit="abc", version="0.1.0")
>>> "&lt;T&gt;" in html and "<T>" not in html and "1 failed" in html
True
>>> data_used({"inputs": [{"table": "panel", "files": [{"path": "/p/data/processed/external/panel.parquet"}]}]})
'fetched (data/external, built into data/processed/external): panel (the warn-public universe)'
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from layofflab.pipeline import page

__all__ = ["DATA_LABELS", "Entry", "data_used", "render_index"]

#: What the index says of the data a whole build ran on (``LAYOFFLAB_DATA``).
DATA_LABELS = {
    "default": "the shipped default data (data/raw)",
    "external": "the fetched data (data/external; make report DATA=external): every table "
    "`layofflab fetch` downloaded files for (WARN register, tracker exports, SEC company "
    "facts) is read from them, the capex study runs on the warn-public universe, and a table "
    "no fetch provides (or not fetched) is the shipped one; each run lists which",
}

_INDEX_CSS = """
body { font: 15px/1.5 system-ui, sans-serif; color: #1f2328; max-width: 64rem; margin: 2rem auto; padding: 0 1.5rem; }
h1 { margin-bottom: .2rem; }
.lf-summary { color: #59636e; }
.lf-summary .lf-status-failed { font-size: 1.05em; }
article { border: 1px solid #d0d7de; border-radius: 6px; padding: .8rem 1rem; margin: 1rem 0; }
article.lf-failed { border: 2px solid #b42318; background: #fef3f2; }
article.lf-stale { border-style: dashed; }
article h2 { font-size: 1.15rem; margin: 0 0 .3rem; }
article p { margin: .2rem 0 .5rem; color: #333; }
.lf-meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: 0; font-size: 14px; }
.lf-meta dt { color: #59636e; }
.lf-meta dd { margin: 0; }
.lf-params { display: flex; flex-wrap: wrap; gap: 0 1rem; margin: 0; }
.lf-params dt { font-weight: 600; color: #1f2328; }
.lf-params dt::after { content: " ="; font-weight: 400; }
.lf-params dd { margin: 0; }
.lf-inputs { margin: 0; padding-left: 1.1rem; }
.lf-status-ok { color: #1a7f37; font-weight: 600; }
.lf-status-failed { color: #b42318; font-weight: 600; }
.lf-status-stale { color: #9a6700; font-weight: 600; }
a { color: #0b57d0; }
"""


@dataclass(frozen=True)
class Entry:
    """One run of the index: its record and what this build did with it."""

    record: Mapping[str, Any]
    action: str
    stale: bool = False


def _status(entry: Entry) -> str:
    rec = entry.record
    if rec.get("status") == "ok" and entry.stale:
        return (
            '<span class="lf-status-stale">out of date</span>: its notebook, parameters, '
            "inputs or the library changed since it was built (not selected in this build)"
        )
    if rec.get("status") == "ok":
        return '<span class="lf-status-ok">built</span>'
    where = f" in cell {rec['failed_cell']}" if rec.get("failed_cell") else ""
    return (
        f'<span class="lf-status-failed">failed</span>{html.escape(where)}: '
        f"<code>{html.escape(rec.get('error', 'unknown error'))}</code>"
    )


def _origin(files: Sequence[Mapping[str, Any]]) -> str:
    paths = [Path(f["path"]) for f in files]
    if paths and all(
        p.parent.name == "external" and p.parent.parent.name == "processed" for p in paths
    ):
        return "fetched"
    if paths and all(p.parent.name == "processed" for p in paths):
        return "shipped"
    return "given"


#: How :func:`data_used` names each origin of a table a run read.
_ORIGINS = {
    "fetched": "fetched (data/external, built into data/processed/external)",
    "shipped": "shipped default (data/raw, processed in data/processed)",
    "given": "files given to the run",
}


def data_used(rec: Mapping[str, Any]) -> str:
    """Which data a run read, table by table, from the tables its record lists (``inputs``).

    A table read from ``data/processed/external`` is *fetched*, one from ``data/processed``
    *shipped*; files passed to the run (e.g. ``tracker_paths``) are *given*.

    Examples
    --------
    >>> data_used({"inputs": [{"table": "layoffs", "files": [{"path": "/p/data/processed/layoffs.parquet"}]}]})
    'shipped default (data/raw, processed in data/processed): layoffs'
    >>> data_used({"inputs": [
    ...     {"table": "warn", "files": [{"path": "/p/data/processed/external/warn.parquet"}]},
    ...     {"table": "job_titles", "files": [{"path": "/p/data/processed/job_titles.parquet"}]}]})
    'fetched (data/external, built into data/processed/external): warn; shipped default (data/raw, processed in data/processed): job_titles'
    >>> data_used({})
    'not recorded (the run read no table)'
    """
    by_origin: dict[str, list[str]] = {k: [] for k in _ORIGINS}
    for item in rec.get("inputs", []):
        name = str(item.get("table", "?"))
        origin = _origin(item.get("files", []))
        if name == "panel" and origin == "fetched":
            name = "panel (the warn-public universe)"
        if name not in by_origin[origin]:
            by_origin[origin].append(name)
    parts = [f"{_ORIGINS[k]}: {', '.join(v)}" for k, v in by_origin.items() if v]
    return "; ".join(parts) if parts else "not recorded (the run read no table)"


def _files(rec: Mapping[str, Any]) -> str:
    links = []
    if rec.get("executed_notebook"):
        links.append(f'<a href="{html.escape(rec["executed_notebook"])}">executed notebook</a>')
    for fig in rec.get("figures", []):
        links.append(f'<a href="{html.escape(fig["png"])}">figure {fig["number"]} PNG</a>')
        if fig.get("svg"):
            links.append(f'<a href="{html.escape(fig["svg"])}">SVG</a>')
    for tab in rec.get("tables", []):
        links.append(f'<a href="{html.escape(tab["csv"])}">table {tab["number"]} CSV</a>')
        links.append(f'<a href="{html.escape(tab["tex"])}">LaTeX</a>')
    return " · ".join(links) or "none"


def _article(entry: Entry) -> str:
    rec = entry.record
    name = rec["name"]
    classes = []
    if rec.get("status") != "ok":
        classes.append("lf-failed")
    elif entry.stale:
        classes.append("lf-stale")
    title = html.escape(rec.get("title") or name)
    when = html.escape(str(rec.get("finished", ""))[:19].replace("T", " "))
    dirty = " (uncommitted changes)" if rec.get("dirty") else ""
    duration = rec.get("duration_s")
    duration_text = f"{duration:.1f} s" if isinstance(duration, int | float) else "–"
    return (
        f'<article id="run-{html.escape(name)}" class="{" ".join(classes)}">'
        f'<h2><a href="{html.escape(name)}.html">{title}</a></h2>'
        f"<p>{html.escape(rec.get('summary', ''))}</p>"
        '<dl class="lf-meta">'
        f"<dt>Run</dt><dd><code>{html.escape(name)}</code> of "
        f"<code>{html.escape(rec.get('notebook', ''))}</code></dd>"
        f"<dt>Parameters</dt><dd>{page.parameter_list(rec.get('parameters', {}))}</dd>"
        f"<dt>Status</dt><dd>{_status(entry)}</dd>"
        f"<dt>This build</dt><dd>{html.escape(entry.action)}</dd>"
        f"<dt>Executed</dt><dd>{when} UTC in {duration_text}</dd>"
        f"<dt>Code</dt><dd>layofflab {html.escape(str(rec.get('version', '?')))}, commit "
        f"<code>{html.escape(str(rec.get('commit', '?')))}</code>{dirty}</dd>"
        f"<dt>Data</dt><dd>{html.escape(data_used(rec))}</dd>"
        f"<dt>Inputs</dt><dd>{page.input_list(rec.get('inputs', []))}</dd>"
        f"<dt>Files</dt><dd>{_files(rec)}</dd>"
        "</dl></article>"
    )


def render_index(
    entries: Sequence[Entry],
    *,
    built: str,
    commit: str,
    version: str,
    dirty: bool = False,
    data: str = "default",
) -> str:
    """The index page for ``entries`` (run-list runs first, then one-off runs).

    ``data`` is the build's ``LAYOFFLAB_DATA`` (:data:`DATA_LABELS`); each run also says
    which data it read (:func:`data_used`).
    """
    failed = [e for e in entries if e.record.get("status") != "ok"]
    stale = [e for e in entries if e.record.get("status") == "ok" and e.stale]
    counts = f"{len(entries)} run{'s' if len(entries) != 1 else ''}"
    if failed:
        counts += f', <span class="lf-status-failed">{len(failed)} failed</span>'
    if stale:
        counts += f', <span class="lf-status-stale">{len(stale)} out of date</span>'
    listed = [e for e in entries if e.record.get("origin", "run list") == "run list"]
    one_off = [e for e in entries if e.record.get("origin", "run list") != "run list"]
    body = [
        "<h1>layofflab reports</h1>",
        f'<p class="lf-summary">{counts}. Index written {html.escape(built)} by layofflab '
        f"{html.escape(version)} at commit <code>{html.escape(commit)}</code>"
        f"{' (uncommitted changes)' if dirty else ''}. Each report states its parameters, "
        "inputs (SHA-256) and the code that made it; figures and tables are saved as PNG, "
        "SVG, CSV and LaTeX beside it.</p>",
        f'<p class="lf-summary">Data: {html.escape(DATA_LABELS.get(data, data))}.</p>',
    ]
    if failed:
        names = ", ".join(html.escape(e.record["name"]) for e in failed)
        body.append(f'<p class="lf-status-failed" role="alert">Failed: {names}.</p>')
    body += [_article(e) for e in listed]
    if one_off:
        body.append("<h2>One-off runs (<code>layofflab run</code>)</h2>")
        body += [_article(e) for e in one_off]
    return page.simple_page("layofflab reports", "\n".join(body), css=_INDEX_CSS)
