import pytest

from referable.practices.tenancy import acting_as


@pytest.fixture
def as_professional(in_practice, professional):
    with acting_as(professional):
        yield professional
