"""HTTP mechanics of ``layofflab fetch``: safe, resumable, conditional, rate-limited downloads.

One :class:`Fetcher` serves a run. For each file it

1. sends ``If-None-Match`` / ``If-Modified-Since`` with the validators recorded in the
   folder's ``MANIFEST`` when the file is still there as recorded: ``304 Not Modified``
   means nothing is downloaded;
2. resumes a partial download left by an interruption or a cut-off response
   (``<name>.part`` beside the target, with its validators in ``<name>.part.json``):
   ``Range: bytes=N-`` with ``If-Range``, so that a file changed upstream starts over;
3. waits for the shared :class:`RateLimiter` before every request (the SEC allows 10 per
   second), and retries 429, 5xx, timeouts and broken connections with exponential backoff
   (tenacity), honouring ``Retry-After``;
4. checks the complete body — its length against ``Content-Length``, that it is not an
   HTML page, and the caller's content check (JSON/CSV/ZIP parse) — and only then renames
   it over the target (atomic), with the mode the umask gives, and records size, sha256,
   URL, retrieval time and validators in the manifest.

A failure raises :class:`~layofflab.errors.DownloadError` and leaves the previous file untouched.

Examples
--------
>>> import tempfile
>>> with Fetcher(tempfile.mkdtemp(), Settings(user_agent="Jane Doe jane@example.org")) as f:
...     f.client.headers["User-Agent"], f.limiter.interval
('Jane Doe jane@example.org', 0.1)
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
import tenacity
from tqdm import tqdm

from layofflab.errors import DownloadError, LayofflabError, TransientDownloadError
from layofflab.fetch.content import Check, html_head
from layofflab.fetch.manifest import Entry, ExternalManifest
from layofflab.fetch.policy import RETRY_STATUSES, RateLimiter, Settings, parse_retry_after
from layofflab.io import write_text_atomic
from layofflab.manifest import sha256_file

__all__ = ["Download", "Fetcher", "RateLimiter", "Settings", "parse_retry_after"]

Status = Literal["downloaded", "resumed", "unchanged", "not found"]
_BAR_BYTES = 8 << 20  # a byte progress bar for downloads larger than this (or of unknown size)


@dataclass(frozen=True)
class Download:
    """What happened to one file: ``status``, its ``path``, ``bytes``, ``sha256`` and ``attempts``."""

    url: str
    path: Path
    status: Status
    bytes: int = 0
    sha256: str = ""
    attempts: int = 1


def _wait_strategy(settings: Settings) -> Callable[[tenacity.RetryCallState], float]:
    exponential = tenacity.wait_exponential(multiplier=settings.backoff, max=settings.max_wait)

    def wait(state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, TransientDownloadError) and exc.wait is not None:
            return exc.wait
        return exponential(state)

    return wait


@dataclass
class _Job:
    url: str
    rel: str
    dest: Path
    check: Check | None
    expect: str
    missing_ok: bool
    bar: bool
    conditional: dict[str, str] = field(default_factory=dict)
    resumed: bool = False

    @property
    def part(self) -> Path:
        return self.dest.with_name(self.dest.name + ".part")

    @property
    def meta(self) -> Path:
        return self.dest.with_name(self.dest.name + ".part.json")


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_MODE = _umask_mode()


class Fetcher:
    """Downloads into one folder (its ``MANIFEST`` records every file); a context manager.

    Parameters
    ----------
    root : path
        The download folder (``data/external`` by default in the command line).
    settings : Settings, optional
        Timeouts, retries, rate, User-Agent.
    limiter : RateLimiter, optional
        Shared with other fetchers to hold their requests to one rate together.
    transport : httpx.BaseTransport, optional
        For tests (``httpx.MockTransport``); default: the network.
    """

    def __init__(
        self,
        root: str | Path,
        settings: Settings | None = None,
        *,
        limiter: RateLimiter | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.root = Path(root)
        self.settings = settings or Settings()
        self.limiter = limiter or RateLimiter(self.settings.rate)
        self.manifest = ExternalManifest(self.root)
        self.progress = (
            sys.stderr.isatty() if self.settings.progress is None else self.settings.progress
        )
        self.client = httpx.Client(
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(self.settings.timeout),
            follow_redirects=True,
            transport=transport,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Write the manifest and close the connections."""
        self.manifest.flush()
        self.client.close()

    def fetch(
        self,
        url: str,
        rel: str,
        *,
        check: Check | None = None,
        expect: Literal["json", "csv", "zip", "any"] = "any",
        missing_ok: bool = False,
        bar: bool = True,
    ) -> Download:
        """Download ``url`` to ``root / rel`` (see the module docstring for every step).

        Parameters
        ----------
        url : str
            The source.
        rel : str
            Target path relative to the folder, ``/``-separated.
        check : callable, optional
            Content check of the complete body (:mod:`layofflab.fetch.content`).
        expect : {"json", "csv", "zip", "any"}
            What the body must be: anything but ``"any"`` refuses an HTML page.
        missing_ok : bool
            A 404 returns ``status="not found"`` instead of raising.
        bar : bool
            Allow a byte progress bar for a large file.

        Raises
        ------
        DownloadError
            Retries exhausted, a status that is not retried (403, 404, ...), an HTML page,
            or a body that fails ``check``. The previous file is untouched.
        """
        dest = self.root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        job = _Job(url, rel, dest, check, expect, missing_ok, bar and self.progress)
        entry = self.manifest.get(rel)
        if entry and entry.url == url and dest.is_file() and dest.stat().st_size == entry.bytes:
            if entry.etag:
                job.conditional["If-None-Match"] = entry.etag
            if entry.last_modified:
                job.conditional["If-Modified-Since"] = entry.last_modified
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.settings.attempts),
            wait=_wait_strategy(self.settings),
            retry=tenacity.retry_if_exception_type(TransientDownloadError),
            sleep=self.settings.sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    result = self._attempt(job)
        except TransientDownloadError as exc:
            kept = "the previous file was kept" if dest.is_file() else "nothing was written"
            if job.part.is_file() and _validator(_read_meta(job.meta)):
                kept += f"; {job.part.stat().st_size} bytes kept to resume"
            else:
                _discard(job)  # without a validator a partial body cannot be resumed safely
            raise DownloadError(
                url,
                f"{exc.problem} (after {self.settings.attempts} attempts); {kept}",
                status=exc.status,
            ) from None
        tries = retrying.statistics.get("attempt_number", 1)
        if result is not None:
            return Download(url, dest, result, attempts=tries)
        return self._finish(job, tries)

    # -- one try -----------------------------------------------------------------------------

    def _attempt(self, job: _Job) -> Status | None:
        """One request; None when the body is complete in ``job.part``."""
        headers: dict[str, str] = {}
        meta = _read_meta(job.meta)
        have = job.part.stat().st_size if job.part.is_file() else 0
        validator = _validator(meta)
        if have and meta.get("url") == job.url and validator:
            headers.update({"Range": f"bytes={have}-", "If-Range": validator})
        else:
            _discard(job)
            have = 0
            headers.update(job.conditional)
        self.limiter.acquire()
        try:
            with self.client.stream("GET", job.url, headers=headers) as response:
                return self._receive(job, response, have, meta)
        except httpx.TransportError as exc:
            raise TransientDownloadError(job.url, f"{type(exc).__name__}: {exc}") from exc

    def _receive(
        self, job: _Job, r: httpx.Response, have: int, meta: dict[str, Any]
    ) -> Status | None:
        status = r.status_code
        if status == 304 and job.conditional:
            return "unchanged"
        if status == 404 and job.missing_ok:
            return "not found"
        if status in RETRY_STATUSES:
            wait = parse_retry_after(r.headers.get("Retry-After"))
            if wait is not None and wait > self.settings.max_wait:
                raise DownloadError(
                    job.url,
                    f"HTTP {status}: the server asks to wait {wait:.0f} s before retrying "
                    f"(more than max_wait {self.settings.max_wait:.0f} s); try again later",
                    status=status,
                )
            raise TransientDownloadError(
                job.url, f"HTTP {status} {r.reason_phrase}".strip(), status=status, wait=wait
            )
        if status == 416:
            _discard(job)
            raise TransientDownloadError(
                job.url, "HTTP 416 (the partial download no longer fits): starting over"
            )
        if status not in (200, 206):
            hint = ""
            if status == 403:
                hint = " (the SEC answers 403 to an undeclared or blocked User-Agent)"
            raise DownloadError(job.url, f"HTTP {status} {r.reason_phrase}{hint}", status=status)
        if job.expect != "any" and "html" in r.headers.get("Content-Type", "").lower():
            head = html_head(r.read()[:512]) or r.headers["Content-Type"]
            raise DownloadError(job.url, f"expected {job.expect}, got an HTML page ({head!r})")
        encoding = r.headers.get("Content-Encoding", "identity").lower()
        length = r.headers.get("Content-Length")
        if status == 206:
            start, total = _content_range(r.headers.get("Content-Range"))
            if start != have or encoding != meta.get("encoding"):
                _discard(job)
                raise TransientDownloadError(
                    job.url, "HTTP 206 for another range or encoding: starting over"
                )
            mode = "ab"
            job.resumed = True
        else:
            have, mode = 0, "wb"
            job.resumed = False  # a whole body (the server ignored or refused the range)
            total = int(length) if length and length.isdigit() else None
            write_text_atomic(
                json.dumps(
                    {
                        "url": job.url,
                        "etag": r.headers.get("ETag", ""),
                        "last_modified": r.headers.get("Last-Modified", ""),
                        "encoding": encoding,
                        "total": total,
                    }
                ),
                job.meta,
            )
        show = job.bar and (total is None or total > _BAR_BYTES)
        with (
            job.part.open(mode) as fh,
            tqdm(
                total=total,
                initial=have,
                unit="B",
                unit_scale=True,
                desc=job.rel,
                disable=not show,
                leave=False,
                file=sys.stderr,
            ) as progress,
        ):
            # chunks as received: a chunk size would buffer, and lose, the tail of a cut-off body
            for chunk in r.iter_raw():
                fh.write(chunk)
                progress.update(len(chunk))
        received = job.part.stat().st_size
        if total is not None and received != total:
            if received > total:
                _discard(job)
            raise TransientDownloadError(job.url, f"body cut off: {received} of {total} bytes")
        return None

    # -- completion --------------------------------------------------------------------------

    def _finish(self, job: _Job, tries: int) -> Download:
        meta = _read_meta(job.meta)
        fd, name = tempfile.mkstemp(prefix=f".{job.dest.name}.", suffix=".tmp", dir=job.dest.parent)
        os.close(fd)
        tmp = Path(name)
        try:
            _decode(job.part, tmp, meta.get("encoding", "identity"), job.url)
            if job.expect != "any":
                with tmp.open("rb") as fh:
                    page = html_head(fh.read(512))
                if page is not None:
                    raise DownloadError(
                        job.url, f"expected {job.expect}, got an HTML page ({page!r})"
                    )
            if job.check is not None:
                try:
                    job.check(tmp)
                except LayofflabError as exc:
                    text = str(exc).replace(str(tmp), job.dest.name)
                    raise DownloadError(
                        job.url, f"downloaded content rejected, previous file kept: {text}"
                    ) from None
            tmp.chmod(_MODE)
            os.replace(tmp, job.dest)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        finally:
            _discard(job)
        entry = Entry(
            job.rel,
            job.dest.stat().st_size,
            sha256_file(job.dest),
            job.url,
            self.settings.now(),
            _clean(meta.get("etag", "")),
            _clean(meta.get("last_modified", "")),
        )
        self.manifest.record(entry)
        status: Status = "resumed" if job.resumed else "downloaded"
        return Download(job.url, job.dest, status, entry.bytes, entry.sha256, tries)


def _validator(meta: dict[str, Any]) -> str | None:
    """The ``If-Range`` validator of a partial download: a strong ETag, else Last-Modified."""
    etag = meta.get("etag") or ""
    return (
        (etag if etag and not etag.startswith("W/") else None) or meta.get("last_modified") or None
    )


def _clean(value: str) -> str:
    return "" if any(c in value for c in "\t\r\n") else value


def _discard(job: _Job) -> None:
    job.part.unlink(missing_ok=True)
    job.meta.unlink(missing_ok=True)


def _read_meta(path: Path) -> dict[str, Any]:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _content_range(value: str | None) -> tuple[int | None, int | None]:
    """``bytes START-END/TOTAL`` → (START, TOTAL); (None, None) when unreadable."""
    try:
        _unit, spec = (value or "").split(" ", 1)
        span, total = spec.split("/", 1)
        start = int(span.split("-", 1)[0])
        return start, (None if total == "*" else int(total))
    except ValueError:
        return None, None


def _decode(part: Path, out: Path, encoding: str, url: str) -> None:
    """Undo ``Content-Encoding`` (gzip, deflate) from ``part`` into ``out``."""
    if encoding in ("identity", ""):
        os.replace(part, out)
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise DownloadError(url, f"unsupported Content-Encoding {encoding!r}")
    wbits = 31 if "gzip" in encoding else 15
    try:
        decoder = zlib.decompressobj(wbits)
        with part.open("rb") as src, out.open("wb") as dst:
            for block in iter(lambda: src.read(1 << 20), b""):
                dst.write(decoder.decompress(block))
            dst.write(decoder.flush())
        if not decoder.eof:
            raise zlib.error("compressed stream ends early")
    except zlib.error as exc:
        raise DownloadError(
            url, f"body is not valid {encoding} ({exc}); previous file kept"
        ) from exc
