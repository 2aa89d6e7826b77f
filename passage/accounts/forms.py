from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from passage.accounts.models import Cell, User
from passage.accounts.roles import Role
from passage.core.sealing.forms import NewPassphraseMixin
from passage.core.validation import clean_text

TOKEN_FIELD = dict(
    label=_("Code from your authenticator app"),
    min_length=6,
    max_length=6,
    widget=forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
    ),
)


class NewPasswordForm(forms.Form):
    """A password the person chooses, typed twice and checked by the password validators."""

    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=200)
    password_again = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput, max_length=200
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            raise ValidationError({"password_again": _("The two passwords differ.")})
        if data.get("password"):
            try:
                password_validation.validate_password(data["password"])
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


class SetupForm(NewPasswordForm):
    organisation_name = forms.CharField(label=_("Organisation name"), max_length=120)
    username = forms.CharField(label=_("Your username"), max_length=150)
    load_demo = forms.BooleanField(
        label=_("Load demonstration data (synthetic people and cases, for trying Passage out)"),
        required=False,
    )
    field_order = ["organisation_name", "username", "password", "password_again", "load_demo"]

    def clean_organisation_name(self):
        return clean_text(self.cleaned_data["organisation_name"])

    def clean_username(self):
        return _clean_username(self.cleaned_data["username"])


class ChangePasswordForm(NewPasswordForm):
    current_password = forms.CharField(
        label=_("Current password"), widget=forms.PasswordInput, max_length=200
    )
    field_order = ["current_password", "password", "password_again"]


class CodeForm(forms.Form):
    """Step one of enrolment: the username and the one-time code an admin or coordinator gave."""

    username = forms.CharField(label=_("Username"), max_length=150)
    code = forms.CharField(
        label=_("One-time code"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class CurrentPasswordForm(forms.Form):
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=200)


class SetupWithPassphraseForm(NewPassphraseMixin, SetupForm):
    """First run on a new installation: also choose the passphrase that unseals Passage."""


def _clean_username(value: str) -> str:
    value = clean_text(value)
    if not User.username_validator.regex.match(value):
        raise ValidationError(_("Use letters, digits and @ . + - _ only in a username."))
    return value


class SignInForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=200)
    token = forms.CharField(
        **{
            **TOKEN_FIELD,
            "required": False,
            "help_text": _("Leave empty the first time: you will set up your authenticator."),
        }
    )


class TokenForm(forms.Form):
    token = forms.CharField(**TOKEN_FIELD)


class NewUserForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def clean_username(self):
        value = _clean_username(self.cleaned_data["username"])
        if User.objects.filter(username__iexact=value).exists():
            raise ValidationError(_("That username is taken."))
        return value

    def clean_display_name(self):
        return clean_text(self.cleaned_data["display_name"])


class EditUserForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def clean_display_name(self):
        return clean_text(self.cleaned_data["display_name"])


class CellForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, cell: Cell | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cell = cell

    def clean_name(self):
        value = clean_text(self.cleaned_data["name"])
        clash = Cell.objects.filter(name__iexact=value)
        if self.cell is not None and self.cell.pk:
            clash = clash.exclude(pk=self.cell.pk)
        if clash.exists():
            raise ValidationError(_("A cell with that name exists."))
        return value
