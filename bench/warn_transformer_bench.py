"""layofflab ÷ warn-transformer: cleaning the 44 raw state files of ../shared/data/warn/state_raw.

The files are warn-transformer's own test fixtures, so both tools clean exactly the same input:
layofflab as ``layofflab clean warn`` does (``warn.read`` of every file at once, entity
resolution and schema validation included), warn-transformer by its ``consolidate`` command
(every state transformer, then its hash de-duplication and the consolidated CSV). Each side is
timed inside its own process after its imports; the runs alternate, and the script prints each
pair and the median ratio (goal: ≤ 0.6).

warn-transformer is not a dependency of layofflab. Install it into a scratch venv
(``python3.11 -m venv /tmp/wt && /tmp/wt/bin/pip install warn-transformer``) and point
``WARN_TRANSFORMER_PYTHON`` at its interpreter; without it the script says so and exits 0.

    WARN_TRANSFORMER_PYTHON=/tmp/wt/bin/python .venv/bin/python bench/warn_transformer_bench.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from layofflab import config
from layofflab.sources import warn

ROUNDS = 3
GOAL = 0.6

_THEIRS = """
import logging, sys, time
from pathlib import Path
from warn_transformer import consolidate
start = time.perf_counter()
consolidate.run(Path(sys.argv[1]))
print(time.perf_counter() - start)
"""


def _interpreter() -> str | None:
    """A Python that can import warn_transformer: ours, or $WARN_TRANSFORMER_PYTHON."""
    candidates = [sys.executable, os.environ.get("WARN_TRANSFORMER_PYTHON")]
    for python in filter(None, candidates):
        probe = subprocess.run(
            [python, "-c", "import warn_transformer"], capture_output=True, check=False
        )
        if probe.returncode == 0:
            return python
    return None


def time_theirs(python: str, folder: Path, out: Path) -> float:
    """Seconds warn-transformer's consolidate takes on ``folder`` (its output under ``out``)."""
    env = {**os.environ, "WARN_TRANSFORMER_OUTPUT_DIR": str(out)}
    done = subprocess.run(
        [python, "-c", _THEIRS, str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def time_ours(files: list[Path]) -> tuple[float, int]:
    """Seconds ``warn.read`` takes on ``files`` and the rows it kept."""
    start = time.perf_counter()
    cleaned = warn.read(files)
    elapsed = time.perf_counter() - start
    cleaned.check_conservation()
    return elapsed, cleaned.data.height


def main() -> int:
    folder = config.SHARED_DATA / "warn" / "state_raw"
    files = sorted(folder.glob("*.csv"))
    if not files:
        print(f"warn_transformer_bench: skipped, no state files in {folder}")
        return 0
    python = _interpreter()
    if python is None:
        print(
            "warn_transformer_bench: skipped, warn-transformer is not installed "
            "(pip install warn-transformer into a scratch venv and set WARN_TRANSFORMER_PYTHON)"
        )
        return 0
    time_ours(files[:1])  # warm the caches (alias table, layouts) before timing
    ratios = []
    out = Path(tempfile.mkdtemp(prefix="wt_bench_"))
    try:
        for i in range(ROUNDS):
            theirs = time_theirs(python, folder, out)
            ours, rows = time_ours(files)
            ratios.append(ours / theirs)
            print(
                f"round {i + 1}: layofflab {ours:.2f} s ({rows:,} rows kept), "
                f"warn-transformer {theirs:.2f} s, ratio {ours / theirs:.2f}"
            )
    finally:
        shutil.rmtree(out, ignore_errors=True)
    median = statistics.median(ratios)
    verdict = "met" if median <= GOAL else "NOT met"
    print(
        f"layofflab ÷ warn-transformer on {len(files)} state files: median {median:.2f} "
        f"(range {min(ratios):.2f}-{max(ratios):.2f}); goal ≤ {GOAL}: {verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
