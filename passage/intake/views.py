from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from passage.core.access import Action, get_case_or_404, require
from passage.intake import actions
from passage.intake.forms import FollowUpForm, RequestForm


def new_request(request):
    require(request.user, Action.LOG_REQUEST)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = actions.log_new_request(request.user, form.cleaned_data, request=request)
        messages.success(
            request, _("Request logged as %(pseudonym)s.") % {"pseudonym": case.person.pseudonym}
        )
        return redirect("cases:detail", case_id=case.pk)
    return render(request, "intake/request_form.html", {"form": form})


def follow_up_request(request, case_id):
    case = get_case_or_404(request.user, case_id, Action.LOG_REQUEST)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.log_follow_up_request(request.user, case, form.cleaned_data, request=request)
        messages.success(
            request, _("Request added to %(pseudonym)s.") % {"pseudonym": case.person.pseudonym}
        )
        return redirect("cases:detail", case_id=case.pk)
    return render(request, "intake/request_form.html", {"form": form, "case": case})
