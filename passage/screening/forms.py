from django import forms
from django.utils.translation import gettext_lazy as _

from passage.cases.vocab import Rank

from .imports import MAX_BYTES, check_record
from .models import Confidence, Hit, Kind


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


class RecordForm(forms.Form):
    """Add or change one watchlist entry or documented abuse; checked as an imported row is."""

    reference = forms.CharField(
        label=_("Reference"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to have one given."),
    )

    def __init__(self, kind: str, record=None, data=None):
        super().__init__(data, initial=_initial(kind, record))
        self.kind, self.record, self.row = kind, record, None
        lines = {"widget": forms.Textarea(attrs={"rows": 3}), "required": False}
        long = {"widget": forms.Textarea(attrs={"rows": 3}), "required": False, "max_length": 5000}
        short = {"required": False, "max_length": 200}
        if kind == Kind.WATCHLIST:
            self.fields["names"] = forms.CharField(
                label=_("Names and aliases"), help_text=_("One name on each line."), **lines
            )
            self.fields["unit"] = forms.CharField(label=_("Unit"), **short)
            self.fields["township"] = forms.CharField(label=_("Township"), **short)
            self.fields["rank"] = forms.ChoiceField(
                label=_("Rank"), choices=Rank.choices, initial=Rank.UNKNOWN
            )
            self.fields["age"] = forms.CharField(label=_("Age"), required=False, max_length=3)
            self.fields["confidence"] = forms.ChoiceField(
                label=_("Confidence"), choices=Confidence.choices, initial=Confidence.MEDIUM
            )
            self.fields["source"] = forms.CharField(label=_("Source"), **long)
            self.fields["notes"] = forms.CharField(label=_("Notes"), **long)
        else:
            self.fields["date"] = forms.CharField(
                label=_("Date"),
                help_text=_("Written as YYYY-MM-DD."),
                required=False,
                max_length=10,
            )
            self.fields["place"] = forms.CharField(label=_("Place"), **short)
            self.fields["units"] = forms.CharField(
                label=_("Units"), help_text=_("One unit on each line."), **lines
            )
            self.fields["perpetrators"] = forms.CharField(
                label=_("Named perpetrators"),
                help_text=_("One on each line, with the rank as written, e.g. Lt. Kyaw Htoo."),
                **lines,
            )
            self.fields["description"] = forms.CharField(label=_("Description"), **long)
            self.fields["sources"] = forms.CharField(label=_("Sources"), **long)

    def clean(self):
        raw = {name: str(value or "") for name, value in self.cleaned_data.items()}
        if self.errors:
            return self.cleaned_data
        row, problems = check_record(self.kind, raw, self.record)
        for column, messages in problems.items():
            for message in messages:
                self.add_error(column if column in self.fields else None, message)
        self.row = row
        return self.cleaned_data


def _initial(kind: str, record) -> dict:
    if record is None:
        return {}
    if kind == Kind.WATCHLIST:
        return {
            "reference": record.reference,
            "names": "\n".join(record.names),
            "unit": record.unit,
            "township": record.township,
            "rank": record.rank,
            "age": "" if record.age is None else str(record.age),
            "confidence": record.confidence,
            "source": record.source,
            "notes": record.notes,
        }
    return {
        "reference": record.reference,
        "date": record.date.isoformat() if record.date else "",
        "place": record.place,
        "units": "\n".join(record.units),
        "perpetrators": "\n".join(p["name"] for p in record.perpetrators),
        "description": record.description,
        "sources": record.sources,
    }
