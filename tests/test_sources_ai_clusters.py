"""Epoch AI supercomputers reader (``sources.ai_clusters``) and ``cluster_events`` on fixtures."""

from __future__ import annotations

import csv
import datetime as dt
import io

import polars as pl
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from layofflab import schemas, tables
from layofflab.errors import InputFileError, InvalidArgumentError
from layofflab.pipeline.cli import main
from layofflab.sources import _ai_events, ai_clusters

FIXTURE = "ai_supercomputers_sample.csv"
STUDY_FIRMS = {
    "AMZN", "MSFT", "GOOGL", "META", "AAPL", "ORCL", "CRM", "INTC", "IBM", "CSCO", "DELL",
    "HPQ", "NVDA",
}  # fmt: skip


@pytest.fixture(scope="module")
def sample(fixtures_dir):
    return fixtures_dir / "ai_events" / FIXTURE


@pytest.fixture(scope="module")
def cleaned(sample):
    return ai_clusters.read(sample)


def _rows(path):
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _write(path, rows):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_columns_come_from_the_schema_and_the_output_is_valid(cleaned):
    assert ai_clusters.COLUMNS == tuple(schemas.AI_CLUSTERS.columns)
    schemas.validate_cleaned(cleaned, schemas.AI_CLUSTERS, table="ai_clusters")


def test_every_row_is_accounted_for(cleaned, sample):
    cleaned.check_conservation()
    n_raw = len(_rows(sample)) - 1
    assert cleaned.rows_in == {FIXTURE: n_raw} == {FIXTURE: 18}
    rows = sorted([*cleaned.data["source_row"], *cleaned.rejects["source_row"]])
    assert rows == list(range(1, n_raw + 1))


def test_each_dirty_row_is_rejected_with_its_reason(cleaned):
    assert cleaned.rejects.select("source_row", "reason").rows() == [
        (6, "unknown status 'Rumoured' (expected Existing, Planned, Decommissioned)"),
        (7, "missing name"),
        (10, "exact duplicate of source_row 4"),
        (11, "unparseable first_operational_date 'sometime 2024'"),
        (12, "negative power_mw -5"),
        (14, "unparseable h100_equivalents 'lots'"),
        (15, "unrecognised possible_duplicate 'Maybe' (expected True/False or blank)"),
        (16, "unknown certainty 'Possible' (expected Confirmed, Likely, Unlikely)"),
        (18, "implausible first_operational_date 1970-01-01 (not 1990-01-01..2100-12-31)"),
    ]
    raw = pl.Series(cleaned.rejects.filter(pl.col("source_row") == 12)["raw"]).str.json_decode()
    assert raw.struct.field("Power Capacity (MW)").item() == "-5"
    assert raw.struct.field("Name").item() == "Example Negative Power"


def test_clean_rows_golden(cleaned):
    got = cleaned.data.select(
        "source_row", "name", "status", "owners", "company_id", "company_ids",
        "first_operational_date", "first_operational_note", "h100_equivalents",
        "possible_duplicate", "anonymized", "source_url",
    )  # fmt: skip
    d = dt.date
    expected = pl.DataFrame(
        [
            (1, "Example Meta Cluster 1", "existing", ["Meta AI"], "META", ["META"], d(2022, 1, 24), None, 6080.0, False, False, "https://example.org/meta-1"),
            (2, "Example Google Pod", "existing", ["Google"], "GOOGL", ["GOOGL"], d(2023, 5, 10), None, None, False, False, "https://example.org/google-pod"),
            (3, "Example Planned Campus", "planned", ["OpenAI", "Oracle"], "ORCL", ["ORCL"], None, "Planned 2026", 400000.0, False, False, "https://example.org/campus"),
            (4, "Example Joint Cluster", "existing", ["Amazon", "NVIDIA"], "AMZN", ["AMZN", "NVDA"], d(2024, 11, 2), None, 20000.0, False, False, "https://example.org/joint"),
            (5, "Example Google Pod (generic)", "existing", ["Google"], "GOOGL", ["GOOGL"], d(2023, 6, 1), None, 4000.0, True, False, None),
            (8, "Anonymized Chinese System", "existing", [], None, [], d(2019, 11, 15), None, 30.0, False, True, None),
            (9, "Anonymized Chinese System", "existing", [], None, [], d(2019, 11, 15), None, 30.0, False, True, None),
            (13, "Example Lab Cluster", "decommissioned", ["Hewlett Packard Enterprise"], None, [], d(2021, 6, 1), None, 900.0, False, False, "http://example.org/lab"),
            (17, "Example Azure Cluster", "existing", ["Microsoft", "OpenAI"], "MSFT", ["MSFT"], d(2023, 11, 8), None, 14400.0, False, False, "https://example.org/azure"),
        ],
        schema=got.schema,
        orient="row",
    )  # fmt: skip
    assert_frame_equal(got, expected)


def test_embedded_newlines_stay_inside_their_field(cleaned, sample):
    text = sample.read_text(encoding="utf-8")
    assert text.count("\n") > len(_rows(sample))  # newlines inside quoted fields
    assert "Example Azure\nCluster" in text
    assert "Example Azure Cluster" in cleaned.data["name"].to_list()


def test_first_http_url_among_the_sources_is_kept(cleaned):
    row = cleaned.data.filter(pl.col("source_row") == 2)
    assert row["source_url"].item() == "https://example.org/google-pod"  # Source 1 is not a URL


def test_missing_required_header_names_the_file_and_the_headers(sample, tmp_path):
    rows = _rows(sample)
    col = rows[0].index("Status")
    bad = _write(tmp_path / "no_status.csv", [r[:col] + r[col + 1 :] for r in rows])
    with pytest.raises(InputFileError, match=r"no_status\.csv.*'Status'.*found no \['Status'\]"):
        ai_clusters.read(bad)


def test_undeclared_header_is_an_error(sample, tmp_path):
    rows = _rows(sample)
    bad = _write(
        tmp_path / "extra.csv", [[*rows[0], "Carbon Intensity"]] + [[*r, ""] for r in rows[1:]]
    )
    with pytest.raises(InputFileError, match=r"extra\.csv.*undeclared \['Carbon Intensity'\]"):
        ai_clusters.read(bad)


def test_headers_match_case_and_spacing_insensitively(sample, tmp_path):
    rows = _rows(sample)
    rows[0] = [f"  {h.upper()} " for h in rows[0]]
    again = ai_clusters.read(_write(tmp_path / "upper.csv", rows))
    assert again.data.drop("source_file").equals(ai_clusters.read(sample).data.drop("source_file"))


def test_optional_headers_may_be_absent(sample, tmp_path):
    rows = _rows(sample)
    drop = {rows[0].index(h) for h in ("First Operational Date Note", "Source 2", "Source 5")}
    slim = _write(
        tmp_path / "slim.csv", [[v for i, v in enumerate(r) if i not in drop] for r in rows]
    )
    c = ai_clusters.read(slim)
    c.check_conservation()
    assert c.data["first_operational_note"].null_count() == c.data.height
    assert c.data.filter(pl.col("source_row") == 2)["source_url"].item() is None


def test_exact_duplicates_across_files_are_rejected_but_anonymized_rows_kept(sample, tmp_path):
    copy = tmp_path / "second.csv"
    copy.write_bytes(sample.read_bytes())
    c = ai_clusters.read([sample, copy])
    c.check_conservation()
    second = c.rejects.filter(pl.col("source_file") == "second.csv")
    assert second.filter(pl.col("source_row") == 1)["reason"].item() == (
        f"exact duplicate of {FIXTURE} source_row 1"
    )
    kept = c.data.filter(pl.col("source_file") == "second.csv")["source_row"].to_list()
    assert kept == [8, 9]  # the anonymized systems
    with pytest.raises(InputFileError, match="unique"):
        ai_clusters.read([sample, sample])


def test_firm_table_lists_only_study_firms_and_never_guesses():
    table = _ai_events.firm_table()
    assert set(table["company_id"]) <= STUDY_FIRMS
    names = pl.DataFrame({"n": [["HPE", "Hewlett Packard Enterprise", "OpenAI", "Metaverse Inc"],
                                ["Dell Technologies", "Meta AI", "AWS"]]})  # fmt: skip
    got = names.select(_ai_events.firm_ids(pl.col("n")))["n"].to_list()
    assert got == [[], ["DELL", "META", "AMZN"]]


def test_format_file_rejects_unknown_keys(monkeypatch):
    spec = dict(_ai_events.load_toml("ai_clusters.toml"))
    spec["colums"] = {}
    monkeypatch.setattr(_ai_events, "load_toml", lambda name: spec)
    with pytest.raises(InvalidArgumentError, match="colums"):
        ai_clusters.read([])


def test_registered_table_reads_through_load_and_the_command_line(sample, tmp_path, capsys):
    table = tables.TABLES["ai_clusters"]
    assert (table.source, table.inputs) == ("ai_clusters", ())
    loaded = tables.load("ai_clusters", paths=[sample])
    assert main(["clean", "ai_clusters", str(sample), "--out", str(tmp_path)]) == 0
    assert "wrote" in capsys.readouterr().out
    back = tables.load("ai_clusters", paths=[tmp_path / "ai_clusters.parquet"])
    assert_frame_equal(back.data, loaded.data)
    assert_frame_equal(back.rejects, loaded.rejects)
    with pytest.raises(InvalidArgumentError, match="no shipped default"):
        tables.load("ai_clusters")


def test_cluster_events_quarterly_counts_each_firm_of_a_shared_cluster(cleaned):
    got = ai_clusters.cluster_events(cleaned.data, freq="quarter")
    d = dt.date
    expected = pl.DataFrame(
        [
            ("AMZN", d(2024, 10, 1), 1, 20000.0, 1, 28.0, 1, 1),
            ("GOOGL", d(2023, 4, 1), 1, None, 0, None, 0, 0),
            ("META", d(2022, 1, 1), 1, 6080.0, 1, 20.5, 1, 0),
            ("MSFT", d(2023, 10, 1), 1, 14400.0, 1, 19.6, 1, 0),
            ("NVDA", d(2024, 10, 1), 1, 20000.0, 1, 28.0, 1, 1),
        ],
        schema=got.schema,
        orient="row",
    )
    assert_frame_equal(got, expected)


def test_cluster_events_options(cleaned):
    first = ai_clusters.cluster_events(cleaned.data, freq="quarter", owners="first")
    assert "NVDA" not in first["company_id"].to_list()
    keep = ai_clusters.cluster_events(cleaned.data, freq="month", duplicates="keep")
    google = keep.filter(pl.col("company_id") == "GOOGL")
    assert google.select("period", "clusters", "h100_equivalents").rows() == [
        (dt.date(2023, 5, 1), 1, None),
        (dt.date(2023, 6, 1), 1, 4000.0),
    ]
    with pytest.raises(InvalidArgumentError, match="freq"):
        ai_clusters.cluster_events(cleaned.data, freq="year")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="owners"):
        ai_clusters.cluster_events(cleaned.data, freq="month", owners="all")  # type: ignore[arg-type]


def test_cluster_events_sums_match_the_rows_they_count(cleaned):
    data = pl.concat([cleaned.data] * 3)  # three identical copies: counts triple
    got = ai_clusters.cluster_events(data, freq="quarter")
    once = ai_clusters.cluster_events(cleaned.data, freq="quarter")
    assert got["clusters"].to_list() == [3 * n for n in once["clusters"]]
    assert got["h100_equivalents"].fill_null(0).to_list() == pytest.approx(
        [3 * v for v in once["h100_equivalents"].fill_null(0)]
    )


_STATUS = st.sampled_from(["Existing", "Planned", "Decommissioned", "Rumoured", ""])
_NUMBER = st.sampled_from(["", "10", "2.5", "-1", "lots", "1e3"])
_DATE = st.sampled_from(["", "2024-05-01", "1970-01-01", "soon", "2031-12-31"])


@hsettings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.tuples(_STATUS, _NUMBER, _DATE, st.booleans()), min_size=1, max_size=12))
def test_property_every_row_is_clean_or_rejected_once(rows, sample, tmp_path_factory):
    header = _rows(sample)[0]
    body = []
    for i, (status, number, date, dup) in enumerate(rows):
        row = dict.fromkeys(header, "")
        row.update({"Name": "Same" if dup else f"N{i}", "Status": status, "Owner": "Google",
                    "H100 equivalents": number, "First Operational Date": date})  # fmt: skip
        body.append([row[h] for h in header])
    path = _write(tmp_path_factory.mktemp("prop") / "p.csv", [header, *body])
    c = ai_clusters.read(path)
    c.check_conservation()
    seen = sorted([*c.data["source_row"], *c.rejects["source_row"]])
    assert seen == list(range(1, len(rows) + 1))
    assert c.data["status"].is_in(list(schemas.CLUSTER_STATUSES)).all()
    assert (c.data["h100_equivalents"].drop_nulls() >= 0).all()
