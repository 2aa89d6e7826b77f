from django import forms
from django.utils.translation import gettext_lazy as _

from passage.cases.vocab import Branch, Rank, Region, Urgency
from passage.core.validation import clean_text
from passage.intake.forms import FollowUpForm

MAX_MESSAGE = 5000


class _Tokened(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=500)


class MessageForm(_Tokened):
    message = forms.CharField(
        label=_("Your message"),
        help_text=_("What is happening, and what help you need. Burmese or English."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_MESSAGE,
    )

    def clean_message(self):
        text = clean_text(self.cleaned_data["message"], multiline=True)
        if not text:
            raise forms.ValidationError(_("Write a message."))
        return text


class PublicRequestForm(MessageForm):
    """The first message: only the message is needed; everything else helps but is optional."""

    names = forms.CharField(
        label=_("Your name (optional)"),
        help_text=_("Any names you are known by, one per line."),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1020,
        required=False,
    )
    contact_handle = forms.CharField(
        label=_("A safe way to reach you (optional)"),
        help_text=_("A Signal or Telegram name, or a phone number that is safe to use."),
        max_length=120,
        required=False,
    )
    branch = forms.ChoiceField(label=_("Branch"), choices=Branch.choices, initial=Branch.UNKNOWN)
    rank = forms.ChoiceField(label=_("Rank"), choices=Rank.choices, initial=Rank.UNKNOWN)
    region = forms.ChoiceField(
        label=_("Where you are posted"), choices=Region.choices, initial=Region.UNKNOWN
    )
    urgency = forms.TypedChoiceField(
        label=_("How urgent is it?"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL
    )

    field_order = ["message", "names", "contact_handle", "branch", "rank", "region", "urgency"]

    # The same checks as the intake officer's form: one script per name, at most ten.
    clean_names = FollowUpForm.clean_names

    def clean_contact_handle(self):
        return clean_text(self.cleaned_data["contact_handle"])


class ReceiptForm(_Tokened):
    code_name = forms.CharField(label=_("Code name"), max_length=100)
    passphrase = forms.CharField(
        label=_("Passphrase"),
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply to the requester"),
        help_text=_("They read it with their receipt. Write nothing that would harm them if seen."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_MESSAGE,
    )

    def clean_body(self):
        text = clean_text(self.cleaned_data["body"], multiline=True)
        if not text:
            raise forms.ValidationError(_("Write a reply."))
        return text
