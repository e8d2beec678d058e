"""WARN reader on hand-written fixtures in the real layouts (tests/fixtures/warn)."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layofflab.cleaning import first_date_text, parse_count, parse_date
from layofflab.errors import (
    InputFileError,
    InvalidArgumentError,
    LookupMissError,
    SchemaValidationError,
)
from layofflab.io import read_csv_text
from layofflab.schemas import WARN, validate_cleaned
from layofflab.sources import warn
from layofflab.sources._base import Cleaned
from layofflab.sources.warn import reader as warn_reader
from layofflab.sources.warn.dedup import count_once

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def fx(fixtures_dir):
    return fixtures_dir / "warn"


def _read(path, **kw):
    c = warn.read(path, today=TODAY, resolve_entities=False, **kw)
    c.check_conservation()
    return c


def _row(c: Cleaned, n: int) -> dict:
    return c.data.filter(pl.col("source_row") == n).to_dicts()[0]


def _reasons(c: Cleaned) -> dict[int, str]:
    return dict(c.rejects.select("source_row", "reason").iter_rows())


# --- layouts and encodings -------------------------------------------------------------------


def test_every_declared_layout_maps_to_known_fields_and_covers_44_states():
    states = {s for lay in warn.layouts().values() for s in lay.states}
    assert len(states) == 44
    assert {"WA", "NY", "NJ", "CA", "TX"} <= states
    assert warn.layouts()["register"].state_from_column


@pytest.mark.parametrize(
    ("name", "layout", "state", "rows_in"),
    [
        ("ny_dol_annual.csv", "ny_dol_annual", "NY", 11),
        ("ny_tableau.csv", "ny_tableau", "NY", 3),
        ("wa.csv", "wa", "WA", 6),
        ("nj.csv", "nj", "NJ", 3),
        ("ca.csv", "ca", "CA", 4),
        ("tx.csv", "tx", "TX", 3),
        ("ks.csv", "joblink", "KS", 2),
        ("mo.csv", "mo", "MO", 3),
        ("pa.csv", "pa", "PA", 3),
        ("register.csv", "register", None, 7),
    ],
)
def test_layout_detected_and_rows_conserved(fx, name, layout, state, rows_in):
    c = _read(fx / name)
    assert c.rows_in == {name: rows_in}
    assert c.data.height + c.rejects.height == rows_in
    assert set(c.data["layout"]) <= {layout}
    if state:
        assert set(c.data["state"]) == {state}
    assert c.data.columns == list(warn.COLUMNS)


def test_encodings_cp1252_utf16_bom_and_crlf(fx):
    assert _row(_read(fx / "wa.csv"), 1)["employer"] == "Café Cascade"  # cp1252 + CRLF
    assert _row(_read(fx / "nj.csv"), 1)["employer"] == "Garden State Printing"  # UTF-16 BOM
    ca = _read(fx / "ca.csv")  # UTF-8 BOM: first header must not carry it
    assert _row(ca, 1)["notice_date"] == dt.date(2021, 6, 25)


def test_trailing_header_spaces_duplicated_columns_and_excel_filler(fx):
    raw = read_csv_text(fx / "ny_dol_annual.csv")
    assert "Date of WARN Notice" in raw.columns
    assert "Number of Affected Workers_2" in raw.columns
    assert read_csv_text(fx / "tx.csv").width == 8  # 200 empty Excel columns dropped
    assert _row(_read(fx / "tx.csv"), 1)["employees_affected"] == 10


def test_ragged_rows_and_bare_cr_line_ends(fx):
    mo = _read(fx / "mo.csv")
    assert _row(mo, 3)["notes"] == "330 remote workers (18 located in Missouri)"
    pa = _read(fx / "pa.csv")
    assert pa.data.height == 3
    assert _row(pa, 1)["effective_date"] == dt.date(2023, 1, 23)


# --- cleaning rules --------------------------------------------------------------------------


def test_counts_thousands_float_approximate_and_missing(fx):
    ny, wa = _read(fx / "ny_dol_annual.csv"), _read(fx / "wa.csv")
    assert _row(ny, 7)["employees_affected"] == 1200
    assert (_row(ny, 9)["employees_affected"], _row(ny, 9)["employees_approximate"]) == (30, True)
    assert _row(wa, 1)["employees_affected"] == 16000
    assert (_row(wa, 3)["employees_affected"], _row(wa, 3)["employees_approximate"]) == (300, True)
    assert _row(wa, 4)["employees_affected"] is None  # 'NULL'
    nj = _read(fx / "nj.csv")
    assert (_row(nj, 2)["employees_affected"], _row(nj, 2)["employees_approximate"]) == (229, True)
    pa = _read(fx / "pa.csv")
    assert (_row(pa, 3)["employees_affected"], _row(pa, 3)["employees_approximate"]) == (81, True)


def test_negative_count_rejected_with_raw_values(fx):
    ny = _read(fx / "ny_dol_annual.csv")
    bad = ny.rejects.filter(pl.col("source_row") == 11).to_dicts()[0]
    assert bad["reason"] == "negative count"
    assert bad["source_file"] == "ny_dol_annual.csv"
    assert json.loads(bad["raw"])["Business Legal Name"] == "Lumen Labs"


def test_date_formats(fx):
    wa = _read(fx / "wa.csv")
    assert _row(wa, 3)["effective_date"] == dt.date(2026, 3, 1)  # m/d/y
    assert _row(wa, 4)["notice_date"] == dt.date(2025, 6, 1)  # ISO
    assert _row(wa, 5)["effective_date"] == dt.date(2023, 3, 6)  # Excel serial 44991
    assert _row(wa, 5)["notice_date"] == dt.date(2023, 3, 6)  # 'Mar 6, 2023'
    assert _row(_read(fx / "mo.csv"), 2)["effective_date"] == dt.date(2021, 5, 31)  # first of two


def test_impossible_notice_dates_rejected_and_impossible_layoff_dates_dropped(fx):
    """The primary date impossible: rejected. Another date impossible (an effective date typed
    2039, a layoff in 1911): that date is missing, kept in notes, flagged; the notice stays."""
    assert (
        _reasons(_read(fx / "ny_dol_annual.csv"))[10]
        == "implausible notice_date (after 2027-11-28)"
    )
    assert _reasons(_read(fx / "register.csv"))[7] == "implausible notice_date (before 1988-08-04)"
    solar = _row(_read(fx / "ca.csv"), 4)
    assert (solar["effective_date"], solar["notice_date"]) == (None, dt.date(2021, 3, 1))
    assert solar["flags"] == "effective_date_implausible"
    assert solar["notes"] == "effective_date implausible: 03/15/2039"
    rigging = _row(_read(fx / "tx.csv"), 3)
    assert (rigging["effective_date"], rigging["employees_affected"]) == (None, 450)
    assert "effective_date implausible: 1911-10-31" in rigging["notes"]


def test_unreadable_secondary_date_kept_in_notes(fx):
    tx = _read(fx / "tx.csv")
    row = _row(tx, 2)
    assert row["received_date"] is None
    assert row["notes"] == "received_date not understood: 15855"


def test_missing_employer_and_missing_date_rejected(fx):
    assert _reasons(_read(fx / "wa.csv"))[6] == "missing employer"
    assert _reasons(_read(fx / "nj.csv"))[3] == "missing date"


def test_text_html_entities_nfc_and_whitespace(fx):
    ny = _read(fx / "ny_dol_annual.csv")
    assert _row(ny, 9)["employer"] == "Ben & Jerry’s Fixtures"
    assert _row(ny, 1)["site_address"] == "10 Hudson Yards New York, NY, 10001"
    assert _row(_read(fx / "ca.csv"), 1)["employer"] == "Bridal Boutique’s Inc."


def test_layoff_types_canonical(fx):
    ny = _read(fx / "ny_dol_annual.csv")
    assert (_row(ny, 9)["layoff_type"], _row(ny, 9)["layoff_type_raw"]) == (
        "temporary_layoff",
        "Layoff Temporary",
    )
    assert _row(_read(fx / "wa.csv"), 5)["layoff_type"] == "temporary_closure"
    assert _row(_read(fx / "register.csv"), 2)["layoff_type"] == "layoff"  # mass_layoff


# --- notices: sites, re-postings, amendments, rescissions -----------------------------------


def test_sites_of_one_notice_are_kept_and_counted(fx):
    ny = _read(fx / "ny_dol_annual.csv")
    zenith = ny.data.filter(pl.col("employer") == "Zenith Widgets")
    assert zenith["source_row"].to_list() == [1, 2, 3]
    assert zenith["notice_id"].n_unique() == 1
    assert zenith["counted"].all()
    assert count_once(zenith)["employees_affected"].sum() == 59


def test_florida_company_cell_split_into_employer_and_site_address(fx):
    """FL DEO cells hold the company on the first line and the site's address below it."""
    fl = _read(fx / "fl.csv")
    assert fl.data.select("employer", "site_address").rows() == [
        ("Gator Grocers, Inc.", "Store 114 12 S. Main Street GAINESVILLE, FL, 32601"),
        ("Seabreeze Cruises LLC", "1 Harbor Boulevard, Suite 5 MIAMI, FL, 33132"),
        ("Palm Analytics", None),
    ]
    assert fl.data["location"].eq_missing(fl.data["site_address"]).all()  # no location column
    assert fl.data["notice_date"].to_list() == [
        dt.date(2022, 3, 17),
        dt.date(2017, 9, 1),
        dt.date(2022, 2, 8),
    ]
    assert fl.data["effective_date"][0] == dt.date(2022, 6, 11)


def test_exact_reposting_rejected_as_duplicate(fx):
    assert _reasons(_read(fx / "ny_dol_annual.csv"))[4] == "duplicate of source_row 3"
    assert _reasons(_read(fx / "ny_tableau.csv"))[2] == "duplicate of source_row 1"


def test_reposting_on_layoff_date_rejected(fx):
    assert _reasons(_read(fx / "wa.csv"))[2] == "duplicate of source_row 1"
    assert _reasons(_read(fx / "register.csv"))[3] == "duplicate of source_row 2"


def test_duplicate_across_files_names_the_first_file(fx, tmp_path):
    copy = tmp_path / "ny_copy.csv"
    shutil.copy(fx / "ny_dol_annual.csv", copy)
    c = _read([fx / "ny_dol_annual.csv", copy])
    again = c.rejects.filter(pl.col("source_file") == "ny_copy.csv")
    assert again.filter(pl.col("source_row") == 1)["reason"].item() == (
        "duplicate of ny_dol_annual.csv source_row 1"
    )
    assert c.rows_in == {"ny_dol_annual.csv": 11, "ny_copy.csv": 11}


@pytest.mark.parametrize("order", [1, -1])
def test_register_copy_of_a_state_files_notice_is_rejected_and_the_sites_kept(fx, order):
    """The register merged Zenith's three NY sites of 2025-10-28 into one row of 1 worker; read
    beside NY's own file, that row is rejected and the notice counts the sites' 59 once."""
    files = [fx / "register.csv", fx / "ny_dol_annual.csv"][::order]
    both, register = _read(files), _read(fx / "register.csv")
    reasons = dict(
        both.rejects.filter(pl.col("source_file") == "register.csv")
        .select("source_row", "reason")
        .iter_rows()
    )
    assert reasons[1] == (
        "duplicate of ny_dol_annual.csv source_row 1 (the state's own file lists this notice)"
    )
    zenith = both.data.filter(pl.col("employer") == "Zenith Widgets")
    assert set(zenith["source_file"]) == {"ny_dol_annual.csv"}
    assert count_once(zenith)["employees_affected"].sum() == 59
    # The register's notices of other states stay, as read alone.
    others = both.data.filter(pl.col("source_file") == "register.csv")
    alone = register.data.filter(pl.col("state") != "NY")
    assert others["source_row"].to_list() == alone["source_row"].to_list()
    assert both.rows_in == {"register.csv": 7, "ny_dol_annual.csv": 11}


def test_summary_counts_reasons_of_one_kind_together(fx, tmp_path):
    copy = tmp_path / "ny_copy.csv"
    shutil.copy(fx / "ny_dol_annual.csv", copy)
    c = _read([fx / "register.csv", fx / "ny_dol_annual.csv", copy])
    rejected = c.summary().filter(pl.col("outcome") == "rejected")
    counts = {(f, r): n for f, r, n in rejected.select("source_file", "reason", "rows").rows()}
    assert counts[("ny_copy.csv", "duplicate of ny_dol_annual.csv source_row N")] == 9
    assert counts[("ny_dol_annual.csv", "duplicate of source_row N")] == 1
    assert counts[("register.csv", "duplicate of source_row N")] == 1
    key = (
        "register.csv",
        "duplicate of ny_dol_annual.csv source_row N (the state's own file lists this notice)",
    )
    assert counts[key] == 1
    # Each row keeps its own reason in the rejects table.
    assert c.rejects.filter(pl.col("source_file") == "ny_copy.csv")["reason"].n_unique() > 1


def test_compiled_copy_matched_on_effective_date_and_count_when_notice_dates_differ():
    from layofflab.sources.warn.dedup import reject_compiled_copies, with_keys

    d = dt.date
    df = pl.DataFrame(
        {
            "state": ["NJ", "NJ", "NJ"],
            "employer": ["DHL Supply Chain", "DHL Supply Chain", "DHL Supply Chain"],
            "notice_date": [d(2022, 2, 1), None, d(2022, 2, 1)],
            "effective_date": [d(2022, 4, 1), d(2022, 4, 1), d(2022, 6, 1)],
            "employees_affected": [69, 69, 12],
            "location": ["Keasbey", "Keasbey", "Edison"],
            "layout": ["register", "nj", "register"],
            "source_file": ["register/nj.csv", "nj.csv", "register/nj.csv"],
            "source_row": [4, 9, 5],
        }
    )
    kept, dups = reject_compiled_copies(with_keys(df), compiled=frozenset({"register"}))
    assert dups.select("source_row", "reason").rows() == [
        (4, "duplicate of nj.csv source_row 9 (the state's own file lists this notice)")
    ]
    # Another notice of the same employer that the state file does not list stays.
    assert kept["source_row"].to_list() == [9, 5]
    assert kept["_order"].to_list() == [0, 1]


def test_amendment_linked_and_counted_once(fx):
    ny = _read(fx / "ny_dol_annual.csv")
    orig, amended = _row(ny, 7), _row(ny, 8)
    assert amended["is_amendment"] and not orig["is_amendment"]
    assert (amended["amends_source_file"], amended["amends_source_row"]) == ("ny_dol_annual.csv", 7)
    assert amended["notice_id"] == orig["notice_id"]
    assert (orig["counted"], amended["counted"]) == (False, True)


def test_amendment_links_only_within_its_own_notice_id_every_time():
    """Two notices of one employer on one day (their own ids), then amendments: one carrying the
    second notice's id links to it, one carrying an id of its own links to nothing (OH's Ryder
    011-19-029 is no amendment of 011-19-025) — and the same on every run (no hash order)."""
    from layofflab.sources.warn.dedup import link_amendments, with_keys

    d = dt.date
    rows = []
    for k in range(40):
        for n, (date, amended, nid) in enumerate(
            [
                (d(2024, 1, 8), False, f"{k:03d}-0"),
                (d(2024, 1, 8), False, f"{k:03d}-1"),
                (d(2024, 3, 1), True, f"{k:03d}-1"),
                (d(2024, 3, 2), True, f"{k:03d}-9"),
            ]
        ):
            rows.append((f"Firm {k}", date, amended, nid, 4 * k + n + 1))
    df = pl.DataFrame(
        rows,
        schema=["employer", "notice_date", "is_amendment", "source_notice_id", "source_row"],
        orient="row",
    ).with_columns(
        state=pl.lit("OH"),
        effective_date=pl.lit(None, dtype=pl.Date),
        source_file=pl.lit("oh.csv"),
    )
    for _ in range(3):
        linked = link_amendments(with_keys(df)).filter("is_amendment")
        expected = [v for k in range(40) for v in (4 * k + 2, None)]
        assert linked["amends_source_row"].to_list() == expected
        ids = [v for k in range(40) for v in (f"OH:{k:03d}-1", f"OH:{k:03d}-9")]
        assert linked["notice_id"].to_list() == ids


def test_rescinded_notice_not_counted(fx):
    ny = _read(fx / "ny_dol_annual.csv")
    rescission, original = _row(ny, 5), _row(ny, 6)
    assert rescission["is_rescission"] and rescission["amends_source_row"] == 6
    assert not rescission["counted"] and not original["counted"]
    ca = _read(fx / "ca.csv")
    assert _row(ca, 3)["is_rescission"] and not _row(ca, 3)["counted"]


def test_register_flags_and_extra_columns(fx):
    reg = _read(fx / "register.csv")
    assert (_row(reg, 5)["register_is_amended"], _row(reg, 5)["counted"]) == (True, False)
    assert _row(reg, 6)["amends_source_row"] == 5
    assert _row(reg, 4)["notice_date"] is None and _row(reg, 4)["naics"] == "322211"
    assert (_row(reg, 1)["register_cik"], _row(reg, 1)["register_ticker"]) == ("999001", "ZNTH")


def test_register_row_flagged_amended_counts_unless_an_amendment_row_supersedes_it(fx, tmp_path):
    """The register updates a notice in place: ``is_amended`` marks the current version."""
    lines = (fx / "register.csv").read_text().splitlines()
    alone = tmp_path / "register_alone.csv"
    alone.write_text(
        "\n".join([lines[0], lines[5]]) + "\n"
    )  # the flagged row, without its amendment
    row = _row(_read(alone), 1)
    assert (row["register_is_amended"], row["counted"]) == (True, True)


# --- errors ----------------------------------------------------------------------------------


def test_shared_layout_needs_a_state(fx, tmp_path):
    other = tmp_path / "joblink_export.csv"
    shutil.copy(fx / "ks.csv", other)
    with pytest.raises(InvalidArgumentError, match="state"):
        warn.read(other, resolve_entities=False)
    assert set(_read(other, state="me").data["state"]) == {"ME"}


def test_unknown_header_of_a_known_layout_is_a_lookup_miss(fx, tmp_path):
    text = (
        (fx / "wa.csv")
        .read_bytes()
        .decode("cp1252")
        .replace("Received Date", "Received Date,Shift")
    )
    lines = text.split("\r\n")
    lines[1] += ",night"
    bad = tmp_path / "wa.csv"
    bad.write_text("\r\n".join(lines), encoding="utf-8")
    with pytest.raises(LookupMissError) as err:
        warn.read(bad)
    assert (err.value.source, err.value.column, err.value.value) == ("warn WA", "Shift", "night")


def test_headers_of_no_layout_name_file_and_expected(tmp_path):
    bad = tmp_path / "mystery.csv"
    bad.write_text("alpha,beta,gamma\n1,2,3\n", encoding="utf-8")
    with pytest.raises(
        InputFileError, match=r"mystery\.csv.*expected a WARN file.*\(register, ca_register, ak, al"
    ):
        warn.read(bad)
    half = tmp_path / "half.csv"  # three WA headers of eight: too few to be that layout
    half.write_text("Company,Location,Layoff Start Date,a,b,c,d,e\nAcme,Seattle,1,2,3,4,5,6\n")
    with pytest.raises(
        InputFileError, match=r"the closest, wa, has Company,Location,Layoff Start Date"
    ):
        warn.read(half)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "non-empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b'Company,Location\n"Acme,Seattle\n', "well-formed"),
    ],
)
def test_bad_files_raise_input_file_error(tmp_path, content, message):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    with pytest.raises(InputFileError, match=message):
        warn.read(bad)


def test_bad_format_argument(fx):
    with pytest.raises(InvalidArgumentError, match="format"):
        warn.read(fx / "wa.csv", format="excel")  # type: ignore[arg-type]
    with pytest.raises(InputFileError):
        warn.read(fx / "wa.csv", format="register")


# --- schema ----------------------------------------------------------------------------------


def test_output_validates_and_a_broken_table_does_not(fx):
    c = _read(fx / "ny_dol_annual.csv")
    assert validate_cleaned(c, WARN, table="warn") is c
    broken = Cleaned("warn", c.data.with_columns(state=pl.lit("New York")), c.rejects, c.rows_in)
    with pytest.raises(SchemaValidationError, match="state"):
        validate_cleaned(broken, WARN, table="warn")


# --- properties ------------------------------------------------------------------------------

_FORMATS = ["{:,}", "{}.0", "~{}", "Up to {:,}", " {} "]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 1_000_000), st.sampled_from(_FORMATS)), min_size=1, max_size=50
    )
)
def test_parse_count_round_trips_formatted_integers(cases):
    texts = [template.format(n) for n, template in cases]
    parsed = pl.DataFrame({"t": texts}).select(parse_count("t")).to_series().to_list()
    assert parsed == [n for n, _ in cases]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.dates(min_value=dt.date(1988, 1, 1), max_value=dt.date(2027, 12, 31)),
        min_size=1,
        max_size=50,
    ),
    st.sampled_from(["%m/%d/%Y", "%Y-%m-%d", "%b %d, %Y", "%B %d, %Y", "%Y-%m-%d 00:00:00"]),
)
def test_parse_date_round_trips_and_first_date_picks_the_start(days, fmt):
    texts = [d.strftime(fmt) for d in days]
    df = pl.DataFrame({"t": texts, "r": [f"{t} thru 01/02/2028" for t in texts]})
    out = df.select(whole=parse_date("t"), first=parse_date(first_date_text("r")))
    assert out["whole"].to_list() == days
    assert out["first"].to_list() == days


# --- large-file paths ------------------------------------------------------------------------


def _big_copy(fx, tmp_path, n=25_000):
    """The NY fixture's rows repeated with distinct employers: enough for per-value cleaning."""
    raw = (fx / "ny_dol_annual.csv").read_text(encoding="utf-8").splitlines()
    body = [
        line.replace("Widgets", f"Widgets {i}", 1) for i in range(n // 11 + 1) for line in raw[1:]
    ]
    path = tmp_path / "ny_big.csv"
    path.write_text("\n".join([raw[0], *body[:n]]) + "\n", encoding="utf-8")
    return path


def test_per_value_cleaning_equals_row_by_row(fx, tmp_path, monkeypatch):
    path = _big_copy(fx, tmp_path)
    fast = _read(path)
    monkeypatch.setattr(warn_reader, "_PER_VALUE_MIN", 10**9)
    slow = _read(path)
    assert fast.data.equals(slow.data)
    assert fast.rejects.equals(slow.rejects)


def test_per_value_survives_hash_collisions(fx, tmp_path, monkeypatch):
    path = _big_copy(fx, tmp_path)
    expected = _read(path)
    monkeypatch.setattr(
        pl.DataFrame,
        "hash_rows",
        lambda self, *a, **k: pl.repeat(7, self.height, dtype=pl.UInt64, eager=True),
    )
    got = _read(path)
    assert got.data.equals(expected.data)


def test_streaming_sink_matches_read(fx, tmp_path):
    from layofflab.sources.warn import stream as warn_stream

    path = _big_copy(fx, tmp_path)
    counts = warn_stream.sink(path, tmp_path / "out", today=TODAY, batch_rows=7_000)
    c = _read(path)
    assert counts == {"rows_in": 25_000, "clean": c.data.height, "rejected": c.rejects.height}
    streamed = pl.read_parquet(tmp_path / "out" / "warn.parquet").sort("source_row")
    assert streamed["employees_affected"].equals(c.data["employees_affected"])
    rejects = pl.read_parquet(tmp_path / "out" / "warn.rejects.parquet").sort("source_row")
    assert rejects.select("source_row", "reason").equals(c.rejects.select("source_row", "reason"))
    with pytest.raises(InputFileError, match="UTF-8"):
        warn_stream.sink(fx / "wa.csv", tmp_path / "out2")


# --- the layout table itself (warn_states.toml) ----------------------------------------------


@pytest.fixture
def layout_table(tmp_path, monkeypatch):
    """Write a changed copy of warn_states.toml and make the loaders read it."""
    import sys

    from layofflab import config, lookups

    layouts_module = sys.modules["layofflab.sources.warn.layouts"]

    def write(old: str, new: str):
        text = (config.RESOURCES / "warn_states.toml").read_text()
        assert old in text
        (tmp_path / "warn_states.toml").write_text(text.replace(old, new, 1))
        monkeypatch.setattr(config, "RESOURCES", tmp_path)
        layouts_module.layouts.cache_clear()
        lookups.load_toml.cache_clear()
        return layouts_module.layouts

    yield write
    monkeypatch.undo()
    layouts_module.layouts.cache_clear()
    lookups.load_toml.cache_clear()


def test_unknown_layout_key_is_a_one_line_error_naming_layout_and_key(layout_table):
    load = layout_table("[layouts.mi]\nfirst_count = true", "[layouts.mi]\nfirts_count = true")
    with pytest.raises(InputFileError) as err:
        load()
    message = str(err.value)
    assert "\n" not in message
    assert "column 'layouts.mi', value 'firts_count'" in message
    assert "expected a layout key among" in message and "first_count" in message


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ('amendments = "add"', 'amendments = "adds"', "layouts.ia.amendments"),
        ("max_count = 20000", "max_count = -5", "layouts.nj.max_count"),
        ('column = "permanent_job_losses"', 'column = "permanent_losses"', "count_by_date"),
        ('"Received Date" = "notice_date"', '"Received Date" = "notice_day"', "Received Date"),
    ],
)
def test_layout_value_of_the_wrong_kind_is_an_error(layout_table, old, new, where):
    load = layout_table(old, new)
    with pytest.raises(InputFileError, match=where):
        load()


def test_every_layout_key_in_the_table_is_used_by_some_layout():
    """No documented key that nothing uses: each key the loader knows appears in a layout."""
    import tomllib

    from layofflab import config
    from layofflab.sources.warn.layouts import _KEYS

    table = tomllib.loads((config.RESOURCES / "warn_states.toml").read_text())
    used = {key for spec in table["layouts"].values() for key in spec}
    assert set(_KEYS) == used
    header = (config.RESOURCES / "warn_states.toml").read_text().split("[rules]")[0]
    for key in _KEYS:  # and every key is documented in the table's header
        assert f" {key} " in header or f".{key}]" in header, key


def test_warn_modules_stay_readable_in_one_sitting():
    from layofflab import config

    sizes = {
        p.name: len(p.read_text().splitlines())
        for p in (config.PACKAGE_DIR / "sources" / "warn").glob("*.py")
    }
    assert {"layouts.py", "fields.py", "reader.py", "keys.py", "versions.py"} <= set(sizes)
    assert max(sizes.values()) <= 400, sizes
