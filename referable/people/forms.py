from django import forms
from django.core.exceptions import ValidationError

from referable.people.models import Connection, Person, ResearchBrief
from referable.people.services import clean_emails, clean_phones
from referable.practices.services import professionals


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.replace(",", "\n").splitlines() if line.strip()]


class PersonForm(forms.ModelForm):
    emails = forms.CharField(
        label="E-mail addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line; the first is the one we write to.",
    )
    phones = forms.CharField(
        label="Phone numbers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line, e.g. +1 (202) 555-0143.",
    )

    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "title",
            "organization",
            "industry",
            "city",
            "category",
            "owner",
            "notes",
            "do_not_contact",
            "do_not_contact_reason",
            "legal_basis",
            "source",
            "source_detail",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = professionals(practice)
        if self.instance.pk and not self.is_bound:
            self.initial["emails"] = "\n".join(e.address for e in self.instance.emails.all())
            self.initial["phones"] = "\n".join(p.number for p in self.instance.phones.all())

    def clean_emails(self) -> list[str]:
        try:
            return clean_emails(_lines(self.cleaned_data["emails"]))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["emails"]) from exc

    def clean_phones(self) -> list[str]:
        try:
            return clean_phones(_lines(self.cleaned_data["phones"]))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["phones"]) from exc

    def person_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class ResearchBriefForm(forms.ModelForm):
    class Meta:
        model = ResearchBrief
        fields = ["industry", "market", "competitors", "notes"]
        labels = {"industry": "Their industry", "market": "Their market"}
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in fields}


class ConnectionForm(forms.ModelForm):
    other = forms.IntegerField(label="Connected to", widget=forms.HiddenInput, required=False)

    class Meta:
        model = Connection
        fields = ["kind", "closeness", "sentiment", "noted_on", "notes"]
        widgets = {
            "closeness": forms.Select(
                choices=[
                    (i, f"{i} – {label}")
                    for i, label in (
                        (1, "barely know each other"),
                        (2, "acquainted"),
                        (3, "know each other well"),
                        (4, "close"),
                        (5, "very close"),
                    )
                ]
            ),
            "noted_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    told_by = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, person: Person, **kwargs):
        self.person = person
        super().__init__(*args, **kwargs)

    def _person_or_error(self, person_id, field: str, message: str) -> Person | None:
        if not person_id:
            return None
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise ValidationError(message)
        return person

    def clean_other(self):
        if self.instance.pk:
            return None
        person_id = self.cleaned_data.get("other")
        if not person_id:
            raise ValidationError("Search for the person and choose them from the list.")
        return self._person_or_error(person_id, "other", "That person does not exist here.")

    def clean_told_by(self):
        return self._person_or_error(
            self.cleaned_data.get("told_by"), "told_by", "That person does not exist here."
        )

    def connection_data(self) -> dict:
        data = {f: self.cleaned_data[f] for f in self.Meta.fields}
        data["told_by"] = self.cleaned_data.get("told_by")
        return data


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_duplicate(self):
        person_id = self.cleaned_data.get("duplicate")
        if not person_id:
            raise ValidationError("Search for the duplicate and choose it from the list.")
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise ValidationError("That person does not exist here.")
        return person
