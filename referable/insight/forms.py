"""The dashboard's filters, for the page and the API alike: whose work, which tier,
which period. Who may look at whose work is decided here, on the server: those who may
see the firm choose anyone (the whole firm by default); a professional sees their own
book, and an assistant the books of the professionals they work for."""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from referable.clients.models import ServiceTier
from referable.insight.filters import MAX_MONTHS, Filters, default_period
from referable.practices.services import professionals

EVERYONE = "all"


def owner_choices(user) -> list[tuple[str, str]]:
    if user.can("see_firm"):
        return [(EVERYONE, "The whole firm")] + [
            (str(u.pk), str(u)) for u in professionals(user.practice)
        ]
    own = [(str(user.pk), f"My own ({user})")]
    return own + [(str(u.pk), str(u)) for u in user.acts_for.filter(is_active=True)]


def default_owner(user, choices: list[tuple[str, str]]) -> str:
    if user.can("see_firm"):
        return EVERYONE
    if user.role == "assistant" and len(choices) > 1:
        return choices[1][0]
    return str(user.pk)


class InsightFilterForm(forms.Form):
    owner = forms.ChoiceField(label="Whose work", required=False)
    tier = forms.ChoiceField(label="Service tier", required=False)
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data: Mapping | None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        choices = owner_choices(user)
        self.fields["owner"].choices = choices
        self.fields["tier"].choices = [("", "All tiers")] + [
            (str(t.pk), t.name) for t in ServiceTier.objects.order_by("position", "id")
        ]
        self.today = timezone.localdate(timezone=user.practice.zone)
        start, end = default_period(self.today)
        self.defaults = {
            "owner": default_owner(user, choices),
            "tier": "",
            "start": start,
            "end": end,
        }
        # an empty box means "the default"; the form shows what is in force
        for name, value in self.defaults.items():
            self.fields[name].initial = value

    def clean(self):
        data = super().clean()
        for name, value in self.defaults.items():
            if not data.get(name) and name not in self.errors:
                data[name] = value
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The period must end on or after the day it starts.")
            elif (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
                self.add_error("start", f"Choose a period of at most {MAX_MONTHS} months.")
        return data

    def filters(self) -> Filters:
        """The filters in force: the valid ones asked for, the defaults for the rest."""
        data = {**self.defaults, **(self.cleaned_data if self.is_bound else {})}
        if self.is_bound and self.errors:
            data = {**self.defaults, **{k: v for k, v in data.items() if k not in self.errors}}
            if "start" in self.errors or "end" in self.errors:
                data["start"], data["end"] = self.defaults["start"], self.defaults["end"]
        owner = data["owner"]
        return Filters(
            start=data["start"],
            end=data["end"],
            zone=self.user.practice.zone,
            owner_id=None if owner == EVERYONE else int(owner),
            tier_id=int(data["tier"]) if data["tier"] else None,
        )


def filters_for(user, params: Mapping) -> tuple[InsightFilterForm, Filters]:
    """The form (with any errors) and the filters in force for ``user``."""
    form = InsightFilterForm(params if params else None, user=user)
    if form.is_bound:
        form.is_valid()
    return form, form.filters()


def filters_or_error(user, params: Mapping) -> Filters:
    """For the API: the filters, or a ValidationError naming each field at fault."""
    form = InsightFilterForm(params, user=user)
    if not form.is_valid():
        raise ValidationError({field: errors[0] for field, errors in form.errors.items()})
    return form.filters()
