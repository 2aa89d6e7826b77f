from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from passage.cases.lifecycle import Stage
from passage.core.access import (
    Action,
    can,
    get_case_or_404,
    get_check_in_or_404,
    get_plan_or_404,
    get_step_or_404,
)
from passage.core.views import done, page_errors, submit
from passage.planning import actions
from passage.planning.forms import (
    CheckInForm,
    GoForm,
    OutcomeForm,
    PlanForm,
    RecordCheckInForm,
    StepForm,
)
from passage.planning.models import Alert, Outcome


def new_plan(request, case_id):
    case = get_case_or_404(request.user, case_id, Action.CREATE_PLAN)
    if request.method != "POST":
        return render(request, "planning/new.html", {"case": case, "form": PlanForm()})
    return submit(
        request,
        PlanForm(request.POST),
        actions.create_plan,
        case,
        done=lambda plan: done(request, _("Exit plan opened."), "planning:plan", plan_id=plan.pk),
        failed=lambda form: render(
            request, "planning/new.html", {"case": case, "form": form}, status=400
        ),
    )


def _page(request, plan, *, status=200, bound=None, error=None):
    bound = bound or {}
    error = error or page_errors(bound)
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
            "in_planning": plan.case.stage == Stage.PLANNING,
            "step_form": bound.get("step") or StepForm(plan=plan),
            "go_form": bound.get("go") or GoForm(),
            "check_in_form": bound.get("check_in") or CheckInForm(),
            "outcome_form": bound.get("outcome") or OutcomeForm(),
            "may_change_planners": can(user, Action.CHANGE_PLANNERS, plan),
            "planners_form": bound.get("planners")
            or PlanForm(initial={"planners": list(plan.planners.all())}),
            "compromised": plan.outcome == Outcome.COMPROMISED,
            "error": error,
        },
        status=status,
    )


def plan_detail(request, plan_id):
    plan = get_plan_or_404(request.user, plan_id)
    return _page(request, plan)


def _done(request, plan, message):
    return done(request, message, "planning:plan", plan_id=plan.pk)


def _submit(request, plan, form, action, *, key: str, message: str):
    """The plan page's forms: the action on the plan on valid input, else the page with the
    errors."""
    return submit(
        request,
        form,
        action,
        plan,
        done=lambda result: _done(request, plan, message),
        failed=lambda form: _page(request, plan, status=400, bound={key: form}),
    )


@require_POST
def add_step(request, plan_id):
    plan = get_plan_or_404(request.user, plan_id, Action.EDIT_PLAN)
    form = StepForm(request.POST, plan=plan)
    return _submit(request, plan, form, actions.add_step, key="step", message=_("Step added."))


def edit_step(request, step_id):
    step = get_step_or_404(request.user, step_id, Action.EDIT_PLAN)
    plan = step.plan
    initial = {
        "title": step.title,
        "details": step.details,
        "owner": step.owner_id,
        "due_at": step.due_at,
        "status": step.status,
    }
    if request.method == "POST":
        return submit(
            request,
            StepForm(request.POST, plan=plan),
            actions.update_step,
            step,
            done=lambda step: _done(request, plan, _("Step saved.")),
            failed=lambda form: render(
                request,
                "planning/step_edit.html",
                {"plan": plan, "step": step, "form": form},
                status=400,
            ),
        )
    # The form shows the step's sealed details: audited like the plan page.
    actions.read_plan(request.user, plan, request=request)
    form = StepForm(plan=plan, initial=initial)
    return render(request, "planning/step_edit.html", {"plan": plan, "step": step, "form": form})


def _on_plan(access, form_class, action, key, message):
    """A view posting one of the plan page's forms about the plan itself."""

    @require_POST
    def view(request, plan_id):
        plan = get_plan_or_404(request.user, plan_id, access)
        form = form_class(request.POST)
        return _submit(request, plan, form, action, key=key, message=str(message))

    return view


decide_go = _on_plan(
    Action.DECIDE_GO, GoForm, actions.decide_go, "go", gettext_lazy("Decision recorded.")
)
# No fields: the empty form only carries a refusal back to the page.
start_transit = _on_plan(
    Action.EDIT_PLAN,
    forms.Form,
    actions.start_transit,
    "transit",
    gettext_lazy("The case is in transit."),
)
schedule_check_in = _on_plan(
    Action.EDIT_PLAN,
    CheckInForm,
    actions.schedule_check_in,
    "check_in",
    gettext_lazy("Check-in scheduled."),
)


@require_POST
def record_check_in(request, check_in_id):
    check_in = get_check_in_or_404(request.user, check_in_id, Action.EDIT_PLAN)
    plan = check_in.plan
    return submit(
        request,
        RecordCheckInForm(request.POST),
        actions.record_check_in,
        check_in,
        done=lambda check_in: _done(request, plan, _("Contact recorded.")),
        # The note's field is one of many on the page: its errors go to the top.
        failed=lambda form: _page(
            request, plan, status=400, error=" ".join(e for es in form.errors.values() for e in es)
        ),
    )


@require_POST
def record_outcome(request, plan_id):
    plan = get_plan_or_404(request.user, plan_id, Action.EDIT_PLAN)

    def recorded(plan):
        if plan.outcome == Outcome.COMPROMISED:
            messages.warning(request, _("Review who read this plan, below."))
            return redirect("planning:reads", plan_id=plan.pk)
        return _done(request, plan, _("Outcome recorded."))

    return submit(
        request,
        OutcomeForm(request.POST),
        actions.record_outcome,
        plan,
        done=recorded,
        failed=lambda form: _page(request, plan, status=400, bound={"outcome": form}),
    )


change_planners = _on_plan(
    Action.CHANGE_PLANNERS,
    PlanForm,
    actions.change_planners,
    "planners",
    gettext_lazy("Planners changed."),
)


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
