"""A synthetic firm × quarter panel in the shape of the default dataset's, for study tests.

Thirteen invented firms, 2019Q1–2026Q1: tracker events (some without a count), WARN notices,
announcements of several types from 2024 only (as collected), SEC quarterly capex / revenue /
operating income / assets with a few gaps, annual headcount, and the coverage windows.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from layofflab.panel.firm_panel import build_firm_panel

FIRMS = [f"F{i:02d}" for i in range(1, 14)]


def tables(seed: int = 0) -> dict[str, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    quarters = pl.date_range(dt.date(2018, 1, 1), dt.date(2026, 3, 31), "1q", eager=True)
    lay, warn, ann, sec, hc = [], [], [], [], []
    for i, f in enumerate(FIRMS):
        size = 20_000 * (1 + i)
        for q in quarters:
            qend = q.replace(day=28) + dt.timedelta(days=65)
            qend = dt.date(qend.year, qend.month, 1) - dt.timedelta(days=1)
            capex = 1e9 * (1 + i) * rng.lognormal(0, 0.2) * (3 if rng.random() < 0.05 else 1)
            for concept, value in (
                ("capex", capex),
                ("revenue", 2e10 * (1 + i) * rng.lognormal(0, 0.05)),
                ("operating_income", 5e9 * (1 + i) * rng.lognormal(0, 0.2)),
                ("total_assets", 1e11 * (1 + i)),
            ):
                if not (f == "F13" and concept == "capex" and q.year < 2021):  # a gap
                    sec.append((f, concept, qend, value, "sec_xbrl"))
            if q >= dt.date(2020, 4, 1) and rng.random() < 0.3:
                day = q + dt.timedelta(days=int(rng.integers(0, 85)))
                n = None if rng.random() < 0.3 else int(size * rng.uniform(0.001, 0.03))
                lay.append((f, day, n))
            if q >= dt.date(2019, 1, 1) and rng.random() < 0.15:
                day = q + dt.timedelta(days=int(rng.integers(0, 85)))
                warn.append((f, day, int(rng.integers(20, 500)), f"{f}-{day}", True))
            if q >= dt.date(2024, 1, 1) and i < 10 and rng.random() < 0.35:
                day = q + dt.timedelta(days=int(rng.integers(0, 85)))
                kind = rng.choice(
                    ["guidance", "guidance_raise", "project", "partnership", "guidance_cut"],
                    p=[0.35, 0.25, 0.2, 0.15, 0.05],
                )
                tier = rng.choice(["primary", "news", "weak"])
                ann.append((f, day, str(kind), str(tier)))
        for year in range(2017, 2026):
            hc.append(
                (
                    f,
                    dt.date(year, 12, 31),
                    int(size * (1 + 0.02 * (year - 2017))),
                    "full-time",
                    True,
                )
            )
    cov = pl.DataFrame(
        [
            ("tracker", None, dt.date(2020, 3, 11), dt.date(2026, 1, 28)),
            ("warn", None, dt.date(2019, 1, 1), dt.date(2026, 3, 31)),
            ("announcements", None, dt.date(2024, 1, 1), dt.date(2026, 2, 28)),
        ],
        schema={"source": pl.String, "company_id": pl.String, "start": pl.Date, "end": pl.Date},
        orient="row",
    )
    return {
        "firms": pl.DataFrame({"company_id": FIRMS}),
        "layoffs": pl.DataFrame(
            lay,
            schema={"company_id": pl.String, "date": pl.Date, "laid_off": pl.Int64},
            orient="row",
        ),
        "warn": pl.DataFrame(
            warn,
            schema={
                "company_id": pl.String,
                "notice_date": pl.Date,
                "employees_affected": pl.Int64,
                "notice_id": pl.String,
                "counted": pl.Boolean,
            },
            orient="row",
        ),
        "announcements": pl.DataFrame(
            ann,
            schema={
                "company_id": pl.String,
                "announce_date": pl.Date,
                "event_type": pl.String,
                "source_tier": pl.String,
            },
            orient="row",
        ),
        "sec": pl.DataFrame(
            sec,
            schema={
                "company_id": pl.String,
                "concept": pl.String,
                "period_end": pl.Date,
                "value": pl.Float64,
                "source_kind": pl.String,
            },
            orient="row",
        ),
        "headcount": pl.DataFrame(
            hc,
            schema={
                "company_id": pl.String,
                "period_end": pl.Date,
                "employees": pl.Int64,
                "basis": pl.String,
                "primary": pl.Boolean,
            },
            orient="row",
        ),
        "coverage": cov,
    }


def panel(seed: int = 0) -> pl.DataFrame:
    t = tables(seed)
    return build_firm_panel(
        firms=t["firms"],
        layoffs=t["layoffs"],
        warn=t["warn"],
        announcements=t["announcements"],
        sec=t["sec"],
        headcount=t["headcount"],
        coverage=t["coverage"],
        start="2019-01-01",
        end="2026-03-31",
    ).data
