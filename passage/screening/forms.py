from django import forms
from django.utils.translation import gettext_lazy as _

from .imports import MAX_BYTES
from .models import Hit, Kind


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("List"),
        choices=[(Kind.WATCHLIST, Kind.WATCHLIST.label), (Kind.ABUSE, Kind.ABUSE.label)],
    )
    file = forms.FileField(
        label=_("File"), help_text=_("CSV (UTF-8) or XLSX, at most 5 MB."), max_length=200
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return f


class ReviewForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Hit.Status.CONFIRMED, Hit.Status.CONFIRMED.label),
            (Hit.Status.FALSE_POSITIVE, Hit.Status.FALSE_POSITIVE.label),
        ]
    )
    note = forms.CharField(max_length=2000)
