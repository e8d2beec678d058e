"""Reading a JSON document safely: decoded as any raw text, errors named, numbers kept finite.

Python's parser accepts ``NaN``, ``Infinity`` and ``-Infinity`` (not JSON) and turns ``1e400``
into infinity; here each such number becomes a :class:`NonFinite` text (``'1e400 (not a finite
number)'``), which no number parser reads, so a reader rejects the value instead of keeping it.
A document nested too deeply for the parser is an :class:`~layofflab.errors.InputFileError`,
not a ``RecursionError``.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.json"
>>> _ = p.write_text('{"a": 1.5, "b": NaN, "c": 1e400}')
>>> doc = read_json(p, expected="a JSON object")
>>> doc["a"], str(doc["b"]), str(doc["c"])
(1.5, 'NaN (not a finite number)', '1e400 (not a finite number)')
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from layofflab.errors import InputFileError
from layofflab.io.decode import read_text_bytes

__all__ = ["NonFinite", "read_json"]


class NonFinite(str):
    """A JSON number that is not finite, kept as its text (``str()`` says what it is)."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"{str.__str__(self)} (not a finite number)"


def _float(token: str) -> float | NonFinite:
    value = float(token)
    return value if math.isfinite(value) else NonFinite(token)


def read_json(path: str | Path, *, expected: str) -> Any:
    """Parse the JSON document at ``path``; ``expected`` describes it in error messages.

    Raises
    ------
    InputFileError
        Missing, empty, binary, undecodable, invalid, truncated or too deeply nested JSON.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.json"
    >>> _ = p.write_text('{"a": [1, 2.5]}')
    >>> read_json(p, expected="a JSON object")
    {'a': [1, 2.5]}
    >>> _ = p.write_text('{"a": [1,')
    >>> read_json(p, expected="a JSON object")
    Traceback (most recent call last):
    ...
    layofflab.errors.InputFileError: ...a.json...
    """
    path = Path(path)
    text = read_text_bytes(path)
    try:
        return json.loads(text, parse_float=_float, parse_constant=NonFinite)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            path,
            f"{expected}; invalid or truncated JSON ({exc.msg} at "
            f"line {exc.lineno}, column {exc.colno})",
        ) from exc
    except ValueError as exc:  # an integer of more digits than Python converts
        raise InputFileError(path, f"{expected}; found a number too long to read") from exc
    except RecursionError as exc:
        raise InputFileError(path, f"{expected}; found JSON nested too deeply to read") from exc
