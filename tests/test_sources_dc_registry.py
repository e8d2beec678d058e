"""Non-US data-centre registry reader (``sources.dc_registry``) on workbooks of our own."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import dc_registry_fixture
from layofflab import schemas, tables
from layofflab.errors import InputFileError
from layofflab.pipeline.cli import main
from layofflab.sources import dc_registry
from xlsx_writer import ExcelError, members, write_xlsx

SHEET = "infrastructure project data"
FIXTURE = "dc_registry_sample.xlsx"


@pytest.fixture(scope="module")
def sample(fixtures_dir):
    return fixtures_dir / "ai_events" / FIXTURE


@pytest.fixture(scope="module")
def cleaned(sample):
    return dc_registry.read(sample)


def _sheets(**data_rows):
    """The fixture's sheets with the data sheet replaced (header + rows)."""
    sheets = dict(dc_registry_fixture.SHEETS)
    sheets.update(data_rows)
    return sheets


def test_committed_fixture_is_what_the_generator_writes(sample, tmp_path):
    assert members(dc_registry_fixture.write(tmp_path / "again.xlsx")) == members(sample)


def test_columns_come_from_the_schema_and_the_output_is_valid(cleaned):
    assert dc_registry.COLUMNS == tuple(schemas.DC_REGISTRY.columns)
    schemas.validate_cleaned(cleaned, schemas.DC_REGISTRY, table="dc_registry")


def test_every_row_is_accounted_for(cleaned):
    cleaned.check_conservation()
    n = len(dc_registry_fixture.SHEETS[SHEET]) - 1
    assert cleaned.rows_in == {FIXTURE: n} == {FIXTURE: 14}
    assert sorted([*cleaned.data["source_row"], *cleaned.rejects["source_row"]]) == list(
        range(1, n + 1)
    )


def test_each_dirty_row_is_rejected_with_its_reason(cleaned):
    assert cleaned.rejects.select("source_row", "reason").rows() == [
        (6, "summary row ('# of missing values --->'), not a project"),
        (7, "blank row"),
        (8, "Excel error #REF! in column 'country'"),
        (9, "p_id 'P001' repeats source_row 1"),
        (10, "negative investment_usd -5"),
        (11, "unparseable investment_usd 'about a billion'"),
        (12, "missing country"),
        (14, "Excel error #REF! in column 'us_companies'"),
    ]
    raw = cleaned.rejects.filter(pl.col("source_row") == 14)["raw"].str.json_decode()
    assert raw.struct.field("us_companies").item() == "#REF!"  # the error cell's text, not null


def test_clean_rows_golden(cleaned):
    got = cleaned.data.select(
        "p_id", "country", "year_announced", "year_start", "year_end", "company_ids",
        "investment_usd", "ai_ml", "url", "flags", "source_row",
    )  # fmt: skip
    expected = pl.DataFrame(
        [
            ("P001", "Ireland", 2021, 2022, None, ["AMZN", "GOOGL", "MSFT"], 1e9, True, "https://example.org/p1", None, 1),
            ("P002", "Japan", 2021, None, 2022, ["ORCL"], None, False, None,
             "year_announced: '2021/2022' read as 2021 (the first year); url: Excel error #REF! (null)", 2),
            ("P003", "Chile", None, 2023, None, ["IBM"], 2.5e7, True, "https://example.org/p3",
             "year_start: Excel date 2023-03-15 read as 2023", 3),
            ("P004", "Kenya", 2023, None, 2020, [], None, False, "https://example.org/p4",
             "year_announced: Excel date serial 44974 (2023-02-17) read as 2023; "
             "year_end: '2020 (phase 1), 2025 (phase 2)' read as 2020 (the first year)", 4),
            ("P005", "India", 2019, 2020, None, [], None, False, None,
             "year_end: no year in 'Example supercomputer name' (null); "
             "url: not an http(s) URL 'see annual report' (null)", 5),
            ("P013", "Brazil", 2024, 2025, None, ["MSFT", "NVDA"], 2.5e8, True, "https://example.org/p13", None, 13),
        ],
        schema=got.schema,
        orient="row",
    )  # fmt: skip
    assert_frame_equal(got, expected)


def test_company_lists_keep_legal_suffixes_and_drop_a_leading_and(cleaned):
    p3 = cleaned.data.filter(pl.col("p_id") == "P003")
    assert p3.select("us_companies", "company_ids").row(0) == ("Red Hat, Inc.", ["IBM"])
    p5 = cleaned.data.filter(pl.col("p_id") == "P005")
    assert p5["company_ids"].item().to_list() == []  # CoreWeave, ServiceNow: not study firms


def test_error_cells_are_placed_where_calamine_puts_the_data(tmp_path):
    # The data start in B3 (an empty first row and column): positions follow the used range.
    header = ["p_id", "country", "url", "year_announced", "us_companies",
              "Investments (project-specific)"]  # fmt: skip
    rows = [[], [None, *header], [None, "P1", "Peru", ExcelError("#N/A"), 2020, "Google", 5],
            [None, "P2", "Chad", "https://example.org/2", 2021, None, None]]  # fmt: skip
    path = write_xlsx(tmp_path / "offset.xlsx", {SHEET: rows})
    assert dc_registry.error_cells(path, SHEET).rows() == [(1, 2, "#N/A")]
    c = dc_registry.read(path)
    assert c.data.select("p_id", "url", "flags").rows() == [
        ("P1", None, "url: Excel error #N/A (null)"),
        ("P2", "https://example.org/2", None),
    ]


def test_calamine_alone_reads_an_error_cell_as_empty(sample):
    import fastexcel

    sheet = fastexcel.read_excel(sample).load_sheet_by_name(SHEET, dtypes="string").to_polars()
    assert sheet["url"][1] is None  # hence the XML scan


def test_scratch_sheets_and_the_quotes_sheet_are_not_read(cleaned):
    assert "scratch copy" not in cleaned.data["description"].to_list()
    assert cleaned.data.height + cleaned.rejects.height == 14


def test_missing_sheet_and_not_a_workbook_are_input_errors(sample, tmp_path):
    other = write_xlsx(tmp_path / "other.xlsx", {"readme": [["nothing here"]]})
    with pytest.raises(InputFileError, match=r"other\.xlsx: expected a sheet 'infrastructure"):
        dc_registry.read(other)
    text = tmp_path / "fake.xlsx"
    text.write_text("p_id,country\nP1,Peru\n")
    with pytest.raises(
        InputFileError, match=r"fake\.xlsx: expected an \.xlsx workbook; found calamine"
    ):
        dc_registry.read(text)
    with pytest.raises(InputFileError, match="existing"):
        dc_registry.read(tmp_path / "absent.xlsx")


def test_missing_required_and_undeclared_headers(tmp_path):
    no_country = [["p_id", "url", "year_announced", "us_companies",
                   "Investments (project-specific)"], ["P1", None, 2020, None, None]]  # fmt: skip
    path = write_xlsx(tmp_path / "nocountry.xlsx", _sheets(**{SHEET: no_country}))
    with pytest.raises(InputFileError, match=r"nocountry\.xlsx.*found no \['country'\]"):
        dc_registry.read(path)
    extra = [[*dc_registry_fixture.SHEETS[SHEET][0], "water_use"], ["P1", "Peru"]]
    path = write_xlsx(tmp_path / "extra.xlsx", _sheets(**{SHEET: extra}))
    with pytest.raises(InputFileError, match=r"undeclared \['water_use'\]"):
        dc_registry.read(path)


def test_repeated_ids_across_files_name_the_first_file(sample, tmp_path):
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(sample.read_bytes())
    c = dc_registry.read([sample, copy])
    c.check_conservation()
    again = c.rejects.filter((pl.col("source_file") == "copy.xlsx") & (pl.col("source_row") == 1))
    assert again["reason"].item() == f"p_id 'P001' repeats {FIXTURE} source_row 1"
    assert c.data.filter(pl.col("source_file") == "copy.xlsx").height == 0


def test_registered_table_reads_through_load_and_the_command_line(sample, tmp_path):
    assert tables.TABLES["dc_registry"].inputs == ()
    loaded = tables.load("dc_registry", paths=[sample])
    assert main(["clean", "dc_registry", str(sample), "--out", str(tmp_path)]) == 0
    back = tables.load("dc_registry", paths=[tmp_path])
    assert_frame_equal(back.data, loaded.data)
    assert back.rejects.height == loaded.rejects.height == 8


def test_year_rules_known_answers(tmp_path):
    header = ["p_id", "country", "url", "year_announced", "year_start", "year_end",
              "us_companies", "Investments (project-specific)"]  # fmt: skip
    cells = [("2017", 2017, None), (2017.0, 2017, None), ("1850", None, "no year"),
             (dt.date(2019, 7, 1), 2019, "Excel date"), ("-", None, None),
             ("2015 / 2016", 2015, "first year")]  # fmt: skip
    rows = [header] + [[f"P{i}", "Peru", None, v, None, None, None, None]
                       for i, (v, _, _) in enumerate(cells)]  # fmt: skip
    c = dc_registry.read(write_xlsx(tmp_path / "years.xlsx", {SHEET: rows}))
    assert c.data["year_announced"].to_list() == [y for _, y, _ in cells]
    for flag, (_, _, want) in zip(c.data["flags"], cells, strict=True):
        assert (flag is None) if want is None else (want in flag)
