"""Clean a WARN file too large for memory, streaming it to Parquet in bounded memory.

:func:`sink` applies the same row rules as :func:`layofflab.sources.warn.read` (the layout's
column map, text, counts, dates, rejects with reasons and raw values) batch by batch
(``pl.scan_csv(...).collect_batches()``, each batch written to Parquet), then drops re-postings (the
``[[rules.reposting]]`` of ``warn_states.toml``) with streaming group-bys whose memory grows
with the number of distinct notices, not with the file. Two differences from ``read``, both
documented in the output: re-postings are matched on a 64-bit hash of their key fields (for
10 million distinct notices the chance of one false match is about 3e-6), and amendments are
flagged but not linked (``notice_id`` is each row's own; run
:func:`layofflab.sources.warn.dedup.link_amendments` on a loaded subset when needed).

Examples
--------
>>> import tempfile, pathlib
>>> from layofflab import config
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> counts = sink(config.FIXTURES / "warn" / "ny_dol_annual.csv", out, today=dt.date(2026, 11, 28))
>>> counts
{'rows_in': 11, 'clean': 8, 'rejected': 3}
>>> pl.read_parquet(out / "warn.rejects.parquet").sort("source_row")["reason"].to_list()
['duplicate of source_row 3', 'implausible notice_date (after 2027-11-28)', 'negative count']
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Any

import polars as pl

from layofflab.errors import InputFileError
from layofflab.io import sniff_encoding
from layofflab.sources.warn import reader as warn
from layofflab.sources.warn.keys import notice_key
from layofflab.sources.warn.layouts import rules as _all_rules
from layofflab.sources.warn.versions import _own_notice_id

__all__ = ["sink"]

_HEAD_BYTES = 1 << 16


def _header(path: Path) -> tuple[pl.DataFrame, list[str]]:
    """The first rows as text (for layout detection) and the tidy header names."""
    with path.open("rb") as fh:
        head = fh.read(_HEAD_BYTES)
    head = head[: head.rfind(b"\n") + 1] or head
    sample = pl.read_csv(head, infer_schema=False, has_header=True, with_column_names=_tidy)
    return sample, sample.columns


def _tidy(names: list[str]) -> list[str]:
    out: list[str] = []
    for raw in names:  # polars has already suffixed repeated names with _duplicated_<i>
        name = " ".join(re.sub(r"_duplicated_\d+$", "", raw).lstrip("\ufeff").split())
        base, n = name, 1
        while name in out:
            n += 1
            name = f"{base}_{n}"
        out.append(name)
    return out


def sink(
    path: str | Path,
    out_dir: str | Path,
    *,
    format: warn.Format = "auto",
    state: str | None = None,
    today: dt.date | None = None,
    batch_rows: int = 250_000,
) -> dict[str, int]:
    """Clean one large UTF-8 WARN CSV into ``out_dir/warn.parquet`` and ``warn.rejects.parquet``.

    The file is cleaned ``batch_rows`` rows at a time (memory grows with the batch, not the
    file). Returns the counts ``rows_in``, ``clean`` and ``rejected`` (in = clean + rejected).

    Raises
    ------
    InputFileError
        Not UTF-8 (use :func:`layofflab.sources.warn.read`), or headers of no declared layout.
    """
    path, out_dir = Path(path), Path(out_dir)
    if sniff_encoding(path) not in ("utf-8", "utf-8-sig"):
        raise InputFileError(path, "UTF-8 text for streaming (other encodings: warn.read)")
    sample, header = _header(path)
    lay, st = warn.detect_layout(path, sample, format=format, state=state)
    name = path.name

    rules = _all_rules()["reposting"]

    def clean_batch(batch: pl.DataFrame) -> pl.DataFrame:
        parsed = warn._parse(batch, lay, st, today)
        parsed = parsed.with_columns(
            date_key=pl.coalesce("notice_date", "received_date", "effective_date")
        )
        raw_json = pl.struct([pl.col(c).cast(pl.String) for c in header]).struct.json_encode()
        return parsed.with_columns(
            *(
                parsed.select(rule["same"]).hash_rows().alias(f"_k{i}")
                for i, rule in enumerate(rules)
            ),
            _raw=batch.select(raw_json)[:, 0],
            layout=pl.lit(lay.name),
            source_file=pl.lit(name),
        )

    lf = pl.scan_csv(path, infer_schema=False, with_column_names=_tidy, encoding="utf8")
    lf = lf.with_row_index("source_row", offset=1).with_columns(pl.col("source_row").cast(pl.Int64))
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        parts = Path(tmp) / "rows"
        parts.mkdir()
        for i, batch in enumerate(lf.collect_batches(chunk_size=batch_rows)):
            clean_batch(batch).write_parquet(parts / f"{i:06d}.parquet")
        rows = pl.scan_parquet(parts / "*.parquet")
        dups = _repostings(rows, rules, Path(tmp))
        clean = rows.filter(pl.col("_reason").is_null()).join(
            dups, on="source_row", how="anti", maintain_order="left"
        )
        clean = (
            clean.with_columns(notice_key=notice_key("employer"))
            .with_columns(
                notice_id=_own_notice_id(),
                amends_source_file=pl.lit(None, dtype=pl.String),
                amends_source_row=pl.lit(None, dtype=pl.Int64),
                counted=~pl.col("is_rescission"),
                company_id=pl.lit(None, dtype=pl.String),
                cik=pl.lit(None, dtype=pl.String),
                match_method=pl.lit("unmatched"),
                match_score=pl.lit(None, dtype=pl.Float64),
            )
            .select(warn.COLUMNS)
        )
        clean.sink_parquet(out_dir / "warn.parquet", engine="streaming")
        rejects = pl.concat(
            [
                rows.filter(pl.col("_reason").is_not_null()).select(
                    "source_file", "source_row", reason="_reason", raw="_raw"
                ),
                rows.join(dups, on="source_row", how="inner", maintain_order="left").select(
                    "source_file",
                    "source_row",
                    reason=pl.format("duplicate of source_row {}", "_ref"),
                    raw="_raw",
                ),
            ]
        )
        rejects.sink_parquet(out_dir / "warn.rejects.parquet", engine="streaming")
        n_in = rows.select(pl.len()).collect().item()
    n_clean = pl.scan_parquet(out_dir / "warn.parquet").select(pl.len()).collect().item()
    n_rej = pl.scan_parquet(out_dir / "warn.rejects.parquet").select(pl.len()).collect().item()
    return {"rows_in": n_in, "clean": n_clean, "rejected": n_rej}


def _repostings(rows: pl.LazyFrame, rules: list[dict[str, Any]], tmp: Path) -> pl.LazyFrame:
    """Streaming form of :func:`layofflab.sources.warn.dedup.reject_repostings`.

    The re-posted rows (``source_row``, ``_ref`` = the row kept), matched on the per-rule key
    hashes ``_k<i>``.

    Only narrow columns take part, so memory grows with the number of distinct notices.
    """
    keys = [f"_k{i}" for i in range(len(rules))]
    required = {
        f"_req_{c}": pl.col(c).is_not_null() for rule in rules for c in rule.get("requires", ())
    }
    live = rows.filter(pl.col("_reason").is_null()).select(
        "source_row",
        *keys,
        **required,
        _repost=(pl.col("notice_date") == pl.col("effective_date")).fill_null(False),
    )
    found = []
    for i, rule in enumerate(rules):
        k = f"_k{i}"
        if rule.get("only_if_notice_date_is_effective_date"):
            firsts = (
                live.filter(~pl.col("_repost")).group_by(k).agg(_ref=pl.col("source_row").min())
            )
            hit = live.filter("_repost").join(firsts, on=k, how="inner")
        else:
            firsts = live.group_by(k).agg(_ref=pl.col("source_row").min())
            hit = live.join(firsts, on=k, how="inner").filter(
                pl.col("_ref") != pl.col("source_row")
            )
        for column in rule.get("requires", ()):  # rows lacking the field never match on it
            hit = hit.filter(pl.col(f"_req_{column}"))
        step = tmp / f"dups{i}.parquet"
        hit.select("source_row", "_ref").sink_parquet(step, engine="streaming")
        found.append(pl.scan_parquet(step))
        live = live.join(found[-1], on="source_row", how="anti")
    return pl.concat(found)
