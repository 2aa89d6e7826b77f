from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from passage.core.validation import clean_text
from passage.vetting.models import CLEARANCES, ChecklistItem, ChecklistTemplate, Decision, Reference

MAX_ITEMS = 40


def _note(label, *, required=False, max_length=2000):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    is_default = forms.BooleanField(label=_("Use for new checklists"), required=False)
    items = forms.CharField(
        label=_("Checks"),
        help_text=_("One check per line: the English wording, a “|”, then the Burmese wording."),
        max_length=MAX_ITEMS * 410,
        widget=forms.Textarea(attrs={"rows": 12}),
    )

    def __init__(self, *args, template: ChecklistTemplate | None = None, **kwargs):
        self.template = template
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = clean_text(self.cleaned_data["name"])
        if not name:
            raise ValidationError(_("Give the template a name."))
        taken = ChecklistTemplate.objects.filter(name=name)
        if self.template is not None:
            taken = taken.exclude(pk=self.template.pk)
        if taken.exists():
            raise ValidationError(_("Another template already has this name."))
        return name

    def clean_items(self):
        text = clean_text(self.cleaned_data["items"], multiline=True)
        items = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 2 or not all(parts):
                raise ValidationError(
                    _("Line %(n)d needs both wordings, separated by one “|”.") % {"n": number}
                )
            if max(len(p) for p in parts) > 200:
                raise ValidationError(
                    _("Line %(n)d is too long: keep each wording under 200 characters.")
                    % {"n": number}
                )
            items.append((parts[0], parts[1]))
        if not items:
            raise ValidationError(_("Write at least one check."))
        if len(items) > MAX_ITEMS:
            raise ValidationError(
                _("A template holds at most %(max)d checks.") % {"max": MAX_ITEMS}
            )
        return items


class StartChecklistForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Template"), queryset=ChecklistTemplate.objects.all(), empty_label=None
    )


class ItemForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ChecklistItem.Status.choices)
    note = _note(_("Note"))

    def clean_note(self):
        return clean_text(self.cleaned_data["note"], multiline=True)


class ReferenceForm(forms.Form):
    pseudonym = forms.CharField(
        label=_("Pseudonym of someone Passage knows"),
        help_text=_("Leave empty if the reference is not in Passage."),
        max_length=60,
        required=False,
    )
    description = _note(_("Who they are and how they know the requester"), max_length=1000)
    strength = forms.ChoiceField(
        label=_("Strength of the link"), choices=Reference.Strength.choices
    )

    def clean_pseudonym(self):
        return clean_text(self.cleaned_data["pseudonym"])

    def clean_description(self):
        return clean_text(self.cleaned_data["description"], multiline=True)

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("pseudonym") and not data.get("description"):
            raise ValidationError(_("Give the reference's pseudonym or describe who they are."))
        return data


class RecommendForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Decision"), choices=Decision.Kind.choices, widget=forms.RadioSelect
    )
    reason = _note(_("Reason"))
    conditions = _note(_("Conditions (for a clearance with conditions)"))

    def clean_reason(self):
        return clean_text(self.cleaned_data["reason"], multiline=True)

    def clean_conditions(self):
        return clean_text(self.cleaned_data["conditions"], multiline=True)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and kind not in CLEARANCES and not data.get("reason"):
            self.add_error("reason", _("Give the reason for this decision."))
        if kind == Decision.Kind.CLEAR_WITH_CONDITIONS and not data.get("conditions"):
            self.add_error("conditions", _("Write the conditions of the clearance."))
        return data


class DeclineForm(forms.Form):
    note = _note(_("Why you decline it"))
    missing = _("Say why you decline it.")

    def clean_note(self):
        note = clean_text(self.cleaned_data["note"], multiline=True)
        if not note:
            raise ValidationError(self.missing)
        return note


class WithdrawForm(DeclineForm):
    note = _note(_("Why you withdraw it"))
    missing = _("Say why you withdraw it.")
