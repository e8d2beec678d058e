"""The declared public sources of ``layofflab fetch`` (``resources/fetch_sources.toml``), checked.

Unknown keys are rejected, so a typo in the table is an error rather than a silently
ignored setting.

Examples
--------
>>> sources()["sec"]["base_url"]
'https://data.sec.gov'
>>> universe_tickers("bigtech")[:3]
('AMZN', 'MSFT', 'GOOGL')
>>> base_url("sec", None, environ={"LAYOFFLAB_SEC_BASE_URL": "http://127.0.0.1:8000/"})
'http://127.0.0.1:8000'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import Any

from layofflab import config
from layofflab.errors import InputFileError, InvalidArgumentError, LookupMissError
from layofflab.lookups import load_toml

__all__ = ["TABLE", "base_url", "sources", "universe_tickers", "universes"]

TABLE = "fetch_sources.toml"
_KEYS: dict[str, frozenset[str]] = {
    "sec": frozenset({"base_url", "env", "bulk_url", "bulk_path", "user_agent_env", "max_rate"}),
    "warn": frozenset({"base_url", "env", "states"}),
    "tracker": frozenset({"env"}),
}
_UNIVERSE_KEYS = frozenset({"description", "tickers"})
#: Universes computed from data rather than declared.
DERIVED_UNIVERSES: tuple[str, ...] = ("warn-public",)


def _reject_unknown(where: str, found: Mapping[str, Any], allowed: frozenset[str]) -> None:
    for key in found:
        if key not in allowed:
            raise InputFileError(
                config.RESOURCES / TABLE, f"one of {sorted(allowed)}", column=where, value=key
            )


@cache
def sources() -> dict[str, Any]:
    """The whole table, checked (cached)."""
    table = load_toml(TABLE)
    _reject_unknown("top level", table, frozenset({*_KEYS, "universes"}))
    for section, allowed in _KEYS.items():
        _reject_unknown(section, table.get(section, {}), allowed)
    for name, entry in table.get("universes", {}).items():
        _reject_unknown(f"universes.{name}", entry, _UNIVERSE_KEYS)
    return table


def universes() -> tuple[str, ...]:
    """Names accepted by ``--universe``: the declared ones, then the derived ``warn-public``."""
    return (*sorted(sources().get("universes", {})), *DERIVED_UNIVERSES)


def universe_tickers(name: str) -> tuple[str, ...]:
    """Tickers (``company_id``) of a declared universe; a miss names the table."""
    declared = sources().get("universes", {})
    if name not in declared:
        raise LookupMissError("fetch", "universe", name, table=f"{TABLE} {list(universes())}")
    if name == "bigtech":  # the firm table's firms, declared once in data/raw
        from layofflab.sources.firms import default_firms

        return default_firms()
    return tuple(declared[name]["tickers"])


def base_url(source: str, given: str | None, *, environ: Mapping[str, str] | None = None) -> str:
    """``given``, else the source's environment variable, else the declared default (no trailing ``/``)."""
    entry = sources()[source]
    env = os.environ if environ is None else environ
    url = given or env.get(entry["env"]) or entry.get("base_url")
    if not url:
        raise InvalidArgumentError(
            f"{source} URL", url, expected=f"a URL (argument, or the variable {entry['env']})"
        )
    if not url.startswith(("http://", "https://")):
        raise InvalidArgumentError(f"{source} URL", url, expected="an http:// or https:// URL")
    return url.rstrip("/")
