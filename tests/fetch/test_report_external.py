"""Issue 12 acceptance: every notebook of the report built on the fetched data (``DATA=external``).

A local HTTP server (pytest-httpserver on 127.0.0.1) stands in for the WARN register's host,
data.sec.gov and a tracker's host. It serves our fixtures: the universe's register CSVs with
two Amazon notices added to Washington's file (the dates of the shipped WA job-title lists,
so the which-jobs study can tie titles to a fetched notice), the universe's company facts
plus our Amazon and Microsoft companyfacts fixtures (invented values) and a tracker export
in the 2026 format. ``layofflab fetch warn``, ``fetch sec --universe warn-public``, ``fetch
sec --universe bigtech`` and ``fetch tracker`` download into a temporary project; then the
report builder runs all five notebooks with ``LAYOFFLAB_DATA=external``, and each run's
record must say it read the fetched tables wherever one exists.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import polars as pl
import pytest
from fetch_helpers import build_report, fetch_into, make_project
from werkzeug import Request, Response

from layofflab import config, tables

pytestmark = pytest.mark.slow  # fetches, builds and runs five notebooks (~2-4 min)

FIXTURES = config.FIXTURES
FACTS = re.compile(r"/api/xbrl/companyfacts/CIK(\d{10})\.json")
STATE = re.compile(r"/register/([a-z]{2})\.csv")
#: companyfacts fixtures of two bigtech firms (invented values under their real CIKs)
BIGTECH_FACTS = {
    "0001018724": FIXTURES / "sec" / "calendar_companyfacts.json",
    "0000789019": FIXTURES / "sec" / "june_companyfacts.json",
}
#: Amazon's two WA notices: the state and dates of the shipped WA job-title lists
AMAZON_WA = (("2025-10-28", "Seattle", "2303"), ("2025-12-13", "Bellevue", "84"))
NOTEBOOKS = ("01_layoffs_overview", "02_ai_capex_and_layoffs", "03_warn_which_jobs")


def _register(state: str) -> bytes | None:
    path = FIXTURES / "universe" / "register" / f"{state}.csv"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    if state != "wa":
        return text.encode()
    header = next(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    for i, (date, place, workers) in enumerate(AMAZON_WA, start=1):
        row = dict.fromkeys(header, "")
        row.update(
            state="WA",
            employer_name="Amazon.com Services LLC",
            canonical_name="Amazon.com Services LLC",
            canonical_basis="filed",
            cik="1018724",
            ticker="AMZN",
            location=place,
            notice_date=date,
            employees_affected=workers,
            layoff_type="mass_layoff",
            is_amendment="0",
            is_amended="0",
            current_version="1",
            dedupe_key=f"wa-amzn-{i}",
            first_seen=date,
        )
        writer.writerow(row)
    return (text if text.endswith("\n") else text + "\n").encode() + out.getvalue().encode()


def _serve(server) -> None:
    def facts(request: Request) -> Response:
        cik = FACTS.fullmatch(request.path).group(1)
        path = BIGTECH_FACTS.get(cik, FIXTURES / "universe" / "companyfacts" / f"CIK{cik}.json")
        if not path.is_file():  # the SEC has no company facts for this filer
            return Response("Not Found", status=404)
        return Response(path.read_bytes(), content_type="application/json")

    def register(request: Request) -> Response:
        body = _register(STATE.fullmatch(request.path).group(1))
        if body is None:
            return Response("Not Found", status=404)
        return Response(body, content_type="text/csv")

    tracker = (FIXTURES / "tracker" / "layoffs_2026_format.csv").read_bytes()
    server.expect_request(FACTS).respond_with_handler(facts)
    server.expect_request(STATE).respond_with_handler(register)
    server.expect_request("/exports/layoffs.csv").respond_with_data(
        tracker, content_type="text/csv"
    )


@pytest.fixture
def fetched(server, tmp_path, monkeypatch):
    """A temporary project whose data/external was filled by `layofflab fetch` from the server."""
    _serve(server)
    proj = make_project(tmp_path / "proj")
    fetch_into(
        proj,
        server,
        monkeypatch,
        universes=("warn-public", "bigtech"),
        tracker="/exports/layoffs.csv",
    )
    with config.project(proj):
        yield proj


def test_tables_read_the_fetched_files_under_data_external(fetched, monkeypatch):
    shipped = {n: tables.load(n).data.height for n in ("warn", "layoffs", "capex")}
    monkeypatch.setenv(config.DATA_ENV, "external")
    out = fetched / "data" / "processed" / "external"
    for name in ("warn", "layoffs", "capex", "job_titles"):
        expected = out if name != "job_titles" else fetched / "data" / "processed"
        assert tables.source_dir(name) == expected
    warn, layoffs = tables.load("warn"), tables.load("layoffs")
    raw_rows = sum(len(_register(s).decode().splitlines()) - 1 for s in ("wa", "ny"))
    assert warn.data.height + warn.rejects.height == raw_rows  # every fetched row accounted for
    amazon = warn.data.filter(pl.col("company_id") == "AMZN")
    assert sorted(amazon["employees_affected"].to_list()) == [84, 2303]
    tracker_rows = len((FIXTURES / "tracker" / "layoffs_2026_format.csv").read_text().splitlines())
    assert layoffs.data.height + layoffs.rejects.height == tracker_rows - 1
    assert not layoffs.data["corrected"].any()  # the shipped corrections are not applied
    capex = tables.load("capex").data
    assert set(capex["company_id"].unique()) <= {"AMZN", "MSFT"} and capex.height > 0
    assert (capex["source_kind"] == "sec_xbrl").all()
    heights = {"warn": warn.data.height, "layoffs": layoffs.data.height, "capex": capex.height}
    assert heights != shipped  # read from the downloads, not the shipped tables
    stamp = json.loads((out / "layoffs.build.json").read_text())
    assert list(stamp["inputs"]) == ["tracker/layoffs.csv", "data/raw/company_aliases.csv"]
    assert tables.build_fetched("layoffs").status == "up to date"


def test_every_report_builds_on_the_fetched_data(fetched, monkeypatch):
    monkeypatch.setenv(config.DATA_ENV, "external")
    monkeypatch.setenv(config.PROJECT_ENV, str(fetched))  # the kernels find the same project
    text = (
        '[[run]]\nnotebook = "01_layoffs_overview"\n'
        '[[run]]\nnotebook = "02_ai_capex_and_layoffs"\n'
        "parameters = { bootstrap_reps = 99, ri_reps = 99, power_reps = 10 }\n"
        '[[run]]\nnotebook = "03_warn_which_jobs"\n'
        '[[run]]\nnotebook = "04_power"\nparameters = { reps = 10, wild_reps = 99 }\n'
        '[[run]]\nnotebook = "05_article_claims"\n'
    )
    result = build_report(text, jobs=2)
    assert [o.status for o in result.outcomes] == ["ok"] * 5, result.outcomes
    assert result.index == fetched / "reports" / "external" / "index.html"
    records = {}
    for path in (fetched / "reports" / "external" / "runs").glob("*.json"):
        rec = json.loads(path.read_text())
        records[Path(rec["notebook"]).stem] = rec
    assert sorted(records) == [*NOTEBOOKS, "04_power", "05_article_claims"]
    external = fetched / "data" / "processed" / "external"

    def origins(stem: str) -> dict[str, str]:
        out = {}
        for item in records[stem]["inputs"]:
            parents = {Path(f["path"]).parent for f in item["files"]}
            out[item["table"]] = "fetched" if parents == {external} else "shipped"
        return out

    assert origins("01_layoffs_overview") == {"layoffs": "fetched"}
    assert origins("02_ai_capex_and_layoffs") == {"panel": "fetched"}
    assert origins("03_warn_which_jobs") == {"warn": "fetched", "job_titles": "shipped"}
    assert origins("05_article_claims") == {
        "layoffs": "fetched",
        "warn": "fetched",
        "job_titles": "shipped",
        "capex": "fetched",
    }
    assert records["04_power"]["inputs"] == []  # a simulation reads no table
    index = result.index.read_text()
    assert "Data: the fetched data (data/external" in index
    assert (
        "fetched (data/external, built into data/processed/external): warn; "
        "shipped default (data/raw, processed in data/processed): job_titles" in index
    )
    page = fetched / "reports" / "external" / f"{records['03_warn_which_jobs']['name']}.html"
    assert "2,303" in page.read_text() or "2303" in page.read_text()
    claims = fetched / "reports" / "external" / f"{records['05_article_claims']['name']}.html"
    assert "not checkable from the shipped data" not in claims.read_text()  # the fetched tracker
    assert not (config.PACKAGE_DIR.parents[1] / "reports" / "external").exists()
