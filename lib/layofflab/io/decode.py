r"""Decoding raw text: encodings sniffed, never assumed; undecodable bytes named, never guessed.

UTF-8 (with or without BOM), UTF-16 and cp1252/Latin-1 files decode whole. A file that is
UTF-8 but for a few bytes is *not* re-decoded as cp1252 (``Zürich`` would become
``ZÃ¼rich`` everywhere): it is read as UTF-8 and the records holding the stray bytes are
reported, each with the byte and its offset, for the reader to reject (the raw value shows the
bytes as ``\xNN``). The rule, per record (quote-aware line): if at least as many records
hold a valid multi-byte UTF-8 character as hold invalid bytes, the file is UTF-8 and the
records with invalid bytes are rejected; otherwise it is cp1252 (or Latin-1) and the records
holding what reads as a multi-byte UTF-8 character are rejected as ambiguous (cp1252 would
turn a UTF-8 ``ü`` into ``Ã¼``). A whole document (JSON) with any such record is refused,
naming the byte offset. A NUL byte anywhere refuses the file.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
>>> _ = p.write_bytes("name\nZürich AG\nSão Paulo\n".encode() + b"Bad\xfcName\n")
>>> d = decode(p)
>>> d.encoding, d.content.decode().splitlines()[1:]
('utf-8', ['Zürich AG', 'São Paulo', 'Bad\\xfcName'])
>>> d.bad_records
{3: 'undecodable byte 0xFC at offset 30 (the file is UTF-8; the raw value shows it as \\xfc)'}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from charset_normalizer import from_bytes

from layofflab.errors import InputFileError
from layofflab.io.scan import record_of, records, utf8_sequences

__all__ = ["Decoded", "decode", "read_text_bytes", "sniff_encoding"]

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_SNIFF_BYTES = 1 << 20


def _sniff(head: bytes, *, path: Path, complete: bool) -> str:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    # UTF-16 without BOM: every other byte of ASCII text is NUL.
    if len(head) >= 4 and head[1:40:2].count(0) >= len(head[1:40:2]) * 0.8:
        return "utf-16-le"
    if len(head) >= 4 and head[0:40:2].count(0) >= len(head[0:40:2]) * 0.8:
        return "utf-16-be"
    if b"\x00" in head:
        raise InputFileError(path, "a text file (CSV); found NUL bytes, so it looks binary")
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of a partial read is still UTF-8.
        if not complete and exc.start >= len(head) - 3:
            return "utf-8"
    best = from_bytes(head, cp_isolation=["cp1252", "latin_1", "utf_8"]).best()
    return "cp1252" if best is None or best.encoding in {"latin_1", "ascii"} else best.encoding


def sniff_encoding(path: str | Path) -> str:
    r"""Return the text encoding of ``path`` (``'utf-8'``, ``'utf-8-sig'``, ``'utf-16'``, ``'cp1252'``, …).

    Parameters
    ----------
    path : str or Path
        The file to inspect (the first MiB is read; the whole file is checked
        later when it is decoded).

    Raises
    ------
    InputFileError
        When the file is missing, empty, or contains NUL bytes outside UTF-16.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = p.write_bytes("name\nZürich AG\n".encode("utf-16"))
    >>> sniff_encoding(p)
    'utf-16'
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "an existing file")
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
        complete = fh.read(1) == b""
    if not head.strip():
        raise InputFileError(path, "a non-empty file")
    return _sniff(head, path=path, complete=complete)


@dataclass(frozen=True)
class Decoded:
    r"""A decoded text file.

    Attributes
    ----------
    content : bytes
        The text as UTF-8 with ``\n`` line ends and no BOM.
    encoding : str
        The encoding it was read in.
    bad_records : dict of int to str
        Records (0-based, counting every quote-aware line of the file, the header and blank
        lines included) that cannot be trusted, with the reason: stray non-UTF-8 bytes in a
        UTF-8 file, or valid UTF-8 in a cp1252 file.
    """

    content: bytes
    encoding: str
    bad_records: dict[int, str]


def _strict(raw: bytes, encoding: str, path: Path) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputFileError(
            path,
            f"text in {encoding}",
            value=f"undecodable byte 0x{raw[exc.start]:02X} at offset {exc.start}",
        ) from exc


def _no_nul(text: bytes | str, path: Path, *, unit: str = "byte") -> None:
    at = text.find(b"\x00") if isinstance(text, bytes) else text.find("\x00")
    if at >= 0:
        raise InputFileError(
            path, "text without NUL characters", value=f"NUL {unit} at offset {at}"
        )


def decode(path: str | Path, *, separator: str = ",") -> Decoded:
    r"""Decode ``path`` (see the module notes); ``separator`` tells records apart (quote-aware).

    Raises
    ------
    InputFileError
        Missing, empty or binary files, a NUL anywhere, bytes undecodable in the file's
        encoding (naming the byte and its offset).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = p.write_bytes("name\r\nZürich AG\r\n".encode("cp1252"))
    >>> d = decode(p)
    >>> d.encoding, d.content
    ('cp1252', b'name\nZ\xc3\xbcrich AG\n')
    """
    path = Path(path)
    encoding = sniff_encoding(path)
    raw = path.read_bytes()
    if encoding.startswith("utf-16"):
        text = _strict(raw, encoding, path).lstrip("\ufeff")
        _no_nul(text, path, unit="character")
        return Decoded(_unify_line_ends(text.encode("utf-8")), encoding, {})
    _no_nul(raw, path)
    bom = 3 if encoding == "utf-8-sig" else 0
    body = raw[bom:]
    utf8 = "utf-8-sig" if bom else "utf-8"
    bad, leads = utf8_sequences(body)
    if not len(bad):
        return Decoded(_unify_line_ends(body), utf8, {})
    newline = 10 if b"\n" in body else 13
    ends = records(body, separator=separator, newline=newline).ends
    bad_rows, first = np.unique(record_of(ends, bad), return_index=True)
    good_rows = np.unique(record_of(ends, leads))  # rows holding valid multi-byte UTF-8
    if bom or len(good_rows) >= len(bad_rows):  # UTF-8 but for a few bytes
        reasons = {}
        for row, offset in zip(bad_rows.tolist(), bad[first].tolist(), strict=True):
            byte = body[offset]
            reasons[row] = (
                f"undecodable byte 0x{byte:02X} at offset {offset + bom} "
                f"(the file is UTF-8; the raw value shows it as \\x{byte:02x})"
            )
        text = body.decode("utf-8", errors="backslashreplace")
        return Decoded(_unify_line_ends(text.encode("utf-8")), utf8, reasons)
    legacy = "cp1252" if encoding == "utf-8" else encoding
    text = _strict(raw, legacy, path)
    reasons = {
        row: f"ambiguous encoding: valid UTF-8 in a {legacy} file (read as {legacy})"
        for row in good_rows.tolist()
    }
    return Decoded(_unify_line_ends(text.encode("utf-8")), legacy, reasons)


def read_text_bytes(path: str | Path) -> bytes:
    r"""Return the file's content re-encoded as UTF-8 with ``\n`` line ends and no BOM.

    For whole documents (JSON): any record :func:`decode` cannot trust refuses the file.

    Raises
    ------
    InputFileError
        As :func:`decode`, and for any undecodable or ambiguous byte (naming its offset).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.json"
    >>> _ = p.write_bytes(b'\xef\xbb\xbf{"a": 1}\r\n')
    >>> read_text_bytes(p)
    b'{"a": 1}\n'
    """
    decoded = decode(path)
    if decoded.bad_records:
        first = decoded.bad_records[min(decoded.bad_records)].split(" (")[0]
        raise InputFileError(path, "text in one encoding (UTF-8 or cp1252 throughout)", found=first)
    return decoded.content


def _unify_line_ends(raw: bytes) -> bytes:
    """CRLF → LF; a file with bare CR line ends only (classic Mac OS export) → LF."""
    if b"\r" not in raw:  # nothing to change: skip the copy
        return raw
    raw = raw.replace(b"\r\n", b"\n")
    if b"\n" not in raw and b"\r" in raw:
        raw = raw.replace(b"\r", b"\n")
    return raw
