"""Which XBRL facts stand for which of our concepts: the concept table and tag priorities.

``resources/sec_concepts.csv`` maps each concept (capex, revenue, …) to XBRL tags in
priority order, with rows per company where a firm tags a concept its own way (Amazon's
capex is ``PaymentsToAcquireProductiveAssets``). Rows for a ticker **replace** the ``*``
rows of that concept for that company.

Examples
--------
>>> concept_table({"capex": []}).select("company_id", "xbrl_tag").rows()
[('*', 'PaymentsToAcquirePropertyPlantAndEquipment'),
 ('AMZN', 'PaymentsToAcquireProductiveAssets')]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from layofflab.errors import InvalidArgumentError, LookupMissError
from layofflab.lookups import load_table
from layofflab.sources.sec.calendar import company_of

__all__ = ["attach_concepts", "concept_table", "tags_for"]

SOURCE = "sec"


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
    table = load_table("sec_concepts.csv").with_columns(pl.col("priority").cast(pl.Int64))
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
                    "note": "requested",
                },
                schema_overrides={"priority": pl.Int64},
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
    """Tags of ``concept`` for ``company`` (its own rows if any, else the ``*`` rows)."""
    rows = table.filter(pl.col("concept") == concept)
    own = rows.filter(pl.col("company_id").eq_missing(company))
    use = own if own.height else rows.filter(pl.col("company_id") == "*")
    return use.sort("priority")["xbrl_tag"].to_list()


def attach_concepts(facts: pl.DataFrame, table: pl.DataFrame) -> pl.DataFrame:
    """Add company_id, concept, priority, want_unit, period_type (null: not requested)."""
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
    )
    return facts.join(ciks, on="cik", how="left").join(
        effective, on=["cik", "taxonomy", "xbrl_tag"], how="left", maintain_order="left"
    )
