"""A WARN job-title list as a JSON notice (``notice.jobTitleImpacts``): read safely.

The notice JSON of Amazon's 2025 Washington notices, parsed from the PDFs (the ``notice_json``
layout of :mod:`.job_titles`). Malformed documents are an :class:`~layofflab.errors.InputFileError`
naming what is wrong, never a traceback; non-finite numbers stay text (:mod:`layofflab.io`).

Examples
--------
>>> from layofflab import config
>>> rows, meta = load_notice(config.FIXTURES / "warn" / "job_titles" / "notice_c.json",
...                          keys=["facilityId", "jobTitle", "affectedCount"])
>>> rows.height, meta
(3, {'notice_id': 'notice_c', 'state': 'WA', 'notice_date': '2025-12-13'})
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polars as pl

from layofflab.cleaning import parse_date
from layofflab.errors import InputFileError
from layofflab.io import read_json

__all__ = ["load_notice"]


def load_notice(path: Path, *, keys: Iterable[str]) -> tuple[pl.DataFrame, dict[str, str | None]]:
    """The impacts of a JSON notice and the notice's id, state and letter date.

    One row per impact, every value as text, only ``keys`` allowed.

    Raises
    ------
    InputFileError
        Unreadable JSON, no ``notice.jobTitleImpacts`` list of objects, an impact key not in
        ``keys``, a notice field that is not text, a letter date that does not read.
    """
    doc = read_json(path, expected="a JSON notice")
    notice = doc.get("notice") if isinstance(doc, dict) else None
    impacts = notice.get("jobTitleImpacts") if isinstance(notice, dict) else None
    source = (notice.get("source") or {}) if isinstance(notice, dict) else None
    if (
        not isinstance(notice, dict)
        or not isinstance(impacts, list)
        or not all(isinstance(i, dict) for i in impacts)
    ):
        raise InputFileError(path, "a JSON object with notice.jobTitleImpacts, a list of objects")
    keys = sorted({k for item in impacts for k in item})
    unknown = [k for k in keys if k not in keys]
    if unknown:
        raise InputFileError(path, f"impact keys among {sorted(keys)}", column=unknown[0])
    rows = pl.DataFrame(
        {k: [None if item.get(k) is None else str(item.get(k)) for item in impacts] for k in keys},
        schema={k: pl.String for k in keys},
    )
    dates = source if isinstance(source, dict) else {"letterDate": source}
    meta = {
        "notice_id": notice.get("noticeId"),
        "state": notice.get("jurisdiction"),
        "notice_date": dates.get("letterDate") or dates.get("receivedDate"),
    }
    for key, value in meta.items():  # the notice's own fields: text, or a date that reads
        if value is not None and not isinstance(value, str | int):
            raise InputFileError(path, "a text or a number", column=f"notice {key}", value=value)
    meta = {k: None if v is None else str(v) for k, v in meta.items()}
    if meta["notice_date"] and pl.select(parse_date(pl.lit(meta["notice_date"]))).item() is None:
        raise InputFileError(path, "a date", column="notice letterDate", value=meta["notice_date"])
    return rows, meta
