"""Suggesting partners whose niche fits a need, without the database."""

from hypothesis import given
from hypothesis import strategies as st

from referable.partners.matching import Candidate, Need, suggest, words

ESTATE = Candidate(
    partner_id=1,
    name="Ann Lee",
    profession="attorney",
    profession_label="Attorney",
    niche="Estate planning for business owners",
    good_referral="Owners over 55 with no succession plan",
    industries="construction, dentistry",
    needs="estate plan, trusts, probate",
)
TAX = Candidate(
    partner_id=2,
    name="Bo Chen",
    profession="accountant",
    profession_label="Accountant (CPA)",
    niche="Tax planning for medical practices",
    industries="medicine, dentistry",
    needs="tax, payroll",
)
LENDER = Candidate(partner_id=3, name="Cy Diaz", niche="Commercial lending", needs="loans")


def test_the_estate_attorney_fits_a_trust_for_a_dentist():
    found = suggest(
        Need(industry="Dentistry", keywords="a trust for the children"), [TAX, ESTATE, LENDER]
    )
    assert [m.partner_id for m in found] == [1, 2]
    assert "meets trust" in found[0].reasons
    assert "serves Dentistry" in found[0].reasons


def test_keywords_alone_rank_needs_above_niche_above_the_good_referral_text():
    found = suggest(Need(keywords="succession tax"), [ESTATE, TAX])
    assert {m.partner_id for m in found} == {1, 2}
    assert found[0].partner_id == 2  # "tax" is a listed need (3) beats "succession" in text (1)


def test_nothing_fits_nothing_is_suggested():
    assert suggest(Need(industry="aviation", keywords="jet fuel"), [ESTATE, TAX, LENDER]) == []
    assert suggest(Need(), [ESTATE]) == []


def test_words_ignore_case_plurals_and_filler():
    assert words("The Trusts and an Estate for clients") == {"trust", "estate"}


@given(st.text(max_size=40), st.text(max_size=60))
def test_suggestions_are_ranked_and_all_fit(industry, keywords):
    found = suggest(Need(industry=industry, keywords=keywords), [ESTATE, TAX, LENDER], limit=3)
    assert all(m.score > 0 and m.reasons for m in found)
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
