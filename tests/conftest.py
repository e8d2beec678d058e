"""Shared fixtures. Tests write only to ``tmp_path``; real data is read from ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest

from layofflab import config


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
