"""Job titles in WARN notices (facility × job title × count) and their job families.

Some WARN notices list the affected positions by job title (Amazon's 2025 Washington notices,
parsed from the PDFs). Three layouts are read:

* ``impacts`` — CSV ``noticeId, facilityId, jobTitleRaw, jobTitleCanonical, affectedCount``;
* ``notice_json`` — one notice as JSON (``notice.jobTitleImpacts``; the notice id, state and
  letter date come from the notice);
* ``title_totals`` — CSV ``jobTitleCanonical, totalAffected, facilityCount`` (no facility).

Titles are sorted into families by the data table ``resources/job_families.csv`` (regular
expressions, first match wins); a title matching none is ``"Unclassified"``, never guessed.
:func:`family_shares` gives each family's share of the affected workers, and
:func:`engineer_share` the share of families flagged ``engineering``. The facility and
notice-summary files that come with such lists are read by :func:`read_facilities` and
:func:`read_notice_summary`.

Examples
--------
>>> from layofflab import config
>>> c = read(config.FIXTURES / "warn" / "job_titles" / "impacts_by_facility.csv")
>>> c.data.select("job_title", "employees_affected", "job_family").head(3).rows()
[('Software Dev Engineer II', 12, 'Software engineering'),
 ('Manager III, Software Dev', 2, 'Engineering management'),
 ('Program Manager II', 3, 'Product and program management')]
>>> round(engineer_share(c.data), 3)
0.5
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

import polars as pl

from layofflab.cleaning import (
    count_problem,
    normalize_text,
    null_markers,
    number_problem,
    parse_count,
    parse_date,
    parse_float,
)
from layofflab.errors import InputFileError, InvalidArgumentError
from layofflab.io import read_csv_rows
from layofflab.lookups import load_table
from layofflab.schemas import JOB_TITLES
from layofflab.sources._base import Cleaned, make_rejects
from layofflab.sources.warn.title_notice import load_notice

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

__all__ = [
    "COLUMNS",
    "FAMILIES_TABLE",
    "UNCLASSIFIED",
    "classify_titles",
    "engineer_share",
    "family_shares",
    "read",
    "read_facilities",
    "read_notice_summary",
]

SOURCE = "warn_job_titles"
FAMILIES_TABLE = "job_families.csv"
UNCLASSIFIED = "Unclassified"
TitleFormat = Literal["auto", "impacts", "notice_json", "title_totals", "notice_titles"]

#: Output columns, in order (from :data:`layofflab.schemas.JOB_TITLES`).
COLUMNS: tuple[str, ...] = tuple(JOB_TITLES.columns)
#: Raw header → our field, per CSV layout.
_LAYOUTS: dict[str, dict[str, str]] = {
    "impacts": {
        "noticeId": "notice_id",
        "facilityId": "facility_id",
        "jobTitleRaw": "job_title_raw",
        "jobTitleCanonical": "job_title",
        "affectedCount": "employees_affected",
    },
    "title_totals": {
        "jobTitleCanonical": "job_title",
        "totalAffected": "employees_affected",
        "facilityCount": "facility_count",
    },
    # our transcription (data/raw/warn_job_titles_amazon_wa_2025.csv): titles as printed in
    # each notice, positions summed over its facilities
    "notice_titles": {
        "state": "state",
        "employer": "employer",
        "notice_id": "notice_id",
        "notice_date": "notice_date",
        "job_title": "job_title",
        "employees": "employees_affected",
        "facilities": "facility_count",
        "remote_without_title": "remote_without_title",
        "source_url": "source_url",
    },
    "notice_json": {
        "noticeId": "notice_id",
        "facilityId": "facility_id",
        "jobTitleRaw": "job_title_raw",
        "jobTitleCanonical": "job_title",
        "jobTitle": "job_title",
        "affectedCount": "employees_affected",
    },
}


def classify_titles(
    df: pl.DataFrame, *, column: str = "job_title", table: str | Path = FAMILIES_TABLE
) -> pl.DataFrame:
    """Add ``job_family`` and ``is_engineering`` from the family table (first match wins).

    >>> classify_titles(pl.DataFrame({"job_title": ["SOFTWARE DEV ENGINEER II", "Chef"]})).rows()
    [('SOFTWARE DEV ENGINEER II', 'Software engineering', True), ('Chef', 'Unclassified', False)]
    """
    if column not in df.columns:
        raise InvalidArgumentError("column", column, expected=f"a column of df ({df.columns})")
    rules = load_table(table)
    family: Then | ChainedThen = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
    flag: Then | ChainedThen = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.Boolean))
    title = pl.col(column)
    for fam, eng, pattern in rules.select("family", "engineering", "pattern").iter_rows():
        hit = title.str.contains(f"(?i){pattern}")
        family = family.when(hit).then(pl.lit(fam))
        flag = flag.when(hit).then(pl.lit(eng.strip().lower() == "true"))
    return df.with_columns(
        job_family=family.otherwise(pl.lit(UNCLASSIFIED)),
        is_engineering=flag.otherwise(pl.lit(False)),
    )


def family_shares(df: pl.DataFrame, *, by: Sequence[str] = ()) -> pl.DataFrame:
    """Affected workers and their share by ``job_family`` (within each group of ``by``).

    >>> df = classify_titles(pl.DataFrame({"job_title": ["Data Engineer I", "Recruiter"],
    ...                                    "employees_affected": [3, 1]}))
    >>> family_shares(df).rows()
    [('Data and BI engineering', True, 3, 0.75), ('HR and recruiting', False, 1, 0.25)]
    """
    keys = [*by, "job_family", "is_engineering"]
    out = df.group_by(keys).agg(employees=pl.col("employees_affected").sum())
    total = pl.col("employees").sum().over(list(by)) if by else pl.col("employees").sum()
    return out.with_columns(share=pl.col("employees") / total).sort(
        [*by, "employees", "job_family"], descending=[*[False] * len(by), True, False]
    )


def engineer_share(df: pl.DataFrame) -> float:
    """Share of affected workers whose title falls in a family flagged ``engineering``."""
    total = float(df["employees_affected"].sum())
    engineers = float(df.filter(pl.col("is_engineering"))["employees_affected"].sum())
    return engineers / total if total else 0.0


def _detect(path: Path, header: Sequence[str]) -> str:
    csv_layouts = ("impacts", "title_totals", "notice_titles")
    for name in csv_layouts:
        if set(header) == set(_LAYOUTS[name]):
            return name
    expected = " | ".join(",".join(_LAYOUTS[n]) for n in csv_layouts)
    raise InputFileError(
        path, f"a job-title CSV with the header {expected}", value=",".join(header)
    )


def _read_one(
    path: Path, *, format: TitleFormat, employer: str | None, state: str | None
) -> Cleaned:
    meta: dict[str, str | None] = {"state": state}
    problems = None
    if format == "notice_json" or (format == "auto" and path.suffix.lower() == ".json"):
        raw, meta = load_notice(path, keys=_LAYOUTS["notice_json"])
        meta["state"] = meta.get("state") or state
        layout = "notice_json"
    else:
        rows = read_csv_rows(path)
        raw, problems = rows.frame, rows.problems
        layout = _detect(path, raw.columns) if format == "auto" else format
        if set(raw.columns) != set(_LAYOUTS[layout]):
            raise InputFileError(
                path,
                f"the {layout} header {','.join(_LAYOUTS[layout])}",
                value=",".join(raw.columns),
            )
    raw = raw.with_columns(
        source_file=pl.lit(path.name), source_row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    )
    mapping = _LAYOUTS[layout]
    present = {
        f: [c for c, t in mapping.items() if t == f and c in raw.columns]
        for f in set(mapping.values())
    }
    fields = {
        f: pl.coalesce([null_markers(normalize_text(c)) for c in cols])
        for f, cols in present.items()
        if cols
    }
    absent = dict.fromkeys(
        ("job_title", "employees_affected", "facility_count"), pl.lit(None, pl.String)
    )
    df = raw.with_columns(**{f"_{k}": v for k, v in (absent | fields).items()})
    title = pl.coalesce(
        *(pl.col(f"_{f}") for f in ("job_title", "job_title_raw") if f"_{f}" in df.columns)
    )
    reason = pl.coalesce(
        pl.lit(problems if problems is not None else None, dtype=pl.String),  # unread CSV rows
        pl.when(title.is_null()).then(pl.lit("missing job title")),
        pl.when(null_markers("_employees_affected").is_null()).then(pl.lit("missing count")),
        count_problem("_employees_affected"),
        count_problem("_facility_count").str.replace("count", "facility_count"),
    )
    values = [c for c in raw.columns if c not in ("source_file", "source_row")]
    df = df.with_columns(_reason=reason)
    bad = df.filter(pl.col("_reason").is_not_null())
    rejects = make_rejects(
        bad.select(*values, "source_file", "source_row"),
        reason=pl.lit(bad["_reason"]),
        values=values,
    )
    good = df.filter(pl.col("_reason").is_null())

    def col(f: str) -> pl.Expr:
        return pl.col(f"_{f}") if f"_{f}" in good.columns else pl.lit(meta.get(f), dtype=pl.String)

    clean = good.select(
        notice_id=pl.coalesce(col("notice_id"), pl.lit(meta.get("notice_id"), dtype=pl.String)),
        state=pl.coalesce(col("state"), pl.lit(meta.get("state"), dtype=pl.String)),
        employer=pl.coalesce(col("employer"), pl.lit(employer, dtype=pl.String)),
        notice_date=parse_date(
            pl.coalesce(col("notice_date"), pl.lit(meta.get("notice_date"), dtype=pl.String))
        ),
        facility_id=col("facility_id"),
        job_title_raw=pl.coalesce(col("job_title_raw"), col("job_title")),
        job_title=pl.coalesce(col("job_title"), col("job_title_raw")),
        employees_affected=parse_count("_employees_affected"),
        facility_count=parse_count(col("facility_count")),
        remote_without_title=parse_count(col("remote_without_title")),
        layout=pl.lit(layout),
        source_file="source_file",
        source_row="source_row",
    )
    return Cleaned(source=SOURCE, data=clean, rejects=rejects, rows_in={path.name: raw.height})


def read(
    path_or_paths: str | Path | Sequence[str | Path],
    *,
    format: TitleFormat = "auto",
    employer: str | None = None,
    state: str | None = None,
) -> Cleaned:
    """Read job-title lists of WARN notices and classify the titles into families.

    Parameters
    ----------
    path_or_paths : path or sequence of paths
        ``impacts`` / ``title_totals`` CSVs or ``notice_json`` files (detected by header/suffix).
    format : {"auto", "impacts", "notice_json", "title_totals"}
        Force a layout.
    employer : str, optional
        Employer name to record (the files themselves do not name it).
    state : str, optional
        State of notices whose file does not say (a JSON notice's jurisdiction wins).

    Returns
    -------
    Cleaned
        ``data`` with :data:`COLUMNS`; rejects for missing titles and missing or bad counts.

    Raises
    ------
    InputFileError
        Unreadable files, unknown headers or JSON without ``notice.jobTitleImpacts``.
    InvalidArgumentError
        Unknown ``format``.
    """
    if format not in get_args(TitleFormat):
        raise InvalidArgumentError("format", format, expected=f"one of {get_args(TitleFormat)}")
    paths = (
        [Path(path_or_paths)]
        if isinstance(path_or_paths, str | Path)
        else [Path(p) for p in path_or_paths]
    )
    # Repeated facility × title rows are kept: the notices' published totals include them.
    c = Cleaned.concat([_read_one(p, format=format, employer=employer, state=state) for p in paths])
    data = classify_titles(c.data).select(COLUMNS)
    return Cleaned(SOURCE, data, c.rejects.sort("source_file", "source_row"), c.rows_in)


def _simple(
    path: str | Path,
    columns: dict[str, str],
    *,
    source: str,
    numeric: Sequence[str] = (),
    counts: Sequence[str] = (),
    key: str,
) -> Cleaned:
    path = Path(path)
    rows = read_csv_rows(path)
    raw = rows.frame
    if set(raw.columns) != set(columns):
        raise InputFileError(path, f"the header {','.join(columns)}", value=",".join(raw.columns))
    raw = raw.with_columns(
        source_file=pl.lit(path.name), source_row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    )
    df = raw.with_columns(**{new: pl.col(old) for old, new in columns.items()})
    problems: list[pl.Expr] = [
        pl.lit(rows.problems),
        pl.when(null_markers(key).is_null()).then(pl.lit(f"missing {key}")),
    ]
    problems += [number_problem(c, what=c) for c in numeric]
    problems += [count_problem(c) for c in counts]
    df = df.with_columns(_reason=pl.coalesce(problems))
    bad = df.filter(pl.col("_reason").is_not_null())
    rejects = make_rejects(bad, reason=pl.lit(bad["_reason"]), values=list(columns))
    clean = df.filter(pl.col("_reason").is_null()).select(
        *(
            parse_float(c).alias(c)
            if c in numeric
            else parse_count(c).alias(c)
            if c in counts
            else null_markers(normalize_text(c)).alias(c)
            for c in columns.values()
        ),
        "source_file",
        "source_row",
    )
    return Cleaned(source=source, data=clean, rejects=rejects, rows_in={path.name: raw.height})


def read_facilities(path: str | Path) -> Cleaned:
    """Facility codes with their address and coordinates (``facility_geocodes`` CSV)."""
    columns = {
        "facilityId": "facility_id",
        "lat": "latitude",
        "lon": "longitude",
        "source": "geo_source",
        "notes": "notes",
        "buildingName": "building_name",
        "streetAddress": "street_address",
        "city": "city",
        "state": "state",
        "zip": "zip",
    }
    return _simple(
        path,
        columns,
        source="warn_facilities",
        numeric=("latitude", "longitude"),
        key="facility_id",
    )


def read_notice_summary(path: str | Path) -> Cleaned:
    """Per-notice totals published with a job-title list (``notice_summary`` CSV)."""
    columns = {
        "noticeId": "notice_id",
        "totalAffected": "total_affected",
        "totalFacilities": "total_facilities",
        "totalTitles": "total_titles",
    }
    return _simple(
        path,
        columns,
        source="warn_notice_summary",
        key="notice_id",
        counts=("total_affected", "total_facilities", "total_titles"),
    )
