"""Per-field cleaning rules of a WARN layout, as the layout declares them.

Each field's raw text, then stages of polars expressions that parse it (dates, counts, markers,
layoff types).

:func:`field_stages` gives the stages of one field; the reader evaluates them once per distinct
raw value (:func:`layofflab.cleaning.per_value_many`). Columns the stages make whose names start
with ``_t`` are dropped; ``_f_<flag>`` booleans become the row's ``flags``; ``_p_<field>`` hold a
problem text; ``_amend_`` / ``_rescind_`` the markers.

Examples
--------
>>> import polars as pl
>>> from layofflab import cleaning
>>> from layofflab.sources.warn.layouts import layouts
>>> lay = layouts()["oh"]
>>> raw = pl.DataFrame({"Potential Number Affected": ["58 94 97 35", "1,200", "13 FT"]})
>>> cols, text = field_text(lay, "employees_affected", raw.columns)
>>> stages = field_stages(lay, "employees_affected", text, state="OH", today=None, has_cols=True)
>>> cleaning.evaluate_stages(raw, stages).select("employees_affected", "_f_sites_summed").rows()
[(284, True), (1200, False), (None, False)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl

from layofflab import config
from layofflab.cleaning import (
    count_is_approximate,
    count_problem,
    first_date_text,
    first_number_text,
    normalize_text,
    null_markers,
    parse_count,
    parse_date,
    parsed_date_problem,
    site_list_total,
)
from layofflab.errors import InputFileError
from layofflab.lookups import load_toml
from layofflab.sources.warn.keys import employer_key
from layofflab.sources.warn.layouts import DATES, JOIN, TABLE, Layout, rules

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

__all__ = ["count_by_date", "field_stages", "field_text", "layoff_type"]

_TRUE = r"(?i)^(1|true|yes|y)$"
_URL = r"^\s*https?://"


def field_text(lay: Layout, target: str, present: Sequence[str]) -> tuple[list[str], pl.Expr]:
    """The raw columns feeding ``target`` and one String expression combining them."""
    cols = [c for c, t in lay.columns.items() if t == target and c in present]
    if not cols:
        return [], pl.lit(None, dtype=pl.String)
    if target in lay.split_lines:  # kept raw: the field's stages split the lines first
        if len(cols) > 1:
            raise InputFileError(
                config.RESOURCES / TABLE,
                "split_lines only for a field fed by one column",
                column=f"layouts.{lay.name}.split_lines.{target}",
                value=",".join(cols),
            )
        text = pl.col(cols[0]).cast(pl.String)
    elif len(cols) == 1:
        text = null_markers(normalize_text(cols[0]))
    elif target in JOIN:
        joined = pl.concat_str(
            [null_markers(normalize_text(c)) for c in cols],
            separator=JOIN[target],
            ignore_nulls=True,
        )
        text = pl.when(joined != "").then(joined)
    else:
        text = pl.coalesce([null_markers(normalize_text(c)) for c in cols])
    for pattern, replacement in lay.date_rewrites if target in DATES else ():
        text = text.str.replace_all(pattern, replacement)
    return cols, text


def _markers(prefix: str) -> dict[str, pl.Expr]:
    """Amendment / rescission markers of a field's text; URLs are no text (MI's ``?rev=``)."""
    table = rules()
    text = pl.col(f"_t_{prefix}").str.replace_all(table["marker_ignore"], " ")
    return {
        f"_amend_{prefix}": text.str.contains(table["amendment"]).fill_null(False),
        f"_rescind_{prefix}": text.str.contains(table["rescission"]).fill_null(False),
    }


def field_stages(
    lay: Layout,
    target: str,
    text: pl.Expr,
    *,
    state: str | None,
    today: dt.date | None,
    has_cols: bool,
) -> list[dict[str, pl.Expr]]:
    """Stages of expressions cleaning one field; ``_t_<field>`` holds its combined raw text."""
    t = pl.col(f"_t_{target}")
    marks = _markers(target) if has_cols and target in set(rules()["marker_fields"]) else {}
    first: dict[str, pl.Expr] = {f"_t_{target}": text}
    if target in lay.url_cells:  # a link in a date or count cell is no value: missing, flagged
        is_url = text.str.contains(_URL).fill_null(False)
        first = {f"_t_{target}": pl.when(~is_url).then(text), f"_f_url_in_{target}": is_url}
    if target == "state":
        return [first, {"state": pl.lit(state) if state else t.str.to_uppercase()}]
    if target == "employer":
        if "employer" in lay.split_lines:
            lines = t.str.split("\n")
            rest = {"_rest": null_markers(normalize_text(lines.list.slice(1).list.join(" ")))}
            name = {"employer": null_markers(normalize_text(lines.list.first()))}
        else:
            rest, name = {}, {"employer": t}
        return [first, {**name, **rest, **marks}, {"employer_key": employer_key("employer")}]
    if target in DATES:
        return _date_stages(lay, target, first, marks, today=today)
    if target == "employees_affected":
        has_digit = t.str.contains(r"\d").fill_null(False)
        used = t
        if lay.first_count:  # never from a cell holding a date: that row is misaligned
            prose = parse_count(t).is_null() & has_digit & first_date_text(t).is_null()
            used = pl.when(prose).then(first_number_text(t)).otherwise(t)
        u, sites = pl.col("_tu_count"), pl.col("_t_sites")
        return [
            first,
            {"_tu_count": used, "_t_digit": has_digit, "_t_sites": site_list_total(t)},
            {
                "employees_affected": pl.coalesce(sites, pl.when("_t_digit").then(parse_count(u))),
                "employees_approximate": count_is_approximate(t)
                | (pl.col("_t_digit") & sites.is_null() & (u != t)).fill_null(False),
                "_p_count": pl.when(sites.is_null()).then(count_problem(u)),
                "_f_sites_summed": sites.is_not_null(),
                "_f_count_from_text": (pl.col("_t_digit") & sites.is_null() & (u != t)).fill_null(
                    False
                ),
            },
        ]
    if target == "layoff_type":
        return [first, {"layoff_type_raw": t, "layoff_type": layoff_type(t), **marks}]
    if target == "amendment_flag":
        return [first, {"_amend_flag": t.str.contains(_TRUE).fill_null(False)}]
    if target == "register_is_amended":
        return [first, {target: t.str.contains(_TRUE)}]
    return [first, {target: t, **marks}]


def _date_stages(
    lay: Layout,
    target: str,
    first: dict[str, pl.Expr],
    marks: dict[str, pl.Expr],
    *,
    today: dt.date | None,
) -> list[dict[str, pl.Expr]]:
    """Stages of one date field: the whole cell, else its first date, else a declared pattern.

    The first date is that of a range, a list or a remark ("4/7/20 to 5/31/20", "3/1/19
    (received on 3/22/19)"); the pattern is a ``date_patterns`` match. Excel's placeholder dates
    are missing (flagged); ``_p_`` holds the problem, if any.
    """
    t = pl.col(f"_t_{target}")
    fmts = lay.date_formats
    whole = pl.col(f"_tw_{target}")
    steps = [first, {f"_tw_{target}": parse_date(t, formats=fmts), **marks}]
    # the first date inside a longer text, when the whole is none
    steps.append({f"_tf_{target}": pl.when(whole.is_null()).then(first_date_text(t))})
    steps.append({f"_tp_{target}": parse_date(f"_tf_{target}", formats=fmts)})
    used = pl.coalesce(f"_tf_{target}", t)
    parsed = pl.coalesce(whole, f"_tp_{target}")
    for i, (pattern, fmt) in enumerate(lay.date_patterns):
        found = t.str.extract(pattern, 1)
        steps.append({f"_tx{i}_{target}": found.str.to_date(fmt, strict=False)})
        parsed = pl.coalesce(parsed, f"_tx{i}_{target}")
    placeholders = list(rules()["dates"]["placeholders"])
    steps.append({f"_tv_{target}": parsed, f"_td_{target}": used})
    value = pl.col(f"_tv_{target}")
    is_placeholder = value.is_in(pl.Series(placeholders, dtype=pl.Date).implode()).fill_null(False)
    steps.append(
        {
            f"_date_text_{target}": pl.col(f"_td_{target}"),
            target: pl.when(~is_placeholder).then(value),
            f"_f_placeholder_{target}": is_placeholder,
        }
    )
    problem = parsed_date_problem(
        f"_date_text_{target}", target, today=today, earliest=lay.earliest(target)
    ).str.replace("date", target)
    steps.append({f"_p_{target}": pl.when(~pl.col(f"_f_placeholder_{target}")).then(problem)})
    return steps


def layoff_type(text: pl.Expr) -> pl.Expr:
    """The layoff type of a raw type text: the first ``[[layoff_types]]`` pattern it matches.

    The patterns are in ``resources/warn_states.toml``, tried in order; a text none matches is
    ``"other"``, a null stays null.

    Examples
    --------
    >>> import polars as pl
    >>> raw = pl.DataFrame({"t": ["Permanent layoff", "Temporary closure", "Other", None]})
    >>> raw.select(layoff_type(pl.col("t"))).to_series().to_list()
    ['layoff', 'temporary_closure', 'other', None]
    """
    expr: Then | ChainedThen = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
    for entry in load_toml(TABLE)["layoff_types"]:
        expr = expr.when(text.str.contains(entry["pattern"])).then(pl.lit(entry["type"]))
    return expr.when(text.is_not_null()).then(pl.lit("other")).otherwise(None)


def count_by_date(raw: pl.DataFrame, lay: Layout) -> pl.DataFrame:
    """A layout's ``count_by_date``: from its date on, the count is read from a second column.

    The date is the primary date; the column is declared (CO's ``permanent_job_losses`` from
    2021). Only the copy that is parsed changes; the rejects keep the raw values.
    """
    spec = lay.count_by_date
    if not spec:
        return raw
    counts = [c for c, t in lay.columns.items() if t == "employees_affected" and c in raw.columns]
    dates = [c for c, t in lay.columns.items() if t == lay.primary_date and c in raw.columns]
    when = pl.coalesce(
        [parse_date(null_markers(normalize_text(c)), formats=lay.date_formats) for c in dates]
    )
    late = (when >= pl.lit(spec["from"])).fill_null(False)
    return raw.with_columns(
        pl.when(late).then(pl.col(spec["column"])).otherwise(pl.col(c)).alias(c) for c in counts
    )
