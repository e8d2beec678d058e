"""Reader for the curated AI-capex announcements table (one dated, cited event per row).

Raw headers are mapped by ``resources/announcement_columns.csv`` (``ticker`` →
``company_id``, ``date`` → ``announce_date``, …) and event types are checked against
``resources/announcement_event_types.csv`` (guidance, guidance_raise and guidance_cut are
the announcer's own capex outlook; project and partnership are not its capex — analyse
each event type on its own). The tier of each cited page comes from
``resources/source_domains.csv`` (:mod:`.source_tiers`): a URL whose domain is not there
is an error. Every raw row ends up in ``data`` or in ``rejects`` with a reason (unknown
event type, missing or non-http(s) ``source_url``, impossible date, a date outside the
file's stated collection window, negative amount, duplicate of an earlier row, …).

Output columns: company_id (ticker, upper case), cik (10 digits, from the alias table;
null for tickers not in it), announce_date (Date), event_type, is_capex_guidance,
amount_usd_bn (Float64; null = qualitative statement; one amount per row: a range such as
``60-65`` is rejected, its reason naming the midpoint to transcribe instead), horizon,
description, source_url, source_tier (primary | news | weak), verified (Boolean; missing = False), collected_from and collected_to (the window the
source searched, from the optional raw columns of those names; null = not stated: a
quarter outside the window is "not collected", not "no announcement"),
source_file, source_row.

Examples
--------
>>> from layofflab import config
>>> c = read(config.FIXTURES / "announcements" / "announcements_curated_format.csv",
...          today=dt.date(2026, 11, 28), domains=config.FIXTURES / "source_domains.csv")
>>> c.data.select("company_id", "announce_date", "event_type", "source_tier", "verified").row(0)
('META', datetime.date(2024, 4, 24), 'guidance_raise', 'news', True)
>>> c.rejects.select("source_row", "reason").row(0)
(3, "unknown event_type 'rumour' (expected one of guidance, guidance_cut, guidance_raise, partnership, project)")
>>> c.check_conservation()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from layofflab.cleaning import (
    normalize_text,
    null_markers,
    parse_date,
    parse_float,
    parsed_date_problem,
)
from layofflab.errors import InputFileError
from layofflab.io import read_csv_rows
from layofflab.lookups import load_table
from layofflab.schemas import ANNOUNCEMENTS, MAX_AMOUNT_BN
from layofflab.sources._base import Cleaned, make_rejects
from layofflab.sources.source_tiers import tier_of

__all__ = ["COLUMNS", "event_types", "read"]

SOURCE = "announcements"
COLUMNS: tuple[str, ...] = tuple(ANNOUNCEMENTS.columns)
_REQUIRED = ("company_id", "announce_date", "event_type", "source_url")
_OPTIONAL = (
    "amount_usd_bn",
    "horizon",
    "description",
    "verified",
    "collected_from",
    "collected_to",
)
_TICKER = r"^[A-Z][A-Z0-9.\-]{0,9}$"
_TRUE = ("yes", "y", "true", "t", "1")
_FALSE = ("no", "n", "false", "f", "0")


def event_types() -> pl.DataFrame:
    """The event-type table: event_type, is_capex_guidance (Boolean), description.

    Examples
    --------
    >>> event_types().columns
    ['event_type', 'is_capex_guidance', 'description']
    """
    table = load_table("announcement_event_types.csv")
    return table.with_columns(pl.col("is_capex_guidance") == "true")


def _mapped(path: Path) -> tuple[pl.DataFrame, pl.Series]:
    rows = read_csv_rows(path)
    raw = rows.frame
    mapping = dict(load_table("announcement_columns.csv").iter_rows())
    renames: dict[str, str] = {}
    for name in raw.columns:
        target = mapping.get(name.strip().lower())
        if target is None:
            continue
        if target in renames.values():
            raise InputFileError(
                path, f"one column for {target!r}", column=name, value="mapped twice"
            )
        renames[name] = target
    missing = [c for c in _REQUIRED if c not in renames.values()]
    if missing:
        synonyms = {c: sorted(k for k, v in mapping.items() if v == c) for c in missing}
        raise InputFileError(
            path, f"columns for {missing} (headers {synonyms})", value=",".join(raw.columns)
        )
    keep = [c for c in raw.columns if c not in renames]
    df = raw.select(*(pl.col(c).alias(renames[c]) for c in renames), *keep)
    return df.with_columns(
        *(pl.lit(None, dtype=pl.String).alias(c) for c in _OPTIONAL if c not in df.columns)
    ), rows.problems


#: A range of amounts (``'35-40'``, ``'$35–40'``, ``'35 to 40'``): rejected, naming its midpoint.
_RANGE = r"^(\$?\s?\d[\d,.]*)\s*(?:-|–|—|to)\s*(\$?\s?\d[\d,.]*)$"


def _range_problem(column: str) -> pl.Expr:
    """A range is not an amount: the reason names the midpoint to transcribe instead."""
    text = null_markers(column)
    low, high = (parse_float(text.str.extract(_RANGE, i)) for i in (1, 2))
    return pl.when(text.str.contains(_RANGE) & low.is_not_null() & high.is_not_null()).then(
        pl.format(
            "amount_usd_bn '{}' is a range (transcribe one amount, e.g. its midpoint {})",
            text,
            ((low + high) / 2).round(3).cast(pl.String),
        )
    )


#: Values computed once per row before the checks (dropped afterwards).
_HELPERS = ("_amount", "_range", "_day", "_date_issue", "_from", "_to")


def _helpers() -> dict[str, pl.Expr]:
    return {
        "_amount": parse_float("amount_usd_bn"),
        "_range": _range_problem("amount_usd_bn"),
        "_day": parse_date("announce_date"),
        "_from": parse_date("collected_from"),
        "_to": parse_date("collected_to"),
    }


def _problems(today: dt.date | None) -> pl.Expr:
    """The reject reason of each row (null: clean); reads the columns of :func:`_helpers`."""
    types = event_types()["event_type"].sort().to_list()
    ticker = null_markers("company_id").str.to_uppercase()
    event = _event("event_type")
    amount_raw = null_markers("amount_usd_bn")
    amount = pl.col("_amount")
    url = null_markers("source_url")
    verified = null_markers("verified").str.to_lowercase()
    date_issue = pl.col("_date_issue")
    day = pl.col("_day")
    window = {
        c: (null_markers(c), pl.col(k))
        for c, k in (("collected_from", "_from"), ("collected_to", "_to"))
    }
    start, end = window["collected_from"][1], window["collected_to"][1]
    checks = [
        (pl.col("_row_problem").is_not_null(), pl.col("_row_problem")),
        (ticker.is_null(), pl.lit("missing ticker")),
        (~ticker.str.contains(_TICKER), pl.format("malformed ticker '{}'", ticker)),
        (date_issue.is_not_null(), pl.format("announce_date: {}", date_issue)),
        (event.is_null(), pl.lit("missing event_type")),
        (
            ~event.is_in(types),
            pl.format(
                "unknown event_type '{}' (expected one of {})", event, pl.lit(", ".join(types))
            ),
        ),
        (pl.col("_range").is_not_null(), pl.col("_range")),
        (
            amount_raw.is_not_null() & amount.is_null(),
            pl.format("unparseable amount_usd_bn '{}'", amount_raw),
        ),
        *(
            (text.is_not_null() & parsed.is_null(), pl.format(f"unparseable {c} '{{}}'", text))
            for c, (text, parsed) in window.items()
        ),
        (start > end, pl.format("collected_from {} after collected_to {}", start, end)),
        (
            (day < start) | (day > end),
            pl.format(
                "announce_date {} outside the collection window {}..{}",
                day,
                start.cast(pl.String).fill_null("open"),
                end.cast(pl.String).fill_null("open"),
            ),
        ),
        (amount < 0, pl.lit("negative amount_usd_bn")),
        (amount > MAX_AMOUNT_BN, pl.lit(f"absurd amount_usd_bn (> {MAX_AMOUNT_BN:,.0f})")),
        (url.is_null(), pl.lit("missing source_url")),
        (
            ~url.str.contains(r"^https?://\S+\.\S+$"),
            pl.format("source_url is not an http(s) URL: '{}'", url),
        ),
        (
            verified.is_not_null() & ~verified.is_in([*_TRUE, *_FALSE]),
            pl.format("unrecognised verified value '{}' (expected yes/no/true/false)", verified),
        ),
    ]
    expr: Then | ChainedThen = pl.when(checks[0][0]).then(checks[0][1])
    for cond, text in checks[1:]:
        expr = expr.when(cond).then(text)
    return expr.otherwise(None)


def _event(column: str) -> pl.Expr:
    return null_markers(column).str.to_lowercase().str.replace_all(r"[\s\-]+", "_")


def _read_one(path: Path, *, today: dt.date | None) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    mapped, problems = _mapped(path)
    raw = mapped.with_columns(
        source_file=pl.lit(path.name), source_row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    )
    values = [c for c in raw.columns if c not in ("source_file", "source_row")]
    tagged = (
        raw.with_columns(_row_problem=problems, **_helpers())
        .with_columns(
            _date_issue=parsed_date_problem("announce_date", "_day", today=today, required=True)
        )
        .with_columns(
            _reason=_problems(today),
            _raw=pl.struct([pl.col(c).cast(pl.String) for c in values]).struct.json_encode(),
        )
        .drop(*_HELPERS, "_row_problem")
    )
    clean = tagged.filter(pl.col("_reason").is_null()).select(
        company_id=null_markers("company_id").str.to_uppercase(),
        announce_date=parse_date("announce_date"),
        event_type=_event("event_type"),
        amount_usd_bn=parse_float("amount_usd_bn"),
        horizon=normalize_text(null_markers("horizon")),
        description=normalize_text(null_markers("description")),
        source_url=null_markers("source_url"),
        verified=null_markers("verified").str.to_lowercase().is_in(_TRUE).fill_null(False),
        collected_from=parse_date("collected_from"),
        collected_to=parse_date("collected_to"),
        source_file="source_file",
        source_row="source_row",
        _raw="_raw",
    )
    bad = tagged.filter(pl.col("_reason").is_not_null()).drop("_raw")
    rejects = make_rejects(bad.rename({"_reason": "reason"}), reason=pl.col("reason"))
    return clean, rejects, raw.height


def _drop_duplicates(df: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Same ticker, date, type and amount as an earlier row (any file) → reject naming it."""
    key = ["company_id", "announce_date", "event_type", "amount_usd_bn"]
    marked = df.sort("source_file", "source_row").with_columns(
        _first=pl.col("source_row").first().over(key),
        _first_file=pl.col("source_file").first().over(key),
    )
    other_file = pl.col("_first_file") != pl.col("source_file")
    dup = (pl.col("_first") != pl.col("source_row")) | other_file
    where = pl.when(other_file).then(pl.format("{} ", "_first_file")).otherwise(pl.lit(""))
    rejects = marked.filter(dup).select(
        "source_file",
        "source_row",
        reason=pl.format("duplicate of {}source_row {}", where, "_first"),
        raw="_raw",
    )
    return marked.filter(~dup).drop("_first", "_first_file", "_raw"), rejects


def read(
    path: str | Path | Sequence[str | Path],
    *,
    today: dt.date | None = None,
    domains: str | Path | None = None,
) -> Cleaned:
    """Read and clean one or more announcement tables.

    Parameters
    ----------
    path : path or sequence of paths
        CSV file(s) whose headers map through ``resources/announcement_columns.csv``.
    today : datetime.date, optional
        Reference date: announcements more than a year after it are impossible.
    domains : path, optional
        The domain → tier table (default ``resources/source_domains.csv``).

    Returns
    -------
    Cleaned
        ``data`` with :data:`COLUMNS` (valid against :data:`ANNOUNCEMENTS`), ``rejects``
        with reasons, ``rows_in`` per file.

    Raises
    ------
    InputFileError
        Missing, empty or binary files; no column for a required field; two columns
        mapping to one field; two inputs with the same file name.
    LookupMissError
        A ``source_url`` whose domain is not in the domain table (naming file, column, URL).
    """
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
    cleans, rejects, rows_in = [], [], {}
    for one in paths:
        if one.name in rows_in:
            raise InputFileError(one, "file names that are unique among the inputs")
        clean, bad, n = _read_one(one, today=today)
        cleans.append(clean)
        rejects.append(bad)
        rows_in[one.name] = n
    clean, dups = _drop_duplicates(pl.concat(cleans, how="vertical"))
    for (name,), part in clean.group_by("source_file", maintain_order=True):
        tier_of("source_url", frame=part, source=f"{SOURCE} {name}", domains=domains)
    clean = clean.with_columns(tier_of("source_url", frame=clean, source=SOURCE, domains=domains))
    types = event_types().select("event_type", "is_capex_guidance")
    from layofflab.sources.entities import load_aliases

    ciks = load_aliases().drop_nulls("cik").unique("company_id").select("company_id", "cik")
    data = (
        clean.join(types, on="event_type", how="left", maintain_order="left")
        .join(ciks, on="company_id", how="left", maintain_order="left")
        .select(COLUMNS)
        .sort("announce_date", "company_id", "source_file", "source_row")
    )
    return Cleaned(
        source=SOURCE,
        data=data,
        rejects=pl.concat([*rejects, dups], how="vertical_relaxed").sort(
            "source_file", "source_row"
        ),
        rows_in=rows_in,
    )
