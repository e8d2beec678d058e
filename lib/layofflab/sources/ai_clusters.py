"""Reader for Epoch AI's "AI Supercomputers" CSV: a dated calendar of AI clusters by owner.

The CSV's headers map through ``resources/ai_clusters.toml`` (a missing required header, or
one neither mapped nor ignored, raises :class:`InputFileError`). Quoted fields may hold
newlines. Every raw row ends up in ``data`` or in ``rejects`` with a reason: missing name,
unknown status or certainty, an unparseable or implausible first operational date, an
unparseable or negative number, an unrecognised flag, or an exact copy of an earlier row.

Choices:

* **Owners.** ``owner`` is the cell as written, ``owners`` its names (split on commas) and
  ``company_ids`` the study firms among them, mapped through
  ``resources/ai_event_firms.csv`` (``"Meta AI"`` → META, ``"Google DeepMind"`` → GOOGL); an
  unlisted owner (``"OpenAI"``, ``"Hewlett Packard Enterprise"``) is never guessed.
  ``company_id`` is the first firm listed; a cluster of two firms (``"Amazon,NVIDIA"``) keeps
  both in ``company_ids``, and :func:`cluster_events` counts it for each.
* **Dates.** ``first_operational_date`` is the ISO date column; planned sites carry their
  plans in ``first_operational_note`` as text (``"Planned 2030"``) with a null date.
* **Duplicates.** Epoch's ``Possible Duplicate`` rows are kept, flagged ``possible_duplicate``
  (none is in Epoch's standard analysis). Only an identical copy of an earlier row is
  rejected, except rows named as anonymized (``"Anonymized Chinese System"``), which are
  distinct systems with identical published attributes: kept, flagged ``anonymized``.
* **Numbers.** H100 equivalents, power (MW), Epoch's hardware-cost estimate and the reported
  cost (USD, nominal) as given; ``source_url`` is the first of Source 1–5 that starts with
  an http(s) URL (a note after the URL, "… (mentioned at 15:01)", is left out).

Output columns: :data:`COLUMNS` (valid against :data:`layofflab.schemas.AI_CLUSTERS`).

Examples
--------
>>> from layofflab import config
>>> c = read(config.FIXTURES / "ai_events" / "ai_supercomputers_sample.csv")
>>> c.data.select("name", "status", "company_ids", "first_operational_date").row(0)
('Example Meta Cluster 1', 'existing', ['META'], datetime.date(2022, 1, 24))
>>> c.data.filter(pl.col("name") == "Example Planned Campus")["first_operational_note"].item()
'Planned 2026'
>>> c.rejects.select("source_row", "reason").rows()[:2]
[(6, "unknown status 'Rumoured' (expected Existing, Planned, Decommissioned)"), (7, 'missing name')]
>>> c.check_conservation()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from layofflab.checks import check_choice, check_columns
from layofflab.cleaning import normalize_text, null_markers, parse_date, parse_float
from layofflab.errors import InputFileError
from layofflab.io import read_csv_text
from layofflab.schemas import AI_CLUSTERS
from layofflab.sources._ai_events import firm_ids, load_format, map_headers, split_names
from layofflab.sources._base import REJECTS_SCHEMA, Cleaned

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

__all__ = ["COLUMNS", "SOURCE", "cluster_events", "read"]

SOURCE = "ai_clusters"
COLUMNS: tuple[str, ...] = tuple(AI_CLUSTERS.columns)
_FORMAT = {
    "description": str,
    "required": {},
    "optional": {},
    "status": {},
    "certainty": {},
    "lists": {"separators": list},
    "dates": {"earliest": dt.date, "latest": dt.date},
    "flags": {"true": list, "false": list},
    "duplicates": {"anonymized_names": list},
    "ignored": {"headers": list},
}
_NUMBERS = ("h100_equivalents", "power_mw", "hardware_cost_usd", "reported_cost_usd")
_FLAGS = ("possible_duplicate", "include_in_standard_analysis")
_SOURCES = tuple(f"source_{i}" for i in range(1, 6))
_URL = r"^(https?://\S+)"


def _spec() -> dict[str, Any]:
    return load_format(SOURCE, known=_FORMAT)


def _raw(path: Path, spec: dict[str, Any]) -> pl.DataFrame:
    """The file's mapped fields (text), provenance, and the JSON of every raw cell."""
    raw = read_csv_text(path)
    renames = map_headers(path, raw.columns, spec)
    fields = [*spec["required"].values(), *spec["optional"].values()]
    return raw.select(
        *(pl.col(h).alias(f) for h, f in renames.items()),
        *(pl.lit(None, dtype=pl.String).alias(f) for f in fields if f not in renames.values()),
        source_file=pl.lit(path.name),
        source_row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
        _raw=pl.struct(pl.col(raw.columns)).struct.json_encode(),
    )


def _choice(field: str, table: dict[str, str]) -> pl.Expr:
    """``field`` mapped through ``table`` (raw value → ours, matched case-insensitively)."""
    lowered = {k.casefold(): v for k, v in table.items()}
    return null_markers(field).str.to_lowercase().replace_strict(lowered, default=None)


def _flag(field: str, spec: dict[str, Any]) -> pl.Expr:
    text = null_markers(field).str.to_lowercase()
    true = [t.casefold() for t in spec["flags"]["true"]]
    return pl.when(text.is_null()).then(False).otherwise(text.is_in(true))


def _first_of(checks: list[tuple[pl.Expr, pl.Expr]]) -> pl.Expr:
    expr: Then | ChainedThen = pl.when(checks[0][0]).then(checks[0][1])
    for cond, text in checks[1:]:
        expr = expr.when(cond).then(text)
    return expr.otherwise(None)


def _problems(spec: dict[str, Any]) -> pl.Expr:
    """The first reason a row cannot be accepted, else null."""
    expected = {key: ", ".join(spec[key]) for key in ("status", "certainty")}
    date_text = null_markers("first_operational_date")
    date = parse_date("first_operational_date")
    early, late = spec["dates"]["earliest"], spec["dates"]["latest"]
    checks: list[tuple[pl.Expr, pl.Expr]] = [
        (null_markers("name").is_null(), pl.lit("missing name")),
        (null_markers("status").is_null(), pl.lit("missing status")),
    ]
    for key in ("status", "certainty"):
        checks.append(
            (
                null_markers(key).is_not_null() & _choice(key, spec[key]).is_null(),
                pl.format(f"unknown {key} '{{}}' (expected {expected[key]})", null_markers(key)),
            )
        )
    checks += [
        (
            date_text.is_not_null() & date.is_null(),
            pl.format("unparseable first_operational_date '{}'", date_text),
        ),
        (
            (date < early) | (date > late),
            pl.format(f"implausible first_operational_date {{}} (not {early}..{late})", date),
        ),
    ]
    for field in _NUMBERS:
        text = null_markers(field)
        checks.append(
            (
                text.is_not_null() & parse_float(field).is_null(),
                pl.format(f"unparseable {field} '{{}}'", text),
            )
        )
        checks.append((parse_float(field) < 0, pl.format(f"negative {field} {{}}", text)))
    known = [t.casefold() for t in (*spec["flags"]["true"], *spec["flags"]["false"])]
    for field in _FLAGS:
        text = null_markers(field)
        checks.append(
            (
                text.is_not_null() & ~text.str.to_lowercase().is_in(known),
                pl.format(f"unrecognised {field} '{{}}' (expected True/False or blank)", text),
            )
        )
    return _first_of(checks)


def _clean(df: pl.DataFrame, spec: dict[str, Any]) -> pl.DataFrame:
    owner = normalize_text(null_markers("owner"))
    owners = split_names(owner, separators=spec["lists"]["separators"])
    urls = [null_markers(s).str.extract(_URL, 1) for s in _SOURCES]
    name = normalize_text("name")
    return df.select(
        name=name,
        status=_choice("status", spec["status"]),
        certainty=_choice("certainty", spec["certainty"]),
        owner=owner,
        owners=owners,
        company_id=firm_ids(owners).list.first(),
        company_ids=firm_ids(owners),
        first_operational_date=parse_date("first_operational_date"),
        first_operational_note=normalize_text(null_markers("first_operational_note")),
        **{field: parse_float(field) for field in _NUMBERS},
        possible_duplicate=_flag("possible_duplicate", spec),
        possible_duplicate_of=normalize_text(null_markers("possible_duplicate_of")),
        include_in_standard_analysis=_flag("include_in_standard_analysis", spec),
        anonymized=name.is_in(spec["duplicates"]["anonymized_names"]),
        country=normalize_text(null_markers("country")),
        source_url=pl.coalesce(urls),
        source_file="source_file",
        source_row="source_row",
        _raw="_raw",
    )


def _drop_exact_duplicates(df: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows whose every raw cell equals an earlier row's (any file) → rejects naming it.

    Anonymized rows are never duplicates.
    """
    marked = df.with_columns(
        _first=pl.col("source_row").first().over("_raw"),
        _first_file=pl.col("source_file").first().over("_raw"),
    )
    other_file = pl.col("_first_file") != pl.col("source_file")
    dup = ~pl.col("anonymized") & ((pl.col("_first") != pl.col("source_row")) | other_file)
    where = pl.when(other_file).then(pl.format("{} ", "_first_file")).otherwise(pl.lit(""))
    rejects = marked.filter(dup).select(
        "source_file",
        "source_row",
        reason=pl.format("exact duplicate of {}source_row {}", where, "_first"),
        raw="_raw",
    )
    return marked.filter(~dup).drop("_first", "_first_file", "_raw"), rejects


def read(path: str | Path | Sequence[str | Path]) -> Cleaned:
    """Read and clean one or more Epoch AI supercomputer CSVs.

    Parameters
    ----------
    path : path or sequence of paths
        CSV export(s) of Epoch AI's "AI Supercomputers" dataset.

    Returns
    -------
    Cleaned
        ``data`` with :data:`COLUMNS` in file order, ``rejects`` with reasons (``raw`` holds
        every cell of the row), ``rows_in`` per file.

    Raises
    ------
    InputFileError
        Missing, empty or binary files; a missing required header or an undeclared one; two
        inputs with the same file name.
    """
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
    spec = _spec()
    cleans, rejects, rows_in = [], [], {}
    for one in paths:
        if one.name in rows_in:
            raise InputFileError(one, "file names that are unique among the inputs")
        raw = _raw(one, spec).with_columns(_reason=_problems(spec))
        bad = raw.filter(pl.col("_reason").is_not_null())
        rejects.append(bad.select("source_file", "source_row", reason="_reason", raw="_raw"))
        cleans.append(_clean(raw.filter(pl.col("_reason").is_null()), spec))
        rows_in[one.name] = raw.height
    data, dups = _drop_exact_duplicates(pl.concat(cleans, how="vertical"))
    # a pl.Schema: polars types cast()'s mapping keys as names, selectors or dtypes (invariant)
    rejected = pl.concat([*rejects, dups], how="vertical_relaxed").cast(pl.Schema(REJECTS_SCHEMA))
    return Cleaned(
        source=SOURCE,
        data=data.select(COLUMNS),
        rejects=rejected.sort("source_file", "source_row"),
        rows_in=rows_in,
    )


def cluster_events(
    data: pl.DataFrame,
    *,
    freq: Literal["quarter", "month"],
    owners: Literal["each", "first"] = "each",
    duplicates: Literal["drop", "keep"] = "drop",
) -> pl.DataFrame:
    """Clusters first operational per firm and period, with their H100 equivalents and power.

    Only rows with a ``first_operational_date`` and a study firm among the owners count.

    Parameters
    ----------
    data : polars.DataFrame
        ``read(...).data``.
    freq : {"quarter", "month"}
        Periods, labelled by their first day (as in :mod:`layofflab.panel`).
    owners : {"each", "first"}
        ``"each"``: a cluster of two firms counts for both (so sums over firms double-count
        it); ``"first"``: only for ``company_id``, the first firm listed.
    duplicates : {"drop", "keep"}
        Whether rows Epoch flags as possible duplicates count (``"drop"``: they do not,
        as in Epoch's standard analysis).

    Returns
    -------
    polars.DataFrame
        company_id, period, clusters (Int64), h100_equivalents and power_mw (sums of the
        values reported; null when none is), h100e_reported and power_reported (how many of
        the clusters report one), co_owned (clusters with another study firm); periods
        without a cluster are absent (a panel join fills them with zero).

    Examples
    --------
    >>> from layofflab import config
    >>> c = read(config.FIXTURES / "ai_events" / "ai_supercomputers_sample.csv")
    >>> cluster_events(c.data, freq="quarter").select(
    ...     "company_id", "period", "clusters", "h100_equivalents", "h100e_reported").rows()[:3]
    [('AMZN', datetime.date(2024, 10, 1), 1, 20000.0, 1), ('GOOGL', datetime.date(2023, 4, 1), 1, None, 0), ('META', datetime.date(2022, 1, 1), 1, 6080.0, 1)]
    """
    check_choice(freq, "freq", ("quarter", "month"))
    check_choice(owners, "owners", ("each", "first"))
    check_choice(duplicates, "duplicates", ("drop", "keep"))
    needed = ["company_id", "company_ids", "first_operational_date", "possible_duplicate"]
    check_columns(data, [*needed, "h100_equivalents", "power_mw"], name="data")
    rows = data.filter(pl.col("first_operational_date").is_not_null())
    if duplicates == "drop":
        rows = rows.filter(~pl.col("possible_duplicate"))
    rows = rows.with_columns(co_owned=pl.col("company_ids").list.len() > 1)
    if owners == "each":
        rows = rows.drop("company_id").explode("company_ids").rename({"company_ids": "company_id"})
    rows = rows.filter(pl.col("company_id").is_not_null())
    every = {"quarter": "1q", "month": "1mo"}[freq]
    h100e, power = pl.col("h100_equivalents"), pl.col("power_mw")
    grouped = rows.group_by(
        "company_id", period=pl.col("first_operational_date").dt.truncate(every)
    )
    out = grouped.agg(
        clusters=pl.len().cast(pl.Int64),
        h100_equivalents=pl.when(h100e.count() > 0).then(h100e.sum()),
        h100e_reported=h100e.count().cast(pl.Int64),
        power_mw=pl.when(power.count() > 0).then(power.sum()),
        power_reported=power.count().cast(pl.Int64),
        co_owned=pl.col("co_owned").sum().cast(pl.Int64),
    )
    return out.sort("company_id", "period")
