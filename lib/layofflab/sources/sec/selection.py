"""Which facts are usable, and which one of several stands for a period.

Every fact of a requested concept is checked (:func:`classify`): its dates, value, unit,
form (``resources/sec_forms.csv``: 10-K, 10-Q and amendments are used, 8-K values only as
recasts of a period a periodic report gives, DEF 14A and prospectuses never), the period
ends declared for its tag, filing date and period shape; anything unusable gets a reject
reason. Of the usable
facts, one per company × concept × (start, end) is chosen (:func:`select`): the
highest-priority tag, then the latest ``filed``; the others are rejected as duplicates,
restatements or alternative tags, each pointing at the fact that was kept.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import polars as pl

from layofflab.cleaning import max_plausible_date
from layofflab.sources.sec.calendar import fiscal_quarter, infer_fye, iso, month_index
from layofflab.sources.sec.concepts import attach_concepts

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

__all__ = ["classify", "select"]


def _reason(today: dt.date | None) -> pl.Expr:
    latest = max_plausible_date(today)
    start, end, filed = pl.col("start_d"), pl.col("end_d"), pl.col("filed_d")
    is_instant = pl.col("start").is_null()
    checks: list[tuple[pl.Expr, pl.Expr]] = [
        (pl.col("concept").is_null(), pl.lit("not a requested concept")),
        *(
            (pl.col(k).is_null(), pl.lit(f"malformed fact: missing '{k}'"))
            for k in ("end", "val", "accn", "filed", "form")
        ),
        (end.is_null(), pl.format("malformed fact: unparseable end date '{}'", "end")),
        (
            pl.col("start").is_not_null() & start.is_null(),
            pl.format("malformed fact: unparseable start date '{}'", "start"),
        ),
        (filed.is_null(), pl.format("malformed fact: unparseable filed date '{}'", "filed")),
        (pl.col("value").is_null(), pl.format("malformed fact: non-numeric value '{}'", "val")),
        (start > end, pl.lit("malformed fact: start after end")),
        (
            pl.col("form_role").is_null(),
            pl.format("form '{}' is not a financial report listed in sec_forms.csv", "form"),
        ),
        (
            pl.col("form_role") == "excluded",
            pl.format("form '{}' excluded: not a financial statement (sec_forms.csv)", "form"),
        ),
        (
            (pl.col("form_role") == "recast") & ~pl.col("_in_periodic"),
            pl.format(
                "form '{}': no 10-K/10-Q gives this period for {}; a current report's own "
                "figures are used only as recasts of a periodic report",
                "form",
                "xbrl_tag",
            ),
        ),
        (
            (end < pl.col("first_end")).fill_null(False)
            | (end > pl.col("last_end")).fill_null(False),
            pl.format(
                "tag {} is declared for {} of {} only for periods ending {}..{} (sec_concepts.csv)",
                "xbrl_tag",
                "concept",
                "company_id",
                pl.col("first_end").cast(pl.String).fill_null(""),
                pl.col("last_end").cast(pl.String).fill_null(""),
            ),
        ),
        (
            pl.col("unit") != pl.col("want_unit"),
            pl.format(
                "unit '{}' not used for concept {} (expected {})", "unit", "concept", "want_unit"
            ),
        ),
        (
            (filed < _min_filed()) | (filed > latest),
            pl.format("implausible filed date {}", "filed"),
        ),
        (end > latest, pl.format("implausible period end {}", "end")),
        (
            pl.col("fye").is_null(),
            pl.format("unknown fiscal-year end for CIK {} (add it to sec_companies.csv)", "cik"),
        ),
        (
            (pl.col("period_type") == "duration") & is_instant,
            pl.format("instant value for duration concept {}", "concept"),
        ),
        (
            (pl.col("period_type") == "instant") & ~is_instant,
            pl.format("duration value for instant concept {}", "concept"),
        ),
        (
            ~is_instant & ~pl.col("_ok_duration"),
            pl.format(
                "unsupported period: {} months {}..{} (fiscal year ends in month {})",
                "_months",
                "start",
                "end",
                "fye",
            ),
        ),
        (
            is_instant & ~pl.col("_aligned"),
            pl.format(
                "instant {} is not a fiscal quarter end (fiscal year ends in month {})",
                "end",
                "fye",
            ),
        ),
    ]
    expr: Then | ChainedThen = pl.when(checks[0][0]).then(checks[0][1])
    for cond, text in checks[1:]:
        expr = expr.when(cond).then(text)
    return expr.otherwise(None)


def _min_filed() -> dt.date:
    return dt.date(1993, 1, 1)  # EDGAR electronic filing began in 1993


def classify(facts: pl.DataFrame, table: pl.DataFrame, today: dt.date | None) -> pl.DataFrame:
    """Attach concepts and fiscal calendars to ``facts``; ``reason`` is null for usable facts."""
    f = attach_concepts(facts, table).join(
        infer_fye(facts), on="cik", how="left", maintain_order="left"
    )
    f = f.with_columns(
        start_d=iso("start"),
        end_d=iso("end"),
        filed_d=iso("filed"),
        value=pl.col("val").cast(pl.Float64, strict=False),
        _in_periodic=pl.col("form_role")
        .is_in(["periodic", "amendment"])
        .fill_null(False)
        .any()
        .over("cik", "taxonomy", "xbrl_tag", "unit", "start", "end"),
    )
    end_idx = month_index(pl.col("end_d"))
    start_idx = month_index(pl.col("start_d") - pl.duration(days=1))
    months = end_idx - start_idx
    aligned = ((end_idx % 12 + 1 - pl.col("fye") + 12) % 3 == 0).fill_null(False)
    ok = aligned & (
        (months == 3) | (months.is_in([6, 9, 12]) & (start_idx % 12 + 1 == pl.col("fye")))
    )
    f = f.with_columns(_months=months, _aligned=aligned, _ok_duration=ok.fill_null(False))
    return f.with_columns(
        reason=_reason(today),
        months=pl.when(pl.col("start").is_null()).then(0).otherwise(pl.col("_months")),
        fq=fiscal_quarter(pl.col("end_d"), pl.col("fye")),
    ).unnest("fq")


def _rescaled(value: pl.Expr, kept: pl.Expr) -> pl.Expr:
    """Two values of one period that differ only by rounding to millions.

    That is a scale change: NVIDIA reported in thousands until FY2015 and in millions later.
    """
    in_millions = (value % 1e6 == 0) != (kept % 1e6 == 0)
    return ((value - kept).abs() < 1e6) & in_millions


def select(valid: pl.DataFrame) -> pl.DataFrame:
    """Rank candidates per period: tag priority, then latest filed; attach the winner's ids.

    The latest filed value wins on purpose, scale changes included: it is the figure as
    the company reports the period now (restatements, reclassifications), and it is the
    one later comparatives difference against; ``first_filed`` keeps when the period was
    first reported. A value replaced only by rounding is rejected as ``rescaled``.
    """
    key = ["cik", "concept", "start", "end"]
    ranked = valid.sort(
        ["priority", "filed_d", "accn", "source_file", "source_row"],
        descending=[False, True, True, False, False],
    ).with_columns(
        _rank=pl.int_range(pl.len()).over(key),
        first_filed=pl.col("filed_d").min().over(key),
    )
    winner = ranked.filter(pl.col("_rank") == 0).select(
        *key,
        w_row="source_row",
        w_file="source_file",
        w_tag="xbrl_tag",
        w_value="value",
        w_accn="accn",
        w_filed="filed",
    )
    ranked = ranked.join(winner, on=key, how="left", nulls_equal=True)
    where = (
        pl.when(pl.col("w_file") != pl.col("source_file"))
        .then(pl.format(" in {}", "w_file"))
        .otherwise(pl.lit(""))
    )
    reason = (
        pl.when(pl.col("_rank") == 0)
        .then(None)
        .when(pl.col("w_tag") != pl.col("xbrl_tag"))
        .then(
            pl.format(
                "alternative tag: period taken from {} (source_row {}{})", "w_tag", "w_row", where
            )
        )
        .when(pl.col("w_value") == pl.col("value"))
        .then(pl.format("duplicate of source_row {}{}", "w_row", where))
        .when(_rescaled(pl.col("value"), pl.col("w_value")))
        .then(
            pl.format(
                "rescaled (the same amount rounded to another scale, thousands vs millions): "
                "superseded by source_row {}{} (accession {}, filed {})",
                "w_row",
                where,
                "w_accn",
                "w_filed",
            )
        )
        .otherwise(
            pl.format(
                "restated: superseded by source_row {}{} (accession {}, filed {})",
                "w_row",
                where,
                "w_accn",
                "w_filed",
            )
        )
    )
    ranked = ranked.with_columns(reason=reason)
    # two different periods landing on one fiscal slot (e.g. re-cut 53-week quarters)
    slot = ["cik", "concept", "months", "fiscal_year", "fiscal_quarter"]
    chosen = (
        ranked.filter(pl.col("reason").is_null())
        .sort(["filed_d", "source_row"], descending=[True, False])
        .with_columns(
            _slot=pl.int_range(pl.len()).over(slot),
            _slot_row=pl.col("source_row").first().over(slot),
        )
    )
    clash = chosen.filter(pl.col("_slot") > 0).with_columns(
        reason=pl.format(
            "overlapping period: fiscal {} Q{} already taken by source_row {}",
            "fiscal_year",
            "fiscal_quarter",
            "_slot_row",
        )
    )
    return pl.concat(
        [
            ranked.filter(pl.col("reason").is_not_null()),
            chosen.filter(pl.col("_slot") == 0).drop("_slot", "_slot_row"),
            clash.drop("_slot", "_slot_row"),
        ],
        how="diagonal_relaxed",
    )
