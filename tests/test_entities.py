"""Entity resolution: alias table, normalization, fuzzy threshold, ties, invariances."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layofflab.errors import InputFileError, InvalidArgumentError
from layofflab.sources.entities import (
    MATCH_METHODS,
    load_aliases,
    normalize_name,
    resolve_companies,
)

ALIASES = load_aliases()
ALIAS_NAMES = ALIASES["alias"].to_list()


def resolve_one(name: str | None, **kwargs) -> dict:
    return resolve_companies(
        pl.DataFrame({"company": [name]}, schema={"company": pl.String}), **kwargs
    ).row(0, named=True)


@pytest.mark.parametrize(
    ("name", "company_id", "method"),
    [
        ("Amazon.com Services LLC", "AMZN", "alias"),
        ("Amazon Web Services, Inc.", "AMZN", "alias"),
        ("AMAZON.COM SERVICES, LLC", "AMZN", "normalized_alias"),
        ("Amazon.com Services LLC (BFI4)", "AMZN", "normalized_alias"),
        ("  aws  ", "AMZN", "alias"),
        ("Amazon", "AMZN", "alias"),
        ("Google LLC", "GOOGL", "alias"),
        ("Alphabet Inc", "GOOGL", "normalized_alias"),
        ("Facebook", "META", "alias"),
        ("Meta Platforms Inc.", "META", "normalized_alias"),
        ("LinkedIn Corp.", "MSFT", "normalized_alias"),
        ("Hewlett Packard Enterprise", "HPE", "alias"),
        ("HP Inc", "HPQ", "normalized_alias"),
        ("Hewlett-Packard Co.", "HPQ", "normalized_alias"),
        ("Salesforce.com", "CRM", "normalized_alias"),
        ("Uber Technologies", "UBER", "normalized_alias"),
        ("Amazon Fulfilment Services Inc", "AMZN", "fuzzy"),  # one-letter typo, long name
    ],
)
def test_known_answers(name, company_id, method):
    got = resolve_one(name)
    assert (got["company_id"], got["match_method"]) == (company_id, method)
    assert got["cik"] is not None and len(got["cik"]) == 10
    assert got["match_score"] == (100.0 if method != "fuzzy" else pytest.approx(got["match_score"]))
    if method == "fuzzy":
        assert 92.0 <= got["match_score"] < 100.0


@pytest.mark.parametrize(
    "name",
    [
        "Amazonas Bakery",
        "Summit Hill Foods dba Whole Foods",  # a licensee: Whole Foods Market itself is AMZN
        "Twitter",
        "Snap-on Incorporated",
        "Metal Fab Inc",
        "Orion Logistics LLC - Amazon Delivery Service Partner",
        "Eurest Services (at Google)",
        "Googel",
        "Intelsat",
        "Applebee's",
        "Ring Power Corporation",
        "",
        None,
    ],
)
def test_unmatched_names_are_never_guessed(name):
    got = resolve_one(name)
    assert got == {
        "company": name,
        "company_id": None,
        "cik": None,
        "match_method": "unmatched",
        "match_score": None,
    }


def test_substring_scorers_are_dangerous_and_not_default():
    assert resolve_one("Amazon Bakery", scorer="partial_ratio")["company_id"] == "AMZN"
    assert resolve_one("Amazon Bakery")["company_id"] is None


def test_fuzzy_needs_the_brand_word():
    # 'applied computer' vs 'apple computer' scores 93 > 92, but 'apple' is not in the name
    assert resolve_one("Applied Computer Services, Inc")["match_method"] == "unmatched"
    assert resolve_one("Apple Computr Inc")["company_id"] == "AAPL"


def test_threshold_decides_fuzzy_matches():
    name = "Amazon Fulfilment Services Inc"
    assert resolve_one(name, threshold=99.0)["match_method"] == "unmatched"
    assert resolve_one(name, threshold=90.0)["match_method"] == "fuzzy"


def test_ambiguous_fuzzy_tie_stays_unmatched():
    aliases = pl.DataFrame(
        {"alias": ["Acme Widgets", "Acme Widgeta"], "company_id": ["AAA", "BBB"], "cik": ["1", "2"]}
    )
    got = resolve_one("Acme Widgetz", aliases=aliases, threshold=80.0)
    assert got["match_method"] == "unmatched" and got["company_id"] is None
    # the same tie between two aliases of ONE company is not ambiguous
    same = aliases.with_columns(company_id=pl.lit("AAA"), cik=pl.lit("1"))
    assert resolve_one("Acme Widgetz", aliases=same, threshold=80.0)["company_id"] == "AAA"


def test_ciks_of_the_big_four_match_their_sec_filings():
    ciks = dict(ALIASES.unique("company_id").select("company_id", "cik").iter_rows())
    assert ciks["AMZN"] == "0001018724"
    assert ciks["GOOGL"] == "0001652044"
    assert ciks["META"] == "0001326801"
    assert ciks["MSFT"] == "0000789019"


def test_alias_table_is_well_formed():
    assert ALIASES["cik"].drop_nulls().str.contains(r"^\d{10}$").all()
    assert ALIASES["source_url"].str.starts_with("https://").all()
    per_company = ALIASES.group_by("company_id").agg(pl.col("cik").n_unique(), pl.len())
    assert (per_company["cik"] == 1).all()
    assert per_company.height >= 40
    registrants = ALIASES.filter(pl.col("relation") == "registrant")["company_id"]
    assert set(registrants) == set(ALIASES["company_id"])


def test_every_alias_resolves_to_its_own_company():
    out = resolve_companies(ALIASES.select(company="alias", expected="company_id"))
    assert (out["company_id"] == out["expected"]).all()
    assert set(out["match_method"]) == {"alias"}


def test_order_rows_and_other_columns_are_kept_and_outputs_replaced():
    df = pl.DataFrame(
        {
            "company": ["Zzz Corp", "AWS", "Zzz Corp", None, "AWS"] * 2_000,
            "n": range(10_000),
            "company_id": ["stale"] * 10_000,
        }
    )
    out = resolve_companies(df)
    assert out.columns == ["company", "n", "company_id", "cik", "match_method", "match_score"]
    assert out["n"].to_list() == list(range(10_000))
    assert out["company_id"].to_list()[:5] == [None, "AMZN", None, None, "AMZN"]
    assert set(out["match_method"]) <= set(MATCH_METHODS)
    assert out.schema["match_score"] == pl.Float64


def test_bad_arguments_raise_named_errors():
    df = pl.DataFrame({"company": ["AWS"]})
    with pytest.raises(InvalidArgumentError, match="column='name'"):
        resolve_companies(df, column="name")
    with pytest.raises(InvalidArgumentError, match="scorer"):
        resolve_companies(df, scorer="jaro")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="threshold"):
        resolve_companies(df, threshold=0)
    with pytest.raises(InvalidArgumentError, match="aliases"):
        resolve_companies(df, aliases=pl.DataFrame({"alias": ["x"]}))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "alias,company_id,cik,company_name,source_url\nAcme,AAA,1,A,u\nACME,BBB,2,B,u\n",
            "one company per alias",
        ),
        (
            "alias,company_id,cik,company_name,source_url\nAcme Inc,AAA,1,A,u\nAcme LLC,BBB,2,B,u\n",
            "one company per normalized alias",
        ),
        ("alias,company_id,cik,company_name,source_url\nAcme,AAA,12x,A,u\n", "CIK of 1-10 digits"),
        (
            "alias,company_id,cik,company_name,source_url\nAcme,AAA,1,A,u\nAcmo,AAA,2,A,u\n",
            "one CIK per company_id",
        ),
        (
            "alias,company_id,cik,company_name,source_url\nAlphabet,GOOGL,1652044,A,u\n"
            "Google,GOOG,1652044,A,u\n",
            "one company_id per CIK",
        ),
        ("alias,company_id,cik,company_name,source_url\nAcme,aaa,1,A,u\n", "upper-case ticker"),
        ("alias,ticker\nAcme,AAA\n", "columns"),
        ("", "non-empty file"),
    ],
)
def test_bad_alias_tables_raise_input_file_error(tmp_path, content, message):
    path = tmp_path / "aliases.csv"
    path.write_text(content)
    with pytest.raises(InputFileError, match=message) as info:
        load_aliases(path)
    assert "aliases.csv" in str(info.value)


def test_blank_cik_means_unknown_not_guessed(tmp_path):
    path = tmp_path / "aliases.csv"
    path.write_text("alias,company_id,cik,company_name,source_url\nAcme Rockets,ACME,,Acme,u\n")
    got = resolve_one("Acme Rockets Inc", aliases=load_aliases(path))
    assert (got["company_id"], got["cik"]) == ("ACME", None)


# --- properties ------------------------------------------------------------------------

alias_names = st.sampled_from(ALIAS_NAMES)
suffixes = st.sampled_from(
    [
        "",
        " Inc",
        ", Inc.",
        " LLC",
        " L.L.C.",
        " Corp.",
        " Corporation",
        " Ltd",
        " Limited",
        " Holdings",
        " Co.",
    ]
)


def _expected(alias: str) -> str:
    return ALIASES.filter(pl.col("alias") == alias)["company_id"][0]


@settings(max_examples=150, deadline=None)
@given(alias=alias_names, data=st.data())
def test_case_is_ignored(alias, data):
    flips = data.draw(st.lists(st.booleans(), min_size=len(alias), max_size=len(alias)))
    name = "".join(c.upper() if f else c.lower() for c, f in zip(alias, flips, strict=True))
    assert resolve_one(name)["company_id"] == _expected(alias)


@settings(max_examples=150, deadline=None)
@given(
    alias=alias_names,
    pads=st.lists(st.sampled_from([" ", "  ", "\t", " \u00a0"]), min_size=3, max_size=3),
)
def test_whitespace_is_ignored(alias, pads):
    name = pads[0] + alias.replace(" ", pads[1]) + pads[2]
    assert resolve_one(name)["company_id"] == _expected(alias)


@settings(max_examples=150, deadline=None)
@given(alias=alias_names, suffix=suffixes)
def test_legal_suffixes_are_ignored(alias, suffix):
    got = resolve_one(alias + suffix)
    assert got["company_id"] == _expected(alias)
    assert got["match_method"] in {"alias", "normalized_alias"}


@settings(max_examples=100, deadline=None)
@given(name=st.text(max_size=30))
def test_any_text_gives_a_known_company_or_unmatched(name):
    got = resolve_one(name)
    assert got["match_method"] in MATCH_METHODS
    assert (got["company_id"] is None) == (got["match_method"] == "unmatched")
    assert got["company_id"] is None or got["company_id"] in set(ALIASES["company_id"])
    assert (
        normalize_name(name) is None
        or normalize_name(name) == normalize_name(name.upper())
        or not name.isascii()
    )


# --- real data: the WARN register carries SEC CIK/ticker enrichment to check against --------


@pytest.mark.realdata
def test_ciks_and_matches_agree_with_the_warn_register(shared_data):
    files = sorted((shared_data / "warn" / "register").glob("*.csv"))
    assert len(files) >= 40
    reg = pl.concat(
        [
            pl.read_csv(f, infer_schema=False, columns=["employer_name", "cik", "ticker"])
            for f in files
        ]
    )
    ours = ALIASES.unique("company_id").select("company_id", "cik")
    pairs = (
        reg.drop_nulls("ticker")
        .select("ticker", "cik")
        .unique()
        .join(ours, left_on="ticker", right_on="company_id")
    )
    assert pairs.select("ticker").n_unique() >= 25
    assert (pairs["cik"].str.zfill(10) == pairs["cik_right"]).all(), pairs
    out = resolve_companies(reg, column="employer_name")
    both = out.drop_nulls(["ticker", "company_id"])
    assert both.height >= 200
    assert (both["ticker"] == both["company_id"]).all(), both.filter(
        pl.col("ticker") != pl.col("company_id")
    )
    covered = out.filter(pl.col("ticker").is_in(ours["company_id"].implode()))
    assert (covered["company_id"] == covered["ticker"]).mean() >= 0.95
