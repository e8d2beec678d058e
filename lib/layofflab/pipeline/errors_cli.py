r"""How the command line reports a failure: one line on stderr, bounded, control characters escaped.

* A user error (a :class:`~layofflab.errors.LayofflabError`, a file the system cannot open, a
  notebook stopped by one) prints ``layofflab <command>: <message>`` and exits with status 2.
* Anything else is a bug in layofflab, not in the input: the line says it is an internal
  error and where to report it, and the status is 1. ``LAYOFFLAB_DEBUG=1`` adds the traceback.

Whatever a message quotes from a file (a value, a header, a file name) is shown with control
characters escaped, so an escape sequence in a raw file cannot reach the terminal, and cut to
:data:`MAX_LINE` characters, so a one-megabyte line does not become a one-megabyte message.

Examples
--------
>>> escape_control("Acme\x1b[31m Corp\nrow 2")
'Acme\\x1b[31m Corp\\nrow 2'
>>> import io
>>> from layofflab.errors import InputFileError
>>> err = io.StringIO()
>>> report_failure("clean", InputFileError("a.csv", "a header", value="x" * 5000), stream=err)
2
>>> line = err.getvalue(); line.count("\n"), len(line) <= MAX_LINE + 1
(1, True)
>>> err = io.StringIO()
>>> report_failure("data", ValueError("cannot concat empty list"), stream=err)
1
>>> print(err.getvalue().strip())  # doctest: +ELLIPSIS
layofflab data: internal error (ValueError: cannot concat empty list): this is a bug in layofflab, not a problem with your input; please report it ...
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import traceback
from typing import NoReturn, TextIO

import polars as pl

from layofflab import errors
from layofflab.errors import LayofflabError, shorten

__all__ = [
    "MAX_LINE",
    "REPORT_TO",
    "OneLineParser",
    "escape_control",
    "report_failure",
    "terminal_safe",
]

#: Longest message line printed (characters).
MAX_LINE = 600
#: Where internal errors are to be reported.
REPORT_TO = (
    "please report it with the command you ran and this line (README.md, 'Reporting problems'); "
    "LAYOFFLAB_DEBUG=1 prints the traceback"
)
#: C0 and C1 controls (tab, newline and the rest), DEL, and the bidirectional-text controls.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_USER_ERRORS = frozenset(
    name
    for name, obj in vars(errors).items()
    if isinstance(obj, type) and issubclass(obj, LayofflabError)
)


def escape_control(text: str) -> str:
    r"""``text`` with every control character written as an escape (``\x1b``, ``\n``, ``\u202e``).

    Examples
    --------
    >>> escape_control("Acme\x1b[31m\tCorp")
    'Acme\\x1b[31m\\tCorp'
    """

    def esc(m: re.Match[str]) -> str:
        c = m.group()
        return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")

    return _CONTROL.sub(esc, text)


def _line(command: str, message: str) -> str:
    return shorten(escape_control(f"layofflab {command}: {message}"), MAX_LINE)


def report_failure(command: str, exc: BaseException, *, stream: TextIO | None = None) -> int:
    r"""Print the one-line report of ``exc`` for ``layofflab <command>``; return the exit status.

    Examples
    --------
    >>> import io
    >>> err = io.StringIO()
    >>> report_failure("clean", FileNotFoundError(2, "No such file or directory", "a.csv"), stream=err)
    2
    >>> err.getvalue()
    'layofflab clean: ...a.csv...\n'
    """
    stream = sys.stderr if stream is None else stream
    status, message = _classify(exc)
    print(_line(command, message), file=stream)
    if status == 1 and os.environ.get("LAYOFFLAB_DEBUG"):
        traceback.print_exception(exc, file=stream)
    return status


def _classify(exc: BaseException) -> tuple[int, str]:
    if isinstance(exc, LayofflabError):
        return 2, str(exc)
    if isinstance(exc, KeyboardInterrupt):
        return 130, "interrupted"
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return 2, f"{where}{exc.strerror}"
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if isinstance(ename, str) and ename in _USER_ERRORS:  # a notebook stopped by a user error
        cell = getattr(exc, "exec_count", None)
        return 2, f"a notebook stopped at cell {cell}: {evalue}"
    kind = ename if isinstance(ename, str) else type(exc).__name__
    detail = evalue if isinstance(ename, str) else str(exc)
    return 1, (
        f"internal error ({kind}: {detail}): this is a bug in layofflab, not a problem with "
        f"your input; {REPORT_TO}"
    )


def terminal_safe(df: pl.DataFrame) -> pl.DataFrame:
    r"""``df`` with control characters escaped in every text column (for printing).

    Examples
    --------
    >>> import polars as pl
    >>> terminal_safe(pl.DataFrame({"a": ["x\x1b[2Jy"], "n": [1]})).rows()
    [('x\\x1b[2Jy', 1)]
    """
    text = [c for c, t in df.schema.items() if t == pl.String]
    return df.with_columns(
        pl.col(c).map_elements(escape_control, return_dtype=pl.String) for c in text
    )


class OneLineParser(argparse.ArgumentParser):
    r"""An argument parser whose usage errors are one line too (``--help`` prints the usage).

    >>> p = OneLineParser(prog="layofflab")
    >>> _ = p.add_argument("--n", type=int)
    >>> import contextlib, io
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err), contextlib.suppress(SystemExit):
    ...     p.parse_args(["--n", "x\x1b[2J"])
    >>> err.getvalue()
    "layofflab: argument --n: invalid int value: 'x\\x1b[2J' (layofflab --help lists the commands)\n"
    """

    def error(self, message: str) -> NoReturn:
        """Print ``message`` as one bounded, escaped line with a hint, and exit with status 2."""
        hint = f"{self.prog.split()[0]} --help lists the commands"
        line = shorten(escape_control(f"{self.prog}: {message} ({hint})"), MAX_LINE)
        self.exit(2, line + "\n")
