"""Reading raw text safely (encodings, bad files) and writing atomically."""

from __future__ import annotations

import re

import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from layofflab.errors import InputFileError
from layofflab.io import read_csv_text, sniff_encoding, write_parquet_atomic, write_text_atomic

_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)

TEXT = "company,location\r\nZürich Ñandú AG,Malmö\r\nBéla,Düsseldorf\r\n"
EXPECTED = [
    {"company": "Zürich Ñandú AG", "location": "Malmö"},
    {"company": "Béla", "location": "Düsseldorf"},
]


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_are_sniffed_and_decoded(tmp_path, encoded, encoding):
    path = tmp_path / "f.csv"
    path.write_bytes(encoded)
    assert sniff_encoding(path) == encoding
    assert read_csv_text(path).to_dicts() == EXPECTED


def test_headers_trimmed_deduplicated_and_filler_columns_dropped(tmp_path):
    filler = "," * 300
    path = tmp_path / "state.csv"
    path.write_text(
        f"Company Name ,  Notice Date,Company Name,{filler}\n"
        f"Acme,1/2/2020,Acme Corp{filler}\n"
        f"Beta,1/3/2020,Beta LLC{filler}\n"
    )
    df = read_csv_text(path)
    assert df.columns == ["Company Name", "Notice Date", "Company Name_2"]
    assert df["Company Name_2"].to_list() == ["Acme Corp", "Beta LLC"]


def test_blank_header_column_with_values_is_kept(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("a,,b\n1,x,2\n")
    assert read_csv_text(path).columns == ["a", "column_2", "b"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "expected a non-empty file"),
        ("not_a_csv.csv", "looks binary"),
        ("missing.csv", "expected an existing file"),
    ],
)
def test_bad_files_name_the_file_and_the_expectation(fixtures_dir, name, message):
    path = fixtures_dir / "bad" / name
    with pytest.raises(InputFileError, match=message) as info:
        read_csv_text(path)
    assert str(path) in str(info.value)


def test_truncated_file_is_an_input_error(fixtures_dir):
    with pytest.raises(InputFileError, match=r"layoffs_truncated\.csv"):
        read_csv_text(fixtures_dir / "tracker" / "layoffs_truncated.csv")


def test_missing_required_column_is_named(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(InputFileError, match="column 'date'"):
        read_csv_text(path, required=["a", "date"])


def test_atomic_write_replaces_and_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "out" / "t.parquet"
    write_parquet_atomic(pl.DataFrame({"x": [1]}), target)
    write_parquet_atomic(pl.DataFrame({"x": [2, 3]}), target)
    assert pl.read_parquet(target)["x"].to_list() == [2, 3]
    assert sorted(p.name for p in target.parent.iterdir()) == ["t.parquet"]


def test_failed_atomic_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "t.parquet"
    write_parquet_atomic(pl.DataFrame({"x": [1]}), target)

    def half_write(self, path, *args, **kwargs):
        open(path, "wb").write(b"PAR1 trunc")  # a crash mid-write
        raise OSError("disk full")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", half_write)
    with pytest.raises(OSError, match="disk full"):
        write_parquet_atomic(pl.DataFrame({"x": [2]}), target)
    monkeypatch.undo()
    assert pl.read_parquet(target)["x"].to_list() == [1]
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]
    write_text_atomic("hello", tmp_path / "t.txt")
    assert (tmp_path / "t.txt").read_text() == "hello"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.characters(
                codec="cp1252", exclude_characters=',"\r\n', exclude_categories=["Cc", "Zs"]
            ),
            min_size=1,
            max_size=12,
        ),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_any_cp1252_text_round_trips_in_every_supported_encoding(
    tmp_path_factory, values, encoding
):
    path = tmp_path_factory.mktemp("enc") / "f.csv"
    text = "name\r\n" + "\r\n".join(values) + "\r\n"
    encoded = text.encode(encoding)
    if encoding == "cp1252":
        # cp1252 bytes that also form a multi-byte UTF-8 character ('Â¡' = C3 A1 = '¡') are
        # ambiguous: a file of nothing else is read as UTF-8 (the likelier reading), a row of
        # them among cp1252 rows is rejected as ambiguous (tests/test_bad_input.py).
        assume(_UTF8_MULTIBYTE.search(encoded) is None)
    path.write_bytes(encoded)
    assert read_csv_text(path)["name"].to_list() == values
