"""``layofflab fetch sec`` against a local server standing in for data.sec.gov."""

from __future__ import annotations

import io
import itertools
import re
import time
import zipfile

import polars as pl
import pytest
from fetch_helpers import FIXTURES, companyfacts, timestamps
from werkzeug import Request, Response

from layofflab.errors import DownloadError, InputFileError, InvalidArgumentError, LookupMissError
from layofflab.fetch import sec as fsec
from layofflab.fetch._sources import universe_tickers
from layofflab.fetch.manifest import read_manifest
from layofflab.pipeline.cli import main
from layofflab.sources import sec as sec_reader
from layofflab.sources.entities import load_aliases

FACTS = re.compile(r"/api/xbrl/companyfacts/CIK(\d{10})\.json")
AGENT = "Test Runner test@example.org"
BIGTECH = (
    "AMZN",
    "MSFT",
    "GOOGL",
    "META",
    "AAPL",
    "ORCL",
    "CRM",
    "INTC",
    "IBM",
    "CSCO",
    "DELL",
    "HPQ",
    "NVDA",
)


def _serve_facts(server, missing: set[str] = frozenset()):
    def handler(request: Request) -> Response:
        cik = FACTS.fullmatch(request.path).group(1)
        if cik in missing:
            return Response("Not Found", status=404)
        return Response(companyfacts(cik), content_type="application/json")

    server.expect_request(FACTS).respond_with_handler(handler)


def _requested(server) -> list[str]:
    return sorted(FACTS.fullmatch(r.path).group(1) for r, _ in server.log)


@pytest.fixture
def sec_env(monkeypatch, server):
    monkeypatch.setenv("LAYOFFLAB_SEC_BASE_URL", server.url_for("/"))
    monkeypatch.delenv("LAYOFFLAB_SEC_USER_AGENT", raising=False)
    return server


@pytest.mark.parametrize(
    "agent", [None, "", "test@example.org", "Test Runner", "  <test@example.org>  "]
)
def test_user_agent_without_name_and_email_is_refused(agent):
    with pytest.raises(InvalidArgumentError, match="the SEC requires automated tools to declare"):
        fsec.user_agent(agent, environ={})


def test_user_agent_from_the_environment():
    assert fsec.user_agent(None, environ={"LAYOFFLAB_SEC_USER_AGENT": AGENT}) == AGENT


def test_cli_refuses_to_run_without_a_user_agent(sec_env, tmp_path, capsys):
    _serve_facts(sec_env)
    assert main(["fetch", "sec", "--ticker", "AAPL", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "LAYOFFLAB_SEC_USER_AGENT" in err and "SEC requires" in err
    assert sec_env.log == [] and not (tmp_path / "MANIFEST").exists()


def test_cli_refuses_more_than_ten_requests_per_second(sec_env, tmp_path, capsys):
    args = [
        "fetch",
        "sec",
        "--ticker",
        "AAPL",
        "--user-agent",
        AGENT,
        "--rate",
        "25",
        "--out",
        str(tmp_path),
    ]
    assert main(args) == 2
    assert "at most 10 requests per second" in capsys.readouterr().err
    assert sec_env.log == []


def test_bigtech_universe_takes_its_ciks_from_the_alias_table():
    assert universe_tickers("bigtech") == BIGTECH
    known = dict(load_aliases().unique("company_id").select("company_id", "cik").iter_rows())
    got = fsec.universe_ciks("bigtech")
    assert got.rows() == [(t, known[t]) for t in BIGTECH]


def test_unknown_ticker_names_the_alias_table():
    with pytest.raises(
        LookupMissError, match=r"'ticker': value 'ZZZZ' has no entry in company_aliases\.csv"
    ):
        fsec.ticker_ciks(["ZZZZ"])


def test_cli_bigtech_downloads_every_firm_and_the_reader_reads_them(
    sec_env, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("LAYOFFLAB_SEC_USER_AGENT", AGENT)
    _serve_facts(sec_env)
    assert (
        main(["fetch", "sec", "--universe", "bigtech", "--out", str(tmp_path), "--no-progress"])
        == 0
    )
    expected = sorted(fsec.universe_ciks("bigtech")["cik"])
    assert _requested(sec_env) == expected
    assert {r.headers["User-Agent"] for r, _ in sec_env.log} == {AGENT}
    manifest = read_manifest(tmp_path)
    assert manifest["path"].to_list() == [f"sec/companyfacts/CIK{c}.json" for c in expected]
    assert "13 files — 13 downloaded, 0 unchanged" in capsys.readouterr().out
    cleaned = sec_reader.read(sorted((tmp_path / "sec" / "companyfacts").glob("*.json")))
    cleaned.check_conservation()
    assert len(cleaned.rows_in) == 13 and set(cleaned.rows_in.values()) == {7}  # facts per file
    assert {"AAPL", "AMZN", "MSFT"} <= set(cleaned.data["company_id"])


def test_cli_second_run_sends_validators_and_counts_unchanged(sec_env, tmp_path, capsys):
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"same"':
            return Response(status=304)
        cik = FACTS.fullmatch(request.path).group(1)
        return Response(
            companyfacts(cik), content_type="application/json", headers={"ETag": '"same"'}
        )

    sec_env.expect_request(FACTS).respond_with_handler(handler)
    args = [
        "fetch",
        "sec",
        "--ticker",
        "AAPL",
        "--ticker",
        "NVDA",
        "--user-agent",
        AGENT,
        "--out",
        str(tmp_path),
    ]
    assert main(args) == 0
    assert main(args) == 0
    assert "2 files — 0 downloaded, 2 unchanged" in capsys.readouterr().out.splitlines()[-1]


def test_warn_public_from_register_files(sec_env, tmp_path, capsys):
    _serve_facts(sec_env, missing={"0009999999"})
    register = tmp_path / "register"  # the two register files only (the fixture folder has more)
    register.mkdir()
    for name in ("register_wa.csv", "register_ny.csv"):
        (register / name).write_bytes((FIXTURES / name).read_bytes())
    args = ["fetch", "sec", "--universe", "warn-public", "--warn-dir", str(register)]
    args += ["--user-agent", AGENT, "--out", str(tmp_path)]
    assert main(args) == 0
    assert _requested(sec_env) == ["0000050863", "0000789019", "0001018724", "0009999999"]
    out = capsys.readouterr().out
    assert "4 files — 3 downloaded, 0 unchanged, 1 not found" in out
    assert "no company facts at the SEC for CIK0009999999.json" in out
    assert not (tmp_path / "sec" / "companyfacts" / "CIK0009999999.json").exists()


def test_warn_public_defaults_to_the_fetched_register(sec_env, tmp_path, capsys):
    assert (
        main(
            [
                "fetch",
                "sec",
                "--universe",
                "warn-public",
                "--user-agent",
                AGENT,
                "--out",
                str(tmp_path),
            ]
        )
        == 2
    )
    assert "run `layofflab fetch warn` first" in capsys.readouterr().err


def test_warn_public_ciks_of_a_processed_warn_table(tmp_path):
    table = pl.DataFrame(
        {
            "register_cik": ["1018724", "1018724", None, " 50863 ", ""],
            "cik": ["0001018724", None, "0000789019", None, None],
        }
    )
    got = fsec.warn_public_ciks(table)
    assert got.rows() == [("0000050863", 1), ("0000789019", 1), ("0001018724", 2)]
    assert fsec.warn_public_ciks(table.lazy()).equals(got)
    path = tmp_path / "warn.parquet"
    table.write_parquet(path)
    assert fsec.warn_public_ciks(pl.scan_parquet(path)).equals(got)


def test_warn_public_ciks_rejects_a_cell_that_is_no_cik():
    bad = pl.DataFrame({"register_cik": ["1018724", "AMZN"]})
    with pytest.raises(InvalidArgumentError, match=r"column 'register_cik', row 2: 'AMZN'"):
        fsec.warn_public_ciks(bad)
    with pytest.raises(InvalidArgumentError, match="expected a column of"):
        fsec.warn_public_ciks(pl.DataFrame({"employer": ["x"]}))


def test_register_ciks_names_the_file(tmp_path):
    path = tmp_path / "wa.csv"
    path.write_text("state,cik\nWA,12a\n")
    with pytest.raises(InputFileError, match=r"wa\.csv.*'12a'"):
        fsec.register_ciks([path])


def test_cli_warn_table_parquet(sec_env, tmp_path):
    _serve_facts(sec_env)
    path = tmp_path / "warn.parquet"
    pl.DataFrame(
        {"register_cik": ["320193"], "cik": [None]},
        schema={"register_cik": pl.String, "cik": pl.String},
    ).write_parquet(path)
    args = [
        "fetch",
        "sec",
        "--universe",
        "warn-public",
        "--warn-table",
        str(path),
        "--user-agent",
        AGENT,
        "--out",
        str(tmp_path),
    ]
    assert main(args) == 0
    assert _requested(sec_env) == ["0000320193"]


def test_parallel_downloads_share_one_rate_limit(make_fetcher, server):
    arrivals: list[float] = []
    handler = timestamps(arrivals)(
        lambda r: Response(
            companyfacts(FACTS.fullmatch(r.path).group(1)), content_type="application/json"
        )
    )
    server.expect_request(FACTS).respond_with_handler(handler)
    fetcher = make_fetcher(rate=25.0, sleep=time.sleep)
    ciks = list(range(1, 11))
    downloads, failures = fsec.fetch_companyfacts(
        ciks, fetcher=fetcher, base_url=server.url_for("/"), workers=4
    )
    assert failures == [] and [d.status for d in downloads] == ["downloaded"] * 10
    ordered = sorted(arrivals)
    gaps = [b - a for a, b in itertools.pairwise(ordered)]
    # 10 requests from 4 threads, starts 0.04 s apart: span >= 0.36 s less arrival jitter
    assert ordered[-1] - ordered[0] >= 9 * 0.04 - 0.08 and sorted(gaps)[4] >= 0.04 * 0.8


def test_a_document_of_another_cik_is_refused(make_fetcher, server):
    server.expect_request(FACTS).respond_with_response(
        Response(companyfacts(1), content_type="application/json")
    )
    downloads, failures = fsec.fetch_companyfacts(
        ["320193"], fetcher=make_fetcher(), base_url=server.url_for("/")
    )
    assert downloads == [] and len(failures) == 1
    assert "company facts of CIK 320193 (found CIK 1)" in str(failures[0])


def test_one_failed_cik_does_not_stop_the_others(sec_env, tmp_path, capsys):
    def handler(request: Request) -> Response:
        cik = FACTS.fullmatch(request.path).group(1)
        if cik == "0000320193":
            return Response(
                "<html><body>Undeclared Automated Tool</body></html>", content_type="text/html"
            )
        return Response(companyfacts(cik), content_type="application/json")

    sec_env.expect_request(FACTS).respond_with_handler(handler)
    args = [
        "fetch",
        "sec",
        "--cik",
        "320193",
        "--cik",
        "1045810",
        "--user-agent",
        AGENT,
        "--out",
        str(tmp_path),
    ]
    assert main(args) == 1
    captured = capsys.readouterr()
    assert "2 files — 1 downloaded, 0 unchanged, 1 failed" in captured.out
    assert (
        captured.err.count("\n") == 1
        and "CIK0000320193.json: expected json, got an HTML page" in captured.err
    )
    assert (tmp_path / "sec" / "companyfacts" / "CIK0001045810.json").is_file()


def test_cli_bad_cik_is_a_user_error(sec_env, tmp_path, capsys):
    assert (
        main(["fetch", "sec", "--cik", "12x", "--user-agent", AGENT, "--out", str(tmp_path)]) == 2
    )
    assert "cik='12x': expected a CIK of 1-10 digits" in capsys.readouterr().err


def _archive(*ciks: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for cik in ciks:
            zf.writestr(f"CIK{cik:010d}.json", companyfacts(cik))
    return buffer.getvalue()


def test_bulk_archive_is_checked_and_the_selection_extracted(sec_env, tmp_path, capsys):
    sec_env.expect_request(
        "/Archives/edgar/daily-index/xbrl/companyfacts.zip"
    ).respond_with_response(
        Response(_archive(320193, 1045810, 789019), content_type="application/zip")
    )
    args = [
        "fetch",
        "sec",
        "--bulk",
        "--ticker",
        "AAPL",
        "--ticker",
        "NVDA",
        "--user-agent",
        AGENT,
        "--out",
        str(tmp_path),
    ]
    assert main(args) == 0
    assert "2 of 2 selected CIKs extracted" in capsys.readouterr().out
    manifest = read_manifest(tmp_path)
    assert manifest["path"].to_list() == [
        "sec/companyfacts.zip",
        "sec/companyfacts/CIK0000320193.json",
        "sec/companyfacts/CIK0001045810.json",
    ]
    assert manifest["url"][1].endswith("companyfacts.zip#CIK0000320193.json")
    assert (tmp_path / "sec" / "companyfacts" / "CIK0000320193.json").read_bytes() == companyfacts(
        320193
    )


def test_broken_bulk_archive_is_refused(make_fetcher, server):
    good = _archive(320193)
    server.expect_request("/companyfacts.zip").respond_with_response(
        Response(good[:-30] + b"\0" * 30)
    )
    with pytest.raises(DownloadError, match="ZIP archive"):
        fsec.fetch_bulk(fetcher=make_fetcher(), url=server.url_for("/companyfacts.zip"))
    assert not (make_fetcher().root / "sec" / "companyfacts.zip").exists()


def test_cli_bulk_failure_is_a_failed_download_not_a_usage_error(sec_env, tmp_path, capsys):
    sec_env.expect_request("/Archives/edgar/daily-index/xbrl/companyfacts.zip").respond_with_data(
        b"PK\x03\x04 not really a zip"
    )
    args = [
        "fetch",
        "sec",
        "--bulk",
        "--ticker",
        "AAPL",
        "--user-agent",
        AGENT,
        "--out",
        str(tmp_path),
    ]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "expected a ZIP archive" in err
    assert not (tmp_path / "sec" / "companyfacts.zip").exists()
