"""Job-title classifier benchmark (issue 13): ``classify_titles`` against ``str.contains``.

``layofflab.roles.classify_titles`` runs on 1,000,000 titles drawn from 5,000 distinct ones,
against a bare ``pl.Series.str.contains`` pass over the same titles in the same process.

Run ``python bench/roles_bench.py`` (``--rows``, ``--distinct``, ``--repeat``). Times are the best
of ``--repeat`` runs after one warm-up. The distinct titles are built from real-style pieces
(Amazon's abbreviated HR titles, other firms' ladders, warehouse and office titles; written for
this project) with levels, seniority prefixes, ``Manager III, <area>`` forms, team suffixes and
all-capitals variants; rows are drawn from them with a Zipf-like weight (a few titles are very
common, as in WARN lists), seed :data:`SEED`. Goal: classify_titles ≤ 5 s on 2 cores.

The printed lines: the baseline (one case-insensitive regular expression over every row), ours,
their ratio, and ours on the distinct titles alone (the rules' own cost; the rest is hashing the
rows, finding the distinct titles and mapping the answers back).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import resource
import time

import numpy as np
import polars as pl

#: Seed of every draw in this benchmark.
SEED = 20251028

_BASES = [
    "Software Dev Engineer", "SDE", "Software Engineer", "Front-End Engineer", "Data Engineer",
    "System Development Engineer", "Quality Assurance Engineer", "Security Engineer",
    "Hardware Dev Engr", "Process Engineer", "Mechanical Engineer", "Applied Scientist",
    "Research Scientist", "Data Scientist", "Business Intel Engineer", "BIE", "Economist",
    "Business Analyst", "Program Manager", "PgM", "Technical Program Manager", "TPM",
    "Product Mgr - Tech", "Product Manager", "UX Designer", "UX Researcher", "Tech Writer",
    "Game Artist", "System Admin/Engr", "Support Engineer", "IT Support Eng", "Account Rep",
    "Acct Exec", "Account Manager", "Solutions Architect", "Business Developer", "Product MKTG",
    "General MKTG", "PR Specialist", "Sourcing Recruiter", "Recruiting BP", "HR Specialist",
    "Financial Analyst", "Tax Analyst", "Legal Counsel", "Paralegal", "Executive Assistant",
    "Risk Specialist", "Fulfillment Associate", "Warehouse Associate", "Material Handler",
    "Delivery Driver", "Maintenance Technician", "Inventory Planner", "Vendor Manager",
    "Customer Service Associate", "Customer Service Rep", "Registered Nurse", "Security Officer",
    "Specialist",
]  # fmt: skip
_AREAS = [
    "Software Dev", "Applied Science", "Product Mgmt", "Program Mgmt", "UX/Design", "Recruiting",
    "Finance", "Sales Operations", "General MKTG", "Supply Chain MGMT", "Customer Service",
    "Data Engineering", "Business Intel", "Legal", "Facilities",
]  # fmt: skip
_LEVELS = ["", " I", " II", " III", " IV", " 2"]
_PREFIXES = ["", "Sr. ", "Principal ", "Senior ", "Lead ", "Jr. ", "Associate "]
_MANAGERS = ["Manager II, {}", "Manager III, {}", "Sr Manager, {}", "Sr.Mgr, {}", "Director, {}"]
_SUFFIXES = ["", " - MBA", ", AWS", ", Ads", ", Devices", ", Retail", ", Prime Video", ", Alexa"]


def make_titles(n_distinct: int = 5_000, *, seed: int = SEED) -> list[str]:
    """``n_distinct`` distinct real-style job titles (deterministic for a given ``seed``)."""
    individual = (f"{p}{b}{lv}" for p, b, lv in itertools.product(_PREFIXES, _BASES, _LEVELS))
    managers = (m.format(a) for m, a in itertools.product(_MANAGERS, _AREAS))
    core = list(dict.fromkeys(itertools.chain(individual, managers)))
    variants = [f"{t}{s}" for s, t in itertools.product(_SUFFIXES, core)]
    variants += [v.upper() for v in variants]
    pool = list(dict.fromkeys(variants))
    if n_distinct > len(pool):
        raise SystemExit(f"--distinct {n_distinct} > the {len(pool)} titles the pieces make")
    rng = np.random.default_rng(seed)
    return [pool[i] for i in rng.choice(len(pool), size=n_distinct, replace=False)]


def draw(titles: list[str], rows: int, *, seed: int = SEED) -> pl.Series:
    """``rows`` titles drawn from ``titles`` with Zipf-like weights (seeded), every one at least once."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, len(titles) + 1)
    picks = rng.choice(len(titles), size=rows - len(titles), p=weights / weights.sum())
    order = np.concatenate([np.arange(len(titles)), picks])
    rng.shuffle(order)
    return pl.Series("title", titles).gather(order)


def baseline(s: pl.Series) -> pl.Series:
    """The floor: one case-insensitive regular expression searched in every row."""
    return s.str.contains("(?i)engineer")


def best_of(fn, repeat: int) -> tuple[float, object]:
    fn()  # warm-up: imports, rule tables, regex compilation
    times, out = [], None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--distinct", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from layofflab.roles import classify_titles

    titles = make_titles(args.distinct)
    s = draw(titles, args.rows)
    print(
        f"{s.len():,} titles drawn from {s.n_unique():,} distinct (seed {SEED}), "
        f"{pl.thread_pool_size()} polars threads; best of {args.repeat}:"
    )
    t_base, hits = best_of(lambda: baseline(s), args.repeat)
    t_ours, out = best_of(lambda: classify_titles(s), args.repeat)
    distinct = pl.Series("title", titles)
    t_rules, _ = best_of(lambda: classify_titles(distinct), args.repeat)
    assert out.height == s.len() and out["title"].equals(s)
    unclassified = out["unclassified"].mean()
    groups = f"{out['group'].n_unique()} of {out['group'].dtype.categories.len()} group labels"
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  baseline str.contains     {t_base:8.3f} s   ({hits.sum():,} rows match 'engineer')")
    print(f"  classify_titles           {t_ours:8.3f} s   (goal <= 5 s; {groups} occur, "
          f"{unclassified:.1%} of rows unclassified)")  # fmt: skip
    print(f"  ours / baseline           {t_ours / t_base:8.1f}")
    print(f"  rules on the {distinct.len():,} distinct titles alone {t_rules:.3f} s")
    print(f"  peak RSS {rss:,.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
