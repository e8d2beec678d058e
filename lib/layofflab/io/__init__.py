r"""Reading raw files safely and writing processed files atomically.

Encodings are sniffed, never assumed (UTF-8 with or without BOM, UTF-16, cp1252), and a few
stray bytes never re-decode a whole file (:mod:`.decode`); every CSV column is read as text so
that cleaning, not the CSV parser, decides types, and every record is accounted for — blank
lines are not rows, short and undecodable rows are reported for rejection, a file cut mid-row
is refused (:mod:`.records`, on the byte scans of :mod:`.scan`); JSON is parsed with non-finite
numbers kept as text and deep nesting refused (:mod:`.jsondoc`); processed files are written
atomically under unique temporary names (:mod:`.atomic`).

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.csv").write_bytes("company,date\r\nZürich AG,3/6/2023\r\n".encode("cp1252"))
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

from layofflab.io.atomic import (
    remove_stale_temps,
    temp_path,
    write_parquet_atomic,
    write_text_atomic,
)
from layofflab.io.decode import Decoded, decode, read_text_bytes, sniff_encoding
from layofflab.io.jsondoc import NonFinite, read_json
from layofflab.io.records import CsvRows, read_csv_rows, read_csv_text

__all__ = [
    "CsvRows",
    "Decoded",
    "NonFinite",
    "decode",
    "read_csv_rows",
    "read_csv_text",
    "read_json",
    "read_text_bytes",
    "remove_stale_temps",
    "sniff_encoding",
    "temp_path",
    "write_parquet_atomic",
    "write_text_atomic",
]
