"""Every path the toolkit uses, derived from this file's location.

Nothing depends on the working directory: notebooks, the command line, tests and
CI all resolve the same folders.

Examples
--------
>>> from layofflab import config
>>> config.PROJECT_ROOT.joinpath("lib", "layofflab", "config.py") == config.PACKAGE_DIR / "config.py"
True
>>> config.DATA_RAW.name, config.DATA_PROCESSED.name
('raw', 'processed')
"""

from __future__ import annotations

import os
from pathlib import Path

#: ``lib/layofflab`` (this package)
PACKAGE_DIR: Path = Path(__file__).resolve().parent
#: the repository root (``lib/layofflab/config.py`` → two levels up from ``lib``)
PROJECT_ROOT: Path = PACKAGE_DIR.parents[1]

#: Declarative source quirks shipped with the package: column maps, taxonomies, corrections.
RESOURCES: Path = PACKAGE_DIR / "resources"

DATA: Path = PROJECT_ROOT / "data"
#: Immutable inputs shipped with the repository (checked against ``MANIFEST``).
DATA_RAW: Path = DATA / "raw"
#: Generated tables (git-ignored), written atomically.
DATA_PROCESSED: Path = DATA / "processed"
#: Downloads of ``layofflab fetch`` (git-ignored), listed in its own ``MANIFEST``.
DATA_EXTERNAL: Path = DATA / "external"
#: ``data/raw/MANIFEST``: path, bytes, sha256, source, retrieval date per raw file.
MANIFEST: Path = DATA_RAW / "MANIFEST"

NOTEBOOKS: Path = PROJECT_ROOT / "notebooks"
#: Generated HTML reports (git-ignored) and their ``index.html``.
REPORTS: Path = PROJECT_ROOT / "reports"
#: Executed notebooks kept beside the HTML (git-ignored).
REPORTS_EXECUTED: Path = REPORTS / "executed"

TESTS: Path = PROJECT_ROOT / "tests"
FIXTURES: Path = TESTS / "fixtures"
BENCH: Path = PROJECT_ROOT / "bench"

#: Real third-party data kept beside the project (never copied into it).
#: ``LAYOFFLAB_SHARED_DATA`` overrides the default ``../shared/data``.
SHARED_DATA: Path = Path(
    os.environ.get("LAYOFFLAB_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data")
).resolve()

#: Name of the Jupyter kernel registered inside ``.venv``.
KERNEL_NAME: str = "layofflab"

#: Seed used wherever the toolkit draws random numbers and no seed is passed.
DEFAULT_SEED: int = 20251028

__all__ = [
    "BENCH",
    "DATA",
    "DATA_EXTERNAL",
    "DATA_PROCESSED",
    "DATA_RAW",
    "DEFAULT_SEED",
    "FIXTURES",
    "KERNEL_NAME",
    "MANIFEST",
    "NOTEBOOKS",
    "PACKAGE_DIR",
    "PROJECT_ROOT",
    "REPORTS",
    "REPORTS_EXECUTED",
    "RESOURCES",
    "SHARED_DATA",
    "TESTS",
]
