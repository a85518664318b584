from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from referable.clients.models import IntroductionProfile
from referable.introductions.models import (
    CoachRule,
    ComplianceSettings,
    FeedbackDebt,
    Letter,
    LetterTemplate,
    Method,
    PipelineSettings,
    Referral,
    ScheduledCall,
    Stage,
)
from referable.people.models import Connection, Person
from referable.practices.services import professionals

CLOSENESS = [
    ("", "Not known"),
    (1, "1 – barely know each other"),
    (2, "2 – acquainted"),
    (3, "3 – know each other well"),
    (4, "4 – close"),
    (5, "5 – very close"),
]


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _person(person_id, message: str) -> Person | None:
    if not person_id:
        return None
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise ValidationError(message)
    return person


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").replace(",", "\n").splitlines() if line.strip()]


class ReferralForm(forms.Form):
    """Everything the professional hears on the phone, on one screen (SPEC §4)."""

    referrer = forms.IntegerField(label="Introduced by", widget=forms.HiddenInput, required=False)
    prospect = forms.IntegerField(label="Prospect", widget=forms.HiddenInput, required=False)
    new_first_name = forms.CharField(
        label="New prospect: first name", required=False, max_length=100
    )
    new_last_name = forms.CharField(label="Last name", required=False, max_length=100)
    new_title = forms.CharField(label="Position / title", required=False, max_length=150)
    new_organization = forms.CharField(label="Organization", required=False, max_length=200)
    new_email = forms.CharField(label="E-mail", required=False, max_length=254)
    new_phone = forms.CharField(label="Phone", required=False, max_length=40)
    kind = forms.ChoiceField(
        label="What they did", choices=Referral.Kind.choices, initial=Referral.Kind.INTRODUCTION
    )
    connection_kind = forms.ChoiceField(
        label="How they know each other",
        choices=[("", "Not known"), *Connection.Kind.choices],
        required=False,
    )
    connection_closeness = forms.TypedChoiceField(
        label="How close", choices=CLOSENESS, required=False, coerce=int, empty_value=None
    )
    connection_sentiment = forms.ChoiceField(
        label="On what terms",
        choices=[("", "Not known"), *Connection.Sentiment.choices],
        required=False,
    )
    method = forms.ChoiceField(
        label="Method of introduction",
        choices=[("", "Suggest one for me"), *Method.choices],
        required=False,
    )
    reason = forms.CharField(
        label="Reason given",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    source = forms.ChoiceField(choices=Referral.Source.choices, initial=Referral.Source.DIRECT)
    source_detail = forms.CharField(label="Source details", required=False, max_length=300)
    source_profile = forms.ModelChoiceField(
        label="Introduction profile it matched", queryset=None, required=False
    )
    owner = forms.ModelChoiceField(label="Followed up by", queryset=None, required=False)
    solicited = forms.BooleanField(
        label="We asked for this introduction",
        required=False,
        help_text="Then it counts as a testimonial or endorsement, and a disclosure is due.",
    )

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = professionals(practice)
        self.fields["source_profile"].queryset = IntroductionProfile.objects.filter(active=True)

    def clean_referrer(self):
        person = _person(self.cleaned_data.get("referrer"), "That person does not exist here.")
        if person is None:
            raise ValidationError("Search for who made the introduction and choose them.")
        return person

    def clean_prospect(self):
        return _person(self.cleaned_data.get("prospect"), "That person does not exist here.")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        new = None
        if data["prospect"] is None and (data["new_first_name"] or data["new_last_name"]):
            new = {
                "first_name": data["new_first_name"],
                "last_name": data["new_last_name"],
                "title": data["new_title"],
                "organization": data["new_organization"],
            }
        return {
            "referrer": data["referrer"],
            "prospect": data["prospect"],
            "new_prospect": new,
            "prospect_emails": _lines(data["new_email"]),
            "prospect_phones": _lines(data["new_phone"]),
            "kind": data["kind"],
            "method": data["method"],
            "connection": {
                "kind": data["connection_kind"],
                "closeness": data["connection_closeness"],
                "sentiment": data["connection_sentiment"],
            },
            "reason": data["reason"],
            "source": data["source"],
            "source_detail": data["source_detail"],
            "source_profile": data["source_profile"],
            "owner": data["owner"],
            "solicited": data["solicited"],
        }


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label="Move to", choices=Stage.choices)
    reason = forms.CharField(label="Reason", required=False, max_length=500)
    value = forms.DecimalField(
        label="Value won", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    currency = forms.CharField(label="Currency", required=False, max_length=3)
    privacy_notice_given = forms.BooleanField(
        label="Told them where their details came from", required=False
    )


class PayDebtForm(forms.Form):
    how = forms.ChoiceField(label="How", choices=FeedbackDebt.PaidHow.choices, initial="note")
    note = forms.CharField(
        label="What you told them", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class LetterStartForm(forms.Form):
    what_we_did = forms.CharField(
        label="What we did for the client",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
    )
    why_meet = forms.CharField(
        label="Why meeting is worthwhile", widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )
    call_at = forms.DateTimeField(label="The call is at", widget=DateTimeLocal())
    template = forms.ModelChoiceField(
        label="Template", queryset=None, required=False, empty_label="The default template"
    )

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["template"].queryset = LetterTemplate.objects.all()

    def clean_call_at(self):
        value = self.cleaned_data["call_at"]
        return _in_zone(value, self.zone)


def _in_zone(value, zone):
    """datetime-local carries no zone: it means the user's wall clock."""
    if value is None:
        return None
    naive = (
        timezone.make_naive(value, timezone.get_current_timezone())
        if timezone.is_aware(value)
        else value
    )
    return naive.replace(tzinfo=zone)


class LetterForm(forms.ModelForm):
    class Meta:
        model = Letter
        fields = ["what_we_did", "why_meet", "call_at", "subject", "body", "prospect_address"]
        widgets = {
            "what_we_did": forms.Textarea(attrs={"rows": 3}),
            "why_meet": forms.Textarea(attrs={"rows": 3}),
            "call_at": DateTimeLocal(),
            "body": forms.Textarea(attrs={"rows": 16}),
            "prospect_address": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        if self.instance.pk and not self.is_bound:
            self.initial["call_at"] = self.instance.call_at.astimezone(zone).strftime(
                "%Y-%m-%dT%H:%M"
            )

    def clean_call_at(self):
        return _in_zone(self.cleaned_data["call_at"], self.zone)

    def letter_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class DeliverForm(forms.Form):
    how = forms.ChoiceField(
        label="How it reaches the prospect", choices=Letter.DeliveredHow.choices
    )


class CallForm(forms.Form):
    kind = forms.ChoiceField(label="What", choices=ScheduledCall.Kind.choices)
    at = forms.DateTimeField(label="When", widget=DateTimeLocal())
    minutes = forms.IntegerField(label="Minutes", min_value=5, max_value=480, initial=30)
    location = forms.CharField(label="Where", required=False, max_length=300)
    invite = forms.BooleanField(label="Send invitations", required=False, initial=True)

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone

    def clean_at(self):
        return _in_zone(self.cleaned_data["at"], self.zone)


class LogCallForm(forms.Form):
    note = forms.CharField(
        label="What came of it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )


class FirstContactForm(forms.Form):
    subject = forms.CharField(label="Subject", max_length=300)
    text = forms.CharField(
        label="Message", widget=forms.Textarea(attrs={"rows": 9}), max_length=10000
    )


class PrivacyNoticeForm(forms.Form):
    how = forms.CharField(
        label="How they were told", max_length=100, initial="by phone at first contact"
    )


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=3000
    )


class TemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["name", "subject", "body", "is_default"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}


class CoachRuleForm(forms.ModelForm):
    class Meta:
        model = CoachRule
        fields = ["phrase", "suggestion", "explanation", "active"]


WEEKDAYS = [
    ("0", "Mon"),
    ("1", "Tue"),
    ("2", "Wed"),
    ("3", "Thu"),
    ("4", "Fri"),
    ("5", "Sat"),
    ("6", "Sun"),
]


class PipelineSettingsForm(forms.ModelForm):
    working_days = forms.MultipleChoiceField(
        label="Working days", choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PipelineSettings
        fields = [
            "policy",
            "amount",
            "day_starts",
            "day_ends",
            "working_days",
            "call_grace_minutes",
            "alert_minutes_before_due",
            "reminder_minutes_before_call",
        ]
        widgets = {
            "day_starts": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "day_ends": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["working_days"] = list(self.instance.working_days)

    def clean_working_days(self):
        return "".join(sorted(self.cleaned_data["working_days"]))

    def settings_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class ComplianceSettingsForm(forms.ModelForm):
    class Meta:
        model = ComplianceSettings
        fields = ["require_review", "disclosure_text", "privacy_notice_text", "privacy_notice_days"]
        widgets = {
            "disclosure_text": forms.Textarea(attrs={"rows": 4}),
            "privacy_notice_text": forms.Textarea(attrs={"rows": 4}),
        }

    def settings_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class ListFilters(forms.Form):
    q = forms.CharField(label="Search by name", required=False)
    stage = forms.ChoiceField(
        label="Stage", required=False, choices=[("", "Any stage"), *Stage.choices]
    )
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *Referral.Kind.choices]
    )
    method = forms.ChoiceField(
        label="Method", required=False, choices=[("", "Any method"), *Method.choices]
    )
    referrer_kind = forms.ChoiceField(
        label="Referrer",
        required=False,
        choices=[("", "Any referrer"), *Referral.ReferrerKind.choices],
    )
    overdue = forms.BooleanField(label="First contact late", required=False)
