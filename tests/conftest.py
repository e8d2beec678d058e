"""Shared fixtures. Tests write only to ``tmp_path``; real data is read from ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from layofflab import config

# Property tests draw the same examples on every run (seeded from each test's name), so a
# CI run is reproducible; `HYPOTHESIS_PROFILE=explore` searches with fresh randomness.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (or ``$LAYOFFLAB_SHARED_DATA``); skips the test, with the reason, where absent."""
    if not (config.SHARED_DATA / "README.md").is_file():
        pytest.skip(f"realdata: {config.SHARED_DATA} is absent (set LAYOFFLAB_SHARED_DATA)")
    return config.SHARED_DATA


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """``tests/fixtures``: small hand-written files in the formats of the real sources."""
    return config.FIXTURES
