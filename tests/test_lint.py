"""The code base stays lint-clean, formatted and type-checked (what `make lint` checks)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from layofflab import config

RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
PYPROJECT = tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text())


@pytest.mark.skipif(RUFF is None, reason="ruff is not installed")
@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["check", "format"])
def test_ruff(command):
    proc = subprocess.run(
        [RUFF, *command, "lib", "tests", "bench", "tools"],
        cwd=config.PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-1000:]


@pytest.mark.slow  # a cold mypy run over the library takes ~30 s
@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is not installed")
def test_mypy(tmp_path):
    # as `make lint` runs it: bare `mypy` in the project root ([tool.mypy] gives files and flags);
    # the cache goes to tmp_path so the test writes nothing in the checkout
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy_cache")],
        cwd=config.PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-1000:]
    assert "Success: no issues found" in proc.stdout


def test_lint_runs_the_type_checker_and_docstring_rules():
    makefile = (config.PROJECT_ROOT / "Makefile").read_text()
    lint = makefile.split("\nlint:")[1].split("\n\n")[0]
    assert "$(BIN)/mypy\n" in lint + "\n"
    ruff = PYPROJECT["tool"]["ruff"]["lint"]
    assert "D" in ruff["select"]
    assert ruff["pydocstyle"]["convention"] == "numpy"
    mypy = PYPROJECT["tool"]["mypy"]
    assert mypy["files"] == ["lib/layofflab"]
    for flag in ("check_untyped_defs", "disallow_untyped_defs", "warn_unused_ignores"):
        assert mypy[flag] is True, flag


def test_the_package_declares_its_types():
    assert (config.PROJECT_ROOT / "lib" / "layofflab" / "py.typed").is_file()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["layofflab"]
