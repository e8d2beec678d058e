"""Maintain requirements.lock, the exact environment ``make setup`` installs.

``python tools/lock.py compile`` (what ``make lock`` runs) resolves pyproject.toml's
dependencies, every extra and the build requirements with ``uv pip compile --universal``
against PyPI: one file, exact versions and sha256 hashes, environment markers for
Python 3.11 to 3.13. Pins already in the lock are kept while pyproject.toml allows them
(so adding a dependency changes only what it needs); ``compile --upgrade`` (``make
lock-upgrade``) moves every package to the newest version allowed. Either prints what
changed against the previous lock.

``python tools/lock.py check`` exits 2, with one line, when pyproject.toml's requirements
changed since the lock was compiled (``make setup`` runs it first). The lock records the
digest of those requirements on its first line.

Standard library only: it runs before the venv exists.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements.lock"
INDEX = "https://pypi.org/simple"
OLDEST_PYTHON = "3.11"
DIGEST_PREFIX = "# inputs-sha256: "
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def inputs(pyproject: Path = PYPROJECT) -> dict[str, object]:
    """The requirements the lock is compiled from (what its digest covers)."""
    meta = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = meta["project"]
    return {
        "build-system": sorted(meta["build-system"]["requires"]),
        "dependencies": sorted(project.get("dependencies", [])),
        "optional-dependencies": {
            k: sorted(v) for k, v in sorted(project.get("optional-dependencies", {}).items())
        },
        "requires-python": project.get("requires-python", ""),
    }


def digest(pyproject: Path = PYPROJECT) -> str:
    """sha256 of :func:`inputs`, in a canonical JSON form."""
    text = json.dumps(inputs(pyproject), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def recorded_digest(lock: Path = LOCK) -> str | None:
    """The digest written on the lock's first line, or None."""
    if not lock.is_file():
        return None
    first = lock.read_text(encoding="utf-8").split("\n", 1)[0]
    return first.removeprefix(DIGEST_PREFIX) if first.startswith(DIGEST_PREFIX) else None


def pins(text: str) -> dict[str, set[str]]:
    """``{name: {"version" or "version ; marker"}}`` of a lock file's text."""
    out: dict[str, set[str]] = {}
    for line in text.splitlines():
        m = _PIN.match(line)
        if m:
            name, version, marker = m.groups()
            key = name.lower().replace("_", "-").replace(".", "-")
            out.setdefault(key, set()).add(f"{version} ; {marker}" if marker else version)
    return out


def changes(old: str, new: str) -> list[str]:
    """One line per package added, removed or changed between two lock texts."""
    before, after = pins(old), pins(new)
    lines = []
    for name in sorted(before.keys() | after.keys()):
        a, b = before.get(name, set()), after.get(name, set())
        if a == b:
            continue
        if not a:
            lines.append(f"+ {name} {', '.join(sorted(b))}")
        elif not b:
            lines.append(f"- {name} {', '.join(sorted(a))}")
        else:
            lines.append(f"~ {name} {', '.join(sorted(a))} -> {', '.join(sorted(b))}")
    return lines


def _uv() -> str:
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv is None:
        raise SystemExit("lock: uv is not installed; run 'make setup' (the [dev] extra has it)")
    return uv


def compile_lock(*, upgrade: bool = False) -> int:
    build = "\n".join(inputs()["build-system"]) + "\n"  # type: ignore[arg-type]
    old = LOCK.read_text(encoding="utf-8") if LOCK.is_file() else ""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "requirements.lock"
        out.write_text(old, encoding="utf-8")  # uv prefers the pins of an existing output file
        cmd = [
            _uv(),
            "pip",
            "compile",
            "pyproject.toml",
            "-",  # the build requirements, from stdin (no temporary path in the annotations)
            "--all-extras",
            "--universal",
            f"--python-version={OLDEST_PYTHON}",
            "--generate-hashes",
            f"--index-url={INDEX}",
            "--custom-compile-command=make lock",
            "--quiet",
            f"--output-file={out}",
            *(["--upgrade"] if upgrade else []),
        ]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "PIP_"))}
        proc = subprocess.run(cmd, input=build, text=True, cwd=ROOT, env=env, check=False)
        if proc.returncode != 0:
            print("lock: uv pip compile failed; requirements.lock is unchanged", file=sys.stderr)
            return 2
        new = f"{DIGEST_PREFIX}{digest()}\n" + out.read_text(encoding="utf-8")
    if new == old:
        print("lock: requirements.lock is up to date (no change)")
        return 0
    tmp_lock = LOCK.with_name(f".{LOCK.name}.tmp")
    tmp_lock.write_text(new, encoding="utf-8")
    os.replace(tmp_lock, LOCK)
    diff = changes(old, new)
    print(f"lock: wrote requirements.lock ({len(pins(new))} packages)")
    print("\n".join(diff) if diff else "lock: same versions (hashes or annotations changed)")
    return 0


def check() -> int:
    recorded = recorded_digest()
    if recorded is None:
        print("setup: requirements.lock is missing or has no inputs digest; run 'make lock'")
        return 2
    if recorded != digest():
        print(
            "setup: pyproject.toml's requirements changed since requirements.lock was "
            "compiled; run 'make lock' (and commit the lock)"
        )
        return 2
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "compile":
        raise SystemExit(compile_lock(upgrade="--upgrade" in sys.argv[2:]))
    if command == "check":
        raise SystemExit(check())
    raise SystemExit("usage: python tools/lock.py compile [--upgrade] | check")
