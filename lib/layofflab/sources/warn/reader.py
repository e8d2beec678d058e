"""Reader for WARN notices: the consolidated register and raw state-portal layouts.

Every layout is a small declarative entry in ``resources/warn_states.toml`` (column map,
extra date formats, which cells hold prose or links, count limits), loaded and
checked by :mod:`.layouts`; the per-field rules are in :mod:`.fields`. Adding a state means
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
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from layofflab import cleaning
from layofflab.cleaning import parse_count
from layofflab.errors import InvalidArgumentError
from layofflab.io import read_csv_rows
from layofflab.schemas import WARN, validate_cleaned
from layofflab.sources._base import Cleaned, make_rejects
from layofflab.sources.entities import attach_company_ids
from layofflab.sources.firm_match import apply_declared_ids
from layofflab.sources.warn.dedup import resolve_versions, site_key, with_keys
from layofflab.sources.warn.fields import count_by_date, field_stages, field_text
from layofflab.sources.warn.layouts import (
    DATES,
    FIELDS,
    JOIN,
    SOURCE,
    Format,
    Layout,
    detect_layout,
    layouts,
    rules,
)

__all__ = ["COLUMNS", "Format", "Layout", "detect_layout", "layouts", "read"]

#: Output columns, in order.
COLUMNS: tuple[str, ...] = tuple(WARN.columns)
#: Below this many rows a rule runs on every row; above, once per distinct raw value.
_PER_VALUE_MIN = 20_000


def _evaluate(df: pl.DataFrame, stages: cleaning.Stages) -> pl.DataFrame:
    return cleaning.evaluate_stages(df, stages)


def _per_value(df: pl.DataFrame, columns: Sequence[str], stages: cleaning.Stages) -> pl.DataFrame:
    """:func:`layofflab.cleaning.per_value` above :data:`_PER_VALUE_MIN` rows."""
    return cleaning.per_value(df, columns, stages, min_rows=_PER_VALUE_MIN)


def _parse(
    raw: pl.DataFrame, lay: Layout, state: str | None, today: dt.date | None
) -> pl.DataFrame:
    """Typed fields, comparison keys, markers and ``_reason`` (null for a clean row).

    Each field is cleaned once per distinct raw value (:func:`_per_value`), in stages of
    materialized columns: nesting the date rules inside each other would multiply the
    expression tree (and polars' optimizer time).
    """
    parts: dict[str, pl.DataFrame] = {}
    present: dict[str, tuple[list[str], cleaning.Stages]] = {}
    for target in sorted(FIELDS):
        cols, text = field_text(lay, target, raw.columns)
        stages = field_stages(lay, target, text, state=state, today=today, has_cols=bool(cols))
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
        [*(parts[t] for t in sorted(FIELDS)), raw.select("source_row")], how="horizontal"
    )
    if "employer" in lay.split_lines:
        dst = lay.split_lines["employer"]
        df = df.with_columns(
            pl.concat_str(["_rest", dst], separator=JOIN.get(dst, " "), ignore_nulls=True)
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
    df = df.with_columns(
        **{f"_f_{flag}": pl.col(src).is_null() for src, flag in lay.blank_flags.items()}
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
    order = [lay.primary_date, *(d for d in DATES if d != lay.primary_date)]
    bad = {d: pl.col(f"_p_{d}").str.starts_with("implausible").fill_null(False) for d in DATES}
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
    no_date = pl.all_horizontal(pl.col(d).is_null() for d in DATES)
    limit = lay.max_count or rules()["counts"]["max_count"]
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
        notes=pl.when(pl.any_horizontal(pl.col(f"_p_{d}").is_not_null() for d in DATES))
        .then(notes.replace("", None))
        .otherwise("notes"),
        flags=flags.replace("", None) if flag_cols else pl.lit(None, dtype=pl.String),
        _reason=reason,
    ).drop(
        *amend,
        *rescind,
        *flag_cols,
        *(f"_date_text_{d}" for d in DATES),
        *(f"_p_{d}" for d in DATES),
        "_p_count",
    )


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
    rows = read_csv_rows(path)
    raw = rows.frame
    lay, st = detect_layout(path, raw, format=format, state=state)
    raw = raw.with_columns(
        source_file=pl.lit(name), source_row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    )
    parsed = _parse(count_by_date(raw, lay), lay, st, today)
    parsed = parsed.with_columns(_reason=pl.coalesce(pl.lit(rows.problems), "_reason"))
    bad = parsed.filter(pl.col("_reason").is_not_null()).select("source_row", "_reason")
    rejects = _rejects(raw, bad)
    clean = (
        parsed.filter(pl.col("_reason").is_null())
        .drop("_reason")
        .with_columns(layout=pl.lit(lay.name), source_file=pl.lit(name))
    )
    return _Part(name=name, raw=raw, clean=clean, rejects=rejects)


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
    kept = apply_declared_ids(kept, column="declared_company_id", source=SOURCE)
    data = kept.select(COLUMNS).sort("source_file", "source_row", maintain_order=True)
    rejects = rejects.sort("source_file", "source_row")
    rows_in: dict[str, int] = {}
    for p in parts:
        rows_in[p.name] = rows_in.get(p.name, 0) + p.raw.height
    result = Cleaned(source=SOURCE, data=data, rejects=rejects, rows_in=rows_in)
    if validate:
        validate_cleaned(result, WARN, table="warn")
    return result
