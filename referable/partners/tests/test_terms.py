"""The professions' own rules about referral arrangements."""

from referable.partners.terms import Terms, check_terms


def test_a_lawyers_arrangement_may_not_be_exclusive_and_clients_must_be_told():
    check = check_terms(
        Terms("attorney", reciprocity=True, not_exclusive=False, clients_told=False)
    )
    assert "not_exclusive" in check.errors and "7.2" in check.errors["not_exclusive"]
    assert "clients_told" in check.errors
    assert not check_terms(Terms("attorney", reciprocity=True, clients_told=True)).errors


def test_an_accountants_referral_fee_is_disclosed_to_the_client():
    refused = check_terms(Terms("accountant", fee_or_compensation=True, fee_description="10%"))
    assert "AICPA" in refused.errors["clients_told"]
    allowed = check_terms(
        Terms("accountant", fee_or_compensation=True, fee_description="10%", clients_told=True)
    )
    assert not allowed.errors
    assert any("SEC marketing rule" in w for w in allowed.warnings)


def test_a_fee_must_say_what_it_is_and_an_exclusive_deal_elsewhere_is_a_warning():
    assert "fee_description" in check_terms(Terms("banker", fee_or_compensation=True)).errors
    check = check_terms(Terms("banker", not_exclusive=False))
    assert not check.errors and check.warnings
