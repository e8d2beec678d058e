"""Writing processed files atomically, and removing what a killed build left behind.

A file is written to a temporary name beside its target, then renamed over it: a reader never
sees a half-written file. Temporary names are unique per process and carry its id
(``.<name>.<pid>.<random>.tmp``), so two builds never share one, and the next build (or
``make clean``) can tell a temporary file whose writer is gone from one still being written.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = write_text_atomic("hi", d / "a.txt")
>>> stale = d / ".a.txt.999999999.x1.tmp"   # left by a process that no longer runs
>>> _ = stale.write_text("half")
>>> [p.name for p in remove_stale_temps(d)]
['.a.txt.999999999.x1.tmp']
>>> sorted(p.name for p in d.iterdir())
['a.txt']
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

__all__ = ["remove_stale_temps", "temp_path", "write_parquet_atomic", "write_text_atomic"]

_TEMP = re.compile(r"^\..+\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.tmp(\.ipynb)?$")
#: Temporary names of earlier versions (no process id): stale once this old (seconds).
_LEGACY = re.compile(r"^\..+\.tmp(\.ipynb)?$")
_LEGACY_AGE = 3600.0


def temp_path(path: str | Path, *, suffix: str = ".tmp") -> Path:
    """A temporary name beside ``path``, unique to this process (nothing is created).

    ``suffix`` is ``".tmp"`` or ``".tmp.ipynb"`` (for a tool that wants to see ``.ipynb``).

    Examples
    --------
    >>> p = temp_path("data/processed/tracker.parquet")
    >>> p.parent.as_posix(), p.name.startswith(".tracker.parquet."), p.suffix
    ('data/processed', True, '.tmp')
    """
    if suffix not in (".tmp", ".tmp.ipynb"):
        raise ValueError(f"suffix {suffix!r}: expected '.tmp' or '.tmp.ipynb'")
    path = Path(path)
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}{suffix}")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except PermissionError:
        return True  # it exists, under another user
    except (ProcessLookupError, OverflowError, ValueError):
        return False  # gone (or no possible process id)
    return True


def remove_stale_temps(folder: str | Path) -> list[Path]:
    """Remove the temporary files in ``folder`` whose writing process is gone; return them.

    A name without a process id (written by an earlier version) is removed once an hour old.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / ".a.txt.999999999.x1.tmp").write_text("half")  # its writer is gone
    >>> _ = temp_path(d / "b.txt").write_text("mine")  # this process is writing it
    >>> [p.name for p in remove_stale_temps(d)]
    ['.a.txt.999999999.x1.tmp']
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    removed = []
    now = time.time()
    for p in folder.iterdir():
        if not p.is_file():
            continue
        m = _TEMP.match(p.name)
        if m:
            stale = not _alive(int(m["pid"]))
        else:
            stale = bool(_LEGACY.match(p.name)) and now - p.stat().st_mtime > _LEGACY_AGE
        if stale:
            p.unlink(missing_ok=True)
            removed.append(p)
    return sorted(removed)


def write_parquet_atomic(
    df: pl.DataFrame, path: str | Path, *, metadata: dict[str, str] | None = None
) -> Path:
    """Write ``df`` to ``path`` as Parquet via a temporary file in the same folder, then rename.

    A reader never sees a half-written file; on failure the old file is untouched. The file
    gets the mode the umask gives (0644 under the usual 022). ``metadata`` is stored as the
    Parquet file's key-value metadata (``pl.read_parquet_metadata`` reads it back).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import polars as pl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
    >>> _ = write_parquet_atomic(pl.DataFrame({"a": [1]}), p, metadata={"built": "today"})
    >>> pl.read_parquet(p).rows(), pl.read_parquet_metadata(p)["built"]
    ([(1,)], 'today')
    """
    return _atomic(path, lambda tmp: df.write_parquet(tmp, metadata=metadata))


def write_text_atomic(text: str, path: str | Path) -> Path:
    """Write UTF-8 text to ``path`` via a temporary file in the same folder, then rename.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = write_text_atomic("héllo", pathlib.Path(tempfile.mkdtemp()) / "sub" / "a.txt")
    >>> p.read_text(encoding="utf-8")
    'héllo'
    """

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
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
    )
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give what open() would
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
