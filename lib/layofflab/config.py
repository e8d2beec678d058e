"""Every path the toolkit uses, in one place.

Two kinds of path:

* **package paths** — :data:`PACKAGE_DIR` and :data:`RESOURCES` (the declarative source
  quirks shipped inside the package). They exist wherever the package is installed, so
  the readers, cleaning rules, estimators and ``layofflab clean`` need no project folder.
* **project paths** — :data:`PROJECT_ROOT` and everything under it (``data/raw``,
  ``data/processed``, ``notebooks``, ``reports``, ``tests/fixtures``…). A *project* is a
  checkout of this repository: a folder holding ``data/raw/MANIFEST`` beside a
  ``pyproject.toml`` whose project name is ``layofflab``. It is found on first use, in
  this order: :func:`use_project` (the command line's ``--project DIR``), the
  ``LAYOFFLAB_PROJECT`` environment variable, the working directory or one of its
  parents, and the checkout an editable install (``make setup``) runs from. Where there
  is none, reading a project path raises :class:`~layofflab.errors.ProjectNotFoundError`.

Examples
--------
>>> from layofflab import config
>>> config.RESOURCES.name, config.DATA_RAW.relative_to(config.PROJECT_ROOT).as_posix()
('resources', 'data/raw')
>>> is_project(config.PROJECT_ROOT), is_project(config.RESOURCES)
(True, False)
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from layofflab.errors import InvalidArgumentError, ProjectNotFoundError

#: The installed package (``lib/layofflab`` in a checkout, ``site-packages/layofflab`` in a wheel).
PACKAGE_DIR: Path = Path(__file__).resolve().parent
#: Declarative source quirks shipped with the package: column maps, taxonomies, corrections.
RESOURCES: Path = PACKAGE_DIR / "resources"

#: Environment variable naming the project folder (what ``--project DIR`` sets for one run).
PROJECT_ENV: str = "LAYOFFLAB_PROJECT"
#: Environment variable naming the real third-party data (default ``<project>/../shared/data``).
SHARED_DATA_ENV: str = "LAYOFFLAB_SHARED_DATA"
#: Environment variable choosing the data a report runs on (``make report DATA=external``):
#: ``default`` (the shipped ``data/raw``) or ``external`` (the downloads in ``data/external``).
DATA_ENV: str = "LAYOFFLAB_DATA"
#: Values of :data:`DATA_ENV`.
DATA_CHOICES: tuple[str, ...] = ("default", "external")
#: The file that marks a project, relative to its root (beside a ``pyproject.toml``).
PROJECT_MARKER: str = "data/raw/MANIFEST"

#: Name of the Jupyter kernel registered inside ``.venv``.
KERNEL_NAME: str = "layofflab"

#: Seed used wherever the toolkit draws random numbers and no seed is passed.
DEFAULT_SEED: int = 20251028

#: Project paths, relative to the project root; read as ``config.DATA_RAW`` and so on, they are
#: resolved on first use (see the module doc), so importing this module never needs a project.
PROJECT_PATHS: dict[str, str] = {
    "PROJECT_ROOT": ".",
    "DATA": "data",
    "DATA_RAW": "data/raw",
    "DATA_PROCESSED": "data/processed",
    "DATA_EXTERNAL": "data/external",
    "DATA_PROCESSED_EXTERNAL": "data/processed/external",
    "MANIFEST": PROJECT_MARKER,
    "NOTEBOOKS": "notebooks",
    "REPORTS": "reports",
    "REPORTS_EXTERNAL": "reports/external",
    "REPORTS_EXECUTED": "reports/executed",
    "TESTS": "tests",
    "FIXTURES": "tests/fixtures",
    "BENCH": "bench",
}
# Declared (not assigned) for readers and type checkers; module __getattr__ supplies the values.
#: The project folder.
PROJECT_ROOT: Path
DATA: Path
#: Immutable inputs shipped with the repository (checked against ``MANIFEST``).
DATA_RAW: Path
#: Generated tables (git-ignored), written atomically.
DATA_PROCESSED: Path
#: Downloads of ``layofflab fetch`` (git-ignored), listed in its own ``MANIFEST``.
DATA_EXTERNAL: Path
#: Tables built from ``data/external`` (the ``warn-public`` universe panel), apart from the default ones.
DATA_PROCESSED_EXTERNAL: Path
#: ``data/raw/MANIFEST``: path, bytes, sha256, source, retrieval date per raw file.
MANIFEST: Path
NOTEBOOKS: Path
#: Generated HTML reports (git-ignored) and their ``index.html``.
REPORTS: Path
#: The report built on the fetched data (``make report DATA=external``), apart from the default one.
REPORTS_EXTERNAL: Path
#: Executed notebooks kept beside the HTML (git-ignored).
REPORTS_EXECUTED: Path
TESTS: Path
#: Small hand-written files in the formats of the real sources.
FIXTURES: Path
BENCH: Path
#: Real third-party data kept beside the project (never copied into it):
#: ``$LAYOFFLAB_SHARED_DATA``, else ``<project>/../shared/data``.
SHARED_DATA: Path

_chosen: Path | None = None  # set by use_project()
_found: Path | None = None  # cached result of the search


def is_project(folder: str | Path) -> bool:
    """Whether ``folder`` holds ``data/raw/MANIFEST`` and a ``pyproject.toml`` named layofflab."""
    folder = Path(folder)
    pyproject = folder / "pyproject.toml"
    if not (folder / PROJECT_MARKER).is_file() or not pyproject.is_file():
        return False
    try:
        meta = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    project = meta.get("project")
    return isinstance(project, dict) and project.get("name") == "layofflab"


def find_project(start: str | Path | None = None) -> Path | None:
    """The nearest project at or above ``start`` (default: the working directory), or None.

    >>> find_project(RESOURCES) == project_root()
    True
    """
    here = Path(start if start is not None else Path.cwd()).resolve()
    return next((folder for folder in (here, *here.parents) if is_project(folder)), None)


def use_project(folder: str | Path | None) -> Path | None:
    """Use ``folder`` as the project for the rest of the process (``None`` forgets the choice).

    Raises :class:`~layofflab.errors.ProjectNotFoundError` when ``folder`` is not a project.
    """
    global _chosen, _found
    _found = None
    if folder is None:
        _chosen = None
        return None
    root = Path(folder).expanduser().resolve()
    _require(root)
    _chosen = root
    return root


@contextmanager
def project(folder: str | Path | None = None) -> Iterator[Path]:
    """Within the block, use ``folder`` as the project (``None``: the one found); then restore.

    Raises :class:`~layofflab.errors.ProjectNotFoundError` when there is no project.

    >>> from layofflab import config
    >>> with project(project_root()) as root:
    ...     config.DATA_RAW == root / "data" / "raw"
    True
    """
    global _chosen, _found
    saved = _chosen, _found
    try:
        if folder is not None:
            use_project(folder)
        yield project_root()
    finally:
        _chosen, _found = saved


def _require(root: Path) -> None:
    if not root.is_dir():
        raise ProjectNotFoundError(root, "no such folder")
    if not is_project(root):
        raise ProjectNotFoundError(
            root, f"not a layofflab project (no {PROJECT_MARKER} beside a layofflab pyproject.toml)"
        )


def _checkout() -> Path | None:
    """The checkout this package is imported from (``<root>/lib/layofflab``), if it is one."""
    root = PACKAGE_DIR.parents[1]
    return root if PACKAGE_DIR.parent.name == "lib" and is_project(root) else None


def project_root() -> Path:
    """The project folder (see the module doc for the search order); cached after the first call."""
    global _found
    if _chosen is not None:
        return _chosen
    if _found is None:
        named = os.environ.get(PROJECT_ENV)
        if named:
            root = Path(named).expanduser().resolve()
            _require(root)
            _found = root
        else:
            _found = find_project() or _checkout()
        if _found is None:
            raise ProjectNotFoundError(
                Path.cwd(),
                f"not inside a layofflab project (no {PROJECT_MARKER} here or in a parent folder)",
            )
    return _found


def has_project() -> bool:
    """Whether a project can be found (without raising)."""
    try:
        project_root()
    except ProjectNotFoundError:
        return False
    return True


def data_choice() -> str:
    """The data the report runs on: ``$LAYOFFLAB_DATA`` (``default`` when unset or empty).

    Raises
    ------
    InvalidArgumentError
        Any other value (the message names the variable and the choices).

    Examples
    --------
    >>> import os
    >>> os.environ.get(DATA_ENV, "") in ("", "default", "external")
    True
    >>> data_choice() in DATA_CHOICES
    True
    """
    value = os.environ.get(DATA_ENV, "").strip() or "default"
    if value not in DATA_CHOICES:
        raise InvalidArgumentError(DATA_ENV, value, expected=f"one of {list(DATA_CHOICES)}")
    return value


def __getattr__(name: str) -> Path:
    if name in PROJECT_PATHS:
        return project_root() / PROJECT_PATHS[name]
    if name == "SHARED_DATA":
        named = os.environ.get(SHARED_DATA_ENV)
        return Path(named).resolve() if named else (project_root().parent / "shared" / "data")
    raise AttributeError(f"module 'layofflab.config' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *PROJECT_PATHS, "SHARED_DATA"])


__all__ = [
    "BENCH",
    "DATA",
    "DATA_CHOICES",
    "DATA_ENV",
    "DATA_EXTERNAL",
    "DATA_PROCESSED",
    "DATA_PROCESSED_EXTERNAL",
    "DATA_RAW",
    "DEFAULT_SEED",
    "FIXTURES",
    "KERNEL_NAME",
    "MANIFEST",
    "NOTEBOOKS",
    "PACKAGE_DIR",
    "PROJECT_ENV",
    "PROJECT_MARKER",
    "PROJECT_PATHS",
    "PROJECT_ROOT",
    "REPORTS",
    "REPORTS_EXECUTED",
    "REPORTS_EXTERNAL",
    "RESOURCES",
    "SHARED_DATA",
    "SHARED_DATA_ENV",
    "TESTS",
    "data_choice",
    "find_project",
    "has_project",
    "is_project",
    "project",
    "project_root",
    "use_project",
]
