from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from passage.cases.forms import QueueFilterForm
from passage.core.access import Action, can
from passage.core.validation import clean_text
from passage.exports.columns import DEFAULT_COLUMNS, IDENTITY, SUMMARY


class ExportForm(QueueFilterForm):
    """The queue's filters, the columns wanted, the format; a reason if identity is included."""

    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[("csv", _("CSV (UTF-8, opens in Excel)")), ("xlsx", _("Excel workbook (XLSX)"))],
        initial="csv",
    )
    columns = forms.MultipleChoiceField(
        label=_("Columns"),
        choices=[(c.key, c.label) for c in SUMMARY],
        initial=DEFAULT_COLUMNS,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Reason for including identity"),
        help_text=_("Why this export needs names or contact details. Do not write names here."),
        max_length=300,
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if can(user, Action.EXPORT_IDENTITY):
            self.fields["columns"].choices = [(c.key, c.label) for c in SUMMARY + IDENTITY]
        else:
            del self.fields["reason"]

    def clean_reason(self):
        return clean_text(self.cleaned_data["reason"])

    def clean(self):
        data = super().clean()
        identity_keys = {c.key for c in IDENTITY}
        if identity_keys & set(data.get("columns", [])) and len(data.get("reason", "")) < 10:
            self.add_error(
                "reason",
                ValidationError(_("Say in a sentence why this export needs identity columns.")),
            )
        return data

    def filters(self) -> dict:
        keys = ("stage", "cell", "channel", "branch", "region", "q", "closed")
        return {k: self.cleaned_data.get(k) for k in keys}
