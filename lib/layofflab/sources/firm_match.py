"""Which WARN employers are a big-tech firm (resources/firm_patterns.toml).

Word-anchored name patterns with dated subsidiaries, and contractors at a firm's sites told
apart.

:func:`layofflab.sources.entities.resolve_companies` maps a name to a company through the alias table;
WARN employer names need more: site codes after the name ("Amazon (SJC14)", "Google
US-MTV-1900", "Intel Corporation - SC-11"), subsidiaries that belong to a firm only from their
acquisition on (Activision Blizzard: Microsoft's from 2023-10-13) or until a spin-off (VMware:
Dell's until 2021-11-01), namesakes ("Apple-Metro, Inc.", "HP Hood") and contractors naming the
firm ("ABM General Services, Inc. at FAT 1 Amazon"). :func:`match_firms` matches on patterns
anchored at the start of the name, so that a bare "cisco" never matches "San Francisco".

Examples
--------
>>> import datetime as dt, polars as pl
>>> df = pl.DataFrame({"employer": ["Amazon (SJC14)", "Intel Corporation - SC-11",
...     "Cisco Systems, Inc.", "City and County of San Francisco", "Astreya Partners, LLC at Meta Platforms Inc.",
...     "Apple-Metro, Inc.", "Blizzard Entertainment, Inc.", "Blizzard Entertainment, Inc."],
...     "date": [dt.date(2025, 10, 28)] * 6 + [dt.date(2019, 2, 12), dt.date(2024, 1, 25)]})
>>> match_firms(df, date="date").select("firm_id", "firm_relation").rows()
[('AMZN', 'own'), ('INTC', 'own'), ('CSCO', 'own'), (None, None), (None, 'contractor'),
 (None, None), (None, None), ('MSFT', 'subsidiary')]
>>> match_firms(df, date="date", include_contractors=True)["firm_id"][4]
'META'
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import polars as pl

from layofflab.errors import InvalidArgumentError, LookupMissError
from layofflab.lookups import load_toml
from layofflab.sources.entities import ALIASES_PATH, load_aliases
from layofflab.sources.firms import default_firms

__all__ = ["BIG_TECH", "FIRM_RELATIONS", "apply_declared_ids", "firm_rules", "match_firms"]

#: The 13 firms of the default panel, by ticker (declared once, in ``data/raw/firms.csv``).
BIG_TECH: tuple[str, ...] = default_firms()
#: Values of ``firm_relation``: the firm itself, a consolidated subsidiary, a contractor at it.
FIRM_RELATIONS: tuple[str, ...] = ("own", "subsidiary", "contractor")
_TABLE = "firm_patterns.toml"
#: Register tickers of a firm's other share classes.
_TICKER_ALIASES = {"GOOG": "GOOGL"}


@cache
def firm_rules() -> dict[str, Any]:
    """The firm patterns (``resources/firm_patterns.toml``).

    Examples
    --------
    >>> sorted(firm_rules())
    ['contractor', 'firms']
    """
    return load_toml(_TABLE)


def _name(expr: pl.Expr) -> pl.Expr:
    return (
        expr.cast(pl.String)
        .str.replace_all("&amp;", "&", literal=True)
        .str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def _in_window(day: pl.Expr, spec: dict[str, Any]) -> pl.Expr:
    ok = pl.lit(True)
    if "from" in spec:
        ok = ok & (day >= pl.lit(spec["from"]))
    if "until" in spec:
        ok = ok & (day <= pl.lit(spec["until"]))
    return ok.fill_null(False)


def match_firms(
    df: pl.DataFrame,
    *,
    column: str = "employer",
    date: str | None = None,
    ticker: str | None = None,
    firms: Sequence[str] = BIG_TECH,
    include_contractors: bool = False,
) -> pl.DataFrame:
    """Add ``firm_id`` (a ticker of ``firms``, or null) and ``firm_relation`` to ``df``.

    Parameters
    ----------
    df : polars.DataFrame
        Rows with an employer name.
    column : str
        The employer-name column.
    date : str, optional
        A Date column (the notice date) for the windows of dated subsidiaries; without it a
        dated subsidiary never matches.
    ticker : str, optional
        A column with a ticker already attached by a compilation (the register's): a row whose
        name matches no pattern but whose ticker is a firm's is that firm's own notice.
    firms : sequence of str
        Tickers to look for (default :data:`BIG_TECH`).
    include_contractors : bool
        False (default): a contractor's notice at a firm gets ``firm_relation = "contractor"``
        and a null ``firm_id``; True: its ``firm_id`` is the firm's.

    Returns
    -------
    polars.DataFrame
        ``df`` plus ``firm_id``, ``firm_relation`` (one of :data:`FIRM_RELATIONS` or null) and
        ``contractor_of`` (the firm a contractor works at).

    Raises
    ------
    InvalidArgumentError
        An unknown column or a firm without patterns.
    """
    for given in (column, date, ticker):
        if given is not None and given not in df.columns:
            raise InvalidArgumentError("column", given, expected=f"a column of df ({df.columns})")
    table = firm_rules()
    unknown = [f for f in firms if f not in table["firms"]]
    if unknown:
        raise InvalidArgumentError(
            "firms", unknown, expected=f"tickers among {sorted(table['firms'])}"
        )
    name = _name(pl.col(column))
    day = pl.col(date) if date else pl.lit(None, dtype=pl.Date)
    marker = pl.any_horizontal([name.str.contains(m) for m in table["contractor"]["markers"]])
    own_id, own_rel, client_id = [], [], []
    for firm in firms:
        spec = table["firms"][firm]
        excluded = name.str.contains(spec["exclude"]) if "exclude" in spec else pl.lit(False)
        own = name.str.contains(spec["own"]) & ~excluded
        subs = [
            name.str.contains(s["pattern"]) & _in_window(day, s)
            for s in spec.get("subsidiaries", [])
        ]
        sub = (pl.any_horizontal(subs) if subs else pl.lit(False)) & ~excluded
        own_id.append(pl.when(own | sub).then(pl.lit(firm)))
        own_rel.append(pl.when(own).then(pl.lit("own")).when(sub).then(pl.lit("subsidiary")))
        client_id.append(
            pl.when(name.str.contains(spec["client"]) & marker & ~excluded).then(pl.lit(firm))
        )
    firm_id = pl.coalesce(own_id)
    relation = pl.coalesce(own_rel)
    if ticker:
        reg = pl.col(ticker).replace(_TICKER_ALIASES)
        by_ticker = pl.when(reg.is_in(list(firms))).then(reg)
        relation = (
            pl.when(firm_id.is_null() & by_ticker.is_not_null())
            .then(pl.lit("own"))
            .otherwise(relation)
        )
        firm_id = pl.coalesce(firm_id, by_ticker)
    contractor = pl.when(firm_id.is_null()).then(pl.coalesce(client_id))
    out = df.with_columns(_fid=firm_id, _rel=relation, contractor_of=contractor)
    return out.with_columns(
        firm_id=pl.coalesce("_fid", "contractor_of") if include_contractors else pl.col("_fid"),
        firm_relation=pl.coalesce(
            "_rel", pl.when(pl.col("contractor_of").is_not_null()).then(pl.lit("contractor"))
        ),
    ).drop("_fid", "_rel")


def apply_declared_ids(df: pl.DataFrame, *, column: str, source: str) -> pl.DataFrame:
    """Where ``column`` states a company, it wins over name matching.

    A stated company is a transcribed fact ("this notice is AMZN's"): ``company_id`` is it,
    ``cik`` the alias table's, ``match_method`` ``"declared"``. ``column`` is dropped.

    Raises
    ------
    LookupMissError
        A declared company the alias table does not know (names ``source``, column and value).

    >>> from layofflab.sources.entities import attach_company_ids
    >>> df = attach_company_ids(pl.DataFrame({"employer": ["Google US-MTV-1900"]}), column="employer")
    >>> apply_declared_ids(df.with_columns(d=pl.lit("GOOGL")), column="d", source="facts").row(0)
    ('Google US-MTV-1900', 'GOOGL', '0001652044', 'declared', 100.0)
    """
    declared = pl.col(column)
    ciks = load_aliases().unique("company_id").select("company_id", _cik="cik")
    wanted = df.select(column).drop_nulls().unique()
    missing = wanted.join(ciks, left_on=column, right_on="company_id", how="anti")
    if missing.height:
        raise LookupMissError(source, column, missing[column][0], table=ALIASES_PATH)
    out = df.join(ciks, left_on=column, right_on="company_id", how="left", maintain_order="left")
    has = declared.is_not_null()
    return out.with_columns(
        company_id=pl.when(has).then(declared).otherwise("company_id"),
        cik=pl.when(has).then("_cik").otherwise("cik"),
        match_method=pl.when(has).then(pl.lit("declared")).otherwise("match_method"),
        match_score=pl.when(has).then(pl.lit(100.0)).otherwise("match_score"),
    ).drop(column, "_cik")
