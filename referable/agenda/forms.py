from django import forms

from referable.agenda import cadence
from referable.agenda.models import DigestPreference, ProcessStep, Task
from referable.agenda.queries import colleagues
from referable.clients.models import ServiceTier


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["title", "due_on", "due_time", "assignee", "notes"]
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "due_time": forms.TimeInput(attrs={"type": "time"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = colleagues(practice)
        self.fields["assignee"].label = "for"


class StepForm(forms.ModelForm):
    class Meta:
        model = ProcessStep
        fields = ["name", "description", "evidence"]


class TouchRuleForm(forms.Form):
    tier = forms.ModelChoiceField(queryset=ServiceTier.objects.none(), label="Tier")
    kind = forms.ChoiceField(choices=cadence.RULE_CHOICES, label="Touch")
    every_days = forms.IntegerField(min_value=1, max_value=1830, label="Every (days)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = ServiceTier.objects.order_by("position", "id")


class DigestForm(forms.ModelForm):
    class Meta:
        model = DigestPreference
        fields = ["enabled", "hour"]
