from django import forms
from django.core.exceptions import ValidationError

from referable.events.models import Event, EventSettings, Invitation
from referable.people.models import Person
from referable.practices.services import professionals

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "venue",
            "capacity",
            "budget",
            "actual_cost",
            "currency",
            "host",
            "description",
        ]
        widgets = {
            "starts_at": WHEN,
            "ends_at": WHEN,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = professionals(practice)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        data = super().clean()
        for name in ("budget", "actual_cost"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, "A cost cannot be negative.")
        return data

    def event_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class HandPickForm(forms.Form):
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_person(self):
        person_id = self.cleaned_data.get("person")
        person = Person.objects.filter(pk=person_id).first() if person_id else None
        if person is None:
            raise ValidationError("Search for the person and choose them from the list.")
        return person


class GuestForm(forms.Form):
    first_name = forms.CharField(label="Guest's first name", max_length=100, required=False)
    last_name = forms.CharField(label="Guest's last name", max_length=100, required=False)
    email = forms.EmailField(label="Guest's e-mail", required=False)
    phone = forms.CharField(label="Guest's phone", max_length=40, required=False)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=Invitation.Answer.choices)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = EventSettings
        fields = ["attribution_window_days"]
