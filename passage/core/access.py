"""Who may see and do what: the one place that decides (DESIGN.md, "Need-to-know").

Views never filter cases by hand: they call `visible_cases` (via `Case.objects.visible_to`)
for lists and `get_case_or_404` / `can` for single objects. An outsider gets 404, never a hint.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from passage.accounts.roles import CASE_ROLES, Role


class Action:
    VIEW_CASE = "view_case"  # summary: pseudonym, stage, urgency, dates
    VIEW_IDENTITY = "view_identity"  # names, unit, township, contact, notes
    LOG_REQUEST = "log_request"
    TRANSITION = "transition"
    ASSIGN = "assign"
    VIEW_AUDIT = "view_audit"
    SEAL = "seal"  # seal now, and see the purges waiting for a second coordinator
    PURGE_IDENTITY = "purge_identity"  # ask for, or approve someone else's, crypto-shredding
    MANAGE_USERS = "manage_users"
    # Account changes that need a second person (resets, a higher role, a new coordinator):
    # admins ask, coordinators approve; both see the waiting ones.
    VIEW_ACCOUNT_REQUESTS = "view_account_requests"
    APPROVE_ACCOUNT_REQUEST = "approve_account_request"
    VIEW_FIGURES = "view_figures"  # aggregate, suppressed figures: never a case or a name
    VIEW_QUEUE = "view_queue"  # the triage queue: the cases one may see (web and API)
    EXPORT_LIST = "export_list"  # a list of the cases one may see, as CSV/XLSX (and its jobs)
    # Identity columns in a list export: coordinators only, and then only on rows of cases they
    # may VIEW_IDENTITY (assigned); other rows get blank identity cells.
    EXPORT_IDENTITY = "export_identity"
    IMPORT_CASES = "import_cases"  # a spreadsheet of existing cases, many identities at once
    SCREEN = "screen"  # run screening on a case now
    REVIEW_HIT = "review_hit"  # mark a screening hit confirmed or false positive
    VIEW_LISTS = "view_lists"  # watchlist and documented-abuse records
    # Import into them, add, change and remove records: coordinators only, since a change or a
    # removal can hide an infiltrator from screening (each one is audited and re-screens).
    MANAGE_LISTS = "manage_lists"
    EDIT_CHECKLISTS = "edit_checklists"  # vetting checklist templates
    VIEW_VETTING = "view_vetting"  # a case's checklist, references and decisions
    DO_VETTING = "do_vetting"  # tick the checklist, add references, recommend a decision
    APPROVE_DECISION = "approve_decision"  # approve or decline someone else's recommendation
    # Withdraw a recommendation still waiting (obj is a Decision): only the person who made it,
    # while they may still do vetting on the case.
    WITHDRAW_RECOMMENDATION = "withdraw_recommendation"
    CREATE_PLAN = "create_plan"  # open an exit plan on a cleared case
    # Exit plans (obj is a Plan): need-to-know at its sharpest. Only the plan's own planners and
    # its approving coordinator, never the rest of the cell, other coordinators or admins.
    VIEW_PLAN = "view_plan"
    EDIT_PLAN = "edit_plan"  # steps, check-ins, outcome
    DECIDE_GO = "decide_go"  # the go / no-go before transit: the approving coordinator
    VIEW_PLAN_READS = "view_plan_reads"  # who read the plan (after a compromise)
    CHANGE_PLANNERS = "change_planners"  # add or remove planners: the approving coordinator
    # The anonymous channel (passage/public): the inbox of sealed public-form submissions, and
    # replies to a requester from their case.
    VIEW_PUBLIC_INBOX = "view_public_inbox"
    REPLY_PUBLIC = "reply_public"
    # After-care and testimony (passage/aftercare): the caseworkers and coordinators assigned to
    # the case (by name or cell), and nobody else; testimony is as sensitive as identity.
    VIEW_AFTERCARE = "view_aftercare"
    EDIT_AFTERCARE = "edit_aftercare"
    # Live-stream sessions: the schedule is shared by caseworkers and coordinators; each person
    # in it shows only to those who may see that person's after-care.
    SCHEDULE_LIVE = "schedule_live"
    # Partner organisations (passage/partners): add and confirm partners, start and approve
    # overlap counts. Coordinators only; a run also needs a second coordinator (four-eyes).
    MANAGE_PARTNERS = "manage_partners"


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_assigned(user, case) -> bool:
    """Assigned to the case by name or through one of the user's cells."""
    known = getattr(case, "_assigned_for", None)
    if known is not None and known[0] == user.pk:
        return known[1]
    if case.assignees.filter(pk=user.pk).exists():
        return True
    return case.cell_id is not None and user.cells.filter(pk=case.cell_id).exists()


def visible_cases(queryset, user):
    if not _active(user) or user.role not in CASE_ROLES:
        return queryset.none()
    if user.role == Role.COORDINATOR:
        return queryset
    # Subqueries rather than joins: no duplicate rows, so no DISTINCT on large lists.
    assigned = queryset.model.assignees.through.objects.filter(user=user).values("case_id")
    return queryset.filter(Q(pk__in=assigned) | Q(cell__in=user.cells.values("pk")))


def can(user, action: str, obj=None) -> bool:
    if not _active(user):
        return False
    role = user.role
    if action == Action.MANAGE_USERS:
        return role == Role.ADMIN
    if action == Action.VIEW_ACCOUNT_REQUESTS:
        return role in (Role.ADMIN, Role.COORDINATOR)
    if action == Action.APPROVE_ACCOUNT_REQUEST:
        return role == Role.COORDINATOR
    if action == Action.VIEW_FIGURES:
        return role in (Role.ANALYST, Role.COORDINATOR)
    if action in (Action.VIEW_AUDIT, Action.SEAL):
        return role == Role.COORDINATOR
    if action in (Action.VIEW_QUEUE, Action.EXPORT_LIST):
        return role in CASE_ROLES
    if action in (Action.EXPORT_IDENTITY, Action.IMPORT_CASES) and obj is None:
        return role == Role.COORDINATOR
    if action == Action.VIEW_LISTS:
        return role in (Role.COORDINATOR, Role.VETTER)
    if action in (Action.MANAGE_LISTS, Action.MANAGE_PARTNERS):
        return role == Role.COORDINATOR
    if action == Action.LOG_REQUEST and obj is None:
        return role in (Role.INTAKE, Role.COORDINATOR)
    if action == Action.EDIT_CHECKLISTS:
        return role == Role.COORDINATOR
    if action in (Action.VIEW_AFTERCARE, Action.SCHEDULE_LIVE) and obj is None:
        return role in (Role.CASEWORKER, Role.COORDINATOR)
    if action == Action.VIEW_PUBLIC_INBOX:
        return role in (Role.INTAKE, Role.COORDINATOR)
    if action in PLAN_ACTIONS:
        return obj is not None and _can_on_plan(user, action, obj)
    if action == Action.WITHDRAW_RECOMMENDATION:
        return (
            obj is not None
            and obj.recommended_by_id == user.pk
            and can(user, Action.DO_VETTING, obj.case)
        )
    if obj is None or role not in CASE_ROLES:
        return False
    assigned = is_assigned(user, obj)
    if action == Action.VIEW_CASE:
        return role == Role.COORDINATOR or assigned
    if action == Action.VIEW_IDENTITY:
        return assigned
    if action == Action.LOG_REQUEST:
        return role in (Role.INTAKE, Role.COORDINATOR) and (role == Role.COORDINATOR or assigned)
    if action == Action.TRANSITION:
        return role == Role.COORDINATOR or assigned
    if action in (Action.VIEW_AFTERCARE, Action.EDIT_AFTERCARE):
        return role in (Role.CASEWORKER, Role.COORDINATOR) and assigned
    if action == Action.REPLY_PUBLIC:
        return role == Role.COORDINATOR or (role == Role.INTAKE and assigned)
    if action == Action.ASSIGN:
        return role == Role.COORDINATOR
    # Any coordinator, assigned or not: the second one, who approves, is often outside the cell.
    if action == Action.PURGE_IDENTITY:
        return role == Role.COORDINATOR
    if action == Action.EXPORT_IDENTITY:
        return role == Role.COORDINATOR and assigned
    if action == Action.SCREEN:
        return role == Role.COORDINATOR or assigned
    if action == Action.REVIEW_HIT:
        return role in (Role.VETTER, Role.COORDINATOR) and assigned
    if action == Action.DO_VETTING:
        return role in (Role.VETTER, Role.COORDINATOR) and assigned
    # The coordinator who approves is, on purpose, often not in the case's cell.
    if action == Action.VIEW_VETTING:
        return role == Role.COORDINATOR or (role == Role.VETTER and assigned)
    if action in (Action.APPROVE_DECISION, Action.CREATE_PLAN):
        return role == Role.COORDINATOR
    return False


PLAN_ACTIONS = frozenset(
    {
        Action.VIEW_PLAN,
        Action.EDIT_PLAN,
        Action.DECIDE_GO,
        Action.VIEW_PLAN_READS,
        Action.CHANGE_PLANNERS,
    }
)


def fresh_until(user):
    """Until when `user` is too new to be a second pair of eyes (None: not, or no longer).

    Four-eyes rules count people, not accounts: an admin could otherwise make (or promote) two
    coordinators and be both pairs of eyes. Every approval by a second person asks this."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    if user.role_since is None:  # the set-up coordinator and demo accounts (accounts/models.py)
        return None
    until = user.role_since + timedelta(days=settings.FOUR_EYES_MIN_ACCOUNT_DAYS)
    return until if until > timezone.now() else None


def require_second_pair_of_eyes(user, error=PermissionDenied) -> None:
    """Refuse (raising `error` with a message for the user) if `user` is too new an account,
    or too recently given a higher role, to approve someone else's step."""
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    until = fresh_until(user)
    if until is not None:
        raise error(
            _(
                "Your account is too new (or its role too recently raised) to be the second "
                "person on this. Another coordinator must approve it, or wait until %(date)s."
            )
            % {"date": date_format(timezone.localtime(until), "DATE_FORMAT")}
        )


def require(user, action: str, obj=None) -> None:
    """Refuse (403) unless `can` says yes: the guard at the top of an action or a page."""
    if not can(user, action, obj):
        raise PermissionDenied


def plan_people_ids(plan) -> set:
    """The plan's own people: its assigned planners and its approving coordinator."""
    known = getattr(plan, "_people_ids", None)
    if known is None:
        known = set(plan.planners.values_list("pk", flat=True)) | {plan.approver_id}
        plan._people_ids = known
    return known


def _can_on_plan(user, action: str, plan) -> bool:
    # Being assigned to the case, or in its cell, or a coordinator, gives nothing here.
    if user.pk not in plan_people_ids(plan):
        return False
    if action == Action.VIEW_PLAN:
        return True
    if action == Action.EDIT_PLAN:
        return not plan.outcome
    if action == Action.DECIDE_GO:
        return user.pk == plan.approver_id and not plan.outcome
    if action in (Action.VIEW_PLAN_READS, Action.CHANGE_PLANNERS):
        return user.pk == plan.approver_id
    return False


def get_plan_or_404(user, plan_id, action: str = Action.VIEW_PLAN):
    """The plan if the user is one of its people; 404 for everyone else (not even a hint), 403
    for one of its people who may not do this."""
    from passage.planning.models import Plan

    plan = Plan.objects.select_related("case__person", "approver").filter(pk=plan_id).first()
    if plan is None or not _active(user) or not can(user, Action.VIEW_PLAN, plan):
        raise Http404
    if not can(user, action, plan):
        raise PermissionDenied
    return plan


def _plan_child_or_404(user, queryset, child_id, action: str):
    """A step or check-in (from `queryset`) of a plan the user is one of the people of; 404 for
    everyone else, 403 for one of its people who may not do this."""
    child = queryset.filter(pk=child_id).first()
    if child is None:
        raise Http404
    child.plan = get_plan_or_404(user, child.plan_id, action)
    return child


def get_step_or_404(user, step_id, action: str = Action.VIEW_PLAN):
    from passage.planning.models import Step

    return _plan_child_or_404(user, Step.objects.all(), step_id, action)


def get_check_in_or_404(user, check_in_id, action: str = Action.VIEW_PLAN):
    from passage.planning.models import CheckIn

    return _plan_child_or_404(user, CheckIn.objects.all(), check_in_id, action)


def get_case_or_404(user, case_id, action: str = Action.VIEW_CASE):
    """The case if the user may do `action` on it; 404 for anyone who may not even see it,
    403 (PermissionDenied) for someone who sees it but may not do this."""
    from passage.accounts.models import Cell
    from passage.cases.models import Case

    # Whether the user is assigned comes with the case, in the same query: a page asks `can`
    # several times, and each would otherwise cost two queries.
    by_name = Case.assignees.through.objects.filter(case=OuterRef("pk"), user=user.pk)
    by_cell = Cell.members.through.objects.filter(cell=OuterRef("cell_id"), user=user.pk)
    case = (
        visible_cases(Case.objects.select_related("person", "cell"), user)
        .filter(pk=case_id)
        .annotate(assigned_by_name=Exists(by_name), assigned_by_cell=Exists(by_cell))
        .first()
    )
    if case is None:
        raise Http404
    # Fetched for this request, so valid for it; is_assigned asks the database for anyone else.
    case._assigned_for = (user.pk, case.assigned_by_name or case.assigned_by_cell)
    if not can(user, action, case):
        raise PermissionDenied
    return case


def public_submissions_for(user, queryset):
    """Public-form submissions the user may open: first messages (no case yet) for anyone who
    may log requests; later messages only for those who may see the source's case."""
    from passage.cases.models import Case

    if not can(user, Action.VIEW_PUBLIC_INBOX):
        return queryset.none()
    cases = visible_cases(Case.objects.all(), user).values("pk")
    return queryset.filter(Q(source__case__isnull=True) | Q(source__case__in=cases))


def get_submission_or_404(user, submission_id):
    from passage.public.models import Submission

    submission = (
        public_submissions_for(user, Submission.objects.select_related("source"))
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def aftercare_cases(user, queryset=None):
    """Cases whose after-care the user may see: assigned caseworkers and coordinators only."""
    from passage.cases.models import Case

    queryset = Case.objects.all() if queryset is None else queryset
    if not _active(user) or user.role not in (Role.CASEWORKER, Role.COORDINATOR):
        return queryset.none()
    assigned = Case.assignees.through.objects.filter(user=user).values("case_id")
    return queryset.filter(Q(pk__in=assigned) | Q(cell__in=user.cells.values("pk")))


def _case_child_or_404(user, queryset, item_id, action: str):
    """A record (from `queryset`) of a case the user may see; 404 outside, 403 if they may not
    do `action` on the case."""
    item = queryset.filter(pk=item_id).first()
    if item is None:
        raise Http404
    item.case = get_case_or_404(user, item.case_id, action)
    return item


def get_aftercare_item_or_404(user, queryset, item_id, action: str = Action.VIEW_AFTERCARE):
    """A need or statement (from `queryset`) of a case the user may see."""
    return _case_child_or_404(user, queryset, item_id, action)


def get_checklist_item_or_404(user, item_id, action: str = Action.DO_VETTING):
    from passage.vetting.models import ChecklistItem

    return _case_child_or_404(user, ChecklistItem.objects.all(), item_id, action)


def get_decision_or_404(user, decision_id, action: str = Action.APPROVE_DECISION):
    """A recommendation on a case the user may see; a withdrawal is then decided on the decision
    itself (only its author), everything else on the case."""
    from passage.vetting.models import Decision

    if action != Action.WITHDRAW_RECOMMENDATION:
        return _case_child_or_404(user, Decision.objects.all(), decision_id, action)
    decision = _case_child_or_404(user, Decision.objects.all(), decision_id, Action.VIEW_VETTING)
    if not can(user, action, decision):
        raise PermissionDenied
    return decision


def get_hit_or_404(user, hit_id, action: str = Action.REVIEW_HIT):
    from passage.screening.models import Hit

    return _case_child_or_404(user, Hit.objects.select_related("other_case"), hit_id, action)
