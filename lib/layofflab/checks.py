"""The one validator for arguments, in the spirit of scikit-learn's ``check_scalar``.

Every public function and options dataclass checks its arguments here, so a bad value gets
the same one-line :class:`~layofflab.errors.InvalidArgumentError` everywhere: the argument's
name, the value, and what would have been accepted. ``bool`` is never accepted where a
number is expected (``True`` is an ``int`` to Python, not to a researcher).

Examples
--------
>>> check_scalar(9999, "reps", int, min_val=19)
9999
>>> check_scalar(True, "reps", int, min_val=19)
Traceback (most recent call last):
...
layofflab.errors.InvalidArgumentError: reps=True: expected an integer ≥ 19
>>> check_choice("holm", "method", ("holm", "bh"))
'holm'
>>> check_date("2025-13-01", "start")
Traceback (most recent call last):
...
layofflab.errors.InvalidArgumentError: start='2025-13-01': expected an ISO date YYYY-MM-DD
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Iterable, Sequence
from typing import Any, Literal, TypeVar, overload

import polars as pl

from layofflab.errors import InvalidArgumentError

__all__ = ["check_choice", "check_columns", "check_date", "check_scalar", "check_sequence"]

T = TypeVar("T")

_NAMES = {int: "an integer", float: "a number", numbers.Real: "a number", str: "a string"}


def _is_type(x: Any, target_type: type | tuple[type, ...]) -> bool:
    if isinstance(x, bool) and bool not in (
        target_type if isinstance(target_type, tuple) else (target_type,)
    ):
        return False
    if target_type is float or (isinstance(target_type, tuple) and float in target_type):
        return isinstance(x, numbers.Real)
    if target_type is int or (isinstance(target_type, tuple) and int in target_type):
        return isinstance(x, numbers.Integral)
    return isinstance(x, target_type)


def check_scalar(
    x: Any,
    name: str,
    target_type: type | tuple[type, ...],
    *,
    min_val: float | None = None,
    max_val: float | None = None,
    include_boundaries: Literal["both", "left", "right", "neither"] = "both",
) -> Any:
    """Return ``x`` if it has ``target_type`` and lies within the bounds, else raise.

    Parameters
    ----------
    x : Any
        The value.
    name : str
        The argument's name, for the message.
    target_type : type or tuple of types
        ``int`` accepts any integral number but not ``bool``; ``float`` any real number.
    min_val, max_val : float, optional
        Bounds; ``include_boundaries`` says which are closed.

    Raises
    ------
    InvalidArgumentError
        Naming the argument, the value and what was expected.

    Examples
    --------
    >>> check_scalar(0.5, "alpha", float, min_val=0, max_val=1, include_boundaries="neither")
    0.5
    >>> check_scalar(1.0, "alpha", float, min_val=0, max_val=1, include_boundaries="neither")
    Traceback (most recent call last):
    ...
    layofflab.errors.InvalidArgumentError: alpha=1.0: expected a number > 0 and < 1
    """
    kinds = target_type if isinstance(target_type, tuple) else (target_type,)
    what = " or ".join(_NAMES.get(k, k.__name__) for k in kinds)
    low_op = "≥" if include_boundaries in ("both", "left") else ">"
    high_op = "≤" if include_boundaries in ("both", "right") else "<"
    bounds = []
    if min_val is not None:
        bounds.append(f"{low_op} {min_val:g}")
    if max_val is not None:
        bounds.append(f"{high_op} {max_val:g}")
    expected = what + (" " + " and ".join(bounds) if bounds else "")
    if not _is_type(x, target_type):
        raise InvalidArgumentError(name, x, expected=expected)
    if min_val is not None and (x < min_val if low_op == "≥" else x <= min_val):
        raise InvalidArgumentError(name, x, expected=expected)
    if max_val is not None and (x > max_val if high_op == "≤" else x >= max_val):
        raise InvalidArgumentError(name, x, expected=expected)
    return x


def check_choice(value: T, name: str, choices: Iterable[T]) -> T:
    """Return ``value`` if it is one of ``choices``, else raise naming them.

    Examples
    --------
    >>> check_choice("x", "estimator", ["twfe", "sunab"])
    Traceback (most recent call last):
    ...
    layofflab.errors.InvalidArgumentError: estimator='x': expected one of 'twfe', 'sunab'
    """
    options = list(choices)
    if value not in options:
        raise InvalidArgumentError(name, value, expected="one of " + ", ".join(map(repr, options)))
    return value


@overload
def check_date(value: Any, name: str, *, allow_empty: Literal[False] = False) -> dt.date: ...
@overload
def check_date(value: Any, name: str, *, allow_empty: bool) -> dt.date | None: ...
def check_date(value: Any, name: str, *, allow_empty: bool = False) -> dt.date | None:
    """Parse an ISO date string (``YYYY-MM-DD``) or accept a ``datetime.date``; raise otherwise.

    Examples
    --------
    >>> check_date("2025-10-28", "start")
    datetime.date(2025, 10, 28)
    >>> check_date("", "end", allow_empty=True) is None
    True
    """
    if allow_empty and value in ("", None):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidArgumentError(name, value, expected="an ISO date YYYY-MM-DD") from None


def check_sequence(
    value: Any, name: str, *, of: type | tuple[type, ...] = str, allow_empty: bool = True
) -> tuple[Any, ...]:
    """A list or tuple of ``of`` items (not a bare string) as a tuple; raise otherwise.

    Examples
    --------
    >>> check_sequence(["a.csv", "b.csv"], "paths")
    ('a.csv', 'b.csv')
    >>> check_sequence("a.csv", "paths")
    Traceback (most recent call last):
    ...
    layofflab.errors.InvalidArgumentError: paths='a.csv': expected a list or tuple of str
    """
    kinds = of if isinstance(of, tuple) else (of,)
    expected = "a list or tuple of " + " or ".join(k.__name__ for k in kinds)
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise InvalidArgumentError(name, value, expected=expected)
    if not all(_is_type(v, of) for v in value):
        raise InvalidArgumentError(name, value, expected=expected)
    if not allow_empty and not value:
        raise InvalidArgumentError(name, value, expected=expected + " (not empty)")
    return tuple(value)


def check_columns(df: pl.DataFrame, columns: Sequence[str], *, name: str) -> pl.DataFrame:
    """Return ``df`` if it has every one of ``columns``, else raise naming the missing ones.

    Examples
    --------
    >>> check_columns(pl.DataFrame({"a": [1]}), ["a", "b"], name="panel")
    Traceback (most recent call last):
    ...
    layofflab.errors.InvalidArgumentError: panel=['a']: expected a frame with columns ['b']
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InvalidArgumentError(name, df.columns, expected=f"a frame with columns {missing}")
    return df
