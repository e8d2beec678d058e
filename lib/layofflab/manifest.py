"""The raw-data manifest: ``data/raw/MANIFEST`` lists path, bytes, sha256, source and retrieval date.

Raw files are immutable. :func:`verify_manifest` stops the pipeline with a clear
message when a raw file changed, disappeared or is not listed;
:func:`write_manifest` refreshes the hashes on purpose (``make manifest``),
keeping each file's source and retrieval date.

The file is tab-separated with a header: ``path  bytes  sha256  source  retrieved``.

Examples
--------
>>> import tempfile, pathlib
>>> raw = pathlib.Path(tempfile.mkdtemp())
>>> _ = (raw / "a.csv").write_text("x\\n1\\n")
>>> m = write_manifest(raw, sources={"a.csv": ("hand-typed", "2026-11-28")})
>>> verify_manifest(raw).select("path", "bytes").to_dicts()
[{'path': 'a.csv', 'bytes': 4}]
>>> _ = (raw / "a.csv").write_text("x\\n2\\n")
>>> verify_manifest(raw)
Traceback (most recent call last):
...
layofflab.errors.ManifestError: ...a.csv: content changed (sha256 ... listed, ... found)...
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import polars as pl

from layofflab import config
from layofflab.errors import ManifestError
from layofflab.io import write_text_atomic

__all__ = ["MANIFEST_NAME", "read_manifest", "sha256_file", "verify_manifest", "write_manifest"]

MANIFEST_NAME = "MANIFEST"
_COLUMNS = ("path", "bytes", "sha256", "source", "retrieved")
_IGNORED = {MANIFEST_NAME, "README.md", ".gitkeep"}


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
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


def read_manifest(raw_dir: str | Path | None = None) -> pl.DataFrame:
    """Read ``<raw_dir>/MANIFEST`` (default the project's ``data/raw``).

    Raises :class:`ManifestError` when it is missing or malformed.
    """
    path = Path(raw_dir if raw_dir is not None else config.DATA_RAW) / MANIFEST_NAME
    if not path.is_file():
        raise ManifestError(path, "missing")
    df = pl.read_csv(path, separator="\t", infer_schema=False, quote_char=None)
    if tuple(df.columns) != _COLUMNS:
        raise ManifestError(path, f"header {df.columns}, expected {list(_COLUMNS)}")
    return df.with_columns(pl.col("bytes").cast(pl.Int64))


def verify_manifest(raw_dir: str | Path | None = None) -> pl.DataFrame:
    """Check every raw file against the manifest; return the manifest when all match.

    Raises
    ------
    ManifestError
        For the first file that changed (size or sha256), is missing, or is not listed.
    """
    raw_dir = Path(raw_dir if raw_dir is not None else config.DATA_RAW)
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


def write_manifest(
    raw_dir: str | Path | None = None,
    *,
    sources: Mapping[str, tuple[str, str]] | None = None,
) -> Path:
    """Rewrite the manifest from the files now in ``raw_dir`` (atomically).

    Parameters
    ----------
    raw_dir : path, optional
        The raw-data folder (default the project's ``data/raw``).
    sources : mapping, optional
        ``{path: (source, retrieved)}`` for new files; files already listed keep
        their source and retrieval date. A new file without an entry gets
        ``source = "UNDOCUMENTED"`` so the gap is visible.
    """
    raw_dir = Path(raw_dir if raw_dir is not None else config.DATA_RAW)
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
