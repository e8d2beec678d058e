"""Issue 12 acceptance: fetch the warn-public universe from a local server, build its panel, run the study.

A local HTTP server (pytest-httpserver on 127.0.0.1) stands in for the WARN register's host
and data.sec.gov, serving the fixtures of ``tests/fixtures/universe/`` (invented firms in
the real formats: register CSVs with cik/ticker; companyfacts JSON with year-to-date
facts, comparatives, a restatement, an 8-K fact, other units; see its make_fixtures.py).
``layofflab --project TMP fetch warn`` and ``fetch sec --universe warn-public`` download
into a temporary project, whose universe panel is then built and checked value by value.
Nothing touches the repository's data or the internet.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re

import polars as pl
import pytest
from fetch_helpers import build_report, fetch_into, make_project
from polars.testing import assert_frame_equal
from werkzeug import Request, Response

from layofflab import CapexOptions, config, run_capex, tables
from layofflab.errors import InvalidArgumentError
from layofflab.tables.universe import build_universe, read_universe_firms

pytestmark = pytest.mark.slow  # each test fetches into a fresh project and builds (~15 s)

FIXTURES = config.FIXTURES / "universe"
FACTS = re.compile(r"/api/xbrl/companyfacts/CIK(\d{10})\.json")
STATE = re.compile(r"/register/([a-z]{2})\.csv")
ALDER, BIRCH, CEDAR, DOGWOOD = "0009100001", "0009100002", "0009100003", "0009100004"


def _generator():
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _serve(server) -> None:
    def facts(request: Request) -> Response:
        path = FIXTURES / "companyfacts" / f"CIK{FACTS.fullmatch(request.path).group(1)}.json"
        if not path.is_file():  # the SEC has no company facts for this filer
            return Response("Not Found", status=404)
        return Response(path.read_bytes(), content_type="application/json")

    def register(request: Request) -> Response:
        path = FIXTURES / "register" / f"{STATE.fullmatch(request.path).group(1)}.csv"
        if not path.is_file():
            return Response("Not Found", status=404)
        return Response(path.read_bytes(), content_type="text/csv")

    server.expect_request(FACTS).respond_with_handler(facts)
    server.expect_request(STATE).respond_with_handler(register)


@pytest.fixture
def fetched(server, tmp_path, monkeypatch):
    """A temporary project whose data/external was filled by `layofflab fetch` from the server."""
    _serve(server)
    proj = make_project(tmp_path / "proj")
    fetch_into(proj, server, monkeypatch)
    with config.project(proj):
        yield proj


def test_fetch_fills_data_external_of_the_project(fetched, server):
    external = fetched / "data" / "external"
    assert sorted(p.name for p in (external / "warn" / "register").iterdir()) == [
        "ny.csv",
        "wa.csv",
    ]
    got = sorted(p.name for p in (external / "sec" / "companyfacts").iterdir())
    assert got == sorted(p.name for p in (FIXTURES / "companyfacts").iterdir())
    asked = sorted(
        FACTS.fullmatch(r.path).group(1) for r, _ in server.log if FACTS.fullmatch(r.path)
    )
    assert DOGWOOD in asked and len(asked) == 10  # every CIK of the register; Dogwood is a 404
    manifest = (external / "MANIFEST").read_text().splitlines()
    assert len(manifest) == 1 + 2 + 9 and all(len(line.split("\t")) == 7 for line in manifest)
    assert not (
        config.PROJECT_ROOT / "data" / "processed" / "external"
    ).exists()  # nothing built yet


def test_universe_panel_known_answers(fetched):
    panel = tables.load_panel("panel", universe="warn-public")
    d = panel.data
    # every CIK with a WARN row, 2019Q1 .. the quarter of the last notice (2024-10-15)
    assert d["company_id"].n_unique() == 10 and d.height == 10 * 24
    assert d["period"].min() == dt.date(2019, 1, 1) and d["period"].max() == dt.date(2024, 10, 1)
    assert (fetched / "data" / "processed" / "external" / "panel.build.json").is_file()

    def row(cik: str, year: int, quarter: int) -> dict:
        hit = d.filter(
            (pl.col("company_id") == cik)
            & (pl.col("year") == year)
            & (pl.col("quarter") == quarter)
        )
        assert hit.height == 1
        return hit.row(0, named=True)

    a1 = row(ALDER, 2024, 1)  # WA 120 + NY 80: two notices, two states
    assert (a1["warn_workers"], a1["warn_notices"], a1["warn_sites"]) == (200, 2, 2)
    assert (a1["capex_usd"], a1["total_assets_usd"], a1["revenue_usd"]) == (100.0, 10200.0, 1000.0)
    assert a1["capex_intensity"] == pytest.approx(
        100 / 10000
    )  # ÷ assets at the previous quarter end
    a2 = row(ALDER, 2024, 2)  # year to date 250 − 100; the 8-K's 250 is no quarter
    assert (a2["capex_usd"], a2["warn_workers"], a2["revenue_usd"]) == (150.0, 45, 1100.0)
    a3 = row(ALDER, 2024, 3)
    assert a3["capex_usd"] == 200.0 and a3["total_assets_usd"] == 10600.0
    assert a3["capex_intensity"] == pytest.approx(200 / 10450)  # the restated June balance
    assert row(ALDER, 2023, 4)["capex_usd"] is None  # only the annual 2023 figure: no quarter
    assert row(ALDER, 2023, 4)["warn_workers"] == 0  # covered and silent
    # June fiscal year: FY2024 Q1-Q4 are calendar 2023Q3-2024Q2; ASC 606 revenue, FY minus 9M
    birch = [row(BIRCH, y, q)["capex_usd"] for y, q in ((2023, 3), (2023, 4), (2024, 1), (2024, 2))]
    assert birch == [40.0, 50.0, 60.0, 70.0]
    assert row(BIRCH, 2024, 2)["revenue_usd"] == 2080.0 - 500 - 520 - 510
    assert row(BIRCH, 2024, 1)["warn_workers"] == 60  # the register's zero-padded CIK
    b3 = row(BIRCH, 2024, 3)  # one notice of unknown size: unknown, not zero
    assert (b3["warn_workers"], b3["warn_notices"], b3["warn_sites_unknown_count"]) == (None, 1, 1)
    c = row(CEDAR, 2023, 4)  # the amendment counts once
    assert (c["warn_workers"], c["warn_notices"], c["capex_usd"]) == (55, 1, None)
    assert row(DOGWOOD, 2024, 3)["warn_workers"] == 25
    gen = _generator()
    for k in gen.PANEL_FIRMS:
        firm = d.filter(pl.col("company_id") == f"{9100010 + k:010d}").sort("period")
        assert firm["capex_usd"].to_list() == [float(gen.panel_capex(k, t)) for t in range(24)]
        workers = dict(gen.panel_notices(k))
        # 2024Q4 is not covered: the register's window ends with its last notice, 2024-10-15
        expected = [workers.get(t, 0) for t in range(23)] + [None]
        assert firm["warn_workers"].to_list() == expected
    # not collected for the universe: null, never zero
    for col in ("laid_off", "announcements", "headcount"):
        assert d[col].null_count() == d.height
    assert not d["tracker_covered"].any() and not d["announcements_covered"].any()
    last = pl.col("period") == dt.date(2024, 10, 1)
    assert d.filter(~last)["warn_covered"].all() and not d.filter(last)["warn_covered"].any()
    assert d.filter(last)["warn_workers"].null_count() == 10  # not covered: null, not zero


def test_every_input_row_and_firm_is_accounted_for(fetched):
    panel = tables.load_panel("panel", universe="warn-public")
    funnel = {(i, o): n for i, o, n in panel.funnel.iter_rows()}
    warn = pl.read_parquet(fetched / "data" / "processed" / "external" / "warn.parquet")
    rejects = pl.read_parquet(fetched / "data" / "processed" / "external" / "warn.rejects.parquet")
    raw_rows = sum(
        len(p.read_text().splitlines()) - 1 for p in (FIXTURES / "register").glob("*.csv")
    )
    assert warn.height + rejects.height == raw_rows
    assert sum(n for (i, _), n in funnel.items() if i == "warn") == warn.height
    assert funnel[("warn", "no CIK (not a public filer)")] == 1  # the private bakery
    assert funnel[("warn", "outside the window")] == 1  # Birch's 2015 notice
    assert funnel[("warn", "amendment already counted")] == 1
    firms = read_universe_firms()
    status = dict(firms.select("company_id", "facts_status").iter_rows())
    assert status[CEDAR] == "facts without capex or assets"
    assert status[DOGWOOD] == "no company-facts file"
    assert sum(v == "facts derived" for v in status.values()) == 8
    assert firms.filter(pl.col("company_id") == ALDER)["ticker"].item() == "ALDR"


def test_rebuilt_only_when_an_input_changes_and_identical_each_time(fetched, tmp_path):
    out = fetched / "data" / "processed" / "external"
    first = tables.load_panel("panel", universe="warn-public").data
    assert build_universe().status == "up to date"
    again = build_universe(external_dir=config.DATA_EXTERNAL, out_dir=tmp_path / "again", workers=2)
    assert again.status == "built"
    assert_frame_equal(pl.read_parquet(tmp_path / "again" / "panel.parquet"), first)
    # a refused file is listed with its reason, not a crash and not a silent drop
    bad = config.DATA_EXTERNAL / "sec" / "companyfacts" / "CIK0009100004.json"
    bad.write_text('{"cik": 9100004, "facts": {}}')
    assert build_universe().status == "built"
    firm = read_universe_firms().filter(pl.col("company_id") == DOGWOOD).row(0, named=True)
    assert firm["facts_status"] == "file refused" and "at least one fact" in firm["facts_error"]
    assert json.loads((out / "panel.build.json").read_text())["inputs"][
        "sec/companyfacts/CIK0009100004.json"
    ]


def test_unknown_universe_is_one_line_naming_the_choices(fetched):
    with pytest.raises(
        InvalidArgumentError, match="universe='sp500': expected one of 'bigtech', 'warn-public'"
    ):
        tables.load_panel("panel", universe="sp500")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="quarterly only"):
        tables.load_panel("panel_month", universe="warn-public")
    with pytest.raises(InvalidArgumentError, match="universe='x'"):
        CapexOptions(universe="x")  # type: ignore[arg-type]


def test_capex_study_runs_on_the_universe(fetched):
    study = run_capex(CapexOptions(universe="warn-public", bootstrap_reps=99, ri_reps=99))
    fitted = set(study.main.select("outcome", "treatment").unique().iter_rows())
    assert {("warn_any", "capex_intensity"), ("warn_any", "capex_spike")} <= fitted
    assert study.main["n_firms"].max() <= 8 and study.main["exposure"].unique().to_list() in (
        ["none"],
        [],
    )
    reasons = dict(((o, t), r) for o, t, r in study.skipped.iter_rows())
    assert (
        "tracker layoffs exist only for the bigtech universe" in reasons[("any_cut", "capex_spike")]
    )
    assert "announcements exist only" in reasons[("warn_any", "guidance")]
    assert all(r for r in reasons.values())  # every skipped cell says why
    assert study.events is None and "tracker layoffs" in (study.events_error or "")
    assert study.timing is None and study.monthly is None


def test_report_on_data_external_builds_the_capex_run_on_the_fetched_data(fetched, monkeypatch):
    monkeypatch.setenv(config.DATA_ENV, "external")
    monkeypatch.setenv(config.PROJECT_ENV, str(fetched))  # the kernels find the same project
    text = (
        '[[run]]\nnotebook = "02_ai_capex_and_layoffs"\n'
        "parameters = { bootstrap_reps = 99, ri_reps = 99, power_reps = 10 }\n"
    )
    result = build_report(text, jobs=1)
    assert [o.status for o in result.outcomes] == ["ok"], result.outcomes
    assert result.index == fetched / "reports" / "external" / "index.html"
    index = result.index.read_text()
    assert "Data: the fetched data (data/external" in index
    assert (
        "fetched (data/external, built into data/processed/external): panel (the warn-public universe)"
        in index
    )
    record = json.loads(
        next((fetched / "reports" / "external" / "runs").glob("*.json")).read_text()
    )
    paths = [f["path"] for i in record["inputs"] for f in i["files"]]
    assert paths == [str(fetched / "data" / "processed" / "external" / "panel.parquet")]
    assert record["parts"]["data"] == "external"
    page = result.outcomes[0].page.read_text()
    assert "exist only for the bigtech universe" in page
    assert not (config.PACKAGE_DIR.parents[1] / "reports" / "external").exists()
