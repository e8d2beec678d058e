"""Cleaning benchmark (issue 3): our readers against ``pl.read_csv`` and idiomatic pandas.

Our readers run against a bare ``pl.read_csv`` and an idiomatic pandas implementation of the
same rules, plus a 10-million-row file in bounded memory.

Run ``python bench/clean_bench.py`` (``make bench``). Every timed task runs in a fresh child
process so that its peak resident memory (``ru_maxrss``) is its own; times are the best of
``--repeat`` runs. Files are generated in a temporary folder and deleted afterwards.

WARN half (:func:`bench_warn`): a WA-ESD-layout CSV with realistic dirt — HTML entities and
accents in names, doubled spaces, ``NULL``/``TBD`` markers, counts as ``'1,200'``, ``'16000.0'``,
``'~500'``, ``'Up to 300'`` and ``'-5'``, dates as m/d/Y, m/d/y, ISO, ``'Mar 6, 2023'`` and Excel
serials, impossible years (2039), amendments and 2 % exact re-postings. The tracker half is
in :func:`bench_tracker` (2026 export format; dirt listed there). For each half the script
prints our time with and without entity resolution + schema validation against a bare
``pl.read_csv`` and the pandas implementation, and checks that pandas and ours give the same
clean / rejected counts by reason. A floor (:func:`floor_clean`: a strict subset of the rules
in one streaming query) shows what is left of a 2× budget for the rest of the rules.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np
import polars as pl

TODAY = dt.date(2026, 11, 28)
_WORDS = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Hooli",
    "Vandelay",
    "Pied",
    "Piper",
    "Soylent",
    "Tyrell",
    "Cyberdyne",
    "Wonka",
    "Oscorp",
    "Massive",
    "Dynamic",
    "Blue",
    "Sun",
    "River",
    "Summit",
    "Pacific",
    "Atlantic",
    "Prairie",
    "Cascade",
]
_SUFFIXES = [
    "Inc.",
    "LLC",
    "Corp",
    "Co.",
    "Holdings",
    "Services LLC",
    "Ben &amp; Jerry&rsquo;s",
    "Caf\u00e9",
]


# --- data --------------------------------------------------------------------------------------


def _warn_chunk(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    names = pl.Series(
        [
            f"{_WORDS[i % 25]} {_WORDS[(i // 25) % 25]} {_SUFFIXES[(i // 625) % 8]} {i}"
            for i in range(50_000)
        ]
    )
    cities = pl.Series([f"City{i}" for i in range(500)])
    notice = np.datetime64("1995-01-01") + rng.integers(0, 11_000, n).astype("timedelta64[D]")
    df = pl.DataFrame(
        {
            "emp": names.gather(rng.integers(0, 50_000, n)),
            "city": cities.gather(rng.integers(0, 500, n)),
            "notice": notice,
            "eff": notice + rng.integers(30, 120, n).astype("timedelta64[D]"),
            "cnt": rng.integers(1, 3000, n),
            "f": rng.integers(0, 100, n),
        }
    )
    d = pl.col("notice").cast(pl.Date)
    notice_txt = (
        pl.when(pl.col("f") < 50)
        .then(d.dt.strftime("%-m/%-d/%Y"))
        .when(pl.col("f") < 70)
        .then(d.dt.strftime("%Y-%m-%d"))
        .when(pl.col("f") < 80)
        .then(d.dt.strftime("%-m/%-d/%y"))
        .when(pl.col("f") < 88)
        .then(d.dt.strftime("%b %-d, %Y"))
        .when(pl.col("f") < 95)
        .then((d - pl.date(1899, 12, 30)).dt.total_days().cast(pl.String))
        .when(pl.col("f") < 97)
        .then(pl.lit("TBD"))
        .otherwise(pl.lit("3/6/2039"))
    )
    thousands = pl.format(
        "{},{}",
        pl.col("cnt") // 1000 + 1,
        (pl.col("cnt") % 1000).cast(pl.String).str.pad_start(3, "0"),
    )
    count = (
        pl.when(pl.col("f") % 10 == 0)
        .then(thousands)
        .when(pl.col("f") % 10 == 1)
        .then(pl.format("{}.0", "cnt"))
        .when(pl.col("f") % 10 == 2)
        .then(pl.format("~{}", "cnt"))
        .when(pl.col("f") % 10 == 3)
        .then(pl.format("Up to {}", "cnt"))
        .when(pl.col("f") == 4)
        .then(pl.lit("NULL"))
        .when(pl.col("f") == 14)
        .then(pl.lit("-5"))
        .otherwise(pl.col("cnt").cast(pl.String))
    )
    out = df.select(
        Company=pl.when(pl.col("f") == 9)
        .then(pl.col("emp") + " (Amended)")
        .when(pl.col("f") == 19)
        .then(pl.col("emp").str.replace(" ", "  "))
        .otherwise("emp"),
        Location="city",
        **{"Layoff Start Date": pl.col("eff").cast(pl.Date).dt.strftime("%-m/%-d/%Y")},
        **{"# of Workers": count},
        **{
            "Closure Layoff": pl.when(pl.col("f") < 30)
            .then(pl.lit("Closure"))
            .otherwise(pl.lit("Layoff"))
        },
        **{
            "Type of Layoff": pl.when(pl.col("f") % 7 == 0)
            .then(pl.lit("Temporary"))
            .otherwise(pl.lit("Permanent"))
        },
        **{"Received Date": notice_txt},
    )
    reposted = out.sample(fraction=0.02, seed=seed)
    return pl.concat([out.head(n - reposted.height), reposted])


def make_warn_csv(path: Path, n_rows: int, *, seed: int = 20251028, chunk: int = 1_000_000) -> Path:
    """Write a WA-layout WARN CSV of ``n_rows`` rows with realistic dirt, ``chunk`` at a time."""
    with path.open("wb") as fh:
        for i, start in enumerate(range(0, n_rows, chunk)):
            _warn_chunk(min(chunk, n_rows - start), seed + i).write_csv(fh, include_header=i == 0)
    return path


# --- tracker data (2026 export format) -----------------------------------------------------------

TRACKER_HEADER = (
    "company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,"
    "funds_raised,country,date_added"
)
_INDUSTRIES = [
    "Retail",
    "Consumer",
    "Hardware",
    "AI",
    "Finance",
    "Fin-Tech",
    "Crypto Currency",
    "Food",
    "Healthcare",
    "Media",
    "Transportation",
    "Real Estate",
    "Security",
    "Data",
    "Other",
]
_STAGES = ["Post-IPO", "Series A", "Series B", "Series C", "Seed", "Acquired", "Unknown"]
_COUNTRIES = ["United States", "India", "Germany", "United States.", "Canada", "Brazil"]


def _tracker_chunk(n: int, seed: int) -> pl.DataFrame:
    """``n`` rows of a 2026-format tracker export with realistic dirt (see :func:`bench_tracker`)."""
    rng = np.random.default_rng(seed)
    names = pl.Series(
        [
            f"{_WORDS[i % 25]} {_WORDS[(i // 25) % 25]} {_SUFFIXES[(i // 625) % 8]} {i}"
            for i in range(50_000)
        ]
    )
    cities = pl.Series([f"City{i}" for i in range(300)])
    day = np.datetime64("2020-03-01") + rng.integers(0, 2_400, n).astype("timedelta64[D]")
    df = pl.DataFrame(
        {
            "emp": names.gather(rng.integers(0, 50_000, n)),
            "city": cities.gather(rng.integers(0, 300, n)),
            "day": day,
            "added": day + rng.integers(-3, 10, n).astype("timedelta64[D]"),
            "cnt": rng.integers(1, 20_000, n),
            "pct": rng.integers(1, 100, n),
            "ind": rng.integers(0, len(_INDUSTRIES), n),
            "stage": rng.integers(0, len(_STAGES), n),
            "ctry": rng.integers(0, len(_COUNTRIES), n),
            "funds": rng.integers(0, 5_000, n),
            "f": rng.integers(0, 1000, n),
            "g": rng.integers(0, 1000, n),
        }
    )
    f, g = pl.col("f"), pl.col("g")
    d, added = pl.col("day").cast(pl.Date), pl.col("added").cast(pl.Date)
    company = (
        pl.when(f < 3)
        .then(pl.lit("  "))
        .when(f < 30)
        .then(pl.format("  {} ", "emp"))
        .when(f < 40)
        .then(pl.col("emp").str.replace(" ", "  "))
        .otherwise("emp")
    )
    location = (
        pl.when(g < 150)
        .then(pl.format("{}, Non-U.S.", "city"))
        .when(g < 160)
        .then(pl.lit("NULL"))
        .otherwise("city")
    )
    count = (
        pl.when(f < 150)
        .then(pl.lit(""))
        .when(f < 160)
        .then(pl.lit("NULL"))
        .when(f < 180)
        .then(pl.format("~{}", "cnt"))
        .when(f < 200)
        .then(pl.format("{}+", "cnt"))
        .when(f < 230)
        .then(
            pl.format(
                "{},{}",
                pl.col("cnt") // 1000 + 1,
                (pl.col("cnt") % 1000).cast(pl.String).str.pad_start(3, "0"),
            )
        )
        .when(f < 233)
        .then(pl.lit("12.5"))
        .when(f < 235)
        .then(pl.lit("-5"))
        .when(f < 237)
        .then(pl.lit("a few"))
        .otherwise(pl.format("{}.0", "cnt"))
    )
    date = (
        pl.when(g < 700)
        .then(d.dt.strftime("%-m/%-d/%Y"))
        .when(g < 900)
        .then(d.dt.strftime("%Y-%m-%d"))
        .when(g < 990)
        .then(d.dt.strftime("%b %-d, %Y"))
        .when(g < 993)
        .then(pl.lit(""))
        .when(g < 995)
        .then(pl.lit("13/45/2020"))
        .when(g < 997)
        .then(pl.lit("3/6/2039"))
        .otherwise(pl.lit("1/1/1950"))
    )
    pct = (
        pl.when(f % 10 < 4)
        .then(pl.lit(""))
        .when(f % 10 == 4)
        .then(pl.lit("NULL"))
        .when(g == 500)
        .then(pl.lit("1.5"))
        .when(g == 501)
        .then(pl.lit("about half"))
        .otherwise((pl.col("pct") / 100).cast(pl.String))
    )
    industry = pl.lit(_INDUSTRIES).list.get(pl.col("ind"))
    industry = (
        pl.when(g % 50 == 7)
        .then(pl.lit("NULL"))
        .when(g % 50 == 8)
        .then(pl.format(" {} ", industry))
        .otherwise(industry)
    )
    out = df.select(
        company=company,
        location=location,
        total_laid_off=count,
        date=date,
        percentage_laid_off=pct,
        industry=industry,
        source=pl.format(
            "https://news.example.com/{}/{}",
            pl.col("emp").str.replace_all(r"\W+", "-"),
            pl.col("day").cast(pl.Date).dt.strftime("%Y%m%d"),
        ),
        stage=pl.lit(_STAGES).list.get(pl.col("stage")),
        funds_raised=pl.when(g % 4 == 0)
        .then(pl.lit(""))
        .otherwise(pl.col("funds").cast(pl.String)),
        country=pl.lit(_COUNTRIES).list.get(pl.col("ctry")),
        date_added=pl.when(f == 999)
        .then(pl.lit("soon"))
        .otherwise(added.dt.strftime("%-m/%-d/%Y")),
    )
    exact = out.sample(fraction=0.02, seed=seed)  # re-exported rows
    event = out.sample(fraction=0.01, seed=seed + 1).with_columns(  # same event, other source
        source=pl.format("{}?ref=feed", "source")
    )
    return pl.concat([out.head(n - exact.height - event.height), exact, event])


def make_tracker_csv(
    path: Path, n_rows: int, *, seed: int = 20260128, chunk: int = 1_000_000
) -> Path:
    """Write a 2026-format tracker CSV of ``n_rows`` rows with realistic dirt, ``chunk`` at a time."""
    with path.open("wb") as fh:
        for i, start in enumerate(range(0, n_rows, chunk)):
            _tracker_chunk(min(chunk, n_rows - start), seed + i).write_csv(
                fh, include_header=i == 0
            )
    return path


# --- the pandas implementation of the same rules --------------------------------------------------

_MISSING = {"", "null", "none", "nan", "n/a", "na", "#n/a", "-", "--", "—", "tbd", "unknown", "?"}
_APPROX = (
    r"(?i)^(~|≈|about|approx\.?|approximately|around|roughly|circa|ca\.|up to|upto|over"
    r"|more than|at least|nearly|almost|<|>|≤|≥)\s*"
)
_DATES = [
    (r"^\d{1,2}/\d{1,2}/\d{4}$", "%m/%d/%Y"),
    (r"^\d{1,2}/\d{1,2}/\d{2}$", "%m/%d/%y"),
    (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"),
    (r"^\d{1,2}-\d{1,2}-\d{4}$", "%m-%d-%Y"),
    (r"^[A-Za-z]{3} \d{1,2}, \d{4}$", "%b %d, %Y"),
    (r"^[A-Za-z]{4,9} \d{1,2}, \d{4}$", "%B %d, %Y"),
]


def pandas_clean(path: Path, today: dt.date = TODAY):
    """The WARN rules of ``layofflab.sources.warn`` for the WA layout, in idiomatic pandas."""
    import warnings

    import pandas as pd

    warnings.filterwarnings("ignore", "This pattern is interpreted as a regular expression")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.columns = [" ".join(c.split()) for c in df.columns]
    df["source_row"] = np.arange(1, len(df) + 1)

    def text(s):
        s = s.str.strip()
        s = s.where(~s.str.lower().isin(_MISSING))
        s = s.map(lambda v: html.unescape(v) if isinstance(v, str) and "&" in v else v)
        s = s.map(lambda v: unicodedata.normalize("NFC", v) if isinstance(v, str) else v)
        return s.str.replace(r"[\s\u00a0]+", " ", regex=True).str.strip().replace("", np.nan)

    def dates(s):
        out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[s]")
        for pattern, fmt in _DATES:
            hit = s.str.match(pattern, na=False) & out.isna()
            out[hit] = pd.to_datetime(s[hit], format=fmt, errors="coerce")
        serial = pd.to_numeric(s.str.extract(r"^(\d{5})(?:\.0+)?$")[0], errors="coerce")
        ok = serial.between(20000, 80000) & out.isna()
        out[ok] = pd.Timestamp("1899-12-30") + pd.to_timedelta(serial[ok], unit="D")
        return out

    def problem(raw, parsed, name):
        latest = pd.Timestamp(today) + pd.Timedelta(days=365)
        return pd.Series(
            np.select(
                [raw.isna(), parsed.isna(), parsed < pd.Timestamp("1988-01-01"), parsed > latest],
                [
                    None,
                    f"unparseable {name}",
                    f"implausible {name} (before 1988-01-01)",
                    f"implausible {name} (after {latest.date()})",
                ],
                default=None,
            ),
            index=raw.index,
        )

    employer = text(df["Company"])
    notice_raw, eff_raw = text(df["Received Date"]), text(df["Layoff Start Date"])
    notice, eff = dates(notice_raw), dates(eff_raw)
    count_raw = text(df["# of Workers"])
    number = pd.to_numeric(
        count_raw.str.replace(_APPROX, "", regex=True)
        .str.replace(r"[,\s]", "", regex=True)
        .str.replace(r"\+$", "", regex=True),
        errors="coerce",
    )
    has = count_raw.notna()
    count_problem = pd.Series(
        np.select(
            [
                has & number.isna(),
                has & (number < 0),
                has & (number > 1_000_000),
                has & (number % 1 != 0),
            ],
            [
                "unparseable count",
                "negative count",
                "absurd count (> 1,000,000)",
                "fractional count",
            ],
            default=None,
        ),
        index=df.index,
    )
    p_notice, p_eff = (
        problem(notice_raw, notice, "notice_date"),
        problem(eff_raw, eff, "effective_date"),
    )
    reason = (
        pd.Series(np.where(employer.isna(), "missing employer", None), index=df.index)
        .fillna(p_notice.where(p_notice.str.startswith("implausible", na=False)))
        .fillna(p_eff.where(p_eff.str.startswith("implausible", na=False)))
        .fillna(
            pd.Series(np.where(notice.isna() & eff.isna(), "missing date", None), index=df.index)
        )
        .fillna(count_problem)
    )
    lt_raw = (
        text(df["Closure Layoff"]).fillna("") + " " + text(df["Type of Layoff"]).fillna("")
    ).str.strip()
    clean = pd.DataFrame(
        {
            "state": "WA",
            "employer": employer,
            "notice_date": notice,
            "effective_date": eff,
            "employees_affected": number.astype("Int64"),
            "employees_approximate": count_raw.str.contains(_APPROX, regex=True, na=False),
            "location": text(df["Location"]),
            "layoff_type_raw": lt_raw,
            "layoff_type": np.select(
                [
                    lt_raw.str.contains(r"(?i)(clos|shut).*temp|temp.*(clos|shut)"),
                    lt_raw.str.contains(r"(?i)temp|furlough"),
                    lt_raw.str.contains(r"(?i)clos"),
                    lt_raw.str.contains(r"(?i)lay ?off"),
                ],
                ["temporary_closure", "temporary_layoff", "closure", "layoff"],
                "other",
            ),
            "is_amendment": employer.str.contains(
                r"(?i)\b(?:amend(?:ed|ment)?|revis(?:ed|ion)|updated?)\b", na=False
            ),
            "source_row": df["source_row"],
        }
    )[reason.isna()]
    rejects = df.loc[reason.notna(), ["source_row"]].assign(reason=reason[reason.notna()])
    key = (
        clean["employer"]
        .str.replace(r"(?i)\(amended\)|\*+", " ", regex=True)
        .str.replace(r"[^\w]+", " ", regex=True)
        .str.lower()
        .str.strip()
    )
    clean = clean.assign(employer_key=key, site_key=clean["location"].str.lower())
    same = [
        "state",
        "employer_key",
        "site_key",
        "notice_date",
        "effective_date",
        "employees_affected",
        "layoff_type_raw",
        "is_amendment",
    ]
    first = clean.groupby(same, dropna=False)["source_row"].transform("min")
    dup = first != clean["source_row"]
    rejects = pd.concat(
        [
            rejects,
            pd.DataFrame(
                {
                    "source_row": clean.loc[dup, "source_row"],
                    "reason": "duplicate of source_row " + first[dup].astype(str),
                }
            ),
        ]
    )
    clean = clean[~dup]
    same2 = ["state", "employer_key", "site_key", "effective_date", "employees_affected"]
    repost = clean["notice_date"] == clean["effective_date"]
    first2 = (
        clean["source_row"]
        .where(~repost)
        .groupby([clean[c] for c in same2], dropna=False)
        .transform("min")
    )
    dup2 = repost & first2.notna()
    clean = clean[~dup2]
    date_key = clean["notice_date"].fillna(clean["effective_date"])
    clean = clean.assign(
        notice_id="WA:" + date_key.dt.strftime("%Y-%m-%d") + ":" + clean["employer_key"]
    )
    return clean, rejects


_TRACKER_DATES = [
    *_DATES,
    (r"^\d{1,2} [A-Za-z]{3} \d{4}$", "%d %b %Y"),
    (r"^\d{1,2}-[A-Za-z]{3}-\d{2}$", "%d-%b-%y"),
    (r"^\d{1,2}-[A-Za-z]{3}-\d{4}$", "%d-%b-%Y"),
]


def pandas_clean_tracker(path: Path, today: dt.date = TODAY):
    """The rules of ``layofflab.sources.tracker`` for a 2026-format export, in idiomatic pandas."""
    import warnings

    import pandas as pd

    warnings.filterwarnings("ignore", "This pattern is interpreted as a regular expression")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.columns = [" ".join(c.split()) for c in df.columns]
    df = df.replace("", np.nan)
    df["source_row"] = np.arange(1, len(df) + 1)

    def markers(s):
        s = s.str.strip()
        return s.where(~s.str.lower().isin(_MISSING))

    def text(s):
        s = s.map(lambda v: html.unescape(v) if isinstance(v, str) and "&" in v else v)
        s = s.map(lambda v: unicodedata.normalize("NFC", v) if isinstance(v, str) else v)
        return s.str.replace(r"[\s\u00a0]+", " ", regex=True).str.strip().replace("", np.nan)

    def dates(s):
        out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[s]")
        for pattern, fmt in _TRACKER_DATES:
            hit = s.str.match(pattern, na=False) & out.isna()
            out[hit] = pd.to_datetime(s[hit], format=fmt, errors="coerce")
        serial = pd.to_numeric(s.str.extract(r"^(\d{5})(?:\.0+)?$")[0], errors="coerce")
        ok = serial.between(20000, 80000) & out.isna()
        out[ok] = pd.Timestamp("1899-12-30") + pd.to_timedelta(serial[ok], unit="D")
        return out

    latest = pd.Timestamp(today) + pd.Timedelta(days=365)

    def problem(raw, parsed, name, required):
        return pd.Series(
            np.select(
                [
                    raw.isna() & required,
                    raw.isna(),
                    parsed.isna(),
                    parsed < pd.Timestamp("1988-01-01"),
                    parsed > latest,
                ],
                [
                    "missing date",
                    None,
                    f"unparseable {name}",
                    f"implausible {name} (before 1988-01-01)",
                    f"implausible {name} (after {latest.date()})",
                ],
                default=None,
            ),
            index=raw.index,
        )

    def number(s):
        s = markers(s).str.replace(_APPROX, "", regex=True).str.replace(r"[,\s]", "", regex=True)
        return s.str.replace(r"\+$", "", regex=True)

    company = text(df["company"])
    date_raw, added_raw = markers(df["date"]), markers(df["date_added"])
    date, added = dates(date_raw), dates(added_raw)
    count_raw = markers(df["total_laid_off"])
    count = pd.to_numeric(number(df["total_laid_off"]), errors="coerce")
    has = count_raw.notna()
    count_problem = np.select(
        [has & count.isna(), has & (count < 0), has & (count > 1_000_000), has & (count % 1 != 0)],
        ["unparseable count", "negative count", "absurd count (> 1,000,000)", "fractional count"],
        default=None,
    )
    pct_raw = markers(df["percentage_laid_off"])
    pct = pd.to_numeric(
        number(df["percentage_laid_off"]).str.replace(r"^\$|%$", "", regex=True), errors="coerce"
    )
    reason = (
        pd.Series(np.where(company.isna(), "missing company", None), index=df.index)
        .fillna(problem(date_raw, date, "date", True))
        .fillna(pd.Series(count_problem, index=df.index))
        .fillna(
            pd.Series(
                np.where(pct.notna() & ~pct.between(0, 1), "pct_laid_off outside [0, 1]", None),
                index=df.index,
            )
        )
        .fillna(
            pd.Series(
                np.where(pct_raw.notna() & pct.isna(), "unparseable pct_laid_off", None),
                index=df.index,
            )
        )
        .fillna(problem(added_raw, added, "date_added", False))
    )
    taxonomy = pd.read_csv(
        Path(__file__).parents[1] / "lib/layofflab/resources/industry_taxonomy.csv",
        dtype=str,
        comment="#",
    )
    industry = markers(text(df["industry"]))
    clean = pd.DataFrame(
        {
            "company": company,
            "location": markers(
                text(df["location"]).str.replace(r"(^|,\s*)Non-U\.S\.$", "", regex=True)
            ),
            "country": markers(text(df["country"]).str.rstrip(".,;: ")),
            "industry": industry.map(
                dict(zip(taxonomy["raw_label"], taxonomy["industry"], strict=True))
            ),
            "laid_off": count.where((count % 1 == 0) & (count >= 0) & (count <= 1_000_000)).astype(
                "Int64"
            ),
            "laid_off_approximate": count_raw.str.contains(_APPROX, regex=True, na=False)
            | count_raw.str.contains(r"\+$", regex=True, na=False),
            "pct_laid_off": pct,
            "date": date,
            "stage": markers(text(df["stage"])),
            "funds_raised_musd": pd.to_numeric(
                number(df["funds_raised"]).str.replace(r"^\$|%$", "", regex=True), errors="coerce"
            ),
            "source_url": markers(text(df["source"])),
            "date_added": added,
            "source_row": df["source_row"],
        }
    )
    clean["date_added_before_date"] = clean["date_added"] < clean["date"]
    ok = reason.isna()
    unknown = clean.loc[ok & clean["industry"].isna() & industry.notna()]
    if len(unknown):
        raise SystemExit(f"industry without an entry: {industry[unknown.index[0]]}")
    rejects = df.loc[~ok, ["source_row"]].assign(reason=reason[~ok])
    clean, raw = clean[ok], df.loc[ok].drop(columns="source_row")
    first_exact = (
        clean["source_row"].groupby([raw[c] for c in raw.columns], dropna=False).transform("min")
    )
    event = [clean["company"].str.lower(), clean["date"], clean["laid_off"]]
    first_event = clean["source_row"].groupby(event, dropna=False).transform("min")
    exact = first_exact != clean["source_row"]
    same_event = ~exact & (first_event != clean["source_row"])
    dups = pd.concat(
        [
            pd.DataFrame(
                {
                    "source_row": clean.loc[exact, "source_row"],
                    "reason": "duplicate of source_row " + first_exact[exact].astype(str),
                }
            ),
            pd.DataFrame(
                {
                    "source_row": clean.loc[same_event, "source_row"],
                    "reason": "duplicate of source_row "
                    + first_event[same_event].astype(str)
                    + " (same company, date and count)",
                }
            ),
        ]
    )
    return clean[~exact & ~same_event], pd.concat([rejects, dups])


# --- timed tasks (each in a child process) ------------------------------------------------------


# --- the floor: a strict subset of the rules ----------------------------------------------------

#: Columns of each bench file by kind, for :func:`floor_clean`.
_FLOOR_COLUMNS = {
    "tracker": {
        "dates": ("date", "date_added"),
        "numbers": ("total_laid_off", "percentage_laid_off", "funds_raised"),
        "texts": ("company", "location", "industry", "source", "stage", "country"),
    },
    "warn": {
        "dates": ("Layoff Start Date", "Received Date"),
        "numbers": ("# of Workers",),
        "texts": ("Company", "Location", "Closure Layoff", "Type of Layoff"),
    },
}


def floor_clean(path: Path, source: str) -> pl.DataFrame:
    """A floor for the cost of cleaning: a strict subset of the rules, in one lazy query.

    Each rule is one cheap polars expression over every row, in one lazy query on the streaming
    engine (which also reads faster than the bare eager read).

    Only: dates in the one format m/d/Y, numbers by a plain float cast, text trimmed, exact
    duplicates by a row hash. No missing markers, other date formats, Excel serials,
    approximate counts, HTML entities, Unicode NFC, whitespace collapsing, taxonomy, reject
    reasons or rejects table: its answers are wrong on dirty values. ``floor / bare`` shows how
    much of a time budget such as 2× bare is left for the rest of the rules.
    """
    cols = _FLOOR_COLUMNS[source]
    return (
        pl.scan_csv(path, infer_schema=False)
        .select(
            pl.col(cols["dates"]).str.to_date("%m/%d/%Y", strict=False, cache=False),
            pl.col(cols["numbers"]).str.strip_chars().cast(pl.Float64, strict=False),
            pl.col(cols["texts"]).str.strip_chars(),
            _first=pl.struct(pl.all()).hash().is_first_distinct(),
        )
        .collect(engine="streaming")
    )


def _reason_counts(clean_rows: int, reasons) -> dict[str, int]:
    """Clean rows and rejected rows by reason (row numbers in duplicate reasons blanked)."""
    counts = (
        pl.Series(list(reasons), dtype=pl.String)
        .str.replace(r"source_row \d+", "source_row N")
        .value_counts()
        .rows()
    )
    return {"clean": clean_rows, **{k: v for k, v in sorted(counts)}}


def _task(name: str, path: str, out: str) -> dict:
    source, _, name = name.partition(":")
    start = time.perf_counter()
    reasons = None
    if name == "bare":
        rows = pl.read_csv(path).height
    elif name in ("ours", "ours_full") and source == "warn":
        from layofflab.sources import warn

        full = name == "ours_full"  # entity resolution and schema validation too
        c = warn.read(path, state="WA", today=TODAY, resolve_entities=full, validate=full)
        rows = c.data.height + c.rejects.height
    elif name in ("ours", "ours_full") and source == "tracker":
        from layofflab import schemas
        from layofflab.sources import tracker

        full = name == "ours_full"
        c = tracker.read(path, today=TODAY, resolve_entities=full)
        if full:  # as layofflab.tables does before writing the table
            schemas.validate(c.data, schemas.TRACKER, table="layoffs")
            schemas.validate(c.rejects, schemas.REJECTS, table="layoffs.rejects")
        rows = c.data.height + c.rejects.height
    elif name == "floor":
        rows = floor_clean(Path(path), source).height
    elif name == "pandas":
        clean_fn = pandas_clean if source == "warn" else pandas_clean_tracker
        clean, rejects = clean_fn(Path(path))
        rows = len(clean) + len(rejects)
    elif name == "stream":
        from layofflab.sources.warn import stream as warn_stream

        counts = warn_stream.sink(path, out, state="WA", today=TODAY)
        assert counts["rows_in"] == counts["clean"] + counts["rejected"], counts
        rows = counts["rows_in"]
    else:
        raise SystemExit(f"unknown task {source}:{name}")
    seconds = time.perf_counter() - start
    if name in ("ours", "pandas"):  # outside the timed part
        if name == "ours":
            reasons = _reason_counts(c.data.height, c.rejects["reason"])
        else:
            reasons = _reason_counts(len(clean), rejects["reason"].to_list())
    return {
        "seconds": seconds,
        "rows": rows,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "reasons": reasons,
    }


def _run(name: str, path: Path, out: Path, repeat: int) -> dict:
    best = None
    for _ in range(repeat):
        cmd = [sys.executable, __file__, "--task", name, str(path), str(out)]
        res = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        best = res if best is None or res["seconds"] < best["seconds"] else best
    return best


def _report(label: str, rows: int, path: Path, res: dict[str, dict], repeat: int) -> None:
    mb = path.stat().st_size / 2**20
    print(f"{label} {rows:,} rows ({mb:.0f} MiB), best of {repeat} (pandas: 1 run):")
    for name, r in res.items():
        secs, rss = r["seconds"], r["peak_rss_mb"]
        print(f"  {name:10s} {secs:8.2f} s   peak RSS {rss:7.0f} MiB   rows {r['rows']:,}")
    ours, full, bare, pandas = (res[k]["seconds"] for k in ("ours", "ours_full", "bare", "pandas"))
    floor = res["floor"]["seconds"]
    print(
        f"  floor / bare pl.read_csv           = {floor / bare:.2f}  (a strict subset of the rules "
        "in one streaming query; wrong on dirty values)"
    )
    print(
        f"  ours / bare pl.read_csv            = {ours / bare:.2f}  (goal <= 2.0; no entity resolution/validation)"
    )
    print(
        f"  ours_full / bare pl.read_csv       = {full / bare:.2f}  (goal <= 2.0; with entity resolution + validation)"
    )
    print(f"  pandas / ours                      = {pandas / ours:.2f}  (goal >= 5)")
    print(f"  pandas / ours_full                 = {pandas / full:.2f}")
    same = res["ours"]["reasons"] == res["pandas"]["reasons"]
    print(f"  pandas and ours agree on clean/rejected counts by reason: {same}")
    if not same:
        print(f"    ours:   {res['ours']['reasons']}\n    pandas: {res['pandas']['reasons']}")


def bench_tracker(*, rows: int = 1_000_000, repeat: int = 3, workdir: Path | None = None) -> dict:
    """Time the tracker cleaning on a ``rows``-row 2026-format export; print and return.

    Dirt: blank and ``NULL`` markers, counts as ``'16000.0'``, ``'~500'``, ``'500+'``,
    ``'1,200'``, ``'12.5'``, ``'-5'``, ``'a few'``; ``', Non-U.S.'`` locations; HTML entities and
    accents in names; stray and doubled spaces; blank names; m/d/Y, ISO and ``'Mar 6, 2023'`` dates
    plus blank, impossible (13/45) and implausible (2039, 1950) ones; unknown-format date_added;
    2 % exact re-exports and 1 % same-event rows from another source.
    """
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        tmp = Path(tmp)
        path = make_tracker_csv(tmp / "tracker.csv", rows)
        res = {
            name: _run(f"tracker:{name}", path, tmp / "out", repeat if name != "pandas" else 1)
            for name in ("bare", "floor", "ours", "ours_full", "pandas")
        }
        _report("Tracker", rows, path, res, repeat)
    return res


def bench_warn(
    *,
    rows: int = 1_000_000,
    big_rows: int = 10_000_000,
    repeat: int = 3,
    workdir: Path | None = None,
) -> dict[str, dict]:
    """Time the WARN cleaning on ``rows`` rows and stream ``big_rows`` rows; print and return."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        tmp = Path(tmp)
        small = make_warn_csv(tmp / "warn_small.csv", rows)
        res = {
            name: _run(f"warn:{name}", small, tmp / "out", repeat if name != "pandas" else 1)
            for name in ("bare", "floor", "ours", "ours_full", "pandas")
        }
        _report("WARN", rows, small, res, repeat)
        if big_rows:
            small.unlink()
            big = make_warn_csv(tmp / "warn_big.csv", big_rows)
            gib = big.stat().st_size / 2**30
            res["stream"] = _run("warn:stream", big, tmp / "out", 1)
            r = res["stream"]
            print(
                f"WARN {big_rows:,} rows ({gib:.1f} GiB) streamed to Parquet: "
                f"{r['seconds']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MiB "
                "(rows in = clean + rejected checked)"
            )
    return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--big-rows", type=int, default=10_000_000, help="0 skips the streaming run"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--task", nargs=3, metavar=("NAME", "PATH", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.task:
        print(json.dumps(_task(*args.task)))
        return 0
    bench_tracker(rows=args.rows, repeat=args.repeat)
    bench_warn(rows=args.rows, big_rows=args.big_rows, repeat=args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
