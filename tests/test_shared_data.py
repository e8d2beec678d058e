"""Every file of ../shared/data has a handler: a reader with a realdata test, or a documented check.

A new shared file with no entry here fails this test: read it properly (a reader and a test that
cross-checks it), don't loosen the test. Each entry names the test module that reads the file and
the text that module must contain (the file's name or folder), so a handler is real code.
"""

from __future__ import annotations

import fnmatch

import pytest

from layofflab import config

pytestmark = pytest.mark.realdata

#: shared-data path pattern → (test module, text the module must contain, what it does)
HANDLERS: dict[str, tuple[str, str, str]] = {
    "README.md": ("test_shared_data.py", "README.md", "index of the shared data (documentation)"),
    "*/PROVENANCE.md": ("test_shared_data.py", "PROVENANCE.md", "provenance (documentation)"),
    "*/*/PROVENANCE.md": ("test_shared_data.py", "PROVENANCE.md", "provenance (documentation)"),
    "layoffs/layoffs_*.csv": ("test_default_events_realdata.py", "layoffs_", "tracker reader"),
    "curated/ai_capex_announcements.csv": (
        "test_sources_announcements.py",
        "ai_capex_announcements.csv",
        "announcements reader",
    ),
    "curated/capex_from_pages.csv": (
        "test_sources_sec_realdata.py",
        "capex_from_pages",
        "press capex gap fills cross-checked",
    ),
    "curated/headcount_from_pages.csv": (
        "test_sources_headcount_realdata.py",
        "headcount_from_pages",
        "press headcounts cross-checked with the 10-K",
    ),
    "headcount_10k/headcount_10k.csv": (
        "test_sources_headcount_realdata.py",
        "headcount_10k",
        "10-K headcounts against their quoted sentence",
    ),
    "sec/*/*": ("test_sources_sec_realdata.py", "HANDLED", "SEC reader; per-file table there"),
    "sec/*/*/*": ("test_sources_sec_realdata.py", "example_googl", "SEC example files"),
    "warn/register/*.csv": ("test_sources_warn_realdata.py", "register", "WARN register reader"),
    "warn/state_raw/*.csv": (
        "test_warn_transformer_fixtures_realdata.py",
        "state_raw",
        "state layouts",
    ),
    "warn/ca_register_2026_07/ca.csv": (
        "test_warn_bigtech_realdata.py",
        "ca_register_2026_07",
        "California export layout",
    ),
    "warn/ny_dol_2025_excerpt/*.csv": (
        "test_sources_warn_realdata.py",
        "ny_dol_2025_excerpt",
        "NY DOL layout",
    ),
    "warn/amazon_wa_job_titles/*": (
        "test_sources_warn_realdata.py",
        "amazon_wa_job_titles",
        "job-title reader (impacts, notices, titles, facilities, summary)",
    ),
    "ai_events/epoch_ai_supercomputers/*.csv": (
        "test_ai_events_realdata.py",
        "ai_supercomputers",
        "Epoch AI clusters reader",
    ),
    "ai_events/non_us_data_center_registry/*.xlsx": (
        "test_ai_events_realdata.py",
        "non_us_data_center",
        "data-centre registry reader",
    ),
    "reference/reference_values.json": (
        "test_models_panel_ols.py",
        "reference_values.json",
        "published reference values",
    ),
    "reference/petersen/*": ("test_models_panel_ols.py", "petersen", "Petersen clustered SEs"),
    "reference/grunfeld/*": ("test_models_panel_ols.py", "grunfeld", "Grunfeld / Stata cluster"),
    "reference/ships/*": ("test_models_ppml.py", "ships", "Poisson / Stata cluster"),
    "reference/ppml_separation/*": ("test_models_ppml.py", "ppml_separation", "PPML separation"),
    "reference/wildboot/*": ("test_models_inference.py", "wildboot", "wild-bootstrap enumeration"),
    "reference/mpdta/*": ("test_models_did.py", "mpdta", "Callaway–Sant'Anna vs R did"),
}


def _handler(rel: str) -> tuple[str, str, str] | None:
    for pattern, handler in HANDLERS.items():
        if fnmatch.fnmatchcase(rel, pattern) and rel.count("/") == pattern.count("/"):
            return handler
    return None


def test_every_shared_file_has_a_handler(shared_data):
    files = sorted(
        p.relative_to(shared_data).as_posix() for p in shared_data.rglob("*") if p.is_file()
    )
    assert len(files) > 100
    missing = [f for f in files if _handler(f) is None]
    assert missing == [], f"shared files without a handler: {missing}"


def test_every_handler_is_real_test_code(shared_data):
    files = [p.relative_to(shared_data).as_posix() for p in shared_data.rglob("*") if p.is_file()]
    for pattern, (module, needle, _what) in HANDLERS.items():
        text = (config.TESTS / module).read_text()
        assert needle in text, f"{module} does not mention {needle!r} ({pattern})"
        assert any(_handler(f) == HANDLERS[pattern] for f in files), f"no shared file for {pattern}"


def test_documentation_files_exist_beside_every_data_folder(shared_data):
    assert (shared_data / "README.md").is_file()
    data_dirs = {p.parent for p in shared_data.rglob("*") if p.is_file() and p.name != "README.md"}
    top = {d.relative_to(shared_data).parts[0] for d in data_dirs}
    for name in top:
        provenance = list((shared_data / name).rglob("PROVENANCE.md"))
        assert provenance, f"{name}/ has no PROVENANCE.md"
