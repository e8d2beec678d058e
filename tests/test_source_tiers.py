"""The domain → tier table: URL hosts, suffix matching, the table's own checks, the shipped rows."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layofflab.errors import InputFileError, LookupMissError
from layofflab.schemas import SOURCE_TIERS
from layofflab.sources import source_tiers
from layofflab.sources.source_tiers import host_of, load_domains, tier_of


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.cnbc.com/2025/10/28/a.html", "www.cnbc.com"),
        ("http://User:pw@Example.COM:8080/x?q=1#f", "example.com"),
        ("https://about.fb.com.", "about.fb.com"),
        ("ftp://files.example.org/a", "files.example.org"),
        ("not a url", None),
        ("", None),
        (None, None),
    ],
)
def test_host_of(url, host):
    assert host_of(url) == host


def _tiers(urls, domains):
    df = pl.DataFrame({"u": urls}, schema={"u": pl.String})
    return df.select(tier_of("u", frame=df, source="t", domains=domains, required=False))[
        "source_tier"
    ].to_list()


def test_longest_matching_domain_wins_and_lookalikes_do_not_match(fixtures_dir):
    domains = fixtures_dir / "source_domains.csv"
    got = _tiers(
        [
            "https://press.example.org/release",  # primary (longer entry)
            "https://example.org/feed",  # weak
            "https://www.example.org/feed",  # weak (www.)
            "https://deep.news.example.com/x",  # news (suffix)
            "https://notexample.com/x",  # not a subdomain of example.com
            "https://example.com.evil.net/x",  # not example.com either
            None,
        ],
        domains,
    )
    assert got == ["primary", "weak", "weak", "news", None, None, None]


@given(st.lists(st.sampled_from(["a", "b", "news", "www", "press"]), min_size=0, max_size=4))
def test_any_subdomain_of_a_listed_domain_gets_its_tier(labels):
    from layofflab import config

    host = ".".join([*labels, "example.com"])
    assert _tiers([f"https://{host}/p"], config.FIXTURES / "source_domains.csv") == ["news"]


def test_required_lookup_names_source_column_and_url(fixtures_dir):
    df = pl.DataFrame({"source_url": ["https://example.com/a", "https://nowhere.test/b"]})
    with pytest.raises(LookupMissError) as info:
        tier_of("source_url", frame=df, source="demo", domains=fixtures_dir / "source_domains.csv")
    assert (info.value.source, info.value.column, info.value.value) == (
        "demo",
        "source_url",
        "https://nowhere.test/b",
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("domain,tier\ncnbc.com,news\n", "expected the header domain,tier,note"),
        ("domain,tier,note\nCNBC.com,news,x\n", r"row 1, column 'domain', value 'CNBC.com'"),
        ("domain,tier,note\nhttps://cnbc.com,news,x\n", r"column 'domain'"),
        ("domain,tier,note\ncnbc.com,news,x\ncnbc.com,weak,y\n", r"row 2.*first at row 1"),
        ("domain,tier,note\ncnbc.com,reliable,x\n", r"row 1, column 'tier', value 'reliable'"),
        ("domain,tier,note\ncnbc.com,news,\n", r"row 1, column 'note': expected a note"),
        ("", "non-empty"),
    ],
)
def test_bad_domain_tables_are_one_line_errors(tmp_path, body, message):
    path = tmp_path / "domains.csv"
    path.write_text(body)
    with pytest.raises(InputFileError, match=message):
        load_domains(path)


def test_shipped_table_is_valid_and_uses_only_known_tiers():
    table = load_domains()
    assert set(table["tier"]) <= set(SOURCE_TIERS)
    assert table["domain"].is_unique().all()
    assert source_tiers.DOMAINS_PATH.name == "source_domains.csv"
    # no entry is shadowed by a www. duplicate
    assert not table["domain"].str.starts_with("www.").any()
