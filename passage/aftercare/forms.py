from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from passage.aftercare.models import Consent, Need, NeedKind, NeedStatus, ReasonForLeaving
from passage.core.validation import clean_text


class NeedForm(forms.Form):
    kind = forms.ChoiceField(label=_("Need"), choices=NeedKind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=NeedStatus.choices)
    provider = forms.CharField(label=_("Provided by"), max_length=200, required=False)
    starts_on = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    details = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )

    def clean_provider(self):
        return clean_text(self.cleaned_data["provider"])

    def clean_details(self):
        return clean_text(self.cleaned_data["details"], multiline=True)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError(_("“Until” cannot be before “From”."))
        return data

    @classmethod
    def for_need(cls, need: Need, data=None):
        fields = ("kind", "status", "provider", "starts_on", "ends_on", "details")
        return cls(data, initial={f: getattr(need, f) for f in fields})


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("Statement"), widget=forms.Textarea(attrs={"rows": 8}), max_length=50000
    )
    consent = forms.ChoiceField(
        label=_("Consent given"),
        choices=Consent.choices,
        help_text=_("What the person agreed to. They can withdraw it at any time."),
    )
    reasons = forms.MultipleChoiceField(
        label=_("Reasons for leaving"),
        choices=ReasonForLeaving.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean_text(self):
        text = clean_text(self.cleaned_data["text"], multiline=True)
        if not text:
            raise ValidationError(_("Write the statement."))
        return text


class ConsentForm(forms.Form):
    consent = forms.ChoiceField(label=_("Consent"), choices=Consent.choices)


class LiveSessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    details = forms.CharField(
        label=_("Details"),
        help_text=_("Where and how. Kept encrypted."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )

    def clean_title(self):
        text = clean_text(self.cleaned_data["title"])
        if not text:
            raise ValidationError(_("Give the session a title."))
        return text

    def clean_details(self):
        return clean_text(self.cleaned_data["details"], multiline=True)


class ParticipantForm(forms.Form):
    case = forms.ChoiceField(label=_("Person (only those who consented to a live-stream)"))

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = {str(c.pk): c for c in cases}
        self.fields["case"].choices = [(k, c.person.pseudonym) for k, c in self.cases.items()]

    def clean_case(self):
        return self.cases[self.cleaned_data["case"]]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Audio or image"),
        help_text=_(
            "MP3, OGG, WAV, M4A, JPEG, PNG or WebP; at most 10 MB. Photo locations are removed."
        ),
    )

    def clean_file(self):
        from passage.aftercare import attachments

        upload = self.cleaned_data["file"]
        data = upload.read(attachments.MAX_BYTES + 1)
        self.content_type, self.clean_bytes = attachments.check(data)
        return upload
