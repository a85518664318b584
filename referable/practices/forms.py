from django import forms
from django.core.exceptions import ValidationError


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What will use it, e.g. “Zapier” or “nightly export”.",
    )


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Shows a service's ValidationError on the form: next to the field it names, or
    above the form when the field is not on it."""
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else None
        for error in errors:
            form.add_error(target, error)
