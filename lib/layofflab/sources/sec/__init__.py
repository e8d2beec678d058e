"""SEC XBRL company facts: the reader (:mod:`.reader`) and the quarter derivation (:mod:`.derive`).

``sec.read(paths)`` turns companyfacts JSON (or the transcribed quarterly CSV) into a tidy
discrete-quarter series per company × concept.

Examples
--------
>>> from layofflab.sources import sec
>>> sec.DERIVATIONS[:2]
('reported quarter', 'YTD difference')
"""

from __future__ import annotations

from layofflab.sources._base import Cleaned
from layofflab.sources.sec.reader import (
    COLUMNS,
    DERIVATIONS,
    TRANSCRIBED_COLUMNS,
    concept_table,
    load_facts,
    read,
    transcribe,
)

__all__ = [
    "COLUMNS",
    "DERIVATIONS",
    "TRANSCRIBED_COLUMNS",
    "Cleaned",
    "concept_table",
    "load_facts",
    "read",
    "transcribe",
]
