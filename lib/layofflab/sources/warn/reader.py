"""Reader for WARN notices: the consolidated register and raw state-portal layouts.

Every layout is a small declarative entry in ``resources/warn_states.toml`` (column map,
extra date formats, which cells hold ranges or prose, corrections); adding a state means
adding an entry, not code. Each raw row ends up in ``data`` or in ``rejects`` with a reason;
re-postings, amendments and rescissions are handled by :mod:`.dedup` so that
:func:`~layofflab.sources.warn.dedup.count_once` counts every notice (and every site of it)
once. Distinct sites of one notice stay distinct rows sharing a ``notice_id``.

Output columns: :data:`COLUMNS`, derived from the declared schema
:data:`layofflab.schemas.WARN` (its ``layoff_type`` values are :data:`layofflab.schemas.LAYOFF_TYPES`).

Examples
--------
>>> from layofflab import cleaning, config
>>> c = read(config.FIXTURES / "warn" / "ny_dol_annual.csv", today=dt.date(2026, 11, 28))
>>> c.data.filter(pl.col("employer") == "Zenith Widgets").select(
...     "site_address", "employees_affected", "notice_id").rows()[:2]
[('10 Hudson Yards New York, NY, 10001', 40, 'NY:2025-10-28:zenith widgets'),
 ('5 Penn Plaza New York, NY, 10001', 12, 'NY:2025-10-28:zenith widgets')]
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

from layofflab import cleaning, config
from layofflab.cleaning import (
    count_is_approximate,
    count_problem,
    first_date_text,
    first_number_text,
    normalize_text,
    null_markers,
    parse_count,
    parse_date,
    parsed_date_problem,
    site_list_total,
)
from layofflab.errors import InputFileError, InvalidArgumentError, LookupMissError
from layofflab.io import read_csv_text
from layofflab.lookups import load_toml
from layofflab.schemas import WARN, validate_cleaned
from layofflab.sources._base import Cleaned, make_rejects
from layofflab.sources.entities import attach_company_ids
from layofflab.sources.warn.dedup import employer_key, resolve_versions, site_key, with_keys

__all__ = ["COLUMNS", "Format", "Layout", "detect_layout", "layouts", "read"]

SOURCE = "warn"
TABLE = "warn_states.toml"
Format = Literal["auto", "register", "state_raw"]

#: Output columns, in order.
COLUMNS: tuple[str, ...] = tuple(WARN.columns)
_DATES = ("notice_date", "effective_date", "received_date", "posted_date")
#: Text fields fed by several raw columns are joined with these separators.
_JOIN = {"location": ", ", "site_address": "; ", "county": ", ", "layoff_type": " ", "notes": "; "}
_FIELDS = frozenset(
    {
        "state",
        "employer",
        *_DATES,
        "employees_affected",
        *_JOIN,
        "naics",
        "industry",
        "source_notice_id",
        "amendment_flag",
        "register_cik",
        "register_ticker",
        "register_is_amended",
        "register_dedupe_key",
    }
)
_TRUE = r"(?i)^(1|true|yes|y)$"
_NOTICE_DATES = ("notice_date", "received_date", "posted_date")
_URL = r"^\s*https?://"
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
    max_count: int | None = None
    count_by_date: dict[str, Any] = field(default_factory=dict)
    displaced_count: dict[str, str] = field(default_factory=dict)
    url_cells: tuple[str, ...] = ()
    date_patterns: tuple[tuple[str, str], ...] = ()
    date_rewrites: tuple[tuple[str, str], ...] = ()
    amendments: Literal["replace", "add"] = "replace"
    own_act_from: dt.date | None = None

    def earliest(self, target: str) -> dt.date:
        """First plausible date of a date field (:func:`date_bounds`, or the state's own act)."""
        notice_from, layoff_from = date_bounds()
        base = notice_from if target in _NOTICE_DATES else layoff_from
        return min(base, self.own_act_from) if self.own_act_from else base

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
            max_count=spec.get("max_count"),
            count_by_date=dict(spec.get("count_by_date", {})),
            displaced_count=dict(spec.get("displaced_count", {})),
            url_cells=tuple(spec.get("url_cells", ())),
            date_patterns=tuple(tuple(f) for f in spec.get("date_patterns", [])),
            date_rewrites=tuple(tuple(f) for f in spec.get("date_rewrites", [])),
            amendments=spec.get("amendments", "replace"),
            own_act_from=spec.get("own_act_from"),
        )
        for raw, target in lay.columns.items():
            if target != "-" and target not in _FIELDS:
                raise InputFileError(
                    table,
                    f"fields among {sorted(_FIELDS)} or '-'",
                    column=f"layouts.{name}.columns.{raw}",
                    value=target,
                )
        out[name] = lay
    return out


def date_bounds() -> tuple[dt.date, dt.date]:
    """First plausible notice date and first plausible layoff (effective) date, from
    ``[rules.dates]`` (the federal WARN Act's signing and its effective date)."""
    d = load_toml(TABLE)["rules"]["dates"]
    return d["notice_dates_from"], d["layoff_dates_from"]


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
        lay
        for lay in layouts().values()
        if (format == "auto" or (format == "register") == lay.state_from_column)
        and (st is None or lay.state_from_column or st in lay.states)
    ]
    header = raw.columns
    scored = sorted(
        ((sum(h in lay.columns for h in header), -len(lay.columns), lay) for lay in cands),
        key=lambda t: t[:2],
        reverse=True,
    )
    if not scored or scored[0][0] < max(1, _MIN_KNOWN * len(header)):
        names = ", ".join(lay.name for lay in cands)
        expected = f"a WARN file with the headers of a layout declared in {TABLE} ({names})"
        if scored and scored[0][0]:
            best = scored[0][2]
            cols = ",".join(c for c in best.columns if not c.endswith("_2"))
            expected += f"; the closest, {best.name}, has {cols}"
        raise InputFileError(path, expected, value=",".join(header))
    lay = scored[0][2]
    if st is None and not lay.state_from_column:
        stem = path.stem.upper()
        st = lay.states[0] if len(lay.states) == 1 else stem if stem in lay.states else None
    for h in header:
        if h not in lay.columns:
            sample = raw.get_column(h).drop_nulls().head(1).to_list()
            raise LookupMissError(
                f"{SOURCE} {st or lay.name}",
                h,
                sample[0] if sample else None,
                table=f"{TABLE} [layouts.{lay.name}.columns]",
            )
    if lay.state_from_column:
        return lay, None
    if st is None:
        raise InvalidArgumentError(
            "state",
            None,
            expected=f"one of {lay.states} for {path.name} "
            f"(layout {lay.name!r} is shared by several states)",
        )
    return lay, st


#: Below this many rows a rule runs on every row; above, once per distinct raw value.
_PER_VALUE_MIN = 20_000


Stages = cleaning.Stages


def _evaluate(df: pl.DataFrame, stages: Stages) -> pl.DataFrame:
    return cleaning.evaluate_stages(df, stages)


def _per_value(df: pl.DataFrame, columns: Sequence[str], stages: Stages) -> pl.DataFrame:
    """:func:`layofflab.cleaning.per_value` above :data:`_PER_VALUE_MIN` rows."""
    return cleaning.per_value(df, columns, stages, min_rows=_PER_VALUE_MIN)


def _field_text(lay: Layout, target: str, present: Sequence[str]) -> tuple[list[str], pl.Expr]:
    """The raw columns feeding ``target`` and one String expression combining them."""
    cols = [c for c, t in lay.columns.items() if t == target and c in present]
    if not cols:
        return [], pl.lit(None, dtype=pl.String)
    if target in lay.split_lines:  # kept raw: the field's stages split the lines first
        if len(cols) > 1:
            raise InputFileError(
                config.RESOURCES / TABLE,
                "split_lines only for a field fed by one column",
                column=f"layouts.{lay.name}.split_lines.{target}",
                value=",".join(cols),
            )
        text = pl.col(cols[0]).cast(pl.String)
    elif len(cols) == 1:
        text = null_markers(normalize_text(cols[0]))
    elif target in _JOIN:
        joined = pl.concat_str(
            [null_markers(normalize_text(c)) for c in cols],
            separator=_JOIN[target],
            ignore_nulls=True,
        )
        text = pl.when(joined != "").then(joined)
    else:
        text = pl.coalesce([null_markers(normalize_text(c)) for c in cols])
    fixes = lay.corrections.get(target)
    text = text.replace(fixes) if fixes else text
    for pattern, replacement in lay.date_rewrites if target in _DATES else ():
        text = text.str.replace_all(pattern, replacement)
    return cols, text


def _markers(prefix: str) -> dict[str, pl.Expr]:
    """Amendment / rescission markers of a field's text; URLs are no text (MI's ``?rev=``)."""
    rules = _rules()
    text = pl.col(f"_t_{prefix}").str.replace_all(rules["marker_ignore"], " ")
    return {
        f"_amend_{prefix}": text.str.contains(rules["amendment"]).fill_null(False),
        f"_rescind_{prefix}": text.str.contains(rules["rescission"]).fill_null(False),
    }


def _field_stages(
    lay: Layout,
    target: str,
    text: pl.Expr,
    *,
    state: str | None,
    today: dt.date | None,
    has_cols: bool,
) -> list[dict[str, pl.Expr]]:
    """Stages of expressions cleaning one field; ``_t_<field>`` holds its combined raw text."""
    t = pl.col(f"_t_{target}")
    marks = _markers(target) if has_cols and target in set(_rules()["marker_fields"]) else {}
    first: dict[str, pl.Expr] = {f"_t_{target}": text}
    if target in lay.url_cells:  # a link in a date or count cell is no value: missing, flagged
        is_url = text.str.contains(_URL).fill_null(False)
        first = {f"_t_{target}": pl.when(~is_url).then(text), f"_f_url_in_{target}": is_url}
    if target == "state":
        return [first, {"state": pl.lit(state) if state else t.str.to_uppercase()}]
    if target == "employer":
        if "employer" in lay.split_lines:
            lines = t.str.split("\n")
            rest = {"_rest": null_markers(normalize_text(lines.list.slice(1).list.join(" ")))}
            name = {"employer": null_markers(normalize_text(lines.list.first()))}
        else:
            rest, name = {}, {"employer": t}
        return [first, {**name, **rest, **marks}, {"employer_key": employer_key("employer")}]
    if target in _DATES:
        return _date_stages(lay, target, first, marks, today=today)
    if target == "employees_affected":
        has_digit = t.str.contains(r"\d").fill_null(False)
        used = t
        if lay.first_count:  # never from a cell holding a date: that row is misaligned
            prose = parse_count(t).is_null() & has_digit & first_date_text(t).is_null()
            used = pl.when(prose).then(first_number_text(t)).otherwise(t)
        u, sites = pl.col("_tu_count"), pl.col("_t_sites")
        return [
            first,
            {"_tu_count": used, "_t_digit": has_digit, "_t_sites": site_list_total(t)},
            {
                "employees_affected": pl.coalesce(sites, pl.when("_t_digit").then(parse_count(u))),
                "employees_approximate": count_is_approximate(t)
                | (pl.col("_t_digit") & sites.is_null() & (u != t)).fill_null(False),
                "_p_count": pl.when(pl.col("_t_digit") & sites.is_null()).then(count_problem(u)),
                "_f_sites_summed": sites.is_not_null(),
                "_f_count_from_text": (pl.col("_t_digit") & sites.is_null() & (u != t)).fill_null(
                    False
                ),
            },
        ]
    if target == "layoff_type":
        return [first, {"layoff_type_raw": t, "layoff_type": _layoff_type(t), **marks}]
    if target == "amendment_flag":
        return [first, {"_amend_flag": t.str.contains(_TRUE).fill_null(False)}]
    if target == "register_is_amended":
        return [first, {target: t.str.contains(_TRUE)}]
    return [first, {target: t, **marks}]


def _date_stages(
    lay: Layout,
    target: str,
    first: dict[str, pl.Expr],
    marks: dict[str, pl.Expr],
    *,
    today: dt.date | None,
) -> list[dict[str, pl.Expr]]:
    """Stages of one date field: the whole cell, else its first date (``first_date``), else a
    declared ``date_patterns`` match; Excel's placeholder dates are missing (flagged); ``_p_``
    holds the problem, if any."""
    t = pl.col(f"_t_{target}")
    fmts = lay.date_formats
    whole = pl.col(f"_tw_{target}")
    steps = [first, {f"_tw_{target}": parse_date(t, formats=fmts), **marks}]
    used, parsed = t, whole
    if target in lay.first_date:  # the first date inside a longer text, when the whole is none
        part = pl.when(whole.is_null()).then(first_date_text(t))
        steps.append({f"_tf_{target}": part})
        steps.append({f"_tp_{target}": parse_date(f"_tf_{target}", formats=fmts)})
        used = pl.coalesce(f"_tf_{target}", t)
        parsed = pl.coalesce(whole, f"_tp_{target}")
        for i, (pattern, fmt) in enumerate(lay.date_patterns):
            found = t.str.extract(pattern, 1)
            steps.append({f"_tx{i}_{target}": found.str.to_date(fmt, strict=False)})
            parsed = pl.coalesce(parsed, f"_tx{i}_{target}")
    placeholders = list(_rules()["dates"]["placeholders"])
    steps.append({f"_tv_{target}": parsed, f"_td_{target}": used})
    value = pl.col(f"_tv_{target}")
    is_placeholder = value.is_in(pl.Series(placeholders, dtype=pl.Date).implode()).fill_null(False)
    steps.append(
        {
            f"_date_text_{target}": pl.col(f"_td_{target}"),
            target: pl.when(~is_placeholder).then(value),
            f"_f_placeholder_{target}": is_placeholder,
        }
    )
    problem = parsed_date_problem(
        f"_date_text_{target}", target, today=today, earliest=lay.earliest(target)
    ).str.replace("date", target)
    steps.append({f"_p_{target}": pl.when(~pl.col(f"_f_placeholder_{target}")).then(problem)})
    return steps


def _parse(
    raw: pl.DataFrame, lay: Layout, state: str | None, today: dt.date | None
) -> pl.DataFrame:
    """Typed fields, comparison keys, markers and ``_reason`` (null for a clean row).

    Each field is cleaned once per distinct raw value (:func:`_per_value`), in stages of
    materialized columns: nesting the date rules inside each other would multiply the
    expression tree (and polars' optimizer time).
    """
    parts: dict[str, pl.DataFrame] = {}
    present: dict[str, tuple[list[str], Stages]] = {}
    for target in sorted(_FIELDS):
        cols, text = _field_text(lay, target, raw.columns)
        stages = _field_stages(lay, target, text, state=state, today=today, has_cols=bool(cols))
        if cols:
            present[target] = (cols, stages)
        else:  # a field this layout lacks: evaluate once, repeat
            one = _evaluate(raw.head(1).select("source_row"), stages).drop(
                "source_row", strict=False
            )
            parts[target] = (
                one.select(pl.all().gather(pl.repeat(0, raw.height))) if raw.height else one.clear()
            )
    cleaned = cleaning.per_value_many(raw, list(present.values()), min_rows=_PER_VALUE_MIN)
    parts |= zip(present, cleaned, strict=True)
    df = pl.concat(
        [*(parts[t] for t in sorted(_FIELDS)), raw.select("source_row")], how="horizontal"
    )
    if "employer" in lay.split_lines:
        dst = lay.split_lines["employer"]
        df = df.with_columns(
            pl.concat_str(["_rest", dst], separator=_JOIN.get(dst, " "), ignore_nulls=True)
            .replace("", None)
            .alias(dst)
        ).drop("_rest")
    for src, pattern in lay.displaced_count.items():  # a count written into another field
        found = parse_count(df[src].str.extract(pattern, 1))
        moved = df["employees_affected"].is_null() & found.is_not_null()
        df = df.with_columns(
            employees_affected=pl.coalesce("employees_affected", found),
            **{f"_f_count_from_{src}": moved},
        )
    df = df.with_columns(_site=pl.coalesce("site_address", "location"))
    df = df.with_columns(
        location=pl.coalesce("location", "site_address"),
        site_key=_per_value(df, ["_site"], [{"site_key": site_key("_site")}])["site_key"],
    ).drop("_site")
    return _reasons(df, lay)


def _reasons(df: pl.DataFrame, lay: Layout) -> pl.DataFrame:
    """``_reason`` (null: clean), notes for dates kept as text, ``flags``, markers combined.

    An unreadable date is kept as text in notes and the row stays, as long as some date of the
    row can be read. An impossible date of the layout's primary date rejects the row; an
    impossible other date (an effective date typed 2121 or 3030, a layoff before the Act) is
    dropped to missing, kept in notes and flagged, and the notice stays when a date is left.
    """
    order = [lay.primary_date, *(d for d in _DATES if d != lay.primary_date)]
    bad = {d: pl.col(f"_p_{d}").str.starts_with("implausible").fill_null(False) for d in _DATES}
    dropped = [d for d in order[1:]]
    df = df.with_columns(
        **{d: pl.when(~bad[d]).then(d) for d in dropped},
        **{f"_f_{d}_implausible": bad[d] for d in dropped},
    )
    kept_text = [
        pl.when(pl.col(f"_p_{d}") == f"unparseable {d}").then(
            pl.format(f"{d} not understood: {{}}", f"_date_text_{d}")
        )
        for d in order
    ] + [
        pl.when(bad[d]).then(pl.format(f"{d} implausible: {{}}", f"_date_text_{d}"))
        for d in dropped
    ]
    no_date = pl.all_horizontal(pl.col(d).is_null() for d in _DATES)
    limit = lay.max_count or _rules()["counts"]["max_count"]
    too_many = pl.col("employees_affected") > limit
    reason = pl.coalesce(
        pl.when(pl.col("employer").is_null()).then(pl.lit("missing employer")),
        pl.when(pl.col("state").is_null() | ~pl.col("state").str.contains(r"^[A-Z]{2}$")).then(
            pl.format("invalid state {}", pl.col("state").fill_null("(missing)"))
        ),
        pl.when(bad[lay.primary_date]).then(f"_p_{lay.primary_date}"),
        pl.when(no_date).then(pl.coalesce(*(f"_p_{d}" for d in order), pl.lit("missing date"))),
        pl.col("_p_count"),
        pl.when(too_many).then(
            pl.format(
                f"implausible count {{}} (above the {lay.name} limit of {limit:,})",
                "employees_affected",
            )
        ),
    )
    amend = [c for c in df.columns if c.startswith("_amend")]
    rescind = [c for c in df.columns if c.startswith("_rescind")]
    flag_cols = sorted(c for c in df.columns if c.startswith("_f_"))
    flags = pl.concat_str(
        [pl.when(c).then(pl.lit(c.removeprefix("_f_"))) for c in flag_cols],
        separator="; ",
        ignore_nulls=True,
    )
    notes = pl.concat_str(["notes", *kept_text], separator="; ", ignore_nulls=True)
    return df.with_columns(
        is_amendment=pl.any_horizontal(amend) if amend else pl.lit(False),
        is_rescission=pl.any_horizontal(rescind) if rescind else pl.lit(False),
        notes=pl.when(pl.any_horizontal(pl.col(f"_p_{d}").is_not_null() for d in _DATES))
        .then(notes.replace("", None))
        .otherwise("notes"),
        flags=flags.replace("", None) if flag_cols else pl.lit(None, dtype=pl.String),
        _reason=reason,
    ).drop(
        *amend,
        *rescind,
        *flag_cols,
        *(f"_date_text_{d}" for d in _DATES),
        *(f"_p_{d}" for d in _DATES),
        "_p_count",
    )


def _rules() -> dict[str, Any]:
    return load_toml(TABLE)["rules"]


def _layoff_type(text: pl.Expr) -> pl.Expr:
    expr = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
    for entry in load_toml(TABLE)["layoff_types"]:
        expr = expr.when(text.str.contains(entry["pattern"])).then(pl.lit(entry["type"]))
    return expr.when(text.is_not_null()).then(pl.lit("other")).otherwise(None)


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
    parsed = _parse(_count_by_date(raw, lay), lay, st, today)
    bad = parsed.filter(pl.col("_reason").is_not_null()).select("source_row", "_reason")
    rejects = _rejects(raw, bad)
    clean = (
        parsed.filter(pl.col("_reason").is_null())
        .drop("_reason")
        .with_columns(layout=pl.lit(lay.name), source_file=pl.lit(name))
    )
    return _Part(name=name, raw=raw, clean=clean, rejects=rejects)


def _count_by_date(raw: pl.DataFrame, lay: Layout) -> pl.DataFrame:
    """A layout's ``count_by_date``: from its date on (by the primary date), the count is read
    from the declared second column (CO's ``permanent_job_losses`` from 2021). Only the copy
    that is parsed changes; the rejects keep the raw values."""
    spec = lay.count_by_date
    if not spec:
        return raw
    counts = [c for c, t in lay.columns.items() if t == "employees_affected" and c in raw.columns]
    dates = [c for c, t in lay.columns.items() if t == lay.primary_date and c in raw.columns]
    when = pl.coalesce(
        [parse_date(null_markers(normalize_text(c)), formats=lay.date_formats) for c in dates]
    )
    late = (when >= pl.lit(spec["from"])).fill_null(False)
    return raw.with_columns(
        pl.when(late).then(pl.col(spec["column"])).otherwise(pl.col(c)).alias(c) for c in counts
    )


def _rejects(raw: pl.DataFrame, bad: pl.DataFrame) -> pl.DataFrame:
    """Rejects rows (raw values as JSON) for ``bad`` = source_row + _reason, in file order."""
    bad = bad.sort("source_row")
    rows = raw.join(bad.select("source_row"), on="source_row", how="semi", maintain_order="left")
    values = [c for c in raw.columns if c not in ("source_file", "source_row")]
    return make_rejects(rows, reason=pl.lit(bad["_reason"]), values=values)


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
        Attach ``company_id``/``cik`` via :func:`layofflab.sources.entities.resolve_companies`.
    validate : bool
        Check the result against :data:`layofflab.schemas.WARN` (and rejects).

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
    paths = (
        [Path(path_or_paths)]
        if isinstance(path_or_paths, str | Path)
        else [Path(p) for p in path_or_paths]
    )
    if not paths:
        raise InvalidArgumentError("path_or_paths", path_or_paths, expected="at least one file")
    names = _source_names(paths)
    parts = [
        _read_one(p, n, format=format, state=state, today=today)
        for p, n in zip(paths, names, strict=True)
    ]
    clean = pl.concat([p.clean for p in parts], how="vertical_relaxed")
    kept, dups = resolve_versions(with_keys(clean))
    raws = {p.name: p.raw for p in parts}
    dup_rejects = [
        _rejects(raws[name], d.select("source_row", _reason="reason"))
        for (name,), d in dups.group_by("source_file", maintain_order=True)
    ]
    rejects = pl.concat([*(p.rejects for p in parts), *dup_rejects], how="vertical_relaxed")
    kept = attach_company_ids(kept, column="employer", resolve=resolve_entities)
    data = kept.select(COLUMNS).sort("source_file", "source_row", maintain_order=True)
    rejects = rejects.sort("source_file", "source_row")
    rows_in: dict[str, int] = {}
    for p in parts:
        rows_in[p.name] = rows_in.get(p.name, 0) + p.raw.height
    result = Cleaned(source=SOURCE, data=data, rejects=rejects, rows_in=rows_in)
    if validate:
        validate_cleaned(result, WARN, table="warn")
    return result
