"""layofflab.roles: abbreviations, classification known answers, inputs, rule-table checks, shares."""

from __future__ import annotations

import shutil

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from layofflab import config, roles
from layofflab.errors import InputFileError, InvalidArgumentError, LookupMissError


@pytest.mark.parametrize(
    ("title", "expanded"),
    [
        ("SDE II", "Software Development Engineer II"),
        ("SOFTWARE DEV ENGINEER II", "SOFTWARE DEVELOPMENT ENGINEER II"),
        ("Hardware Dev Engr III", "Hardware Development Engineer III"),
        ("Sr. Program Mgr", "Senior Program Manager"),
        ("Sr.Mgr, General MKTG", "Senior Manager, General Marketing"),
        ("SR MGR, RECRUITING", "SENIOR MANAGER, RECRUITING"),
        ("PgM II", "Program Manager II"),
        ("Pgm Mgr", "Program Manager"),
        ("TPM III", "Technical Program Manager III"),
        ("BIE I", "Business Intelligence Engineer I"),
        ("BUSINESS INTEL ENGINEER I", "BUSINESS INTELLIGENCE ENGINEER I"),
        ("Sys Dev Engineer III", "Systems Development Engineer III"),
        ("SYSTEM ADMIN/ENGR II", "SYSTEM ADMINISTRATOR/ENGINEER II"),
        ("Admin Asst", "Administrative Assistant"),
        ("Manager III, Software Dev", "Manager III, Software Development"),
        ("Acct Exec II 100, AdLrgSales", "Account Executive II 100, Ad Large Sales"),
        ("Principal Secrty Indust Spclst", "Principal Security Industry Specialist"),
        ("R&amp;D  Engineer", "Research & Development Engineer"),
        # Not abbreviations: inside a longer word, the company Intel, lower-case 'pm'.
        ("DevOps Engineer", "DevOps Engineer"),
        ("Intel Process Engineer", "Intel Process Engineer"),
        ("Fulfillment Associate - pm shift", "Fulfillment Associate - pm shift"),
    ],
)
def test_abbreviations_expand_as_whole_words(title, expanded):
    assert roles.classify_titles([title])["title_expanded"].item() == expanded


def test_known_answers_group_soc_seniority_level_rules():
    out = roles.classify_titles(
        [
            "Manager III, Software Dev",
            "Software Dev Engineer II",
            "Program Manager II",
            "Sr. Mgr, Sales Operations",
            "Shift Supervisor",
            "Fulfillment Associate",
            "Chief Executive Officer",
            "Team Member",
        ]
    )
    assert out.select("group", "soc_major_code", "seniority", "level", "rule").rows() == [
        ("software engineering", "11-0000", "manager", 3, "software"),
        ("software engineering", "15-0000", "level II", 2, "software"),
        ("product, program and project management", "13-0000", "level II", 2,
         "product_program_project"),
        ("sales and marketing", "11-0000", "senior manager", None, "sales_operations"),
        ("operations, logistics and warehouse", "53-0000", "supervisor", None, "warehouse"),
        ("operations, logistics and warehouse", "53-0000", "unspecified", None, "warehouse"),
        ("management and executive", "11-0000", "executive", None, "general_management"),
        ("unclassified", None, "unspecified", None, None),
    ]  # fmt: skip
    assert out["seniority_rule"].to_list()[:3] == ["manager", "level_2", "level_2"]
    assert out["soc_major_name"][0] == "Management Occupations"
    assert out["unclassified"].to_list() == [False] * 7 + [True]


def test_output_schema_is_fixed_and_enums_keep_the_table_order():
    out = roles.classify_titles([])
    assert out.columns == list(roles.COLUMNS) and out.height == 0
    assert out.schema["group"] == pl.Enum([*roles.GROUPS, roles.UNCLASSIFIED])
    assert out.schema["seniority"] == pl.Enum(roles.SENIORITY)
    assert out.schema["level"] == pl.Int8 and out.schema["unclassified"] == pl.Boolean
    assert len(roles.GROUPS) == 13
    assert roles.SENIORITY.index("level III") < roles.SENIORITY.index("senior")
    assert roles.SENIORITY.index("manager") < roles.SENIORITY.index("director")


def test_the_thirteen_groups_are_those_of_the_issue():
    assert roles.GROUPS == (
        "software engineering",
        "hardware and other engineering",
        "data and applied science",
        "product, program and project management",
        "design and UX",
        "IT and systems administration",
        "sales and marketing",
        "recruiting and HR",
        "finance, legal and administration",
        "operations, logistics and warehouse",
        "customer support",
        "management and executive",
        "other",
    )


def test_many_rows_are_classified_per_distinct_title_with_the_same_answer():
    titles = ["SDE II", "Sr.Mgr, General MKTG", None, "", "Wizard", "Économiste III"]
    many = pl.Series("title", titles * 5_000)  # 30,000 rows: the per-distinct-value path
    out = roles.classify_titles(many)
    one_each = roles.classify_titles(titles)
    assert out.height == many.len()
    assert_frame_equal(out.head(len(titles)), one_each)
    assert_frame_equal(out.tail(len(titles)), one_each)


@pytest.mark.parametrize(
    ("titles", "name"),
    [
        ("SDE II", "titles"),
        (["SDE II", 7], "titles"),
        (iter(["SDE II"]), "titles"),
        (pl.Series([1, 2]), "titles"),
        (42, "titles"),
    ],
)
def test_titles_that_are_not_text_are_refused_naming_the_argument(titles, name):
    with pytest.raises(InvalidArgumentError) as err:
        roles.classify_titles(titles)
    assert err.value.name == name


def test_categorical_and_null_series_are_read_as_text():
    cat = pl.Series(["SDE I", "SDE I", None], dtype=pl.Categorical)
    assert roles.classify_titles(cat)["group"].cast(pl.String).to_list() == [
        "software engineering",
        "software engineering",
        "unclassified",
    ]
    assert roles.classify_titles(pl.Series([None, None]))["unclassified"].all()


# --- the rule tables -------------------------------------------------------------------------


@pytest.fixture
def tables_dir(tmp_path):
    for path in config.RESOURCES.glob("roles_*.csv"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def _edit(folder, name, old, new):
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_copied_tables_load_and_an_added_rule_changes_the_answer(tables_dir):
    assert roles.load_tables(tables_dir).group_rules == roles.load_tables().group_rules
    _edit(tables_dir, "roles_group_rules.csv", "\nchief_technology,",
          '\nwizardry,other,39-0000,"\\bwizard\\b",\nchief_technology,')  # fmt: skip
    out = roles.classify_titles(["Wizard"], tables=roles.load_tables(tables_dir))
    assert out.select("group", "soc_major_code", "rule").row(0) == ("other", "39-0000", "wizardry")


@pytest.mark.parametrize(
    ("name", "old", "new", "column"),
    [
        ("roles_groups.csv", "group,soc_major_code,counts_as,description",
         "group,soc_major_code,counts_as,description,colour", "colour"),
        ("roles_group_rules.csv", "rule,group,soc_major_code,pattern,note",
         "rule,group,soc,pattern,note", "soc"),
        ("roles_abbreviations.csv", "SDE,Software Development Engineer,false",
         "SDE,Software Development Engineer,yes", "match_case"),
        ("roles_abbreviations.csv", "SDE,Software Development Engineer,false",
         "SDE.,Software Development Engineer,false", "abbreviation"),
        ("roles_group_rules.csv", "economist,data and applied science,19-0000,\\beconomists?\\b",
         "economist,data and applied science,19-0000,\\beconomists?(\\b", "pattern"),
        ("roles_seniority_rules.csv", "^senior manager\\b", "^senior {team_manager}\\b", "pattern"),
        ("roles_group_rules.csv", "\neconomist,", "\nsoftware,", "rule"),
        ("roles_seniority.csv", "level I,individual,1,", "level I,individual,one,", "level"),
        ("roles_group_rules.csv", "\nsafety,other,19-0000,", "\nsafety,other,,", "soc_major_code"),
    ],
)  # fmt: skip
def test_bad_table_is_refused_naming_file_and_column(tables_dir, name, old, new, column):
    _edit(tables_dir, name, old, new)
    with pytest.raises(InputFileError) as err:
        roles.load_tables(tables_dir)
    assert err.value.path.name == name and err.value.column == column
    assert name in str(err.value)


@pytest.mark.parametrize(
    ("name", "old", "new", "column", "value", "table"),
    [
        ("roles_group_rules.csv", "\nsoftware,software engineering,", "\nsoftware,sofware engineering,",
         "group", "sofware engineering", "roles_groups.csv"),
        ("roles_groups.csv", "software engineering,15-0000,", "software engineering,15-1252,",
         "soc_major_code", "15-1252", "roles_soc_major_groups.csv"),
        ("roles_group_rules.csv", "\neconomist,data and applied science,19-0000,",
         "\neconomist,data and applied science,19-1000,",
         "soc_major_code", "19-1000", "roles_soc_major_groups.csv"),
        ("roles_seniority_rules.csv", "\nprincipal,principal,", "\nprincipal,principle,",
         "seniority", "principle", "roles_seniority.csv"),
    ],
)  # fmt: skip
def test_lookup_miss_names_source_column_and_value(
    tables_dir, name, old, new, column, value, table
):
    _edit(tables_dir, name, old, new)
    with pytest.raises(LookupMissError) as err:
        roles.load_tables(tables_dir)
    assert (err.value.source, err.value.column, err.value.value) == (name, column, value)
    assert err.value.table == table


def test_a_group_that_no_rule_gives_is_refused(tables_dir):
    path = tables_dir / "roles_group_rules.csv"
    kept = [ln for ln in path.read_text().splitlines() if ",customer support," not in ln]
    path.write_text("\n".join(kept) + "\n")
    with pytest.raises(InputFileError) as err:
        roles.load_tables(tables_dir)
    assert err.value.path.name == "roles_groups.csv" and err.value.value == "customer support"


def test_ragged_row_and_missing_table_are_refused(tables_dir):
    _edit(tables_dir, "roles_people_managers.csv", "\nshift,", "\nshift,a,b,")
    with pytest.raises(InputFileError) as err:
        roles.load_tables(tables_dir)
    assert err.value.row == 10  # the 10th data row of roles_people_managers.csv
    (tables_dir / "roles_people_managers.csv").unlink()
    with pytest.raises(InputFileError, match=r"roles_people_managers\.csv"):
        roles.load_tables(tables_dir)


# --- shares ----------------------------------------------------------------------------------

NOTICES = pl.DataFrame(
    {
        "notice_id": ["a", "a", "a", "a", "b", "b"],
        "job_title": ["SDE II", "Manager III, Software Dev", "Applied Scientist II", "Wizard",
                      "SDE II", "Recruiter"],
        "employees_affected": [6, 1, 2, 1, 3, 1],
    }
)  # fmt: skip


def test_role_shares_show_every_group_per_notice_and_add_up():
    out = roles.role_shares(NOTICES, by=["notice_id"])
    assert out.height == 2 * 14
    assert out.group_by("notice_id").agg(pl.col("share").sum()).sort("notice_id")[
        "share"
    ].to_list() == pytest.approx([1.0, 1.0])
    a = out.filter(pl.col("notice_id") == "a", pl.col("positions") > 0)
    assert a.select(pl.col("group").cast(pl.String), "positions", "titles").rows() == [
        ("software engineering", 7, 2),
        ("data and applied science", 2, 1),
        ("unclassified", 1, 1),
    ]
    assert out.filter(pl.col("group") == "customer support")["positions"].to_list() == [0, 0]


def test_role_shares_by_seniority_in_rank_order():
    out = roles.role_shares(NOTICES, of="seniority").filter(pl.col("positions") > 0)
    assert out.select(pl.col("seniority").cast(pl.String), "positions").rows() == [
        ("unspecified", 2),
        ("level II", 11),
        ("manager", 1),
    ]


def test_engineering_share_with_and_without_scientists_and_managers():
    out = roles.engineering_share(NOTICES, by=["notice_id"])
    assert out.select("notice_id", "positions", "engineers", "engineering_managers",
                      "scientists", "unclassified").rows() == [("a", 10, 6, 1, 2, 1),
                                                               ("b", 4, 3, 0, 0, 0)]  # fmt: skip
    a = out.row(0, named=True)
    assert (a["share"], a["share_with_managers"]) == pytest.approx((0.6, 0.7))
    assert (a["share_with_scientists"], a["share_with_scientists_and_managers"]) == pytest.approx(
        (0.8, 0.9)
    )


def test_unclassified_titles_are_listed_with_their_positions():
    assert roles.unclassified_titles(NOTICES, by=["notice_id"]).rows() == [("a", "Wizard", 1)]


@pytest.mark.parametrize(
    ("frame", "kwargs", "name"),
    [
        (NOTICES, {"count": "n"}, "df"),
        (NOTICES, {"by": ["facility"]}, "df"),
        (NOTICES, {"by": "notice_id"}, "by"),
        (NOTICES, {"of": "soc"}, "of"),
        (NOTICES.with_columns(pl.col("employees_affected").cast(pl.Float64)), {}, "count"),
        (NOTICES.with_columns(employees_affected=pl.lit(None, pl.Int64)), {}, "count"),
        (NOTICES.with_columns(employees_affected=-pl.col("employees_affected")), {}, "count"),
    ],
)
def test_shares_refuse_bad_arguments_and_counts(frame, kwargs, name):
    with pytest.raises(InvalidArgumentError) as err:
        roles.role_shares(frame, **kwargs)
    assert err.value.name == name
