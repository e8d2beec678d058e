"""Benchmark: the report builder on the shipped run list (goals from issue 11).

* ``warm``   — ``make -s report`` in the project with nothing changed, after a build
  (goal ≤ 2 s wall): make finds no input newer than the last complete build and starts
  no Python. Printed beside it: ``layofflab report`` itself with nothing changed (every
  run's key checked, the index rewritten), the time of a bare
  ``python -c "import layofflab"`` that every ``layofflab`` command pays, and the
  builder's own share (``build_reports`` in this process, the package imported);
* ``cold``   — every run of the shipped run list executed (``--force``) with ``-j 1`` and
  with ``-j 2``, on a copy of ``notebooks/`` into a temporary report folder: the ratio
  ``-j 2 ÷ -j 1`` (goal ≤ 0.65);
* ``one changed notebook`` — a markdown cell added to one notebook of the copy: that
  notebook's runs execute, every other run is reused (checked, not only timed).

Usage::

    .venv/bin/python bench/report_bench.py [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from layofflab import config
from layofflab.pipeline import runlist
from layofflab.pipeline.executor import Progress
from layofflab.pipeline.report import build_reports


def _wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=config.PROJECT_ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def _build(folder: Path, reports: Path, **kwargs) -> tuple[float, dict[str, str]]:
    start = time.perf_counter()
    result = build_reports(
        runs=folder / "runs.toml",
        report_dir=reports,
        data=False,
        progress=Progress([], live=False, stream=io.StringIO()),
        **kwargs,
    )
    elapsed = time.perf_counter() - start
    failed = [o for o in result.outcomes if o.status != "ok"]
    if failed:
        raise SystemExit(f"runs failed: {[(o.name, o.error) for o in failed]}")
    return elapsed, {o.name: o.action.split(" (")[0] for o in result.outcomes}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="warm runs timed (median shown)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--warm-only", action="store_true", help="skip the cold builds")
    args = parser.parse_args()
    out: dict[str, float | dict] = {}

    subprocess.run(
        ["make", "-s", "report"], cwd=config.PROJECT_ROOT, check=True, capture_output=True
    )
    warm = [_wall(["make", "-s", "report"]) for _ in range(args.repeat)]
    cli = [
        _wall([str(Path(sys.executable).parent / "layofflab"), "report"])
        for _ in range(args.repeat)
    ]
    bare = [_wall([sys.executable, "-c", "import layofflab"]) for _ in range(args.repeat)]
    own = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        build_reports(progress=Progress([], live=False, stream=io.StringIO()))
        own.append(time.perf_counter() - start)
    out["warm_make_report_s"] = statistics.median(warm)
    out["warm_layofflab_report_s"] = statistics.median(cli)
    out["import_layofflab_s"] = statistics.median(bare)
    out["builder_in_process_s"] = statistics.median(own)
    print(
        f"warm make report        {out['warm_make_report_s']:.2f} s (median of {args.repeat}; goal ≤ 2 s)"
    )
    print(
        f"warm layofflab report   {out['warm_layofflab_report_s']:.2f} s (every run's key checked)"
    )
    print(
        f"  import layofflab      {out['import_layofflab_s']:.2f} s (python -c 'import layofflab')"
    )
    print(f"  builder in process    {out['builder_in_process_s']:.2f} s (data + keys + index)")

    if args.warm_only:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "notebooks"
        shutil.copytree(config.NOTEBOOKS, folder)
        names = runlist.read_run_list(folder / "runs.toml").names()
        serial, _ = _build(folder, Path(tmp) / "r1", force=True, jobs=1)
        parallel, _ = _build(folder, Path(tmp) / "r2", force=True, jobs=2)
        out["cold_j1_s"], out["cold_j2_s"] = serial, parallel
        out["cold_ratio_j2_over_j1"] = parallel / serial
        print(f"cold -j 1               {serial:.1f} s ({len(names)} runs)")
        print(f"cold -j 2               {parallel:.1f} s")
        print(f"  ratio -j 2 ÷ -j 1     {out['cold_ratio_j2_over_j1']:.2f} (goal ≤ 0.65)")

        changed = folder / "03_warn_which_jobs.ipynb"
        nb = nbformat.read(changed, as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell("A note added by the benchmark."))
        nbformat.write(nb, changed)
        again, actions = _build(folder, Path(tmp) / "r2", jobs=2)
        executed = sorted(n for n, a in actions.items() if a == "executed")
        expected = sorted(n for n in names if n.startswith("03_warn_which_jobs"))
        out["one_changed_s"] = again
        out["one_changed_executed"] = {"executed": executed, "expected": expected}
        print(
            f"one changed notebook    {again:.1f} s; executed {executed}, "
            f"reused {sorted(n for n, a in actions.items() if a == 'reused')}"
        )
        if executed != expected:
            raise SystemExit(f"expected only {expected} to execute, got {executed}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
