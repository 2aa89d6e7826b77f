from datetime import date, datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from passage.cases.vocab import Branch, Region
from passage.reports.queries import Filters

ANY = [("", _("Any"))]
# Weekly rows for longer than this would make tables nobody reads and slow the page.
LONGEST_PERIOD_DAYS = 3 * 366
EARLIEST = date(2000, 1, 1)


class FiguresFilterForm(forms.Form):
    """The dashboard's filters: a period (default: the last twelve months), branch, region."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    branch = forms.ChoiceField(label=_("Branch"), choices=ANY + Branch.choices, required=False)
    region = forms.ChoiceField(label=_("Region"), choices=ANY + Region.choices, required=False)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or EARLIEST
        if start < EARLIEST or end < EARLIEST or end > today + timedelta(days=1):
            raise ValidationError(_("Choose dates between 2000 and today."))
        # Only now, on a date known to be recent: a year before 0001-01-01 does not exist.
        start = data.get("start") or max(EARLIEST, end - timedelta(days=365))
        if start > end:
            raise ValidationError(_("The period must start before it ends."))
        if (end - start).days > LONGEST_PERIOD_DAYS:
            raise ValidationError(_("Choose a period of at most three years."))
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> Filters:
        """The cleaned filters; the defaults when the form is invalid (and says so)."""
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or end - timedelta(days=365)
        tz = timezone.get_current_timezone()
        return Filters(
            start=datetime.combine(start, time.min, tzinfo=tz),
            end=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
            branch=data.get("branch", ""),
            region=data.get("region", ""),
        )

    def described(self) -> dict:
        """The filters as plain values, for the audit record."""
        f = self.filters()
        return {
            "start": f.start.date().isoformat(),
            "end": (f.end - timedelta(days=1)).date().isoformat(),
            "branch": f.branch,
            "region": f.region,
        }
