"""Reading raw files safely and writing processed files atomically.

Encodings are sniffed, never assumed (UTF-8 with or without BOM, UTF-16, cp1252);
every column is read as text so that cleaning, not the CSV parser, decides types and
nothing is coerced away silently.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.csv").write_bytes("company,date\\r\\nZürich AG,3/6/2023\\r\\n".encode("cp1252"))
>>> sniff_encoding(d / "a.csv")
'cp1252'
>>> read_csv_text(d / "a.csv").to_dicts()
[{'company': 'Zürich AG', 'date': '3/6/2023'}]
>>> import polars as pl
>>> out = write_parquet_atomic(pl.DataFrame({"x": [1]}), d / "out" / "x.parquet")
>>> pl.read_parquet(out)["x"].to_list()
[1]
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import polars as pl
import pyarrow as pa
from charset_normalizer import from_bytes

from layofflab.errors import InputFileError

__all__ = [
    "read_csv_text",
    "read_text_bytes",
    "sniff_encoding",
    "write_parquet_atomic",
    "write_text_atomic",
]

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_SNIFF_BYTES = 1 << 20


def _sniff(head: bytes, *, path: Path, complete: bool) -> str:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    # UTF-16 without BOM: every other byte of ASCII text is NUL.
    if len(head) >= 4 and head[1:40:2].count(0) >= len(head[1:40:2]) * 0.8:
        return "utf-16-le"
    if len(head) >= 4 and head[0:40:2].count(0) >= len(head[0:40:2]) * 0.8:
        return "utf-16-be"
    if b"\x00" in head:
        raise InputFileError(path, "a text file (CSV); found NUL bytes, so it looks binary")
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of a partial read is still UTF-8.
        if not complete and exc.start >= len(head) - 3:
            return "utf-8"
    best = from_bytes(head, cp_isolation=["cp1252", "latin_1", "utf_8"]).best()
    return "cp1252" if best is None or best.encoding in {"latin_1", "ascii"} else best.encoding


def sniff_encoding(path: str | Path) -> str:
    """Return the text encoding of ``path`` (``'utf-8'``, ``'utf-8-sig'``, ``'utf-16'``, ``'cp1252'``, …).

    Parameters
    ----------
    path : str or Path
        The file to inspect (the first MiB is read; the whole file is checked
        later when it is decoded).

    Raises
    ------
    InputFileError
        When the file is missing, empty, or contains NUL bytes outside UTF-16.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "an existing file")
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
        complete = fh.read(1) == b""
    if not head.strip():
        raise InputFileError(path, "a non-empty file")
    return _sniff(head, path=path, complete=complete)


def read_text_bytes(path: str | Path) -> bytes:
    """Return the file's content re-encoded as UTF-8 with ``\\n`` line ends and no BOM.

    UTF-8 files are returned without copying through a ``str`` when possible.
    Undecodable bytes raise :class:`InputFileError` naming the byte offset.
    """
    path = Path(path)
    encoding = sniff_encoding(path)
    raw = path.read_bytes()
    if encoding == "utf-8":
        try:
            if not _is_utf8(raw):
                raw.decode("utf-8")  # raises, naming the offset
        except UnicodeDecodeError as exc:  # a later part is not UTF-8 after all
            encoding = "cp1252"
            if b"\x81" in raw or b"\x8d" in raw:  # undefined in cp1252
                raise InputFileError(
                    path, "text in UTF-8 or cp1252", value=f"undecodable byte at offset {exc.start}"
                ) from exc
        else:
            return _unify_line_ends(raw)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputFileError(
            path, f"text in {encoding}", value=f"undecodable byte at offset {exc.start}"
        ) from exc
    return _unify_line_ends(text.lstrip("\ufeff").encode("utf-8"))


def _is_utf8(raw: bytes) -> bool:
    """Whether ``raw`` is valid UTF-8, checked without copying it or building a ``str``
    (ASCII: at once; otherwise Arrow's validator over the bytes in place)."""
    if raw.isascii():
        return True
    offsets = pa.array([0, len(raw)], pa.int64()).buffers()[1]
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(raw)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _unify_line_ends(raw: bytes) -> bytes:
    """CRLF → LF; a file with bare CR line ends only (classic Mac OS export) → LF."""
    if b"\r" not in raw:  # nothing to change: skip the copy
        return raw
    raw = raw.replace(b"\r\n", b"\n")
    if b"\n" not in raw and b"\r" in raw:
        raw = raw.replace(b"\r", b"\n")
    return raw


def read_csv_text(
    path: str | Path,
    *,
    required: Iterable[str] = (),
    separator: str = ",",
) -> pl.DataFrame:
    """Read a CSV with every column as ``String``; headers trimmed; empty filler columns dropped.

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
        Missing, empty, binary, truncated (unterminated quote) or header-less files,
        and missing required columns.
    """
    path = Path(path)
    content = read_text_bytes(path)
    try:
        df = pl.read_csv(
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
        df = _read_ragged(path, content, separator)
    if df.height == 0:
        raise InputFileError(path, "a CSV with a header row")
    header = _tidy_header(path, df.row(0))
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
    return df


#: A header ending in at least this many blank cells is spreadsheet filler worth skipping early.
_WIDE_FILLER = 64
_QUOTED = re.compile(rb'"(?:[^"]|"")*"')


def _leading_columns(content: bytes, separator: str) -> list[int] | None:
    """Indices of the columns before a long run of blank trailing header cells, when every
    record is empty beyond them (16,000 empty Excel columns); ``None`` means "read all".

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


def _read_ragged(path: Path, content: bytes, separator: str) -> pl.DataFrame:
    """Records with more cells than the header: read them all (nothing truncated), padded."""
    try:
        reader = csv.reader(io.StringIO(content.decode("utf-8")), delimiter=separator, strict=True)
        rows = [row for row in reader if row]  # blank lines carry no record, as in polars
    except csv.Error as exc:
        raise InputFileError(path, f"a well-formed CSV ({exc})") from exc
    width = max(len(r) for r in rows)
    columns = [[None] * len(rows) for _ in range(width)]
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            columns[j][i] = cell if cell != "" else None
    return pl.DataFrame(
        {f"column_{j}": col for j, col in enumerate(columns)},
        schema={f"column_{j}": pl.String for j in range(width)},
    )


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


def write_parquet_atomic(
    df: pl.DataFrame, path: str | Path, *, metadata: dict[str, str] | None = None
) -> Path:
    """Write ``df`` to ``path`` as Parquet via a temporary file in the same folder, then rename.

    A reader never sees a half-written file; on failure the old file is untouched. The file
    gets the mode the umask gives (0644 under the usual 022). ``metadata`` is stored as the
    Parquet file's key-value metadata (``pl.read_parquet_metadata`` reads it back).
    """
    return _atomic(path, lambda tmp: df.write_parquet(tmp, metadata=metadata))


def write_text_atomic(text: str, path: str | Path) -> Path:
    """Write UTF-8 text to ``path`` via a temporary file in the same folder, then rename."""

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)

    return _atomic(path, write)


_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    """The process umask (read by setting and restoring it, under a lock)."""
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _atomic(path: str | Path, write: Callable[[str], object]) -> Path:
    """Run ``write(tmp)`` on a temporary file beside ``path``, then rename it over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give what open() would
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
