"""SEC XBRL company facts: which CIKs to fetch, and fetching them under the SEC's fair-access rules.

The SEC serves one JSON document per filer at
``https://data.sec.gov/api/xbrl/companyfacts/CIK##########.json`` and every filer's at once in
the nightly ``companyfacts.zip``. Its fair-access policy asks automated tools to declare
a ``User-Agent`` naming the requester with an e-mail address, and to send at most 10
requests per second; an undeclared tool is answered 403 and a faster one is blocked for
a while (https://www.sec.gov/os/accessing-edgar-data). :func:`user_agent` refuses to run
without a declared agent, and the :class:`~layofflab.fetch.http.Fetcher` holds every
request of a run to the rate.

Files land in ``<root>/sec/companyfacts/CIK##########.json`` (the name the reader
:func:`layofflab.sources.sec.read` takes) and the archive in ``<root>/sec/companyfacts.zip``.

Examples
--------
>>> companyfacts_url("320193", "https://data.sec.gov")
'https://data.sec.gov/api/xbrl/companyfacts/CIK0000320193.json'
>>> universe_ciks("bigtech").head(3).rows()
[('AMZN', '0001018724'), ('MSFT', '0000789019'), ('GOOGL', '0001652044')]
>>> import polars as pl
>>> warn_public_ciks(pl.DataFrame({"register_cik": ["1018724", None, "1018724", ""],
...                                "cik": [None, "0000789019", None, None]})).rows()
[('0000789019', 1), ('0001018724', 2)]
>>> user_agent("Jane Doe jane.doe@example.org", environ={})
'Jane Doe jane.doe@example.org'
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import polars as pl
from tqdm import tqdm

from layofflab.checks import check_scalar
from layofflab.errors import DownloadError, InputFileError, InvalidArgumentError, LookupMissError
from layofflab.fetch import _sources
from layofflab.fetch.content import Check, json_check, zip_check
from layofflab.fetch.http import Download, Fetcher
from layofflab.fetch.manifest import Entry
from layofflab.io import read_csv_text
from layofflab.sources.entities import ALIASES_PATH, load_aliases
from layofflab.tables.universe import COMPANYFACTS_DIR as UNIVERSE_FACTS_DIR

__all__ = [
    "COMPANYFACTS_DIR",
    "bulk_url",
    "companyfacts_url",
    "extract_companyfacts",
    "fetch_bulk",
    "fetch_companyfacts",
    "register_ciks",
    "ticker_ciks",
    "universe_ciks",
    "user_agent",
    "warn_public_ciks",
]

#: Where company-facts files go, relative to the download folder.
COMPANYFACTS_DIR = UNIVERSE_FACTS_DIR  # what the universe panel reads (tables.universe)
BULK_REL = "sec/companyfacts.zip"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_MEMBER = r"CIK\d{10}\.json"


def user_agent(given: str | None, *, environ: Mapping[str, str] | None = None) -> str:
    """The declared User-Agent: ``given``, else ``$LAYOFFLAB_SEC_USER_AGENT``.

    It is refused unless it holds a name and an e-mail address.

    >>> user_agent(None, environ={})
    Traceback (most recent call last):
    ...
    layofflab.errors.InvalidArgumentError: user_agent=None: expected a name and an e-mail address, e.g. --user-agent 'Jane Doe jane.doe@example.org' or LAYOFFLAB_SEC_USER_AGENT: the SEC requires automated tools to declare who they are and refuses undeclared ones (https://www.sec.gov/os/accessing-edgar-data)
    """
    env_name = _sources.sources()["sec"]["user_agent_env"]
    env = os.environ if environ is None else environ
    value = (given or env.get(env_name) or "").strip() or None
    name = _EMAIL.sub("", value or "").strip(" <>()[],;")
    if value is None or not _EMAIL.search(value) or not re.search(r"\w", name):
        raise InvalidArgumentError(
            "user_agent",
            value,
            expected=(
                "a name and an e-mail address, e.g. --user-agent 'Jane Doe jane.doe@example.org' "
                f"or {env_name}: the SEC requires automated tools to declare who they are and "
                "refuses undeclared ones (https://www.sec.gov/os/accessing-edgar-data)"
            ),
        )
    return value


def _cik(value: object, *, what: str) -> str:
    text = str(value).strip()
    if not re.fullmatch(r"\d{1,10}", text) or int(text) == 0:
        raise InvalidArgumentError(what, value, expected="a CIK of 1-10 digits")
    return text.zfill(10)


def companyfacts_url(cik: str | int, base: str) -> str:
    """The company-facts URL of a CIK under ``base`` (e.g. ``https://data.sec.gov``)."""
    return f"{base.rstrip('/')}/api/xbrl/companyfacts/CIK{_cik(cik, what='cik')}.json"


def bulk_url(base: str | None) -> str:
    """The ``companyfacts.zip`` URL: the SEC's, or ``{base}{bulk_path}`` when the host is replaced."""
    sec = _sources.sources()["sec"]
    return sec["bulk_url"] if base is None else f"{base.rstrip('/')}{sec['bulk_path']}"


def ticker_ciks(tickers: Iterable[str]) -> pl.DataFrame:
    """``company_id`` and 10-digit ``cik`` of each ticker, from the alias table (:mod:`layofflab.sources.entities`).

    Raises
    ------
    LookupMissError
        A ticker the alias table does not know, or knows without a CIK.
    """
    known = dict(
        load_aliases()
        .drop_nulls("cik")
        .unique("company_id")
        .select("company_id", "cik")
        .iter_rows()
    )
    rows = []
    for ticker in tickers:
        key = ticker.strip().upper()
        if key not in known:
            raise LookupMissError("fetch sec", "ticker", ticker, table=ALIASES_PATH.name)
        rows.append((key, known[key]))
    return pl.DataFrame(rows, schema={"company_id": pl.String, "cik": pl.String}, orient="row")


def universe_ciks(name: str) -> pl.DataFrame:
    """``company_id`` and ``cik`` of a declared universe (``bigtech``), in declared order."""
    return ticker_ciks(_sources.universe_tickers(name))


def warn_public_ciks(
    frame: pl.DataFrame | pl.LazyFrame, *, columns: Sequence[str] = ("register_cik", "cik")
) -> pl.DataFrame:
    """Every distinct CIK of a WARN table: the universe ``warn-public``.

    Parameters
    ----------
    frame : polars.DataFrame or LazyFrame
        WARN notices: the processed table (``register_cik`` from the register, ``cik``
        from our entity resolution) or a raw register file (``cik``).
    columns : sequence of str
        The CIK columns to read; those present are used, at least one must be.

    Returns
    -------
    polars.DataFrame
        ``cik`` (10 digits, zero-padded) and ``rows`` (WARN rows carrying it), sorted by
        ``cik``. Empty and null cells are not CIKs.

    Raises
    ------
    InvalidArgumentError
        None of ``columns`` is in the frame, or a cell is not a CIK (names column, row, value).
    """
    lazy = frame.lazy()
    present = [c for c in columns if c in lazy.collect_schema().names()]
    if not present:
        raise InvalidArgumentError(
            "frame", lazy.collect_schema().names(), expected=f"a column of {list(columns)}"
        )
    long = pl.concat(
        [
            lazy.select(pl.col(c).cast(pl.String).str.strip_chars().alias("cik"))
            .with_row_index("row", offset=1)
            .with_columns(column=pl.lit(c))
            for c in present
        ]
    ).filter(pl.col("cik").is_not_null() & (pl.col("cik") != ""))
    cells = long.collect()
    bad = cells.filter(
        ~pl.col("cik").str.contains(r"^\d{1,10}$") | pl.col("cik").str.contains(r"^0+$")
    )
    if bad.height:
        column, row, value = bad.select("column", "row", "cik").row(0)
        raise InvalidArgumentError(
            "frame", f"column {column!r}, row {row}: {value!r}", expected="CIKs of 1-10 digits"
        )
    # one count per WARN row: a row whose register_cik and cik agree counts once
    per_row = cells.with_columns(pl.col("cik").str.zfill(10)).unique(["row", "cik"])
    return per_row.group_by("cik").agg(rows=pl.len().cast(pl.Int64)).sort("cik")


def register_ciks(paths: Iterable[str | Path]) -> pl.DataFrame:
    """:func:`warn_public_ciks` of WARN register CSV files (their ``cik`` column).

    Raises
    ------
    InputFileError
        A file that is not a CSV with a ``cik`` column, or a cell that is not a CIK.
    """
    frames = []
    for path in paths:
        raw = read_csv_text(path, required=("cik",)).select("cik")
        try:
            frames.append(warn_public_ciks(raw, columns=("cik",)))
        except InvalidArgumentError as exc:
            raise InputFileError(path, "CIKs of 1-10 digits", value=exc.value) from None
    if not frames:
        raise InvalidArgumentError("paths", [], expected="at least one WARN register file")
    return pl.concat(frames).group_by("cik").agg(pl.col("rows").sum()).sort("cik")


def _companyfacts_check(cik: str) -> Check:
    def same_cik(doc: dict[str, Any]) -> str | None:
        try:
            found = int(doc["cik"])
        except (TypeError, ValueError):
            return f"a numeric top-level cik (found {doc['cik']!r})"
        if found != int(cik):
            return f"company facts of CIK {int(cik)} (found CIK {found})"
        if not isinstance(doc["facts"], dict):
            return "a 'facts' object"
        return None

    return json_check(keys=("cik", "facts"), where=same_cik)


def fetch_companyfacts(
    ciks: Iterable[str | int],
    *,
    fetcher: Fetcher,
    base_url: str,
    workers: int = 4,
) -> tuple[list[Download], list[DownloadError]]:
    """Download the company-facts JSON of each CIK (threads share the fetcher's rate limit).

    A CIK the SEC has no company facts for (404: it never filed XBRL financial data) comes
    back with ``status="not found"``. One failed CIK does not stop the others.

    Returns
    -------
    (downloads, failures)
        One :class:`~layofflab.fetch.http.Download` per CIK fetched or found unchanged or
        missing (in the order given), and one :class:`DownloadError` per CIK that failed.
    """
    check_scalar(workers, "workers", int, min_val=1)
    padded = list(dict.fromkeys(_cik(c, what="cik") for c in ciks))

    def one(cik: str) -> Download:
        return fetcher.fetch(
            companyfacts_url(cik, base_url),
            f"{COMPANYFACTS_DIR}/CIK{cik}.json",
            check=_companyfacts_check(cik),
            expect="json",
            missing_ok=True,
            bar=False,
        )

    done: dict[str, Download] = {}
    failures: list[DownloadError] = []
    with (
        ThreadPoolExecutor(max_workers=workers) as pool,
        tqdm(
            total=len(padded),
            unit="file",
            desc="sec",
            disable=not fetcher.progress or len(padded) < 2,
        ) as bar,
    ):
        futures = {pool.submit(one, cik): cik for cik in padded}
        try:
            for future in as_completed(futures):
                try:
                    done[futures[future]] = future.result()
                except DownloadError as exc:
                    failures.append(exc)
                bar.update(1)
        except BaseException:  # Ctrl-C: drop the queue; downloads under way finish or stay partial
            for future in futures:
                future.cancel()
            raise
    failures.sort(key=lambda e: e.url)
    return [done[c] for c in padded if c in done], failures


def fetch_bulk(*, fetcher: Fetcher, url: str) -> Download:
    """Download ``companyfacts.zip`` (every filer; checked member by member before it is kept)."""
    return fetcher.fetch(url, BULK_REL, check=zip_check(member=_MEMBER), expect="zip")


def extract_companyfacts(
    archive: str | Path, ciks: Iterable[str | int], *, fetcher: Fetcher, url: str
) -> list[Path]:
    """Copy the members of ``companyfacts.zip`` for ``ciks`` into ``sec/companyfacts/``.

    Each file is written atomically and recorded in the manifest with the archive's URL
    and ``#CIK##########.json``; CIKs the archive lacks are skipped.
    """
    out: list[Path] = []
    archive_entry = fetcher.manifest.get(BULK_REL)
    retrieved = archive_entry.retrieved if archive_entry else fetcher.settings.now()
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
        for cik in dict.fromkeys(_cik(c, what="cik") for c in ciks):
            member = f"CIK{cik}.json"
            if member not in names:
                continue
            rel = f"{COMPANYFACTS_DIR}/{member}"
            dest = fetcher.root / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(f".{member}.extract.tmp")
            try:
                with zf.open(member) as src, tmp.open("wb") as dst:
                    for block in iter(lambda: src.read(1 << 20), b""):
                        dst.write(block)
                _companyfacts_check(cik)(tmp)
                os.replace(tmp, dest)
            except InputFileError as exc:
                tmp.unlink(missing_ok=True)
                raise DownloadError(f"{url}#{member}", str(exc).replace(str(tmp), member)) from None
            fetcher.manifest.record(
                Entry.for_file(fetcher.root, rel, url=f"{url}#{member}", retrieved=retrieved)
            )
            out.append(dest)
    return out
