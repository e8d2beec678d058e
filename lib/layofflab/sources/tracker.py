"""Reader for layoffs.fyi-style tracker exports (both generations).

Each export generation is a declarative entry in ``resources/tracker_formats.toml``
(header signature + column map); the industry taxonomy is the data table
``resources/industry_taxonomy.csv``. Every raw row ends up in ``data`` or in
``rejects`` with a reason.

Output columns: company, company_id, cik, match_method, match_score, location, country, industry, laid_off (Int64),
laid_off_approximate, pct_laid_off (Float64 in 0–1), date (Date), stage,
funds_raised_musd, source_url, date_added, date_added_before_date, export_format,
source_file, source_row.

Examples
--------
>>> from layofflab import config
>>> cleaned = read(config.FIXTURES / "tracker" / "layoffs_2023_format.csv")
>>> cleaned.data.select("company", "laid_off", "date", "country").head(2).to_dicts()
[{'company': 'Acme Robotics', 'laid_off': 500, 'date': datetime.date(2023, 3, 6), 'country': 'United States'}, {'company': 'Globex', 'laid_off': 1200, 'date': datetime.date(2023, 2, 1), 'country': 'United States'}]
>>> cleaned.rejects.select("source_row", "reason").to_dicts()[0]
{'source_row': 6, 'reason': 'duplicate of source_row 2'}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from layofflab.cleaning import (
    count_is_approximate,
    count_problem,
    date_problem,
    normalize_text,
    null_markers,
    parse_count,
    parse_date,
    parse_float,
    strip_trailing_punctuation,
)
from layofflab.errors import InputFileError
from layofflab.io import read_csv_text
from layofflab.lookups import load_toml, map_values
from layofflab.sources._base import Cleaned, make_rejects

__all__ = ["COLUMNS", "read"]

SOURCE = "tracker"
#: Output columns, in order.
COLUMNS: tuple[str, ...] = (
    "company", "company_id", "cik", "match_method", "match_score", "location", "country", "industry", "laid_off",
    "laid_off_approximate", "pct_laid_off", "date", "stage", "funds_raised_musd",
    "source_url", "date_added", "date_added_before_date", "export_format",
    "source_file", "source_row",
)
_FIELDS = (
    "company", "location", "industry", "laid_off", "pct_laid_off", "date", "stage",
    "country", "funds_raised_musd", "source_url", "date_added",
)
_NON_US_SUFFIX = r"(^|,\s*)Non-U\.S\.$"


def _detect_format(path: Path, header: Sequence[str]) -> tuple[str, dict[str, str]]:
    formats = load_toml("tracker_formats.toml")["formats"]
    for name, spec in formats.items():
        if list(header) == spec["signature"] or set(header) == set(spec["signature"]):
            return name, spec["columns"]
    expected = " | ".join(",".join(spec["signature"]) for spec in formats.values())
    raise InputFileError(
        path, f"a tracker export with one of the headers: {expected}", value=",".join(header)
    )


def _read_one(path: Path, *, today: dt.date | None) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    raw = read_csv_text(path)
    fmt, column_map = _detect_format(path, raw.columns)
    raw = raw.rename(column_map).with_columns(
        *(pl.lit(None, dtype=pl.String).alias(f) for f in _FIELDS if f not in column_map.values()),
        source_file=pl.lit(path.name),
        source_row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
    )
    reason = pl.coalesce(
        pl.when(normalize_text("company").is_null()).then(pl.lit("missing company")),
        date_problem("date", today=today, required=True),
        count_problem("laid_off"),
        pl.when(parse_float("pct_laid_off").is_not_null() & ~parse_float("pct_laid_off").is_between(0, 1))
        .then(pl.lit("pct_laid_off outside [0, 1]")),
        pl.when(null_markers("pct_laid_off").is_not_null() & parse_float("pct_laid_off").is_null())
        .then(pl.lit("unparseable pct_laid_off")),
        date_problem("date_added", today=today).str.replace("date", "date_added"),
    )
    raw = raw.with_columns(_reason=reason)
    rejected_raw = raw.filter(pl.col("_reason").is_not_null())
    bad = make_rejects(
        rejected_raw.select(*column_map.values(), "source_file", "source_row", reason="_reason"),
        reason=pl.col("reason"),
    )
    good = raw.filter(pl.col("_reason").is_null()).drop("_reason")
    location = normalize_text("location")
    clean = good.select(
        company=normalize_text("company"),
        location=null_markers(location.str.replace(_NON_US_SUFFIX, "")),
        country=null_markers(strip_trailing_punctuation(normalize_text("country"))),
        industry=null_markers(normalize_text("industry")),
        laid_off=parse_count("laid_off"),
        laid_off_approximate=count_is_approximate("laid_off"),
        pct_laid_off=parse_float("pct_laid_off"),
        date=parse_date("date"),
        stage=null_markers(normalize_text("stage")),
        funds_raised_musd=parse_float("funds_raised_musd"),
        source_url=null_markers(normalize_text("source_url")),
        date_added=parse_date("date_added"),
        export_format=pl.lit(fmt),
        source_file=pl.col("source_file"),
        source_row=pl.col("source_row"),
        _raw_json=pl.struct(*column_map.values()).struct.json_encode(),
    )
    clean = clean.with_columns(
        map_values("industry", table="industry_taxonomy.csv", key="raw_label",
                   value="industry", source=f"{SOURCE} {path.name}", frame=clean),
        date_added_before_date=pl.col("date_added") < pl.col("date"),
    )
    return clean, bad, raw.height


def _drop_duplicates(clean: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Exact duplicates, then same company + date + count: keep the first, reject the rest."""
    first = pl.col("_order").min()
    event = [pl.col("company").str.to_lowercase(), "date", "laid_off"]
    tagged = (
        clean.with_columns(_order=pl.int_range(pl.len()))
        .with_columns(_exact=first.over("_raw_json", "export_format"), _event=first.over(event))
        .with_columns(
            _ref=pl.when(pl.col("_exact") != pl.col("_order"))
            .then("_exact")
            .when(pl.col("_event") != pl.col("_order"))
            .then("_event"),
            _what=pl.when(pl.col("_exact") != pl.col("_order"))
            .then(pl.lit(""))
            .otherwise(pl.lit(" (same company, date and count)")),
        )
    )
    ref = pl.col("_ref").fill_null(pl.col("_order"))
    ref_file = pl.col("source_file").gather(ref)
    where = (
        pl.when(ref_file == pl.col("source_file"))
        .then(pl.lit(""))
        .otherwise(ref_file + pl.lit(" "))
    )
    reason = pl.format("duplicate of {}source_row {}{}", where, pl.col("source_row").gather(ref), "_what")
    tagged = tagged.with_columns(_reason=pl.when(pl.col("_ref").is_not_null()).then(reason))
    rejects = tagged.filter(pl.col("_reason").is_not_null()).select(
        "source_file", "source_row", reason="_reason", raw="_raw_json"
    )
    kept = tagged.filter(pl.col("_reason").is_null())
    return kept.drop("_order", "_exact", "_event", "_ref", "_what", "_reason", "_raw_json"), rejects


def _attach_company_ids(df: pl.DataFrame) -> pl.DataFrame:
    try:
        from layofflab.entities import resolve_companies
    except ImportError:  # entity resolution lands separately; until then ids stay unmatched
        return df.with_columns(
            company_id=pl.lit(None, dtype=pl.String),
            cik=pl.lit(None, dtype=pl.String),
            match_method=pl.lit("unmatched"),
            match_score=pl.lit(None, dtype=pl.Float64),
        )
    return resolve_companies(df, column="company")


def read(
    paths: str | Path | Sequence[str | Path],
    *,
    today: dt.date | None = None,
    resolve_entities: bool = True,
) -> Cleaned:
    """Read and clean one or more tracker exports (any generation in ``tracker_formats.toml``).

    Parameters
    ----------
    paths : path or sequence of paths
        CSV exports. Several files are cleaned together: an event present in two
        exports is kept once, the later copy rejected as a duplicate naming the first.
    today : datetime.date, optional
        Reference date for "impossible future date" (default: today).
    resolve_entities : bool
        Attach ``company_id`` via the alias table (``layofflab.entities``).

    Returns
    -------
    Cleaned
        ``data`` with :data:`COLUMNS`; ``rejects`` with reasons; ``rows_in`` per file.

    Raises
    ------
    InputFileError
        A file that is missing, empty, binary, or has an unknown header.
    LookupMissError
        An industry label without an entry in ``industry_taxonomy.csv``.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    cleans, rejects, rows_in = [], [], {}
    for path in map(Path, paths):
        clean, bad, n = _read_one(path, today=today)
        if path.name in rows_in:
            raise InputFileError(path, "file names that are unique among the inputs")
        cleans.append(clean)
        rejects.append(bad)
        rows_in[path.name] = n
    clean, dups = _drop_duplicates(pl.concat(cleans, how="vertical_relaxed"))
    if resolve_entities:
        clean = _attach_company_ids(clean)
    else:
        clean = clean.with_columns(
            company_id=pl.lit(None, dtype=pl.String), cik=pl.lit(None, dtype=pl.String),
            match_method=pl.lit("not attempted"), match_score=pl.lit(None, dtype=pl.Float64),
        )
    return Cleaned(
        source=SOURCE,
        data=clean.select(COLUMNS),
        rejects=pl.concat([*rejects, dups], how="vertical_relaxed").sort("source_file", "source_row"),
        rows_in=rows_in,
    )
