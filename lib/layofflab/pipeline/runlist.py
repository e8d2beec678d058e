"""The run list: which notebook runs with which parameters (``notebooks/runs.toml``).

The file lives beside the notebooks it names, not in ``reports/``: it is source, written
by hand and committed, while ``reports/`` is generated, git-ignored and emptied by
``make clean``.

One ``[[run]]`` table per entry; every key is declared (an unknown key is an error
naming the file, the entry and the key)::

    [settings]
    cell_timeout = 600          # seconds one cell may take
    run_timeout = 1800          # seconds one run may take

    [[run]]
    notebook = "01_layoffs_overview"        # a notebook of notebooks/ (stem or file name)

    [[run]]
    notebook = "02_ai_capex_and_layoffs"
    parameters = { lags = 2 }               # fixed parameters
    grid = { verified_only = [false, true] }  # one run per combination

A run's name derives from its notebook and the parameters its entry sets
(``02_ai_capex_and_layoffs--lags-2--verified_only-false``): two runs never share
outputs, and a name that would repeat is an error.

Examples
--------
>>> text = '''
... [[run]]
... notebook = "01_layoffs_overview"
... [[run]]
... notebook = "03_warn_which_jobs"
... grid = { company_id = ["AMZN", "MSFT"] }
... '''
>>> [r.name for r in parse_run_list(text, source="runs.toml")]
['01_layoffs_overview', '03_warn_which_jobs--company_id-amzn', '03_warn_which_jobs--company_id-msft']
>>> run_name("02_ai_capex", {"start": "2024-01-01", "verified_only": True})
'02_ai_capex--start-2024-01-01--verified_only-true'
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layofflab import config
from layofflab.errors import InputFileError, InvalidArgumentError

__all__ = [
    "RUN_LIST_NAME",
    "Run",
    "RunList",
    "Settings",
    "parse_run_list",
    "read_run_list",
    "run_list_path",
    "run_name",
    "select",
]

#: The run list's file name, in the project's ``notebooks/`` (what ``make report`` builds).
RUN_LIST_NAME = "runs.toml"


def run_list_path() -> Path:
    """The project's run list, ``notebooks/runs.toml``."""
    return config.NOTEBOOKS / RUN_LIST_NAME


_RUN_KEYS = {"notebook", "parameters", "grid", "cell_timeout", "run_timeout"}
_SETTING_KEYS = {"cell_timeout", "run_timeout"}
_NAME_MAX = 80


@dataclass(frozen=True)
class Settings:
    """Timeouts in seconds (per cell and per run); a run entry may override either."""

    cell_timeout: float = 600.0
    run_timeout: float = 1800.0


@dataclass(frozen=True)
class Run:
    """One notebook execution: its name (and output names), notebook and parameters."""

    name: str
    notebook: Path
    parameters: dict[str, Any] = field(default_factory=dict)
    cell_timeout: float = Settings.cell_timeout
    run_timeout: float = Settings.run_timeout
    #: Where the run comes from: ``"run list"`` or ``"layofflab run"`` (a one-off run).
    origin: str = "run list"


@dataclass(frozen=True)
class RunList:
    """The runs of one run-list file, in file order."""

    runs: tuple[Run, ...]
    settings: Settings
    source: Path | None = None

    def names(self) -> list[str]:
        """Run names in file order."""
        return [r.name for r in self.runs]


def _slug(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    text = text.lower() if isinstance(value, str) else text.lower().strip('"')
    slug = re.sub(r"[^a-z0-9.]+", "-", text).strip("-.")
    return slug or "empty"


def run_name(stem: str, parameters: Mapping[str, Any]) -> str:
    """``stem`` followed by ``--name-value`` for each parameter (sorted by name), as a file name.

    Long names are cut and end in a hash of the parameters, so they stay unique.
    """
    parts = [stem, *(f"{k}-{_slug(v)}" for k, v in sorted(parameters.items()))]
    name = "--".join(parts)
    if len(name) > _NAME_MAX:
        digest = hashlib.sha256(
            json.dumps(dict(parameters), sort_keys=True, default=str).encode()
        ).hexdigest()[:10]
        name = f"{name[: _NAME_MAX - 12].rstrip('-.')}--{digest}"
    return name


def _notebook(value: Any, notebook_dir: Path, where: str) -> Path:
    if not isinstance(value, str) or not value:
        raise InputFileError(where, "notebook = a notebook of notebooks/", value=value)
    path = notebook_dir / (value if value.endswith(".ipynb") else f"{value}.ipynb")
    if not path.is_file():
        known = sorted(p.stem for p in notebook_dir.glob("*.ipynb"))
        raise InputFileError(
            where, f"a notebook of {notebook_dir.name}/ (one of {', '.join(known)})", value=value
        )
    return path


def _timeout(value: Any, name: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise InputFileError(where, f"{name} = a positive number of seconds", value=value)
    return float(value)


def _settings(doc: Mapping[str, Any], source: str) -> Settings:
    raw = doc.get("settings", {})
    if not isinstance(raw, dict):
        raise InputFileError(source, "[settings] as a table", value=raw)
    unknown = sorted(set(raw) - _SETTING_KEYS)
    if unknown:
        raise InputFileError(
            f"{source} [settings]", f"keys among {sorted(_SETTING_KEYS)}", value=unknown[0]
        )
    return Settings(**{k: _timeout(v, k, f"{source} [settings]") for k, v in raw.items()})


def _expand(entry: Mapping[str, Any], where: str) -> list[dict[str, Any]]:
    fixed = entry.get("parameters", {})
    grid = entry.get("grid", {})
    for key, value in (("parameters", fixed), ("grid", grid)):
        if not isinstance(value, dict):
            raise InputFileError(where, f"{key} = a table of parameter values", value=value)
    for name, values in grid.items():
        if not isinstance(values, list) or not values:
            raise InputFileError(where, f"grid.{name} = a non-empty list of values", value=values)
        if name in fixed:
            raise InputFileError(where, "a parameter in parameters or grid, not both", value=name)
    names = list(grid)
    combos = itertools.product(*(grid[n] for n in names)) if names else [()]
    return [{**fixed, **dict(zip(names, combo, strict=True))} for combo in combos]


def parse_run_list(
    text: str, *, source: str | Path, notebook_dir: Path | None = None
) -> tuple[Run, ...]:
    """The runs of a run-list document (see the module docstring for the format)."""
    folder = notebook_dir if notebook_dir is not None else config.NOTEBOOKS
    return _parse(text, source=str(source), notebook_dir=folder)[0]


def _parse(text: str, *, source: str, notebook_dir: Path) -> tuple[tuple[Run, ...], Settings]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(source, f"a TOML run list ({exc})") from None
    unknown = sorted(set(doc) - {"settings", "run"})
    if unknown:
        raise InputFileError(source, "top-level tables [settings] and [[run]]", value=unknown[0])
    settings = _settings(doc, source)
    entries = doc.get("run", [])
    if not isinstance(entries, list) or not entries:
        raise InputFileError(source, "at least one [[run]] entry")
    runs: list[Run] = []
    seen: dict[str, str] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{source} [[run]] #{number}"
        bad = sorted(set(entry) - _RUN_KEYS)
        if bad:
            raise InputFileError(where, f"keys among {sorted(_RUN_KEYS)}", value=bad[0])
        notebook = _notebook(entry.get("notebook"), notebook_dir, where)
        cell = _timeout(entry.get("cell_timeout", settings.cell_timeout), "cell_timeout", where)
        whole = _timeout(entry.get("run_timeout", settings.run_timeout), "run_timeout", where)
        for parameters in _expand(entry, where):
            name = run_name(notebook.stem, parameters)
            if name in seen:
                raise InputFileError(
                    where, f"runs with distinct names (also made by {seen[name]})", value=name
                )
            seen[name] = where
            runs.append(Run(name, notebook, parameters, cell, whole))
    return tuple(runs), settings


def read_run_list(path: Path | None = None, *, notebook_dir: Path | None = None) -> RunList:
    """Read and check a run-list file (default: the project's).

    Its notebooks are resolved beside it unless ``notebook_dir`` names another folder.
    """
    path = Path(path) if path is not None else run_list_path()
    if not path.is_file():
        raise InputFileError(path, "a run list (TOML)", found="no such file")
    runs, settings = _parse(
        path.read_text(encoding="utf-8"),
        source=_shown(path),
        notebook_dir=notebook_dir or path.parent,
    )
    return RunList(runs, settings, path)


def _shown(path: Path) -> str:
    """``path`` relative to the project when it lies inside it (no absolute paths in messages)."""
    try:
        return path.resolve().relative_to(config.PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def select(run_list: RunList, only: list[str]) -> list[Run]:
    """The runs named in ``only`` (run names, or notebook stems standing for all their runs)."""
    if not only:
        return list(run_list.runs)
    chosen = [r for r in run_list.runs if r.name in only or r.notebook.stem in only]
    known = set(run_list.names()) | {r.notebook.stem for r in run_list.runs}
    unknown = sorted(set(only) - known)
    if unknown:
        raise InvalidArgumentError(
            "only", unknown[0], expected=f"a run or notebook of the run list: {run_list.names()}"
        )
    return chosen
