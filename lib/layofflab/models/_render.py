r"""Text rendering of results: number formatting, LaTeX escaping, side-by-side tables.

Not public API: :func:`layofflab.models.regression_table` checks its arguments and
calls :func:`side_by_side`.

Examples
--------
>>> _fmt(1.23456, 2), _stars(0.03)
('1.23', '**')
>>> print(_tex("a_b**"))
a\_b$^{**}$
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

if TYPE_CHECKING:
    from layofflab.models.result import EstimationResult


def _stars(p: float) -> str:
    if not np.isfinite(p):
        return ""
    return "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.1 else ""


def side_by_side(results: Sequence[EstimationResult], format: str, names: list[str]) -> str:
    """Body of :func:`~layofflab.models.regression_table` (arguments already checked)."""
    terms: list[str] = []
    for r in results:
        terms += [t for t in r.table["term"].to_list() if t not in terms]
    body: list[list[str]] = []
    for t in terms:
        est_row, se_row = [t], [""]
        for r in results:
            rows = r.table.filter(pl.col("term") == t)
            if rows.height:
                d = rows.row(0, named=True)
                est_row.append(_fmt(d["estimate"], 4) + _stars(d["p_value"]))
                se_row.append(f"({_fmt(d['std_error'], 4)})")
            else:
                est_row.append("")
                se_row.append("")
        body += [est_row, se_row]
    foot = [
        ["N", *[str(r.info.n_obs) for r in results]],
        ["Fixed effects", *[", ".join(r.info.fixed_effects) or "none" for r in results]],
        [
            "Clusters",
            *[
                ", ".join(f"{k} ({v})" for k, v in r.info.n_clusters.items()) or "none"
                for r in results
            ],
        ],
        ["SE", *[r.info.se_convention for r in results]],
    ]
    head = ["", *names]
    if format == "markdown":
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(row) + " |" for row in body + foot]
        lines.append("")
        lines.append("\\* p<0.10, \\*\\* p<0.05, \\*\\*\\* p<0.01")
        return "\n".join(lines)
    if format == "html":

        def tr(row: list[str], tag: str = "td") -> str:
            return "<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in row) + "</tr>"

        return (
            '<table class="layofflab-regression-table"><thead>'
            + tr(head, "th")
            + "</thead><tbody>"
            + "".join(tr(r) for r in body)
            + "</tbody><tfoot>"
            + "".join(tr(r) for r in foot)
            + f'<tr><td colspan="{len(head)}">* p&lt;0.10, ** p&lt;0.05, *** p&lt;0.01</td></tr>'
            + "</tfoot></table>"
        )
    lines = [
        r"\begin{tabular}{l" + "c" * len(results) + "}",
        r"\toprule",
        " & ".join(_tex(h) for h in head) + r" \\",
        r"\midrule",
    ]
    lines += [" & ".join(_tex(c) for c in row) + r" \\" for row in body]
    lines.append(r"\midrule")
    lines += [" & ".join(_tex(c) for c in row) + r" \\" for row in foot]
    lines += [
        r"\bottomrule",
        rf"\multicolumn{{{len(head)}}}{{l}}{{\footnotesize * p<0.10, ** p<0.05, *** p<0.01}} \\",
        r"\end{tabular}",
    ]
    return "\n".join(lines)


def _fmt(x: float | None, digits: int) -> str:
    if x is None or not np.isfinite(x):
        return "NA" if x is None or np.isnan(x) else ("inf" if x > 0 else "-inf")
    return f"{x:.{digits}f}"


def _fmt_df(df: float) -> str:
    return str(int(df)) if float(df).is_integer() else f"{df:.2f}"


_TEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _tex(s: str) -> str:
    stars = len(s) - len(s.rstrip("*"))
    body = s[: len(s) - stars]
    out = "".join(_TEX_ESCAPES.get(ch, ch) for ch in body)
    return out + (f"$^{{{'*' * stars}}}$" if stars else "")
