from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passage.cases.vocab import Branch, Channel, Language, Rank, Region, Urgency
from passage.core.validation import clean_name, clean_text

MAX_NAMES = 10
MAX_NAME_LENGTH = 100


class FollowUpForm(forms.Form):
    """A call or message about someone already known: what it says, and any new alias or handle."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL
    )
    names = forms.CharField(
        label=_("Names and aliases"),
        help_text=_("One per line, in Burmese script or Latin letters."),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_NAMES * (MAX_NAME_LENGTH + 2),
        required=False,
    )
    contact_handle = forms.CharField(
        label=_("Contact handle"),
        help_text=_("Phone number, Signal or Telegram name: how to reach them safely."),
        max_length=120,
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value > timezone.now() + timedelta(minutes=5):
            raise ValidationError(_("The time received cannot be in the future."))
        return value

    def clean_names(self):
        lines = [line for line in self.cleaned_data["names"].splitlines() if line.strip()]
        if len(lines) > MAX_NAMES:
            raise ValidationError(_("At most %(n)d names and aliases.") % {"n": MAX_NAMES})
        names = []
        for line in lines:
            if len(line) > MAX_NAME_LENGTH:
                raise ValidationError(
                    _("Each name can be at most %(n)d characters.") % {"n": MAX_NAME_LENGTH}
                )
            names.append(clean_name(line))
        return names

    def clean_contact_handle(self):
        return clean_text(self.cleaned_data["contact_handle"])

    def clean_notes(self):
        return clean_text(self.cleaned_data["notes"], multiline=True)


class RequestForm(FollowUpForm):
    """A first request: the call itself and everything known of the person, on one phone screen."""

    rank = forms.ChoiceField(label=_("Rank"), choices=Rank.choices, initial=Rank.UNKNOWN)
    branch = forms.ChoiceField(label=_("Branch"), choices=Branch.choices, initial=Branch.UNKNOWN)
    unit = forms.CharField(label=_("Unit"), max_length=120, required=False)
    region = forms.ChoiceField(
        label=_("State or region of posting"), choices=Region.choices, initial=Region.UNKNOWN
    )
    township = forms.CharField(label=_("Township"), max_length=80, required=False)
    age = forms.IntegerField(label=_("Age"), min_value=14, max_value=90, required=False)
    family_at_risk = forms.BooleanField(label=_("Family at risk"), required=False)

    field_order = [
        "channel",
        "received_at",
        "language",
        "urgency",
        "names",
        "rank",
        "branch",
        "unit",
        "region",
        "township",
        "age",
        "contact_handle",
        "family_at_risk",
        "notes",
    ]

    def clean_unit(self):
        return clean_text(self.cleaned_data["unit"])

    def clean_township(self):
        return clean_text(self.cleaned_data["township"])
