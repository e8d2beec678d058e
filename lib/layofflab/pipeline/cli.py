"""The ``layofflab`` command line (also ``python -m layofflab``).

Subcommands follow the pipeline stages: ``data`` (verify raw, build processed),
``report`` (build the runs of ``notebooks/runs.toml`` and ``reports/index.html``),
``run`` (one parameterized run of a notebook), ``clean`` (clean files of one source
into Parquet), ``manifest`` (refresh data/raw/MANIFEST on purpose) and
``refresh-notebook`` (re-execute a notebook, keeping only checked outputs).

``clean`` and ``refresh-notebook`` work anywhere the package is installed. ``data``,
``manifest`` and ``report`` work on a project (a checkout with ``data/raw/MANIFEST``):
the one named by ``--project DIR``, else ``$LAYOFFLAB_PROJECT``, else the working
directory or a parent of it (see :mod:`layofflab.config`).

A user error prints one line to stderr and exits with status 2, never a traceback; a
build whose runs failed exits with status 1, naming each failed run on one line.

Examples
--------
>>> main(["clean", "tracker", "no/such/file.csv", "--out", "/tmp"])
2
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import polars as pl

from layofflab import __version__, config
from layofflab.errors import LayofflabError, ProjectNotFoundError
from layofflab.fetch.cli import add_parser as add_fetch_parser
from layofflab.pipeline.errors_cli import (
    OneLineParser,
    escape_control,
    report_failure,
    terminal_safe,
)
from layofflab.tables import describe

__all__ = ["main"]


def _print_table(df: pl.DataFrame) -> None:
    with pl.Config(tbl_rows=200, tbl_cols=20, fmt_str_lengths=120, tbl_hide_dataframe_shape=True):
        print(terminal_safe(df))


def _cmd_data(args: argparse.Namespace) -> int:
    from layofflab.tables import build

    for report in build(force=args.force):
        totals = report.summary.group_by("outcome").agg(pl.col("rows").sum())
        counts = dict(totals.iter_rows())
        print(
            f"{report.name}: {report.status} — {counts.get('in', 0)} rows in, "
            f"{counts.get('clean', 0)} clean, {counts.get('rejected', 0)} rejected"
        )
    return 0


def _cmd_manifest(args: argparse.Namespace) -> int:
    from layofflab.manifest import describe_changes, manifest_changes, write_manifest

    changes = manifest_changes()
    path = write_manifest()
    for line in describe_changes(changes) or ["no raw file added, changed or removed"]:
        print(escape_control(line))
    print(f"wrote {_shown(path)}")
    return 0


def _failures(outcomes: Sequence[Any], command: str) -> int:
    for o in outcomes:
        if o.status != "ok":
            print(f"layofflab {command}: {o.name} failed: {o.error}", file=sys.stderr)
    return 1 if any(o.status != "ok" for o in outcomes) else 0


def _shown(path: Path | None) -> str:
    """``path`` relative to the project when inside it, escaped for the terminal."""
    if path is None:
        return ""
    try:  # `clean` runs outside any project (from a wheel): then the path is shown as given
        path = path.resolve().relative_to(config.PROJECT_ROOT.resolve())
    except (ValueError, ProjectNotFoundError):
        pass
    return escape_control(str(path))


def _cmd_report(args: argparse.Namespace) -> int:
    from layofflab.pipeline.report import build_reports

    result = build_reports(
        runs=Path(args.runs) if args.runs else None,
        report_dir=Path(args.reports) if args.reports else None,
        only=args.only,
        force=args.force,
        jobs=args.jobs,
        cell_timeout=args.cell_timeout,
        run_timeout=args.run_timeout,
        data=not args.no_data,
    )
    counts: dict[str, int] = {}
    for o in result.outcomes:
        word = o.action.split(" (")[0]
        counts[word] = counts.get(word, 0) + 1
    done = ", ".join(f"{n} {word}" for word, n in counts.items())
    failed = f", {len(result.failed)} failed" if result.failed else ""
    n = len(result.outcomes)
    print(f"{_shown(result.index)}: {n} run{'s' if n != 1 else ''} ({done}){failed}")
    return _failures(result.outcomes, "report")


def _notebook_path(text: str) -> Path:
    path = Path(text)
    if path.is_file():
        return path
    candidate = config.NOTEBOOKS / (text if text.endswith(".ipynb") else f"{text}.ipynb")
    if candidate.is_file():
        return candidate
    known = ", ".join(p.stem for p in sorted(config.NOTEBOOKS.glob("*.ipynb")))
    raise LayofflabError(f"{text}: no such notebook (notebooks: {known})")


def _cmd_run(args: argparse.Namespace) -> int:
    from layofflab.pipeline import params
    from layofflab.pipeline.report import run_notebook

    if args.notebook is None:
        _run_parser(argparse.ArgumentParser(prog="layofflab")).print_help()
        return 0 if args.help else 2
    spec = params.notebook_spec(_notebook_path(args.notebook))
    if args.help:
        print(help_text_for_run(spec))
        return 0
    given = params.read_parameter_file(args.file) if args.file else {}
    typed = params.resolve(spec, given, check=False)
    typed.update(params.resolve(spec, dict(args.parameter or []), from_text=True, check=False))
    typed = params.resolve(spec, typed)
    outcome = run_notebook(
        spec.path,
        typed,
        report_dir=Path(args.reports) if args.reports else None,
        force=args.force,
        cell_timeout=args.cell_timeout,
        run_timeout=args.run_timeout,
    )
    print(f"{_shown(outcome.page)}  {outcome.action}")
    return _failures([outcome], "run")


def help_text_for_run(spec: Any) -> str:
    """``layofflab run NOTEBOOK --help``: usage, then the notebook's parameters.

    Examples
    --------
    >>> from layofflab import config
    >>> from layofflab.pipeline.params import notebook_spec
    >>> spec = notebook_spec(config.PROJECT_ROOT / "notebooks" / "04_power.ipynb")
    >>> print(help_text_for_run(spec).splitlines()[0])
    usage: layofflab run 04_power [-p NAME VALUE]... [-f FILE] [--force]
    """
    from layofflab.pipeline import params

    usage = f"usage: layofflab run {spec.stem} [-p NAME VALUE]... [-f FILE] [--force]"
    return f"{usage}\n\n{params.help_text(spec)}"


def _cmd_clean(args: argparse.Namespace) -> int:
    from layofflab.tables import table_for_source, write_cleaned

    table = table_for_source(args.source)
    for path in args.paths:
        if not Path(path).exists():
            raise LayofflabError(f"{path}: no such file")
    cleaned = table.reader([Path(p) for p in args.paths])
    out = Path(args.out)
    data, rejects = write_cleaned(cleaned, table, out, stem=args.source)
    _print_table(cleaned.summary())
    print(f"wrote {_shown(data)} and {_shown(rejects)}")
    return 0


def _cmd_refresh(args: argparse.Namespace) -> int:
    from layofflab.pipeline.report import refresh_checked_outputs

    for nb in args.notebooks:
        print(f"refreshed {refresh_checked_outputs(Path(nb))}")
    return 0


def _project_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="the layofflab checkout to work on (default: $LAYOFFLAB_PROJECT, else found "
        "from the working directory)",
    )


def _timeouts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cell-timeout", type=float, metavar="S", help="seconds one cell may take")
    p.add_argument("--run-timeout", type=float, metavar="S", help="seconds one run may take")
    p.add_argument("--force", action="store_true", help="execute even when nothing changed")
    p.add_argument("--reports", metavar="DIR", help=argparse.SUPPRESS)


def _report_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--only",
        nargs="+",
        default=[],
        metavar="RUN",
        help="runs (or notebook stems) to build; the others stay in the index",
    )
    p.add_argument("-j", "--jobs", type=int, metavar="N", help="runs at a time (default: cores)")
    p.add_argument(
        "--runs",
        metavar="FILE",
        help="the run list (default: notebooks/runs.toml)",
    )
    p.add_argument("--no-data", action="store_true", help="do not build the data stage first")
    _timeouts(p)


def _run_parser(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.usage = "layofflab run NOTEBOOK [-p NAME VALUE]... [-f FILE] [--force] [-h]"
    p.description = (
        "Execute NOTEBOOK once with the parameters given; --help with a notebook lists them."
    )
    p.add_argument("notebook", nargs="?", metavar="NOTEBOOK", help="a notebook path or stem")
    p.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="a parameter value (lists: JSON or comma-separated)",
    )
    p.add_argument("-f", "--file", metavar="FILE", help="parameters from YAML, JSON or TOML")
    p.add_argument("-h", "--help", action="store_true", help="show the notebook's parameters")
    _timeouts(p)
    p.set_defaults(run=_cmd_run)
    return p


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="layofflab",
        description="Does AI capital spending predict tech layoffs? Pipeline commands.",
    )
    parser.add_argument("--version", action="version", version=f"layofflab {__version__}")
    _project_option(parser)
    sub = parser.add_subparsers(dest="command", required=True)
    # Commands with needs_project=True run on a project folder; the others work anywhere.
    p = sub.add_parser("data", help="verify data/raw against MANIFEST and build data/processed")
    p.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    _project_option(p)
    p.set_defaults(run=_cmd_data, needs_project=True)
    p = sub.add_parser(
        "manifest", help="rewrite data/raw/MANIFEST after a deliberate raw-data change"
    )
    _project_option(p)
    p.set_defaults(run=_cmd_manifest, needs_project=True)
    p = sub.add_parser("report", help="build the runs of the run list and reports/index.html")
    _report_options(p)
    _project_option(p)
    p.set_defaults(run=_cmd_report, needs_project=True)
    p = sub.add_parser("run", add_help=False, help="one parameterized run of a notebook")
    _run_parser(p)
    _project_option(p)
    p.set_defaults(needs_project=True)
    p = sub.add_parser("clean", help="clean raw files of one source into DIR/<source>.parquet")
    p.add_argument("source", choices=sorted(describe()))
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--out", required=True, metavar="DIR")
    p.set_defaults(run=_cmd_clean)
    p = sub.add_parser("refresh-notebook", help="re-execute notebooks keeping only checked outputs")
    p.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    p.set_defaults(run=_cmd_refresh)
    # fetch.cli.add_parser is annotated for a plain ArgumentParser's subparsers (the action is
    # invariant in its parser class); every parser added here is a OneLineParser, which is one.
    add_fetch_parser(cast("argparse._SubParsersAction[argparse.ArgumentParser]", sub))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    r"""Run the command line; returns the exit status (0 success, 2 user error, 1 internal error).

    Every failure is one line on stderr (:func:`~layofflab.pipeline.errors_cli.report_failure`).

    Examples
    --------
    >>> import contextlib, io, tempfile
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err):
    ...     main(["clean", "tracker", "/nonexistent/a.csv", "--out", tempfile.mkdtemp()])
    2
    >>> err.getvalue()
    'layofflab clean: /nonexistent/a.csv: no such file\n'
    """
    args = _parser().parse_args(argv)
    try:
        if getattr(args, "needs_project", False):
            with config.project(getattr(args, "project", None)):
                return args.run(args)
        return args.run(args)
    except (Exception, KeyboardInterrupt) as exc:
        return report_failure(args.command, exc)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
