from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passage.core import audit
from passage.core.access import Action, can, get_case_or_404
from passage.vetting import actions
from passage.vetting.forms import (
    DeclineForm,
    ItemForm,
    RecommendForm,
    ReferenceForm,
    StartChecklistForm,
    TemplateForm,
)
from passage.vetting.models import ChecklistItem, ChecklistTemplate, Decision


def _page(request, case, *, status=200, bound=None, error=None):
    """The vetting page; `bound` holds the form that failed (by name), shown with its errors."""
    bound = bound or {}
    user = request.user
    references = list(case.references.select_related("person", "added_by"))
    flags = actions.reference_flags(references)
    decisions = list(case.decisions.select_related("recommended_by", "decided_by"))
    items = list(case.checklist.select_related("updated_by"))
    item_forms = [
        (
            item,
            bound.get(("item", item.pk))
            or ItemForm(initial={"status": item.status, "note": item.note}, prefix=str(item.pk)),
        )
        for item in items
    ]
    # The page shows notes, references and reasons: reading them is audited like identity.
    audit.record(user, "vetting.read", case, request=request)
    may_vet = can(user, Action.DO_VETTING, case) and case.stage == "vetting"
    return render(
        request,
        "vetting/case.html",
        {
            "case": case,
            "items": item_forms,
            "references": [(r, flags.get(r.pk, [])) for r in references],
            "trust": actions.trust_of(references, flags),
            "decisions": decisions,
            "pending": next((d for d in decisions if d.status == Decision.Status.PENDING), None),
            "may_vet": may_vet,
            "may_approve": can(user, Action.APPROVE_DECISION, case) and case.stage == "vetting",
            "start_form": bound.get("start")
            or StartChecklistForm(
                initial={"template": ChecklistTemplate.objects.filter(is_default=True).first()}
            ),
            "reference_form": bound.get("reference") or ReferenceForm(),
            "recommend_form": bound.get("recommend") or RecommendForm(),
            "decline_form": bound.get("decline") or DeclineForm(),
            "error": error,
        },
        status=status,
    )


def case_vetting(request, case_id):
    case = get_case_or_404(request.user, case_id, Action.VIEW_VETTING)
    return _page(request, case)


def _done(request, case, message):
    messages.success(request, message)
    return redirect("vetting:case", case_id=case.pk)


@require_POST
def start_checklist(request, case_id):
    case = get_case_or_404(request.user, case_id, Action.DO_VETTING)
    form = StartChecklistForm(request.POST)
    if not form.is_valid():
        return _page(request, case, status=400, bound={"start": form})
    try:
        actions.start_checklist(request.user, case, form.cleaned_data["template"], request=request)
    except actions.VettingError as exc:
        return _page(request, case, status=400, error=str(exc))
    return _done(request, case, _("Checklist started."))


@require_POST
def update_item(request, item_id):
    item = ChecklistItem.objects.filter(pk=item_id).first()
    if item is None:
        raise Http404
    case = get_case_or_404(request.user, item.case_id, Action.DO_VETTING)
    item.case = case
    form = ItemForm(request.POST, prefix=str(item.pk))
    if not form.is_valid():
        return _page(request, case, status=400, bound={("item", item.pk): form})
    try:
        actions.update_item(request.user, item, **form.cleaned_data, request=request)
    except actions.VettingError as exc:
        return _page(request, case, status=400, error=str(exc))
    return _done(request, case, _("Check saved."))


@require_POST
def add_reference(request, case_id):
    case = get_case_or_404(request.user, case_id, Action.DO_VETTING)
    form = ReferenceForm(request.POST)
    if form.is_valid():
        try:
            actions.add_reference(request.user, case, **form.cleaned_data, request=request)
        except actions.VettingError as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, case, _("Reference added."))
    return _page(request, case, status=400, bound={"reference": form})


@require_POST
def recommend(request, case_id):
    case = get_case_or_404(request.user, case_id, Action.DO_VETTING)
    form = RecommendForm(request.POST)
    if form.is_valid():
        try:
            decision = actions.recommend(request.user, case, **form.cleaned_data, request=request)
        except actions.VettingError as exc:
            form.add_error(None, str(exc))
        else:
            if decision.status == Decision.Status.APPROVED:
                return _done(request, case, _("Decision recorded; the case has moved."))
            return _done(request, case, _("Recommendation saved. A second person must approve it."))
    return _page(request, case, status=400, bound={"recommend": form})


def _decision_for(request, decision_id):
    decision = Decision.objects.filter(pk=decision_id).first()
    if decision is None:
        raise Http404
    decision.case = get_case_or_404(request.user, decision.case_id, Action.APPROVE_DECISION)
    return decision


@require_POST
def approve(request, decision_id):
    decision = _decision_for(request, decision_id)
    try:
        actions.approve(request.user, decision, request=request)
    except actions.VettingError as exc:
        return _page(request, decision.case, status=400, error=str(exc))
    return _done(request, decision.case, _("Approved; the case has moved."))


@require_POST
def decline(request, decision_id):
    decision = _decision_for(request, decision_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            actions.decline(request.user, decision, note=form.cleaned_data["note"], request=request)
        except actions.VettingError as exc:
            return _page(request, decision.case, status=400, error=str(exc))
        return _done(request, decision.case, _("Declined; the case stays in vetting."))
    return _page(request, decision.case, status=400, bound={"decline": form})


# --- templates --------------------------------------------------------------------------------


def _require_checklists(request):
    if not can(request.user, Action.EDIT_CHECKLISTS):
        raise PermissionDenied


def templates(request):
    _require_checklists(request)
    return render(
        request,
        "vetting/templates.html",
        {"templates": ChecklistTemplate.objects.prefetch_related("items")},
    )


def template_edit(request, template_id=None):
    _require_checklists(request)
    template = get_object_or_404(ChecklistTemplate, pk=template_id) if template_id else None
    initial = {}
    if template is not None:
        initial = {
            "name": template.name,
            "is_default": template.is_default,
            "items": "\n".join(f"{i.text_en} | {i.text_my}" for i in template.items.all()),
        }
    form = TemplateForm(
        request.POST if request.method == "POST" else None, template=template, initial=initial
    )
    if request.method == "POST":
        if form.is_valid():
            actions.save_template(request.user, template, **form.cleaned_data, request=request)
            messages.success(request, _("Template saved."))
            return redirect("vetting:templates")
        status = 400
    else:
        status = 200
    return render(
        request, "vetting/template_edit.html", {"form": form, "template": template}, status=status
    )
