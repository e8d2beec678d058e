"""The locked environment: requirements.lock, the supported Pythons, environment.yml, make setup."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from layofflab import config

ROOT = config.PROJECT_ROOT
SUPPORTED = ("3.11", "3.12", "3.13")
_spec = importlib.util.spec_from_file_location("lock", ROOT / "tools" / "lock.py")
assert _spec is not None and _spec.loader is not None
lock = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lock)

LOCK_TEXT = (ROOT / "requirements.lock").read_text(encoding="utf-8")
TEXT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads(TEXT)


def _entries() -> list[tuple[str, str, str | None, list[str]]]:
    """(name, version, marker, hashes) for every pinned requirement of the lock."""
    out = []
    for block in re.split(r"\n(?=[A-Za-z0-9])", LOCK_TEXT):
        m = lock._PIN.match(block.splitlines()[0])
        if m:
            hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
            out.append((canonicalize_name(m[1]), m[2], m[3], hashes))
    return out


def _linux(version: str) -> dict[str, str]:
    """Marker environment of CPython ``version`` on Linux x86-64."""
    return {
        "implementation_name": "cpython",
        "os_name": "posix",
        "platform_machine": "x86_64",
        "platform_python_implementation": "CPython",
        "platform_system": "Linux",
        "python_full_version": f"{version}.1",
        "python_version": version,
        "sys_platform": "linux",
    }


def _pinned_for(env: dict[str, str]) -> dict[str, str]:
    return {
        name: version
        for name, version, marker, _ in _entries()
        if marker is None or Marker(marker).evaluate(env)
    }


def test_lock_is_compiled_from_the_current_pyproject():
    # A dependency added to pyproject.toml without `make lock` fails here (and stops make setup).
    assert lock.recorded_digest() == lock.digest(), "run `make lock` and commit requirements.lock"


def test_every_lock_entry_is_exact_and_hashed():
    entries = _entries()
    assert len(entries) > 150
    pins = len(re.findall(r"^[A-Za-z0-9][^ ]*==", LOCK_TEXT, flags=re.M))
    assert pins == len(entries)  # no entry the parser missed
    assert all(len(hashes) >= 1 for *_, hashes in entries)
    assert not re.search(r"^[A-Za-z0-9][^\s]*(>=|<=|~=|!=|>|<)", LOCK_TEXT, flags=re.M)


@pytest.mark.parametrize("version", SUPPORTED)
def test_lock_covers_every_requirement_on_each_supported_python(version):
    env = _linux(version)
    pinned = _pinned_for(env)
    project = PYPROJECT["project"]
    wanted = [*project["dependencies"], *PYPROJECT["build-system"]["requires"]]
    for extra in project["optional-dependencies"].values():
        wanted.extend(extra)
    for text in wanted:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        assert name in pinned, f"{name} is not pinned for Python {version}"
        assert req.specifier.contains(pinned[name], prereleases=True), (text, pinned[name])
    # one version per package and interpreter (no ambiguous forks)
    names = [n for n, _, m, _ in _entries() if m is None or Marker(m).evaluate(env)]
    assert len(names) == len(set(names))


def test_installed_packages_are_exactly_the_lock():
    """What `make setup` installed equals the lock's pins for this interpreter (pip freeze)."""
    if not (Path(sys.prefix) / ".installed").is_file():
        pytest.skip(f"{sys.prefix} was not made by make setup (tools/setup-venv)")
    pinned = _pinned_for({})  # {} → this interpreter's own marker environment
    installed = {
        canonicalize_name(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()
    }
    installed.pop("pip")  # the venv's own installer, from the interpreter's ensurepip
    assert installed.pop("layofflab") == PYPROJECT["project"]["version"]
    assert installed == pinned


def test_changes_lists_added_removed_and_changed_packages():
    old = "a==1.0 \\\n    --hash=sha256:x\nb==2.0\nc==3.0 ; python_full_version < '3.12'\n"
    new = "a==1.1\nc==3.0 ; python_full_version < '3.12'\nd_e==4.0\n"
    assert lock.changes(old, new) == ["~ a 1.0 -> 1.1", "- b 2.0", "+ d-e 4.0"]
    assert lock.changes(new, new) == []


def test_digest_ignores_order_but_not_requirements(tmp_path):
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    deps = PYPROJECT["project"]["dependencies"]
    shuffled = tmp_path / "pyproject.toml"
    shuffled.write_text(
        text.replace(f'"{deps[0]}",', "", 1).replace(
            f'"{deps[-1]}",', f'"{deps[-1]}",\n    "{deps[0]}",', 1
        )
    )
    assert tomllib.loads(shuffled.read_text())["project"]["dependencies"] != deps
    assert lock.digest(shuffled) == lock.digest()
    shuffled.write_text(text.replace(f'"{deps[0]}",', '"httpx>=0.27",', 1))
    assert lock.digest(shuffled) != lock.digest()


def test_dependency_lists_are_sorted_one_per_line():
    project = PYPROJECT["project"]
    lists = {"dependencies": project["dependencies"], **project["optional-dependencies"]}
    for name, reqs in lists.items():
        keys = [canonicalize_name(Requirement(r).name) for r in reqs]
        assert keys == sorted(keys), name
        # written one requirement per line: `name = [` alone, then one quoted string a line
        block = re.search(rf"^{re.escape(name)} = \[\n((?:    \"[^\"]+\",\n)+)\]$", TEXT, re.M)
        assert block is not None and block[1].count("\n") == len(reqs), name


def test_library_needs_no_test_or_notebook_tooling():
    runtime = {canonicalize_name(Requirement(r).name) for r in PYPROJECT["project"]["dependencies"]}
    tooling = {"pytest", "hypothesis", "nbval", "ruff", "mypy", "jupyterlab", "papermill", "uv"}
    assert not runtime & tooling
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert {"lab", "test", "dev"} <= extras.keys()
    assert PYPROJECT["project"]["license"] == "MIT"  # SPDX string, not a table


def test_supported_pythons_agree_everywhere():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^PYTHONS := (.*)$", makefile, flags=re.M)[1].split() == list(SUPPORTED)
    setup = (ROOT / "tools" / "setup-venv").read_text(encoding="utf-8")
    assert re.search(r"^supported=\((.*)\)$", setup, flags=re.M)[1].split() == list(SUPPORTED)
    classifiers = [
        c.rsplit(" :: ", 1)[1]
        for c in PYPROJECT["project"]["classifiers"]
        if c.startswith("Programming Language :: Python :: 3.")
    ]
    assert classifiers == list(SUPPORTED)
    assert PYPROJECT["project"]["requires-python"] == f">={SUPPORTED[0]}"
    assert lock.OLDEST_PYTHON == SUPPORTED[0]
    assert "python3.11" not in makefile  # no interpreter hard-wired


def test_environment_yml_installs_the_lock_and_nothing_else():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    deps = env["dependencies"]
    python = [d for d in deps if isinstance(d, str) and d.startswith("python=")]
    assert len(python) == 1 and python[0].removeprefix("python=") in SUPPORTED
    assert "pip" in deps
    pip = next(d["pip"] for d in deps if isinstance(d, dict))
    assert pip == ["--require-hashes", "-r requirements.lock"]
    assert len(deps) == 3  # no conda package that could differ from the lock


def _fake_python(path: Path, version: str) -> Path:
    """An executable that answers like an interpreter of ``version`` to tools/find-python."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "#!/bin/sh\n"
        f'case "$2" in *executable*) echo "{version} $0" ;; *) echo "{version}" ;; esac\n'
    )
    path.chmod(0o755)
    return path


def _run(args, env, **kw):
    return subprocess.run(args, capture_output=True, text=True, env=env, check=False, **kw)


def test_find_python_looks_on_path_then_in_pyenv(tmp_path):
    bindir = tmp_path / "bin"
    _fake_python(bindir / "python3.11", "3.11")
    old = _fake_python(tmp_path / "pyenv" / "versions" / "3.12.1" / "bin" / "python3.12", "3.12")
    new = _fake_python(tmp_path / "pyenv" / "versions" / "3.12.10" / "bin" / "python3.12", "3.12")
    _fake_python(bindir / "python3.13", "3.12")  # lies about its version: not taken for 3.13
    env = {"PATH": f"{bindir}:/usr/bin:/bin", "PYENV_ROOT": str(tmp_path / "pyenv")}
    find = str(ROOT / "tools" / "find-python")
    assert _run([find, "3.11"], env).stdout.strip() == str(bindir / "python3.11")
    assert _run([find, "python3.12"], env).stdout.strip() == str(new)  # newest 3.12.x
    assert old != new
    missing = _run([find, "3.13"], env)
    assert (missing.returncode, missing.stdout) == (1, "")
    assert _run([find, "3.13", "3.11"], env).stdout.strip() == str(bindir / "python3.11")


def test_setup_refuses_an_unsupported_python_in_one_line(tmp_path):
    fake = _fake_python(tmp_path / "bin" / "python3.10", "3.10")
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin"}
    proc = _run([str(ROOT / "tools" / "setup-venv"), str(tmp_path / "venv"), str(fake)], env)
    assert proc.returncode == 2
    assert proc.stdout.strip().splitlines() == [
        f"setup: {fake} is Python 3.10; layofflab supports 3.11, 3.12, 3.13 "
        "(e.g. make setup PYTHON=python3.12)"
    ]
    assert not (tmp_path / "venv").exists()
    proc = _run([str(ROOT / "tools" / "setup-venv"), str(tmp_path / "venv"), "python3.99"], env)
    assert proc.returncode == 2 and "python3.99 not found" in proc.stdout


def test_test_pythons_says_which_it_could_not_find(tmp_path):
    env = {**os.environ, "PATH": "/usr/bin:/bin", "PYENV_ROOT": str(tmp_path)}
    proc = _run([str(ROOT / "tools" / "test-pythons"), "3.98", "3.99"], env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines() == [
        "test-pythons: Python 3.98 not found on this machine (skipped)",
        "test-pythons: Python 3.99 not found on this machine (skipped)",
        "test-pythons: fast tier passed on none; failed on none; not found: 3.98 3.99",
    ]
