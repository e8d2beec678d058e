r"""Byte-level scans of raw text, vectorized with NumPy: record boundaries and invalid UTF-8.

Both work on the bytes as they are, before any decoding, so a reader can name the byte
offset and the record of every problem. Quotes, separators and line ends are ASCII and mean
the same in UTF-8, cp1252 and Latin-1 bytes.

Examples
--------
>>> rec = records(b'a,b\n"x\ny",2\n\n3\n', separator=",")
>>> rec.ends.tolist(), rec.fields.tolist(), rec.blank.tolist()
([3, 11, 12, 14], [2, 2, 1, 1], [False, False, True, False])
>>> invalid_utf8("Zürich \xfc".encode("utf-8") + b"\xfc").tolist()
[10]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Records", "invalid_utf8", "record_of", "records", "unquoted", "utf8_sequences"]

_QUOTE = ord('"')


def unquoted(buf: np.ndarray, byte: int, quotes: np.ndarray) -> np.ndarray:
    """Positions of ``byte`` in ``buf`` outside double quotes (``quotes``: positions of ``"``).

    A ``""`` inside a quoted field toggles the state twice, so it leaves it unchanged, as in
    RFC 4180.

    Examples
    --------
    >>> import numpy as np
    >>> buf = np.frombuffer(b'a,"b,c",d', dtype=np.uint8)
    >>> unquoted(buf, ord(","), np.flatnonzero(buf == ord('"'))).tolist()
    [1, 7]
    """
    hits = np.flatnonzero(buf == byte)
    return hits[(np.searchsorted(quotes, hits) & 1) == 0]


@dataclass(frozen=True)
class Records:
    """The records of a CSV text: where each ends, how many fields it has, whether it is blank.

    Attributes
    ----------
    starts, ends : numpy.ndarray
        Byte offsets: record ``i`` is ``content[starts[i]:ends[i]]`` (its line end excluded).
    fields : numpy.ndarray
        Number of fields (separators outside quotes + 1).
    blank : numpy.ndarray
        True for a record of nothing but spaces and tabs (a blank line: not a row).
    terminated : bool
        Whether the last record ends with a line end (a file cut mid-row does not).
    open_quote : bool
        Whether the text ends inside a quoted field (a file cut inside a quoted value).
    """

    starts: np.ndarray
    ends: np.ndarray
    fields: np.ndarray
    blank: np.ndarray
    terminated: bool
    open_quote: bool


def records(content: bytes, *, separator: str, newline: int = 10) -> Records:
    r"""Split ``content`` into records (quote-aware) and count each record's fields.

    Examples
    --------
    >>> rec = records(b'a,b\n"x\ny",2\n', separator=",")
    >>> rec.starts.tolist(), rec.ends.tolist(), rec.fields.tolist()
    ([0, 4], [3, 11], [2, 2])
    """
    buf = np.frombuffer(content, dtype=np.uint8)
    quotes = np.flatnonzero(buf == _QUOTE)
    ends = unquoted(buf, newline, quotes)
    terminated = bool(len(content)) and len(ends) > 0 and ends[-1] == len(content) - 1
    if len(content) and not terminated:
        ends = np.append(ends, len(content))
    seps = unquoted(buf, ord(separator), quotes)
    fields = 1 + np.bincount(np.searchsorted(ends, seps), minlength=len(ends))[: len(ends)]
    starts = np.concatenate([[0], ends[:-1] + 1]).astype(np.int64)
    blank = np.zeros(len(ends), dtype=bool)
    for i in np.flatnonzero(fields == 1):  # only a record without separators can be blank
        blank[i] = not content[starts[i] : ends[i]].strip(b" \t\r")
    return Records(
        starts=starts,
        ends=ends.astype(np.int64),
        fields=fields,
        blank=blank,
        terminated=terminated or not len(content),
        open_quote=bool(len(quotes) % 2),
    )


def record_of(ends: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Index of the record holding each byte offset (``ends`` from :func:`records`).

    Examples
    --------
    >>> import numpy as np
    >>> record_of(np.array([3, 11]), np.array([0, 5, 10])).tolist()
    [0, 1, 1]
    """
    return np.searchsorted(ends, offsets, side="left")


def _next(buf: np.ndarray, pos: np.ndarray, k: int) -> np.ndarray:
    idx = pos + k
    out = np.zeros(len(pos), dtype=np.uint8)
    inside = idx < len(buf)
    out[inside] = buf[idx[inside]]
    return out


def invalid_utf8(raw: bytes) -> np.ndarray:
    r"""Offsets of the bytes of ``raw`` that belong to no valid UTF-8 sequence (sorted).

    Empty exactly when ``raw.decode("utf-8")`` succeeds: overlong forms, surrogates and code
    points above U+10FFFF are invalid, as in Python's decoder.

    Examples
    --------
    >>> invalid_utf8("Zürich".encode("utf-8") + b"\xfc!").tolist()
    [7]
    """
    return utf8_sequences(raw)[0]


def utf8_sequences(raw: bytes) -> tuple[np.ndarray, np.ndarray]:
    r"""``(invalid, leads)``: offsets of invalid UTF-8 bytes and of multi-byte sequence starts.

    ``invalid``: the bytes in no valid UTF-8 sequence; ``leads``: the first bytes of the valid
    multi-byte sequences. Both sorted.

    Examples
    --------
    >>> invalid, leads = utf8_sequences("Zürich".encode("utf-8") + b"\xfc")
    >>> invalid.tolist(), leads.tolist()
    ([7], [1])
    """
    buf = np.frombuffer(raw, dtype=np.uint8)
    high = np.flatnonzero(buf >= 0x80)
    if not len(high):
        return high, high
    lead = buf[high]
    n1, n2, n3 = (_next(buf, high, k) for k in (1, 2, 3))

    def cont(x: np.ndarray) -> np.ndarray:
        return (x >= 0x80) & (x <= 0xBF)

    two = (lead >= 0xC2) & (lead <= 0xDF) & cont(n1)
    three = (
        (lead >= 0xE0)
        & (lead <= 0xEF)
        & cont(n1)
        & cont(n2)
        & ~((lead == 0xE0) & (n1 < 0xA0))  # overlong
        & ~((lead == 0xED) & (n1 > 0x9F))  # surrogates
    )
    four = (
        (lead >= 0xF0)
        & (lead <= 0xF4)
        & cont(n1)
        & cont(n2)
        & cont(n3)
        & ~((lead == 0xF0) & (n1 < 0x90))  # overlong
        & ~((lead == 0xF4) & (n1 > 0x8F))  # above U+10FFFF
    )
    leads = high[two | three | four]
    covered = np.concatenate([leads, leads + 1, high[three | four] + 2, high[four] + 3])
    return high[~np.isin(high, covered)], leads
