"""Skip-if-unchanged: a run's key, and the record each run leaves in ``reports/runs/<run>.json``.

A run is reused when its **key** is unchanged: the SHA-256 of

* the notebook's source (cell types, sources and tags; outputs and execution counts do
  not count, so ``layofflab refresh-notebook`` does not invalidate a report),
* its parameters (canonical JSON),
* the library's source (every file of ``lib/layofflab`` except the report builder in
  ``pipeline/``, which can only change how a page looks) and the installed packages,
* the tables the run read, as recorded by its kernel the last time: for a processed
  table its ``data/processed/<name>.build.json`` stamp (which holds the SHA-256 of every
  raw input and of the code that built it), for files given as parameters their SHA-256.

A change of the report builder alone re-renders pages from the executed notebooks
without re-executing them (the record keeps the builder's digest apart).

Why not jupyter-cache: it keys a notebook on its code cells, so it knows neither the
parameters papermill injects, nor the input tables, nor the library's source, and it
keeps its own SQLite store beside ours; the key above is ~60 lines and its parts are
kept in the record, so the builder can say *why* a run executes again.

Examples
--------
>>> key({"notebook": "n1", "parameters": {"top_n": 3}}) == key({"parameters": {"top_n": 3}, "notebook": "n1"})
True
>>> changed({"notebook": "a", "inputs": [1]}, {"notebook": "a", "inputs": [2]})
['inputs']
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from layofflab import config
from layofflab.io import write_text_atomic
from layofflab.manifest import sha256_file

__all__ = [
    "RECORD_DIR",
    "changed",
    "environment_digest",
    "input_state",
    "key",
    "library_digest",
    "notebook_digest",
    "read_record",
    "record_path",
    "renderer_digest",
    "write_record",
]

#: Records live in ``<report dir>/runs/``.
RECORD_DIR = "runs"
_SOURCE_SUFFIXES = {".py", ".csv", ".toml", ".json", ".txt", ".yaml", ".yml", ".j2", ".css"}


def _digest_files(files: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _sources(folder: Path) -> list[Path]:
    return [
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix in _SOURCE_SUFFIXES and "__pycache__" not in p.parts
    ]


def library_digest(package_dir: Path = config.PACKAGE_DIR) -> str:
    """SHA-256 of the library's source and resources, the report builder (``pipeline/``) excluded.

    Examples
    --------
    >>> len(library_digest()), library_digest() == library_digest()
    (64, True)
    """
    pipeline = package_dir / "pipeline"
    files = [p for p in _sources(package_dir) if pipeline not in p.parents]
    return _digest_files(files, package_dir)


def renderer_digest(package_dir: Path = config.PACKAGE_DIR) -> str:
    """SHA-256 of the report builder (``pipeline/``): what turns an executed notebook into pages.

    Examples
    --------
    >>> len(renderer_digest()), renderer_digest() != library_digest()
    (64, True)
    """
    return _digest_files(_sources(package_dir / "pipeline"), package_dir)


def environment_digest() -> str:
    """SHA-256 of the installed distributions: the ``*.dist-info`` folders on ``sys.path``.

    Their names carry each distribution's name and version (reading every METADATA
    file instead takes a quarter of a second).

    Examples
    --------
    >>> len(environment_digest())
    64
    """
    names: set[str] = set()
    for entry in sys.path:
        folder = Path(entry or ".")
        if folder.is_dir():
            names.update(p.name for p in os.scandir(folder) if p.name.endswith(".dist-info"))
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()


def notebook_digest(path: Path) -> str:
    """SHA-256 of what a notebook does: cell types, sources, tags and its layofflab metadata.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.ipynb"
    >>> cell = {"cell_type": "code", "source": "1 + 1", "metadata": {}, "outputs": []}
    >>> _ = p.write_text(json.dumps({"cells": [cell], "metadata": {}}))
    >>> before = notebook_digest(p)
    >>> cell["outputs"] = [{"output_type": "stream", "text": "2"}]  # outputs do not count
    >>> _ = p.write_text(json.dumps({"cells": [cell], "metadata": {}}))
    >>> notebook_digest(p) == before
    True
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = [
        [
            c["cell_type"],
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"],
            c.get("metadata", {}).get("tags", []),
        ]
        for c in nb["cells"]
    ]
    meta = nb.get("metadata", {})
    doc = {
        "cells": cells,
        "layofflab": meta.get("layofflab", {}),
        "kernel": meta.get("kernelspec", {}).get("name"),
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def _file_state(path: Path) -> list[dict[str, str]]:
    files = sorted(path.rglob("*.parquet")) if path.is_dir() else [path]
    return [{"path": str(f), "sha256": sha256_file(f) if f.is_file() else "missing"} for f in files]


def input_state(loads: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The current state of the tables a run read (its kernel's ``load`` events, deduplicated).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> load = {"table": "tracker", "paths": [], "processed_dir": str(d)}
    >>> input_state([load, load])
    [{'table': 'tracker', 'build': 'missing'}]
    """
    seen: set[str] = set()
    out = []
    for load in loads:
        ident = json.dumps([load["table"], load["paths"], load["processed_dir"]])
        if ident in seen:
            continue
        seen.add(ident)
        if load["paths"]:
            files = [s for p in load["paths"] for s in _file_state(Path(p))]
            out.append({"table": load["table"], "files": files})
        else:
            stamp = Path(load["processed_dir"]) / f"{load['table']}.build.json"
            state = hashlib.sha256(stamp.read_bytes()).hexdigest() if stamp.is_file() else "missing"
            out.append({"table": load["table"], "build": state})
    return sorted(out, key=lambda s: json.dumps(s, sort_keys=True))


def key(parts: Mapping[str, Any]) -> str:
    """SHA-256 of the parts of a run's key (canonical JSON).

    Examples
    --------
    >>> key({"a": 1, "b": [2]}) == key({"b": [2], "a": 1}), len(key({}))
    (True, 64)
    """
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """The names of the key parts that differ between two runs (sorted).

    Examples
    --------
    >>> changed({"library": "x", "inputs": [1]}, {"library": "y", "inputs": [1], "notebook": "z"})
    ['library', 'notebook']
    """
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def record_path(report_dir: Path, name: str) -> Path:
    """Where run ``name`` keeps its record.

    Examples
    --------
    >>> from pathlib import Path
    >>> record_path(Path("reports"), "power").name
    'power.json'
    """
    return report_dir / RECORD_DIR / f"{name}.json"


def read_record(report_dir: Path, name: str) -> dict[str, Any] | None:
    """The record of run ``name``, or None if it has none (or an unreadable one).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> read_record(d, "power") is None
    True
    >>> _ = write_record(d, {"name": "power", "status": "ok"})
    >>> read_record(d, "power")
    {'name': 'power', 'status': 'ok'}
    """
    path = record_path(report_dir, name)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def write_record(report_dir: Path, record: Mapping[str, Any]) -> Path:
    """Write a run's record atomically.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_record(d, {"name": "power", "status": "ok"}) == record_path(d, "power")
    True
    """
    return write_text_atomic(
        json.dumps(record, indent=1, sort_keys=True, default=str) + "\n",
        record_path(report_dir, record["name"]),
    )
