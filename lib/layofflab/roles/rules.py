"""The rule tables of :mod:`layofflab.roles`: read, checked and compiled once.

Seven CSV files in ``resources/`` (or a folder of the same files passed as ``directory``) hold
every rule; their comment headers explain each column. They are checked when loaded: the header
must be exactly the declared columns (an unknown or missing column is rejected), keys are unique,
booleans are ``true``/``false``, every regular expression compiles, and every reference resolves
(a rule's group, a group's or rule's SOC major group, a rule's seniority) or raises
:class:`~layofflab.errors.LookupMissError` naming the table, column and value. Every group must be
reached by a rule that gives it a SOC major group.

Examples
--------
>>> t = load_tables()
>>> len(t.groups), t.groups[0], t.seniority[:3]
(13, 'software engineering', ('unspecified', 'intern', 'junior'))
>>> t.soc_names["15-0000"]
'Computer and Mathematical Occupations'
>>> [r.rule for r in t.group_rules[:3]]
['chief_technology', 'chief_information', 'sales_engineering']
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

import polars as pl

from layofflab import config
from layofflab.errors import InputFileError, LookupMissError

__all__ = [
    "ABBREVIATIONS",
    "GROUPS",
    "GROUP_RULES",
    "MANAGEMENT_SOC",
    "PEOPLE_MANAGERS",
    "SENIORITY",
    "SENIORITY_RULES",
    "SOC_MAJOR_GROUPS",
    "UNCLASSIFIED",
    "Abbreviation",
    "RoleTables",
    "Rule",
    "load_tables",
]

ABBREVIATIONS = "roles_abbreviations.csv"
GROUPS = "roles_groups.csv"
GROUP_RULES = "roles_group_rules.csv"
SENIORITY = "roles_seniority.csv"
SENIORITY_RULES = "roles_seniority_rules.csv"
PEOPLE_MANAGERS = "roles_people_managers.csv"
SOC_MAJOR_GROUPS = "roles_soc_major_groups.csv"

#: The group label of titles no rule matches (not one of the groups).
UNCLASSIFIED = "unclassified"
#: SOC 2018 major group of managers, directors and executives of any function.
MANAGEMENT_SOC = "11-0000"
#: The one placeholder a seniority pattern may use.
PEOPLE_MANAGER_PLACEHOLDER = "{people_manager}"

_COLUMNS: dict[str, tuple[str, ...]] = {
    ABBREVIATIONS: ("abbreviation", "expansion", "match_case", "note"),
    GROUPS: ("group", "soc_major_code", "counts_as", "description"),
    GROUP_RULES: ("rule", "group", "soc_major_code", "pattern", "note"),
    SENIORITY: ("seniority", "ladder", "level", "soc_management", "description"),
    SENIORITY_RULES: ("rule", "seniority", "pattern", "note"),
    PEOPLE_MANAGERS: ("team", "note"),
    SOC_MAJOR_GROUPS: ("soc_major_code", "soc_major_name"),
}
_LADDERS = ("none", "individual", "management")
_BOOLEANS = ("true", "false")
_COUNTS_AS = ("engineering", "science")


class Abbreviation(NamedTuple):
    """One compiled row of the abbreviation table."""

    pattern: str  #: regular expression matching the abbreviation as whole words
    expansion: str  #: replacement text (``$`` escaped for polars)


class Rule(NamedTuple):
    """One compiled row of a rule table (group or seniority)."""

    rule: str  #: the rule's id
    value: str  #: the group or seniority it gives
    soc_major_code: str | None  #: the SOC major group (group rules only)
    pattern: str  #: case-insensitive regular expression


@dataclass(frozen=True, eq=False)
class RoleTables:
    """Every rule of the classifier, checked and compiled (see :func:`load_tables`).

    Compared and hashed by identity: :func:`load_tables` returns one object per folder content.
    """

    directory: Path
    abbreviations: tuple[Abbreviation, ...]
    #: ``(?i)\\b(sr|mgr|...)\\.(\\p{L})``: an abbreviation glued by a dot to the next word.
    glued_dot: str
    groups: tuple[str, ...]
    counts_as: Mapping[str, str]
    group_rules: tuple[Rule, ...]
    seniority: tuple[str, ...]
    ladder: Mapping[str, str]
    level: Mapping[str, int]
    soc_management: frozenset[str]
    seniority_rules: tuple[Rule, ...]
    soc_names: Mapping[str, str]

    @property
    def group_labels(self) -> tuple[str, ...]:
        """The groups followed by :data:`UNCLASSIFIED`: the categories of the ``group`` column."""
        return (*self.groups, UNCLASSIFIED)


def _ensure(
    ok: object,
    path: Path,
    expected: str,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
) -> None:
    """Raise :class:`InputFileError` (naming file, row, column, value) unless ``ok``."""
    if not ok:
        raise InputFileError(path, expected, row=row, column=column, value=value)


def _read(directory: Path, name: str) -> pl.DataFrame:
    path = directory / name
    try:
        df = pl.read_csv(path, infer_schema=False, comment_prefix="#")
    except FileNotFoundError as exc:
        raise InputFileError(path, f"the roles table {name}") from exc
    except pl.exceptions.PolarsError as exc:
        raise InputFileError(path, "a CSV table", row=_ragged_row(path)) from exc
    expected = _COLUMNS[name]
    odd = [c for c in df.columns if c not in expected] or [
        c for c in expected if c not in df.columns
    ]
    _ensure(tuple(df.columns) == expected, path, f"the header {','.join(expected)}",
            column=odd[0] if odd else None, value=",".join(df.columns))  # fmt: skip
    return df


def _ragged_row(path: Path) -> int | None:
    """The first data row (1-based) with another number of fields than the header."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    rows = list(csv.reader(lines))
    return next((i for i, r in enumerate(rows[1:], 1) if rows and len(r) != len(rows[0])), None)


def _rows(path: Path, df: pl.DataFrame, key: str) -> list[tuple[int, dict[str, str | None]]]:
    """The rows of ``df`` numbered from 1, after checking that ``key`` is filled and unique."""
    rows = list(enumerate(df.iter_rows(named=True), start=1))
    seen: set[str] = set()
    for row, rec in rows:
        value = _required(path, row, key, rec[key])
        _ensure(value not in seen, path, f"unique values in column {key!r}", row, key, value)
        seen.add(value)
    return rows


def _required(path: Path, row: int, column: str, value: str | None) -> str:
    if value is None or not value.strip():
        raise InputFileError(path, f"a value in column {column!r}", row=row, column=column)
    _ensure(value == value.strip(), path, "no leading or trailing spaces", row, column, value)
    return value


def _choice(path: Path, row: int, column: str, value: str | None, allowed: Sequence[str]) -> str:
    if value is None or value not in allowed:
        raise InputFileError(
            path, f"one of {', '.join(allowed)}", row=row, column=column, value=value
        )
    return value


def _lookup(name: str, column: str, value: str, known: Collection[str], table: str) -> str:
    if value not in known:
        raise LookupMissError(name, column, value, table=table)
    return value


def _regex(path: Path, row: int, pattern: str) -> str:
    try:
        pl.Series([""], dtype=pl.String).str.contains(pattern)
    except pl.exceptions.PolarsError as exc:
        detail = " ".join(str(exc).split())[:160]
        raise InputFileError(
            path, f"a regular expression ({detail})", row=row, column="pattern", value=pattern
        ) from exc
    return pattern


def _abbreviations(directory: Path) -> tuple[tuple[Abbreviation, ...], str]:
    path = directory / ABBREVIATIONS
    out, single = [], []
    for row, rec in _rows(path, _read(directory, ABBREVIATIONS), "abbreviation"):
        abbr = _required(path, row, "abbreviation", rec["abbreviation"])  # the key: filled
        expansion = _required(path, row, "expansion", rec["expansion"])
        _ensure(abbr[0].isalnum() and abbr[-1].isalnum(), path,
                "an abbreviation starting and ending with a letter or digit", row, "abbreviation",
                abbr)  # fmt: skip
        exact = _choice(path, row, "match_case", rec["match_case"], _BOOLEANS) == "true"
        words = r"\.? ".join(re.escape(w) for w in abbr.split(" "))
        pattern = _regex(path, row, ("" if exact else "(?i)") + rf"\b{words}\b\.?")
        out.append(Abbreviation(pattern, expansion.replace("$", "$$")))
        if " " not in abbr:
            single.append(re.escape(abbr))
    return tuple(out), rf"(?i)\b({'|'.join(single)})\.(\p{{L}})"


def _soc(directory: Path) -> dict[str, str]:
    path = directory / SOC_MAJOR_GROUPS
    names: dict[str, str] = {}
    for row, rec in _rows(path, _read(directory, SOC_MAJOR_GROUPS), "soc_major_code"):
        code = _required(path, row, "soc_major_code", rec["soc_major_code"])
        _ensure(re.fullmatch(r"\d{2}-0000", code), path, "a SOC major group code such as 15-0000",
                row, "soc_major_code", code)  # fmt: skip
        names[code] = _required(path, row, "soc_major_name", rec["soc_major_name"])
    _lookup("layofflab.roles", "soc_major_code", MANAGEMENT_SOC, names, SOC_MAJOR_GROUPS)
    return names


def _groups(
    directory: Path, soc: Mapping[str, str]
) -> tuple[dict[str, str | None], dict[str, str]]:
    path = directory / GROUPS
    default: dict[str, str | None] = {}
    counts_as: dict[str, str] = {}
    for row, rec in _rows(path, _read(directory, GROUPS), "group"):
        group, code = _required(path, row, "group", rec["group"]), rec["soc_major_code"]
        _ensure(group != UNCLASSIFIED, path,
                f"a group other than {UNCLASSIFIED!r} (the label of unmatched titles)", row,
                "group", group)  # fmt: skip
        default[group] = code and _lookup(GROUPS, "soc_major_code", code, soc, SOC_MAJOR_GROUPS)
        if rec["counts_as"] is not None:
            counts_as[group] = _choice(path, row, "counts_as", rec["counts_as"], _COUNTS_AS)
    return default, counts_as


def _group_rules(
    directory: Path, default: Mapping[str, str | None], soc: Mapping[str, str]
) -> tuple[Rule, ...]:
    path = directory / GROUP_RULES
    rules = []
    for row, rec in _rows(path, _read(directory, GROUP_RULES), "rule"):
        group = _required(path, row, "group", rec["group"])
        _lookup(GROUP_RULES, "group", group, default, GROUPS)
        code = rec["soc_major_code"] or default[group]
        if not code:
            raise InputFileError(
                path,
                f"a soc_major_code (group {group!r} has no default in {GROUPS})",
                row=row,
                column="soc_major_code",
            )
        _lookup(GROUP_RULES, "soc_major_code", code, soc, SOC_MAJOR_GROUPS)
        pattern = _regex(path, row, "(?i)" + _required(path, row, "pattern", rec["pattern"]))
        rules.append(Rule(_required(path, row, "rule", rec["rule"]), group, code, pattern))
    reached = {r.value for r in rules}
    for row, group in enumerate(default, start=1):
        _ensure(group in reached, directory / GROUPS,
                f"a group that a rule of {GROUP_RULES} gives, with its SOC major group", row,
                "group", group)  # fmt: skip
    return tuple(rules)


def _seniority(
    directory: Path,
) -> tuple[tuple[str, ...], dict[str, str], dict[str, int], frozenset[str]]:
    path = directory / SENIORITY
    ladder: dict[str, str] = {}
    level: dict[str, int] = {}
    management: set[str] = set()
    for row, rec in _rows(path, _read(directory, SENIORITY), "seniority"):
        value = _required(path, row, "seniority", rec["seniority"])  # the key: filled
        ladder[value] = _choice(path, row, "ladder", rec["ladder"], _LADDERS)
        if (number := rec["level"]) is not None:
            _ensure(re.fullmatch(r"[1-9]", number), path, "a level number from 1 to 9", row,
                    "level", number)  # fmt: skip
            level[value] = int(number)
        if _choice(path, row, "soc_management", rec["soc_management"], _BOOLEANS) == "true":
            management.add(value)
    order = tuple(ladder)
    _ensure(order and order[0] == "unspecified" and ladder[order[0]] == "none", path,
            "'unspecified' (ladder none) as the first seniority", 1, "seniority",
            order[0] if order else None)  # fmt: skip
    return order, ladder, level, frozenset(management)


def _seniority_rules(directory: Path, seniority: Sequence[str]) -> tuple[Rule, ...]:
    managers = directory / PEOPLE_MANAGERS
    teams = [
        _required(managers, row, "team", rec["team"])  # the key: filled
        for row, rec in _rows(managers, _read(directory, PEOPLE_MANAGERS), "team")
    ]
    people = rf"(?:{'|'.join(re.escape(t) for t in teams)}) manager"
    path = directory / SENIORITY_RULES
    rules = []
    for row, rec in _rows(path, _read(directory, SENIORITY_RULES), "rule"):
        value = _required(path, row, "seniority", rec["seniority"])
        _lookup(SENIORITY_RULES, "seniority", value, seniority, SENIORITY)
        raw = _required(path, row, "pattern", rec["pattern"])
        odd = [p for p in re.findall(r"\{[a-z_]+\}", raw) if p != PEOPLE_MANAGER_PLACEHOLDER]
        _ensure(not odd, path, f"no placeholder but {PEOPLE_MANAGER_PLACEHOLDER}", row, "pattern",
                odd[0] if odd else None)  # fmt: skip
        pattern = _regex(path, row, "(?i)" + raw.replace(PEOPLE_MANAGER_PLACEHOLDER, people))
        rules.append(Rule(_required(path, row, "rule", rec["rule"]), value, None, pattern))
    return tuple(rules)


@cache
def _load(directory: Path, stamp: tuple[tuple[str, int, int], ...]) -> RoleTables:
    """The tables of ``directory``; ``stamp`` (names, sizes, mtimes) keys the cache to their content."""
    abbreviations, glued = _abbreviations(directory)
    soc = _soc(directory)
    default, counts_as = _groups(directory, soc)
    group_rules = _group_rules(directory, default, soc)
    order, ladder, level, management = _seniority(directory)
    return RoleTables(
        directory=directory,
        abbreviations=abbreviations,
        glued_dot=glued,
        groups=tuple(default),
        counts_as=MappingProxyType(counts_as),
        group_rules=group_rules,
        seniority=order,
        ladder=MappingProxyType(ladder),
        level=MappingProxyType(level),
        soc_management=management,
        seniority_rules=_seniority_rules(directory, order),
        soc_names=MappingProxyType(soc),
    )


def load_tables(directory: str | Path | None = None) -> RoleTables:
    """Read, check and compile the rule tables (cached per folder).

    Parameters
    ----------
    directory : str or Path, optional
        A folder holding the seven ``roles_*.csv`` tables; default ``resources/``.

    Returns
    -------
    RoleTables

    Raises
    ------
    InputFileError
        A missing table, an unknown or missing column, a duplicate key, a bad boolean or level,
        a regular expression that does not compile, or a group no rule gives.
    LookupMissError
        A rule's group, a group's or rule's SOC major group, or a rule's seniority that its
        table does not list.

    Examples
    --------
    >>> t = load_tables()
    >>> t.counts_as["software engineering"], t.level["level III"], "manager" in t.soc_management
    ('engineering', 3, True)
    """
    folder = (config.RESOURCES if directory is None else Path(directory)).resolve()
    stamp = tuple(
        (name, st.st_size, st.st_mtime_ns)
        for name in _COLUMNS
        if (path := folder / name).is_file() and (st := path.stat())
    )
    return _load(folder, stamp)
