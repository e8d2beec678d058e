r"""The raw-data manifest: ``data/raw/MANIFEST`` lists path, bytes, sha256, source and retrieval date.

Raw files are immutable. :func:`verify_manifest` stops the pipeline with a clear
message when a raw file changed, disappeared or is not listed;
:func:`write_manifest` refreshes the hashes on purpose (``make manifest``),
keeping each file's source and retrieval date.

The file is tab-separated with a header: ``path  bytes  sha256  source  retrieved``.

Examples
--------
>>> import tempfile, pathlib
>>> raw = pathlib.Path(tempfile.mkdtemp())
>>> _ = (raw / "a.csv").write_text("x\n1\n")
>>> m = write_manifest(raw, sources={"a.csv": ("hand-typed", "2026-11-28")})
>>> verify_manifest(raw).select("path", "bytes").to_dicts()
[{'path': 'a.csv', 'bytes': 4}]
>>> _ = (raw / "a.csv").write_text("x\n2\n")
>>> verify_manifest(raw)
Traceback (most recent call last):
...
layofflab.errors.ManifestError: ...a.csv: content changed (sha256 ... listed, ... found)...
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

import polars as pl

from layofflab import config
from layofflab.errors import ManifestError, shorten
from layofflab.io import write_text_atomic

__all__ = [
    "MANIFEST_NAME",
    "describe_changes",
    "manifest_changes",
    "read_manifest",
    "sha256_file",
    "verify_manifest",
    "write_manifest",
]

MANIFEST_NAME = "MANIFEST"
_COLUMNS = ("path", "bytes", "sha256", "source", "retrieved")
_IGNORED = {MANIFEST_NAME, "README.md", ".gitkeep"}


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> sha256_file(p)[:16]
    'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _raw_files(raw_dir: Path) -> list[str]:
    return sorted(
        p.relative_to(raw_dir).as_posix()
        for p in raw_dir.rglob("*")
        if p.is_file() and p.name not in _IGNORED and not p.name.startswith(".")
    )


_HINT = (
    "Restore it (`git checkout data/raw/MANIFEST`), or delete it and run `make manifest` "
    "to list the raw files again (their sources then read UNDOCUMENTED until filled in)."
)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _raw_dir(raw_dir: str | Path | None) -> Path:
    return config.DATA_RAW if raw_dir is None else Path(raw_dir)


def read_manifest(raw_dir: str | Path | None = None) -> pl.DataFrame:
    r"""Read ``<raw_dir>/MANIFEST`` (default ``data/raw``).

    Raises
    ------
    ManifestError
        When it is missing, empty or malformed: not UTF-8, another header, a line without
        five tab-separated fields, a size that is not a whole number, a sha256 that is not 64
        hex digits, a path listed twice (naming the line).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> raw = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (raw / "a.csv").write_text("x\n1\n")
    >>> _ = write_manifest(raw, sources={"a.csv": ("hand-typed", "2026-11-28")})
    >>> read_manifest(raw).select("path", "bytes", "source").rows()
    [('a.csv', 4, 'hand-typed')]
    """
    path = _raw_dir(raw_dir) / MANIFEST_NAME
    if not path.is_file():
        raise ManifestError(path, "missing")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ManifestError(path, f"not UTF-8 (byte offset {exc.start})", hint=_HINT) from exc
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ManifestError(
            path, f"empty (expected the header {chr(9).join(_COLUMNS)!r})", hint=_HINT
        )
    if tuple(lines[0].split("\t")) != _COLUMNS:
        found = shorten(repr(lines[0]))
        raise ManifestError(path, f"header {found}, expected {list(_COLUMNS)}", hint=_HINT)
    rows: list[tuple[str, int, str, str, str]] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        problem = None
        if len(cells) != len(_COLUMNS):
            problem = f"{len(cells)} tab-separated fields, expected {len(_COLUMNS)}"
        elif not cells[0].strip():
            problem = "an empty path"
        elif not cells[1].isdigit():
            problem = f"bytes {shorten(repr(cells[1]))} is not a whole number"
        elif not _SHA256.match(cells[2]):
            problem = f"sha256 {shorten(repr(cells[2]))} is not 64 lower-case hex digits"
        elif cells[0] in seen:
            problem = f"{cells[0]!r} listed again (first on line {seen[cells[0]]})"
        if problem:
            raise ManifestError(path, f"line {number}: {problem}", hint=_HINT)
        seen[cells[0]] = number
        rows.append((cells[0], int(cells[1]), cells[2], cells[3], cells[4]))
    schema = dict(
        zip(_COLUMNS, (pl.String, pl.Int64, pl.String, pl.String, pl.String), strict=True)
    )
    return pl.DataFrame(rows, schema=schema, orient="row")


def verify_manifest(raw_dir: str | Path | None = None) -> pl.DataFrame:
    r"""Check every raw file against the manifest; return the manifest when all match.

    Raises
    ------
    ManifestError
        For the first file that changed (size or sha256), is missing, or is not listed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> raw = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (raw / "a.csv").write_text("x\n1\n")
    >>> _ = write_manifest(raw, sources={"a.csv": ("hand-typed", "2026-11-28")})
    >>> _ = (raw / "b.csv").write_text("y\n")
    >>> verify_manifest(raw)
    Traceback (most recent call last):
    ...
    layofflab.errors.ManifestError: ...b.csv...
    """
    raw_dir = _raw_dir(raw_dir)
    manifest = read_manifest(raw_dir)
    listed = set(manifest["path"])
    for name in _raw_files(raw_dir):
        if name not in listed:
            raise ManifestError(raw_dir / name, "not listed in data/raw/MANIFEST")
    for name, size, digest in manifest.select("path", "bytes", "sha256").iter_rows():
        path = raw_dir / name
        if not path.is_file():
            raise ManifestError(path, "listed in data/raw/MANIFEST but missing")
        found = sha256_file(path)
        if path.stat().st_size != size or found != digest:
            raise ManifestError(
                path, f"content changed (sha256 {digest[:12]} listed, {found[:12]} found)"
            )
    return manifest


def manifest_changes(raw_dir: str | Path | None = None) -> pl.DataFrame:
    r"""What :func:`write_manifest` would change: one row per raw file added, changed or removed.

    Columns ``path``, ``change`` (``added``, ``changed``, ``removed``), ``old_sha256``,
    ``new_sha256``, ``old_bytes``, ``new_bytes`` (null where there is none); empty when the
    manifest matches the files. A missing manifest counts every file as added.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> raw = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (raw / "a.csv").write_text("x\n1\n")
    >>> manifest_changes(raw).select("path", "change", "new_bytes").rows()
    [('a.csv', 'added', 4)]
    """
    raw_dir = _raw_dir(raw_dir)
    old: dict[str, tuple[str, int]] = {}
    if (raw_dir / MANIFEST_NAME).is_file():
        listed = read_manifest(raw_dir)
        old = {p: (h, n) for p, n, h in listed.select("path", "bytes", "sha256").iter_rows()}
    now = {
        name: (sha256_file(raw_dir / name), (raw_dir / name).stat().st_size)
        for name in _raw_files(raw_dir)
    }
    rows = []
    for name in sorted(set(old) | set(now)):
        before, after = old.get(name), now.get(name)
        if before == after:
            continue
        change = "added" if before is None else "removed" if after is None else "changed"
        rows.append(
            (
                name,
                change,
                before and before[0],
                after and after[0],
                before and before[1],
                after and after[1],
            )
        )
    schema = {
        "path": pl.String,
        "change": pl.String,
        "old_sha256": pl.String,
        "new_sha256": pl.String,
        "old_bytes": pl.Int64,
        "new_bytes": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def describe_changes(changes: pl.DataFrame) -> list[str]:
    """One line per change of :func:`manifest_changes`, with sha256 prefixes and sizes.

    Examples
    --------
    >>> df = pl.DataFrame({"path": ["a.csv"], "change": ["changed"], "old_sha256": ["ab" * 32],
    ...                    "new_sha256": ["cd" * 32], "old_bytes": [4], "new_bytes": [6]})
    >>> describe_changes(df)
    ['changed  a.csv  sha256 abababababab -> cdcdcdcdcdcd, 4 -> 6 bytes']
    """
    lines = []
    for name, change, old_h, new_h, old_n, new_n in changes.iter_rows():
        if change == "added":
            detail = f"sha256 {new_h[:12]}, {new_n} bytes"
        elif change == "removed":
            detail = f"sha256 {old_h[:12]} was listed, {old_n} bytes"
        else:
            detail = f"sha256 {old_h[:12]} -> {new_h[:12]}, {old_n} -> {new_n} bytes"
        lines.append(f"{change:<8} {name}  {detail}")
    return lines


def write_manifest(
    raw_dir: str | Path | None = None,
    *,
    sources: Mapping[str, tuple[str, str]] | None = None,
) -> Path:
    r"""Rewrite the manifest from the files now in ``raw_dir`` (atomically).

    Parameters
    ----------
    raw_dir : path, optional
        The raw-data folder (default ``data/raw``).
    sources : mapping, optional
        ``{path: (source, retrieved)}`` for new files; files already listed keep
        their source and retrieval date. A new file without an entry gets
        ``source = "UNDOCUMENTED"`` so the gap is visible.

    Raises
    ------
    ManifestError
        When the present manifest is empty or malformed (see :func:`read_manifest`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> raw = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (raw / "a.csv").write_text("x\n1\n")
    >>> write_manifest(raw).name
    'MANIFEST'
    >>> read_manifest(raw)["source"].to_list()
    ['UNDOCUMENTED']
    """
    raw_dir = _raw_dir(raw_dir)
    known: dict[str, tuple[str, str]] = {}
    if (raw_dir / MANIFEST_NAME).is_file():
        old = read_manifest(raw_dir)
        known = {p: (s, r) for p, s, r in old.select("path", "source", "retrieved").iter_rows()}
    known.update(sources or {})
    lines = ["\t".join(_COLUMNS)]
    for name in _raw_files(raw_dir):
        source, retrieved = known.get(name, ("UNDOCUMENTED", ""))
        path = raw_dir / name
        lines.append(
            "\t".join([name, str(path.stat().st_size), sha256_file(path), source, retrieved])
        )
    return write_text_atomic("\n".join(lines) + "\n", raw_dir / MANIFEST_NAME)
