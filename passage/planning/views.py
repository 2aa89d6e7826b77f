from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passage.core.access import Action, can, get_case_or_404, get_plan_or_404
from passage.planning import actions
from passage.planning.forms import (
    CheckInForm,
    GoForm,
    OutcomeForm,
    PlanForm,
    RecordCheckInForm,
    StepForm,
)
from passage.planning.models import Alert, CheckIn, Outcome, Step


def new_plan(request, case_id):
    case = get_case_or_404(request.user, case_id, Action.CREATE_PLAN)
    form = PlanForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                plan = actions.create_plan(
                    request.user, case, planners=form.cleaned_data["planners"], request=request
                )
            except actions.PlanningError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Exit plan opened."))
                return redirect("planning:plan", plan_id=plan.pk)
        status = 400
    return render(request, "planning/new.html", {"case": case, "form": form}, status=status)


def _page(request, plan, *, status=200, bound=None, error=None):
    bound = bound or {}
    user = request.user
    details = actions.read_plan(user, plan, request=request)
    actions.audit_raised_alerts()
    editable = can(user, Action.EDIT_PLAN, plan)
    latest_go = details.go_decisions[0] if details.go_decisions else None
    return render(
        request,
        "planning/plan.html",
        {
            "plan": plan,
            "case": plan.case,
            "details": details,
            "latest_go": latest_go,
            "planners": plan.planners.all(),
            "editable": editable,
            "may_decide_go": can(user, Action.DECIDE_GO, plan),
            "may_review_reads": can(user, Action.VIEW_PLAN_READS, plan),
            "in_planning": plan.case.stage == "planning",
            "step_form": bound.get("step") or StepForm(plan=plan),
            "go_form": bound.get("go") or GoForm(),
            "check_in_form": bound.get("check_in") or CheckInForm(),
            "outcome_form": bound.get("outcome") or OutcomeForm(),
            "compromised": plan.outcome == Outcome.COMPROMISED,
            "error": error,
        },
        status=status,
    )


def plan_detail(request, plan_id):
    plan = get_plan_or_404(request.user, plan_id)
    return _page(request, plan)


def _done(request, plan, message):
    messages.success(request, message)
    return redirect("planning:plan", plan_id=plan.pk)


def _submit(request, plan, form, action, *, key: str, message: str):
    """The plan page's forms: run the action on valid input, else show the page with the errors."""
    if form.is_valid():
        try:
            action(request.user, plan, **form.cleaned_data, request=request)
        except actions.PlanningError as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, plan, message)
    return _page(request, plan, status=400, bound={key: form})


@require_POST
def add_step(request, plan_id):
    plan = get_plan_or_404(request.user, plan_id, Action.EDIT_PLAN)
    form = StepForm(request.POST, plan=plan)
    return _submit(request, plan, form, actions.add_step, key="step", message=_("Step added."))


def edit_step(request, step_id):
    step = Step.objects.filter(pk=step_id).first()
    if step is None:
        raise Http404
    plan = get_plan_or_404(request.user, step.plan_id, Action.EDIT_PLAN)
    step.plan = plan
    initial = {
        "title": step.title,
        "details": step.details,
        "owner": step.owner_id,
        "due_at": step.due_at,
        "status": step.status,
    }
    form = StepForm(request.POST if request.method == "POST" else None, plan=plan, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.update_step(request.user, step, **form.cleaned_data, request=request)
            except actions.PlanningError as exc:
                form.add_error(None, str(exc))
            else:
                return _done(request, plan, _("Step saved."))
        status = 400
    else:
        # The form shows the step's sealed details: audited like the plan page.
        actions.read_plan(request.user, plan, request=request)
    return render(
        request,
        "planning/step_edit.html",
        {"plan": plan, "step": step, "form": form},
        status=status,
    )


@require_POST
def decide_go(request, plan_id):
    plan = get_plan_or_404(request.user, plan_id, Action.DECIDE_GO)
    form = GoForm(request.POST)
    return _submit(
        request, plan, form, actions.decide_go, key="go", message=_("Decision recorded.")
    )


@require_POST
def start_transit(request, plan_id):
    plan = get_plan_or_404(request.user, plan_id, Action.EDIT_PLAN)
    try:
        actions.start_transit(request.user, plan, request=request)
    except actions.PlanningError as exc:
        return _page(request, plan, status=400, error=str(exc))
    return _done(request, plan, _("The case is in transit."))


@require_POST
def schedule_check_in(request, plan_id):
    plan = get_plan_or_404(request.user, plan_id, Action.EDIT_PLAN)
    form = CheckInForm(request.POST)
    return _submit(
        request,
        plan,
        form,
        actions.schedule_check_in,
        key="check_in",
        message=_("Check-in scheduled."),
    )


@require_POST
def record_check_in(request, check_in_id):
    check_in = CheckIn.objects.filter(pk=check_in_id).first()
    if check_in is None:
        raise Http404
    plan = get_plan_or_404(request.user, check_in.plan_id, Action.EDIT_PLAN)
    check_in.plan = plan
    form = RecordCheckInForm(request.POST)
    if form.is_valid():
        try:
            actions.record_check_in(request.user, check_in, **form.cleaned_data, request=request)
        except actions.PlanningError as exc:
            return _page(request, plan, status=400, error=str(exc))
        return _done(request, plan, _("Contact recorded."))
    return _page(request, plan, status=400, error=_("Keep the note under 2,000 characters."))


@require_POST
def record_outcome(request, plan_id):
    plan = get_plan_or_404(request.user, plan_id, Action.EDIT_PLAN)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            actions.record_outcome(request.user, plan, **form.cleaned_data, request=request)
        except actions.PlanningError as exc:
            form.add_error(None, str(exc))
        else:
            if plan.outcome == Outcome.COMPROMISED:
                messages.warning(request, _("Review who read this plan, below."))
                return redirect("planning:reads", plan_id=plan.pk)
            return _done(request, plan, _("Outcome recorded."))
    return _page(request, plan, status=400, bound={"outcome": form})


def plan_reads(request, plan_id):
    plan = get_plan_or_404(request.user, plan_id, Action.VIEW_PLAN_READS)
    readers = actions.plan_readers(request.user, plan, request=request)
    return render(request, "planning/reads.html", {"plan": plan, "readers": readers})


def alerts(request):
    actions.audit_raised_alerts()
    mine = Alert.objects.filter(recipient=request.user).select_related(
        "plan__case__person", "check_in"
    )[:100]
    return render(request, "planning/alerts.html", {"alerts": mine})


@require_POST
def alert_seen(request, alert_id):
    alert = Alert.objects.filter(pk=alert_id, recipient=request.user).first()
    if alert is None:
        raise Http404
    actions.mark_alert_seen(request.user, alert, request=request)
    return redirect("planning:alerts")
