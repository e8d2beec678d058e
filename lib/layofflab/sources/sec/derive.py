"""Internals of :mod:`layofflab.sources.sec`: fiscal calendars, fact selection, quarter derivation.

Periods are placed on the fiscal calendar by their dates, never by the filing's
``fy``/``fp``: each date is rounded to the nearest month end (52/53-week years end a few
days either side), a duration of 3, 6, 9 or 12 months ending on a fiscal quarter end
(and, beyond 3 months, starting at the fiscal-year start) is usable; anything else is
rejected with the reason ``unsupported period``.

Examples
--------
>>> d = pl.DataFrame({"end": [dt.date(2024, 9, 30), dt.date(2024, 12, 28), dt.date(2025, 2, 2)]})
>>> june = fiscal_quarter(pl.col("end"), pl.lit(6)).alias("fye_june")  # Microsoft
>>> jan = fiscal_quarter(pl.col("end"), pl.lit(1)).alias("fye_january")  # Dell, 52/53 weeks
>>> d.select(june, jan).to_dicts()[2]
{'fye_june': {'fiscal_year': 2025, 'fiscal_quarter': 3},
 'fye_january': {'fiscal_year': 2025, 'fiscal_quarter': 4}}
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import polars as pl

from layofflab.cleaning import date_problem, max_plausible_date, parse_date, parse_float
from layofflab.errors import InvalidArgumentError
from layofflab.io import read_csv_text
from layofflab.lookups import load_table
from layofflab.schemas import DERIVATIONS, SEC
from layofflab.sources._base import Cleaned, make_rejects

COLUMNS: tuple[str, ...] = tuple(SEC.columns)
TRANSCRIBED_COLUMNS: tuple[str, ...] = (
    "company_id",
    "cik",
    "concept",
    "xbrl_tag",
    "fiscal_year",
    "fiscal_period",
    "period_start",
    "period_end",
    "value_usd",
    "derived",
    "accession",
    "filed",
    "form",
    "first_filed",
)
_RAW = (
    "cik",
    "entity_name",
    "taxonomy",
    "xbrl_tag",
    "unit",
    "start",
    "end",
    "val",
    "accn",
    "fy",
    "fp",
    "form",
    "filed",
    "frame",
)
_ACCESSION = r"^\d{10}-\d{2}-\d{6}$"
_TICKER = r"^[A-Z][A-Z0-9.\-]{0,9}$"


# --- companies and fiscal calendars ------------------------------------------------------


@cache
def _companies() -> dict[str, tuple[str, int]]:
    table = load_table("sec_companies.csv")
    return {
        cik: (cid, int(m))
        for cid, cik, m in table.select("company_id", "cik", "fiscal_year_end_month").iter_rows()
    }


@cache
def _alias_ids() -> dict[str, str]:
    from layofflab.sources.entities import (  # local: avoids an import cycle
        ALIASES_PATH,
        load_aliases,
    )

    if not ALIASES_PATH.is_file():  # no alias table: ids come from sec_companies.csv only
        return {}
    aliases = load_aliases()
    return dict(aliases.drop_nulls("cik").unique("cik").select("cik", "company_id").iter_rows())


def company_of(cik: str) -> str | None:
    """Ticker for a 10-digit CIK: ``sec_companies.csv``, else the alias table, else None."""
    if cik in _companies():
        return _companies()[cik][0]
    return _alias_ids().get(cik)


def _month_index(d: pl.Expr) -> pl.Expr:
    """Months since year 0 of the month end nearest to ``d`` (day < 15 → previous month)."""
    rounded = pl.when(d.dt.day() >= 15).then(d).otherwise(d.dt.offset_by("-1mo"))
    return rounded.dt.year().cast(pl.Int64) * 12 + rounded.dt.month().cast(pl.Int64) - 1


def fiscal_quarter(end: pl.Expr, fye_month: pl.Expr) -> pl.Expr:
    """Struct (fiscal_year, fiscal_quarter) of a period ending on ``end``."""
    idx = _month_index(end)
    month = idx % 12 + 1
    return pl.struct(
        fiscal_year=(idx // 12 + (month > fye_month).cast(pl.Int64)).cast(pl.Int32),
        fiscal_quarter=((month - fye_month - 1 + 12) % 12 // 3 + 1).cast(pl.Int8),
    )


def calendar_quarter(end: pl.Expr) -> pl.Expr:
    """Struct (calendar_year, calendar_quarter) of the month end nearest to ``end``."""
    idx = _month_index(end)
    return pl.struct(
        calendar_year=(idx // 12).cast(pl.Int32),
        calendar_quarter=((idx % 12) // 3 + 1).cast(pl.Int8),
    )


def _infer_fye(facts: pl.DataFrame) -> pl.DataFrame:
    """Fiscal-year-end month per CIK: the table, else the commonest end month of 10-K FY facts."""
    known = pl.DataFrame(
        [(cik, m) for cik, (_, m) in _companies().items()],
        schema={"cik": pl.String, "fye": pl.Int64},
        orient="row",
    )
    start, end = _iso("start"), _iso("end")
    annual = facts.filter(
        (pl.col("fp") == "FY")
        & pl.col("form").str.starts_with("10-K")
        & ((end - start).dt.total_days().is_between(350, 380))
    ).select("cik", fye=(_month_index(end) % 12 + 1))
    inferred = annual.group_by("cik").agg(pl.col("fye").mode().min())
    inferred = inferred.filter(~pl.col("cik").is_in(known["cik"].implode()))
    return pl.concat([known, inferred], how="vertical_relaxed")


# --- concepts ------------------------------------------------------------------------------


def tags_for(table: pl.DataFrame, concept: str, company: str | None) -> list[str]:
    """Tags of ``concept`` for ``company`` (its own rows if any, else the ``*`` rows)."""
    rows = table.filter(pl.col("concept") == concept)
    own = rows.filter(pl.col("company_id").eq_missing(company))
    use = own if own.height else rows.filter(pl.col("company_id") == "*")
    return use.sort("priority")["xbrl_tag"].to_list()


def attach_concepts(facts: pl.DataFrame, table: pl.DataFrame) -> pl.DataFrame:
    """Add company_id, concept, priority, want_unit, period_type (null: not requested)."""
    ciks = facts.select("cik").unique()
    ciks = ciks.with_columns(
        company_id=pl.col("cik").map_elements(company_of, return_dtype=pl.String)
    )
    specific = table.filter(pl.col("company_id") != "*")
    generic = table.filter(pl.col("company_id") == "*")
    pieces = []
    for cik, company in ciks.iter_rows():
        own = specific.filter(pl.col("company_id").eq_missing(company))
        rows = pl.concat(
            [own, generic.filter(~pl.col("concept").is_in(own["concept"].implode()))],
            how="vertical_relaxed",
        )
        dup = (
            rows.group_by("taxonomy", "xbrl_tag")
            .agg(pl.col("concept").n_unique())
            .filter(pl.col("concept") > 1)
            .sort("taxonomy", "xbrl_tag")
        )
        if dup.height:
            raise InvalidArgumentError(
                "concepts",
                dup["xbrl_tag"][0],
                expected=f"each XBRL tag in one concept for {company}",
            )
        pieces.append(rows.with_columns(cik=pl.lit(cik)))
    effective = pl.concat(pieces, how="vertical_relaxed").select(
        "cik",
        "taxonomy",
        "xbrl_tag",
        "concept",
        "priority",
        want_unit="unit",
        period_type="period_type",
    )
    return facts.join(ciks, on="cik", how="left").join(
        effective, on=["cik", "taxonomy", "xbrl_tag"], how="left", maintain_order="left"
    )


# --- validation and selection ---------------------------------------------------------------


def _reason(today: dt.date | None) -> pl.Expr:
    latest = max_plausible_date(today)
    start, end, filed = pl.col("start_d"), pl.col("end_d"), pl.col("filed_d")
    is_instant = pl.col("start").is_null()
    checks: list[tuple[pl.Expr, pl.Expr]] = [
        (pl.col("concept").is_null(), pl.lit("not a requested concept")),
        *(
            (pl.col(k).is_null(), pl.lit(f"malformed fact: missing '{k}'"))
            for k in ("end", "val", "accn", "filed")
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
    expr = pl.when(checks[0][0]).then(checks[0][1])
    for cond, text in checks[1:]:
        expr = expr.when(cond).then(text)
    return expr.otherwise(None)


def _min_filed() -> dt.date:
    return dt.date(1993, 1, 1)  # EDGAR electronic filing began in 1993


def _classify(facts: pl.DataFrame, table: pl.DataFrame, today: dt.date | None) -> pl.DataFrame:
    f = attach_concepts(facts, table).join(
        _infer_fye(facts), on="cik", how="left", maintain_order="left"
    )
    f = f.with_columns(
        start_d=_iso("start"),
        end_d=_iso("end"),
        filed_d=_iso("filed"),
        value=pl.col("val").cast(pl.Float64, strict=False),
    )
    end_idx = _month_index(pl.col("end_d"))
    start_idx = _month_index(pl.col("start_d") - pl.duration(days=1))
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


def _iso(column: str) -> pl.Expr:
    """SEC dates are ISO ``YYYY-MM-DD``; anything else is null (and then a reject reason)."""
    return pl.col(column).str.to_date("%Y-%m-%d", strict=False)


def _select(valid: pl.DataFrame) -> pl.DataFrame:
    """Rank candidates per period: tag priority, then latest filed; attach the winner's ids."""
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


# --- derivation ----------------------------------------------------------------------------


def _derive_group(facts: list[dict]) -> tuple[list[dict], dict[int, str]]:
    """Quarters of one company × concept × fiscal year; reasons for facts not used as a source."""
    out: list[dict] = []
    if all(f["months"] == 0 for f in facts):
        for f in facts:
            out.append({**f, "derived": "instant at period end", "period_start": None})
        return out, {}
    q3 = {f["fiscal_quarter"]: f for f in facts if f["months"] == 3}
    ytd = {f["months"] // 3: f for f in facts if f["months"] > 3}
    ytd.update({1: q3[1]} if 1 in q3 else {})
    used: set[int] = set()
    quarter: dict[int, dict] = {}

    def cumulative(k: int) -> dict | None:
        if k in ytd:
            return {**ytd[k], "direct": True}
        if all(i in quarter for i in range(1, k + 1)):
            parts = [quarter[i] for i in range(1, k + 1)]
            return {
                "value": sum(p["value"] for p in parts),
                "end_d": parts[-1]["end_d"],
                "first_filed": max(p["first_filed"] for p in parts),
                "direct": False,
            }
        return None

    for q in range(1, 5):
        if q in q3:
            quarter[q] = {**q3[q], "derived": "reported quarter", "period_start": q3[q]["start_d"]}
        elif q >= 2 and q in ytd and (prev := cumulative(q - 1)) is not None:
            label = (
                ("FY minus 9M" if q == 4 else "YTD difference")
                if prev["direct"]
                else "YTD minus quarters"
            )
            if prev["direct"]:
                used.add(prev["source_row_key"])
            quarter[q] = {
                **ytd[q],
                "value": ytd[q]["value"] - prev["value"],
                "derived": label,
                "period_start": prev["end_d"] + dt.timedelta(days=1),
                "first_filed": max(ytd[q]["first_filed"], prev["first_filed"]),
            }
        out.extend([quarter[q]] if q in quarter else [])
    sources = {r["source_row_key"] for r in out}
    reasons = {}
    for k, f in ytd.items():
        if f["source_row_key"] in sources:
            continue
        what = f"year-to-date total ({f['months']} months)"
        if f["source_row_key"] in used:
            reasons[f["source_row_key"]] = f"{what}: input to a derived quarter"
        elif k in q3:
            reasons[f["source_row_key"]] = f"{what}: quarter reported directly"
        else:
            reasons[f["source_row_key"]] = f"{what}: no earlier cumulative value to difference"
    return out, reasons


def quarters(
    facts: pl.DataFrame, table: pl.DataFrame, *, today: dt.date | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """All facts → (data with :data:`COLUMNS`, rejects); every fact lands in exactly one."""
    f = _classify(facts, table, today).with_columns(
        source_row_key=pl.int_range(pl.len(), dtype=pl.Int64)
    )
    bad = f.filter(pl.col("reason").is_not_null())
    picked = _select(f.filter(pl.col("reason").is_null()))
    keep = [
        "source_row_key",
        "company_id",
        "cik",
        "concept",
        "xbrl_tag",
        "unit",
        "fiscal_year",
        "fiscal_quarter",
        "months",
        "start_d",
        "end_d",
        "value",
        "accn",
        "filed_d",
        "first_filed",
        "form",
        "source_file",
        "source_row",
    ]
    chosen = picked.filter(pl.col("reason").is_null()).select(keep)
    rows, reasons = [], {}
    for _, group in chosen.sort("end_d", "months").group_by(
        ["cik", "concept", "fiscal_year", pl.col("months") == 0], maintain_order=True
    ):
        got, why = _derive_group(group.to_dicts())
        rows.extend(got)
        reasons.update(why)
    schema = {c: chosen.schema[c] for c in keep} | {"derived": pl.String, "period_start": pl.Date}
    derived = pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
    cal = calendar_quarter(pl.col("end_d"))
    data = (
        derived.with_columns(cal.alias("_cal"))
        .unnest("_cal")
        .select(
            "company_id",
            "cik",
            "concept",
            "xbrl_tag",
            "unit",
            "fiscal_year",
            fiscal_period=pl.format("Q{}", "fiscal_quarter"),
            period_start="period_start",
            period_end="end_d",
            calendar_year="calendar_year",
            calendar_quarter="calendar_quarter",
            value=pl.col("value").cast(pl.Float64),
            derived="derived",
            accession="accn",
            filed="filed_d",
            first_filed="first_filed",
            form="form",
            source_file="source_file",
            source_row="source_row",
        )
        .sort("company_id", "cik", "concept", "period_end", nulls_last=True)
    )
    unused = pl.DataFrame(
        {"source_row_key": list(reasons), "reason": list(reasons.values())},
        schema={"source_row_key": pl.Int64, "reason": pl.String},
    )
    rejected = pl.concat(
        [
            bad.select("source_row_key", "reason"),
            picked.filter(pl.col("reason").is_not_null()).select("source_row_key", "reason"),
            unused.select("source_row_key", "reason"),
        ]
    )
    raw = (
        f.select("source_row_key", "source_file", "source_row", *_RAW)
        .join(rejected, on="source_row_key", how="inner")
        .sort("source_file", "source_row")
    )
    return data, make_rejects(raw.drop("source_row_key"), reason=pl.col("reason"))


# --- the transcribed quarterly table (data/raw/capex_quarterly.csv) ---------------------------


def to_transcribed(data: pl.DataFrame) -> pl.DataFrame:
    """Reader output → transcribed-table columns (whole dollars) and the ``source_url`` cited."""
    return data.select(
        "company_id",
        "cik",
        "concept",
        "xbrl_tag",
        "fiscal_year",
        "fiscal_period",
        "period_start",
        "period_end",
        value_usd=pl.col("value").round(0).cast(pl.Int64),
        derived="derived",
        accession="accession",
        filed="filed",
        form="form",
        first_filed="first_filed",
        source_url=pl.format("https://data.sec.gov/api/xbrl/companyfacts/CIK{}.json", "cik"),
    ).sort("company_id", "concept", "period_end")


def read_transcribed(path, *, today: dt.date | None) -> Cleaned:
    """Read a table in :data:`TRANSCRIBED_COLUMNS` format (extra columns are ignored)."""
    raw = read_csv_text(path, required=TRANSCRIBED_COLUMNS).with_columns(
        source_file=pl.lit(path.name), source_row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    )
    c = {name: pl.col(name).str.strip_chars() for name in TRANSCRIBED_COLUMNS}
    value = parse_float(c["value_usd"])
    checks = [
        (
            ~c["company_id"].str.contains(_TICKER).fill_null(False),
            pl.format("malformed company_id '{}'", "company_id"),
        ),
        (
            ~c["cik"].str.contains(r"^\d{1,10}$").fill_null(False),
            pl.format("malformed cik '{}'", "cik"),
        ),
        (c["concept"].is_null(), pl.lit("missing concept")),
        (
            c["fiscal_year"].cast(pl.Int32, strict=False).is_null(),
            pl.format("malformed fiscal_year '{}'", "fiscal_year"),
        ),
        (
            ~c["fiscal_period"].is_in(["Q1", "Q2", "Q3", "Q4"]).fill_null(False),
            pl.format("fiscal_period '{}' is not Q1-Q4", "fiscal_period"),
        ),
        (
            date_problem(c["period_end"], today=today, required=True).is_not_null(),
            pl.format("period_end: {}", date_problem(c["period_end"], today=today, required=True)),
        ),
        (
            date_problem(c["filed"], today=today, required=True).is_not_null(),
            pl.format("filed: {}", date_problem(c["filed"], today=today, required=True)),
        ),
        (value.is_null(), pl.format("non-numeric value_usd '{}'", "value_usd")),
        (
            ~c["derived"].is_in(list(DERIVATIONS)).fill_null(False),
            pl.format("unknown derived '{}'", "derived"),
        ),
        (
            ~c["accession"].str.contains(_ACCESSION).fill_null(False),
            pl.format("malformed accession '{}'", "accession"),
        ),
    ]
    reason = pl.when(checks[0][0]).then(checks[0][1])
    for cond, text in checks[1:]:
        reason = reason.when(cond).then(text)
    tagged = raw.with_columns(_reason=reason.otherwise(None))
    key = ["company_id", "concept", "fiscal_year", "fiscal_period"]
    tagged = tagged.with_columns(
        _first=pl.col("source_row").filter(pl.col("_reason").is_null()).min().over(key)
    )
    tagged = tagged.with_columns(
        _reason=pl.when(pl.col("_reason").is_null() & (pl.col("_first") != pl.col("source_row")))
        .then(pl.format("duplicate of source_row {}", "_first"))
        .otherwise(pl.col("_reason"))
    )
    ok = tagged.filter(pl.col("_reason").is_null())
    end = parse_date("period_end")
    data = (
        ok.with_columns(calendar_quarter(end).alias("_cal"))
        .unnest("_cal")
        .select(
            "company_id",
            cik=pl.col("cik").str.zfill(10),
            concept="concept",
            xbrl_tag="xbrl_tag",
            unit=pl.lit("USD"),
            fiscal_year=pl.col("fiscal_year").cast(pl.Int32),
            fiscal_period="fiscal_period",
            period_start=parse_date("period_start"),
            period_end=end,
            calendar_year="calendar_year",
            calendar_quarter="calendar_quarter",
            value=parse_float("value_usd"),
            derived="derived",
            accession="accession",
            filed=parse_date("filed"),
            first_filed=parse_date("first_filed"),
            form="form",
            source_file="source_file",
            source_row="source_row",
        )
    )
    bad = tagged.filter(pl.col("_reason").is_not_null())
    rejects = make_rejects(
        bad.drop("_first").rename({"_reason": "reason"}), reason=pl.col("reason")
    )
    return Cleaned("sec", data, rejects, {path.name: raw.height})
