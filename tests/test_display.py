"""show_table: what a reader sees of a table, in a notebook, a report and a terminal."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pytest

from layofflab.display import MIMETYPE, format_cells, show_table, table_bundle, table_css


def test_numbers_get_thousands_separators_and_only_the_decimals_they_carry():
    df = pl.DataFrame({"n": [1234567, 12], "x": [0.5, 1234.25], "d": [dt.date(2025, 10, 28), None]})
    assert format_cells(df).rows() == [
        ("1,234,567", "0.50", "2025-10-28"),
        ("12", "1,234.25", "—"),
    ]
    assert format_cells(df, decimals=1)["x"].to_list() == ["0.5", "1,234.2"]


def test_every_row_is_shown_or_a_stated_first_n_of_m(capsys):
    df = pl.DataFrame({"company": [f"firm {i}" for i in range(260)], "laid_off": range(260)})
    show_table(df)
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "first 200 of 260 rows" and len(out) == 1 + 200 + 1
    show_table(df, max_rows=300)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 261 and "first" not in out[-1]


def test_bundle_escapes_data_and_keeps_every_row_in_the_csv():
    evil = "<img src=x onerror=alert(1)>"
    df = pl.DataFrame({"company": [evil, "B & C", "D"], "laid_off": [1000, None, 3]})
    bundle = table_bundle(
        df, max_rows=2, title="Top <firms>", note="counts as <reported>", export=True
    )
    html = bundle["text/html"]
    assert evil not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Top &lt;firms&gt;" in html and "counts as &lt;reported&gt;" in html
    assert "<style" not in html and html.startswith('<div class="lf-table" id="lf-table-')
    assert "first 2 of 3 rows" in html and "— no value" in html
    meta = bundle[MIMETYPE]
    assert (meta["rows"], meta["shown"]) == (3, 2)
    assert pl.read_csv(io.StringIO(meta["csv"])).equals(df)
    assert "\\textless{}img src=x onerror=alert(1)\\textgreater{}" in meta["latex"]
    assert "1,000" in meta["latex"] and "D &" not in meta["latex"]  # LaTeX: the shown rows
    assert bundle["text/plain"].splitlines()[1].strip().startswith("<img src=x")


def test_tables_are_numbered_in_display_order():
    df = pl.DataFrame({"a": [1, 2]})
    first, second = table_bundle(df)["text/html"], table_bundle(df)["text/html"]
    n = int(first.split('id="lf-table-')[1].split('"')[0])
    assert f'id="lf-table-{n + 1}"' in second
    assert first.replace(f"lf-table-{n}", "X") == second.replace(f"lf-table-{n + 1}", "X")


def test_table_css_styles_the_class_not_an_id():
    css = table_css()
    assert ".lf-table .gt_table" in css and "#lf-css" not in css


@pytest.mark.parametrize("value", [float("nan"), None])
def test_a_missing_number_is_a_dash_explained_under_the_table(value, capsys):
    show_table(pl.DataFrame({"p": [0.25, value]}, schema={"p": pl.Float64}))
    out = capsys.readouterr().out.splitlines()
    assert out[2].strip() == "—" and out[-1] == "— no value"


def test_a_missing_text_is_blank():
    assert format_cells(pl.DataFrame({"reason": ["dup", None]}))["reason"].to_list() == ["dup", ""]


def test_tables_carry_csv_and_latex_only_in_a_report_run():
    from layofflab import display

    df = pl.DataFrame({"a": [1]})
    assert MIMETYPE not in table_bundle(df)
    display.export_tables(True)
    try:
        assert MIMETYPE in table_bundle(df)
    finally:
        display.export_tables(False)
