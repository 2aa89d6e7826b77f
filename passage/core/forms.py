from django import forms
from django.utils.translation import gettext_lazy as _

from passage.accounts.models import User


class AuditFilterForm(forms.Form):
    actor = forms.ModelChoiceField(
        label=_("Who"),
        queryset=User.objects.order_by("username"),
        required=False,
        empty_label=_("Anyone"),
    )
    action = forms.CharField(label=_("Action"), max_length=60, required=False)
    object_id = forms.CharField(label=_("Object id"), max_length=64, required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def apply(self, records):
        data = self.cleaned_data
        if data.get("actor"):
            records = records.filter(actor=data["actor"])
        if data.get("action"):
            records = records.filter(action__startswith=data["action"])
        if data.get("object_id"):
            records = records.filter(object_id=data["object_id"])
        if data.get("since"):
            records = records.filter(at__date__gte=data["since"])
        if data.get("until"):
            records = records.filter(at__date__lte=data["until"])
        return records
