"""What a report run sets up inside its kernel (the hidden first cell the builder injects).

:func:`setup`

* shows figures as PNG at ``dpi`` (≥ 200) *and* SVG, each with a ``text/plain``
  description built from its titles and axis labels — the alt text of the report page;
* shows a polars DataFrame that ends a cell through :func:`layofflab.display.show_table`
  (an HTML table with every row or a stated "first N of M", saved as CSV and LaTeX);
* sends warnings to the run log instead of the page;
* records every table the notebook reads through :func:`layofflab.tables.load` or
  :func:`layofflab.tables.load_panel` (name and files), so the builder knows the run's inputs and can skip the run while they,
  the notebook, its parameters and the library are unchanged.

The log is a JSON-lines file named by the ``LAYOFFLAB_RUN_LOG`` environment variable the
builder gives the kernel; without it, nothing is recorded.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots()
>>> _ = ax.set(title="Reported layoffs per month", xlabel="month", ylabel="workers")
>>> describe_figure(fig)
'Reported layoffs per month (x axis: month; y axis: workers)'
>>> plt.close(fig)
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import warnings
from pathlib import Path
from typing import Any, TextIO

from layofflab.errors import LayofflabError

__all__ = ["LOG_ENV", "SETUP_SOURCE", "SETUP_TAG", "describe_figure", "setup"]

#: Environment variable naming the run log (JSON lines) the kernel appends to.
LOG_ENV = "LAYOFFLAB_RUN_LOG"
#: Tag of the injected set-up cell (the page leaves it out).
SETUP_TAG = "layofflab-setup"
#: Source of the injected set-up cell.
SETUP_SOURCE = (
    "# layofflab report set-up: figures as PNG and SVG, tables as HTML, warnings to the run log\n"
    "from layofflab.pipeline import kernel as _layofflab_kernel\n"
    "_layofflab_kernel.setup()\n"
    "del _layofflab_kernel"
)


def _log(event: dict[str, Any]) -> None:
    path = os.environ.get(LOG_ENV)
    if not path:
        return
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(event, default=str) + "\n")


def _cell() -> int | None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return None
    shell = get_ipython()
    return getattr(shell, "execution_count", None)


def describe_figure(fig: Any) -> str:
    """A one-line description of a matplotlib figure: its titles and axis labels.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set(title="Power", xlabel="effect", ylabel="power")
    >>> describe_figure(fig)
    'Power (x axis: effect; y axis: power)'
    >>> plt.close(fig)
    """
    parts = []
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        parts.append(suptitle.get_text())
    for ax in fig.get_axes():
        labels = [
            f"{k} axis: {v}" for k, v in (("x", ax.get_xlabel()), ("y", ax.get_ylabel())) if v
        ]
        title = ax.get_title() or ax.get_title(loc="left")
        if not (title or labels):
            continue
        parts.append(f"{title} ({'; '.join(labels)})" if labels else title)
    return "; ".join(parts) or f"Figure with {len(fig.get_axes())} panels"


def _record_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    _log(
        {
            "event": "warning",
            "category": category.__name__,
            "message": str(message),
            "where": f"{Path(filename).name}:{lineno}",
            "cell": _cell(),
        }
    )


def _processed(attr: str, given: dict[str, Any]) -> Path:
    """The folder a load without ``processed_dir`` reads (what :mod:`layofflab.tables` picks)."""
    from layofflab.tables.external import source_dir

    if attr == "load_panel":
        return source_dir(given.get("name", "panel"), universe=given.get("universe", "bigtech"))
    return source_dir(given.get("name", ""))


def _record_loads(module: Any) -> None:
    """Wrap ``module.load`` and ``module.load_panel`` (derived tables) to log what they read."""
    for attr in ("load", "load_panel"):
        if hasattr(module, attr):
            _record(module, attr)


def _record(module: Any, attr: str) -> None:
    original = getattr(module, attr)
    if getattr(original, "_layofflab_recorded", False):
        return
    signature = inspect.signature(original)

    @functools.wraps(original)
    def load(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        given = bound.arguments
        _log(
            {
                "event": "load",
                "table": given.get("name", "panel"),
                "paths": [str(Path(p).resolve()) for p in given.get("paths") or ()],
                "processed_dir": str(
                    Path(given.get("processed_dir") or _processed(attr, given)).resolve()
                ),
                "cell": _cell(),
            }
        )
        return original(*args, **kwargs)

    load._layofflab_recorded = True  # type: ignore[attr-defined]
    setattr(module, attr, load)


def setup(*, dpi: int = 200) -> None:
    """Configure the running IPython kernel for a report run (see the module docstring).

    Examples
    --------
    >>> setup()  # outside a kernel
    Traceback (most recent call last):
    ...
    layofflab.errors.LayofflabError: layofflab.pipeline.kernel.setup() runs inside an IPython kernel
    """
    import matplotlib as mpl
    import polars as pl
    from IPython import get_ipython
    from matplotlib.figure import Figure
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    from layofflab import tables
    from layofflab.display import export_tables, show_table

    shell = get_ipython()
    if shell is None:
        raise LayofflabError("layofflab.pipeline.kernel.setup() runs inside an IPython kernel")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")  # SVG files carry no build date
    mpl.rcParams["svg.hashsalt"] = "layofflab"  # and stable element ids
    set_matplotlib_formats("png", "svg", dpi=dpi, bbox_inches="tight")
    formatters = shell.display_formatter.formatters
    formatters["text/plain"].for_type(Figure, lambda fig, p, cycle: p.text(describe_figure(fig)))
    shell.display_formatter.ipython_display_formatter.for_type(pl.DataFrame, show_table)
    export_tables(True)
    warnings.showwarning = _record_warning
    _record_loads(tables)
