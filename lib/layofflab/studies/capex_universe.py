"""Which designs of the capex study each universe can estimate, and why not the others.

The study runs on two firm × quarter panels (``tables.load_panel("panel", universe=…)``):

* ``bigtech`` — the shipped dataset's firms: tracker layoffs, WARN notices, dated AI-capex
  announcements, SEC financials and annual headcount. Every outcome and treatment.
* ``warn-public`` — every public firm with a WARN notice, from ``data/external``: WARN
  notices and SEC financials only. Outcomes ``warn_workers`` and ``warn_any``; treatments
  ``capex_intensity``, ``dlog_capex`` and ``capex_spike``. Tracker outcomes
  (``workers_cut``, ``cut_share``, ``any_cut``) and announcement treatments exist only for
  big tech (nobody transcribed them for the universe), and there is no headcount, so the
  PPML of ``warn_workers`` runs without the log-headcount exposure (firm fixed effects
  absorb each firm's size; ``exposure`` in the results says which was used).

A cell the universe cannot estimate is skipped with :func:`unavailable`'s reason, never
estimated on nulls.

Examples
--------
>>> unavailable("warn-public", outcome="any_cut", treatment="capex_spike")
'any_cut: tracker layoffs exist only for the bigtech universe (warn-public has WARN notices and SEC financials)'
>>> unavailable("warn-public", outcome="warn_any", treatment="capex_spike") is None
True
>>> default_universe() in UNIVERSES
True
"""

from __future__ import annotations

from typing import Literal

from layofflab import config
from layofflab.studies.capex_design import OUTCOMES, TREATMENTS
from layofflab.tables.universe import UNIVERSES as TABLE_UNIVERSES

__all__ = [
    "SOURCES",
    "UNIVERSES",
    "Universe",
    "default_universe",
    "exposure_available",
    "unavailable",
]

#: The universes of the study: those of :func:`layofflab.tables.load_panel`, declared there.
UNIVERSES: tuple[str, ...] = TABLE_UNIVERSES
#: The sources each universe's panel carries.
SOURCES: dict[str, tuple[str, ...]] = {
    "bigtech": ("tracker", "warn", "announcements", "capex"),
    "warn-public": ("warn", "capex"),
}
_WHAT = {"tracker": "tracker layoffs", "announcements": "AI-capex announcements"}


Universe = Literal["bigtech", "warn-public"]


def default_universe() -> Universe:
    """``bigtech``, or ``warn-public`` when ``$LAYOFFLAB_DATA`` is ``external``.

    ``make report DATA=external`` sets the variable, so the study's runs use the fetched
    universe without a parameter; a value given to ``CapexOptions(universe=…)`` always wins.

    Examples
    --------
    >>> import os
    >>> default_universe() == ("warn-public" if os.environ.get("LAYOFFLAB_DATA") == "external" else "bigtech")
    True
    """
    return "warn-public" if config.data_choice() == "external" else "bigtech"


def unavailable(
    universe: str, *, outcome: str | None = None, treatment: str | None = None
) -> str | None:
    """Why ``universe`` cannot estimate this outcome or treatment, or None when it can.

    Examples
    --------
    >>> unavailable("bigtech", outcome="any_cut", treatment="guidance") is None
    True
    """
    have = SOURCES[universe]
    for name, source in (
        (outcome, OUTCOMES[outcome].source if outcome else None),
        (treatment, TREATMENTS[treatment].source if treatment else None),
    ):
        if source is not None and source not in have:
            return (
                f"{name}: {_WHAT.get(source, source)} exist only for the bigtech universe "
                f"({universe} has WARN notices and SEC financials)"
            )
    return None


def exposure_available(universe: str) -> bool:
    """Whether the universe has headcount for the PPML exposure (``bigtech`` only).

    Examples
    --------
    >>> exposure_available("bigtech"), exposure_available("warn-public")
    (True, False)
    """
    return universe == "bigtech"
