"""``layofflab fetch warn`` and ``layofflab fetch tracker`` against a local server; warn-scraper stand-ins."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from fetch_helpers import FIXTURES
from werkzeug import Response

from layofflab.errors import MissingDependencyError
from layofflab.fetch import warn as fwarn
from layofflab.fetch.manifest import read_manifest
from layofflab.fetch.tracker import tracker_name
from layofflab.pipeline.cli import main
from layofflab.sources import tracker as tracker_reader
from layofflab.sources import warn as warn_reader

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def warn_env(monkeypatch, server):
    monkeypatch.setenv("LAYOFFLAB_WARN_BASE_URL", server.url_for("/states"))
    for state in ("wa", "ny"):
        server.expect_request(f"/states/{state}.csv").respond_with_data(
            (FIXTURES / f"register_{state}.csv").read_bytes(), content_type="text/csv"
        )
    return server


def test_register_states_are_fetched_into_the_register_folder(warn_env, tmp_path, capsys):
    args = ["fetch", "warn", "--state", "WA", "--state", "ny", "--out", str(tmp_path)]
    assert main(args) == 0
    assert sorted(r.path for r, _ in warn_env.log) == ["/states/ny.csv", "/states/wa.csv"]
    assert read_manifest(tmp_path)["path"].to_list() == [
        "warn/register/ny.csv",
        "warn/register/wa.csv",
    ]
    assert "2 files — 2 downloaded" in capsys.readouterr().out
    cleaned = warn_reader.read(sorted((tmp_path / "warn" / "register").glob("*.csv")), today=TODAY)
    cleaned.check_conservation()
    assert cleaned.data.height == 6 and set(cleaned.data["state"]) == {"WA", "NY"}


def test_default_is_every_register_state(warn_env, tmp_path, capsys):
    assert main(["fetch", "warn", "--out", str(tmp_path), "--attempts", "1", "--rate", "500"]) == 1
    assert len(warn_env.log) == len(fwarn.register_states()) == 47
    captured = capsys.readouterr()
    assert "47 files — 2 downloaded, 0 unchanged, 45 failed" in captured.out
    assert captured.err.count("HTTP 500") == 45  # pytest-httpserver answers unknown paths with 500


def test_unknown_state_is_a_user_error(warn_env, tmp_path, capsys):
    assert main(["fetch", "warn", "--state", "XX", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'state': value 'XX' has no entry in fetch_sources.toml" in err


def test_a_register_file_without_its_columns_is_refused_and_the_old_kept(
    warn_env, tmp_path, capsys
):
    assert main(["fetch", "warn", "--state", "WA", "--out", str(tmp_path)]) == 0
    good = (tmp_path / "warn" / "register" / "wa.csv").read_bytes()
    warn_env.clear()
    warn_env.expect_request("/states/wa.csv").respond_with_data("state,employer\nWA,Acme\n")
    assert main(["fetch", "warn", "--state", "WA", "--out", str(tmp_path)]) == 1
    assert "expected a CSV with columns ['employer_name'" in capsys.readouterr().err
    assert (tmp_path / "warn" / "register" / "wa.csv").read_bytes() == good


def _fake_runner(rows: str):
    calls = []

    def runner(state: str, data_dir: Path, cache_dir: Path) -> Path:
        calls.append((state, data_dir.is_dir()))
        out = data_dir / f"{state.lower()}.csv"
        out.write_text(rows)
        return out

    return runner, calls


def test_scraped_state_is_checked_moved_and_recorded(make_fetcher):
    runner, calls = _fake_runner("Company,Notice Date,Employees\nAcme,2025-01-02,40\n")
    fetcher = make_fetcher()
    paths, failures = fwarn.scrape_states(
        ["wa"], fetcher=fetcher, runner=runner, url_of=lambda s: f"https://portal/{s}"
    )
    fetcher.close()
    assert failures == [] and calls == [("WA", True)]
    assert paths == [fetcher.root / "warn" / "scraper" / "wa.csv"]
    assert paths[0].read_text().startswith("Company,Notice Date")
    row = read_manifest(fetcher.root).row(0, named=True)
    assert (row["path"], row["url"], row["etag"]) == (
        "warn/scraper/wa.csv",
        "https://portal/WA",
        "",
    )
    assert [p.name for p in paths[0].parent.iterdir()] == ["wa.csv"]  # work folder removed


@pytest.mark.parametrize(
    ("runner", "problem"),
    [
        (_fake_runner("<html><body>Service Unavailable</body></html>")[0], "not an HTML page"),
        (_fake_runner("Company\n")[0], "at least 2 columns"),
    ],
)
def test_a_bad_scrape_keeps_the_previous_file(make_fetcher, runner, problem):
    fetcher = make_fetcher()
    good, _ = _fake_runner("Company,Employees\nAcme,40\n")
    fwarn.scrape_states(["WA"], fetcher=fetcher, runner=good, url_of=str)
    paths, failures = fwarn.scrape_states(["WA"], fetcher=fetcher, runner=runner, url_of=str)
    assert paths == [] and problem in str(failures[0])
    assert (
        fetcher.root / "warn" / "scraper" / "wa.csv"
    ).read_text() == "Company,Employees\nAcme,40\n"


def test_a_scraper_that_raises_is_a_failed_state(make_fetcher):
    def broken(state, data_dir, cache_dir):
        raise ConnectionError("portal down")

    paths, failures = fwarn.scrape_states(["WA"], fetcher=make_fetcher(), runner=broken, url_of=str)
    assert paths == [] and "warn-scraper WA: ConnectionError: portal down" in str(failures[0])


def test_missing_warn_scraper_is_one_line(monkeypatch, tmp_path, capsys, make_fetcher):
    monkeypatch.setitem(sys.modules, "warn", None)  # makes `import warn.runner` fail as if absent
    monkeypatch.setitem(sys.modules, "warn.runner", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'layofflab\[scrape\]'"):
        fwarn.scrape_states(["WA"], fetcher=make_fetcher())
    assert main(["fetch", "warn", "--scrape", "WA", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        "layofflab fetch: warn-scraper is not installed (needed to scrape WARN notices from "
        "state portals): pip install 'layofflab[scrape]'\n"
    )


def test_tracker_export_from_the_url_argument(server, tmp_path, capsys):
    server.expect_request("/exports/layoffs_2026.csv").respond_with_data(
        (FIXTURES / "tracker.csv").read_bytes(), content_type="text/csv"
    )
    url = server.url_for("/exports/layoffs_2026.csv")
    assert main(["fetch", "tracker", url, "--out", str(tmp_path)]) == 0
    path = tmp_path / "tracker" / "layoffs_2026.csv"
    assert path.read_bytes() == (FIXTURES / "tracker.csv").read_bytes()
    assert read_manifest(tmp_path)["url"].to_list() == [url]
    cleaned = tracker_reader.read(path, today=TODAY, resolve_entities=False)
    assert cleaned.data.height == 3


def test_tracker_url_from_the_environment_and_html_refused(server, tmp_path, monkeypatch, capsys):
    server.expect_request("/export").respond_with_response(
        Response("<html><body>Sign in</body></html>", content_type="text/html")
    )
    monkeypatch.setenv("LAYOFFLAB_TRACKER_URL", server.url_for("/export"))
    assert main(["fetch", "tracker", "--out", str(tmp_path)]) == 1
    assert "expected csv, got an HTML page" in capsys.readouterr().err
    assert not (tmp_path / "tracker" / "tracker.csv").exists()


def test_tracker_without_url_is_a_user_error(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("LAYOFFLAB_TRACKER_URL", raising=False)
    assert main(["fetch", "tracker", "--out", str(tmp_path)]) == 2
    assert "LAYOFFLAB_TRACKER_URL" in capsys.readouterr().err


def test_tracker_names():
    assert tracker_name("http://h/a/b.csv") == "b.csv"
    assert tracker_name("http://h/export?format=csv") == "tracker.csv"
    assert tracker_name("http://h/x.csv", "mine.csv") == "mine.csv"
    with pytest.raises(ValueError, match="plain file name"):
        tracker_name("http://h/x.csv", "../escape.csv")
