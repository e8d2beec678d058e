r"""Cleaning rules as polars expressions, shared by every source reader.

Each function takes an expression (or column name) and returns an expression, so a
reader composes them in one ``select`` that polars runs in parallel (and lazily on
files too large for memory).

Examples
--------
>>> import polars as pl
>>> from layofflab.cleaning import parse_count  # numbers: layofflab.cleaning.numbers
>>> df = pl.DataFrame({"n": [" 1,200", "~500", "Up to 300", "NULL", "16000.0", "12.5"],
...                    "d": ["3/6/2023", "2023-03-06", "44991", "Mar 6, 2023", "6/3/23", "TBD"]})
>>> df.select(
...     count=parse_count("n"), approx=count_is_approximate("n"), date=parse_date("d")
... ).to_dicts()[:3]
[{'count': 1200, 'approx': False, 'date': datetime.date(2023, 3, 6)}, {'count': 500, 'approx': True, 'date': datetime.date(2023, 3, 6)}, {'count': 300, 'approx': True, 'date': datetime.date(2023, 3, 6)}]
>>> df.select(parse_count("n")).to_series().to_list()[3:]
[None, 16000, None]
>>> pl.select(normalize_text(pl.lit("  Ben &amp; Jerry\u2019s \n Inc  "))).item()
'Ben & Jerry’s Inc'
>>> pl.select(strip_trailing_punctuation(pl.lit("United States."))).item()
'United States'
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence

import polars as pl

__all__ = [
    "MIN_PLAUSIBLE_DATE",
    "MISSING_MARKERS",
    "count_is_approximate",
    "date_problem",
    "first_date_text",
    "first_number_text",
    "max_plausible_date",
    "normalize_text",
    "null_markers",
    "parse_date",
    "parsed_date_problem",
    "site_list_total",
    "strip_trailing_punctuation",
]

#: Cell values that mean "missing", compared after trimming, case-insensitively.
MISSING_MARKERS: tuple[str, ...] = (
    "",
    "null",
    "none",
    "nan",
    "n/a",
    "na",
    "#n/a",
    "-",
    "--",
    "—",
    "tbd",
    "unknown",
    "?",
)
#: No WARN notice or tracker event can predate the 1988 WARN Act.
MIN_PLAUSIBLE_DATE = dt.date(1988, 1, 1)
#: Largest count accepted as a plausible number of workers in one event.
MAX_PLAUSIBLE_COUNT = 1_000_000

_APPROX = r"(?i)^(~|≈|about|approximately|approx\.?|around|roughly|circa|ca\.|up to|upto|over|more than|at least|nearly|almost|<|>|≤|≥)\s*"
_DATE_FORMATS: tuple[tuple[str, str], ...] = (
    (r"^\d{1,2}/\d{1,2}/\d{4}$", "%m/%d/%Y"),
    (r"^\d{1,2}/\d{1,2}/\d{2}$", "%m/%d/%y"),
    (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"),
    (r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$", "%Y-%m-%d %H:%M"),
    (r"^\d{1,2}-\d{1,2}-\d{4}$", "%m-%d-%Y"),
    (r"^[A-Za-z]{3} \d{1,2}, \d{4}$", "%b %d, %Y"),
    (r"^[A-Za-z]{4,9} \d{1,2}, \d{4}$", "%B %d, %Y"),
    (r"^\d{1,2} [A-Za-z]{3} \d{4}$", "%d %b %Y"),
    (r"^\d{1,2}-[A-Za-z]{3}-\d{2}$", "%d-%b-%y"),
    (r"^\d{1,2}-[A-Za-z]{3}-\d{4}$", "%d-%b-%Y"),
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _col(expr: str | pl.Expr) -> pl.Expr:
    return pl.col(expr) if isinstance(expr, str) else expr


def null_markers(
    expr: str | pl.Expr, *, markers: Sequence[str] = MISSING_MARKERS, trimmed: bool = False
) -> pl.Expr:
    """Trim the text and turn missing markers (``''``, ``NULL``, ``N/A``, ``-``, ``TBD``…) into null.

    ``trimmed=True`` skips the trimming for text already trimmed (the output of
    :func:`normalize_text`), which gives the same result. ``markers`` replaces the default
    :data:`MISSING_MARKERS`.

    Examples
    --------
    >>> import polars as pl
    >>> t = pl.DataFrame({"t": ["  Acme ", "N/A", "tbd", "-", "Beta"]})
    >>> t.select(null_markers("t")).to_series().to_list()
    ['Acme', None, None, None, 'Beta']
    >>> t.select(null_markers("t", markers=["beta"])).to_series().to_list()
    ['Acme', 'N/A', 'tbd', '-', None]
    """
    text = _col(expr).cast(pl.String)
    if not trimmed:
        text = text.str.strip_chars()
    lowered = [m.lower() for m in markers]
    # Lowercasing never shortens a text in characters, so only texts of at most as many
    # characters (4 bytes each at most) as the longest marker can match: the rest (URLs, long
    # names) are not lowercased at all.
    limit = 4 * max((len(m) for m in lowered), default=0)
    short = pl.when(text.str.len_bytes() <= limit).then(text)
    return pl.when(short.str.to_lowercase().is_in(lowered)).then(None).otherwise(text)


def normalize_text(expr: str | pl.Expr) -> pl.Expr:
    r"""Decode HTML entities, apply Unicode NFC, collapse whitespace, trim; missing markers stay text.

    HTML entities are decoded only on values that contain ``&`` (``html.unescape``
    runs in Python; everything else stays in polars). Text left empty becomes null.

    Examples
    --------
    >>> import polars as pl
    >>> t = pl.DataFrame({"t": ["Cafe\u0301  &amp; Bar\t", " NULL ", "  "]})
    >>> t.select(normalize_text("t")).to_series().to_list()
    ['Café & Bar', 'NULL', None]
    """
    return (
        _col(expr)
        .cast(pl.String)
        .map_batches(_normalize_series, return_dtype=pl.String, is_elementwise=True)
    )


def _apply_where(s: pl.Series, mask: pl.Series, fn: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """``fn`` applied to the values of ``s`` where ``mask`` holds; the others are left alone."""
    mask = mask.fill_null(False)
    if not mask.any():
        return s
    pos = mask.arg_true()
    return s.scatter(pos, fn(s.gather(pos)))


def _normalize_series(s: pl.Series) -> pl.Series:
    """:func:`normalize_text` on a Series.

    Each step runs only on the values it can change (ASCII text is already NFC; text without
    tabs, newlines, doubled or non-ASCII spaces has no whitespace to collapse), which gives the
    same result as running it on every value.
    """
    s = _unescape_html(s)
    s = _apply_where(s, s.str.len_bytes() != s.str.len_chars(), _nfc)
    odd_space = (s.str.len_bytes() != s.str.len_chars()) | s.str.contains(r"[\t\n\x0b\x0c\r]|  ")
    s = _apply_where(s, odd_space, lambda v: v.str.replace_all(r"[\s\u00a0]+", " "))
    s = s.str.strip_chars()
    return pl.select(pl.when(s != "").then(s)).to_series().alias(s.name)


def _nfc(s: pl.Series) -> pl.Series:
    """Unicode NFC of non-ASCII text, computed only where a character from U+0300 up occurs.

    Text of characters below U+0300 (Latin-1, Latin Extended, IPA) is always NFC already (no
    such character decomposes, combines or is a combining mark; checked in the tests).
    """
    return _apply_where(s, s.str.contains(r"[^\x00-\x{2FF}]"), lambda v: v.str.normalize("NFC"))


def _unescape_html(s: pl.Series) -> pl.Series:
    """``html.unescape`` on the values holding ``&``, run once per distinct such value."""
    hit = s.str.contains("&", literal=True).fill_null(False)
    if not hit.any():
        return s
    pos = hit.arg_true()
    values = s.gather(pos)
    distinct = values.unique().to_list()
    decoded = [html.unescape(v) for v in distinct]
    return s.scatter(pos, values.replace_strict(distinct, decoded, return_dtype=pl.String))


def strip_trailing_punctuation(expr: str | pl.Expr) -> pl.Expr:
    """Remove trailing ``.,;:`` and spaces (``'United States.'`` → ``'United States'``).

    Examples
    --------
    >>> import polars as pl
    >>> t = pl.DataFrame({"t": ["United States.", "Acme, Inc.;", None]})
    >>> t.select(strip_trailing_punctuation("t")).to_series().to_list()
    ['United States', 'Acme, Inc', None]
    """
    return _col(expr).str.strip_chars_end(".,;: ")


def count_is_approximate(expr: str | pl.Expr) -> pl.Expr:
    """True where the count was qualified (``~``, ``about``, ``up to``, ``over``, ``+``…).

    Missing values (and missing markers) give False.

    Examples
    --------
    >>> import polars as pl
    >>> t = pl.DataFrame({"t": ["~500", "about 20", "300+", "1,200", "N/A"]})
    >>> t.select(count_is_approximate("t")).to_series().to_list()
    [True, True, True, False, False]
    """
    text = null_markers(expr)
    return (text.str.contains(_APPROX) | text.str.contains(r"\+$")).fill_null(False)


def parse_date(expr: str | pl.Expr, *, formats: Sequence[tuple[str, str]] = ()) -> pl.Expr:
    r"""Parse m/d/Y, m/d/y, ISO (with or without time), ``'Mar 6, 2023'``, and Excel serials into ``Date``.

    ``formats`` adds ``(regex, strptime format)`` pairs tried after the shared ones, e.g.
    ``[(r"^\d{4}/\d{1,2}/\d{1,2}$", "%Y/%m/%d")]``. Text that fits no format gives null;
    :func:`date_problem` gives the reason.

    Examples
    --------
    >>> import polars as pl
    >>> t = pl.DataFrame({"t": ["3/6/2023", "2023-03-06 14:30", "Mar 6, 2023", "44991", "2023/03/06"]})
    >>> t.select(parse_date("t")).to_series().to_list()  # doctest: +NORMALIZE_WHITESPACE
    [datetime.date(2023, 3, 6), datetime.date(2023, 3, 6), datetime.date(2023, 3, 6),
     datetime.date(2023, 3, 6), None]
    >>> slashed = [(r"^\d{4}/\d{1,2}/\d{1,2}$", "%Y/%m/%d")]
    >>> t.select(parse_date("t", formats=slashed)).to_series()[-1]
    datetime.date(2023, 3, 6)
    """
    text = null_markers(expr)
    candidates = [
        pl.when(text.str.contains(pattern)).then(
            text.str.slice(0, 16).str.to_datetime(fmt, strict=False).dt.date()
            if "%H" in fmt
            else text.str.to_date(fmt, strict=False)
        )
        for pattern, fmt in (*_DATE_FORMATS, *formats)
    ]
    serial = text.str.extract(r"^(\d{5})(?:\.0+)?$", 1).cast(pl.Int64, strict=False)
    excel = pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial)
    return pl.coalesce(*candidates, pl.when(serial.is_between(20000, 80000)).then(excel))


def max_plausible_date(today: dt.date | None = None) -> dt.date:
    """One year after ``today`` (default: the real today): later dates are impossible.

    Examples
    --------
    >>> import datetime as dt
    >>> max_plausible_date(dt.date(2025, 1, 31))
    datetime.date(2026, 1, 31)
    """
    today = today or dt.date.today()
    return today + dt.timedelta(days=365)


def date_problem(
    expr: str | pl.Expr,
    *,
    today: dt.date | None = None,
    required: bool = False,
    formats: Sequence[tuple[str, str]] = (),
) -> pl.Expr:
    """A reason text where a date cannot be accepted, else null.

    Reasons: ``'unparseable date'``, ``'implausible date (before 1988-01-01)'``,
    ``'implausible date (after <today + 1 year>)'``, and ``'missing date'`` when
    ``required``.

    Examples
    --------
    >>> import datetime as dt
    >>> import polars as pl
    >>> t = pl.DataFrame({"t": ["3/6/2023", "13/45/2020", "1/1/1950", "1/1/2031", None]})
    >>> t.select(date_problem("t", today=dt.date(2025, 1, 1), required=True)).to_series().to_list()
    [None, 'unparseable date', 'implausible date (before 1988-01-01)', 'implausible date (after 2026-01-01)', 'missing date']
    """
    return parsed_date_problem(
        expr, parse_date(expr, formats=formats), today=today, required=required
    )


def parsed_date_problem(
    expr: str | pl.Expr,
    parsed: str | pl.Expr,
    *,
    today: dt.date | None = None,
    required: bool = False,
    earliest: dt.date = MIN_PLAUSIBLE_DATE,
) -> pl.Expr:
    """:func:`date_problem` for a date already parsed (``parsed``) from the text ``expr``.

    Saves parsing twice when a reader needs both the date and the reason. ``earliest`` is the
    first plausible date (default :data:`MIN_PLAUSIBLE_DATE`; WARN layouts declare their own).

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"t": ["3/6/2023", "13/45/2020", "1/1/1950"]})
    >>> df.with_columns(d=parse_date("t")).select(parsed_date_problem("t", "d")).to_series().to_list()
    [None, 'unparseable date', 'implausible date (before 1988-01-01)']
    """
    raw = null_markers(expr)
    parsed = _col(parsed)
    latest = max_plausible_date(today)
    return (
        pl.when(raw.is_null())
        .then(pl.lit("missing date") if required else None)
        .when(parsed.is_null())
        .then(pl.lit("unparseable date"))
        .when(parsed < earliest)
        .then(pl.lit(f"implausible date (before {earliest})"))
        .when(parsed > latest)
        .then(pl.lit(f"implausible date (after {latest})"))
        .otherwise(None)
    )


_FIRST_DATE = (
    r"(?:^|[^\d/-])("
    r"\d{4}-\d{2}-\d{2}|\d{4}/\d{1,2}/\d{1,2}|\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})"
    r"|\d{1,2}-\d{1,2}-(?:\d{4}|\d{2})|\d{1,2}-[A-Za-z]{3}-(?:\d{4}|\d{2})"
    r"|[A-Za-z]{3,9} \d{1,2}, \d{4}"
    r")(?:[^\d]|$)"
)
#: An ISO date inside a path or file name ('.../2025/2025-05-15_WARN-Notice_Acme.pdf').
_ISO_ANYWHERE = r"(?:^|[^\d])(\d{4}-\d{2}-\d{2})(?:[^\d]|$)"


def first_date_text(expr: str | pl.Expr) -> pl.Expr:
    """The first date-looking token of a text holding a range or a list of dates, else null.

    ``'4/7/20 to 5/31/20'`` → ``'4/7/20'``; ``'Beginning:  March 15, 2023; Ending: ...'`` →
    ``'March 15, 2023'``. Feed the result to :func:`parse_date`.

    Examples
    --------
    >>> import polars as pl
    >>> d = pl.DataFrame({"d": ["06/04/2020 (updated 06/08/2020)", "10-15-21 thru 10-28-21", "TBD",
    ...                         "https://x.gov/2025/2025-05-15_WARN-Notice_Acme.pdf"]})
    >>> d.select(first_date_text("d")).to_series().to_list()
    ['06/04/2020', '10-15-21', None, '2025-05-15']
    """
    text = null_markers(expr).str.replace_all(r"\s+", " ")
    return pl.coalesce(text.str.extract(_FIRST_DATE, 1), text.str.extract(_ISO_ANYWHERE, 1))


def first_number_text(expr: str | pl.Expr) -> pl.Expr:
    """The first whole number (``'1,200'`` style allowed) in a text, else null.

    ``'81 Total -- 13 of which reside in PA'`` → ``'81'``. Feed the result to :func:`parse_count`.

    Examples
    --------
    >>> import polars as pl
    >>> n = pl.DataFrame({"n": ["8 additional", "9,236 Nationwide", "unknown"]})
    >>> n.select(first_number_text("n")).to_series().to_list()
    ['8', '9,236', None]
    """
    return null_markers(expr).str.extract(r"(?:^|[^\d.,])(\d{1,3}(?:,\d{3})+|\d+)(?:[^\d]|$)", 1)


#: A cell listing the counts of several sites: whole numbers separated by a comma, semicolon,
#: ampersand or plus *with* spaces, or by spaces alone ('163, 204, 130, 191', '58 94 97 35').
#: '1,200' (a thousands separator, no space) is never a list.
_SITE_LIST = r"^\d{1,6}(?:\s*[,;&+]\s+\d{1,6}|\s*[;&+]\s*\d{1,6}|\s+\d{1,6})+$"


def site_list_total(expr: str | pl.Expr) -> pl.Expr:
    """The sum of a cell listing one count per site, else null.

    Examples
    --------
    >>> import polars as pl
    >>> n = pl.DataFrame({"n": ["163, 204, 130, 191", "58 94 97 35", "1,200", "12", "3 & 4"]})
    >>> n.select(site_list_total("n")).to_series().to_list()
    [688, 284, None, None, 7]
    """
    text = null_markers(expr)
    total = text.str.extract_all(r"\d+").list.eval(pl.element().cast(pl.Int64)).list.sum()
    return pl.when(text.str.contains(_SITE_LIST)).then(total)
