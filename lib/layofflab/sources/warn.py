"""Reader for WARN notices: the consolidated register and raw state-portal layouts.

Every layout is a small declarative entry in ``resources/warn_states.toml`` (column map,
extra date formats, which cells hold ranges or prose, corrections); adding a state means
adding an entry, not code. Each raw row ends up in ``data`` or in ``rejects`` with a reason;
re-postings, amendments and rescissions are handled by :mod:`.warn_dedup` so that
:func:`~layofflab.sources.warn_dedup.count_once` counts every notice (and every site of it)
once. Distinct sites of one notice stay distinct rows sharing a ``notice_id``.

Output columns (:data:`COLUMNS`): state, employer, company_id, cik, match_method,
match_score, notice_id, notice_date, effective_date, received_date, posted_date,
employees_affected (Int64), employees_approximate, location, site_address, county,
layoff_type (closure, layoff, temporary_layoff, temporary_closure, relocation,
reduced_hours, other), layoff_type_raw, is_amendment, is_rescission, amends_source_file,
amends_source_row, counted, notes, naics, industry, source_notice_id, register_cik,
register_ticker, register_is_amended, register_dedupe_key, layout, source_file, source_row.

Examples
--------
>>> from layofflab import config
>>> c = read(config.FIXTURES / "warn" / "ny_dol_annual.csv", today=dt.date(2026, 11, 28))
>>> c.data.filter(pl.col("employer") == "Zenith Widgets").select(
...     "site_address", "employees_affected", "notice_id").rows()[:2]
[('10 Hudson Yards New York, NY, 10001', 40, 'NY:2025-10-28:zenith widgets'), ('5 Penn Plaza New York, NY, 10001', 12, 'NY:2025-10-28:zenith widgets')]
>>> c.rejects.select("source_row", "reason").rows()[0]
(4, 'duplicate of source_row 3')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

import polars as pl

from layofflab import config
from layofflab.cleaning import (
    count_is_approximate,
    count_problem,
    date_problem,
    first_date_text,
    first_number_text,
    normalize_text,
    null_markers,
    parse_count,
    parse_date,
)
from layofflab.errors import InputFileError, InvalidArgumentError, LookupMissError
from layofflab.io import read_csv_text
from layofflab.lookups import load_toml
from layofflab.sources._base import Cleaned, make_rejects
from layofflab.sources.warn_dedup import resolve_versions, with_keys

__all__ = ["COLUMNS", "Format", "Layout", "detect_layout", "layouts", "read"]

SOURCE = "warn"
TABLE = "warn_states.toml"
Format = Literal["auto", "register", "state_raw"]

#: Output columns, in order.
COLUMNS: tuple[str, ...] = (
    "state", "employer", "company_id", "cik", "match_method", "match_score", "notice_id",
    "notice_date", "effective_date", "received_date", "posted_date", "employees_affected",
    "employees_approximate", "location", "site_address", "county", "layoff_type",
    "layoff_type_raw", "is_amendment", "is_rescission", "amends_source_file",
    "amends_source_row", "counted", "notes", "naics", "industry", "source_notice_id",
    "register_cik", "register_ticker", "register_is_amended", "register_dedupe_key", "layout",
    "source_file", "source_row",
)
_DATES = ("notice_date", "effective_date", "received_date", "posted_date")
#: Text fields fed by several raw columns are joined with these separators.
_JOIN = {"location": ", ", "site_address": "; ", "county": ", ", "layoff_type": " ", "notes": "; "}
_FIELDS = frozenset({
    "state", "employer", *_DATES, "employees_affected", *_JOIN, "naics", "industry",
    "source_notice_id", "amendment_flag", "register_cik", "register_ticker",
    "register_is_amended", "register_dedupe_key",
})
_TRUE = r"(?i)^(1|true|yes|y)$"
#: Share of a file's headers a layout must know before its unknown headers count as misses
#: (LookupMissError) rather than as "not this layout" (InputFileError).
_MIN_KNOWN = 0.5


@dataclass(frozen=True)
class Layout:
    """One declared raw layout (an entry of ``[layouts]`` in ``warn_states.toml``)."""

    name: str
    states: tuple[str, ...]
    columns: dict[str, str]
    description: str = ""
    primary_date: str = "notice_date"
    date_formats: tuple[tuple[str, str], ...] = ()
    first_date: tuple[str, ...] = ()
    first_count: bool = False
    split_lines: dict[str, str] = field(default_factory=dict)
    corrections: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def state_from_column(self) -> bool:
        """True for the register, whose rows carry their own state."""
        return not self.states


@cache
def layouts() -> dict[str, Layout]:
    """Every declared layout by name, checked against the known output fields."""
    table = config.RESOURCES / TABLE
    out = {}
    for name, spec in load_toml(TABLE)["layouts"].items():
        states = spec.get("states", [])
        lay = Layout(
            name=name,
            states=() if states == "column" else tuple(states),
            columns=dict(spec["columns"]),
            description=spec.get("description", ""),
            primary_date=spec.get("primary_date", "notice_date"),
            date_formats=tuple(tuple(f) for f in spec.get("date_formats", [])),
            first_date=tuple(spec.get("first_date", _DATES)),
            first_count=bool(spec.get("first_count", False)),
            split_lines=dict(spec.get("split_lines", {})),
            corrections={k: dict(v) for k, v in spec.get("corrections", {}).items()},
        )
        for raw, target in lay.columns.items():
            if target != "-" and target not in _FIELDS:
                raise InputFileError(table, f"fields among {sorted(_FIELDS)} or '-'",
                                     column=f"layouts.{name}.columns.{raw}", value=target)
        out[name] = lay
    return out


def detect_layout(
    path: str | Path,
    raw: pl.DataFrame,
    *,
    format: Format = "auto",
    state: str | None = None,
) -> tuple[Layout, str | None]:
    """Pick the declared layout of a raw file from its header; return it and the state.

    The state is ``state`` if given, else the layout's only state, else the file name's stem
    when it is one of the layout's states (``wa.csv``), else ``None`` for the register.

    Raises
    ------
    InputFileError
        No declared layout (of ``format``, for ``state``) knows most of the headers.
    LookupMissError
        The best layout knows most headers but not all: names the state, column and a value.
    InvalidArgumentError
        Unknown ``format``, or a layout shared by several states and no way to tell which.
    """
    if format not in get_args(Format):
        raise InvalidArgumentError("format", format, expected=f"one of {get_args(Format)}")
    path = Path(path)
    st = state.strip().upper() if state else None
    cands = [
        lay for lay in layouts().values()
        if (format == "auto" or (format == "register") == lay.state_from_column)
        and (st is None or lay.state_from_column or st in lay.states)
    ]
    header = raw.columns
    scored = sorted(
        ((sum(h in lay.columns for h in header), -len(lay.columns), lay) for lay in cands),
        key=lambda t: t[:2], reverse=True,
    )
    if not scored or scored[0][0] < max(1, _MIN_KNOWN * len(header)):
        expected = " | ".join(
            f"{lay.name}: " + ",".join(c for c in lay.columns if not c.endswith("_2")) for lay in cands
        )
        raise InputFileError(path, f"a WARN file with the headers of a declared layout ({expected})",
                             value=",".join(header))
    lay = scored[0][2]
    if st is None and not lay.state_from_column:
        stem = path.stem.upper()
        st = lay.states[0] if len(lay.states) == 1 else stem if stem in lay.states else None
    for h in header:
        if h not in lay.columns:
            sample = raw.get_column(h).drop_nulls().head(1).to_list()
            raise LookupMissError(f"{SOURCE} {st or lay.name}", h, sample[0] if sample else None,
                                  table=f"{TABLE} [layouts.{lay.name}.columns]")
    if lay.state_from_column:
        return lay, None
    if st is None:
        raise InvalidArgumentError("state", None, expected=f"one of {lay.states} for {path.name} "
                                   f"(layout {lay.name!r} is shared by several states)")
    return lay, st


def _field_text(lay: Layout, target: str, present: Sequence[str]) -> pl.Expr | None:
    """One String expression for ``target`` from the raw columns mapped to it."""
    cols = [c for c, t in lay.columns.items() if t == target and c in present]
    if not cols:
        return None
    if target in _JOIN:
        parts = [null_markers(normalize_text(c)) for c in cols]
        joined = pl.concat_str(parts, separator=_JOIN[target], ignore_nulls=True)
        return pl.when(joined != "").then(joined)
    return pl.coalesce([null_markers(c) for c in cols])


def _fields(raw: pl.DataFrame, lay: Layout, state: str | None) -> pl.DataFrame:
    """Raw columns → our String fields (nulls for fields the layout lacks), corrections applied."""
    exprs = {}
    for target in sorted(_FIELDS):
        expr = _field_text(lay, target, raw.columns)
        exprs[target] = pl.lit(None, dtype=pl.String) if expr is None else expr
    if state is not None:
        exprs["state"] = pl.lit(state)
    out = raw.select(**exprs, source_row=pl.col("source_row"))
    for src, dst in lay.split_lines.items():
        lines = pl.col(src).str.strip_chars().str.split("\n")
        rest = lines.list.slice(1).list.join(" ")
        out = out.with_columns(
            lines.list.first().alias(src),
            pl.concat_str([pl.when(rest.str.strip_chars() != "").then(rest), pl.col(dst)],
                          separator=_JOIN.get(dst, " "), ignore_nulls=True).alias(dst),
        )
    for target, fixes in lay.corrections.items():
        out = out.with_columns(pl.col(target).replace(fixes))
    return out


def _date_text(lay: Layout, name: str) -> pl.Expr:
    text = null_markers(name)
    if name not in lay.first_date:
        return text
    whole = parse_date(text, formats=lay.date_formats)
    return pl.when(whole.is_null()).then(pl.coalesce(first_date_text(text), text)).otherwise(text)


def _parse(fields: pl.DataFrame, lay: Layout, today: dt.date | None) -> pl.DataFrame:
    """Typed values and ``_reason`` (null for a clean row).

    Built in stages of materialized columns: nesting the date expressions inside each other
    would multiply the expression tree (and polars' optimizer time) instead.
    """
    rules = _rules()
    fmts = lay.date_formats
    count_raw = null_markers("employees_affected")
    has_digit = count_raw.str.contains(r"\d").fill_null(False)
    count_text = count_raw
    if lay.first_count:  # never from a cell holding a date: that row is misaligned
        prose = parse_count(count_raw).is_null() & has_digit & first_date_text(count_raw).is_null()
        count_text = pl.when(prose).then(first_number_text(count_raw)).otherwise(count_raw)
    stage1 = fields.with_columns(
        **{f"_{d}": _date_text(lay, d) for d in _DATES},
        _count_text=count_text,
        _has_digit=has_digit,
        _employer=normalize_text("employer"),
        _amend=pl.any_horizontal(pl.col(f).str.contains(rules["amendment"]) for f in rules["marker_fields"])
        .fill_null(False) | pl.col("amendment_flag").str.contains(_TRUE).fill_null(False),
        _rescind=pl.any_horizontal(pl.col(f).str.contains(rules["rescission"]) for f in rules["marker_fields"])
        .fill_null(False),
    )
    problems = {d: date_problem(f"_{d}", today=today, formats=fmts).str.replace("date", d) for d in _DATES}
    stage2 = stage1.with_columns(
        **{f"_p_{d}": problems[d] for d in _DATES},
        **{d: parse_date(f"_{d}", formats=fmts) for d in _DATES},
    )
    order = [lay.primary_date, *(d for d in _DATES if d != lay.primary_date)]
    # An unreadable date is kept as text in notes and the row stays, as long as some date of
    # the row can be read; an impossible date rejects the row.
    kept_text = [
        pl.when(pl.col(f"_p_{d}") == f"unparseable {d}").then(pl.format(f"{d} not understood: {{}}", f"_{d}"))
        for d in order
    ]
    no_date = pl.all_horizontal(pl.col(d).is_null() for d in _DATES)
    reason = pl.coalesce(
        pl.when(null_markers("_employer").is_null()).then(pl.lit("missing employer")),
        pl.when(pl.col("state").is_null() | ~pl.col("state").str.contains(r"^[A-Z]{2}$"))
        .then(pl.format("invalid state {}", pl.col("state").fill_null("(missing)"))),
        *(pl.when(pl.col(f"_p_{d}").str.starts_with("implausible")).then(f"_p_{d}") for d in order),
        pl.when(no_date).then(pl.coalesce(*(f"_p_{d}" for d in order), pl.lit("missing date"))),
        pl.when("_has_digit").then(count_problem("_count_text")),
    )
    parsed = stage2.select(
        state=pl.col("state").str.strip_chars().str.to_uppercase(),
        employer="_employer",
        **{d: d for d in _DATES},
        employees_affected=pl.when("_has_digit").then(parse_count("_count_text")),
        employees_approximate=count_is_approximate("employees_affected")
        | (pl.col("_has_digit") & (pl.col("_count_text") != null_markers("employees_affected"))).fill_null(False),
        location=pl.coalesce("location", "site_address"),
        site_address="site_address",
        county="county",
        layoff_type_raw="layoff_type",
        is_amendment="_amend",
        is_rescission="_rescind",
        notes=pl.concat_str(["notes", *kept_text], separator="; ", ignore_nulls=True).replace("", None),
        naics=null_markers(normalize_text("naics")),
        industry=null_markers(normalize_text("industry")),
        source_notice_id=null_markers(normalize_text("source_notice_id")),
        register_cik=null_markers("register_cik"),
        register_ticker=null_markers("register_ticker"),
        register_is_amended=null_markers("register_is_amended").str.contains(_TRUE),
        register_dedupe_key=null_markers("register_dedupe_key"),
        source_row="source_row",
        _reason=reason,
    )
    return parsed.with_columns(layoff_type=_layoff_type("layoff_type_raw"))


def _rules() -> dict[str, Any]:
    return load_toml(TABLE)["rules"]


def _layoff_type(column: str) -> pl.Expr:
    expr = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
    for entry in load_toml(TABLE)["layoff_types"]:
        expr = expr.when(pl.col(column).str.contains(entry["pattern"])).then(pl.lit(entry["type"]))
    return expr.when(pl.col(column).is_not_null()).then(pl.lit("other")).otherwise(None)


@dataclass
class _Part:
    name: str
    raw: pl.DataFrame
    clean: pl.DataFrame
    rejects: pl.DataFrame


def _source_names(paths: Sequence[Path]) -> list[str]:
    """File names, with the parent folder where two files share a name (register/ny.csv)."""
    names = [p.name for p in paths]
    return [f"{p.parent.name}/{p.name}" if names.count(p.name) > 1 else p.name for p in paths]


def _read_one(
    path: Path, name: str, *, format: Format, state: str | None, today: dt.date | None
) -> _Part:
    raw = read_csv_text(path)
    lay, st = detect_layout(path, raw, format=format, state=state)
    raw = raw.with_columns(
        source_file=pl.lit(name), source_row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    )
    parsed = _parse(_fields(raw, lay, st), lay, today)
    bad = parsed.filter(pl.col("_reason").is_not_null()).select("source_row", "_reason")
    rejects = _rejects(raw, bad)
    clean = parsed.filter(pl.col("_reason").is_null()).drop("_reason").with_columns(
        layout=pl.lit(lay.name), source_file=pl.lit(name)
    )
    return _Part(name=name, raw=raw, clean=clean, rejects=rejects)


def _rejects(raw: pl.DataFrame, bad: pl.DataFrame) -> pl.DataFrame:
    """Rejects rows (raw values as JSON) for ``bad`` = source_row + _reason, in file order."""
    bad = bad.sort("source_row")
    rows = raw.join(bad.select("source_row"), on="source_row", how="semi", maintain_order="left")
    values = [c for c in raw.columns if c not in ("source_file", "source_row")]
    return make_rejects(rows, reason=pl.lit(bad["_reason"]), values=values)


def _attach_company_ids(df: pl.DataFrame) -> pl.DataFrame:
    """company_id, cik, match_method, match_score from :mod:`layofflab.entities` (by employer)."""
    try:
        from layofflab.entities import resolve_companies
    except ImportError:  # pragma: no cover - entity resolution ships separately
        return df.with_columns(
            company_id=pl.lit(None, dtype=pl.String), cik=pl.lit(None, dtype=pl.String),
            match_method=pl.lit("unmatched"), match_score=pl.lit(None, dtype=pl.Float64),
        )
    return resolve_companies(df, column="employer")


def read(
    path_or_paths: str | Path | Sequence[str | Path],
    *,
    format: Format = "auto",
    state: str | None = None,
    today: dt.date | None = None,
    resolve_entities: bool = True,
    validate: bool = True,
) -> Cleaned:
    """Read and clean WARN files (register or raw state layouts, detected from the header).

    Parameters
    ----------
    path_or_paths : path or sequence of paths
        CSV files. Several files are cleaned together: a notice re-posted in another file is
        rejected as ``"duplicate of <file> source_row N"``.
    format : {"auto", "register", "state_raw"}
        Restrict layout detection.
    state : str, optional
        Two-letter state of raw files whose layout several states share (JobLink portals);
        otherwise taken from the layout or the file name (``ks.csv``). Ignored by the register.
    today : datetime.date, optional
        Reference for "impossible future date" (default: today).
    resolve_entities : bool
        Attach ``company_id``/``cik`` via :func:`layofflab.entities.resolve_companies`.
    validate : bool
        Check the result against :data:`layofflab.sources.warn_schema.WARN` (and rejects).

    Returns
    -------
    Cleaned
        ``data`` with :data:`COLUMNS`, ``rejects`` with reasons, ``rows_in`` per file.

    Raises
    ------
    InputFileError
        Missing, empty, binary or truncated files; headers of no declared layout.
    LookupMissError
        A header the file's layout does not declare (names state, column and a value).
    InvalidArgumentError
        Bad ``format``, or a shared layout whose state cannot be told.
    """
    paths = [Path(path_or_paths)] if isinstance(path_or_paths, str | Path) else [Path(p) for p in path_or_paths]
    if not paths:
        raise InvalidArgumentError("path_or_paths", path_or_paths, expected="at least one file")
    names = _source_names(paths)
    parts = [_read_one(p, n, format=format, state=state, today=today) for p, n in zip(paths, names, strict=True)]
    clean = pl.concat([p.clean for p in parts], how="vertical_relaxed")
    kept, dups = resolve_versions(with_keys(clean))
    raws = {p.name: p.raw for p in parts}
    dup_rejects = [
        _rejects(raws[name], d.select("source_row", _reason="reason"))
        for (name,), d in dups.group_by("source_file", maintain_order=True)
    ]
    rejects = pl.concat([*(p.rejects for p in parts), *dup_rejects], how="vertical_relaxed")
    if resolve_entities:
        kept = _attach_company_ids(kept)
    else:
        kept = kept.with_columns(
            company_id=pl.lit(None, dtype=pl.String), cik=pl.lit(None, dtype=pl.String),
            match_method=pl.lit("unmatched"), match_score=pl.lit(None, dtype=pl.Float64),
        )
    data = kept.select(COLUMNS).sort("source_file", "source_row", maintain_order=True)
    rejects = rejects.sort("source_file", "source_row")
    rows_in: dict[str, int] = {}
    for p in parts:
        rows_in[p.name] = rows_in.get(p.name, 0) + p.raw.height
    result = Cleaned(source=SOURCE, data=data, rejects=rejects, rows_in=rows_in)
    if validate:
        from layofflab.sources.warn_schema import validate_warn

        validate_warn(result)
    return result
