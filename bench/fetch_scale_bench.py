"""Scale benchmark (issue 12): quarterly series from N company-facts files, serial vs parallel.

Run ``python bench/fetch_scale_bench.py`` (``make bench``). A generator writes N synthetic
SEC companyfacts documents with the real schema (``cik``, ``entityName``, ``facts`` →
taxonomy → tag → ``label``/``description``/``units`` → unit → facts with ``start``, ``end``,
``val``, ``accn``, ``fy``, ``fp``, ``form``, ``filed``, ``frame``) and realistic dirt:

* cash-flow tags reported **year to date** in 10-Qs (3, 6, 9 months) and for 12 months in the 10-K;
* every period **repeated** as the prior-year comparative of the next year's filing;
* **restatements** (a comparative with another value, filed later);
* **concept switches** (revenue ``SalesRevenueNet`` → ``RevenueFromContractWithCustomer…`` →
  ``Revenues``; capex ``PaymentsToAcquirePropertyPlantAndEquipment`` ↔
  ``PaymentsToAcquireProductiveAssets``, overlapping for a year);
* **unit rescaling** (a filing reports a value in thousands — 1000× too small — corrected by a
  later filing; per-share and share-count units beside USD);
* fiscal years ending in December, January, March, June or September; ~40 tags nobody asked for.

:func:`layofflab.fetch.derive_quarters` then derives the quarters of every file with
``workers=1`` (serial, in-process) and ``workers=2`` (two processes), each run in a fresh
child process so that its peak resident memory is its own; the script prints files per
second, the ratio parallel ÷ serial (goal ≤ 0.6) and peak memory for N = 500 and 2,000
(goal: independent of N).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SEED = 20251028
#: Synthetic CIKs start here (no real filer in the alias table has one this high).
FIRST_CIK = 9_000_001
FYE_MONTHS = (12, 12, 12, 1, 3, 6, 9)
FILLER_TAGS = 50


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _add_months(year: int, month: int, k: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + k
    return index // 12, index % 12 + 1


def _fiscal_quarters(fye: int, fy: int) -> list[tuple[dt.date, dt.date]]:
    """(start, end) of the four quarters of fiscal year ``fy`` (ending in month ``fye``)."""
    y0, m0 = _add_months(fy, fye, -11)  # first month of the fiscal year
    out = []
    for q in range(4):
        ys, ms = _add_months(y0, m0, 3 * q)
        ye, me = _add_months(y0, m0, 3 * q + 2)
        out.append((dt.date(ys, ms, 1), _month_end(ye, me)))
    return out


def _fact(start, end, val, accn, fy, fp, form, filed, frame=None) -> dict:
    f = {} if start is None else {"start": start.isoformat()}
    f.update(
        end=end.isoformat(), val=val, accn=accn, fy=fy, fp=fp, form=form, filed=filed.isoformat()
    )
    if frame:
        f["frame"] = frame
    return f


def make_companyfacts(cik: int, rng: np.random.Generator, *, years: int = 10) -> dict:
    """One synthetic companyfacts document (see the module docstring for its dirt)."""
    fye = int(rng.choice(FYE_MONTHS))
    last_fy = 2025
    fys = list(range(last_fy - years + 1, last_fy + 1))
    scale = float(rng.lognormal(6, 1.5))  # firm size, in millions
    facts: dict[str, dict[str, list]] = {}

    def put(tag: str, unit: str, fact: dict) -> None:
        facts.setdefault(tag, {}).setdefault(unit, []).append(fact)

    switch_capex = rng.random() < 0.3
    revenue_tags = [
        "SalesRevenueNet",
        "RevenueFromContractWithCustomerExcludingAssessedTax",
        "Revenues",
    ]
    prior: dict[int, dict] = {}  # each fiscal year's true values, repeated as comparatives
    for fy in fys:
        quarters = _fiscal_quarters(fye, fy)
        flows = {
            "capex": rng.gamma(2.0, 0.05 * scale, 4),
            "ocf": rng.normal(0.2 * scale, 0.05 * scale, 4),
            "revenue": rng.gamma(5.0, 0.2 * scale, 4),
        }
        for q, (_, end) in enumerate(quarters, start=1):
            filed = end + dt.timedelta(days=int(rng.integers(25, 45)) + (30 if q == 4 else 0))
            form, fp = ("10-K", "FY") if q == 4 else ("10-Q", f"Q{q}")
            accn = f"{cik:010d}-{filed.year % 100:02d}-{int(rng.integers(1, 99999)):06d}"
            # the filing's own periods, then the same periods one year earlier (comparatives)
            for lag in (0, 1):
                pfy = fy - lag
                if pfy < fys[0]:
                    continue
                pq = _fiscal_quarters(fye, pfy)
                pstart = pq[0][0]
                pend = pq[q - 1][1]
                ytd = {k: float(v[:q].sum()) for k, v in flows.items()} if lag == 0 else None
                if lag == 1:
                    ytd = prior[pfy][q]
                    if rng.random() < 0.05:  # restated comparative
                        ytd = {k: v * float(rng.uniform(0.9, 1.1)) for k, v in ytd.items()}
                capex_tag = "PaymentsToAcquirePropertyPlantAndEquipment"
                if switch_capex and pfy >= fys[len(fys) // 2]:
                    capex_tag = "PaymentsToAcquireProductiveAssets"
                val = round(ytd["capex"] * 1e6)
                if lag == 0 and rng.random() < 0.03:
                    val = round(val / 1000)  # reported in thousands; the next filing corrects it
                put(capex_tag, "USD", _fact(pstart, pend, val, accn, fy, fp, form, filed))
                if switch_capex and pfy == fys[len(fys) // 2]:  # overlap year: both tags
                    put(
                        "PaymentsToAcquirePropertyPlantAndEquipment",
                        "USD",
                        _fact(pstart, pend, round(ytd["capex"] * 1e6), accn, fy, fp, form, filed),
                    )
                put(
                    "NetCashProvidedByUsedInOperatingActivities",
                    "USD",
                    _fact(pstart, pend, round(ytd["ocf"] * 1e6), accn, fy, fp, form, filed),
                )
                rtags = [revenue_tags[0 if pfy < 2018 else 1 if pfy < 2023 else 2]]
                if pfy == 2022:  # the switch year reports both the old and the new tag
                    rtags.append("Revenues")
                qstart, qend = pq[q - 1]
                quarter_rev = flows["revenue"][q - 1] if lag == 0 else prior[pfy]["q_rev"][q]
                for rtag in rtags:
                    if q < 4:
                        put(
                            rtag,
                            "USD",
                            _fact(
                                qstart, qend, round(quarter_rev * 1e6), accn, fy, fp, form, filed
                            ),
                        )
                    put(
                        rtag,
                        "USD",
                        _fact(pstart, pend, round(ytd["revenue"] * 1e6), accn, fy, fp, form, filed),
                    )
                assets = round(scale * 3e6 * (1 + 0.02 * q + 0.1 * (pfy - fys[0])))
                put("Assets", "USD", _fact(None, pend, assets, accn, fy, fp, form, filed))
                put(
                    "EarningsPerShareBasic",
                    "USD/shares",
                    _fact(
                        qstart, qend, round(float(rng.normal(1, 0.3)), 2), accn, fy, fp, form, filed
                    ),
                )
                for i in range(FILLER_TAGS):
                    put(
                        f"FillerConcept{i:02d}",
                        "USD",
                        _fact(qstart, qend, int(rng.integers(0, 10**9)), accn, fy, fp, form, filed),
                    )
        prior[fy] = {q: {k: float(v[:q].sum()) for k, v in flows.items()} for q in range(1, 5)}
        prior[fy]["q_rev"] = {q: float(flows["revenue"][q - 1]) for q in range(1, 5)}
    us_gaap = {
        tag: {"label": tag, "description": f"Synthetic {tag}.", "units": units}
        for tag, units in facts.items()
    }
    shares = [
        _fact(
            None,
            _fiscal_quarters(fye, fy)[0][1],
            int(scale * 1e6),
            f"{cik:010d}-{fy % 100:02d}-000001",
            fy,
            "Q1",
            "10-Q",
            _fiscal_quarters(fye, fy)[0][1] + dt.timedelta(days=30),
        )
        for fy in fys
    ]
    return {
        "cik": cik,
        "entityName": f"SYNTHETIC FILER {cik}",
        "facts": {
            "dei": {
                "EntityCommonStockSharesOutstanding": {
                    "label": "Shares",
                    "description": "",
                    "units": {"shares": shares},
                }
            },
            "us-gaap": us_gaap,
        },
    }


def write_companyfacts(
    folder: str | Path, n: int, *, seed: int = SEED, years: int = 10
) -> list[Path]:
    """Write ``n`` files ``CIK##########.json`` into ``folder``; the same seed gives the same bytes."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        cik = FIRST_CIK + i
        rng = np.random.default_rng([seed, cik])
        path = folder / f"CIK{cik:010d}.json"
        path.write_text(json.dumps(make_companyfacts(cik, rng, years=years), separators=(",", ":")))
        paths.append(path)
    return paths


def _task(folder: str, out: str, workers: int) -> dict:
    from layofflab.fetch import derive_quarters

    paths = sorted(Path(folder).glob("CIK*.json"))
    start = time.perf_counter()
    derived = derive_quarters(paths, out_dir=out, workers=workers)
    rows = derived.data.select("source_file").collect().height
    seconds = time.perf_counter() - start
    derived.check_conservation()
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return {
        "cpu_seconds": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
        "load": os.getloadavg()[0],
        "seconds": seconds,
        "files": len(paths),
        "rows": rows,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def _run(folder: Path, out: Path, workers: int) -> dict:
    cmd = [sys.executable, __file__, "--task", str(folder), str(out), str(workers)]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def bench(
    sizes: tuple[int, ...] = (500, 2000), *, workers: int = 2, workdir: Path | None = None
) -> dict:
    """Serial and parallel runs for each N; print and return the figures."""
    results = {}
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        tmp = Path(tmp)
        for n in sizes:
            folder = tmp / f"facts_{n}"
            t0 = time.perf_counter()
            paths = write_companyfacts(folder, n)
            mib = sum(p.stat().st_size for p in paths) / 2**20
            print(
                f"N = {n:,}: {mib:.0f} MiB of company facts generated in {time.perf_counter() - t0:.0f} s"
            )
            serial = _run(folder, tmp / f"serial_{n}", 1)
            parallel = _run(folder, tmp / f"parallel_{n}", workers)
            assert serial["rows"] == parallel["rows"], (serial, parallel)
            for label, r in (("serial", serial), (f"{workers} processes", parallel)):
                print(
                    f"  {label:12s} {r['seconds']:7.1f} s  {r['files'] / r['seconds']:6.1f} files/s  "
                    f"CPU {r['cpu_seconds']:6.1f} s  peak RSS parent {r['peak_rss_mb']:4.0f} MiB, "
                    f"largest worker {r['worker_peak_rss_mb']:4.0f} MiB  (load average {r['load']:.1f})"
                )
            ratio = parallel["seconds"] / serial["seconds"]
            cpu = parallel["cpu_seconds"] / serial["cpu_seconds"]
            print(
                f"  parallel / serial = {ratio:.2f} wall-clock (goal <= 0.6), {cpu:.2f} CPU time; "
                f"quarters derived: {serial['rows']:,}"
            )
            results[n] = {"serial": serial, "parallel": parallel, "ratio": ratio}
    if len(sizes) > 1:
        lo, hi = results[sizes[0]], results[sizes[-1]]
        for kind in ("serial", "parallel"):
            key = "peak_rss_mb" if kind == "serial" else "worker_peak_rss_mb"
            print(
                f"peak memory {kind} N={sizes[-1]:,} / N={sizes[0]:,}: "
                f"{hi[kind][key] / lo[kind][key]:.2f}  (goal: about 1, independent of N)"
            )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--task", nargs=3, metavar=("DIR", "OUT", "WORKERS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.task:
        folder, out, workers = args.task
        print(json.dumps(_task(folder, out, int(workers))))
        return 0
    bench(tuple(args.sizes), workers=args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
