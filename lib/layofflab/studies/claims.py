"""The article's claims, checked against the data: claim, its figure, ours, the gap and why.

The toolkit exists to check statements such as "Amazon announced about 14,000 corporate cuts
on 2025-10-28 while raising AI capex; its WARN filings in four states listed about 4,700
positions, about 40% engineers". :func:`run_claims` recomputes each figure from the processed
tables (or a full tracker export for the industry-wide totals) and says, row by row, how far
it is from the article's figure and why — never leaving a claim out: a claim the data cannot
check is listed with the reason.

Examples
--------
>>> ClaimsOptions(tracker_paths="all.csv")
Traceback (most recent call last):
...
layofflab.errors.InvalidArgumentError: tracker_paths='all.csv': expected a list or tuple of str
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from layofflab import config, tables
from layofflab.checks import check_sequence
from layofflab.errors import InvalidArgumentError
from layofflab.roles import engineering_share

__all__ = ["ARTICLE", "ClaimsOptions", "ClaimsResult", "run_claims"]

#: The article's figures, as stated (the round of 2025-10-28 and the years around it).
ARTICLE = {
    "amazon_round": 14_000,
    "warn_four_states": 4_700,
    "engineer_share": 0.40,
    "engineers": 1_900,
    "amazon_2022_23": 27_000,
    "tech_2025": 100_000,
    "microsoft_2025": 19_000,
}
#: Amazon's WARN notices of the October 2025 round: notice dates in this window.
ROUND = (dt.date(2025, 10, 1), dt.date(2025, 11, 30))
#: The round's day (Amazon's announcement and its WA/NY/CA notices).
ROUND_DAY = dt.date(2025, 10, 28)
STATES = ("WA", "NY", "NJ", "CA")
_SCHEMA = {
    "claim": pl.String,
    "article": pl.String,
    "toolkit": pl.String,
    "gap": pl.String,
    "reason": pl.String,
}


@dataclass(frozen=True)
class ClaimsOptions:
    """Run options (the claims notebook's parameters).

    Attributes
    ----------
    tracker_paths : tuple of str
        A full layoffs-tracker export (every company) for the industry-wide totals; empty:
        the tracker export ``layofflab fetch tracker`` downloaded under
        ``LAYOFFLAB_DATA=external``, else those claims are listed as not checkable from the
        shipped data (13 firms only).
    """

    tracker_paths: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "tracker_paths", check_sequence(self.tracker_paths, "tracker_paths")
        )


@dataclass(frozen=True)
class ClaimsResult:
    """The claims table and the figures behind it."""

    options: ClaimsOptions
    table: pl.DataFrame
    warn_by_state: pl.DataFrame = field(repr=False)
    capex_growth: pl.DataFrame = field(repr=False)


def _n(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f}"


def _row(claim: str, article: str, toolkit: str, gap: str, reason: str) -> dict[str, str]:
    return {"claim": claim, "article": article, "toolkit": toolkit, "gap": gap, "reason": reason}


def _gap(ours: float | None, theirs: float) -> str:
    if ours is None:
        return "—"
    return f"{ours - theirs:+,.0f} ({(ours - theirs) / theirs:+.0%})"


def _layoff_claims(layoffs: pl.DataFrame) -> list[dict[str, str]]:
    rows = []
    amzn = layoffs.filter(pl.col("company_id") == "AMZN")
    day = amzn.filter(pl.col("date") == dt.date(2025, 10, 28))
    n = int(day["laid_off"].sum()) if day.height else None  # laid_off is Int64
    corrected = day.filter(pl.col("corrected")).height if "corrected" in day.columns else 0
    rows.append(
        _row(
            "Amazon announced ~14,000 corporate cuts on 2025-10-28",
            _n(ARTICLE["amazon_round"]),
            _n(n),
            _gap(n, ARTICLE["amazon_round"]),
            "tracker event of that day"
            + (
                " (the tracker dates it 2025-10-27; corrected from the cited report)"
                if corrected
                else ""
            ),
        )
    )
    span = amzn.filter(pl.col("date").dt.year().is_in([2022, 2023]))
    n = int(span["laid_off"].sum())
    unknown = span["laid_off"].null_count()
    rows.append(
        _row(
            "Amazon cut ~27,000 jobs in 2022–23",
            _n(ARTICLE["amazon_2022_23"]),
            _n(n),
            _gap(n, ARTICLE["amazon_2022_23"]),
            f"sum of {span.height} tracker events ({unknown} without a reported count add nothing)",
        )
    )
    msft = layoffs.filter((pl.col("company_id") == "MSFT") & (pl.col("date").dt.year() == 2025))
    n = int(msft["laid_off"].sum())
    uncounted = msft.filter(pl.col("laid_off").is_null())["date"].to_list()
    rows.append(
        _row(
            "Microsoft cut ~19,000 jobs in 2025",
            _n(ARTICLE["microsoft_2025"]),
            _n(n),
            _gap(n, ARTICLE["microsoft_2025"]),
            f"{msft.height} tracker rounds; {len(uncounted)} without a count "
            f"({', '.join(map(str, uncounted))}) add nothing"
            if uncounted
            else f"{msft.height} tracker rounds, all with a count",
        )
    )
    return rows


def _warn(warn: pl.DataFrame) -> pl.DataFrame:
    """Amazon's notices in the four states: those dated on the round's day, and all of Oct–Nov."""
    lo, hi = ROUND
    notices = warn.filter(
        (pl.col("company_id") == "AMZN")
        & pl.col("counted")
        & pl.col("notice_date").is_between(lo, hi)
        & pl.col("state").is_in(list(STATES))
    )
    on_day = pl.col("notice_date") == ROUND_DAY
    by_state = notices.group_by("state").agg(
        workers_2025_10_28=pl.col("employees_affected").filter(on_day).sum(),
        sites_2025_10_28=on_day.sum(),
        workers_oct_nov=pl.col("employees_affected").sum(),
        notices_oct_nov=pl.col("notice_id").n_unique(),
        other_dates=pl.col("notice_date")
        .filter(~on_day)
        .unique()
        .sort()
        .cast(pl.String)
        .str.join(", "),
    )
    return (
        pl.DataFrame({"state": list(STATES)})
        .join(by_state, on="state", how="left", maintain_order="left")
        .with_columns(
            pl.col("workers_2025_10_28", "sites_2025_10_28", "workers_oct_nov", "notices_oct_nov")
            .fill_null(0)
            .cast(pl.Int64)
        )
    )


def _warn_claims(by_state: pl.DataFrame, titles: pl.DataFrame | None) -> list[dict[str, str]]:
    total = int(by_state["workers_2025_10_28"].sum())
    wider = int(by_state["workers_oct_nov"].sum())
    parts = ", ".join(
        f"{s} {w:,}" for s, w in by_state.select("state", "workers_2025_10_28").rows()
    )
    others = "; ".join(
        f"{s} {w:,} dated {d}"
        for s, w, d in by_state.filter(pl.col("workers_oct_nov") > pl.col("workers_2025_10_28"))
        .select("state", (pl.col("workers_oct_nov") - pl.col("workers_2025_10_28")), "other_dates")
        .rows()
    )
    rows = [
        _row(
            "Amazon's WARN filings in WA, NY, NJ and CA listed ~4,700 positions",
            _n(ARTICLE["warn_four_states"]),
            _n(total),
            _gap(total, ARTICLE["warn_four_states"]),
            f"notices dated {ROUND_DAY}, each site once: {parts}; with every Amazon notice of "
            f"October–November 2025 in the four states {wider:,} ({others}); California's "
            "export collapsed some multi-site notices, so its counts are a lower bound",
        )
    ]
    if titles is None or titles.is_empty():
        rows.append(
            _row(
                "~40% of the positions were engineers (~1,900)",
                "40% / 1,900",
                "—",
                "—",
                "no job-title list in the data",
            )
        )
        return rows
    listed = int(titles["employees_affected"].sum())
    e = engineering_share(titles).row(0, named=True)
    engineers = int(e["engineers"] + e["engineering_managers"])
    share = e["share_with_managers"]
    rows.append(
        _row(
            "~40% of the positions were engineers",
            f"{ARTICLE['engineer_share']:.0%}",
            "—" if share is None else f"{share:.1%}",
            "—" if share is None else f"{(share - ARTICLE['engineer_share']) * 100:+.1f} points",
            f"engineering titles (software, hardware and other engineering, their managers "
            f"included) over the {listed:,} positions the WA notice lists by title: "
            f"{e['share']:.1%} without the managers, {e['share_with_scientists_and_managers']:.1%} "
            "with applied and data scientists too; only Washington's notice lists titles",
        )
    )
    rows.append(
        _row(
            "~1,900 engineers",
            _n(ARTICLE["engineers"]),
            _n(engineers),
            _gap(engineers, ARTICLE["engineers"]),
            "WA titles only (NY, NJ and CA list none); the article's figure matches the WA share "
            f"applied to all ~4,700 positions ({ARTICLE['engineer_share']:.2f} × "
            f"{ARTICLE['warn_four_states']:,} = "
            f"{ARTICLE['engineer_share'] * ARTICLE['warn_four_states']:,.0f})",
        )
    )
    return rows


def _tech_totals(paths: tuple[str, ...], fetched: pl.DataFrame | None) -> list[dict[str, str]]:
    """Industry totals per year from ``paths``, else from a fetched tracker export."""
    if not paths and fetched is None:
        return [
            _row(
                "more than 100,000 tech layoffs in 2025",
                "> 100,000",
                "—",
                "—",
                "not checkable from the shipped data (13 firms); run with tracker_paths pointing "
                "at a full tracker export",
            )
        ]
    events = tables.load("layoffs", paths=paths).data if paths else fetched
    assert events is not None
    years = (
        events.group_by(pl.col("date").dt.year().alias("year"))
        .agg(
            pl.col("laid_off").sum(),
            pl.len().alias("events"),
            pl.col("laid_off").null_count().alias("no_count"),
        )
        .sort("year")
    )
    rows = []
    for year, n, count, unknown in years.filter(pl.col("year").is_between(2022, 2025)).rows():
        claim = (
            "more than 100,000 tech layoffs in 2025" if year == 2025 else f"tech layoffs in {year}"
        )
        rows.append(
            _row(
                claim,
                "> 100,000" if year == 2025 else "—",
                _n(n),
                _gap(n, ARTICLE["tech_2025"]) if year == 2025 else "—",
                f"{count:,} tracker events, {unknown:,} without a count",
            )
        )
    return rows


def _capex(capex: pl.DataFrame) -> pl.DataFrame:
    q = capex.filter(pl.col("concept") == "capex").with_columns(year=pl.col("period_end").dt.year())
    q = q.filter(pl.col("year").is_in([2024, 2025]))
    per = q.group_by("company_id", "year").agg(
        capex=pl.col("value").sum(), quarters=pl.len(), kinds=pl.col("source_kind").unique().sort()
    )
    wide = per.pivot(on="year", index="company_id", values=["capex", "quarters"])
    for c in ("capex_2024", "capex_2025", "quarters_2024", "quarters_2025"):
        if c not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(c))
    # pivot orders its columns as the groups came (hash order): fix the order
    wide = wide.select("company_id", "capex_2024", "capex_2025", "quarters_2024", "quarters_2025")
    wide = wide.with_columns(pl.col("quarters_2024", "quarters_2025").cast(pl.Int32))
    complete = (pl.col("quarters_2024") == 4) & (pl.col("quarters_2025") == 4)
    return wide.with_columns(
        growth=pl.when(complete).then(pl.col("capex_2025") / pl.col("capex_2024") - 1)
    ).sort("company_id")


def run_claims(options: ClaimsOptions = ClaimsOptions()) -> ClaimsResult:
    """Check every claim; rows in the order the article makes them."""
    layoffs = tables.load("layoffs").data
    warn = tables.load("warn").data
    try:
        titles = tables.load("job_titles").data
        titles = titles.filter(
            (pl.col("state") == "WA") & (pl.col("notice_date") == dt.date(2025, 10, 28))
        )
    except InvalidArgumentError:  # no title list shipped: the claim says so
        titles = None
    by_state = _warn(warn)
    growth = _capex(tables.load("capex").data)
    rows = _layoff_claims(layoffs)[:1] + _warn_claims(by_state, titles)
    # under LAYOFFLAB_DATA=external a fetched tracker export stands for the whole industry
    fetched = layoffs if tables.source_dir("layoffs") != config.DATA_PROCESSED else None
    rows += _layoff_claims(layoffs)[1:] + _tech_totals(options.tracker_paths, fetched)
    done = growth.filter(pl.col("growth").is_not_null())
    rows.append(
        _row(
            "the firms raised AI capex (2024 → 2025)",
            "raised",
            ", ".join(f"{c} {g:+.0%}" for c, g in done.select("company_id", "growth").rows())
            or "—",
            "—",
            f"calendar-year capex from the quarterly table where all 8 quarters are in the data "
            f"({done.height} of {growth.height} firms with any 2024–25 capex)",
        )
    )
    table = pl.DataFrame(rows, schema=_SCHEMA)
    return ClaimsResult(options, table, by_state, growth)
