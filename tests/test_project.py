"""Project discovery (layofflab.config): --project, LAYOFFLAB_PROJECT, the working directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from layofflab import config
from layofflab.errors import ProjectNotFoundError
from layofflab.pipeline.cli import main

CHECKOUT = config.PROJECT_ROOT


def _project(folder: Path, *, name: str = "layofflab") -> Path:
    """A minimal project: pyproject.toml named ``name`` and a copy of the shipped data/raw."""
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(f'[project]\nname = "{name}"\nversion = "0"\n')
    shutil.copytree(config.DATA_RAW, folder / "data" / "raw")
    return folder


@pytest.fixture
def no_checkout(monkeypatch):
    """Forget the found project and the editable checkout, as in a wheel install."""
    monkeypatch.setattr(config, "_checkout", lambda: None)
    monkeypatch.setattr(config, "_found", None)
    monkeypatch.setattr(config, "_chosen", None)
    monkeypatch.delenv(config.PROJECT_ENV, raising=False)


def _python(code: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != config.PROJECT_ENV} | env
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=environ
    )


def test_a_project_is_a_manifest_beside_a_layofflab_pyproject(tmp_path):
    proj = _project(tmp_path / "proj")
    other = _project(tmp_path / "other", name="someone-else")
    assert config.is_project(proj) and not config.is_project(other)
    (proj / "notebooks" / "deep").mkdir(parents=True)
    assert config.find_project(proj / "notebooks" / "deep") == proj
    assert config.find_project(other / "data") is None
    (proj / "pyproject.toml").write_text("[project\n")  # unreadable TOML: not a project
    assert not config.is_project(proj)


def test_every_project_path_derives_from_the_root_found(tmp_path, no_checkout, monkeypatch):
    proj = _project(tmp_path / "proj")
    (proj / "reports").mkdir()
    monkeypatch.chdir(proj / "reports")
    monkeypatch.setattr(config, "_found", None)  # _project() read config.DATA_RAW from the checkout
    assert config.PROJECT_ROOT == proj
    for name, relative in config.PROJECT_PATHS.items():
        assert getattr(config, name) == proj / relative
    monkeypatch.delenv(config.SHARED_DATA_ENV, raising=False)
    assert config.SHARED_DATA == tmp_path / "shared" / "data"  # beside the project
    monkeypatch.setenv(config.SHARED_DATA_ENV, str(tmp_path / "elsewhere"))
    assert config.SHARED_DATA == tmp_path / "elsewhere"
    assert config.RESOURCES == config.PACKAGE_DIR / "resources"  # package data, not the project


def test_no_project_is_one_clear_error(tmp_path, no_checkout, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert not config.has_project()
    with pytest.raises(ProjectNotFoundError, match="not inside a layofflab project") as err:
        _ = config.DATA_RAW
    assert str(tmp_path) in str(err.value) and "--project DIR" in str(err.value)
    assert "\n" not in str(err.value)
    # package paths and the library need no project
    assert config.RESOURCES.is_dir()
    with pytest.raises(AttributeError):
        _ = config.NO_SUCH_PATH


def test_environment_variable_wins_over_the_working_directory(tmp_path):
    proj = _project(tmp_path / "proj")
    code = "from layofflab import config; print(config.DATA_PROCESSED)"
    proc = _python(code, CHECKOUT, LAYOFFLAB_PROJECT=str(proj))
    assert proc.stdout.strip() == str(proj / "data" / "processed"), proc.stderr
    proc = _python(code, proj / "data")  # from inside the project, no variable
    assert proc.stdout.strip() == str(proj / "data" / "processed"), proc.stderr
    proc = _python(code, CHECKOUT, LAYOFFLAB_PROJECT=str(tmp_path))  # named but not a project
    assert proc.returncode == 1 and "ProjectNotFoundError" in proc.stderr
    assert f"{tmp_path}: not a layofflab project" in proc.stderr


def test_cli_project_option_builds_that_project_and_restores(tmp_path, capsys):
    proj = _project(tmp_path / "proj")
    assert main(["data", "--project", str(proj)]) == 0
    assert (proj / "data" / "processed" / "layoffs.parquet").is_file()
    assert main(["--project", str(proj), "data"]) == 0  # before the command, too
    assert "layoffs: up to date" in capsys.readouterr().out
    assert config.PROJECT_ROOT == CHECKOUT  # the choice lasted only for the command


@pytest.mark.parametrize("where", ["option", "variable"])
def test_cli_without_a_project_says_so_in_one_line(tmp_path, where):
    env = {k: v for k, v in os.environ.items() if k != config.PROJECT_ENV}
    args = ["data"]
    if where == "option":
        args += ["--project", str(tmp_path / "nowhere")]
    else:
        env[config.PROJECT_ENV] = str(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "layofflab", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("layofflab data: "), proc.stderr
    assert ("no such folder" if where == "option" else "not a layofflab project") in lines[0]
    assert not list(tmp_path.rglob("*.parquet"))


def test_report_names_the_extra_to_install_when_papermill_is_missing(tmp_path):
    code = (
        "import sys; sys.modules['papermill'] = None\n"  # as if the [lab] extra were absent
        "from layofflab.pipeline.cli import main; raise SystemExit(main(['report']))"
    )
    proc = _python(code, CHECKOUT)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "layofflab report: papermill is not installed (needed to build the reports): "
        "pip install 'layofflab[lab]'"
    ]


def test_no_module_needs_a_project_to_be_imported(tmp_path):
    """Project paths are read when a function runs, never at import (a wheel has no project)."""
    code = (
        "import importlib, pkgutil, layofflab\n"
        "names = [m.name for m in pkgutil.walk_packages(layofflab.__path__, 'layofflab.')\n"
        "         if not m.name.endswith('__main__')]\n"  # __main__ runs the command line
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "print(len(names))\n"
    )
    # a LAYOFFLAB_PROJECT that is not a project makes any read of a project path raise
    proc = _python(code, tmp_path, LAYOFFLAB_PROJECT=str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert int(proc.stdout) > 50
