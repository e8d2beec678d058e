"""Reader for the Non-U.S. Data Center Registry workbook (Richardson et al., 2025).

One row per data-centre project outside the US, with the US companies involved.

Only the sheet named in ``resources/dc_registry.toml`` (``infrastructure project data``) is
read, with fastexcel (calamine); the readme, field info, country list, the quotes sheet,
gov_reports, setbacks and the hidden scratch sheets are ignored. Headers map through the same
file (a missing required header, or one neither mapped nor ignored, raises
:class:`InputFileError`). ``source_row`` is the data row (the header excluded), so a project's
Excel row is ``source_row + 1``.

Dirty cells:

* **Excel error cells** (``#REF!``): calamine reads them as empty, so the reader finds them in
  the sheet's XML. In ``url``, ``description``, ``year_start``, ``year_end`` and ``ai_ml`` the
  value becomes null and the row's ``flags`` say so; in any other field the row is rejected.
* **Years** become integers: ``'2021/2022'`` → 2021 (the first year), an Excel date or date
  serial (``44974``) → its year, ``'2020 (phase 1), 2025 (phase 2)'`` → 2020, each flagged;
  text without a year → null, flagged; blank or ``'-'`` → null.
* **Rows that are not projects** are rejected with their reason: a summary row (a cell
  starting with ``'# of missing values'``), a blank row.
* **Rejected too**: a missing p_id or country, a p_id seen before, an investment that is not
  a non-negative number.

``us_companies`` (as written) is split on commas and semicolons into names mapped through
``resources/ai_event_firms.csv`` (``AWS`` → AMZN, ``Red Hat, Inc.`` → IBM) into
``company_ids``; an unlisted name (``Equinix``, ``VMWare``) is never guessed.
``investment_usd`` is the project-specific investment (USD, nominal) as given.

Output columns: :data:`COLUMNS` (valid against :data:`layofflab.schemas.DC_REGISTRY`).

Examples
--------
>>> from layofflab import config
>>> c = read(config.FIXTURES / "ai_events" / "dc_registry_sample.xlsx")
>>> c.data.select("p_id", "year_announced", "company_ids").row(0)
('P001', 2021, ['AMZN', 'GOOGL', 'MSFT'])
>>> c.data.filter(pl.col("p_id") == "P002").select("year_announced", "url", "flags").row(0)
(2021, None, "year_announced: '2021/2022' read as 2021 (the first year); url: Excel error #REF! (null)")
>>> c.rejects.select("source_row", "reason").rows()[:2]
[(6, "summary row ('# of missing values --->'), not a project"), (7, 'blank row')]
>>> c.check_conservation()
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

import fastexcel
import polars as pl

from layofflab.cleaning import normalize_text, null_markers, parse_float
from layofflab.errors import InputFileError
from layofflab.schemas import DC_REGISTRY
from layofflab.sources._ai_events import firm_ids, load_format, map_headers, split_names
from layofflab.sources._base import REJECTS_SCHEMA, Cleaned

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

__all__ = ["COLUMNS", "SOURCE", "error_cells", "read"]

SOURCE = "dc_registry"
COLUMNS: tuple[str, ...] = tuple(DC_REGISTRY.columns)
_FORMAT = {
    "description": str,
    "sheet": str,
    "required": {},
    "optional": {},
    "lists": {"separators": list, "suffixes": list, "prefixes": list},
    "rows": {"summary_markers": list},
    "excel_errors": {"values": list, "null_fields": list},
    "ignored": {"headers": list},
}
_YEARS = ("year_announced", "year_start", "year_end")
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_EXCEL_EPOCH = pl.date(1899, 12, 30)


def _spec() -> dict[str, Any]:
    return load_format(SOURCE, known=_FORMAT)


def _sheet_part(zf: zipfile.ZipFile, sheet: str) -> str:
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}
    for node in book.iterfind("m:sheets/m:sheet", _NS):
        if node.get("name") == sheet:
            target = targets[node.get(f"{{{_NS['r']}}}id")]
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise KeyError(sheet)


def _ref(ref: str) -> tuple[int, int]:
    letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()  # type: ignore[union-attr]
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(digits), col - 1


def error_cells(path: str | Path, sheet: str) -> pl.DataFrame:
    """Excel error cells of one sheet, placed as fastexcel places its data.

    calamine reads an error cell as empty; this scan of the sheet's XML (``t="e"`` cells)
    finds them. The used range starts at the first row and column holding a value.

    Returns
    -------
    polars.DataFrame
        ``data_row`` (1-based, below the range's first row, the header), ``column`` (0-based
        within the range) and ``error`` (``'#REF!'``, …), one row per error cell.

    Examples
    --------
    >>> from layofflab import config
    >>> error_cells(config.FIXTURES / "ai_events" / "dc_registry_sample.xlsx",
    ...             "infrastructure project data").rows()
    [(2, 3, '#REF!'), (8, 1, '#REF!'), (14, 8, '#REF!'), (14, 9, '#REF!')]
    """
    cells: list[tuple[int, int, str]] = []
    first_row = first_col = None
    tag_c, tag_v, tag_is = (f"{{{_NS['m']}}}{t}" for t in ("c", "v", "is"))
    with zipfile.ZipFile(path) as zf, zf.open(_sheet_part(zf, sheet)) as fh:
        for _, node in ElementTree.iterparse(fh):
            if node.tag != tag_c:
                continue
            value = node.find(tag_v)
            if value is not None or node.find(tag_is) is not None:
                row, col = _ref(node.get("r", ""))
                first_row = row if first_row is None else min(first_row, row)
                first_col = col if first_col is None else min(first_col, col)
                if node.get("t") == "e" and value is not None:
                    cells.append((row, col, value.text or ""))
            node.clear()
    rows = [(r - first_row, c - first_col, e) for r, c, e in cells]  # type: ignore[operator]
    schema = {"data_row": pl.Int64, "column": pl.Int64, "error": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _load(path: Path, spec: dict[str, Any]) -> pl.DataFrame:
    """The sheet as text, error cells put back as their text, mapped fields, provenance."""
    sheet = spec["sheet"]
    try:
        reader = fastexcel.read_excel(path)
    except (fastexcel.FastExcelError, OSError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputFileError(path, "an .xlsx workbook", found=first) from exc
    if sheet not in reader.sheet_names:
        raise InputFileError(path, f"a sheet {sheet!r}", found=f"sheets {reader.sheet_names}")
    raw = reader.load_sheet_by_name(sheet, dtypes="string").to_polars()
    errors = error_cells(path, sheet)
    raw = raw.with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))
    for (position,), group in errors.group_by("column", maintain_order=True):
        name = raw.columns[int(position) + 1]
        mapping = dict(zip(group["data_row"], group["error"], strict=True))
        raw = raw.with_columns(
            pl.col("_row").replace_strict(mapping, default=pl.col(name)).alias(name)
        )
    headers = raw.columns[1:]
    renames = map_headers(path, headers, spec)
    fields = [*spec["required"].values(), *spec["optional"].values()]
    markers = spec["rows"]["summary_markers"]
    return raw.select(
        *(pl.col(h).alias(f) for h, f in renames.items()),
        *(pl.lit(None, dtype=pl.String).alias(f) for f in fields if f not in renames.values()),
        source_file=pl.lit(path.name),
        source_row="_row",
        _blank=pl.all_horizontal(null_markers(h, markers=("",)).is_null() for h in headers),
        _summary=pl.coalesce(
            [
                pl.when(pl.col(h).str.strip_chars().str.starts_with(m)).then(pl.col(h))
                for h in headers
                for m in markers
            ]
        ),
        _raw=pl.struct(pl.col(headers)).struct.json_encode(),
    )


def _year(field: str) -> tuple[pl.Expr, pl.Expr]:
    """(year, flag) of a year cell; the flag is null when the cell is a plain year or blank."""
    text = null_markers(field)
    plain = text.str.extract(r"^(\d{4})(?:\.0+)?$", 1)
    span = text.str.extract(r"^(\d{4})\s*/\s*\d{4}$", 1)
    iso = text.str.extract(r"^(\d{4})-\d{2}-\d{2}", 1)
    serial = text.str.extract(r"^(\d{5})(?:\.0+)?$", 1).cast(pl.Int64)
    serial_date = pl.when(serial.is_between(20000, 80000)).then(
        _EXCEL_EPOCH + pl.duration(days=serial)
    )
    lead = text.str.extract(r"^(\d{4})\D", 1)
    year = pl.coalesce(
        plain.cast(pl.Int32),
        span.cast(pl.Int32),
        iso.cast(pl.Int32),
        serial_date.dt.year().cast(pl.Int32),
        lead.cast(pl.Int32),
    )
    ok = year.is_between(1900, 2100)
    flag = (
        pl.when(text.is_null() | plain.is_not_null() & ok)
        .then(None)
        .when(~ok | year.is_null())
        .then(pl.format(f"{field}: no year in '{{}}' (null)", text))
        .when(span.is_not_null())
        .then(pl.format(f"{field}: '{{}}' read as {{}} (the first year)", text, year))
        .when(iso.is_not_null())
        .then(pl.format(f"{field}: Excel date {{}} read as {{}}", text.str.slice(0, 10), year))
        .when(serial_date.is_not_null())
        .then(
            pl.format(
                f"{field}: Excel date serial {{}} ({{}}) read as {{}}", serial, serial_date, year
            )
        )
        .otherwise(pl.format(f"{field}: '{{}}' read as {{}} (the first year)", text, year))
    )
    return pl.when(ok).then(year), flag


def _problems(spec: dict[str, Any]) -> pl.Expr:
    errors = spec["excel_errors"]["values"]
    null_fields = set(spec["excel_errors"]["null_fields"])
    fields = [*spec["required"].values(), *spec["optional"].values()]
    money = null_markers("investment_usd")
    checks = [
        (pl.col("_blank"), pl.lit("blank row")),
        (
            pl.col("_summary").is_not_null(),
            pl.format("summary row ('{}'), not a project", pl.col("_summary").str.strip_chars()),
        ),
        *(
            (
                pl.col(f).is_in(errors),
                pl.format(f"Excel error {{}} in column '{f}'", pl.col(f)),
            )
            for f in fields
            if f not in null_fields
        ),
        (null_markers("p_id").is_null(), pl.lit("missing p_id")),
        (null_markers("country").is_null(), pl.lit("missing country")),
        (
            money.is_not_null() & parse_float(money).is_null(),
            pl.format("unparseable investment_usd '{}'", money),
        ),
        (parse_float(money) < 0, pl.format("negative investment_usd {}", money)),
    ]
    expr: Then | ChainedThen = pl.when(checks[0][0]).then(checks[0][1])
    for cond, text in checks[1:]:
        expr = expr.when(cond).then(text)
    return expr.otherwise(None)


def _clean(df: pl.DataFrame, spec: dict[str, Any]) -> pl.DataFrame:
    errors = spec["excel_errors"]["values"]
    lists = spec["lists"]
    null_fields = spec["excel_errors"]["null_fields"]
    error_flags = pl.concat_str(
        [
            pl.when(pl.col(f).is_in(errors)).then(pl.format(f"{f}: Excel error {{}} (null)", f))
            for f in null_fields
        ],
        separator="; ",
        ignore_nulls=True,
    )
    df = df.with_columns(_errors=pl.when(error_flags != "").then(error_flags)).with_columns(
        pl.when(~pl.col(f).is_in(errors)).then(pl.col(f)) for f in null_fields
    )
    years = {f: _year(f) for f in _YEARS}
    url_text = null_markers("url")
    url = url_text.str.extract(r"^(https?://\S+)", 1)
    ai_ml = null_markers("ai_ml").str.to_lowercase()
    flags = [
        *(years[f][1] for f in _YEARS),
        pl.col("_errors"),
        pl.when(url_text.is_not_null() & url.is_null()).then(
            pl.format("url: not an http(s) URL '{}' (null)", url_text)
        ),
        pl.when(ai_ml.is_not_null() & ~ai_ml.is_in(["true", "false"])).then(
            pl.format("ai_ml: '{}' is not true/false (null)", ai_ml)
        ),
    ]
    names = split_names(
        normalize_text(null_markers("us_companies")),
        separators=lists["separators"],
        suffixes=lists["suffixes"],
        prefixes=lists["prefixes"],
    )
    return df.select(
        p_id=null_markers("p_id"),
        country=normalize_text("country"),
        description=normalize_text(null_markers("description")),
        **{f: years[f][0] for f in _YEARS},
        us_companies=normalize_text(null_markers("us_companies")),
        company_ids=firm_ids(names),
        investment_usd=parse_float("investment_usd"),
        ai_ml=ai_ml.replace_strict({"true": True, "false": False}, default=None),
        url=url,
        flags=pl.concat_str(flags, separator="; ", ignore_nulls=True).replace("", None),
        source_file="source_file",
        source_row="source_row",
        _raw="_raw",
    )


def _drop_repeated_ids(df: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A p_id seen in an earlier row (any file) → reject naming that row."""
    marked = df.with_columns(
        _first=pl.col("source_row").first().over("p_id"),
        _first_file=pl.col("source_file").first().over("p_id"),
    )
    other_file = pl.col("_first_file") != pl.col("source_file")
    dup = (pl.col("_first") != pl.col("source_row")) | other_file
    where = pl.when(other_file).then(pl.format("{} ", "_first_file")).otherwise(pl.lit(""))
    rejects = marked.filter(dup).select(
        "source_file",
        "source_row",
        reason=pl.format("p_id '{}' repeats {}source_row {}", "p_id", where, "_first"),
        raw="_raw",
    )
    return marked.filter(~dup).drop("_first", "_first_file", "_raw"), rejects


def read(path: str | Path | Sequence[str | Path]) -> Cleaned:
    """Read and clean one or more registry workbooks.

    Parameters
    ----------
    path : path or sequence of paths
        ``.xlsx`` workbook(s) of the Non-U.S. Data Center Registry.

    Returns
    -------
    Cleaned
        ``data`` with :data:`COLUMNS` in sheet order, ``rejects`` with reasons (``raw``
        holds every cell of the row, error cells as their text), ``rows_in`` per file.

    Raises
    ------
    InputFileError
        A file that is not a workbook, has no such sheet, misses a required header or has
        an undeclared one; two inputs with the same file name.
    """
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
    spec = _spec()
    cleans, rejects, rows_in = [], [], {}
    for one in paths:
        if one.name in rows_in:
            raise InputFileError(one, "file names that are unique among the inputs")
        if not one.is_file():
            raise InputFileError(one, "an existing .xlsx workbook")
        raw = _load(one, spec).with_columns(_reason=_problems(spec))
        bad = raw.filter(pl.col("_reason").is_not_null())
        rejects.append(bad.select("source_file", "source_row", reason="_reason", raw="_raw"))
        cleans.append(_clean(raw.filter(pl.col("_reason").is_null()), spec))
        rows_in[one.name] = raw.height
    data, repeats = _drop_repeated_ids(pl.concat(cleans, how="vertical"))
    # a pl.Schema: polars types cast()'s mapping keys as names, selectors or dtypes (invariant)
    rejected = pl.concat([*rejects, repeats], how="vertical_relaxed").cast(
        pl.Schema(REJECTS_SCHEMA)
    )
    return Cleaned(
        source=SOURCE,
        data=data.select(COLUMNS),
        rejects=rejected.sort("source_file", "source_row"),
        rows_in=rows_in,
    )
