"""Properties of layofflab.roles.classify_titles: every input title comes out exactly once, in
order, whatever the titles are (duplicates, empty strings, nulls, any Unicode), and each row's
answer depends on its title alone (not on the other rows, nor on how many rows there are)."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from layofflab import roles

REAL_STYLE = [
    "SOFTWARE DEV ENGINEER II",
    "Sr.Mgr, General MKTG",
    "Manager III, Software Dev",
    "Acct Exec II 100, AdLrgSales",
    "Fulfillment Associate",
    "Team Member",
    "R&amp;D Engineer",
    "  Sr.  Program   Mgr ",
]
titles = st.lists(
    st.one_of(
        st.none(),
        st.just(""),
        st.sampled_from(REAL_STYLE),
        st.text(max_size=40),
        st.text(alphabet="SDEMGRIVsr.,/& -é\u00a0\u0301日本", max_size=25),
    ),
    max_size=40,
)


def _check_rows(given_titles: list[str | None], out: pl.DataFrame) -> None:
    assert out.columns == list(roles.COLUMNS)
    assert out.height == len(given_titles)
    assert out["title"].to_list() == given_titles  # same values, same order, nulls kept
    assert out["group"].null_count() == 0 and out["seniority"].null_count() == 0
    assert out["unclassified"].to_list() == (out["group"] == roles.UNCLASSIFIED).to_list()
    assert out["soc_major_code"].is_null().to_list() == out["unclassified"].to_list()


@settings(deadline=None)
@given(titles)
def test_every_title_appears_once_in_order(given_titles):
    _check_rows(given_titles, roles.classify_titles(given_titles))


@settings(max_examples=40, deadline=None)
@given(titles, st.data())
def test_a_row_depends_on_its_title_alone(given_titles, data):
    out = roles.classify_titles(given_titles)
    if given_titles:
        i = data.draw(st.integers(0, len(given_titles) - 1))
        assert_frame_equal(out[i], roles.classify_titles([given_titles[i]]))


@settings(max_examples=15, deadline=None)
@given(titles.filter(bool))
def test_the_per_distinct_title_path_gives_the_same_rows(given_titles):
    # 20,000+ rows take the once-per-distinct-title path of layofflab.cleaning.per_value.
    repeat = -(-20_000 // len(given_titles))
    many = given_titles * repeat
    out = roles.classify_titles(pl.Series("title", many, dtype=pl.String))
    _check_rows(many, out)
    assert_frame_equal(out.tail(len(given_titles)), roles.classify_titles(given_titles))
