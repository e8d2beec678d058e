"""Cleaning benchmark (issue 3): our readers against a bare ``pl.read_csv`` and an idiomatic
pandas implementation of the same rules, plus a 10-million-row file in bounded memory.

Run ``python bench/clean_bench.py`` (``make bench``). Every timed task runs in a fresh child
process so that its peak resident memory (``ru_maxrss``) is its own; times are the best of
``--repeat`` runs. Files are generated in a temporary folder and deleted afterwards.

WARN half (:func:`bench_warn`): a WA-ESD-layout CSV with realistic dirt — HTML entities and
accents in names, doubled spaces, ``NULL``/``TBD`` markers, counts as ``'1,200'``, ``'16000.0'``,
``'~500'``, ``'Up to 300'`` and ``'-5'``, dates as m/d/Y, m/d/y, ISO, ``'Mar 6, 2023'`` and Excel
serials, impossible years (2039), amendments and 2 % exact re-postings. The tracker half is
added as another ``bench_<source>`` function called from :func:`main`.
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


# --- timed tasks (each in a child process) ------------------------------------------------------


def _task(name: str, path: str, out: str) -> dict:
    start = time.perf_counter()
    if name == "bare":
        rows = pl.read_csv(path).height
    elif name == "ours":
        from layofflab.sources import warn

        c = warn.read(path, state="WA", today=TODAY, resolve_entities=False, validate=False)
        rows = c.data.height + c.rejects.height
    elif name == "ours_full":
        from layofflab.sources import warn

        c = warn.read(path, state="WA", today=TODAY)  # entity resolution and schema validation too
        rows = c.data.height + c.rejects.height
    elif name == "pandas":
        clean, rejects = pandas_clean(Path(path))
        rows = len(clean) + len(rejects)
    elif name == "stream":
        from layofflab.sources import warn_stream

        counts = warn_stream.sink(path, out, state="WA", today=TODAY)
        assert counts["rows_in"] == counts["clean"] + counts["rejected"], counts
        rows = counts["rows_in"]
    else:
        raise SystemExit(f"unknown task {name}")
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "rows": rows,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _run(name: str, path: Path, out: Path, repeat: int) -> dict:
    best = None
    for _ in range(repeat):
        cmd = [sys.executable, __file__, "--task", name, str(path), str(out)]
        res = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        best = res if best is None or res["seconds"] < best["seconds"] else best
    return best


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
            name: _run(name, small, tmp / "out", repeat if name != "pandas" else 1)
            for name in ("bare", "ours", "ours_full", "pandas")
        }
        mb = small.stat().st_size / 2**20
        print(f"WARN {rows:,} rows ({mb:.0f} MiB), best of {repeat}:")
        for name, r in res.items():
            secs, rss = r["seconds"], r["peak_rss_mb"]
            print(f"  {name:10s} {secs:8.2f} s   peak RSS {rss:7.0f} MiB   rows {r['rows']:,}")
        ours, bare, pandas = (res[k]["seconds"] for k in ("ours", "bare", "pandas"))
        print(f"  ours / bare pl.read_csv   = {ours / bare:.2f}  (goal <= 2.0)")
        print(f"  pandas / ours             = {pandas / ours:.2f}  (goal >= 5)")
        if big_rows:
            small.unlink()
            big = make_warn_csv(tmp / "warn_big.csv", big_rows)
            gib = big.stat().st_size / 2**30
            res["stream"] = _run("stream", big, tmp / "out", 1)
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
    bench_warn(rows=args.rows, big_rows=args.big_rows, repeat=args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
