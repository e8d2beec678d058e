"""The small workbook ``tests/fixtures/ai_events/dc_registry_sample.xlsx``, in the registry's
format, with every dirty case the reader handles. Invented projects (``example.org`` URLs).

Regenerate after a change with ``python tests/dc_registry_fixture.py``; a test checks that the
committed file is what this module writes.

Examples
--------
>>> SHEETS["infrastructure project data"][0][:4]
['p_id', 'country', 'description', 'url']
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from xlsx_writer import ExcelError, write_xlsx

PATH = Path(__file__).parent / "fixtures" / "ai_events" / "dc_registry_sample.xlsx"
REF = ExcelError("#REF!")

_HEADER = [
    "p_id",
    "country",
    "description",
    "url",
    "year_announced",
    "year_start",
    "year_end",
    "ai_ml",
    "us_companies",
    "us_operator_companies",
    "Investments (project-specific)",
    "Total investment",
]


def _row(p_id, country, description, url, announced, start, end, ai_ml, us, invest):
    return [p_id, country, description, url, announced, start, end, ai_ml, us, us, invest, 0]


#: Data rows, numbered as ``source_row`` (1-based, the header excluded).
_DATA = [
    _row(
        "P001",
        "Ireland",
        "Example hyperscale campus",
        "https://example.org/p1",
        2021,
        2022,
        None,
        True,
        "AWS, Google, Microsoft",
        1_000_000_000,
    ),
    _row(
        "P002",
        "Japan",
        "Example region with a broken link",
        REF,
        "2021/2022",
        None,
        2022,
        False,
        "Oracle",
        None,
    ),
    _row(
        "P003",
        "Chile",
        "Example start stored as a date",
        "https://example.org/p3",
        None,
        dt.date(2023, 3, 15),
        "-",
        True,
        "Red Hat, Inc.",
        25_000_000,
    ),
    _row(
        "P004",
        "Kenya",
        "Example year stored as a serial",
        "https://example.org/p4",
        44974,
        None,
        "2020 (phase 1), 2025 (phase 2)",
        False,
        "Equinix",
        None,
    ),
    _row(
        "P005",
        "India",
        "Example with four partners",
        "see annual report",
        2019,
        2020,
        "Example supercomputer name",
        False,
        "Cloud HQ, CyrusOne, CoreWeave, and ServiceNow",
        None,
    ),
    [0, 0, "# of missing values --->", 2, 148, 480, 684, None, 700, 700, 541, 6],
    [],
    _row(
        "P008",
        REF,
        "Example broken country",
        "https://example.org/p8",
        2020,
        None,
        None,
        False,
        None,
        None,
    ),
    _row(
        "P001",
        "Ireland",
        "Example repeated id",
        "https://example.org/p1b",
        2021,
        None,
        None,
        False,
        "AWS",
        None,
    ),
    _row(
        "P010",
        "Germany",
        "Example negative amount",
        "https://example.org/p10",
        2022,
        None,
        None,
        False,
        None,
        -5,
    ),
    _row(
        "P011",
        "France",
        "Example amount in words",
        "https://example.org/p11",
        2022,
        None,
        None,
        False,
        None,
        "about a billion",
    ),
    _row(
        "P012",
        None,
        "Example without a country",
        "https://example.org/p12",
        2023,
        None,
        None,
        False,
        "Google",
        None,
    ),
    _row(
        "P013",
        "Brazil",
        "Example two firms",
        "https://example.org/p13",
        2024,
        2025,
        None,
        True,
        "Microsoft; Nvidia",
        250_000_000,
    ),
    _row(
        "P014",
        "Mexico",
        "Example broken company list",
        "https://example.org/p14",
        2024,
        None,
        None,
        False,
        REF,
        None,
    ),
]

#: Sheet name → rows (header first); the scratch sheet is hidden, as in the real workbook.
SHEETS = {
    "readme": [["Example registry workbook (a test fixture)"], ["Sheets: see below"]],
    "infrastructure project data": [_HEADER, *_DATA],
    "infrastructure project quotes": [
        ["p_id", "quote", "date_published"],
        ["P001", "Example quote.", 44974],
    ],
    "infrastructure projects": [
        ["p_id", "country", "description"],
        [0, 0, "# of missing values --->"],
        ["P001", "Ireland", "scratch copy"],
    ],
}


def write(path: Path = PATH) -> Path:
    """Write the fixture workbook to ``path``."""
    return write_xlsx(path, SHEETS, hidden=["infrastructure projects"])


if __name__ == "__main__":
    print(write())
