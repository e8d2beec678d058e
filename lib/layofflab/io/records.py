r"""Reading a CSV as text: every column a ``String``, every record accounted for.

Cleaning, not the CSV parser, decides types, so nothing is coerced away silently. What the
parser alone would hide is found here, on the bytes: blank lines (not rows), rows with fewer
fields than the header (polars would pad them with nulls), a file cut mid-row, stray bytes in
a UTF-8 file (:mod:`.decode`). :func:`read_csv_rows` returns such rows with their reason, for
the reader to reject; :func:`read_csv_text` refuses a file that has any.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
>>> _ = p.write_text("company,date,count\nAcme,2025-01-02,5\n\nBeta,2025-01-03\n")
>>> rows = read_csv_rows(p)
>>> rows.frame.rows()
[('Acme', '2025-01-02', '5'), ('Beta', '2025-01-03', None)]
>>> rows.problems.to_list()
[None, 'short row: 2 of 3 fields']
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from layofflab.errors import InputFileError
from layofflab.io.decode import decode
from layofflab.io.scan import Records, records

__all__ = ["CsvRows", "read_csv_rows", "read_csv_text"]


@dataclass(frozen=True)
class CsvRows:
    """A CSV read as text, with the rows that cannot be trusted.

    Attributes
    ----------
    frame : polars.DataFrame
        One row per data record (blank lines are not records), every column ``String``.
    problems : polars.Series
        ``String``, aligned with ``frame``: why a row cannot be trusted (``'short row: 5 of 9
        fields'``, ``'undecodable byte 0xFC at offset 1234 …'``), null for a sound row.
    """

    frame: pl.DataFrame
    problems: pl.Series

    def first_problem(self) -> tuple[int, str] | None:
        """``(1-based row, reason)`` of the first untrusted row, or ``None``."""
        bad = self.problems.is_not_null()
        if not bad.any():
            return None
        i = int(bad.arg_true()[0])
        return i + 1, str(self.problems[i])


def read_csv_text(
    path: str | Path,
    *,
    required: Iterable[str] = (),
    separator: str = ",",
) -> pl.DataFrame:
    r"""Read a CSV with every column as ``String``; headers trimmed; empty filler columns dropped.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    required : iterable of str
        Header names (after trimming, case-sensitive) that must be present.
    separator : str
        Field separator.

    Returns
    -------
    polars.DataFrame
        One row per data record, in file order; empty cells are null. Columns whose header is blank and
        whose every value is blank (spreadsheet filler) are dropped; a blank-header
        column holding any value is kept as ``column_<n>``. Duplicated headers get
        suffixes ``_2``, ``_3``.

    Raises
    ------
    InputFileError
        Missing, empty, binary, truncated (cut mid-row or inside a quote) or header-less files,
        missing required columns, and any row :func:`read_csv_rows` reports (naming it).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = p.write_text(" company ,count,\nAcme,5,\nBeta,,\n")
    >>> read_csv_text(p, required=["company"]).rows()
    [('Acme', '5'), ('Beta', None)]
    """
    rows = read_csv_rows(path, required=required, separator=separator)
    first = rows.first_problem()
    if first is not None:
        raise InputFileError(path, "rows that read completely", row=first[0], value=first[1])
    return rows.frame


def read_csv_rows(
    path: str | Path,
    *,
    required: Iterable[str] = (),
    separator: str = ",",
) -> CsvRows:
    r""":func:`read_csv_text` for readers that reject rows: the frame and each row's problem.

    Raises
    ------
    InputFileError
        Missing, empty, binary, truncated or header-less files, missing required columns.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = p.write_text("company,count\nAcme,5\nBeta\n")
    >>> rows = read_csv_rows(p)
    >>> rows.frame.rows(), rows.problems.to_list()
    ([('Acme', '5'), ('Beta', None)], [None, 'short row: 1 of 2 fields'])
    """
    path = Path(path)
    decoded = decode(path, separator=separator)
    content = decoded.content
    rec = records(content, separator=separator)
    if rec.open_quote:
        raise InputFileError(
            path, "a well-formed CSV", found="a quoted value that never closes (file truncated?)"
        )
    keep = np.flatnonzero(~rec.blank)
    if not len(keep):
        raise InputFileError(path, "a CSV with a header row")
    if len(keep) < len(rec.blank):  # blank lines are not rows: drop them before parsing
        content = b"\n".join(content[rec.starts[i] : rec.ends[i]] for i in keep) + b"\n"
    df = _parse(path, content, separator)
    if df.height != len(keep):  # a quote the byte scan read otherwise than the parser
        if decoded.bad_records:
            first = decoded.bad_records[min(decoded.bad_records)]
            raise InputFileError(path, "text in one encoding", value=first)
        df, fields = _parse_python(path, content, separator)
        keep = np.arange(len(fields))
    else:
        fields = rec.fields[keep]
    header_row = int(keep[0])
    if header_row in decoded.bad_records:
        raise InputFileError(path, "a readable header row", value=decoded.bad_records[header_row])
    header = _tidy_header(path, df.row(0))
    problems = _problems(path, rec, keep, fields, header, decoded.bad_records)
    df = df.slice(1)
    df.columns = header
    blank = [n for n in header if n.startswith("\x00blank")]
    filler = {n for n in blank if df[n].is_null().all() or df[n].str.strip_chars().eq("").all()}
    df = df.select([n for n in header if n not in filler])
    df = df.rename({n: f"column_{header.index(n) + 1}" for n in blank if n not in filler})
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputFileError(
            path, f"columns {sorted(required)}", column=", ".join(missing), value="missing"
        )
    return CsvRows(df, pl.Series("_row_problem", problems, dtype=pl.String))


def _problems(
    path: Path,
    rec: Records,
    keep: np.ndarray,
    fields: np.ndarray,
    header: list[str],
    bad_records: dict[int, str],
) -> list[str | None]:
    """Each data row's problem: undecodable bytes, or fewer fields than the header names."""
    named = max(i for i, n in enumerate(header) if not n.startswith("\x00blank")) + 1
    out: list[str | None] = [None] * (len(keep) - 1)
    for j in np.flatnonzero(fields[1:] < named).tolist():
        out[j] = f"short row: {int(fields[j + 1])} of {named} fields"
    if not rec.terminated and len(keep) > 1 and out[-1] is not None:
        raise InputFileError(
            path,
            "a complete file",
            row=len(keep) - 1,
            found=f"it ends mid-row ({out[-1].removeprefix('short row: ')}, no line end)",
        )
    position = {int(r): j - 1 for j, r in enumerate(keep.tolist())}
    for r, reason in bad_records.items():
        at = position.get(r)
        if at is not None and at >= 0:
            out[at] = reason
    return out


def _parse(path: Path, content: bytes, separator: str) -> pl.DataFrame:
    try:
        return pl.read_csv(
            io.BytesIO(content),
            separator=separator,
            infer_schema=False,
            has_header=False,
            truncate_ragged_lines=False,
            columns=_leading_columns(content, separator),
        )
    except pl.exceptions.NoDataError as exc:
        raise InputFileError(path, "a CSV with a header row") from exc
    except pl.exceptions.ComputeError as exc:
        if "more fields than defined" not in str(exc):
            raise InputFileError(path, f"a well-formed CSV ({str(exc).splitlines()[0]})") from exc
        return _parse_python(path, content, separator)[0]


#: A header ending in at least this many blank cells is spreadsheet filler worth skipping early.
_WIDE_FILLER = 64
_QUOTED = re.compile(rb'"(?:[^"]|"")*"')


def _leading_columns(content: bytes, separator: str) -> list[int] | None:
    """Indices of the columns before a long run of blank trailing header cells, or ``None``.

    Given when every record is empty beyond them (16,000 empty Excel columns); ``None`` means
    "read all".

    Parsing thousands of empty columns is slow, so they are skipped; the check works on the
    text with quoted fields blanked, so a separator inside quotes cannot fool it.
    """
    sep = separator.encode()
    header = _QUOTED.sub(b'""', content[: content.find(b"\n") if b"\n" in content else None])
    cells = header.split(sep)
    keep = len(cells)
    while keep and not cells[keep - 1].strip(b' "'):
        keep -= 1
    if keep == 0 or len(cells) - keep < _WIDE_FILLER:
        return None
    for line in _QUOTED.sub(b'""', content).split(b"\n"):
        if line.rstrip(sep + b" \r").count(sep) >= keep:
            return None
    return list(range(keep))


def _parse_python(path: Path, content: bytes, separator: str) -> tuple[pl.DataFrame, np.ndarray]:
    """Every record with Python's csv module, and each record's number of fields.

    Rows longer than the header: nothing truncated; short ones padded.
    """
    try:
        reader = csv.reader(io.StringIO(content.decode("utf-8")), delimiter=separator, strict=True)
        rows = [row for row in reader if row and (len(row) > 1 or row[0].strip(" \t"))]
    except csv.Error as exc:
        raise InputFileError(path, f"a well-formed CSV ({exc})") from exc
    if not rows:
        raise InputFileError(path, "a CSV with a header row")
    width = max(len(r) for r in rows)
    columns: list[list[str | None]] = [[None] * len(rows) for _ in range(width)]
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            columns[j][i] = cell if cell != "" else None
    frame = pl.DataFrame(
        {f"column_{j}": col for j, col in enumerate(columns)},
        schema={f"column_{j}": pl.String for j in range(width)},
    )
    return frame, np.array([len(r) for r in rows])


def _tidy_header(path: Path, first: tuple[str | None, ...]) -> list[str]:
    """Header names trimmed, blank ones marked, duplicates suffixed."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, raw_name in enumerate(first):
        name = " ".join((raw_name or "").split())
        if not name:
            name = f"\x00blank{i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        names.append(name)
    if all(n.startswith("\x00blank") for n in names):
        raise InputFileError(path, "a header row with column names")
    return names
