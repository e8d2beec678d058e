"""The HTML the report builder writes around an executed notebook: header, banner, figures, log.

Every piece of text that comes from data, parameters, notebooks or errors passes through
:func:`html.escape` here; the templates insert these pieces as they are. Pages carry a
Content-Security-Policy that allows no script and no network request, only the page's
own images and inline styles.

Examples
--------
>>> print(parameter_list({"company_id": "<img src=x onerror=alert(1)>"}))
<dl class="lf-params"><dt>company_id</dt><dd><code>&#x27;&lt;img src=x onerror=alert(1)&gt;&#x27;</code></dd></dl>
>>> shown_path("/somewhere/else/file.csv")
'…/file.csv'
"""

from __future__ import annotations

import html
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from layofflab import config

__all__ = [
    "CSP",
    "NO_ICON",
    "PAGE_CSS",
    "banner_html",
    "figure_html",
    "header_html",
    "input_list",
    "log_html",
    "parameter_list",
    "sanitize_text",
    "shown_path",
    "simple_page",
    "source_line",
]

#: No script, no request to another origin; images and styles of the page itself only.
CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "font-src 'self' data:; base-uri 'none'; form-action 'none'"
)

#: A page names its (empty) icon, so a browser does not ask the server for /favicon.ico.
NO_ICON = '<link rel="icon" href="data:,">'

PAGE_CSS = """
:root { --lf-ink: #1f2328; --lf-muted: #59636e; --lf-line: #d0d7de; --lf-bad: #b42318; }
body { margin: 0; }
.lf-header, main { max-width: 62rem; margin: 0 auto; padding: 0 1.5rem; }
.lf-header { font: 14px/1.5 system-ui, sans-serif; color: var(--lf-ink);
  border-bottom: 1px solid var(--lf-line); padding-top: .8rem; padding-bottom: .6rem; }
.lf-header nav { display: flex; gap: 1.2rem; align-items: baseline; flex-wrap: wrap; }
.lf-header a { color: #0b57d0; }
.lf-meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .6rem 0 0; }
.lf-meta dt { color: var(--lf-muted); }
.lf-meta dd { margin: 0; }
.lf-params { display: flex; flex-wrap: wrap; gap: 0 1rem; margin: 0; }
.lf-params dt { font-weight: 600; color: var(--lf-ink); }
.lf-params dt::after { content: " ="; font-weight: 400; }
.lf-params dd { margin: 0; }
.lf-status-ok { color: #1a7f37; font-weight: 600; }
.lf-status-failed { color: var(--lf-bad); font-weight: 600; }
.lf-toggle { position: absolute; opacity: 0; width: 1px; height: 1px; }
.lf-toggle-label { cursor: pointer; border: 1px solid var(--lf-line); border-radius: 4px;
  padding: 0 .5rem; user-select: none; }
.lf-toggle:focus-visible + .lf-header .lf-toggle-label { outline: 2px solid #0b57d0; }
.lf-toggle:checked + .lf-header .lf-toggle-label { background: #eef3fb; }
.lf-toggle:checked + .lf-header .lf-toggle-label::after { content: " ✓"; }
.lf-toggle:not(:checked) ~ main .jp-CodeCell:not(.celltag_layofflab-failed) .jp-Cell-inputWrapper { display: none; }
.lf-toggle:not(:checked) ~ main .jp-CodeCell.jp-mod-noOutputs:not(.celltag_layofflab-failed) { display: none; }
.lf-banner { border: 2px solid var(--lf-bad); background: #fef3f2; color: var(--lf-ink);
  padding: .8rem 1rem; margin: 1rem 0; font: 15px/1.5 system-ui, sans-serif; }
.lf-banner strong { color: var(--lf-bad); }
.celltag_layofflab-failed { border-left: 4px solid var(--lf-bad); }
.lf-figure { margin: 0; }
.lf-figure img { max-width: 100%; height: auto; }
.lf-figure figcaption, .lf-files { font: 13px/1.4 system-ui, sans-serif; color: var(--lf-muted); }
.lf-log { font: 13px/1.4 system-ui, sans-serif; margin: 2rem 0; color: var(--lf-muted); }
.lf-log pre { white-space: pre-wrap; font-size: 12px; }
"""


def _replacements() -> list[tuple[str, str]]:
    pairs = [
        (str(config.SHARED_DATA) + "/", "shared/data/"),
        (str(config.PROJECT_ROOT) + "/", ""),
        (sys.prefix + "/", "<venv>/"),
        (sys.base_prefix + "/", "<python>/"),
        (str(Path.home()) + "/", "~/"),
    ]
    return sorted(pairs, key=lambda p: -len(p[0]))


def sanitize_text(text: str) -> str:
    """``text`` without absolute paths of this machine (project, venv, Python, home).

    Examples
    --------
    >>> from layofflab import config
    >>> sanitize_text(f"error in {config.PROJECT_ROOT / 'lib' / 'x.py'}").startswith("error in ")
    True
    >>> str(config.PROJECT_ROOT) in sanitize_text(f"error in {config.PROJECT_ROOT}/lib/x.py")
    False
    """
    for old, new in _replacements():
        text = text.replace(old, new)
    return text


def shown_path(path: str | Path) -> str:
    """A path as a report shows it: relative to the project, else ``…/file name``.

    Examples
    --------
    >>> from layofflab import config
    >>> shown_path(config.PROJECT_ROOT / "data" / "raw" / "a.csv")
    'data/raw/a.csv'
    >>> shown_path("/elsewhere/b.csv")
    '…/b.csv'
    """
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    for root, prefix in ((config.PROJECT_ROOT, ""), (config.SHARED_DATA, "shared/data/")):
        try:
            return prefix + p.relative_to(root).as_posix()
        except ValueError:
            continue
    return f"…/{p.name}"


def _shown_value(value: Any) -> str:
    if isinstance(value, str) and value.startswith("/"):
        return repr(shown_path(value))
    if isinstance(value, list):
        return "[" + ", ".join(_shown_value(v) for v in value) + "]"
    return repr(value)


def parameter_list(parameters: Mapping[str, Any]) -> str:
    r"""The run's parameters as a definition list (``name = value``), or "notebook defaults".

    Examples
    --------
    >>> parameter_list({"reps": 20})
    '<dl class="lf-params"><dt>reps</dt><dd><code>20</code></dd></dl>'
    >>> parameter_list({})
    '<span class="lf-muted">the notebook\'s defaults</span>'
    """
    if not parameters:
        return '<span class="lf-muted">the notebook\'s defaults</span>'
    items = "".join(
        f"<dt>{html.escape(k)}</dt><dd><code>{html.escape(_shown_value(v))}</code></dd>"
        for k, v in sorted(parameters.items())
    )
    return f'<dl class="lf-params">{items}</dl>'


def input_list(inputs: Sequence[Mapping[str, Any]]) -> str:
    """Each table the run read with the SHA-256 (first 12 digits) of every file behind it.

    Examples
    --------
    >>> input_list([{"table": "tracker", "files": [{"path": "t.parquet", "sha256": "ab" * 32}]}])
    '<ul class="lf-inputs"><li><strong>tracker</strong>: <code>t.parquet</code> <span title="abab...">abababababab</span></li></ul>'
    >>> input_list([])
    'none recorded'
    """
    if not inputs:
        return "none recorded"
    rows = []
    for item in inputs:
        files = ", ".join(
            f"<code>{html.escape(shown_path(f['path']))}</code> "
            f'<span title="{html.escape(f["sha256"])}">{html.escape(f["sha256"][:12])}</span>'
            for f in item["files"]
        )
        raw = ", ".join(
            f"<code>{html.escape(n)}</code> "
            f'<span title="{html.escape(s)}">{html.escape(s[:12])}</span>'
            for n, s in sorted(item.get("raw", {}).items())
        )
        built = f" built from {raw}" if raw else ""
        rows.append(f"<li><strong>{html.escape(item['table'])}</strong>: {files}{built}</li>")
    return f'<ul class="lf-inputs">{"".join(rows)}</ul>'


def source_line(record: Mapping[str, Any]) -> str:
    """One sentence naming the data and code behind a run's figures and tables (escaped).

    Examples
    --------
    >>> rec = {"name": "power", "version": "0.1.0", "commit": "abc1234",
    ...        "inputs": [{"table": "tracker", "files": [], "raw": {"data/raw/t.csv": "ab"}}]}
    >>> source_line(rec)
    'Source: data/raw/t.csv; layofflab 0.1.0, commit abc1234, run power.'
    """
    files: list[str] = []
    for item in record.get("inputs", []):
        files += sorted(item.get("raw", {})) or [shown_path(f["path"]) for f in item["files"]]
    data = ", ".join(dict.fromkeys(files)) or "no recorded input table"
    return html.escape(
        f"Source: {data}; layofflab {record.get('version', '?')}, "
        f"commit {record.get('commit', '?')}, run {record['name']}."
    )


def figure_html(
    number: int, *, png: str, svg: str | None, alt: str, width: int, source: str
) -> str:
    """A figure: the PNG at its display width, alt text, caption with source and file links.

    Examples
    --------
    >>> figure_html(1, png="f1.png", svg=None, alt="Power", width=600, source="Source: x.")
    '<figure class="lf-figure" id="figure-1"><img src="f1.png" alt="Power" width="600"><figcaption>Figure 1. Power. Source: x. Files: <a href="f1.png">PNG</a></figcaption></figure>'
    """
    links = f'<a href="{html.escape(png)}">PNG</a>'
    if svg:
        links += f' · <a href="{html.escape(svg)}">SVG</a>'
    return (
        f'<figure class="lf-figure" id="figure-{number}">'
        f'<img src="{html.escape(png)}" alt="{html.escape(alt)}" width="{width}">'
        f"<figcaption>Figure {number}. {html.escape(alt)}. {source} Files: {links}</figcaption>"
        "</figure>"
    )


def header_html(record: Mapping[str, Any]) -> str:
    """The toggle, and the header: back link, parameters, date, status, commit, version, inputs.

    Examples
    --------
    >>> rec = {"name": "power", "notebook": "04_power.ipynb", "status": "ok",
    ...        "finished": "2026-12-01T10:00:00+00:00", "duration_s": 3.2}
    >>> html = header_html(rec)
    >>> "executed 2026-12-01 10:00:00 UTC in 3.2 s" in html, "none recorded" in html
    (True, True)
    """
    status = record["status"]
    label = {"ok": "built", "failed": "failed"}.get(status, status)
    when = html.escape(record.get("finished", "")[:19].replace("T", " ")) + " UTC"
    duration = f"{record.get('duration_s', 0):.1f} s"
    dirty = " (with uncommitted changes)" if record.get("dirty") else ""
    executed = record.get("executed_notebook")
    links = ['<a href="index.html">← All reports</a>']
    if executed:
        links.append(f'<a href="{html.escape(executed)}">Executed notebook</a>')
    links.append('<a href="#lf-run-log">Run log</a>')
    links.append('<label class="lf-toggle-label" for="lf-show-code">Show code</label>')
    return (
        '<input type="checkbox" id="lf-show-code" class="lf-toggle">\n'
        '<header class="lf-header">'
        f"<nav>{' '.join(links)}</nav>"
        '<dl class="lf-meta">'
        f"<dt>Run</dt><dd><code>{html.escape(record['name'])}</code> of "
        f"<code>{html.escape(record['notebook'])}</code></dd>"
        f"<dt>Parameters</dt><dd>{parameter_list(record.get('parameters', {}))}</dd>"
        f'<dt>Status</dt><dd><span class="lf-status-{html.escape(status)}">{label}</span>, '
        f"executed {when} in {duration}</dd>"
        f"<dt>Code</dt><dd>layofflab {html.escape(record.get('version', '?'))}, commit "
        f"<code>{html.escape(record.get('commit', '?'))}</code>{dirty}</dd>"
        f"<dt>Inputs</dt><dd>{input_list(record.get('inputs', []))}</dd>"
        "</dl></header>"
    )


def banner_html(record: Mapping[str, Any], *, anchor: str | None) -> str:
    """The failure banner (empty for a run that succeeded).

    Examples
    --------
    >>> banner_html({"status": "ok"}, anchor=None)
    ''
    >>> banner_html({"status": "failed", "error": "KeyError: 'x'", "failed_cell": 3}, anchor="cell-3")
    '<div class="lf-banner" role="alert"><strong>This run failed</strong> in cell 3: <code>KeyError: &#x27;x&#x27;</code>. What follows stops there; no output of an earlier run is shown. <a href="#cell-3">Go to the failing cell.</a></div>'
    """
    if record["status"] == "ok":
        return ""
    where = f" in cell {record['failed_cell']}" if record.get("failed_cell") else ""
    jump = f' <a href="#{html.escape(anchor)}">Go to the failing cell.</a>' if anchor else ""
    return (
        '<div class="lf-banner" role="alert"><strong>This run failed</strong>'
        f"{html.escape(where)}: <code>{html.escape(record.get('error', ''))}</code>. "
        "What follows stops there; no output of an earlier run is shown."
        f"{jump}</div>"
    )


def log_html(entries: Sequence[Mapping[str, Any]]) -> str:
    """The collapsed run log: warnings and messages the kernel wrote outside the page.

    Examples
    --------
    >>> log_html([{"kind": "warning", "cell": 2, "text": "UserWarning: x"}])
    '<details class="lf-log" id="lf-run-log"><summary>Run log: 1 warning, 0 other messages</summary><pre>[cell 2] UserWarning: x</pre></details>'
    """
    warnings = sum(e["kind"] == "warning" for e in entries)
    messages = len(entries) - warnings
    lines = "\n".join(f"[cell {e.get('cell') or '?'}] {e['text']}" for e in entries)
    body = f"<pre>{html.escape(lines)}</pre>" if entries else "<p>Nothing was logged.</p>"
    return (
        f'<details class="lf-log" id="lf-run-log"><summary>Run log: {warnings} warning'
        f"{'s' if warnings != 1 else ''}, {messages} other message"
        f"{'s' if messages != 1 else ''}</summary>{body}</details>"
    )


def simple_page(title: str, body: str, *, css: str = PAGE_CSS) -> str:
    r"""A page of the site (``title`` escaped here, ``body`` already HTML) with the same policy.

    Examples
    --------
    >>> page = simple_page("Reports & runs", "<p>hi</p>")
    >>> "<title>Reports &amp; runs</title>" in page, "<body>\n<p>hi</p>\n</body>" in page
    (True, True)
    """
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f"{NO_ICON}\n<title>{html.escape(title)}</title>\n<style>\n{css}\n</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
