"""Named exceptions. Each carries the argument, file, row, column or value at fault.

Every user-facing error derives from :class:`LayofflabError`; the command line turns
one into a one-line message and exit status 2.

Examples
--------
>>> err = InvalidArgumentError("cluster", "frim", expected="a column of the data")
>>> print(err)
cluster='frim': expected a column of the data
>>> err.name, err.value
('cluster', 'frim')
>>> print(InputFileError("a.csv", "a header with 'company'", row=3, column="date", value="13/45/2020"))
a.csv, row 3, column 'date', value '13/45/2020': expected a header with 'company'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = [
    "MAX_SHOWN",
    "DownloadError",
    "EstimationError",
    "InputFileError",
    "InvalidArgumentError",
    "LayofflabError",
    "LookupMissError",
    "ManifestError",
    "MissingDependencyError",
    "ProjectNotFoundError",
    "RowConservationError",
    "SchemaValidationError",
    "TransientDownloadError",
    "shorten",
]


#: Longest value (its ``repr``) an error message quotes in full.
MAX_SHOWN = 200


def shorten(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` cut in the middle to at most ``limit`` characters, saying how much was cut.

    >>> shorten("x" * 1000, 40)
    'xxxxxxxxxx…[980 characters]…xxxxxxxxxx'
    """
    if len(text) <= limit:
        return text
    keep = max((limit - len(f"…[{len(text)} characters]…")) // 2, 0)
    return f"{text[:keep]}…[{len(text) - 2 * keep} characters]…{text[len(text) - keep :]}"


class LayofflabError(Exception):
    """Base class of every error the toolkit raises on bad input or bad arguments."""


class InvalidArgumentError(LayofflabError, ValueError):
    """A function argument has a value the function cannot use.

    Parameters
    ----------
    name : str
        The argument's name.
    value : Any
        The value received.
    expected : str
        What would have been accepted.
    """

    def __init__(self, name: str, value: Any, *, expected: str) -> None:
        self.name = name
        self.value = value
        self.expected = expected
        super().__init__(f"{name}={value!r}: expected {expected}")


class InputFileError(LayofflabError, ValueError):
    """A raw file cannot be read as the source it claims to be.

    ``row`` is the 1-based data row (header excluded), as in ``source_row``.
    """

    def __init__(
        self,
        path: str | Path,
        expected: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        found: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.expected = expected
        self.found = found
        self.row = row
        self.column = column
        self.value = value
        where = [str(path)]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {shorten(repr(column))}")
        if value is not None:
            where.append(f"value {shorten(repr(value))}")
        tail = f"; found {found}" if found is not None else ""
        super().__init__(f"{', '.join(where)}: expected {expected}{tail}")


class LookupMissError(LayofflabError, KeyError):
    """A value has no entry in a declarative lookup table (column map, taxonomy, alias table)."""

    def __init__(self, source: str, column: str, value: Any, *, table: str | Path) -> None:
        self.source = source
        self.column = column
        self.value = value
        self.table = table
        super().__init__(source, column, value)

    def __str__(self) -> str:
        return (
            f"source {self.source!r}, column {self.column!r}: value {self.value!r} "
            f"has no entry in {self.table}"
        )


class SchemaValidationError(LayofflabError, ValueError):
    """A processed table does not satisfy its declared schema; nothing was written."""

    def __init__(self, table: str, detail: str) -> None:
        self.table = table
        self.detail = detail
        super().__init__(f"table {table!r} fails its schema: {detail}")


class ManifestError(LayofflabError):
    """A raw file differs from ``data/raw/MANIFEST`` (changed, missing or unlisted)."""

    def __init__(self, path: str | Path, problem: str, *, hint: str | None = None) -> None:
        self.path = Path(path)
        self.problem = problem
        hint = hint or (
            "Raw data is immutable; if the change is deliberate, "
            "run `make manifest` and commit the new MANIFEST."
        )
        super().__init__(f"{path}: {problem}. {hint}")


class EstimationError(LayofflabError):
    """A model cannot be estimated on the data given (e.g. no variation left after fixed effects).

    Parameters
    ----------
    estimator : str
        The estimator that failed (``panel_ols``, ``ppml``, ``event_study``, …).
    problem : str
        What made it impossible, in words.
    """

    def __init__(self, estimator: str, problem: str) -> None:
        self.estimator = estimator
        self.problem = problem
        super().__init__(f"{estimator}: {problem}")


class RowConservationError(LayofflabError):
    """Rows in ≠ rows clean + rows rejected for a file: a reader lost or invented rows."""


class DownloadError(LayofflabError):
    """A download failed or gave content that is not what was asked for; no good file was replaced.

    >>> print(DownloadError("https://h/x.json", "HTTP 500 after 5 attempts", status=500))
    https://h/x.json: HTTP 500 after 5 attempts
    """

    def __init__(self, url: str, problem: str, *, status: int | None = None) -> None:
        self.url = url
        self.problem = problem
        self.status = status
        super().__init__(f"{url}: {problem}")


class TransientDownloadError(DownloadError):
    """A try that failed in a way worth another: HTTP 429 or 5xx, a timeout, a dropped connection.

    Raised and caught inside the retry loop of :class:`layofflab.fetch.http.Fetcher`; after
    the last try the caller gets a :class:`DownloadError`. ``wait`` is the server's
    ``Retry-After`` in seconds, if it sent one.
    """

    def __init__(
        self, url: str, problem: str, *, status: int | None = None, wait: float | None = None
    ) -> None:
        super().__init__(url, problem, status=status)
        self.wait = wait


class MissingDependencyError(LayofflabError):
    """An optional package needed for a feature is not installed.

    >>> print(MissingDependencyError("warn-scraper", extra="scrape", purpose="scrape state portals"))
    warn-scraper is not installed (needed to scrape state portals): pip install 'layofflab[scrape]'
    """

    def __init__(self, package: str, *, extra: str, purpose: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"{package} is not installed (needed to {purpose}): pip install 'layofflab[{extra}]'"
        )


class ProjectNotFoundError(LayofflabError):
    """No layofflab project (a checkout with ``data/raw/MANIFEST``) where one is needed.

    ``where`` is the folder looked from (or the folder named by ``--project`` or
    ``LAYOFFLAB_PROJECT``); ``problem`` says what is missing there.
    """

    def __init__(self, where: str | Path, problem: str) -> None:
        self.where = Path(where)
        self.problem = problem
        super().__init__(
            f"{where}: {problem}; run inside a layofflab checkout, or pass --project DIR "
            "(or set LAYOFFLAB_PROJECT)"
        )
