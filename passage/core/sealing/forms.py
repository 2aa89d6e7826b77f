from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIN_PASSPHRASE = 16


def check_passphrase_strength(value: str) -> None:
    """Long enough to resist guessing even if the keyring file is taken: several words."""
    if len(value) < MIN_PASSPHRASE or len(set(value)) < 8 or len(value.split()) < 3:
        raise ValidationError(
            _("Use at least three words and %(n)s characters for the passphrase."),
            params={"n": MIN_PASSPHRASE},
        )


class NewPassphraseMixin(forms.Form):
    passphrase = forms.CharField(
        label=_("Unseal passphrase"), widget=forms.PasswordInput, max_length=500
    )
    passphrase_again = forms.CharField(
        label=_("Unseal passphrase again"), widget=forms.PasswordInput, max_length=500
    )

    def clean(self):
        data = super().clean()
        phrase = data.get("passphrase")
        if phrase:
            try:
                check_passphrase_strength(phrase)
            except ValidationError as exc:
                self.add_error("passphrase", exc)
            if phrase != data.get("passphrase_again"):
                self.add_error("passphrase_again", _("The two passphrases differ."))
            if phrase == data.get("password"):
                self.add_error("passphrase", _("The passphrase must differ from the password."))
        return data


class UnsealForm(forms.Form):
    passphrase = forms.CharField(
        label=_("Unseal passphrase"), widget=forms.PasswordInput, max_length=500, required=False
    )
    shares = forms.CharField(
        label=_("Or shares, one a line"), widget=forms.Textarea, max_length=5000, required=False
    )

    def clean(self):
        data = super().clean()
        if not data.get("passphrase") and not data.get("shares", "").strip():
            raise ValidationError(_("Give the passphrase or the shares."))
        return data


class PurgeRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why must this identity be destroyed?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )
    understood = forms.BooleanField(
        label=_("I understand that this cannot be undone, not even from a backup made after it.")
    )
