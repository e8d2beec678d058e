"""The WARN notices of a set of firms in every state: what ``warn_bigtech.csv`` transcribes.

The register, the raw state files and the California export are read together; the result is
what ``data/raw/warn_bigtech.csv`` transcribes.

:func:`firm_notices` takes the cleaned rows of every WARN file (:func:`layofflab.sources.warn.read`
of them all at once, so that re-postings, amendments and the compilations' copies of a state's
own notices are already resolved), keeps the counted rows of the firms' own notices
(:func:`layofflab.sources.firm_match.match_firms`: names anchored at the start, dated subsidiaries, the
register's ticker where it has one; contractors only when asked), and drops a compilation's row
where a state's own file lists the same notice under another spelling of the employer (same
state, firm, date and count). Each row says which compilation it was read from (``via``) and
cites the state's portal (``source_url``).

Examples
--------
>>> from layofflab import config
>>> from layofflab.sources import warn
>>> c = warn.read(config.FIXTURES / "warn" / "ny_dol_annual.csv", today=dt.date(2026, 11, 28))
>>> firm_notices(c, firms=("AMZN",)).select("state", "employer", "company_id", "via").rows()
[]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl

from layofflab.io import read_csv_text
from layofflab.sources._base import Cleaned
from layofflab.sources.firm_match import BIG_TECH, match_firms

__all__ = ["COLUMNS", "VIA", "firm_notices", "portal_urls"]

#: Columns of the transcription, in order.
COLUMNS: tuple[str, ...] = (
    "state",
    "employer",
    "company_id",
    "relation",
    "notice_date",
    "effective_date",
    "location",
    "site_address",
    "employees_affected",
    "flags",
    "via",
    "source_url",
)
#: ``via`` by layout: the compilation a row was read from.
VIA: Mapping[str, str] = {"register": "register", "ca_register": "CA export"}
_STATE_FILE = "state file"


def portal_urls(paths: Sequence[str | Path]) -> dict[str, str]:
    """``{state: portal URL}`` from the ``source_url`` column of register-format files.

    The register and the CA export cite the state portal they read each notice from.
    """
    out: dict[str, str] = {}
    for path in paths:
        raw = read_csv_text(path)
        if not {"state", "source_url"} <= set(raw.columns):
            continue
        top = (
            raw.drop_nulls("source_url")
            .group_by("state", "source_url")
            .len()
            .sort(["state", "len", "source_url"], descending=[False, True, False])
            .unique("state", keep="first", maintain_order=True)
        )
        out |= dict(top.select("state", "source_url").iter_rows())
    return out


def firm_notices(
    cleaned: Cleaned,
    *,
    firms: Sequence[str] = BIG_TECH,
    since: dt.date = dt.date(2019, 1, 1),
    portals: Mapping[str, str] | None = None,
    include_contractors: bool = False,
) -> pl.DataFrame:
    """The counted rows (one per site of a notice) of ``firms``' WARN notices dated from ``since``.

    Parameters
    ----------
    cleaned : Cleaned
        Every WARN file read together by :func:`layofflab.sources.warn.read`.
    firms : sequence of str
        Tickers (default :data:`layofflab.sources.firm_match.BIG_TECH`).
    since : datetime.date
        First notice date kept (the effective date where a state gives no notice date).
    portals : mapping, optional
        ``{state: portal URL}`` (:func:`portal_urls`); null ``source_url`` where missing.
    include_contractors : bool
        Keep contractors' notices at a firm's sites too (``relation = "contractor"``).

    Returns
    -------
    polars.DataFrame
        :data:`COLUMNS` plus ``layout``, ``source_file`` and ``source_row``, sorted by firm,
        state, date.
    """
    day = pl.coalesce("notice_date", "effective_date")
    rows = cleaned.data.filter(pl.col("counted") & (day >= since)).with_columns(_day=day)
    matched = match_firms(
        rows,
        date="_day",
        ticker="register_ticker",
        firms=firms,
        include_contractors=include_contractors,
    ).filter(pl.col("firm_id").is_not_null())
    matched = matched.with_columns(
        via=pl.col("layout").replace_strict(VIA, default=_STATE_FILE),
        company_id=pl.col("firm_id"),
        relation=pl.col("firm_relation"),
    )
    own = matched.filter(pl.col("via") == _STATE_FILE)
    twins = pl.concat(
        [
            own.select("state", "company_id", _day=d, _n="employees_affected")
            for d in ("notice_date", "effective_date")
        ]
    ).drop_nulls()
    compiled = matched.filter(pl.col("via") != _STATE_FILE).with_columns(_n="employees_affected")
    copies = compiled.join(twins.unique(), on=["state", "company_id", "_day", "_n"], how="semi")
    kept = matched.join(
        copies.select("source_file", "source_row"), on=["source_file", "source_row"], how="anti"
    )
    urls = pl.DataFrame(
        {"state": list((portals or {}).keys()), "source_url": list((portals or {}).values())},
        schema={"state": pl.String, "source_url": pl.String},
    )
    kept = kept.join(urls, on="state", how="left", maintain_order="left")
    return kept.select(*COLUMNS, "layout", "source_file", "source_row").sort(
        "company_id",
        "state",
        "notice_date",
        "employer",
        "site_address",
        "source_file",
        "source_row",
        nulls_last=True,
    )
