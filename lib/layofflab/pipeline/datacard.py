"""The data card's coverage tables, computed from the processed tables (never typed by hand).

``data/raw/README.md`` holds, between the markers ``<!-- coverage:start -->`` and
``<!-- coverage:end -->``, the firm × year coverage of each source as :func:`coverage_markdown`
renders it; a test fails when the two differ, so the card cannot go stale. Refresh it with
``python -m layofflab.pipeline.datacard``.

Examples
--------
>>> print(_cell(4, 0, "X"))
4X
"""

from __future__ import annotations

import re

import polars as pl

from layofflab import config, tables
from layofflab.io import write_text_atomic

__all__ = ["coverage_markdown", "coverage_tables", "update_readme"]

YEARS = list(range(2019, 2027))
START, END = "<!-- coverage:start -->", "<!-- coverage:end -->"
_KIND = {"sec_xbrl": "X", "third_party": "T", "press": "P", "sec_10k": "K"}


def _cell(n: int, _unused: int, code: str) -> str:
    return f"{n}{code}" if n else "–"


def _grid(df: pl.DataFrame, value: str) -> pl.DataFrame:
    firms = tables.load("firms").data["company_id"].sort().to_list()
    base = pl.DataFrame({"company_id": firms})
    wide = df.pivot(on="year", index="company_id", values=value, aggregate_function="first")
    cols = [str(y) for y in YEARS]
    out = base.join(wide, on="company_id", how="left", maintain_order="left")
    for c in cols:
        if c not in out.columns:
            out = out.with_columns(pl.lit(None, dtype=pl.String).alias(c))
    return out.select("company_id", *cols).with_columns(pl.col(cols).cast(pl.String).fill_null("–"))


def coverage_tables() -> dict[str, pl.DataFrame]:
    """Firm × year coverage of capex (quarters by source kind), headcount, layoffs and WARN."""
    sec = tables.load("capex").data.filter(pl.col("concept") == "capex")
    cap = (
        sec.with_columns(year=pl.col("period_end").dt.year().cast(pl.String))
        .group_by("company_id", "year", "source_kind")
        .len()
        .sort("source_kind")
        .group_by("company_id", "year")
        .agg(
            pl.concat_str(
                pl.col("len").cast(pl.String), pl.col("source_kind").replace_strict(_KIND)
            )
            .str.join("+")
            .alias("q")
        )
    )
    hc = tables.load("headcount").data.filter(pl.col("primary"))
    head = hc.select(
        "company_id",
        year=pl.col("period_end").dt.year().cast(pl.String),
        v=pl.col("source_kind").replace_strict(_KIND, default="?"),
    )
    lay = tables.load("layoffs").data.filter(pl.col("company_id").is_not_null())
    ev = (
        lay.group_by("company_id", year=pl.col("date").dt.year().cast(pl.String))
        .agg(n=pl.len(), unknown=pl.col("laid_off").null_count())
        .select(
            "company_id",
            "year",
            v=pl.when(pl.col("unknown") > 0)
            .then(pl.format("{} ({})", "n", "unknown"))
            .otherwise(pl.col("n").cast(pl.String)),
        )
    )
    warn = tables.load("warn").data.filter(pl.col("counted") & pl.col("company_id").is_not_null())
    wn = warn.group_by("company_id", year=pl.col("notice_date").dt.year().cast(pl.String)).agg(
        v=pl.col("employees_affected").sum().cast(pl.String)
    )
    return {
        "capex quarters (X SEC XBRL, T third party, P press)": _grid(cap, "q"),
        "headcount, primary row (K 10-K sentence, P press page)": _grid(head, "v"),
        "tracker layoff events (in brackets: without a count)": _grid(ev, "v"),
        "WARN workers (each site of a notice once)": _grid(wn, "v"),
    }


def coverage_markdown() -> str:
    """The coverage tables as Markdown, one per source."""
    parts = []
    for title, grid in coverage_tables().items():
        cols = grid.columns
        lines = [f"**{title}**", "", "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        lines += ["| " + " | ".join(row) + " |" for row in grid.rows()]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def update_readme() -> str:
    """Rewrite the block between the markers in ``data/raw/README.md``; return the new text."""
    path = config.DATA_RAW / "README.md"
    text = path.read_text()
    block = f"{START}\n{coverage_markdown()}\n{END}"
    new = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
    write_text_atomic(new, path)
    return new


if __name__ == "__main__":  # pragma: no cover
    update_readme()
