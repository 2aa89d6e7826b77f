from django import forms
from django.utils.translation import gettext_lazy as _

from passage.accounts.models import User
from passage.api.scopes import ADMIN_GRANTABLE, Scope
from passage.api.tokens import DEFAULT_DAYS, MAX_DAYS
from passage.core.validation import clean_text


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What uses it, e.g. “Signal bridge” or “hotline”."),
    )
    owner = forms.ModelChoiceField(
        label=_("Acts as"),
        queryset=User.objects.filter(is_active=True).order_by("username"),
        help_text=_(
            "The token sees and does only what this user may. For a bridge that logs requests, "
            "choose an intake officer's account kept for it."
        ),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=[(s.value, s.label) for s in Scope if s in ADMIN_GRANTABLE],
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Scopes that read or move cases are not given here: an admin sees no case content. "
            "An operator creates such tokens with `passage api-token create` on the server."
        ),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )
    rate_limit = forms.IntegerField(
        label=_("Calls per minute"), min_value=1, max_value=10_000, initial=60
    )

    def clean_name(self):
        return clean_text(self.cleaned_data["name"])
