"""The AI-event readers on the real files in ../shared/data/ai_events (each file's handler):

* epoch_ai_supercomputers/ai_supercomputers.csv: ``sources.ai_clusters.read``;
* non_us_data_center_registry/non_us_data_center_registry_2025-07-30.xlsx:
  ``sources.dc_registry.read`` (sheet "infrastructure project data");
* */PROVENANCE.md: documentation (no data), checked below for the facts the tests rely on.
"""

from __future__ import annotations

import csv
import datetime as dt

import fastexcel
import polars as pl
import pytest

from layofflab import schemas
from layofflab.sources import ai_clusters, dc_registry

pytestmark = pytest.mark.realdata

EPOCH = "ai_events/epoch_ai_supercomputers/ai_supercomputers.csv"
REGISTRY = "ai_events/non_us_data_center_registry/non_us_data_center_registry_2025-07-30.xlsx"


@pytest.fixture(scope="module")
def epoch_path(shared_data):
    return shared_data / EPOCH


@pytest.fixture(scope="module")
def clusters(epoch_path):
    return ai_clusters.read(epoch_path)


@pytest.fixture(scope="module")
def registry(shared_data):
    return dc_registry.read(shared_data / REGISTRY)


def _firm_counts(data: pl.DataFrame) -> dict[str, int]:
    return dict(
        data.explode("company_ids")
        .drop_nulls("company_ids")
        .group_by("company_ids")
        .len()
        .iter_rows()
    )


def test_provenance_files_are_there(shared_data):
    for folder in ("epoch_ai_supercomputers", "non_us_data_center_registry"):
        assert (shared_data / "ai_events" / folder / "PROVENANCE.md").is_file()
    assert (
        "747 rows, 57 columns" in (shared_data / EPOCH).parent.joinpath("PROVENANCE.md").read_text()
    )


def test_epoch_every_row_is_kept_and_valid(clusters, epoch_path):
    with epoch_path.open(newline="", encoding="utf-8") as fh:
        n_raw = sum(1 for _ in csv.reader(fh)) - 1
    assert n_raw == 747
    assert clusters.rows_in == {"ai_supercomputers.csv": 747}
    assert (clusters.data.height, clusters.rejects.height) == (747, 0)
    clusters.check_conservation()
    schemas.validate_cleaned(clusters, schemas.AI_CLUSTERS, table="ai_clusters")


def test_epoch_columns_as_provenance_describes(clusters):
    d = clusters.data
    assert dict(d.group_by("status").len().iter_rows()) == {
        "existing": 582, "planned": 161, "decommissioned": 4,
    }  # fmt: skip
    dates = d["first_operational_date"].drop_nulls()
    assert (dates.len(), dates.min(), dates.max()) == (
        578,
        dt.date(2010, 11, 15),
        dt.date(2025, 4, 15),
    )
    assert d["possible_duplicate"].sum() == 94
    assert d.filter(pl.col("possible_duplicate"))["include_in_standard_analysis"].sum() == 0
    planned = d.filter(pl.col("first_operational_note") == "Planned 2030")
    assert planned.height == 4 and planned["first_operational_date"].null_count() == 4


def test_epoch_owner_rows_per_provenance(clusters):
    owners = dict(clusters.data.group_by("owner").len().drop_nulls("owner").iter_rows())
    assert {k: owners[k] for k in ("Google", "Meta AI", "Microsoft", "Oracle", "Amazon")} == {
        "Google": 41, "Meta AI": 24, "Microsoft": 22, "Oracle": 10, "Amazon": 8,
    }  # fmt: skip


def test_epoch_rows_per_study_firm(clusters):
    # Any owner listed: Google 41 + "Google DeepMind" + "DeepMind"; Microsoft 22 + 10 shared
    # ("Microsoft,OpenAI", "G42,Microsoft", ...); Amazon 8 + 2 "Amazon,NVIDIA".
    assert _firm_counts(clusters.data) == {
        "GOOGL": 43, "MSFT": 32, "NVDA": 28, "META": 24, "AMZN": 10, "ORCL": 10, "IBM": 3,
        "INTC": 1, "DELL": 1,
    }  # fmt: skip
    hpe = clusters.data.filter(pl.col("owner") == "Hewlett Packard Enterprise")
    assert hpe.height == 1 and hpe["company_ids"].item().to_list() == []  # HPE is not HP Inc.


def test_epoch_identical_rows_are_anonymized_systems_kept(clusters, epoch_path):
    with epoch_path.open(newline="", encoding="utf-8") as fh:
        rows = [tuple(r) for r in csv.reader(fh)][1:]
    seen: set[tuple[str, ...]] = set()
    copies = []
    for row in rows:
        if row in seen:
            copies.append(row[0])
        seen.add(row)
    assert len(copies) == 52 and set(copies) == {"Anonymized Chinese System"}
    assert clusters.data["anonymized"].sum() == 256  # every one kept


def test_epoch_cluster_events_add_up(clusters):
    d = clusters.data
    events = ai_clusters.cluster_events(d, freq="quarter")
    counted = (
        d.filter(pl.col("first_operational_date").is_not_null() & ~pl.col("possible_duplicate"))
        .explode("company_ids")
        .drop_nulls("company_ids")
    )
    assert events["clusters"].sum() == counted.height == 71
    per_firm = dict(events.group_by("company_id").agg(pl.col("clusters").sum()).iter_rows())
    assert per_firm == {"MSFT": 19, "NVDA": 18, "GOOGL": 10, "META": 8, "AMZN": 6, "ORCL": 5,
                        "IBM": 3, "INTC": 1, "DELL": 1}  # fmt: skip
    assert events["h100_equivalents"].sum() == pytest.approx(counted["h100_equivalents"].sum())
    monthly = ai_clusters.cluster_events(d, freq="month")
    assert monthly["clusters"].sum() == 71 and monthly.height >= events.height


def test_registry_every_row_is_kept_and_valid(registry):
    assert registry.rows_in == {"non_us_data_center_registry_2025-07-30.xlsx": 776}
    assert (registry.data.height, registry.rejects.height) == (776, 0)
    registry.check_conservation()
    schemas.validate_cleaned(registry, schemas.DC_REGISTRY, table="dc_registry")


def test_registry_ref_cells_become_flagged_nulls(registry, shared_data):
    errors = dc_registry.error_cells(shared_data / REGISTRY, "infrastructure project data")
    assert errors.rows() == [
        (93, 3, "#REF!"),
        (341, 3, "#REF!"),
        (550, 3, "#REF!"),
        (635, 3, "#REF!"),
    ]
    flagged = registry.data.filter(pl.col("flags").str.contains("#REF!", literal=True))
    assert flagged.select("p_id", "source_row").rows() == [
        ("P096", 93), ("P351", 341), ("P561", 550), ("P657", 635),
    ]  # fmt: skip
    assert flagged["url"].null_count() == 4
    sheet = (
        fastexcel.read_excel(shared_data / REGISTRY)
        .load_sheet_by_name(
            "infrastructure project data", dtypes="string", use_columns=["p_id", "url"]
        )
        .to_polars()
    )
    assert sheet["url"].gather([92, 340, 549, 634]).null_count() == 4  # calamine: empty


def test_registry_years(registry):
    d = registry.data
    years = d["year_announced"].drop_nulls()
    assert (d["year_announced"].null_count(), years.min(), years.max()) == (148, 1974, 2025)
    p140 = d.filter(pl.col("p_id") == "P140")
    assert p140["year_announced"].item() == 2021
    assert "'2021/2022' read as 2021" in p140["flags"].item()
    assert d.filter(pl.col("p_id") == "P357")["year_end"].item() is None


def test_registry_rows_per_study_firm(registry):
    # Microsoft 42, Google 30, AWS 27 (+ one "Amazon"), Oracle 18 alone (+ "EdgeConneX; Oracle").
    assert _firm_counts(registry.data) == {
        "MSFT": 42, "GOOGL": 30, "AMZN": 28, "ORCL": 19, "IBM": 12, "NVDA": 9, "META": 2,
        "INTC": 2, "DELL": 1, "AAPL": 1,
    }  # fmt: skip
    assert registry.data["investment_usd"].is_not_null().sum() == 235


def test_registry_summary_row_lives_in_an_ignored_scratch_sheet(shared_data, registry):
    reader = fastexcel.read_excel(shared_data / REGISTRY)
    scratch = reader.load_sheet_by_name("infrastructure projects", dtypes="string").to_polars()
    assert scratch.row(0)[2] == "# of missing values --->"
    assert not registry.data["description"].str.starts_with("# of missing").any()
