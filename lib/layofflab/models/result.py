"""The result every estimator returns: a tidy coefficient table, a sample funnel and metadata.

:class:`EstimationResult` is the shared contract between all estimators in
:mod:`layofflab.models`. Its ``table`` is a polars frame with one row per term and the
columns ``term, estimate, std_error, statistic, p_value, ci_low, ci_high``; its
``funnel`` lists the rows dropped at each step, starting with ``"input"``; its ``info``
(:class:`ModelInfo`) states the estimator, fixed effects, clusters and the standard-error
convention. Results render as Markdown, HTML (notebooks) and LaTeX, alone or side by side
with :func:`regression_table`.

Examples
--------
>>> table = tidy_table(["x"], [0.5], [0.25], df=9)
>>> funnel = funnel_frame(10, [("missing values", 0, "")])
>>> info = ModelInfo(estimator="ols", formula="y ~ x", n_obs=10, n_clusters={},
...                  fixed_effects=(), cluster=(), se_convention="iid", df_inference=9)
>>> res = EstimationResult(table=table, funnel=funnel, info=info)
>>> round(res.table["statistic"][0], 3), round(res.table["p_value"][0], 4)
(2.0, 0.0766)
>>> print(res.to_markdown().splitlines()[2])
| x | 0.5000 | 0.2500 | 2.000 | 0.0766 | -0.0655 | 1.0655 |
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl
from scipy import stats

from layofflab.errors import InvalidArgumentError
from layofflab.models._render import _fmt, _fmt_df, _tex, side_by_side

__all__ = [
    "FUNNEL_COLUMNS",
    "STAT_SCHEMA",
    "TABLE_COLUMNS",
    "EstimationResult",
    "ModelInfo",
    "funnel_frame",
    "regression_table",
    "tidy_table",
]

#: Columns of :attr:`EstimationResult.table`, in order.
TABLE_COLUMNS: tuple[str, ...] = (
    "term",
    "estimate",
    "std_error",
    "statistic",
    "p_value",
    "ci_low",
    "ci_high",
)
#: Columns of :attr:`EstimationResult.funnel`, in order.
FUNNEL_COLUMNS: tuple[str, ...] = ("step", "rows_dropped", "rows_remaining", "detail")

#: Types of the statistics columns (everything in :data:`TABLE_COLUMNS` after ``term``).
STAT_SCHEMA: dict[str, pl.DataType] = {c: pl.Float64() for c in TABLE_COLUMNS[1:]}
_TABLE_SCHEMA = {"term": pl.String} | STAT_SCHEMA
_FUNNEL_SCHEMA = {
    "step": pl.String,
    "rows_dropped": pl.Int64,
    "rows_remaining": pl.Int64,
    "detail": pl.String,
}


@dataclass(frozen=True)
class ModelInfo:
    """Metadata of a fitted model.

    Parameters
    ----------
    estimator : str
        ``"ols"``, ``"ppml"``, ``"twfe_event_study"``, ``"sun_abraham"``,
        ``"callaway_santanna"``, ...
    formula : str
        The model formula as given (fixed effects listed separately).
    n_obs : int
        Observations used in estimation.
    n_clusters : dict of str to int
        Number of clusters per cluster variable; ``{}`` when not clustered.
    fixed_effects : tuple of str
        Absorbed fixed effects.
    cluster : tuple of str
        Cluster variables (one or two).
    se_convention : str
        Human-readable statement of the variance estimator and small-sample factors.
    df_inference : float or None
        Degrees of freedom of the t distribution behind p-values and confidence
        intervals; ``None`` means the normal distribution.
    extra : Mapping
        Estimator-specific details (e.g. separated regressors, iterations).
    """

    estimator: str
    formula: str
    n_obs: int
    n_clusters: dict[str, int]
    fixed_effects: tuple[str, ...]
    cluster: tuple[str, ...]
    se_convention: str
    df_inference: float | None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EstimationResult:
    """A fitted model: tidy table, sample funnel, metadata.

    Parameters
    ----------
    table : polars.DataFrame
        ``term`` (String) and ``estimate, std_error, statistic, p_value, ci_low,
        ci_high`` (Float64), one row per term.
    funnel : polars.DataFrame
        ``step`` (String), ``rows_dropped`` and ``rows_remaining`` (Int64), ``detail``
        (String); the first row is ``"input"``.
    info : ModelInfo
        Metadata.
    fit : Any, optional
        The underlying fitted object (statsmodels or pyfixest), kept so that
        :func:`~layofflab.models.wild_bootstrap` can refit; not compared nor shown.
    """

    table: pl.DataFrame
    funnel: pl.DataFrame
    info: ModelInfo
    fit: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if tuple(self.table.columns) != TABLE_COLUMNS:
            raise InvalidArgumentError(
                "table", list(self.table.columns), expected=f"columns {list(TABLE_COLUMNS)}"
            )
        if tuple(self.funnel.columns) != FUNNEL_COLUMNS:
            raise InvalidArgumentError(
                "funnel", list(self.funnel.columns), expected=f"columns {list(FUNNEL_COLUMNS)}"
            )

    # -- access -----------------------------------------------------------------
    def coef(self, term: str) -> float:
        """Estimate of ``term``.

        Examples
        --------
        >>> res = EstimationResult(tidy_table(["x"], [1.0], [0.5]), funnel_frame(3, []),
        ...     ModelInfo("ols", "y ~ x", 3, {}, (), (), "iid", None))
        >>> res.coef("x")
        1.0
        """
        return float(self._row(term)["estimate"])

    def se(self, term: str) -> float:
        """Standard error of ``term``."""
        return float(self._row(term)["std_error"])

    def pvalue(self, term: str) -> float:
        """p-value of ``term`` (H0: coefficient = 0)."""
        return float(self._row(term)["p_value"])

    def _row(self, term: str) -> dict[str, Any]:
        rows = self.table.filter(pl.col("term") == term)
        if rows.height != 1:
            raise InvalidArgumentError(
                "term", term, expected=f"one of {self.table['term'].to_list()}"
            )
        return rows.row(0, named=True)

    # -- rendering --------------------------------------------------------------
    def _footer(self) -> list[tuple[str, str]]:
        i = self.info
        clusters = ", ".join(f"{k} ({v})" for k, v in i.n_clusters.items()) or "none"
        df = "normal" if i.df_inference is None else f"t({_fmt_df(i.df_inference)})"
        return [
            ("Estimator", i.estimator),
            ("Formula", i.formula),
            ("N", str(i.n_obs)),
            ("Fixed effects", ", ".join(i.fixed_effects) or "none"),
            ("Clusters (G)", clusters),
            ("SE convention", i.se_convention),
            ("Inference", df),
        ]

    def _cells(self) -> list[list[str]]:
        out = []
        for r in self.table.iter_rows(named=True):
            out.append(
                [
                    r["term"],
                    _fmt(r["estimate"], 4),
                    _fmt(r["std_error"], 4),
                    _fmt(r["statistic"], 3),
                    _fmt(r["p_value"], 4),
                    _fmt(r["ci_low"], 4),
                    _fmt(r["ci_high"], 4),
                ]
            )
        return out

    def to_markdown(self) -> str:
        """Coefficient table as GitHub Markdown, followed by the metadata lines."""
        head = ["term", "estimate", "std_error", "statistic", "p_value", "ci_low", "ci_high"]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(c) + " |" for c in self._cells()]
        lines.append("")
        lines += [f"- **{k}**: {v}" for k, v in self._footer()]
        return "\n".join(lines)

    def to_html(self) -> str:
        """Coefficient table as an HTML ``<table>`` with the metadata in its footer."""
        head = "".join(f"<th>{h}</th>" for h in TABLE_COLUMNS)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in self._cells()
        )
        foot = "".join(
            f'<tr><td colspan="2">{html.escape(k)}</td><td colspan="5">{html.escape(v)}</td></tr>'
            for k, v in self._footer()
        )
        return (
            '<table class="layofflab-result"><thead><tr>'
            f"{head}</tr></thead><tbody>{body}</tbody><tfoot>{foot}</tfoot></table>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_latex(self) -> str:
        """Coefficient table as a LaTeX ``tabular`` (booktabs rules)."""
        lines = [
            r"\begin{tabular}{lrrrrrr}",
            r"\toprule",
            " & ".join(_tex(h) for h in TABLE_COLUMNS) + r" \\",
            r"\midrule",
        ]
        lines += [" & ".join(_tex(c) for c in row) + r" \\" for row in self._cells()]
        lines.append(r"\midrule")
        lines += [rf"\multicolumn{{7}}{{l}}{{{_tex(k)}: {_tex(v)}}} \\" for k, v in self._footer()]
        lines += [r"\bottomrule", r"\end{tabular}"]
        return "\n".join(lines)

    def summary(self) -> str:
        """Plain-text summary: coefficient table, then FE, clusters, convention and N.

        Examples
        --------
        >>> res = EstimationResult(tidy_table(["x"], [1.0], [0.5]), funnel_frame(3, []),
        ...     ModelInfo("ols", "y ~ x", 3, {}, (), (), "iid", None))
        >>> print(res.summary().splitlines()[-1])
        Inference:     normal
        """
        head = list(TABLE_COLUMNS)
        rows = [head, *self._cells()]
        widths = [max(len(r[j]) for r in rows) for j in range(len(head))]
        lines = [
            "  ".join(
                c.ljust(w) if j == 0 else c.rjust(w)
                for j, (c, w) in enumerate(zip(r, widths, strict=True))
            )
            for r in rows
        ]
        lines.insert(1, "-" * len(lines[0]))
        lines.append("-" * len(lines[0]))
        lines += [f"{k + ':':<15}{v}" for k, v in self._footer()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


# -- constructors used by the estimators -------------------------------------------
def tidy_table(
    terms: Sequence[str],
    estimate: Iterable[float],
    std_error: Iterable[float],
    *,
    df: float | None = None,
    alpha: float = 0.05,
) -> pl.DataFrame:
    """Build the tidy coefficient table from estimates and standard errors.

    The statistic is ``estimate / std_error``; p-values (two-sided) and the
    ``1 - alpha`` confidence interval use the t distribution with ``df`` degrees of
    freedom, or the normal distribution when ``df`` is None.

    Examples
    --------
    >>> tidy_table(["a", "b"], [1.0, 0.0], [0.5, 1.0])["p_value"].round(4).to_list()
    [0.0455, 1.0]
    """
    est = np.asarray(list(estimate), dtype=float)
    se = np.asarray(list(std_error), dtype=float)
    if not (len(terms) == est.size == se.size):
        raise InvalidArgumentError(
            "terms", list(terms), expected="as many terms as estimates and standard errors"
        )
    if not 0 < alpha < 1:
        raise InvalidArgumentError("alpha", alpha, expected="a number strictly between 0 and 1")
    dist = stats.norm if df is None else stats.t(df)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = est / se
    p = 2 * dist.sf(np.abs(stat))
    crit = dist.ppf(1 - alpha / 2)
    return pl.DataFrame(
        {
            "term": [str(t) for t in terms],
            "estimate": est,
            "std_error": se,
            "statistic": stat,
            "p_value": p,
            "ci_low": est - crit * se,
            "ci_high": est + crit * se,
        },
        schema=_TABLE_SCHEMA,
    )


def funnel_frame(n_input: int, steps: Iterable[tuple[str, int, str]]) -> pl.DataFrame:
    """Build a sample funnel from the input row count and ``(step, rows_dropped, detail)``.

    Examples
    --------
    >>> f = funnel_frame(10, [("missing values", 2, "y: 2"), ("singletons", 1, "firm")])
    >>> f["rows_remaining"].to_list()
    [10, 8, 7]
    """
    names, dropped, remaining, details = ["input"], [0], [int(n_input)], [""]
    left = int(n_input)
    for step, n, detail in steps:
        left -= int(n)
        names.append(step)
        dropped.append(int(n))
        remaining.append(left)
        details.append(detail)
    return pl.DataFrame(
        {"step": names, "rows_dropped": dropped, "rows_remaining": remaining, "detail": details},
        schema=_FUNNEL_SCHEMA,
    )


# -- side-by-side table ------------------------------------------------------------
def regression_table(
    results: Sequence[EstimationResult],
    *,
    format: Literal["html", "markdown", "latex"] = "markdown",
    names: Sequence[str] | None = None,
) -> str:
    """Several results side by side: estimate (with stars) over (standard error).

    Stars: ``*`` p < 0.10, ``**`` p < 0.05, ``***`` p < 0.01. Footer rows give N, fixed
    effects, clusters (with counts) and the SE convention of each model.

    Parameters
    ----------
    results : sequence of EstimationResult
    format : {"markdown", "html", "latex"}
    names : sequence of str, optional
        Column headers; default ``(1), (2), ...``.

    Examples
    --------
    >>> r = EstimationResult(tidy_table(["x"], [1.0], [0.25]), funnel_frame(5, []),
    ...     ModelInfo("ols", "y ~ x", 5, {}, (), (), "iid", None))
    >>> print(regression_table([r, r], names=["A", "B"]).splitlines()[2])
    | x | 1.0000*** | 1.0000*** |
    """
    results = list(results)
    if not results or not all(isinstance(r, EstimationResult) for r in results):
        raise InvalidArgumentError(
            "results", results, expected="a non-empty sequence of EstimationResult"
        )
    if format not in ("html", "markdown", "latex"):
        raise InvalidArgumentError("format", format, expected="'html', 'markdown' or 'latex'")
    if names is None:
        names = [f"({i + 1})" for i in range(len(results))]
    names = [str(n) for n in names]
    if len(names) != len(results):
        raise InvalidArgumentError("names", names, expected=f"{len(results)} names")
    return side_by_side(results, format, names)
