"""``layofflab fetch {sec,warn,tracker}``: download public data into ``data/external/``.

Exit status: 0 when every file was downloaded, found unchanged (304) or, for SEC CIKs,
found to have no company facts (404); 1 when some downloads failed (one line each on
stderr; the previous files are kept); 2 for a user error (one line, no traceback);
130 when interrupted (partial downloads are kept and resume on the next run).

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="layofflab")
>>> _ = add_parser(parser.add_subparsers(dest="command"))
>>> args = parser.parse_args(["fetch", "sec", "--ticker", "AAPL", "--user-agent", "Jane jane@example.org"])
>>> args.source, args.ticker, args.rate
('sec', ['AAPL'], 10.0)
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

import polars as pl

from layofflab import __version__, config
from layofflab.errors import DownloadError, InvalidArgumentError
from layofflab.fetch import _sources
from layofflab.fetch import sec as fsec
from layofflab.fetch import tracker as ftracker
from layofflab.fetch import warn as fwarn
from layofflab.fetch.http import Download, Fetcher, Settings
from layofflab.fetch.sec import warn_public_ciks

__all__ = ["add_parser", "run"]


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Register ``fetch`` and its three sources on the ``layofflab`` subparsers."""
    parser = subparsers.add_parser(
        "fetch",
        help="download SEC company facts, WARN notices or a tracker export into data/external",
    )
    sources = parser.add_subparsers(dest="source", required=True, metavar="{sec,warn,tracker}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--out", metavar="DIR", help="download folder (default: data/external of the project)"
    )
    common.add_argument(
        "--timeout", type=float, default=60.0, metavar="S", help="seconds (default 60)"
    )
    common.add_argument(
        "--attempts", type=int, default=5, metavar="N", help="tries per file (default 5)"
    )
    common.add_argument(
        "--rate", type=float, default=10.0, help="requests per second (default 10; SEC: at most 10)"
    )
    common.add_argument("--no-progress", action="store_true", help="no progress bars")

    sec = sources.add_parser(
        "sec", parents=[common], help="SEC XBRL company facts (CIK##########.json)"
    )
    sec.add_argument(
        "--universe", choices=_sources.universes(), help="bigtech (default) or warn-public"
    )
    sec.add_argument("--cik", action="append", default=[], metavar="CIK", help="a CIK (repeatable)")
    sec.add_argument(
        "--ticker",
        action="append",
        default=[],
        metavar="TICKER",
        help="a ticker of the company alias table (repeatable)",
    )
    sec.add_argument(
        "--warn-dir",
        metavar="DIR",
        help="warn-public: WARN register CSVs (default: <out>/warn/register)",
    )
    sec.add_argument("--warn-table", metavar="PARQUET", help="warn-public: a cleaned WARN table")
    sec.add_argument(
        "--bulk",
        action="store_true",
        help="download companyfacts.zip (every filer) and extract the selection",
    )
    sec.add_argument(
        "--user-agent",
        help="your name and e-mail (or LAYOFFLAB_SEC_USER_AGENT); required by the SEC",
    )
    sec.add_argument(
        "--base-url", help="host (or LAYOFFLAB_SEC_BASE_URL; default https://data.sec.gov)"
    )
    sec.add_argument("--workers", type=int, default=4, help="parallel downloads (default 4)")

    warn = sources.add_parser(
        "warn", parents=[common], help="WARN register state CSVs; state portals via warn-scraper"
    )
    warn.add_argument(
        "--state",
        action="append",
        metavar="ST",
        help="a state (repeatable; default: every register state)",
    )
    warn.add_argument(
        "--scrape",
        action="append",
        default=[],
        metavar="ST",
        help="scrape this state's portal with warn-scraper instead (repeatable)",
    )
    warn.add_argument("--base-url", help="register folder (or LAYOFFLAB_WARN_BASE_URL)")
    warn.add_argument("--user-agent", help=f"User-Agent (default layofflab/{__version__})")

    tracker = sources.add_parser("tracker", parents=[common], help="a layoffs tracker export (CSV)")
    tracker.add_argument("url", nargs="?", help="the export's URL (or LAYOFFLAB_TRACKER_URL)")
    tracker.add_argument("--name", help="file name under <out>/tracker/ (default: from the URL)")
    tracker.add_argument("--base-url", dest="base_url", help=argparse.SUPPRESS)
    tracker.add_argument("--user-agent", help=f"User-Agent (default layofflab/{__version__})")
    parser.set_defaults(run=run)
    return parser


def _settings(args: argparse.Namespace, *, user_agent: str) -> Settings:
    return Settings(
        user_agent=user_agent,
        timeout=args.timeout,
        attempts=args.attempts,
        rate=args.rate,
        progress=False if args.no_progress else None,
    )


def _out(args: argparse.Namespace) -> Path:
    return Path(args.out) if args.out else config.DATA_EXTERNAL


def _report(
    source: str, root: Path, downloads: list[Download], failures: list[DownloadError]
) -> int:
    counts = Counter(d.status for d in downloads)
    parts = [
        f"{counts.get(s, 0)} {s}"
        for s in ("downloaded", "resumed", "unchanged", "not found")
        if counts.get(s) or s in ("downloaded", "unchanged")
    ]
    if failures:
        parts.append(f"{len(failures)} failed")
    print(
        f"{source}: {len(downloads) + len(failures)} files — {', '.join(parts)}; manifest {root / 'MANIFEST'}"
    )
    missing = [d.url.rsplit("/", 1)[-1] for d in downloads if d.status == "not found"]
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        print(f"{source}: no company facts at the SEC for {', '.join(missing[:5])}{more}")
    for exc in failures:
        print(f"layofflab fetch {source}: {exc}", file=sys.stderr)
    return 1 if failures else 0


def _warn_ciks(args: argparse.Namespace, root: Path) -> pl.DataFrame:
    if args.warn_table:
        path = Path(args.warn_table)
        if not path.is_file():
            raise InvalidArgumentError(
                "--warn-table", str(path), expected="an existing Parquet file"
            )
        return warn_public_ciks(pl.scan_parquet(path))
    folder = Path(args.warn_dir) if args.warn_dir else root / fwarn.REGISTER_DIR
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise InvalidArgumentError(
            "--warn-dir",
            str(folder),
            expected="a folder of WARN register CSVs (run `layofflab fetch warn` first, or give --warn-table)",
        )
    return fsec.register_ciks(files)


def _run_sec(args: argparse.Namespace) -> int:
    agent = fsec.user_agent(args.user_agent)
    max_rate = float(_sources.sources()["sec"]["max_rate"])
    if not 0 < args.rate <= max_rate:
        raise InvalidArgumentError(
            "--rate",
            args.rate,
            expected=f"at most {max_rate:g} requests per second (the SEC's fair-access limit)",
        )
    root = _out(args)
    universe = args.universe or ("bigtech" if not (args.cik or args.ticker) else None)
    ciks: list[str] = [*args.cik]
    if args.ticker:
        ciks += fsec.ticker_ciks(args.ticker)["cik"].to_list()
    if universe == "warn-public":
        ciks += _warn_ciks(args, root)["cik"].to_list()
    elif universe is not None:
        ciks += fsec.universe_ciks(universe)["cik"].to_list()
    base = _sources.base_url("sec", args.base_url)
    with Fetcher(root, _settings(args, user_agent=agent)) as fetcher:
        if args.bulk:
            replaced = args.base_url or os.environ.get(_sources.sources()["sec"]["env"])
            url = fsec.bulk_url(base if replaced else None)
            try:
                archive = fsec.fetch_bulk(fetcher=fetcher, url=url)
                written = fsec.extract_companyfacts(archive.path, ciks, fetcher=fetcher, url=url)
            except DownloadError as exc:
                return _report("sec", root, [], [exc])
            selected = len({str(c).strip().zfill(10) for c in ciks})
            print(
                f"sec: companyfacts.zip {archive.status}; {len(written)} of {selected} selected "
                f"CIKs extracted to {root / fsec.COMPANYFACTS_DIR}"
            )
            return 0
        downloads, failures = fsec.fetch_companyfacts(
            ciks, fetcher=fetcher, base_url=base, workers=args.workers
        )
    return _report("sec", root, downloads, failures)


def _run_warn(args: argparse.Namespace) -> int:
    root = _out(args)
    settings = _settings(args, user_agent=args.user_agent or f"layofflab/{__version__}")
    downloads: list[Download] = []
    failures: list[DownloadError] = []
    with Fetcher(root, settings) as fetcher:
        if args.scrape:
            paths, failed = fwarn.scrape_states(args.scrape, fetcher=fetcher)
            print(f"warn: {len(paths)} state portals scraped into {root / fwarn.SCRAPER_DIR}")
            failures += failed
        if args.state or not args.scrape:
            base = _sources.base_url("warn", args.base_url)
            downloads, failed = fwarn.fetch_register(args.state, fetcher=fetcher, base_url=base)
            failures += failed
    return _report("warn", root, downloads, failures)


def _run_tracker(args: argparse.Namespace) -> int:
    url = _sources.base_url("tracker", args.url or args.base_url)
    root = _out(args)
    settings = _settings(args, user_agent=args.user_agent or f"layofflab/{__version__}")
    with Fetcher(root, settings) as fetcher:
        try:
            download = ftracker.fetch_tracker(url, fetcher=fetcher, name=args.name)
        except DownloadError as exc:
            return _report("tracker", root, [], [exc])
    return _report("tracker", root, [download], [])


def run(args: argparse.Namespace) -> int:
    """Run ``layofflab fetch <source>`` (the handler set by :func:`add_parser`)."""
    handler = {"sec": _run_sec, "warn": _run_warn, "tracker": _run_tracker}[args.source]
    try:
        if getattr(args, "project", None):  # `layofflab --project DIR fetch`: DIR/data/external
            with config.project(args.project):
                return handler(args)
        return handler(args)
    except KeyboardInterrupt:
        print(
            f"layofflab fetch {args.source}: interrupted; partial downloads are kept and resume on the next run",
            file=sys.stderr,
        )
        return 130
