"""What the two AI-event readers share.

They share their declared formats, header mapping, name lists and the firm table:

* :func:`load_format` reads ``resources/<name>.toml`` and rejects keys it does not know;
* :func:`map_headers` renames raw headers to fields, or raises :class:`InputFileError`
  naming the file and what was expected (missing required headers, undeclared headers);
* :func:`split_names` turns a list cell (``"AWS, Google; Red Hat, Inc."``) into names;
* :func:`firm_ids` maps names through ``resources/ai_event_firms.csv`` to company ids of the
  study's firms (matched whole after :func:`~layofflab.sources.entities.normalize_name`);
  an unlisted name stays unmatched.

Examples
--------
>>> import polars as pl
>>> df = pl.DataFrame({"owner": ["Microsoft,OpenAI", "Google DeepMind", "Red Hat, Inc.", None]})
>>> names = split_names("owner", separators=[","], suffixes=["Inc."])
>>> df.select(names.alias("names"))["names"].to_list()
[['Microsoft', 'OpenAI'], ['Google DeepMind'], ['Red Hat Inc.'], []]
>>> df.select(firm_ids(names).alias("ids"))["ids"].to_list()
[['MSFT'], ['GOOGL'], ['IBM'], []]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from layofflab.errors import InputFileError, InvalidArgumentError, LookupMissError
from layofflab.lookups import load_table, load_toml
from layofflab.sources.entities import load_aliases, normalize_name_expr

__all__ = ["FIRMS_TABLE", "firm_ids", "firm_table", "load_format", "map_headers", "split_names"]

#: The firm-name table in ``resources/``.
FIRMS_TABLE = "ai_event_firms.csv"
_SEP = "\x1f"  # unit separator: never in a name


def load_format(name: str, *, known: Mapping[str, Any]) -> dict[str, Any]:
    """``resources/<name>.toml``, checked against ``known``.

    ``known`` maps a key to ``dict`` for a table, ``list``/``str`` for a value; an unknown or
    mistyped key raises :class:`InvalidArgumentError`.
    """
    spec = load_toml(f"{name}.toml")

    def check(table: Mapping[str, Any], shape: Mapping[str, Any], where: str) -> None:
        for key, value in table.items():
            if key not in shape:
                raise InvalidArgumentError(
                    f"{name}.toml key", f"{where}{key}", expected=f"one of {sorted(shape)}"
                )
            want = shape[key]
            if isinstance(want, Mapping):
                if not isinstance(value, Mapping):
                    raise InvalidArgumentError(
                        f"{name}.toml key", f"{where}{key}", expected="a table"
                    )
                if want:
                    check(value, want, f"{where}{key}.")
            elif not isinstance(value, want):
                raise InvalidArgumentError(
                    f"{name}.toml key", f"{where}{key}", expected=f"a {want.__name__}"
                )

    check(spec, known, "")
    return spec


def _key(header: str) -> str:
    return re.sub(r"\s+", " ", header).strip().casefold()


def map_headers(path: Path, headers: Sequence[str], spec: Mapping[str, Any]) -> dict[str, str]:
    """``{raw header: field}`` for the headers of ``path`` declared in ``spec``.

    Raises
    ------
    InputFileError
        A required header is missing, two headers map to one field, or a header is neither
        mapped nor ignored (the message names them and the expected headers).
    """
    declared = {**spec.get("optional", {}), **spec["required"]}
    by_key = {_key(h): field for h, field in declared.items()}
    ignored = {_key(h) for h in spec.get("ignored", {}).get("headers", [])}
    renames: dict[str, str] = {}
    unknown: list[str] = []
    for header in headers:
        field = by_key.get(_key(header))
        if field is None:
            if _key(header) not in ignored:
                unknown.append(header)
            continue
        if field in renames.values():
            raise InputFileError(path, f"one column for {field!r}", column=header, found="two")
        renames[header] = field
    missing = [h for h, f in spec["required"].items() if f not in renames.values()]
    if missing:
        raise InputFileError(
            path,
            f"the headers {list(spec['required'])} ({spec['description']})",
            found=f"no {missing}",
        )
    if unknown:
        raise InputFileError(
            path,
            "only headers declared in the source's format file (mapped or ignored)",
            found=f"undeclared {unknown}",
        )
    return renames


def split_names(
    column: str | pl.Expr,
    *,
    separators: Iterable[str],
    suffixes: Iterable[str] = (),
    prefixes: Iterable[str] = (),
) -> pl.Expr:
    """A list cell as ``List(String)`` of trimmed names (empty list for a blank cell).

    A suffix after a separator joins the name before it (``"Red Hat, Inc."`` → ``"Red Hat
    Inc."``); a prefix is dropped from a name's start (``"and ServiceNow"`` → ``"ServiceNow"``).
    """
    text = pl.col(column) if isinstance(column, str) else column
    seps = "|".join(re.escape(s) for s in separators)
    text = text.cast(pl.String)
    if suffixes:
        alts = "|".join(re.escape(s) for s in suffixes)
        text = text.str.replace_all(rf"(?:{seps})\s*({alts})(\s*(?:{seps}|$))", r" ${1}${2}")
    parts = text.str.replace_all(rf"\s*(?:{seps})\s*", _SEP).str.split(_SEP)
    element = pl.element().str.replace_all(r"\s+", " ").str.strip_chars()
    for prefix in prefixes:
        element = element.str.strip_prefix(prefix)
    cleaned = parts.list.eval(element.filter(element.str.len_chars() > 0))
    return cleaned.fill_null(pl.lit([], dtype=pl.List(pl.String)))


@cache
def firm_table() -> pl.DataFrame:
    """The firm-name table: name, company_id, note, and the normalized ``key`` matched.

    Raises
    ------
    LookupMissError
        A company_id unknown to the alias table (``data/raw/company_aliases.csv``).
    InputFileError
        A blank name or company_id, or two names with one normalized form and two firms.
    """
    path = Path(FIRMS_TABLE)
    table = load_table(path).with_columns(
        pl.col("name").str.strip_chars(), pl.col("company_id").str.strip_chars()
    )
    for column in ("name", "company_id"):
        blank = table.with_row_index("row", 1).filter(pl.col(column).fill_null("") == "")
        if blank.height:
            raise InputFileError(path, f"a {column}", row=blank["row"][0], column=column)
    known = set(load_aliases()["company_id"].to_list())
    for company_id in table["company_id"].unique(maintain_order=True):
        if company_id not in known:
            raise LookupMissError(
                FIRMS_TABLE, "company_id", company_id, table="company_aliases.csv"
            )
    table = table.with_columns(key=normalize_name_expr("name"))
    clash = (
        table.group_by("key").agg(pl.col("company_id").n_unique()).filter(pl.col("company_id") > 1)
    )
    if clash.height:
        raise InputFileError(path, "one firm per normalized name", value=clash["key"][0])
    return table


def firm_ids(names: pl.Expr) -> pl.Expr:
    """Company ids of the names in ``names`` that the firm table lists.

    The ids are a ``List(String)``, each once, in the order listed; the other names are left out.
    """
    table = firm_table().unique("key", keep="first", maintain_order=True)
    mapping = dict(zip(table["key"].to_list(), table["company_id"].to_list(), strict=True))
    ids = names.list.eval(
        normalize_name_expr(pl.element()).replace_strict(
            mapping, default=None, return_dtype=pl.String
        )
    )
    return ids.list.drop_nulls().list.unique(maintain_order=True)
