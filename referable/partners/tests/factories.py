"""Partners built through the same services the app uses."""

from referable.partners import services
from referable.partners.models import PartnerProfile
from referable.people.tests.factories import make_person
from referable.practices.tenancy import practice_scope


def make_partner(practice, *, person=None, **fields) -> PartnerProfile:
    person = person or make_person(practice, category="contact", last_name="Partner")
    data = {"profession": "accountant", "niche": "Tax for dentists", **fields}
    with practice_scope(practice):
        return services.make_partner(person, data)
