"""Reader for layoffs.fyi-style tracker exports (both generations).

Each export generation is a declarative entry in ``resources/tracker_formats.toml``
(header signature + column map + whether every row must cite its page); the industry
taxonomy is the data table ``resources/industry_taxonomy.csv``; the tier of each cited page
(primary, news, weak) comes from ``resources/source_domains.csv`` (:mod:`.source_tiers`).
A corrections file among the inputs (:mod:`.tracker_corrections`) is applied to the events
read with it, each corrected row flagged. Every raw row ends up in ``data`` or in
``rejects`` with a reason.

Output columns: company, company_id, cik, match_method, match_score, location, country, industry, laid_off (Int64),
laid_off_approximate, pct_laid_off (Float64 in 0–1), date (Date), stage,
funds_raised_musd, source_url, source_tier, date_added, date_added_before_date, export_format,
corrected, correction, source_file, source_row.

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
import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from layofflab.cleaning import (
    count_is_approximate,
    count_problem,
    normalize_text,
    null_markers,
    number_problem,
    parse_count,
    parse_date,
    parse_float,
    parsed_date_problem,
    per_value_many,
    strip_trailing_punctuation,
)
from layofflab.errors import InputFileError
from layofflab.io import read_csv_rows
from layofflab.lookups import load_toml, map_values
from layofflab.schemas import TRACKER
from layofflab.sources import tracker_corrections
from layofflab.sources._base import Cleaned, make_rejects
from layofflab.sources.entities import attach_company_ids
from layofflab.sources.source_tiers import tier_of

__all__ = ["COLUMNS", "read"]

SOURCE = "tracker"
#: Output columns, in order.
COLUMNS: tuple[str, ...] = tuple(TRACKER.columns)
#: Added after cleaning and de-duplication: corrections, source tiers, entity resolution.
_LATER_COLUMNS = (
    "company_id",
    "cik",
    "match_method",
    "match_score",
    "source_tier",
    "corrected",
    "correction",
)
_FORMAT_KEYS = {"description", "signature", "columns", "cited"}
_FIELDS = (
    "company",
    "location",
    "industry",
    "laid_off",
    "pct_laid_off",
    "date",
    "stage",
    "country",
    "funds_raised_musd",
    "source_url",
    "date_added",
)
_NON_US_SUFFIX = r"(^|,\s*)Non-U\.S\.$"


def _formats() -> dict[str, dict[str, Any]]:
    formats = load_toml("tracker_formats.toml")["formats"]
    for name, spec in formats.items():
        unknown = set(spec) - _FORMAT_KEYS
        if unknown or not isinstance(spec.get("cited"), bool):
            raise InputFileError(
                "tracker_formats.toml",
                f"[formats.{name}] keys among {sorted(_FORMAT_KEYS)} with cited = true or false",
                value=sorted(unknown)[0] if unknown else spec.get("cited"),
            )
    return formats


def _detect_format(path: Path, header: Sequence[str]) -> tuple[str, dict[str, Any]]:
    formats = _formats()
    for name, spec in formats.items():
        if list(header) == spec["signature"] or set(header) == set(spec["signature"]):
            return name, spec
    expected = " | ".join(",".join(spec["signature"]) for spec in formats.values())
    raise InputFileError(
        path, f"a tracker export with one of the headers: {expected}", value=",".join(header)
    )


def _nm(name: str) -> dict[str, pl.Expr]:
    """First stage of a text field: the normalized text, materialized once."""
    return {"_tn": normalize_text(name)}


def _field_stages(field: str, *, today: dt.date | None, path: Path) -> list[dict[str, pl.Expr]]:
    """Stages cleaning one raw field (see :func:`layofflab.cleaning.per_value`).

    The outputs are the clean columns and ``_p_<field>`` (a reject reason or null).
    """
    tn = pl.col("_tn")
    if field == "company":
        return [
            {"_tn": normalize_text(field)},
            {"company": tn, "_p_company": pl.when(tn.is_null()).then(pl.lit("missing company"))},
        ]
    if field == "location":
        return [_nm(field), {"location": null_markers(tn.str.replace(_NON_US_SUFFIX, ""))}]
    if field == "country":
        return [_nm(field), {"country": null_markers(strip_trailing_punctuation(tn))}]
    if field in ("stage", "source_url"):
        return [_nm(field), {field: null_markers(tn, trimmed=True)}]
    if field == "industry":
        return [_nm(field), {"_industry_text": null_markers(tn, trimmed=True)}]
    if field == "laid_off":
        return [
            {"_tv": null_markers(field)},
            {
                "laid_off": parse_count("_tv"),
                "laid_off_approximate": count_is_approximate("_tv"),
                "_p_laid_off": count_problem("_tv"),
            },
        ]
    if field == "pct_laid_off":
        value = pl.col("_tf")
        return [
            {"_tv": null_markers(field)},
            {"_tf": parse_float("_tv")},
            {
                "pct_laid_off": value,
                "_p_pct_outside": pl.when(value.is_not_null() & ~value.is_between(0, 1)).then(
                    pl.lit("pct_laid_off outside [0, 1]")
                ),
                "_p_pct_unparseable": number_problem("_tv", what="pct_laid_off"),
            },
        ]
    if field == "funds_raised_musd":
        value = pl.col(field)
        return [
            {"_tv": null_markers(field)},
            {field: parse_float("_tv"), "_tfp": number_problem("_tv", what=field)},
            {"_p_funds": pl.coalesce("_tfp", pl.when(value < 0).then(pl.lit(f"negative {field}")))},
        ]
    if field in ("date", "date_added"):
        problem = parsed_date_problem("_tv", field, today=today, required=field == "date")
        return [
            {"_tv": null_markers(field)},
            {field: parse_date("_tv")},
            {f"_p_{field}": problem if field == "date" else problem.str.replace("date", field)},
        ]
    raise AssertionError(field)  # pragma: no cover


def _read_one(
    path: Path, raw: pl.DataFrame, problems: pl.Series, *, today: dt.date | None
) -> tuple[pl.DataFrame, pl.DataFrame, int, list[str]]:
    fmt, spec = _detect_format(path, raw.columns)
    column_map = spec["columns"]
    raw = raw.rename(column_map).with_columns(
        *(pl.lit(None, dtype=pl.String).alias(f) for f in _FIELDS if f not in column_map.values()),
        source_file=pl.lit(path.name),
        source_row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
    )
    # Every field is cleaned once per distinct raw value, then aligned with the rows.
    parts = per_value_many(raw, [([f], _field_stages(f, today=today, path=path)) for f in _FIELDS])
    df = pl.concat(
        [*parts, raw.select("source_file", "source_row"), problems.alias("_p_input").to_frame()],
        how="horizontal",
    )
    reason = pl.coalesce(
        "_p_input",
        "_p_company",
        "_p_date",
        "_p_laid_off",
        "_p_pct_outside",
        "_p_pct_unparseable",
        "_p_date_added",
        "_p_funds",
        pl.when(pl.lit(spec["cited"]) & pl.col("source_url").is_null()).then(
            pl.lit("missing source_url (every row of this format cites its page)")
        ),
    )
    df = df.with_columns(_reason=reason)
    bad_mask = df["_reason"].is_not_null()
    bad = make_rejects(
        raw.filter(bad_mask)
        .select(*column_map.values(), "source_file", "source_row")
        .with_columns(reason=df["_reason"].filter(bad_mask)),
        reason=pl.col("reason"),
        values=list(column_map.values()),
    )
    good = ~bad_mask
    clean = df.filter(good)
    where = f"{SOURCE} {path.name}"
    taxonomy = functools.partial(
        map_values, table="industry_taxonomy.csv", key="raw_label", value="industry", source=where
    )
    # Checked on the clean rows' labels (a miss raises LookupMissError naming the column).
    taxonomy("industry", frame=clean.select(industry="_industry_text"))
    mapped = taxonomy("_industry_text")
    clean = clean.with_columns(
        industry=mapped,
        date_added_before_date=pl.col("date_added") < pl.col("date"),
        export_format=pl.lit(fmt),
        _cited=pl.lit(spec["cited"]),
        **raw.select(**{f"_r_{f}": f for f in _FIELDS}).filter(good).to_dict(),
    ).select(
        *(c for c in COLUMNS if c not in _LATER_COLUMNS),
        "_cited",
        *(f"_r_{f}" for f in _FIELDS),
    )
    return clean, bad, raw.height, list(column_map.values())


def _drop_duplicates(
    clean: pl.DataFrame, fields: dict[str, list[str]]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Exact duplicates, then same company + date + count: keep the first, reject the rest.

    Exact copies are grouped on a 64-bit hash of the raw values; every hit is checked field by
    field and a collision falls back to grouping on the values themselves. ``fields`` maps each
    source file to its raw fields (packed, as JSON, into the rejects' ``raw``).
    """
    raw_cols = [f"_r_{f}" for f in _FIELDS]
    first = pl.col("_order").min()
    event = [pl.col("company").str.to_lowercase(), "date", "laid_off"]
    tagged = clean.with_columns(
        _order=pl.int_range(pl.len()),
        _hash=clean.select(*raw_cols, "export_format").hash_rows(),
    ).with_columns(_exact=first.over("_hash"), _event=first.over(event))
    # Only rows whose group starts elsewhere need checking (a row equals itself).
    hit = tagged.filter(pl.col("_exact") != pl.col("_order"))
    ref = tagged.select(raw_cols)[hit["_exact"]]
    if not all(ref[c].eq_missing(hit[c]).all() for c in raw_cols):
        tagged = tagged.with_columns(_exact=first.over(*raw_cols, "export_format"))
    tagged = tagged.with_columns(
        _ref=pl.when(pl.col("_exact") != pl.col("_order"))
        .then("_exact")
        .when(pl.col("_event") != pl.col("_order"))
        .then("_event"),
        _what=pl.when(pl.col("_exact") != pl.col("_order"))
        .then(pl.lit(""))
        .otherwise(pl.lit(" (same company, date and count)")),
    )
    dup = tagged.filter(pl.col("_ref").is_not_null())
    ref_at = dup["_ref"]
    ref_file, ref_row = tagged["source_file"].gather(ref_at), tagged["source_row"].gather(ref_at)
    where = (
        pl.when(ref_file == pl.col("source_file"))
        .then(pl.lit(""))
        .otherwise(ref_file + pl.lit(" "))
    )
    reason = pl.format("duplicate of {}source_row {}{}", where, ref_row, "_what")
    dup = dup.with_columns(_reason=reason)
    rejects = [
        d.select(
            "source_file",
            "source_row",
            reason="_reason",
            raw=pl.struct(*(pl.col(f"_r_{f}").alias(f) for f in fields[name])).struct.json_encode(),
        )
        for (name,), d in dup.group_by("source_file", maintain_order=True)
    ]
    schema = {
        "source_file": pl.String,
        "source_row": pl.Int64,
        "reason": pl.String,
        "raw": pl.String,
    }
    kept = tagged.filter(pl.col("_ref").is_null())
    drop = ["_order", "_hash", "_exact", "_event", "_ref", "_what", *raw_cols]
    return kept.drop(drop), pl.concat(rejects) if rejects else pl.DataFrame(schema=schema)


def _tiers(clean: pl.DataFrame, *, domains: str | Path | None) -> pl.Expr:
    """``source_tier`` of every row; rows of a cited format must have a classified domain."""
    cited = clean.filter(pl.col("_cited"))
    for (name,), part in cited.group_by("source_file", maintain_order=True):
        tier_of("source_url", frame=part, source=f"{SOURCE} {name}", domains=domains)
    return tier_of("source_url", frame=clean, source=SOURCE, required=False, domains=domains)


def read(
    paths: str | Path | Sequence[str | Path],
    *,
    today: dt.date | None = None,
    resolve_entities: bool = True,
    domains: str | Path | None = None,
) -> Cleaned:
    """Read and clean one or more tracker exports (any generation in ``tracker_formats.toml``).

    Parameters
    ----------
    paths : path or sequence of paths
        CSV exports. Several files are cleaned together: an event present in two
        exports is kept once, the later copy rejected as a duplicate naming the first.
        A corrections file (recognised by its header, see :mod:`.tracker_corrections`)
        among them is applied to the events kept from the others.
    today : datetime.date, optional
        Reference date for "impossible future date" (default: today).
    resolve_entities : bool
        Attach ``company_id`` via the alias table (``layofflab.sources.entities``).
    domains : path, optional
        The domain → tier table (default ``resources/source_domains.csv``).

    Returns
    -------
    Cleaned
        ``data`` with :data:`COLUMNS`; ``rejects`` with reasons; ``rows_in`` per export
        (a corrections file holds no events, so it has no entry).

    Raises
    ------
    InputFileError
        A file that is missing, empty, binary, or has an unknown header; a bad correction,
        or one whose target event is not among those read (naming the correction's row).
    LookupMissError
        An industry label without an entry in ``industry_taxonomy.csv``, or a URL in a
        ``cited`` format whose domain is not in the domain table.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    cleans, rejects, rows_in, fields, fixes, names = [], [], {}, {}, [], set()
    for path in map(Path, paths):
        if path.name in names:
            raise InputFileError(path, "file names that are unique among the inputs")
        names.add(path.name)
        rows = read_csv_rows(path)
        if tracker_corrections.is_corrections_header(rows.frame.columns):
            fixes.extend(tracker_corrections.read_corrections(path))
            continue
        clean, bad, n, fields[path.name] = _read_one(path, rows.frame, rows.problems, today=today)
        cleans.append(clean)
        rejects.append(bad)
        rows_in[path.name] = n
    if not cleans:
        raise InputFileError(paths[0], "at least one tracker export besides corrections")
    clean, dups = _drop_duplicates(pl.concat(cleans, how="vertical_relaxed"), fields)
    clean = tracker_corrections.apply_corrections(clean, fixes).with_columns(
        date_added_before_date=pl.col("date_added") < pl.col("date")
    )
    clean = clean.with_columns(_tiers(clean, domains=domains))
    clean = attach_company_ids(clean, column="company", resolve=resolve_entities)
    return Cleaned(
        source=SOURCE,
        data=clean.select(COLUMNS),
        rejects=pl.concat([*rejects, dups], how="vertical_relaxed").sort(
            "source_file", "source_row"
        ),
        rows_in=rows_in,
    )
