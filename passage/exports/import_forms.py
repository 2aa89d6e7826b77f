from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from passage.accounts.models import Cell
from passage.cases.vocab import Channel
from passage.exports.importing import TARGETS
from passage.exports.spreadsheet import MAX_ROWS


class UploadForm(forms.Form):
    sheet = forms.FileField(
        label=_("Spreadsheet"),
        # `%` on a lazy string translates it at import time, in English: format_lazy waits.
        help_text=format_lazy(
            _("A .csv (UTF-8) or .xlsx file, first row the column titles, up to {n} rows."),
            n=MAX_ROWS,
        ),
    )
    default_channel = forms.ChoiceField(
        label=_("Channel, where the sheet does not say"), choices=Channel.choices, initial="phone"
    )
    cell = forms.ModelChoiceField(
        label=_("Assign every imported case to"),
        queryset=Cell.objects.all(),
        required=False,
        empty_label=_("No cell"),
    )


class MappingForm(forms.Form):
    """Which column of the sheet holds each field; every field may be left out."""

    def __init__(self, *args, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        columns = [("", _("— not in the sheet —"))] + [
            (str(i), title or _("Column %(n)d") % {"n": i + 1}) for i, title in enumerate(header)
        ]
        for target, (label, _words) in TARGETS.items():
            self.fields[target] = forms.ChoiceField(label=label, choices=columns, required=False)
