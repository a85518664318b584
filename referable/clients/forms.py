from django import forms
from django.core.exceptions import ValidationError
from django_scopes.forms import SafeModelChoiceField

from referable.clients.models import (
    Answer,
    Ask,
    CheckIn,
    Client,
    Expectation,
    IntroductionProfile,
    LadderSettings,
    Method,
    ProfileShare,
    Rating,
    RelationshipAgreement,
    Script,
    ServiceTier,
    TrustRating,
)
from referable.people.models import Person
from referable.practices.services import professionals

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TRUST_CHOICES = [
    (1, "1 – wary"),
    (2, "2 – some doubts"),
    (3, "3 – some trust"),
    (4, "4 – trusts us"),
    (5, "5 – complete trust"),
]


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ["owner", "tier", "stage", "start_date"]
        widgets = {"start_date": DATE}
        labels = {"tier": "Service tier", "owner": "Responsible professional"}
        field_classes = {"tier": SafeModelChoiceField}

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = professionals(practice)
        self.fields["tier"].queryset = ServiceTier.objects.order_by("position", "id")
        self.fields["tier"].empty_label = None

    def client_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class NewClientForm(ClientForm):
    person = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_person(self):
        person_id = self.cleaned_data.get("person")
        if not person_id:
            raise ValidationError("Search for the person and choose them from the list.")
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise ValidationError("That person does not exist here.")
        return person


class ExpectationForm(forms.ModelForm):
    class Meta:
        model = Expectation
        fields = ["text", "category", "priority", "asked_on"]
        widgets = {"asked_on": DATE}
        help_texts = {"text": "What they said, e.g. “a call back within a day”."}


class CheckInForm(forms.ModelForm):
    """The check-in with one below/meeting/exceeding choice per expectation."""

    RATING_CHOICES = [("", "Not discussed"), *Rating.choices]

    class Meta:
        model = CheckIn
        fields = ["held_on", "channel", "overall", "introductions_discussed", "notes"]
        widgets = {
            "held_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 2}),
            "overall": forms.RadioSelect,
        }
        labels = {"notes": "What they said", "held_on": "Date of the check-in"}

    def __init__(self, *args, expectations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["overall"].choices = Rating.choices
        self.expectations = list(expectations)
        for expectation in self.expectations:
            self.fields[f"rating_{expectation.pk}"] = forms.ChoiceField(
                label=expectation.text,
                choices=self.RATING_CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )

    @property
    def rating_fields(self):
        return [self[f"rating_{e.pk}"] for e in self.expectations]

    def ratings(self) -> dict[int, str]:
        return {
            e.pk: self.cleaned_data.get(f"rating_{e.pk}", "")
            for e in self.expectations
            if self.cleaned_data.get(f"rating_{e.pk}")
        }


class TrustRatingForm(forms.ModelForm):
    score = forms.TypedChoiceField(
        label="How much do they trust you?", choices=TRUST_CHOICES, coerce=int
    )

    class Meta:
        model = TrustRating
        fields = ["score", "rated_on", "notes"]
        widgets = {"rated_on": DATE}


class AgreementForm(forms.ModelForm):
    class Meta:
        model = RelationshipAgreement
        fields = ["asked_on", "script", "answer", "notes"]
        widgets = {"asked_on": DATE}
        labels = {"script": "Script used", "answer": "Their answer"}
        field_classes = {"script": SafeModelChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["script"].queryset = Script.objects.filter(
            purpose=Script.Purpose.RELATIONSHIP
        ).order_by("-is_default", "name")


class ShareForm(forms.ModelForm):
    class Meta:
        model = ProfileShare
        fields = ["profile", "shared_on", "how", "notes"]
        widgets = {"shared_on": DATE}
        field_classes = {"profile": SafeModelChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = IntroductionProfile.objects.filter(active=True)
        self.fields["profile"].empty_label = None


class AskForm(forms.ModelForm):
    person = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Ask
        fields = ["kind", "method", "answer", "asked_on", "notes"]
        widgets = {"asked_on": DATE}
        labels = {"kind": "What you asked", "answer": "Their answer"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [("", "—"), *Method.choices]
        self.fields["answer"].choices = Answer.choices

    def clean_person(self):
        person_id = self.cleaned_data.get("person")
        if not person_id:
            return None
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise ValidationError("That person does not exist here.")
        return person


class LadderSettingsForm(forms.ModelForm):
    class Meta:
        model = LadderSettings
        fields = [
            "trust_threshold",
            "recommendation_trust",
            "introduction_trust",
            "cooldown_days",
            "max_requests",
            "period_days",
            "negative_connections",
        ]
        widgets = {
            f: forms.NumberInput(attrs={"min": 0, "max": 100})
            for f in ("trust_threshold", "recommendation_trust", "introduction_trust")
        }


class TierForm(forms.ModelForm):
    class Meta:
        model = ServiceTier
        fields = ["name", "position", "description"]


class ScriptForm(forms.ModelForm):
    class Meta:
        model = Script
        fields = ["name", "purpose", "text", "is_default"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "text": "Placeholders: {client}, {professional}, {connection}, {method}, "
            "{method_detail}. Say “introduction”, never “referral”; never corner."
        }


class ProfileForm(forms.ModelForm):
    class Meta:
        model = IntroductionProfile
        fields = ["name", "positions", "industries", "traits", "why", "active"]
        widgets = {
            "positions": forms.Textarea(attrs={"rows": 3}),
            "industries": forms.Textarea(attrs={"rows": 3}),
            "traits": forms.Textarea(attrs={"rows": 3}),
            "why": forms.Textarea(attrs={"rows": 3}),
        }
