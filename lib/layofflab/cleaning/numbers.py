"""Numbers as polars expressions: counts and amounts read strictly, or rejected with a reason.

A number is optional sign, digits — plain, or grouped in thousands by commas (``1,200``,
``12,000,000``) — optional decimals and exponent; an amount may also carry a dollar sign and a
percent sign (which divides by 100: ``'0.5%'`` is 0.005). A comma that groups no thousands
(``'12,5'``) makes the text no number: never 125, never 12.5. Non-finite numbers (``'1e400'``)
are no numbers either. Approximation prefixes (``~``, ``about``, ``up to``…) and a trailing
``+`` are read past (:func:`~layofflab.cleaning.rules.count_is_approximate` flags them). Each
function returns the value (null where there is none) or the reason a non-missing text is not
one; every step runs once per batch of values (:func:`_numbers`), so a reader pays for each rule
once, not once per use.

Examples
--------
>>> import polars as pl
>>> t = pl.DataFrame({"t": ["1,200", "12,5", "~500", "50%", "1e400", "n/a"]})
>>> t.select(count=parse_count("t"), share=parse_float("t"), why=count_problem("t")).rows()
[(1200, 1200.0, None), (None, None, 'unparseable count (a comma must group thousands, as in 1,200)'), (500, 500.0, None), (None, 0.5, 'unparseable count'), (None, None, 'count is not a finite number'), (None, None, None)]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, overload

import polars as pl

from layofflab.cleaning.rules import _APPROX, MAX_PLAUSIBLE_COUNT, null_markers

if TYPE_CHECKING:
    from polars._typing import PolarsDataType

__all__ = ["count_problem", "number_problem", "parse_count", "parse_float"]


def _col(expr: str | pl.Expr) -> pl.Expr:
    return pl.col(expr) if isinstance(expr, str) else expr


#: Digits of a number: plain or grouped in thousands by commas (never by spaces: '163 204' may
#: be two sites' counts), with optional decimals and exponent; at least one digit.
_DIGITS = r"(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
#: A count: sign and digits (an approximation prefix and a trailing ``+`` are removed first).
_COUNT_GRAMMAR = rf"^[-+]?{_DIGITS}$"
#: An amount: sign, dollar sign, digits, percent sign.
_FLOAT_GRAMMAR = rf"^(?:[-+]?\$?|\$[-+]?)\s?{_DIGITS}\s?%?$"


_COMMA_HINT = "a comma must group thousands, as in 1,200"


def _numbers(s: pl.Series, *, grammar: str) -> pl.DataFrame:
    """The number read from each text of ``s``, every step computed once (stages of columns).

    ``raw`` (missing markers null), ``ok`` (it fits ``grammar``), ``value`` (null where it does
    not fit; divided by 100 where it ends in ``%``; infinite where it overflows) and ``comma``
    (it would be a number if its commas were decimal points).
    """
    text = pl.col("text")
    stages: list[dict[str, pl.Expr]] = [
        {"raw": null_markers(pl.col("s"))},
        {"text": pl.col("raw").str.replace(_APPROX, "").str.replace(r"\s*\+$", "")},
        {
            "ok": text.str.contains(grammar).fill_null(False),
            "scale": pl.when(text.str.ends_with("%")).then(pl.lit(100.0)).otherwise(pl.lit(1.0)),
            "number": text.str.replace_all(r"[,$%]|\s", "").cast(pl.Float64, strict=False),
            "comma": text.str.contains(",")
            & text.str.replace_all(",", ".").str.contains(_FLOAT_GRAMMAR),
        },
        {
            "ok": pl.col("ok") & pl.col("number").is_not_null(),
            "value": pl.when("ok").then(pl.col("number") / pl.col("scale")),
        },
    ]
    lf = s.cast(pl.String).to_frame("s").lazy()
    for stage in stages:
        lf = lf.with_columns(**stage)
    return lf.select("raw", "ok", "value", "comma").collect(engine="in-memory")


@overload
def _per_batch(
    expr: pl.Series, fn: Callable[[pl.Series], pl.Series], dtype: PolarsDataType
) -> pl.Series: ...
@overload
def _per_batch(
    expr: str | pl.Expr, fn: Callable[[pl.Series], pl.Series], dtype: PolarsDataType
) -> pl.Expr: ...
def _per_batch(
    expr: str | pl.Expr | pl.Series, fn: Callable[[pl.Series], pl.Series], dtype: PolarsDataType
) -> pl.Expr | pl.Series:
    """``fn`` run once per batch of the values of ``expr`` (a Series gives a Series)."""
    if isinstance(expr, pl.Series):
        return fn(expr).alias(expr.name)
    return _col(expr).map_batches(
        lambda s: fn(s).alias(s.name), return_dtype=dtype, is_elementwise=True
    )


def _float_values(s: pl.Series) -> pl.Series:
    n = _numbers(s, grammar=_FLOAT_GRAMMAR)
    return n.select(pl.when(pl.col("value").is_finite()).then("value")).to_series()


def _float_problems(s: pl.Series, what: str) -> pl.Series:
    n = _numbers(s, grammar=_FLOAT_GRAMMAR)
    return n.select(
        pl.when(pl.col("raw").is_null())
        .then(None)
        .when(~pl.col("ok") & pl.col("comma"))
        .then(pl.lit(f"unparseable {what} ({_COMMA_HINT})"))
        .when(~pl.col("ok"))
        .then(pl.lit(f"unparseable {what}"))
        .when(~pl.col("value").is_finite())
        .then(pl.lit(f"{what} is not a finite number"))
        .otherwise(None)
    ).to_series()


def _count_values(s: pl.Series) -> pl.Series:
    n = _numbers(s, grammar=_COUNT_GRAMMAR)
    v = pl.col("value")
    good = (v == v.floor()) & (v >= 0) & (v <= MAX_PLAUSIBLE_COUNT)
    return n.select(pl.when(good).then(v).cast(pl.Int64)).to_series()


def _count_problems(s: pl.Series) -> pl.Series:
    n = _numbers(s, grammar=_COUNT_GRAMMAR)
    v = pl.col("value")
    return n.select(
        pl.when(pl.col("raw").is_null())
        .then(None)
        .when(~pl.col("ok") & pl.col("comma"))
        .then(pl.lit(f"unparseable count ({_COMMA_HINT})"))
        .when(~pl.col("ok"))
        .then(pl.lit("unparseable count"))
        .when(~v.is_finite())
        .then(pl.lit("count is not a finite number"))
        .when(v < 0)
        .then(pl.lit("negative count"))
        .when(v > MAX_PLAUSIBLE_COUNT)
        .then(pl.lit("absurd count (> 1,000,000)"))
        .when(v != v.floor())
        .then(pl.lit("fractional count"))
        .otherwise(None)
    ).to_series()


@overload
def parse_float(expr: pl.Series) -> pl.Series: ...
@overload
def parse_float(expr: str | pl.Expr) -> pl.Expr: ...
def parse_float(expr: str | pl.Expr | pl.Series) -> pl.Expr | pl.Series:
    """Parse a number into ``Float64``: ``'1,200.5'``, ``'$1.2'``, ``'15%'`` (→ 0.15), ``'1e3'``.

    A comma must group thousands (``'12,5'`` is not 12.5 nor 125: null); a percent sign
    divides by 100; text and non-finite numbers (``'1e400'``) give null.
    :func:`number_problem` gives the reason for a non-missing value that gives null.
    ``expr`` is a column name or an expression; a Series gives a Series (same name).

    Examples
    --------
    >>> import polars as pl
    >>> t = pl.DataFrame({"t": ["1,200.5", "$1.2", "0.5%", "12,5", "1e400", "$1.2B", "NULL"]})
    >>> t.select(parse_float("t")).to_series().to_list()
    [1200.5, 1.2, 0.005, None, None, None, None]
    >>> parse_float(pl.Series("share", ["15%", "$1.2"])).to_list()
    [0.15, 1.2]
    """
    return _per_batch(expr, _float_values, pl.Float64)


@overload
def number_problem(expr: pl.Series, *, what: str = "number") -> pl.Series: ...
@overload
def number_problem(expr: str | pl.Expr, *, what: str = "number") -> pl.Expr: ...
def number_problem(expr: str | pl.Expr | pl.Series, *, what: str = "number") -> pl.Expr | pl.Series:
    """A reason text where a non-missing value is not a number :func:`parse_float` reads, else null.

    Reasons (``what`` names the field): ``'unparseable <what>'``, ``'unparseable <what> (a
    comma must group thousands, as in 1,200)'``, ``'<what> is not a finite number'``. A Series
    gives a Series.

    Examples
    --------
    >>> import polars as pl
    >>> t = pl.DataFrame({"t": ["12,5", "1e400", "$1.2B", "5", None]})
    >>> t.select(number_problem("t", what="funds")).to_series().to_list()
    ['unparseable funds (a comma must group thousands, as in 1,200)', 'funds is not a finite number', 'unparseable funds', None, None]
    """
    return _per_batch(expr, lambda s: _float_problems(s, what), pl.String)


@overload
def parse_count(expr: pl.Series) -> pl.Series: ...
@overload
def parse_count(expr: str | pl.Expr) -> pl.Expr: ...
def parse_count(expr: str | pl.Expr | pl.Series) -> pl.Expr | pl.Series:
    """Parse a head count into ``Int64``: ``'1,200'``, ``'16000.0'``, ``'~500'``, ``'Up to 300'``.

    Fractions (``'12.5'``), misplaced commas (``'12,5'``), text, negative, non-finite and
    absurd values give null; use :func:`count_problem` to tell those apart from a missing value.
    ``expr`` is a column name or an expression; a Series gives a Series (same name).

    Examples
    --------
    >>> import polars as pl
    >>> t = pl.DataFrame({"t": ["1,200", "16000.0", "~500", "Up to 300", "300+", "12.5", "12,5", "-3", "NULL"]})
    >>> t.select(parse_count("t")).to_series().to_list()
    [1200, 16000, 500, 300, 300, None, None, None, None]
    >>> parse_count(pl.Series("n", ["1,200", "n/a"])).to_list()
    [1200, None]
    """
    return _per_batch(expr, _count_values, pl.Int64)


@overload
def count_problem(expr: pl.Series) -> pl.Series: ...
@overload
def count_problem(expr: str | pl.Expr) -> pl.Expr: ...
def count_problem(expr: str | pl.Expr | pl.Series) -> pl.Expr | pl.Series:
    """A reason text where a non-missing count cannot be accepted, else null.

    Reasons: ``'unparseable count'``, ``'unparseable count (a comma must group thousands, as
    in 1,200)'``, ``'count is not a finite number'``, ``'fractional count'``, ``'negative
    count'``, ``'absurd count (> 1,000,000)'``. A Series gives a Series.

    Examples
    --------
    >>> import polars as pl
    >>> t = pl.DataFrame({"t": ["12,5", "∞", "1e400", "-3", "2.5", "1,200", "n/a"]})
    >>> t.select(count_problem("t")).to_series().to_list()  # doctest: +NORMALIZE_WHITESPACE
    ['unparseable count (a comma must group thousands, as in 1,200)', 'unparseable count',
     'count is not a finite number', 'negative count', 'fractional count', None, None]
    """
    return _per_batch(expr, _count_problems, pl.String)
