from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from passage.accounts.models import Cell
from passage.cases.vocab import Channel
from passage.exports.importing import CHOICE_TARGETS, MULTI_TARGETS, TARGETS, columns_of
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

    def __init__(self, *args, header: list[str], initial=None, unknown=None, values=None, **kwargs):
        initial = dict(initial or {})
        # The value-mapping step: one field per distinct value a choice column holds that is
        # none of Passage's own, e.g. rank "Sgt." → Sergeant.
        self.value_fields: list[tuple[str, str, str]] = []
        for target, raws in (unknown or {}).items():
            for n, raw in enumerate(raws):
                name = f"value-{target}-{n}"
                self.value_fields.append((name, target, raw))
                initial[name] = ((values or {}).get(target) or {}).get(raw, "")
        for target in MULTI_TARGETS:
            initial[target] = [str(i) for i in columns_of(initial, target)]
        super().__init__(*args, initial=initial, **kwargs)
        titled = [
            (str(i), title or _("Column %(n)d") % {"n": i + 1}) for i, title in enumerate(header)
        ]
        columns = [("", _("— not in the sheet —")), *titled]
        for target, (label, _words) in TARGETS.items():
            if target in MULTI_TARGETS:
                # Several columns, e.g. the name in Burmese and in Latin letters.
                self.fields[target] = forms.MultipleChoiceField(
                    label=label, choices=titled, required=False
                )
            else:
                self.fields[target] = forms.ChoiceField(
                    label=label, choices=columns, required=False
                )

        for name, target, raw in self.value_fields:
            self.fields[name] = forms.ChoiceField(
                label=format_lazy("{label}: “{raw}”", label=TARGETS[target][0], raw=raw),
                choices=[("", _("— as written (refused) —")), *CHOICE_TARGETS[target]],
                required=False,
            )

    def value_map(self) -> dict[str, dict[str, str]]:
        chosen: dict[str, dict[str, str]] = {}
        for name, target, raw in self.value_fields:
            chosen.setdefault(target, {})[raw] = self.cleaned_data.get(name, "")
        return chosen

    def mapping(self) -> dict[str, str]:
        """Target -> column index, or comma-separated indexes for a several-column target."""
        chosen = {}
        for target, value in self.cleaned_data.items():
            if target.startswith("value-"):
                continue
            value = ",".join(value) if isinstance(value, list) else value
            if value:
                chosen[target] = value
        return chosen
