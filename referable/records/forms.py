from django import forms

from referable.records import importing
from referable.records.models import Communication, RecordsSettings


class ArchiveSearchForm(forms.Form):
    text = forms.CharField(label="Words in the subject, text or addresses", required=False)
    person = forms.CharField(label="Person (name, organization or e-mail)", required=False)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Every kind"), *Communication.Kind.choices]
    )
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end of the period is before its start.")
        return data


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV or vCard file",
        help_text=(
            f"Up to {importing.MAX_MB} MB. CSV with a heading row (comma- or semicolon-"
            "separated, any common encoding) or vCard 3.0/4.0 (.vcf) as address books and "
            "phones export it."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.txt,.vcf,.vcard,text/csv,text/vcard"}
        ),
    )


class MappingForm(forms.Form):
    """One choice per column of the file, plus the all-or-nothing switch."""

    all_or_nothing = forms.BooleanField(
        label="All or nothing: import nothing if any row has an error",
        required=False,
    )

    def __init__(self, *args, headers: list[str], samples: list[list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = []
        for index, header in enumerate(headers):
            name = f"col_{index}"
            example = next((row[index] for row in samples if index < len(row) and row[index]), "")
            self.fields[name] = forms.ChoiceField(
                label=header or f"Column {index + 1}",
                choices=list(importing.TARGETS.items()),
                required=False,
                help_text=f"e.g. “{example[:40]}”" if example else "empty in the first rows",
            )
            self.columns.append(name)

    def mapping(self) -> dict[str, str]:
        return {
            name.removeprefix("col_"): self.cleaned_data[name]
            for name in self.columns
            if self.cleaned_data.get(name)
        }

    def column_fields(self):
        return [self[name] for name in self.columns]


class EraseForm(forms.Form):
    reason = forms.CharField(
        label="Why (the request and how it came)",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(label="I understand this cannot be undone", required=True)


class RetentionForm(forms.ModelForm):
    class Meta:
        model = RecordsSettings
        fields = ["retention_years"]
