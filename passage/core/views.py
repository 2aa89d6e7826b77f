import json

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from passage.core import checkpoints
from passage.core.access import Action, require
from passage.core.actions import ActionError
from passage.core.forms import AuditFilterForm
from passage.core.models import AuditCheckpoint, AuditRecord


def audit_log(request):
    """Coordinators read the audit chain: who read or changed what, when, from where."""
    require(request.user, Action.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None)
    records = AuditRecord.objects.select_related("actor")
    if form.is_valid():
        records = form.apply(records)
    page = Paginator(records, 100).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request, "core/audit.html", {"form": form, "page": page, "params": params.urlencode()}
    )


def checkpoints_page(request):
    """Coordinators: the signed checkpoints of the audit chain, to download and keep elsewhere."""
    require(request.user, Action.VIEW_AUDIT)
    recent = AuditCheckpoint.objects.all()[:50]
    return render(request, "core/checkpoints.html", {"checkpoints": recent})


def checkpoints_download(request):
    """Every checkpoint and the public key: the file `passage audit verify --checkpoint` reads."""
    require(request.user, Action.VIEW_AUDIT)
    body = json.dumps(checkpoints.export(), indent=1)
    response = HttpResponse(body, content_type="application/json")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="audit-checkpoints-{stamp}.json"'
    return response


def submit(request, form, action, *args, done, failed):
    """A form's POST: on valid input run `action(request.user, *args, **cleaned_data)` and
    return `done(result)`; an invalid form, or the action's refusal (added to the form as its
    error, so nothing was saved), goes back through `failed(form)`."""
    if form.is_valid():
        try:
            result = action(request.user, *args, **form.cleaned_data, request=request)
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            return done(result)
    return failed(form)


def done(request, message, to, **kwargs):
    """Say it worked and go back to the page (POST, then redirect: a reload sends nothing)."""
    messages.success(request, message)
    return redirect(to, **kwargs)


def page_errors(bound: dict) -> str:
    """The whole-form errors (a rule's refusal) of the failed forms in `bound`, taken out of the
    forms to show at the top of the page: by then the form itself may no longer be shown (a
    recommendation no longer waiting, a case out of vetting)."""
    return " ".join(e for form in bound.values() for e in form.errors.pop(NON_FIELD_ERRORS, []))
