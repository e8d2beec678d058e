"""Benchmark (issue 12): the whole ``warn-public`` universe panel build, against its derivation.

Run ``python bench/universe_bench.py`` (``make bench``). For N firms it writes a synthetic
``data/external``: N company-facts files from :func:`fetch_scale_bench.make_companyfacts`
(the real schema and its dirt; 0.6 MiB each) and WARN register CSVs (the register's 45
columns) with one to four notices per firm, 5 % of the firms without a facts file and one
private employer (no CIK) per ten rows. In one process it then times

* **baseline** — :func:`layofflab.tables.quarters.derive_quarters` on the N files alone
  (what ``fetch/derive`` measures: the SEC reader in worker processes);
* **universe** — :func:`layofflab.tables.universe.build_universe` from scratch: SHA-256 of
  every input, the WARN register through its reader, the same derivation, the panel, its
  funnel and firm table, every file written atomically;
* **up to date** — the same call again (hashing the inputs, nothing rebuilt).

It prints seconds, the ratio universe ÷ baseline (what the build adds to the derivation)
and the panel's size. Seeds are fixed (``SEED``): the same N gives the same files.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from fetch_scale_bench import FIRST_CIK, SEED, write_companyfacts

HEADER_FILE = Path(__file__).parents[1] / "tests" / "fixtures" / "universe" / "register" / "wa.csv"


def write_register(folder: Path, n: int, *, seed: int = SEED) -> int:
    """WARN register CSVs (wa.csv, ny.csv) naming the N synthetic firms; returns the rows written."""
    header = HEADER_FILE.read_text().splitlines()[0].split(",")
    rng = np.random.default_rng([seed, 12])
    folder.mkdir(parents=True, exist_ok=True)
    rows = {"wa": [], "ny": []}
    for i in range(n):
        cik = FIRST_CIK + i
        for j in range(int(rng.integers(1, 5))):
            day = int(rng.integers(0, 7 * 365))
            date = np.datetime64("2019-01-01") + np.timedelta64(day, "D")
            state = "wa" if rng.random() < 0.6 else "ny"
            row = dict.fromkeys(header, "")
            row.update(
                state=state.upper(),
                employer_name=f"Synthetic Filer {i}",
                cik=str(cik),
                ticker=f"S{i}",
                location=f"Site {j}",
                notice_date=str(date),
                employees_affected=str(int(rng.integers(1, 500))),
                layoff_type="mass_layoff",
                is_amendment="0",
                dedupe_key=f"k{i}-{j}",
            )
            rows[state].append(row)
            if rng.random() < 0.1:  # a private employer beside it
                private = dict(row, employer_name=f"Private Shop {i}-{j}", cik="", ticker="")
                rows[state].append(dict(private, dedupe_key=f"p{i}-{j}"))
    for state, items in rows.items():
        with (folder / f"{state}.csv").open("w", newline="") as fh:
            out = csv.DictWriter(fh, header, lineterminator="\n")
            out.writeheader()
            out.writerows(items)
    return sum(len(v) for v in rows.values())


def bench(n: int, *, workers: int, workdir: Path | None = None) -> dict[str, float]:
    """Time the baseline and the universe build for N firms; print and return the figures."""
    from layofflab.tables.quarters import derive_quarters
    from layofflab.tables.universe import build_universe, read_universe_panel

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        ext = Path(tmp) / "external"
        t0 = time.perf_counter()
        paths = write_companyfacts(ext / "sec" / "companyfacts", n)
        for p in paths[::20]:  # 5 % of the firms: no facts at the SEC
            p.unlink()
        rows = write_register(ext / "warn" / "register", n)
        mib = sum(p.stat().st_size for p in ext.rglob("*") if p.is_file()) / 2**20
        print(
            f"N = {n:,}: {mib:.0f} MiB, {rows:,} WARN rows written in {time.perf_counter() - t0:.0f} s"
        )
        left = sorted((ext / "sec" / "companyfacts").glob("*.json"))
        t0 = time.perf_counter()
        derive_quarters(left, out_dir=Path(tmp) / "baseline", workers=workers).data.collect()
        baseline = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = build_universe(external_dir=ext, out_dir=Path(tmp) / "universe", workers=workers)
        universe = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = build_universe(external_dir=ext, out_dir=Path(tmp) / "universe", workers=workers)
        up_to_date = time.perf_counter() - t0
        statuses = (
            report.status,
            again.status,
        )  # ("built", "up to date") unless the code changed meanwhile
        panel = read_universe_panel(Path(tmp) / "universe").data
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"  baseline (derive_quarters, {workers} workers) {baseline:7.1f} s\n"
        f"  universe panel from scratch               {universe:7.1f} s  "
        f"= {universe / baseline:.2f} x baseline\n"
        f"  up to date (hash inputs, no rebuild)      {up_to_date:7.1f} s  "
        f"= {up_to_date / baseline:.2f} x baseline\n"
        f"  panel {panel.height:,} firm-quarters, {panel['company_id'].n_unique():,} firms; "
        f"peak RSS parent {peak:.0f} MiB, largest worker {kids:.0f} MiB "
        f"(load average {os.getloadavg()[0]:.1f}; {statuses[0]}, then {statuses[1]})"
    )
    return {"baseline": baseline, "universe": universe, "up_to_date": up_to_date}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    for n in args.sizes:
        bench(n, workers=args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
