"""Declared WARN layouts, loaded from ``resources/warn_states.toml`` and checked.

The :class:`Layout` of each state portal (and of the register), and :func:`detect_layout`,
which picks a file's layout from its header.

Every key of a layout is checked: a misspelt or unknown key is an error naming the layout and the
key (it would otherwise be silently ignored), as is a value of the wrong kind.

Examples
--------
>>> lay = layouts()["co"]
>>> lay.states, lay.count_by_date["column"]
(('CO',), 'permanent_job_losses')
>>> layouts()["tx"].earliest("notice_date"), layouts()["tx"].earliest("effective_date")
(datetime.date(1988, 8, 4), datetime.date(1989, 2, 4))
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

import polars as pl

from layofflab import config
from layofflab.errors import InputFileError, InvalidArgumentError, LookupMissError
from layofflab.lookups import load_toml

__all__ = [
    "DATES",
    "FIELDS",
    "JOIN",
    "Format",
    "Layout",
    "date_bounds",
    "detect_layout",
    "layouts",
    "rules",
]

SOURCE = "warn"
TABLE = "warn_states.toml"
Format = Literal["auto", "register", "state_raw"]

#: Date fields, in the order reject reasons name them (after a layout's primary date).
DATES = ("notice_date", "effective_date", "received_date", "posted_date")
_NOTICE_DATES = ("notice_date", "received_date", "posted_date")
#: Text fields fed by several raw columns are joined with these separators.
JOIN = {"location": ", ", "site_address": "; ", "county": ", ", "layoff_type": " ", "notes": "; "}
#: The fields a raw column may feed.
FIELDS = frozenset(
    {
        "state",
        "employer",
        *DATES,
        "employees_affected",
        *JOIN,
        "naics",
        "industry",
        "source_notice_id",
        "amendment_flag",
        "register_cik",
        "register_ticker",
        "register_is_amended",
        "register_dedupe_key",
        "declared_company_id",
    }
)
#: Share of a file's headers a layout must know before its unknown headers count as misses
#: (LookupMissError) rather than as "not this layout" (InputFileError).
_MIN_KNOWN = 0.5
#: Every key a layout may declare, and what its value must be.
_KEYS: dict[str, str] = {
    "states": "a list of two-letter states, or 'column'",
    "description": "a text",
    "columns": "a table of raw header = field",
    "primary_date": f"one of {DATES}",
    "date_formats": "a list of [regex, strptime format] pairs",
    "date_patterns": "a list of [regex with one group, strptime format] pairs",
    "date_rewrites": "a list of [regex, replacement] pairs",
    "first_count": "true or false",
    "max_count": "a positive whole number",
    "url_cells": "a list of fields",
    "amendments": "'replace' or 'add'",
    "compiled": "true or false",
    "split_lines": "a table of field = field",
    "count_by_date": "a table with column = a raw header and from = a date",
    "displaced_count": "a table of field = regex with one group",
    "blank_flags": "a table of field = flag name",
}


def rules() -> dict[str, Any]:
    """The ``[rules]`` table of ``warn_states.toml``.

    Examples
    --------
    >>> "dates" in rules()
    True
    """
    return load_toml(TABLE)["rules"]


@dataclass(frozen=True)
class Layout:
    """One declared raw layout (an entry of ``[layouts]`` in ``warn_states.toml``)."""

    name: str
    states: tuple[str, ...]
    columns: dict[str, str]
    description: str = ""
    primary_date: str = "notice_date"
    date_formats: tuple[tuple[str, str], ...] = ()
    first_count: bool = False
    split_lines: dict[str, str] = field(default_factory=dict)
    max_count: int | None = None
    count_by_date: dict[str, Any] = field(default_factory=dict)
    displaced_count: dict[str, str] = field(default_factory=dict)
    url_cells: tuple[str, ...] = ()
    date_patterns: tuple[tuple[str, str], ...] = ()
    date_rewrites: tuple[tuple[str, str], ...] = ()
    amendments: Literal["replace", "add"] = "replace"
    compiled: bool = False
    blank_flags: dict[str, str] = field(default_factory=dict)

    def earliest(self, target: str) -> dt.date:
        """First plausible date of a date field (:func:`date_bounds`)."""
        notice_from, layoff_from = date_bounds()
        return notice_from if target in _NOTICE_DATES else layoff_from

    @property
    def state_from_column(self) -> bool:
        """True for the register, whose rows carry their own state."""
        return not self.states


@cache
def layouts() -> dict[str, Layout]:
    """Every declared layout by name, each key and value checked.

    Raises
    ------
    InputFileError
        An unknown key (``column`` names the layout, ``value`` the key), a value of the wrong
        kind, or a column mapped to an unknown field.

    Examples
    --------
    >>> sorted(layouts())[:3]
    ['ak', 'al', 'ca']
    """
    return {name: _layout(name, spec) for name, spec in load_toml(TABLE)["layouts"].items()}


def _bad(name: str, key: str, value: object, expected: str) -> InputFileError:
    return InputFileError(
        config.RESOURCES / TABLE, expected, column=f"layouts.{name}.{key}", value=value
    )


def _pairs(name: str, key: str, value: object) -> tuple[tuple[str, str], ...]:
    if not (
        isinstance(value, list)
        and all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p)
            for p in value
        )
    ):
        raise _bad(name, key, value, _KEYS[key])
    return tuple((p[0], p[1]) for p in value)


def _layout(name: str, spec: dict[str, Any]) -> Layout:
    """One layout from its TOML table (every key checked)."""
    for key in spec:
        if key not in _KEYS:
            expected = f"a layout key among {sorted(_KEYS)}"
            raise InputFileError(
                config.RESOURCES / TABLE, expected, column=f"layouts.{name}", value=key
            )
    if "columns" not in spec or not isinstance(spec["columns"], dict):
        raise _bad(name, "columns", spec.get("columns"), _KEYS["columns"])
    for raw, target in spec["columns"].items():
        if target != "-" and target not in FIELDS:
            raise _bad(name, f"columns.{raw}", target, f"fields among {sorted(FIELDS)} or '-'")
    states = spec.get("states", [])
    if states != "column" and not (
        isinstance(states, list) and all(isinstance(s, str) and len(s) == 2 for s in states)
    ):
        raise _bad(name, "states", states, _KEYS["states"])
    primary = spec.get("primary_date", "notice_date")
    if primary not in DATES:
        raise _bad(name, "primary_date", primary, _KEYS["primary_date"])
    amendments = spec.get("amendments", "replace")
    if amendments not in ("replace", "add"):
        raise _bad(name, "amendments", amendments, _KEYS["amendments"])
    for key in ("first_count", "compiled"):
        if not isinstance(spec.get(key, False), bool):
            raise _bad(name, key, spec[key], _KEYS[key])
    max_count = spec.get("max_count")
    if max_count is not None and not (isinstance(max_count, int) and max_count > 0):
        raise _bad(name, "max_count", max_count, _KEYS["max_count"])
    cells = spec.get("url_cells", [])
    if not isinstance(cells, list) or not set(cells) <= FIELDS:
        raise _bad(name, "url_cells", cells, _KEYS["url_cells"])
    by_date = spec.get("count_by_date", {})
    if by_date and (
        set(by_date) != {"column", "from"}
        or by_date["column"] not in spec["columns"]
        or not isinstance(by_date["from"], dt.date)
    ):
        raise _bad(name, "count_by_date", by_date, _KEYS["count_by_date"])
    for key in ("split_lines", "displaced_count", "blank_flags"):
        value = spec.get(key, {})
        if not isinstance(value, dict) or not set(value) <= FIELDS:
            raise _bad(name, key, value, _KEYS[key])
    return Layout(
        name=name,
        states=() if states == "column" else tuple(states),
        columns=dict(spec["columns"]),
        description=spec.get("description", ""),
        primary_date=primary,
        date_formats=_pairs(name, "date_formats", spec.get("date_formats", [])),
        first_count=spec.get("first_count", False),
        split_lines=dict(spec.get("split_lines", {})),
        max_count=max_count,
        count_by_date=dict(by_date),
        displaced_count=dict(spec.get("displaced_count", {})),
        url_cells=tuple(spec.get("url_cells", ())),
        date_patterns=_pairs(name, "date_patterns", spec.get("date_patterns", [])),
        date_rewrites=_pairs(name, "date_rewrites", spec.get("date_rewrites", [])),
        amendments=amendments,
        compiled=spec.get("compiled", False),
        blank_flags=dict(spec.get("blank_flags", {})),
    )


def date_bounds() -> tuple[dt.date, dt.date]:
    """First plausible notice date and first plausible layoff (effective) date.

    They are ``[rules.dates]``: the federal WARN Act's signing and its effective date.

    Examples
    --------
    >>> date_bounds()
    (datetime.date(1988, 8, 4), datetime.date(1989, 2, 4))
    """
    d = rules()["dates"]
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
