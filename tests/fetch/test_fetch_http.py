"""The download mechanics against a local server: success, 304, retries, resume, timeouts, bad bodies."""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import itertools
import threading
import time

import pytest
from fetch_helpers import RETRIEVED, companyfacts, cut, sequence, timestamps
from werkzeug import Request, Response

from layofflab.errors import DownloadError, ManifestError
from layofflab.fetch.content import csv_check, json_check
from layofflab.fetch.http import RateLimiter, parse_retry_after
from layofflab.fetch.manifest import read_manifest, verify_manifest

BODY = companyfacts(320193)
JSON = {"content_type": "application/json"}
REL = "sec/companyfacts/CIK0000320193.json"
CHECK = json_check(keys=("cik", "facts"))


def _json(body: bytes = BODY, status: int = 200, **headers: str) -> Response:
    return Response(body, status=status, headers=headers, content_type="application/json")


def _fetch(fetcher, server, **kw):
    return fetcher.fetch(server.url_for("/facts.json"), REL, check=CHECK, expect="json", **kw)


def _good_file(make_fetcher, server, body: bytes = BODY):
    """A first, successful download (with validators) that later tests must not lose."""
    server.expect_request("/facts.json").respond_with_response(
        _json(body, ETag='"v1"', **{"Last-Modified": "Mon, 01 Dec 2025 08:00:00 GMT"})
    )
    fetcher = make_fetcher()
    first = _fetch(fetcher, server)
    fetcher.manifest.flush()
    server.clear()
    return first


def test_success_writes_the_file_and_records_checksum_size_url_time_and_validators(
    make_fetcher, server
):
    server.expect_request("/facts.json").respond_with_response(
        _json(ETag='"abc"', **{"Last-Modified": "Mon, 01 Dec 2025 08:00:00 GMT"})
    )
    fetcher = make_fetcher()
    got = _fetch(fetcher, server)
    fetcher.close()
    assert got.status == "downloaded" and got.attempts == 1
    assert got.path.read_bytes() == BODY
    row = read_manifest(fetcher.root).row(0, named=True)
    assert row == {
        "path": REL,
        "bytes": len(BODY),
        "sha256": hashlib.sha256(BODY).hexdigest(),
        "url": server.url_for("/facts.json"),
        "retrieved": RETRIEVED,
        "etag": '"abc"',
        "last_modified": "Mon, 01 Dec 2025 08:00:00 GMT",
    }
    assert not list(got.path.parent.glob("*.part*")) and not list(got.path.parent.glob(".*tmp"))
    request = server.log[0][0]
    assert request.headers["User-Agent"] == "Test Runner test@example.org"


def test_unchanged_file_is_not_downloaded_again(make_fetcher, server):
    _good_file(make_fetcher, server)
    seen = []

    def conditional(request: Request) -> Response:
        seen.append(dict(request.headers))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return _json(b"{}")

    server.expect_request("/facts.json").respond_with_handler(conditional)
    fetcher = make_fetcher()
    got = _fetch(fetcher, server)
    fetcher.close()
    assert got.status == "unchanged"
    assert got.path.read_bytes() == BODY
    assert seen[0]["If-Modified-Since"] == "Mon, 01 Dec 2025 08:00:00 GMT"
    assert read_manifest(fetcher.root)["etag"].to_list() == ['"v1"']


def test_a_file_changed_on_disk_is_fetched_unconditionally(make_fetcher, server):
    first = _good_file(make_fetcher, server)
    first.path.write_bytes(BODY + b" ")
    seen = []
    server.expect_request("/facts.json").respond_with_handler(
        lambda r: (seen.append("If-None-Match" in r.headers), _json())[1]
    )
    got = _fetch(make_fetcher(), server)
    assert seen == [False] and got.status == "downloaded" and got.path.read_bytes() == BODY


def test_500_is_retried_with_exponential_backoff(make_fetcher, server, waits):
    server.expect_request("/facts.json").respond_with_handler(
        sequence(Response("oops", status=500), Response("oops", status=502), _json())
    )
    got = _fetch(make_fetcher(), server)
    assert got.status == "downloaded" and got.attempts == 3
    assert waits == pytest.approx([0.01, 0.02])


def test_429_honours_retry_after(make_fetcher, server, waits):
    server.expect_request("/facts.json").respond_with_handler(
        sequence(Response("slow down", status=429, headers={"Retry-After": "7"}), _json())
    )
    got = _fetch(make_fetcher(), server)
    assert got.status == "downloaded" and waits == [7.0]


def test_retry_after_beyond_max_wait_fails_at_once(make_fetcher, server, waits):
    server.expect_request("/facts.json").respond_with_response(
        Response("blocked", status=429, headers={"Retry-After": "600"})
    )
    with pytest.raises(DownloadError, match="asks to wait 600 s"):
        _fetch(make_fetcher(max_wait=30.0), server)
    assert waits == [] and len(server.log) == 1


def test_failure_keeps_the_old_good_file_and_manifest(make_fetcher, server, waits):
    _good_file(make_fetcher, server)
    server.expect_request("/facts.json").respond_with_response(Response("down", status=500))
    fetcher = make_fetcher()
    with pytest.raises(DownloadError, match=r"HTTP 500 .*after 4 attempts.*previous file was kept"):
        _fetch(fetcher, server)
    fetcher.close()
    assert (fetcher.root / REL).read_bytes() == BODY
    assert read_manifest(fetcher.root)["sha256"].to_list() == [hashlib.sha256(BODY).hexdigest()]
    assert waits == pytest.approx([0.01, 0.02, 0.04]) and len(server.log) == 4


def test_cut_off_body_resumes_with_range(make_fetcher, server):
    half = len(BODY) // 2
    ranges = []

    def rest(request: Request) -> Response:
        ranges.append((request.headers.get("Range"), request.headers.get("If-Range")))
        start = int(request.headers["Range"].removeprefix("bytes=").rstrip("-"))
        response = Response(BODY[start:], status=206, content_type="application/json")
        response.headers["Content-Range"] = f"bytes {start}-{len(BODY) - 1}/{len(BODY)}"
        return response

    server.expect_request("/facts.json").respond_with_handler(
        sequence(cut(BODY, half, ETag='"v2"', **{"Content-Type": "application/json"}), rest)
    )
    fetcher = make_fetcher()
    got = _fetch(fetcher, server)
    fetcher.close()
    assert got.status == "resumed" and got.attempts == 2
    assert ranges == [(f"bytes={half}-", '"v2"')]
    assert got.path.read_bytes() == BODY
    assert read_manifest(fetcher.root)["sha256"][0] == hashlib.sha256(BODY).hexdigest()


def test_an_interrupted_run_resumes_in_the_next_run(make_fetcher, server, waits):
    half = len(BODY) // 3
    server.expect_request("/facts.json").respond_with_response(cut(BODY, half, ETag='"v3"'))
    with pytest.raises(DownloadError, match=f"nothing was written; {half} bytes kept to resume"):
        _fetch(make_fetcher(attempts=1), server)
    part = make_fetcher().root / (REL + ".part")
    assert part.stat().st_size == half
    server.clear()

    def rest(request: Request) -> Response:
        start = int(request.headers["Range"].removeprefix("bytes=").rstrip("-"))
        assert request.headers["If-Range"] == '"v3"'
        response = Response(BODY[start:], status=206)
        response.headers["Content-Range"] = f"bytes {start}-{len(BODY) - 1}/{len(BODY)}"
        return response

    server.expect_request("/facts.json").respond_with_handler(rest)
    got = _fetch(make_fetcher(), server)
    assert got.status == "resumed" and got.path.read_bytes() == BODY and not part.exists()


def test_a_server_ignoring_range_gives_the_whole_file(make_fetcher, server):
    server.expect_request("/facts.json").respond_with_handler(
        sequence(cut(BODY, 100, ETag='"v4"'), _json(ETag='"v4"'))
    )
    got = _fetch(make_fetcher(), server)
    assert got.status == "downloaded" and got.path.read_bytes() == BODY
    assert server.log[1][0].headers["Range"] == "bytes=100-"


def test_always_truncated_fails_and_keeps_the_old_file(make_fetcher, server):
    _good_file(make_fetcher, server)
    other = companyfacts(320193).replace(b"FIXTURE", b"NEWER  ")
    server.expect_request("/facts.json").respond_with_response(cut(other, 50))  # no validator
    with pytest.raises(DownloadError, match=r"received 50 bytes.*previous file was kept$"):
        _fetch(make_fetcher(), server)
    assert (make_fetcher().root / REL).read_bytes() == BODY
    assert not (make_fetcher().root / (REL + ".part")).exists()
    assert all("Range" not in r.headers for r, _ in server.log)  # no validator: no resume


def test_slow_response_past_the_timeout_is_retried(make_fetcher, server, waits):
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(5)
        return _json()

    server.expect_request("/facts.json").respond_with_handler(sequence(slow, _json()))
    try:
        got = _fetch(make_fetcher(timeout=0.5), server)
    finally:
        release.set()
    # the first try timed out; a loaded machine may time out a fast answer too, so >= 2
    assert got.status == "downloaded" and got.path.read_bytes() == BODY
    assert got.attempts >= 2 and waits[:1] == [0.01] and len(waits) == got.attempts - 1


def test_slow_response_every_time_fails_with_the_timeout_named(make_fetcher, server):
    release = threading.Event()
    server.expect_request("/facts.json").respond_with_handler(
        lambda r: (release.wait(5), _json())[1]
    )
    try:
        with pytest.raises(DownloadError, match="ReadTimeout"):
            _fetch(make_fetcher(timeout=0.2, attempts=2), server)
    finally:
        release.set()


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "application/json"])
def test_html_instead_of_json_is_refused_and_the_old_file_kept(make_fetcher, server, content_type):
    _good_file(make_fetcher, server)
    page = b"<!DOCTYPE html>\n<html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head></html>"
    server.expect_request("/facts.json").respond_with_response(
        Response(page, status=200, content_type=content_type)
    )
    with pytest.raises(DownloadError, match="HTML page"):
        _fetch(make_fetcher(), server)
    assert (make_fetcher().root / REL).read_bytes() == BODY
    assert len(server.log) == 1  # not retried


def test_json_that_does_not_parse_is_refused(make_fetcher, server):
    _good_file(make_fetcher, server)
    server.expect_request("/facts.json").respond_with_response(_json(BODY[:-40]))
    with pytest.raises(
        DownloadError, match=r"previous file kept: CIK0000320193\.json: expected JSON; invalid"
    ):
        _fetch(make_fetcher(), server)
    assert (make_fetcher().root / REL).read_bytes() == BODY
    assert not list((make_fetcher().root / "sec" / "companyfacts").glob(".*"))  # no temp left


def test_csv_without_required_columns_is_refused(make_fetcher, server):
    server.expect_request("/a.csv").respond_with_data("x,y\n1,2\n", content_type="text/csv")
    with pytest.raises(DownloadError, match="column 'cik'"):
        make_fetcher().fetch(
            server.url_for("/a.csv"), "a.csv", check=csv_check(required=("cik",)), expect="csv"
        )
    assert not (make_fetcher().root / "a.csv").exists()


def test_gzip_content_encoding_is_stored_decoded(make_fetcher, server):
    packed = gzip.compress(BODY)
    server.expect_request("/facts.json").respond_with_response(
        Response(packed, headers={"Content-Encoding": "gzip"}, content_type="application/json")
    )
    got = _fetch(make_fetcher(), server)
    assert got.path.read_bytes() == BODY and got.bytes == len(BODY)
    assert server.log[0][0].headers["Accept-Encoding"] == "gzip, deflate"


def test_404_and_403_are_not_retried(make_fetcher, server, waits):
    server.expect_request("/facts.json").respond_with_response(Response("no", status=404))
    with pytest.raises(DownloadError, match="HTTP 404"):
        _fetch(make_fetcher(), server)
    assert _fetch(make_fetcher(), server, missing_ok=True).status == "not found"
    server.clear()
    server.expect_request("/facts.json").respond_with_response(Response("no", status=403))
    with pytest.raises(DownloadError, match="User-Agent"):
        _fetch(make_fetcher(), server)
    assert waits == [] and len(server.log) == 1


def _gaps(arrivals: list[float]) -> list[float]:
    ordered = sorted(arrivals)
    return [b - a for a, b in itertools.pairwise(ordered)]


def test_rate_limit_spaces_requests_at_the_server(make_fetcher, server):
    arrivals: list[float] = []
    server.expect_request("/facts.json").respond_with_handler(
        timestamps(arrivals)(lambda r: _json())
    )
    fetcher = make_fetcher(rate=20.0, sleep=time.sleep)
    fetcher.fetch(server.url_for("/facts.json"), "warm.json")  # opens the connection
    arrivals.clear()
    for i in range(8):
        fetcher.fetch(server.url_for("/facts.json"), f"f{i}.json", check=CHECK, expect="json")
    gaps = _gaps(arrivals)
    assert len(arrivals) == 8
    # starts are 0.05 s apart; arrival jitter on a loaded machine is allowed for
    assert sum(gaps) >= 7 * 0.05 - 0.05 and sorted(gaps)[3] >= 0.05 * 0.8


def test_rate_limiter_is_shared_across_threads():
    asked: list[float] = []  # a frozen clock: every wait is asked for, none is slept
    limiter = RateLimiter(10, clock=lambda: 0.0, sleep=asked.append)
    starts: list[float] = []
    threads = [
        threading.Thread(target=lambda: starts.extend(limiter.acquire() for _ in range(5)))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(starts) == pytest.approx([i / 10 for i in range(20)])
    assert sorted(asked) == pytest.approx([i / 10 for i in range(1, 20)])


def test_manifest_is_sorted_deterministic_and_verifiable(make_fetcher, server):
    for name in ("b", "a", "c"):
        server.expect_request(f"/{name}.json").respond_with_response(_json())
    fetcher = make_fetcher()
    for name in ("c", "a", "b"):
        fetcher.fetch(server.url_for(f"/{name}.json"), f"x/{name}.json", check=CHECK, expect="json")
    fetcher.close()
    text = (fetcher.root / "MANIFEST").read_text()
    assert [line.split("\t")[0] for line in text.splitlines()] == [
        "path",
        "x/a.json",
        "x/b.json",
        "x/c.json",
    ]
    fetcher2 = make_fetcher()
    fetcher2.manifest.record(fetcher2.manifest.get("x/a.json"))
    fetcher2.close()
    assert (fetcher.root / "MANIFEST").read_text() == text
    assert verify_manifest(fetcher.root).height == 3
    (fetcher.root / "x" / "b.json").write_bytes(b"{}")
    with pytest.raises(ManifestError, match=r"b\.json: content changed"):
        verify_manifest(fetcher.root)


def test_retry_after_as_an_http_date():
    when = "Wed, 21 Oct 2026 07:28:10 GMT"
    now = email.utils.parsedate_to_datetime(when).timestamp() - 10
    assert parse_retry_after(when, now=now) == pytest.approx(10.0)
    assert parse_retry_after("soon") is None
