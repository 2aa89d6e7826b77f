from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passage.cases import actions
from passage.cases.forms import AssignForm, MoveForm, QueueFilterForm
from passage.cases.lifecycle import Stage, next_stages, roles_allowed
from passage.cases.queue import CappedPaginator, count_cap, queue_rows, triage_queue
from passage.core.access import Action, can, get_case_or_404, require

PAGE_SIZE = 50


def queue(request):
    require(request.user, Action.VIEW_QUEUE)
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    number = request.GET.get("page")
    cases = triage_queue(request.user, filters)
    page = CappedPaginator(cases, PAGE_SIZE, count_cap(number, PAGE_SIZE)).get_page(number)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "cases/queue.html",
        {
            "form": form,
            "page": page,
            "rows": queue_rows(page),
            "params": params.urlencode(),
        },
    )


def case_detail(request, case_id):
    case = get_case_or_404(request.user, case_id)
    identity = None
    if can(request.user, Action.VIEW_IDENTITY, case):
        identity = actions.read_identity(request.user, case, request=request)
    moves = [
        (stage, Stage(stage).label)
        for stage in next_stages(case.stage)
        if request.user.role in roles_allowed(case.stage, stage)
    ]
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "identity": identity,
            "moves": moves,
            "timeline": case.timeline.select_related("actor"),
            "can_assign": can(request.user, Action.ASSIGN, case),
            "can_log_request": can(request.user, Action.LOG_REQUEST, case),
            "assignees": case.assignees.all(),
        },
    )


@require_POST
def case_move(request, case_id):
    case = get_case_or_404(request.user, case_id, Action.TRANSITION)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a stage to move the case to."))
        return redirect("cases:detail", case_id=case.pk)
    try:
        actions.move_case(
            request.user,
            case,
            form.cleaned_data["to_stage"],
            note=form.cleaned_data["note"],
            request=request,
        )
    except actions.CaseActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Moved to “%(stage)s”.") % {"stage": case.get_stage_display()})
    return redirect("cases:detail", case_id=case.pk)


def case_assign(request, case_id):
    case = get_case_or_404(request.user, case_id, Action.ASSIGN)
    form = AssignForm(
        request.POST or None,
        initial={
            "cell": case.cell,
            "users": list(case.assignees.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        actions.assign_case(
            request.user,
            case,
            cell=form.cleaned_data["cell"],
            users=form.cleaned_data["users"],
            request=request,
        )
        messages.success(request, _("Assignment saved."))
        return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/assign.html", {"case": case, "form": form})
