"""Rebuild ``data/raw/warn_job_titles_amazon_wa_2025.csv`` from ``../shared/data``.

The shipped table holds facts of the public record: for each of Amazon's two 2025 WARN
notices filed with Washington's ESD, each job title *as printed in the notice* and the number
of positions with it (summed over the notice's facilities), and how many facilities list it.
It is rebuilt by :func:`write_notice_titles` (``python -m
layofflab.sources.warn.titles_transcription`` with ``LAYOFFLAB_SHARED_DATA`` set) from the
parse of the two notice PDFs in ``warn/amazon_wa_job_titles`` (facility × title × count),
and a ``realdata`` test checks the shipped file equals :func:`build_notice_titles`. The
parse's hand-normalised titles and facility codes are not shipped.

The notices also state remote employees without a title ("plus 116 affected remote employees
residing within the state of Washington"): :data:`REMOTE` records those counts, which the
which-jobs study shows in the reconciliation of the title-level total with the notice's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from layofflab import config
from layofflab.io import write_text_atomic
from layofflab.sources.warn import job_titles

__all__ = ["NOTICES", "REMOTE", "build_notice_titles", "write_notice_titles"]

#: The parse's notice keys → (notice id of the WARN table, notice date).
NOTICES = {
    "notice_2": ("WA:2025-10-28:amazon", dt.date(2025, 10, 28)),
    "notice_1": ("WA:2025-12-13:amazon", dt.date(2025, 12, 13)),
}
#: Remote employees each notice lists without a title (its remote-residence clause).
REMOTE = {"WA:2025-10-28:amazon": 116, "WA:2025-12-13:amazon": 6}
SOURCE_URL = "https://esd.wa.gov/about-employees/WARN"
_IMPACTS = "warn/amazon_wa_job_titles/impacts_by_facility.csv"
TARGET = "warn_job_titles_amazon_wa_2025.csv"


def build_notice_titles(shared: Path | None = None) -> pl.DataFrame:
    """The shipped table, derived from the shared parse (titles as printed, counts summed)."""
    shared = config.SHARED_DATA if shared is None else Path(shared)
    parsed = job_titles.read(shared / _IMPACTS).data
    ids = {k: v[0] for k, v in NOTICES.items()}
    dates = {k: v[1] for k, v in NOTICES.items()}
    out = (
        parsed.group_by("notice_id", "job_title_raw", maintain_order=True)
        .agg(
            employees=pl.col("employees_affected").sum(),
            facilities=pl.col("facility_id").n_unique(),
        )
        .with_columns(
            notice_date=pl.col("notice_id").replace_strict(dates, return_dtype=pl.Date),
            notice_id=pl.col("notice_id").replace_strict(ids),
        )
        .sort("notice_date", "employees", "job_title_raw", descending=[False, True, False])
    )
    return out.select(
        state=pl.lit("WA"),
        employer=pl.lit("Amazon"),
        notice_id="notice_id",
        notice_date="notice_date",
        job_title=pl.col("job_title_raw"),
        employees="employees",
        facilities="facilities",
        remote_without_title=pl.col("notice_id").replace_strict(REMOTE, return_dtype=pl.Int64),
        source_url=pl.lit(SOURCE_URL),
    )


def write_notice_titles(shared: Path | None = None, raw_dir: Path | None = None) -> Path:
    """Write the table into ``data/raw`` (then run ``make manifest`` and commit both)."""
    raw_dir = config.DATA_RAW if raw_dir is None else Path(raw_dir)
    table = build_notice_titles(shared)
    return write_text_atomic(table.write_csv(), raw_dir / TARGET)


if __name__ == "__main__":  # pragma: no cover
    print(write_notice_titles())
