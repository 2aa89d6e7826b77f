from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from passage.accounts.models import User
from passage.accounts.roles import Role
from passage.core.validation import clean_text
from passage.planning.models import Outcome, Step


def _text(label, *, required=False, max_length=4000, rows=3):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
        return value


def _when(label, *, required=True):
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class PlanForm(forms.Form):
    planners = forms.ModelMultipleChoiceField(
        label=_("Planners"),
        help_text=_("Only they and you will see the plan."),
        queryset=User.objects.filter(is_active=True, role=Role.PLANNER).order_by("username"),
        widget=forms.CheckboxSelectMultiple,
    )


class StepForm(forms.Form):
    # A step of an exit plan; the dashboard's "Step" is a stage of a case, another Burmese word.
    title = forms.CharField(label=pgettext_lazy("exit plan", "Step"), max_length=200)
    details = _text(_("Details: route, meeting point, safe house, contacts"))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    due_at = _when(_("Due"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Step.Status.choices)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        from passage.core.access import plan_people_ids

        self.fields["owner"].queryset = User.objects.filter(pk__in=plan_people_ids(plan))

    def clean_title(self):
        title = clean_text(self.cleaned_data["title"])
        if not title:
            raise ValidationError(_("Say what the step is."))
        return title

    def clean_details(self):
        return clean_text(self.cleaned_data["details"], multiline=True)


class GoForm(forms.Form):
    go = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Go")), ("no", _("No-go"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reason = _text(_("Reason"), max_length=2000, rows=2)

    def clean_reason(self):
        return clean_text(self.cleaned_data["reason"], multiline=True)

    def clean(self):
        data = super().clean()
        if data.get("go") is False and not data.get("reason"):
            self.add_error("reason", _("Say why it is a no-go."))
        return data


class CheckInForm(forms.Form):
    due_at = _when(_("Contact expected by"))

    def clean_due_at(self):
        due = self.cleaned_data["due_at"]
        if due <= timezone.now():
            raise ValidationError(_("A check-in must be due in the future."))
        if due > timezone.now() + timedelta(days=60):
            raise ValidationError(_("A check-in must be due within 60 days."))
        return due


class RecordCheckInForm(forms.Form):
    note = _text(_("Note"), max_length=2000, rows=2)

    def clean_note(self):
        return clean_text(self.cleaned_data["note"], multiline=True)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    note = _text(_("Note"), max_length=2000, rows=2)

    def clean_note(self):
        return clean_text(self.cleaned_data["note"], multiline=True)
