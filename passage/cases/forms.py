from django import forms
from django.utils.translation import gettext_lazy as _

from passage.accounts.models import Cell, User
from passage.accounts.roles import CASE_ROLES
from passage.cases.lifecycle import Stage
from passage.cases.vocab import Branch, Channel, Region
from passage.core.validation import clean_text

ANY = [("", _("Any"))]


class QueueFilterForm(forms.Form):
    """The triage queue's filters; every one is optional and checked against its vocabulary."""

    stage = forms.ChoiceField(label=_("Stage"), choices=ANY + Stage.choices, required=False)
    cell = forms.ModelChoiceField(
        label=_("Cell"), queryset=Cell.objects.all(), required=False, empty_label=_("Any")
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=ANY + Channel.choices, required=False)
    branch = forms.ChoiceField(label=_("Branch"), choices=ANY + Branch.choices, required=False)
    region = forms.ChoiceField(label=_("Region"), choices=ANY + Region.choices, required=False)
    q = forms.CharField(label=_("Pseudonym"), max_length=60, required=False)
    closed = forms.BooleanField(label=_("Include closed"), required=False)

    def clean_q(self):
        return clean_text(self.cleaned_data["q"])


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_note(self):
        return clean_text(self.cleaned_data["note"], multiline=True)


class AssignForm(forms.Form):
    cell = forms.ModelChoiceField(
        label=_("Cell"), queryset=Cell.objects.all(), required=False, empty_label=_("None")
    )
    users = forms.ModelMultipleChoiceField(
        label=_("People"),
        queryset=User.objects.filter(is_active=True, role__in=CASE_ROLES).order_by("username"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
