"""Which XBRL facts stand for which of our concepts: the concept table and tag priorities.

``resources/sec_concepts.csv`` maps each concept (capex, revenue, …) to XBRL tags in
priority order, with rows per company where a firm tags a concept its own way (Amazon's
capex is ``PaymentsToAcquireProductiveAssets``). Rows for a ticker **replace** the ``*``
rows of that concept for that company; ``first_end``/``last_end`` declare the period ends
for which a company used a tag (concept switches: NVIDIA and Apple moved between
``PaymentsToAcquirePropertyPlantAndEquipment`` and ``PaymentsToAcquireProductiveAssets``).

``resources/sec_forms.csv`` declares which SEC forms' facts are used (:func:`form_table`):
companyfacts mixes in values from 8-K, DEF 14A, prospectuses and amendments.

Examples
--------
>>> concept_table({"capex": []}).filter(pl.col("company_id") == "NVDA").select(
...     "priority", "xbrl_tag", "first_end", "last_end").rows()
[(1, 'PaymentsToAcquireProductiveAssets', '2019-10-27', None),
 (2, 'PaymentsToAcquirePropertyPlantAndEquipment', None, '2020-07-26')]
>>> form_table().filter(pl.col("form").is_in(["10-Q", "8-K", "DEF 14A"])).select(
...     "form", "form_role").rows()
[('10-Q', 'periodic'), ('8-K', 'recast'), ('DEF 14A', 'excluded')]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from layofflab import config
from layofflab.errors import InputFileError, InvalidArgumentError, LookupMissError
from layofflab.lookups import load_table
from layofflab.sources.sec.calendar import company_of

__all__ = ["FORM_ROLES", "attach_concepts", "concept_table", "form_table", "tags_for"]

SOURCE = "sec"
#: Roles of a form in ``sec_forms.csv``; the first three are used (a recast only where a
#: periodic report or amendment gives the same period).
FORM_ROLES: tuple[str, ...] = ("periodic", "amendment", "recast", "excluded")
_CONCEPT_COLUMNS = (
    "concept",
    "company_id",
    "priority",
    "taxonomy",
    "xbrl_tag",
    "unit",
    "period_type",
    "first_end",
    "last_end",
    "definition",
    "note",
)


def form_table() -> pl.DataFrame:
    """``resources/sec_forms.csv``: form → role (periodic, amendment, recast, excluded).

    Raises
    ------
    LookupMissError
        A role outside :data:`FORM_ROLES` (naming the form).

    Examples
    --------
    >>> form_table().head(2).rows()
    [('10-K', 'periodic'), ('10-Q', 'periodic')]
    """
    table = load_table("sec_forms.csv")
    for form, role in table.select("form", "role").iter_rows():
        if role not in FORM_ROLES:
            raise LookupMissError(SOURCE, "role", f"{role} (form {form})", table="sec_forms.csv")
    return table.select("form", form_role="role")


def concept_table(concepts: Mapping[str, Sequence[str]] | None = None) -> pl.DataFrame:
    """The concept → tag table in force: ``resources/sec_concepts.csv`` or ``concepts``.

    Parameters
    ----------
    concepts : mapping of str to sequence of str, optional
        Our concept name → XBRL tags in priority order (``"Tag"`` or ``"dei:Tag"``;
        default taxonomy ``us-gaap``; unit USD). An empty sequence means "the tags
        declared for that name in the table". Company-specific rows of the table
        (Amazon's capex tag) still apply to names given here.

    Examples
    --------
    >>> concept_table({"sales": ["Revenues"]}).select("concept", "priority", "xbrl_tag").rows()
    [('sales', 1, 'Revenues')]
    """
    table = load_table("sec_concepts.csv")
    if tuple(table.columns) != _CONCEPT_COLUMNS:
        raise InputFileError(
            config.RESOURCES / "sec_concepts.csv",
            f"columns {list(_CONCEPT_COLUMNS)}",
            found=str(list(table.columns)),
        )
    table = table.with_columns(pl.col("priority").cast(pl.Int64))
    if concepts is None:
        return table
    if isinstance(concepts, (str, bytes)) or not isinstance(concepts, Mapping):
        raise InvalidArgumentError("concepts", concepts, expected="a mapping name -> [xbrl tags]")
    rows = []
    for name, tags in concepts.items():
        if isinstance(tags, str):
            raise InvalidArgumentError(f"concepts[{name!r}]", tags, expected="a list of tags")
        declared = table.filter(pl.col("concept") == name)
        if not tags:
            if declared.is_empty():
                known = sorted(set(table["concept"]))
                raise LookupMissError(SOURCE, "concept", name, table=f"sec_concepts.csv {known}")
            rows.append(declared)
            continue
        ns_tags = [t.split(":", 1) if ":" in t else ("us-gaap", t) for t in tags]
        rows.append(
            pl.DataFrame(
                {
                    "concept": name,
                    "company_id": "*",
                    "priority": range(1, len(tags) + 1),
                    "taxonomy": [ns for ns, _ in ns_tags],
                    "xbrl_tag": [t for _, t in ns_tags],
                    "unit": "USD",
                    "period_type": None,
                    "first_end": None,
                    "last_end": None,
                    "definition": [f"as tagged: {t}" for _, t in ns_tags],
                    "note": "requested",
                },
                schema_overrides={
                    "priority": pl.Int64,
                    "period_type": pl.String,
                    "first_end": pl.String,
                    "last_end": pl.String,
                },
            )
        )
        rows.append(declared.filter(pl.col("company_id") != "*"))
    out = pl.concat(rows, how="vertical_relaxed")
    clash = out.group_by("company_id", "taxonomy", "xbrl_tag").agg(pl.col("concept").n_unique())
    clash = clash.filter(pl.col("concept") > 1)
    if clash.height:
        raise InvalidArgumentError(
            "concepts",
            dict(concepts),
            expected=f"each XBRL tag in one concept ({clash['xbrl_tag'][0]})",
        )
    return out


def tags_for(table: pl.DataFrame, concept: str, company: str | None) -> list[str]:
    """Tags of ``concept`` for ``company`` (its own rows if any, else the ``*`` rows).

    Examples
    --------
    >>> tags_for(concept_table(), "capex", None)[:1]
    ['PaymentsToAcquirePropertyPlantAndEquipment']
    """
    rows = table.filter(pl.col("concept") == concept)
    own = rows.filter(pl.col("company_id").eq_missing(company))
    use = own if own.height else rows.filter(pl.col("company_id") == "*")
    return use.sort("priority")["xbrl_tag"].to_list()


def attach_concepts(facts: pl.DataFrame, table: pl.DataFrame) -> pl.DataFrame:
    """Add the concept table's columns and each filing form's role to company facts.

    The columns are company_id, concept, priority, want_unit, period_type, first_end, last_end,
    definition (null: not requested) and form_role (null: a form not in ``sec_forms.csv``).
    """
    ciks = facts.select("cik").unique()
    ciks = ciks.with_columns(
        company_id=pl.col("cik").map_elements(company_of, return_dtype=pl.String)
    )
    specific = table.filter(pl.col("company_id") != "*")
    generic = table.filter(pl.col("company_id") == "*")
    pieces = []
    for cik, company in ciks.iter_rows():
        own = specific.filter(pl.col("company_id").eq_missing(company))
        rows = pl.concat(
            [own, generic.filter(~pl.col("concept").is_in(own["concept"].implode()))],
            how="vertical_relaxed",
        )
        dup = (
            rows.group_by("taxonomy", "xbrl_tag")
            .agg(pl.col("concept").n_unique())
            .filter(pl.col("concept") > 1)
            .sort("taxonomy", "xbrl_tag")
        )
        if dup.height:
            raise InvalidArgumentError(
                "concepts",
                dup["xbrl_tag"][0],
                expected=f"each XBRL tag in one concept for {company}",
            )
        pieces.append(rows.with_columns(cik=pl.lit(cik)))
    effective = pl.concat(pieces, how="vertical_relaxed").select(
        "cik",
        "taxonomy",
        "xbrl_tag",
        "concept",
        "priority",
        want_unit="unit",
        period_type="period_type",
        first_end=pl.col("first_end").str.to_date("%Y-%m-%d"),
        last_end=pl.col("last_end").str.to_date("%Y-%m-%d"),
        definition="definition",
    )
    return (
        facts.join(ciks, on="cik", how="left")
        .join(effective, on=["cik", "taxonomy", "xbrl_tag"], how="left", maintain_order="left")
        .join(form_table(), on="form", how="left", maintain_order="left")
    )
