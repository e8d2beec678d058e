"""SEC companyfacts reader on hand-made fixtures (invented values, real XBRL quirks)."""

from __future__ import annotations

import calendar
import datetime as dt
import json

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layofflab.errors import (
    InputFileError,
    InvalidArgumentError,
    LookupMissError,
    SchemaValidationError,
)
from layofflab.schemas import SEC, validate
from layofflab.sources import sec

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def fx(fixtures_dir):
    return fixtures_dir / "sec"


def quarters(cleaned: sec.Cleaned, concept: str = "capex") -> dict[tuple[int, str], float]:
    rows = cleaned.data.filter(pl.col("concept") == concept)
    return {
        (fy, fp): v for fy, fp, v in rows.select("fiscal_year", "fiscal_period", "value").rows()
    }


def reasons(cleaned: sec.Cleaned) -> dict[int, str]:
    return dict(cleaned.rejects.select("source_row", "reason").rows())


def test_ytd_values_are_differenced_into_quarters(fx):
    c = sec.read(fx / "calendar_companyfacts.json", today=TODAY)
    q = quarters(c)
    assert [q[(2023, f"Q{i}")] for i in range(1, 5)] == [1000, 1500, 2000, 2500]
    derived = c.data.filter((pl.col("concept") == "capex") & (pl.col("fiscal_year") == 2023))
    assert derived["derived"].to_list() == [
        "reported quarter",
        "YTD difference",
        "YTD difference",
        "FY minus 9M",
    ]
    assert derived["period_start"].to_list() == [
        dt.date(2023, 1, 1),
        dt.date(2023, 4, 1),
        dt.date(2023, 7, 1),
        dt.date(2023, 10, 1),
    ]
    assert sum(q[(2023, f"Q{i}")] for i in range(1, 5)) == 7000  # the FY fact


def test_restatement_takes_the_latest_filed_value(fx):
    c = sec.read(fx / "calendar_companyfacts.json", today=TODAY)
    q = quarters(c)
    assert q[(2024, "Q2")] == 3100 - 1200 and q[(2024, "Q3")] == 5000 - 3100
    row = c.data.filter(
        (pl.col("concept") == "capex")
        & (pl.col("fiscal_year") == 2024)
        & (pl.col("fiscal_period") == "Q2")
    ).row(0, named=True)
    assert (row["accession"], row["filed"]) == ("0000000001-25-000020", dt.date(2025, 8, 1))
    assert row["first_filed"] == dt.date(2024, 8, 1)  # the period was first reported a year earlier
    assert reasons(c)[8].startswith("restated: superseded by source_row 9 (accession 0000000001-25")


def test_duplicate_facts_point_to_the_kept_one(fx):
    c = sec.read(fx / "calendar_companyfacts.json", today=TODAY)
    assert reasons(c)[2] == "duplicate of source_row 3"
    assert reasons(c)[25] == "duplicate of source_row 26"  # instant (Assets) repeated in a 10-Q


def test_amazon_capex_tag_is_declared_per_company(fx):
    c = sec.read(fx / "calendar_companyfacts.json", today=TODAY)
    capex = c.data.filter(pl.col("concept") == "capex")
    assert set(capex["xbrl_tag"]) == {"PaymentsToAcquireProductiveAssets"}
    assert set(capex["company_id"]) == {"AMZN"}
    assert reasons(c)[19] == reasons(c)[20] == "not a requested concept"  # the generic tag


def test_every_fact_is_accounted_for_exactly_once(fx):
    for name in (
        "calendar_companyfacts.json",
        "june_companyfacts.json",
        "unknown_cik_companyfacts.json",
    ):
        c = sec.read(fx / name, today=TODAY)
        c.check_conservation()
        n = sec.load_facts(fx / name).height
        rows = c.data["source_row"].to_list() + c.rejects["source_row"].to_list()
        assert sorted(rows) == list(range(1, n + 1)), name
        assert c.rows_in == {name: n}


def test_malformed_and_unusable_facts_are_rejected_with_reasons(fx):
    why = reasons(sec.read(fx / "calendar_companyfacts.json", today=TODAY))
    assert why[14].startswith("unsupported period: 5 months 2025-02-01..2025-06-30")
    assert why[15] == "malformed fact: missing 'end'"
    assert why[16] == "malformed fact: non-numeric value 'n/a'"
    assert why[17] == "implausible filed date 2031-01-01"
    assert why[18] == "unit 'EUR' not used for concept capex (expected USD)"
    assert why[22] == "alternative tag: period taken from Revenues (source_row 21)"
    assert why[13] == "year-to-date total (9 months): no earlier cumulative value to difference"
    assert why[28].startswith("instant 2024-05-15 is not a fiscal quarter end")


def test_today_moves_the_plausibility_horizon(fx):
    later = sec.read(fx / "calendar_companyfacts.json", today=dt.date(2030, 6, 1))
    assert quarters(later)[(2025, "Q3")] == 1800  # the 2031 filing is now plausible


def test_june_fiscal_year_maps_to_calendar_quarters(fx):
    c = sec.read(fx / "june_companyfacts.json", today=TODAY)
    got = c.data.select(
        "fiscal_year", "fiscal_period", "calendar_year", "calendar_quarter", "value", "derived"
    ).rows()
    assert got == [
        (2024, "Q1", 2023, 3, 100.0, "reported quarter"),
        (2024, "Q2", 2023, 4, 150.0, "reported quarter"),
        (2024, "Q3", 2024, 1, 170.0, "reported quarter"),
        (2024, "Q4", 2024, 2, 180.0, "FY minus 9M"),
        (2025, "Q1", 2024, 3, 200.0, "reported quarter"),
        (2025, "Q2", 2024, 4, 230.0, "reported quarter"),
    ]
    assert sum(v for fy, *_, v, _ in got if fy == 2024) == 600  # = the FY fact
    q4 = c.data.filter(pl.col("fiscal_period") == "Q4").row(0, named=True)
    assert (q4["form"], q4["filed"]) == ("8-K", dt.date(2024, 12, 3))  # later recast wins
    why = reasons(c)
    assert why[6] == "duplicate of source_row 7"
    assert why[4] == "year-to-date total (9 months): input to a derived quarter"
    assert why[2] == why[10] == "year-to-date total (6 months): quarter reported directly"


def test_unknown_cik_infers_its_52_53_week_year_end(fx):
    c = sec.read(fx / "unknown_cik_companyfacts.json", today=TODAY)
    got = c.data.select(
        "company_id",
        "cik",
        "fiscal_year",
        "fiscal_period",
        "calendar_year",
        "calendar_quarter",
        "value",
    ).rows()
    assert got == [
        (None, "0000000042", 2024, "Q1", 2023, 4, 10.0),
        (None, "0000000042", 2024, "Q2", 2024, 1, 15.0),
        (None, "0000000042", 2024, "Q3", 2024, 2, 20.0),
        (None, "0000000042", 2024, "Q4", 2024, 3, 25.0),
    ]


def test_outputs_satisfy_the_declared_schema(fx):
    assert tuple(SEC.columns) == sec.COLUMNS
    for name in (
        "calendar_companyfacts.json",
        "june_companyfacts.json",
        "unknown_cik_companyfacts.json",
    ):
        validate(sec.read(fx / name, today=TODAY).data, SEC, table="sec")


def test_concepts_argument(fx):
    only = sec.read(fx / "calendar_companyfacts.json", concepts={"capex": []}, today=TODAY)
    assert set(only.data["concept"]) == {"capex"}
    custom = sec.read(
        fx / "calendar_companyfacts.json",
        today=TODAY,
        concepts={"sales": ["RevenueFromContractWithCustomerExcludingAssessedTax"]},
    )
    assert quarters(custom, "sales") == {(2024, "Q1"): 50000, (2024, "Q2"): 55000}
    with pytest.raises(LookupMissError, match="'nonsense'"):
        sec.read(fx / "calendar_companyfacts.json", concepts={"nonsense": []})
    with pytest.raises(InvalidArgumentError, match="list of tags"):
        sec.read(fx / "calendar_companyfacts.json", concepts={"capex": "Revenues"})
    with pytest.raises(InvalidArgumentError, match="one concept"):
        sec.read(fx / "calendar_companyfacts.json", concepts={"a": ["Revenues"], "b": ["Revenues"]})


def test_missing_concept_is_empty_by_default_or_a_named_error(fx):
    c = sec.read(fx / "june_companyfacts.json", today=TODAY)
    assert "revenue" not in set(c.data["concept"])
    with pytest.raises(LookupMissError, match=r"june_companyfacts\.json") as info:
        sec.read(fx / "june_companyfacts.json", on_missing="raise")
    assert "CIK 0000789019" in str(info.value)


def test_several_files_resolve_duplicates_across_files(fx, tmp_path):
    copy = tmp_path / "calendar_copy.json"
    copy.write_bytes((fx / "calendar_companyfacts.json").read_bytes())
    c = sec.read([fx / "calendar_companyfacts.json", copy], today=TODAY)
    c.check_conservation()
    assert c.data.height == sec.read(fx / "calendar_companyfacts.json", today=TODAY).data.height
    dup = c.rejects.filter(pl.col("reason").str.contains(" in "))
    assert dup.height > 0 and dup["reason"].str.starts_with("duplicate of source_row").any()
    with pytest.raises(InputFileError, match="unique"):
        sec.read([copy, copy])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "non-empty"),
        (
            b'{"cik": 1, "facts": {"us-gaap": {"Assets": {"units": {"USD": [{"end": "2024',
            "truncated",
        ),
        (b"\x00\x01\x02binary\x00", "binary"),
        (b"[1, 2, 3]", "companyfacts"),
        (b'{"cik": 1, "entityName": "x"}', "companyfacts"),
        (b'{"cik": "abc", "facts": {}}', "companyfacts"),
        (b'{"cik": 1, "facts": {"us-gaap": {"Assets": {"label": "no units"}}}}', "units"),
        (b'{"cik": 1, "facts": {"us-gaap": {"Assets": {"units": {"USD": 5}}}}}', "companyfacts"),
    ],
)
def test_bad_files_raise_input_file_error(tmp_path, content, expected):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=expected) as info:
        sec.read(path)
    assert "bad.json" in str(info.value)


def test_transcribed_table_round_trip(fx, tmp_path):
    c = sec.read([fx / "june_companyfacts.json", fx / "calendar_companyfacts.json"], today=TODAY)
    path = tmp_path / "capex_quarterly.csv"
    sec.transcribe(c).write_csv(path)
    back = sec.read(path, today=TODAY)
    back.check_conservation()
    cols = [
        "company_id",
        "fiscal_year",
        "fiscal_period",
        "calendar_year",
        "calendar_quarter",
        "value",
        "derived",
        "accession",
        "period_end",
    ]
    capex = c.data.filter(pl.col("concept") == "capex")
    assert back.data.select(cols).sort(cols).equals(capex.select(cols).sort(cols))
    validate(back.data, SEC, table="sec")


def test_transcribed_table_rejects_bad_rows(tmp_path):
    header = ",".join(sec.TRANSCRIBED_COLUMNS)
    good = "MSFT,789019,capex,PaymentsToAcquirePropertyPlantAndEquipment,2025,Q1,2024-07-01,"
    good += "2024-09-30,100,reported quarter,0000950170-24-118967,2024-10-30,10-Q,2024-10-30"
    rows = [
        good,
        good,
        good.replace(",Q1,", ",Q5,"),
        good.replace("0000950170-24-118967", "950170-24-118967").replace("Q1", "Q2"),
        good.replace(",100,", ",lots,").replace("Q1", "Q3"),
        good.replace("2024-10-30,10-Q", "2031-10-30,10-Q").replace("Q1", "Q4"),
    ]
    path = tmp_path / "t.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    c = sec.read(path, today=TODAY)
    c.check_conservation()
    assert c.data.height == 1 and c.data["cik"][0] == "0000789019"
    assert reasons(c) == {
        2: "duplicate of source_row 1",
        3: "fiscal_period 'Q5' is not Q1-Q4",
        4: "malformed accession '950170-24-118967'",
        5: "non-numeric value_usd 'lots'",
        6: "filed: implausible date (after 2027-11-28)",
    }
    (tmp_path / "short.csv").write_text("company_id,cik\nMSFT,1\n")
    with pytest.raises(InputFileError, match=r"short\.csv"):
        sec.read(tmp_path / "short.csv")


# --- property: any quarterly series survives the YTD round trip ---------------------------


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, k: int) -> tuple[int, int]:
    idx = year * 12 + month - 1 + k
    return idx // 12, idx % 12 + 1


@settings(max_examples=40, deadline=None)
@given(
    fye=st.integers(1, 12),
    values=st.lists(st.integers(0, 10**11), min_size=4, max_size=4),
    report_quarters=st.lists(st.booleans(), min_size=4, max_size=4),
    copies=st.integers(1, 3),
)
def test_any_quarterly_series_survives_ytd_reporting(
    tmp_path_factory, fye, values, report_quarters, copies
):
    """Report quarters as YTD (sometimes also as 3-month facts, in several filings): derive back."""
    year, facts = 2024, []
    fy_start = dt.date(*_add_months(year - 1, fye, 1), 1)
    for q in range(1, 5):
        end = _month_end(*_add_months(year - 1, fye, 3 * q))
        filed = end + dt.timedelta(days=30)
        for copy in range(copies):
            accn = f"0000000009-{24 + copy}-{q:06d}"
            when = (filed + dt.timedelta(days=365 * copy)).isoformat()
            base = {"accn": accn, "fy": year, "fp": f"Q{q}", "form": "10-Q", "filed": when}
            facts.append(
                {
                    "start": fy_start.isoformat(),
                    "end": end.isoformat(),
                    "val": sum(values[:q]),
                    **base,
                }
            )
            if report_quarters[q - 1]:
                start = dt.date(*_add_months(year - 1, fye, 3 * q - 2), 1)
                facts.append(
                    {
                        "start": start.isoformat(),
                        "end": end.isoformat(),
                        "val": values[q - 1],
                        **base,
                    }
                )
    doc = {
        "cik": 9,
        "entityName": "prop",
        "facts": {
            "us-gaap": {
                "PaymentsToAcquirePropertyPlantAndEquipment": {"units": {"USD": facts}},
                "Revenues": {
                    "units": {
                        "USD": [
                            {**facts[-1], "start": fy_start.isoformat(), "fp": "FY", "form": "10-K"}
                        ]
                    }
                },
            }
        },
    }
    path = tmp_path_factory.mktemp("prop") / "prop.json"
    path.write_text(json.dumps(doc))
    c = sec.read(path, concepts={"capex": []}, today=TODAY)
    c.check_conservation()
    got = c.data.sort("period_end")
    assert got["value"].to_list() == [float(v) for v in values]
    assert got["fiscal_year"].to_list() == [year] * 4
    assert got["period_end"].dt.month().to_list()[-1] == fye


# --- concept switches, forms, scale changes, gaps (switch_companyfacts.json: NVIDIA's CIK) ----


def test_concept_switch_takes_the_declared_tag_per_period(fx):
    c = sec.read(fx / "switch_companyfacts.json", concepts={"capex": []}, today=TODAY)
    c.check_conservation()
    assert quarters(c) == {
        (2021, "Q1"): 100e6,
        (2021, "Q2"): 150e6,
        (2021, "Q3"): 170e6,  # 9M of the new tag minus 6M (both tags agree on 6M)
        (2022, "Q1"): 300e6,
        (2022, "Q2"): 200e6,
    }
    assert set(c.data["xbrl_tag"]) == {"PaymentsToAcquireProductiveAssets"}
    why = reasons(c)
    assert (
        why[1]
        == "alternative tag: period taken from PaymentsToAcquireProductiveAssets (source_row 4)"
    )
    # the old tag after its declared last period end (2020-07-26) is not used
    assert why[3] == (
        "tag PaymentsToAcquirePropertyPlantAndEquipment is declared for capex of NVDA only for "
        "periods ending ..2020-07-26 (sec_concepts.csv)"
    )


def test_forms_other_than_periodic_reports_are_rejected_by_name(fx):
    why = reasons(sec.read(fx / "switch_companyfacts.json", concepts={"capex": []}, today=TODAY))
    assert why[11] == "form 'DEF 14A' excluded: not a financial statement (sec_forms.csv)"
    assert why[13] == "form '424B5' excluded: not a financial statement (sec_forms.csv)"
    # an 8-K period that no 10-K/10-Q gives is not a recast: not used
    assert why[12].startswith("form '8-K': no 10-K/10-Q gives this period")
    # ... while an 8-K recast of a 10-K period competes like any later filing (june fixture)
    june = sec.read(fx / "june_companyfacts.json", today=TODAY)
    assert june.data.filter(pl.col("form") == "8-K").height == 1


def test_scale_change_keeps_the_latest_value_and_names_the_rounding(fx):
    c = sec.read(fx / "switch_companyfacts.json", concepts={"capex": []}, today=TODAY)
    assert quarters(c)[(2022, "Q1")] == 300_000_000  # 10-Q of 2022, in millions
    assert reasons(c)[7].startswith(
        "rescaled (the same amount rounded to another scale, thousands vs millions): "
        "superseded by source_row 8 (accession 0000000003-22-000010, filed 2022-05-25)"
    )


def test_gaps_name_quarters_that_cannot_be_derived(fx):
    g = sec.gaps(fx / "switch_companyfacts.json", concepts={"capex": []}, today=TODAY)
    got = {
        (fy, fp): why for fy, fp, why in g.select("fiscal_year", "fiscal_period", "reason").rows()
    }
    assert set(got) == {(2021, "Q4"), (2022, "Q3"), (2022, "Q4")}
    assert "no annual (10-K) value" in got[(2021, "Q4")]
    assert got[(2022, "Q4")].startswith("only 12-month value(s) end on this quarter; the 9-month")
    assert g.columns == list(sec.coverage.GAP_COLUMNS)
    # a series starts where asked: since=(2020, 1) adds FY2020 Q4 (calendar 2020Q1)
    earlier = sec.gaps(fx / "switch_companyfacts.json", concepts={"capex": []}, since=(2020, 1))
    assert (2020, "Q4") in set(earlier.select("fiscal_year", "fiscal_period").rows())


def test_output_carries_source_kind_definition_and_filing_url(fx):
    c = sec.read(fx / "switch_companyfacts.json", concepts={"capex": []}, today=TODAY)
    row = c.data.row(0, named=True)
    assert row["source_kind"] == "sec_xbrl"
    assert row["definition"] in sec.CAPEX_DEFINITIONS
    assert row["source_url"] == (
        "https://www.sec.gov/Archives/edgar/data/1045810/000000000321000010/"
    )


def _transcribed(tmp_path, rows: list[str]) -> sec.Cleaned:
    header = ",".join((*sec.TRANSCRIBED_COLUMNS, *sec.TRANSCRIBED_OPTIONAL))
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return sec.read(path, today=TODAY)


def test_transcribed_table_carries_source_kinds(tmp_path):
    cash = '"cash capex: property and equipment, excl. finance leases"'
    base = "AMZN,1018724,capex,PaymentsToAcquireProductiveAssets,2024,{q},,2024-03-31,100,{d},"
    rows = [
        base.format(q="Q1", d="as published") + f",,,,third_party,{cash},https://x.org/a,n",
        base.format(q="Q2", d="as published") + ',,,,press,"capex incl. finance leases",'
        "https://x.org/b,",
        base.format(q="Q3", d="reported quarter") + ",,10-Q,,sec_xbrl,,,",
        base.format(q="Q4", d="as published") + ",,,,blog,x,https://x.org/c,",
        base.format(q="Q4", d="as published") + ',,,,press,"capex, roughly",https://x.org/d,',
        base.format(q="Q4", d="as published") + ',,,,press,"capex, definition not stated",,',
    ]
    c = _transcribed(tmp_path, rows)
    c.check_conservation()
    assert c.data.select("source_kind", "accession", "definition").rows() == [
        ("third_party", None, "cash capex: property and equipment, excl. finance leases"),
        ("press", None, "capex incl. finance leases"),
    ]
    validate(c.data, SEC, table="sec")
    assert reasons(c) == {
        3: "filed: missing (required for sec_xbrl rows)",
        4: "unknown source_kind 'blog' (expected one of sec_xbrl, third_party, press)",
        5: "capex definition 'capex, roughly' is not one of CAPEX_DEFINITIONS",
        6: "source_url: not a URL ''",
    }


def test_schema_requires_a_filing_for_sec_rows(fx):
    c = sec.read(fx / "calendar_companyfacts.json", today=TODAY)
    broken = c.data.with_columns(accession=pl.lit(None, dtype=pl.String))
    with pytest.raises(SchemaValidationError, match="sec_xbrl rows have an accession"):
        validate(broken, SEC, table="sec")
    press = c.data.with_columns(
        accession=pl.lit(None, dtype=pl.String), source_kind=pl.lit("press")
    )
    validate(press, SEC, table="sec")


def test_capex_definitions_of_the_concept_table_are_declared():
    table = sec.concept_table().filter(pl.col("concept") == "capex")
    assert set(table["definition"]) <= set(sec.CAPEX_DEFINITIONS)
    # NVIDIA and Apple declare both capex tags, with the period ends of the switch
    for company in ("NVDA", "AAPL"):
        own = table.filter(pl.col("company_id") == company).sort("priority")
        assert own.height == 2
        assert own["first_end"][0] is not None and own["last_end"][1] is not None
