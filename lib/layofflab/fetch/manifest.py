r"""``data/external/MANIFEST``: what ``layofflab fetch`` downloaded, from where, when, and its checksum.

Format: UTF-8 text, tab-separated, one header line and one line per file, **sorted by path**;
no quoting (a value never holds a tab or a line break; an empty field is an absent value)::

    path  bytes  sha256  url  retrieved  etag  last_modified

* ``path`` — relative to the download folder, ``/``-separated (``sec/companyfacts/CIK0000320193.json``);
* ``bytes``, ``sha256`` — of the file as stored (after any ``Content-Encoding`` is undone);
* ``url`` — where it was downloaded from; ``retrieved`` — UTC time of the download,
  ``YYYY-MM-DDTHH:MM:SSZ``;
* ``etag``, ``last_modified`` — the HTTP validators the server sent, replayed as
  ``If-None-Match`` / ``If-Modified-Since`` on the next fetch so that an unchanged file
  is answered ``304 Not Modified`` and not downloaded again (its row then stays as it was).

Examples
--------
>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> _ = (root / "a.csv").write_text("x\n1\n")
>>> m = ExternalManifest(root)
>>> m.record(Entry.for_file(root, "a.csv", url="http://h/a.csv", retrieved="2026-12-01T09:00:00Z",
...                         etag='"v1"', last_modified=""))
>>> m.flush()
>>> print((root / "MANIFEST").read_text().replace("\t", " | "), end="")
path | bytes | sha256 | url | retrieved | etag | last_modified
a.csv | 4 | daff832f... | http://h/a.csv | 2026-12-01T09:00:00Z | "v1" |
>>> verify_manifest(root).select("path", "bytes").rows()
[('a.csv', 4)]
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import astuple, dataclass
from pathlib import Path

import polars as pl

from layofflab.errors import ManifestError
from layofflab.io import write_text_atomic
from layofflab.manifest import sha256_file

__all__ = [
    "COLUMNS",
    "MANIFEST_NAME",
    "Entry",
    "ExternalManifest",
    "read_manifest",
    "verify_manifest",
]

MANIFEST_NAME = "MANIFEST"
#: Columns of the manifest, in order.
COLUMNS: tuple[str, ...] = ("path", "bytes", "sha256", "url", "retrieved", "etag", "last_modified")


@dataclass(frozen=True)
class Entry:
    """One manifest row (see the module docstring for the fields)."""

    path: str
    bytes: int
    sha256: str
    url: str
    retrieved: str
    etag: str = ""
    last_modified: str = ""

    def __post_init__(self) -> None:
        for name, value in zip(COLUMNS, astuple(self), strict=True):
            if any(c in str(value) for c in "\t\r\n"):
                raise ManifestError(self.path, f"{name} {value!r} holds a tab or a line break")

    @classmethod
    def for_file(cls, root: Path, path: str, **fields: str) -> Entry:
        """The entry of ``root / path`` with its size and sha256 computed now."""
        full = Path(root) / path
        return cls(path, full.stat().st_size, sha256_file(full), **fields)

    def line(self) -> str:
        """The entry as one tab-separated MANIFEST line (no line break)."""
        return "\t".join(str(v) for v in astuple(self))


def read_manifest(root: str | Path) -> pl.DataFrame:
    """The manifest of a download folder as a table (empty when there is none yet).

    Raises
    ------
    ManifestError
        A header other than :data:`COLUMNS`, or a line with another number of fields.
    """
    path = Path(root) / MANIFEST_NAME
    rows: list[list[str]] = []
    if path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()
        if not lines or tuple(lines[0].split("\t")) != COLUMNS:
            raise ManifestError(path, f"header {lines[:1]}, expected {list(COLUMNS)}")
        for number, line in enumerate(lines[1:], start=2):
            fields = line.split("\t")
            if len(fields) != len(COLUMNS):
                raise ManifestError(path, f"line {number} has {len(fields)} fields, expected 7")
            rows.append(fields)
    df = pl.DataFrame(rows, schema=dict.fromkeys(COLUMNS, pl.String), orient="row")
    return df.with_columns(pl.col("bytes").cast(pl.Int64))


def verify_manifest(root: str | Path) -> pl.DataFrame:
    """Check every listed file against its size and sha256; return the manifest when all match.

    Raises
    ------
    ManifestError
        For the first listed file that is missing or changed.
    """
    root = Path(root)
    manifest = read_manifest(root)
    for name, size, digest in manifest.select("path", "bytes", "sha256").iter_rows():
        path = root / name
        if not path.is_file():
            raise ManifestError(path, f"listed in {root / MANIFEST_NAME} but missing")
        found = sha256_file(path)
        if path.stat().st_size != size or found != digest:
            raise ManifestError(
                path, f"content changed (sha256 {digest[:12]} listed, {found[:12]} found)"
            )
    return manifest


class ExternalManifest:
    """The manifest of one download folder, held in memory and rewritten atomically.

    Thread-safe. :meth:`record` rewrites the file at most every ``flush_every`` seconds
    (a run of thousands of files does not rewrite it thousands of times); :meth:`flush`
    (called by :class:`~layofflab.fetch.http.Fetcher` on close) writes it now.
    """

    def __init__(
        self,
        root: str | Path,
        *,
        flush_every: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.root = Path(root)
        self.path = self.root / MANIFEST_NAME
        self._entries = {
            row[0]: Entry(row[0], int(row[1]), *row[2:])
            for row in read_manifest(self.root).fill_null("").iter_rows()
        }
        self._lock = threading.Lock()
        self._flush_every = flush_every
        self._clock = clock
        self._last_flush = clock()
        self._dirty = False

    def get(self, path: str) -> Entry | None:
        """The entry of ``path`` (relative, ``/``-separated), if any."""
        with self._lock:
            return self._entries.get(path)

    def record(self, entry: Entry) -> None:
        """Add or replace the entry of ``entry.path``."""
        with self._lock:
            self._entries[entry.path] = entry
            self._dirty = True
            due = self._clock() - self._last_flush >= self._flush_every
        if due:
            self.flush()

    def flush(self) -> None:
        """Write the manifest now if anything changed (atomically, sorted by path)."""
        with self._lock:
            if not self._dirty:
                return
            lines = ["\t".join(COLUMNS), *(self._entries[p].line() for p in sorted(self._entries))]
            write_text_atomic("\n".join(lines) + "\n", self.path)
            self._dirty = False
            self._last_flush = self._clock()
