from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from passage.cases.lifecycle import Stage
from passage.core import audit
from passage.core.access import (
    Action,
    can,
    get_case_or_404,
    get_checklist_item_or_404,
    get_decision_or_404,
    require,
)
from passage.core.views import done, page_errors, submit
from passage.screening.panel import hit_reviews
from passage.vetting import actions
from passage.vetting.forms import (
    DeclineForm,
    ItemForm,
    RecommendForm,
    ReferenceForm,
    StartChecklistForm,
    TemplateForm,
    WithdrawForm,
)
from passage.vetting.models import ChecklistTemplate, Decision


def _page(request, case, *, status=200, bound=None):
    """The vetting page; `bound` holds the form that failed (by name), shown with its errors."""
    bound = bound or {}
    error = page_errors(bound)
    user = request.user
    references = list(case.references.select_related("person", "added_by"))
    flags = actions.reference_flags(references)
    decisions = list(case.decisions.select_related("recommended_by", "decided_by"))
    for decision in decisions:
        decision.case = case  # the case this request fetched, with what it knows of the user
    pending = next((d for d in decisions if d.status == Decision.Status.PENDING), None)
    items = list(case.checklist.select_related("recorded_by"))
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
    in_vetting = case.stage == Stage.VETTING
    may_vet = can(user, Action.DO_VETTING, case) and in_vetting
    return render(
        request,
        "vetting/case.html",
        {
            "case": case,
            "items": item_forms,
            "references": [(r, flags.get(r.pk, [])) for r in references],
            "trust": actions.trust_of(references, flags),
            "decisions": decisions,
            "pending": pending,
            "may_withdraw": pending is not None
            and can(user, Action.WITHDRAW_RECOMMENDATION, pending)
            and in_vetting,
            "may_vet": may_vet,
            "may_approve": can(user, Action.APPROVE_DECISION, case) and in_vetting,
            "approval_hits": hit_reviews(user, case) if pending is not None else [],
            "start_form": bound.get("start")
            or StartChecklistForm(
                initial={"template": ChecklistTemplate.objects.filter(is_default=True).first()}
            ),
            "reference_form": bound.get("reference") or ReferenceForm(),
            "recommend_form": bound.get("recommend") or RecommendForm(),
            "decline_form": bound.get("decline") or DeclineForm(),
            "withdraw_form": bound.get("withdraw") or WithdrawForm(),
            "error": error,
        },
        status=status,
    )


def case_vetting(request, case_id):
    case = get_case_or_404(request.user, case_id, Action.VIEW_VETTING)
    return _page(request, case)


def _submit(request, case, form, action, *args, key, message):
    """The vetting page's forms: the action on valid input, else the page with the errors.
    `message` is what to say when it worked, or a function of the action's result."""
    return submit(
        request,
        form,
        action,
        *args,
        done=lambda result: done(
            request,
            message(result) if callable(message) else str(message),
            "vetting:case",
            case_id=case.pk,
        ),
        failed=lambda form: _page(request, case, status=400, bound={key: form}),
    )


def _on_case(form_class, action, key, message):
    """A view posting one of the vetting page's forms about the case itself."""

    @require_POST
    def view(request, case_id):
        case = get_case_or_404(request.user, case_id, Action.DO_VETTING)
        form = form_class(request.POST)
        return _submit(request, case, form, action, case, key=key, message=message)

    return view


def _recommended(decision):
    if decision.status == Decision.Status.APPROVED:
        return _("Decision recorded; the case has moved.")
    return _("Recommendation saved. A second person must approve it.")


start_checklist = _on_case(
    StartChecklistForm, actions.start_checklist, "start", gettext_lazy("Checklist started.")
)
add_reference = _on_case(
    ReferenceForm, actions.add_reference, "reference", gettext_lazy("Reference added.")
)
recommend = _on_case(RecommendForm, actions.recommend, "recommend", _recommended)


@require_POST
def update_item(request, item_id):
    item = get_checklist_item_or_404(request.user, item_id)
    form = ItemForm(request.POST, prefix=str(item.pk))
    return _submit(
        request,
        item.case,
        form,
        actions.update_item,
        item,
        key=("item", item.pk),
        message=gettext_lazy("Check saved."),
    )


def _on_decision(access, form_class, action, message):
    """A view acting on one recommendation (approve, decline, withdraw): same lookup, same page."""

    @require_POST
    def view(request, decision_id):
        decision = get_decision_or_404(request.user, decision_id, access)
        form = form_class(request.POST)
        return _submit(
            request, decision.case, form, action, decision, key=action.__name__, message=message
        )

    return view


# Approving has no fields: the empty form only carries a refusal back to the page.
approve = _on_decision(
    Action.APPROVE_DECISION,
    forms.Form,
    actions.approve,
    gettext_lazy("Approved; the case has moved."),
)
decline = _on_decision(
    Action.APPROVE_DECISION,
    DeclineForm,
    actions.decline,
    gettext_lazy("Declined; the case stays in vetting."),
)
withdraw = _on_decision(
    Action.WITHDRAW_RECOMMENDATION,
    WithdrawForm,
    actions.withdraw,
    gettext_lazy("Recommendation withdrawn; the case stays in vetting."),
)


# --- templates --------------------------------------------------------------------------------


def templates(request):
    require(request.user, Action.EDIT_CHECKLISTS)
    return render(
        request,
        "vetting/templates.html",
        {"templates": ChecklistTemplate.objects.prefetch_related("items")},
    )


def template_edit(request, template_id=None):
    require(request.user, Action.EDIT_CHECKLISTS)
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
