"""The library from a built wheel, outside the repository (no project folder, no network).

The wheel is built (setuptools' own backend, from a copy of the sources in ``tmp_path``)
and installed with ``pip --no-index --no-deps`` into a fresh venv; its dependencies
come from this environment's site-packages through a ``.pth`` file (whose own ``.pth``
files, among them the editable install of this checkout, are not read).
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from layofflab import config

pytestmark = pytest.mark.slow

ROOT = config.PROJECT_ROOT
FIT = """
import layofflab, polars as pl
from layofflab import config, models
assert not config.has_project()
df = pl.DataFrame({"firm": [1, 1, 2, 2, 3, 3, 4, 4], "x": [0., 1, 0, 1, 1, 0, 2, 1],
                   "y": [0.1, 1.2, 0.3, 1.1, 2.0, 1.1, 2.9, 2.2]})
res = models.panel_ols(df, "y ~ x", fe=["firm"], cluster="firm")
print(layofflab.__file__)
print(round(res.coef("x"), 4), res.info.n_clusters)
"""


def _run(args, cwd, env):
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=env, check=False)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"  # what a wheel is built from: pyproject, README, lib/ (+ data/raw, linked)
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(ROOT / "lib", src / "lib", symlinks=True, ignore=ignore)
    shutil.copytree(ROOT / "data" / "raw", src / "data" / "raw")
    build = _run(
        [
            sys.executable,
            "-c",
            "import sys; from setuptools import build_meta; print(build_meta.build_wheel(sys.argv[1]))",
            str(tmp / "dist"),
        ],
        src,
        {**os.environ, "PYTHONWARNINGS": "default"},
    )
    assert build.returncode == 0, build.stderr[-3000:]
    wheel = tmp / "dist" / build.stdout.strip().splitlines()[-1]
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp, None
    ).stdout.strip()
    Path(purelib, "_layofflab_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    pip = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        tmp,
        None,
    )
    assert pip.returncode == 0, pip.stderr[-3000:]
    outside = tmp / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {config.PROJECT_ENV, "PYTHONPATH"}}
    return {"build": build, "wheel": wheel, "venv": venv, "src": src, "cwd": outside, "env": env}


def test_the_build_prints_no_warning(installed):
    assert "Warning" not in installed["build"].stderr, installed["build"].stderr[-3000:]


def test_the_wheel_ships_the_resources_and_no_project_files(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    assert "layofflab/resources/tracker_formats.toml" in names
    assert "layofflab/py.typed" in names  # PEP 561: type checkers read the annotations
    with zipfile.ZipFile(installed["wheel"]) as zf:
        aliases = zf.read("layofflab/resources/company_aliases.csv")  # the link, resolved
    assert aliases == (ROOT / "data" / "raw" / "company_aliases.csv").read_bytes()
    assert not [n for n in names if n.startswith(("tests/", "data/", "notebooks/"))]


def test_clean_and_fit_from_the_wheel_outside_the_repo(installed):
    cwd, env, venv = installed["cwd"], installed["env"], installed["venv"]
    fixture = (ROOT / "tests/fixtures/tracker/layoffs_2026_format.csv").read_text()
    (cwd / "layoffs.csv").write_text(fixture.replace("Acme Robotics", "Amazon.com Services LLC"))
    clean = _run(
        [str(venv / "bin" / "layofflab"), "clean", "tracker", "layoffs.csv", "--out", "out"],
        cwd,
        env,
    )
    assert clean.returncode == 0, clean.stderr
    check = _run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import polars as pl; d = pl.read_parquet('out/tracker.parquet');"
            "print(d.height, sorted(set(d['company_id'].drop_nulls())))",
        ],
        cwd,
        env,
    )
    assert check.stdout.split("\n")[0] == "7 ['AMZN']", check.stderr  # aliases from the wheel
    fit = _run([str(venv / "bin" / "python"), "-c", FIT], cwd, env)
    assert fit.returncode == 0, fit.stderr
    where, result = fit.stdout.strip().splitlines()
    assert Path(where).is_relative_to(venv) and not Path(where).is_relative_to(ROOT)
    assert result == "0.875 {'firm': 4}"


def test_project_commands_need_a_project_and_take_one(installed):
    cwd, env, layofflab = (
        installed["cwd"],
        installed["env"],
        installed["venv"] / "bin" / "layofflab",
    )
    proc = _run([str(layofflab), "data"], cwd, env)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"layofflab data: {cwd}: not inside a layofflab project (no data/raw/MANIFEST here or "
        "in a parent folder); run inside a layofflab checkout, or pass --project DIR "
        "(or set LAYOFFLAB_PROJECT)"
    ]
    src = installed["src"]
    proc = _run([str(layofflab), "data", "--project", str(src)], cwd, env)
    assert proc.returncode == 0, proc.stderr
    assert "layoffs: built" in proc.stdout
    assert (src / "data" / "processed" / "layoffs.parquet").is_file()
