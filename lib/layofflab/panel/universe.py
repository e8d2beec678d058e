"""The ``warn-public`` universe: every public firm with a WARN notice, firm × quarter.

:func:`build_universe_panel` joins WARN notices (the register's, cleaned by
:func:`layofflab.sources.warn.read`) to the quarters derived from each firm's SEC company
facts (:func:`layofflab.sources.sec.read`, file by file) on the **CIK**. A firm is a CIK:
the register's ``register_cik`` where it has one, else the CIK our entity resolution gave
the row (``cik``); ``company_id`` is that CIK, ten digits (tickers change and are shared
across share classes; the CIK is the SEC's key). Every CIK with at least one WARN row is
in the panel, whether or not its company facts were fetched (:data:`FIRM_COLUMNS` lists
each firm with the state of its facts, so none is dropped silently).

**Coverage: zero or missing.**

* *WARN* (``warn_workers``, ``warn_notices``, ``warn_sites``, ``warn_covered``): the register
  covers a quarter when the whole quarter lies inside ``warn_window`` (by default the first
  to the last notice date of the WARN table given); there a firm without a notice gets 0,
  outside it null. A quarter whose every notice site has no worker count has
  ``warn_workers`` null (unknown, not zero); some unknown: the known sum, and
  ``warn_sites_unknown_count`` says how many sites it leaves out. Zero means "no notice in the states fetched" (``layofflab fetch warn
  --state`` fetches some states only). Amendments already counted are left out (``counted``).
* *SEC* (``capex_usd``, ``revenue_usd``, ``operating_income_usd``, ``total_assets_usd``):
  a value where the facts give the quarter, null where they do not (never zero); capex
  intensity is capex ÷ total assets at the end of the previous quarter, null without both
  (:func:`layofflab.panel.features.add_capex_features`).
* *Trackers, announcements, headcount*: not collected for this universe; their columns are
  null and ``tracker_covered`` / ``announcements_covered`` false, so a design that needs
  them has no sample (and says so) rather than zeros.

Examples
--------
>>> import datetime as dt, polars as pl
>>> warn = pl.DataFrame({"register_cik": ["42", "42", None, "7"], "cik": [None, None, None, None],
...     "register_ticker": ["ZZ", "ZZ", None, None], "employer": ["Zed", "Zed", "Private", "Sev"],
...     "notice_id": ["a", "b", "c", "d"], "counted": [True, True, True, True],
...     "notice_date": [dt.date(2024, 2, 1), dt.date(2024, 2, 9), dt.date(2024, 3, 1), dt.date(2024, 5, 1)],
...     "employees_affected": [10, 5, 3, 8]}, schema_overrides={"cik": pl.String})
>>> sec = pl.DataFrame({"cik": ["0000000042"] * 2, "concept": ["capex", "total_assets"],
...     "period_end": [dt.date(2024, 3, 31)] * 2, "value": [2.0, 100.0]})
>>> files = pl.DataFrame({"cik": ["0000000042"], "facts_file": ["CIK0000000042.json"], "facts_error": [None]},
...     schema_overrides={"facts_error": pl.String})
>>> p, firms = build_universe_panel(warn=warn, sec=sec, files=files, start="2024-01-01",
...     end="2024-06-30", warn_window=(dt.date(2024, 1, 1), dt.date(2024, 6, 30)))
>>> p.data.select("company_id", "quarter", "warn_workers", "warn_notices", "capex_usd").rows()
[('0000000007', 1, 0, 0, None), ('0000000007', 2, 8, 1, None), ('0000000042', 1, 15, 2, 2.0), ('0000000042', 2, 0, 0, None)]
>>> firms.select("company_id", "ticker", "facts_status").rows()
[('0000000007', None, 'no company-facts file'), ('0000000042', 'ZZ', 'facts derived')]
>>> p.funnel.filter(pl.col("rows") > 0).rows()  # doctest: +NORMALIZE_WHITESPACE
[('warn', 'in panel', 3), ('warn', 'no CIK (not a public filer)', 1), ('sec', 'in panel', 2),
 ('sec files', 'facts derived', 1), ('firms', 'no company-facts file', 1)]
"""

from __future__ import annotations

import datetime as dt
from typing import cast

import polars as pl

from layofflab.checks import check_columns, check_date, check_scalar
from layofflab.panel.features import add_capex_features, add_firm_ratios
from layofflab.panel.firm_panel import FINANCIAL_CONCEPTS, _financials, _grid, sec_quarter
from layofflab.panel.panel import Panel, assign_rows

__all__ = ["FIRM_COLUMNS", "NULL_SOURCES", "build_universe_panel", "firm_cik"]

#: Columns of the universe's firm table (one row per CIK with a WARN row).
FIRM_COLUMNS: tuple[str, ...] = (
    "company_id",
    "ticker",
    "employer",
    "warn_rows",
    "first_notice",
    "last_notice",
    "facts_file",
    "facts_status",
    "capex_quarters",
)
#: Sources the universe does not collect: their panel columns are null, never zero.
NULL_SOURCES: dict[str, tuple[str, ...]] = {
    "tracker": ("laid_off", "layoff_events", "layoff_events_unknown_count"),
    "announcements": ("announcements",),
    "headcount": ("headcount",),
}
_STATUS_ORDER = (
    "facts derived",
    "facts without capex or assets",
    "file refused",
    "no company-facts file",
)


def firm_cik(warn: pl.DataFrame) -> pl.Expr:
    """The firm of a WARN row: ``register_cik`` (zero-padded to 10 digits), else ``cik``.

    Examples
    --------
    >>> df = pl.DataFrame({"register_cik": ["1018724", None], "cik": [None, "0000789019"]})
    >>> df.select(firm_cik(df)).to_series().to_list()
    ['0001018724', '0000789019']
    """
    parts = [
        pl.col(c).cast(pl.String).str.zfill(10)
        for c in ("register_cik", "cik")
        if c in warn.columns
    ]
    return pl.coalesce(parts).alias("company_id") if parts else pl.lit(None, dtype=pl.String)


def _firms(
    warn: pl.DataFrame, files: pl.DataFrame, fin: pl.DataFrame, ids: list[str]
) -> pl.DataFrame:
    ticker = pl.col("register_ticker") if "register_ticker" in warn.columns else pl.lit(None)
    per = (
        warn.filter(pl.col("company_id").is_not_null())
        .with_columns(_ticker=ticker.cast(pl.String))
        .group_by("company_id")
        .agg(
            ticker=pl.col("_ticker").drop_nulls().mode().sort().first(),
            employer=pl.col("employer").drop_nulls().mode().sort().first(),
            warn_rows=pl.len().cast(pl.Int64),
            first_notice=pl.col("notice_date").min(),
            last_notice=pl.col("notice_date").max(),
        )
    )
    quarters = fin.group_by("company_id").agg(
        capex_quarters=pl.col("capex_usd").is_not_null().sum().cast(pl.Int64),
        assets_quarters=pl.col("total_assets_usd").is_not_null().sum().cast(pl.Int64),
    )
    got = files.select(company_id="cik", facts_file="facts_file", facts_error="facts_error").unique(
        "company_id", keep="first", maintain_order=True
    )
    out = (
        pl.DataFrame({"company_id": ids})
        .join(per, on="company_id", how="left")
        .join(got, on="company_id", how="left")
        .join(quarters, on="company_id", how="left")
        .with_columns(pl.col("capex_quarters", "assets_quarters").fill_null(0))
    )
    status = (
        pl.when(pl.col("facts_file").is_null())
        .then(pl.lit("no company-facts file"))
        .when(pl.col("facts_error").is_not_null())
        .then(pl.lit("file refused"))
        .when((pl.col("capex_quarters") + pl.col("assets_quarters")) == 0)
        .then(pl.lit("facts without capex or assets"))
        .otherwise(pl.lit("facts derived"))
    )
    return (
        out.with_columns(facts_status=status)
        .select(*FIRM_COLUMNS, "facts_error")
        .sort("company_id")
    )


def build_universe_panel(
    *,
    warn: pl.DataFrame,
    sec: pl.DataFrame,
    files: pl.DataFrame,
    start: str | dt.date = "2019-01-01",
    end: str | dt.date | None = None,
    warn_window: tuple[dt.date, dt.date] | None = None,
    spike_k: float = 1.5,
) -> tuple[Panel, pl.DataFrame]:
    """Build the firm × quarter panel of every CIK with a WARN notice (see the module doc).

    Parameters
    ----------
    warn : polars.DataFrame
        WARN rows: ``employer, notice_id, notice_date, employees_affected``, a CIK column
        (``register_cik`` and/or ``cik``), optional ``counted`` and ``register_ticker``.
    sec : polars.DataFrame
        Derived SEC quarters (``cik, concept, period_end, value``, optional ``source_kind``).
    files : polars.DataFrame
        The company-facts files found: ``cik`` (10 digits), ``facts_file`` and ``facts_error``
        (null, or why the reader refused the file).
    start, end : str or date
        The window; ``end`` defaults to the last notice date of ``warn``.
    warn_window : (date, date), optional
        When the WARN source covers every firm; default: the first and last notice date of ``warn``.
    spike_k : float
        Multiple of the trailing four-quarter mean that counts as a capex spike.

    Returns
    -------
    (Panel, polars.DataFrame)
        The panel (``company_id`` = CIK; its ``funnel`` accounts for every WARN row and SEC
        quarter, and for every facts file) and the firm table (:data:`FIRM_COLUMNS` and
        ``facts_error``).
    """
    check_columns(warn, ["employer", "notice_id", "notice_date", "employees_affected"], name="warn")
    check_columns(sec, ["cik", "concept", "period_end", "value"], name="sec")
    check_columns(files, ["cik", "facts_file", "facts_error"], name="files")
    check_scalar(spike_k, "spike_k", float, min_val=1)
    lo = check_date(start, "start")
    warn = warn.with_columns(firm_cik(warn))
    dated = warn["notice_date"].drop_nulls()
    if warn_window is None and dated.len():
        warn_window = (cast(dt.date, dated.min()), cast(dt.date, dated.max()))
    hi = check_date(end, "end") if end is not None else (warn_window[1] if warn_window else lo)
    ids = sorted(warn["company_id"].drop_nulls().unique().to_list())
    grid = _grid(ids, lo, hi, "quarter")
    funnel: list[tuple[str, str, int]] = []

    notices = warn.filter(pl.col("counted")) if "counted" in warn.columns else warn
    if notices.height < warn.height:
        funnel.append(("warn", "amendment already counted", warn.height - notices.height))
    kept, f = assign_rows(
        notices, name="warn", date="notice_date", every="1q", ids=ids, lo=lo, hi=hi
    )
    funnel += [
        (i, "no CIK (not a public filer)" if o == "no company_id" else o, n) for i, o, n in f
    ]
    known = pl.col("employees_affected").is_not_null()
    agg = kept.group_by("company_id", "period").agg(
        # every site of unknown size: unknown (null), not zero; some: the known sum, flagged
        warn_workers=pl.when(known.any()).then(pl.col("employees_affected").sum()).cast(pl.Int64),
        warn_notices=pl.col("notice_id").n_unique().cast(pl.Int64),
        warn_sites=pl.len().cast(pl.Int64),
        warn_sites_unknown_count=pl.col("employees_affected").is_null().sum().cast(pl.Int64),
    )
    covered = (
        (pl.col("period") >= warn_window[0]) & (pl.col("period_end") <= warn_window[1])
        if warn_window
        else pl.lit(False)
    )
    counts = ["warn_workers", "warn_notices", "warn_sites", "warn_sites_unknown_count"]
    panel = grid.join(agg, on=["company_id", "period"], how="left").with_columns(
        warn_covered=covered
    )
    silent = pl.col("warn_sites").is_null()  # covered and no notice: zero
    panel = panel.with_columns(
        pl.when(~pl.col("warn_covered"))
        .then(None)
        .when(silent)
        .then(0)
        .otherwise(pl.col(c))
        .alias(c)
        for c in counts
    )

    quarters = sec.filter(pl.col("concept").is_in(list(FINANCIAL_CONCEPTS))).with_columns(
        company_id=pl.col("cik"), date=sec_quarter(sec.columns)
    )
    funnel.append(("sec", "concept not in the panel", sec.height - quarters.height))
    # one row per firm × concept × calendar quarter, chosen by a total order (the latest
    # period end, then the latest filing), so that the pick never depends on row order
    order = [
        c for c in ("period_end", "filed", "source_file", "source_row") if c in quarters.columns
    ]
    n = quarters.height
    quarters = quarters.sort(order, descending=True, nulls_last=True, maintain_order=True).unique(
        ["company_id", "concept", "date"],
        keep="first",
        maintain_order=True,
    )
    funnel.append(("sec", "a later quarter ends in the same calendar quarter", n - quarters.height))
    _, f = assign_rows(quarters, name="sec", date="date", every="1q", ids=ids, lo=lo, hi=hi)
    funnel += f
    fin = _financials(quarters, "quarter")
    fixed = ["company_id", "period", *FINANCIAL_CONCEPTS.values(), "capex_source_kind"]
    panel = panel.join(fin.select(fixed), on=["company_id", "period"], how="left")
    panel = add_firm_ratios(add_capex_features(panel, k=spike_k))
    panel = panel.with_columns(
        *(pl.lit(None, dtype=pl.Int64).alias(c) for cols in NULL_SOURCES.values() for c in cols),
        tracker_covered=pl.lit(False),
        announcements_covered=pl.lit(False),
    )
    firms = _firms(warn, files, panel, ids)
    in_universe = files["cik"].is_in(ids)
    funnel.append(("sec files", "CIK without a WARN notice (not read)", int((~in_universe).sum())))
    status = dict(firms.group_by("facts_status").len().iter_rows())
    funnel += [
        ("sec files", s, int(status.get(s, 0)))
        for s in _STATUS_ORDER
        if s != "no company-facts file"
    ]
    funnel.append(("firms", "no company-facts file", int(status.get("no company-facts file", 0))))
    funnel_df = pl.DataFrame(
        funnel, schema={"input": pl.String, "outcome": pl.String, "rows": pl.Int64}, orient="row"
    )
    return Panel(data=panel.sort("company_id", "period"), funnel=funnel_df, freq="quarter"), firms
