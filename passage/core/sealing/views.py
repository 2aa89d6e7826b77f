from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passage.core.access import Action, get_case_or_404, require
from passage.core.models import PurgeRequest
from passage.core.sealing import actions, keyring, state
from passage.core.sealing.forms import PurgeRequestForm, UnsealForm


def unseal(request):
    """The one page that answers while sealed: passphrase, or k of n shares."""
    if state.is_unsealed():
        return redirect("home")
    form = UnsealForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        shares = [line for line in form.cleaned_data["shares"].splitlines() if line.strip()]
        try:
            actions.unseal(
                passphrase=form.cleaned_data["passphrase"], shares=shares, request=request
            )
        except actions.TooSoon as exc:
            form.add_error(None, _("Too many wrong tries. Wait %(n)s seconds.") % {"n": exc.wait})
            status = 429
        except keyring.KeyringError:
            form.add_error(None, _("That does not unseal Passage."))
            status = 403
        else:
            return redirect("accounts:login")
    return render(request, "sealing/unseal.html", {"form": form}, status=status)


def control(request):
    """Coordinators: the seal-now button and purges waiting for a second approval."""
    require(request.user, Action.SEAL)
    pending = PurgeRequest.objects.filter(done_at=None).select_related(
        "case__person", "requested_by"
    )
    return render(request, "sealing/control.html", {"pending": pending})


@require_POST
def seal_now(request):
    require(request.user, Action.SEAL)
    actions.seal_now(request.user, reason="button", request=request)
    return redirect("sealing:unseal")


@require_POST
def purge_request(request, case_id):
    case = get_case_or_404(request.user, case_id, Action.PURGE_IDENTITY)
    form = PurgeRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason and confirm that you understand."))
        return redirect("cases:detail", case_id=case.pk)
    try:
        actions.request_purge(
            request.user, case, reason=form.cleaned_data["reason"], request=request
        )
    except actions.PurgeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Purge asked for. Another coordinator must approve it."))
    return redirect("cases:detail", case_id=case.pk)


@require_POST
def purge_approve(request, purge_id: int):
    purge = get_object_or_404(PurgeRequest, pk=purge_id, done_at=None)
    case = get_case_or_404(request.user, purge.case_id, Action.PURGE_IDENTITY)
    try:
        actions.approve_purge(request.user, purge, request=request)
    except actions.PurgeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Purged: this case's identity can no longer be read."))
    return redirect("cases:detail", case_id=case.pk)
