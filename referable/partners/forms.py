from django import forms
from django.core.exceptions import ValidationError

from referable.partners.models import (
    Gift,
    OutboundStage,
    PartnerMeeting,
    PartnerProfile,
    PartnerSettings,
)
from referable.people.models import Person
from referable.practices.services import professionals

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def person_or_error(person_id, message: str = "That person does not exist here.") -> Person | None:
    if not person_id:
        return None
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise ValidationError(message)
    return person


class PartnerForm(forms.ModelForm):
    class Meta:
        model = PartnerProfile
        fields = [
            "profession",
            "firm",
            "niche",
            "good_referral",
            "criteria_industries",
            "criteria_client_size",
            "criteria_needs",
            "same_day_response",
            "same_day_response_on",
            "feedback_every_referral",
            "feedback_every_referral_on",
            "reciprocity",
            "reciprocity_on",
            "other_terms",
            "other_terms_on",
            "fee_or_compensation",
            "fee_description",
            "clients_told",
            "not_exclusive",
            "cadence_days",
            "since",
            "owner",
        ]
        widgets = {
            "good_referral": forms.Textarea(attrs={"rows": 3}),
            "other_terms": forms.Textarea(attrs={"rows": 2}),
            "same_day_response_on": DATE,
            "feedback_every_referral_on": DATE,
            "reciprocity_on": DATE,
            "other_terms_on": DATE,
            "since": DATE,
        }
        labels = {
            "same_day_response_on": "Same-day response agreed on",
            "feedback_every_referral_on": "Feedback agreed on",
            "reciprocity_on": "Reciprocity agreed on",
            "other_terms_on": "Other terms agreed on",
        }

    person = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = professionals(practice)
        if self.instance.pk:
            del self.fields["person"]

    def clean_person(self):
        person_id = self.cleaned_data.get("person")
        if not person_id:
            raise ValidationError("Search for the person and choose them from the list.")
        return person_or_error(person_id)

    def profile_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class GiftForm(forms.ModelForm):
    class Meta:
        model = Gift
        fields = ["direction", "kind", "value", "currency", "given_on", "description"]
        widgets = {"given_on": DATE}

    def clean_value(self):
        value = self.cleaned_data["value"]
        if value is not None and value < 0:
            raise ValidationError("A value cannot be negative.")
        return value


class AgreementForm(forms.Form):
    signed_on = forms.DateField(label="Written agreement signed on", widget=DATE)
    description = forms.CharField(label="What it covers", max_length=300, required=False)


class MeetingForm(forms.ModelForm):
    class Meta:
        model = PartnerMeeting
        fields = ["kind", "held_on", "notes"]
        widgets = {"held_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}


class SendForm(forms.Form):
    """An outbound referral: who we send, to which partner, and what they need."""

    partner = forms.IntegerField(required=False, widget=forms.HiddenInput)
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    need = forms.CharField(label="What they need", max_length=300)
    sent_on = forms.DateField(label="Sent on", required=False, widget=DATE)
    notes = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_partner(self):
        return person_or_error(self.cleaned_data.get("partner"))

    def clean_person(self):
        person = person_or_error(self.cleaned_data.get("person"))
        if person is None:
            raise ValidationError("Search for the person and choose them from the list.")
        return person


class FeedbackForm(forms.Form):
    stage = forms.ChoiceField(label="Where it stands", choices=OutboundStage.choices)
    feedback = forms.CharField(
        label="What they told us",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    value = forms.DecimalField(
        label="Value to them", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    on = forms.DateField(label="Heard on", required=False, widget=DATE)


class NeedForm(forms.Form):
    industry = forms.CharField(label="Their industry", max_length=100, required=False)
    keywords = forms.CharField(
        label="What they need",
        max_length=300,
        required=False,
        help_text="e.g. estate plan, trust for the children, business succession",
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = PartnerSettings
        fields = ["gift_threshold", "currency", "default_cadence_days"]
