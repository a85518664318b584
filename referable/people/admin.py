from django.contrib import admin

from referable.people.models import Connection, Person
from referable.practices.admin import PracticeAdmin, site


@admin.register(Person, site=site)
class PersonAdmin(PracticeAdmin):
    list_display = ("full_name", "organization", "category", "do_not_contact")
    list_filter = ("category", "do_not_contact")
    search_fields = ("last_name", "first_name", "organization")
    exclude = ("practice", "owner", "source_person")


@admin.register(Connection, site=site)
class ConnectionAdmin(PracticeAdmin):
    list_display = ("__str__", "kind", "closeness", "sentiment")
    list_filter = ("kind", "sentiment")
    raw_id_fields = ("person_a", "person_b", "told_by")
