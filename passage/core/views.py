from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from passage.core.access import Action, can
from passage.core.forms import AuditFilterForm
from passage.core.models import AuditRecord


def audit_log(request):
    """Coordinators read the audit chain: who read or changed what, when, from where."""
    if not can(request.user, Action.VIEW_AUDIT):
        raise PermissionDenied
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
