"""SEC XBRL company facts: companyfacts JSON (or their transcription) → discrete quarters.

``sec.read(paths)`` turns companyfacts JSON (or the transcribed quarterly CSV) into a tidy
discrete-quarter series per company × concept; ``sec.gaps(paths)`` lists the quarters it
cannot give, with the reason. The modules, one job each:

* :mod:`.reader` — flatten the JSON (:func:`load_facts`), :func:`read`, :func:`gaps`;
* :mod:`.calendar` — company ids, fiscal-year ends, fiscal and calendar quarters;
* :mod:`.concepts` — the concept → tag table, tag priorities and periods, accepted forms;
* :mod:`.selection` — which facts are usable and which one stands for a period;
* :mod:`.derive` — year-to-date differencing into discrete quarters;
* :mod:`.coverage` — the quarters that cannot be derived;
* :mod:`.transcribed` — the transcribed table in ``data/raw`` (write and read);
* :mod:`.transcription` — rebuilding that table from ``../shared/data``.

Examples
--------
>>> from layofflab.sources import sec
>>> sec.DERIVATIONS[:2]
('reported quarter', 'YTD difference')
"""

from __future__ import annotations

from layofflab.schemas import CAPEX_DEFINITIONS, SOURCE_KINDS
from layofflab.sources._base import Cleaned
from layofflab.sources.sec.reader import (
    COLUMNS,
    DERIVATIONS,
    TRANSCRIBED_COLUMNS,
    concept_table,
    gaps,
    load_facts,
    read,
    transcribe,
)
from layofflab.sources.sec.transcribed import TRANSCRIBED_OPTIONAL

__all__ = [
    "CAPEX_DEFINITIONS",
    "COLUMNS",
    "DERIVATIONS",
    "SOURCE_KINDS",
    "TRANSCRIBED_COLUMNS",
    "TRANSCRIBED_OPTIONAL",
    "Cleaned",
    "concept_table",
    "gaps",
    "load_facts",
    "read",
    "transcribe",
]
