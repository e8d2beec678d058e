"""Figures of estimates: event studies, specification curves and coefficient plots.

Every function takes ``ax=None`` (a new figure) or an Axes to draw on, styles the
figure inside a seaborn context manager and returns the matplotlib Figure.

Examples
--------
>>> import polars as pl
>>> tab = pl.DataFrame({"estimator": ["twfe"] * 3, "term": ["rel_-2", "rel_0", "rel_1"],
...                     "rel_time": [-2, 0, 1], "estimate": [0.0, 0.3, 0.4],
...                     "ci_low": [-0.1, 0.2, 0.3], "ci_high": [0.1, 0.4, 0.5]})
>>> fig = plot_event_study(tab)
>>> fig.axes[0].get_xlabel()
'periods relative to the event'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from mpl_toolkits.axes_grid1 import make_axes_locatable

from layofflab.checks import check_columns
from layofflab.errors import InvalidArgumentError
from layofflab.models.result import EstimationResult
from layofflab.plots._style import figure_and_axes, style

__all__ = ["plot_coefficients", "plot_event_study", "plot_spec_curve"]

#: Display names of the event-study estimators.
ESTIMATOR_LABELS = {
    "twfe": "TWFE",
    "sun_abraham": "Sun–Abraham",
    "callaway_santanna": "Callaway–Sant'Anna",
}
_SPEC_DIMENSIONS = ("outcome", "treatment", "lag", "fixed_effects", "sample")


def _dodge(n: int, width: float = 0.5) -> np.ndarray:
    return np.zeros(1) if n == 1 else np.linspace(-width / 2, width / 2, n)


def plot_event_study(
    result: Any,
    *,
    ax: Axes | None = None,
    omit: int | None = -1,
    title: str | None = None,
) -> Figure | SubFigure:
    """Estimates and confidence intervals by relative period, estimators side by side.

    Parameters
    ----------
    result : EventStudyResult or polars.DataFrame
        An :func:`~layofflab.models.event_study.event_study` result, or a frame with
        ``rel_time, estimate, ci_low, ci_high`` (and optionally ``estimator``, ``term``).
    ax : matplotlib Axes, optional
    omit : int or None
        Reference period, drawn as a hollow marker at zero for the estimators that omit
        it (TWFE, Sun–Abraham); taken from the result when it is an event-study result.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        The figure of ``ax`` (a SubFigure if ``ax`` is in one), else a new figure.

    Examples
    --------
    >>> tab = pl.DataFrame({"estimator": ["twfe", "twfe", "sun_abraham", "sun_abraham"],
    ...                     "term": ["rel_-2+", "rel_0"] * 2, "rel_time": [-2, 0] * 2,
    ...                     "estimate": [0.0, 0.3, 0.0, 0.2], "ci_low": [-0.1, 0.2, -0.1, 0.1],
    ...                     "ci_high": [0.1, 0.4, 0.1, 0.3]})
    >>> ax = plot_event_study(tab).axes[0]
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['TWFE', 'Sun–Abraham', 'reference period']
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['≤-2', '-1', '0']
    """
    if isinstance(result, EstimationResult) and hasattr(result, "estimates"):
        table = result.estimates
        omit = result.info.extra.get("omit", omit)
    elif isinstance(result, pl.DataFrame):
        table = result
    else:
        raise InvalidArgumentError(
            "result", type(result).__name__, expected="an EventStudyResult or a polars DataFrame"
        )
    check_columns(table, ["rel_time", "estimate", "ci_low", "ci_high"], name="result")
    if "estimator" not in table.columns:
        table = table.with_columns(pl.lit("estimate").alias("estimator"))
    names = table["estimator"].unique(maintain_order=True).to_list()
    with style():
        fig, ax = figure_and_axes(ax)
        colors = sns.color_palette(n_colors=max(len(names), 3))
        for shift, name, color in zip(_dodge(len(names)), names, colors, strict=False):
            rows = table.filter(pl.col("estimator") == name).sort("rel_time")
            x = rows["rel_time"].to_numpy() + shift
            y = rows["estimate"].to_numpy()
            err = np.vstack([y - rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy() - y])
            ax.errorbar(
                x,
                y,
                yerr=err,
                fmt="o",
                color=color,
                capsize=3,
                ms=5,
                label=ESTIMATOR_LABELS.get(name, name),
            )
        omitting = [n for n in names if n in ("twfe", "sun_abraham")]
        if omit is not None and omitting:
            ax.plot(
                [omit],
                [0.0],
                marker="o",
                mfc="white",
                mec="black",
                ls="none",
                ms=7,
                label="reference period",
                zorder=3,
            )
        ax.axhline(0.0, color="black", lw=0.8)
        ax.axvline(-0.5, color="grey", lw=0.8, ls="--")
        ticks = sorted({*table["rel_time"].to_list(), *([omit] if omitting else [])})
        ax.set_xticks(ticks, [_tick(table, t) for t in ticks])
        ax.set_xlabel("periods relative to the event")
        ax.set_ylabel("estimate (95% CI)")
        ax.set_title(title or "Event study")
        handles, labels = ax.get_legend_handles_labels()
        order = sorted(range(len(labels)), key=lambda i: labels[i] == "reference period")
        ax.legend([handles[i] for i in order], [labels[i] for i in order], frameon=False)
    return fig


def _tick(table: pl.DataFrame, r: int) -> str:
    if "term" in table.columns:
        terms = table.filter(pl.col("rel_time") == r)["term"].to_list()
        if any(t.endswith("+") for t in terms):
            return f"≤{r}" if r < 0 else f"≥{r}"
    return str(r)


def plot_spec_curve(
    table: pl.DataFrame,
    *,
    ax: Axes | None = None,
    alpha: float = 0.05,
    dimensions: Sequence[str] | None = None,
    title: str | None = None,
) -> Figure | SubFigure:
    """Specification curve: sorted estimates with CIs over a panel of the choices made.

    Parameters
    ----------
    table : polars.DataFrame
        The output of :func:`~layofflab.models.spec_curve.spec_curve` (rows with an
        ``error`` are left out).
    ax : matplotlib Axes, optional
        Axes for the curve; the indicator panel is appended below it.
    alpha : float
        Estimates with ``p_value < alpha`` are drawn in the highlight colour.
    dimensions : sequence of str, optional
        Grid columns in the indicator panel; default: those with more than one value.
    title : str, optional

    Examples
    --------
    >>> tab = pl.DataFrame({"spec_id": [0, 1, 2], "lag": [0, 1, 2],
    ...                     "sample": ["all", "all", "big"], "estimate": [0.3, 0.1, 0.2],
    ...                     "ci_low": [0.1, -0.1, 0.0], "ci_high": [0.5, 0.3, 0.4],
    ...                     "p_value": [0.01, 0.4, 0.06]})
    >>> fig = plot_spec_curve(tab)
    >>> [t.get_text() for t in fig.axes[1].get_yticklabels()]
    ['lag: 0', 'lag: 1', 'lag: 2', 'sample: all', 'sample: big']
    """
    if not isinstance(table, pl.DataFrame):
        raise InvalidArgumentError("table", type(table).__name__, expected="a polars DataFrame")
    check_columns(table, ["estimate", "ci_low", "ci_high", "p_value"], name="table")
    ok = table.filter(pl.col("estimate").is_not_null())
    if "error" in ok.columns:
        ok = ok.filter(pl.col("error").is_null())
    if ok.height == 0:
        raise InvalidArgumentError("table", table.height, expected="at least one estimate")
    ok = ok.sort("estimate")
    if dimensions is None:
        dims = [d for d in _SPEC_DIMENSIONS if d in ok.columns and ok[d].n_unique() > 1]
        dims = dims or [d for d in _SPEC_DIMENSIONS if d in ok.columns]
    else:
        dims = list(dimensions)
        check_columns(ok, dims, name="dimensions")
    x = np.arange(ok.height)
    fig: Figure | SubFigure
    with style():
        if ax is None:
            import matplotlib.pyplot as plt

            n_rows = sum(ok[d].n_unique() for d in dims)
            fig, (ax, low) = plt.subplots(
                2,
                1,
                sharex=True,
                figsize=(9, 4 + 0.25 * n_rows),
                layout="constrained",
                height_ratios=[3, max(1.0, 0.3 * n_rows)],
            )
        else:
            fig = ax.figure
            low = make_axes_locatable(ax).append_axes("bottom", size="60%", pad=0.1, sharex=ax)
        sig = (ok["p_value"] < alpha).fill_null(False).to_numpy()
        base, hi = sns.color_palette()[7], sns.color_palette()[3]
        y = ok["estimate"].to_numpy()
        err = np.vstack([y - ok["ci_low"].to_numpy(), ok["ci_high"].to_numpy() - y])
        for mask, color, label in ((~sig, base, f"p ≥ {alpha:g}"), (sig, hi, f"p < {alpha:g}")):
            if mask.any():
                ax.errorbar(
                    x[mask],
                    y[mask],
                    yerr=err[:, mask],
                    fmt="o",
                    ms=3,
                    color=color,
                    elinewidth=0.8,
                    label=label,
                )
        ax.axhline(0.0, color="black", lw=0.8)
        ax.set_ylabel("estimate (95% CI)")
        ax.set_title(title or f"Specification curve ({ok.height} specifications)")
        ax.legend(frameon=False, loc="upper left")
        labels: list[str] = []
        for d in dims:
            for v in sorted(ok[d].unique().to_list(), key=str):
                row = len(labels)
                used = (ok[d] == v).to_numpy()
                low.plot(x[used], np.full(used.sum(), row), "|", color="black", ms=8)
                labels.append(f"{d}: {v}")
        low.set_yticks(range(len(labels)), labels)
        low.set_ylim(len(labels) - 0.5, -0.5)
        low.set_xlabel("specification (sorted by estimate)")
        low.grid(axis="x", visible=False)
    return fig


def plot_coefficients(
    results: Any,
    *,
    terms: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure | SubFigure:
    """Coefficient plot: estimates and CIs of several models, terms on the vertical axis.

    Parameters
    ----------
    results : EstimationResult, sequence of them, or mapping of name to result
        Tidy tables (polars frames with ``term, estimate, ci_low, ci_high``) work too.
    terms : sequence of str, optional
        Terms to show, top to bottom; default: every term of the first model, then new
        ones, in order.
    ax : matplotlib Axes, optional
    title : str, optional

    Examples
    --------
    >>> a = pl.DataFrame({"term": ["x", "z"], "estimate": [0.5, -0.2],
    ...                   "ci_low": [0.3, -0.4], "ci_high": [0.7, 0.0]})
    >>> ax = plot_coefficients({"OLS": a, "PPML": a}).axes[0]
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['x', 'z']
    """
    if isinstance(results, Mapping):
        named = list(results.items())
    elif isinstance(results, EstimationResult | pl.DataFrame):
        named = [("(1)", results)]
    elif isinstance(results, Sequence) and results:
        named = [(f"({i + 1})", r) for i, r in enumerate(results)]
    else:
        raise InvalidArgumentError(
            "results", results, expected="results, a sequence or a mapping of them"
        )
    tables = []
    for name, r in named:
        tab = r.table if isinstance(r, EstimationResult) else r
        if not isinstance(tab, pl.DataFrame):
            raise InvalidArgumentError(
                "results", type(r).__name__, expected="EstimationResult or polars DataFrame"
            )
        check_columns(tab, ["term", "estimate", "ci_low", "ci_high"], name="results")
        tables.append((str(name), tab))
    if terms is None:
        terms = list(dict.fromkeys(t for _, tab in tables for t in tab["term"].to_list()))
    terms = list(terms)
    pos = {t: i for i, t in enumerate(terms)}
    with style():
        fig, ax = figure_and_axes(
            ax, figsize=(7, 1 + 0.5 * len(terms) * max(1, len(tables)) ** 0.5)
        )
        colors = sns.color_palette(n_colors=max(len(tables), 3))
        for shift, (name, tab), color in zip(
            _dodge(len(tables), 0.4), tables, colors, strict=False
        ):
            rows = tab.filter(pl.col("term").is_in(terms))
            yy = np.array([pos[t] for t in rows["term"].to_list()], dtype=float) + shift
            est = rows["estimate"].to_numpy()
            err = np.vstack([est - rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy() - est])
            ax.errorbar(est, yy, xerr=err, fmt="o", color=color, capsize=3, label=name)
        ax.axvline(0.0, color="black", lw=0.8)
        ax.set_yticks(range(len(terms)), terms)
        ax.set_ylim(len(terms) - 0.5, -0.5)
        ax.set_xlabel("estimate (95% CI)")
        ax.set_title(title or "Coefficients")
        if len(tables) > 1:
            ax.legend(frameon=False)
    return fig
