import pytest

from referable.introductions.tests.factories import make_referral


@pytest.fixture
def referral(practice, professional):
    return make_referral(practice, by=professional)
