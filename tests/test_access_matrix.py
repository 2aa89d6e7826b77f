"""Every role against every view, on a case of their own cell and on another cell's case.

The table is the rule book in one place: a new URL without a row here fails
`test_every_view_is_in_the_matrix`.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.aftercare.helpers import make_attachment, make_live_session, make_need, make_statement
from tests.conftest import make_case, purge_request, signed_in
from tests.planning.helpers import cleared_case, make_alert, make_check_in, make_plan, make_step
from tests.public.helpers import public_case, public_submission
from tests.screening.helpers import WATCHLIST_CSV, batch_from, make_hit, watchlist_entry
from tests.vetting.helpers import default_template, make_decision, make_item, vetting_case

ROLES = [
    "coordinator",
    "intake",
    "vetter",
    "planner",
    "caseworker",
    "analyst",
    "admin",
    "anonymous",
]
CASE_WORKERS = ["coordinator", "intake", "vetter", "planner", "caseworker"]


def expect(default: int, **by_role: int) -> dict[str, int]:
    return {role: by_role.get(role, default) for role in ROLES}


VET_SEE = expect(403, coordinator=200, vetter=200, analyst=404, admin=404, anonymous=302)
APPROVE = {
    "own": expect(403, coordinator=302, analyst=404, admin=404, anonymous=302),
    "other": expect(404, coordinator=302, anonymous=302),
}


def vet_do(allowed: int) -> dict:
    return {
        "own": expect(
            403, coordinator=allowed, vetter=allowed, analyst=404, admin=404, anonymous=302
        ),
        "other": expect(404, coordinator=403, anonymous=302),
    }


def aftercare(allowed: int) -> dict:
    return {
        "own": expect(
            403, coordinator=allowed, caseworker=allowed, analyst=404, admin=404, anonymous=302
        ),
        "other": expect(404, coordinator=403, anonymous=302),
    }


def on_plan(approver: int, planner: int) -> dict:
    return {
        "own": expect(404, coordinator=approver, planner=planner, anonymous=302),
        "other": expect(404, anonymous=302),
        "not_on_plan": expect(404, anonymous=302),
    }


# url name -> (method, url kwargs key, POST data, {scenario: {role: status}})
# Scenarios: "own" = a case in the North cell (everyone but analyst/admin is a member),
# "other" = a case in the South cell. Views without a case use scenario "any".
MATRIX = {
    # Sealing (passage/core/sealing): while unsealed the unseal page sends everyone on.
    "sealing:unseal": ("get", None, None, {"any": expect(302)}),
    "sealing:control": ("get", None, None, {"any": expect(403, coordinator=200, anonymous=302)}),
    "sealing:seal_now": ("post", None, None, {"any": expect(403, coordinator=302, anonymous=302)}),
    "sealing:purge_request": ("post", "case", None, APPROVE),
    # Purges are case actions of any coordinator; the approver is not the one who asked.
    "sealing:purge_approve": ("post", "purge", None, APPROVE),
    "home": ("get", None, None, {"any": expect(302)}),
    "set_language": ("post", None, {"language": "my"}, {"any": expect(302)}),
    "accounts:setup": ("get", None, None, {"any": expect(404)}),
    "accounts:login": ("get", None, None, {"any": expect(200)}),
    "accounts:enroll": ("get", None, None, {"any": expect(302)}),
    "accounts:logout": ("post", None, None, {"any": expect(302)}),
    "accounts:users": ("get", None, None, {"any": expect(403, admin=200, anonymous=302)}),
    "accounts:user_new": ("get", None, None, {"any": expect(403, admin=200, anonymous=302)}),
    "accounts:user_edit": ("get", "user", None, {"any": expect(403, admin=200, anonymous=302)}),
    "accounts:user_reset_totp": (
        "post",
        "user",
        None,
        {"any": expect(403, admin=302, anonymous=302)},
    ),
    "accounts:user_reset_password": (
        "post",
        "user",
        None,
        {"any": expect(403, admin=302, anonymous=302)},
    ),
    # Open, like sign-in: the first step asks for a one-time code.
    "accounts:redeem": ("get", None, None, {"any": expect(200)}),
    "accounts:password_change": ("get", None, None, {"any": expect(200, anonymous=302)}),
    # Admins ask, coordinators approve (an approved reset shows its one-time code: 200).
    "accounts:requests": (
        "get",
        None,
        None,
        {"any": expect(403, admin=200, coordinator=200, anonymous=302)},
    ),
    "accounts:request_approve": (
        "post",
        "account_request",
        None,
        {"any": expect(403, coordinator=200, anonymous=302)},
    ),
    "accounts:request_decline": (
        "post",
        "account_request",
        None,
        {"any": expect(403, coordinator=302, anonymous=302)},
    ),
    "accounts:cells": ("get", None, None, {"any": expect(403, admin=200, anonymous=302)}),
    "accounts:cell_new": ("get", None, None, {"any": expect(403, admin=200, anonymous=302)}),
    "accounts:cell_edit": ("get", "cell", None, {"any": expect(403, admin=200, anonymous=302)}),
    "cases:queue": ("get", None, None, {"any": expect(200, analyst=403, admin=403, anonymous=302)}),
    "cases:detail": (
        "get",
        "case",
        None,
        {
            "own": expect(200, analyst=404, admin=404, anonymous=302),
            "other": expect(404, coordinator=200, anonymous=302),
        },
    ),
    "cases:move": (
        "post",
        "case",
        {"to_stage": "vetting"},
        {
            "own": expect(302, analyst=404, admin=404),
            "other": expect(404, coordinator=302, anonymous=302),
        },
    ),
    "cases:assign": (
        "get",
        "case",
        None,
        {
            "own": expect(403, coordinator=200, analyst=404, admin=404, anonymous=302),
            "other": expect(404, coordinator=200, anonymous=302),
        },
    ),
    "intake:new": (
        "get",
        None,
        None,
        {
            "any": expect(403, coordinator=200, intake=200, anonymous=302),
        },
    ),
    "intake:follow_up": (
        "get",
        "case",
        None,
        {
            "own": expect(403, coordinator=200, intake=200, analyst=404, admin=404, anonymous=302),
            "other": expect(404, coordinator=200, anonymous=302),
        },
    ),
    "core:audit": ("get", None, None, {"any": expect(403, coordinator=200, anonymous=302)}),
    "core:checkpoints": ("get", None, None, {"any": expect(403, coordinator=200, anonymous=302)}),
    "core:checkpoints_download": (
        "get",
        None,
        None,
        {"any": expect(403, coordinator=200, anonymous=302)},
    ),
    "partners:list": ("get", None, None, {"any": expect(403, coordinator=200, anonymous=302)}),
    "reports:dashboard": (
        "get",
        None,
        None,
        {"any": expect(403, coordinator=200, analyst=200, anonymous=302)},
    ),
    "reports:summary": (
        "get",
        None,
        None,
        {"any": expect(403, coordinator=200, analyst=200, anonymous=302)},
    ),
    "reports:summary_pdf": (
        "get",
        None,
        None,
        {"any": expect(403, coordinator=200, analyst=200, anonymous=302)},
    ),
    "reports:summary_png": (
        "get",
        None,
        None,
        {"any": expect(403, coordinator=200, analyst=200, anonymous=302)},
    ),
    "screening:lists": (
        "get",
        None,
        None,
        {"any": expect(403, coordinator=200, vetter=200, anonymous=302)},
    ),
    "screening:import": ("get", None, None, {"any": expect(403, coordinator=200, anonymous=302)}),
    "screening:alerts": ("get", None, None, {"any": expect(403, coordinator=200, anonymous=302)}),
    "screening:import_preview": (
        "get",
        "batch",
        None,
        {"any": expect(403, coordinator=200, anonymous=302)},
    ),
    # Adding, changing and removing list records: coordinators only (core/access.py).
    "screening:record_new": (
        "get",
        "list_kind",
        None,
        {"any": expect(403, coordinator=200, anonymous=302)},
    ),
    "screening:record_edit": (
        "get",
        "list_record",
        None,
        {"any": expect(403, coordinator=200, anonymous=302)},
    ),
    "screening:record_remove": (
        "post",
        "list_record",
        None,
        {"any": expect(403, coordinator=302, anonymous=302)},
    ),
    "screening:run": (
        "post",
        "case",
        None,
        {
            "own": expect(302, analyst=404, admin=404),
            "other": expect(404, coordinator=302, anonymous=302),
        },
    ),
    "screening:review": (
        "post",
        "hit",
        {"status": "false_positive", "note": "Checked with the family."},
        {
            "own": expect(403, coordinator=302, vetter=302, analyst=404, admin=404, anonymous=302),
            "other": expect(404, coordinator=403, anonymous=302),
        },
    ),
    "api_tokens:list": ("get", None, None, {"any": expect(403, admin=200, anonymous=302)}),
    "api_tokens:new": ("get", None, None, {"any": expect(403, admin=200, anonymous=302)}),
    "api_tokens:revoke": ("post", "token", None, {"any": expect(403, admin=302, anonymous=302)}),
    "exports:queue": (
        "get",
        None,
        None,
        {"any": expect(200, analyst=403, admin=403, anonymous=302)},
    ),
    "exports:import": ("get", None, None, {"any": expect(403, coordinator=200, anonymous=302)}),
    # A batch the coordinator uploaded: nobody else sees it.
    "exports:import_review": (
        "get",
        "import_batch",
        None,
        {"any": expect(403, coordinator=200, anonymous=302)},
    ),
    # A background export the coordinator asked for: nobody else sees it or its file.
    "exports:job": (
        "get",
        "export_job",
        None,
        {"any": expect(404, coordinator=200, analyst=403, admin=403, anonymous=302)},
    ),
    "exports:job_download": (
        "get",
        "export_job",
        None,
        {"any": expect(404, coordinator=200, analyst=403, admin=403, anonymous=302)},
    ),
    # Vetting: vetters and coordinators of the case's cell do the work; any coordinator may
    # read it and approve (the approver is, on purpose, often outside the cell).
    "vetting:case": (
        "get",
        "vetting_case",
        None,
        {"own": VET_SEE, "other": expect(404, coordinator=200, anonymous=302)},
    ),
    "vetting:start_checklist": ("post", "vetting_case", None, vet_do(400)),
    "vetting:add_reference": (
        "post",
        "vetting_case",
        {"description": "His cousin", "strength": "weak"},
        vet_do(302),
    ),
    "vetting:recommend": (
        "post",
        "vetting_case",
        {"kind": "suspend", "reason": "Wait for the interview"},
        vet_do(302),
    ),
    "vetting:item": ("post", "item", None, vet_do(400)),
    "vetting:approve": ("post", "decision", None, APPROVE),
    "vetting:decline": ("post", "decision", {"note": "References not contacted"}, APPROVE),
    # Only the vetter who recommended (the North vetter; a South vetter on "other") withdraws.
    "vetting:withdraw": (
        "post",
        "decision",
        {"note": "The interview is not done yet"},
        {
            "own": expect(403, vetter=302, analyst=404, admin=404, anonymous=302),
            "other": expect(404, coordinator=403, anonymous=302),
        },
    ),
    "vetting:templates": ("get", None, None, {"any": expect(403, coordinator=200, anonymous=302)}),
    "vetting:template_new": (
        "get",
        None,
        None,
        {"any": expect(403, coordinator=200, anonymous=302)},
    ),
    "vetting:template_edit": (
        "get",
        "template",
        None,
        {"any": expect(403, coordinator=200, anonymous=302)},
    ),
    # Exit plans: only the plan's planners and its approving coordinator, never the rest of the
    # cell, other coordinators or admins; "not_on_plan" is a North case planned by others.
    "planning:new": (
        "get",
        "cleared_case",
        None,
        {
            "own": expect(403, coordinator=200, analyst=404, admin=404, anonymous=302),
            "other": expect(404, coordinator=200, anonymous=302),
        },
    ),
    "planning:plan": ("get", "plan", None, on_plan(200, 200)),
    "planning:add_step": (
        "post",
        "plan",
        {"title": "Meet the driver", "status": "todo"},
        on_plan(302, 302),
    ),
    "planning:edit_step": ("get", "step", None, on_plan(200, 200)),
    "planning:go": ("post", "plan", {"go": "yes"}, on_plan(302, 403)),
    # No "go" yet: both may try, and both are told why not.
    "planning:start_transit": ("post", "plan", None, on_plan(400, 400)),
    "planning:schedule_check_in": ("post", "plan", {"due_at": "yesterday"}, on_plan(400, 400)),
    "planning:record_check_in": ("post", "check_in", {"note": "Called"}, on_plan(302, 302)),
    "planning:outcome": ("post", "plan", {"outcome": "aborted"}, on_plan(302, 302)),
    "planning:reads": ("get", "plan", None, on_plan(200, 403)),
    # No planner chosen: the approving coordinator is told so; planners may not change them.
    "planning:planners": ("post", "plan", None, on_plan(400, 403)),
    "planning:alerts": ("get", None, None, {"any": expect(200, anonymous=302)}),
    # The North planner's own alert.
    "planning:alert_seen": (
        "post",
        "alert",
        None,
        {"own": expect(404, planner=302, anonymous=302)},
    ),
    # The anonymous channel: the public pages are open to everyone, signed in or not.
    "public:start": ("get", None, None, {"any": expect(200)}),
    "public:check": ("get", None, None, {"any": expect(200)}),
    # Without a valid access token from an opened receipt: back to the receipt page.
    "public:send_more": ("post", None, None, {"any": expect(302)}),
    "public_inbox:inbox": (
        "get",
        None,
        None,
        {"any": expect(403, coordinator=200, intake=200, anonymous=302)},
    ),
    "public_inbox:submission": (
        "get",
        "submission",
        None,
        {"any": expect(404, coordinator=200, intake=200, anonymous=302)},
    ),
    "public_inbox:log": (
        "post",
        "submission",
        None,
        {"any": expect(404, coordinator=302, intake=302, anonymous=302)},
    ),
    "public_inbox:dismiss": (
        "post",
        "submission",
        None,
        {"any": expect(404, coordinator=302, intake=302, anonymous=302)},
    ),
    # A case that came through the public form: its intake officers and coordinators reply.
    "public_inbox:reply": (
        "get",
        "public_case",
        None,
        {
            "own": expect(403, coordinator=200, intake=200, analyst=404, admin=404, anonymous=302),
            "other": expect(404, coordinator=200, anonymous=302),
        },
    ),
    # After-care and testimony: the caseworkers and coordinators assigned to the case (here by
    # the North cell), nobody else; a coordinator outside the cell sees the case but not this.
    "aftercare:open_needs": (
        "get",
        None,
        None,
        {"any": expect(403, coordinator=200, caseworker=200, anonymous=302)},
    ),
    "aftercare:case": ("get", "case", None, aftercare(200)),
    "aftercare:add_need": ("post", "case", {"kind": "shelter", "status": "open"}, aftercare(302)),
    "aftercare:add_statement": (
        "post",
        "case",
        {"text": "I left after the airstrike.", "consent": "private"},
        aftercare(302),
    ),
    "aftercare:edit_need": ("get", "need", None, aftercare(200)),
    "aftercare:statement": ("get", "statement", None, aftercare(200)),
    "aftercare:consent": ("post", "statement", {"consent": "private"}, aftercare(302)),
    "aftercare:withdraw": ("post", "statement", None, aftercare(302)),
    # No file sent: those who may attach are told it is missing.
    "aftercare:attach": ("post", "statement", None, aftercare(400)),
    "aftercare:attachment": ("get", "attachment", None, aftercare(200)),
    "aftercare:live_sessions": (
        "get",
        None,
        None,
        {"any": expect(403, coordinator=200, caseworker=200, anonymous=302)},
    ),
    "aftercare:live_session": (
        "get",
        "live_session",
        None,
        {"any": expect(403, coordinator=200, caseworker=200, anonymous=302)},
    ),
}

# The REST API, called with a token that has every scope and acts as the role's user
# ("anonymous" sends no token). Same rules as the pages: 404 for a case the user may not see.
API_MATRIX = {
    "api:openapi-json": ("get", None, None, {"any": expect(200)}),
    "api:api-root": ("get", None, None, {"any": expect(404)}),
    # Any other path under /api/: a JSON 404 to everyone, signed in or not.
    "api_unknown": ("get", None, None, {"any": expect(404)}),
    "api:create_request": (
        "post",
        None,
        {"channel": "signal", "names": ["Kyaw Htoo"]},
        {"any": expect(403, coordinator=201, intake=201, anonymous=401)},
    ),
    "api:read_request": ("get", "request", None, {"any": expect(404, anonymous=401)}),
    "api:list_cases": (
        "get",
        None,
        None,
        {"any": expect(200, analyst=403, admin=403, anonymous=401)},
    ),
    "api:read_case": (
        "get",
        "case",
        None,
        {
            "own": expect(200, analyst=404, admin=404, anonymous=401),
            "other": expect(404, coordinator=200, anonymous=401),
        },
    ),
    # Hits as the case page shows them: only to people assigned to the case.
    "api:list_case_hits": (
        "get",
        "case",
        None,
        {
            "own": expect(200, analyst=404, admin=404, anonymous=401),
            "other": expect(404, coordinator=403, anonymous=401),
        },
    ),
    # Figures, suppressed, to the roles that see them on the web: coordinators and analysts.
    "api:read_dashboard_figures": (
        "get",
        None,
        None,
        {"any": expect(403, coordinator=200, analyst=200, anonymous=401)},
    ),
    "api:read_summary_figures": (
        "get",
        None,
        None,
        {"any": expect(403, coordinator=200, analyst=200, anonymous=401)},
    ),
    # The token comes in Telegram's secret-token header (sent below with the bearer one).
    "api:telegram_webhook": (
        "post",
        None,
        {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 1741000000,
                "chat": {"id": 7, "type": "private"},
                "from": {"id": 7, "first_name": "Kyaw"},
                "text": "Help",
            },
        },  # fmt: skip
        {"any": expect(403, coordinator=200, intake=200, anonymous=401)},
    ),
    "api:move_case": (
        "post",
        "case",
        {"to_stage": "vetting"},
        {
            # Vetters, planners and caseworkers see the case but may not make this move.
            "own": expect(409, coordinator=200, intake=200, analyst=404, admin=404, anonymous=401),
            "other": expect(404, coordinator=200, anonymous=401),
        },
    ),
}


def _all_url_names(resolver=None, prefix="") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= _all_url_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(prefix + entry.name)
    return names


def test_every_view_is_in_the_matrix():
    missing = _all_url_names() - MATRIX.keys() - API_MATRIX.keys()
    assert not missing, f"add these views to the access matrix: {sorted(missing)}"
    known = MATRIX.keys() | API_MATRIX.keys()
    assert not known - _all_url_names(), "the matrix names views that do not exist"


def test_every_api_operation_is_in_the_api_matrix():
    from passage.api.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {f"api:{op}" for op in operations} == API_MATRIX.keys() - {
        "api:openapi-json",
        "api:api-root",
        "api_unknown",
    }


CASES = [
    (name, scenario, role)
    for name, (_m, _k, _d, scenarios) in MATRIX.items()
    for scenario in scenarios
    for role in ROLES
]


@pytest.mark.parametrize(("url_name", "scenario", "role"), CASES)
def test_it_checks_access(people, cells, url_name, scenario, role):
    method, kwarg, data, scenarios = MATRIX[url_name]
    cell = cells["south"] if scenario == "other" else cells["north"]
    targets = {
        "case": lambda: {"case_id": make_case(people["coordinator"], cell=cell).pk},
        "user": lambda: {"user_id": people["intake"].pk},
        "cell": lambda: {"cell_id": cells["north"].pk},
        "account_request": lambda: {"request_id": account_request(people).pk},
        "batch": lambda: {
            "batch_id": batch_from(people["coordinator"], "watchlist", WATCHLIST_CSV).pk
        },
        "hit": lambda: {"hit_id": make_hit(people["coordinator"], cell).pk},
        "list_kind": lambda: {"kind": "watchlist"},
        "list_record": lambda: {
            "kind": "watchlist",
            "record_id": watchlist_entry(people["coordinator"]).pk,
        },
        "token": lambda: {"token_id": api_token(people["intake"])[0].pk},
        "purge": lambda: {"purge_id": purge_request(people, cell).pk},
        "import_batch": lambda: {"batch_id": import_batch(people["coordinator"]).pk},
        "export_job": lambda: {"job_id": export_job(people["coordinator"]).pk},
        "vetting_case": lambda: {"case_id": vetting_case(people, cell).pk},
        "item": lambda: {"item_id": make_item(people, cell).pk},
        "decision": lambda: {"decision_id": make_decision(people, cell).pk},
        "template": lambda: {"template_id": default_template().pk},
        "cleared_case": lambda: {"case_id": cleared_case(people, cell).pk},
        "plan": lambda: {"plan_id": make_plan(people, cell, scenario=scenario).pk},
        "step": lambda: {"step_id": make_step(people, cell, scenario=scenario).pk},
        "check_in": lambda: {"check_in_id": make_check_in(people, cell, scenario=scenario).pk},
        "alert": lambda: {"alert_id": make_alert(people, cell).pk},
        "need": lambda: {"need_id": make_need(people, cell).pk},
        "statement": lambda: {"statement_id": make_statement(people, cell).pk},
        "attachment": lambda: {"attachment_id": make_attachment(people, cell).pk},
        "live_session": lambda: {"session_id": make_live_session(people).pk},
        "submission": lambda: {"submission_id": public_submission().pk},
        "public_case": lambda: {"case_id": public_case(people, cell).pk},
    }
    kwargs = targets[kwarg]() if kwarg else {}
    client = Client() if role == "anonymous" else signed_in(people[role])
    url = reverse(url_name, kwargs=kwargs)
    response = getattr(client, method)(url, data or {})
    assert response.status_code == scenarios[scenario][role], (
        f"{role} {method.upper()} {url_name} ({scenario}) -> {response.status_code}"
    )


def account_request(people):
    from passage.accounts.actions import request_reset

    return request_reset(people["admin"], people["intake"], "reset_totp")


def import_batch(user):
    from passage.exports.importing import start_import

    return start_import(user, ["Name"], [["Kyaw Htoo"]], default_channel="phone")


def export_job(user):
    """A finished background export, written by the job's own code in this process."""
    from passage.exports import actions, jobs

    job = actions.start_export_job(user, actions.Export(user, {}, ["pseudonym"]), {}, "csv")
    jobs.run_job(job.pk)
    return job


API_CASES = [
    (name, scenario, role)
    for name, (_m, _k, _d, scenarios) in API_MATRIX.items()
    for scenario in scenarios
    for role in ROLES
]


def api_token(user, scopes=None):
    from passage.api import tokens
    from passage.api.scopes import Scope

    return tokens.create_token(
        None, name="matrix", owner=user, scopes=scopes or list(Scope.values), rate_limit=1000
    )


@pytest.mark.parametrize(("url_name", "scenario", "role"), API_CASES)
def test_the_api_checks_access(people, cells, url_name, scenario, role):
    import json

    from passage.api.models import RequestOrigin

    method, kwarg, data, scenarios = API_MATRIX[url_name]
    cell = cells["south"] if scenario == "other" else cells["north"]

    def someone_elses_request():
        case = make_case(people["coordinator"], cell=cell)
        origin = RequestOrigin.objects.create(
            request=case.requests.get(), token=api_token(people["intake"])[0]
        )
        return {"request_id": origin.request_id}

    targets = {
        "case": lambda: {"case_id": make_case(people["coordinator"], cell=cell).pk},
        "request": someone_elses_request,
    }
    kwargs = targets[kwarg]() if kwarg else {}
    secret = None if role == "anonymous" else api_token(people[role])[1]
    headers = (
        {}
        if secret is None
        else {
            "HTTP_AUTHORIZATION": f"Bearer {secret}",
            "HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret,
        }
    )
    client = Client(**headers)
    url = reverse(url_name, kwargs=kwargs)
    if method == "post":
        response = client.post(url, json.dumps(data), content_type="application/json")
    else:
        response = client.get(url)
    assert response.status_code == scenarios[scenario][role], (
        f"{role} {method.upper()} {url_name} ({scenario}) -> {response.status_code}"
    )


def test_a_coordinator_outside_the_case_sees_the_summary_but_not_the_identity(people, cells):
    case = make_case(people["coordinator"], cell=cells["south"])
    response = signed_in(people["coordinator"]).get(reverse("cases:detail", args=[case.pk]))
    body = response.content.decode()
    assert case.person.pseudonym in body
    for secret in ("ကျော်ထူး", "Kyaw Htoo", "@kyaw_htoo_test", "Monywa", "Battalion 999"):
        assert secret not in body


def test_a_cell_member_sees_the_identity_and_the_read_is_audited(people, north_case):
    from passage.core.models import AuditRecord

    response = signed_in(people["vetter"]).get(reverse("cases:detail", args=[north_case.pk]))
    body = response.content.decode()
    assert "ကျော်ထူး" in body and "@kyaw_htoo_test" in body
    read = AuditRecord.objects.filter(action="person.read_identity").order_by("seq").last()
    assert read.actor == people["vetter"] and read.object_id == str(north_case.person.pk)


def test_a_user_assigned_by_name_sees_a_case_outside_their_cell(people, cells):
    case = make_case(people["coordinator"], cell=cells["south"], assignees=[people["planner"]])
    response = signed_in(people["planner"]).get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200


def test_the_queue_lists_only_visible_cases(people, cells):
    own = make_case(people["coordinator"], cell=cells["north"])
    other = make_case(people["coordinator"], cell=cells["south"])
    body = signed_in(people["vetter"]).get(reverse("cases:queue")).content.decode()
    assert own.person.pseudonym in body and other.person.pseudonym not in body
    body = signed_in(people["coordinator"]).get(reverse("cases:queue")).content.decode()
    assert own.person.pseudonym in body and other.person.pseudonym in body
