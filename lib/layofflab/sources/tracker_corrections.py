"""Corrections of layoff-tracker events found against the cited source (``data/raw/layoff_corrections.csv``).

A corrections file is recognised by its header (``[corrections]`` in
``resources/tracker_formats.toml``). Each row names its target event the way the tracker
lists it — ``company``, ``date``, ``laid_off`` (blank = no count), the key that is unique
among the events kept after de-duplication — and changes one ``field`` ``from`` the listed
value ``to`` the corrected one, with a ``reason`` and its ``evidence`` (one or more http(s)
URLs or ``SEC <accession>``, separated by ``;``). Nothing is changed silently: a corrected
row has ``corrected = True`` and ``correction`` saying field, old and new value, reason,
evidence and the correction's row. A correction whose target is not among the events, or
whose ``from`` differs from the event's value, is an error naming the correction's row.

Examples
--------
>>> import datetime as dt, polars as pl
>>> from layofflab import config
>>> fixes = read_corrections(config.FIXTURES / "tracker" / "layoff_corrections.csv")
>>> [(f.row, f.field, f.old, f.new) for f in fixes][:1]
[(1, 'date', datetime.date(2025, 10, 27), datetime.date(2025, 10, 28))]
>>> events = pl.DataFrame({"company": ["Acme Robotics"], "date": [dt.date(2025, 10, 27)],
...                        "laid_off": [1400]})
>>> out = apply_corrections(events, fixes[:1])
>>> out.select("date", "corrected").row(0)
(datetime.date(2025, 10, 28), True)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from layofflab.cleaning import normalize_text
from layofflab.errors import InputFileError
from layofflab.io import read_csv_text
from layofflab.lookups import load_toml

__all__ = [
    "Correction",
    "apply_corrections",
    "corrections_spec",
    "is_corrections_header",
    "read_corrections",
]

_EVIDENCE = re.compile(r"^(https?://\S+\.\S+|SEC \d{10}-\d{2}-\d{6})$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SPEC_KEYS = {"description", "signature", "fields"}


@dataclass(frozen=True)
class Correction:
    """One parsed correction: its target event, the change, and why."""

    path: Path
    row: int
    company: str
    date: dt.date
    laid_off: int | None
    field: str
    old: Any
    new: Any
    reason: str
    evidence: str

    def describe(self) -> str:
        """The text stored in the corrected row's ``correction`` column."""
        return (
            f"{self.field} {_show(self.old)} -> {_show(self.new)}: {self.reason} "
            f"(evidence: {self.evidence}; {self.path.name} row {self.row})"
        )


def _show(value: Any) -> str:
    return "blank" if value is None else str(value)


def corrections_spec() -> dict[str, Any]:
    """The ``[corrections]`` entry of ``tracker_formats.toml`` (signature and correctable fields).

    Examples
    --------
    >>> corrections_spec()["signature"][:3]
    ['company', 'date', 'laid_off']
    """
    spec = load_toml("tracker_formats.toml")["corrections"]
    unknown = set(spec) - _SPEC_KEYS
    if unknown:
        raise InputFileError(
            "tracker_formats.toml",
            f"[corrections] keys among {sorted(_SPEC_KEYS)}",
            value=sorted(unknown)[0],
        )
    return spec


def is_corrections_header(header: Sequence[str]) -> bool:
    """True when ``header`` is the corrections file's (in any column order).

    Examples
    --------
    >>> fields = ["company", "date", "laid_off", "field", "from", "to", "reason", "evidence"]
    >>> is_corrections_header(fields[::-1]), is_corrections_header(fields[:3])
    (True, False)
    """
    return set(header) == set(corrections_spec()["signature"])


def _date(text: str | None) -> dt.date | None:
    if text is None or not _ISO.match(text):
        raise ValueError
    return dt.date.fromisoformat(text)


def _count(text: str | None) -> int | None:
    if text is None:
        return None
    if not text.isdigit():
        raise ValueError
    return int(text)


def _share(text: str | None) -> float | None:
    if text is None:
        return None
    value = float(text)
    if not 0 <= value <= 1:
        raise ValueError
    return value


_PARSERS = {"date": _date, "laid_off": _count, "pct_laid_off": _share}
_FORMS = {
    "date": "an ISO date (YYYY-MM-DD)",
    "laid_off": "a whole number or blank",
    "pct_laid_off": "a share in [0, 1] or blank",
}


def _value(path: Path, row: int, column: str, field: str, text: str | None) -> Any:
    try:
        return _PARSERS.get(field, lambda t: t)(text)
    except ValueError:
        form = _FORMS.get(field, "text")
        raise InputFileError(
            path, f"{form} for {field}", row=row, column=column, value=text
        ) from None


def read_corrections(path: str | Path) -> list[Correction]:
    """Parse and check a corrections file (every row, or an error naming row, column and value).

    Raises
    ------
    InputFileError
        A wrong header, an unknown field, a value that does not parse as its field, a
        missing reason or evidence, evidence that is not a URL or SEC accession, or two
        corrections of the same field of the same event.
    """
    path = Path(path)
    spec = corrections_spec()
    raw = read_csv_text(path)
    if not is_corrections_header(raw.columns):
        raise InputFileError(
            path,
            f"the corrections header {','.join(spec['signature'])}",
            value=",".join(raw.columns),
        )
    text = raw.select(normalize_text(pl.col(c)).replace("", None).alias(c) for c in raw.columns)
    out: list[Correction] = []
    seen: dict[tuple[Any, ...], int] = {}
    for row, r in enumerate(text.iter_rows(named=True), start=1):
        if r["company"] is None:
            raise InputFileError(path, "a company", row=row, column="company")
        if r["field"] not in spec["fields"]:
            raise InputFileError(
                path, f"a field among {spec['fields']}", row=row, column="field", value=r["field"]
            )
        for column in ("reason", "evidence"):
            if r[column] is None:
                raise InputFileError(
                    path, f"a {column} for every correction", row=row, column=column
                )
        cites = [c.strip() for c in r["evidence"].split(";")]
        bad = [c for c in cites if not _EVIDENCE.match(c)]
        if bad:
            raise InputFileError(
                path,
                "http(s) URLs or 'SEC <accession>' separated by ';'",
                row=row,
                column="evidence",
                value=bad[0],
            )
        fix = Correction(
            path=path,
            row=row,
            company=r["company"],
            date=_value(path, row, "date", "date", r["date"]),
            laid_off=_value(path, row, "laid_off", "laid_off", r["laid_off"]),
            field=r["field"],
            old=_value(path, row, "from", r["field"], r["from"]),
            new=_value(path, row, "to", r["field"], r["to"]),
            reason=r["reason"],
            evidence="; ".join(cites),
        )
        if fix.field == "date" and fix.new is None:
            raise InputFileError(path, "a corrected date", row=row, column="to")
        key = (fix.company, fix.date, fix.laid_off, fix.field)
        if key in seen:
            raise InputFileError(
                path,
                f"one correction per event and field (first at row {seen[key]})",
                row=row,
                column="field",
                value=fix.field,
            )
        seen[key] = row
        out.append(fix)
    return out


def apply_corrections(events: pl.DataFrame, corrections: Sequence[Correction]) -> pl.DataFrame:
    """Apply ``corrections`` to tracker events; add ``corrected`` and ``correction``.

    They apply after de-duplication.

    Targets are found on the values as listed (before any correction), so two corrections
    of one event (say its date and its country) both find it.

    Raises
    ------
    InputFileError
        Naming the correction's file and row when its target is not among ``events``, or
        its ``from`` value is not the event's.
    """
    key = events.select("company", "date", "laid_off").with_row_index("_i")
    changes: dict[str, list[tuple[int, Any]]] = {}
    notes: dict[int, list[str]] = {}
    for fix in corrections:
        where = key.filter(
            (pl.col("company") == fix.company)
            & (pl.col("date") == fix.date)
            & pl.col("laid_off").eq_missing(pl.lit(fix.laid_off, dtype=pl.Int64))
        )["_i"].to_list()
        target = f"company {fix.company!r}, date {fix.date}, laid_off {_show(fix.laid_off)}"
        if len(where) != 1:
            found = "none among the events read" if not where else f"{len(where)} events"
            raise InputFileError(
                fix.path,
                f"one tracker event with {target} (the correction's target)",
                row=fix.row,
                found=found,
            )
        index = where[0]
        current = events[fix.field][index]
        if current != fix.old:
            raise InputFileError(
                fix.path,
                f"'from' equal to the event's {fix.field}",
                row=fix.row,
                column="from",
                value=_show(fix.old),
                found=_show(current),
            )
        changes.setdefault(fix.field, []).append((index, fix.new))
        notes.setdefault(index, []).append(fix.describe())
    out = events.with_columns(
        _i=pl.int_range(pl.len(), dtype=pl.Int64),
    )
    for field, pairs in changes.items():
        dtype = events.schema[field]
        patch = pl.DataFrame(
            {"_i": [i for i, _ in pairs], "_new": [v for _, v in pairs]},
            schema={"_i": pl.Int64, "_new": dtype},
        )
        out = (
            out.join(patch, on="_i", how="left", maintain_order="left")
            .with_columns(
                pl.when(pl.col("_i").is_in(patch["_i"].implode()))
                .then(pl.col("_new"))
                .otherwise(pl.col(field))
                .alias(field)
            )
            .drop("_new")
        )
    text = {i: " | ".join(n) for i, n in notes.items()}
    return out.with_columns(
        corrected=pl.col("_i").is_in(list(text)),
        correction=pl.col("_i").replace_strict(text, default=None, return_dtype=pl.String),
    ).drop("_i")
