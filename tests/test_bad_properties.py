"""Generated malformed input through every reader (issue 14): a clear error, or every row
accounted for with every clean value equal to what a strict reading of its raw text gives.

Each example is one small file. Cells are built from parts, so the test knows what each means:
a count or an amount with its intended value (or *reject* where it is no number: a decimal
comma, ``∞``, ``1e400``, junk), a date (or *reject*), a name. Rows are then damaged: cut short,
given a stray cp1252 byte, a NUL, a quoted line break, blank lines between them. The reader
must then raise a :class:`~layofflab.errors.LayofflabError` whose message is one bounded line
(and only where the damage calls for one), or return ``rows_in`` = the records written (blank
lines are not records) = clean + rejected, never keep a short or undecodable row, and give
every clean row exactly the values its cells mean. JSON documents (SEC companyfacts, WARN
job-title notices) get the same treatment with wrong types, empty levels, non-finite numbers.

500 examples per reader, seed fixed below (``HYPOTHESIS_PROFILE=explore`` does not change it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from layofflab import config
from layofflab.cleaning import MISSING_MARKERS
from layofflab.errors import LayofflabError
from layofflab.sources import announcements, job_families, sec, tracker, warn
from layofflab.sources.warn import job_titles

TODAY = dt.date(2026, 11, 28)
SEED = config.DEFAULT_SEED
EXAMPLES = 500
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=False,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
REJECT = "reject"
MISSING = {m.lower() for m in MISSING_MARKERS}
MAX_COUNT = 1_000_000

# --- cells: (text, meaning) ---------------------------------------------------------------------


def _grouped(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


@st.composite
def numbers(draw, *, count: bool) -> tuple[str, object]:
    """A number as text and its value (``Decimal``), ``None`` (missing) or ``REJECT``."""
    kind = draw(
        st.sampled_from(
            [
                "int",
                "int",
                "grouped",
                "spaced",
                "decimal",
                "pct",
                "dollar",
                "approx",
                "missing",
                "decimal_comma",
                "bad_group",
                "junk",
                "infinite",
                "overflow",
                "negative",
                "signed",
            ]
        )
    )
    n = draw(st.integers(0, 2_000_000))
    frac = draw(st.integers(0, 99))
    if kind == "int":
        text, value = str(n), Decimal(n)
    elif kind == "grouped":
        text, value = _grouped(n, ","), Decimal(n)
    elif kind == "spaced":  # '163 204' may be two sites' counts: no number
        text, value = _grouped(n, " "), Decimal(n) if n < 1000 else REJECT
    elif kind == "decimal":
        text, value = f"{n}.{frac:02d}", Decimal(f"{n}.{frac:02d}")
    elif kind == "pct":
        text, value = f"{frac}%", REJECT if count else Decimal(frac) / 100
    elif kind == "dollar":
        text, value = f"${_grouped(n, ',')}", REJECT if count else Decimal(n)
    elif kind == "approx":
        prefix = draw(st.sampled_from(["~", "about ", "Up to ", ">"]))
        text, value = f"{prefix}{n}", Decimal(n)
    elif kind == "missing":
        text, value = draw(st.sampled_from(["", "NULL", "n/a", "NaN", " - ", "TBD"])), None
    elif kind == "decimal_comma":
        text, value = f"{n},{draw(st.integers(1, 99))}", REJECT
    elif kind == "bad_group":
        text, value = f"{draw(st.integers(1, 999))},{draw(st.integers(0, 99)):02d},000", REJECT
    elif kind == "junk":
        text = draw(
            st.sampled_from(
                ["∞", "fifty", "12 5", "1.2.3", "$1.2B", "see notice", "--5", "-$-5", "5-"]
            )
        )
        value = REJECT
    elif kind == "infinite":
        text, value = draw(st.sampled_from(["inf", "-Infinity", "+inf", "Infinity"])), REJECT
    elif kind == "overflow":
        text, value = draw(st.sampled_from(["1e400", "-1e400", "9" * 400])), REJECT
    elif kind == "negative":
        text, value = f"-{n}", Decimal(-n)
    else:
        text, value = f"+{n}", Decimal(n)
    if value not in (None, REJECT) and not math.isfinite(float(value)):
        value = REJECT
    if draw(st.booleans()):
        text = f" {text} "
    return text, value


def count_meaning(value: object) -> object:
    if value in (None, REJECT):
        return value
    if value != value.to_integral_value() or value < 0 or value > MAX_COUNT:
        return REJECT
    return int(value)


@st.composite
def dates(draw, *, style: str = "iso") -> tuple[str, object]:
    kind = draw(
        st.sampled_from(["ok", "ok", "ok", "impossible", "early", "late", "junk", "missing"])
    )
    day = draw(st.dates(dt.date(1990, 1, 1), dt.date(2026, 6, 30)))
    if kind == "early":
        day = draw(st.dates(dt.date(1950, 1, 1), dt.date(1987, 12, 31)))
    if kind == "late":
        day = draw(st.dates(dt.date(2028, 1, 1), dt.date(2099, 12, 31)))
    text = day.isoformat() if style == "iso" else f"{day.month}/{day.day}/{day.year}"
    if kind == "impossible":
        text = "2024-13-45" if style == "iso" else "13/45/2024"
    if kind == "junk":
        text = draw(st.sampled_from(["TBD soon", "Q3", "31st", "yesterday"]))
    if kind == "missing":
        return "", None
    return text, day if kind in ("ok", "early", "late") else REJECT


def date_meaning(value: object, *, required: bool) -> object:
    if value is None:
        return REJECT if required else None
    if value == REJECT or not dt.date(1988, 1, 1) <= value <= TODAY + dt.timedelta(days=365):
        return REJECT
    return value


NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-'éüßÅñ中\t,\""


@st.composite
def names(draw) -> tuple[str, object]:
    text = draw(st.text(alphabet=NAME_CHARS, min_size=0, max_size=14))
    if draw(st.integers(0, 19)) == 0:
        text = f"{text}\nline two"  # a quoted line break inside the cell
    expected = " ".join(unicodedata.normalize("NFC", text).replace("\u00a0", " ").split())
    return text, expected or None


def unmarked(name: str | None) -> str | None:
    """A name with the missing markers (``NULL``, ``n/a``, ``-`` …) read as missing."""
    return None if name is None or name.lower() in MISSING else name


# --- files: rows, damage, the outcome the damage calls for -------------------------------------


@dataclass
class Written:
    """A generated CSV and what it means."""

    path: Path
    records: int = 0
    rows: list[dict] = field(default_factory=list)  # meaning of each record (in file order)
    short: set[int] = field(default_factory=set)  # 1-based rows cut short
    stray: set[int] = field(default_factory=set)  # rows given a cp1252 byte
    multibyte: set[int] = field(default_factory=set)  # rows holding a non-ASCII character
    nul: bool = False


def _line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


@st.composite
def damage(draw) -> str:
    return draw(st.sampled_from(["none"] * 10 + ["short", "stray", "blank", "nul"]))


def write_csv(
    path: Path, header: list[str], rows: list[tuple[list[str], dict]], harms, *, plain: str
) -> Written:
    """Write ``header`` and ``rows`` (cells, meaning) with ``harms`` (one per row); a stray
    byte goes inside the cell ``plain`` (never quoted), a NUL at the start of the line."""
    w = Written(path)
    body = _line(header).encode()
    for (cells, meaning), harm in zip(rows, harms, strict=True):
        if harm == "blank":
            body += b"   \n\n"
        w.records += 1
        if harm == "short":
            cut = len(cells) - max(1, len(cells) // 3)
            cells = cells[:cut]
            w.short.add(w.records)
        line = _line(cells).encode("utf-8")
        if not line.isascii():
            w.multibyte.add(w.records)
        if harm == "stray" and plain.encode() in line:
            line = line.replace(
                plain.encode(), plain[:2].encode() + b"\xfc" + plain[2:].encode(), 1
            )
            w.stray.add(w.records)
        if harm == "nul":
            line = line[:1] + b"\x00" + line[1:]
            w.nul = True
        body += line
        w.rows.append(meaning)
    path.write_bytes(body)
    return w


def utf8_read(w: Written) -> bool:
    """Whether the file is to be read as UTF-8 (see ``layofflab.io.decode``): no stray byte, or
    at least as many rows holding a (valid) multi-byte character as rows holding a stray byte."""
    return len(w.multibyte) >= len(w.stray)


def check_error(exc: LayofflabError) -> None:
    message = str(exc)
    assert "\n" not in message and len(message) < 2_000, message[:300]


def check_accounting(c, w: Written) -> pl.DataFrame:
    """Rows in = records = clean + rejected; a short row is never clean, nor a row holding a
    stray byte (UTF-8 file) or a multi-byte character (cp1252 file). Returns the clean rows."""
    c.check_conservation()
    assert sum(c.rows_in.values()) == w.records
    assert c.data.height + c.rejects.height == w.records
    clean_rows = set(c.data["source_row"].to_list())
    assert not clean_rows & w.short
    assert not clean_rows & (w.stray if utf8_read(w) else w.multibyte)
    return c.data


# --- tracker ------------------------------------------------------------------------------------

T23 = ["company", "location", "industry", "total_laid_off", "percentage_laid_off", "date",
       "stage", "country", "funds_raised_millions"]  # fmt: skip
INDUSTRIES = ["Retail", "Hardware", "Other", "Fin-Tech", "CryptoCurrency"]


@st.composite
def tracker_files(draw, tmp):
    rows, harms = [], []
    for _ in range(draw(st.integers(0, 5))):
        company, count, share, when, funds = (
            draw(names()), draw(numbers(count=True)), draw(numbers(count=False)),
            draw(dates(style=draw(st.sampled_from(["iso", "us"])))), draw(numbers(count=False)),
        )  # fmt: skip
        industry = draw(st.sampled_from(INDUSTRIES))
        cells = [
            company[0],
            "Seattle",
            industry,
            count[0],
            share[0],
            when[0],
            "Seed",
            "US",
            funds[0],
        ]
        rows.append((cells, {"company": company[1], "laid_off": count[1], "pct": share[1],
                             "date": when[1], "funds": funds[1]}))  # fmt: skip
        harms.append(draw(damage()))
    return write_csv(tmp / "t.csv", T23, rows, harms, plain="Seattle")


def _tracker_clean_values(data: pl.DataFrame, w: Written) -> None:
    for r in data.iter_rows(named=True):
        m = w.rows[r["source_row"] - 1]
        assert r["company"] == m["company"] is not None  # the tracker keeps 'NULL' as a name
        assert r["laid_off"] == count_meaning(m["laid_off"])
        pct = m["pct"]
        assert pct is None or (pct != REJECT and 0 <= pct <= 1)
        assert r["pct_laid_off"] == (None if pct is None else pytest.approx(float(pct), rel=1e-12))
        funds = m["funds"]
        assert funds is None or (funds != REJECT and funds >= 0)
        assert r["funds_raised_musd"] == (
            None if funds is None else pytest.approx(float(funds), rel=1e-12)
        )
        assert r["date"] == date_meaning(m["date"], required=True) != REJECT


@seed(SEED)
@PROPERTY
@given(data=st.data())
def test_tracker(tmp_path_factory, data):
    w = data.draw(tracker_files(tmp_path_factory.mktemp("t")))
    try:
        c = tracker.read(w.path, today=TODAY, resolve_entities=False)
    except LayofflabError as exc:
        check_error(exc)
        assert w.nul or not w.rows, exc  # nothing else here calls for refusing the file
        return
    assert not w.nul
    _tracker_clean_values(check_accounting(c, w), w)


# --- WARN (Washington ESD layout) ---------------------------------------------------------------

WA = ["Company", "Location", "Layoff Start Date", "# of Workers", "Closure Layoff",
      "Type of Layoff", "Received Date"]  # fmt: skip


@st.composite
def warn_files(draw, tmp):
    rows, harms = [], []
    for _ in range(draw(st.integers(0, 5))):
        employer, count = draw(names()), draw(numbers(count=True))
        start, received = draw(dates(style="us")), draw(dates(style="us"))
        cells = [employer[0], "Seattle", start[0], count[0], "Layoff", "Permanent", received[0]]
        rows.append((cells, {"employer": unmarked(employer[1]), "count": warn_count(*count), "start": start[1],
                             "received": received[1]}))  # fmt: skip
        harms.append(draw(damage()))
    return write_csv(tmp / "wa.csv", WA, rows, harms, plain="Seattle")


#: WARN's own rule (``cleaning.site_list_total``): whole numbers separated by spaces, or by
#: ``,`` ``;`` ``&`` ``+`` and a space, are one count per site of a notice, summed (flagged).
SITE_LIST = re.compile(r"\d{1,6}(?:\s*[,;&+]\s+\d{1,6}|\s*[;&+]\s*\d{1,6}|\s+\d{1,6})+")


def warn_count(text: str, value: object) -> object:
    if SITE_LIST.fullmatch(text.strip()):
        return Decimal(sum(int(n) for n in re.findall(r"\d+", text)))
    return value


@seed(SEED)
@PROPERTY
@given(data=st.data())
def test_warn(tmp_path_factory, data):
    w = data.draw(warn_files(tmp_path_factory.mktemp("w")))
    try:
        c = warn.read(w.path, today=TODAY, resolve_entities=False)
    except LayofflabError as exc:
        check_error(exc)
        assert w.nul or not w.rows, exc
        return
    assert not w.nul
    for r in check_accounting(c, w).iter_rows(named=True):
        m = w.rows[r["source_row"] - 1]
        assert r["employer"] == m["employer"] is not None
        assert r["employees_affected"] == count_meaning(m["count"]) != REJECT
        for column, key in (("effective_date", "start"), ("notice_date", "received")):
            meant = date_meaning(m[key], required=False)
            # an unreadable date is kept as text in notes when another date of the row reads
            assert r[column] == meant or (meant == REJECT and r[column] is None and r["notes"])


# --- announcements ------------------------------------------------------------------------------

ANN = [
    "ticker",
    "announce_date",
    "event_type",
    "amount_usd_bn",
    "source_url",
    "verified",
    "horizon",
]


@st.composite
def announcement_files(draw, tmp):
    rows, harms = [], []
    for i in range(draw(st.integers(0, 5))):
        amount, day = draw(numbers(count=False)), draw(dates())
        ticker = draw(st.sampled_from(["META", "MSFT", "GOOGL", "amzn", "", "not a ticker"]))
        event = draw(st.sampled_from(["guidance", "project", "Guidance Raise", "rumour"]))
        url = draw(st.sampled_from([f"https://www.reuters.com/a{i}", "ftp://x", ""]))
        verified = draw(st.sampled_from(["yes", "no", ""]))
        cells = [ticker, day[0], event, amount[0], url, verified, "CY2025"]
        rows.append((cells, {"amount": amount[1], "date": day[1]}))
        harms.append(draw(damage()))
    return write_csv(tmp / "a.csv", ANN, rows, harms, plain="CY2025")


@seed(SEED)
@PROPERTY
@given(data=st.data())
def test_announcements(tmp_path_factory, data):
    w = data.draw(announcement_files(tmp_path_factory.mktemp("a")))
    try:
        c = announcements.read(w.path, today=TODAY)
    except LayofflabError as exc:
        check_error(exc)
        assert w.nul or not w.rows, exc
        return
    assert not w.nul
    for r in check_accounting(c, w).iter_rows(named=True):
        m = w.rows[r["source_row"] - 1]
        amount = m["amount"]
        assert amount is None or (amount != REJECT and 0 <= amount <= 10_000)
        assert r["amount_usd_bn"] == (
            None if amount is None else pytest.approx(float(amount), rel=1e-12)
        )
        assert r["announce_date"] == date_meaning(m["date"], required=True) != REJECT


# --- job titles (impacts CSV) and job families --------------------------------------------------

IMPACTS = ["noticeId", "facilityId", "jobTitleRaw", "jobTitleCanonical", "affectedCount"]
FAMILIES = ["state", "employer", "notice_date", "job_family", "employees", "source_url"]


@st.composite
def title_files(draw, tmp):
    rows, harms = [], []
    for _ in range(draw(st.integers(0, 5))):
        title, count = draw(names()), draw(numbers(count=True))
        meaning = {"title": unmarked(title[1]), "count": count[1]}
        rows.append((["n1", "SEA01", "raw", title[0], count[0]], meaning))
        harms.append(draw(damage()))
    return write_csv(tmp / "impacts.csv", IMPACTS, rows, harms, plain="SEA01")


@seed(SEED)
@PROPERTY
@given(data=st.data())
def test_job_titles_csv(tmp_path_factory, data):
    w = data.draw(title_files(tmp_path_factory.mktemp("j")))
    try:
        c = job_titles.read(w.path)
    except LayofflabError as exc:
        check_error(exc)
        assert w.nul or not w.rows, exc
        return
    assert not w.nul
    for r in check_accounting(c, w).iter_rows(named=True):
        m = w.rows[r["source_row"] - 1]
        assert r["job_title"] == (m["title"] or "raw")
        assert r["employees_affected"] == count_meaning(m["count"]) not in (None, REJECT)


@st.composite
def family_files(draw, tmp):
    rows, harms = [], []
    for _ in range(draw(st.integers(0, 5))):
        employer, count, day = draw(names()), draw(numbers(count=True)), draw(dates())
        state = draw(st.sampled_from(["WA", "wa", "Washington", ""]))
        cells = [state, employer[0], day[0], "Software engineering", count[0], "https://x.org/n"]
        rows.append((cells, {"employer": employer[1], "count": count[1], "date": day[1]}))
        harms.append(draw(damage()))
    return write_csv(tmp / "families.csv", FAMILIES, rows, harms, plain="x.org")


@seed(SEED)
@PROPERTY
@given(data=st.data())
def test_job_families(tmp_path_factory, data):
    w = data.draw(family_files(tmp_path_factory.mktemp("f")))
    try:
        c = job_families.read(w.path)
    except LayofflabError as exc:
        check_error(exc)
        assert w.nul or not w.rows, exc
        return
    assert not w.nul
    for r in check_accounting(c, w).iter_rows(named=True):
        m = w.rows[r["source_row"] - 1]
        assert r["state"] == "WA" and r["employer"] == m["employer"] is not None
        assert r["employees_affected"] == count_meaning(m["count"]) not in (None, REJECT)
        assert r["notice_date"] == date_meaning(m["date"], required=True) != REJECT


# --- JSON: SEC companyfacts and job-title notices -----------------------------------------------


def json_values(*, count: bool):
    """A JSON value for a number field, and what it means (``Decimal``, ``None``, ``REJECT``)."""
    return st.one_of(
        st.integers(-10, 5_000_000).map(lambda n: (n, Decimal(n))),
        st.floats(-1e6, 1e12, allow_nan=False).map(lambda x: (x, Decimal(repr(x)))),
        st.sampled_from([float("nan"), float("inf"), float("-inf")]).map(lambda x: (x, REJECT)),
        st.sampled_from(["NaN", "Infinity", "1e400", "12,5", "abc"]).map(lambda s: (s, REJECT)),
        st.sampled_from([None, [1], {"a": 1}, True]).map(
            lambda v: (v, None if v is None else REJECT)
        ),
    )


def _dump(doc) -> str:
    return json.dumps(doc).replace('"__OVERFLOW__"', "1e400")


@st.composite
def companyfacts(draw, tmp):
    """A companyfacts document (Alphabet's CIK, its capex tag) and the meaning of each fact."""
    facts, meaning = [], []
    for i in range(draw(st.integers(0, 8))):
        year, quarter = draw(st.integers(2019, 2025)), draw(st.integers(1, 4))
        start = dt.date(year, 3 * quarter - 2, 1)
        end = dt.date(year + quarter // 4, (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
        value, meant = draw(json_values(count=False))
        if draw(st.integers(0, 9)) == 0:
            value, meant = "__OVERFLOW__", REJECT
        fact = {"start": start.isoformat(), "end": end.isoformat(), "val": value,
                "accn": f"0001652044-{year % 100:02d}-{i:06d}", "fy": year, "fp": f"Q{quarter}",
                "form": "10-Q", "filed": (end + dt.timedelta(days=30)).isoformat()}  # fmt: skip
        if draw(st.integers(0, 9)) == 0:
            fact = draw(st.sampled_from([[], "fact", 3, {"val": 1}]))
            meant = REJECT
        facts.append(fact)
        meaning.append(meant)
    units = {"USD": facts}
    shape = draw(st.sampled_from(["ok"] * 8 + ["units list", "facts list", "no cik", "empty"]))
    doc = {"cik": 1652044, "entityName": "X",
           "facts": {"us-gaap": {"PaymentsToAcquirePropertyPlantAndEquipment": {"units": units}}}}  # fmt: skip
    if shape == "units list":
        doc["facts"]["us-gaap"]["PaymentsToAcquirePropertyPlantAndEquipment"]["units"] = {"USD": {}}
    elif shape == "facts list":
        doc["facts"] = [1]
    elif shape == "no cik":
        del doc["cik"]
    elif shape == "empty":
        doc["facts"]["us-gaap"] = {}
    path = tmp / "cf.json"
    path.write_text(_dump(doc))
    broken = shape != "ok" or not facts
    return path, meaning, broken


@seed(SEED)
@PROPERTY
@given(data=st.data())
def test_sec_companyfacts(tmp_path_factory, data):
    path, meaning, broken = data.draw(companyfacts(tmp_path_factory.mktemp("s")))
    try:
        c = sec.read(path, concepts={"capex": []})
    except LayofflabError as exc:
        check_error(exc)
        assert broken, exc
        return
    assert not broken
    c.check_conservation()
    assert c.rows_in == {"cf.json": len(meaning)}
    assert c.data["value"].is_finite().all()
    for row, value in (
        c.data.filter(pl.col("derived") == "reported quarter").select("source_row", "value").rows()
    ):
        meant = meaning[row - 1]
        assert meant not in (None, REJECT) and value == pytest.approx(float(meant), rel=1e-12)


@st.composite
def notices(draw, tmp):
    impacts, meaning = [], []
    for i in range(draw(st.integers(0, 5))):
        value, meant = draw(json_values(count=True))
        impacts.append(
            {"facilityId": f"SEA{i}", "jobTitle": f"Engineer {i}", "affectedCount": value}
        )
        meaning.append(meant)
    shape = draw(
        st.sampled_from(["ok"] * 8 + ["impacts object", "notice list", "bad date", "deep"])
    )
    doc = {"notice": {"noticeId": "n", "jurisdiction": "WA",
                      "source": {"letterDate": "2025-12-13"}, "jobTitleImpacts": impacts}}  # fmt: skip
    if shape == "impacts object":
        doc["notice"]["jobTitleImpacts"] = {"a": 1}
    elif shape == "notice list":
        doc["notice"] = [impacts]
    elif shape == "bad date":
        doc["notice"]["source"]["letterDate"] = "soon"
    path = tmp / "notice.json"
    text = _dump(doc)
    if shape == "deep":
        text = '{"notice": ' + "[" * 50_000 + "]" * 50_000 + "}"
    path.write_text(text)
    return path, meaning, shape != "ok"


@seed(SEED)
@PROPERTY
@given(data=st.data())
def test_job_title_notices(tmp_path_factory, data):
    path, meaning, broken = data.draw(notices(tmp_path_factory.mktemp("n")))
    try:
        c = job_titles.read(path)
    except LayofflabError as exc:
        check_error(exc)
        assert broken, exc
        return
    assert not broken
    c.check_conservation()
    assert c.rows_in == {"notice.json": len(meaning)}
    for row, count in c.data.select("source_row", "employees_affected").rows():
        assert count == count_meaning(meaning[row - 1]) not in (None, REJECT)
