r"""Content checks run on a complete download before it may replace the file in place.

A check takes the downloaded file and raises :class:`~layofflab.errors.InputFileError`
when it is not what was asked for: an HTML page (an error or login page sent with status
200), JSON that does not parse or lacks the expected keys, a CSV without rows or required
columns, a broken ZIP archive. The downloader then keeps the previous good file.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "page.json").write_text("<!DOCTYPE html><html><body>Request Rate Threshold Exceeded</body></html>")
>>> json_check(keys=("cik", "facts"))(d / "page.json")
Traceback (most recent call last):
...
layofflab.errors.InputFileError: ...page.json: expected JSON, not an HTML page ('<!DOCTYPE html><html><body>Request Rate...')
>>> _ = (d / "a.csv").write_text("state,employer_name\nWA,Acme\n")
>>> csv_check(required=("state", "employer_name"))(d / "a.csv")
>>> csv_check(required=("cik",))(d / "a.csv")
Traceback (most recent call last):
...
layofflab.errors.InputFileError: ...a.csv, column 'cik': expected a CSV with columns ['cik'] (found ['state', 'employer_name'])
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from layofflab.errors import InputFileError, LayofflabError
from layofflab.io import read_csv_text, read_text_bytes

__all__ = ["Check", "csv_check", "html_head", "json_check", "zip_check"]

#: A content check: raises InputFileError for a file that must not be kept.
Check = Callable[[Path], None]
_HTML = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body)", re.IGNORECASE)


def html_head(head: bytes) -> str | None:
    """The start of ``head`` (the first bytes of a body) when it is an HTML page, else None.

    >>> html_head(b"  <html><title>Not Found</title></html>")
    '<html><title>Not Found</title></html>'
    >>> html_head(b'{"cik": 320193}') is None
    True
    """
    if not _HTML.match(head):
        return None
    text = head.decode("utf-8", errors="replace").strip()
    return text if len(text) <= 40 else text[:40] + "..."


def _reject_html(path: Path, expected: str) -> None:
    with path.open("rb") as fh:
        page = html_head(fh.read(512))
    if page is not None:
        raise InputFileError(path, f"{expected}, not an HTML page ({page!r})")


def json_check(
    *, keys: Sequence[str] = (), where: Callable[[dict[str, Any]], str | None] | None = None
) -> Check:
    """A check that the file is a JSON object with ``keys`` (and ``where(doc)`` returns None).

    ``where`` returns a problem description, or None when the document is right.
    """

    def check(path: Path) -> None:
        _reject_html(path, "JSON")
        try:
            doc = json.loads(read_text_bytes(path))
        except json.JSONDecodeError as exc:
            raise InputFileError(
                path,
                f"JSON; invalid or truncated ({exc.msg} at line {exc.lineno}, column {exc.colno})",
            ) from exc
        if not isinstance(doc, dict):
            raise InputFileError(path, "a JSON object", value=type(doc).__name__)
        missing = [k for k in keys if k not in doc]
        if missing:
            raise InputFileError(
                path, f"a JSON object with keys {list(keys)}", value=f"missing {missing}"
            )
        problem = where(doc) if where is not None else None
        if problem:
            raise InputFileError(path, problem)

    return check


def csv_check(*, required: Sequence[str] = (), min_columns: int = 1, min_rows: int = 1) -> Check:
    """A check that the file parses as CSV with ``required`` columns and at least ``min_rows`` rows."""

    def check(path: Path) -> None:
        _reject_html(path, "CSV")
        try:
            df = read_csv_text(path)
        except LayofflabError:
            raise
        except Exception as exc:  # the CSV parser's own error: a file that does not parse
            raise InputFileError(path, f"a CSV file ({type(exc).__name__}: {exc})") from exc
        missing = [c for c in required if c not in df.columns]
        if missing:
            raise InputFileError(
                path,
                f"a CSV with columns {missing} (found {df.columns[:8]})",
                column=missing[0],
            )
        if df.width < min_columns:
            raise InputFileError(
                path, f"a CSV with at least {min_columns} columns", value=df.columns
            )
        if df.height < min_rows:
            raise InputFileError(
                path, f"a CSV with at least {min_rows} data row(s)", value=df.height
            )

    return check


def zip_check(*, member: str | None = None) -> Check:
    """A check that the file is an intact ZIP archive (every member's CRC) whose members match ``member`` (a regex)."""
    pattern = re.compile(member) if member else None

    def check(path: Path) -> None:
        _reject_html(path, "a ZIP archive")
        try:
            with zipfile.ZipFile(path) as archive:
                bad = archive.testzip()
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise InputFileError(path, f"a ZIP archive ({exc})") from exc
        if bad is not None:
            raise InputFileError(path, "a ZIP archive with intact members", value=bad)
        if not names:
            raise InputFileError(path, "a ZIP archive with at least one member")
        if pattern is not None:
            odd = [n for n in names if not pattern.fullmatch(n)]
            if odd:
                raise InputFileError(path, f"members named like {member}", value=odd[0])

    return check
